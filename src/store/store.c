// SPDX-License-Identifier: GPL-2.0-or-later
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/io.h"
#include "util/parse.h"

#define BOX_CONF_MAX (64u << 10)

char *store_path(void)
{
	char *p = NULL;
	const char *home = getenv("NSCHROOT_HOME");
	if (home && *home)
		return realpath(home, NULL) ?: strdup(home);
	const char *data = getenv("XDG_DATA_HOME");
	if (data && data[0] == '/') {
		if (asprintf(&p, "%s/nschroot", data) < 0)
			p = NULL;
		return p;
	}
	home = getenv("HOME");
	if (!home || home[0] != '/') {
		errno = ENOENT;
		return NULL;
	}
	if (asprintf(&p, "%s/.local/share/nschroot", home) < 0)
		p = NULL;
	return p;
}

int store_box_rootfs(const char *name, char **out)
{
	_cleanup_free_ char *store = store_path();
	if (!store)
		return -errno;
	char *p;
	if (asprintf(&p, "%s/boxes/%s/rootfs", store, name) < 0)
		return -ENOMEM;
	struct stat st;
	if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(p);
		return -ENOENT;
	}
	*out = p;
	return 0;
}

/* mkdir -p for the store's own (trusted) path, the last level 0700. */
static int mkdir_parents(const char *path)
{
	_cleanup_free_ char *p = strdup(path);
	if (!p)
		return -ENOMEM;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int store_open_boxes(bool create, struct failure *f)
{
	_cleanup_free_ char *store = store_path();
	if (!store)
		return fail(f, errno, "cannot find the store (set NSCHROOT_HOME or HOME)");
	if (create) {
		int r = mkdir_parents(store);
		if (r < 0)
			return fail(f, r, "cannot make the store '%s'", store);
	}
	_cleanup_close_ int fd = open(store, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail(f, errno, "cannot open the store '%s'", store);
	struct stat st;
	if (fstat(fd, &st) < 0)
		return fail(f, errno, "cannot stat the store '%s'", store);
	if (st.st_uid != getuid())
		return fail(f, EPERM, "the store '%s' belongs to uid %u, not to you", store,
			    (unsigned)st.st_uid);
	if ((st.st_mode & 077) && fchmod(fd, 0700) < 0)
		return fail(f, errno, "cannot make the store '%s' private (mode 0700)", store);
	if (create && mkdirat(fd, "boxes", 0700) < 0 && errno != EEXIST)
		return fail(f, errno, "cannot make '%s/boxes'", store);
	int boxes = openat(fd, "boxes", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (boxes < 0)
		return fail(f, errno, "cannot open '%s/boxes'", store);
	return boxes;
}

int store_open_instances(bool create)
{
	_cleanup_free_ char *store = store_path();
	if (!store)
		return -ENOENT;
	_cleanup_close_ int fd = open(store, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int dir = openat(fd, "instances", flags);
	/* Made once: every run of a box opens it. */
	if (dir < 0 && errno == ENOENT && create &&
	    (mkdirat(fd, "instances", 0700) == 0 || errno == EEXIST))
		dir = openat(fd, "instances", flags);
	return dir < 0 ? -errno : dir;
}

static int no_box(struct failure *f, const char *name, enum box_access access)
{
	if (access & BOX_NAME_OR_PATH)
		return fail_said(f, ENOENT, "no box named '%s' (to use a directory, write './%s')",
				 name, name);
	return fail_said(f, ENOENT, "no box named '%s'", name);
}

int store_lock_box(int boxesfd, const char *name, enum box_access access, struct failure *f)
{
	if (!box_name_valid(name))
		return fail(f, EINVAL, "cannot open box '%s'", name);
	_cleanup_close_ int fd =
	    openat(boxesfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return no_box(f, name, access);
	if (fd < 0)
		return fail(f, errno, "cannot open box '%s'", name);
	access &= ~BOX_NAME_OR_PATH;
	if (access == BOX_LOOK)
		return steal_fd(&fd);
	int r;
	do
		r = flock(fd, (access == BOX_USE ? LOCK_SH : LOCK_EX) | LOCK_NB);
	while (r < 0 && errno == EINTR);
	if (r < 0 && errno == EWOULDBLOCK && access == BOX_USE)
		return fail_said(f, errno,
				 "box '%s' is being changed (removed, exported or fixed up)", name);
	if (r < 0 && errno == EWOULDBLOCK)
		return fail_said(f, errno, "box '%s' is in use", name);
	if (r < 0)
		return fail(f, errno, "cannot lock box '%s'", name);
	return steal_fd(&fd);
}

int store_read_conf(int dirfd, const char *name, struct box_conf *out, struct failure *f)
{
	_cleanup_close_ int fd = openat(dirfd, "box.conf", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail(f, errno, "cannot read the box.conf of '%s'", name);
	_cleanup_free_ char *buf = NULL;
	size_t len;
	struct box_conf c = { 0 };
	int r = read_regular(fd, BOX_CONF_MAX, &buf, &len);
	if (r == 0)
		r = box_conf_parse(buf, len, &c);
	if (r == -EINVAL && c.version > BOX_CONF_VERSION) {
		fail_said(f, r,
			  "box '%s' was made by a newer nschroot (its box.conf has version %u)",
			  name, (unsigned)c.version);
		fail_hint(f, "use the nschroot that made it, or a newer one");
		return r;
	}
	if (r < 0)
		return fail(f, r, "cannot read the box.conf of '%s'", name);
	*out = c;
	return 0;
}

/* The steps of store_open_box once the box is locked. */
static int read_box(const char *name, enum box_access access, struct box *b, struct failure *f)
{
	int r = store_read_conf(b->lock, name, &b->conf, f);
	if (r < 0)
		return r;
	/* What an rm that failed half-way left is no box to run: part of its
	 * tree is gone. */
	if (access == BOX_USE && b->conf.half_removed) {
		fail_said(f, EUCLEAN, "box '%s' is half-removed", name);
		fail_hint(f, "'nschroot rm %s' finishes removing it", name);
		return -EUCLEAN;
	}
	/* Nor is a box whose owners are half converted to another map: some
	 * files would show with owners it never had. */
	if (access != BOX_LOOK && b->conf.remap_to != MAP_UNSET) {
		fail_said(f, EUCLEAN, "box '%s' is half remapped (to --map=%s)", name,
			  map_mode_name(b->conf.remap_to));
		fail_hint(f, "'nschroot remap %s' finishes it", name);
		return -EUCLEAN;
	}
	r = store_box_rootfs(name, &b->rootfs);
	if (r < 0 && access != BOX_LOOK)
		return fail(f, r, "cannot find the rootfs of box '%s'", name);
	return 0;
}

int store_open_box(const char *name, enum box_access access, struct box *out, struct failure *f)
{
	*out = (struct box){ .lock = -1 };
	_cleanup_close_ int boxes = store_open_boxes(false, f);
	if (boxes == -ENOENT)
		return no_box(f, name, access);
	if (boxes < 0)
		return boxes;
	int r = store_lock_box(boxes, name, access, f);
	if (r < 0)
		return r;
	out->lock = r;
	r = read_box(name, access & ~BOX_NAME_OR_PATH, out, f);
	if (r < 0)
		box_close(out);
	return r;
}

void box_close(struct box *b)
{
	if (b->lock >= 0)
		close(b->lock);
	box_conf_free(&b->conf);
	free(b->rootfs);
	*b = (struct box){ .lock = -1 };
}

int store_write_conf(int dirfd, const struct box_conf *conf)
{
	_cleanup_free_ char *text = box_conf_format(conf);
	if (!text)
		return -ENOMEM;
	_cleanup_close_ int fd = openat(
	    dirfd, "box.conf.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	int r = write_all(fd, text, strlen(text));
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, "box.conf.tmp", dirfd, "box.conf") < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dirfd, "box.conf.tmp", 0);
	return r;
}

bool store_is_staging(const char *entry)
{
	/* ".NAME.XXXXXX" */
	size_t len = strlen(entry);
	return entry[0] == '.' && len > 8 && entry[len - 7] == '.';
}

/* Make boxes/DIR from name, DIR a hidden name for it (hidden_name): 0, or
 * -errno (-EEXIST: DIR is taken, another is tried). */
typedef int (*hidden_fn)(int boxesfd, const char *name, const char *dir, void *ctx);

/* Call make with hidden names for name until one is free: 0 with that
 * name in *hidden, or make's -errno; -EEXIST when 100 were taken. */
static int with_hidden_name(int boxesfd, const char *name, hidden_fn make, void *ctx, char **hidden)
{
	for (int attempt = 0; attempt < 100; attempt++) {
		_cleanup_free_ char *dir = hidden_name(name);
		if (!dir)
			return -ENOMEM;
		int r = make(boxesfd, name, dir, ctx);
		if (r == -EEXIST)
			continue;
		if (r == 0)
			*hidden = steal_pointer(&dir);
		return r;
	}
	return -EEXIST;
}

/* A new staging directory, its lock in *(int *)lockfd. */
static int make_staging(int boxesfd, const char *name, const char *dir, void *lockfd)
{
	if (mkdirat(boxesfd, dir, 0700) < 0)
		return -errno;
	int fd = openat(boxesfd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		unlinkat(boxesfd, dir, AT_REMOVEDIR);
		return -err;
	}
	*(int *)lockfd = fd;
	return 0;
}

int store_staging_create(int boxesfd, const char *name, char **staging, int *lockfd)
{
	return with_hidden_name(boxesfd, name, make_staging, lockfd, staging);
}

static int move_away(int boxesfd, const char *name, const char *dir, void *ctx)
{
	if (renameat2(boxesfd, name, boxesfd, dir, RENAME_NOREPLACE) < 0)
		return -errno;
	return 0;
}

int store_retire(int boxesfd, const char *name, char **retired)
{
	return with_hidden_name(boxesfd, name, move_away, NULL, retired);
}

int store_commit(int boxesfd, const char *staging, const char *name)
{
	if (renameat2(boxesfd, staging, boxesfd, name, RENAME_NOREPLACE) < 0)
		return -errno;
	return 0;
}
