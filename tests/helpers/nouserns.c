// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nouserns COMMAND [ARG...]: run COMMAND where user namespaces are refused
 * the way a container runtime's default seccomp profile refuses them:
 * no_new_privs set, unshare and clone with CLONE_NEWUSER failing with
 * EPERM, clone3 (whose flags a filter cannot read) with ENOSYS, so that
 * libc falls back to clone. The proot backend's tests run nschroot under it.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#endif

#define ARG0_LOW offsetof(struct seccomp_data, args[0])
#define ERRNO(e) (SECCOMP_RET_ERRNO | (e))

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: nouserns COMMAND [ARG...]\n");
		return 2;
	}
#ifndef ARCH
	fprintf(stderr, "nouserns: not written for this architecture\n");
	return 125;
#else
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, ERRNO(ENOSYS)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_unshare, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 3),
		/* The flags, the first argument of both on these ABIs. */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWUSER, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, ERRNO(EPERM)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(filter) / sizeof(filter[0]), .filter = filter };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		fprintf(stderr, "nouserns: cannot install the filter: %s\n", strerror(errno));
		return 125;
	}
	execvp(argv[1], &argv[1]);
	fprintf(stderr, "nouserns: cannot execute '%s': %s\n", argv[1], strerror(errno));
	return 127;
#endif
}
