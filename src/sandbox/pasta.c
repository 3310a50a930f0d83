// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pasta, the box's connection to the host's network (pasta.h).
 * bench/network measures it: pasta's start adds about 140 ms to a run,
 * nearly all of it pasta's own (README's table).
 *
 * pasta runs on the host, as the caller, a child of the outer nschroot:
 * the caller owns an ancestor of the nested user namespace that owns the
 * box's network namespace, and so holds every capability over both, which
 * pasta needs to join them. It joins them through init's pid, before init
 * makes itself undumpable (after that the host's user could no longer
 * open init's /proc/PID/ns files).
 *
 * pasta's lifetime is the run's: it runs in the foreground (pasta in PID
 * mode does not notice the namespace's end), with the parent-death signal
 * against a killed nschroot, and nschroot kills it once the box is over.
 * Its readiness is its pid file, written once the namespace is configured:
 * -P names a pipe that nschroot reads.
 */
#include "sandbox/pasta.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/status.h"
#include "util/io.h"
#include "util/log.h"

/* pasta's arguments: no port forwarded but the published ones (pasta
 * forwards every port bound on either side by default), the namespace
 * configured as the host's interface is, and connections to the gateway
 * address not turned into connections to the host's loopback: the host's
 * 127.0.0.1 services are not the box's. */
static char **pasta_argv(const struct run_plan *p, pid_t init)
{
	static char userns[40], netns[40];
	snprintf(userns, sizeof(userns), "/proc/%d/ns/user", (int)init);
	snprintf(netns, sizeof(netns), "/proc/%d/ns/net", (int)init);
	/* Namespaces by path, not by pid: pasta would then watch /proc/PID/ns
	 * with inotify for the namespace's end, which an undumpable init
	 * refuses (and a warning each run); nschroot ends pasta itself. */
	const char *fixed[] = { "pasta",
				"--config-net",
				"--quiet",
				"--foreground",
				"--no-map-gw",
				"-T",
				"none",
				"-U",
				"none",
				"-P",
				"/proc/self/fd/3",
				"--userns",
				userns,
				"--netns",
				netns,
				"--no-netns-quit" };
	size_t n_fixed = sizeof(fixed) / sizeof(*fixed);
	/* the fixed ones, the published ports or -t none -u none, -D none,
	 * the NULL */
	char **argv = calloc(n_fixed + 2 * p->n_publish + 4 + 2 + 1, sizeof(*argv));
	if (!argv)
		die_errno(ENOMEM, "cannot start pasta");
	size_t i = 0;
	for (; i < n_fixed; i++)
		argv[i] = (char *)fixed[i];
	bool tcp = false, udp = false;
	for (size_t k = 0; k < p->n_publish; k++) {
		argv[i++] = p->publish[k].udp ? "-u" : "-t";
		argv[i++] = p->publish[k].spec;
		tcp |= !p->publish[k].udp;
		udp |= p->publish[k].udp;
	}
	if (!tcp) {
		argv[i++] = "-t";
		argv[i++] = "none";
	}
	if (!udp) {
		argv[i++] = "-u";
		argv[i++] = "none";
	}
	/* A loopback stub pasta cannot use, and would complain of: the box
	 * asks the stub's upstream servers itself (run.c). */
	if (p->pasta_no_dns) {
		argv[i++] = "-D";
		argv[i++] = "none";
	}
	return argv;
}

/* In pasta's process: the caller's signal dispositions back (pasta takes
 * an ignored SIGPIPE for an error), killed with nschroot, the pid file
 * pipe as descriptor 3, nothing else of nschroot's. */
static _Noreturn void exec_pasta(const struct run_plan *p, char **argv, int pidfile, pid_t parent)
{
	sigset_t none;
	sigemptyset(&none);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
		_exit(EXIT_SETUP);
	/* dup2 onto itself would leave the close-on-exec flag. */
	if (pidfile == 3 ? fcntl(3, F_SETFD, 0) < 0 : dup2(pidfile, 3) < 0)
		_exit(EXIT_SETUP);
	int keep = 3;
	close_from_3_except(&keep, 1);
	/* stderr stays, for pasta's errors; the caller's input and output
	 * are the command's alone. */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
	}
	execv(p->pasta, argv);
	log_error("cannot run pasta '%s': %s", p->pasta, strerror(errno));
	_exit(EXIT_SETUP);
}

/* Until pasta writes its pid file: 0, or -1 when it exited first. */
static int wait_ready(int pidfile)
{
	char buf[32];
	ssize_t n;
	while ((n = read(pidfile, buf, sizeof(buf))) < 0 && errno == EINTR)
		;
	return n > 0 ? 0 : -1;
}

pid_t pasta_start(const struct run_plan *p, pid_t init, int sock)
{
	char byte;
	if (read(sock, &byte, 1) != 1)
		return 0;
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		log_error("cannot start pasta: %s", strerror(errno));
		kill(init, SIGKILL);
		return -1;
	}
	char **argv = pasta_argv(p, init);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0)
		exec_pasta(p, argv, pipefd[1], parent);
	free(argv);
	close(pipefd[1]);
	int ready = pid > 0 ? wait_ready(pipefd[0]) : -1;
	close(pipefd[0]);
	if (ready < 0 || write(sock, "", 1) != 1) {
		log_error("cannot connect the box's network: pasta failed");
		kill(init, SIGKILL);
		if (pid > 0)
			pasta_stop(pid);
		return -1;
	}
	return pid;
}

void pasta_stop(pid_t pasta)
{
	if (pasta <= 0)
		return;
	kill(pasta, SIGKILL);
	int wstatus;
	wait_child(pasta, &wstatus);
}

void pasta_wait_in_init(int sock)
{
	char byte = 0;
	if (write(sock, &byte, 1) != 1 || read(sock, &byte, 1) != 1)
		_exit(EXIT_SETUP);
	close(sock);
}
