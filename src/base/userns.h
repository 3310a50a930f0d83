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
 * clone(CLONE_NEWUSER | flags) into a namespace mapped by m. A single map
 * (root: the caller is 0 inside; user: its own ids) is written by the
 * child itself, with no round trip; an auto map by the system's newuidmap
 * and newgidmap, run by the parent, the child waiting for one byte on
 * sync[0] and then becoming the namespace's root (userns_become_root with
 * keep_groups). The caller makes sync; the child closes sync[1] and the
 * parent sync[0], and each closes its other end when done with it.
 * In the parent: 0 with *pid the child's, mapped; or -errno with f set
 * and no child left. In the child: 0 with *pid 0; or -errno with f set,
 * for the child to say and exit (when the parent failed the child exits
 * 125 quietly: the parent said why). what names the namespaces in
 * messages ("the sandbox's namespaces").
 */
int userns_clone(unsigned long flags, const struct idmap *m, const int sync[2], bool keep_groups,
		 const char *what, pid_t *pid, struct failure *f);

/*
 * Like fork(), into a new user namespace mapped by m (userns_clone, no
 * supplementary groups in auto mode): 0 in the child, which runs only once
 * its maps are written, with every capability over the namespace; the
 * child's pid in the parent; or -errno with f set, no child left behind.
 * The child is in the caller's mount namespace still: it sees the host's
 * files through the map.
 */
pid_t userns_fork(const struct idmap *m, struct failure *f);
/* (With m->no_userns, a plain fork: the child is the caller.) */

/*
 * Move the calling process into a new user namespace (and the namespaces
 * of flags) nested in its own, which m maps (the caller's ids are m's
 * inside ones): an auto map as the identity over all of m's ids, written
 * by a child forked for it (which needs the /proc of this process's pid
 * namespace mounted at /proc); a single map as uid and gid inside onto the
 * caller's own ids, written by the caller. 0, or -errno with f set; what
 * names the namespace in messages.
 */
int userns_unshare(int flags, const struct idmap *m, uid_t uid, gid_t gid, const char *what,
		   struct failure *f);

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
