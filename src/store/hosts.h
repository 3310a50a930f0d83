/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * The text of /etc/hosts under the fixup "hosts" (fixups.c does the files).
 *
 * Applied, a box's hostname resolves: a missing or empty file gets the
 * localhost lines, each form with its own first line, and any file lacking
 * a line that names the hostname gets HOSTS_LINE(name) after the rest. All
 * that undo needs is in the file itself, so that it works on a directory
 * target too, which has no box.conf: the first lines say which form was
 * written (undo removes the file, or empties it), and the added line is
 * marked (undo takes out exactly it, giving back the original bytes).
 */

/* The result of an edit: out (newly allocated, len bytes) is the new
 * text, unless remove says to delete the file. */
struct hosts_text {
	char *out;
	size_t len;
	bool changed; /* out, or the removal, differs from the input */
	bool ours;    /* the result holds something of the fixup's */
	bool remove;
};

/* Whether name can go in a hosts line: letters, digits, '.', '-', '_'. */
bool hosts_name_usable(const char *name);

/* The applied form of buf (len bytes; NULL: there is no file), for
 * hostname (NULL, or not usable: only the localhost lines of a missing or
 * empty file). 0 or -ENOMEM. */
int hosts_apply_text(const char *buf, size_t len, const char *hostname, struct hosts_text *t);

/* The original form of buf. 0 or -ENOMEM. */
int hosts_undo_text(const char *buf, size_t len, struct hosts_text *t);
