/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <signal.h>

#include "run/plan.h"

/* One run of the namespace engine: the plan, and what the engine's
 * processes hand each other. */
struct sandbox {
	const struct run_plan *plan;
	sigset_t caller_sigmask; /* restored for the command */
	int pty_sock;		 /* init's end of the socket the box's terminal goes through */
	int net_sock;		 /* --net=pasta: init's end of the socket to wait for pasta on */
};

/* In the first child, pid 1 of the new namespaces: set up, start the
 * command, act as its init, and write the command's status (one byte) to
 * status_fd once every process of the box is gone. Never returns. */
_Noreturn void sandbox_init(const struct sandbox *sb, int lifeline, int status_fd);
