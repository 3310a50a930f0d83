/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "archive/digest.h"
#include "util/failure.h"

/*
 * The files of a container image, wherever they lie: an OCI layout
 * directory (oci:), or a tar archive of one or of what `docker save`
 * writes (oci-archive:, docker-archive:), read in place: the archive is
 * indexed once (where each file's data starts, its size), and a file is
 * then a range of it. Names are the image's own ("index.json",
 * "blobs/sha256/HEX", "HEX/layer.tar"): untrusted, they are looked up
 * only beneath the layout, through no symbolic link.
 */
struct blobs;

/* A directory (dirfd, taken: closed by blobs_free). 0 or -ENOMEM. */
int blobs_from_dir(int dirfd, struct blobs **out, struct failure *f);

/* An uncompressed tar archive in the regular file fd (taken). 0, or -errno
 * with f saying why (a compressed archive: EINVAL, with a hint). */
int blobs_from_tar(int fd, struct blobs **out, struct failure *f);

void blobs_free(struct blobs *b);

/* Whether the store holds a regular file of that name. */
bool blobs_has(struct blobs *b, const char *name);

/* Whether ok holds for the name of every file of an archive (true for a
 * directory). */
bool blobs_all(const struct blobs *b, bool (*ok)(const char *name));

/* A file of the store: the size bytes of fd from off on. fd is the
 * blob's own (close it with blob_close) or the archive's. */
struct blob {
	int fd;
	int own_fd;
	uint64_t off, size;
};

/* The file name: 0, -ENOENT when the image lacks it (f says so), or
 * -errno. */
int blobs_get(struct blobs *b, const char *name, struct blob *out, struct failure *f);

/* blobs_get of "blobs/sha256/HEX". */
int blobs_get_digest(struct blobs *b, const char *hex, struct blob *out, struct failure *f);

void blob_close(struct blob *blob);

/* The whole blob, NUL-terminated in *buf (malloc'ed): at most max bytes
 * (-EFBIG otherwise), and, with hex, only when its SHA-256 is hex
 * (-EBADMSG otherwise). what names it in failures ("the manifest"). */
int blob_read(const struct blob *blob, size_t max, const char *hex, const char *what, char **buf,
	      struct failure *f);

/* The SHA-256 of the blob, in hex. 0 or -errno. */
int blob_hash(const struct blob *blob, char hex[DIGEST_HEX_LEN + 1], struct failure *f);
