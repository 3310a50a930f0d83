// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmd/staging.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd/helper.h"
#include "cmd/mapping.h"
#include "store/store.h"
#include "util/cleanup.h"
#include "util/log.h"

/* Staging directories left by a create that crashed: nobody holds their
 * lock any more. Removed under the widest map the caller has, since their
 * mode is not known. */
void remove_stale_staging(int boxes)
{
	struct idmap widest;
	bool have_map = false;
	int fd = dup(boxes);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!store_is_staging(e->d_name))
			continue;
		_cleanup_close_ int s =
		    openat(boxes, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s < 0 || flock(s, LOCK_EX | LOCK_NB) < 0)
			continue;
		if (!have_map)
			mapping_widest(&widest);
		have_map = true;
		struct failure f = { 0 };
		if (remove_in_userns(&widest, boxes, e->d_name, &f) < 0)
			log_warning("cannot remove stale staging directory '%s': %s", e->d_name,
				    f.what);
	}
	closedir(d);
}

char *now_utc(void)
{
	char buf[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return strdup(buf);
}

void make_staging(int boxes, const char *name, char **staging, int *stagefd, char **rootfs)
{
	int r = store_staging_create(boxes, name, staging, stagefd);
	if (r < 0)
		die_errno(r, "cannot make a staging directory in the store");
	if (mkdirat(*stagefd, "rootfs", 0755) < 0)
		die_errno(errno, "cannot make the staging rootfs");
	_cleanup_free_ char *store = store_path();
	if (!store || asprintf(rootfs, "%s/boxes/%s/rootfs", store, *staging) < 0)
		die_errno(ENOMEM, "cannot name the staging directory");
}
