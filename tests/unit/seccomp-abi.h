/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The system call numbers of each x86 ABI, from the kernel's own headers
 * (asm/unistd_32.h, asm/unistd_x32.h, asm/unistd_64.h): a source that does
 * not share libseccomp's tables, which made the programs under test. One
 * file per ABI, since the headers define the same names. */
struct syscall_nr {
	const char *name;
	long nr;
};

/* clang-format off */
#define SYSCALL_NR(name) { #name, __NR_##name }

/* The calls that every x86 ABI has, each under its own number: expanded in
 * each ABI's file, where __NR_* are that ABI's. */
#define SYSCALLS_COMMON                                                          \
	SYSCALL_NR(ioctl), SYSCALL_NR(getpid), SYSCALL_NR(mknod),                \
	SYSCALL_NR(mknodat), SYSCALL_NR(chown), SYSCALL_NR(fchown),              \
	SYSCALL_NR(lchown), SYSCALL_NR(fchownat), SYSCALL_NR(setuid),            \
	SYSCALL_NR(setgid), SYSCALL_NR(setreuid), SYSCALL_NR(setregid),          \
	SYSCALL_NR(setresuid), SYSCALL_NR(setresgid), SYSCALL_NR(setfsuid),      \
	SYSCALL_NR(setfsgid), SYSCALL_NR(setgroups)
/* clang-format on */

/* Each ends with { NULL, 0 }. */
extern const struct syscall_nr syscalls_i386[];
extern const struct syscall_nr syscalls_x32[];
extern const struct syscall_nr syscalls_x86_64[];
