// SPDX-License-Identifier: GPL-2.0-or-later
#include "base/subid.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/io.h"
#include "util/parse.h"
#include "util/text.h"

/* Larger files are not subordinate-id files anyone writes by hand. */
#define SUBID_FILE_MAX (4u << 20)

static bool field_is(const char *s, size_t len, const char *want)
{
	return want && strlen(want) == len && memcmp(s, want, len) == 0;
}

/* A decimal field of the line, as parse_u32 wants it: NUL-terminated. */
static int field_u32(const char *s, size_t len, uint32_t min, uint32_t *out)
{
	char buf[16];
	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return parse_u32(buf, min, UINT32_MAX, out);
}

static bool overlaps(uint32_t start, uint32_t count, uint32_t s2, uint32_t c2)
{
	return (uint64_t)start < (uint64_t)s2 + c2 && (uint64_t)s2 < (uint64_t)start + count;
}

static void add_range(struct subid_ranges *out, uint32_t start, uint32_t count, uint32_t own)
{
	if (out->n == SUBID_MAX_RANGES || out->total == SUBID_MAX_IDS)
		return;
	if ((uint64_t)start + count - 1 > UINT32_MAX - 1) /* 2^32 - 1 is "no id" */
		return;
	if (overlaps(start, count, own, 1))
		return;
	for (size_t i = 0; i < out->n; i++)
		if (overlaps(start, count, out->r[i].start, out->r[i].count))
			return;
	if (count > SUBID_MAX_IDS - out->total)
		count = SUBID_MAX_IDS - out->total;
	out->r[out->n++] = (struct subid_range){ .start = start, .count = count };
	out->total += count;
}

int subid_each_line(const char *text, size_t len, subid_line_fn fn, void *ctx)
{
	const char *line;
	size_t n;
	for (const char *p = text; next_line(&p, text + len, &line, &n);) {
		const char *eol = line + n;
		const char *c1 = memchr(line, ':', (size_t)(eol - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;
		uint32_t start, count;
		if (line < eol && *line != '#' && c2 &&
		    field_u32(c1 + 1, (size_t)(c2 - c1 - 1), 0, &start) == 0 &&
		    field_u32(c2 + 1, (size_t)(eol - c2 - 1), 1, &count) == 0) {
			int r = fn(line, (size_t)(c1 - line), start, count, ctx);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

struct caller_lines {
	const char *name;
	char uid[16];
	uint32_t own;
	struct subid_ranges *out;
};

static int add_callers(const char *owner, size_t owner_len, uint32_t start, uint32_t count,
		       void *ctx)
{
	struct caller_lines *c = ctx;
	if (field_is(owner, owner_len, c->name) || field_is(owner, owner_len, c->uid))
		add_range(c->out, start, count, c->own);
	return 0;
}

void subid_parse(const char *text, size_t len, const char *name, uint32_t uid, uint32_t own,
		 struct subid_ranges *out)
{
	*out = (struct subid_ranges){ 0 };
	struct caller_lines c = { .name = name, .own = own, .out = out };
	snprintf(c.uid, sizeof(c.uid), "%u", (unsigned)uid);
	subid_each_line(text, len, add_callers, &c);
}

int subid_read_file(const char *path, char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	return read_regular(fd, SUBID_FILE_MAX, buf, len);
}

int subid_read(const char *path, const char *name, uint32_t uid, uint32_t own,
	       struct subid_ranges *out)
{
	*out = (struct subid_ranges){ 0 };
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r = subid_read_file(path, &buf, &len);
	if (r < 0)
		return r;
	subid_parse(buf, len, name, uid, own, out);
	return 0;
}

static const char *env_or(const char *var, const char *fallback)
{
	const char *v = getenv(var);
	return v && *v ? v : fallback;
}

const char *subid_uid_file(void)
{
	return env_or("NSCHROOT_SUBUID_FILE", "/etc/subuid");
}

const char *subid_gid_file(void)
{
	return env_or("NSCHROOT_SUBGID_FILE", "/etc/subgid");
}

int subid_format(const struct subid_ranges *s, char *buf, size_t size)
{
	size_t off = 0;
	if (size == 0)
		return -ENOSPC;
	buf[0] = '\0';
	for (size_t i = 0; i < s->n; i++)
		if (append_text(buf, size, &off, "%s%u:%u", i ? "," : "", (unsigned)s->r[i].start,
				(unsigned)s->r[i].count) < 0)
			return -ENOSPC;
	return 0;
}

int subid_parse_list(const char *s, size_t n, struct subid_ranges *out)
{
	*out = (struct subid_ranges){ 0 };
	const char *end = s + n;
	while (s < end) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *item_end = comma ? comma : end;
		const char *colon = memchr(s, ':', (size_t)(item_end - s));
		uint32_t start, count;
		if (!colon || out->n == SUBID_MAX_RANGES ||
		    field_u32(s, (size_t)(colon - s), 0, &start) < 0 ||
		    field_u32(colon + 1, (size_t)(item_end - colon - 1), 1, &count) < 0 ||
		    count > SUBID_MAX_IDS - out->total ||
		    (uint64_t)start + count - 1 > UINT32_MAX - 1)
			return -EINVAL;
		/* The kernel refuses a map with overlapping ranges. */
		for (size_t i = 0; i < out->n; i++)
			if (overlaps(start, count, out->r[i].start, out->r[i].count))
				return -EINVAL;
		out->r[out->n++] = (struct subid_range){ start, count };
		out->total += count;
		if (comma && comma + 1 == end)
			return -EINVAL;
		s = comma ? comma + 1 : end;
	}
	return 0;
}
