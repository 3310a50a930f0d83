// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hand-made tarballs often hold the tree under one directory (rootfs/bin/sh,
 * rootfs/etc/...): extracted as they are, they make a box without /bin/sh.
 *
 * Whether every entry sits under one directory is known only at the end of
 * the archive (one entry outside it changes the answer), and the archive is
 * read once, from a pipe perhaps. Rather than guess from its first entries
 * and rewrite names as they come, the extractor writes the tree as it is,
 * and this looks at the result: a root holding exactly one entry, a
 * directory that is not one of a rootfs' own top-level names (an archive of
 * usr/ alone stays usr/) and that holds etc, usr or bin. Its entries are
 * then renamed up, inside the confined root: within one filesystem, so no
 * data is copied and hard links, owners and modes stay as they are.
 */
#include "archive/lift.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"

/* Names a rootfs has at its top: a tree of one of them is a partial tree. */
static bool is_rootfs_dir(const char *name)
{
	static const char *const dirs[] = {
		"bin",	 "boot",   "dev",   "etc", "home", "lib",  "lib32",
		"lib64", "libx32", "media", "mnt", "opt",  "proc", "root",
		"run",	 "sbin",   "srv",   "sys", "tmp",  "usr",  "var",
	};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (strcmp(name, dirs[i]) == 0)
			return true;
	return false;
}

static bool is_dir_at(int dirfd, const char *name, bool or_link)
{
	struct stat st;
	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       (S_ISDIR(st.st_mode) || (or_link && S_ISLNK(st.st_mode)));
}

static bool is_dot(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* The entries of a directory, without "." and "..". */
struct names {
	char **v;
	size_t n;
};

static void free_names(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct names){ 0 };
}

/* The entries of d appended to l. */
static int read_names(DIR *d, struct names *l)
{
	size_t cap = 0;
	struct dirent *e;
	while ((errno = 0, e = readdir(d))) {
		if (is_dot(e->d_name))
			continue;
		if (l->n == cap) {
			cap = cap ? 2 * cap : 32;
			char **p = reallocarray(l->v, cap, sizeof(*p));
			if (!p)
				return -ENOMEM;
			l->v = p;
		}
		if (!(l->v[l->n] = strdup(e->d_name)))
			return -ENOMEM;
		l->n++;
	}
	return errno ? -errno : 0;
}

/* The entries of the directory dirfd, newly allocated in l (free_names
 * them); -errno, with l empty. */
static int list_dir(int dirfd, struct names *l)
{
	*l = (struct names){ 0 };
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	DIR *d = fdopendir(fd);
	if (!d) {
		int err = errno;
		close(fd);
		return -err;
	}
	int r = read_names(d, l);
	closedir(d);
	if (r < 0)
		free_names(l);
	return r;
}

/* The only entry of rootfd, when it is a directory that should be lifted,
 * into name; 0 otherwise. */
static int single_top(int rootfd, char *name, size_t size)
{
	struct names l;
	int r = list_dir(rootfd, &l);
	if (r < 0)
		return r;
	bool one = l.n == 1 && strlen(l.v[0]) < size && !is_rootfs_dir(l.v[0]) &&
		   is_dir_at(rootfd, l.v[0], false);
	if (one)
		strcpy(name, l.v[0]);
	free_names(&l);
	if (!one)
		return 0;
	_cleanup_close_ int fd =
	    openat(rootfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return is_dir_at(fd, "etc", false) || is_dir_at(fd, "usr", false) ||
	       is_dir_at(fd, "bin", true);
}

/* Rename every entry of the directory top up into rootfd. */
static int move_up(int rootfd, int top, struct failure *f)
{
	struct names l;
	int r = list_dir(top, &l);
	if (r < 0)
		return fail(f, r, "cannot read the archive's top directory");
	for (size_t i = 0; r == 0 && i < l.n; i++)
		if (renameat(top, l.v[i], rootfd, l.v[i]) < 0)
			r = fail(f, errno, "cannot move '%s' up to the root", l.v[i]);
	free_names(&l);
	return r;
}
int lift_single_top(int rootfd, char *name, size_t size, struct failure *f)
{
	int r = single_top(rootfd, name, size);
	if (r < 0)
		return fail(f, r, "cannot read the extracted tree");
	if (r == 0)
		return 0;
	_cleanup_close_ int top =
	    openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (top < 0)
		return fail(f, errno, "cannot open '%s'", name);
	/* First out of the way, under a name that none of its entries has:
	 * one of them may bear its own name (rootfs/rootfs). */
	char tmp[64];
	unsigned i = 0;
	do
		snprintf(tmp, sizeof(tmp), ".nschroot-lift-%u", i++);
	while (faccessat(top, tmp, F_OK, AT_SYMLINK_NOFOLLOW) == 0 || strcmp(tmp, name) == 0);
	if (renameat(rootfd, name, rootfd, tmp) < 0)
		return fail(f, errno, "cannot rename '%s'", name);
	r = move_up(rootfd, top, f);
	if (r < 0)
		return r;
	if (unlinkat(rootfd, tmp, AT_REMOVEDIR) < 0)
		return fail(f, errno, "cannot remove the emptied '%s'", name);
	return 1;
}
