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

/* Open STORE/boxes; with create, make the store (0700) and boxes/ first.
 * A store reachable by other users is made 0700 again; one owned by
 * another user is refused. A descriptor, or -errno with f set. */
int store_open_boxes(bool create, struct failure *f);

/* The store's instances/ directory (run/instance.h), made (mode 0700) when
 * create is set and it is missing. A descriptor, or -errno. */
int store_open_instances(bool create);

/* How a command holds a box (DESIGN.md "The store", locking). */
enum box_access {
	BOX_LOOK,   /* info: read, no lock taken */
	BOX_USE,    /* run, enter: locked shared; a half-removed box is refused */
	BOX_CHANGE, /* rm, export, fixup: locked exclusively */
	/* Or'ed into the access by a command whose TARGET may be a directory
	 * instead: "no box named" then says how to write one. */
	BOX_NAME_OR_PATH = 1 << 4,
};

/* A box opened by store_open_box, released by box_close. */
struct box {
	int lock; /* boxes/NAME, its descriptor holding the lock; -1 when closed */
	struct box_conf conf;
	char *rootfs; /* STORE/boxes/NAME/rootfs; NULL (BOX_LOOK only) when absent */
};

/*
 * Open the box called name, a valid box name, as access says: open the
 * store, lock the box without waiting, read its box.conf, find its
 * rootfs. 0, or -errno with f saying what failed in the words the user
 * sees: "no box named 'NAME'" (-ENOENT, also when there is no store),
 * "box 'NAME' is in use" (-EWOULDBLOCK, BOX_CHANGE) or "is being changed"
 * (BOX_USE), a box.conf made by a newer nschroot, a half-removed box
 * (-EUCLEAN, BOX_USE) or a half-remapped one (-EUCLEAN, BOX_USE and
 * BOX_CHANGE: remap opens it with store_lock_box) with a hint on how to
 * finish it.
 */
int store_open_box(const char *name, enum box_access access, struct box *out, struct failure *f);
void box_close(struct box *b);

/* Lock the box directory boxes/NAME as access says, without waiting (rm
 * opens the store once for many boxes). The lock is the returned
 * descriptor, or -errno with f set as store_open_box sets it. */
int store_lock_box(int boxesfd, const char *name, enum box_access access, struct failure *f);

/* Read box.conf in the box directory dirfd of the box called name: 0, or
 * -errno with f set ("cannot read the box.conf of 'NAME'", or that a newer
 * nschroot made it). */
int store_read_conf(int dirfd, const char *name, struct box_conf *out, struct failure *f);

/* Write box.conf in the box directory dirfd, atomically (a temporary
 * file, fsync, rename). 0 or -errno. */
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
