/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "base/idmap.h"
#include "util/failure.h"

/* What to say when the kernel refuses a new user namespace: where a
 * machine may disable or limit them. One line a sysctl, for log_hint. */
#define USERNS_HINT                                                                                \
	"unprivileged user namespaces look disabled or limited; see the sysctls\n"                 \
	"kernel.unprivileged_userns_clone, user.max_user_namespaces and\n"                         \
	"kernel.apparmor_restrict_unprivileged_userns"

/* Whether err (either sign), from creating a user namespace, is one the
 * machine's settings give (USERNS_HINT then applies). */
bool userns_refused(int err);

/*
 * Like fork(), into a new user namespace mapped by m: 0 in the child, which
 * runs only once its maps are written (root inside, or the caller's own
 * ids in user mode, with every capability over the namespace; in auto
 * mode without supplementary groups); the child's pid in the parent; or
 * -errno with f set, no child left behind. The child is in the caller's
 * mount namespace still: it sees the host's files through the map.
 */
pid_t userns_fork(const struct idmap *m, struct failure *f);

/*
 * In a namespace just mapped in auto mode: become its root for real. In
 * the usual layout the caller is root already; in the subordinate-root
 * layout the caller's own id is not mapped at all, and a process keeping
 * it could create no file (EOVERFLOW). The caller's supplementary groups
 * (unmapped: seen inside as the overflow group) are kept when keep_groups
 * is set, so that a group that is denied access to a file stays denied
 * (the box's command); else dropped (newgidmap leaves setgroups allowed),
 * for nschroot's own work on the box's files. 0 or -errno.
 */
int userns_become_root(bool keep_groups);

/* Work done by userns_call's child: 0 or -errno with f set; what it
 * leaves in result (of the size given to userns_call) is passed back. */
typedef int (*userns_fn)(void *ctx, void *result, struct failure *f);

/* Run fn in a child in a new user namespace mapped by m (see userns_fork)
 * and wait for it: its return value, the size bytes of result and f come
 * back to the caller. A child that dies without a word gives -ECHILD. */
int userns_call(const struct idmap *m, userns_fn fn, void *ctx, void *result, size_t size,
		struct failure *f);
