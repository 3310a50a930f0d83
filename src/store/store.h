/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "store/boxconf.h"
#include "util/failure.h"

/*
 * The store (DESIGN.md "The store"):
 *
 *   STORE/boxes/NAME/rootfs/    the root filesystem
 *   STORE/boxes/NAME/box.conf   see boxconf.h
 *   STORE/boxes/.NAME.XXXXXX/   a box being created (staging)
 *
 * STORE is $NSCHROOT_HOME, else ${XDG_DATA_HOME:-$HOME/.local/share}/nschroot,
 * mode 0700: a box holds set-id files owned by the caller, which no other
 * host user may reach.
 */

/* The store's path, newly allocated, or NULL (errno set: ENOENT when no
 * HOME is known). */
char *store_path(void);

/* The rootfs of the box called name: STORE/boxes/NAME/rootfs. 0, or -errno
 * (-ENOENT: no such box). */
int store_box_rootfs(const char *name, char **out);

/* The disk usage of the tree at path in bytes, as du counts it (blocks,
 * no link followed, no other file system entered); what cannot be read is
 * not counted. */
uint64_t store_tree_usage(const char *path);

/* Open STORE/boxes; with create, make the store (0700) and boxes/ first.
 * A store reachable by other users is made 0700 again; one owned by
 * another user is refused. A descriptor, or -errno with f set. */
int store_open_boxes(bool create, struct failure *f);

/* Lock the box directory boxes/NAME: shared for run and enter, exclusive
 * for rm, export and fixup. Without wait, a box locked the other way gives
 * -EWOULDBLOCK. The lock is the returned descriptor; -ENOENT: no box. */
int store_lock_box(int boxesfd, const char *name, bool exclusive, bool wait);

/* Read and write box.conf in the box directory dirfd. Writing is atomic
 * (a temporary file, fsync, rename). 0 or -errno. */
int store_read_conf(int dirfd, struct box_conf *out);
int store_write_conf(int dirfd, const struct box_conf *conf);

/* Make boxes/.NAME.XXXXXX, locked exclusively while it is worked on (so a
 * later create can tell a live staging directory from a crash's). Its
 * name goes to *staging, the lock to *lockfd. 0 or -errno. */
int store_staging_create(int boxesfd, const char *name, char **staging, int *lockfd);

/* Whether entry, a name in boxes/, is a staging directory. */
bool store_is_staging(const char *entry);

/* Rename boxes/NAME out of the way to a hidden name (returned in
 * *retired), so that a box being removed is gone at once and a crash
 * half-way leaves what the next create cleans up. 0 or -errno. */
int store_retire(int boxesfd, const char *name, char **retired);

/* Rename a finished staging directory to boxes/NAME, never replacing an
 * existing box (-EEXIST). */
int store_commit(int boxesfd, const char *staging, const char *name);
