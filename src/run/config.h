/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/caps.h"
#include "base/idmap.h"

enum net_mode { NET_HOST, NET_NONE, NET_PASTA };
enum dev_mode { DEV_MINIMAL, DEV_HOST };
enum proc_mode { PROC_FRESH, PROC_HOST };
enum fakeroot_mode { FAKEROOT_DEFAULT, FAKEROOT_SECCOMP, FAKEROOT_NONE };
/* --backend (DESIGN.md, "Backends"); BACKEND_UNSET: the box's, else auto. */
enum backend_choice { BACKEND_UNSET, BACKEND_AUTO, BACKEND_NS, BACKEND_PROOT };

enum mount_kind { MOUNT_BIND, MOUNT_RO_BIND, MOUNT_TMPFS };

/* --home, --x11, --wayland, --pulse, --gpu (DESIGN.md, "Desktop"): what of
 * the caller's session the box is given. */
enum {
	SHARE_HOME = 1u << 0,
	SHARE_X11 = 1u << 1,
	SHARE_WAYLAND = 1u << 2,
	SHARE_PULSE = 1u << 3,
	SHARE_GPU = 1u << 4,
	SHARE_ALL = (1u << 5) - 1,
};

/* --publish [ADDR:]HOSTPORT:PORT[/tcp|/udp]: spec is pasta's form of it,
 * ADDR/HOSTPORT:PORT, for its -t (tcp) or -u (udp). */
struct publish_spec {
	bool udp;
	char *spec;
};

struct mount_spec {
	enum mount_kind kind;
	char *src;  /* host path; NULL for tmpfs */
	char *dest; /* absolute path inside the rootfs */
};

enum env_op_kind { ENV_SET, ENV_COPY, ENV_UNSET };

struct env_op {
	enum env_op_kind kind;
	char *name;
	char *value; /* ENV_SET only */
};

/* Everything `run` and `enter` were asked for, as parsed from the command
 * line; nothing here has touched the filesystem yet. */
struct run_config {
	const char *target;
	char **argv; /* NULL: the login shell */

	enum map_mode map;
	enum net_mode net;
	struct publish_spec *publish; /* --publish, in order (--net=pasta) */
	size_t n_publish;
	enum dev_mode dev;
	enum proc_mode proc;
	enum fakeroot_mode fakeroot;
	enum backend_choice backend;
	bool read_only;
	bool ephemeral;		   /* --ephemeral: writes go to an overlay's upper layer */
	const char *ephemeral_dir; /* --ephemeral=DIR: keep that layer in DIR (host path) */
	bool keep_env;
	const char *chdir;
	const char *hostname;
	const char *uid; /* number or name from the rootfs' /etc/passwd */
	const char *gid; /* number or name from the rootfs' /etc/group */

	struct mount_spec *mounts;
	size_t n_mounts;
	struct env_op *env_ops;
	size_t n_env_ops;
	/* A box's image's Env, the base environment: "NAME=VALUE",
	 * NULL-terminated, or NULL (not owned). */
	char *const *image_env;
	int *preserve_fds;
	size_t n_preserve_fds;
	struct cap_op *cap_ops; /* --cap-add/--cap-drop, in order */
	size_t n_cap_ops;
	bool no_new_privs;
	unsigned shares;	  /* SHARE_*: given, alone or by --desktop */
	unsigned shares_if_there; /* those of --desktop alone: skipped with a note when missing */
};

void run_config_free(struct run_config *cfg);
