// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/bare.c: the kernel work of nschroot's process model and nothing
 * more, as a reference for bench/startup: what any tool that gives the
 * same isolation must pay on this machine before doing anything useful.
 *
 *     nschroot-bare [--full] ROOTFS COMMAND [ARG...]
 *
 * clone with user, mount, pid, ipc and uts namespaces; the caller's ids
 * mapped to root; the mount tree made private; the rootfs bound onto
 * itself; a fresh /proc; pivot_root and the old root detached; a child
 * (pid 2) that execs COMMAND, waited for by pid 1.
 *
 * --full adds the rest of the kernel work DESIGN.md asks of every run, in
 * nschroot's order and with the same calls: a cgroup namespace too;
 * sessions of their own for pid 1 and the command; /proc/sys, /proc/irq
 * and /proc/bus bound read-only; /dev as a tmpfs with the six device
 * binds, devpts, /dev/shm and the links; /sys bound read-only; a tmpfs on
 * /run with /run/lock; resolv.conf bound read-only; the nested user and
 * mount namespace with its maps; the Landlock domain scoping abstract
 * sockets and signals (where the kernel has it); nschroot's own seccomp
 * program (the one a run with one id mapped installs); vfork.
 * What it leaves out is user-space work only: resolving paths inside the
 * root, the checks, the environment, the closing of descriptors, signal
 * forwarding. Its time is the floor of any implementation of the design.
 *
 * A benchmark helper only: it resolves nothing safely and must never be
 * given an untrusted rootfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seccomp-filters.h"

#define LOCKDOWN (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

static _Noreturn void fail(const char *what)
{
	fprintf(stderr, "nschroot-bare: %s: %s\n", what, strerror(errno));
	_exit(125);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		fail(path);
	close(fd);
}

static void write_maps(uid_t uid, gid_t gid)
{
	char text[64];
	snprintf(text, sizeof(text), "0 %u 1\n", (unsigned)uid);
	write_file("/proc/self/uid_map", text);
	write_file("/proc/self/setgroups", "deny");
	snprintf(text, sizeof(text), "0 %u 1\n", (unsigned)gid);
	write_file("/proc/self/gid_map", text);
}

static int status_of(pid_t pid)
{
	int wstatus;
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			fail("waitpid");
	return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

/* src, read-only and locked down, onto dst: cloned detached, its flags set,
 * then moved, as nschroot does. A missing dst is skipped when optional. */
static void bind_locked(const char *src, const char *dst, bool recursive, bool optional)
{
	unsigned rec = recursive ? AT_RECURSIVE : 0;
	int to = open(dst, O_PATH | O_CLOEXEC);
	if (to < 0 && optional && errno == ENOENT)
		return;
	int tree =
	    (int)syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | LOCKDOWN };
	if (to < 0 || tree < 0 ||
	    syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | rec, &attr, sizeof(attr)) < 0 ||
	    syscall(SYS_move_mount, tree, "", to, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		fail(dst);
	close(tree);
	close(to);
}

static const char *in(const char *rootfs, const char *path)
{
	static char buf[4][4096];
	static unsigned next;
	char *b = buf[next++ % 4];
	snprintf(b, sizeof(buf[0]), "%s%s", rootfs, path);
	return b;
}

static void mount_or_fail(const char *src, const char *dst, const char *type, unsigned long flags,
			  const char *data)
{
	if (mount(src, dst, type, flags, data) < 0)
		fail(dst);
}

/* The rest of DESIGN.md's mounts, before pivot_root. */
static void full_mounts(const char *r)
{
	struct mount_attr nodev = { .attr_set = MOUNT_ATTR_NODEV };
	if (syscall(SYS_mount_setattr, AT_FDCWD, r, AT_RECURSIVE, &nodev, sizeof(nodev)) < 0)
		fail("making the rootfs nodev");
	static const char *const proc_ro[] = { "/proc/sys", "/proc/sysrq-trigger", "/proc/irq",
					       "/proc/bus" };
	for (size_t i = 0; i < sizeof(proc_ro) / sizeof(proc_ro[0]); i++)
		bind_locked(in(r, proc_ro[i]), in(r, proc_ro[i]), true, true);

	mount_or_fail("tmpfs", in(r, "/dev"), "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755");
	static const char *const devs[] = { "null", "zero", "full", "random", "urandom", "tty" };
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		char host[64], dst[4200];
		snprintf(host, sizeof(host), "/dev/%s", devs[i]);
		snprintf(dst, sizeof(dst), "%s/dev/%s", r, devs[i]);
		if (mknod(dst, S_IFREG | 0666, 0) < 0)
			fail(dst);
		mount_or_fail(host, dst, NULL, MS_BIND, NULL);
	}
	if (mkdir(in(r, "/dev/pts"), 0755) < 0 || mkdir(in(r, "/dev/shm"), 01777) < 0)
		fail("/dev/pts, /dev/shm");
	mount_or_fail("devpts", in(r, "/dev/pts"), "devpts", MS_NOSUID | MS_NOEXEC,
		      "newinstance,ptmxmode=0666,mode=620");
	mount_or_fail("tmpfs", in(r, "/dev/shm"), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	static const char *const links[][2] = { { "pts/ptmx", "/dev/ptmx" },
						{ "/proc/self/fd", "/dev/fd" },
						{ "/proc/self/fd/0", "/dev/stdin" },
						{ "/proc/self/fd/1", "/dev/stdout" },
						{ "/proc/self/fd/2", "/dev/stderr" } };
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlink(links[i][0], in(r, links[i][1])) < 0)
			fail(links[i][1]);

	bind_locked("/sys", in(r, "/sys"), true, false);
	mount_or_fail("tmpfs", in(r, "/run"), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	if (mkdir(in(r, "/run/lock"), 01777) < 0 || chmod(in(r, "/run/lock"), 01777) < 0)
		fail("/run/lock");
	int fd = open(in(r, "/etc/resolv.conf"), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		fail("/etc/resolv.conf");
	close(fd);
	bind_locked("/etc/resolv.conf", in(r, "/etc/resolv.conf"), false, false);
}

/* After pivot_root: the nested namespace that locks the mounts, and the
 * seccomp program. */
static void full_lock(void)
{
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		fail("nested namespace");
	write_maps(0, 0);
	/* handled_access_fs, handled_access_net, scoped: abstract UNIX
	 * sockets and signals. */
	uint64_t scope[3] = { 0, 0, 3 };
	int ruleset = (int)syscall(SYS_landlock_create_ruleset, scope, sizeof(scope), 0);
	if (ruleset >= 0 && syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		fail("landlock");
	if (ruleset >= 0)
		close(ruleset);
	struct sock_fprog prog = { sizeof(seccomp_prog_tty_fakeroot) / sizeof(struct sock_filter),
				   (struct sock_filter *)seccomp_prog_tty_fakeroot };
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		fail("seccomp");
}

static _Noreturn void pid1(bool full, const char *rootfs, char **argv, uid_t uid, gid_t gid)
{
	if (full)
		setsid();
	write_maps(uid, gid);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail("making / private");
	if (mount(rootfs, rootfs, NULL, MS_BIND, NULL) < 0)
		fail("binding the rootfs");
	mount_or_fail("proc", in(rootfs, "/proc"), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	if (full)
		full_mounts(rootfs);
	if (chdir(rootfs) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		fail("pivot_root");
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		fail("detaching the old root");
	if (full)
		full_lock();

	pid_t pid = full ? vfork() : fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		if (full)
			setsid();
		execvp(argv[0], argv);
		_exit(127); /* a vforked child must not touch stdio */
	}
	_exit(status_of(pid));
}

int main(int argc, char **argv)
{
	bool full = argc > 1 && strcmp(argv[1], "--full") == 0;
	argv += full;
	argc -= full;
	if (argc < 3) {
		fprintf(stderr, "usage: nschroot-bare [--full] ROOTFS COMMAND [ARG...]\n");
		return 2;
	}
	uid_t uid = getuid();
	gid_t gid = getgid();
	unsigned long flags =
	    CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD;
	if (full)
		flags |= CLONE_NEWCGROUP;
	pid_t pid = (pid_t)syscall(SYS_clone, flags, 0, 0, 0, 0);
	if (pid < 0)
		fail("clone");
	if (pid == 0)
		pid1(full, argv[1], argv + 2, uid, gid);
	return status_of(pid);
}
