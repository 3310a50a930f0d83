// SPDX-License-Identifier: GPL-2.0-or-later
/* /etc/subuid and /etc/subgid, and the "START:COUNT,..." lists box.conf
 * keeps. The ranges end up in newuidmap's arguments: the kernel refuses a
 * map whose ranges overlap or reach 2^32 - 1, and nschroot promises never
 * to ask for one. The input's first line is "NAME UID OWN" (NAME "-" for
 * none), the rest the file; the whole input is also tried as a list. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "base/subid.h"

#define LIST_MAX (SUBID_MAX_RANGES * 24)

static bool overlap(const struct subid_range *a, const struct subid_range *b)
{
	return (uint64_t)a->start < (uint64_t)b->start + b->count &&
	       (uint64_t)b->start < (uint64_t)a->start + a->count;
}

/* What both parsers promise about any ranges they return. */
static void check_shape(const struct subid_ranges *s)
{
	uint64_t total = 0;
	fuzz_assert(s->n <= SUBID_MAX_RANGES);
	for (size_t i = 0; i < s->n; i++) {
		fuzz_assert(s->r[i].count >= 1);
		fuzz_assert((uint64_t)s->r[i].start + s->r[i].count - 1 < UINT32_MAX);
		total += s->r[i].count;
	}
	fuzz_assert(total == s->total && total <= SUBID_MAX_IDS);
}

/* box.conf stores what subid_format writes and reads it back with
 * subid_parse_list: the two must agree. */
static void check_round_trip(const struct subid_ranges *s)
{
	char buf[LIST_MAX];
	struct subid_ranges back;
	fuzz_assert(subid_format(s, buf, sizeof(buf)) == 0);
	fuzz_assert(subid_parse_list(buf, strlen(buf), &back) == 0);
	fuzz_assert(fuzz_same_ranges(s, &back));
}

static void check_file(const char *text, size_t len, const char *name, uint32_t uid, uint32_t own)
{
	struct subid_ranges s;
	subid_parse(text, len, name, uid, own, &s);
	check_shape(&s);
	for (size_t i = 0; i < s.n; i++) {
		struct subid_range self = { own, 1 };
		fuzz_assert(!overlap(&s.r[i], &self));
		for (size_t j = i + 1; j < s.n; j++)
			fuzz_assert(!overlap(&s.r[i], &s.r[j]));
	}
	check_round_trip(&s);
}

static void check_list(const char *s, size_t n)
{
	struct subid_ranges r;
	int ret = subid_parse_list(s, n, &r);
	if (ret < 0) {
		fuzz_assert(ret == -EINVAL);
		return;
	}
	check_shape(&r);
	check_round_trip(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	check_list(text, size);

	const char *nl = memchr(text, '\n', size);
	size_t hlen = nl ? (size_t)(nl - text) : size;
	char *header = strndup(text, hlen);
	if (!header)
		return 0;
	char *save = NULL;
	char *name = strtok_r(header, " ", &save);
	char *uid = name ? strtok_r(NULL, " ", &save) : NULL;
	char *own = uid ? strtok_r(NULL, " ", &save) : NULL;
	const char *rest = nl ? nl + 1 : text + size;
	check_file(rest, (size_t)(text + size - rest), name && strcmp(name, "-") != 0 ? name : NULL,
		   uid ? (uint32_t)strtoul(uid, NULL, 10) : 1000,
		   own ? (uint32_t)strtoul(own, NULL, 10) : 1000);
	free(header);
	return 0;
}
