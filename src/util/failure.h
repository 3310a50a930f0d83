/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* What a module failed at, for the command layer to print: modules return
 * -errno and describe the step here instead of printing. */
struct failure {
	char what[512];	  /* "cannot mount 'proc' on '/proc'" */
	const char *hint; /* or NULL */
	bool said_why;	  /* what has the reason already: print no strerror */
};

/* Record the step and return -err (err may be given either sign). */
int fail(struct failure *f, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "WHAT: strerror(err)", or WHAT alone when it says why already, into buf. */
const char *failure_text(int err, const struct failure *f, char *buf, size_t size);

/* The same, for a what that says why itself (another program's words). */
int fail_said(struct failure *f, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
