// SPDX-License-Identifier: GPL-2.0-or-later
#include "base/resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/io.h"

/* Symlink hops allowed while creating a dangling link's target, as the
 * kernel's own limit on a path walk. */
#define MAX_LINK_HOPS 40

const char *fd_path(int fd, char buf[FD_PATH_MAX])
{
	snprintf(buf, FD_PATH_MAX, "/proc/self/fd/%d", fd);
	return buf;
}

int open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd;
	do
		fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	while (fd < 0 && (errno == EINTR || errno == EAGAIN));
	return fd < 0 ? -errno : fd;
}

int open_beneath(int dirfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd;
	do
		fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	while (fd < 0 && (errno == EINTR || errno == EAGAIN));
	return fd < 0 ? -errno : fd;
}

/* Split path into its parent ("/" for a top-level name) and last name. */
static int split_last(const char *path, char **parent, const char **name)
{
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	const char *slash = memrchr(path, '/', len);
	size_t plen = slash ? (size_t)(slash - path) : 0;
	*parent = plen ? strndup(path, plen) : strdup("/");
	if (!*parent)
		return -ENOMEM;
	*name = slash ? slash + 1 : path;
	return 0;
}

/* NOLINTNEXTLINE(misc-no-recursion): one level per component, bounded by the path */
int mkdir_in_root(int rootfd, const char *path)
{
	int fd = open_in_root(rootfd, path, O_PATH | O_DIRECTORY);
	if (fd != -ENOENT)
		return fd;

	_cleanup_free_ char *parent = NULL;
	const char *name;
	int r = split_last(path, &parent, &name);
	if (r < 0)
		return r;
	_cleanup_free_ char *base = strndup(name, strcspn(name, "/"));
	if (!base)
		return -ENOMEM;
	if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return -ENOENT;

	_cleanup_close_ int pfd = mkdir_in_root(rootfd, parent);
	if (pfd < 0)
		return pfd;
	/* mkdirat does not follow a symlink in its last component: a dangling
	 * link there gives EEXIST and the lookup below fails, rather than a
	 * directory being made wherever the link points. */
	if (mkdirat(pfd, base, 0755) < 0 && errno != EEXIST)
		return -errno;
	return open_in_root(rootfd, path, O_PATH | O_DIRECTORY);
}

int mkfile_in_root(int rootfd, const char *path)
{
	_cleanup_free_ char *cur = strdup(path);
	if (!cur)
		return -ENOMEM;

	/* One pass per link followed, then one that creates the target and one
	 * that opens it: a chain the kernel would follow (up to MAX_LINK_HOPS
	 * links) must not run out of passes after its target was created. */
	for (int pass = 0; pass < MAX_LINK_HOPS + 2; pass++) {
		int fd = open_in_root(rootfd, cur, O_PATH);
		if (fd != -ENOENT)
			return fd;

		_cleanup_free_ char *parent = NULL;
		const char *name;
		int r = split_last(cur, &parent, &name);
		if (r < 0)
			return r;
		if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			return -ENOENT;
		_cleanup_close_ int pfd = mkdir_in_root(rootfd, parent);
		if (pfd < 0)
			return pfd;
		int nfd =
		    openat(pfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (nfd >= 0) {
			close(nfd);
			continue;
		}
		if (errno != EEXIST)
			return -errno;

		/* Something is there that the lookup could not follow: a
		 * dangling symlink. Create its target, resolved from the link's
		 * own directory, still inside the root. */
		char target[4096];
		ssize_t n = readlinkat(pfd, name, target, sizeof(target) - 1);
		if (n < 0)
			return errno == EINVAL ? -EEXIST : -errno;
		target[n] = '\0';
		char *next;
		if (target[0] == '/')
			next = strdup(target);
		else if (asprintf(&next, "%s/%s", parent, target) < 0)
			next = NULL;
		if (!next)
			return -ENOMEM;
		free(cur);
		cur = next;
	}
	return -ELOOP;
}

int read_file_in_root(int rootfd, const char *path, size_t max, char **buf, size_t *len)
{
	/* Looked at through O_PATH first: opening a FIFO planted at this name
	 * would hang, and opening a device node would run its driver's open on
	 * the host. Only a regular file is then opened for reading. */
	_cleanup_close_ int pfd = open_in_root(rootfd, path, O_PATH);
	if (pfd < 0)
		return pfd;
	struct stat st;
	if (fstat(pfd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((size_t)st.st_size > max)
		return -EFBIG;
	char self[FD_PATH_MAX];
	_cleanup_close_ int fd =
	    open(fd_path(pfd, self), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat again;
	if (fstat(fd, &again) < 0)
		return -errno;
	if (again.st_dev != st.st_dev || again.st_ino != st.st_ino)
		return -EAGAIN;

	return read_all(fd, (size_t)st.st_size, buf, len);
}
