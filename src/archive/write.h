/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

#include "util/failure.h"

enum write_compression { COMPRESS_NONE, COMPRESS_GZIP, COMPRESS_XZ, COMPRESS_ZSTD };

/* "gzip", "xz", "zstd" or "none". 0 or -EINVAL. */
int write_compression_parse(const char *s, enum write_compression *out);

struct write_stats {
	uint64_t entries; /* entries written */
	uint64_t bytes;	  /* file data read from the tree (a socket is skipped with a warning) */
};

/* What the archiving reports as it goes; each hook may be NULL. */
struct write_hooks {
	/* bytes: file data read so far. */
	void (*progress)(void *ctx, uint64_t bytes);
	/* An entry was stored, but not exactly: path, libarchive's words. */
	void (*warning)(void *ctx, const char *path, const char *msg);
	void *ctx;
};

/* Write the tree at the current directory to fd as a pax (restricted) tar
 * archive, compressed with c: entries named "./…", numeric ids as stat(2)
 * gives them, symlinks stored as symlinks, other mounts not entered. 0, or
 * -errno (-EIO when the cause is not an errno) with f saying what failed,
 * complete with the reason. */
int write_archive(int fd, enum write_compression c, const struct write_hooks *hooks,
		  struct write_stats *st, struct failure *f);
