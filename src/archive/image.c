// SPDX-License-Identifier: GPL-2.0-or-later
#include "archive/image.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arch.h"
#include "util/cleanup.h"

/* The OCI spec's bound on a manifest; a config's history can be longer. */
#define MAX_MANIFEST (4u << 20)
#define MAX_CONFIG   (16u << 20)
#define MAX_LAYERS   1000
/* Indexes within indexes. */
#define MAX_NESTING 4

#define OCI_INDEX	    "application/vnd.oci.image.index.v1+json"
#define OCI_MANIFEST	    "application/vnd.oci.image.manifest.v1+json"
#define DOCKER_LIST	    "application/vnd.docker.distribution.manifest.list.v2+json"
#define DOCKER_MANIFEST	    "application/vnd.docker.distribution.manifest.v2+json"
#define REF_NAME_ANNOTATION "org.opencontainers.image.ref.name"

static int parse_doc(const char *text, size_t len, const char *what, struct json_value **out,
		     struct failure *f)
{
	char why[128];
	int r = json_parse(text, len, out, why, sizeof(why));
	if (r == -EINVAL)
		return fail_said(f, EINVAL, "cannot read the image: %s is not valid JSON (%s)",
				 what, why);
	return r < 0 ? fail(f, r, "cannot read %s of the image", what) : 0;
}

/* A file of the image, read whole, checked against hex (unless NULL) and
 * size (unless UINT64_MAX), parsed. */
static int read_doc(struct blobs *b, const char *name, const char *hex, uint64_t size, size_t max,
		    const char *what, struct json_value **out, struct failure *f)
{
	struct blob blob;
	int r = hex ? blobs_get_digest(b, hex, &blob, f) : blobs_get(b, name, &blob, f);
	if (r < 0)
		return r;
	if (size != UINT64_MAX && blob.size != size) {
		blob_close(&blob);
		return fail_said(f, EBADMSG,
				 "cannot read the image: %s has %llu bytes, its descriptor says "
				 "%llu",
				 what, (unsigned long long)blob.size, (unsigned long long)size);
	}
	_cleanup_free_ char *text = NULL;
	r = blob_read(&blob, max, hex, what, &text, f);
	blob_close(&blob);
	if (r < 0)
		return r;
	return parse_doc(text, (size_t)blob.size, what, out, f);
}

/* A descriptor's digest (sha256 alone) and size. */
static int descriptor(const struct json_value *d, const char *what, char hex[DIGEST_HEX_LEN + 1],
		      uint64_t *size, struct failure *f)
{
	int r = digest_parse(json_get_str(d, "digest"), hex);
	if (r == -ENOTSUP)
		return fail_said(f, ENOTSUP, "cannot read the image: %s's digest is not sha256",
				 what);
	if (r < 0)
		return fail_said(f, EINVAL, "cannot read the image: %s has no valid digest", what);
	if (json_u64(json_get(d, "size"), size) < 0)
		return fail_said(f, EINVAL, "cannot read the image: %s has no valid size", what);
	return 0;
}

static bool is_index(const struct json_value *doc)
{
	const char *type = json_get_str(doc, "mediaType");
	if (type)
		return strcmp(type, OCI_INDEX) == 0 || strcmp(type, DOCKER_LIST) == 0;
	return json_get(doc, "manifests") && !json_get(doc, "layers");
}

/* The Debian name of a descriptor's platform, or NULL. */
static const char *platform_arch(const struct json_value *d)
{
	const struct json_value *p = json_get(d, "platform");
	const char *os = json_get_str(p, "os"), *arch = json_get_str(p, "architecture");
	if (!os || !arch || strcmp(os, "linux") != 0)
		return NULL;
	return arch_of_oci(arch, json_get_str(p, "variant"));
}

/* The platforms an index offers, for the message that none is wanted. */
static void list_platforms(const struct json_value *m, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < json_count(m) && n + 1 < len; i++) {
		const struct json_value *p = json_get(json_item(m, i), "platform");
		const char *os = json_get_str(p, "os"), *arch = json_get_str(p, "architecture");
		const char *variant = json_get_str(p, "variant");
		if (!os || !arch || strcmp(os, "unknown") == 0)
			continue;
		int w = snprintf(buf + n, len - n, "%s%s/%s%s%s", n ? ", " : "", os, arch,
				 variant ? "/" : "", variant ? variant : "");
		n = w < 0 || (size_t)w >= len - n ? len - 1 : n + (size_t)w;
	}
}

/* The entry of the index's manifests for the wanted architecture. */
static int choose_platform(const struct json_value *m, const struct image_choice *c,
			   const struct json_value **out, struct failure *f)
{
	for (size_t i = 0; i < json_count(m); i++) {
		const char *arch = platform_arch(json_item(m, i));
		if (arch && strcmp(arch, c->arch) == 0) {
			*out = json_item(m, i);
			return 0;
		}
	}
	char have[256];
	list_platforms(m, have, sizeof(have));
	const char *variant = NULL;
	const char *oci = arch_oci_name(c->arch, &variant);
	fail_hint(f,
		  "the image offers %s; choose one with --arch (Debian's names: amd64, arm64, ...)",
		  *have ? have : "no linux platform");
	return fail_said(f, ENOENT, "cannot use the image: it has no linux/%s%s%s entry",
			 oci ? oci : c->arch, variant ? "/" : "", variant ? variant : "");
}

/* The manifests of index.json named ref, or the only one. */
static int choose_ref(const struct json_value *m, const char *ref, const struct json_value **out,
		      struct failure *f)
{
	const struct json_value *found = NULL;
	size_t named = 0;
	for (size_t i = 0; i < json_count(m); i++) {
		const struct json_value *d = json_item(m, i);
		const char *name = json_get_str(json_get(d, "annotations"), REF_NAME_ANNOTATION);
		named += name != NULL;
		if (ref ? name && strcmp(name, ref) == 0 : json_count(m) == 1)
			found = d;
	}
	if (found) {
		*out = found;
		return 0;
	}
	if (ref)
		return fail_said(f, ENOENT,
				 "cannot use the image: the layout has no image named '%s'", ref);
	if (json_count(m) == 0)
		return fail_said(f, ENOENT, "cannot use the image: the layout holds no image");
	/* Several entries, none named: one image per platform. */
	if (named == 0)
		return 1;
	fail_hint(f, "%s", "name one: oci:DIR:REF or oci-archive:FILE:REF");
	return fail_said(f, ENOENT, "cannot use the image: the layout holds %zu images",
			 json_count(m));
}

/* From a descriptor to the image manifest it leads to, through indexes:
 * *doc the manifest, hex its digest. */
/* NOLINTNEXTLINE(misc-no-recursion): at most MAX_NESTING deep */
static int follow(struct blobs *b, const struct json_value *d, const struct image_choice *c,
		  int depth, struct json_value **doc, char hex[DIGEST_HEX_LEN + 1],
		  struct failure *f)
{
	uint64_t size = 0;
	int r = descriptor(d, "a manifest", hex, &size, f);
	if (r < 0)
		return r;
	_cleanup_json_ struct json_value *v = NULL;
	r = read_doc(b, NULL, hex, size, MAX_MANIFEST, "a manifest", &v, f);
	if (r < 0)
		return r;
	if (!is_index(v)) {
		*doc = steal_pointer(&v);
		return 0;
	}
	if (depth == MAX_NESTING)
		return fail_said(f, EINVAL, "cannot read the image: its indexes nest too deep");
	const struct json_value *next = NULL;
	r = choose_platform(json_get(v, "manifests"), c, &next, f);
	return r < 0 ? r : follow(b, next, c, depth + 1, doc, hex, f);
}

static int oci_manifest(struct blobs *b, const struct image_choice *c, struct json_value **doc,
			char hex[DIGEST_HEX_LEN + 1], struct failure *f)
{
	_cleanup_json_ struct json_value *index = NULL;
	int r = read_doc(b, "index.json", NULL, UINT64_MAX, MAX_MANIFEST, "index.json", &index, f);
	if (r < 0)
		return r;
	const struct json_value *m = json_get(index, "manifests"), *d = NULL;
	if (json_type(m) != JSON_ARRAY)
		return fail_said(f, EINVAL, "cannot read the image: index.json lists no manifests");
	r = choose_ref(m, c->ref, &d, f);
	if (r == 1)
		r = choose_platform(m, c, &d, f);
	return r < 0 ? r : follow(b, d, c, 0, doc, hex, f);
}

static bool layer_type_known(const char *type)
{
	static const char *const known[] = {
		"application/vnd.oci.image.layer.v1.tar",
		"application/vnd.oci.image.layer.v1.tar+gzip",
		"application/vnd.oci.image.layer.v1.tar+zstd",
		"application/vnd.oci.image.layer.nondistributable.v1.tar",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
		"application/vnd.docker.image.rootfs.diff.tar.gzip",
		"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
	};
	for (size_t i = 0; type && i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(type, known[i]) == 0)
			return true;
	return false;
}

static int alloc_layers(struct image *img, size_t n, struct failure *f)
{
	if (n == 0 || n > MAX_LAYERS)
		return fail_said(f, EINVAL, "cannot read the image: it has %zu layers (1 to %d)", n,
				 MAX_LAYERS);
	img->layers = calloc(n, sizeof(*img->layers));
	if (!img->layers)
		return fail(f, ENOMEM, "cannot read the image");
	for (size_t i = 0; i < n; i++)
		img->layers[i].blob = (struct blob){ .fd = -1, .own_fd = -1 };
	img->n = n;
	return 0;
}

/* The manifest's layers, each blob found and its size checked. */
static int oci_layers(struct blobs *b, const struct json_value *layers, struct image *img,
		      struct failure *f)
{
	int r = alloc_layers(img, json_count(layers), f);
	for (size_t i = 0; r == 0 && img->layers && i < img->n; i++) {
		const struct json_value *d = json_item(layers, i);
		struct image_layer *l = &img->layers[i];
		const char *type = json_get_str(d, "mediaType");
		uint64_t size = 0;
		if (!layer_type_known(type))
			return fail_said(f, ENOTSUP,
					 "cannot apply the image's layer %zu: its media "
					 "type is '%s'",
					 i + 1, type ? type : "none");
		r = descriptor(d, "a layer", l->digest, &size, f);
		if (r == 0)
			r = blobs_get_digest(b, l->digest, &l->blob, f);
		if (r == 0 && l->blob.size != size)
			r = fail_said(f, EBADMSG,
				      "cannot read the image: layer %zu has %llu bytes, its "
				      "descriptor says %llu",
				      i + 1, (unsigned long long)l->blob.size,
				      (unsigned long long)size);
		img->total += l->blob.size;
	}
	return r;
}

/* The config's diff_ids, one a layer, and its platform when it must be
 * the one chosen. */
static int check_config(const struct image_choice *c, struct image *img, struct failure *f)
{
	const struct json_value *ids = json_get(json_get(img->config, "rootfs"), "diff_ids");
	if (json_count(ids) != img->n || json_type(ids) != JSON_ARRAY)
		return fail_said(f, EINVAL,
				 "cannot read the image: its config lists %zu layers, its manifest "
				 "%zu",
				 json_count(ids), img->n);
	for (size_t i = 0; i < img->n; i++)
		if (digest_parse(json_str(json_item(ids, i)), img->layers[i].diff_id) < 0)
			return fail_said(f, EINVAL,
					 "cannot read the image: diff_id %zu is not a "
					 "sha256 digest",
					 i + 1);
	const char *os = json_get_str(img->config, "os");
	const char *arch = json_get_str(img->config, "architecture");
	const char *debian = arch ? arch_of_oci(arch, json_get_str(img->config, "variant")) : NULL;
	if (os && strcmp(os, "linux") != 0)
		return fail_said(f, ENOTSUP, "cannot use the image: it is for %s, not linux", os);
	if (c->arch_given && (!debian || strcmp(debian, c->arch) != 0))
		return fail_said(f, ENOENT, "cannot use the image: it is for %s, not %s",
				 arch ? arch : "an unknown architecture", c->arch);
	return 0;
}

static int open_oci(struct blobs *b, const struct image_choice *c, struct image *img,
		    struct failure *f)
{
	_cleanup_json_ struct json_value *manifest = NULL;
	int r = oci_manifest(b, c, &manifest, img->manifest_digest, f);
	if (r < 0)
		return r;
	const char *type = json_get_str(manifest, "mediaType");
	if (type && strcmp(type, OCI_MANIFEST) != 0 && strcmp(type, DOCKER_MANIFEST) != 0)
		return fail_said(f, ENOTSUP, "cannot use the image: its manifest is of type '%s'",
				 type);
	const struct json_value *config = json_get(manifest, "config");
	uint64_t size = 0;
	r = descriptor(config, "the config", img->config_digest, &size, f);
	if (r == 0)
		r = read_doc(b, NULL, img->config_digest, size, MAX_CONFIG, "the config",
			     &img->config, f);
	if (r == 0)
		r = oci_layers(b, json_get(manifest, "layers"), img, f);
	return r < 0 ? r : check_config(c, img, f);
}

/* The digest a docker save archive's file name gives: "blobs/sha256/HEX"
 * (Docker 25 on), "HEX.json", "HEX.tar" (skopeo); "" for one that gives
 * none ("ID/layer.tar" of older Docker). */
static void digest_of_name(const char *name, const char *suffix, char hex[DIGEST_HEX_LEN + 1])
{
	size_t n = strlen(name), s = strlen(suffix);
	hex[0] = '\0';
	if (strncmp(name, "blobs/sha256/", 13) == 0 && digest_is_hex(name + 13, n - 13))
		memcpy(hex, name + 13, DIGEST_HEX_LEN + 1);
	else if (n == DIGEST_HEX_LEN + s && strcmp(name + DIGEST_HEX_LEN, suffix) == 0 &&
		 digest_is_hex(name, DIGEST_HEX_LEN)) {
		memcpy(hex, name, DIGEST_HEX_LEN);
		hex[DIGEST_HEX_LEN] = '\0';
	}
}

static bool has_tag(const struct json_value *entry, const char *ref)
{
	const struct json_value *tags = json_get(entry, "RepoTags");
	for (size_t i = 0; i < json_count(tags); i++)
		if (json_str(json_item(tags, i)) && strcmp(json_str(json_item(tags, i)), ref) == 0)
			return true;
	return false;
}

static int docker_entry(const struct json_value *m, const char *ref, const struct json_value **out,
			struct failure *f)
{
	if (json_type(m) != JSON_ARRAY || json_count(m) == 0)
		return fail_said(f, EINVAL, "cannot read the image: manifest.json lists no image");
	for (size_t i = 0; ref && i < json_count(m); i++)
		if (has_tag(json_item(m, i), ref)) {
			*out = json_item(m, i);
			return 0;
		}
	if (ref)
		return fail_said(f, ENOENT,
				 "cannot use the image: the archive has no image tagged '%s'", ref);
	if (json_count(m) > 1) {
		fail_hint(f, "%s", "name one by its tag: docker-archive:FILE:TAG");
		return fail_said(f, ENOENT, "cannot use the image: the archive holds %zu images",
				 json_count(m));
	}
	*out = json_item(m, 0);
	return 0;
}

static int docker_layers(struct blobs *b, const struct json_value *layers, struct image *img,
			 struct failure *f)
{
	int r = alloc_layers(img, json_count(layers), f);
	for (size_t i = 0; r == 0 && img->layers && i < img->n; i++) {
		struct image_layer *l = &img->layers[i];
		const char *name = json_str(json_item(layers, i));
		if (!name)
			return fail_said(f, EINVAL, "cannot read the image: layer %zu has no name",
					 i + 1);
		digest_of_name(name, ".tar", l->digest);
		r = blobs_get(b, name, &l->blob, f);
		img->total += l->blob.size;
	}
	return r;
}

static int open_docker(struct blobs *b, const struct image_choice *c, struct image *img,
		       struct failure *f)
{
	_cleanup_json_ struct json_value *m = NULL;
	int r =
	    read_doc(b, "manifest.json", NULL, UINT64_MAX, MAX_MANIFEST, "manifest.json", &m, f);
	const struct json_value *entry = NULL;
	if (r == 0)
		r = docker_entry(m, c->ref, &entry, f);
	if (r < 0)
		return r;
	const char *config = json_get_str(entry, "Config");
	digest_of_name(config ? config : "", ".json", img->config_digest);
	if (!img->config_digest[0])
		return fail_said(
		    f, EINVAL,
		    "cannot read the image: its config's name gives no digest to check "
		    "it by");
	r = read_doc(b, NULL, img->config_digest, UINT64_MAX, MAX_CONFIG, "the config",
		     &img->config, f);
	/* The digest names the file: read it by its name. */
	if (r == -ENOENT && !strchr(config, '/')) {
		*f = (struct failure){ 0 };
		struct blob blob;
		_cleanup_free_ char *text = NULL;
		r = blobs_get(b, config, &blob, f);
		if (r == 0)
			r = blob_read(&blob, MAX_CONFIG, img->config_digest, "the config", &text,
				      f);
		if (r == 0)
			r = parse_doc(text, (size_t)blob.size, "the config", &img->config, f);
		blob_close(&blob);
	}
	if (r == 0)
		r = docker_layers(b, json_get(entry, "Layers"), img, f);
	return r < 0 ? r : check_config(c, img, f);
}

int image_open(struct blobs *b, const struct image_choice *c, struct image *img, struct failure *f)
{
	*img = (struct image){ 0 };
	/* docker save since Docker 25 writes both: its OCI index names the
	 * manifest by digest, where manifest.json names none. */
	bool oci_layout = blobs_has(b, "oci-layout") && blobs_has(b, "index.json");
	bool docker = c->format == IMAGE_DOCKER ||
		      (c->format == IMAGE_AUTO && !oci_layout && blobs_has(b, "manifest.json"));
	int r = docker ? open_docker(b, c, img, f) : open_oci(b, c, img, f);
	if (r < 0)
		image_free(img);
	return r;
}

void image_free(struct image *img)
{
	for (size_t i = 0; i < img->n; i++)
		blob_close(&img->layers[i].blob);
	free(img->layers);
	json_free(img->config);
	*img = (struct image){ 0 };
}
