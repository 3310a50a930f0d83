/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "base/passwd.h"

/*
 * The name of the host's user uid, into buf: for the lines of /etc/subuid
 * and /etc/subgid that name the caller. nschroot is linked statically,
 * and a static glibc would load the NSS modules with dlopen (and crash);
 * so /etc/passwd ($NSCHROOT_PASSWD_FILE) is read first, and a user that it
 * does not have (LDAP, sssd, systemd's) is asked of getent(1), which does
 * NSS with its own shared libc. 0, -ENOENT when neither knows the uid (or
 * the name does not fit), or -errno.
 */
int host_user_name(uid_t uid, char *buf, size_t size);

/* The host's passwd entry of uid, found as host_user_name finds it. 0,
 * -ENOENT or -errno. */
int host_user_entry(uid_t uid, struct pw_entry *pw);

/* The name of the host's group gid (newly allocated; NULL: unknown), from
 * /etc/group ($NSCHROOT_GROUP_FILE), else getent(1). */
char *host_group_name(gid_t gid);
