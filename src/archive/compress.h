/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A compressed output (compress.c): what the tar writer writes is
 * compressed while the tree is read on the caller's thread (by a thread of
 * ours for gzip, by the compressor's own for xz and zstd) and handed to a
 * sink. */

#include <stdbool.h>
#include <stddef.h>

#include "util/failure.h"
#include "util/parse.h"

struct zout;

/* Where the compressed bytes go, on the compressing thread (gzip) or the
 * caller's (xz, zstd, none): 0, or -errno
 * (a failed write: ENOSPC, EPIPE). */
typedef int (*zout_sink_fn)(void *ctx, const void *buf, size_t n);

/* How: compression c at level, one parse_compression_level gives, or -1 for
 * the compressor's default. None writes through, on the caller's thread. */
struct zout_options {
	enum compression c;
	int level;
};

/* Start compressing as o says into sink. 0 with *out set, or -errno with
 * f set. */
int zout_open(const struct zout_options *o, zout_sink_fn sink, void *ctx, struct zout **out,
	      struct failure *f);

/* Hand n bytes of buf to the compressor (copied). 0, or -errno with f set
 * when the compressing thread has failed (its failure). */
int zout_write(struct zout *z, const void *buf, size_t n, struct failure *f);

/* End the stream: what is held back compressed and written, and the
 * thread stopped. 0, or -errno with f set. */
int zout_close(struct zout *z, struct failure *f);

/* Stop the thread (at once) and free z. */
void zout_free(struct zout *z);

/* The number of CPUs this process may run on: the compressors' threads. */
int online_cpus(void);
