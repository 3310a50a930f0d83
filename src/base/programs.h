/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* nschroot's own helper program name (nschroot-archive, nschroot-guest):
 * beside this executable in a build tree, else in NSCHROOT_LIBEXECDIR
 * (LIBEXECDIR/nschroot). Newly allocated; NULL when out of memory. */
char *own_program(const char *name);

/* The path of name, an executable regular file, searched in $PATH (or
 * /usr/bin:/bin); newly allocated, NULL when it is not there. */
char *search_path(const char *name);

/* An external program nschroot uses for a job the user already trusts it
 * with (proot, pasta, skopeo): $env_name when set and not empty (a path,
 * or a name searched in $PATH), else name searched in $PATH. Newly
 * allocated, or NULL when not found. */
char *find_program(const char *env_name, const char *name);
