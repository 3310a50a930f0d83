// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/bare.c: the kernel work of nschroot's process model and nothing
 * more, as a reference for bench/startup: what any tool that gives the
 * same isolation must pay on this machine before doing anything useful.
 *
 *     nschroot-bare ROOTFS COMMAND [ARG...]
 *
 * clone with user, mount, pid, ipc and uts namespaces; the caller's ids
 * mapped to root; the mount tree made private; the rootfs bound onto
 * itself; a fresh /proc; pivot_root and the old root detached; a child
 * (pid 2) that execs COMMAND, waited for by pid 1. Not done, unlike
 * nschroot: /dev, /sys, resolv.conf, the nested namespace that locks the
 * mounts, seccomp, the closing of descriptors, the environment, signal
 * forwarding, any check of the rootfs's paths. A benchmark helper only:
 * it resolves nothing safely and must never be given an untrusted rootfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

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

static int status_of(pid_t pid)
{
	int wstatus;
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			fail("waitpid");
	return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

static _Noreturn void pid1(const char *rootfs, char **argv, uid_t uid, gid_t gid)
{
	char text[64], proc[4096];
	snprintf(text, sizeof(text), "0 %u 1\n", (unsigned)uid);
	write_file("/proc/self/uid_map", text);
	write_file("/proc/self/setgroups", "deny");
	snprintf(text, sizeof(text), "0 %u 1\n", (unsigned)gid);
	write_file("/proc/self/gid_map", text);

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail("making / private");
	if (mount(rootfs, rootfs, NULL, MS_BIND, NULL) < 0)
		fail("binding the rootfs");
	snprintf(proc, sizeof(proc), "%s/proc", rootfs);
	if (mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		fail("mounting /proc");
	if (chdir(rootfs) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		fail("pivot_root");
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		fail("detaching the old root");

	pid_t pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		execvp(argv[0], argv);
		fail(argv[0]);
	}
	_exit(status_of(pid));
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: nschroot-bare ROOTFS COMMAND [ARG...]\n");
		return 2;
	}
	uid_t uid = getuid();
	gid_t gid = getgid();
	unsigned long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC |
			      CLONE_NEWUTS | SIGCHLD;
	pid_t pid = (pid_t)syscall(SYS_clone, flags, 0, 0, 0, 0);
	if (pid < 0)
		fail("clone");
	if (pid == 0)
		pid1(argv[1], argv + 2, uid, gid);
	return status_of(pid);
}
