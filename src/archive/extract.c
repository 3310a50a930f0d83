// SPDX-License-Identifier: GPL-2.0-or-later
#include "archive/extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive/files.h"
#include "archive/layer.h"
#include "archive/libarchive.h"
#include "archive/links.h"
#include "archive/unpack.h"
#include "util/cleanup.h"

/*
 * SECURE_NODOTDOT and SECURE_NOABSOLUTEPATHS refuse such names, in entries
 * and in hard links' targets. SECURE_SYMLINKS (or, for a tarball inside
 * the confinement, links.c, the same check made cheaper) refuses to write
 * through a symlink already on disk (one an earlier entry made), which is how
 * an archive would otherwise put `lnk -> /etc` and then `lnk/passwd`, or
 * replace a directory it made by a symlink and write below it. UNLINK is
 * left out on purpose: with it, libarchive removes such a symlink and goes
 * on, and the archive's attempt passes unnoticed; without it the entry is
 * refused and we stop. (Replacing a file or symlink by a later entry of the
 * same name works either way: libarchive unlinks what is in the way.)
 * OWNER only when nschroot mapped the subordinate ids (auto mode): with one
 * id mapped, chown to any other would fail. PERM keeps modes exactly
 * (umask ignored); set-id bits are cleared beforehand unless owners are
 * kept (libarchive then keeps them only where the chown succeeded).
 * XATTR restores extended attributes where the kernel lets the namespace's
 * root set them (user.*, security.capability as a namespaced capability);
 * others (trusted.*) fail with a warning.
 */
#define WRITE_FLAGS                                                                                \
	(ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS |                \
	 ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR)

/* Whether links.c checks for links rather than libarchive (a tarball
 * extracted in the confinement). */
static bool own_link_checks(const struct extract_input *x, const struct extract_options *o)
{
	return o->confined && !x->layer;
}

/* Device nodes skipped so far, so that hard links to them are skipped too. */
struct skipped {
	char **paths;
	size_t n, cap;
};

static void skipped_free(struct skipped *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->paths[i]);
	free(s->paths);
}

static int skipped_add(struct skipped *s, const char *path)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		char **p = reallocarray(s->paths, cap, sizeof(*p));
		if (!p)
			return -ENOMEM;
		s->paths = p;
		s->cap = cap;
	}
	char *copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	s->paths[s->n++] = copy;
	return 0;
}

static bool skipped_has(const struct skipped *s, const char *path)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->paths[i], path) == 0)
			return true;
	return false;
}

/* Absolute, or with a ".." component: aimed outside the directory. */
static bool path_escapes(const char *p)
{
	if (p[0] == '/')
		return true;
	while (*p) {
		const char *end = strchrnul(p, '/');
		if (end - p == 2 && p[0] == '.' && p[1] == '.')
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

static bool is_digest(const char *s, size_t len)
{
	if (len != 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/*
 * A container image, not a root filesystem: `docker save` (before Docker
 * 25: DIGEST/layer.tar; since: an OCI layout), `podman save`
 * (DIGEST.tar), an OCI layout (oci-layout, blobs/sha256/DIGEST).
 * Extracted, it makes a box of layer tarballs and JSON. The manifest.json
 * and repositories that name it an image come last in what docker writes,
 * so waiting for them would mean extracting the whole image first; these
 * names come first, and no rootfs has them at its top.
 */
static bool is_image_entry(const char *p)
{
	while (p[0] == '.' && p[1] == '/')
		for (p++; *p == '/'; p++)
			;
	const char *slash = strchr(p, '/');
	if (!slash)
		return strcmp(p, "oci-layout") == 0 ||
		       (strlen(p) == 64 + 4 && is_digest(p, 64) && strcmp(p + 64, ".tar") == 0);
	if (is_digest(p, (size_t)(slash - p)))
		return strcmp(slash, "/layer.tar") == 0;
	return strncmp(p, "blobs/sha256/", 13) == 0 && is_digest(p + 13, strlen(p + 13));
}

/* u: NULL before the input is opened. */
static int fail_read(struct failure *f, struct archive *in, const struct unpack *u)
{
	bool empty = u && unpack_raw_bytes(u) == 0;
	/* No format recognized: not an archive, or not one of ours. */
	if (!archive_system_errno(in) && !empty && archive_format(in) == 0)
		fail_hint(f, "%s",
			  "the source must be a tar archive (tar, pax, ustar, GNU),\n"
			  "compressed with gzip, bzip2, xz, zstd or lz4, or not at all");
	return fail_archive_read(f, in, empty);
}

/* Writes fail with an errno (ENOSPC, EACCES), which says it all. */
static int fail_write(struct failure *f, struct archive *out, const char *path)
{
	int err = archive_system_errno(out);
	if (err)
		return fail(f, err, "cannot extract '%s'", path);
	return fail_said(f, EIO, "cannot extract '%s': %s", path, archive_message(out));
}

static int fail_hostile(struct failure *f, const char *path, const char *why)
{
	return fail_said(f, EPERM,
			 "cannot extract '%s': refused, the archive tries to write outside its "
			 "directory (%s)",
			 path, why);
}

/* One extraction: the input's decompression and where progress counts
 * from. */
struct run {
	const struct unpack *u;
	uint64_t base;
	int flags;	     /* the writer's */
	bool own_links;	     /* links.c checks for links, not libarchive */
	struct files *files; /* files.c writes plain files; NULL: libarchive */
};

static void progress(const struct archive_hooks *h, const struct run *u)
{
	hooks_progress(h, u->base + unpack_raw_bytes(u->u));
}

/* The entry's data into fd (files.c's), or else into out; *end: where
 * the last block ended. */
static int copy_data(struct archive *in, struct archive *out, int fd, const char *path,
		     const struct run *u, const struct archive_hooks *h, struct extract_stats *st,
		     int64_t *end, struct failure *f)
{
	struct data_block b;
	int r;
	*end = 0;
	while ((r = archive_next_block(in, path, false, h, &b, f)) > 0) {
		if (fd >= 0 && (r = files_write(fd, b.buf, b.size, b.offset, path, f)) < 0)
			return r;
		/* A failed write(2) comes back as ARCHIVE_WARN: any shortfall
		 * is an error here. */
		if (fd < 0 && archive_write_data_block(out, b.buf, b.size, b.offset) != ARCHIVE_OK)
			return fail_write(f, out, path);
		if (b.offset + (int64_t)b.size > *end)
			*end = b.offset + (int64_t)b.size;
		st->bytes += b.size;
		progress(h, u);
	}
	return r;
}

/*
 * An entry libarchive refuses for its own security checks (a symlink on the
 * way) comes back as ARCHIVE_FAILED without an errno; real failures to
 * create (ENOSPC, EACCES) carry one.
 */
static int write_header(struct archive *out, struct archive_entry *e, const struct run *u,
			const struct archive_hooks *h, struct failure *f)
{
	const char *path = archive_entry_pathname(e);
	const char *why = NULL;
	int r = u->own_links ? links_check(e, &why, f) : 0;
	if (r == -EPERM && why)
		return fail_hostile(f, path, why);
	if (r < 0)
		return r;
	/* What links.c could not tell, libarchive checks. */
	if (r == 1)
		archive_write_disk_set_options(out, u->flags | ARCHIVE_EXTRACT_SECURE_SYMLINKS);
	int rr = archive_warned(archive_write_header(out, e), out, h, path);
	if (r == 1)
		archive_write_disk_set_options(out, u->flags);
	if (rr != ARCHIVE_OK)
		return archive_system_errno(out) ? fail_write(f, out, path)
						 : fail_hostile(f, path, archive_message(out));
	return 0;
}

/* e written by files.c: 0, -errno, or 1 where it cannot (libarchive's
 * turn, nothing written). */
static int write_file(struct archive *in, struct archive_entry *e, const struct run *u,
		      const struct archive_hooks *h, struct extract_stats *st, struct failure *f)
{
	int fd = u->files ? files_open(u->files, e) : -1;
	if (fd < 0)
		return 1;
	int64_t end;
	int r = copy_data(in, NULL, fd, archive_entry_pathname(e), u, h, st, &end, f);
	if (r < 0) {
		close(fd);
		return r;
	}
	r = files_finish(u->files, fd, e, end, h, f);
	if (r == 0)
		st->entries++;
	return r;
}

static int write_entry(struct archive *in, struct archive *out, struct archive_entry *e,
		       const struct run *u, const struct archive_hooks *h, struct extract_stats *st,
		       struct failure *f)
{
	const char *path = archive_entry_pathname(e);
	int r = write_file(in, e, u, h, st, f);
	if (r <= 0)
		return r;
	/* libarchive may change what a directory's path names. */
	if (u->files)
		files_forget(u->files);
	r = write_header(out, e, u, h, f);
	if (r < 0)
		return r;
	int64_t end;
	r = copy_data(in, out, -1, path, u, h, st, &end, f);
	if (r < 0)
		return r;
	if (archive_warned(archive_write_finish_entry(out), out, h, path) != ARCHIVE_OK)
		return fail_write(f, out, path);
	st->entries++;
	return 0;
}

/* An archive aiming outside its directory is hostile: refuse it whole, even
 * where the confinement would keep the entry inside. An image's layer may
 * hold anything, an image among it. */
static int screen_entry(struct archive_entry *e, bool layer, struct failure *f)
{
	const char *path = archive_entry_pathname(e);
	const char *target = archive_entry_hardlink(e);
	if (!path || !*path)
		return fail_said(f, EIO, "cannot read the archive: an entry has no name");
	if (path_escapes(path))
		return fail_hostile(f, path, path[0] == '/' ? "absolute path" : "'..' in the path");
	if (target && path_escapes(target))
		return fail_hostile(f, path, "hard link to a file outside");
	if (!layer && is_image_entry(path)) {
		fail_hint(
		    f, "%s",
		    "give the image as an uncompressed file (docker-archive:FILE or "
		    "oci-archive:FILE), or as oci:DIR: it is read in place, not from a stream");
		return fail_said(
		    f, EINVAL,
		    "cannot extract the archive: it is a container image (docker save, "
		    "OCI layout), not a root filesystem ('%s')",
		    path);
	}
	return 0;
}

/* Owners out of the mapped range become root: chown would fail with
 * EINVAL. Set-id bits do not follow a file to another owner. */
static void adjust_owner(struct archive_entry *e, const struct extract_options *o,
			 const struct archive_hooks *h, struct extract_stats *st)
{
	la_int64_t uid = archive_entry_uid(e), gid = archive_entry_gid(e);
	bool uid_out = uid < 0 || uid >= o->uids, gid_out = gid < 0 || gid >= o->gids;
	if (!uid_out && !gid_out)
		return;
	if (uid_out)
		archive_entry_set_uid(e, 0);
	if (gid_out)
		archive_entry_set_gid(e, 0);
	mode_t perm = archive_entry_perm(e);
	archive_entry_set_perm(e, perm & ~(mode_t)(S_ISUID | S_ISGID));
	st->unmapped_ids++;
	hooks_warn(h, archive_entry_pathname(e),
		   "its owner is outside the mapped ids: it belongs to root instead");
}

/* Device nodes cannot be made without privilege, and set-id bits are not
 * kept for files that all belong to the caller. false: skip the entry. */
static int adjust_entry(struct archive_entry *e, const struct extract_options *o,
			struct skipped *devices, const struct archive_hooks *h,
			struct extract_stats *st, bool *keep)
{
	const char *path = archive_entry_pathname(e);
	const char *target = archive_entry_hardlink(e);
	mode_t type = archive_entry_filetype(e);
	*keep = false;
	if (type == AE_IFCHR || type == AE_IFBLK) {
		st->skipped_devices++;
		return skipped_add(devices, path);
	}
	if (target && skipped_has(devices, target)) {
		st->skipped_devices++;
		return 0;
	}
	if (type == AE_IFSOCK) {
		hooks_warn(h, path, "a socket cannot be extracted; skipped");
		return 0;
	}
	mode_t perm = archive_entry_perm(e);
	if (o->keep_owners)
		adjust_owner(e, o, h, st);
	else if (perm & (S_ISUID | S_ISGID))
		archive_entry_set_perm(e, perm & ~(mode_t)(S_ISUID | S_ISGID));
	*keep = true;
	return 0;
}

static void cleanup_unpackp(struct unpack **u)
{
	unpack_free(*u);
}
#define _cleanup_unpack_ __attribute__((cleanup(cleanup_unpackp)))

/* One entry read from in: checked, adjusted, and written (or, in a layer,
 * carried out as a whiteout). */
static int take_entry(struct archive *in, struct archive *out, struct archive_entry *e,
		      const struct extract_input *x, const struct extract_options *o,
		      struct skipped *devices, const struct run *u, const struct archive_hooks *h,
		      struct extract_stats *st, struct failure *f)
{
	int r = screen_entry(e, x->layer != NULL, f);
	if (r < 0)
		return r;
	const char *path = archive_entry_pathname(e);
	bool keep = true;
	if (x->layer && (r = layer_before_entry(x->layer, e, &keep, f)) < 0)
		return r;
	if (keep && (r = adjust_entry(e, o, devices, h, st, &keep)) < 0)
		return fail(f, r, "cannot extract '%s'", path);
	if (!keep)
		return 0;
	r = write_entry(in, out, e, u, h, st, f);
	if (r == 0 && x->layer && (r = layer_written(x->layer, path)) < 0)
		return fail(f, r, "cannot extract '%s'", path);
	return r;
}

static int read_entries(struct archive *in, struct archive *out, const struct extract_input *x,
			const struct extract_options *o, const struct run *u,
			const struct archive_hooks *h, struct extract_stats *st, struct failure *f)
{
	struct skipped devices = { 0 };
	int r = 0;
	for (;;) {
		struct archive_entry *e;
		int rr = archive_read_next_header(in, &e);
		if (rr == ARCHIVE_EOF)
			break;
		if (rr == ARCHIVE_WARN) {
			hooks_warn(h, archive_entry_pathname(e), archive_message(in));
		} else if (rr != ARCHIVE_OK) {
			r = fail_read(f, in, u->u);
			break;
		}
		progress(h, u);
		r = take_entry(in, out, e, x, o, &devices, u, h, st, f);
		if (r < 0)
			break;
	}
	skipped_free(&devices);
	return r;
}

/* The layer's decompressed stream read to its end and hashed: it must be
 * what the image's config says. */
static int check_diff_id(struct unpack *u, const char *want, struct failure *f)
{
	char got[DIGEST_HEX_LEN + 1];
	int r = unpack_finish(u, got, f);
	if (r < 0 || !want || strcmp(got, want) == 0)
		return r;
	return fail_said(f, EBADMSG,
			 "cannot extract the layer: its content is not what the image's config "
			 "names (diff_id sha256:%s, the content's sha256:%s)",
			 want, got);
}

int extract_archive(const struct extract_input *x, const struct extract_options *o,
		    const struct archive_hooks *h, struct extract_stats *st, struct failure *f)
{
	/* Freed last: the tar reader may still point into its slots. */
	_cleanup_unpack_ struct unpack *u = NULL;
	_cleanup_archive_ struct archive *in = archive_read_new();
	_cleanup_archive_ struct archive *out = archive_write_disk_new();
	if (!in || !out)
		return fail(f, ENOMEM, "cannot set up libarchive");
	/* The tar reader has no filter of its own: unpack.c decompresses. */
	if (archive_read_support_format_tar(in) != ARCHIVE_OK)
		return fail_read(f, in, NULL);
	struct run run = { .flags = WRITE_FLAGS | (o->keep_owners ? ARCHIVE_EXTRACT_OWNER : 0),
			   .own_links = own_link_checks(x, o),
			   .base = x->progress_base };
	if (!run.own_links)
		run.flags |= ARCHIVE_EXTRACT_SECURE_SYMLINKS;
	if (archive_write_disk_set_options(out, run.flags) != ARCHIVE_OK)
		return fail_write(f, out, ".");
	int r = unpack_start(&x->in, &u, f);
	if (r < 0)
		return r;
	if (archive_read_open(in, u, NULL, unpack_read, NULL) != ARCHIVE_OK)
		return fail_read(f, in, u);
	run.u = u;
	struct files files;
	files_init(&files, o->keep_owners);
	if (run.own_links)
		run.files = &files;
	r = read_entries(in, out, x, o, &run, h, st, f);
	files_forget(&files);
	/* gzip's trailer comes after the tar's end: checked too. */
	if (r == 0 && !x->in.digest)
		r = unpack_settle(u, f);
	if (r < 0)
		return r;
	/* Directories get their final modes and times only now. */
	if (archive_write_close(out) != ARCHIVE_OK)
		return fail_write(f, out, ".");
	if (x->in.digest && (r = check_diff_id(u, x->diff_id, f)) < 0)
		return r;
	progress(h, &run);
	return 0;
}
