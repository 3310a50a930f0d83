// SPDX-License-Identifier: GPL-2.0-or-later
#include "run/instance.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/io.h"
#include "util/parse.h"
#include "util/text.h"

/* /proc/PID/stat's ppid (4th field) and starttime (22nd), read after the
 * command's name, which may hold spaces and parentheses: the last ')' ends
 * it. */
static int read_stat(pid_t pid, pid_t *ppid, unsigned long long *ticks)
{
	char path[32];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = read_all(fd, 4096, &buf, &len);
	if (r < 0)
		return r;
	const char *p = strrchr(buf, ')');
	int parent = 0;
	/* Fields 3 (state) and 4 (ppid), 17 skipped, 22 (starttime). */
	/* NOLINTNEXTLINE(cert-err34-c): the kernel's own format */
	if (!p || sscanf(p + 2,
			 "%*c %d %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
			 "%*s %*s %*s %*s %llu",
			 &parent, ticks) != 2)
		return -EINVAL;
	*ppid = parent;
	return 0;
}

int instance_start_ticks(pid_t pid, unsigned long long *ticks)
{
	pid_t ppid;
	return read_stat(pid, &ppid, ticks);
}

int instance_record(int dirfd, const struct instance *in)
{
	char name[24], tmp[32];
	snprintf(name, sizeof(name), "%d", (int)in->init);
	snprintf(tmp, sizeof(tmp), ".%d.tmp", (int)in->init);
	_cleanup_close_ int fd =
	    openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	char text[1024];
	int n = snprintf(text, sizeof(text),
			 "init=%d\nstart=%llu\nstarted=%lld\nbox=%s\nnet=%d\nmap=%d\nuid=%u\n"
			 "gid=%u\nfakeroot=%d\nno-new-privs=%d\ncaps-given=%d\ncaps=%" PRIx64
			 "\ncommand=%s\n",
			 (int)in->init, in->start_ticks, (long long)in->started, in->box,
			 (int)in->net, (int)in->map, (unsigned)in->uid, (unsigned)in->gid,
			 in->fakeroot, in->no_new_privs, in->caps_given, in->caps, in->command);
	int r = write_all(fd, text, (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1);
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dirfd, tmp, 0);
	return r;
}

void instance_forget(int dirfd, pid_t init)
{
	char name[24];
	snprintf(name, sizeof(name), "%d", (int)init);
	unlinkat(dirfd, name, 0);
}

static void set_field(struct instance *in, const char *key, const char *v)
{
	unsigned long long u = strtoull(v, NULL, 0);
	if (strcmp(key, "init") == 0)
		in->init = (pid_t)u;
	else if (strcmp(key, "start") == 0)
		in->start_ticks = u;
	else if (strcmp(key, "started") == 0)
		in->started = (time_t)u;
	else if (strcmp(key, "box") == 0)
		snprintf(in->box, sizeof(in->box), "%s", v);
	else if (strcmp(key, "net") == 0)
		in->net = (enum net_mode)u;
	else if (strcmp(key, "map") == 0)
		in->map = (enum map_mode)u;
	else if (strcmp(key, "uid") == 0)
		in->uid = (uid_t)u;
	else if (strcmp(key, "gid") == 0)
		in->gid = (gid_t)u;
	else if (strcmp(key, "fakeroot") == 0)
		in->fakeroot = u != 0;
	else if (strcmp(key, "no-new-privs") == 0)
		in->no_new_privs = u != 0;
	else if (strcmp(key, "caps-given") == 0)
		in->caps_given = u != 0;
	else if (strcmp(key, "caps") == 0)
		in->caps = strtoull(v, NULL, 16);
	else if (strcmp(key, "command") == 0)
		snprintf(in->command, sizeof(in->command), "%s", v);
}

static int read_record(int dirfd, const char *name, struct instance *in)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = read_regular(fd, 4096, &buf, &len);
	if (r < 0)
		return r;
	*in = (struct instance){ 0 };
	const char *line, *p = buf;
	size_t n;
	while (next_line(&p, buf + len, &line, &n)) {
		char l[512];
		const char *eq = memchr(line, '=', n);
		if (!eq || n >= sizeof(l))
			continue;
		memcpy(l, line, n);
		l[n] = '\0';
		l[eq - line] = '\0';
		set_field(in, l, l + (eq - line) + 1);
	}
	return in->init > 0 ? 0 : -EINVAL;
}

/* Whether the record names a live init: its pid still that process. */
static bool alive(const struct instance *in)
{
	if (in->init <= 0)
		return false;
	unsigned long long ticks = 0;
	return instance_start_ticks(in->init, &ticks) == 0 && ticks == in->start_ticks;
}

static int by_start(const void *a, const void *b)
{
	const struct instance *x = a, *y = b;
	return x->start_ticks < y->start_ticks ? -1 : x->start_ticks > y->start_ticks;
}

static int add(struct instance **v, size_t *n, const struct instance *in)
{
	struct instance *bigger = reallocarray(*v, *n + 1, sizeof(**v));
	if (!bigger)
		return -ENOMEM;
	*v = bigger;
	(*v)[(*n)++] = *in;
	return 0;
}

int instance_list(int dirfd, const char *box, struct instance **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int fd = dup(dirfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	int r = 0;
	struct dirent *e;
	while (r == 0 && (e = readdir(d))) {
		struct instance in = { 0 };
		if (e->d_name[0] == '.' || read_record(dirfd, e->d_name, &in) < 0)
			continue;
		if (!alive(&in))
			unlinkat(dirfd, e->d_name, 0);
		else if (!box || strcmp(box, in.box) == 0)
			r = add(out, n, &in);
	}
	closedir(d);
	if (r == 0 && *n > 1)
		qsort(*out, *n, sizeof(**out), by_start);
	return r;
}

pid_t instance_command(const struct instance *in)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -errno;
	pid_t best = -ESRCH;
	unsigned long long best_ticks = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		uint32_t pid = 0;
		pid_t ppid = 0;
		unsigned long long ticks = 0;
		if (parse_u32(e->d_name, 1, INT32_MAX, &pid) < 0 ||
		    read_stat((pid_t)pid, &ppid, &ticks) < 0 || ppid != in->init)
			continue;
		if (best < 0 || ticks < best_ticks) {
			best = (pid_t)pid;
			best_ticks = ticks;
		}
	}
	closedir(d);
	return best;
}

int instance_of_plan(const struct run_plan *p, pid_t init, struct instance *in)
{
	*in = (struct instance){
		.init = init,
		.started = time(NULL),
		.net = p->net,
		.map = p->idmap.mode,
		.uid = p->uid,
		.gid = p->gid,
		.fakeroot = p->fakeroot,
		.no_new_privs = p->no_new_privs,
		.caps_given = p->caps_given,
		.caps = p->caps,
	};
	snprintf(in->box, sizeof(in->box), "%s", p->instance_box);
	size_t n = 0;
	for (char *const *a = p->argv; a && *a && n + 1 < sizeof(in->command); a++) {
		int w =
		    snprintf(in->command + n, sizeof(in->command) - n, "%s%s", n ? " " : "", *a);
		n = w < 0 || (size_t)w >= sizeof(in->command) - n ? sizeof(in->command) - 1
								  : n + (size_t)w;
	}
	if (!p->argv)
		snprintf(in->command, sizeof(in->command), "%s (login shell)", p->shell);
	/* One line in the record: what the command line held is shown, not
	 * acted on. */
	for (char *c = in->command; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return instance_start_ticks(init, &in->start_ticks);
}
