/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/idmap.h"
#include "base/subid.h"

/* boxes/NAME/box.conf: one "key=value" per line (DESIGN.md "The store"),
 * "version=N" first. A box.conf without a version is one of version 1,
 * written before the key was. */
#define BOX_CONF_VERSION 1u

struct box_conf {
	uint32_t version;
	enum map_mode map;
	char *source;  /* what the box was created from */
	char *created; /* ISO 8601, UTC */
	char *os_id;   /* os-release ID and VERSION_ID, or NULL */
	char *os_version;
	char *fixups; /* "apt,dpkg", or NULL */
	/* The keep-id fixups ("user,sudo") that a run does not make on its
	 * own: taken out by `fixup --undo`, or "user" declined where the box
	 * gives the caller's name to another id. NULL: none. */
	char *fixups_declined;
	char *backend; /* --backend given to create (ns, proot), or NULL: auto */
	char *arch;    /* the rootfs' architecture (Debian's name), or NULL: unknown */
	/* The rootfs' disk usage in bytes when create made it, as du counts
	 * it; unknown (false) in boxes made before it was recorded. */
	bool has_size;
	uint64_t size;
	/* rm failed half-way and put the box back: what is left is to go. */
	bool half_removed;
	/* auto and keep-id: the subordinate ranges the box's files are laid
	 * out for */
	struct subid_ranges subuids, subgids;
	/* A remap under way (cmd/remap.c): the map and ranges the files are
	 * being converted to, and the time from which an inode whose ctime
	 * is as late or later is converted; MAP_UNSET when none is. Such a
	 * box is run by nobody until `remap` finishes it. */
	enum map_mode remap_to;
	struct timespec remap_since;
	struct subid_ranges remap_subuids, remap_subgids;
	/* A box made from a container image: the digest of its manifest
	 * ("sha256:HEX"; none from a docker save archive before Docker 25)
	 * and of its config (the image's id), and its config's Env,
	 * Entrypoint and Cmd as compact JSON arrays of strings, WorkingDir
	 * and User as given; each NULL where the image has none (and all of
	 * them for other boxes). */
	char *image_digest;
	char *image_id;
	char *image_env;
	char *image_entrypoint;
	char *image_cmd;
	char *image_workdir;
	char *image_user;
	/* `nschroot config BOX OPTIONS`: the run options saved in the box, a
	 * compact JSON array of strings as the command line gave them (host
	 * paths made absolute), applied before a run's own; NULL when none.
	 * Kept as text: a set that this nschroot cannot read (a newer one
	 * wrote it) leaves the rest of the box readable, and run refuses it. */
	char *run_options;
};

/* Parse the text of a box.conf; unknown keys are ignored (a newer nschroot
 * may add some), and so is a size that is not a number; a missing or
 * unknown map is an error, and so is a version above BOX_CONF_VERSION (a
 * newer nschroot changed what the keys mean), and a remap marker that
 * lacks its time or ranges. 0, -EINVAL or -ENOMEM; on
 * -EINVAL, out->version is the version the text gives (so that the caller
 * can tell a box made by a newer nschroot) and nothing else is set. */
int box_conf_parse(const char *buf, size_t len, struct box_conf *out);

/* One "image-KEY=VALUE" line (n bytes, no newline) set in c, as
 * nschroot-archive prints an image's settings. 0, -EINVAL for a line of
 * another key, or -ENOMEM. */
int box_conf_set_image(struct box_conf *c, const char *line, size_t n);

/* The text of a box.conf, newly allocated; NULL when out of memory. Values
 * holding a newline are written with it replaced by a space. */
char *box_conf_format(const struct box_conf *conf);

void box_conf_free(struct box_conf *conf);

/* The saved run options of c as a vector of *n strings, NULL-terminated
 * (free each and the vector); *out NULL and *n 0 when none are saved. 0,
 * -EINVAL when run-options is not a JSON array of strings, or -ENOMEM. */
int box_conf_run_options(const struct box_conf *c, char ***out, size_t *n);

/* The longest run-options value: a box.conf is read whole, up to a
 * limit (store.c) that the rest of the file must fit under too. */
#define BOX_RUN_OPTIONS_MAX (16u << 10)

/* Save the n strings of v as c's run options (n 0: none). 0, -EINVAL
 * when one is not UTF-8 (box_conf_run_options could not read it back),
 * -E2BIG when they take more than BOX_RUN_OPTIONS_MAX bytes, or -ENOMEM. */
int box_conf_set_run_options(struct box_conf *c, char *const *v, size_t n);
