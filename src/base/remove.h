/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "util/failure.h"

/* Delete name, an entry of dirfd (no '/', not "." or ".."; -EINVAL
 * otherwise), and, when it is a directory, everything under it,
 * as `rm -rf` would, but:
 *
 * - no symbolic link is ever followed: every open is O_NOFOLLOW, so a
 *   directory replaced by a link mid-walk is unlinked as a link;
 * - no mount is ever crossed: a directory on another mount than name's
 *   parent (compared by mount id, or by device where statx cannot tell) is
 *   refused with -EBUSY before anything under it is touched (entries met
 *   before it are gone by then). The mounts are those of the namespace
 *   dirfd was opened in, which a later unshare(CLONE_NEWNS) does not
 *   change;
 * - directories the caller owns but cannot read, search or write (mode
 *   000, read-only) are chmod'ed to 0700 first, so the caller (the box's
 *   user namespace, for a box) can remove all it owns.
 *
 * The walk is iterative, so depth is limited by memory, not the stack; at
 * most REMOVE_OPEN_DIRS (+1 for a moment) descriptors are held at once,
 * deeper ancestors
 * being closed and reopened through ".." (checked by device and inode) on
 * the way back up. A name that is not a directory is unlinked. 0, or
 * -errno with f naming the path that failed, relative to dirfd
 * ("NAME/usr/share/x"; control characters shown as '?'). */
#define REMOVE_OPEN_DIRS 64
int remove_tree_at(int dirfd, const char *name, struct failure *f);
