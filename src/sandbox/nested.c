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

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/idmap.h"
#include "base/userns.h"
#include "util/io.h"

/* This process's pid as the /proc mounted at /proc numbers it (the fresh
 * procfs of the sandbox's pid namespace, or the host's in the fallback):
 * /proc/self is a link to that number. */
static pid_t proc_self_pid(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);
	if (n <= 0)
		return n < 0 ? -errno : -ENOENT;
	buf[n] = '\0';
	char *end;
	long pid = strtol(buf, &end, 10);
	if (*end || pid <= 0 || pid > INT32_MAX)
		return -ESRCH;
	return (pid_t)pid;
}

/*
 * Auto mode: the nested map is the identity over all of our ids, which
 * only a writer with CAP_SETUID over our namespace may write, from it: a
 * child forked before the unshare, which stays behind. It waits for one
 * byte on the pipe go (EOF: we failed; its own copy of the write end is
 * closed first, or that EOF would never come), maps init, whose pid the
 * mounted /proc gives as self, and exits with 0 or the errno of the
 * failed write.
 */
static pid_t fork_mapper(const struct idmap *m, pid_t self, const int go[2])
{
	pid_t pid = fork();
	if (pid != 0)
		return pid < 0 ? -errno : pid;
	close(go[1]);
	int r = read_one_byte(go[0]) == 1 ? idmap_write_identity(self, m) : -ECANCELED;
	_exit(r < 0 ? -r : 0);
}

static int reap_mapper(pid_t mapper)
{
	int wstatus;
	int r = wait_child(mapper, &wstatus);
	if (r < 0)
		return r;
	if (!WIFEXITED(wstatus))
		return -ECHILD;
	return -WEXITSTATUS(wstatus);
}

/* In a single-id mode the process maps itself through /proc/self, the
 * command's ids (--uid and --gid pick any) onto its own in the sandbox's
 * namespace: the kernel allows a namespace's creator to map its own id,
 * and setgroups is denied already (inherited). */
static int map_self(const struct sandbox *sb)
{
	uid_t outer_uid = sb->map == MAP_USER ? sb->host_uid : 0;
	gid_t outer_gid = sb->map == MAP_USER ? sb->host_gid : 0;
	return idmap_write_single(0, sb->uid, outer_uid, sb->gid, outer_gid, true);
}

/*
 * The mount namespace left behind goes with the unshare. Holding it open
 * until init's exit instead was measured: the open of /proc/self/ns/mnt
 * costs more (about 28 us in trace events) than the teardown it moves off
 * the path (unshare 88 us without the descriptor, 70 us with it).
 */
int nested_enter(const struct sandbox *sb, struct failure *f)
{
	bool is_auto = sb->map == MAP_AUTO;
	int go[2] = { -1, -1 };
	pid_t mapper = 0;
	if (is_auto) {
		pid_t self = proc_self_pid();
		if (self < 0)
			return fail(f, self, "cannot find init's pid in /proc");
		if (pipe2(go, O_CLOEXEC) < 0)
			return fail(f, errno, "cannot make a pipe");
		mapper = fork_mapper(sb->idmap, self, go);
		close(go[0]);
		if (mapper < 0) {
			close(go[1]);
			return fail(f, mapper, "cannot fork");
		}
	}

	/* --net=none: the network namespace is made here, owned by the nested
	 * user namespace, in which the command holds its capabilities: root
	 * inside can then open raw sockets (ping) and bind ports below 1024.
	 * Made with the outer one, it would belong to a namespace where the
	 * command has none. */
	int flags = CLONE_NEWUSER | CLONE_NEWNS | (sb->cfg->net == NET_NONE ? CLONE_NEWNET : 0);
	int r = 0;
	if (unshare(flags) < 0) {
		int err = errno;
		r = fail(f, err, "cannot create the nested user namespace");
		if (userns_refused(err))
			fail_hint(f, "%s", USERNS_HINT);
	}
	if (is_auto) {
		if (r == 0 && write(go[1], "x", 1) != 1)
			r = fail(f, errno, "cannot start the id mapper");
		close(go[1]);
		int m = reap_mapper(mapper);
		if (r == 0 && m < 0)
			r = fail(f, m, "cannot write the id maps of the nested user namespace");
	} else if (r == 0 && (r = map_self(sb)) < 0) {
		r = fail(f, r, "cannot write the id maps of the nested user namespace");
	}
	return r;
}
