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
	return err < 0 ? err : -err;
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

const char *failure_text(int err, const struct failure *f, char *buf, size_t size)
{
	if (f->said_why)
		snprintf(buf, size, "%s", f->what);
	else
		snprintf(buf, size, "%s: %s", f->what, strerror(err < 0 ? -err : err));
	return buf;
}
