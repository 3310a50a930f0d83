/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <signal.h>
#include <stddef.h>

#include "run/plan.h"

/* What the command's process becomes: the plan's command, with copies of
 * the strings of nschroot's command line that a backend wipes (argv, -w). */
struct command {
	const struct run_plan *plan;
	char *const *argv;   /* NULL: the plan's login shell */
	const char *workdir; /* NULL: the plan's home, else "/" */
	sigset_t sigmask;    /* the caller's, restored */
	void *root_caps;     /* caps_root_sets of a root command's --cap-* set, or NULL */
};

/*
 * In the command's process, inside the box: take a session and the box's
 * terminal (pty_slave, -1 for none), close every descriptor but 0-2 and
 * the preserved ones, take the command's capabilities, ids and
 * no_new_privs, enter the working directory and exec. Only system calls on
 * the calling task, so that it can be the child of a vfork; a failure is
 * said with write(2) and ends the process with 125, 126 or 127
 * (log_exit_immediately must be in force).
 */
_Noreturn void command_exec(const struct command *c, int pty_slave);
