// SPDX-License-Identifier: GPL-2.0-or-later
#include "archive/libarchive.h"

#include <errno.h>
#include <stdio.h>

void hooks_progress(const struct archive_hooks *h, uint64_t bytes)
{
	if (h->progress)
		h->progress(h->ctx, bytes);
}

void hooks_warn(const struct archive_hooks *h, const char *path, const char *msg)
{
	if (h->warning)
		h->warning(h->ctx, path, msg);
}

int archive_warned(int r, struct archive *a, const struct archive_hooks *h, const char *path)
{
	if (r != ARCHIVE_WARN)
		return r;
	hooks_warn(h, path, archive_message(a));
	return ARCHIVE_OK;
}

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

/* what, then libarchive's words: its errno the reason where it has one. */
static int fail_archive(struct failure *f, struct archive *a, const char *what)
{
	int err = archive_system_errno(a);
	if (err)
		return fail(f, err, "%s: %s", what, archive_message(a));
	return fail_said(f, EIO, "%s: %s", what, archive_message(a));
}

int fail_archive_read(struct failure *f, struct archive *a, bool empty)
{
	if (empty && !archive_system_errno(a))
		return fail_said(f, EIO, "cannot read the archive: the input is empty");
	return fail_archive(f, a, "cannot read the archive");
}

int fail_file_read(struct failure *f, struct archive *a, const char *path)
{
	char what[sizeof(f->what)];
	snprintf(what, sizeof(what), "cannot read '%s'", path);
	return fail_archive(f, a, what);
}

int fail_archive_write(struct failure *f, struct archive *a, const char *path)
{
	int err = archive_system_errno(a);
	if (err)
		return fail(f, err, "cannot write the archive");
	return fail_said(f, EIO, "cannot store '%s': %s", path, archive_message(a));
}

int archive_next_block(struct archive *a, const char *path, bool of_file,
		       const struct archive_hooks *h, struct data_block *b, struct failure *f)
{
	int r = archive_read_data_block(a, &b->buf, &b->size, &b->offset);
	if (r == ARCHIVE_EOF)
		return 0;
	if (archive_warned(r, a, h, path) == ARCHIVE_OK)
		return 1;
	return of_file ? fail_file_read(f, a, path) : fail_archive_read(f, a, false);
}
