// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An image layer in one pass over the tree: libarchive's tar writer hands
 * its output to a callback that hashes it (the diff_id) and passes it on
 * to a second writer, format "raw" (bytes as they come) with the
 * compression filter, whose output a second callback hashes (the blob's
 * digest) and writes to the descriptor. Nothing is spooled: the layer is
 * read once from the tree and written once.
 */
#include "archive/layer-write.h"

#include <errno.h>

#include "util/io.h"

struct layer_sink {
	struct archive *zip; /* the compressing writer */
	struct digest diff;  /* of the tar */
	struct digest blob;  /* of what zip writes */
	int fd;
	uint64_t size; /* bytes zip wrote to fd */
};

static la_ssize_t to_zip(struct archive *tar, void *ctx, const void *buf, size_t n)
{
	struct layer_sink *s = ctx;
	digest_update(&s->diff, buf, n);
	if (archive_write_data(s->zip, buf, n) < 0) {
		/* The tar writer reports it: with zip's errno (ENOSPC) and words. */
		archive_set_error(tar, archive_errno(s->zip), "%s", archive_message(s->zip));
		return -1;
	}
	return (la_ssize_t)n;
}

static la_ssize_t to_fd(struct archive *zip, void *ctx, const void *buf, size_t n)
{
	struct layer_sink *s = ctx;
	digest_update(&s->blob, buf, n);
	int r = write_all(s->fd, buf, n);
	if (r < 0) {
		archive_set_error(zip, -r, "cannot write the layer");
		return -1;
	}
	s->size += n;
	return (la_ssize_t)n;
}

/* zip, set up to compress as c what comes through archive_write_data and
 * hand it to to_fd, unpadded. */
static int open_zip(struct layer_sink *s, enum compression c, struct failure *f)
{
	_cleanup_entry_ struct archive_entry *e = archive_entry_new();
	if (!e)
		return fail(f, ENOMEM, "cannot set up libarchive");
	archive_entry_set_filetype(e, AE_IFREG);
	if (archive_write_set_format_raw(s->zip) != ARCHIVE_OK)
		return fail_said(f, EIO, "cannot set up libarchive: %s", archive_message(s->zip));
	int r = write_add_filter(s->zip, c, f);
	if (r < 0)
		return r;
	if (archive_write_set_bytes_in_last_block(s->zip, 1) != ARCHIVE_OK ||
	    archive_write_open2(s->zip, s, NULL, to_fd, NULL, NULL) != ARCHIVE_OK ||
	    archive_write_header(s->zip, e) != ARCHIVE_OK)
		return fail_archive_write(f, s->zip, ".");
	return 0;
}

/* The tar writer, unpadded too: the layer is the tar itself, as it is
 * inside today's compressed archives. */
static int open_tar(struct archive *tar, struct layer_sink *s, struct failure *f)
{
	int r = write_setup_tar(tar, COMPRESS_NONE, f);
	if (r < 0)
		return r;
	if (archive_write_set_bytes_in_last_block(tar, 1) != ARCHIVE_OK ||
	    archive_write_open2(tar, s, NULL, to_zip, NULL, NULL) != ARCHIVE_OK)
		return fail_archive_write(f, tar, ".");
	return 0;
}

int layer_write(int fd, const struct write_options *wo, const struct archive_hooks *hooks,
		struct write_stats *st, struct layer_info *info, struct failure *f)
{
	_cleanup_archive_ struct archive *zip = archive_write_new();
	_cleanup_archive_ struct archive *tar = archive_write_new();
	if (!zip || !tar)
		return fail(f, ENOMEM, "cannot set up libarchive");
	struct layer_sink s = { .zip = zip, .fd = fd };
	digest_init(&s.diff);
	digest_init(&s.blob);
	int r = open_zip(&s, wo->compress, f);
	if (r < 0)
		return r;
	r = open_tar(tar, &s, f);
	if (r < 0)
		return r;
	r = write_tree_to(tar, wo, hooks, st, f);
	if (r < 0)
		return r;
	/* What the filter held back: a write error may show only now. */
	if (archive_write_close(zip) != ARCHIVE_OK)
		return fail_archive_write(f, zip, ".");
	info->size = s.size;
	digest_final(&s.diff, info->diff_id);
	digest_final(&s.blob, info->digest);
	return 0;
}
