/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

/* Install the always-on filter (TIOCSTI, TIOCLINUX refused), with the
 * fake-root rules when fakeroot is set. Needs CAP_SYS_ADMIN in the current
 * user namespace, so that no_new_privs stays off and su and sudo keep
 * working inside. 0 or -errno. */
int seccomp_install(bool fakeroot);
