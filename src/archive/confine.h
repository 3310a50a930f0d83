/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "util/failure.h"

/* Load now, from the host, everything the extraction would otherwise load
 * lazily from the filesystem (locale data, charset conversions): after
 * confine_to() that filesystem is the archive's. */
void confine_preload(void);

#include <stdbool.h>

/* Enter a new user namespace, mapping its root to the caller's uid and gid
 * alone (unless in_userns: the caller, nschroot, made and mapped one
 * already, with subordinate ids perhaps, and we are its root), and a new
 * mount namespace whose root directory is dir (an absolute path).
 * Afterwards the process can reach no file outside dir. 0 or -errno. */
int confine_to(const char *dir, bool in_userns, struct failure *f);

/* --unconfined, where user namespaces are refused (the proot backend): no
 * namespace, dir is only the working directory. Extraction then stands on
 * libarchive's secure-extraction flags alone (no "..", no absolute name,
 * no write through a symbolic link), and every path of nschroot-archive's
 * own is resolved inside dir. 0, or -errno with f set. */
int stay_in(const char *dir, struct failure *f);
