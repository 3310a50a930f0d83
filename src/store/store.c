// SPDX-License-Identifier: GPL-2.0-or-later
#include "store/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/cleanup.h"

char *store_path(void)
{
	char *p = NULL;
	const char *home = getenv("NSCHROOT_HOME");
	if (home && *home)
		return realpath(home, NULL) ?: strdup(home);
	const char *data = getenv("XDG_DATA_HOME");
	if (data && data[0] == '/') {
		if (asprintf(&p, "%s/nschroot", data) < 0)
			p = NULL;
		return p;
	}
	home = getenv("HOME");
	if (!home || home[0] != '/') {
		errno = ENOENT;
		return NULL;
	}
	if (asprintf(&p, "%s/.local/share/nschroot", home) < 0)
		p = NULL;
	return p;
}

int store_box_rootfs(const char *name, char **out)
{
	_cleanup_free_ char *store = store_path();
	if (!store)
		return -errno;
	char *p;
	if (asprintf(&p, "%s/boxes/%s/rootfs", store, name) < 0)
		return -ENOMEM;
	struct stat st;
	if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(p);
		return -ENOENT;
	}
	*out = p;
	return 0;
}
