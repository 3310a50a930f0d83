/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "store/boxconf.h"
#include "util/failure.h"

/* The PATH of an image whose box has no image-env: Debian's and docker's
 * default. */
#define IMAGE_DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * The config of a one-layer image of the box conf describes (the OCI
 * image spec's application/vnd.oci.image.config.v1+json), all but its
 * rootfs, which only the layer's writer knows: a compact JSON object that
 * starts with "architecture" (arch, a Debian name, as the spec names it),
 * then "os", "created" (box.conf's, where it is a valid RFC 3339 time),
 * "config" (Env, Entrypoint, Cmd, WorkingDir and User from the image-*
 * keys, those the box has; Env the default PATH where it has none) and
 * one "history" entry for the layer. Newly allocated in *json. 0, or
 * -errno with f set: -EINVAL when arch has no OCI name or an image-* key
 * that should be a JSON array of strings is not.
 */
int image_config_build(const struct box_conf *conf, const char *arch, char **json,
		       struct failure *f);

/* The name an exported image of the box called name is given:
 * "localhost/NAME:latest", NAME the box's name made a valid repository
 * name (lowercase, separators only between letters and digits). Newly
 * allocated; NULL when out of memory. */
char *image_tag(const char *name);
