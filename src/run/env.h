/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "run/config.h"

/* The command's environment (DESIGN.md "Environment"). */
struct env_input {
	char *const *host_env;		 /* the caller's environment */
	bool keep_env;			 /* pass host_env whole */
	char *const *image_env;		 /* the base environment, or NULL */
	const char *home, *user, *shell; /* the inside user; user may be NULL */
	char *const *grants;		 /* "NAME=VALUE" of --x11 and the like, or NULL */
	const struct env_op *ops;	 /* -e and --unsetenv, in command-line order */
	size_t n_ops;
};

/* A new NULL-terminated "NAME=VALUE" array, or NULL when out of memory. */
char **env_build(const struct env_input *in);
void env_free(char **env);

/* The value of name in env, or NULL. */
const char *env_get(char *const *env, const char *name);

/* Whether a host variable passes into the clean environment. */
bool env_passes_through(const char *name, size_t namelen);

#define INSIDE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
