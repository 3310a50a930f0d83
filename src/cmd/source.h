/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/*
 * What `create NAME SOURCE` makes a box from: a tarball (a FILE, or "-"
 * for standard input), a directory, or a container image named as skopeo
 * names them: oci:DIR[:REF], oci-archive:FILE[:REF], docker-archive:FILE[:REF],
 * docker://REF. A FILE that is a docker save archive is found out by
 * nschroot-archive.
 */
enum source_kind {
	SOURCE_FILE, /* a tarball, or an image archive nschroot-archive recognizes */
	SOURCE_DIR,
	SOURCE_OCI,
	SOURCE_OCI_ARCHIVE,
	SOURCE_DOCKER_ARCHIVE,
	SOURCE_REGISTRY,
};

struct source {
	enum source_kind kind;
	int fd;	      /* what nschroot-archive reads; -1 for a registry */
	char *name;   /* as box.conf records it: a canonical path, "stdin", "oci:/x:y" */
	char *ref;    /* REF of a transport, or NULL */
	off_t size;   /* of a regular file, for the progress bar; else 0 */
	char *skopeo; /* for a registry */
};

/* SOURCE opened (or, for docker://, skopeo found). Dies on failure, with
 * exit 125 and an install hint when skopeo is missing. */
void source_open(const char *arg, struct source *src);

void source_close(struct source *src);

/* nschroot-archive's --image for the source, or NULL (a FILE, a directory). */
const char *source_image_kind(const struct source *src);

/* A registry's image copied by skopeo into the new directory dir (an OCI
 * layout, in the staging directory), for arch (Debian's name) when not
 * NULL; src then reads it (oci). Signals of set are taken as in
 * helper_wait. 0, the interrupting signal, or -1 when it failed (said why). */
int source_pull(struct source *src, const char *dir, const char *arch, bool progress,
		const sigset_t *set, const sigset_t *old);
