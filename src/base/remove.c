// SPDX-License-Identifier: GPL-2.0-or-later
#include "base/remove.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/text.h"

/* Times a directory is read again when rmdir finds it not empty: some
 * file systems may not return every entry to a reader that deletes as it
 * goes. */
#define REREAD_MAX 3

/* How much of a deep path a failure shows: its end, which names the file. */
#define SHOWN_MAX 300

/* Where a directory is: which mount, and which inode on it. */
struct place {
	dev_t dev;
	ino_t ino;
	uint64_t mnt_id; /* 0 where statx cannot tell */
	mode_t mode;
};

/* One directory on the way down from the top. */
struct level {
	DIR *dir;  /* NULL while closed to spare descriptors */
	dev_t dev; /* to check it when reopened through ".." */
	ino_t ino;
	size_t path_len; /* of walk.path up to and including its name */
	size_t name_off; /* where its name starts in walk.path */
	int rereads;
};

struct walk {
	int dirfd;
	struct place top;
	struct level *levels;
	size_t depth, cap;
	size_t lowest_open; /* levels below this one are closed */
	char *path;	    /* "NAME/a/b": the current directory */
	size_t path_cap;
	struct failure *f;
};

static int place_of(int dirfd, const char *name, int flags, struct place *p)
{
	struct statx stx;
	if (statx(dirfd, name, flags | AT_SYMLINK_NOFOLLOW,
		  STATX_TYPE | STATX_MODE | STATX_INO | STATX_MNT_ID, &stx) < 0)
		return -errno;
	*p = (struct place){
		.dev = makedev(stx.stx_dev_major, stx.stx_dev_minor),
		.ino = stx.stx_ino,
		.mnt_id = (stx.stx_mask & STATX_MNT_ID) ? stx.stx_mnt_id : 0,
		.mode = stx.stx_mode,
	};
	return 0;
}

/* A bind mount of a directory of the same file system has the same
 * device: only the mount id tells it apart (Linux 5.8). */
static bool same_mount(const struct place *a, const struct place *b)
{
	if (a->mnt_id && b->mnt_id)
		return a->mnt_id == b->mnt_id;
	return a->dev == b->dev;
}

/* The first len bytes of path, + "/" + leaf when leaf is given, made fit
 * to print on one line, in the failure. */
static int fail_path(struct failure *f, int err, const char *what, const char *path, size_t len,
		     const char *leaf)
{
	_cleanup_free_ char *full = NULL;
	if (asprintf(&full, "%.*s%s%s", (int)len, path, leaf ? "/" : "", leaf ? leaf : "") < 0)
		return fail(f, err, "%s a file", what);
	printable(full);
	size_t n = strlen(full);
	if (n > SHOWN_MAX)
		return fail(f, err, "%s '...%s'", what, full + n - SHOWN_MAX);
	return fail(f, err, "%s '%s'", what, full);
}

/* A failure at w's current path, or at its entry leaf. */
static int fail_at(struct walk *w, int err, const char *what, size_t len, const char *leaf)
{
	return fail_path(w->f, err, what, w->path, len, leaf);
}

/* Open the directory name in parent without following a link; one the
 * caller cannot read (mode 000, 0300) is made 0700 first: it is theirs,
 * and about to go. -ENOTDIR when name is not (or no longer) a directory. */
static int open_dir(int parent, const char *name)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC;
	int fd = openat(parent, name, flags);
	if (fd < 0 && errno == EACCES) {
		/* AT_SYMLINK_NOFOLLOW: glibc refuses (EOPNOTSUPP) rather than
		 * follow, should name have become a link since. */
		if (fchmodat(parent, name, 0700, AT_SYMLINK_NOFOLLOW) < 0)
			return errno == EOPNOTSUPP ? -ENOTDIR : -EACCES;
		fd = openat(parent, name, flags);
	}
	if (fd < 0)
		return errno == ELOOP ? -ENOTDIR : -errno;
	return fd;
}

static int push(struct walk *w, int fd, const struct place *p, const char *name)
{
	if (w->depth == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct level *l = reallocarray(w->levels, cap, sizeof(*l));
		if (!l)
			return -ENOMEM;
		w->levels = l;
		w->cap = cap;
	}
	size_t base = w->depth ? w->levels[w->depth - 1].path_len : 0;
	size_t nlen = strlen(name), need = base + 1 + nlen + 1;
	if (need > w->path_cap) {
		size_t cap = need * 2;
		char *s = realloc(w->path, cap);
		if (!s)
			return -ENOMEM;
		w->path = s;
		w->path_cap = cap;
	}
	size_t off = w->depth ? base + 1 : 0;
	if (w->depth)
		w->path[base] = '/';
	memcpy(w->path + off, name, nlen + 1);

	/* Spare descriptors: the oldest open ancestor is closed, and
	 * reopened through ".." when the walk comes back up to it. */
	if (w->depth - w->lowest_open >= REMOVE_OPEN_DIRS) {
		closedir(w->levels[w->lowest_open].dir);
		w->levels[w->lowest_open++].dir = NULL;
	}
	DIR *d = fdopendir(fd);
	if (!d)
		return -errno;
	w->levels[w->depth++] = (struct level){
		.dir = d,
		.dev = p->dev,
		.ino = p->ino,
		.path_len = off + nlen,
		.name_off = off,
	};
	return 0;
}

/* Descend into the directory name of the current level (or the top, at
 * depth 0). 0; 1 when name turned out not to be a directory; -errno. */
static int descend(struct walk *w, const char *name)
{
	bool top = w->depth == 0;
	int parent = top ? w->dirfd : dirfd(w->levels[w->depth - 1].dir);
	/* What a failure names: the top's own name, or path/name below it. */
	const char *base = top ? name : w->path;
	size_t blen = top ? strlen(name) : w->levels[w->depth - 1].path_len;
	const char *leaf = top ? NULL : name;

	_cleanup_close_ int fd = open_dir(parent, name);
	if (fd == -ENOTDIR || (fd == -ENOENT && !top))
		return 1;
	if (fd < 0)
		return fail_path(w->f, fd, "cannot open directory", base, blen, leaf);

	struct place p = { 0 };
	int r = place_of(fd, "", AT_EMPTY_PATH, &p);
	if (r < 0)
		return fail_path(w->f, r, "cannot stat", base, blen, leaf);
	if (top) {
		struct place parent_place = { 0 };
		r = place_of(w->dirfd, "", AT_EMPTY_PATH, &parent_place);
		if (r < 0)
			return fail_path(w->f, r, "cannot stat the directory holding", base, blen,
					 NULL);
		w->top = p;
		if (!same_mount(&p, &parent_place))
			return fail_path(w->f, -EBUSY, "not removing the mount point", base, blen,
					 NULL);
	} else if (!same_mount(&p, &w->top)) {
		return fail_path(w->f, -EBUSY, "not descending into the mount point", base, blen,
				 leaf);
	}
	/* Read, search and write: to list it and unlink what it holds. */
	if ((p.mode & 0700) != 0700 && fchmod(fd, 0700) < 0)
		return fail_path(w->f, errno, "cannot make writable", base, blen, leaf);

	r = push(w, fd, &p, name);
	if (r < 0)
		return fail_path(w->f, r, "cannot open directory", top ? name : w->path, blen,
				 leaf);
	fd = -1; /* now the level's */
	return 0;
}

/* Reopen a level closed to spare descriptors, from its child's "..",
 * which must be the very directory left. */
static int reopen_parent(struct walk *w)
{
	struct level *child = &w->levels[w->depth - 1], *parent = child - 1;
	_cleanup_close_ int fd =
	    openat(dirfd(child->dir), "..", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail_at(w, errno, "cannot reopen directory", parent->path_len, NULL);
	struct stat st;
	if (fstat(fd, &st) < 0)
		return fail_at(w, errno, "cannot stat", parent->path_len, NULL);
	if (st.st_dev != parent->dev || st.st_ino != parent->ino)
		return fail_at(w, -ESTALE, "directory moved during removal:", parent->path_len,
			       NULL);
	parent->dir = fdopendir(fd);
	if (!parent->dir)
		return fail_at(w, errno, "cannot reopen directory", parent->path_len, NULL);
	fd = -1;
	w->lowest_open = w->depth - 2;
	return 0;
}

/* The current level is read to its end: remove it. 0 when done with it,
 * 1 when it must be read again, -errno. */
static int finish_level(struct walk *w)
{
	struct level *l = &w->levels[w->depth - 1];
	if (w->depth > 1 && !l[-1].dir) {
		int r = reopen_parent(w);
		if (r < 0)
			return r;
	}
	int parent = w->depth > 1 ? dirfd(l[-1].dir) : w->dirfd;
	w->path[l->path_len] = '\0'; /* cut off the last child's name */
	/* Removed while still open: a directory may be, and its entries can
	 * still be read again should it turn out not to be empty. */
	if (unlinkat(parent, w->path + l->name_off, AT_REMOVEDIR) < 0) {
		if (errno == ENOTEMPTY && l->rereads < REREAD_MAX) {
			l->rereads++;
			rewinddir(l->dir);
			return 1;
		}
		return fail_at(w, errno, "cannot remove directory", l->path_len, NULL);
	}
	closedir(l->dir);
	l->dir = NULL;
	w->depth--;
	return 0;
}

/* Remove one entry of the current level. */
static int remove_entry(struct walk *w, const struct dirent *e)
{
	struct level *l = &w->levels[w->depth - 1];
	int fd = dirfd(l->dir);
	/* A directory is unlinked by rmdir once emptied; anything else, and
	 * a link to a directory above all, by unlink. d_type saves a stat;
	 * where the file system gives none, unlink tells (EISDIR). */
	if (e->d_type != DT_DIR) {
		if (unlinkat(fd, e->d_name, 0) == 0 || errno == ENOENT)
			return 0;
		if (errno != EISDIR && errno != EPERM)
			return fail_at(w, errno, "cannot remove", l->path_len, e->d_name);
	}
	int r = descend(w, e->d_name);
	if (r <= 0)
		return r;
	/* Not a directory after all: replaced by a link or a file mid-walk. */
	if (unlinkat(fd, e->d_name, 0) < 0 && errno != ENOENT)
		return fail_at(w, errno, "cannot remove", l->path_len, e->d_name);
	return 0;
}

static int walk_tree(struct walk *w)
{
	while (w->depth > 0) {
		struct level *l = &w->levels[w->depth - 1];
		errno = 0;
		struct dirent *e = readdir(l->dir);
		if (!e) {
			if (errno)
				return fail_at(w, errno, "cannot read directory", l->path_len,
					       NULL);
			int r = finish_level(w);
			if (r < 0)
				return r;
			continue;
		}
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		int r = remove_entry(w, e);
		if (r < 0)
			return r;
	}
	return 0;
}

int remove_tree_at(int dirfd, const char *name, struct failure *f)
{
	/* One entry of dirfd: the mount check compares name with dirfd. */
	if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return fail_path(f, -EINVAL, "cannot remove", name, strlen(name), NULL);
	struct walk w = { .dirfd = dirfd, .f = f };
	int r = descend(&w, name);
	if (r == 1) {
		if (unlinkat(dirfd, name, 0) < 0)
			r = fail_path(f, errno, "cannot remove", name, strlen(name), NULL);
		else
			r = 0;
	} else if (r == 0) {
		r = walk_tree(&w);
	}
	for (size_t i = 0; i < w.depth; i++)
		if (w.levels[i].dir)
			closedir(w.levels[i].dir);
	free(w.levels);
	free(w.path);
	return r;
}
