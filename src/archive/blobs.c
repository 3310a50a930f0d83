// SPDX-License-Identifier: GPL-2.0-or-later
#include "archive/blobs.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive/libarchive.h"
#include "base/resolve.h"
#include "util/cleanup.h"

/* An image archive holds a few files a layer; more is no image. */
#define MAX_FILES 100000
#define READ_SIZE (1u << 20)

struct indexed {
	char *name;
	uint64_t off, size;
};

struct blobs {
	int fd; /* the directory, or the archive */
	bool is_dir;
	struct indexed *files;
	size_t n;
};

int blobs_from_dir(int dirfd, struct blobs **out, struct failure *f)
{
	struct blobs *b = calloc(1, sizeof(*b));
	if (!b) {
		close(dirfd);
		return fail(f, ENOMEM, "cannot read the image");
	}
	b->fd = dirfd;
	b->is_dir = true;
	*out = b;
	return 0;
}

void blobs_free(struct blobs *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		free(b->files[i].name);
	free(b->files);
	close(b->fd);
	free(b);
}

/* A name as the archive gives it, without "./" and trailing "/". */
static char *plain_name(const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		for (name++; *name == '/'; name++)
			;
	size_t n = strlen(name);
	while (n && name[n - 1] == '/')
		n--;
	return strndup(name, n);
}

static int add_file(struct blobs *b, struct archive *a, struct archive_entry *e)
{
	if (b->n == MAX_FILES)
		return -E2BIG;
	if (b->n % 64 == 0) {
		struct indexed *p = reallocarray(b->files, b->n + 64, sizeof(*p));
		if (!p)
			return -ENOMEM;
		b->files = p;
	}
	char *name = plain_name(archive_entry_pathname(e));
	if (!name)
		return -ENOMEM;
	/* Where the data starts: what the tar reader has consumed so far. */
	b->files[b->n++] = (struct indexed){ name, (uint64_t)archive_filter_bytes(a, 0),
					     (uint64_t)archive_entry_size(e) };
	return 0;
}

/* Each regular file's name, offset and size. A sparse file has no single
 * range: it is left out, as are links and directories. */
static int index_tar(struct blobs *b, struct archive *a, struct failure *f)
{
	for (;;) {
		struct archive_entry *e;
		int r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return fail_archive_read(f, a, false);
		if (archive_filter_count(a) > 1) {
			fail_hint(f, "%s",
				  "decompress it first (gunzip, zstd -d): an image is read "
				  "in place");
			return fail_said(f, EINVAL,
					 "cannot read the image: the archive is compressed");
		}
		if (archive_entry_filetype(e) != AE_IFREG || archive_entry_sparse_count(e) > 0 ||
		    !archive_entry_pathname(e) || archive_entry_size(e) < 0)
			continue;
		int err = add_file(b, a, e);
		if (err == -E2BIG)
			return fail_said(f, E2BIG, "cannot read the image: more than %d files",
					 MAX_FILES);
		if (err < 0)
			return fail(f, err, "cannot read the image");
	}
}

int blobs_from_tar(int fd, struct blobs **out, struct failure *f)
{
	struct blobs *b = calloc(1, sizeof(*b));
	if (!b) {
		close(fd);
		return fail(f, ENOMEM, "cannot read the image");
	}
	b->fd = fd;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		blobs_free(b);
		fail_hint(f, "%s", "give the image archive as a file, not through a pipe");
		return fail_said(f, ESPIPE, "cannot read the image: it must be a regular file");
	}
	_cleanup_archive_ struct archive *a = archive_read_new();
	int r;
	/* Filters recognised only to be refused: an image is read in place. */
	if (!a || archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_filter_gzip(a) < ARCHIVE_WARN ||
	    archive_read_support_filter_zstd(a) < ARCHIVE_WARN ||
	    archive_read_support_filter_xz(a) < ARCHIVE_WARN)
		r = fail(f, ENOMEM, "cannot set up libarchive");
	else if (archive_read_open_fd(a, fd, READ_SIZE) != ARCHIVE_OK)
		r = fail_archive_read(f, a, st.st_size == 0);
	else
		r = index_tar(b, a, f);
	if (r < 0) {
		blobs_free(b);
		return r;
	}
	*out = b;
	return 0;
}

/* An image's name for one of its files: relative, without "..", "." or
 * an empty component. */
static bool good_name(const char *name)
{
	if (!*name || name[0] == '/')
		return false;
	for (const char *p = name; *p;) {
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);
		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p = *end ? end + 1 : end;
	}
	return true;
}

static int get_from_dir(struct blobs *b, const char *name, struct blob *out)
{
	int fd = open_beneath(b->fd, name, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return fd == -ELOOP || fd == -EXDEV ? -ENOENT : fd;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -ENOENT;
	}
	*out = (struct blob){ .fd = fd, .own_fd = fd, .off = 0, .size = (uint64_t)st.st_size };
	return 0;
}

int blobs_get(struct blobs *b, const char *name, struct blob *out, struct failure *f)
{
	*out = (struct blob){ .fd = -1, .own_fd = -1 };
	int r = -ENOENT;
	if (good_name(name) && b->is_dir) {
		r = get_from_dir(b, name, out);
	} else if (good_name(name)) {
		/* The last of several entries of one name is the file, as
		 * tar has it. */
		for (size_t i = b->n; r == -ENOENT && i-- > 0;)
			if (strcmp(b->files[i].name, name) == 0) {
				*out =
				    (struct blob){ b->fd, -1, b->files[i].off, b->files[i].size };
				r = 0;
			}
	}
	if (r == -ENOENT)
		return fail_said(f, ENOENT, "cannot read the image: it has no file '%s'", name);
	return r < 0 ? fail(f, r, "cannot read '%s' of the image", name) : 0;
}

bool blobs_has(struct blobs *b, const char *name)
{
	struct blob blob;
	struct failure f = { 0 };
	if (blobs_get(b, name, &blob, &f) < 0)
		return false;
	blob_close(&blob);
	return true;
}

bool blobs_all(const struct blobs *b, bool (*ok)(const char *name))
{
	for (size_t i = 0; i < b->n; i++)
		if (!ok(b->files[i].name))
			return false;
	return true;
}

int blobs_get_digest(struct blobs *b, const char *hex, struct blob *out, struct failure *f)
{
	char name[sizeof("blobs/sha256/") + DIGEST_HEX_LEN];
	snprintf(name, sizeof(name), "blobs/sha256/%s", hex);
	int r = blobs_get(b, name, out, f);
	if (r == -ENOENT)
		return fail_said(f, ENOENT, "cannot read the image: the blob sha256:%s is missing",
				 hex);
	return r;
}

void blob_close(struct blob *blob)
{
	if (blob->own_fd >= 0)
		close(blob->own_fd);
	blob->own_fd = blob->fd = -1;
}

/* Each chunk of the blob through fn; 0 or -errno. */
static int blob_each(const struct blob *blob, void (*fn)(void *, const char *, size_t), void *ctx,
		     char *buf)
{
	for (uint64_t done = 0; done < blob->size;) {
		uint64_t left = blob->size - done;
		size_t want = left < READ_SIZE ? (size_t)left : READ_SIZE;
		ssize_t n = pread(blob->fd, buf, want, (off_t)(blob->off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		fn(ctx, buf, (size_t)n);
		done += (uint64_t)n;
	}
	return 0;
}

static void hash_chunk(void *ctx, const char *buf, size_t n)
{
	digest_update(ctx, buf, n);
}

int blob_hash(const struct blob *blob, char hex[DIGEST_HEX_LEN + 1], struct failure *f)
{
	_cleanup_free_ char *buf = malloc(READ_SIZE);
	if (!buf)
		return fail(f, ENOMEM, "cannot read the image");
	struct digest d;
	digest_init(&d);
	int r = blob_each(blob, hash_chunk, &d, buf);
	if (r < 0)
		return fail(f, r, "cannot read the image");
	digest_final(&d, hex);
	return 0;
}

int blob_read(const struct blob *blob, size_t max, const char *hex, const char *what, char **buf,
	      struct failure *f)
{
	if (blob->size > max)
		return fail_said(f, EFBIG, "cannot read the image: %s is larger than %zu bytes",
				 what, max);
	_cleanup_free_ char *data = malloc((size_t)blob->size + 1);
	if (!data)
		return fail(f, ENOMEM, "cannot read %s of the image", what);
	size_t done = 0;
	while (done < blob->size) {
		ssize_t n = pread(blob->fd, data + done, (size_t)blob->size - done,
				  (off_t)(blob->off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fail(f, n < 0 ? errno : EIO, "cannot read %s of the image", what);
		done += (size_t)n;
	}
	data[done] = '\0';
	if (hex) {
		char got[DIGEST_HEX_LEN + 1];
		struct digest d;
		digest_init(&d);
		digest_update(&d, data, done);
		digest_final(&d, got);
		if (strcmp(got, hex) != 0)
			return fail_said(f, EBADMSG,
					 "cannot read the image: %s is not what its digest names "
					 "(sha256:%s, the content's sha256:%s)",
					 what, hex, got);
	}
	*buf = steal_pointer(&data);
	return 0;
}
