// SPDX-License-Identifier: GPL-2.0-or-later
#include "archive/apply.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive/layer.h"
#include "util/cleanup.h"
#include "util/text.h"

/* A setting longer than this is no setting: the five of them, with the
 * summary, must fit a pipe's default buffer (64 KiB), since nschroot
 * reads them only once we have exited. */
#define MAX_SETTING (8u << 10)

/* An uncompressed tar archive: "ustar" at byte 257 of its first header. */
static bool is_plain_tar(int fd)
{
	char hdr[512];
	ssize_t n = pread(fd, hdr, sizeof(hdr), 0);
	return n == (ssize_t)sizeof(hdr) && memcmp(hdr + 257, "ustar", 5) == 0;
}

/* A file of a docker save or OCI archive: manifest.json, repositories,
 * oci-layout, index.json, blobs/sha256/HEX, HEX.json, HEX.tar, and HEX/
 * holding VERSION, json and layer.tar. */
static bool image_file(const char *name)
{
	static const char *const top[] = { "manifest.json", "repositories", "oci-layout",
					   "index.json" };
	static const char *const legacy[] = { "/VERSION", "/json", "/layer.tar" };
	for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		if (strcmp(name, top[i]) == 0)
			return true;
	if (strncmp(name, "blobs/sha256/", 13) == 0)
		return digest_is_hex(name + 13, strlen(name + 13));
	if (!digest_is_hex(name, strlen(name) < DIGEST_HEX_LEN ? strlen(name) : DIGEST_HEX_LEN))
		return false;
	const char *rest = name + DIGEST_HEX_LEN;
	if (strcmp(rest, ".json") == 0 || strcmp(rest, ".tar") == 0)
		return true;
	for (size_t i = 0; i < sizeof(legacy) / sizeof(legacy[0]); i++)
		if (strcmp(rest, legacy[i]) == 0)
			return true;
	return false;
}

/* A FILE given as a tarball: a docker save (or OCI) archive when an
 * uncompressed tar with manifest.json or oci-layout at its top and no
 * file an image does not have (a root filesystem may hold a
 * /manifest.json). */
static int detect(int fd, struct blobs **b, struct failure *f)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !is_plain_tar(fd))
		return -ENOMSG;
	int dupfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dupfd < 0)
		return fail(f, errno, "cannot read the archive");
	struct failure ignored = { 0 };
	if (blobs_from_tar(dupfd, b, &ignored) < 0)
		return -ENOMSG;
	if ((blobs_has(*b, "manifest.json") || blobs_has(*b, "oci-layout")) &&
	    blobs_all(*b, image_file))
		return 0;
	blobs_free(*b);
	*b = NULL;
	return -ENOMSG;
}

int image_load(int fd, enum image_source src, const struct image_choice *c, struct blobs **b,
	       struct image *img, struct failure *f)
{
	int r;
	*b = NULL;
	if (src == SOURCE_AUTO) {
		r = detect(fd, b, f);
		if (r < 0) {
			if (r == -ENOMSG && lseek(fd, 0, SEEK_SET) < 0 && errno != ESPIPE)
				return fail(f, errno, "cannot read the archive");
			return r;
		}
		close(fd);
	} else if (src == SOURCE_OCI_DIR) {
		r = blobs_from_dir(fd, b, f);
	} else {
		r = blobs_from_tar(fd, b, f);
	}
	if (r < 0)
		return r;
	r = image_open(*b, c, img, f);
	if (r < 0) {
		blobs_free(*b);
		*b = NULL;
	}
	return r;
}

static int check_blob(const struct image_layer *l, size_t i, struct failure *f)
{
	char got[DIGEST_HEX_LEN + 1];
	int r = blob_hash(&l->blob, got, f);
	if (r < 0 || strcmp(got, l->digest) == 0)
		return r;
	return fail_said(f, EBADMSG,
			 "cannot read the image: layer %zu is not what its digest names "
			 "(sha256:%s, the content's sha256:%s)",
			 i + 1, l->digest, got);
}

int image_apply(const struct image *img, const struct extract_options *o,
		const struct archive_hooks *h, struct extract_stats *st, struct failure *f)
{
	_cleanup_close_ int root = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return fail(f, errno, "cannot open the extracted tree");
	uint64_t base = 0;
	for (size_t i = 0; i < img->n; i++) {
		const struct image_layer *l = &img->layers[i];
		int r = l->digest[0] ? check_blob(l, i, f) : 0;
		struct layer *layer = NULL;
		if (r == 0 && (r = layer_new(root, &layer)) < 0)
			r = fail(f, r, "cannot apply layer %zu", i + 1);
		struct extract_input x = {
			.in = { .fd = l->blob.fd,
				.ranged = true,
				.digest = true,
				.off = l->blob.off,
				.len = l->blob.size },
			.layer = layer,
			.diff_id = l->diff_id,
			.progress_base = base,
		};
		if (r == 0)
			r = extract_archive(&x, o, h, st, f);
		layer_free(layer);
		if (r < 0)
			return fail_wrap(f, "layer %zu of %zu", i + 1, img->n);
		base += l->blob.size;
	}
	return 0;
}

/* A list setting (Env, Entrypoint, Cmd): an array of strings, written
 * back compact, on one line. */
static int print_list(FILE *out, const char *key, const struct json_value *v, struct failure *f)
{
	if (json_type(v) == JSON_ABSENT || json_type(v) == JSON_NULL ||
	    (json_type(v) == JSON_ARRAY && json_count(v) == 0))
		return 0;
	if (!json_is_string_array(v))
		return fail_said(f, EINVAL,
				 "cannot use the image: its config's %s is not a list of strings",
				 key);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return fail(f, errno, "cannot record the image's config");
	json_write(m, v);
	if (fclose(m) != 0)
		return fail(f, ENOMEM, "cannot record the image's config");
	if (len > MAX_SETTING)
		return fail_said(f, EINVAL, "cannot use the image: its config's %s is too long",
				 key);
	fprintf(out, "image-%s=%s\n", key, text);
	return 0;
}

/* WorkingDir and User: one line of text. */
static int print_text(FILE *out, const char *key, const struct json_value *v, struct failure *f)
{
	const char *s = json_str(v);
	if (json_type(v) != JSON_STRING || !*s)
		return json_type(v) == JSON_ABSENT || json_type(v) == JSON_NULL || (s && !*s)
			   ? 0
			   : fail_said(f, EINVAL,
				       "cannot use the image: its config's %s is no text", key);
	for (const char *p = s; *p; p++)
		if (control_char_len(p))
			return fail_said(f, EINVAL,
					 "cannot use the image: its config's %s holds a control "
					 "character",
					 key);
	if (strlen(s) > MAX_SETTING)
		return fail_said(f, EINVAL, "cannot use the image: its config's %s is too long",
				 key);
	fprintf(out, "image-%s=%s\n", key, s);
	return 0;
}

int image_print_config(const struct image *img, FILE *out, struct failure *f)
{
	const struct json_value *c = json_get(img->config, "config");
	if (img->manifest_digest[0])
		fprintf(out, "image-digest=sha256:%s\n", img->manifest_digest);
	fprintf(out, "image-id=sha256:%s\n", img->config_digest);
	int r = print_list(out, "env", json_get(c, "Env"), f);
	if (r == 0)
		r = print_list(out, "entrypoint", json_get(c, "Entrypoint"), f);
	if (r == 0)
		r = print_list(out, "cmd", json_get(c, "Cmd"), f);
	if (r == 0)
		r = print_text(out, "workdir", json_get(c, "WorkingDir"), f);
	if (r == 0)
		r = print_text(out, "user", json_get(c, "User"), f);
	return r;
}
