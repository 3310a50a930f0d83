// SPDX-License-Identifier: GPL-2.0-or-later
#include "sandbox/seccomp.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp-filters.h"

int seccomp_install(bool fakeroot)
{
	struct sock_fprog prog;
	if (fakeroot)
		prog = (struct sock_fprog){ sizeof(seccomp_prog_tty_fakeroot) /
						sizeof(struct sock_filter),
					    (struct sock_filter *)seccomp_prog_tty_fakeroot };
	else
		prog = (struct sock_fprog){ sizeof(seccomp_prog_tty) / sizeof(struct sock_filter),
					    (struct sock_filter *)seccomp_prog_tty };
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return -errno;
	return 0;
}
