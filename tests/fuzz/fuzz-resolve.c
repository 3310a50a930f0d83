// SPDX-License-Identifier: GPL-2.0-or-later
/* Path resolution inside an untrusted rootfs. A small tree is made once:
 *
 *   BASE/root/        the rootfs: a dir, files, links aimed at BASE/outside
 *                     (absolute, relative, through "..", dangling)
 *   BASE/outside/     the host, which must stay empty
 *
 * The first input byte picks the call (open_in_root with some flags,
 * mkdir_in_root, mkfile_in_root), the rest is the path. Whatever
 * descriptor comes back must name BASE/root or something under it, and
 * nothing may appear in BASE but root and outside, nor in outside at all.
 * What a call created is removed after it, so that one input's files do
 * not change the next one's outcome. */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "base/resolve.h"

static char base[PATH_MAX];
static char root[PATH_MAX + 16];
static char outside[PATH_MAX + 16];
static int rootfd = -1;

static void die(const char *what, const char *path)
{
	fprintf(stderr, "fuzz-resolve: cannot %s '%s': %m\n", what, path);
	abort();
}

static void plant_link(const char *target, const char *name)
{
	if (symlinkat(target, rootfd, name) < 0)
		die("symlink", name);
}

static void plant_file(const char *name)
{
	int fd = openat(rootfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		die("create", name);
	close(fd);
}

static void plant_tree(void)
{
	char target[PATH_MAX + 64];
	if (mkdir(root, 0755) < 0)
		die("mkdir", root);
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		die("open", root);
	if (mkdirat(rootfd, "dir", 0755) < 0 || mkdirat(rootfd, "dir/sub", 0755) < 0)
		die("mkdir in", root);
	plant_file("file");
	plant_file("dir/file");
	snprintf(target, sizeof(target), "%s", outside);
	plant_link(target, "abs");
	snprintf(target, sizeof(target), "%s/new", outside);
	plant_link(target, "dangling-abs");
	snprintf(target, sizeof(target), "%s/a/b/c", outside);
	plant_link(target, "dangling-deep");
	plant_link("../outside", "rel");
	plant_link("../outside/new", "dangling-rel");
	plant_link("../../../../../../../../outside", "many-up");
	plant_link("..", "up");
	plant_link("../../outside/x", "dir/up-rel");
	plant_link("../..", "dir/sub/up2");
	plant_link("/", "slash");
	plant_link("loop", "loop");
	plant_link("/proc/self/root", "magic");
	plant_link("dangling-abs", "chain");
	plant_link("file", "to-file");
	plant_link("dir", "to-dir");
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (remove(path) < 0)
		die("remove", path);
	return 0;
}

static void remove_tree(const char *path)
{
	if (nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
		die("remove", path);
}

/* What plant_tree made, directory by directory. */
static const struct {
	const char *dir;
	const char *names[16];
} planted[] = {
	{ ".",
	  { "dir", "file", "abs", "dangling-abs", "dangling-deep", "rel", "dangling-rel", "many-up",
	    "up", "slash", "loop", "magic", "chain", "to-file", "to-dir" } },
	{ "dir", { "sub", "file", "up-rel" } },
	{ "dir/sub", { "up2" } },
};

static bool was_planted(const char *const *names, const char *name)
{
	for (; *names; names++)
		if (strcmp(*names, name) == 0)
			return true;
	return false;
}

/* Remove what a call created, leaving the tree as planted. Rebuilding it
 * whole each time would cost more than the call under test: nothing but
 * creation ever changes it. */
static void prune_tree(void)
{
	char path[sizeof(root) + NAME_MAX + 16];
	for (size_t i = 0; i < sizeof(planted) / sizeof(planted[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, planted[i].dir);
		DIR *d = opendir(path);
		if (!d)
			die("open", path);
		for (struct dirent *e; (e = readdir(d));) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
			    was_planted(planted[i].names, e->d_name))
				continue;
			snprintf(path, sizeof(path), "%s/%s/%s", root, planted[i].dir, e->d_name);
			remove_tree(path);
		}
		closedir(d);
	}
}

static void cleanup(void)
{
	close(rootfd);
	remove_tree(root);
	if (rmdir(outside) < 0 || rmdir(base) < 0)
		fprintf(stderr, "fuzz-resolve: cannot remove '%s': %m\n", base);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char templ[PATH_MAX];
	snprintf(templ, sizeof(templ), "%s/nschroot-fuzz-resolve.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(templ))
		die("make", templ);
	/* Canonical, because the check compares it with what the kernel
	 * reports for a descriptor. */
	if (!realpath(templ, base))
		die("resolve", templ);
	snprintf(root, sizeof(root), "%s/root", base);
	snprintf(outside, sizeof(outside), "%s/outside", base);
	if (mkdir(outside, 0755) < 0)
		die("mkdir", outside);
	plant_tree();
	atexit(cleanup);
	return 0;
}

/* The entries of path other than "." and "..", allowed ones aside. */
static size_t foreign_entries(const char *path, const char *allow1, const char *allow2)
{
	DIR *d = opendir(path);
	if (!d)
		die("open", path);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		const char *s = e->d_name;
		if (strcmp(s, ".") != 0 && strcmp(s, "..") != 0 &&
		    !(allow1 && strcmp(s, allow1) == 0) && !(allow2 && strcmp(s, allow2) == 0))
			n++;
	}
	closedir(d);
	return n;
}

static void check_fd(int fd)
{
	char self[FD_PATH_MAX], where[PATH_MAX];
	ssize_t n = readlink(fd_path(fd, self), where, sizeof(where) - 1);
	fuzz_assert(n >= 0);
	where[n] = '\0';
	size_t len = strlen(root);
	bool inside = strncmp(where, root, len) == 0 && (where[len] == '\0' || where[len] == '/');
	if (!inside)
		fprintf(stderr, "fuzz-resolve: descriptor names '%s', outside '%s'\n", where, root);
	fuzz_assert(inside);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int open_flags[] = {
		O_PATH,
		O_PATH | O_NOFOLLOW,
		O_PATH | O_DIRECTORY,
		O_RDONLY,
		O_RDONLY | O_DIRECTORY,
		O_WRONLY | O_CREAT,
		O_RDWR | O_CREAT | O_EXCL,
		O_WRONLY | O_CREAT | O_NOFOLLOW,
	};
	enum { N_OPEN = sizeof(open_flags) / sizeof(open_flags[0]) };
	if (size == 0)
		return 0;
	unsigned op = data[0] % (N_OPEN + 2);
	char *path = strndup((const char *)data + 1, size - 1);
	if (!path)
		return 0;

	int fd;
	bool creates = true;
	if (op < N_OPEN) {
		fd = open_in_root(rootfd, path, open_flags[op]);
		creates = open_flags[op] & O_CREAT;
	} else if (op == N_OPEN) {
		fd = mkdir_in_root(rootfd, path);
	} else {
		fd = mkfile_in_root(rootfd, path);
	}
	if (fd >= 0)
		check_fd(fd);
	fuzz_assert(foreign_entries(outside, NULL, NULL) == 0);
	fuzz_assert(foreign_entries(base, "root", "outside") == 0);
	if (creates)
		prune_tree();
	free(path);
	return 0;
}
