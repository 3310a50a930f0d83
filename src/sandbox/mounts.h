/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "sandbox/sandbox.h"
#include "util/failure.h"

/* Build the sandbox's file system view in the current (new, private) mount
 * namespace and pivot into it (DESIGN.md "The sandbox", steps 1-7). On
 * return the process's root and working directory are the rootfs' "/".
 * 0, or -errno with f describing the step. */
int mounts_setup(const struct sandbox *sb, struct failure *f);
