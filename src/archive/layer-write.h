/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

#include "archive/digest.h"
#include "archive/libarchive.h"
#include "archive/write.h"
#include "util/failure.h"

/* A layer blob as written: its size and digest as stored (compressed),
 * and the digest of the tar inside, the image config's diff_id. */
struct layer_info {
	uint64_t size;
	char digest[DIGEST_HEX_LEN + 1];
	char diff_id[DIGEST_HEX_LEN + 1];
};

/* Write the tree at the current directory to fd, at its offset, as the
 * tar that write_archive writes, compressed as wo says, hashing it on the
 * way before and after compression. 0 with *info set, or -errno with f
 * set. */
int layer_write(int fd, const struct write_options *wo, const struct archive_hooks *hooks,
		struct write_stats *st, struct layer_info *info, struct failure *f);
