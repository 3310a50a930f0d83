// SPDX-License-Identifier: GPL-2.0-or-later
#include "util/text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

size_t control_char_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (*p < 0x20 || *p == 0x7f)
		return *p ? 1 : 0;
	/* 0x9b alone is an 8-bit CSI to some terminals, but in UTF-8 text it
	 * is a continuation byte like any other: only the encoded C1 is. */
	if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
		return 2;
	return 0;
}

char *printable(char *s)
{
	if (!s)
		return s;
	char *out = s;
	for (const char *p = s; *p;) {
		size_t n = control_char_len(p);
		if (n) {
			*out++ = '?';
			p += n;
		} else {
			*out++ = *p++;
		}
	}
	*out = '\0';
	return s;
}

bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

bool is_line_blank(char c)
{
	return is_blank(c) || c == '\r';
}

bool next_line(const char **pos, const char *end, const char **line, size_t *len)
{
	const char *p = *pos;
	if (p >= end)
		return false;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	*line = p;
	*len = (size_t)((nl ? nl : end) - p);
	/* Not p + *len + 1: past the last line, that would point beyond
	 * one-past-the-end of the buffer (undefined behaviour). */
	*pos = nl ? nl + 1 : end;
	return true;
}

int append_text(char *buf, size_t size, size_t *off, const char *fmt, ...)
{
	if (*off >= size)
		return -ENOSPC;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *off, size - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *off)
		return -ENOSPC;
	*off += (size_t)n;
	return 0;
}

/* Characters a shell word may hold unquoted. */
static bool shell_plain(const char *s)
{
	static const char extra[] = "@%+=:,./_-";
	if (!*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && !strchr(extra, *p))
			return false;
	return true;
}

void shell_quote(FILE *f, const char *s)
{
	if (shell_plain(s)) {
		fputs(s, f);
		return;
	}
	bool control = false;
	for (const char *p = s; *p && !control; p++)
		control = control_char_len(p) != 0;
	if (!control) {
		/* 'it'\''s': a quote ends the quoting, is escaped, starts it again. */
		fputc('\'', f);
		for (const char *p = s; *p; p++)
			if (*p == '\'')
				fputs("'\\''", f);
			else
				fputc(*p, f);
		fputc('\'', f);
		return;
	}
	/* $'...': the control characters as escapes, none raw on the terminal. */
	fputs("$'", f);
	for (const char *p = s; *p;) {
		unsigned char c = (unsigned char)*p;
		size_t n = control_char_len(p);
		if (c == '\n' || c == '\t')
			fputs(c == '\n' ? "\\n" : "\\t", f);
		else if (c == '\'' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (n == 2)
			fprintf(f, "\\x%02x\\x%02x", c, (unsigned char)p[1]);
		else if (n)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
		p += n == 2 ? 2 : 1;
	}
	fputc('\'', f);
}
