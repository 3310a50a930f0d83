// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exec: a command started in a running instance (DESIGN.md, "Instances").
 *
 * nschroot forks a child that joins the namespaces of the instance's
 * command with one setns(2) on a pidfd: its user namespace (the nested one,
 * where the command holds its capabilities), mount namespace (the box's
 * view, mounts locked), pid, ipc, uts and cgroup namespaces, and its
 * network namespace when the box has one of its own. The kernel checks
 * every one of them against the caller's own credentials: only the user
 * that owns the instance (or a privileged one) can join it.
 *
 * Joining the mount namespace sets the root and the working directory to
 * the box's root: the joining process keeps no host directory. Nothing it
 * holds reaches the command: it makes itself undumpable before it forks
 * (its memory is the host's, as init's is), takes the box's terminal when
 * the caller has one, takes the instance's Landlock scope and seccomp
 * filter (which its child inherits), and forks the command into the
 * instance's pid namespace; the command then closes every descriptor but
 * 0-2 and the preserved ones, takes its ids, capabilities and
 * no_new_privs, as a run's command does (command.c). The joining process
 * stays as the command's waiter: it passes on the signals nschroot sends
 * it, and writes the command's status for nschroot, as init does.
 */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/caps.h"
#include "sandbox/command.h"
#include "sandbox/landlock.h"
#include "sandbox/outer.h"
#include "sandbox/pty.h"
#include "sandbox/seccomp.h"
#include "run/status.h"
#include "util/io.h"
#include "util/log.h"

struct join {
	const struct run_plan *plan;
	sigset_t caller_sigmask;
	int pidfd, pty_sock, status_fd;
};

static void enter(const struct join *j)
{
	const struct run_plan *p = j->plan;
	int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS |
		    CLONE_NEWCGROUP | (p->net != NET_HOST ? CLONE_NEWNET : 0);
	if (setns(j->pidfd, flags) < 0)
		die_errno(errno, "cannot join the instance's namespaces");
	close(j->pidfd);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		die_errno(errno, "cannot make nschroot undumpable");
}

/* The box's terminal for the command, as init opens one for a run's. */
static int open_terminal(const struct join *j)
{
	const struct run_plan *p = j->plan;
	unsigned m = p->tty_mask;
	int tty = (m & 1u) ? 0 : (m & 2u) ? 1 : 2;
	uid_t uid = 0;
	gid_t gid = 0;
	if (idmap_subordinate(&p->idmap) && p->uid != 0) {
		uid = p->uid;
		gid = id_map_size(&p->idmap.gid) > 5 ? 5 : p->gid;
	}
	struct failure f = { 0 };
	int slave = pty_open_for_box(tty, m & 1u, false, uid, gid, j->pty_sock, &f);
	if (slave < 0)
		die_failure(&f);
	close(j->pty_sock);
	return slave;
}

static pid_t start(const struct join *j, int pty_slave)
{
	const struct run_plan *p = j->plan;
	int r = landlock_scope_self();
	if (r < 0 && r != -EOPNOTSUPP)
		die_errno(r, "cannot confine the command from the host's abstract sockets");
	if ((r = seccomp_install(p->fakeroot)) < 0)
		die_errno(r, "cannot install the seccomp filter");
	struct command c = {
		.plan = p, .argv = p->argv, .workdir = p->workdir, .sigmask = j->caller_sigmask
	};
	if (p->caps_given && p->uid == 0 && !(c.root_caps = caps_root_sets(p->caps)))
		die("cannot make the command's capability sets");
	pid_t pid = fork();
	if (pid == 0)
		command_exec(&c, pty_slave);
	if (pid < 0)
		die_errno(errno, "cannot start the command");
	return pid;
}

/* The command's waiter: signals passed on, its status written once it has
 * ended (what it started lives on in the instance, as a run's orphans
 * do, with init). */
static _Noreturn void wait_command(pid_t command, int status_fd)
{
	unsigned char byte = (unsigned char)run_forward_until_ended(command);
	ssize_t n = write(status_fd, &byte, 1); /* fails only once nschroot is gone */
	(void)n;
	_exit(byte);
}

static _Noreturn void join_child(const struct join *j, int lifeline)
{
	log_exit_immediately();
	setsid();
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		die_errno(errno, "cannot set the parent-death signal");
	struct pollfd pfd = { .fd = lifeline, .events = POLLIN };
	if (poll(&pfd, 1, 0) != 0)
		_exit(EXIT_SETUP);
	enter(j);
	int slave = j->plan->tty_mask ? open_terminal(j) : -1;
	pid_t command = start(j, slave);
	/* Nothing of the caller's is left here: the command has its copies. */
	int keep[] = { j->status_fd };
	close_from_3_except(keep, 1);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; null >= 0 && fd <= 2; fd++)
		dup2(null, fd);
	wait_command(command, j->status_fd);
}

static int ns_exec(struct run_plan *p, pid_t target, struct failure *f)
{
	int pidfd = (int)syscall(SYS_pidfd_open, target, 0);
	if (pidfd < 0)
		return fail(f, errno, "cannot reach the instance's command (pid %d)", (int)target);
	struct join j = { .plan = p, .pidfd = pidfd, .pty_sock = -1 };
	sigset_t set;
	block_signals(p, &set, &j.caller_sigmask);
	int pty[2] = { -1, -1 }, status[2], lifeline[2];
	if (p->tty_mask && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pty) < 0)
		die_errno(errno, "cannot make a socket pair");
	if (pipe2(status, O_CLOEXEC) < 0 || pipe2(lifeline, O_CLOEXEC) < 0)
		die_errno(errno, "cannot make a pipe");
	j.pty_sock = pty[1];
	j.status_fd = status[1];
	pid_t pid = fork();
	if (pid == 0) {
		close(status[0]);
		close(lifeline[1]);
		if (pty[0] >= 0)
			close(pty[0]);
		join_child(&j, lifeline[0]);
	}
	close(pidfd);
	close(status[1]);
	close(lifeline[0]);
	if (pty[1] >= 0)
		close(pty[1]);
	if (pid < 0)
		die_errno(errno, "cannot fork");
	struct relay relay;
	relay_init(&relay, p->tty_mask);
	int st = wait_for_status(pid, status[0], pty[0], &relay, &set);
	close(lifeline[1]);
	return st;
}

const struct backend ns_backend = {
	.name = "ns",
	.supports = ~0u,
	.run = ns_run,
	.exec = ns_exec,
};
