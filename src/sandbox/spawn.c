// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/userns.h"
#include "sandbox/init.h"
#include "sandbox/outer.h"
#include "sandbox/pasta.h"
#include "sandbox/pty.h"
#include "sandbox/relay.h"
#include "sandbox/sandbox.h"
#include "run/instance.h"
#include "run/status.h"
#include "util/io.h"
#include "util/log.h"

/* A socket pair when wanted, else two -1s. */
static void socket_pair_if(bool want, int pair[2])
{
	pair[0] = pair[1] = -1;
	if (want && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		die_errno(errno, "cannot make a socket pair");
}

static void close_if_open(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* --net=pasta: pasta connects init's network namespace (pasta.c), over
 * sock, which is closed. 0 without; -1 when pasta failed, init then
 * killed and reaped. */
static pid_t connect_network(const struct run_plan *p, pid_t init, int sock)
{
	if (sock < 0)
		return 0;
	pid_t pasta = pasta_start(p, init, sock);
	close(sock);
	if (pasta < 0) {
		int wstatus;
		wait_child(init, &wstatus);
	}
	return pasta;
}

/* Init, and the command after it: the sandbox's ends of the pipes and
 * sockets kept, nschroot's closed. Never returns. */
static _Noreturn void be_init(struct sandbox *sb, int r, struct failure *f, const int lifeline[2],
			      const int status[2], int pty, int net)
{
	log_exit_immediately();
	if (r < 0)
		die_failure(f);
	close(status[0]);
	close_if_open(pty);
	close_if_open(net);
	sandbox_init(sb, lifeline[0], status[1]);
}

int ns_run(struct run_plan *p, struct failure *f)
{
	struct sandbox sb = { .plan = p, .pty_sock = -1, .net_sock = -1 };
	sigset_t set;
	block_signals(p, &set, &sb.caller_sigmask);

	/* With a terminal, init sends the master of the box's own over this
	 * socket (pty.c). --net=pasta: init says over the other when its
	 * network namespace is there, and waits until pasta has configured
	 * it (pasta.c). */
	int pty[2], net[2];
	socket_pair_if(p->tty_mask != 0, pty);
	socket_pair_if(p->net == NET_PASTA, net);
	sb.pty_sock = pty[1];
	sb.net_sock = net[1];

	/* The child holds the read end of the lifeline: it sees EOF once
	 * nschroot is gone (and, in auto mode, waits on it for its maps).
	 * Init holds the write end of the status pipe. */
	int lifeline[2], status[2];
	if (pipe2(lifeline, O_CLOEXEC) < 0 || pipe2(status, O_CLOEXEC) < 0)
		die_errno(errno, "cannot make a pipe");

	/* The network namespace of --net=none and pasta is made later, with
	 * the nested user namespace that the command holds its capabilities
	 * in (nested.c). */
	unsigned long flags =
	    CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP;
	pid_t pid;
	int r = userns_clone(flags, &p->idmap, lifeline, true, "the sandbox's namespaces", &pid, f);
	if (pid == 0)
		be_init(&sb, r, f, lifeline, status, pty[0], net[0]);
	close(status[1]);
	close_if_open(pty[1]);
	close_if_open(net[1]);
	if (pid < 0) {
		/* Nothing started: all as it was, for another backend. */
		close(lifeline[0]);
		close(lifeline[1]);
		close(status[0]);
		close_if_open(pty[0]);
		close_if_open(net[0]);
		sigprocmask(SIG_SETMASK, &sb.caller_sigmask, NULL);
		return r;
	}
	if (r < 0) {
		log_failure(f);
		return EXIT_SETUP;
	}
	pid_t pasta = connect_network(p, pid, net[0]);
	if (pasta < 0) {
		close(status[0]);
		close_if_open(pty[0]);
		return EXIT_SETUP;
	}
	/* Joinable by exec from now on; a record left by a killed nschroot
	 * is stale once init is gone, and removed by the next listing. */
	struct instance in;
	bool recorded = p->instance_box && instance_of_plan(p, pid, &in) == 0 &&
			instance_record(p->instance_dir, &in) == 0;
	struct relay relay;
	relay_init(&relay, p->tty_mask);
	int st = wait_for_status(pid, status[0], pty[0], &relay, &set);
	pasta_stop(pasta);
	if (recorded)
		instance_forget(p->instance_dir, pid);
	return st;
}
