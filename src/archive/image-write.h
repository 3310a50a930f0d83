/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "archive/libarchive.h"
#include "archive/write.h"
#include "util/failure.h"
#include "util/parse.h"

/* A one-layer container image of the tree. */
struct image_options {
	enum export_format format; /* FORMAT_OCI_ARCHIVE or FORMAT_DOCKER_ARCHIVE */
	/* The image config but its rootfs, which is added: a JSON object,
	 * "{}" or one that starts with a member ("{\"created\":..."). */
	const char *config;
	const char *tag; /* docker-archive: the RepoTags entry, "localhost/NAME:latest" */
};

/* Whether format can hold a layer compressed as c (the OCI spec has no
 * media type for xz). */
bool image_compression_ok(enum export_format format, enum compression c);

/* Whether config is an object image_options takes (its start and end:
 * it comes from nschroot). */
bool image_config_ok(const char *config);

/*
 * Write the tree at the current directory to fd, a seekable file, at its
 * offset, as an image in a tar archive: an OCI image layout (oci-layout,
 * index.json naming the manifest "latest", blobs/sha256/) or what `docker
 * save` writes (manifest.json, the config, the layer). The one layer is
 * the tar write_archive writes, compressed as wo says; the layer is
 * written as it is read, its header filled in afterwards. 0, or -errno
 * with f set.
 */
int image_write(int fd, const struct image_options *io, const struct write_options *wo,
		const struct archive_hooks *hooks, struct write_stats *st, struct failure *f);
