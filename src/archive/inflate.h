/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* gzip streams inflated with ISA-L (inflate.c), built only with libisal. */
struct gz_inflate;

/* Whether the input starting with these n bytes is gzip (1f 8b 08:
 * deflate), what the caller checks before choosing this decoder. */
bool gz_is_gzip(const void *p, size_t n);

/* A decoder at the start of a gzip stream, or NULL (ENOMEM). */
struct gz_inflate *gz_inflate_new(void);
void gz_inflate_free(struct gz_inflate *g);

/* Whether the decoder has used up the input it was given. */
bool gz_inflate_needs_input(const struct gz_inflate *g);

/* The next input: the decoder reads it in place, until it needs more. */
void gz_inflate_input(struct gz_inflate *g, const void *buf, size_t len);

/* Whether the stream has ended: its last member and what follows it
 * (gz_inflate_run's comment) are behind. */
bool gz_inflate_ended(const struct gz_inflate *g);

/* Whether the decoder is inside a member: its trailer not yet checked. */
bool gz_inflate_in_member(const struct gz_inflate *g);

/* Inflate into out, up to cap bytes: the number written (0 when the input
 * is used up or the stream has ended), or -1 with *why saying what is wrong
 * with the data. */
long gz_inflate_run(struct gz_inflate *g, void *out, size_t cap, const char **why);

/* At the end of the input: NULL when it ended between members, or what is
 * wrong (a member cut short). */
const char *gz_inflate_finish(const struct gz_inflate *g);
