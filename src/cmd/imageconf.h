/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "run/config.h"
#include "store/boxconf.h"

/*
 * What a box made from a container image runs by default (DESIGN.md,
 * "Sources for create"): its config's Env is the base environment (the
 * clean environment's rules on top), WorkingDir the directory and User the
 * user when the command line names none, and Entrypoint + Cmd what `run
 * BOX` runs without a command (`enter` is always a shell). A command
 * given replaces both, as a chroot's command does.
 */
struct image_defaults {
	char **env;  /* "NAME=VALUE", NULL-terminated; NULL: none */
	char **argv; /* Entrypoint + Cmd; NULL: none */
	char *workdir;
	char *user, *group; /* User split at ':'; NULL: none */
};

/* The settings box.conf records, parsed. 0, or -EINVAL when one is
 * malformed (*bad names its key), -ENOMEM. */
int image_defaults_load(const struct box_conf *c, struct image_defaults *d, const char **bad);

/* The defaults put into cfg where the command line left a gap; enter
 * takes no Entrypoint/Cmd, and a box of keep-id mode (cfg->map) no User.
 * cfg points into d afterwards. */
void image_defaults_apply(const struct image_defaults *d, struct run_config *cfg, bool enter);

void image_defaults_free(struct image_defaults *d);
