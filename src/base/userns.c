// SPDX-License-Identifier: GPL-2.0-or-later
#include "base/userns.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/io.h"
#include "util/log.h"

/*
 * The maps of a namespace are written from its parent namespace (here, by
 * this process or by newuidmap for it) once the child exists; until then
 * the child has no ids and must do nothing, so it waits on a pipe. EOF
 * without a byte means the parent failed: the child leaves quietly.
 *
 * In auto mode the child becomes the namespace's root (userns_become_root).
 */
bool userns_refused(int err)
{
	err = err < 0 ? -err : err;
	return err == EPERM || err == ENOSPC || err == EUSERS || err == EACCES;
}

int userns_become_root(bool keep_groups)
{
	if ((!keep_groups && setgroups(0, NULL) < 0) || setresgid(0, 0, 0) < 0 ||
	    setresuid(0, 0, 0) < 0)
		return -errno;
	return 0;
}

static int clone_failed(int err, const char *what, struct failure *f)
{
	if (userns_refused(err))
		fail_hint(f, "%s", USERNS_HINT);
	if (err == ENOSPC || err == EUSERS)
		return fail_said(f, err,
				 "cannot create %s: the limit on user namespaces is reached", what);
	return fail(f, err, "cannot create %s", what);
}

/* In the child of userns_clone: its maps, as the mode has them written.
 * A single map's one extent is the caller's own ids outside and what they
 * are inside (idmap_single): no getuid needed. */
static int map_cloned(const struct idmap *m, int sync, bool keep_groups, struct failure *f)
{
	int r;
	if (idmap_subordinate(m)) {
		if (read_one_byte(sync) != 1)
			_exit(EXIT_SETUP); /* the parent failed, and said why */
		if ((r = userns_become_root(keep_groups)) < 0)
			return fail(f, r, "cannot become root in the user namespace");
		return 0;
	}
	const struct id_extent *u = &m->uid.e[0], *g = &m->gid.e[0];
	if ((r = idmap_write_single(0, u->inside, u->outside, g->inside, g->outside, true)) < 0) {
		fail_hint(f, "%s", USERNS_HINT);
		return fail(f, r, "cannot write the user namespace's id maps");
	}
	return 0;
}

int userns_clone(unsigned long flags, const struct idmap *m, const int sync[2], bool keep_groups,
		 const char *what, pid_t *pid, struct failure *f)
{
	fflush(NULL);
	*pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | flags | SIGCHLD, 0, 0, 0, 0);
	if (*pid < 0)
		return clone_failed(errno, what, f);
	if (*pid == 0) {
		close(sync[1]);
		return map_cloned(m, sync[0], keep_groups, f);
	}
	close(sync[0]);
	if (!idmap_subordinate(m))
		return 0;
	int r = idmap_apply(*pid, m, f);
	if (r == 0 && write(sync[1], "x", 1) != 1)
		r = fail(f, errno, "cannot start the process in its user namespace");
	if (r < 0) {
		kill(*pid, SIGKILL);
		wait_child(*pid, NULL);
	}
	return r;
}

pid_t userns_fork(const struct idmap *m, struct failure *f)
{
	if (m->no_userns) {
		fflush(NULL);
		pid_t pid = fork();
		return pid < 0 ? fail(f, errno, "cannot fork") : pid;
	}
	int sync[2];
	if (pipe2(sync, O_CLOEXEC) < 0)
		return fail(f, errno, "cannot make a pipe");
	pid_t pid;
	int r = userns_clone(0, m, sync, false, "a user namespace", &pid, f);
	if (pid == 0) {
		close(sync[0]);
		if (r < 0)
			die_failure(f); /* the child's own message, as an exec failure is */
		return 0;
	}
	if (pid < 0)
		close(sync[0]);
	close(sync[1]);
	return r < 0 ? r : pid;
}

/* This process's pid as the /proc mounted at /proc numbers it: /proc/self
 * is a link to that number. */
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
 * The identity map over all of our ids can only be written by a process
 * with CAP_SETUID over our namespace, from it: a child forked before the
 * unshare, which stays behind. It waits for one byte on the pipe go (EOF:
 * we failed; its own copy of the write end is closed first, or that EOF
 * would never come), maps us, whose pid the mounted /proc gives as self,
 * and exits with 0 or the errno of the failed write.
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

/* unshare, and the identity map written by a mapper child. */
static int unshare_identity(int flags, const struct idmap *m, const char *what, struct failure *f)
{
	pid_t self = proc_self_pid();
	if (self < 0)
		return fail(f, self, "cannot find this process's pid in /proc");
	int go[2];
	if (pipe2(go, O_CLOEXEC) < 0)
		return fail(f, errno, "cannot make a pipe");
	pid_t mapper = fork_mapper(m, self, go);
	close(go[0]);
	if (mapper < 0) {
		close(go[1]);
		return fail(f, mapper, "cannot fork");
	}
	int r = unshare(CLONE_NEWUSER | flags) < 0 ? clone_failed(errno, what, f) : 0;
	if (r == 0 && write(go[1], "x", 1) != 1)
		r = fail(f, errno, "cannot start the id mapper");
	close(go[1]);
	int mr = reap_mapper(mapper);
	if (r == 0 && mr < 0)
		r = fail(f, mr, "cannot write the id maps of %s", what);
	return r;
}

int userns_unshare(int flags, const struct idmap *m, uid_t uid, gid_t gid, const char *what,
		   struct failure *f)
{
	if (idmap_subordinate(m))
		return unshare_identity(flags, m, what, f);
	/* The caller's ids where it is now: m's inside ones. */
	uid_t outer_uid = m->uid.e[0].inside;
	gid_t outer_gid = m->gid.e[0].inside;
	if (unshare(CLONE_NEWUSER | flags) < 0)
		return clone_failed(errno, what, f);
	int r = idmap_write_single(0, uid, outer_uid, gid, outer_gid, true);
	return r < 0 ? fail(f, r, "cannot write the id maps of %s", what) : 0;
}

/* What userns_call's child sends back, followed by its result. A failure
 * is plain data: it crosses the pipe whole. */
struct call_reply {
	int r;
	struct failure f;
};

static _Noreturn void call_child(int fd, userns_fn fn, void *ctx, void *result, size_t size)
{
	struct call_reply rep = { 0 };
	rep.r = fn(ctx, result, &rep.f);
	bool sent = write_all(fd, &rep, sizeof(rep)) == 0 && write_all(fd, result, size) == 0;
	_exit(sent ? 0 : EXIT_SETUP);
}

int userns_call(const struct idmap *m, userns_fn fn, void *ctx, void *result, size_t size,
		struct failure *f)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return fail(f, errno, "cannot make a pipe");
	pid_t pid = userns_fork(m, f);
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return pid;
	}
	if (pid == 0) {
		close(p[0]);
		call_child(p[1], fn, ctx, result, size);
	}
	close(p[1]);
	struct call_reply rep;
	bool whole =
	    read_exact(p[0], &rep, sizeof(rep)) == 0 && read_exact(p[0], result, size) == 0;
	close(p[0]);
	wait_child(pid, NULL);
	if (!whole)
		return fail(f, ECHILD, "the process in the box's user namespace died");
	*f = rep.f;
	return rep.r;
}
