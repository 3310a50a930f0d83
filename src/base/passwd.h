/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* One /etc/passwd entry of the rootfs. */
struct pw_entry {
	char *name;
	uint32_t uid;
	uint32_t gid;
	char *home;
	char *shell;
};

/* Look up an entry in the text of an /etc/passwd file (buf need not be
 * NUL-terminated). Malformed lines are skipped. 0, -ENOENT or -ENOMEM. */
int passwd_find_uid(const char *buf, size_t len, uint32_t uid, struct pw_entry *out);
int passwd_find_name(const char *buf, size_t len, const char *name, struct pw_entry *out);

/* Look up a group's gid by name in the text of an /etc/group file. */
int group_find_name(const char *buf, size_t len, const char *name, uint32_t *gid);

/* The name of the group gid (newly allocated), likewise. */
int group_find_gid(const char *buf, size_t len, uint32_t gid, char **name);

/* The gids of the groups that list user as a member, at most max of them,
 * in file order (what initgroups(3) adds to a login's groups): how many. */
size_t group_member_gids(const char *buf, size_t len, const char *user, uint32_t *gids, size_t max);

void pw_entry_free(struct pw_entry *pw);
