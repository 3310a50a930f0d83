// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The classic chroot(2) escape, run inside a box by the hostile tests.
 *
 * Usage: chroot-escape fchdir|dotdot MARKER
 *
 * It chroots into a new subdirectory while keeping a way out (a descriptor
 * of the old root for "fchdir", a working directory left outside the new
 * root for "dotdot"), climbs ".." a hundred times and chroots to where it
 * ended up. Under bare chroot(2) that is the host's root; under pivot_root
 * with the old root detached it must still be the rootfs.
 *
 * It prints one line per step ("chroot x: ok", ...), then whether MARKER,
 * a file that exists only on the host, could be opened, then the names in
 * "/". Exit 0 once the escape sequence itself ran, 1 if a step failed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int step(const char *what, int r)
{
	if (r < 0)
		printf("%s: %s\n", what, strerror(errno));
	else
		printf("%s: ok\n", what);
	return r;
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "fchdir") != 0 && strcmp(argv[1], "dotdot") != 0)) {
		fprintf(stderr, "usage: chroot-escape fchdir|dotdot MARKER\n");
		return 2;
	}
	int use_fd = strcmp(argv[1], "fchdir") == 0;

	int oldroot = open("/", O_RDONLY | O_DIRECTORY);
	if (step("open /", oldroot) < 0 || step("chdir /", chdir("/")) < 0)
		return 1;
	if (mkdir("chroot-escape.d", 0755) < 0 && errno != EEXIST)
		return step("mkdir chroot-escape.d", -1), 1;
	if (step("chroot chroot-escape.d", chroot("chroot-escape.d")) < 0)
		return 1;
	if (use_fd && step("fchdir old root", fchdir(oldroot)) < 0)
		return 1;
	for (int i = 0; i < 100; i++)
		if (chdir("..") < 0)
			return step("chdir ..", -1), 1;
	printf("chdir .. x100: ok\n");
	if (step("chroot .", chroot(".")) < 0 || step("chdir /", chdir("/")) < 0)
		return 1;

	int fd = open(argv[2], O_RDONLY);
	if (fd >= 0)
		printf("marker: reachable\n");
	else
		printf("marker: %s\n", strerror(errno));

	DIR *d = opendir("/");
	if (!d)
		return step("opendir /", -1), 1;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			printf("/: %s\n", e->d_name);
	closedir(d);
	return 0;
}
