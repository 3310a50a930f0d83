/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

/* The fields of os-release(5) that nschroot uses. A rootfs is untrusted, so
 * each value is bounded: a longer one is treated as malformed and ignored,
 * never truncated into something that might match a known distro. Fields
 * not set are empty strings. */
#define OS_RELEASE_VALUE_MAX 256

struct os_release {
	char id[OS_RELEASE_VALUE_MAX];	       /* "debian" */
	char id_like[OS_RELEASE_VALUE_MAX];    /* "ubuntu debian", space-separated */
	char version_id[OS_RELEASE_VALUE_MAX]; /* "12" */
};

/* Parse the text of an os-release file (len bytes, need not be
 * NUL-terminated) into *out, which is cleared first. Lines are
 * KEY=VALUE, the value shell-quoted: "..." (with \" \\ \$ \` escapes),
 * '...' (literal), or bare (a backslash quotes the next character), and
 * parts may be concatenated. Comments, blank lines, unknown keys and
 * malformed lines (no '=', a bad key, an unterminated quote, text after
 * the value, a value of OS_RELEASE_VALUE_MAX bytes or more) are skipped; a
 * later assignment wins over an earlier one, as in the shell. */
void os_release_parse(const char *buf, size_t len, struct os_release *out);

/* Read /etc/os-release, else /usr/lib/os-release, inside rootfd (resolved
 * in the root: a link never leads out of it; a FIFO never blocks). A file
 * that is not regular, or larger than 64 KiB, counts as absent. 0;
 * -ENOENT when neither is there; another -errno when one could not be
 * read. *out is cleared in every case. */
int os_release_read(int rootfd, struct os_release *out);
