/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The path of nschroot-archive, newly allocated: beside this executable in
 * a build tree, else in LIBEXECDIR/nschroot. Dies when out of memory. */
char *archive_helper(void);

#include <signal.h>
#include <sys/types.h>

/* Wait for the helper pid, taking the signals of set (blocked by the
 * caller: SIGCHLD and those that interrupt) with sigwaitinfo. An
 * interrupting signal stops the helper with SIGTERM and is returned once it
 * has exited (0 when none came); *wstatus is its wait status. */
int helper_wait(pid_t pid, const sigset_t *set, int *wstatus);
