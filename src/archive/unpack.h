/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <archive.h>
#include <stdint.h>

#include "util/failure.h"

/* The input's decompression, on a thread of its own (unpack.c). */
struct unpack;

/* Start decompressing what fd holds (gzip, bzip2, xz, lzma, lzip, zstd, lz4,
 * compress, or nothing). 0 with *out set, or -errno with f saying why:
 * "cannot read the archive: …". */
int unpack_start(int fd, struct unpack **out, struct failure *f);

/* libarchive's read callback over the decompressed stream: pass it to
 * archive_read_open() with the unpack as its client data. */
la_ssize_t unpack_read(struct archive *a, void *ctx, const void **buf);

/* Bytes of the (compressed) input read so far. */
uint64_t unpack_raw_bytes(const struct unpack *u);

/* Stop the thread (at once, even when it waits for input) and free u. */
void unpack_free(struct unpack *u);
