// SPDX-License-Identifier: GPL-2.0-or-later
#include "util/json.h"

#include <ctype.h>
#include <string.h>

#include "util/text.h"

/* The n bytes at s, escaped, between quotes. */
static void json_chars(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (const char *p = s, *end = s + n; p < end;) {
		size_t len = control_char_len(p);
		const unsigned char c = (unsigned char)p[len == 2 ? 1 : 0];
		if (len == 1 && *p == '\n')
			fputs("\\n", f);
		else if (len == 1 && *p == '\t')
			fputs("\\t", f);
		else if (len)
			/* U+0000..U+009F: the code point is the last byte. */
			fprintf(f, "\\u%04x", c);
		else if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else
			fputc(*p, f);
		p += len ? len : 1;
	}
	fputc('"', f);
}

void json_string(FILE *f, const char *s)
{
	if (s)
		json_chars(f, s, strlen(s));
	else
		fputs("null", f);
}

void json_split(FILE *f, const char *s, char sep)
{
	fputc('[', f);
	for (const char *p = s; p && *p;) {
		const char *end = strchr(p, sep);
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (p != s)
			fputs(", ", f);
		json_chars(f, p, n);
		p += n + (end ? 1 : 0);
	}
	fputc(']', f);
}

/* The length of the JSON string s starts with, its quotes included, or 0
 * when s does not start with one. */
static size_t json_string_len(const char *s)
{
	if (*s != '"')
		return 0;
	const char *p = s + 1;
	for (; *p != '"'; p++) {
		if ((unsigned char)*p < 0x20)
			return 0; /* the end of s, or a control character */
		if (*p != '\\')
			continue;
		p++;
		if (*p == 'u') {
			for (int i = 1; i <= 4; i++)
				if (!isxdigit((unsigned char)p[i]))
					return 0;
			p += 4;
		} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
			return 0;
		}
	}
	return (size_t)(p - s) + 1;
}

static const char *skip_space(const char *s)
{
	return s + strspn(s, " \t\r\n");
}

bool json_is_string_array(const char *s)
{
	s = skip_space(s);
	if (*s != '[')
		return false;
	s = skip_space(s + 1);
	if (*s == ']')
		return *skip_space(s + 1) == '\0';
	for (;;) {
		size_t n = json_string_len(s);
		if (n == 0)
			return false;
		s = skip_space(s + n);
		if (*s != ',')
			break;
		s = skip_space(s + 1);
	}
	return *s == ']' && *skip_space(s + 1) == '\0';
}
