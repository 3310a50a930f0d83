// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An image layer in one pass over the tree: the tar is hashed as it is
 * written (the diff_id) and compressed on a thread of its own
 * (compress.c), whose output is hashed too (the blob's digest) and
 * written to the descriptor. Nothing is spooled: the layer is read once
 * from the tree and written once. The tar is unpadded, even uncompressed:
 * the layer is the tar itself, as it is inside today's compressed archives.
 */
#include "archive/layer-write.h"

#include "util/io.h"

struct layer_sink {
	struct digest blob; /* of what is written to fd */
	int fd;
	uint64_t size; /* bytes written to fd */
};

/* On the compressing thread. */
static int to_fd(void *ctx, const void *buf, size_t n)
{
	struct layer_sink *s = ctx;
	digest_update(&s->blob, buf, n);
	int r = write_all(s->fd, buf, n);
	if (r == 0)
		s->size += n;
	return r;
}

int layer_write(int fd, const struct write_options *wo, const struct archive_hooks *hooks,
		struct write_stats *st, struct layer_info *info, struct failure *f)
{
	struct layer_sink s = { .fd = fd };
	struct digest diff;
	digest_init(&diff);
	digest_init(&s.blob);
	struct tar_output o = { .sink = to_fd, .ctx = &s, .diff = &diff, .unpadded = true };
	int r = write_tar_to(&o, wo, hooks, st, f);
	if (r < 0)
		return r;
	info->size = s.size;
	digest_final(&diff, info->diff_id);
	digest_final(&s.blob, info->digest);
	return 0;
}
