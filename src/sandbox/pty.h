/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "util/failure.h"

/* Which of the caller's descriptors 0, 1 and 2 are terminals: bit N for
 * descriptor N. */
unsigned pty_caller_terminals(void);

/*
 * In the sandbox's init, pivoted into the rootfs: open a pseudo-terminal
 * pair from the box's own devpts (/dev/pts/ptmx; the host's /dev/ptmx with
 * --dev=host), give the terminal side the modes and window size of the
 * caller's terminal (descriptor tty_fd), make it owned by uid and gid, and
 * bind it on /dev/console when console is set. The master is sent over
 * sock to nschroot, which relays it to the caller's terminal; the terminal
 * side's descriptor is returned (O_CLOEXEC), or -errno with f set.
 */
int pty_open_for_box(int tty_fd, bool raw_caller, bool console, uid_t uid, gid_t gid, int sock,
		     struct failure *f);

/*
 * In the command's process: become the leader of a session of its own and
 * take the terminal slave as its controlling terminal on each standard
 * descriptor that was a terminal (mask). Only system calls on the calling
 * task, for a vfork child. 0 or -errno.
 */
int pty_attach(int slave, unsigned mask);

/* The master, as init sent it over sock: a descriptor, or -errno (-EPIPE
 * when init closed its end without sending one). */
int pty_receive_master(int sock);
