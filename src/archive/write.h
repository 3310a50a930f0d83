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

/* Write the tree at the current directory to fd as a pax (restricted) tar
 * archive, as wo says: entries named "./…", numeric ids as stat(2)
 * gives them, symlinks stored as symlinks, other mounts not entered. 0, or
 * -errno with f saying what failed: with the errno, or (EIO, said_why) with
 * the reason in words. */
int write_archive(int fd, const struct write_options *wo, const struct archive_hooks *hooks,
		  struct write_stats *st, struct failure *f);
