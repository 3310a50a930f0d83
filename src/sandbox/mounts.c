// SPDX-License-Identifier: GPL-2.0-or-later
#include "sandbox/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/pivot.h"
#include "base/resolve.h"
#include "sandbox/overlay.h"
#include "util/cleanup.h"
#include "util/io.h"

#define ATTR_LOCKDOWN (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

/* mount(2) onto a descriptor resolved inside the root: the mount lands on
 * exactly what was resolved, even if the rootfs changes meanwhile. */
static int mount_on(const char *src, int dstfd, const char *type, unsigned long flags,
		    const char *data)
{
	char dst[FD_PATH_MAX];
	if (mount(src, fd_path(dstfd, dst), type, flags, data) < 0)
		return -errno;
	return 0;
}

static int bind_on(int srcfd, int dstfd, bool recursive)
{
	char src[FD_PATH_MAX];
	return mount_on(fd_path(srcfd, src), dstfd, NULL, MS_BIND | (recursive ? MS_REC : 0), NULL);
}

/* A bind that is read-only (and nosuid, nodev... as attrs say) before it
 * is ever attached: the tree is cloned detached, its flags set, then moved
 * onto the resolved destination. Looking the destination up again after
 * mounting, to set the flags, would race with a rename in the rootfs. */
static int bind_locked_on(int srcfd, int dstfd, bool recursive, uint64_t attrs)
{
	unsigned rec = recursive ? AT_RECURSIVE : 0;
	_cleanup_close_ int tree =
	    open_tree(srcfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | rec);
	if (tree < 0)
		return -errno;
	struct mount_attr attr = { .attr_set = attrs };
	if (mount_setattr(tree, "", AT_EMPTY_PATH | rec, &attr, sizeof(attr)) < 0)
		return -errno;
	if (move_mount(tree, "", dstfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

/* A mount on the rootfs' own root would hide it (a rootfs whose /proc is a
 * link to "/"): refuse it. */
static int refuse_root(int rootfd, int fd, const char *path, struct failure *f)
{
	struct stat r, d;
	if (fd < 0)
		return fd;
	if (fstat(rootfd, &r) == 0 && fstat(fd, &d) == 0 && r.st_dev == d.st_dev &&
	    r.st_ino == d.st_ino) {
		close(fd);
		return fail(f, EINVAL, "cannot mount on '%s': it resolves to the rootfs' own root",
			    path);
	}
	return fd;
}

/* The directory to mount on at path, made when missing. */
static int dest_dir(int rootfd, const char *path, struct failure *f)
{
	int fd = refuse_root(rootfd, mkdir_in_root(rootfd, path), path, f);
	if (fd < 0 && !failed(f))
		fail(f, fd, "cannot make '%s' inside the rootfs", path);
	return fd;
}

/* A tmpfs (mode 0755, flags) on dst, at path inside the rootfs, and the
 * new mount's root, opened (O_PATH) by resolving path again. */
static int tmpfs_on(int rootfd, int dst, const char *path, unsigned long flags, struct failure *f)
{
	int r = mount_on("tmpfs", dst, "tmpfs", flags, "mode=0755");
	if (r < 0)
		return fail(f, r, "cannot mount a tmpfs on '%s'", path);
	int fd = open_in_root(rootfd, path, O_PATH | O_DIRECTORY);
	return fd < 0 ? fail(f, fd, "cannot open '%s'", path) : fd;
}

/* What to say when the kernel refuses a fresh procfs. */
#define PROC_REFUSED_HINT                                                                          \
	"the host's /proc has parts hidden by mounts over them (as in a container),\n"             \
	"and a new /proc would uncover them (even one with subset=pid); --proc=host\n"             \
	"binds the host's /proc instead, which shows the box every process of the host"

/* /proc: a fresh procfs for the new pid namespace, with the paths through
 * which a root could reach the host kernel made read-only. --proc=host
 * binds the host's, which the guest can read every host process in. */
static int setup_proc(int rootfd, bool host_proc, struct failure *f)
{
	_cleanup_close_ int dst = dest_dir(rootfd, "/proc", f);
	if (dst < 0)
		return dst;
	int r;
	if (host_proc) {
		_cleanup_close_ int host = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
		r = host < 0 ? -errno : bind_on(host, dst, true);
		if (r < 0)
			return fail(f, r, "cannot bind the host's /proc on '/proc'");
	} else if ((r = mount_on("proc", dst, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) <
		   0) {
		/* Where the host's /proc has parts masked by over-mounts (a
		 * container), a fresh procfs would uncover them and the kernel
		 * refuses it ("mount too revealing"). */
		r = fail(f, r, "cannot mount a new proc on '/proc'");
		if (r == -EPERM || r == -EACCES)
			fail_hint(f, "%s", PROC_REFUSED_HINT);
		return r;
	}

	static const char *const ro[] = { "sys", "sysrq-trigger", "irq", "bus" };
	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%s", ro[i]);
		_cleanup_close_ int fd = open_in_root(rootfd, path, O_PATH | O_NOFOLLOW);
		if (fd == -ENOENT)
			continue;
		if (fd < 0)
			return fail(f, fd, "cannot open '%s'", path);
		r = bind_locked_on(fd, fd, true, MOUNT_ATTR_RDONLY | ATTR_LOCKDOWN);
		if (r < 0)
			return fail(f, r, "cannot make '%s' read-only", path);
	}
	return 0;
}

/* Two system calls a node, no descriptor: the mount point is made in our
 * own fresh tmpfs, which nothing else can reach yet, so its name there is
 * as good as a descriptor; the source is the host's, looked up from the
 * host's root, where init still is. */
static int bind_host_dev(int devfd, const char *name, struct failure *f)
{
	char host[64], fdbuf[FD_PATH_MAX], dst[FD_PATH_MAX + 16];
	snprintf(host, sizeof(host), "/dev/%s", name);
	snprintf(dst, sizeof(dst), "%s/%s", fd_path(devfd, fdbuf), name);
	if (mknodat(devfd, name, S_IFREG | 0666, 0) < 0)
		return fail(f, errno, "cannot make '/dev/%s'", name);
	if (mount(host, dst, NULL, MS_BIND, NULL) == 0)
		return 0;
	int err = errno;
	if (err == ENOENT && strcmp(name, "tty") == 0 && unlinkat(devfd, name, 0) == 0)
		return 0; /* a host without /dev/tty: nothing to offer */
	return fail(f, err, "cannot bind '%s' on '/dev/%s'", host, name);
}

/* /dev: a small tmpfs with the harmless host devices bound in, a private
 * devpts instance and a tmpfs /dev/shm. */
static int setup_dev(int rootfd, const struct run_plan *p, bool host_dev, struct failure *f)
{
	_cleanup_close_ int dst = dest_dir(rootfd, "/dev", f);
	if (dst < 0)
		return dst;

	if (host_dev) {
		_cleanup_close_ int host = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
		int r = host < 0 ? -errno : bind_on(host, dst, true);
		return r < 0 ? fail(f, r, "cannot bind the host's /dev on '/dev'") : 0;
	}

	_cleanup_close_ int dev = tmpfs_on(rootfd, dst, "/dev", MS_NOSUID | MS_NOEXEC, f);
	if (dev < 0)
		return dev;

	int r;
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		r = bind_host_dev(dev, nodes[i], f);
		if (r < 0)
			return r;
	}

	if (mkdirat(dev, "pts", 0755) < 0 || mkdirat(dev, "shm", 01777) < 0)
		return fail(f, errno, "cannot make directories in '/dev'");
	_cleanup_close_ int pts = openat(dev, "pts", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int shm = openat(dev, "shm", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (pts < 0 || shm < 0)
		return fail(f, errno, "cannot open directories in '/dev'");

	/* gid=5 (tty) only where that gid is mapped: root mode maps one. */
	bool tty_group = idmap_subordinate(&p->idmap) && id_map_size(&p->idmap.gid) > 5;
	r = mount_on("devpts", pts, "devpts", MS_NOSUID | MS_NOEXEC,
		     tty_group ? "newinstance,ptmxmode=0666,mode=620,gid=5"
			       : "newinstance,ptmxmode=0666,mode=620");
	if (r < 0)
		return fail(f, r, "cannot mount devpts on '/dev/pts'");
	r = mount_on("tmpfs", shm, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	if (r < 0)
		return fail(f, r, "cannot mount a tmpfs on '/dev/shm'");

	static const char *const links[][2] = {
		{ "pts/ptmx", "ptmx" },		 { "/proc/self/fd", "fd" },
		{ "/proc/self/fd/0", "stdin" },	 { "/proc/self/fd/1", "stdout" },
		{ "/proc/self/fd/2", "stderr" },
	};
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlinkat(links[i][0], dev, links[i][1]) < 0)
			return fail(f, errno, "cannot make '/dev/%s'", links[i][1]);
	return 0;
}

static int setup_sys(int rootfd, struct failure *f)
{
	_cleanup_close_ int dst = dest_dir(rootfd, "/sys", f);
	if (dst < 0)
		return dst;
	_cleanup_close_ int host = open("/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r =
	    host < 0 ? -errno : bind_locked_on(host, dst, true, MOUNT_ATTR_RDONLY | ATTR_LOCKDOWN);
	return r < 0 ? fail(f, r, "cannot bind the host's /sys read-only on '/sys'") : 0;
}

/* Whether err says that the rootfs cannot be written here: read-only, or
 * a tree of another owner (extracted with sudo tar: owned by the host's
 * root, which no namespace of ours maps). */
static bool unwritable(int err)
{
	return err == -EROFS || err == -EACCES || err == -EPERM;
}

/*
 * /run: a fresh tmpfs for each instance, as a booted system has: no pid
 * file or socket of an earlier run is left there, and a dangling
 * resolv.conf link into it (ubuntu-base's, into /run/systemd/resolve)
 * can be mounted on even when the tree cannot be written. A tree with no
 * /run that cannot be written gets none.
 */
static int setup_run(int rootfd, struct failure *skipped, struct failure *f)
{
	_cleanup_close_ int dst = refuse_root(rootfd, mkdir_in_root(rootfd, "/run"), "/run", f);
	if (unwritable(dst)) {
		fail(skipped, dst,
		     "no /run in the rootfs to mount a tmpfs on, and it cannot be made");
		return 0;
	}
	if (dst < 0)
		return failed(f) ? dst : fail(f, dst, "cannot make '/run' inside the rootfs");
	_cleanup_close_ int run = tmpfs_on(rootfd, dst, "/run", MS_NOSUID | MS_NODEV, f);
	if (run < 0)
		return run;
	if (mkdirat(run, "lock", 01777) < 0 || fchmodat(run, "lock", 01777, 0) < 0)
		return fail(f, errno, "cannot make '/run/lock'");
	return 0;
}

/* The host's resolver configuration, read-only. ubuntu-base ships
 * /etc/resolv.conf as a dangling link into /run/systemd/resolve: the link's
 * target is created inside the rootfs (in /run, a tmpfs of ours) to mount
 * on. A tree that has none and cannot be written gets none. */
static int setup_resolv(int rootfd, const char *src, struct failure *skipped, struct failure *f)
{
	_cleanup_close_ int host = open(src, O_PATH | O_CLOEXEC);
	if (host < 0)
		return 0; /* the host has none: nothing to share */
	_cleanup_close_ int dst = mkfile_in_root(rootfd, "/etc/resolv.conf");
	if (unwritable(dst)) {
		fail(skipped, dst,
		     "no /etc/resolv.conf in the rootfs to mount the host's on, and it cannot be "
		     "made");
		return 0;
	}
	if (dst < 0)
		return fail(f, dst, "cannot make '/etc/resolv.conf' inside the rootfs");
	struct stat st;
	if (fstat(dst, &st) < 0 || !S_ISREG(st.st_mode))
		return fail(f, EINVAL, "cannot mount on '/etc/resolv.conf': not a regular file");
	int r = bind_locked_on(host, dst, false, MOUNT_ATTR_RDONLY | ATTR_LOCKDOWN);
	return r < 0 ? fail(f, r, "cannot bind the host's %s", src) : 0;
}

static int setup_user_mount(int rootfd, const struct plan_mount *m, struct failure *f)
{
	if (m->kind == PLAN_TMPFS) {
		_cleanup_close_ int dst = dest_dir(rootfd, m->dest, f);
		if (dst < 0)
			return dst;
		int r = mount_on("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
		return r < 0 ? fail(f, r, "cannot mount a tmpfs on '%s'", m->dest) : 0;
	}

	_cleanup_close_ int src = open(m->src, O_PATH | O_CLOEXEC);
	if (src < 0)
		return fail(f, errno, "cannot open bind source '%s'", m->src);
	struct stat st;
	if (fstat(src, &st) < 0)
		return fail(f, errno, "cannot stat bind source '%s'", m->src);
	_cleanup_close_ int dst =
	    S_ISDIR(st.st_mode) ? dest_dir(rootfd, m->dest, f) : mkfile_in_root(rootfd, m->dest);
	if (dst < 0)
		return failed(f) ? dst
				 : fail(f, dst, "cannot make '%s' inside the rootfs", m->dest);
	int r = m->kind == PLAN_RO_BIND ? bind_locked_on(src, dst, true, MOUNT_ATTR_RDONLY)
					: bind_on(src, dst, true);
	return r < 0 ? fail(f, r, "cannot bind '%s' on '%s'", m->src, m->dest) : 0;
}

/* The command's ids as init's namespace has them: in auto and keep-id
 * mode it holds them all; in root and user mode the nested namespace maps
 * the command's ids onto init's own, 0 (nested.c). */
static void command_owner(const struct run_plan *p, uid_t *uid, gid_t *gid)
{
	bool all = idmap_subordinate(&p->idmap);
	*uid = all ? p->uid : 0;
	*gid = all ? p->gid : 0;
}

/* The private XDG_RUNTIME_DIR, on the run's /run: a tmpfs that is the
 * command's, 0700, as a session's is (libwayland and PulseAudio check). */
static int setup_runtime(int rootfd, const struct run_plan *p, const char *path, struct failure *f)
{
	_cleanup_close_ int dst = dest_dir(rootfd, path, f);
	if (dst < 0)
		return dst;
	uid_t uid;
	gid_t gid;
	command_owner(p, &uid, &gid);
	char opts[64];
	snprintf(opts, sizeof(opts), "mode=0700,uid=%u,gid=%u", (unsigned)uid, (unsigned)gid);
	int r = mount_on("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts);
	return r < 0 ? fail(f, r, "cannot mount a tmpfs on '%s'", path) : 0;
}

/* A host socket that the user granted (--x11, --wayland, --pulse), bound
 * on an empty file made on one of the run's own tmpfs: connect(2) on the
 * bound name reaches the host's server. */
static int setup_socket(int rootfd, const struct plan_mount *m, struct failure *f)
{
	_cleanup_close_ int src = open(m->src, O_PATH | O_CLOEXEC);
	struct stat st;
	if (src < 0 || fstat(src, &st) < 0)
		return fail(f, errno, "cannot open the socket '%s'", m->src);
	if (!S_ISSOCK(st.st_mode))
		return fail(f, ENOTSOCK, "cannot bind '%s'", m->src);
	_cleanup_close_ int dst = mkfile_in_root(rootfd, m->dest);
	if (dst < 0)
		return fail(f, dst, "cannot make '%s' inside the rootfs", m->dest);
	if (fstat(dst, &st) < 0 || !S_ISREG(st.st_mode))
		return fail(f, EEXIST, "cannot bind on '%s'", m->dest);
	int r = bind_locked_on(src, dst, false, ATTR_LOCKDOWN);
	return r < 0 ? fail(f, r, "cannot bind '%s' on '%s'", m->src, m->dest) : 0;
}

/* A file of the plan's data (the display's cookie), the command's and
 * readable by it alone, made new in the runtime directory. */
static int setup_file(int rootfd, const struct run_plan *p, const struct plan_mount *m,
		      struct failure *f)
{
	_cleanup_close_ int made = mkfile_in_root(rootfd, m->dest);
	_cleanup_close_ int fd =
	    made < 0 ? made : open_in_root(rootfd, m->dest, O_WRONLY | O_NOFOLLOW);
	if (fd < 0)
		return fail(f, fd, "cannot make '%s' inside the rootfs", m->dest);
	uid_t uid;
	gid_t gid;
	command_owner(p, &uid, &gid);
	int r = fchown(fd, uid, gid) < 0 || fchmod(fd, 0600) < 0 ? -errno : 0;
	if (r == 0)
		r = write_all(fd, m->data, m->len);
	return r < 0 ? fail(f, r, "cannot write '%s'", m->dest) : 0;
}

/* One step of the plan's mount list. An optional step that cannot be
 * done says why in skipped and returns 0. */
static int setup_step(int rootfd, const struct run_plan *p, const struct plan_mount *m,
		      struct failure *skipped, struct failure *f)
{
	bool host = m->flags & PLAN_HOST;
	switch (m->kind) {
	case PLAN_PROC:
		return setup_proc(rootfd, host, f);
	case PLAN_DEV:
		return setup_dev(rootfd, p, host, f);
	case PLAN_SYS:
		return setup_sys(rootfd, f);
	case PLAN_RUN:
		return setup_run(rootfd, skipped, f);
	case PLAN_RESOLV:
		return setup_resolv(rootfd, m->src, skipped, f);
	case PLAN_RUNTIME:
		return setup_runtime(rootfd, p, m->dest, f);
	case PLAN_SOCKET:
		return setup_socket(rootfd, m, f);
	case PLAN_FILE:
		return setup_file(rootfd, p, m, f);
	default:
		return setup_user_mount(rootfd, m, f);
	}
}

/*
 * The mount that becomes "/": the rootfs bound onto itself (pivot_root
 * wants a mount point), or with --ephemeral an overlay over it. Either
 * way it is in place before any other step, so that /proc, /dev, the
 * mount points made for them and the user's binds all land on it: on the
 * overlay, never in the box's own directory.
 */
static int new_root(const struct run_plan *p, struct failure *f)
{
	if (p->ephemeral)
		return overlay_mount(p, f);
	/* The rootfs' flags are set recursively (mounts_setup), so that they
	 * reach the submounts that a recursive bind takes along too. */
	int r = pivot_bind_self(p->rootfs, "the rootfs", f);
	if (r < 0)
		return r;
	int fd = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? fail(f, errno, "cannot open the rootfs '%s'", p->rootfs) : fd;
}

int mounts_setup(const struct run_plan *p, struct mount_skipped *skipped, struct failure *f)
{
	/* Private first, before any mount: otherwise mount events would
	 * propagate between this namespace and the host's. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail(f, errno, "cannot make the mount namespace private");

	_cleanup_close_ int rootfd = new_root(p, f);
	if (rootfd < 0)
		return rootfd;

	/* Read-only from the start: with --read-only nothing is written to the
	 * rootfs, not even a missing mount point (that is an error then). */
	uint64_t attrs = MOUNT_ATTR_NODEV | (p->read_only ? MOUNT_ATTR_RDONLY : 0);
	struct mount_attr attr = { .attr_set = attrs };
	if (mount_setattr(rootfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return fail(f, errno, "cannot set the rootfs' mount flags");

	for (size_t i = 0; i < p->n_mounts; i++) {
		struct failure why = { 0 };
		int r = setup_step(rootfd, p, &p->mounts[i], &why, f);
		if (r < 0)
			return r;
		if (failed(&why) && skipped->n < MOUNTS_MAX_SKIPPED)
			skipped->why[skipped->n++] = why;
	}
	return pivot_into(rootfd, "the rootfs", f);
}
