/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The path of nschroot-archive, newly allocated: beside this executable in
 * a build tree, else in LIBEXECDIR/nschroot. Dies when out of memory. */
char *archive_helper(void);

/* --progress=WHEN: auto, always or never; a usage error otherwise. */
const char *check_progress_arg(const char *arg);

/* A usage error, with the rule, unless name is a valid box name. */
void check_box_name(const char *name);

#include <signal.h>
#include <sys/types.h>

/* Wait for the helper pid, taking the signals of set (blocked by the
 * caller: SIGCHLD and those that interrupt) with sigwaitinfo. An
 * interrupting signal stops the helper with SIGTERM and is returned once it
 * has exited (0 when none came); *wstatus is its wait status. */
int helper_wait(pid_t pid, const sigset_t *set, int *wstatus);
