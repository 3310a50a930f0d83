// SPDX-License-Identifier: GPL-2.0-or-later
#include "base/clone.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/text.h"

/* How much of a deep path a failure shows: its end, which names the file. */
#define SHOWN_MAX 300
/* Bytes a copy_file_range or read/write step moves: the progress bar is
 * redrawn between steps. */
#define CHUNK	  (8u << 20)
#define RW_BUF	  (256u << 10)
#define XATTR_MAX (64u << 10) /* XATTR_LIST_MAX and XATTR_SIZE_MAX */

/* A file met with more than one link: where its first copy is. */
struct link_slot {
	dev_t dev;
	ino_t ino;
	char *path; /* relative to dst's top; NULL: a free slot */
};

/* One directory on the way down: read whole when entered, so that only
 * its descriptors are held while its children are copied. */
struct level {
	int src, dst;
	char **names;
	size_t n, next;
	struct stat st;	 /* the source directory's own */
	size_t path_len; /* of walk.path up to its name */
};

struct walk {
	int dsttop;
	uint64_t top_mnt; /* the source's mount (0: unknown), st_dev otherwise */
	dev_t top_dev;
	struct level *levels;
	size_t depth, cap;
	char *path; /* "usr/bin": the current directory, then "/name" */
	size_t path_cap;
	struct link_slot *links;
	size_t nlinks, links_cap;
	char *buf;   /* read/write copies and xattr values */
	char *names; /* flistxattr */
	bool no_reflink, no_cfr;
	clone_progress_fn progress;
	void *ctx;
	struct clone_stats *st;
	struct failure *f;
};

/* The current directory's path with name after it, in w->path (grown). */
static int set_entry_path(struct walk *w, const char *name)
{
	size_t base = w->depth ? w->levels[w->depth - 1].path_len : 0;
	size_t need = base + 1 + strlen(name) + 1;
	if (need > w->path_cap) {
		char *p = realloc(w->path, need * 2);
		if (!p)
			return -ENOMEM;
		w->path = p;
		w->path_cap = need * 2;
	}
	if (base)
		w->path[base] = '/';
	strcpy(w->path + (base ? base + 1 : 0), name);
	return 0;
}

/* A failure at name in the current directory (NULL: the directory). */
static int fail_at(struct walk *w, int err, const char *what, const char *name)
{
	if (name && set_entry_path(w, name) < 0)
		return fail(w->f, err, "%s a file", what);
	if (!name)
		w->path[w->depth ? w->levels[w->depth - 1].path_len : 0] = '\0';
	const char *shown = w->path[0] ? w->path : ".";
	_cleanup_free_ char *p = strdup(shown);
	if (!p)
		return fail(w->f, err, "%s a file", what);
	printable(p);
	size_t n = strlen(p);
	return fail(w->f, err, "%s '%s%s'", what, n > SHOWN_MAX ? "..." : "",
		    n > SHOWN_MAX ? p + n - SHOWN_MAX : p);
}

static size_t link_hash(dev_t dev, ino_t ino, size_t cap)
{
	uint64_t h = (uint64_t)ino * 0x9E3779B97F4A7C15ull ^ (uint64_t)dev;
	return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

static struct link_slot *link_find(struct walk *w, dev_t dev, ino_t ino)
{
	if (!w->links_cap)
		return NULL;
	for (size_t i = link_hash(dev, ino, w->links_cap);; i = (i + 1) & (w->links_cap - 1)) {
		struct link_slot *s = &w->links[i];
		if (!s->path || (s->dev == dev && s->ino == ino))
			return s;
	}
}

static int link_grow(struct walk *w)
{
	size_t cap = w->links_cap ? w->links_cap * 2 : 256;
	struct link_slot *old = w->links, *t = calloc(cap, sizeof(*t));
	if (!t)
		return -ENOMEM;
	size_t old_cap = w->links_cap;
	w->links = t;
	w->links_cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].path)
			*link_find(w, old[i].dev, old[i].ino) = old[i];
	free(old);
	return 0;
}

/* Remember the entry just copied (its path in w->path) as dev:ino. */
static int link_add(struct walk *w, dev_t dev, ino_t ino)
{
	if ((w->nlinks + 1) * 2 > w->links_cap && link_grow(w) < 0)
		return -ENOMEM;
	struct link_slot *s = link_find(w, dev, ino);
	s->path = strdup(w->path);
	if (!s->path)
		return -ENOMEM;
	s->dev = dev;
	s->ino = ino;
	w->nlinks++;
	return 0;
}

/* Errors that say the file system cannot do this copy at all, as opposed
 * to a failure of this file. */
static bool unsupported(int err)
{
	return err == EOPNOTSUPP || err == ENOTTY || err == EXDEV || err == EINVAL || err == ENOSYS;
}

/* size bytes from in to out: one FICLONE, else copy_file_range steps,
 * else read and write; the first way that fails as unsupported is not
 * tried again. 0 or -errno. */
static int copy_data(struct walk *w, int in, int out, off_t size)
{
	uint64_t base = w->st->bytes;
	if (!w->no_reflink) {
		if (ioctl(out, FICLONE, in) == 0) {
			w->st->reflinked++;
			w->st->bytes += (uint64_t)size;
			return 0;
		}
		if (!unsupported(errno))
			return -errno;
		w->no_reflink = true;
	}
	off_t done = 0;
	while (!w->no_cfr && done < size) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, CHUNK, 0);
		if (n < 0 && done == 0 && unsupported(errno)) {
			w->no_cfr = true;
			break;
		}
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0; /* shrunk meanwhile: what there was is copied */
		done += n;
		w->st->bytes = base + (uint64_t)done;
		w->progress(w->ctx, w->st->bytes);
	}
	for (;;) {
		ssize_t n = read(in, w->buf, RW_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : 0;
		for (ssize_t off = 0; off < n;) {
			ssize_t m = write(out, w->buf + off, (size_t)(n - off));
			if (m < 0 && errno != EINTR)
				return -errno;
			off += m > 0 ? m : 0;
		}
		w->st->bytes += (uint64_t)n;
		w->progress(w->ctx, w->st->bytes);
	}
}

/* An xattr the kernel keeps for itself or for a security module: not
 * settable in a user namespace (trusted.*, security.selinux), and not the
 * box's to carry. */
static bool optional_xattr(const char *name)
{
	return strncmp(name, "user.", 5) != 0 && strncmp(name, "system.", 7) != 0 &&
	       strcmp(name, "security.capability") != 0;
}

static int copy_xattr(struct walk *w, int in, int out, const char *name)
{
	ssize_t n = fgetxattr(in, name, w->buf, XATTR_MAX);
	if (n < 0)
		return errno == ENODATA ? 0 : -errno;
	if (fsetxattr(out, name, w->buf, (size_t)n, 0) == 0)
		return 0;
	if (optional_xattr(name) && (errno == EPERM || errno == EOPNOTSUPP))
		return 0;
	return -errno;
}

/* Every xattr of in onto out; security.capability last, since setting
 * nothing else clears it but it must outlive everything before. */
static int copy_xattrs(struct walk *w, int in, int out)
{
	ssize_t n = flistxattr(in, w->names, XATTR_MAX);
	if (n < 0)
		return errno == EOPNOTSUPP ? 0 : -errno;
	bool cap = false;
	for (char *p = w->names; p < w->names + n; p += strlen(p) + 1) {
		if (strcmp(p, "security.capability") == 0) {
			cap = true;
			continue;
		}
		int r = copy_xattr(w, in, out, p);
		if (r < 0)
			return r;
	}
	return cap ? copy_xattr(w, in, out, "security.capability") : 0;
}

/*
 * The source's owner, mode, xattrs and times onto out, in this order:
 * chown clears the set-id bits and a file capability, so the mode and
 * the xattrs come after it; writing data or xattrs changes the times, so
 * they come last.
 */
static int copy_meta(struct walk *w, int in, int out, const struct stat *st, const char *name)
{
	if (fchown(out, st->st_uid, st->st_gid) < 0)
		return fail_at(w, errno, "cannot give the copy the owner of", name);
	if (fchmod(out, st->st_mode & 07777) < 0)
		return fail_at(w, errno, "cannot give the copy the mode of", name);
	int r = copy_xattrs(w, in, out);
	if (r < 0)
		return fail_at(w, r, "cannot copy the xattrs of", name);
	const struct timespec times[2] = { st->st_atim, st->st_mtim };
	if (futimens(out, times) < 0)
		return fail_at(w, errno, "cannot give the copy the times of", name);
	return 0;
}

/* A regular file of the current directory. 1 when it vanished. */
static int copy_regular(struct walk *w, const struct level *l, const char *name)
{
	_cleanup_close_ int in =
	    openat(l->src, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (in < 0)
		return errno == ENOENT ? 1 : fail_at(w, errno, "cannot open", name);
	struct stat st;
	if (fstat(in, &st) < 0)
		return fail_at(w, errno, "cannot stat", name);
	/* Replaced by something else since it was listed. */
	if (!S_ISREG(st.st_mode))
		return fail_at(w, EAGAIN, "changed while copied:", name);
	_cleanup_close_ int out =
	    openat(l->dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return fail_at(w, errno, "cannot create the copy of", name);
	int r = copy_data(w, in, out, st.st_size);
	if (r < 0)
		return fail_at(w, r, "cannot copy", name);
	return copy_meta(w, in, out, &st, name);
}

/* A symbolic link, copied as it is (never followed); its xattrs stay. */
static int copy_symlink(struct walk *w, const struct level *l, const char *name,
			const struct stat *st)
{
	char target[PATH_MAX + 1];
	ssize_t n = readlinkat(l->src, name, target, sizeof(target));
	if (n < 0)
		return errno == ENOENT ? 1 : fail_at(w, errno, "cannot read the link", name);
	if ((size_t)n >= sizeof(target))
		return fail_at(w, ENAMETOOLONG, "cannot read the link", name);
	target[n] = '\0';
	const struct timespec times[2] = { st->st_atim, st->st_mtim };
	if (symlinkat(target, l->dst, name) < 0)
		return fail_at(w, errno, "cannot create the copy of", name);
	if (fchownat(l->dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return fail_at(w, errno, "cannot give the copy the owner of", name);
	if (utimensat(l->dst, name, times, AT_SYMLINK_NOFOLLOW) < 0)
		return fail_at(w, errno, "cannot give the copy the times of", name);
	return 0;
}

/* A FIFO, made anew: what is in one is no file's content. */
static int copy_fifo(struct walk *w, const struct level *l, const char *name, const struct stat *st)
{
	const struct timespec times[2] = { st->st_atim, st->st_mtim };
	if (mkfifoat(l->dst, name, 0600) < 0)
		return fail_at(w, errno, "cannot create the copy of", name);
	/* The name is the FIFO just made, in the copy nobody else writes:
	 * fchmodat may follow it. */
	if (fchownat(l->dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(l->dst, name, st->st_mode & 07777, 0) < 0 ||
	    utimensat(l->dst, name, times, AT_SYMLINK_NOFOLLOW) < 0)
		return fail_at(w, errno, "cannot give the copy the owner, mode and times of", name);
	return 0;
}

/* The names in the directory fd, "." and ".." left out. */
static int read_names(int fd, struct level *l)
{
	int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
	if (!d) {
		int err = errno;
		if (dup_fd >= 0)
			close(dup_fd);
		return -err;
	}
	size_t cap = 0;
	int r = 0;
	for (;;) {
		errno = 0;
		struct dirent *e = readdir(d);
		if (!e) {
			r = -errno;
			break;
		}
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (l->n == cap) {
			cap = cap ? cap * 2 : 16;
			char **p = reallocarray(l->names, cap, sizeof(*p));
			if (!p) {
				r = -ENOMEM;
				break;
			}
			l->names = p;
		}
		l->names[l->n] = strdup(e->d_name);
		if (!l->names[l->n]) {
			r = -ENOMEM;
			break;
		}
		l->n++;
	}
	closedir(d);
	return r;
}

static void level_free(struct level *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	if (l->src >= 0)
		close(l->src);
	if (l->dst >= 0)
		close(l->dst);
}

/* Whether the directory fd is on the source's mount. */
static bool on_top_mount(const struct walk *w, int fd, const struct stat *st)
{
	struct statx stx;
	if (w->top_mnt && statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) == 0 &&
	    (stx.stx_mask & STATX_MNT_ID))
		return stx.stx_mnt_id == w->top_mnt;
	return st->st_dev == w->top_dev;
}

/* A new level for the directories src and dst (taken), its path ending
 * in name (NULL: the top). */
static int push(struct walk *w, int src, int dst, const struct stat *st, const char *name)
{
	if (w->depth == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		struct level *p = reallocarray(w->levels, cap, sizeof(*p));
		if (!p) {
			close(src);
			close(dst);
			return -ENOMEM;
		}
		w->levels = p;
		w->cap = cap;
	}
	size_t len = 0;
	if (name) {
		int r = set_entry_path(w, name);
		if (r < 0) {
			close(src);
			close(dst);
			return r;
		}
		len = strlen(w->path);
	}
	struct level *l = &w->levels[w->depth++];
	*l = (struct level){ .src = src, .dst = dst, .st = *st, .path_len = len };
	int r = read_names(src, l);
	return r < 0 ? fail_at(w, r, "cannot read directory", NULL) : 0;
}

/* A directory of the current one: made (0700 until it is done) and
 * entered. 1 when it vanished. */
static int enter_dir(struct walk *w, const struct level *l, const char *name)
{
	_cleanup_close_ int in =
	    openat(l->src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return errno == ENOENT ? 1 : fail_at(w, errno, "cannot open directory", name);
	struct stat st;
	if (fstat(in, &st) < 0)
		return fail_at(w, errno, "cannot stat", name);
	/* A mount in a box is no part of it (and could be the host's). */
	if (!on_top_mount(w, in, &st))
		return fail_at(w, EBUSY, "not copying the mount point", name);
	if (mkdirat(l->dst, name, 0700) < 0)
		return fail_at(w, errno, "cannot create the copy of", name);
	int out = openat(l->dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (out < 0)
		return fail_at(w, errno, "cannot open the copy of", name);
	w->st->entries++;
	return push(w, steal_fd(&in), out, &st, name);
}

/* The current directory is done: its own metadata, then up. */
static int leave_dir(struct walk *w)
{
	struct level *l = &w->levels[w->depth - 1];
	int r = copy_meta(w, l->src, l->dst, &l->st, NULL);
	level_free(l);
	w->depth--;
	return r;
}

/* A link to the first copy of a file met before (by device and inode).
 * 1 when it is the first: then copy it. */
static int hard_link(struct walk *w, const struct level *l, const char *name, const struct stat *st)
{
	if (S_ISDIR(st->st_mode) || st->st_nlink < 2)
		return 1;
	const struct link_slot *s = link_find(w, st->st_dev, st->st_ino);
	if (!s || !s->path)
		return 1;
	if (linkat(w->dsttop, s->path, l->dst, name, 0) < 0)
		return fail_at(w, errno, "cannot link the copy of", name);
	return 0;
}

/* One entry of the current directory. */
static int copy_entry(struct walk *w, const char *name)
{
	const struct level *l = &w->levels[w->depth - 1];
	struct stat st;
	if (fstatat(l->src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : fail_at(w, errno, "cannot stat", name);
	w->st->usage += (uint64_t)st.st_blocks * 512;
	int r = hard_link(w, l, name, &st);
	if (r <= 0)
		return r;
	if (S_ISDIR(st.st_mode))
		return enter_dir(w, l, name) < 0 ? -w->f->err : 0;
	if (S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		uint64_t *skipped = S_ISSOCK(st.st_mode) ? &w->st->sockets : &w->st->devices;
		(*skipped)++;
		return 0;
	}
	r = S_ISREG(st.st_mode)	   ? copy_regular(w, l, name)
	    : S_ISLNK(st.st_mode)  ? copy_symlink(w, l, name, &st)
	    : S_ISFIFO(st.st_mode) ? copy_fifo(w, l, name, &st)
				   : fail_at(w, EINVAL, "unknown file type:", name);
	if (r != 0)
		return r < 0 ? r : 0;
	w->st->entries++;
	w->progress(w->ctx, w->st->bytes);
	if (st.st_nlink > 1 &&
	    (set_entry_path(w, name) < 0 || link_add(w, st.st_dev, st.st_ino) < 0))
		return fail(w->f, ENOMEM, "cannot copy the box");
	return 0;
}

static int walk_tree(struct walk *w)
{
	while (w->depth > 0) {
		struct level *l = &w->levels[w->depth - 1];
		int r = l->next < l->n ? copy_entry(w, l->names[l->next++]) : leave_dir(w);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The walk's first level: src and dst reopened to be read and written. */
static int start(struct walk *w, int src, int dst)
{
	int in = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (in < 0)
		return fail(w->f, errno, "cannot open the directory to copy");
	int out = openat(dst, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (out < 0) {
		close(in);
		return fail(w->f, errno, "cannot open the copy");
	}
	struct stat st;
	struct statx stx;
	if (fstat(in, &st) < 0 || statx(in, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0) {
		close(in);
		close(out);
		return fail(w->f, errno, "cannot stat the directory to copy");
	}
	w->top_dev = st.st_dev;
	w->top_mnt = (stx.stx_mask & STATX_MNT_ID) ? stx.stx_mnt_id : 0;
	w->dsttop = out;
	w->st->usage += (uint64_t)st.st_blocks * 512;
	return push(w, in, out, &st, NULL);
}

static void nothing(void *ctx, uint64_t bytes)
{
}

int clone_tree(int src, int dst, clone_progress_fn progress, void *ctx, struct clone_stats *st,
	       struct failure *f)
{
	*st = (struct clone_stats){ 0 };
	struct walk w = { .dsttop = -1,
			  .progress = progress ? progress : nothing,
			  .ctx = ctx,
			  .st = st,
			  .f = f };
	w.buf = malloc(RW_BUF > XATTR_MAX ? RW_BUF : XATTR_MAX);
	w.names = malloc(XATTR_MAX);
	w.path = calloc(1, 256);
	w.path_cap = 256;
	int r = w.buf && w.names && w.path ? start(&w, src, dst)
					   : fail(f, ENOMEM, "cannot copy the box");
	if (r == 0)
		r = walk_tree(&w);
	/* The top's dst descriptor is w.dsttop as well: freed by its level. */
	for (size_t i = w.depth; i > 0; i--)
		level_free(&w.levels[i - 1]);
	free(w.levels);
	for (size_t i = 0; i < w.links_cap; i++)
		free(w.links[i].path);
	free(w.links);
	free(w.buf);
	free(w.names);
	free(w.path);
	return r;
}
