// SPDX-License-Identifier: GPL-2.0-or-later
#include <asm/unistd_64.h>

#include "seccomp-abi.h"

const struct syscall_nr syscalls_x86_64[] = { SYSCALLS_COMMON, { 0, 0 } };
