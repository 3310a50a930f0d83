/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <archive.h>
#include <stdint.h>

#include "archive/digest.h"
#include "util/failure.h"

/* The input's decompression, on a thread of its own (unpack.c). */
struct unpack;

/* What is decompressed: fd read to its end, or (ranged) the len bytes of
 * the regular file fd from off on, read with pread (an image's blob in an
 * archive, where the descriptor is shared). With digest, the decompressed
 * stream is hashed (unpack_finish). */
struct unpack_input {
	int fd;
	bool ranged;
	bool digest;
	uint64_t off, len;
};

/* Start decompressing the input (gzip, with ISA-L where nschroot has
 * libisal; bzip2, xz, lzma, lzip, zstd, lz4, compress, or nothing). 0 with
 * *out set, or -errno with f saying why: "cannot read the archive: …". */
int unpack_start(const struct unpack_input *in, struct unpack **out, struct failure *f);

/* Once the tar reader is done with the stream: the rest of it read, up to
 * the end of the input (a tar archive's padding after its end), and, with
 * digest, the SHA-256 of the whole decompressed stream in hex. 0, or
 * -errno with f saying why (the input's error). The tar reader must not
 * read again. */
int unpack_finish(struct unpack *u, char hex[DIGEST_HEX_LEN + 1], struct failure *f);

/* Once the tar reader is done with the stream, instead of unpack_finish:
 * the stream read on to the end of the gzip member it is in, so that the
 * member's CRC-32 and length are checked, but no further (more input may
 * not come soon: a pipe). 0, or -errno with f saying why. */
int unpack_settle(struct unpack *u, struct failure *f);

/* libarchive's read callback over the decompressed stream: pass it to
 * archive_read_open() with the unpack as its client data. */
la_ssize_t unpack_read(struct archive *a, void *ctx, const void **buf);

/* Bytes of the (compressed) input read so far. */
uint64_t unpack_raw_bytes(const struct unpack *u);

/* Stop the thread (at once, even when it waits for input) and free u. */
void unpack_free(struct unpack *u);
