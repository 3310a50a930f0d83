// SPDX-License-Identifier: GPL-2.0-or-later
#include "tmptree.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

void tmptree_make(const char *tag, char base[TMPTREE_MAX])
{
	char tmpl[TMPTREE_MAX];
	const char *tmp = getenv("TMPDIR");
	snprintf(tmpl, sizeof(tmpl), "%s/nschroot-test-%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
	if (!mkdtemp(tmpl))
		bail_out("mkdtemp '%s': %m", tmpl);
	char *canon = realpath(tmpl, NULL);
	if (!canon || strlen(canon) >= TMPTREE_MAX)
		bail_out("realpath '%s': %m, or too long", tmpl);
	strcpy(base, canon);
	free(canon);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (flag == FTW_DP || flag == FTW_D)
		chmod(path, 0700);
	if (remove(path) < 0)
		diag("cannot remove '%s': %m", path);
	return 0;
}

void tmptree_remove(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

struct test_root test_root_new(const char *base, const char *name)
{
	struct test_root r;
	snprintf(r.path, sizeof(r.path), "%s/%s", base, name);
	if (mkdir(r.path, 0755) < 0)
		bail_out("mkdir '%s': %m", r.path);
	r.fd = open(r.path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	r.dirfd = open(r.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r.fd < 0 || r.dirfd < 0)
		bail_out("open '%s': %m", r.path);
	return r;
}

void test_root_close(const struct test_root *r)
{
	close(r->fd);
	close(r->dirfd);
}

size_t count_entries(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return (size_t)-1;
	DIR *d = fdopendir(fd);
	if (!d)
		bail_out("fdopendir '%s': %m", path);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}
