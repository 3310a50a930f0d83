/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Text from a box or an archive (os-release values, paths) is untrusted:
 * printed raw, an escape sequence in it would act on the caller's terminal
 * (clear it, retitle it, move the cursor over what was printed before).
 */

/* The length in bytes of the control character s starts with: 1 for C0
 * (U+0000..U+001F) and DEL, 2 for a C1 control as UTF-8 writes it
 * (U+0080..U+009F, bytes C2 80..C2 9F), 0 for anything else. */
size_t control_char_len(const char *s);

/* Make s, in place, safe to print on a terminal: each control character
 * (control_char_len) becomes one '?'. s may be NULL; returns s. */
char *printable(char *s);

/* A space or a tab: what separates words in a line. */
bool is_blank(char c);

/* A blank, or the '\r' of a line that ends in CRLF (a file written on
 * another system): what separates words in the lines of a config file
 * whose format allows either. */
bool is_line_blank(char c);

/* The next line of the buffer that *pos walks up to end: its start in
 * *line and its length without the '\n' in *len; *pos moves past the
 * '\n' (to end, for a last line without one). false once *pos reaches
 * end: an empty buffer has no line, and a final '\n' starts none. Whether
 * the line had its '\n': *line + *len < end. */
bool next_line(const char **pos, const char *end, const char **line, size_t *len);

/* Append the formatted text to the string in buf (size bytes) at *off,
 * moving *off to its end: 0, or -ENOSPC when it does not fit (buf then
 * holds what fitted, *off is left). */
int append_text(char *buf, size_t size, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* s as one word of a POSIX shell's command line, for the user to read and
 * paste: as it is when it needs no quoting, else between single quotes,
 * or as $'...' (bash, zsh, ksh) with every control character escaped when
 * it holds one, so that none reaches the terminal raw. */
void shell_quote(FILE *f, const char *s);
