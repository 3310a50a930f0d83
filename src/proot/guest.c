// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nschroot-guest: the first process of a box run through proot, the proot
 * backend's counterpart of the namespace engine's init. proot runs it
 * natively (a host program, bound into the guest), inside the guest's view
 * of the file system:
 *
 *     nschroot-guest --status-fd=N --lifeline-fd=N [--chdir=DIR | --home=DIR]
 *                    [--login=SHELL] [--no-new-privs] [--env=NAME=VALUE]...
 *                    -- [COMMAND ARG...]
 *
 * It writes its pid (an int) to the status descriptor, starts the command
 * with the given environment in the given directory, and stays behind as
 * the box's reaper: it passes on the signals nschroot sends it, adopts
 * every orphan of the box (PR_SET_CHILD_SUBREAPER), and once the command
 * has exited kills what is left and writes the command's status (one byte:
 * its exit status, 128+N for signal N, 126 or 127 when it could not be
 * executed) to the status descriptor. proot itself reports the status of
 * the last process to exit and 255 for a signal; this is how nschroot
 * keeps its exit statuses under proot. When nschroot dies, even by
 * SIGKILL, the lifeline reads end of file and the guest kills what is below
 * it; the watchdog outside proot (proot.c) makes sure of the rest.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proot/reap.h"
#include "run/exec.h"
#include "run/status.h"
#include "util/log.h"
#include "util/parse.h"

struct guest {
	int status_fd, lifeline_fd;
	const char *chdir, *home, *login;
	bool no_new_privs;
	char **envp;
	size_t n_env;
	char **argv;
};

static int fd_arg(const char *opt, const char *arg)
{
	uint32_t fd;
	if (parse_u32(arg, 3, INT_MAX, &fd) < 0)
		die("nschroot-guest: invalid %s '%s'", opt, arg);
	return (int)fd;
}

static void parse(int argc, char **argv, struct guest *g)
{
	enum {
		OPT_STATUS = CHAR_MAX + 1,
		OPT_LIFELINE,
		OPT_CHDIR,
		OPT_HOME,
		OPT_LOGIN,
		OPT_NNP,
		OPT_ENV
	};
	static const struct option opts[] = {
		{ "status-fd", required_argument, NULL, OPT_STATUS },
		{ "lifeline-fd", required_argument, NULL, OPT_LIFELINE },
		{ "chdir", required_argument, NULL, OPT_CHDIR },
		{ "home", required_argument, NULL, OPT_HOME },
		{ "login", required_argument, NULL, OPT_LOGIN },
		{ "no-new-privs", no_argument, NULL, OPT_NNP },
		{ "env", required_argument, NULL, OPT_ENV },
		{ 0 },
	};
	*g = (struct guest){ .status_fd = -1, .lifeline_fd = -1, .home = "/" };
	g->envp = calloc((size_t)argc + 1, sizeof(*g->envp));
	if (!g->envp)
		die_errno(ENOMEM, "nschroot-guest");
	int opt;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_STATUS:
			g->status_fd = fd_arg("--status-fd", optarg);
			break;
		case OPT_LIFELINE:
			g->lifeline_fd = fd_arg("--lifeline-fd", optarg);
			break;
		case OPT_CHDIR:
			g->chdir = optarg;
			break;
		case OPT_HOME:
			g->home = optarg;
			break;
		case OPT_LOGIN:
			g->login = optarg;
			break;
		case OPT_NNP:
			g->no_new_privs = true;
			break;
		case OPT_ENV:
			g->envp[g->n_env++] = optarg;
			break;
		default:
			die("nschroot-guest: invalid option '%s'", argv[optind - 1]);
		}
	}
	if (g->status_fd < 0 || g->lifeline_fd < 0 || (optind >= argc && !g->login))
		die("nschroot-guest: is run by nschroot's proot backend, not by hand");
	g->argv = optind < argc ? &argv[optind] : NULL;
}

/* The command's process: the caller's signal dispositions, the working
 * directory (-w must be entered; HOME may not be: "/" then), exec. */
static _Noreturn void exec_command(const struct guest *g, const sigset_t *mask)
{
	log_exit_immediately();
	sigprocmask(SIG_SETMASK, mask, NULL);
	close(g->status_fd);
	close(g->lifeline_fd);
	if (g->chdir && chdir(g->chdir) < 0)
		die_errno(errno, "cannot change directory to '%s'", g->chdir);
	if (!g->chdir && chdir(g->home) < 0 && chdir("/") < 0)
		die_errno(errno, "cannot change directory to '/'");
	if (g->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno(errno, "cannot set no_new_privs");
	if (g->argv)
		exec_command_argv(g->argv, g->envp);
	exec_login_shell(g->login, g->envp);
}

static _Noreturn void finish(const struct guest *g, int status)
{
	reap_kill_all();
	unsigned char byte = (unsigned char)status;
	ssize_t w = write(g->status_fd, &byte, 1); /* fails only once nschroot is gone */
	(void)w;
	_exit(status);
}

/* A signal that nschroot sent (SI_USER, SI_QUEUE) goes on to the command;
 * one from the terminal reached the command too, directly. */
static void on_signal(const struct guest *g, pid_t command, const struct signalfd_siginfo *si)
{
	if (si->ssi_signo != SIGCHLD) {
		if (si->ssi_code == SI_USER || si->ssi_code == SI_QUEUE)
			kill(command, (int)si->ssi_signo);
		return;
	}
	int wstatus;
	if (reap_ended(command, &wstatus))
		finish(g, run_exit_status(wstatus));
}

int main(int argc, char **argv)
{
	struct guest g;
	parse(argc, argv, &g);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		die_errno(errno, "cannot make nschroot-guest the box's reaper");
	signal(SIGCHLD, SIG_DFL); /* ignored, it would reap the command unseen */
	sigset_t set, old;
	run_waited_signals(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		die_errno(errno, "cannot wait for signals");
	pid_t self = getpid();
	if (write(g.status_fd, &self, sizeof(self)) != (ssize_t)sizeof(self))
		_exit(EXIT_SETUP);

	fflush(NULL);
	pid_t command = fork();
	if (command < 0)
		die_errno(errno, "cannot start the command");
	if (command == 0)
		exec_command(&g, &old);
	for (;;) {
		struct pollfd p[2] = { { .fd = sfd, .events = POLLIN },
				       { .fd = g.lifeline_fd, .events = POLLIN } };
		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents)
			finish(&g, EXIT_SETUP); /* nschroot is gone */
		struct signalfd_siginfo si;
		if (p[0].revents && read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			on_signal(&g, command, &si);
	}
}
