/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

/* Temporary trees for the unit tests that work on a real file system. */

enum { TMPTREE_MAX = 1024 };

/* Make ${TMPDIR:-/tmp}/nschroot-test-TAG.XXXXXX and put its canonical path
 * in base (a link written with it names it exactly, even where /tmp is a
 * symlink). Bails out on failure. */
void tmptree_make(const char *tag, char base[TMPTREE_MAX]);

/* Remove the tree at path, read-only and mode-000 directories included. */
void tmptree_remove(const char *path);

/* The entries of the directory at path (relative to dirfd), "." and ".."
 * not counted; (size_t)-1 when it cannot be opened. */
size_t count_entries(int dirfd, const char *path);

/* A directory to use as a rootfs: base/name, made here. */
struct test_root {
	char path[TMPTREE_MAX + 64];
	int fd;	   /* O_PATH, as the program opens a rootfs */
	int dirfd; /* a plain directory fd, to plant in and inspect */
};

struct test_root test_root_new(const char *base, const char *name);
void test_root_close(const struct test_root *r);
