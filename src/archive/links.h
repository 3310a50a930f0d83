/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What libarchive's ARCHIVE_EXTRACT_SECURE_SYMLINKS does, in two or three
 * system calls an entry (links.c). */

#include <archive_entry.h>

#include "util/failure.h"

/* The entry e, about to be written below the current directory: its
 * directory must be reached without a symbolic link, and so must a hard
 * link's target's; a symbolic link where e goes is removed, so that e
 * replaces it. 0 when that holds; 1 when it cannot be told here (a path
 * too long, openat2 refused): libarchive must check this entry itself;
 * -EPERM with *why set when the archive would write through a link (it is
 * hostile); another -errno with f set for an error met. */
int links_check(struct archive_entry *e, const char **why, struct failure *f);
