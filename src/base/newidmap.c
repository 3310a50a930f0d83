// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Mapping subordinate ids through the system's newuidmap and newgidmap.
 *
 * Only a process with CAP_SETUID over the parent namespace may map more
 * than its own id; nschroot has none and must never be set-id itself. The
 * uidmap package's helpers are set-id root (or carry file capabilities) and
 * check each range against /etc/subuid and /etc/subgid. Debian 12 ships
 * shadow 4.13, which takes a pid (not the later "fd:N" form): the pid is our
 * own unreaped child, so it cannot be reused before the helpers are done.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/idmap.h"
#include "base/programs.h"
#include "util/cleanup.h"
#include "util/io.h"

bool idmap_helper_usable(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return false;
	if ((st.st_mode & S_ISUID) && st.st_uid == 0)
		return true;
	return getxattr(path, "security.capability", NULL, 0) > 0;
}

/* The last non-empty line of text, trimmed, in place. */
static const char *last_line(char *text)
{
	size_t n = strlen(text);
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	char *nl = strrchr(text, '\n');
	return nl ? nl + 1 : text;
}

/* A newuidmap or newgidmap on its way. */
struct helper_run {
	const char *name;
	pid_t child; /* -1: not started */
	int errfd;   /* the read end of its standard error */
};

/* Start name PID INSIDE OUTSIDE COUNT...; its standard error is kept for
 * the failure message. 0 or -errno with f set. */
static int start_helper(struct helper_run *h, const char *name, pid_t pid, const struct id_map *map,
			struct failure *f)
{
	*h = (struct helper_run){ .name = name, .child = -1, .errfd = -1 };
	_cleanup_free_ char *path = search_path(name);
	if (!path) {
		fail_hint(f, "%s",
			  "install the uidmap package, which provides newuidmap and newgidmap");
		return fail(f, ENOENT, "cannot map the subordinate ids: %s not found", name);
	}
	char args[IDMAP_MAX_EXTENTS * 3][12];
	char pidarg[12];
	char *argv[2 + IDMAP_MAX_EXTENTS * 3 + 1];
	size_t a = 0;
	argv[a++] = path;
	snprintf(pidarg, sizeof(pidarg), "%d", (int)pid);
	argv[a++] = pidarg;
	for (size_t i = 0; i < map->n; i++) {
		uint32_t v[3] = { map->e[i].inside, map->e[i].outside, map->e[i].count };
		for (size_t k = 0; k < 3; k++) {
			snprintf(args[i * 3 + k], sizeof(args[0]), "%u", (unsigned)v[k]);
			argv[a++] = args[i * 3 + k];
		}
	}
	argv[a] = NULL;

	int err[2];
	if (pipe2(err, O_CLOEXEC) < 0)
		return fail(f, errno, "cannot make a pipe");
	pid_t child = fork();
	if (child < 0) {
		int e = errno;
		close(err[0]);
		close(err[1]);
		return fail(f, e, "cannot fork");
	}
	if (child == 0) {
		/* The caller blocks the signals it waits for: a helper stuck
		 * in a slow lookup must still die of Ctrl-C. */
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(err[1], STDERR_FILENO) < 0)
			_exit(127);
		execv(path, argv);
		dprintf(STDERR_FILENO, "%s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(err[1]);
	h->child = child;
	h->errfd = err[0];
	return 0;
}

/* Wait for a started helper (none: nothing to do). 0 when it mapped the
 * ids, else -errno with f set, its own last words included. */
static int finish_helper(struct helper_run *h, struct failure *f)
{
	if (h->child < 0)
		return 0;
	char out[512];
	size_t got = 0;
	ssize_t n;
	while (got < sizeof(out) - 1 &&
	       ((n = read(h->errfd, out + got, sizeof(out) - 1 - got)) > 0 ||
		(n < 0 && errno == EINTR)))
		if (n > 0)
			got += (size_t)n;
	out[got] = '\0';
	close(h->errfd);
	int wstatus;
	int r = wait_child(h->child, &wstatus);
	h->child = -1;
	if (r < 0)
		return fail(f, r, "cannot wait for %s", h->name);
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
		return 0;
	const char *why = last_line(out);
	if (strstr(why, "not allowed"))
		fail_hint(f, "%s",
			  "your ranges in /etc/subuid and /etc/subgid must cover the map:\n"
			  "usermod --add-subuids FIRST-LAST --add-subgids FIRST-LAST USER\n"
			  "a box made with ranges that are no longer yours moves to your\n"
			  "current ones with 'nschroot remap BOX --map=MODE' (its mode)");
	else if (strstr(why, "owned by a different user"))
		fail_hint(f, "%s",
			  "newuidmap maps only a process whose real and effective ids are\n"
			  "the caller's own: not under sg, newgrp or a changed group");
	if (!*why)
		return fail(f, EPERM, "cannot map the subordinate ids: %s failed", h->name);
	return fail_said(f, EPERM, "cannot map the subordinate ids: %s", why);
}

/* The two helpers run side by side: they write different files, and each
 * costs the exec of a set-id program. Both are waited for whatever
 * happens; the first failure is the one reported. */
int idmap_apply(pid_t pid, const struct idmap *m, struct failure *f)
{
	if (!idmap_subordinate(m)) {
		int r = idmap_write_single(pid, m->uid.e[0].inside, m->uid.e[0].outside,
					   m->gid.e[0].inside, m->gid.e[0].outside, true);
		return r < 0 ? fail(f, r, "cannot write the user namespace's id maps") : 0;
	}
	struct helper_run u = { .child = -1, .errfd = -1 }, g = u;
	struct failure gf = { 0 };
	int ru = start_helper(&u, "newuidmap", pid, &m->uid, f);
	int rg = ru < 0 ? 0 : start_helper(&g, "newgidmap", pid, &m->gid, &gf);
	int fu = finish_helper(&u, f);
	int fg = finish_helper(&g, &gf);
	if (ru < 0 || fu < 0)
		return ru < 0 ? ru : fu;
	if (rg < 0 || fg < 0) {
		*f = gf;
		return rg < 0 ? rg : fg;
	}
	return 0;
}
