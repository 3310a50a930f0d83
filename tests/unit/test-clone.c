// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of src/base/clone.c on real trees in a temporary directory:
 * the copy is compared with its source entry by entry (type, mode, owner,
 * size, times, content, link target, user.* xattrs) and hard links must
 * stay links. As an unprivileged user the owners are the caller's own:
 * other owners are what tests/integration/clone.sh covers, in a box's
 * user namespace. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/clone.h"
#include "tap.h"
#include "tmptree.h"

#define DEEP 200
#define BIG  (3u << 20)

static char base[TMPTREE_MAX];
static int basefd;
static bool have_xattrs;

static void plant_dir(const char *path, mode_t mode)
{
	if (mkdirat(basefd, path, 0755) < 0 || fchmodat(basefd, path, mode, 0) < 0)
		bail_out("mkdir '%s': %m", path);
}

static void plant_file(const char *path, mode_t mode, const char *data, size_t len)
{
	int fd = openat(basefd, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) < 0)
		bail_out("write '%s': %m", path);
	close(fd);
}

/* Times of the past, so that a copy that left them as made shows. */
static void set_times(const char *path)
{
	const struct timespec t[2] = { { 1000000000, 123456789 }, { 1100000000, 987654321 } };
	if (utimensat(basefd, path, t, AT_SYMLINK_NOFOLLOW) < 0)
		bail_out("utimensat '%s': %m", path);
}

static void plant_socket(const char *path)
{
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int n = snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s", base, path);
	if (s < 0 || n >= (int)sizeof(a.sun_path) || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		bail_out("socket '%s': %m", path);
	close(s);
}

static void plant_source(void)
{
	plant_dir("src", 0755);
	plant_dir("src/etc", 0750);
	plant_file("src/etc/hostname", 0644, "box\n", 4);
	plant_file("src/etc/setuid", 06755, "#!/bin/sh\n", 10);
	if (linkat(basefd, "src/etc/hostname", basefd, "src/hardlink", 0) < 0 ||
	    linkat(basefd, "src/etc/hostname", basefd, "src/etc/hardlink2", 0) < 0)
		bail_out("link: %m");
	if (symlinkat("/etc/passwd", basefd, "src/passwd") < 0 ||
	    symlinkat("../outside", basefd, "src/escape") < 0 ||
	    symlinkat("nowhere", basefd, "src/dangling") < 0)
		bail_out("symlink: %m");
	if (mkfifoat(basefd, "src/fifo", 0640) < 0)
		bail_out("mkfifo: %m");
	plant_socket("src/socket");
	plant_dir("src/ro", 0755);
	plant_file("src/ro/f", 0444, "read-only\n", 10);
	fchmodat(basefd, "src/ro", 0555, 0);
	plant_dir("src/empty", 01777);

	char *big = malloc(BIG);
	if (!big)
		bail_out("malloc");
	for (size_t i = 0; i < BIG; i++)
		big[i] = (char)(i * 7 + i / 4096);
	plant_file("src/big", 0600, big, BIG);
	free(big);

	have_xattrs = setxattr("src/etc/hostname", "user.nschroot", "v\0x", 3, 0) == 0;
	if (have_xattrs && setxattr("src/etc", "user.dir", "d", 1, 0) < 0)
		bail_out("setxattr: %m");

	char path[16 + DEEP * 2] = "src";
	for (int i = 0; i < DEEP; i++) {
		strcat(path, "/d");
		plant_dir(path, 0755);
	}
	strcat(path, "/leaf");
	plant_file(path, 0644, "deep\n", 5);

	const char *timed[] = { "src/etc/hostname", "src/passwd", "src/fifo",
				"src/big",	    "src/etc",	  "src/ro" };
	for (size_t i = 0; i < sizeof(timed) / sizeof(timed[0]); i++)
		set_times(timed[i]);
	plant_dir("outside", 0755);
	plant_file("outside/keep", 0644, "keep\n", 5);
}

/* Whether two files have the same bytes. */
static bool same_content(const char *a, const char *b)
{
	int fa = openat(basefd, a, O_RDONLY | O_CLOEXEC),
	    fb = openat(basefd, b, O_RDONLY | O_CLOEXEC);
	bool same = fa >= 0 && fb >= 0;
	static char ba[65536], bb[65536];
	while (same) {
		ssize_t na = read(fa, ba, sizeof(ba)), nb = read(fb, bb, sizeof(bb));
		same = na == nb && na >= 0 && memcmp(ba, bb, (size_t)(na > 0 ? na : 0)) == 0;
		if (na <= 0)
			break;
	}
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return same;
}

/* The entry rel of the source and the copy: what must be equal. */
static bool same_entry(const char *rel)
{
	char a[TMPTREE_MAX], b[TMPTREE_MAX];
	snprintf(a, sizeof(a), "src/%s", rel);
	snprintf(b, sizeof(b), "dst/%s", rel);
	struct stat sa, sb;
	if (fstatat(basefd, a, &sa, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fstatat(basefd, b, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	bool same = sa.st_mode == sb.st_mode && sa.st_uid == sb.st_uid && sa.st_gid == sb.st_gid &&
		    sa.st_size == sb.st_size && sa.st_mtim.tv_sec == sb.st_mtim.tv_sec &&
		    sa.st_mtim.tv_nsec == sb.st_mtim.tv_nsec;
	if (same && S_ISREG(sa.st_mode) && (sa.st_mode & 0400))
		same = same_content(a, b);
	if (same && S_ISLNK(sa.st_mode)) {
		char ta[256] = "", tb[256] = "";
		same = readlinkat(basefd, a, ta, sizeof(ta) - 1) > 0 &&
		       readlinkat(basefd, b, tb, sizeof(tb) - 1) > 0 && strcmp(ta, tb) == 0;
	}
	if (!same)
		diag("%s: mode %o/%o size %lld/%lld mtime %lld/%lld", rel, (unsigned)sa.st_mode,
		     (unsigned)sb.st_mode, (long long)sa.st_size, (long long)sb.st_size,
		     (long long)sa.st_mtim.tv_sec, (long long)sb.st_mtim.tv_sec);
	return same;
}

static ino_t ino_of(const char *path)
{
	struct stat st;
	return fstatat(basefd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_ino : 0;
}

static uint64_t last_progress;
static void on_progress(void *ctx, uint64_t bytes)
{
	last_progress = bytes;
	(*(unsigned *)ctx)++;
}

static int copy(const char *src, const char *dst, struct clone_stats *st, struct failure *f)
{
	int s = openat(basefd, src, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int d = openat(basefd, dst, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s < 0 || d < 0)
		bail_out("open: %m");
	unsigned calls = 0;
	int r = clone_tree(s, d, on_progress, &calls, st, f);
	close(s);
	close(d);
	if (r < 0)
		diag("%s: %s", f->what, strerror(-r));
	ok(calls > 0, "%s: progress reported", src);
	return r;
}

static void test_copy(void)
{
	plant_source();
	plant_dir("dst", 0700);
	struct clone_stats st;
	struct failure f = { 0 };
	is_int(copy("src", "dst", &st, &f), 0, "the tree is copied");
	const char *entries[] = { "",	    "etc",    "etc/hostname", "etc/setuid", "hardlink",
				  "passwd", "escape", "dangling",     "fifo",	    "ro",
				  "ro/f",   "empty",  "big" };
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
		ok(same_entry(entries[i]), "'%s' is copied with its mode, owner, size and times",
		   entries[i]);
	struct stat sb;
	ok(fstatat(basefd, "dst/etc/setuid", &sb, 0) == 0 && (sb.st_mode & 07777) == 06755,
	   "set-id bits kept");
	ok(ino_of("dst/hardlink") == ino_of("dst/etc/hostname") &&
	       ino_of("dst/etc/hardlink2") == ino_of("dst/etc/hostname") &&
	       ino_of("dst/hardlink") != ino_of("src/hardlink"),
	   "hard links stay links, among the copies alone");
	ok(fstatat(basefd, "dst/passwd", &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(sb.st_mode),
	   "an absolute symbolic link stays a link");
	ok(fstatat(basefd, "dst/fifo", &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISFIFO(sb.st_mode),
	   "a FIFO is made anew");
	ok(faccessat(basefd, "dst/socket", F_OK, AT_SYMLINK_NOFOLLOW) < 0 && st.sockets == 1,
	   "a socket is skipped and counted");
	is_int(count_entries(basefd, "outside"), 1, "nothing written through a link");

	char deep[16 + DEEP * 2] = "dst";
	for (int i = 0; i < DEEP; i++)
		strcat(deep, "/d");
	strcat(deep, "/leaf");
	ok(faccessat(basefd, deep, F_OK, AT_SYMLINK_NOFOLLOW) == 0, "a tree %d deep is copied",
	   DEEP);

	if (have_xattrs) {
		char v[8] = "";
		ok(getxattr("dst/etc/hostname", "user.nschroot", v, sizeof(v)) == 3 &&
		       memcmp(v, "v\0x", 3) == 0,
		   "a file's user.* xattr is copied");
		ok(getxattr("dst/etc", "user.dir", v, sizeof(v)) == 1, "a directory's too");
	} else {
		ok(true, "a file's user.* xattr is copied # SKIP no user xattrs on %s", base);
		ok(true, "a directory's too # SKIP no user xattrs");
	}
	is_int((long long)st.bytes, BIG + 4 + 10 + 10 + 5,
	       "bytes: each regular file once, hard links not again");
	is_int((long long)last_progress, (long long)st.bytes, "the last progress is the total");
	ok(st.usage > 0, "the source's usage measured");
	diag("%llu entries, %llu reflinked", (unsigned long long)st.entries,
	     (unsigned long long)st.reflinked);
}

static void test_failures(void)
{
	struct clone_stats st;
	struct failure f = { 0 };
	plant_dir("dst2", 0700);
	plant_dir("dst2/big", 0700);
	int r = copy("src", "dst2", &st, &f);
	is_int(r, -EEXIST, "an entry in the way fails");
	is_str(f.what, "cannot create the copy of 'big'", "naming it");
}

int main(void)
{
	tmptree_make("clone", base);
	basefd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (basefd < 0 || fchdir(basefd) < 0)
		bail_out("open '%s': %m", base);
	size_t fds = count_entries(AT_FDCWD, "/proc/self/fd");
	test_copy();
	test_failures();
	is_int((long long)count_entries(AT_FDCWD, "/proc/self/fd"), (long long)fds,
	       "no descriptor was leaked");
	/* Writable again, for tmptree_remove to empty them. */
	const char *ro[] = { "src/ro", "dst/ro", "dst2/ro" };
	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++)
		fchmodat(basefd, ro[i], 0755, 0);
	close(basefd);
	if (chdir("/") < 0)
		bail_out("chdir: %m");
	tmptree_remove(base);
	return done_testing();
}
