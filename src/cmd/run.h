/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "base/idmap.h"
#include "run/config.h"
#include "run/plan.h"

/* The plan of a run (or an exec), from the options and the rootfs at
 * rootfd: its /etc/passwd (and /etc/group for a --gid name) read, the
 * plan built, the command's ids checked against the map. Dies on
 * failure. */
void make_run_plan(const struct run_config *cfg, const char *rootfs, int rootfd,
		   const struct idmap *map, bool is_box, struct run_plan *plan);

/* -e NAME[=VALUE] (opt 'e') or --unsetenv NAME (any other opt) added to
 * cfg's environment operations; a usage error ends the process. */
void add_env_op(struct run_config *cfg, int opt, const char *arg);
