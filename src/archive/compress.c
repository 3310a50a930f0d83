// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The compression of export's output, overlapping the reading of the tree.
 *
 * libarchive compresses on the thread that reads the tree and makes the
 * tar: one after the other. Here, for gzip, the tar writer's output is
 * copied into a small ring of buffers and a worker compresses them, so that
 * reading and compressing overlap: through ISA-L (deflate.c) where the
 * build has it and the level is one of ISA-L's (1-3, the default 3), else
 * through libarchive's filter in "raw" format. xz and zstd need no thread
 * of ours: libarchive's filter, called on the caller's thread, hands the
 * input to a thread per CPU of their own (liblzma's multi-threaded
 * encoder, zstd's workers), as `xz -T0` and `zstd -T0` run, and returns
 * without waiting for its compression; a ring would only add a copy.
 *
 * Errors: the worker's failure (the sink's errno, ENOSPC or EPIPE, or the
 * compressor's words) is recorded and the worker stops; the caller sees
 * it at its next write or at the close, and no more output is made.
 */
#include "archive/compress.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/libarchive.h"
#if HAVE_ISAL
#include "archive/deflate.h"
#endif

#define SLOTS	  4
#define SLOT_SIZE (1u << 20)

struct zout {
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t changed; /* a slot was filled or freed, or the worker stopped */
	zout_sink_fn sink;
	void *ctx;
	struct archive *aw; /* libarchive's filter, or */
#if HAVE_ISAL
	struct gz_deflate *gz; /* ISA-L's deflate */
#endif
	size_t fill;	    /* the caller's: bytes in slot head so far */
	bool direct;	    /* no compression: written through, no thread */
	bool inline_filter; /* xz, zstd: their own threads compress; none of ours */

	/* Under lock: slots tail.. are filled in order, head is the caller's. */
	char *slot[SLOTS];
	size_t len[SLOTS];
	unsigned head, tail, filled;
	bool closing;  /* the last slot was handed over */
	bool stopping; /* zout_free() was called */
	bool done;     /* the worker has stopped */
	/* The worker's, read by the caller once done is seen. */
	struct failure failure;
};

int online_cpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;
	int n = CPU_COUNT(&set);
	return n > 0 ? n : 1;
}

static la_ssize_t to_sink(struct archive *aw, void *ctx, const void *buf, size_t n)
{
	struct zout *z = ctx;
	int r = z->sink(z->ctx, buf, n);
	if (r < 0) {
		archive_set_error(aw, -r, "cannot write the archive");
		return -1;
	}
	return (la_ssize_t)n;
}

/*
 * Only the filters that libarchive runs in-process: where it was built
 * without a library it falls back, with ARCHIVE_WARN, to running the
 * program of that name, which would be found in what is by then the box's
 * root. Anything but ARCHIVE_OK is refused. Compressed output is not padded
 * to a whole tar block: decompressors take trailing zeros as garbage.
 */
static int add_filter(struct archive *aw, enum compression c, struct failure *f)
{
	static int (*const filters[])(struct archive *) = {
		[COMPRESS_GZIP] = archive_write_add_filter_gzip,
		[COMPRESS_XZ] = archive_write_add_filter_xz,
		[COMPRESS_ZSTD] = archive_write_add_filter_zstd,
	};
	/* NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage): each c but NONE has its filter */
	if (filters[c](aw) != ARCHIVE_OK)
		return fail_said(f, ENOTSUP,
				 "cannot compress with %s: libarchive was built without it",
				 value_to_name(compression_names, c, "?"));
	return 0;
}

/* A filter option, refused by a libarchive too old for it: a failure. */
static int set_option(struct archive *aw, const char *key, int value, struct failure *f)
{
	char v[16];
	snprintf(v, sizeof(v), "%d", value);
	if (archive_write_set_filter_option(aw, NULL, key, v) != ARCHIVE_OK)
		return fail_said(f, ENOTSUP, "cannot set the compressor's %s to %s: %s", key, v,
				 archive_message(aw));
	return 0;
}

/* libarchive's filter c in format raw (bytes as they come), at level. */
static int open_filter(struct zout *z, const struct zout_options *o, struct failure *f)
{
	_cleanup_entry_ struct archive_entry *e = archive_entry_new();
	if (!e || !(z->aw = archive_write_new()))
		return fail(f, ENOMEM, "cannot set up libarchive");
	archive_entry_set_filetype(e, AE_IFREG);
	if (archive_write_set_format_raw(z->aw) != ARCHIVE_OK)
		return fail_said(f, EIO, "cannot set up libarchive: %s", archive_message(z->aw));
	int r = add_filter(z->aw, o->c, f);
	if (r == 0 && o->level >= 0)
		r = set_option(z->aw, "compression-level", o->level, f);
	if (r == 0 && o->c != COMPRESS_GZIP)
		r = set_option(z->aw, "threads", online_cpus(), f);
	if (r < 0)
		return r;
	if (archive_write_set_bytes_in_last_block(z->aw, 1) != ARCHIVE_OK ||
	    archive_write_open2(z->aw, z, NULL, to_sink, NULL, NULL) != ARCHIVE_OK ||
	    archive_write_header(z->aw, e) != ARCHIVE_OK)
		return fail_said(f, EIO, "cannot set up libarchive: %s", archive_message(z->aw));
	return 0;
}

/* The worker's failure from libarchive's filter: the sink's errno, or the
 * compressor's words. */
static int filter_failed(struct zout *z)
{
	int err = archive_system_errno(z->aw);
	if (err)
		return fail(&z->failure, err, "cannot write the archive");
	return fail_said(&z->failure, EIO, "cannot compress the archive: %s",
			 archive_message(z->aw));
}

/* Compress n bytes of buf, and with last end the stream: on the worker. */
static int compress_block(struct zout *z, const char *buf, size_t n, bool last)
{
#if HAVE_ISAL
	if (z->gz) {
		int r = gz_deflate_write(z->gz, buf, n, last, z->sink, z->ctx);
		return r < 0 ? fail(&z->failure, r, "cannot write the archive") : 0;
	}
#endif
	while (n > 0) {
		la_ssize_t w = archive_write_data(z->aw, buf, n);
		if (w <= 0)
			return filter_failed(z);
		buf += w;
		n -= (size_t)w;
	}
	if (last && archive_write_close(z->aw) != ARCHIVE_OK)
		return filter_failed(z);
	return 0;
}

static void *worker(void *arg)
{
	struct zout *z = arg;
	for (;;) {
		pthread_mutex_lock(&z->lock);
		while (z->filled == 0 && !z->closing && !z->stopping)
			pthread_cond_wait(&z->changed, &z->lock);
		bool stop = z->stopping, last = z->filled == 0;
		unsigned s = z->tail;
		pthread_mutex_unlock(&z->lock);
		if (stop)
			break;
		/* Slot s is the worker's until filled is lowered; at the end,
		 * nothing is left but to end the stream. */
		int r = compress_block(z, last ? "" : z->slot[s], last ? 0 : z->len[s], last);
		if (r < 0 || last)
			break;
		pthread_mutex_lock(&z->lock);
		z->tail = (s + 1) % SLOTS;
		z->filled--;
		pthread_cond_signal(&z->changed);
		pthread_mutex_unlock(&z->lock);
	}
	pthread_mutex_lock(&z->lock);
	z->done = true;
	pthread_cond_signal(&z->changed);
	pthread_mutex_unlock(&z->lock);
	return NULL;
}

/* Under lock, once the worker is done: its failure. */
static int worker_failure(struct zout *z, struct failure *f)
{
	if (!failed(&z->failure))
		return 0;
	*f = z->failure;
	return -f->err;
}

/* Hand the caller's slot over, and wait for a free one. */
static int hand_over(struct zout *z, struct failure *f)
{
	pthread_mutex_lock(&z->lock);
	z->len[z->head] = z->fill;
	z->head = (z->head + 1) % SLOTS;
	z->filled++;
	z->fill = 0;
	pthread_cond_signal(&z->changed);
	while (z->filled == SLOTS && !z->done)
		pthread_cond_wait(&z->changed, &z->lock);
	int r = z->done ? worker_failure(z, f) : 0;
	pthread_mutex_unlock(&z->lock);
	return r;
}

/* On the caller's thread: written through, or to libarchive's filter. */
static int write_inline(struct zout *z, const void *buf, size_t n, bool last, struct failure *f)
{
	if (z->direct) {
		int r = n > 0 ? z->sink(z->ctx, buf, n) : 0;
		return r < 0 ? fail(f, r, "cannot write the archive") : 0;
	}
	int r = compress_block(z, buf, n, last);
	if (r < 0)
		*f = z->failure;
	return r;
}

int zout_write(struct zout *z, const void *buf, size_t n, struct failure *f)
{
	if (z->direct || z->inline_filter)
		return write_inline(z, buf, n, false, f);
	const char *p = buf;
	while (n > 0) {
		size_t room = SLOT_SIZE - z->fill;
		size_t take = n < room ? n : room;
		memcpy(z->slot[z->head] + z->fill, p, take);
		z->fill += take;
		p += take;
		n -= take;
		if (z->fill == SLOT_SIZE) {
			int r = hand_over(z, f);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int zout_close(struct zout *z, struct failure *f)
{
	if (z->direct || z->inline_filter)
		return write_inline(z, "", 0, true, f);
	int r = z->fill > 0 ? hand_over(z, f) : 0;
	if (r < 0)
		return r;
	pthread_mutex_lock(&z->lock);
	z->closing = true;
	pthread_cond_signal(&z->changed);
	while (!z->done)
		pthread_cond_wait(&z->changed, &z->lock);
	r = worker_failure(z, f);
	pthread_mutex_unlock(&z->lock);
	return r;
}

void zout_free(struct zout *z)
{
	if (!z)
		return;
	if (z->started) {
		pthread_mutex_lock(&z->lock);
		z->stopping = true;
		pthread_cond_signal(&z->changed);
		pthread_mutex_unlock(&z->lock);
		pthread_join(z->thread, NULL);
	}
	if (z->aw)
		archive_write_free(z->aw);
#if HAVE_ISAL
	gz_deflate_free(z->gz);
#endif
	for (unsigned i = 0; i < SLOTS; i++)
		free(z->slot[i]);
	pthread_cond_destroy(&z->changed);
	pthread_mutex_destroy(&z->lock);
	free(z);
}

/* ISA-L for gzip at its own levels (the default its 3), where built. */
static int open_compressor(struct zout *z, const struct zout_options *o, struct failure *f)
{
#if HAVE_ISAL
	if (o->c == COMPRESS_GZIP && o->level <= GZ_DEFLATE_MAX_LEVEL) {
		int r = gz_deflate_new(o->level < 0 ? GZ_DEFLATE_MAX_LEVEL : o->level, &z->gz);
		return r < 0 ? fail(f, r, "cannot set up the gzip compressor") : 0;
	}
#endif
	return open_filter(z, o, f);
}

int zout_open(const struct zout_options *o, zout_sink_fn sink, void *ctx, struct zout **out,
	      struct failure *f)
{
	struct zout *z = calloc(1, sizeof(*z));
	if (!z)
		return fail(f, ENOMEM, "cannot set up the compressor");
	pthread_mutex_init(&z->lock, NULL);
	pthread_cond_init(&z->changed, NULL);
	z->sink = sink;
	z->ctx = ctx;
	/* xz and zstd run threads of their own, which take the input
	 * without waiting for its compression: a thread of ours would only
	 * add a copy. */
	z->direct = o->c == COMPRESS_NONE;
	z->inline_filter = o->c == COMPRESS_XZ || o->c == COMPRESS_ZSTD;
	int r = z->inline_filter ? open_filter(z, o, f) : 0;
	if (r < 0 || z->direct || z->inline_filter) {
		if (r < 0)
			zout_free(z);
		else
			*out = z;
		return r;
	}
	bool ok = true;
	for (unsigned i = 0; ok && i < SLOTS; i++)
		ok = (z->slot[i] = malloc(SLOT_SIZE)) != NULL;
	r = ok ? open_compressor(z, o, f) : fail(f, ENOMEM, "cannot set up the compressor");
	if (r == 0 && (r = -pthread_create(&z->thread, NULL, worker, z)) < 0)
		fail(f, -r, "cannot start the compression thread");
	if (r < 0) {
		zout_free(z);
		return r;
	}
	z->started = true;
	*out = z;
	return 0;
}
