/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "run/plan.h"
#include "util/failure.h"

/*
 * --ephemeral: mount, in the current (new, private) mount namespace, an
 * overlay whose lower layer is the plan's rootfs and whose upper and work
 * directories are on a tmpfs of this run (or in the plan's ephemeral_dir),
 * stacked over the rootfs' own directory. Returns a descriptor (O_PATH) of
 * the overlay's root, the new root to mount on and pivot into, or -errno
 * with f set. Needs overlayfs in a user namespace (Linux 5.11).
 */
int overlay_mount(const struct run_plan *p, struct failure *f);
