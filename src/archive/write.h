/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

#include "archive/libarchive.h"
#include "util/failure.h"
#include "util/parse.h"

struct write_stats {
	uint64_t entries; /* entries written */
	uint64_t bytes;	  /* file data read from the tree (a socket is skipped with a warning) */
};

/* How the tree is written: compressed with compress; the caller's own ids
 * (root_uid, root_gid, -1 for none) as 0, as a box in root mode shows
 * them inside, for a tree written outside any user namespace. */
struct write_options {
	enum compression compress;
	long long root_uid, root_gid;
};

/* Add to out the compression filter c (none: nothing), one libarchive runs
 * in-process, refused otherwise; compressed output is not padded to a
 * whole block. 0, or -errno with f set. */
int write_add_filter(struct archive *out, enum compression c, struct failure *f);

/* Set up out to write the tar archive write_archive writes, compressed
 * with c. 0, or -errno with f set. */
int write_setup_tar(struct archive *out, enum compression c, struct failure *f);

/* Write the tree at the current directory through out, set up by
 * write_setup_tar and opened, as write_archive does, and close out. 0, or
 * -errno with f set. */
int write_tree_to(struct archive *out, const struct write_options *wo,
		  const struct archive_hooks *hooks, struct write_stats *st, struct failure *f);

/* Write the tree at the current directory to fd as a pax (restricted) tar
 * archive, as wo says: entries named "./…", numeric ids as stat(2)
 * gives them, symlinks stored as symlinks, other mounts not entered. 0, or
 * -errno with f saying what failed: with the errno, or (EIO, said_why) with
 * the reason in words. */
int write_archive(int fd, const struct write_options *wo, const struct archive_hooks *hooks,
		  struct write_stats *st, struct failure *f);
