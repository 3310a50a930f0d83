/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The path of nschroot-archive, newly allocated: beside this executable in
 * a build tree, else in LIBEXECDIR/nschroot. Dies when out of memory. */
char *archive_helper(void);
