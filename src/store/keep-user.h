/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/failure.h"

/*
 * The caller's own entries in a keep-id box (the fixup "user"): in that
 * mode the caller's uid and gid are themselves inside, and without a
 * passwd entry they would have no name, home or shell there. The entries
 * are added, never duplicating a name or an id the box has:
 *
 *   NAME:*:UID:GID:,,,,nschroot:HOME:SHELL     in /etc/passwd
 *   GROUP:*:GID:                               in /etc/group
 *
 * "*" as the password: no login by password, and no /etc/shadow entry to
 * keep (pam_unix's account check reads shadow only for "x"). The last
 * GECOS field marks the line as nschroot's, for undo; the group line is
 * recognised by its exact text.
 */
struct keep_user {
	uint32_t uid, gid;
	char name[64];	/* the caller's login name on the host */
	char group[64]; /* the name of their primary group on the host */
	char home[256];
	char shell[256]; /* the host's; /bin/sh in a box without it */
};

/* What keep_user_apply could not add. */
enum {
	KEEP_USER_NAME_TAKEN = 1u << 0,	 /* the login name has another uid in the box */
	KEEP_GROUP_NAME_TAKEN = 1u << 1, /* the group name has another gid */
};

/* The result of a text edit: out (newly allocated, len bytes) when changed. */
struct keep_text {
	char *out;
	size_t len;
	bool changed;
};

/* The passwd text buf (len bytes, NULL: no file) with the caller's entry,
 * shell the one to write. Unchanged when the uid has an entry, or the
 * name is taken (*taken then says so). 0 or -ENOMEM. */
int keep_user_passwd_add(const char *buf, size_t len, const struct keep_user *u, const char *shell,
			 struct keep_text *t, unsigned *taken);

/* The group text buf with the caller's primary group, likewise. */
int keep_user_group_add(const char *buf, size_t len, const struct keep_user *u, struct keep_text *t,
			unsigned *taken);

/* The texts without the lines keep_user_*_add wrote (for undo). */
int keep_user_passwd_remove(const char *buf, size_t len, const struct keep_user *u,
			    struct keep_text *t);
int keep_user_group_remove(const char *buf, size_t len, const struct keep_user *u,
			   struct keep_text *t);

/* Whether the passwd text holds the line of ours for u. */
bool keep_user_passwd_ours(const char *buf, size_t len, const struct keep_user *u);

/* The fixup "user" on the rootfs at rootfd: /etc/passwd and /etc/group
 * resolved inside the root, /etc locked while they are read and written
 * (two runs starting at once add one entry), each written atomically,
 * keeping its mode and owner. *done: the entry of ours is there now.
 * 0, or -errno with f naming the file. */
int keep_user_apply(int rootfd, const struct keep_user *u, bool *done, unsigned *taken,
		    struct failure *f);
int keep_user_undo(int rootfd, const struct keep_user *u, bool *done, struct failure *f);
