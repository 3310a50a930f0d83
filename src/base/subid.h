/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* At most this many subordinate ids are used (DESIGN.md, "Identity
 * mapping"), and at most this many lines of /etc/subuid or /etc/subgid. */
#define SUBID_MAX_IDS	 65536u
#define SUBID_MAX_RANGES 16

struct subid_range {
	uint32_t start;
	uint32_t count;
};

/* The caller's subordinate ids, in the order of the file's lines. */
struct subid_ranges {
	struct subid_range r[SUBID_MAX_RANGES];
	size_t n;
	uint32_t total; /* sum of the counts, at most SUBID_MAX_IDS */
};

/*
 * The ranges of text (the contents of /etc/subuid or /etc/subgid) that
 * belong to the user called name or numbered uid: "OWNER:START:COUNT"
 * lines whose OWNER is the name or the uid in decimal (both files are keyed
 * by the user, as shadow's helpers read them). Blank lines, lines starting
 * with '#' and malformed lines are skipped, as are ranges the kernel would
 * refuse in one map: those reaching 2^32 - 1, those overlapping an earlier
 * range, and those holding own, the caller's own id of that kind (its uid
 * for subuid, its gid for subgid), which the map gives inside id 0. Ranges
 * are used in order until SUBID_MAX_IDS ids are reached, the last one cut
 * short if need be. name may be NULL (no passwd entry). *out is empty when
 * nothing matches.
 */
void subid_parse(const char *text, size_t len, const char *name, uint32_t uid, uint32_t own,
		 struct subid_ranges *out);

/* Each "OWNER:START:COUNT" line of text whatever its owner, in order, as
 * subid_parse reads them (blank, '#' and malformed lines skipped, COUNT at
 * least 1): fn(OWNER, its length, START, COUNT, ctx). Stops at the first
 * negative value fn returns, and returns it; else 0. */
typedef int (*subid_line_fn)(const char *owner, size_t owner_len, uint32_t start, uint32_t count,
			     void *ctx);
int subid_each_line(const char *text, size_t len, subid_line_fn fn, void *ctx);

/* The whole of path (a subordinate-id file: regular, at most 4 MiB) in a
 * new NUL-terminated *buf. 0 or -errno (-ENOENT when it does not exist). */
int subid_read_file(const char *path, char **buf, size_t *len);

/* The same, read from path. 0 (perhaps with no range), or -errno from
 * reading the file (-ENOENT when it does not exist). */
int subid_read(const char *path, const char *name, uint32_t uid, uint32_t own,
	       struct subid_ranges *out);

/* The files nschroot reads: /etc/subuid and /etc/subgid, or the paths in
 * $NSCHROOT_SUBUID_FILE and $NSCHROOT_SUBGID_FILE. newuidmap and newgidmap
 * check the real files anyway: these only decide what nschroot asks for. */
const char *subid_uid_file(void);
const char *subid_gid_file(void);

/* Ranges as box.conf records them: "START:COUNT[,START:COUNT]..." ("" for
 * none). -ENOSPC when size is too small. */
int subid_format(const struct subid_ranges *s, char *buf, size_t size);

/* The inverse of subid_format, for the n bytes at s. 0, or -EINVAL (also
 * for overlapping ranges, which no map may hold). */
int subid_parse_list(const char *s, size_t n, struct subid_ranges *out);
