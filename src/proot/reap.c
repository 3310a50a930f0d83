// SPDX-License-Identifier: GPL-2.0-or-later
#include "proot/reap.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

/* The children of this process, as /proc lists them, into pids (at most
 * max); their number. */
static size_t children(pid_t *pids, size_t max)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)getpid(), (int)getpid());
	FILE *f = fopen(path, "re");
	size_t n = 0;
	int pid;
	/* NOLINTNEXTLINE(cert-err34-c): the kernel's list of numbers */
	while (f && n < max && fscanf(f, "%d", &pid) == 1)
		pids[n++] = pid;
	if (f)
		fclose(f);
	return n;
}

void reap_kill_all(void)
{
	pid_t pids[256];
	size_t n;
	while ((n = children(pids, 256)) > 0) {
		for (size_t i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
		while (waitpid(-1, NULL, __WALL) < 0 && errno == EINTR)
			;
	}
	while (waitpid(-1, NULL, __WALL | WNOHANG) > 0)
		;
}
