/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* The files of a rootfs that fixups read and write, in a directory opened
 * inside the root (base/resolve.h), never through a link. */

/* Read the regular file name in dirfd (at most max bytes) into *buf,
 * newly allocated: -ELOOP for a symbolic link, -EINVAL for anything not
 * regular (never opened), -EFBIG when larger than max. */
int etc_read_at(int dirfd, const char *name, size_t max, char **buf, size_t *len);

/* Replace name in dirfd with content, atomically (a temporary file in the
 * same directory, renamed over it), with mode; like: the file replaced,
 * whose owner the new one keeps (NULL: the writer's). -ELOOP when name is
 * a symbolic link. */
int etc_write_atomic(int dirfd, const char *name, const char *content, size_t len, mode_t mode,
		     const struct stat *like);
