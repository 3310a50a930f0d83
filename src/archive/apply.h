/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "archive/blobs.h"
#include "archive/extract.h"
#include "archive/image.h"
#include "util/failure.h"

/* Where an image comes from, on a descriptor. */
enum image_source {
	SOURCE_TARBALL,	   /* a root filesystem, not an image */
	SOURCE_OCI_DIR,	   /* oci:DIR, fd a directory */
	SOURCE_OCI_TAR,	   /* oci-archive:FILE */
	SOURCE_DOCKER_TAR, /* docker-archive:FILE */
	SOURCE_AUTO,	   /* a FILE that may be a docker save archive */
};

/* The image on fd (taken), or, for SOURCE_AUTO, -ENOMSG when fd holds no
 * image (an uncompressed tar without manifest.json or oci-layout at its
 * top, or anything else): fd is then rewound for the tarball's
 * extraction, and not taken. 0 with *b and img set, or -errno with f. */
int image_load(int fd, enum image_source src, const struct image_choice *c, struct blobs **b,
	       struct image *img, struct failure *f);

/* The image's layers applied in order in the current directory, each
 * checked against its digest before it is read, and its content against
 * its diff_id. 0, or -errno with f saying why. */
int image_apply(const struct image *img, const struct extract_options *o,
		const struct archive_hooks *h, struct extract_stats *st, struct failure *f);

/* The settings nschroot records, as box.conf lines (image-digest=...,
 * image-env=[...]) on out. 0, or -errno with f: EINVAL for settings that
 * are malformed or too long to record. */
int image_print_config(const struct image *img, FILE *out, struct failure *f);
