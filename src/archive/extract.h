/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "archive/layer.h"
#include "archive/libarchive.h"
#include "archive/unpack.h"
#include "util/failure.h"

struct extract_stats {
	uint64_t entries;	  /* entries written */
	uint64_t bytes;		  /* file data written, uncompressed */
	uint64_t skipped_devices; /* character and block devices not made */
	uint64_t unmapped_ids;	  /* entries whose owner was out of range */
};

/* Ownership: with keep_owners the archive's numeric ids are restored (the
 * namespace maps 0..uids-1 and 0..gids-1) and set-id bits kept; an id out
 * of range becomes 0, the entry's set-id bits are dropped, and it is
 * counted. Without, every file belongs to the namespace's root and set-id
 * bits are dropped. */
struct extract_options {
	bool keep_owners;
	/* The process is confined to the tree (confine.c): a tarball's links
	 * are checked by links.c, not libarchive (faster). */
	bool confined;
	uint32_t uids, gids;
};

/* What is extracted: a tarball (layer NULL), or an image's layer over the
 * ones before (layer.h), whose decompressed stream must hash to diff_id
 * (hex) when in.digest is set. Progress counts from progress_base (the
 * bytes of earlier layers). */
struct extract_input {
	struct unpack_input in;
	struct layer *layer;
	const char *diff_id;
	uint64_t progress_base;
};

/* Extract the tar archive x into the current directory, refusing every
 * entry that would land outside it. 0, or -errno with f saying what
 * failed: "cannot read the archive" or "cannot extract 'PATH'", with the
 * errno, or (EIO, said_why) with the reason in words; EBADMSG when a
 * layer's content is not its diff_id. */
int extract_archive(const struct extract_input *x, const struct extract_options *o,
		    const struct archive_hooks *hooks, struct extract_stats *st, struct failure *f);
