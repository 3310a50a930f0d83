/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Where shadow's useradd starts handing out subordinate ids (SUB_UID_MIN,
 * SUB_GID_MIN in login.defs): a suggested range lies at or above it. */
#define SUBID_FREE_MIN 100000u

/*
 * The first id of the lowest block of SUBID_MAX_IDS ids, aligned to
 * SUBID_MAX_IDS and at or above SUBID_FREE_MIN, that no line of uids nor
 * of gids (the contents of /etc/subuid and /etc/subgid, every owner's
 * lines) holds, and that holds neither uid nor gid (a map may not give
 * the caller's own id twice). 0 with *start set; -ENOSPC when no such
 * block ends below 2^32 - 1; -ENOMEM.
 */
int subid_free_block(const char *uids, size_t ulen, const char *gids, size_t glen, uint32_t uid,
		     uint32_t gid, uint32_t *start);

/* The same, of the files subid_uid_file() and subid_gid_file() name (a
 * missing file holds nothing). 0, or -errno from reading them. */
int subid_free_lookup(uid_t uid, gid_t gid, uint32_t *start);

/* The command an administrator runs to give user a free block, e.g.
 * "usermod --add-subuids 131072-196607 --add-subgids 131072-196607 bob";
 * with START-END in place of the block when none can be found. */
void subid_usermod_command(char *buf, size_t size, const char *user);
