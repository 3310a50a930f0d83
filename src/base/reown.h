/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "base/idmap.h"
#include "util/failure.h"

/*
 * Converting the owners of a tree laid out for one map to another (remap),
 * by a process in a user namespace (the "pass" namespace) that maps every
 * host id of both: an inode seen there with id a belongs on the host to
 * pass(a), which the box's old map shows inside as from^-1(pass(a)); it is
 * given the host id to(that inside id), seen in the pass namespace as
 * pass^-1 of it. Every owner as seen inside is kept.
 */
struct reown_maps {
	struct id_map pass_uid, pass_gid; /* inside the pass namespace -> host */
	struct idmap from, to;		  /* the box's maps, before and after */
	/* An id the pass namespace does not map cannot be converted (a
	 * range move: the old range is no longer the caller's), rather than
	 * being no id of the box's, left as it is. */
	bool unmapped_stuck;
};

/* What a walk met: every inode once (hard links counted at each name). */
struct reown_stats {
	uint64_t inodes;	/* names seen, the root included */
	uint64_t changed;	/* inodes given other owners */
	uint64_t caps;		/* file capabilities rewritten for the new root */
	uint64_t foreign;	/* owned by no id of the box's: left as they are */
	uint64_t stuck;		/* owned by an id that cannot be converted */
	uint64_t hidden;	/* directories of such ids that could not be read */
	struct timespec newest; /* the latest ctime seen */
};

struct reown_walk {
	const struct reown_maps *maps;
	/* Inodes whose ctime is since or later are converted already (an
	 * interrupted pass: chown and chmod set the ctime, and nothing else
	 * changes a locked box): skipped. Unset: none is. */
	bool has_since;
	struct timespec since;
	bool dry; /* count only (the prescan): nothing is changed */
	/* Where the set-id bits and file capabilities of the file being
	 * changed are kept until they are put back (chown clears both): a
	 * pass killed in between has them put back by the next one. -1:
	 * none. */
	int journal;
	void (*progress)(void *ctx, uint64_t inodes);
	void *ctx;
};

/* Walk the tree at rootfd (a directory opened O_RDONLY, included) as w
 * says: no link followed, no mount crossed, by descriptors, one held for
 * each level (at most REOWN_MAX_DEPTH: deeper is -ELOOP). 0, or -errno
 * with f naming the path that failed. */
#define REOWN_MAX_DEPTH 256
int reown_tree(int rootfd, const struct reown_walk *w, struct reown_stats *st, struct failure *f);
