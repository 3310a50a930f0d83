// SPDX-License-Identifier: GPL-2.0-or-later
#include "run/status.h"

#include <sys/wait.h>

#include "util/log.h"

void run_waited_signals(sigset_t *set)
{
	sigemptyset(set);
	int sigs[] = { FORWARDED_SIGNALS, SIGCHLD };
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(set, sigs[i]);
}

int run_exit_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return EXIT_SETUP;
}

bool reap_ended(pid_t target, int *wstatus)
{
	int ws;
	pid_t pid;
	bool found = false;
	while ((pid = waitpid(-1, &ws, WNOHANG | __WALL)) > 0)
		if (pid == target) {
			*wstatus = ws;
			found = true;
		}
	return found;
}

int run_forward_until_ended(pid_t command)
{
	sigset_t set;
	run_waited_signals(&set);
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(command, sig);
			continue;
		}
		int wstatus;
		if (reap_ended(command, &wstatus))
			return run_exit_status(wstatus);
	}
}
