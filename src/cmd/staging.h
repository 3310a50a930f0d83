/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The staging directory of a box being created (DESIGN.md "The store"),
 * for create from a source and create --from a box alike. */

/* Remove the staging directories that a create which crashed left in
 * boxes: those nobody holds the lock of. */
void remove_stale_staging(int boxes);

/* The staging directory of a new box name in boxes, with its rootfs:
 * its name in the store (*staging), a descriptor holding its lock
 * (*stagefd) and the rootfs' host path (*rootfs). Dies on failure. */
void make_staging(int boxes, const char *name, char **staging, int *stagefd, char **rootfs);

/* The time now, as box.conf's created records it, newly allocated (NULL
 * when out of memory). */
char *now_utc(void);
