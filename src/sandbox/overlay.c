// SPDX-License-Identifier: GPL-2.0-or-later
#include "sandbox/overlay.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/resolve.h"
#include "util/cleanup.h"

#define OVERLAY_HINT                                                                               \
	"--ephemeral needs the kernel's overlayfs in a user namespace, with the\n"                 \
	"userxattr option (Linux 5.11 or later); 'nschroot doctor' checks it"

/* The kernel's own words on why the filesystem context fs failed (its
 * log, "e overlay: upperdir is in-use..."), into buf; false when it left
 * none. */
static bool kernel_said(int fs, char *buf, size_t size)
{
	ssize_t n = read(fs, buf, size - 1);
	if (n <= 2 || buf[1] != ' ')
		return false;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	memmove(buf, buf + 2, (size_t)n - 1);
	return true;
}

/* A new mount of the filesystem configured in fs, not attached anywhere
 * yet: its root (O_PATH), or -errno. */
static int mount_detached(int fs, unsigned attrs)
{
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	int mnt = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	return mnt < 0 ? -errno : mnt;
}

/* Attach the detached mount mnt on top of what is mounted at dst. */
static int attach(int mnt, int dst)
{
	if (move_mount(mnt, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

/*
 * Where the upper and work directories go: --ephemeral=DIR, or a fresh
 * tmpfs of this run. overlayfs takes its upper layer only from a mount of
 * the caller's own mount namespace, so the tmpfs is attached, over the
 * rootfs' directory (lower), which the overlay then covers in turn; the
 * namespace is private, and the host never sees either mount.
 */
static int layers_dir(const struct run_plan *p, int lower, struct failure *f)
{
	if (p->ephemeral_dir) {
		int fd = open(p->ephemeral_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		return fd < 0 ? fail(f, errno, "cannot open '%s'", p->ephemeral_dir) : fd;
	}
	_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	int r = fs < 0 ? -errno : 0;
	if (r == 0 && fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0700", 0) < 0)
		r = -errno;
	int mnt = r < 0 ? r : mount_detached(fs, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (mnt < 0)
		return fail(f, mnt, "cannot mount the tmpfs of --ephemeral");
	if ((r = attach(mnt, lower)) < 0) {
		close(mnt);
		return fail(f, r, "cannot attach the tmpfs of --ephemeral");
	}
	return mnt;
}

/* The directory name in dir, made when missing (a kept DIR has them from
 * its last run), opened. */
static int layer(int dir, const char *name, struct failure *f)
{
	if (mkdirat(dir, name, 0700) < 0 && errno != EEXIST)
		return fail(f, errno, "cannot make the overlay's %s directory", name);
	int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? fail(f, errno, "cannot open the overlay's %s directory", name) : fd;
}

/* The upper directory is the overlay's root as seen: it gets the rootfs
 * root's mode and, where that owner is mapped, its owner. An unmapped one
 * (a tree of the host's root) leaves it the namespace's root's, which
 * makes the root writable for the run. */
static int like_root(int upper, int lower, struct failure *f)
{
	struct stat st;
	if (fstat(lower, &st) < 0)
		return fail(f, errno, "cannot stat the rootfs");
	if (fchown(upper, st.st_uid, st.st_gid) < 0 && errno != EINVAL)
		return fail(f, errno, "cannot give the overlay's root the rootfs' owner");
	if (fchmod(upper, st.st_mode & 07777) < 0)
		return fail(f, errno, "cannot give the overlay's root the rootfs' mode");
	return 0;
}

/*
 * The overlay itself, detached. Every layer is named as /proc/self/fd/N:
 * the descriptors were opened by nschroot from paths it chose, so nothing
 * in the rootfs (a link, a name with ':' or ',', which the option syntax
 * would split) can steer a layer elsewhere. userxattr: in a user
 * namespace overlayfs keeps its whiteouts and opaque marks in user.*
 * attributes, as the trusted.* ones need the host's CAP_SYS_ADMIN.
 */
static int overlay_fs(int lower, int upper, int work, struct failure *f)
{
	char l[FD_PATH_MAX], u[FD_PATH_MAX], w[FD_PATH_MAX], said[256];
	_cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0) {
		int r = fail(f, errno, "cannot mount the overlay of --ephemeral");
		fail_hint(f, "%s", OVERLAY_HINT);
		return r;
	}
	int r = 0;
	if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", fd_path(lower, l), 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", fd_path(upper, u), 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "workdir", fd_path(work, w), 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)
		r = -errno;
	int mnt = r < 0 ? r : mount_detached(fs, MOUNT_ATTR_NODEV);
	if (mnt >= 0)
		return mnt;
	if (kernel_said(fs, said, sizeof(said)))
		fail_said(f, mnt, "cannot mount the overlay of --ephemeral: %s (%s)", said,
			  strerror(-mnt));
	else
		fail(f, mnt, "cannot mount the overlay of --ephemeral");
	if (mnt != -EBUSY)
		fail_hint(f, "%s", OVERLAY_HINT);
	return mnt;
}

int overlay_mount(const struct run_plan *p, struct failure *f)
{
	_cleanup_close_ int lower = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (lower < 0)
		return fail(f, errno, "cannot open the rootfs '%s'", p->rootfs);
	_cleanup_close_ int dir = layers_dir(p, lower, f);
	if (dir < 0)
		return dir;
	_cleanup_close_ int upper = layer(dir, "upper", f);
	if (upper < 0)
		return upper;
	_cleanup_close_ int work = layer(dir, "work", f);
	if (work < 0)
		return work;
	int r = like_root(upper, lower, f);
	if (r < 0)
		return r;
	int mnt = overlay_fs(lower, upper, work, f);
	if (mnt < 0)
		return mnt;
	if ((r = attach(mnt, lower)) < 0) {
		close(mnt);
		return fail(f, r, "cannot attach the overlay of --ephemeral");
	}
	return mnt;
}
