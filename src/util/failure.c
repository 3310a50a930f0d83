// SPDX-License-Identifier: GPL-2.0-or-later
#include "util/failure.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static __attribute__((format(printf, 4, 0))) int vfail(struct failure *f, int err, bool said_why,
						       const char *fmt, va_list ap)
{
	vsnprintf(f->what, sizeof(f->what), fmt, ap);
	f->said_why = said_why;
	f->err = err < 0 ? -err : err;
	return -f->err;
}

int fail(struct failure *f, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vfail(f, err, false, fmt, ap);
	va_end(ap);
	return r;
}

int fail_said(struct failure *f, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vfail(f, err, true, fmt, ap);
	va_end(ap);
	return r;
}

void fail_hint(struct failure *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->hint, sizeof(f->hint), fmt, ap);
	va_end(ap);
}

int fail_wrap(struct failure *f, const char *fmt, ...)
{
	char context[sizeof(f->what)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(context, sizeof(context), fmt, ap);
	va_end(ap);
	char inner[sizeof(f->what)];
	memcpy(inner, f->what, sizeof(inner));
	/* Too long a chain keeps its start: the outer steps. */
	if (snprintf(f->what, sizeof(f->what), "%s: %s", context, inner) < 0)
		f->what[0] = '\0';
	return -f->err;
}

const char *failure_text(const struct failure *f, char *buf, size_t size)
{
	if (f->said_why)
		snprintf(buf, size, "%s", f->what);
	else
		snprintf(buf, size, "%s: %s", f->what, strerror(f->err));
	return buf;
}
