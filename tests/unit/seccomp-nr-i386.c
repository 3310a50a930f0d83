// SPDX-License-Identifier: GPL-2.0-or-later
#include <asm/unistd_32.h>

#include "seccomp-abi.h"

/* i386 has the 16-bit id calls (chown, setuid...) and their 32-bit twins. */
const struct syscall_nr syscalls_i386[] = {
	SYSCALLS_COMMON,	 SYSCALL_NR(chown32),
	SYSCALL_NR(fchown32),	 SYSCALL_NR(lchown32),
	SYSCALL_NR(setuid32),	 SYSCALL_NR(setgid32),
	SYSCALL_NR(setreuid32),	 SYSCALL_NR(setregid32),
	SYSCALL_NR(setresuid32), SYSCALL_NR(setresgid32),
	SYSCALL_NR(setfsuid32),	 SYSCALL_NR(setfsgid32),
	SYSCALL_NR(setgroups32), { 0, 0 },
};
