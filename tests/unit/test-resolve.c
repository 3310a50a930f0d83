// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of src/base/resolve.c against a real directory tree: a
 * temporary "root" standing for an untrusted rootfs, and a sibling
 * "outside" standing for the host. Every hostile link below would, resolved
 * by the host's rules, reach "outside"; resolved inside the root it must
 * land in the root or nowhere. No namespace is needed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/resolve.h"
#include "tap.h"
#include "tmptree.h"

/* Buffer sizes chosen so that every path built below provably fits (the
 * build's -Werror=format-truncation checks it): the temporary directory's
 * name is short, and each derived path adds a few bytes to the last. */
enum {
	BASE_MAX = 1024,
	ROOT_MAX = BASE_MAX + 64,
	MIRROR_MAX = ROOT_MAX + 64,
	SUBPATH_MAX = MIRROR_MAX + 64
};

static char base[BASE_MAX];    /* the temporary directory holding it all */
static char outside[ROOT_MAX]; /* base/outside: the "host" */

/* What "outside" holds; a test that made anything there fails. */
#define OUTSIDE_ENTRIES 2

/* One fresh root per group of tests, so their links cannot interfere. */
/* Setup helpers act on the test's own tree: a failure there is a broken
 * test machine, not a test result, hence bail_out. */
static void plant_link(const struct test_root *r, const char *target, const char *path)
{
	if (symlinkat(target, r->dirfd, path) < 0)
		bail_out("symlink '%s' -> '%s': %m", path, target);
}

static void plant_dir(const struct test_root *r, const char *path)
{
	if (mkdirat(r->dirfd, path, 0755) < 0)
		bail_out("mkdir '%s': %m", path);
}

static void plant_file(int dirfd, const char *path, const char *content)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		bail_out("create '%s': %m", path);
	size_t len = strlen(content);
	if (write(fd, content, len) != (ssize_t)len)
		bail_out("write '%s': %m", path);
	close(fd);
}

/* etc/PREFIX0 -> PREFIX1 -> ... -> PREFIX(n-1) -> PREFIX-end (missing). */
static void plant_chain(const struct test_root *r, const char *prefix, int n)
{
	for (int i = 0; i < n; i++) {
		char link[64], target[64];
		snprintf(link, sizeof(link), "etc/%s%d", prefix, i);
		if (i == n - 1)
			snprintf(target, sizeof(target), "%s-end", prefix);
		else
			snprintf(target, sizeof(target), "%s%d", prefix, i + 1);
		plant_link(r, target, link);
	}
}

/* The in-root copy of the outside directory's absolute path (what an
 * absolute link to it means inside the root), made with its parents. */
static void plant_mirror(const struct test_root *r, char mirror[MIRROR_MAX])
{
	snprintf(mirror, MIRROR_MAX, "%s", outside + 1);
	for (char *s = mirror;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdirat(r->dirfd, mirror, 0755) < 0 && errno != EEXIST)
			bail_out("mkdir '%s': %m", mirror);
		*s = c;
		if (c == '\0')
			break;
	}
}

/* Whether fd is the very object at path (not followed) under dirfd. */
static bool same_file(int fd, int dirfd, const char *path)
{
	struct stat a, b;
	return fd >= 0 && fstat(fd, &a) == 0 &&
	       fstatat(dirfd, path, &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* The file type at path under dirfd (not followed), or 0 when absent. */
static mode_t type_at(int dirfd, const char *path)
{
	struct stat st;
	return fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_mode & S_IFMT : 0;
}

static long long size_at(int dirfd, const char *path)
{
	struct stat st;
	return fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_size : -1;
}

static void outside_untouched(const char *when)
{
	is_int((long long)count_entries(AT_FDCWD, outside), OUTSIDE_ENTRIES,
	       "%s: nothing was made in the outside directory", when);
}

/* How many descriptors are open: equal before and after the tests when
 * the helpers closed everything they opened, error paths included. (The
 * directory stream's own descriptor is counted both times.) */
static size_t open_fds(void)
{
	return count_entries(AT_FDCWD, "/proc/self/fd");
}

static void test_open(void)
{
	struct test_root r = test_root_new(base, "open");
	char mirror[MIRROR_MAX], path[SUBPATH_MAX];

	/* rootfs/etc -> the outside directory, by its absolute host path. */
	plant_link(&r, outside, "etc");
	int fd = open_in_root(r.fd, "/etc/x", O_RDONLY);
	is_int(fd, -ENOENT, "an absolute link to the outside is not followed out");
	if (fd >= 0)
		close(fd);

	/* Once the same path exists inside the root, that is what opens. */
	plant_mirror(&r, mirror);
	snprintf(path, sizeof(path), "%s/x", mirror);
	plant_file(r.dirfd, path, "INSIDE");
	fd = open_in_root(r.fd, "/etc/x", O_RDONLY);
	ok(same_file(fd, r.dirfd, path), "an absolute link resolves inside the root");
	char buf[16] = "";
	ok(fd >= 0 && read(fd, buf, sizeof(buf) - 1) == 6 && strcmp(buf, "INSIDE") == 0,
	   "the in-root file is the one read");
	ok(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "the descriptor is close-on-exec");
	if (fd >= 0)
		close(fd);

	/* ".." at the root stays at the root, as in a real chroot. */
	plant_file(r.dirfd, "marker", "");
	const char *clamped[] = { "../../../../marker", "/../../marker", "/etc/../../../marker",
				  "up/marker", "up/../../marker" };
	plant_link(&r, "../../../../../", "up");
	for (size_t i = 0; i < sizeof(clamped) / sizeof(clamped[0]); i++) {
		fd = open_in_root(r.fd, clamped[i], O_PATH);
		ok(same_file(fd, r.dirfd, "marker"), "'%s' is the root's /marker", clamped[i]);
		if (fd >= 0)
			close(fd);
	}
	fd = open_in_root(r.fd, "..", O_PATH | O_DIRECTORY);
	ok(same_file(fd, r.dirfd, "."), "'..' of the root is the root");
	if (fd >= 0)
		close(fd);

	/* root/../outside/x exists on the host: a relative link climbing to it
	 * must clamp to root/outside/x, which does not. */
	plant_link(&r, "../outside/x", "rel");
	is_int(open_in_root(r.fd, "rel", O_RDONLY), -ENOENT,
	       "a relative link climbing out of the root is clamped to it");
	is_int(open_in_root(r.fd, "../outside/x", O_RDONLY), -ENOENT,
	       "a path climbing out of the root is clamped to it");

	outside_untouched("open_in_root");
	test_root_close(&r);
}

static void test_mkdir(void)
{
	struct test_root r = test_root_new(base, "mkdir");
	char mirror[MIRROR_MAX], path[SUBPATH_MAX];

	int fd = mkdir_in_root(r.fd, "/a/b/c");
	ok(fd >= 0, "mkdir_in_root('/a/b/c') succeeds");
	is_int(type_at(r.dirfd, "a/b/c"), S_IFDIR, "root/a/b/c is a directory");
	ok(same_file(fd, r.dirfd, "a/b/c"), "the descriptor is root/a/b/c");
	ok(fd >= 0 && (fcntl(fd, F_GETFL) & O_PATH), "the descriptor is O_PATH");
	if (fd >= 0)
		close(fd);

	fd = mkdir_in_root(r.fd, "/a/b/c");
	ok(same_file(fd, r.dirfd, "a/b/c"), "mkdir_in_root of an existing directory opens it");
	if (fd >= 0)
		close(fd);
	fd = mkdir_in_root(r.fd, "a/b/d//");
	ok(same_file(fd, r.dirfd, "a/b/d"), "a relative path and trailing '/' are accepted");
	if (fd >= 0)
		close(fd);
	fd = mkdir_in_root(r.fd, "../../../up-made");
	ok(same_file(fd, r.dirfd, "up-made"), "'../../../up-made' is made at the root");
	/* base holds "outside" and the roots of test_open and this test. */
	is_int((long long)count_entries(AT_FDCWD, base), 3, "nothing was made beside the root");
	if (fd >= 0)
		close(fd);

	/* rootfs/lnk -> the outside directory. Its in-root target does not
	 * exist: a directory is never made through a dangling link (the
	 * comment in mkdir_in_root), so this fails, and nothing is made
	 * anywhere. */
	plant_link(&r, outside, "lnk");
	fd = mkdir_in_root(r.fd, "/lnk/sub");
	is_int(fd, -ENOENT, "mkdir_in_root through a dangling absolute link fails");
	if (fd >= 0)
		close(fd);
	outside_untouched("mkdir_in_root through a dangling link");
	/* With the target present inside the root, the link is followed there. */
	plant_mirror(&r, mirror);
	fd = mkdir_in_root(r.fd, "/lnk/sub/deeper");
	ok(fd >= 0, "mkdir_in_root through an absolute link succeeds");
	snprintf(path, sizeof(path), "%s/sub/deeper", mirror);
	ok(same_file(fd, r.dirfd, path), "it made the directories inside the root");
	if (fd >= 0)
		close(fd);
	outside_untouched("mkdir_in_root through an absolute link");

	/* Something other than a directory in the way is an error, not
	 * something to replace. */
	plant_file(r.dirfd, "file", "");
	is_int(mkdir_in_root(r.fd, "/file"), -ENOTDIR, "a file where a directory is wanted");
	is_int(mkdir_in_root(r.fd, "/file/sub"), -ENOTDIR, "a file where a parent is wanted");
	is_int(type_at(r.dirfd, "file"), S_IFREG, "the file is left as it was");

	test_root_close(&r);
}

static void test_mkfile(void)
{
	struct test_root r = test_root_new(base, "mkfile");
	char mirror[MIRROR_MAX], path[SUBPATH_MAX];
	plant_dir(&r, "etc");

	/* ubuntu-base's resolv.conf: a relative link to a directory that only
	 * exists while systemd-resolved runs. */
	plant_link(&r, "../run/x/stub", "etc/resolv.conf");
	int fd = mkfile_in_root(r.fd, "/etc/resolv.conf");
	ok(fd >= 0, "mkfile_in_root on a dangling relative link succeeds");
	is_int(type_at(r.dirfd, "run/x/stub"), S_IFREG, "it made root/run/x/stub, a file");
	is_int(size_at(r.dirfd, "run/x/stub"), 0, "the file is empty");
	ok(same_file(fd, r.dirfd, "run/x/stub"), "the descriptor is the link's target");
	is_int(type_at(r.dirfd, "etc/resolv.conf"), S_IFLNK, "the link itself is kept");
	if (fd >= 0)
		close(fd);
	fd = mkfile_in_root(r.fd, "/etc/resolv.conf");
	ok(same_file(fd, r.dirfd, "run/x/stub"), "a second call opens the same file");
	if (fd >= 0)
		close(fd);

	plant_link(&r, "/run/y", "etc/abs.conf");
	fd = mkfile_in_root(r.fd, "/etc/abs.conf");
	ok(same_file(fd, r.dirfd, "run/y"), "a dangling absolute link: root/run/y is made");
	if (fd >= 0)
		close(fd);

	/* A link to the outside's absolute path, and one climbing to it with
	 * "..": both are made inside the root. */
	snprintf(path, sizeof(path), "%s/pwned", outside);
	plant_link(&r, path, "etc/evil.conf");
	fd = mkfile_in_root(r.fd, "/etc/evil.conf");
	plant_mirror(&r, mirror);
	snprintf(path, sizeof(path), "%s/pwned", mirror);
	ok(same_file(fd, r.dirfd, path), "a link to an outside path: made inside the root");
	if (fd >= 0)
		close(fd);
	plant_link(&r, "../../../../outside/pwned2", "etc/climb.conf");
	fd = mkfile_in_root(r.fd, "/etc/climb.conf");
	ok(same_file(fd, r.dirfd, "outside/pwned2"), "a climbing link: made inside the root");
	if (fd >= 0)
		close(fd);
	outside_untouched("mkfile_in_root");

	/* A chain of dangling links is followed hop by hop. */
	plant_link(&r, "c2", "etc/c1");
	plant_link(&r, "/var/c3", "etc/c2");
	fd = mkfile_in_root(r.fd, "/etc/c1");
	ok(same_file(fd, r.dirfd, "var/c3"), "a chain of two dangling links ends at root/var/c3");
	if (fd >= 0)
		close(fd);

	/* The kernel follows at most 40 links in one walk; a dangling chain
	 * it could follow is created and opened, one link more is -ELOOP and
	 * nothing is made. */
	plant_chain(&r, "long", 40);
	fd = mkfile_in_root(r.fd, "/etc/long0");
	ok(same_file(fd, r.dirfd, "etc/long-end"), "a chain of 40 dangling links is followed");
	if (fd >= 0)
		close(fd);
	plant_chain(&r, "longer", 41);
	is_int(mkfile_in_root(r.fd, "/etc/longer0"), -ELOOP, "a chain of 41 links is -ELOOP");
	is_int(type_at(r.dirfd, "etc/longer-end"), 0, "and its target is not made");

	plant_link(&r, "loop2", "etc/loop1");
	plant_link(&r, "loop1", "etc/loop2");
	is_int(mkfile_in_root(r.fd, "/etc/loop1"), -ELOOP, "a two-link loop is -ELOOP");
	plant_link(&r, "self", "etc/self");
	is_int(mkfile_in_root(r.fd, "/etc/self"), -ELOOP, "a link to itself is -ELOOP");
	is_int(type_at(r.dirfd, "etc/loop1"), S_IFLNK, "the loop's links are left alone");

	fd = mkfile_in_root(r.fd, "/new/dir/file");
	ok(same_file(fd, r.dirfd, "new/dir/file"), "a missing file is made with its parents");
	is_int(type_at(r.dirfd, "new/dir/file"), S_IFREG, "it is a regular file");
	if (fd >= 0)
		close(fd);

	/* Whatever is there already is opened, even a directory. */
	fd = mkfile_in_root(r.fd, "/etc");
	ok(same_file(fd, r.dirfd, "etc"), "mkfile_in_root of a directory opens it");
	if (fd >= 0)
		close(fd);

	test_root_close(&r);
}

static void on_alarm(int sig)
{
	static const char msg[] = "Bail out! read_file_in_root hung on a FIFO\n";
	ssize_t n = write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	(void)n;
	_exit(1);
}

static void test_read(void)
{
	struct test_root r = test_root_new(base, "read");
	plant_dir(&r, "etc");
	plant_file(r.dirfd, "etc/hostname", "hello\n");
	plant_file(r.dirfd, "etc/empty", "");
	plant_file(r.dirfd, "etc/ten", "0123456789");

	char *buf = NULL;
	size_t len = 0;
	is_int(read_file_in_root(r.fd, "/etc/hostname", 4096, &buf, &len), 0, "a file is read");
	is_str(buf, "hello\n", "its content");
	is_int((long long)len, 6, "its length");
	free(buf);

	buf = NULL;
	is_int(read_file_in_root(r.fd, "/etc/empty", 4096, &buf, &len), 0, "an empty file is read");
	is_str(buf, "", "as an empty string");
	is_int((long long)len, 0, "of length 0");
	free(buf);

	buf = NULL;
	is_int(read_file_in_root(r.fd, "/etc/ten", 10, &buf, &len), 0,
	       "a file of exactly max bytes is read");
	is_str(buf, "0123456789", "whole");
	free(buf);
	buf = NULL;
	is_int(read_file_in_root(r.fd, "/etc/ten", 9, &buf, &len), -EFBIG,
	       "a file above max is -EFBIG");
	ok(buf == NULL, "and nothing is returned");

	/* A FIFO planted where /etc/passwd should be: opening it for reading
	 * would block until a writer came, which never will. */
	if (mkfifoat(r.dirfd, "etc/passwd", 0644) < 0)
		bail_out("mkfifo: %m");
	struct sigaction sa = { .sa_handler = on_alarm };
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		bail_out("sigaction: %m");
	alarm(5);
	is_int(read_file_in_root(r.fd, "/etc/passwd", 4096, &buf, &len), -EINVAL,
	       "a FIFO is -EINVAL, without blocking");
	alarm(0);

	is_int(read_file_in_root(r.fd, "/etc", 4096, &buf, &len), -EINVAL,
	       "a directory is -EINVAL");
	is_int(read_file_in_root(r.fd, "/etc/missing", 4096, &buf, &len), -ENOENT,
	       "a missing file is -ENOENT");

	/* The outside secret, by an absolute link, a climbing relative link,
	 * and a linked directory: never read. */
	char path[SUBPATH_MAX];
	snprintf(path, sizeof(path), "%s/secret", outside);
	plant_link(&r, path, "etc/shadow");
	plant_link(&r, "../../outside/secret", "etc/gshadow");
	plant_link(&r, outside, "host");
	const char *ways[] = { "/etc/shadow", "/etc/gshadow", "/host/secret", "../outside/secret" };
	for (size_t i = 0; i < sizeof(ways) / sizeof(ways[0]); i++) {
		buf = NULL;
		is_int(read_file_in_root(r.fd, ways[i], 4096, &buf, &len), -ENOENT,
		       "'%s' does not read the outside file", ways[i]);
		if (buf)
			diag("read '%s'", buf);
		free(buf);
	}

	test_root_close(&r);
}

int main(void)
{
	tmptree_make("resolve", base);
	snprintf(outside, sizeof(outside), "%s/outside", base);
	if (mkdir(outside, 0755) < 0)
		bail_out("mkdir '%s': %m", outside);
	int ofd = open(outside, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ofd < 0)
		bail_out("open '%s': %m", outside);
	plant_file(ofd, "x", "OUTSIDE");
	plant_file(ofd, "secret", "SECRET");
	close(ofd);

	/* openat2 is Linux 5.6; a seccomp profile may also refuse it. */
	int probe = open_in_root(AT_FDCWD, base, O_PATH);
	if (probe == -ENOSYS || probe == -EPERM) {
		tmptree_remove(base);
		skip_all("openat2 is not available: %s", strerror(-probe));
	}
	if (probe >= 0)
		close(probe);

	size_t fds = open_fds();
	test_open();
	test_mkdir();
	test_mkfile();
	test_read();
	is_int((long long)open_fds(), (long long)fds, "no descriptor was leaked");

	char fdbuf[FD_PATH_MAX];
	is_str(fd_path(42, fdbuf), "/proc/self/fd/42", "fd_path names the descriptor");

	tmptree_remove(base);
	return done_testing();
}
