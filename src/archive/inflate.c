// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gzip streams inflated with ISA-L, which decodes deflate about 2.5 times
 * as fast as zlib (the Debian tarball: 0.25 s against 0.6 s of CPU).
 *
 * With crc_flag ISAL_GZIP, isal_inflate() parses each member's header
 * (also when it comes in pieces: a pipe) and checks its trailer: the CRC-32
 * and the length (ISIZE) of what it inflated. It hands back the bytes after
 * a member unread, so the next member starts there after
 * isal_inflate_reset(): a stream of several members (pigz, `cat a.gz b.gz`)
 * reads as one.
 *
 * After the last member: bytes that do not start with gzip's magic end the
 * stream and are ignored, as libarchive's gzip filter (what nschroot used
 * before) and `gzip -d` do: tar's padding of zeros, or garbage a transfer
 * left, and a piece of the magic at the very end. Bytes that do start with
 * it are a member, which must be whole.
 */
#include "archive/inflate.h"

#include <isa-l/igzip_lib.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t magic[3] = { 0x1f, 0x8b, 0x08 }; /* ID1, ID2, CM deflate */

enum phase {
	IN_MEMBER, /* decoding a member, its header or its trailer */
	BETWEEN,   /* a member ended: what comes next is not known yet */
	ENDED,	   /* the last member and what follows it are behind */
};

struct gz_inflate {
	struct inflate_state s;
	enum phase phase;
	/* BETWEEN: how many bytes of the magic are seen, where one input
	 * ended in the middle of it; they are given to the next member
	 * before the rest of its input. */
	uint8_t seen[sizeof(magic)];
	size_t nseen;
};

bool gz_is_gzip(const void *p, size_t n)
{
	return n >= sizeof(magic) && memcmp(p, magic, sizeof(magic)) == 0;
}

struct gz_inflate *gz_inflate_new(void)
{
	struct gz_inflate *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	isal_inflate_init(&g->s);
	g->s.crc_flag = ISAL_GZIP;
	g->phase = IN_MEMBER;
	return g;
}

void gz_inflate_free(struct gz_inflate *g)
{
	free(g);
}

bool gz_inflate_needs_input(const struct gz_inflate *g)
{
	return g->phase != ENDED && g->s.avail_in == 0;
}

void gz_inflate_input(struct gz_inflate *g, const void *buf, size_t len)
{
	g->s.next_in = (uint8_t *)buf;
	g->s.avail_in = (uint32_t)len;
}

bool gz_inflate_ended(const struct gz_inflate *g)
{
	return g->phase == ENDED;
}

bool gz_inflate_in_member(const struct gz_inflate *g)
{
	return g->phase == IN_MEMBER;
}

/* The words for isal_inflate()'s errors. */
static const char *error_words(int r)
{
	switch (r) {
	case ISAL_INCORRECT_CHECKSUM:
		return "gzip data is damaged: its CRC-32 or length check failed";
	case ISAL_INVALID_WRAPPER:
		return "invalid gzip header";
	case ISAL_UNSUPPORTED_METHOD:
		return "gzip data compressed with an unknown method";
	default:
		return "gzip data is corrupt: invalid deflate data";
	}
}

/* Feed n bytes of a new member's start to the decoder (they make no output:
 * a header is longer). */
static int feed_start(struct gz_inflate *g, const uint8_t *p, uint32_t n)
{
	uint8_t *next = g->s.next_in;
	uint32_t avail = g->s.avail_in;
	g->s.next_in = (uint8_t *)p;
	g->s.avail_in = n;
	g->s.next_out = NULL;
	g->s.avail_out = 0;
	int r = isal_inflate(&g->s);
	g->s.next_in = next;
	g->s.avail_in = avail;
	return r;
}

/* BETWEEN: look for the next member's magic in the input. 0 while more
 * input is needed or once the stream has ended, 1 when a member starts,
 * or an isal_inflate() error. */
static int next_member(struct gz_inflate *g)
{
	size_t have = g->nseen;
	while (have < sizeof(magic) && g->s.avail_in > 0) {
		if (g->s.next_in[0] != magic[have]) {
			g->phase = ENDED;
			return 0;
		}
		g->seen[have++] = g->s.next_in[0];
		g->s.next_in++;
		g->s.avail_in--;
	}
	g->nseen = have;
	if (have < sizeof(magic))
		return 0;
	isal_inflate_reset(&g->s);
	g->s.crc_flag = ISAL_GZIP;
	g->phase = IN_MEMBER;
	g->nseen = 0;
	int r = feed_start(g, g->seen, sizeof(magic));
	return r < 0 ? r : 1;
}

long gz_inflate_run(struct gz_inflate *g, void *out, size_t cap, const char **why)
{
	for (;;) {
		if (g->phase == ENDED)
			return 0;
		if (g->phase == BETWEEN) {
			int r = next_member(g);
			if (r < 0) {
				*why = error_words(r);
				return -1;
			}
			if (r == 0)
				return 0;
		}
		g->s.next_out = out;
		g->s.avail_out = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
		int r = isal_inflate(&g->s);
		if (r < 0) {
			*why = error_words(r);
			return -1;
		}
		long n = (long)(cap - g->s.avail_out);
		if (g->s.block_state == ISAL_BLOCK_FINISH)
			g->phase = BETWEEN;
		else if (n == 0 && g->s.avail_in > 0) {
			/* isal_inflate() returns with input left only when the
			 * output is full or the member ended: never here. */
			*why = error_words(ISAL_INVALID_BLOCK);
			return -1;
		}
		if (n > 0 || g->s.avail_in == 0)
			return n;
	}
}

const char *gz_inflate_finish(const struct gz_inflate *g)
{
	if (g->phase == IN_MEMBER)
		return "truncated gzip input";
	return NULL;
}
