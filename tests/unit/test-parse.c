// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of src/util/parse.c: numbers and box names come straight from
 * the command line and from box.conf, so every malformed form must be
 * refused rather than half-parsed (the atoi/strtoul traps). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "util/parse.h"

/* A value parse_u32 must not write on failure. */
#define SENTINEL 0xdeadbeefu

/* s as a test name shows it: control characters escaped, so that a
 * newline in an input does not break the TAP line. */
static const char *shown(const char *s, char *buf, size_t size)
{
	if (!s)
		return "(null)";
	size_t n = 0;
	for (; *s && n + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
		else
			buf[n++] = (char)c;
	}
	buf[n] = '\0';
	return buf;
}

static void check_u32(const char *s, uint32_t min, uint32_t max, int want_r, uint32_t want)
{
	uint32_t v = SENTINEL;
	int r = parse_u32(s, min, max, &v);
	char buf[128];
	const char *name = shown(s, buf, sizeof(buf));
	is_int(r, want_r, "parse_u32('%s', %u, %u) returns %d", name, min, max, want_r);
	is_int(v, want_r == 0 ? want : SENTINEL, "parse_u32('%s') %s", name,
	       want_r == 0 ? "stores the value" : "leaves the output alone");
}

static void test_parse_u32(void)
{
	/* Valid numbers, and the whole uint32_t range at its ends. */
	check_u32("0", 0, UINT32_MAX, 0, 0);
	check_u32("42", 0, UINT32_MAX, 0, 42);
	check_u32("4294967295", 0, UINT32_MAX, 0, UINT32_MAX);
	check_u32("007", 0, UINT32_MAX, 0, 7);

	/* min and max are both inclusive. */
	check_u32("1", 1, 10, 0, 1);
	check_u32("10", 1, 10, 0, 10);
	check_u32("0", 1, 10, -ERANGE, 0);
	check_u32("11", 1, 10, -ERANGE, 0);
	check_u32("5", 5, 5, 0, 5);
	check_u32("4294967295", 0, UINT32_MAX - 1, -ERANGE, 0);

	/* Overflow: past uint32_t but inside unsigned long long, at the top of
	 * unsigned long long, and past it (strtoull's own ERANGE). None may
	 * wrap around to a small id. */
	check_u32("4294967296", 0, UINT32_MAX, -ERANGE, 0);
	check_u32("18446744073709551615", 0, UINT32_MAX, -ERANGE, 0);
	check_u32("18446744073709551616", 0, UINT32_MAX, -ERANGE, 0);
	check_u32("99999999999999999999999999999999999999999999999999", 0, UINT32_MAX, -ERANGE, 0);

	/* strtoull would accept these leading forms ("-1" even as ULLONG_MAX,
	 * i.e. uid 4294967295): the parser must not. */
	check_u32("-1", 0, UINT32_MAX, -EINVAL, 0);
	check_u32("-0", 0, UINT32_MAX, -EINVAL, 0);
	check_u32("+1", 0, UINT32_MAX, -EINVAL, 0);
	check_u32(" 1", 0, UINT32_MAX, -EINVAL, 0);
	check_u32("\t1", 0, UINT32_MAX, -EINVAL, 0);
	check_u32("", 0, UINT32_MAX, -EINVAL, 0);
	check_u32(NULL, 0, UINT32_MAX, -EINVAL, 0);

	/* The whole string is the number: trailing garbage is refused. */
	check_u32("1 ", 0, UINT32_MAX, -EINVAL, 0);
	check_u32("1x", 0, UINT32_MAX, -EINVAL, 0);
	check_u32("1.0", 0, UINT32_MAX, -EINVAL, 0);
	check_u32("0x10", 0, UINT32_MAX, -EINVAL, 0);
	check_u32("1000\n", 0, UINT32_MAX, -EINVAL, 0);
	/* Garbage after an overflowing number: malformed before too large. */
	check_u32("99999999999999999999999x", 0, UINT32_MAX, -EINVAL, 0);
}

static void test_box_names(void)
{
	char name[80];

	/* The length limit is 64 bytes, inclusive. */
	memset(name, 'a', 64);
	name[64] = '\0';
	ok(box_name_valid(name), "a 64-character box name is valid");
	memset(name, 'a', 65);
	name[65] = '\0';
	ok(!box_name_valid(name), "a 65-character box name is refused");

	ok(box_name_valid("a"), "a one-character name is valid");
	ok(box_name_valid("0debian"), "a name may start with a digit");
	ok(box_name_valid("Debian-12.5_x"), "'.', '-' and '_' are allowed after the first byte");

	/* A leading '.' would collide with the store's staging directories
	 * (boxes/.NAME.XXXXXX) and hide the box; '-' would read as an option. */
	ok(!box_name_valid(".hidden"), "a leading '.' is refused");
	ok(!box_name_valid("."), "'.' is refused");
	ok(!box_name_valid(".."), "'..' is refused");
	ok(!box_name_valid("-rf"), "a leading '-' is refused");
	ok(!box_name_valid("_x"), "a leading '_' is refused");
	ok(!box_name_valid(""), "the empty name is refused");
	ok(!box_name_valid(NULL), "NULL is refused");

	/* A name is one path component of the store and nothing else. */
	ok(!box_name_valid("a/b"), "'/' is refused");
	ok(!box_name_valid("a b"), "a space is refused");
	ok(!box_name_valid("a:b"), "':' is refused");
	ok(!box_name_valid("a\nb"), "a newline is refused");
	ok(!box_name_valid("caf\xc3\xa9"), "a non-ASCII byte after the first is refused");
	ok(!box_name_valid("\xc3\xa9t\xc3\xa9"), "a non-ASCII first byte is refused");
	ok(!box_name_valid("a\xff"), "byte 0xff is refused");
}

static void test_target_is_path(void)
{
	ok(target_is_path("a/b"), "'a/b' is a path");
	ok(target_is_path("/srv/rootfs"), "an absolute name is a path");
	ok(target_is_path("a/"), "a trailing '/' makes a path");
	ok(target_is_path("."), "'.' is a path");
	ok(target_is_path(".."), "'..' is a path");
	ok(target_is_path("./x"), "'./x' is a path");
	ok(!target_is_path("name"), "'name' is a box name");
	ok(!target_is_path("na.me"), "'na.me' is a box name");
	ok(!target_is_path("..."), "'...' is not a path");
	ok(!target_is_path(".x"), "'.x' is not a path");
}

static void test_compression_level(void)
{
	char why[64];
	int level = -1;
	ok(parse_compression_level(COMPRESS_GZIP, "9", &level, why, sizeof(why)) == 0 && level == 9,
	   "gzip takes 9");
	ok(parse_compression_level(COMPRESS_XZ, "0", &level, why, sizeof(why)) == 0 && level == 0,
	   "xz takes 0");
	ok(parse_compression_level(COMPRESS_ZSTD, "19", &level, why, sizeof(why)) == 0 &&
	       level == 19,
	   "zstd takes 19");
	ok(parse_compression_level(COMPRESS_GZIP, "0", &level, why, sizeof(why)) == -EINVAL &&
	       strcmp(why, "gzip takes 1 to 9") == 0,
	   "gzip refuses 0, saying its range");
	ok(parse_compression_level(COMPRESS_ZSTD, "20", &level, why, sizeof(why)) == -EINVAL &&
	       strcmp(why, "zstd takes 1 to 19") == 0,
	   "zstd refuses 20 (ultra)");
	ok(parse_compression_level(COMPRESS_XZ, "fast", &level, why, sizeof(why)) == -EINVAL,
	   "a word is refused");
	ok(parse_compression_level(COMPRESS_NONE, "3", &level, why, sizeof(why)) == -EINVAL &&
	       strcmp(why, "--compress=none has no level") == 0,
	   "none has no level");
}

int main(void)
{
	test_parse_u32();
	test_compression_level();
	test_box_names();
	test_target_is_path();
	return done_testing();
}
