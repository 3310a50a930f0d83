// SPDX-License-Identifier: GPL-2.0-or-later
/* asm/unistd_x32.h writes its numbers with __X32_SYSCALL_BIT, which
 * asm/unistd.h defines beside the native (x86-64) numbers: the bit itself,
 * part of the kernel's ABI, is given here instead. */
#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif
#include <asm/unistd_x32.h>

#include "seccomp-abi.h"

const struct syscall_nr syscalls_x32[] = { SYSCALLS_COMMON, { 0, 0 } };
