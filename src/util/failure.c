// SPDX-License-Identifier: GPL-2.0-or-later
#include "util/failure.h"

#include <stdarg.h>
#include <stdio.h>

int fail(struct failure *f, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->what, sizeof(f->what), fmt, ap);
	va_end(ap);
	return err < 0 ? err : -err;
}
