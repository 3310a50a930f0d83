/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "base/idmap.h"
#include "run/config.h"
#include "run/plan.h"
#include "store/boxconf.h"

/* The plan of a run (or an exec), from the options and the rootfs at
 * rootfd: its /etc/passwd (and /etc/group for a --gid name) read, the
 * plan built, the command's ids checked against the map. Dies on
 * failure. */
void make_run_plan(const struct run_config *cfg, const char *rootfs, int rootfd,
		   const struct idmap *map, bool is_box, struct run_plan *plan);

/* The usage error of run when a box made with one map is asked to be run
 * with another (asked: MAP_UNSET when none was); config refuses to save
 * such a --map with the same words. */
void check_box_map(const char *name, const struct box_conf *conf, enum map_mode asked);
