/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What the extractor and the writer share about libarchive: cleanups, the
 * hooks they report through, and the way its errors become failures. */

#include <archive.h>
#include <archive_entry.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/failure.h"

/* NOLINTBEGIN(bugprone-macro-parentheses): type is a type, which takes none */
#define DEFINE_FREE_CLEANUP(name, type, free_fn)                                                   \
	static inline void name(type **p)                                                          \
	{                                                                                          \
		if (*p)                                                                            \
			free_fn(*p);                                                               \
	}
/* NOLINTEND(bugprone-macro-parentheses) */

DEFINE_FREE_CLEANUP(cleanup_archivep, struct archive, archive_free)
DEFINE_FREE_CLEANUP(cleanup_entryp, struct archive_entry, archive_entry_free)
DEFINE_FREE_CLEANUP(cleanup_resolverp, struct archive_entry_linkresolver,
		    archive_entry_linkresolver_free)

#define _cleanup_archive_  __attribute__((cleanup(cleanup_archivep)))
#define _cleanup_entry_	   __attribute__((cleanup(cleanup_entryp)))
#define _cleanup_resolver_ __attribute__((cleanup(cleanup_resolverp)))

/* What the extraction or the archiving reports as it goes; each hook may be
 * NULL. */
struct archive_hooks {
	/* Bytes so far: read from the (compressed) input when extracting, of
	 * file data read from the tree when writing. */
	void (*progress)(void *ctx, uint64_t bytes);
	/* An entry was written, but not exactly: path, libarchive's words. */
	void (*warning)(void *ctx, const char *path, const char *msg);
	void *ctx;
};

void hooks_progress(const struct archive_hooks *h, uint64_t bytes);
void hooks_warn(const struct archive_hooks *h, const char *path, const char *msg);

/* libarchive's result r of a step on the entry path of a: ARCHIVE_WARN is
 * said through h (libarchive's words) and becomes ARCHIVE_OK; others are
 * returned as they are. */
int archive_warned(int r, struct archive *a, const struct archive_hooks *h, const char *path);

/* libarchive's own words for its last error, which name the problem. */
const char *archive_message(struct archive *a);

/* libarchive's errno when it is a real system error (ENOSPC, EPIPE...),
 * else 0: a malformed archive is reported with EILSEQ (its
 * ARCHIVE_ERRNO_FILE_FORMAT), whose strerror would mislead. */
int archive_system_errno(struct archive *a);

/* The last error of a, met reading the archive itself, as a failure:
 * "cannot read the archive: " and libarchive's words, with its errno where
 * that is a system error, else with EIO and the words as the reason; "the
 * input is empty" when empty (nothing came). -errno. */
int fail_archive_read(struct failure *f, struct archive *a, bool empty);

/* The same for the file path of a tree: "cannot read 'PATH': …". */
int fail_file_read(struct failure *f, struct archive *a, const char *path);

/* The last error of a, a writer, met storing the entry path: a failed
 * write(2) to the output (ENOSPC, EPIPE) as "cannot write the archive"
 * with its errno, which says it all; anything else, about the entry, as
 * "cannot store 'PATH': " and libarchive's words. -errno. */
int fail_archive_write(struct failure *f, struct archive *a, const char *path);

/* A block of an entry's data. */
struct data_block {
	const void *buf;
	size_t size;
	la_int64_t offset;
};

/* The next data block of the entry path that a reads, into b: 1, 0 at the
 * entry's end, or -errno with f set, as a failure to read the archive
 * (of_file false) or the file path (of_file: "cannot read 'PATH': …"). */
int archive_next_block(struct archive *a, const char *path, bool of_file,
		       const struct archive_hooks *h, struct data_block *b, struct failure *f);
