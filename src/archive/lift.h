/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

#include "util/failure.h"

/* When the tree at rootfd holds nothing but one directory that is itself
 * a root filesystem (rootfs/bin, rootfs/etc...), move that directory's
 * entries up into rootfd and remove it, as tar --strip-components=1
 * would. 1 when it did (name, of size bytes, then holds the directory's
 * name), 0 when the tree is left as it is, or -errno with f set. */
int lift_single_top(int rootfd, char *name, size_t size, struct failure *f);
