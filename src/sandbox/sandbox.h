/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "run/config.h"
#include "base/idmap.h"

/* A sandbox as resolved by the command layer: everything the setup needs,
 * decided before any namespace exists. */
struct sandbox {
	const struct run_config *cfg;
	const char *rootfs; /* absolute, canonical host path */
	enum map_mode map;
	const struct idmap *idmap; /* how the namespaces are mapped */
	bool fakeroot;
	uid_t host_uid; /* the caller */
	gid_t host_gid;
	uid_t uid; /* the command's ids inside */
	gid_t gid;

	char **envp;
	const char *exec_path; /* the login shell, or NULL: search argv[0] */
	char *const *argv;
	const char *workdir; /* NULL: HOME if it exists inside, else "/" */
	const char *home;
	const char *hostname; /* --hostname, a box's name, or NULL: the host's */

	bool caps_given; /* --cap-add/--cap-drop: caps is the set */
	uint64_t caps;
	void *root_caps; /* caps_root_sets of caps, made by init */

	sigset_t caller_sigmask; /* restored for the command */
	unsigned tty_mask;	 /* the caller's descriptors 0-2 that are terminals */
	int pty_sock;		 /* init's end of the socket the box's terminal goes through */

	char *cmdline;	    /* nschroot's arguments after argv[0], */
	size_t cmdline_len; /* which init overwrites once the command runs */
};

/* Signals that nschroot and its init pass on to the command. */
#define FORWARDED_SIGNALS SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2

/* The forwarded signals and SIGCHLD: what nschroot and its init block and
 * take with sigwaitinfo. */
void sandbox_waited_signals(sigset_t *set);

/* What nschroot exits with for a process that ended with wstatus: its
 * exit status, 128+N for signal N, 125 otherwise. */
int sandbox_exit_status(int wstatus);

/* Run the sandbox and return the status nschroot exits with: the command's,
 * 128+N when it was killed by signal N, 125 when nschroot failed. */
int sandbox_run(struct sandbox *sb);

/* In the first child, pid 1 of the new namespaces: set up, start the
 * command, act as its init, and write the command's status (one byte) to
 * status_fd once every process of the box is gone. Never returns. */
_Noreturn void sandbox_init(const struct sandbox *sb, int lifeline, int status_fd);
