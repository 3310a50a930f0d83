// SPDX-License-Identifier: GPL-2.0-or-later
/* The rootfs' os-release, written by whoever made the image: it decides
 * which fixups nschroot offers to apply. Besides the parser's own bounds,
 * the values must survive being written back in double quotes, so that
 * the quoting rules agree with the shell's. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "store/fixups.h"
#include "store/os-release.h"

static void check_value(const char *v)
{
	fuzz_assert(strnlen(v, OS_RELEASE_VALUE_MAX) < OS_RELEASE_VALUE_MAX);
	fuzz_assert(!strchr(v, '\n'));
}

/* KEY="VALUE" with the four characters that double quotes escape. */
static void put_field(FILE *f, const char *key, const char *v)
{
	fprintf(f, "%s=\"", key);
	for (; *v; v++) {
		if (strchr("\"\\$`", *v))
			fputc('\\', f);
		fputc(*v, f);
	}
	fputs("\"\n", f);
}

static void check_reparse(const struct os_release *os)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fuzz_assert(f != NULL);
	put_field(f, "ID", os->id);
	put_field(f, "ID_LIKE", os->id_like);
	put_field(f, "VERSION_ID", os->version_id);
	fuzz_assert(fclose(f) == 0);
	struct os_release back;
	os_release_parse(buf, len, &back);
	fuzz_assert(strcmp(os->id, back.id) == 0);
	fuzz_assert(strcmp(os->id_like, back.id_like) == 0);
	fuzz_assert(strcmp(os->version_id, back.version_id) == 0);
	free(buf);
}

/* An oracle for fixups.c's word match, written another way. */
static bool has_word(const char *list, const char *word)
{
	char copy[OS_RELEASE_VALUE_MAX];
	char *save = NULL;
	memcpy(copy, list, strlen(list) + 1);
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		if (strcmp(w, word) == 0)
			return true;
	return false;
}

static bool os_is(const struct os_release *os, const char *word)
{
	return has_word(os->id, word) || has_word(os->id_like, word);
}

static void check_fixups(const struct os_release *os)
{
	bool debian = os_is(os, "debian") || os_is(os, "ubuntu");
	bool arch = os_is(os, "arch");
	for (int root = 0; root <= 1; root++) {
		unsigned set = fixups_applicable(os, root);
		fuzz_assert((set & ~(unsigned)FIXUP_ALL) == 0 && (set & FIXUP_HOSTS));
		fuzz_assert(!!(set & FIXUP_DPKG) == debian);
		fuzz_assert(!!(set & FIXUP_APT) == (debian && root));
		fuzz_assert(!!(set & FIXUP_PACMAN) == (arch && root));
	}
	fuzz_assert(fixups_applicable(NULL, true) == FIXUP_HOSTS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct os_release os;
	os_release_parse((const char *)data, size, &os);
	check_value(os.id);
	check_value(os.id_like);
	check_value(os.version_id);
	check_reparse(&os);
	check_fixups(&os);
	return 0;
}
