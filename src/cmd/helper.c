// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmd/helper.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/log.h"
#include "util/parse.h"

char *archive_helper(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *p = NULL;
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			if (asprintf(&p, "%s/nschroot-archive", self) < 0)
				p = NULL;
			if (p && access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	if (asprintf(&p, "%s/nschroot/nschroot-archive", NSCHROOT_LIBEXECDIR) < 0)
		die_errno(ENOMEM, "cannot find nschroot-archive");
	return p;
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

const char *check_progress_arg(const char *arg)
{
	if (strcmp(arg, "auto") != 0 && strcmp(arg, "always") != 0 && strcmp(arg, "never") != 0)
		die_usage("invalid --progress '%s': expected auto, always or never", arg);
	return arg;
}

void check_box_name(const char *name)
{
	if (!box_name_valid(name))
		die_usage("invalid box name '%s': a name is 1 to 64 of [A-Za-z0-9._-], "
			  "starting with a letter or digit", name);
}
