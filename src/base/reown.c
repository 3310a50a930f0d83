// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ownership pass of remap (reown.h). The tree is untrusted: every name
 * is one component looked up in a directory descriptor, no link is ever
 * followed (AT_SYMLINK_NOFOLLOW, O_NOFOLLOW), and no mount is entered
 * (compared by mount id, else by device).
 *
 * Every inode is converted once: a hard link met again has a ctime after
 * the pass began (chown sets it), and is skipped as converted, as an
 * interrupted pass's inodes are by the next.
 *
 * chown clears the set-user-ID and set-group-ID bits of a file and removes
 * its file capabilities (security.capability): both are put back. A
 * capability names the root of the namespace it works in (its "rootid",
 * a host uid; the kernel shows one written by the namespace's root as a
 * revision 2 capability, others as revision 3 with the rootid as the
 * reader's namespace maps it, and takes a revision 2 write as one of the
 * writer's root): the rootid is converted as an owner is, so that the
 * capability works for the box's root under the new map.
 */
#include "base/reown.h"

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "util/cleanup.h"

#define XATTR_NAME_CAPS "security.capability"

enum owner { SAME, CHANGE, FOREIGN, STUCK };

/* The journal's one record: a file whose set-id bits and capability are to
 * be put back; ino 0 when there is none. */
struct pending {
	uint64_t dev, ino;
	uint32_t mode, caplen;
	unsigned char cap[XATTR_CAPS_SZ_3];
};

struct walker {
	const struct reown_walk *w;
	const struct reown_maps *m;
	struct reown_stats *st;
	struct failure *f;
	uint64_t mnt_id; /* the tree's mount, or 0: compared by dev */
	uint32_t dev_major, dev_minor;
	struct pending pend;
	char path[PATH_MAX];
	/* The directories being read, the tree's root first. */
	struct level {
		DIR *dir;
		size_t plen; /* the length of its path in path */
	} stack[REOWN_MAX_DEPTH];
	size_t depth;
};

static enum owner translate(const struct id_map *pass, const struct id_map *from,
			    const struct id_map *to, bool unmapped_stuck, uint32_t id,
			    uint32_t *out)
{
	uint32_t host, inside;
	*out = id;
	if (!id_map_to_outside(pass, id, &host))
		return unmapped_stuck ? STUCK : FOREIGN;
	if (!id_map_to_inside(from, host, &inside))
		return FOREIGN;
	if (!id_map_to_outside(to, inside, &host) || !id_map_to_inside(pass, host, out)) {
		*out = id;
		return STUCK;
	}
	return *out == id ? SAME : CHANGE;
}

static int fail_at(struct walker *k, int err, const char *what, size_t plen)
{
	k->path[plen] = '\0';
	return fail(k->f, err, "%s '%s'", what, plen ? k->path : "/");
}

static bool later_or_same(const struct statx_timestamp *t, const struct timespec *since)
{
	return t->tv_sec > since->tv_sec ||
	       (t->tv_sec == since->tv_sec && (long)t->tv_nsec >= since->tv_nsec);
}

/* The capability cap (n bytes) for the new map in out: its rootid
 * converted (a revision 3 capability, then) where it is one of the box's
 * ids; else as it is. Whether it changed. */
static bool translate_cap(const struct reown_maps *m, const unsigned char *cap, size_t n,
			  unsigned char *out, uint32_t *outn)
{
	memcpy(out, cap, n);
	*outn = (uint32_t)n;
	struct vfs_ns_cap_data d = { 0 };
	if (n != XATTR_CAPS_SZ_2 && n != XATTR_CAPS_SZ_3)
		return false;
	memcpy(&d, cap, n);
	uint32_t magic = le32toh(d.magic_etc), rev = magic & VFS_CAP_REVISION_MASK;
	if (rev != VFS_CAP_REVISION_2 && rev != VFS_CAP_REVISION_3)
		return false;
	uint32_t root = rev == VFS_CAP_REVISION_3 ? le32toh(d.rootid) : 0, to;
	if (translate(&m->pass_uid, &m->from.uid, &m->to.uid, false, root, &to) != CHANGE)
		return false;
	d.magic_etc = htole32(VFS_CAP_REVISION_3 | (magic & VFS_CAP_FLAGS_EFFECTIVE));
	d.rootid = htole32(to);
	memcpy(out, &d, XATTR_CAPS_SZ_3);
	*outn = XATTR_CAPS_SZ_3;
	return true;
}

static int journal_put(struct walker *k, const struct pending *p)
{
	ssize_t n = pwrite(k->w->journal, p, sizeof(*p), 0);
	return n == (ssize_t)sizeof(*p) ? 0 : n < 0 ? -errno : -EIO;
}

/* Put back what chown cleared: the mode (set-id bits) and the capability. */
static int restore(int fd, const struct pending *p)
{
	if ((p->mode & (S_ISUID | S_ISGID)) && fchmod(fd, p->mode & 07777) < 0)
		return -errno;
	if (p->caplen && fsetxattr(fd, XATTR_NAME_CAPS, p->cap, p->caplen, 0) < 0)
		return -errno;
	return 0;
}

static uint64_t dev_of(const struct statx *sx)
{
	return ((uint64_t)sx->stx_dev_major << 32) | sx->stx_dev_minor;
}

/* A regular file, open as fd: new owners (chown_it), its mode and its
 * capability, converted, put back; through the journal when chown clears
 * them. */
static int convert_file(struct walker *k, int fd, const struct statx *sx, bool chown_it, uint32_t u,
			uint32_t g, size_t plen)
{
	unsigned char cap[XATTR_CAPS_SZ_3];
	ssize_t n = fgetxattr(fd, XATTR_NAME_CAPS, cap, sizeof(cap));
	if (n < 0 && errno != ENODATA && errno != ENOTSUP)
		return fail_at(k, errno, "cannot read the file capabilities of", plen);
	struct pending p = { .dev = dev_of(sx), .ino = sx->stx_ino, .mode = sx->stx_mode };
	bool capchange = n > 0 && translate_cap(k->m, cap, (size_t)n, p.cap, &p.caplen);
	if (!chown_it && !capchange)
		return 0;
	if (!chown_it) {
		if (fsetxattr(fd, XATTR_NAME_CAPS, p.cap, p.caplen, 0) < 0)
			return fail_at(k, errno, "cannot rewrite the file capabilities of", plen);
		k->st->caps++;
		return 0;
	}
	bool keep = (p.mode & (S_ISUID | S_ISGID)) || p.caplen;
	bool journal = keep && k->w->journal >= 0;
	int r = journal ? journal_put(k, &p) : 0;
	if (r < 0)
		return fail(k->f, r, "cannot write the remap journal");
	if (fchown(fd, u, g) < 0)
		return fail_at(k, errno, "cannot change the owner of", plen);
	if (keep && (r = restore(fd, &p)) < 0)
		return fail_at(k, -r, "cannot put back the mode or capabilities of", plen);
	if (journal && (r = journal_put(k, &(struct pending){ 0 })) < 0)
		return fail(k->f, r, "cannot write the remap journal");
	k->st->changed++;
	k->st->caps += p.caplen > 0;
	return 0;
}

/* An interrupted pass's file, converted but with its mode or capability
 * not yet put back: the journal's. */
static bool is_pending(const struct walker *k, const struct statx *sx)
{
	return k->pend.ino && k->pend.ino == sx->stx_ino && k->pend.dev == dev_of(sx);
}

/* What to do with an inode. */
struct verdict {
	bool done;   /* converted by this pass or an earlier one */
	bool stuck;  /* an owner cannot be converted */
	bool mapped; /* both owners are ids of the pass namespace's */
	bool change; /* to be given u and g ((uint32_t)-1: that one kept) */
	uint32_t u, g;
};

static void judge(struct walker *k, const struct statx *sx, struct verdict *v)
{
	const struct reown_maps *m = k->m;
	enum owner cu = translate(&m->pass_uid, &m->from.uid, &m->to.uid, m->unmapped_stuck,
				  sx->stx_uid, &v->u);
	enum owner cg = translate(&m->pass_gid, &m->from.gid, &m->to.gid, m->unmapped_stuck,
				  sx->stx_gid, &v->g);
	uint32_t seen;
	v->done = k->w->has_since && later_or_same(&sx->stx_ctime, &k->w->since);
	v->stuck = cu == STUCK || cg == STUCK;
	v->mapped = id_map_to_outside(&m->pass_uid, sx->stx_uid, &seen) &&
		    id_map_to_outside(&m->pass_gid, sx->stx_gid, &seen);
	v->change = !v->done && !v->stuck && (cu == CHANGE || cg == CHANGE);
	if (cu != CHANGE)
		v->u = (uint32_t)-1;
	if (cg != CHANGE)
		v->g = (uint32_t)-1;
	struct reown_stats *st = k->st;
	st->inodes++;
	st->stuck += v->stuck && !v->done;
	st->foreign += !v->stuck && (cu == FOREIGN || cg == FOREIGN);
	if (sx->stx_ctime.tv_sec > st->newest.tv_sec ||
	    (sx->stx_ctime.tv_sec == st->newest.tv_sec &&
	     (long)sx->stx_ctime.tv_nsec > st->newest.tv_nsec))
		st->newest = (struct timespec){ sx->stx_ctime.tv_sec, (long)sx->stx_ctime.tv_nsec };
	if (k->w->progress)
		k->w->progress(k->w->ctx, st->inodes);
}

/* Enter the directory open as fd, at path[0..plen). */
static int push(struct walker *k, int fd, size_t plen)
{
	if (k->depth == REOWN_MAX_DEPTH) {
		close(fd);
		return fail_at(k, ELOOP, "too many levels of directories at", plen);
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		int err = errno;
		close(fd);
		return fail_at(k, err, "cannot read", plen);
	}
	k->stack[k->depth++] = (struct level){ d, plen };
	return 0;
}

/* A directory, open as fd: its owners; then it is entered (push). */
static int visit_dir(struct walker *k, int fd, const struct verdict *v, size_t plen)
{
	if (v->change && !k->w->dry) {
		if (fchown(fd, v->u, v->g) < 0) {
			int err = errno;
			close(fd);
			return fail_at(k, err, "cannot change the owner of", plen);
		}
	}
	k->st->changed += v->change && !k->w->dry;
	return push(k, fd, plen);
}

static int open_checked(int dirfd, const char *name, int flags, const struct statx *sx)
{
	int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return -errno;
	/* Replaced since the statx: nothing in a locked box does that. */
	if (fstat(fd, &st) < 0 || st.st_ino != sx->stx_ino) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

static int visit_file(struct walker *k, int dirfd, const char *name, const struct statx *sx,
		      const struct verdict *v, size_t plen)
{
	bool pending = v->done && is_pending(k, sx);
	if (k->w->dry || !v->mapped || v->stuck || (v->done && !pending))
		return 0;
	_cleanup_close_ int fd = open_checked(dirfd, name, O_RDONLY | O_NONBLOCK, sx);
	if (fd < 0)
		return fail_at(k, -fd, "cannot open", plen);
	if (!pending)
		return convert_file(k, fd, sx, v->change, v->u, v->g, plen);
	int r = restore(fd, &k->pend);
	if (r < 0)
		return fail_at(k, -r, "cannot put back the mode or capabilities of", plen);
	k->pend.ino = 0;
	r = journal_put(k, &k->pend);
	return r < 0 ? fail(k->f, r, "cannot write the remap journal") : 0;
}

static bool other_mount(const struct walker *k, const struct statx *sx)
{
	if (k->mnt_id && (sx->stx_mask & STATX_MNT_ID))
		return sx->stx_mnt_id != k->mnt_id;
	return sx->stx_dev_major != k->dev_major || sx->stx_dev_minor != k->dev_minor;
}

static int visit(struct walker *k, int dirfd, const char *name, size_t plen)
{
	struct statx sx;
	if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
		  STATX_BASIC_STATS | STATX_MNT_ID, &sx) < 0)
		return fail_at(k, errno, "cannot stat", plen);
	if (other_mount(k, &sx))
		return 0;
	struct verdict v;
	judge(k, &sx, &v);
	if (S_ISDIR(sx.stx_mode)) {
		int fd = open_checked(dirfd, name, O_RDONLY | O_DIRECTORY, &sx);
		/* A directory of an id that cannot be converted, closed to
		 * us: what it holds is unknown, and is stuck anyway. */
		if (fd == -EACCES && v.stuck) {
			k->st->hidden++;
			return 0;
		}
		return fd < 0 ? fail_at(k, -fd, "cannot open", plen) : visit_dir(k, fd, &v, plen);
	}
	if (S_ISREG(sx.stx_mode))
		return visit_file(k, dirfd, name, &sx, &v, plen);
	if (v.change && !k->w->dry && fchownat(dirfd, name, v.u, v.g, AT_SYMLINK_NOFOLLOW) < 0)
		return fail_at(k, errno, "cannot change the owner of", plen);
	k->st->changed += v.change && !k->w->dry;
	return 0;
}

/* Read the directories on the stack, depth first, entering each as it is
 * met; on a failure, close them all. */
static int walk(struct walker *k)
{
	int r = 0;
	while (k->depth > 0) {
		struct level *top = &k->stack[k->depth - 1];
		errno = 0;
		struct dirent *e = r == 0 ? readdir(top->dir) : NULL;
		if (!e) {
			if (r == 0 && errno)
				r = fail_at(k, errno, "cannot read", top->plen);
			closedir(top->dir);
			k->depth--;
			continue;
		}
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		size_t len = strlen(e->d_name);
		if (top->plen + 1 + len >= sizeof(k->path)) {
			r = fail_at(k, ENAMETOOLONG, "cannot walk", top->plen);
			continue;
		}
		k->path[top->plen] = '/';
		memcpy(k->path + top->plen + 1, e->d_name, len + 1);
		r = visit(k, dirfd(top->dir), e->d_name, top->plen + 1 + len);
	}
	return r;
}

/* The journal an interrupted pass left, in k->pend. */
static int read_journal(struct walker *k)
{
	if (k->w->journal < 0)
		return 0;
	ssize_t n = pread(k->w->journal, &k->pend, sizeof(k->pend), 0);
	if (n < 0)
		return fail(k->f, errno, "cannot read the remap journal");
	if (n != (ssize_t)sizeof(k->pend) || k->pend.caplen > sizeof(k->pend.cap))
		k->pend = (struct pending){ 0 };
	return 0;
}

int reown_tree(int rootfd, const struct reown_walk *w, struct reown_stats *st, struct failure *f)
{
	*st = (struct reown_stats){ 0 };
	struct walker *k = calloc(1, sizeof(*k));
	if (!k)
		return fail(f, ENOMEM, "cannot walk the tree");
	*k = (struct walker){ .w = w, .m = w->maps, .st = st, .f = f };
	struct statx sx;
	int r = read_journal(k);
	if (r == 0 && statx(rootfd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_MNT_ID, &sx) < 0)
		r = fail(f, errno, "cannot stat the root of the tree");
	if (r == 0) {
		k->mnt_id = (sx.stx_mask & STATX_MNT_ID) ? sx.stx_mnt_id : 0;
		k->dev_major = sx.stx_dev_major;
		k->dev_minor = sx.stx_dev_minor;
		struct verdict v;
		judge(k, &sx, &v);
		/* Not a dup: that would share the offset of an earlier walk's
		 * readdir. */
		int fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		r = fd < 0 ? fail(f, errno, "cannot walk the tree") : visit_dir(k, fd, &v, 0);
		r = r < 0 ? r : walk(k);
	}
	free(k);
	return r;
}
