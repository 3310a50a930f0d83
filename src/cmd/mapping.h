/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "base/idmap.h"
#include "store/boxconf.h"

/* The caller's subordinate ranges (empty when there are none) and whether
 * newuidmap and newgidmap can map them. Never fails: what is missing shows
 * as an empty set or false. */
struct subids {
	struct subid_ranges uids, gids;
	bool helpers;
	bool no_new_privs; /* set on us: set-id helpers cannot work */
	char user[256];	   /* the caller's name, or "" (host_user_name) */
};
void mapping_lookup(struct subids *s);

/* Whether auto mode can work for the caller, as far as can be told
 * without trying (mapping_try). */
bool mapping_auto_works(const struct subids *s);

/* Make a user namespace mapped by m and leave it at once: 0 when the map
 * works, else -errno with f set. */
int mapping_try(const struct idmap *m, struct failure *f);

/* The map of a new box: requested (MAP_UNSET: auto where it can work as
 * far as can be told, else root). Auto mode asked for where it cannot work
 * is an error (125, with a hint). true when the map is auto by default
 * and untried: the first namespace made with it tells, and where it fails
 * the caller falls back with mapping_fall_back_to_root. */
bool mapping_for_create(enum map_mode requested, struct idmap *m, struct subids *s);

/* Auto mode chosen by default failed (why): m becomes root mode, with a
 * warning and a hint. */
void mapping_fall_back_to_root(struct idmap *m, const struct failure *why);

/* The widest map the caller can make: auto where it looks like working
 * (untried), else root. For reading or cleaning up boxes whose mode is not
 * known; users fall back to the caller when the namespace fails. */
void mapping_widest(struct idmap *m);

/* The map a box was created with, from its box.conf. */
void mapping_for_box(const struct box_conf *conf, struct idmap *m);

/*
 * The map for a directory TARGET, given its fd and what was asked
 * (MAP_UNSET: decide). Undecided, a directory owned by the caller runs in
 * root mode; one owned by the start of the caller's subordinate uid range
 * (a tree made by `unshare --map-auto` or `mmdebstrap --mode=unshare`)
 * runs in auto mode, with that id as root: its files are then seen with
 * the owners they were made with.
 */
/* Whether the kernel or a policy refuses this process a user namespace
 * (userns_refused), and why. */
bool mapping_userns_refused(struct failure *why);

/* A single map m, where user namespaces are refused: no_userns, with one
 * warning that says why (the box's files are the caller's own then). */
void mapping_without_userns_if_refused(struct idmap *m);

void mapping_for_dir(int dirfd, const char *name, enum map_mode requested, struct idmap *m);
