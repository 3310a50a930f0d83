/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The store's directory: $NSCHROOT_HOME, else
 * ${XDG_DATA_HOME:-$HOME/.local/share}/nschroot. A new string, or NULL
 * (errno set: ENOENT when no HOME is known). */
char *store_path(void);

/* The rootfs of the box called name: STORE/boxes/NAME/rootfs. 0, or -errno
 * (-ENOENT: no such box). */
int store_box_rootfs(const char *name, char **out);
