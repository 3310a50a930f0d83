/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "base/idmap.h"
#include "store/keep-user.h"
#include "store/store.h"

/* The caller as the keep-id fixups write them into a box, from the host's
 * passwd and group. -ENOENT when the host does not know the caller (then
 * no entry is added). */
int keep_user_of_caller(struct keep_user *u);

/* One warning for each name of the caller's that the box gives another id
 * (taken: KEEP_*_NAME_TAKEN of the fixup "user"): the entry is not added. */
void keep_user_warn_taken(const struct keep_user *u, unsigned taken, const char *target);

/*
 * The first use of a keep-id box by its caller (DESIGN.md, "Desktop"):
 * their passwd and group entries when the box lacks them, and the sudoers
 * drop-in when the box has sudo without it (installed since create), as
 * the fixups "user" and "sudo", recorded in box.conf. Nothing is done, at
 * the cost of two lookups, when both are in place. A failure is a warning:
 * the run goes on without. A box that gives the caller's name to another
 * id gets no entry, said once: "user" is recorded as declined.
 */
void keep_id_prepare_box(struct box *box, const struct idmap *map, const char *name);

/* The same for a directory run with --map=keep-id (its tree written as the
 * root of its map sees it; nothing recorded). */
void keep_id_prepare_dir(int rootfd, const struct idmap *map, const char *name);
