/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "archive/blobs.h"
#include "archive/digest.h"
#include "util/failure.h"
#include "util/jsonparse.h"

/*
 * A container image's manifest and config, read from its files (blobs.h)
 * and checked: every blob read here is hashed before it is parsed, and
 * its size is the one its descriptor gives. What the layers hold is
 * checked as they are applied (their blob's digest first, their
 * uncompressed content's diff_id at the end).
 *
 * OCI layouts (oci:, oci-archive:, and `docker save` since Docker 25) go
 * from index.json to a manifest, through image indexes (manifest lists)
 * chosen by platform; `docker save` archives before that from
 * manifest.json, whose files are named by their digests.
 */
enum image_format {
	IMAGE_OCI,    /* index.json */
	IMAGE_DOCKER, /* manifest.json */
	IMAGE_AUTO,   /* index.json in an OCI layout, else manifest.json */
};

struct image_layer {
	struct blob blob;
	char digest[DIGEST_HEX_LEN + 1];  /* of the blob; "" where the image names none */
	char diff_id[DIGEST_HEX_LEN + 1]; /* of its uncompressed tar */
};

struct image {
	char manifest_digest[DIGEST_HEX_LEN + 1]; /* "" without a manifest (docker save) */
	char config_digest[DIGEST_HEX_LEN + 1];	  /* the image's id */
	struct json_value *config;		  /* the config document */
	struct image_layer *layers;
	size_t n;
	uint64_t total; /* the layers' blobs' bytes */
};

/* Which image: ref (an OCI layout's org.opencontainers.image.ref.name, or a
 * docker save archive's repository tag), or NULL for the only one; arch
 * (Debian's name) chooses in an image index, and, when arch_given, must be
 * the image's own. */
struct image_choice {
	enum image_format format;
	const char *ref;
	const char *arch;
	bool arch_given;
};

/* 0 with img filled (image_free it), or -errno with f saying why: EBADMSG
 * for a blob not matching its digest, ENOENT for a missing one, ENOTSUP
 * for what nschroot cannot apply (another digest algorithm, an encrypted
 * layer), EINVAL for a malformed document, ENOENT also when no image or
 * platform matches the choice. */
int image_open(struct blobs *b, const struct image_choice *c, struct image *img, struct failure *f);

void image_free(struct image *img);
