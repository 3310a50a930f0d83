// SPDX-License-Identifier: GPL-2.0-or-later
#include "sandbox/idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"

static int write_proc(pid_t pid, const char *file, const char *text)
{
	char path[64];
	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	else
		snprintf(path, sizeof(path), "/proc/self/%s", file);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* The kernel takes a map in a single write. */
	size_t len = strlen(text);
	ssize_t n;
	do
		n = write(fd, text, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/*
 * Order matters: uid_map first; then "deny" in setgroups, which an
 * unprivileged writer must do before gid_map or the write is refused
 * (otherwise the mapped process could drop supplementary groups that deny
 * it access: CVE-2014-8989); then gid_map. Ids are printed unsigned, so
 * that ids of 2^31 and more are written as the kernel reads them.
 */
int idmap_write_single(pid_t pid, uid_t inside_uid, uid_t outside_uid, gid_t inside_gid,
		       gid_t outside_gid, bool deny_setgroups)
{
	char map[64];
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)inside_uid, (unsigned)outside_uid);
	int r = write_proc(pid, "uid_map", map);
	if (r < 0)
		return r;
	if (deny_setgroups) {
		r = write_proc(pid, "setgroups", "deny");
		if (r < 0 && r != -ENOENT)
			return r;
	}
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)inside_gid, (unsigned)outside_gid);
	return write_proc(pid, "gid_map", map);
}
