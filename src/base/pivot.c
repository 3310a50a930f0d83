// SPDX-License-Identifier: GPL-2.0-or-later
#include "base/pivot.h"

#include <errno.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

int pivot_bind_self(const char *dir, const char *what, struct failure *f)
{
	if (mount(dir, dir, NULL, MS_BIND, NULL) == 0)
		return 0;
	if (errno == EINVAL && mount(dir, dir, NULL, MS_BIND | MS_REC, NULL) == 0)
		return 0;
	return fail(f, errno, "cannot bind %s '%s' onto itself", what, dir);
}

int pivot_into(int rootfd, const char *what, struct failure *f)
{
	if (fchdir(rootfd) < 0)
		return fail(f, errno, "cannot enter %s", what);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return fail(f, errno, "cannot pivot_root into %s", what);
	if (umount2(".", MNT_DETACH) < 0)
		return fail(f, errno, "cannot detach the old root");
	if (chdir("/") < 0)
		return fail(f, errno, "cannot chdir to '/'");
	return 0;
}
