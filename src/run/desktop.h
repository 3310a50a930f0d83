/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * --home, --x11, --wayland, --pulse, --gpu (DESIGN.md, "Desktop"): the
 * caller's home, display, compositor, sound server and GPU. desktop_find
 * looks for them on the host (it reads the caller's environment, stats
 * sockets and reads the Xauthority file) before the plan is built;
 * desktop_paths names where they go inside, for plan_build, which reads
 * nothing.
 */

#include <stddef.h>
#include <sys/types.h>

#include "run/config.h"
#include "util/failure.h"

/* What was found on the host: host paths, and the display's cookie. */
struct desktop {
	unsigned shares;	  /* SHARE_* found, to be granted */
	char *home;		  /* the caller's home: its host path, and its path inside */
	char *cwd;		  /* the caller's working directory, when it lies in home */
	char *display;		  /* DISPLAY for inside: ":N" or ":N.S" */
	char *x11_socket;	  /* /tmp/.X11-unix/XN, on the host and inside */
	char *xauth;		  /* an Xauthority file of one FamilyWild entry, or NULL */
	size_t xauth_len;	  /* its length */
	char *wayland;		  /* the compositor's socket */
	const char *wayland_name; /* its last component, in wayland */
	char *pulse;		  /* the sound server's socket */
};

/* The parts of --desktop that the host lacks, each said once. */
#define DESKTOP_MAX_NOTES 5
struct desktop_notes {
	struct failure why[DESKTOP_MAX_NOTES];
	size_t n;
};

/* Find each share asked for (shares) in env (the caller's environment)
 * and on the host. One that is missing is a failure, unless it is in
 * if_there: then it is left out and notes says why. 0, or -errno with f
 * naming what is missing. */
int desktop_find(unsigned shares, unsigned if_there, char *const *env, struct desktop *d,
		 struct desktop_notes *notes, struct failure *f);

void desktop_free(struct desktop *d);

/* Where the shares go inside: the private XDG_RUNTIME_DIR (/run/user/UID
 * of the command's uid), the files in it, and the variables that name
 * them ("NAME=VALUE", NULL-terminated). All NULL where not granted. */
struct desktop_paths {
	char *runtime_dir;
	char *xauthority;
	char *wayland;
	char *pulse;
	char *env[6];
};

/* 0, or -ENOMEM. */
int desktop_paths_make(const struct desktop *d, uid_t uid, struct desktop_paths *out);

void desktop_paths_free(struct desktop_paths *p);
