// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The nested user and mount namespace that locks the sandbox's mounts.
 *
 * The kernel locks every mount copied into a mount namespace owned by a
 * less privileged user namespace, flags included: the guest's root can
 * still mount things of its own, but can neither remount a read-only bind
 * read-write nor unmount /proc to see what lies beneath. Init itself moves
 * there, with unshare, once its mounts are made and it has pivoted into
 * the rootfs; the command is then a plain child of init, in init's
 * namespaces, so that the command's exit tears down no namespace.
 */
#include "sandbox/nested.h"

#include <sched.h>

#include "base/userns.h"

/*
 * --net=none: the network namespace is made here, owned by the nested user
 * namespace, in which the command holds its capabilities: root inside can
 * then open raw sockets (ping) and bind ports below 1024. Made with the
 * outer one, it would belong to a namespace where the command has none.
 *
 * The map: in auto mode the identity over all of init's ids (the command
 * takes its own with set*id); in a single-id mode the command's ids (--uid
 * and --gid pick any) onto init's own.
 *
 * The mount namespace left behind goes with the unshare. Holding it open
 * until init's exit instead was measured: the open of /proc/self/ns/mnt
 * costs more (about 28 us in trace events) than the teardown it moves off
 * the path (unshare 88 us without the descriptor, 70 us with it).
 */
int nested_enter(const struct run_plan *p, struct failure *f)
{
	int flags = CLONE_NEWNS | (p->net != NET_HOST ? CLONE_NEWNET : 0);
	return userns_unshare(flags, &p->idmap, p->uid, p->gid, "the nested user namespace", f);
}
