/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "run/plan.h"
#include "util/failure.h"

/* Move the calling process (the sandbox's init, its mounts made and
 * pivoted into) into a user and mount namespace nested in its own, which
 * locks every mount against the command, and map it there. 0 or -errno
 * (f says what failed). */
int nested_enter(const struct run_plan *p, struct failure *f);
