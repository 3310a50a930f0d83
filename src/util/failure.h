/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * What a module failed at. Modules return -errno and describe the step
 * here; only the command layer prints it (log_failure, die_failure), the
 * way util-linux's err() would: "nschroot: WHAT: REASON", then the hint.
 * A failure is plain data (no pointer), so a child can hand it to its
 * parent through a pipe.
 */
struct failure {
	int err;	/* positive errno; 0 while nothing failed */
	bool said_why;	/* what gives the reason itself (another program's words) */
	char what[512]; /* "cannot mount 'proc' on '/proc'" */
	char hint[512]; /* what the user can do about it, or "" */
};

/* Record the step and return -err (err may be given either sign). */
int fail(struct failure *f, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The same, for a what that says why itself (another program's words). */
int fail_said(struct failure *f, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Give the failure a hint (lines of at most 80 columns). */
void fail_hint(struct failure *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Put the caller's step before what failed below it ("CONTEXT: WHAT"),
 * keeping the reason and the hint; returns -f->err. */
int fail_wrap(struct failure *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Whether f records a failure. */
static inline bool failed(const struct failure *f)
{
	return f->err != 0;
}

/* "WHAT: strerror(err)", or WHAT alone when it says why already, into buf. */
const char *failure_text(const struct failure *f, char *buf, size_t size);
