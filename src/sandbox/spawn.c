// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/sandbox.h"
#include "util/log.h"

static void explain_clone_failure(int err)
{
	if (err == ENOSPC || err == EUSERS)
		log_error("cannot create the sandbox's namespaces: the limit on user namespaces "
			  "is reached");
	else
		log_error("cannot create the sandbox's namespaces: %s", strerror(err));
	if (err == EPERM || err == ENOSPC || err == EUSERS || err == EACCES) {
		log_hint("unprivileged user namespaces look disabled; see the sysctls");
		log_hint("kernel.unprivileged_userns_clone, user.max_user_namespaces and");
		log_hint("kernel.apparmor_restrict_unprivileged_userns");
	}
}

void sandbox_waited_signals(sigset_t *set)
{
	sigemptyset(set);
	int sigs[] = { FORWARDED_SIGNALS, SIGCHLD };
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(set, sigs[i]);
}

/*
 * The outer nschroot stays on the host, outside every namespace, and waits.
 * Signals sent to it with kill(2) are passed to the sandbox's init, which
 * passes them to the command; the terminal's own signals (SI_KERNEL) reach
 * the command directly, as they reach every process of the foreground
 * group, and are not passed twice.
 */
int sandbox_run(struct sandbox *sb)
{
	/* An ignored SIGCHLD (inherited from the caller) would make the kernel
	 * reap children unseen, and sigwaitinfo below wait forever. */
	signal(SIGCHLD, SIG_DFL);
	sigset_t set;
	sandbox_waited_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, &sb->caller_sigmask) < 0)
		die_errno(errno, "cannot block signals");

	/* The child holds the read end: it sees EOF once nschroot is gone. */
	int lifeline[2];
	if (pipe2(lifeline, O_CLOEXEC) < 0)
		die_errno(errno, "cannot make a pipe");

	unsigned long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC |
			      CLONE_NEWUTS | SIGCHLD;
	if (sb->cfg->net == NET_NONE)
		flags |= CLONE_NEWNET;

	fflush(NULL);
	pid_t pid = (pid_t)syscall(SYS_clone, flags, 0, 0, 0, 0);
	if (pid < 0) {
		explain_clone_failure(errno);
		return EXIT_SETUP;
	}
	if (pid == 0) {
		close(lifeline[1]);
		sandbox_init(sb, lifeline[0]);
	}
	close(lifeline[0]);

	/* Auto mode: only newuidmap and newgidmap, from out here, can map the
	 * subordinate ranges. The init waits for one byte on the lifeline. */
	if (sb->map == MAP_AUTO) {
		struct failure f = { 0 };
		int r = idmap_apply(pid, sb->idmap, &f);
		if (r == 0 && write(lifeline[1], "x", 1) != 1)
			r = fail(&f, errno, "cannot start the sandbox");
		if (r < 0) {
			kill(pid, SIGKILL);
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			log_failure(r, &f);
			return EXIT_SETUP;
		}
	}

	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			if (si.si_code != SI_KERNEL)
				kill(pid, sig);
			continue;
		}
		int wstatus;
		pid_t r = waitpid(pid, &wstatus, WNOHANG);
		if (r == pid) {
			if (WIFEXITED(wstatus))
				return WEXITSTATUS(wstatus);
			if (WIFSIGNALED(wstatus))
				return 128 + WTERMSIG(wstatus);
		}
	}
}
