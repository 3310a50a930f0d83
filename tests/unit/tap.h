// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <stdbool.h>
#include <stdnoreturn.h>

/* A minimal producer of TAP (Test Anything Protocol) for `meson test
 * --protocol tap`. Everything goes to stdout, so diagnostics stay in order
 * with the results they explain. */

/* Announce the number of tests up front; optional, see done_testing(). */
void plan(int n);

/* Print the plan if none was announced, and return the exit status for
 * main(): non-zero when a test failed or the count differs from the plan. */
int done_testing(void);

/* One test: "ok N - name" or "not ok N - name". Returns cond. */
__attribute__((format(printf, 2, 3))) bool ok(bool cond, const char *fmt, ...);

/* Equality tests that also show both values when they fail. is_str
 * accepts NULL on either side (equal only when both are NULL). */
__attribute__((format(printf, 3, 4))) bool is_int(long long got, long long want, const char *fmt,
						  ...);
__attribute__((format(printf, 3, 4))) bool is_str(const char *got, const char *want,
						  const char *fmt, ...);

/* A "# " comment line. */
__attribute__((format(printf, 1, 2))) void diag(const char *fmt, ...);

/* The whole file cannot run here (e.g. a kernel without openat2): "1..0 #
 * SKIP reason". Under NSCHROOT_TEST_MUST_WORK=1, as in CI, a skip is a
 * failure instead, so that a broken runner cannot pass silently. */
__attribute__((format(printf, 1, 2))) noreturn void skip_all(const char *fmt, ...);

/* Setup failed: "Bail out! reason", and exit non-zero. */
__attribute__((format(printf, 1, 2))) noreturn void bail_out(const char *fmt, ...);
