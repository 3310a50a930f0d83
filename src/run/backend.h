/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A backend carries out a run plan (plan.h): the namespace engine
 * (sandbox/), and later proot. Which one runs a box is decided by the
 * command layer; a backend knows nothing of the command line, and the
 * plan nothing of the backend.
 */

#include <sys/types.h>

#include "run/plan.h"
#include "util/failure.h"

struct backend {
	const char *name;  /* as --backend names it */
	unsigned supports; /* the PLAN_NEEDS_* it can honour */

	/* Anything else of plan this backend cannot do: 0, or -errno with f
	 * set. NULL: nothing more than supports says. */
	int (*check)(const struct run_plan *plan, struct failure *f);

	/* Run plan and return the status nschroot exits with: the
	 * command's, 128+N when it was killed by signal N, 125 when the
	 * backend failed once started (and said why); or -errno with f set
	 * when it could not start at all and has said nothing (the caller
	 * may then try another backend: -EPERM and the like from a refused
	 * user namespace, userns_refused). */
	int (*run)(struct run_plan *plan, struct failure *f);

	/* Run plan's command in the running instance whose init is pid, as
	 * run returns; NULL where the backend has no instances. */
	int (*exec)(struct run_plan *plan, pid_t init, struct failure *f);
};

/* Whether b can honour plan: what it supports, then its check. 0, or
 * -ENOTSUP (or the check's -errno) with f naming the option and the
 * backend. */
int backend_check(const struct backend *b, const struct run_plan *plan, struct failure *f);
