// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libarchive's disk writer spends ten system calls on each regular file:
 * it reads the umask twice, makes sure of close-on-exec with fcntl, and
 * links.c opens and stats the file's directory before it. For the 6,000
 * files of a Debian tree that is a fifth of create's time. Here a plain
 * regular file (no hard link, no holes, no extended attributes) is
 * created in its directory, kept open from the file before, and given its
 * owner, mode and times through its descriptor: open, write, futimens,
 * close, with fchown only where the new file is not already the owner's
 * (most of a tree is root's) and fchmod only where the mode needs it.
 *
 * The same guarantees as libarchive with SECURE_SYMLINKS, used only where
 * links.c is (inside the confinement, for a tarball):
 * - The directory is opened with openat2(RESOLVE_NO_SYMLINKS |
 *   RESOLVE_BENEATH), so a link anywhere on the way leaves the entry to
 *   libarchive and links.c, which refuse it.
 * - The kept directory is dropped whenever an entry is written another
 *   way (files_forget): only such an entry (a directory, a link, a file
 *   replacing another) can change what a path names. Files created here
 *   are new names (O_EXCL) in a directory that stays.
 * - O_CREAT | O_EXCL never follows a link and never reuses a file: what
 *   is in the way leaves the entry to libarchive, which replaces it as it
 *   always has. Nothing is written before that choice is made.
 * - Owner before mode, so that chown does not clear set-id bits set by
 *   chmod; times last, as libarchive does.
 */
#include "archive/files.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive/links.h"

void files_init(struct files *c, bool keep_owners)
{
	*c = (struct files){ .dirfd = -1, .keep_owners = keep_owners };
	c->umask = umask(0);
	umask(c->umask);
	c->start = time(NULL);
	c->uid = geteuid();
	c->gid = getegid();
}

void files_forget(struct files *c)
{
	if (c->dirfd >= 0)
		close(c->dirfd);
	free(c->dir);
	c->dir = NULL;
	c->dirfd = -1;
}

/* What only libarchive restores, or restores in its own way. */
static bool plain_file(struct archive_entry *e)
{
	return archive_entry_filetype(e) == AE_IFREG && !archive_entry_hardlink(e) &&
	       archive_entry_size_is_set(e) && archive_entry_size(e) >= 0 &&
	       archive_entry_sparse_count(e) == 0 && archive_entry_xattr_count(e) == 0;
}

/* The directory of the dir_len bytes of path, kept or opened: a
 * descriptor, or -1 (no link may be on the way: libarchive's turn). */
static int dir_of(struct files *c, const char *path, size_t dir_len)
{
	if (c->dir && c->dir_len == dir_len && memcmp(c->dir, path, dir_len) == 0)
		return c->dirfd;
	files_forget(c);
	int fd = links_open_dir(path, dir_len);
	if (fd < 0 && fd != AT_FDCWD)
		return -1;
	struct stat st;
	c->dir = strndup(path, dir_len);
	if (!c->dir || fstatat(fd, "", &st, AT_EMPTY_PATH) < 0) {
		if (fd >= 0)
			close(fd);
		free(c->dir);
		c->dir = NULL;
		return -1;
	}
	/* A new file's group is the process's, or the directory's where it
	 * is set-gid or mounted with grpid: both, if they are the same. */
	c->dir_ours = st.st_gid == c->gid;
	c->dir_len = dir_len;
	c->dirfd = fd;
	return fd;
}

int files_open(struct files *c, struct archive_entry *e)
{
	const char *path = archive_entry_pathname(e);
	if (!plain_file(e) || !path)
		return -1;
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -1;
	int dirfd = dir_of(c, path, slash ? (size_t)(slash - path) : 0);
	if (dirfd == -1)
		return -1;
	/* The mode as libarchive creates it; set-id bits come after the owner. */
	mode_t mode = archive_entry_perm(e) & 0777 & ~c->umask;
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		files_forget(c);
		return -1;
	}
	return fd;
}

int files_write(int fd, const void *buf, size_t size, int64_t offset, const char *path,
		struct failure *f)
{
	const char *p = buf;
	while (size > 0) {
		ssize_t n = pwrite(fd, p, size, (off_t)offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail(f, errno, "cannot extract '%s'", path);
		p += n;
		size -= (size_t)n;
		offset += n;
	}
	return 0;
}

/* Owner, then mode (chown clears set-id bits), as libarchive's
 * set_ownership and set_mode; a failure is a warning, as there. */
static void set_owner_mode(const struct files *c, int fd, struct archive_entry *e,
			   const struct archive_hooks *h)
{
	const char *path = archive_entry_pathname(e);
	char msg[128];
	mode_t perm = archive_entry_perm(e) & 07777;
	la_int64_t uid = archive_entry_uid(e), gid = archive_entry_gid(e);
	/* A new file is already ours (dir_of): most of a tree is root's, and
	 * needs no chown. */
	bool owned = c->dir_ours && uid == c->uid && gid == c->gid;
	if (c->keep_owners && !owned) {
		if (fchown(fd, (uid_t)uid, (gid_t)gid) < 0) {
			snprintf(msg, sizeof(msg), "Can't set user=%" PRId64 "/group=%" PRId64,
				 (int64_t)uid, (int64_t)gid);
			hooks_warn(h, path, msg);
			perm &= ~(mode_t)(S_ISUID | S_ISGID);
		}
	}
	if (perm == (perm & 0777 & ~c->umask))
		return;
	if (fchmod(fd, perm) < 0) {
		snprintf(msg, sizeof(msg), "Can't set permissions to 0%o", (unsigned)perm);
		hooks_warn(h, path, msg);
	}
}

/* libarchive's set_times_from_entry: nothing when the archive gives no
 * time, else the writer's start for the one it lacks. */
static void set_times(const struct files *c, int fd, struct archive_entry *e,
		      const struct archive_hooks *h)
{
	bool has_atime = archive_entry_atime_is_set(e), has_mtime = archive_entry_mtime_is_set(e);
	if (!has_atime && !has_mtime && !archive_entry_birthtime_is_set(e))
		return;
	struct timespec ts[2] = { { .tv_sec = c->start }, { .tv_sec = c->start } };
	if (has_atime)
		ts[0] = (struct timespec){ .tv_sec = archive_entry_atime(e),
					   .tv_nsec = archive_entry_atime_nsec(e) };
	if (has_mtime)
		ts[1] = (struct timespec){ .tv_sec = archive_entry_mtime(e),
					   .tv_nsec = archive_entry_mtime_nsec(e) };
	if (futimens(fd, ts) < 0)
		hooks_warn(h, archive_entry_pathname(e), "Can't restore time");
}

int files_finish(const struct files *c, int fd, struct archive_entry *e, int64_t end,
		 const struct archive_hooks *h, struct failure *f)
{
	const char *path = archive_entry_pathname(e);
	/* A file whose last bytes are a hole (not written) still has its size. */
	if (end < archive_entry_size(e) && ftruncate(fd, (off_t)archive_entry_size(e)) < 0) {
		int err = errno;
		close(fd);
		return fail(f, err, "cannot extract '%s'", path);
	}
	set_owner_mode(c, fd, e, h);
	set_times(c, fd, e, h);
	/* A file system may report a failed write only now (NFS, quota). */
	if (close(fd) < 0 && errno != EINTR)
		return fail(f, errno, "cannot extract '%s'", path);
	return 0;
}
