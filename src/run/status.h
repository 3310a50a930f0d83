/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <signal.h>

/* Signals that nschroot and its init pass on to the command. */
#define FORWARDED_SIGNALS SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2

/* The forwarded signals and SIGCHLD: what nschroot and its init block and
 * take with sigwaitinfo. */
void run_waited_signals(sigset_t *set);

/* What nschroot exits with for a process that ended with wstatus: its
 * exit status, 128+N for signal N, 125 otherwise. */
int run_exit_status(int wstatus);
