// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A subordinate range to suggest to an administrator: one that nobody in
 * /etc/subuid or /etc/subgid has yet. subid_parse (base/subid.c) cannot
 * say that: it reads the caller's lines only, at most SUBID_MAX_IDS ids of
 * them, and drops ranges the kernel would refuse in one map. Here every
 * owner's whole range counts: the same lines (subid_each_line), for their
 * START and COUNT alone.
 */
#include "cmd/subid-free.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/subid.h"
#include "util/cleanup.h"

/* Ids [start, end), 64 bits wide so that end may be 2^32. */
struct span {
	uint64_t start, end;
};

struct spans {
	struct span *v;
	size_t n, cap;
};

static void spans_free(struct spans *s)
{
	free(s->v);
}

static int spans_add(struct spans *s, uint64_t start, uint64_t end)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct span *v = reallocarray(s->v, cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = (struct span){ start, end };
	return 0;
}

/* The range of a line of /etc/subuid or /etc/subgid, whoever owns it. */
static int add_line(const char *owner, size_t owner_len, uint32_t start, uint32_t count, void *ctx)
{
	return spans_add(ctx, start, (uint64_t)start + count);
}

static int by_start(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

static uint64_t align_up(uint64_t id)
{
	return (id + SUBID_MAX_IDS - 1) / SUBID_MAX_IDS * SUBID_MAX_IDS;
}

int subid_free_block(const char *uids, size_t ulen, const char *gids, size_t glen, uint32_t uid,
		     uint32_t gid, uint32_t *start)
{
	__attribute__((cleanup(spans_free))) struct spans s = { 0 };
	int r = spans_add(&s, uid, (uint64_t)uid + 1);
	if (r == 0)
		r = spans_add(&s, gid, (uint64_t)gid + 1);
	if (r == 0)
		r = subid_each_line(uids, ulen, add_line, &s);
	if (r == 0)
		r = subid_each_line(gids, glen, add_line, &s);
	if (r < 0)
		return r;

	/* In order of their starts, each span that reaches into the
	 * candidate block pushes it past its end; the first span that starts
	 * beyond the block leaves it free, and so does every later one. */
	qsort(s.v, s.n, sizeof(*s.v), by_start);
	uint64_t block = align_up(SUBID_FREE_MIN);
	for (size_t i = 0; i < s.n && s.v[i].start < block + SUBID_MAX_IDS; i++)
		if (s.v[i].end > block)
			block = align_up(s.v[i].end);
	if (block + SUBID_MAX_IDS - 1 > UINT32_MAX - 1) /* 2^32 - 1 is "no id" */
		return -ENOSPC;
	*start = (uint32_t)block;
	return 0;
}

/* The whole of path in *buf; nothing when it does not exist. */
static int read_subid_file(const char *path, char **buf, size_t *len)
{
	int r = subid_read_file(path, buf, len);
	return r == -ENOENT ? 0 : r;
}

int subid_free_lookup(uid_t uid, gid_t gid, uint32_t *start)
{
	_cleanup_free_ char *u = NULL, *g = NULL;
	size_t ulen = 0, glen = 0;
	int r = read_subid_file(subid_uid_file(), &u, &ulen);
	if (r == 0)
		r = read_subid_file(subid_gid_file(), &g, &glen);
	if (r < 0)
		return r;
	return subid_free_block(u ? u : "", ulen, g ? g : "", glen, uid, gid, start);
}

void subid_usermod_command(char *buf, size_t size, const char *user)
{
	char block[32] = "START-END";
	uint32_t start;
	if (subid_free_lookup(getuid(), getgid(), &start) == 0)
		snprintf(block, sizeof(block), "%u-%u", (unsigned)start,
			 (unsigned)(start + SUBID_MAX_IDS - 1));
	snprintf(buf, size, "usermod --add-subuids %s --add-subgids %s %s", block, block,
		 user && *user ? user : "USER");
}
