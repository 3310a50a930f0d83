/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdnoreturn.h>

/* The path of nschroot-archive, newly allocated: beside this executable in
 * a build tree, else in NSCHROOT_LIBEXECDIR (LIBEXECDIR/nschroot). Dies
 * when out of memory. */
char *archive_helper(void);

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/idmap.h"
#include "store/keep-user.h"
#include "util/failure.h"

/* Delete name, an entry of dirfd, and all under it (remove_tree_at), as
 * the root of a user namespace mapped by m: files of subordinate ids and
 * directories without write permission go too; failing that, as the
 * caller. 0, or -errno with f set. */
int remove_in_userns(const struct idmap *m, int dirfd, const char *name, struct failure *f);

/* The disk usage of each tree in paths (NULL: none, 0) in sizes, measured
 * as the root of a user namespace mapped by m, so that directories of
 * subordinate ids and mode-000 ones are counted; failing that, by the
 * caller, short of what it cannot enter. One child for all. */
void usage_in_userns(const struct idmap *m, char *const *paths, size_t n, uint64_t *sizes);

/* Apply (or undo) the fixups in which to the rootfs at rootfd, as the root
 * of a user namespace mapped by m; hostname, user (NULL: no keep-id
 * fixups), *done and *taken (NULL: not wanted) as fixups_apply_for and
 * fixups_undo_for take and give them. 0, or -errno with f set. */
int fixups_in_userns(const struct idmap *m, int rootfd, unsigned which, const char *hostname,
		     const struct keep_user *user, bool undo, unsigned *done, unsigned *taken,
		     struct failure *f);

/* fixups_in_userns applying which (0: none), then the disk usage of the
 * tree rootfs into *size, in the same child: one namespace and one run of
 * newuidmap and newgidmap for both (create). Without fixups, a namespace
 * that cannot be made is no failure: the tree is measured by the caller. */
int fixups_measure_in_userns(const struct idmap *m, int rootfd, unsigned which,
			     const char *hostname, const struct keep_user *user, const char *rootfs,
			     unsigned *done, unsigned *taken, uint64_t *size, struct failure *f);

/* The signals a caller of helper_wait blocks before it starts the helper:
 * SIGCHLD and those that interrupt (SIGINT, SIGTERM, SIGHUP). */
void helper_signals(sigset_t *set);

/* Start argv[0] (nschroot-archive) as the root of a new user namespace
 * mapped by m (userns_fork), its standard input on in_fd and its standard
 * output on out_fd (-1: left as they are), with the signal mask mask (NULL:
 * the caller's). The pid, or -errno with f set. A helper that cannot be
 * executed says so and exits 125. */
pid_t helper_spawn(const struct idmap *m, char *const argv[], int in_fd, int out_fd,
		   const sigset_t *mask, struct failure *f);

/* How nschroot-archive is to confine itself in the namespace m is for:
 * "--in-userns", or "--unconfined" where there is none (m->no_userns). */
const char *helper_confinement(const struct idmap *m);

/* Wait for the helper pid, taking the signals of set (blocked by the
 * caller: SIGCHLD and those that interrupt) with sigwaitinfo. An
 * interrupting signal stops the helper with SIGTERM and is returned once it
 * has exited (0 when none came); *wstatus is its wait status. */
int helper_wait(pid_t pid, const sigset_t *set, int *wstatus);

/* Work done in helper_call's child: what it leaves in reply goes back. */
typedef void (*helper_work_fn)(void *ctx, void *reply);

/* Run work in a child made by userns_fork with m, which takes the
 * interrupting signals again (^C stops it at once), and wait for it with
 * helper_wait; its reply (size bytes) is read back. 0; the signal that
 * interrupted; or -1 when the child could not be made or died without a
 * reply (said: "the WHAT in the box's user namespace died"). */
int helper_call(const struct idmap *m, helper_work_fn work, void *ctx, void *reply, size_t size,
		const char *what);
