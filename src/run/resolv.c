// SPDX-License-Identifier: GPL-2.0-or-later
/* The resolver configuration a box with a network of its own is given
 * (DESIGN.md, "Network"). */
#include "run/resolv.h"

#include <stdio.h>
#include <string.h>

/* One "nameserver ADDR" line's address: a loopback one? */
static bool loopback_address(const char *addr, size_t len)
{
	return (len >= 4 && strncmp(addr, "127.", 4) == 0) ||
	       (len == 3 && strncmp(addr, "::1", 3) == 0);
}

bool resolv_loopback_only(const char *text)
{
	bool any = false;
	for (const char *line = text; line && *line;) {
		const char *end = strchrnul(line, '\n');
		/* Blanks stop at the line's end: strspn takes no '\n'. */
		const char *p = line + strspn(line, " \t");
		if (strncmp(p, "nameserver", 10) == 0 && (p[10] == ' ' || p[10] == '\t')) {
			p += 10;
			p += strspn(p, " \t");
			size_t len = strcspn(p, " \t\n#;");
			if (!loopback_address(p, len))
				return false;
			any = true;
		}
		line = *end ? end + 1 : end;
	}
	return any;
}
