// SPDX-License-Identifier: GPL-2.0-or-later
#include "archive/write.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive/libarchive.h"
#include "base/resolve.h"
#include "util/io.h"
#include "util/parse.h"

/*
 * libarchive opens a directory it descends into only later, once the one
 * it is reading is done, and cannot name it then when that fails: opened
 * here first, the failure names it. The entry "./a" is resolved inside
 * the working directory, the tree, as if it were the root (the process is
 * confined to it, or with --unconfined is not).
 */
static int check_dir_readable(const char *path, struct failure *f)
{
	int fd = open_in_root(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (fd < 0)
		return fail(f, errno, "cannot read directory '%s'", path);
	close(fd);
	return 0;
}

/* Uncompressed, in whole tar blocks as tar writes them, unless told that
 * the output is compressed downstream: then not padded, since
 * decompressors take trailing zeros as garbage. */
int write_setup_tar(struct archive *out, bool unpadded, struct failure *f)
{
	if (archive_write_set_format_pax_restricted(out) != ARCHIVE_OK ||
	    (unpadded && archive_write_set_bytes_in_last_block(out, 1) != ARCHIVE_OK))
		return fail_said(f, EIO, "cannot set up libarchive: %s", archive_message(out));
	return 0;
}

/*
 * Not following symlinks (a link into the host's $HOME is stored as a
 * link, and could not be followed there anyway: the process is confined to
 * the tree) and not entering other mounts. No user or group name lookup:
 * that would read the box's /etc/passwd through NSS, loading modules from
 * the box; the ids are what count, and the box's root is named root.
 */
static int setup_reader(struct archive *disk, struct failure *f)
{
	if (archive_read_disk_set_symlink_physical(disk) != ARCHIVE_OK ||
	    archive_read_disk_set_behavior(disk, ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS) != ARCHIVE_OK)
		return fail_said(f, EIO, "cannot set up libarchive: %s", archive_message(disk));
	if (archive_read_disk_open(disk, ".") != ARCHIVE_OK)
		return fail_file_read(f, disk, ".");
	return 0;
}

/* Sparse files come as blocks at offsets: the holes are written as zeros,
 * which the pax writer, knowing the entry's sparse map, leaves out. */
static int copy_data(struct archive *disk, struct archive *out, const char *path,
		     const struct archive_hooks *h, struct write_stats *st, struct failure *f)
{
	static const char zeros[64 * 1024];
	la_int64_t done = 0;
	struct data_block b;
	int r;
	while ((r = archive_next_block(disk, path, true, h, &b, f)) > 0) {
		while (b.offset > done) {
			size_t n = (size_t)(b.offset - done) < sizeof(zeros)
				       ? (size_t)(b.offset - done)
				       : sizeof(zeros);
			la_ssize_t w = archive_write_data(out, zeros, n);
			if (w <= 0)
				return fail_archive_write(f, out, path);
			done += w;
		}
		while (b.size > 0) {
			la_ssize_t w = archive_write_data(out, b.buf, b.size);
			if (w <= 0)
				return fail_archive_write(f, out, path);
			b.buf = (const char *)b.buf + w;
			b.size -= (size_t)w;
			done += w;
			st->bytes += (uint64_t)w;
		}
		hooks_progress(h, st->bytes);
	}
	return r;
}

/* The box's root is root; other ids go by number alone. */
static void name_ids(struct archive_entry *e, const struct write_options *wo)
{
	if ((long long)archive_entry_uid(e) == wo->root_uid)
		archive_entry_set_uid(e, 0);
	if ((long long)archive_entry_gid(e) == wo->root_gid)
		archive_entry_set_gid(e, 0);
	if (archive_entry_uid(e) == 0)
		archive_entry_set_uname(e, "root");
	if (archive_entry_gid(e) == 0)
		archive_entry_set_gname(e, "root");
}

static int store_entry(struct archive *disk, struct archive *out, struct archive_entry *e,
		       const struct archive_hooks *h, struct write_stats *st, struct failure *f)
{
	const char *path = archive_entry_pathname(e);
	if (archive_warned(archive_write_header(out, e), out, h, path) != ARCHIVE_OK)
		return fail_archive_write(f, out, path);
	/* A hard link to an entry already stored has no data of its own. */
	if (archive_entry_filetype(e) == AE_IFREG && !archive_entry_hardlink(e) &&
	    archive_entry_size(e) > 0) {
		int r = copy_data(disk, out, path, h, st, f);
		if (r < 0)
			return r;
	}
	if (archive_warned(archive_write_finish_entry(out), out, h, path) != ARCHIVE_OK)
		return fail_archive_write(f, out, path);
	st->entries++;
	return 0;
}

/*
 * Hard links are found by the link resolver (reading the disk does not
 * tell them): with the tar strategy the first name of a file carries its
 * data and every later one becomes a link to it, returned at once.
 */
static int write_tree(struct archive *disk, struct archive *out,
		      struct archive_entry_linkresolver *links, const struct write_options *wo,
		      const struct archive_hooks *h, struct write_stats *st, struct failure *f)
{
	for (;;) {
		_cleanup_entry_ struct archive_entry *e = archive_entry_new();
		if (!e)
			return fail(f, ENOMEM, "cannot set up libarchive");
		int r = archive_read_next_header2(disk, e);
		if (r == ARCHIVE_EOF)
			return 0;
		const char *path = archive_entry_pathname(e);
		/* No entry at all: libarchive's words are all there is. */
		if (!path && r != ARCHIVE_OK)
			return fail_said(f, EIO, "cannot read the tree: %s", archive_message(disk));
		if (!path)
			path = ".";
		if (archive_warned(r, disk, h, path) != ARCHIVE_OK)
			return fail_file_read(f, disk, path);
		if (archive_read_disk_can_descend(disk)) {
			r = check_dir_readable(path, f);
			if (r < 0)
				return r;
			if (archive_read_disk_descend(disk) != ARCHIVE_OK)
				return fail_file_read(f, disk, path);
		}
		if (archive_entry_filetype(e) == AE_IFSOCK) {
			hooks_warn(h, path, "a socket cannot be archived; skipped");
			continue;
		}
		name_ids(e, wo);
		struct archive_entry *entry = e, *sparse = NULL;
		archive_entry_linkify(links, &entry, &sparse);
		if (entry && (r = store_entry(disk, out, entry, h, st, f)) < 0)
			return r;
		if (sparse && (r = store_entry(disk, out, sparse, h, st, f)) < 0)
			return r;
	}
}

int write_tree_to(struct archive *out, const struct write_options *wo,
		  const struct archive_hooks *h, struct write_stats *st, struct failure *f)
{
	_cleanup_archive_ struct archive *disk = archive_read_disk_new();
	_cleanup_resolver_ struct archive_entry_linkresolver *links =
	    archive_entry_linkresolver_new();
	if (!disk || !links)
		return fail(f, ENOMEM, "cannot set up libarchive");
	archive_entry_linkresolver_set_strategy(links, archive_format(out));
	int r = setup_reader(disk, f);
	if (r < 0)
		return r;
	r = write_tree(disk, out, links, wo, h, st, f);
	if (r < 0)
		return r;
	/* The end of the archive and what the filters held back: a write
	 * error (ENOSPC) may show only now. */
	if (archive_write_close(out) != ARCHIVE_OK)
		return fail_archive_write(f, out, ".");
	return 0;
}

/* The tar writer's output, hashed and handed to the compressor. */
struct tar_sink {
	struct zout *z;
	struct digest *diff;
	struct failure failure; /* the compressor's, once it has failed */
};

static la_ssize_t to_compressor(struct archive *tar, void *ctx, const void *buf, size_t n)
{
	struct tar_sink *s = ctx;
	if (s->diff)
		digest_update(s->diff, buf, n);
	int r = zout_write(s->z, buf, n, &s->failure);
	if (r < 0) {
		archive_set_error(tar, -r, "%s", s->failure.what);
		return -1;
	}
	return (la_ssize_t)n;
}

int write_tar_to(const struct tar_output *o, const struct write_options *wo,
		 const struct archive_hooks *h, struct write_stats *st, struct failure *f)
{
	struct tar_sink s = { .diff = o->diff };
	struct zout_options zo = { wo->compress, wo->level };
	int r = zout_open(&zo, o->sink, o->ctx, &s.z, f);
	if (r < 0)
		return r;
	struct archive *out = archive_write_new();
	if (!out)
		r = fail(f, ENOMEM, "cannot set up libarchive");
	if (r == 0)
		r = write_setup_tar(out, o->unpadded || wo->compress != COMPRESS_NONE, f);
	if (r == 0 && archive_write_open2(out, &s, NULL, to_compressor, NULL, NULL) != ARCHIVE_OK)
		r = fail_archive_write(f, out, ".");
	if (r == 0)
		r = write_tree_to(out, wo, h, st, f);
	/* The compressor's own failure says more than the tar writer's. */
	if (r < 0 && failed(&s.failure))
		*f = s.failure;
	if (r == 0)
		r = zout_close(s.z, f);
	/* Freed while the compressor is there: after a failure, libarchive
	 * still ends the archive through to_compressor (a reader of an
	 * uncompressed one, create from a directory, sees a whole archive,
	 * and the failure is said once, by us). */
	if (out)
		archive_write_free(out);
	zout_free(s.z);
	return r;
}

static int fd_sink(void *ctx, const void *buf, size_t n)
{
	return write_all(*(int *)ctx, buf, n);
}

int write_archive(int fd, const struct write_options *wo, const struct archive_hooks *h,
		  struct write_stats *st, struct failure *f)
{
	struct tar_output o = { .sink = fd_sink, .ctx = &fd };
	return write_tar_to(&o, wo, h, st, f);
}
