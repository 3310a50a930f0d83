/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util/failure.h"

/* What clone_tree copied. */
struct clone_stats {
	uint64_t entries;   /* files, directories, links and FIFOs made */
	uint64_t bytes;	    /* regular files' sizes, each hard-linked file once */
	uint64_t usage;	    /* the source's disk usage, as du counts it */
	uint64_t sockets;   /* skipped: a socket is no file to copy */
	uint64_t devices;   /* skipped: a box holds none (create skips them) */
	uint64_t reflinked; /* regular files shared with their source (FICLONE) */
};

/* Called with the bytes copied so far, after each file and each chunk. */
typedef void (*clone_progress_fn)(void *ctx, uint64_t bytes);

/*
 * Copy everything under the directory src into the empty directory dst,
 * then src's own owner, mode, xattrs and times onto dst. Each file keeps
 * its owner, mode (set-id bits included), xattrs (security.capability
 * too) and access and modification times; hard links stay links
 * (tracked by device and inode); symbolic links are copied as links,
 * never followed; FIFOs are made anew; sockets and device nodes are
 * skipped and counted. Regular files are reflinked (FICLONE) where the
 * file system can, else copied with copy_file_range, else read and
 * written.
 *
 * src is untrusted: every entry is opened relative to its directory with
 * O_NOFOLLOW, and what is opened is checked against what was listed; a
 * directory on another mount than src is refused (-EBUSY) before it is
 * entered. An entry that vanishes meanwhile is left out (a box in use may
 * be written while it is copied). The xattrs of symbolic links and FIFOs
 * are not copied (Linux allows user.* on neither). Owners are set with
 * chown, so the caller needs the right to give files away: the root of
 * the box's user namespace. Depth is limited by descriptors (two are held
 * a level). src and dst may be O_PATH. 0, or -errno with f naming the
 * path that failed, relative to src.
 */
int clone_tree(int src, int dst, clone_progress_fn progress, void *ctx, struct clone_stats *st,
	       struct failure *f);
