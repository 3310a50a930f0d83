// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The outer tar of an image archive. Its entries have fixed names of our
 * own and contents of our own (but the layer), so their ustar headers are
 * written here by hand. The layer comes first of the blobs: its name is
 * its digest and its header holds its size, neither known before it is
 * written, so 512 bytes are left for the header, the layer is streamed
 * after them (layer-write.c) and the header is written into its place at the
 * end. The config, which names the layer's diff_id, and the manifest,
 * which names both, follow.
 */
#include "archive/image-write.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "archive/digest.h"
#include "archive/layer-write.h"
#include "util/cleanup.h"
#include "util/io.h"
#include "util/json.h"

#define BLOCK 512

/* Where a blob goes in the outer tar: PREFIX HEX SUFFIX. */
struct blob_name {
	const char *prefix, *suffix;
};

/* The outer tar: its descriptor and its entries' mtime. */
struct outer {
	int fd;
	time_t mtime;
};

static const char zeros[2 * BLOCK];

static const char *const layer_media_types[] = {
	[COMPRESS_NONE] = "application/vnd.oci.image.layer.v1.tar",
	[COMPRESS_GZIP] = "application/vnd.oci.image.layer.v1.tar+gzip",
	[COMPRESS_ZSTD] = "application/vnd.oci.image.layer.v1.tar+zstd",
};

bool image_compression_ok(enum export_format format, enum compression c)
{
	return format != FORMAT_OCI_ARCHIVE || (c != COMPRESS_XZ && layer_media_types[c]);
}

bool image_config_ok(const char *config)
{
	size_t len = strlen(config);
	return len >= 2 && config[0] == '{' && config[len - 1] == '}' &&
	       (len == 2 || config[1] == '"');
}

/* v in a numeric field of n bytes: n - 1 octal digits and a NUL, or, too
 * large for them (a size of 8 GiB or more), base-256 as GNU tar writes
 * it, which every reader of images takes: the first byte 0x80, the value
 * big-endian in the rest. */
static void put_number(char *field, size_t n, uint64_t v)
{
	if (v < (UINT64_C(1) << (3 * (n - 1)))) {
		snprintf(field, n, "%0*" PRIo64, (int)(n - 1), v);
		return;
	}
	memset(field, 0, n);
	field[0] = (char)0x80;
	for (size_t i = n - 1; i > 0 && v; i--, v >>= 8)
		field[i] = (char)(v & 0xff);
}

/* A ustar header of an entry owned by 0:0 (name shorter than 100 bytes). */
static void ustar_header(char h[BLOCK], const char *name, char type, uint64_t size, time_t mtime)
{
	memset(h, 0, BLOCK);
	snprintf(h, 100, "%s", name);
	put_number(h + 100, 8, type == '5' ? 0755 : 0644);
	put_number(h + 108, 8, 0);
	put_number(h + 116, 8, 0);
	put_number(h + 124, 12, size);
	put_number(h + 136, 12, (uint64_t)mtime);
	h[156] = type;
	snprintf(h + 257, 6, "ustar");
	h[263] = h[264] = '0'; /* the version, no NUL */
	snprintf(h + 265, 32, "root");
	snprintf(h + 297, 32, "root");
	put_number(h + 329, 8, 0);
	put_number(h + 337, 8, 0);
	/* The checksum is of the header with its own field as spaces. */
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (size_t i = 0; i < BLOCK; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 7, "%06o", sum);
}

static int put(const struct outer *o, const void *buf, size_t len, struct failure *f)
{
	int r = write_all(o->fd, buf, len);
	return r < 0 ? fail(f, -r, "cannot write the archive") : 0;
}

/* The zeros that fill the last block of an entry of size bytes. */
static int put_padding(const struct outer *o, uint64_t size, struct failure *f)
{
	return put(o, zeros, (BLOCK - size % BLOCK) % BLOCK, f);
}

static int put_entry(const struct outer *o, const char *name, char type, const char *data,
		     size_t len, struct failure *f)
{
	char h[BLOCK];
	ustar_header(h, name, type, len, o->mtime);
	int r = put(o, h, sizeof(h), f);
	if (r == 0)
		r = put(o, data, len, f);
	if (r == 0)
		r = put_padding(o, len, f);
	return r;
}

/* data as the blob of its digest, which goes to hex. */
static int put_blob(const struct outer *o, const struct blob_name *b, const char *data,
		    char hex[DIGEST_HEX_LEN + 1], struct failure *f)
{
	struct digest d;
	digest_init(&d);
	digest_update(&d, data, strlen(data));
	digest_final(&d, hex);
	char name[BLOCK];
	snprintf(name, sizeof(name), "%s%s%s", b->prefix, hex, b->suffix);
	return put_entry(o, name, '0', data, strlen(data), f);
}

static int pwrite_block(int fd, const char buf[BLOCK], off_t at)
{
	ssize_t n;
	do
		n = pwrite(fd, buf, BLOCK, at);
	while (n < 0 && errno == EINTR);
	return n == BLOCK ? 0 : n < 0 ? -errno : -EIO;
}

/* The layer, its header written last into the block left for it. */
static int put_layer(const struct outer *o, const struct blob_name *b,
		     const struct write_options *wo, const struct archive_hooks *hooks,
		     struct write_stats *st, struct layer_info *layer, struct failure *f)
{
	off_t at = lseek(o->fd, 0, SEEK_CUR);
	if (at < 0)
		return fail(f, errno, "cannot write the archive");
	int r = put(o, zeros, BLOCK, f);
	if (r == 0)
		r = layer_write(o->fd, wo, hooks, st, layer, f);
	if (r == 0)
		r = put_padding(o, layer->size, f);
	if (r < 0)
		return r;
	char name[BLOCK], h[BLOCK];
	snprintf(name, sizeof(name), "%s%s%s", b->prefix, layer->digest, b->suffix);
	ustar_header(h, name, '0', layer->size, o->mtime);
	r = pwrite_block(o->fd, h, at);
	return r < 0 ? fail(f, -r, "cannot write the archive") : 0;
}

/* The config given, with the layer's diff_id as its rootfs; its digest to
 * hex, its size to *size. */
static int put_config(const struct outer *o, const struct blob_name *b, const char *config,
		      const struct layer_info *layer, char hex[DIGEST_HEX_LEN + 1], size_t *size,
		      struct failure *f)
{
	_cleanup_free_ char *doc = NULL;
	int len = (int)strlen(config) - 1;
	if (asprintf(&doc, "%.*s%s\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:%s\"]}}",
		     len, config, len > 1 ? "," : "", layer->diff_id) < 0)
		return fail(f, ENOMEM, "cannot write the image config");
	*size = strlen(doc);
	return put_blob(o, b, doc, hex, f);
}

static int write_oci(const struct outer *o, const struct image_options *io,
		     const struct write_options *wo, const struct archive_hooks *hooks,
		     struct write_stats *st, struct failure *f)
{
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	static const struct blob_name blob = { "blobs/sha256/", "" };
	int r = put_entry(o, "oci-layout", '0', layout, strlen(layout), f);
	if (r == 0)
		r = put_entry(o, "blobs/", '5', "", 0, f);
	if (r == 0)
		r = put_entry(o, "blobs/sha256/", '5', "", 0, f);
	struct layer_info layer = { 0 };
	if (r == 0)
		r = put_layer(o, &blob, wo, hooks, st, &layer, f);
	char config[DIGEST_HEX_LEN + 1], manifest[DIGEST_HEX_LEN + 1];
	size_t config_size = 0;
	if (r == 0)
		r = put_config(o, &blob, io->config, &layer, config, &config_size, f);
	if (r < 0)
		return r;

	_cleanup_free_ char *man = NULL, *index = NULL;
	if (asprintf(&man,
		     "{\"schemaVersion\":2,"
		     "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		     "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
		     "\"digest\":\"sha256:%s\",\"size\":%zu},"
		     "\"layers\":[{\"mediaType\":\"%s\",\"digest\":\"sha256:%s\",\"size\":%" PRIu64
		     "}]}",
		     config, config_size, layer_media_types[wo->compress], layer.digest,
		     layer.size) < 0)
		return fail(f, ENOMEM, "cannot write the image manifest");
	r = put_blob(o, &blob, man, manifest, f);
	if (r < 0)
		return r;
	if (asprintf(&index,
		     "{\"schemaVersion\":2,"
		     "\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
		     "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		     "\"digest\":\"sha256:%s\",\"size\":%zu,"
		     "\"annotations\":{\"org.opencontainers.image.ref.name\":\"%s\"}}]}",
		     manifest, strlen(man), io->tag ? io->tag : "latest") < 0)
		return fail(f, ENOMEM, "cannot write the image index");
	return put_entry(o, "index.json", '0', index, strlen(index), f);
}

/* manifest.json: the config, the tag and the layer, by file name. */
static int put_docker_manifest(const struct outer *o, const char *config, const char *tag,
			       const char *layer, struct failure *f)
{
	_cleanup_free_ char *doc = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&doc, &len);
	if (!m)
		return fail(f, errno, "cannot write the image manifest");
	fprintf(m, "[{\"Config\":\"%s.json\",\"RepoTags\":[", config);
	json_string(m, tag);
	fprintf(m, "],\"Layers\":[\"%s.tar\"]}]", layer);
	bool broken = ferror(m);
	if (fclose(m) != 0 || broken)
		return fail(f, ENOMEM, "cannot write the image manifest");
	return put_entry(o, "manifest.json", '0', doc, len, f);
}

static int write_docker(const struct outer *o, const struct image_options *io,
			const struct write_options *wo, const struct archive_hooks *hooks,
			struct write_stats *st, struct failure *f)
{
	static const struct blob_name layer_blob = { "", ".tar" }, config_blob = { "", ".json" };
	struct layer_info layer;
	char config[DIGEST_HEX_LEN + 1];
	size_t config_size;
	int r = put_layer(o, &layer_blob, wo, hooks, st, &layer, f);
	if (r == 0)
		r = put_config(o, &config_blob, io->config, &layer, config, &config_size, f);
	if (r == 0)
		r = put_docker_manifest(o, config, io->tag, layer.digest, f);
	return r;
}

/* The layer's header is written in place: fd must be seekable, and not
 * appending, where pwrite(2) would write at the end. */
static int check_output(int fd, struct failure *f)
{
	if (lseek(fd, 0, SEEK_CUR) < 0)
		return fail(f, errno, "an image must go to a seekable file");
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0)
		return fail(f, errno, "cannot write the archive");
	if (flags & O_APPEND)
		return fail_said(f, EINVAL, "an image cannot go to a file opened for appending");
	return 0;
}

int image_write(int fd, const struct image_options *io, const struct write_options *wo,
		const struct archive_hooks *hooks, struct write_stats *st, struct failure *f)
{
	if (!image_compression_ok(io->format, wo->compress))
		return fail_said(f, EINVAL, "an OCI image layer cannot be compressed with %s",
				 value_to_name(compression_names, wo->compress, "?"));
	int r = check_output(fd, f);
	if (r < 0)
		return r;
	const struct outer o = { fd, time(NULL) };
	r = io->format == FORMAT_OCI_ARCHIVE ? write_oci(&o, io, wo, hooks, st, f)
					     : write_docker(&o, io, wo, hooks, st, f);
	/* The end of the archive: two zero blocks. */
	return r < 0 ? r : put(&o, zeros, sizeof(zeros), f);
}
