// SPDX-License-Identifier: GPL-2.0-or-later
#include "archive/errors.h"

#include <archive.h>
#include <errno.h>

const char *archive_message(struct archive *a)
{
	const char *s = archive_error_string(a);
	return s ? s : "unknown error";
}

int archive_system_errno(struct archive *a)
{
	int err = archive_errno(a);
	return err > 0 && err != EILSEQ ? err : 0;
}
