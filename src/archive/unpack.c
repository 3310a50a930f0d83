// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The input's decompression, on a thread of its own.
 *
 * libarchive decodes a compressed tarball on the thread that also parses it
 * and writes the files: for the Debian tarball, inflating is about 0.45 s of
 * CPU and the writes about 0.3 s, one after the other. Here a second reader,
 * with the same filters and libarchive's "raw" format (the whole
 * decompressed stream as one entry), runs on a worker thread and fills a
 * ring of buffers; the tar reader takes them through its read callback,
 * without a copy, and parses and writes meanwhile. The ring is small, so
 * memory stays bounded whatever the archive's size.
 *
 * Errors keep their place in the stream: the worker's error (a corrupt or
 * truncated gzip stream, a failed read) reaches the tar reader after the
 * data decoded before it, with the same errno and words, as if libarchive
 * had met it in-process.
 *
 * gzip, most tarballs and image layers, is inflated with ISA-L instead
 * (inflate.c) where nschroot was built with libisal: the first bytes, read
 * on the caller's thread, choose; libarchive's filters get them first when
 * the input is something else. The errors keep their place the same way,
 * with libarchive's "truncated gzip input" for a member cut short.
 *
 * The worker blocks in two places only: waiting for a free buffer, and in
 * poll(2) on the input together with the stop pipe, so unpack_free() ends
 * it at once even when the input is a pipe whose writer has gone quiet.
 */
#include "archive/unpack.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive/digest.h"
#include "archive/inflate.h"
#include "archive/libarchive.h"

#define SLOTS	  4
#define SLOT_SIZE (256u << 10)
/* Reads of the compressed input: few system calls for a file or a pipe. */
#define READ_BLOCK (256u << 10)

struct unpack {
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t changed; /* a slot was filled or freed, or the worker stopped */
	struct archive *dec;	/* libarchive's filters, or */
#if HAVE_ISAL
	struct gz_inflate *gz; /* ISA-L's inflate: gzip */
#endif
	struct unpack_input input;
	bool from_file;	 /* fd is a regular file: a read never waits for long */
	uint64_t offset; /* read so far of a range */
	/* The worker's: the decompressed stream hashed as it goes (an
	 * image layer's diff_id). */
	struct digest digest;
	int stop[2]; /* the stop pipe: written once by unpack_free() */
	char *in;    /* compressed input, as read */
	/* The first bytes of the input, read by unpack_start() into in, or
	 * the errno that reading them failed with: libarchive's first read. */
	size_t first_len;
	int first_err;
	const char *first_why;
	/* The worker's: the rest of the decoder's last block, not yet copied. */
	const char *pending;
	size_t pending_len;
	_Atomic uint64_t raw_bytes;

	/* Under lock: slots head.. are filled in order, tail is the oldest. */
	char *slot[SLOTS];
	size_t len[SLOTS];
	unsigned head, tail, filled;
	bool held;     /* the tar reader holds slot tail */
	bool stopping; /* unpack_free() was called */
	bool done;     /* the worker has stopped: end of input, or err */
	/* gzip: the worker is inside a member, its trailer not yet checked. */
	bool member_open;
	int err; /* errno or libarchive's code, 0 at end of input */
	char msg[256];
};

/* A range of a regular file (an image's blob): read where it lies, never
 * past its end. */
static ssize_t range_read(struct unpack *u, char *buf, size_t cap, const char **why)
{
	uint64_t left = u->input.len - u->offset;
	size_t want = left < cap ? (size_t)left : cap;
	if (want == 0)
		return 0;
	ssize_t n;
	do
		n = pread(u->input.fd, buf, want, (off_t)(u->input.off + u->offset));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0) {
		*why = "the file is shorter than its index says";
		return -EIO;
	}
	u->offset += (uint64_t)n;
	return n;
}

/* Read the input into buf, waiting for it or the stop pipe: the length
 * read, 0 at its end, or -errno (ECANCELED: stopped), with *why the words
 * for it. */
static ssize_t input_read(struct unpack *u, char *buf, size_t cap, const char **why)
{
	*why = "read error";
	ssize_t n = 0;
	if (u->input.ranged)
		n = range_read(u, buf, cap, why);
	struct pollfd p[2] = { { .fd = u->input.fd, .events = POLLIN },
			       { .fd = u->stop[0], .events = POLLIN } };
	while (!u->input.ranged) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[1].revents) {
			*why = "stopped";
			return -ECANCELED;
		}
		n = read(u->input.fd, buf, cap);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		break;
	}
	if (n > 0)
		atomic_fetch_add(&u->raw_bytes, (uint64_t)n);
	return n;
}

/* libarchive's read callback: the first bytes, read already, then more. */
static la_ssize_t source_read(struct archive *a, void *ctx, const void **out)
{
	struct unpack *u = ctx;
	const char *why = u->first_why;
	ssize_t n;
	if (u->first_len > 0)
		n = (ssize_t)u->first_len;
	else if (u->first_err)
		n = -u->first_err;
	else
		n = input_read(u, u->in, READ_BLOCK, &why);
	if (u->first_len == 0)
		u->first_err = 0;
	u->first_len = 0;
	if (n < 0) {
		archive_set_error(a, (int)-n, "%s", why);
		return -1;
	}
	*out = u->in;
	return n;
}

/* The decoder's next block into u->pending; false at the end of the stream
 * or on an error (u->err). */
static bool next_block(struct unpack *u)
{
	const void *block;
	la_int64_t offset;
	int r = archive_read_data_block(u->dec, &block, &u->pending_len, &offset);
	if (r == ARCHIVE_EOF || r < ARCHIVE_WARN) {
		if (r != ARCHIVE_EOF) {
			int err = archive_errno(u->dec);
			u->err = err ? err : -1; /* libarchive's ARCHIVE_ERRNO_MISC */
			snprintf(u->msg, sizeof(u->msg), "%s", archive_message(u->dec));
		}
		u->pending_len = 0;
		return false;
	}
	u->pending = block;
	return true;
}

#if HAVE_ISAL
/* The worker's error: errno, or -1 (libarchive's ARCHIVE_ERRNO_MISC) for
 * the data's own, and the words. */
static void worker_error(struct unpack *u, int err, const char *why)
{
	u->err = err;
	snprintf(u->msg, sizeof(u->msg), "%s", why);
}

/* fill() with ISA-L: inflated straight into the slot. */
static bool gz_fill(struct unpack *u, unsigned s, size_t *len)
{
	*len = 0;
	while (*len < SLOT_SIZE && !gz_inflate_ended(u->gz)) {
		const char *why;
		if (gz_inflate_needs_input(u->gz)) {
			if (!u->from_file && *len > 0)
				return true;
			ssize_t n = input_read(u, u->in, READ_BLOCK, &why);
			if (n < 0)
				worker_error(u, (int)-n, why);
			else if (n == 0 && (why = gz_inflate_finish(u->gz)))
				worker_error(u, -1, why);
			if (n <= 0)
				return false;
			gz_inflate_input(u->gz, u->in, (size_t)n);
		}
		bool in_member = gz_inflate_in_member(u->gz);
		long n = gz_inflate_run(u->gz, u->slot[s] + *len, SLOT_SIZE - *len, &why);
		if (n < 0) {
			worker_error(u, -1, why);
			return false;
		}
		*len += (size_t)n;
		/* A member's end, its trailer checked: said at once from a
		 * pipe (member_open), whose next bytes may be long in coming,
		 * even when the trailer came alone and made no output. */
		if (in_member && !gz_inflate_in_member(u->gz) && !u->from_file)
			return true;
	}
	return !gz_inflate_ended(u->gz);
}
#endif

/* Fill slot s; false once the stream has ended or failed, with *len what
 * the slot got before. From a regular file the slot is filled up (fewer
 * hand-overs); from a pipe it goes over after each block, since data the
 * tar reader needs must not wait in a half-filled slot for input that may
 * not come for long (archive_read_data() would wait so: it fills its
 * buffer). */
static bool fill(struct unpack *u, unsigned s, size_t *len)
{
#if HAVE_ISAL
	if (u->gz)
		return gz_fill(u, s, len);
#endif
	*len = 0;
	do {
		if (u->pending_len == 0 && !next_block(u))
			return false;
		size_t n = SLOT_SIZE - *len;
		if (n > u->pending_len)
			n = u->pending_len;
		memcpy(u->slot[s] + *len, u->pending, n);
		*len += n;
		u->pending += n;
		u->pending_len -= n;
	} while (u->from_file && *len < SLOT_SIZE);
	return true;
}

static void *worker(void *arg)
{
	struct unpack *u = arg;
	bool more = true;
	while (more) {
		pthread_mutex_lock(&u->lock);
		while (u->filled == SLOTS && !u->stopping)
			pthread_cond_wait(&u->changed, &u->lock);
		bool stopping = u->stopping;
		unsigned s = u->head;
		pthread_mutex_unlock(&u->lock);
		if (stopping)
			break;

		/* Slot s is the worker's alone until filled is raised. */
		size_t len;
		more = fill(u, s, &len);
		if (u->input.digest)
			digest_update(&u->digest, u->slot[s], len);
		pthread_mutex_lock(&u->lock);
#if HAVE_ISAL
		u->member_open = u->gz && gz_inflate_in_member(u->gz);
#endif
		if (len > 0) {
			u->len[s] = len;
			u->head = (s + 1) % SLOTS;
			u->filled++;
		}
		pthread_cond_signal(&u->changed);
		pthread_mutex_unlock(&u->lock);
	}
	pthread_mutex_lock(&u->lock);
	u->done = true;
	pthread_cond_signal(&u->changed);
	pthread_mutex_unlock(&u->lock);
	return NULL;
}

/* Under lock: the slot the tar reader held is the worker's again. */
static void release_held(struct unpack *u)
{
	if (!u->held)
		return;
	u->held = false;
	u->tail = (u->tail + 1) % SLOTS;
	u->filled--;
	pthread_cond_signal(&u->changed);
}

la_ssize_t unpack_read(struct archive *a, void *ctx, const void **buf)
{
	struct unpack *u = ctx;
	pthread_mutex_lock(&u->lock);
	release_held(u);
	while (u->filled == 0 && !u->done)
		pthread_cond_wait(&u->changed, &u->lock);
	la_ssize_t n = 0;
	if (u->filled > 0) {
		u->held = true;
		*buf = u->slot[u->tail];
		n = (la_ssize_t)u->len[u->tail];
	} else if (u->err) {
		archive_set_error(a, u->err, "%s", u->msg);
		n = -1;
	}
	pthread_mutex_unlock(&u->lock);
	return n;
}

/* Under lock: the stream taken and dropped until the worker has stopped,
 * or (!whole) until it is between gzip members. */
static void drain(struct unpack *u, bool whole)
{
	for (;;) {
		release_held(u);
		while (u->filled == 0 && !u->done && (whole || u->member_open))
			pthread_cond_wait(&u->changed, &u->lock);
		if (u->filled == 0)
			break;
		u->held = true;
	}
}

/* The worker's error, once it has stopped. */
static int worker_failure(const struct unpack *u, struct failure *f)
{
	if (u->err > 0)
		return fail(f, u->err, "cannot read the archive");
	if (u->err)
		return fail_said(f, EIO, "cannot read the archive: %s", u->msg);
	return 0;
}

int unpack_finish(struct unpack *u, char hex[DIGEST_HEX_LEN + 1], struct failure *f)
{
	pthread_mutex_lock(&u->lock);
	drain(u, true);
	pthread_mutex_unlock(&u->lock);
	int r = worker_failure(u, f);
	if (r < 0)
		return r;
	/* The worker has stopped: its digest is ours to finish. */
	digest_final(&u->digest, hex);
	return 0;
}

int unpack_settle(struct unpack *u, struct failure *f)
{
	pthread_mutex_lock(&u->lock);
	drain(u, false);
	bool done = u->done;
	pthread_mutex_unlock(&u->lock);
	return done ? worker_failure(u, f) : 0;
}

uint64_t unpack_raw_bytes(const struct unpack *u)
{
	return atomic_load(&u->raw_bytes);
}

void unpack_free(struct unpack *u)
{
	if (!u)
		return;
	if (u->started) {
		pthread_mutex_lock(&u->lock);
		u->stopping = true;
		pthread_cond_signal(&u->changed);
		pthread_mutex_unlock(&u->lock);
		/* Wakes a worker in poll(2); a full pipe cannot happen: one byte. */
		(void)!write(u->stop[1], "", 1);
		pthread_join(u->thread, NULL);
	}
	if (u->dec)
		archive_read_free(u->dec);
#if HAVE_ISAL
	gz_inflate_free(u->gz);
#endif
	for (unsigned i = 0; i < SLOTS; i++)
		free(u->slot[i]);
	free(u->in);
	if (u->stop[0] >= 0)
		close(u->stop[0]);
	if (u->stop[1] >= 0)
		close(u->stop[1]);
	pthread_cond_destroy(&u->changed);
	pthread_mutex_destroy(&u->lock);
	free(u);
}

/*
 * Only the filters that libarchive runs in-process: with
 * archive_read_support_filter_all() an lzop, lrzip or grzip stream would make
 * it run an external program, found in what is by then the archive's root.
 */
static int setup_decoder(struct archive *dec)
{
	int (*const filters[])(struct archive *) = {
		archive_read_support_filter_gzip, archive_read_support_filter_bzip2,
		archive_read_support_filter_xz,	  archive_read_support_filter_lzma,
		archive_read_support_filter_lzip, archive_read_support_filter_zstd,
		archive_read_support_filter_lz4,  archive_read_support_filter_compress,
	};
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		if (filters[i](dec) < ARCHIVE_WARN)
			return -1;
	return archive_read_support_format_raw(dec) == ARCHIVE_OK ? 0 : -1;
}

/* The first bytes of the input, enough to tell gzip by its magic (1f 8b
 * 08), into u->in; a failed read is kept for libarchive's first. */
static void read_first(struct unpack *u)
{
	while (u->first_len < 3) {
		ssize_t n =
		    input_read(u, u->in + u->first_len, READ_BLOCK - u->first_len, &u->first_why);
		if (n < 0)
			u->first_err = (int)-n;
		if (n <= 0)
			return;
		u->first_len += (size_t)n;
	}
}

/* The decoder for what read_first() got: ISA-L's for gzip, else
 * libarchive's filters, which fail now on an empty or unreadable input. */
static int open_decoder(struct unpack *u, struct failure *f)
{
#if HAVE_ISAL
	if (gz_is_gzip(u->in, u->first_len)) {
		if (!(u->gz = gz_inflate_new()))
			return fail(f, ENOMEM, "cannot set up the gzip decoder");
		gz_inflate_input(u->gz, u->in, u->first_len);
		u->first_len = 0;
		u->member_open = true;
		return 0;
	}
#endif
	struct archive_entry *e;
	if (!(u->dec = archive_read_new()) || setup_decoder(u->dec) < 0)
		return fail(f, ENOMEM, "cannot set up libarchive");
	if (archive_read_open(u->dec, u, NULL, source_read, NULL) != ARCHIVE_OK ||
	    archive_read_next_header(u->dec, &e) != ARCHIVE_OK)
		return fail_archive_read(f, u->dec, unpack_raw_bytes(u) == 0);
	return 0;
}

int unpack_start(const struct unpack_input *in, struct unpack **out, struct failure *f)
{
	struct unpack *u = calloc(1, sizeof(*u));
	if (!u)
		return fail(f, ENOMEM, "cannot set up libarchive");
	pthread_mutex_init(&u->lock, NULL);
	pthread_cond_init(&u->changed, NULL);
	u->input = *in;
	digest_init(&u->digest);
	struct stat st;
	u->from_file = in->ranged || (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode));
	u->stop[0] = u->stop[1] = -1;
	if (pipe2(u->stop, O_CLOEXEC) < 0) {
		int err = errno;
		unpack_free(u);
		return fail(f, err, "cannot make a pipe");
	}
	bool ok = (u->in = malloc(READ_BLOCK)) != NULL;
	for (unsigned i = 0; ok && i < SLOTS; i++)
		ok = (u->slot[i] = malloc(SLOT_SIZE)) != NULL;
	if (!ok) {
		unpack_free(u);
		return fail(f, ENOMEM, "cannot set up libarchive");
	}

	/* The decoder is chosen here, on the caller's thread, from the first
	 * bytes. */
	read_first(u);
	int r = open_decoder(u, f);
	if (r < 0) {
		unpack_free(u);
		return r;
	}
	int err = pthread_create(&u->thread, NULL, worker, u);
	if (err) {
		unpack_free(u);
		return fail(f, err, "cannot start the decompression thread");
	}
	u->started = true;
	*out = u;
	return 0;
}
