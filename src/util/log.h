/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdarg.h>
#include <stdnoreturn.h>

/* Exit statuses of DESIGN.md "Exit status". */
enum {
	EXIT_SETUP = 125,	/* nschroot itself failed */
	EXIT_CANNOT_EXEC = 126, /* found, but not executable */
	EXIT_NOT_FOUND = 127,	/* not found inside the rootfs */
};

/* Every log line goes to stderr, its control characters shown as '?'
 * (text.h): messages quote names and paths from archives and boxes. */

/* "nschroot: MESSAGE" on stderr. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "nschroot: warning: MESSAGE". */
void log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "nschroot: note: MESSAGE": something worth knowing about a success. */
void log_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "hint: MESSAGE", where the user can do something about a failure; one
 * "hint: " line for each line of MESSAGE. */
void log_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "nschroot: WHAT: strerror(err)" for a module's failure (no strerror
 * when WHAT says why already), then its hint lines if it has any.
 * die_failure exits 125 after. */
struct failure;
void log_failure(const struct failure *f);
noreturn void die_failure(const struct failure *f);

/* From now on the die*() functions end the process with _exit(2), not
 * exit(3), and every message is written with write(2), not stdio: for the
 * sandbox's processes, forked from nschroot, which must neither run its
 * atexit handlers nor, in the child of a vfork that shares their memory,
 * touch the parent's stdio buffers and locks. */
void log_exit_immediately(void);

/* Print "nschroot: MESSAGE" and exit 125. */
noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "nschroot: MESSAGE: strerror(err)" and exit 125. */
noreturn void die_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The subcommand running, named by the dispatcher, for die_usage; NULL
 * (the default) for nschroot's own command line. name must outlive its
 * use: a string constant. */
void log_set_command(const char *name);
/* A usage error: the message, then "Try 'nschroot help COMMAND'." (the one
 * log_set_command named) or "Try 'nschroot --help'.", exit 125. */
noreturn void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
