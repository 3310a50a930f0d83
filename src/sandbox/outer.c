// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The outer nschroot's side of a run or an exec: on the host, outside every
 * namespace, it takes the signals, passes them on, relays the box's
 * terminal and waits for the status.
 */
#include "sandbox/outer.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "run/status.h"
#include "sandbox/pty.h"
#include "util/io.h"
#include "util/log.h"

static int status_of_init(pid_t init)
{
	int wstatus;
	return wait_child(init, &wstatus) < 0 ? EXIT_SETUP : run_exit_status(wstatus);
}

/* What the outer nschroot does with a signal it took: the forwarded ones
 * go to the sandbox's init, which passes them to the command (the command
 * is in a session of its own: the terminal's signals reach nschroot
 * alone, and are passed on like the others); the rest serve the relay. */
static void on_signal(pid_t init, const struct signalfd_siginfo *si, struct relay *relay)
{
	switch (si->ssi_signo) {
	case SIGCHLD:
		break;
	case SIGWINCH:
		relay_winch(relay);
		break;
	case SIGCONT:
		relay_continued(relay);
		break;
	case SIGTSTP:
		relay_suspend(relay);
		break;
	default:
		kill(init, (int)si->ssi_signo);
	}
}

/*
 * The outer nschroot stays on the host, outside every namespace, and waits
 * for the command's status on the status pipe. Init writes it once the
 * command and every other process of the box are dead and reaped, and
 * only then exits: the kernel's teardown of the namespaces (each mount
 * namespace waits for an RCU grace period) goes on after nschroot has
 * returned, as it does after bubblewrap's. End of file with no status
 * means init failed (and said why) or was killed: its own exit status is
 * nschroot's then. Meanwhile it relays the box's terminal, whose master
 * init sends over pty_sock.
 */
int wait_for_status(pid_t init, int status_fd, int pty_sock, struct relay *relay,
		    const sigset_t *set)
{
	int sfd = signalfd(-1, set, SFD_CLOEXEC);
	if (sfd < 0) {
		log_error("cannot wait for signals: %s", strerror(errno));
		kill(init, SIGKILL);
		return EXIT_SETUP;
	}
	for (;;) {
		struct pollfd p[6] = { { .fd = status_fd, .events = POLLIN },
				       { .fd = sfd, .events = POLLIN },
				       { .fd = pty_sock, .events = POLLIN } };
		size_t n = pty_sock >= 0 ? 3 : 2;
		size_t relayed = relay_pollfds(relay, p + n);
		if (poll(p, n + relayed, relay_timeout(relay)) < 0)
			continue; /* EINTR; nothing else can fail here */
		if (p[0].revents) {
			unsigned char status;
			ssize_t got = read(status_fd, &status, 1);
			if (got < 0 && errno == EINTR)
				continue;
			relay_finish(relay);
			close(sfd);
			if (pty_sock >= 0)
				close(pty_sock);
			return got == 1 ? status : status_of_init(init);
		}
		struct signalfd_siginfo si;
		if (p[1].revents && read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			on_signal(init, &si, relay);
		if (pty_sock >= 0 && p[2].revents) {
			int master = pty_receive_master(pty_sock);
			close(pty_sock);
			pty_sock = -1;
			if (master >= 0)
				relay_start(relay, master);
		}
		relay_step(relay, p + n, relayed);
	}
}

/* The signals nschroot takes itself while the box runs: with a terminal,
 * the relay's too. The caller's mask is kept in *old. */
void block_signals(const struct run_plan *p, sigset_t *set, sigset_t *old)
{
	/* An ignored SIGCHLD (inherited from the caller) would make the kernel
	 * reap init unseen, and the wait for its status fail. */
	signal(SIGCHLD, SIG_DFL);
	run_waited_signals(set);
	if (p->tty_mask) {
		sigaddset(set, SIGWINCH);
		sigaddset(set, SIGCONT);
		sigaddset(set, SIGTSTP);
	}
	if (sigprocmask(SIG_BLOCK, set, old) < 0)
		die_errno(errno, "cannot block signals");
}
