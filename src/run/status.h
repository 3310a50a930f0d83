/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/* Signals that nschroot and its init pass on to the command. */
#define FORWARDED_SIGNALS SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2

/* The forwarded signals and SIGCHLD: what nschroot and its init block and
 * take with sigwaitinfo. */
void run_waited_signals(sigset_t *set);

/* What nschroot exits with for a process that ended with wstatus: its
 * exit status, 128+N for signal N, 125 otherwise. */
int run_exit_status(int wstatus);

/* Reap every child that has ended (of any exit signal), as an init or a
 * reaper does on SIGCHLD: true, with its wait status, when target was
 * one of them. */
bool reap_ended(pid_t target, int *wstatus);

/* As an init (or exec's waiter): take the signals of run_waited_signals,
 * blocked by the caller, with sigwaitinfo, pass the forwarded ones on to
 * command and reap every child that ends, until command has. Its exit
 * status, as run_exit_status gives it. */
int run_forward_until_ended(pid_t command);
