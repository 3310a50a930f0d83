// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmd/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/programs.h"
#include "base/userns.h"
#include "store/fixups.h"
#include "base/remove.h"
#include "store/store.h"
#include "store/usage.h"
#include "util/cleanup.h"
#include "util/io.h"
#include "util/log.h"

char *archive_helper(void)
{
	char *p = own_program("nschroot-archive");
	if (!p)
		die_errno(ENOMEM, "cannot find nschroot-archive");
	return p;
}

void helper_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

/* The child is a copy of nschroot: it only moves descriptors, restores the
 * mask and executes; its message goes out with write(2), and it leaves with
 * _exit(2), so that nothing of the parent's stdio is flushed twice. */
pid_t helper_spawn(const struct idmap *m, char *const argv[], int in_fd, int out_fd,
		   const sigset_t *mask, struct failure *f)
{
	pid_t pid = userns_fork(m, f);
	if (pid != 0)
		return pid;
	if ((in_fd >= 0 && dup2(in_fd, STDIN_FILENO) < 0) ||
	    (out_fd >= 0 && dup2(out_fd, STDOUT_FILENO) < 0))
		_exit(EXIT_SETUP);
	if (mask)
		sigprocmask(SIG_SETMASK, mask, NULL);
	execv(argv[0], argv);
	log_exit_immediately();
	die_errno(errno, "cannot execute '%s'", argv[0]);
}

const char *helper_confinement(const struct idmap *m)
{
	return m->no_userns ? "--unconfined" : "--in-userns";
}

int helper_wait(pid_t pid, const sigset_t *set, int *wstatus)
{
	int interrupted = 0;
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(set, &si);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			interrupted = sig;
			kill(pid, SIGTERM);
			continue;
		}
		if (waitpid(pid, wstatus, WNOHANG) == pid)
			return interrupted;
	}
}

int helper_call(const struct idmap *m, helper_work_fn work, void *ctx, void *reply, size_t size,
		const char *what)
{
	sigset_t set, old;
	helper_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		die_errno(errno, "cannot block signals");
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		die_errno(errno, "cannot make a pipe");
	struct failure f = { 0 };
	pid_t pid = userns_fork(m, &f);
	if (pid == 0) {
		close(p[0]);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		work(ctx, reply);
		_exit(write_all(p[1], reply, size) == 0 ? 0 : EXIT_SETUP);
	}
	close(p[1]);
	_cleanup_close_ int in = p[0];
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		log_failure(&f);
		return -1;
	}
	int wstatus = 0;
	int interrupted = helper_wait(pid, &set, &wstatus);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (interrupted)
		return interrupted;
	if (read_exact(in, reply, size) < 0) {
		log_error("the %s in the box's user namespace died", what);
		return -1;
	}
	return 0;
}

struct remove_ctx {
	int dirfd;
	const char *name;
};

static int remove_fn(void *ctx, void *result, struct failure *f)
{
	const struct remove_ctx *c = ctx;
	return remove_tree_at(c->dirfd, c->name, f);
}

/* When the namespace cannot be made (its map fails), nothing of a
 * subordinate id can have been written with that map either: the caller
 * removes what is there. */
int remove_in_userns(const struct idmap *m, int dirfd, const char *name, struct failure *f)
{
	struct remove_ctx c = { dirfd, name };
	int r = userns_call(m, remove_fn, &c, NULL, 0, f);
	if (r < 0) {
		struct failure again = { 0 };
		if (remove_tree_at(dirfd, name, &again) == 0)
			return 0;
	}
	return r;
}

struct usage_ctx {
	char *const *paths;
	size_t n;
};

static int usage_fn(void *ctx, void *result, struct failure *f)
{
	const struct usage_ctx *c = ctx;
	uint64_t *sizes = result;
	for (size_t i = 0; i < c->n; i++)
		sizes[i] = c->paths[i] ? store_tree_usage(c->paths[i]) : 0;
	return 0;
}

void usage_in_userns(const struct idmap *m, char *const *paths, size_t n, uint64_t *sizes)
{
	struct usage_ctx c = { paths, n };
	struct failure f = { 0 };
	if (userns_call(m, usage_fn, &c, sizes, n * sizeof(*sizes), &f) < 0) {
		struct failure unused = { 0 };
		usage_fn(&c, sizes, &unused);
	}
}

struct fixups_ctx {
	int rootfd;
	unsigned which;
	const char *hostname;
	const struct keep_user *user;
	bool undo;
	const char *measure; /* a tree to measure after, or NULL */
};

struct fixups_result {
	unsigned done, taken; /* keep-user.h */
	uint64_t size;	      /* of measure */
};

static int fixups_fn(void *ctx, void *result, struct failure *f)
{
	const struct fixups_ctx *c = ctx;
	struct fixups_result *res = result;
	int r = c->undo ? fixups_undo_for(c->rootfd, c->which, c->user, &res->done, f)
			: fixups_apply_for(c->rootfd, c->which, c->hostname, c->user, &res->done,
					   &res->taken, f);
	if (r == 0 && c->measure)
		res->size = store_tree_usage(c->measure);
	return r;
}

int fixups_in_userns(const struct idmap *m, int rootfd, unsigned which, const char *hostname,
		     const struct keep_user *user, bool undo, unsigned *done, unsigned *taken,
		     struct failure *f)
{
	struct fixups_ctx c = { rootfd, which, hostname, user, undo, NULL };
	struct fixups_result res = { 0 };
	int r = userns_call(m, fixups_fn, &c, &res, sizeof(res), f);
	*done = res.done;
	if (taken)
		*taken = res.taken;
	return r;
}

int fixups_measure_in_userns(const struct idmap *m, int rootfd, unsigned which,
			     const char *hostname, const struct keep_user *user, const char *rootfs,
			     unsigned *done, unsigned *taken, uint64_t *size, struct failure *f)
{
	struct fixups_ctx c = { rootfd, which, hostname, user, false, rootfs };
	struct fixups_result res = { 0 };
	int r = userns_call(m, fixups_fn, &c, &res, sizeof(res), f);
	/* With no fixup to make, a namespace refused is no failure: the tree
	 * is measured here, as usage_in_userns would. */
	if (r < 0 && !which) {
		*f = (struct failure){ 0 };
		res.size = store_tree_usage(rootfs);
		r = 0;
	}
	*done = res.done;
	*taken = res.taken;
	*size = res.size;
	return r;
}
