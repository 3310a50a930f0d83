// SPDX-License-Identifier: GPL-2.0-or-later
#include "archive/confine.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <langinfo.h>
#include <locale.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/idmap.h"
#include "base/pivot.h"
#include "base/userns.h"
#include "util/cleanup.h"

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
 * A user namespace of the caller's alone (root inside, one id, mapped by
 * the process itself: userns_unshare), unless nschroot made one for us
 * (--in-userns), and a mount namespace made private before any mount so
 * that nothing propagates to the host's. Then dir becomes the root
 * (base/pivot.c): with the old root detached no path leads back to the
 * host, which holds even if a bug in libarchive hands control to the
 * archive, where chroot(2) could be escaped with a second chroot.
 */
int confine_to(const char *dir, bool in_userns, struct failure *f)
{
	struct stat st;
	if (stat(dir, &st) < 0)
		return fail(f, errno, "cannot use '%s' as the archive's directory", dir);
	if (!S_ISDIR(st.st_mode))
		return fail(f, ENOTDIR, "cannot use '%s' as the archive's directory", dir);

	int r = 0;
	if (in_userns) {
		if (geteuid() != 0)
			return fail(f, EPERM, "--in-userns: not root in a user namespace");
		if (unshare(CLONE_NEWNS) < 0)
			return fail(f, errno,
				    "cannot create a mount namespace to confine the "
				    "archive work in");
	} else {
		/* The host's namespace, where the caller keeps its ids. */
		struct idmap m;
		idmap_single(&m, MAP_USER, getuid(), getgid());
		r = userns_unshare(CLONE_NEWNS, &m, 0, 0,
				   "a user namespace to confine the archive work in", f);
	}
	if (r == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		r = fail(f, errno, "cannot make the mount namespace private");
	if (r == 0)
		r = pivot_bind_self(dir, "the archive's directory", f);
	if (r < 0)
		return r;
	_cleanup_close_ int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return fail(f, errno, "cannot open '%s'", dir);
	return pivot_into(dirfd, "the archive's directory", f);
}

int stay_in(const char *dir, struct failure *f)
{
	if (chdir(dir) < 0)
		return fail(f, errno, "cannot use '%s' as the archive's directory", dir);
	return 0;
}
