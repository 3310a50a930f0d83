// SPDX-License-Identifier: GPL-2.0-or-later
#include "archive/layer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/remove.h"
#include "base/resolve.h"
#include "util/cleanup.h"

#define WHITEOUT ".wh."
#define OPAQUE	 WHITEOUT WHITEOUT ".opq"

/* What the layer wrote: the path itself, or only something under it. */
enum { WRITTEN = 1, PARENT = 2 };

struct slot {
	char *path;
	unsigned flags;
};

struct layer {
	int root;
	struct slot *slots; /* open addressing, a power of two */
	size_t cap, n;
};

int layer_new(int rootfd, struct layer **out)
{
	struct layer *l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->cap = 1024;
	l->slots = calloc(l->cap, sizeof(*l->slots));
	if (!l->slots) {
		free(l);
		return -ENOMEM;
	}
	l->root = rootfd;
	*out = l;
	return 0;
}

void layer_free(struct layer *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->cap; i++)
		free(l->slots[i].path);
	free(l->slots);
	free(l);
}

/* FNV-1a over the first len bytes. */
static size_t hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return (size_t)h;
}

static struct slot *find(const struct layer *l, const char *s, size_t len)
{
	for (size_t i = hash(s, len) & (l->cap - 1);; i = (i + 1) & (l->cap - 1)) {
		struct slot *e = &l->slots[i];
		if (!e->path || (strlen(e->path) == len && memcmp(e->path, s, len) == 0))
			return e;
	}
}

static int grow(struct layer *l)
{
	struct layer bigger = { .root = l->root, .cap = 2 * l->cap, .n = l->n };
	bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
	if (!bigger.slots)
		return -ENOMEM;
	for (size_t i = 0; i < l->cap; i++)
		if (l->slots[i].path)
			*find(&bigger, l->slots[i].path, strlen(l->slots[i].path)) = l->slots[i];
	free(l->slots);
	*l = bigger;
	return 0;
}

static int mark(struct layer *l, const char *s, size_t len, unsigned flags)
{
	if (2 * (l->n + 1) > l->cap && grow(l) < 0)
		return -ENOMEM;
	struct slot *e = find(l, s, len);
	if (!e->path) {
		e->path = strndup(s, len);
		if (!e->path)
			return -ENOMEM;
		l->n++;
	}
	e->flags |= flags;
	return 0;
}

static unsigned flags_of(const struct layer *l, const char *path)
{
	return find(l, path, strlen(path))->flags;
}

/* An archive's name in one form: no "./" or "/" leading, none trailing,
 * no empty or "." component. ".." was refused before. Empty: the root. */
static int canonical(const char *in, char out[PATH_MAX])
{
	size_t n = 0;
	for (const char *p = in; *p;) {
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);
		if (len && !(len == 1 && *p == '.')) {
			if (n + len + 2 > PATH_MAX)
				return -ENAMETOOLONG;
			if (n)
				out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		p = *end ? end + 1 : end;
	}
	out[n] = '\0';
	return 0;
}

int layer_written(struct layer *l, const char *path)
{
	char p[PATH_MAX] = "";
	int r = canonical(path, p);
	if (r < 0)
		return r;
	r = mark(l, p, strlen(p), WRITTEN);
	for (char *slash = strrchr(p, '/'); r == 0 && slash; slash = strrchr(p, '/')) {
		*slash = '\0';
		r = mark(l, p, strlen(p), PARENT);
	}
	return r;
}

/* The two below call each other down the tree: as deep as the layer's own
 * paths go (PATH_MAX). */
/* NOLINTNEXTLINE(misc-no-recursion) */
static int hide(struct layer *l, int dirfd, char *path, size_t len, struct failure *f);

/* Everything lower layers put in the directory path (open as dirfd)
 * deleted; what this layer wrote kept. */
/* NOLINTNEXTLINE(misc-no-recursion): see hide() */
static int hide_children(struct layer *l, int dirfd, char *path, size_t len, struct failure *f)
{
	int fd = dup(dirfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return fail(f, errno, "cannot read the directory '%s'", path);
	}
	int r = 0;
	struct dirent *e;
	while (r == 0 && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		size_t n = strlen(e->d_name);
		if (len + n + 2 > PATH_MAX) {
			r = fail(f, ENAMETOOLONG, "cannot apply a whiteout under '%s'", path);
			break;
		}
		path[len] = len ? '/' : '\0';
		memcpy(path + len + (len ? 1 : 0), e->d_name, n + 1);
		r = hide(l, dirfd, path, len + (len ? 1 : 0) + n, f);
		path[len] = '\0';
	}
	closedir(d);
	return r;
}

/* The entry path (name its last component, in dirfd) as lower layers made
 * it, deleted: the layer's own files kept, its own directories (and those
 * holding its files) emptied of the rest. */
/* NOLINTNEXTLINE(misc-no-recursion): see above */
static int hide(struct layer *l, int dirfd, char *path, size_t len, struct failure *f)
{
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	unsigned flags = flags_of(l, path);
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0
				       : fail(f, errno, "cannot apply a whiteout to '%s'", path);
	if (flags && S_ISDIR(st.st_mode)) {
		_cleanup_close_ int fd =
		    openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return fail(f, errno, "cannot apply a whiteout to '%s'", path);
		return hide_children(l, fd, path, len, f);
	}
	if (flags & WRITTEN)
		return 0;
	struct failure rf = { 0 };
	int r = remove_tree_at(dirfd, name, &rf);
	if (r < 0)
		return fail(f, r, "cannot apply a whiteout to '%s'", path);
	return 0;
}

/* The directory holding path's last component, resolved in the root;
 * -ENOENT when it is not there (nothing to delete, then). */
static int open_parent(const struct layer *l, char *path, const char **name)
{
	char *slash = strrchr(path, '/');
	*name = slash ? slash + 1 : path;
	if (!slash)
		return open_in_root(l->root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	*slash = '\0';
	int fd = open_in_root(l->root, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	*slash = '/';
	return fd == -ENOTDIR ? -ENOENT : fd;
}

/* DIR/.wh.NAME (target "DIR/NAME") or DIR/.wh..wh..opq (opaque, target
 * "DIR"). */
static int whiteout(struct layer *l, char *target, bool opaque, struct failure *f)
{
	if (opaque) {
		_cleanup_close_ int fd = open_in_root(l->root, *target ? target : ".",
						      O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd == -ENOENT || fd == -ENOTDIR)
			return 0;
		if (fd < 0)
			return fail(f, -fd, "cannot apply a whiteout to '%s'", target);
		return hide_children(l, fd, target, strlen(target), f);
	}
	const char *name;
	_cleanup_close_ int dirfd = open_parent(l, target, &name);
	if (dirfd == -ENOENT)
		return 0;
	if (dirfd < 0)
		return fail(f, -dirfd, "cannot apply a whiteout to '%s'", target);
	return hide(l, dirfd, target, strlen(target), f);
}

/* A non-directory whose path holds a directory of a lower layer: that
 * directory goes first, whole (libarchive would refuse to replace it). */
static int clear_way(struct layer *l, char *path, struct failure *f)
{
	const char *name;
	_cleanup_close_ int dirfd = open_parent(l, path, &name);
	struct stat st;
	if (dirfd < 0 || fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	struct failure rf = { 0 };
	int r = remove_tree_at(dirfd, name, &rf);
	return r < 0 ? fail(f, r, "cannot replace the directory '%s'", path) : 0;
}

int layer_before_entry(struct layer *l, struct archive_entry *e, bool *write, struct failure *f)
{
	char path[PATH_MAX] = "";
	*write = false;
	int r = canonical(archive_entry_pathname(e), path);
	if (r < 0)
		return fail(f, r, "cannot extract '%s'", archive_entry_pathname(e));
	char *slash = strrchr(path, '/');
	char *base = slash ? slash + 1 : path;
	if (strncmp(base, WHITEOUT, strlen(WHITEOUT)) != 0) {
		*write = true;
		return archive_entry_filetype(e) == AE_IFDIR || !*path ? 0 : clear_way(l, path, f);
	}
	bool opaque = strcmp(base, OPAQUE) == 0;
	const char *name = base + strlen(WHITEOUT);
	/* Aufs's hard-link directory and the like: not files of the image. */
	if (!opaque && strncmp(name, WHITEOUT, strlen(WHITEOUT)) == 0)
		return 0;
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return fail_said(f, EPERM,
				 "cannot extract '%s': refused, a whiteout that names no file",
				 archive_entry_pathname(e));
	if (opaque)
		*(slash ? slash : path) = '\0';
	else
		memmove(base, name, strlen(name) + 1);
	return whiteout(l, path, opaque, f);
}
