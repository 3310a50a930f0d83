// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Try to push a character into the input queue of the terminal on standard
 * input with ioctl(TIOCSTI), as a terminal-injection attack does
 * (CVE-2017-5226 class):
 *   - as is;
 *   - with bits above the low 32 set in the request (CVE-2019-10063): the
 *     kernel truncates the request to 32 bits, so a filter comparing all 64
 *     would let it through (where long has 64 bits);
 *   - on x86-64, through the i386 system-call ABI (int $0x80), which a
 *     filter written for the native ABI alone would let through.
 *
 * Prints "tty: yes|no", then one line per attempt, "WHAT: ok" when the
 * character was pushed or "WHAT: <strerror>".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Static, so that its address fits the 32-bit registers of the i386 ABI in
 * this non-PIE static program. */
static char injected = 'x';

static void report(const char *what, long r, int err)
{
	if (r == -1)
		printf("%s: %s\n", what, strerror(err));
	else
		printf("%s: ok\n", what);
	fflush(stdout);
}

#if defined(__x86_64__)
/* In a child: were int $0x80 not available, the child would die of it. */
static void attempt_i386(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		long r;
		__asm__ volatile("int $0x80"
				 : "=a"(r)
				 : "a"(54L /* i386 ioctl */), "b"(0L), "c"((long)TIOCSTI),
				   "d"((long)(unsigned long)&injected)
				 : "memory", "r8", "r9", "r10", "r11");
		/* The raw ABI returns -errno. */
		report("TIOCSTI (i386 ABI)", r < 0 && r > -4096 ? -1 : 0, (int)-r);
		_exit(0);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		printf("TIOCSTI (i386 ABI): could not be tried\n");
}
#endif

int main(void)
{
	printf("tty: %s\n", isatty(0) ? "yes" : "no");
	long r = ioctl(0, TIOCSTI, &injected);
	report("TIOCSTI", r, errno);
#if __SIZEOF_LONG__ > 4
	r = ioctl(0, TIOCSTI | (1UL << 32), &injected);
	report("TIOCSTI|1<<32", r, errno);
#endif
#if defined(__x86_64__)
	attempt_i386();
#endif
	return 0;
}
