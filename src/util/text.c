// SPDX-License-Identifier: GPL-2.0-or-later
#include "util/text.h"

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
		*out++ = n ? '?' : *p;
		p += n ? n : 1;
	}
	*out = '\0';
	return s;
}
