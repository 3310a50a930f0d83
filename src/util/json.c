// SPDX-License-Identifier: GPL-2.0-or-later
#include "util/json.h"

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
