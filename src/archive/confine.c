// SPDX-License-Identifier: GPL-2.0-or-later
#include "archive/confine.h"

#include <errno.h>
#include <iconv.h>
#include <langinfo.h>
#include <locale.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/idmap.h"
#include "base/userns.h"

/*
 * Names come out of libarchive in the locale's charset. Under a UTF-8
 * LC_CTYPE libarchive copies pax headers' UTF-8 names with its own code
 * (normalized to NFC, as bsdtar does); under any other charset it opens an
 * iconv conversion, and glibc reads its gconv configuration, and may load a
 * gconv module, on the first such use: after confine_to() that would be from
 * the archive's own files. So the locale is never taken from the
 * environment, LC_CTYPE is C.UTF-8 where it is installed, and one
 * conversion is opened here, while the host's files are in reach: glibc
 * reads its configuration once per process, and UTF-8 and ASCII are built
 * in, needing no module.
 */
void confine_preload(void)
{
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "C");
	iconv_t cd = iconv_open(nl_langinfo(CODESET), "UTF-8");
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): iconv_open's failure value */
	if (cd != (iconv_t)-1)
		iconv_close(cd);
}

/*
 * unshare(CLONE_NEWUSER) changes credentials, so the ids are read first.
 * The map is written by the process itself, unprivileged: one id, with
 * setgroups denied first (see idmap.c). The mount namespace is made
 * private before any mount so that nothing propagates to the host's; dir
 * is bound onto itself because pivot_root wants the new root to be a mount
 * point. pivot_root(".", ".") then stacks the old root over the new one,
 * and detaching it leaves no path back to the host: unlike chroot(2),
 * which the namespace's root could escape with a second chroot, this holds
 * even if a bug in libarchive hands control to the archive.
 */
int confine_to(const char *dir, bool in_userns, struct failure *f)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	struct stat st;
	if (stat(dir, &st) < 0)
		return fail(f, errno, "cannot use '%s' as the archive's directory", dir);
	if (!S_ISDIR(st.st_mode))
		return fail(f, ENOTDIR, "cannot use '%s' as the archive's directory", dir);

	if (in_userns) {
		if (geteuid() != 0)
			return fail(f, EPERM, "--in-userns: not root in a user namespace");
		if (unshare(CLONE_NEWNS) < 0)
			return fail(f, errno,
				    "cannot create a mount namespace to confine the "
				    "archive work in");
	} else if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
		int err = errno;
		if (userns_refused(err))
			fail_hint(f, "%s", USERNS_HINT);
		return fail(f, err,
			    "cannot create a user namespace to confine the archive work in");
	}
	int r = in_userns ? 0 : idmap_write_single(0, 0, uid, 0, gid, true);
	if (r < 0)
		return fail(f, r, "cannot write the user namespace's id maps");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail(f, errno, "cannot make the mount namespace private");
	if (mount(dir, dir, NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail(f, errno, "cannot bind '%s' onto itself", dir);
	if (chdir(dir) < 0)
		return fail(f, errno, "cannot enter '%s'", dir);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return fail(f, errno, "cannot pivot_root into '%s'", dir);
	if (umount2(".", MNT_DETACH) < 0)
		return fail(f, errno, "cannot detach the old root");
	if (chdir("/") < 0)
		return fail(f, errno, "cannot chdir to '/'");
	return 0;
}
