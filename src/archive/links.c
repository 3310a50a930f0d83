// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libarchive's SECURE_SYMLINKS refuses to write through a symbolic link
 * that an earlier entry made: it opens and stats every component of every
 * path, three system calls a component, about 150,000 for the Debian tree
 * and a third of create's time (0.2 s of 0.65). Here the entry's directory
 * is opened once with openat2(RESOLVE_NO_SYMLINKS), which fails on a link
 * at any depth, and a link where the entry itself goes is removed, as
 * libarchive does, so that the entry replaces the link rather than what
 * it points to (a directory entry would chmod a link's target).
 *
 * Used only inside the confinement (confine.c): the tree is the process's
 * root, so even a missed link could not lead out of it; this keeps an
 * archive from writing where it did not say, as libarchive's check did.
 * Outside (--unconfined) and for image layers libarchive checks as before.
 * One process writes the tree, so nothing changes between the check and
 * the write.
 */
#include "archive/links.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/resolve.h"

/* The length of p without its trailing slashes, and where its last
 * component starts. */
static size_t split_last(const char *p, size_t *base)
{
	size_t len = strlen(p);
	while (len > 0 && p[len - 1] == '/')
		len--;
	size_t b = len;
	while (b > 0 && p[b - 1] != '/')
		b--;
	*base = b;
	return len;
}

int links_open_dir(const char *path, size_t dir_len)
{
	while (dir_len > 0 && path[dir_len - 1] == '/')
		dir_len--;
	if (dir_len == 0 || (dir_len == 1 && path[0] == '.'))
		return AT_FDCWD;
	char *dir = strndup(path, dir_len);
	if (!dir)
		return -ENOMEM;
	int fd = open_beneath(AT_FDCWD, dir, O_PATH | O_DIRECTORY);
	free(dir);
	return fd;
}

/* 0, 1 (cannot tell: libarchive's turn), or -ELOOP and the like. */
static int dir_verdict(int fd)
{
	if (fd >= 0 || fd == AT_FDCWD || fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	if (fd == -ELOOP || fd == -EXDEV)
		return fd;
	/* ENAMETOOLONG, or openat2 refused (ENOSYS, EPERM by a filter). */
	return 1;
}

/* A hard link's target: its directory reached without a link. */
static int check_target(const char *target, const char **why)
{
	size_t base;
	split_last(target, &base);
	int fd = links_open_dir(target, base);
	int r = dir_verdict(fd);
	if (fd >= 0)
		close(fd);
	if (r < 0) {
		*why = "a hard link through a symbolic link";
		return -EPERM;
	}
	return r;
}

int links_check(struct archive_entry *e, const char **why, struct failure *f)
{
	const char *path = archive_entry_pathname(e);
	const char *target = archive_entry_hardlink(e);
	size_t base;
	size_t len = split_last(path, &base);
	int fd = links_open_dir(path, base);
	int r = dir_verdict(fd);
	if (r < 0) {
		*why = "a symbolic link on the way";
		return -EPERM;
	}
	if (r == 0 && target)
		r = check_target(target, why);
	/* A link where the entry goes: removed (a missing directory has none). */
	if (r == 0 && fd != -ENOENT && fd != -ENOTDIR && len > base) {
		char *name = strndup(path + base, len - base);
		struct stat st;
		if (!name)
			r = fail(f, ENOMEM, "cannot extract '%s'", path);
		else if (strcmp(name, ".") != 0 &&
			 fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode) &&
			 unlinkat(fd, name, 0) < 0)
			r = fail(f, errno,
				 "cannot extract '%s': cannot remove the symbolic link there",
				 path);
		free(name);
	}
	if (fd >= 0)
		close(fd);
	return r;
}
