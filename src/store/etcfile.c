// SPDX-License-Identifier: GPL-2.0-or-later
#include "store/etcfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/io.h"

/* Read the regular file name in dirfd, never following a link there: a
 * symbolic link is -ELOOP, anything not regular -EINVAL (and is not
 * opened: no FIFO to block on, no device to poke). */
int etc_read_at(int dirfd, const char *name, size_t max, char **buf, size_t *len)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	/* O_NOFOLLOW and O_NONBLOCK still: the name may have been replaced
	 * since. */
	_cleanup_close_ int fd =
	    openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return read_regular(fd, max, buf, len);
}

/* Fill the new file: content, exact mode (not the umask's), the owner of
 * the file it replaces, and on disk before it takes the final name. */
static int fill_temp(int fd, const char *content, size_t len, const struct stat *like, mode_t mode)
{
	int r = write_all(fd, content, len);
	if (r < 0)
		return r;
	if (fchmod(fd, mode) < 0)
		return -errno;
	if (like && (like->st_uid != geteuid() || like->st_gid != getegid()) &&
	    fchown(fd, like->st_uid, like->st_gid) < 0)
		return -errno;
	return fsync(fd) < 0 ? -errno : 0;
}

/* Replace name in dirfd with content, atomically: a temporary file in the
 * same directory, renamed over it. A reader sees the old file or the new
 * one, never half of one. like: the file replaced, whose owner to keep. */
int etc_write_atomic(int dirfd, const char *name, const char *content, size_t len, mode_t mode,
		     const struct stat *like)
{
	char tmp[300];
	int fd = -1;
	for (unsigned i = 0; fd < 0 && i < 100; i++) {
		snprintf(tmp, sizeof(tmp), ".%.200s.nschroot-%d-%u", name, (int)getpid(), i);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return -errno;
	}
	if (fd < 0)
		return -EEXIST;

	int r = fill_temp(fd, content, len, like, mode);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	/* rename(2) replaces a link at the final name rather than writing
	 * through it; this check is policy, not the safety: something the
	 * rootfs put there as a link is refused, not silently replaced. */
	struct stat st;
	if (r == 0 && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		r = -ELOOP;
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dirfd, tmp, 0);
	return r;
}
