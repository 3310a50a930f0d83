// SPDX-License-Identifier: GPL-2.0-or-later
#include "base/userns.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
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

pid_t userns_fork(const struct idmap *m, struct failure *f)
{
	int sync[2];
	if (pipe2(sync, O_CLOEXEC) < 0)
		return fail(f, errno, "cannot make a pipe");
	fflush(NULL);
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0) {
		int err = errno;
		close(sync[0]);
		close(sync[1]);
		if (userns_refused(err))
			fail_hint(f, "%s", USERNS_HINT);
		return fail(f, err, "cannot create a user namespace");
	}
	if (pid == 0) {
		close(sync[1]);
		if (read_one_byte(sync[0]) != 1)
			_exit(EXIT_SETUP);
		close(sync[0]);
		int r = m->mode == MAP_AUTO ? userns_become_root(false) : 0;
		if (r < 0)
			die_errno(r, "cannot become root in the user namespace");
		return 0;
	}
	close(sync[0]);
	int r = idmap_apply(pid, m, f);
	if (r == 0 && write(sync[1], "x", 1) != 1)
		r = fail(f, errno, "cannot start the process in its user namespace");
	close(sync[1]);
	if (r < 0) {
		wait_child(pid, NULL);
		return r;
	}
	return pid;
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
