// SPDX-License-Identifier: GPL-2.0-or-later
#include "tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int planned = -1;
static int run;
static int failed;

void plan(int n)
{
	planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

int done_testing(void)
{
	if (planned < 0)
		printf("1..%d\n", run);
	else if (run != planned)
		printf("# planned %d tests but ran %d\n", planned, run);
	if (failed)
		printf("# failed %d of %d tests\n", failed, run);
	fflush(stdout);
	return failed || (planned >= 0 && run != planned) ? 1 : 0;
}

static __attribute__((format(printf, 2, 0))) bool vok(bool cond, const char *fmt, va_list ap)
{
	run++;
	if (!cond)
		failed++;
	printf("%sok %d - ", cond ? "" : "not ", run);
	vprintf(fmt, ap);
	putchar('\n');
	/* Flushed at once: if a later test crashes, what ran is still seen. */
	fflush(stdout);
	return cond;
}

bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vok(cond, fmt, ap);
	va_end(ap);
	return cond;
}

bool is_int(long long got, long long want, const char *fmt, ...)
{
	bool cond = got == want;
	va_list ap;
	va_start(ap, fmt);
	vok(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		diag("    got: %lld\n    expected: %lld", got, want);
	return cond;
}

bool is_str(const char *got, const char *want, const char *fmt, ...)
{
	bool cond = got && want ? strcmp(got, want) == 0 : got == want;
	va_list ap;
	va_start(ap, fmt);
	vok(cond, fmt, ap);
	va_end(ap);
	if (!cond) {
		/* Quoted, so that an empty string and NULL are told apart. */
		diag("    got: %s%s%s", got ? "'" : "", got ? got : "NULL", got ? "'" : "");
		diag("    expected: %s%s%s", want ? "'" : "", want ? want : "NULL",
		     want ? "'" : "");
	}
	return cond;
}

void diag(const char *fmt, ...)
{
	char *msg;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0) {
		puts("# (out of memory formatting a diagnostic)");
		return;
	}
	/* Every line of a multi-line message gets its own "# ", or the TAP
	 * parser would read the continuation as garbage. */
	for (char *line = msg, *nl; line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		printf("# %.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
	}
	free(msg);
	fflush(stdout);
}

void skip_all(const char *fmt, ...)
{
	char *why;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&why, fmt, ap);
	va_end(ap);
	const char *reason = r < 0 ? "(out of memory)" : why;
	const char *must = getenv("NSCHROOT_TEST_MUST_WORK");
	if (must && strcmp(must, "1") == 0)
		bail_out("cannot skip under NSCHROOT_TEST_MUST_WORK=1: %s", reason);
	printf("1..0 # SKIP %s\n", reason);
	fflush(stdout);
	if (r >= 0)
		free(why);
	exit(0);
}

void bail_out(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("Bail out! ", stdout);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	exit(1);
}
