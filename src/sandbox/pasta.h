/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <sys/types.h>

#include "run/plan.h"

/*
 * --net=pasta (DESIGN.md, "Network"): the box's network namespace, made
 * by init with the nested user namespace (nested.c), is connected to the
 * host's network by pasta, which the outer nschroot starts once init says
 * the namespace is there, and which lives exactly as long as the run.
 */

/* Init: the namespace is made; tell nschroot (sock, init's end of the
 * socket pair) and wait until pasta has configured it. Dies when pasta
 * could not (nschroot said why). */
void pasta_wait_in_init(int sock);

/* nschroot: wait for init's word on sock, start pasta on init's
 * namespaces and tell init to go on. The pid of pasta (to stop with
 * pasta_stop), 0 when init failed before it asked (its status says why),
 * or -1 with the reason said and init killed. */
pid_t pasta_start(const struct run_plan *p, pid_t init, int sock);

/* The end of the run: pasta killed and reaped. */
void pasta_stop(pid_t pasta);
