// SPDX-License-Identifier: GPL-2.0-or-later
#include "util/parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int r = parse_u64(s, min, max, &v);
	if (r == 0)
		*out = (uint32_t)v;
	return r;
}

bool box_name_valid(const char *s)
{
	if (!s || !isalnum((unsigned char)s[0]) || !isascii((unsigned char)s[0]))
		return false;
	size_t n = 0;
	for (const char *p = s; *p; p++, n++) {
		unsigned char c = (unsigned char)*p;
		if (!isascii(c) || !(isalnum(c) || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return n <= 64;
}

bool target_is_path(const char *s)
{
	return strchr(s, '/') || strcmp(s, ".") == 0 || strcmp(s, "..") == 0;
}

int name_to_value(const struct name_value *t, const char *name, int *out)
{
	for (; t->name; t++)
		if (strcmp(t->name, name) == 0) {
			*out = t->value;
			return 0;
		}
	return -EINVAL;
}

const char *value_to_name(const struct name_value *t, int value, const char *fallback)
{
	for (; t->name; t++)
		if (t->value == value)
			return t->name;
	return fallback;
}

const struct name_value compression_names[] = {
	{ "none", COMPRESS_NONE },
	{ "gzip", COMPRESS_GZIP },
	{ "xz", COMPRESS_XZ },
	{ "zstd", COMPRESS_ZSTD },
	{ NULL, 0 },
};

int parse_compression_level(enum compression c, const char *s, int *level, char *why, size_t size)
{
	/* zstd's 20-22 ("ultra") take hundreds of MB a thread: left out. */
	static const uint32_t range[][2] = {
		[COMPRESS_GZIP] = { 1, 9 },
		[COMPRESS_XZ] = { 0, 9 },
		[COMPRESS_ZSTD] = { 1, 19 },
	};
	if (c == COMPRESS_NONE || (unsigned)c >= sizeof(range) / sizeof(range[0])) {
		snprintf(why, size, "--compress=%s has no level",
			 value_to_name(compression_names, (int)c, "?"));
		return -EINVAL;
	}
	uint32_t v = 0;
	if (parse_u32(s, range[c][0], range[c][1], &v) < 0) {
		snprintf(why, size, "%s takes %u to %u",
			 value_to_name(compression_names, (int)c, "?"), range[c][0], range[c][1]);
		return -EINVAL;
	}
	*level = (int)v;
	return 0;
}

const struct name_value export_format_names[] = {
	{ "tar", FORMAT_TAR },
	{ "oci-archive", FORMAT_OCI_ARCHIVE },
	{ "docker-archive", FORMAT_DOCKER_ARCHIVE },
	{ NULL, 0 },
};

const struct name_value progress_names[] = {
	{ "auto", PROGRESS_AUTO },
	{ "always", PROGRESS_ALWAYS },
	{ "never", PROGRESS_NEVER },
	{ NULL, 0 },
};

int compare_ints(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}
