/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What libarchive's ARCHIVE_EXTRACT_SECURE_SYMLINKS does, in two or three
 * system calls an entry (links.c). */

#include <archive_entry.h>
#include <stddef.h>

#include "util/failure.h"

/* The entry e, about to be written below the current directory: its
 * directory must be reached without a symbolic link, and so must a hard
 * link's target's; a symbolic link where e goes is removed, so that e
 * replaces it. 0 when that holds; 1 when it cannot be told here (a path
 * too long, openat2 refused): libarchive must check this entry itself;
 * -EPERM with *why set when the archive would write through a link (it is
 * hostile); another -errno with f set for an error met. */
int links_check(struct archive_entry *e, const char **why, struct failure *f);

/* The directory of path (its first dir_len bytes) opened O_PATH without
 * following any link, below the current directory: its descriptor;
 * AT_FDCWD for the current directory itself; -ENOENT where a directory is
 * missing (libarchive makes it: no link can be on the way to it), -ELOOP
 * through a link, or another -errno. */
int links_open_dir(const char *path, size_t dir_len);
