// SPDX-License-Identifier: GPL-2.0-or-later
/* The rootfs' /etc/passwd and /etc/group, which the box's owner (or the
 * image's author) wrote: they pick the inside user's uid, home and shell.
 * The input's first line is the name to look up, also read as a uid; the
 * rest is the file. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "base/passwd.h"
#include "util/parse.h"

static bool clean(const char *field)
{
	return !strchr(field, ':') && !strchr(field, '\n');
}

/* Every entry comes from one well-formed line. */
static void check_entry(const struct pw_entry *pw)
{
	fuzz_assert(pw->name && pw->home && pw->shell);
	fuzz_assert(clean(pw->name) && clean(pw->home) && clean(pw->shell));
	fuzz_assert(pw->name[0] != '#' && pw->name[0] != '+' && pw->name[0] != '-');
	fuzz_assert(pw->uid != UINT32_MAX && pw->gid != UINT32_MAX);
}

static void check_by_name(const char *file, size_t len, const char *name)
{
	struct pw_entry pw = { 0 };
	int r = passwd_find_name(file, len, name, &pw);
	if (r < 0) {
		fuzz_assert(r == -ENOENT || r == -ENOMEM);
		return;
	}
	check_entry(&pw);
	fuzz_assert(strcmp(pw.name, name) == 0);
	pw_entry_free(&pw);
}

static void check_by_uid(const char *file, size_t len, uint32_t uid)
{
	struct pw_entry pw = { 0 };
	int r = passwd_find_uid(file, len, uid, &pw);
	if (r < 0) {
		fuzz_assert(r == -ENOENT || r == -ENOMEM);
		return;
	}
	check_entry(&pw);
	fuzz_assert(pw.uid == uid);
	/* The line found is well-formed, so a lookup by its name finds it or
	 * an earlier line of that name, never nothing. */
	struct pw_entry again = { 0 };
	fuzz_assert(passwd_find_name(file, len, pw.name, &again) == 0);
	fuzz_assert(strcmp(again.name, pw.name) == 0);
	pw_entry_free(&again);
	pw_entry_free(&pw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nl = memchr(text, '\n', size);
	if (!nl)
		return 0;
	char *key = strndup(text, (size_t)(nl - text));
	if (!key)
		return 0;
	const char *file = nl + 1;
	size_t len = (size_t)(text + size - file);

	check_by_name(file, len, key);
	uint32_t uid;
	if (parse_u32(key, 0, UINT32_MAX, &uid) == 0)
		check_by_uid(file, len, uid);
	uint32_t gid = 0;
	if (group_find_name(file, len, key, &gid) == 0)
		fuzz_assert(gid != UINT32_MAX);
	free(key);
	return 0;
}
