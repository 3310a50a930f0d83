/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/idmap.h"
#include "base/subid.h"

/* boxes/NAME/box.conf: one "key=value" per line (DESIGN.md "The store"). */
struct box_conf {
	enum map_mode map;
	char *source;  /* what the box was created from */
	char *created; /* ISO 8601, UTC */
	char *os_id;   /* os-release ID and VERSION_ID, or NULL */
	char *os_version;
	char *fixups; /* "apt,dpkg", or NULL */
	/* The rootfs' disk usage in bytes when create made it, as du counts
	 * it; unknown (false) in boxes made before it was recorded. */
	bool has_size;
	uint64_t size;
	/* rm failed half-way and put the box back: what is left is to go. */
	bool half_removed;
	/* auto mode: the subordinate ranges the box was made with */
	struct subid_ranges subuids, subgids;
};

/* Parse the text of a box.conf; unknown keys are ignored (a newer nschroot
 * may add some), and so is a size that is not a number; a missing or
 * unknown map is an error. 0, -EINVAL or -ENOMEM. */
int box_conf_parse(const char *buf, size_t len, struct box_conf *out);

/* The text of a box.conf, newly allocated; NULL when out of memory. Values
 * holding a newline are written with it replaced by a space. */
char *box_conf_format(const struct box_conf *conf);

void box_conf_free(struct box_conf *conf);
