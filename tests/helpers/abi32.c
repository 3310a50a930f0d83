// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Built with -m32: a real i386 program, to show that nschroot's seccomp
 * filters cover that ABI too, not only the native one. It tries:
 *   - ioctl(TIOCSTI) on standard input (the terminal-injection filter);
 *   - chown of a file it makes to 4242:4242, and setresuid(4242) in a
 *     child (the fake-root filter: in root mode both "succeed" although
 *     4242 is not mapped; without the filter they fail with EINVAL).
 * Prints one line per attempt: "WHAT: ok" or "WHAT: <strerror>".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *what, int r, int err)
{
	printf("%s: %s\n", what, r < 0 ? strerror(err) : "ok");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	char c = 'x';
	printf("bits: %zu\n", sizeof(long) * 8);
	int r = ioctl(0, TIOCSTI, &c);
	report("TIOCSTI", r, errno);

	const char *path = argc > 1 ? argv[1] : "/tmp/abi32-file";
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	r = chown(path, 4242, 4242);
	report("chown", r, errno);

	pid_t pid = fork();
	if (pid == 0) {
		int s = setresuid(4242, 4242, 4242);
		report("setresuid", s, errno);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	return 0;
}
