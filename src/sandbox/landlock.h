/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The Landlock ABI version of the running kernel: 0 where Landlock is not
 * built in or is disabled at boot, else 1, 2, ... */
int landlock_abi(void);

/* The first ABI that scopes abstract UNIX sockets and signals. */
#define LANDLOCK_ABI_SCOPE 6

/*
 * Put this process (and every child it makes from now on) in a Landlock
 * domain that only scopes: abstract UNIX sockets made outside the domain
 * cannot be connected to or sent to, and processes outside it cannot be
 * signalled. No file access is restricted. Needs no_new_privs or
 * CAP_SYS_ADMIN in the current user namespace. 0, -EOPNOTSUPP where the
 * kernel's ABI is below LANDLOCK_ABI_SCOPE, or -errno.
 */
int landlock_scope_self(void);
