/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

#include "run/plan.h"
#include "util/failure.h"

/* The optional steps of a plan (PLAN_OPTIONAL) that were skipped, and why:
 * the caller warns of them. */
#define MOUNTS_MAX_SKIPPED 4
struct mount_skipped {
	struct failure why[MOUNTS_MAX_SKIPPED];
	size_t n;
};

/* Build the plan's file system view in the current (new, private) mount
 * namespace, its mount list in order, and pivot into it (DESIGN.md "The
 * sandbox", steps 1-7). On return the process's root and working
 * directory are the rootfs' "/". 0, or -errno with f describing the
 * step. */
int mounts_setup(const struct run_plan *p, struct mount_skipped *skipped, struct failure *f);
