/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/subid.h"
#include "util/failure.h"

/* DESIGN.md, "Identity mapping (--map)". */
enum map_mode { MAP_UNSET, MAP_ROOT, MAP_USER, MAP_AUTO, MAP_KEEP_ID };

/* --map's argument: 0, or -EINVAL when it names no mode. */
int parse_map_mode(const char *arg, enum map_mode *out);

/* root, user, auto, keep-id; "unset" for MAP_UNSET. */
const char *map_mode_name(enum map_mode map);

/* One line of a uid_map or gid_map. */
struct id_extent {
	uint32_t inside, outside, count;
};

/* The caller's own id, and the subordinate ranges, one of them split in
 * two around it (keep-id). */
#define IDMAP_MAX_EXTENTS (2 + SUBID_MAX_RANGES)

struct id_map {
	struct id_extent e[IDMAP_MAX_EXTENTS];
	size_t n;
};

/* How a user namespace of nschroot's is mapped (DESIGN.md, "Identity
 * mapping"). The inside ids of every map are 0..size-1, in one piece. */
struct idmap {
	enum map_mode mode; /* MAP_ROOT, MAP_USER, MAP_AUTO or MAP_KEEP_ID */
	struct id_map uid, gid;
	/* No user namespace at all: work on the box's files as the caller,
	 * where namespaces are refused (a box of the proot backend). Single
	 * maps only. */
	bool no_userns;
};

/* root: the caller is 0 inside; user: the caller keeps their ids. */
void idmap_single(struct idmap *m, enum map_mode mode, uid_t uid, gid_t gid);

/*
 * auto: 0 is the caller, 1..N the subordinate ranges in order. With
 * subroot, the layout of trees made by `unshare --map-auto` and mmdebstrap
 * instead: 0..N-1 are the subordinate ranges, and the caller comes last, as
 * N, so that the namespace's root can still reach the caller's own files
 * (the directories above the tree, --bind sources). -ENOENT when either set
 * of ranges is empty.
 */
int idmap_auto(struct idmap *m, uid_t uid, gid_t gid, const struct subid_ranges *subuids,
	       const struct subid_ranges *subgids, bool subroot);

/*
 * keep-id (podman's): the caller's uid and gid are themselves inside, and
 * every other inside id, root's included, comes from the subordinate
 * ranges in order: 0..uid-1 from their first uid ids, uid+1.. from the
 * rest. Inside ids are 0..total, in one piece, as in auto mode. -ENOENT
 * when either set of ranges is empty, -ERANGE when a range holds fewer
 * ids than the caller's own id (inside, the ids below it would be left
 * unmapped).
 */
int idmap_keep_id(struct idmap *m, uid_t uid, gid_t gid, const struct subid_ranges *subuids,
		  const struct subid_ranges *subgids);

/* Whether m maps subordinate ids (auto and keep-id): it is written by the
 * system's newuidmap and newgidmap, and the command takes its ids with
 * set*id inside. */
bool idmap_subordinate(const struct idmap *m);

/* Whether a box of this mode is laid out with subordinate ids. */
bool map_mode_subordinate(enum map_mode mode);

/* The number of inside ids of a map: 0..size-1 are mapped. */
uint32_t id_map_size(const struct id_map *m);

/* The outside id of inside id 0 (the owner of a box's root directory). */
uint32_t id_map_root(const struct id_map *m);

/* Whether the id outside is mapped by m, and to what (*inside). */
bool id_map_to_inside(const struct id_map *m, uint32_t outside, uint32_t *inside);

/* Whether the id inside is mapped by m, and to what (*outside). */
bool id_map_to_outside(const struct id_map *m, uint32_t inside, uint32_t *outside);

/* The map as /proc/PID/uid_map takes it, "INSIDE OUTSIDE COUNT\n" lines,
 * ids unsigned. -ENOSPC when size is too small. */
int id_map_format(const struct id_map *m, char *buf, size_t size);

/* Map one uid and one gid of the user namespace of pid (0: this process):
 * inside_uid to outside_uid, inside_gid to outside_gid. When deny_setgroups
 * is set, setgroups is denied first, as the kernel requires of an
 * unprivileged writer (CVE-2014-8989). 0 or -errno. */
int idmap_write_single(pid_t pid, uid_t inside_uid, uid_t outside_uid, gid_t inside_gid,
		       gid_t outside_gid, bool deny_setgroups);

/* Map the user namespace of pid (as numbered by the /proc mounted at /proc),
 * a child of the writer's, onto the ids of the writer's namespace as they
 * are: every inside id of m to itself. The writer needs CAP_SETUID and
 * CAP_SETGID over its own namespace. 0 or -errno. */
int idmap_write_identity(pid_t pid, const struct idmap *m);

/*
 * Map the user namespace of pid, a child of the caller in a namespace the
 * caller made: a single map is written by the caller itself; an auto map by
 * the system's set-id newuidmap and newgidmap, run with pid, which check
 * the ranges against /etc/subuid and /etc/subgid. 0, or -errno with f
 * saying what failed (newuidmap's own words included) and a hint.
 */
int idmap_apply(pid_t pid, const struct idmap *m, struct failure *f);

/* Whether path is a program that can map subordinate ids: executable, and
 * set-user-id root or with file capabilities. */
bool idmap_helper_usable(const char *path);
