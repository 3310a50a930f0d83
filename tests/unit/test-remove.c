// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of src/store/remove.c on real trees in a temporary directory,
 * beside an "outside" directory that links in the trees point to and that
 * must survive every removal.
 *
 * Started as root, the test first drops its effective capabilities: root
 * would otherwise read and write mode-000 directories regardless, and the
 * chmod path (what an unprivileged owner needs) would go untested. The
 * mount-point cases run in a child in a new user and mount namespace,
 * where the test may mount a tmpfs; they are skipped where user
 * namespaces are refused. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/remove.h"
#include "tap.h"
#include "tmptree.h"

#define DEEP 2000

enum { BASE_MAX = 1024, OUTSIDE_MAX = BASE_MAX + 64, SUBPATH_MAX = OUTSIDE_MAX + 64 };

static char base[BASE_MAX];
static char outside[OUTSIDE_MAX];
static int basefd;
static bool was_root;

static void skip(const char *what, const char *why)
{
	const char *must = getenv("NSCHROOT_TEST_MUST_WORK");
	if (must && strcmp(must, "1") == 0)
		ok(false, "%s (cannot skip under NSCHROOT_TEST_MUST_WORK=1: %s)", what, why);
	else
		ok(true, "%s # SKIP %s", what, why);
}

static void plant_dir(const char *path, mode_t mode)
{
	if (mkdirat(basefd, path, 0755) < 0)
		bail_out("mkdir '%s': %m", path);
	if (mode != 0755 && fchmodat(basefd, path, mode, 0) < 0)
		bail_out("chmod '%s': %m", path);
}

static void plant_file(const char *path, mode_t mode)
{
	int fd = openat(basefd, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		bail_out("create '%s': %m", path);
	if (write(fd, "data\n", 5) != 5 || fchmod(fd, mode) < 0)
		bail_out("write '%s': %m", path);
	close(fd);
}

static void plant_link(const char *target, const char *path)
{
	if (symlinkat(target, basefd, path) < 0)
		bail_out("symlink '%s' -> '%s': %m", path, target);
}

static bool exists(const char *path)
{
	struct stat st;
	return fstatat(basefd, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static size_t open_fds(void)
{
	return count_entries(AT_FDCWD, "/proc/self/fd");
}

/* The outside directory: three files and a directory, all still there. */
static void outside_intact(const char *when)
{
	ok(count_entries(AT_FDCWD, outside) == 4 && exists("outside/keep") &&
	       exists("outside/dir/keep"),
	   "%s: the outside content survives", when);
}

static void removed(const char *name, const char *what)
{
	struct failure f = { 0 };
	int r = remove_tree_at(basefd, name, &f);
	is_int(r, 0, "%s: removed", what);
	if (r < 0)
		diag("%s: %s", f.what, strerror(-r));
	ok(!exists(name), "%s: gone", what);
}

static void test_plain(void)
{
	plant_dir("t", 0755);
	plant_dir("t/a", 0755);
	plant_dir("t/a/b", 0755);
	plant_dir("t/empty", 0755);
	plant_dir("t/many", 0755);
	plant_file("t/f", 0644);
	plant_file("t/a/f", 0644);
	plant_file("t/a/b/f", 0000);
	if (mkfifoat(basefd, "t/a/fifo", 0644) < 0)
		bail_out("mkfifo: %m");
	if (linkat(basefd, "t/f", basefd, "t/a/hardlink", 0) < 0)
		bail_out("link: %m");
	for (int i = 0; i < 3000; i++) {
		char name[32];
		snprintf(name, sizeof(name), "t/many/%d", i);
		if (i % 10 == 0)
			plant_dir(name, 0755);
		else
			plant_file(name, 0644);
	}
	removed("t", "a tree of files, directories, a FIFO, a hard link and 3000 entries");

	plant_file("file", 0644);
	removed("file", "a file as the top");
	plant_link(outside, "toplink");
	removed("toplink", "a link to the outside as the top");
	outside_intact("a link as the top");

	struct failure f = { 0 };
	is_int(remove_tree_at(basefd, "nope", &f), -ENOENT, "a missing top is -ENOENT");
	is_str(f.what, "cannot open directory 'nope'", "naming it");
	const char *bad[] = { "", ".", "..", "outside/dir", "/tmp" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(remove_tree_at(basefd, bad[i], &f), -EINVAL, "'%s' is not a name: -EINVAL",
		       bad[i]);
}

static void test_modes(void)
{
	plant_dir("m", 0755);
	plant_dir("m/ro", 0755);
	plant_dir("m/ro/sub", 0755);
	plant_file("m/ro/sub/f", 0444);
	plant_file("m/ro/f", 0000);
	if (fchmodat(basefd, "m/ro/sub", 0555, 0) < 0 || fchmodat(basefd, "m/ro", 0555, 0) < 0)
		bail_out("chmod: %m");
	plant_dir("m/none", 0755);
	plant_dir("m/none/sub", 0755);
	plant_file("m/none/sub/f", 0644);
	plant_dir("m/none/wx", 0755);
	plant_file("m/none/wx/f", 0644);
	plant_dir("m/none/rw", 0755);
	plant_file("m/none/rw/f", 0644);
	if (fchmodat(basefd, "m/none/sub", 0000, 0) < 0 ||
	    fchmodat(basefd, "m/none/wx", 0300, 0) < 0 ||
	    fchmodat(basefd, "m/none/rw", 0600, 0) < 0 || fchmodat(basefd, "m/none", 0000, 0) < 0)
		bail_out("chmod: %m");
	if (fchmodat(basefd, "m", 0500, 0) < 0)
		bail_out("chmod: %m");
	removed("m", "read-only (0555, 0500) and mode 000, 0300, 0600 directories");
}

static void test_links(void)
{
	char rel[SUBPATH_MAX];
	plant_dir("l", 0755);
	plant_dir("l/sub", 0755);
	plant_link(outside, "l/abs");
	plant_link("../outside", "l/rel");
	plant_link("../../outside/dir", "l/sub/reldir");
	snprintf(rel, sizeof(rel), "%s/keep", outside);
	plant_link(rel, "l/sub/file");
	plant_link("dangling/nowhere", "l/dangling");
	plant_link("self", "l/self");
	removed("l", "links to outside directories and files, dangling and looping links");
	outside_intact("links in the tree");
}

static void test_names(void)
{
	plant_dir("n", 0755);
	plant_dir("n/new\nline", 0755);
	plant_file("n/new\nline/file\n", 0644);
	plant_file("n/\n", 0644);
	plant_dir("n/\n\n", 0755);
	plant_file("n/ leading and trailing ", 0644);
	plant_file("n/-rf", 0644);
	plant_file("n/\xff\xfe not utf-8", 0644);
	plant_dir("n/..a", 0755);
	plant_file("n/..a/...", 0644);
	removed("n", "names with newlines, blanks, dots and invalid UTF-8");
}

/* DEEP levels of "d", with mode-000 directories on the way, and a file at
 * the bottom. Built with descriptors: the path is longer than PATH_MAX. */
static void plant_deep(const char *top)
{
	plant_dir(top, 0755);
	int fd = openat(basefd, top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; fd >= 0 && i < DEEP; i++) {
		if (mkdirat(fd, "d", 0755) < 0)
			bail_out("mkdir at depth %d: %m", i);
		if (i % 100 == 50) {
			int f = openat(fd, "side", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			if (f < 0)
				bail_out("create at depth %d: %m", i);
			close(f);
		}
		int next = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (i % 500 == 499 && fchmod(fd, 0000) < 0)
			bail_out("chmod at depth %d: %m", i);
		close(fd);
		fd = next;
	}
	if (fd < 0)
		bail_out("open: %m");
	int f = openat(fd, "bottom", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (f < 0)
		bail_out("create the bottom: %m");
	close(f);
	close(fd);
}

static void test_deep(void)
{
	plant_deep("deep");
	removed("deep", "a tree 2000 directories deep");

	/* With few descriptors to spare: the walk must close and reopen. */
	struct rlimit old;
	if (getrlimit(RLIMIT_NOFILE, &old) < 0)
		bail_out("getrlimit: %m");
	plant_deep("deep2");
	struct rlimit low = { .rlim_cur = REMOVE_OPEN_DIRS + 16, .rlim_max = old.rlim_max };
	if (low.rlim_cur > old.rlim_cur || setrlimit(RLIMIT_NOFILE, &low) < 0) {
		skip("a deep tree with RLIMIT_NOFILE lowered", "cannot lower RLIMIT_NOFILE");
		removed("deep2", "a tree 2000 directories deep, again");
		return;
	}
	removed("deep2", "a tree 2000 directories deep, with RLIMIT_NOFILE at 80");
	if (setrlimit(RLIMIT_NOFILE, &old) < 0)
		bail_out("setrlimit: %m");
}

/* A directory the caller does not own cannot be made writable: the
 * failure names it, and nothing leaks. Needs chown, so only as root. */
static void test_failure(void)
{
	if (!was_root) {
		/* Making a directory of another user takes root: this is not
		 * a namespace feature that NSCHROOT_TEST_MUST_WORK vouches for. */
		ok(true, "a directory of another user # SKIP needs to start as root");
		return;
	}
	struct failure f = { 0 };
	is_int(remove_tree_at(basefd, "foreign", &f), -EPERM,
	       "a directory of another user is -EPERM");
	is_str(f.what, "cannot make writable 'foreign/sub\?dir'", "the failure names it");
	ok(exists("foreign/sub\ndir/f"), "what it holds is left");
}

/* Between readdir and open, a directory is swapped with a link to the
 * outside, over and over: the removal may fail, but never follows it. */
static void test_race(void)
{
	char target[SUBPATH_MAX];
	snprintf(target, sizeof(target), "%s/dir", outside);
	int survived = 0, rounds = 40;
	for (int round = 0; round < rounds; round++) {
		plant_dir("race", 0755);
		for (int i = 0; i < 20; i++) {
			char name[64];
			snprintf(name, sizeof(name), "race/d%d", i);
			plant_dir(name, 0755);
			snprintf(name, sizeof(name), "race/d%d/keep", i);
			plant_file(name, 0644);
			snprintf(name, sizeof(name), "race/l%d", i);
			plant_link(target, name);
		}
		pid_t pid = fork();
		if (pid < 0)
			bail_out("fork: %m");
		if (pid == 0) {
			int fd = openat(basefd, "race", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			struct timespec start, now;
			clock_gettime(CLOCK_MONOTONIC, &start);
			do {
				for (int i = 0; fd >= 0 && i < 20; i++) {
					char d[16], l[16];
					snprintf(d, sizeof(d), "d%d", i);
					snprintf(l, sizeof(l), "l%d", i);
					renameat2(fd, d, fd, l, RENAME_EXCHANGE);
				}
				clock_gettime(CLOCK_MONOTONIC, &now);
			} while (now.tv_sec - start.tv_sec < 1);
			_exit(0);
		}
		struct failure f = { 0 };
		int r = remove_tree_at(basefd, "race", &f);
		if (r < 0 && round == 0)
			diag("(a failure is allowed here) %s: %s", f.what, strerror(-r));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (exists("outside/dir/keep"))
			survived++;
		else
			plant_file("outside/dir/keep", 0644);
		if (exists("race")) {
			struct failure g = { 0 };
			r = remove_tree_at(basefd, "race", &g);
			if (r < 0)
				bail_out("%s: %s", g.what, strerror(-r));
		}
	}
	is_int(survived, rounds, "swapping directories and links mid-walk: nothing outside lost");
	outside_intact("the race");
}

/* ---- mount points, in a user and mount namespace of our own ---- */

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* One result line to the parent: "1 what" or "0 what". */
static void report(int out, bool cond, const char *what, const char *extra)
{
	char shown[600];
	snprintf(shown, sizeof(shown), "%s", extra ? extra : "");
	for (char *c = shown; *c; c++)
		if (*c == '\n')
			*c = '?';
	dprintf(out, "%d %s%s%s\n", cond ? 1 : 0, what, extra ? ": " : "", shown);
}

static void check_refused(int out, const char *top, const char *want_what, const char *kept)
{
	struct failure f = { 0 };
	int r = remove_tree_at(basefd, top, &f);
	char what[sizeof(f.what) + 32];
	snprintf(what, sizeof(what), "%s (%d)", f.what, r);
	report(out, r == -EBUSY, "refused with -EBUSY", what);
	report(out, strcmp(f.what, want_what) == 0, "the failure names the mount point", f.what);
	report(out, exists(kept), "what the mount holds is kept", kept);
}

static noreturn void mount_child(int out)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
		dprintf(out, "SKIP cannot make a user namespace: %s\n", strerror(errno));
		_exit(0);
	}
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	if (write_file("/proc/self/uid_map", map) < 0 ||
	    write_file("/proc/self/setgroups", "deny") < 0)
		_exit(2);
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	if (write_file("/proc/self/gid_map", map) < 0 ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
		_exit(3);
	/* A descriptor opened before unshare still walks the old namespace's
	 * mounts: from here on, the base as this namespace sees it. */
	close(basefd);
	basefd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (basefd < 0)
		_exit(6);

	char path[SUBPATH_MAX];
	/* A tmpfs deep in a tree, beside files that may go first. */
	plant_dir("mt", 0755);
	plant_dir("mt/a", 0755);
	plant_file("mt/a/f", 0644);
	plant_dir("mt/m\nnt", 0755);
	snprintf(path, sizeof(path), "%s/mt/m\nnt", base);
	if (mount("tmpfs", path, "tmpfs", 0, "mode=0755") < 0) {
		dprintf(out, "SKIP cannot mount a tmpfs: %s\n", strerror(errno));
		_exit(0);
	}
	plant_file("mt/m\nnt/precious", 0644);
	check_refused(out, "mt", "not descending into the mount point 'mt/m?nt'",
		      "mt/m\nnt/precious");

	/* A bind mount of the same file system: same device, other mount. */
	plant_dir("victim", 0755);
	plant_file("victim/v", 0644);
	plant_dir("bt", 0755);
	plant_dir("bt/sub", 0755);
	plant_dir("bt/sub/bind", 0755);
	char src[SUBPATH_MAX];
	snprintf(src, sizeof(src), "%s/victim", base);
	snprintf(path, sizeof(path), "%s/bt/sub/bind", base);
	if (mount(src, path, "none", MS_BIND, NULL) < 0)
		_exit(4);
	check_refused(out, "bt", "not descending into the mount point 'bt/sub/bind'", "victim/v");

	/* The top itself a mount point. */
	plant_dir("mtop", 0755);
	snprintf(path, sizeof(path), "%s/mtop", base);
	if (mount("tmpfs", path, "tmpfs", 0, "mode=0755") < 0)
		_exit(5);
	plant_file("mtop/precious", 0644);
	check_refused(out, "mtop", "not removing the mount point 'mtop'", "mtop/precious");
	_exit(0);
}

static void test_mounts(void)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		bail_out("pipe: %m");
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		bail_out("fork: %m");
	if (pid == 0) {
		close(p[0]);
		mount_child(p[1]);
	}
	close(p[1]);
	FILE *in = fdopen(p[0], "r");
	if (!in)
		bail_out("fdopen: %m");
	char line[1024];
	int results = 0;
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "SKIP ", 5) == 0) {
			skip("mount points are refused", line + 5);
			results = -1;
			break;
		}
		ok(line[0] == '1', "mount point: %s", line + 2);
		results++;
	}
	fclose(in);
	int status;
	if (waitpid(pid, &status, 0) < 0)
		bail_out("waitpid: %m");
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "the namespace child exited cleanly (status %#x)", status);
	if (results >= 0)
		is_int(results, 9, "every mount check ran");
	/* Its mounts went with its namespace: the trees go normally now. */
	if (results > 0)
		ok(exists("victim/v"), "the bind mount's source was never touched");
	const char *left[] = { "mt", "bt", "mtop", "victim" };
	for (size_t i = 0; i < sizeof(left) / sizeof(left[0]); i++)
		if (exists(left[i]))
			removed(left[i], left[i]);
}

/* Root, without its effective capabilities: the owner of what it made,
 * like any user, so permissions apply. All but CAP_SETFCAP, which Linux
 * 5.12 requires to map uid 0 into a user namespace (test_mounts). */
static void drop_capabilities(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) < 0)
		bail_out("capget: %m");
	data[0].effective = data[1].effective = 0;
	data[CAP_TO_INDEX(CAP_SETFCAP)].effective = CAP_TO_MASK(CAP_SETFCAP);
	if (syscall(SYS_capset, &hdr, data) < 0)
		bail_out("capset: %m");
}

int main(void)
{
	tmptree_make("remove", base);
	basefd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (basefd < 0)
		bail_out("open '%s': %m", base);
	snprintf(outside, sizeof(outside), "%s/outside", base);
	plant_dir("outside", 0755);
	plant_dir("outside/dir", 0755);
	plant_file("outside/keep", 0644);
	plant_file("outside/keep2", 0000);
	plant_file("outside/dir/keep", 0644);
	plant_dir("outside/empty", 0000);

	was_root = geteuid() == 0;
	if (was_root) {
		plant_dir("foreign", 0755);
		plant_dir("foreign/sub\ndir", 0755);
		plant_file("foreign/sub\ndir/f", 0644);
		if (fchownat(basefd, "foreign/sub\ndir", 65534, 65534, AT_SYMLINK_NOFOLLOW) < 0 ||
		    fchmodat(basefd, "foreign/sub\ndir", 0555, 0) < 0)
			bail_out("chown: %m");
		drop_capabilities();
	}

	size_t fds = open_fds();
	test_plain();
	test_modes();
	test_links();
	test_names();
	test_deep();
	test_failure();
	test_race();
	test_mounts();
	is_int((long long)open_fds(), (long long)fds, "no descriptor was leaked");
	outside_intact("the end");

	close(basefd);
	if (was_root) {
		/* Back to root's powers, to clean up the other user's files. */
		struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
		struct __user_cap_data_struct data[2];
		if (syscall(SYS_capget, &hdr, data) == 0) {
			data[0].effective = data[0].permitted;
			data[1].effective = data[1].permitted;
			syscall(SYS_capset, &hdr, data);
		}
	}
	tmptree_remove(base);
	return done_testing();
}
