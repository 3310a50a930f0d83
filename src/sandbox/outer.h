/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <signal.h>
#include <sys/types.h>

#include "run/plan.h"
#include "sandbox/relay.h"

/* The signals nschroot takes itself while the box runs (with a terminal,
 * the relay's too), blocked; the caller's mask is kept in *old. */
void block_signals(const struct run_plan *p, sigset_t *set, sigset_t *old);

/*
 * Wait for the status byte that init (or exec's joining process) writes
 * on status_fd once the command and what it left are gone, passing on the
 * signals of set to that process and relaying the terminal whose master
 * comes over pty_sock (-1: none). End of file without a status: the
 * process's own exit status. The status nschroot exits with.
 */
int wait_for_status(pid_t init, int status_fd, int pty_sock, struct relay *relay,
		    const sigset_t *set);
