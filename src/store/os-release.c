// SPDX-License-Identifier: GPL-2.0-or-later
#include "store/os-release.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/resolve.h"
#include "util/cleanup.h"
#include "util/text.h"

/* Real os-release files are a few hundred bytes. */
#define OS_RELEASE_FILE_MAX (64u << 10)

static bool is_key_char(char c, bool first)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

/* Append c to the value being built; false when it would not fit. */
static bool put(char *out, size_t *n, char c)
{
	if (c == '\0' || *n + 1 >= OS_RELEASE_VALUE_MAX)
		return false;
	out[(*n)++] = c;
	return true;
}

/* The shell word in [p, eol) into out (NUL-terminated), followed only by
 * blanks and an optional comment. false when malformed. os-release(5)
 * forbids values spanning lines, so a quote must close on its own line. */
static bool parse_value(const char *p, const char *eol, char out[OS_RELEASE_VALUE_MAX])
{
	size_t n = 0;
	while (p < eol && !is_line_blank(*p)) {
		char c = *p++;
		if (c == '"') {
			for (;;) {
				if (p >= eol)
					return false;
				c = *p++;
				if (c == '"')
					break;
				/* Inside double quotes a backslash quotes only
				 * these; before anything else it is literal. */
				if (c == '\\' && p < eol && strchr("\"\\$`", *p))
					c = *p++;
				if (!put(out, &n, c))
					return false;
			}
		} else if (c == '\'') {
			const char *close = memchr(p, '\'', (size_t)(eol - p));
			if (!close)
				return false;
			while (p < close)
				if (!put(out, &n, *p++))
					return false;
			p++;
		} else {
			if (c == '\\') {
				if (p >= eol)
					return false;
				c = *p++;
			}
			if (!put(out, &n, c))
				return false;
		}
	}
	while (p < eol && is_line_blank(*p))
		p++;
	if (p < eol && *p != '#')
		return false;
	out[n] = '\0';
	return true;
}

/* The field of out that key names, or NULL for a key nschroot ignores. */
static char *field(struct os_release *out, const char *key, size_t klen)
{
	static const struct {
		const char *key;
		size_t offset;
	} fields[] = {
		{ "ID", offsetof(struct os_release, id) },
		{ "ID_LIKE", offsetof(struct os_release, id_like) },
		{ "VERSION_ID", offsetof(struct os_release, version_id) },
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strlen(fields[i].key) == klen && memcmp(fields[i].key, key, klen) == 0)
			return (char *)out + fields[i].offset;
	return NULL;
}

static void parse_line(const char *p, const char *eol, struct os_release *out)
{
	while (p < eol && is_line_blank(*p))
		p++;
	const char *key = p;
	if (p >= eol || !is_key_char(*p, true))
		return; /* blank, comment, or not an assignment */
	while (p < eol && is_key_char(*p, false))
		p++;
	if (p >= eol || *p != '=')
		return;
	char *dst = field(out, key, (size_t)(p - key));
	char value[OS_RELEASE_VALUE_MAX];
	/* Into a scratch buffer first: a malformed line must not clobber a
	 * value an earlier good line set. */
	if (dst && parse_value(p + 1, eol, value))
		memcpy(dst, value, strlen(value) + 1);
}

void os_release_parse(const char *buf, size_t len, struct os_release *out)
{
	*out = (struct os_release){ 0 };
	const char *line;
	size_t n;
	for (const char *p = buf; next_line(&p, buf + len, &line, &n);)
		parse_line(line, line + n, out);
}

int os_release_read(int rootfd, struct os_release *out)
{
	static const char *const paths[] = { "/etc/os-release", "/usr/lib/os-release" };
	*out = (struct os_release){ 0 };
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		_cleanup_free_ char *buf = NULL;
		size_t len;
		int r = read_file_in_root(rootfd, paths[i], OS_RELEASE_FILE_MAX, &buf, &len);
		/* Absent, dangling, a FIFO or device, a directory, too large, a
		 * link loop: none of them is an os-release to read. */
		if (r == -ENOENT || r == -EINVAL || r == -EFBIG || r == -ELOOP || r == -ENOTDIR ||
		    r == -EISDIR)
			continue;
		if (r < 0)
			return r;
		os_release_parse(buf, len, out);
		return 0;
	}
	return -ENOENT;
}
