// SPDX-License-Identifier: GPL-2.0-or-later
#include "util/log.h"
#include "util/failure.h"
#include "util/text.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool exit_immediately;
static const char *command;

void log_set_command(const char *name)
{
	command = name;
}

void log_exit_immediately(void)
{
	exit_immediately = true;
}

/* One line to stderr. In the sandbox's processes with write(2) alone: the
 * command's process is a vfork child sharing init's memory, where stdio's
 * buffers and locks are init's (and nothing of theirs is buffered there). */
static void put_line(const char *line, size_t len)
{
	if (exit_immediately) {
		ssize_t w = write(STDERR_FILENO, line, len); /* nothing to do on failure */
		(void)w;
		return;
	}
	fflush(stdout);
	fwrite(line, 1, len, stderr);
}

static noreturn void end(int status)
{
	if (exit_immediately)
		_exit(status);
	exit(status);
}

static __attribute__((format(printf, 2, 0))) void vlog(const char *prefix, const char *fmt,
						       va_list ap, int err)
{
	/* One write per line, so that lines from the sandbox's processes do
	 * not interleave. */
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "%s", prefix);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(buf))
		n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	if (err && (size_t)n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, ": %s", strerror(err));
	if ((size_t)n >= sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	buf[n] = '\0';
	/* Messages quote paths and names from archives and boxes. */
	n = (int)strlen(printable(buf));
	buf[n++] = '\n';
	put_line(buf, (size_t)n);
}

/* What follows a usage error: where to read the usage, and exit 125. */
static noreturn void try_help(void)
{
	if (command)
		fprintf(stderr, "Try 'nschroot help %s'.\n", command);
	else
		fputs("Try 'nschroot --help'.\n", stderr);
	end(EXIT_SETUP);
}

/*
 * The functions of one line each: a line with its prefix (and strerror of
 * err, where not 0), then what follows it. A line that is not fatal leaves
 * errno as it found it.
 */
#define LOG_FUNCTION(declaration, prefix, err, then)                                               \
	declaration                                                                                \
	{                                                                                          \
		int saved = errno;                                                                 \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		vlog(prefix, fmt, ap, err);                                                        \
		va_end(ap);                                                                        \
		errno = saved;                                                                     \
		then;                                                                              \
	}

LOG_FUNCTION(void log_error(const char *fmt, ...), "nschroot: ", 0, return )
LOG_FUNCTION(void log_warning(const char *fmt, ...), "nschroot: warning: ", 0, return )
LOG_FUNCTION(void log_note(const char *fmt, ...), "nschroot: note: ", 0, return )
LOG_FUNCTION(noreturn void die(const char *fmt, ...), "nschroot: ", 0, end(EXIT_SETUP))
LOG_FUNCTION(noreturn void die_errno(int err, const char *fmt, ...),
	     "nschroot: ", err < 0 ? -err : err, end(EXIT_SETUP))
LOG_FUNCTION(noreturn void die_usage(const char *fmt, ...), "nschroot: ", 0, try_help())

/* A hint may hold newlines, so that each line fits 80 columns: every line
 * gets its own "hint: ". */
void log_hint(const char *fmt, ...)
{
	int saved = errno;
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	for (char *line = text, *nl; line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char out[1100];
		int len = snprintf(out, sizeof(out), "hint: %s\n", printable(line));
		if (len > 0)
			put_line(out, (size_t)len < sizeof(out) ? (size_t)len : sizeof(out) - 1);
	}
	errno = saved;
}

void log_failure(const struct failure *f)
{
	char text[640];
	log_error("%s", failure_text(f, text, sizeof(text)));
	if (f->hint[0])
		log_hint("%s", f->hint);
}

noreturn void die_failure(const struct failure *f)
{
	log_failure(f);
	end(EXIT_SETUP);
}
