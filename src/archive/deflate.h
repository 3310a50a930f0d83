/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* gzip with Intel's ISA-L (deflate.c), built only with libisal. */

#include <stdbool.h>
#include <stddef.h>

#include "archive/compress.h"

/* ISA-L's levels: 1 fastest, 3 (the default) the smallest output. */
#define GZ_DEFLATE_MAX_LEVEL 3

struct gz_deflate;

/* A gzip stream at level (1-3): 0 with *out set, or -ENOMEM. */
int gz_deflate_new(int level, struct gz_deflate **out);

/* Compress n bytes of buf, and with last end the stream (its trailer),
 * handing the output to sink. 0, or the sink's -errno. */
int gz_deflate_write(struct gz_deflate *d, const void *buf, size_t n, bool last, zout_sink_fn sink,
		     void *ctx);

void gz_deflate_free(struct gz_deflate *d);
