/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

#include "archive/compress.h"
#include "archive/digest.h"
#include "archive/libarchive.h"
#include "util/failure.h"
#include "util/parse.h"

struct write_stats {
	uint64_t entries; /* entries written */
	uint64_t bytes;	  /* file data read from the tree (a socket is skipped with a warning) */
};

/* How the tree is written: compressed with compress at level (-1: its
 * default, compress.h); the caller's own ids
 * (root_uid, root_gid, -1 for none) as 0, as a box in root mode shows
 * them inside, for a tree written outside any user namespace. */
struct write_options {
	enum compression compress;
	int level;
	long long root_uid, root_gid;
};

/* Set up out to write the pax tar archive write_archive writes: in whole
 * tar blocks, or unpadded (compressed, or a layer). 0, or -errno with f set. */
int write_setup_tar(struct archive *out, bool unpadded, struct failure *f);

/* Write the tree at the current directory through out, set up by
 * write_setup_tar and opened, as write_archive does, and close out. 0, or
 * -errno with f set. */
int write_tree_to(struct archive *out, const struct write_options *wo,
		  const struct archive_hooks *hooks, struct write_stats *st, struct failure *f);

/* Where write_tar_to's output goes: compressed as the write options say,
 * to sink (on the compressing thread), and before that, uncompressed,
 * hashed into diff where it is not NULL; unpadded even when uncompressed. */
struct tar_output {
	zout_sink_fn sink;
	void *ctx;
	struct digest *diff;
	bool unpadded;
};

/* Write the tree at the current directory to o as write_archive does. 0,
 * or -errno with f set. */
int write_tar_to(const struct tar_output *o, const struct write_options *wo,
		 const struct archive_hooks *hooks, struct write_stats *st, struct failure *f);

/* Write the tree at the current directory to fd as a pax (restricted) tar
 * archive, as wo says: entries named "./…", numeric ids as stat(2)
 * gives them, symlinks stored as symlinks, other mounts not entered. 0, or
 * -errno with f saying what failed: with the errno, or (EIO, said_why) with
 * the reason in words. */
int write_archive(int fd, const struct write_options *wo, const struct archive_hooks *hooks,
		  struct write_stats *st, struct failure *f);
