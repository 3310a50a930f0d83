/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "store/keep-user.h"
#include "store/os-release.h"
#include "util/failure.h"

/* Changes nschroot makes to a rootfs so that package managers work in a
 * box (DESIGN.md, "Fixups"). Each is idempotent, recorded in box.conf by
 * name, and undoable: undo only ever removes or reverts what nschroot
 * itself wrote, recognised by its exact content. */
enum fixup {
	FIXUP_APT = 1 << 0,    /* apt.conf.d: APT::Sandbox::User "root" */
	FIXUP_DPKG = 1 << 1,   /* /usr/sbin/policy-rc.d exiting 101 */
	FIXUP_PACMAN = 1 << 2, /* pacman.conf: no DownloadUser, DisableSandbox */
	FIXUP_HOSTS = 1 << 3,  /* /etc/hosts: localhost, and the hostname resolves */
	FIXUP_USER = 1 << 4,   /* keep-id: the caller's passwd and group entries (keep-user.h) */
	FIXUP_SUDO = 1 << 5,   /* keep-id: /etc/sudoers.d/ lets the caller sudo */
};
#define FIXUP_KEEP_ID (FIXUP_USER | FIXUP_SUDO)
#define FIXUP_ALL     (FIXUP_APT | FIXUP_DPKG | FIXUP_PACMAN | FIXUP_HOSTS | FIXUP_KEEP_ID)

/* "apt", "dpkg", "pacman", "hosts", "user", "sudo"; NULL for anything but
 * one of them. */
const char *fixup_name(enum fixup fx);

/* The fixup called name, or -EINVAL. */
int fixup_from_name(const char *name);

/* The set as box.conf records it: names in the order of the enum, joined
 * by ',' ("apt,dpkg"; "" for none; unknown bits left out). Newly
 * allocated; NULL when out of memory. */
char *fixups_format(unsigned set);

/* The inverse of fixups_format: "" is the empty set, blanks around names
 * are allowed. 0, or -EINVAL for an unknown or empty name (*out is then
 * left alone). */
int fixups_parse(const char *s, unsigned *out);

/* The fixups that fit this rootfs, from its os-release (NULL when it has
 * none): apt (root_mode only) and dpkg when ID or ID_LIKE holds the word
 * "debian" or "ubuntu"; pacman (root_mode only) when they hold "arch";
 * hosts always (it only acts when /etc/hosts is missing, empty, or does
 * not name the hostname). */
unsigned fixups_applicable(const struct os_release *os, bool root_mode);

/* Apply the fixups in which to the rootfs at rootfd (any directory fd,
 * O_PATH is fine), in the order of the enum. hostname is the name the box
 * runs under (NULL: none), which hosts makes resolve: a missing or empty
 * /etc/hosts gets the localhost lines, and a file that names no address
 * for hostname gets "127.0.1.1 HOSTNAME # nschroot" (store/hosts.h). The
 * file itself keeps what undo needs. Paths are resolved inside
 * the root; each file is written to a temporary name in its directory and
 * renamed over the final one, which is never followed: a symbolic link
 * there is refused with -ELOOP. Missing directories (even /etc) are made.
 *
 * *applied is set to the fixups of which that are now in effect, made by
 * this call or an earlier one: a second call changes nothing and reports
 * the same set. A fixup with nothing to do is not in it: dpkg when a
 * policy-rc.d that is not ours is there (it is kept), hosts when
 * /etc/hosts is there, not empty, and names hostname already (or is a link
 * to such a file: it is never written through), pacman when
 * /etc/pacman.conf is absent or already as wanted. 0, or -errno with f naming the file; the
 * fixups before the failing one stay applied and are in *applied. */
int fixups_apply(int rootfd, unsigned which, const char *hostname, unsigned *applied,
		 struct failure *f);

/*
 * fixups_apply with the keep-id fixups, for the caller u (without u, as in
 * fixups_apply, they are left out): "user" adds u's passwd and group
 * entries (keep_user_apply; *taken says which names the box has for other
 * ids), "sudo" writes /etc/sudoers.d/nschroot-keep-id (mode 0440) letting
 * u's uid run anything as anyone without a password, when the box has
 * sudo (/etc/sudoers.d, or sudo in /usr/bin).
 */
int fixups_apply_for(int rootfd, unsigned which, const char *hostname, const struct keep_user *u,
		     unsigned *applied, unsigned *taken, struct failure *f);

/* fixups_undo with the keep-id fixups of u (left alone without u). */
int fixups_undo_for(int rootfd, unsigned which, const struct keep_user *u, unsigned *undone,
		    struct failure *f);

/* Undo the fixups in which: remove the files nschroot wrote, when their
 * content is still exactly what it wrote; restore pacman.conf's original
 * text, and /etc/hosts' (an empty file stays, emptied again; one the fixup
 * made goes). A fixup not in effect is left alone. *undone is the set actually
 * undone. 0, or -errno with f naming the file. */
int fixups_undo(int rootfd, unsigned which, unsigned *undone, struct failure *f);
