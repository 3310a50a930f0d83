// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Becoming the command: what the command's process does between its fork
 * (init's vfork, or a process that joined a running box) and the exec of
 * the plan's command, on its own task only.
 */
#include "sandbox/command.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "base/caps.h"
#include "base/resolve.h"
#include "run/exec.h"
#include "sandbox/pty.h"
#include "util/io.h"
#include "util/log.h"

/* Close every descriptor from 3 up but those in keep, sorted (at parse
 * time: the command's process is a vfork child, which leaves the memory it
 * shares with init as it is). */
/* Close every descriptor but 0, 1, 2 and those named by --preserve-fd, so
 * that no host file reaches the command by accident. */
static void close_all_but(const struct run_plan *p)
{
	close_from_3_except(p->preserve_fds, p->n_preserve_fds);
	for (size_t i = 0; i < p->n_preserve_fds; i++) {
		int fl = fcntl(p->preserve_fds[i], F_GETFD);
		if (fl >= 0)
			fcntl(p->preserve_fds[i], F_SETFD, fl & ~FD_CLOEXEC);
	}
}

/* The working directory, resolved inside the root like every path that
 * comes from the rootfs or the command line: no magic link, no way out.
 * -w must be entered; HOME may not be (a tree extracted by the host's
 * root has a /root that only the unmapped owner can enter): "/" then. */
static void enter_workdir(const struct command *c)
{
	const char *dir = c->workdir ? c->workdir : c->plan->home;
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		die_errno(errno, "cannot open '/'");
	int fd = open_in_root(root, dir, O_PATH | O_DIRECTORY);
	int r = fd < 0 ? fd : fchdir(fd) < 0 ? -errno : 0;
	if (r < 0 && c->workdir)
		die_errno(r, "cannot change directory to '%s'", dir);
	if (r < 0 && fchdir(root) < 0)
		die_errno(errno, "cannot change directory to '/'");
	if (fd >= 0)
		close(fd);
	close(root);
}

/*
 * In auto mode the command's ids are real ids of the namespace, taken on
 * with set*id as su would (which drops every capability unless the
 * command runs as root). Root inside is the caller and keeps the caller's
 * supplementary groups, so that a file that denies one of them access
 * denies the box too; another user of the box has its own group and
 * those the box's /etc/group gives it.
 *
 * --gpu: /dev/dri's nodes are root:video and root:render, 0660, on the
 * host, and the caller opens them as a member of those groups, which no
 * map of ours holds (they show as nogroup inside). As podman's keep-groups
 * does, the command then keeps the supplementary groups it inherited,
 * the caller's own: it can open what the caller can, no more.
 */
static void become_user(const struct run_plan *p)
{
	/* Root that is root already (a run's, and exec's in auto mode, where
	 * the caller is root) keeps its groups; exec's in keep-id mode
	 * joins as the caller and becomes root here. */
	if (!idmap_subordinate(&p->idmap) ||
	    (p->uid == 0 && p->gid == 0 && getuid() == 0 && getgid() == 0))
		return;
	gid_t groups[1 + PLAN_GROUPS_MAX] = { p->gid };
	for (size_t i = 0; i < p->n_groups; i++)
		groups[1 + i] = p->groups[i];
	if (!p->keep_groups && setgroups(1 + p->n_groups, groups) < 0)
		die_errno(errno, "cannot set the supplementary groups");
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		die_errno(errno, "cannot change to group %u", (unsigned)p->gid);
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		die_errno(errno, "cannot change to user %u", (unsigned)p->uid);
}

_Noreturn void command_exec(const struct command *c, int pty_slave)
{
	const struct run_plan *p = c->plan;
	if (sigprocmask(SIG_SETMASK, &c->sigmask, NULL) < 0)
		die_errno(errno, "cannot restore the signal mask");

	/* A session of its own, with the box's terminal as its controlling
	 * terminal where the caller had one (pty.c). */
	int r = pty_attach(pty_slave, p->tty_mask);
	if (r < 0)
		die_errno(r, "cannot give the command a session and terminal of its own");

	/* Descriptors first: a HOME of /proc/self/fd/N in a hostile passwd
	 * would otherwise put the command's cwd on a host directory. */
	close_all_but(p);

	/* The bounding set while CAP_SETPCAP is still there; a root command's
	 * own sets once it has its ids (setgroups may need CAP_SETGID). */
	if (p->caps_given && (r = caps_limit_bounding(p->caps)) < 0)
		die_errno(r, "cannot limit the capability bounding set");
	become_user(p);
	if (c->root_caps && (r = caps_set_root(c->root_caps)) < 0)
		die_errno(r, "cannot set the command's capabilities");
	if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno(errno, "cannot set no_new_privs");
	enter_workdir(c);

	if (!c->argv)
		exec_login_shell(p->shell, p->envp);
	exec_command_argv(c->argv, p->envp);
}
