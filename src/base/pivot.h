/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "util/failure.h"

/*
 * Make dir a mount point by binding it onto itself, as pivot_root wants of
 * the new root. The bind is tried non-recursive first, so that mounts left
 * below the directory stay out; but every mount inherited in an
 * unprivileged namespace is locked, and then the kernel refuses that
 * (EINVAL) and the whole tree is taken. what says what dir is, in the
 * message ("the rootfs"). 0, or -errno with f set.
 */
int pivot_bind_self(const char *dir, const char *what, struct failure *f);

/*
 * Make the directory rootfd the root of this mount namespace:
 * pivot_root(".", ".") stacks the old root on top of the new one at "/";
 * detaching it then leaves only the new root, with no directory that leads
 * back to the host. Unlike chroot(2), which the namespace's root could
 * escape with a second chroot, nothing is left to escape to. The working
 * directory ends at "/". what names the new root in messages ("the
 * rootfs"). 0, or -errno with f set.
 */
int pivot_into(int rootfd, const char *what, struct failure *f);
