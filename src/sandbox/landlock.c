// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Landlock scoping (Linux 6.12, ABI 6). With the host's network shared, the
 * guest reaches every abstract UNIX socket of the host (X11's
 * @/tmp/.X11-unix/X0, D-Bus buses): they live in the network namespace,
 * not in the file system, so no mount hides them. A Landlock domain scoped
 * for abstract sockets lets its processes connect only to those made
 * inside the same domain (or one nested in it); scoped for signals, they
 * can signal no process outside it. The ruleset restricts no file access.
 */
#include "sandbox/landlock.h"

#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CREATE_RULESET_VERSION	   (1U << 0)
#define SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define SCOPE_SIGNAL		   (1ULL << 1)

int landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, CREATE_RULESET_VERSION);
	return abi < 0 ? 0 : (int)abi;
}

int landlock_scope_self(void)
{
	/* struct landlock_ruleset_attr as ABI 6 lays it out, which the system
	 * headers may predate: handled_access_fs, handled_access_net (none
	 * handled: no access is restricted), scoped. */
	uint64_t attr[3] = { 0, 0, SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL };
	int fd = (int)syscall(SYS_landlock_create_ruleset, attr, sizeof(attr), 0);
	if (fd < 0)
		return errno == EINVAL || errno == E2BIG || errno == ENOSYS || errno == EOPNOTSUPP
			   ? -EOPNOTSUPP
			   : -errno;
	int r = syscall(SYS_landlock_restrict_self, fd, 0) < 0 ? -errno : 0;
	close(fd);
	return r;
}
