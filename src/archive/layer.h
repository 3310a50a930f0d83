/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <archive_entry.h>
#include <stdbool.h>

#include "util/failure.h"

/*
 * One layer of a container image applied over the ones before it, as the
 * OCI image spec's "Applying changesets" says: an entry `DIR/.wh.NAME`
 * deletes DIR/NAME, `DIR/.wh..wh..opq` empties DIR, and an entry whose
 * path holds a directory while it is none replaces that directory whole.
 * Whiteouts apply only to what lower layers made: what this layer writes
 * is kept, whichever comes first in the archive, so the layer keeps the
 * paths it wrote (and their parents) until it ends.
 *
 * Paths are resolved inside the root (openat2 RESOLVE_IN_ROOT), so a
 * whiteout cannot delete anything outside it, even through a symlink a
 * lower layer made; deletion never follows a link (base/remove.h).
 */
struct layer;

/* A layer applied in rootfd (kept, not owned). 0 or -ENOMEM. */
int layer_new(int rootfd, struct layer **out);
void layer_free(struct layer *l);

/* Before an entry of the layer is written: a whiteout is carried out here
 * (*write false); for anything else (*write true), a directory in the way
 * of a non-directory is removed. Aufs's own metadata (`.wh..wh.plnk`, ...)
 * is skipped (*write false). 0, or -errno with f set: EPERM for a
 * whiteout without a name ("DIR/.wh."). */
int layer_before_entry(struct layer *l, struct archive_entry *e, bool *write, struct failure *f);

/* An entry was written: it and its parents are the layer's own. 0 or
 * -ENOMEM. */
int layer_written(struct layer *l, const char *path);
