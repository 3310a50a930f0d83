/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What a module failed at, for the command layer to print: modules return
 * -errno and describe the step here instead of printing. */
struct failure {
	char what[512];	/* "cannot mount 'proc' on '/proc'" */
	const char *hint;	/* or NULL */
};

/* Record the step and return -err (err may be given either sign). */
int fail(struct failure *f, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
