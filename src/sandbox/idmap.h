/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Map one uid and one gid of the user namespace of pid (0: this process):
 * inside_uid to outside_uid, inside_gid to outside_gid. When deny_setgroups
 * is set, setgroups is denied first, as the kernel requires of an
 * unprivileged writer (CVE-2014-8989). 0 or -errno. */
int idmap_write_single(pid_t pid, uid_t inside_uid, uid_t outside_uid, gid_t inside_gid,
		       gid_t outside_gid, bool deny_setgroups);
