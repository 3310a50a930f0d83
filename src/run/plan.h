/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A run plan: everything a run of a box is, fully resolved before any
 * namespace exists, and the same whichever backend carries it out. The
 * command layer builds it (plan_build) from the command line and the
 * rootfs' own /etc files; a backend (backend.h) checks that it can honour
 * it, then runs it. Nothing in a plan is read from the command line again.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/idmap.h"
#include "base/passwd.h"
#include "run/config.h"
#include "run/desktop.h"
#include "util/failure.h"

/* The steps of DESIGN.md's mount order ("The sandbox"), as data. */
enum plan_mount_kind {
	PLAN_PROC,    /* a fresh procfs (or the host's: PLAN_HOST) */
	PLAN_DEV,     /* the minimal /dev (or the host's: PLAN_HOST) */
	PLAN_SYS,     /* the host's /sys, read-only */
	PLAN_RUN,     /* a tmpfs on /run, with /run/lock */
	PLAN_RESOLV,  /* the host's /etc/resolv.conf, read-only */
	PLAN_BIND,    /* --bind */
	PLAN_RO_BIND, /* --ro-bind */
	PLAN_TMPFS,   /* --tmpfs */
	PLAN_RUNTIME, /* the private XDG_RUNTIME_DIR: a tmpfs of the command's user, 0700 */
	PLAN_SOCKET,  /* a host socket (src), bound on a file made on one of the run's tmpfs */
	PLAN_FILE,    /* a file of data, the command's, 0600, in the runtime directory */
};

/* Flags of a plan_mount. */
enum {
	PLAN_HOST = 1u << 0,	 /* proc, dev: bind the host's instead */
	PLAN_OPTIONAL = 1u << 1, /* skipped, with a warning, where the tree cannot be written */
};

struct plan_mount {
	enum plan_mount_kind kind;
	unsigned flags;
	const char *src;  /* host path: binds only */
	const char *dest; /* absolute path inside the rootfs */
	const char *data; /* PLAN_FILE: its contents */
	size_t len;
};

/* What the plan asks of a backend beyond running a command in a rootfs:
 * a backend that cannot do one of these refuses the plan (backend.h). */
enum {
	PLAN_NEEDS_READ_ONLY = 1u << 0, /* --read-only */
	PLAN_NEEDS_RO_BIND = 1u << 1,	/* --ro-bind */
	PLAN_NEEDS_NET_NONE = 1u << 2,	/* --net=none */
	PLAN_NEEDS_CAPS = 1u << 3,	/* --cap-add, --cap-drop */
	PLAN_NEEDS_HOSTNAME = 1u << 4,	/* --hostname */
	PLAN_NEEDS_MAP_AUTO = 1u << 5,	/* subordinate ids: --map=auto or keep-id, or such a box */
	PLAN_NEEDS_FAKEROOT = 1u << 6,	/* --fakeroot=seccomp */
	PLAN_NEEDS_NO_NEW_PRIVS = 1u << 7,
	PLAN_NEEDS_EPHEMERAL = 1u << 8,	 /* --ephemeral */
	PLAN_NEEDS_X11 = 1u << 9,	 /* --x11 */
	PLAN_NEEDS_WAYLAND = 1u << 10,	 /* --wayland */
	PLAN_NEEDS_PULSE = 1u << 11,	 /* --pulse */
	PLAN_NEEDS_NET_PASTA = 1u << 12, /* --net=pasta, --publish */
};

/* Supplementary groups a command takes from the rootfs, at most. */
#define PLAN_GROUPS_MAX 32

struct run_plan {
	const char *rootfs; /* absolute, canonical host path */
	bool read_only;
	/* --ephemeral: the rootfs is the lower layer of an overlay whose
	 * upper and work directories are on a tmpfs of the run, or in
	 * ephemeral_dir (an absolute host path, kept) when not NULL. */
	bool ephemeral;
	const char *ephemeral_dir;
	struct plan_mount *mounts; /* in order */
	size_t n_mounts;

	struct idmap idmap; /* its mode is the run's --map */
	uid_t host_uid;	    /* the caller */
	gid_t host_gid;
	uid_t uid; /* the command's ids inside */
	gid_t gid;
	/* With subordinate ids, a user other than root: the groups the
	 * rootfs' /etc/group makes it a member of, besides gid (as a login
	 * has them). */
	gid_t groups[PLAN_GROUPS_MAX];
	size_t n_groups;

	char **envp;
	const char *shell;    /* the login shell, run when argv is NULL */
	char *const *argv;    /* NULL: the login shell */
	const char *workdir;  /* -w: must be entered; NULL: home, else "/" */
	const char *home;     /* HOME inside */
	const char *hostname; /* --hostname, a box's name, or NULL: the host's */
	enum net_mode net;
	/* --net=pasta: the pasta program (the command layer finds it) and
	 * the ports it publishes. */
	char *pasta;
	const struct publish_spec *publish;
	size_t n_publish;
	bool fakeroot;	   /* the seccomp fake-root filter */
	bool no_new_privs; /* for the command */
	bool caps_given;   /* --cap-add/--cap-drop: caps is the command's set */
	bool pasta_no_dns; /* the host's name servers are a loopback stub: -D none */
	/* --gpu: the command keeps the caller's supplementary groups (the
	 * host's video and render groups open /dev/dri's nodes). */
	bool keep_groups;
	uint64_t caps;
	const int *preserve_fds; /* sorted */
	size_t n_preserve_fds;
	unsigned needs;		      /* PLAN_NEEDS_* */
	struct desktop_paths desktop; /* where --x11, --wayland, --pulse went inside */
	/* What desktop_find found on the host, for the command layer to fill
	 * in and plan_input to point to: the mounts' host paths are its. */
	struct desktop found;
	struct pw_entry pw; /* the command's user in the rootfs' /etc/passwd, if there */

	/* The caller: which of its descriptors 0-2 are terminals (bit N for
	 * descriptor N), and the memory of nschroot's own arguments, which
	 * holds host paths and which a backend overwrites once the command
	 * runs (the guest can read its init's command line). */
	unsigned tty_mask;
	char *cmdline;
	size_t cmdline_len;

	/* A box's run is an instance (run/instance.h), recorded in the
	 * directory instance_dir under the box's name; NULL: not recorded
	 * (a directory's run, or a backend without instances). */
	const char *instance_box;
	int instance_dir;
};

/* What plan_build starts from besides the command line: the rootfs, how
 * it is entered and the text of its /etc files, as the command layer
 * decided and read them. */
struct plan_input {
	const struct run_config *cfg;
	const char *rootfs;
	const struct idmap *idmap;
	const char *box;    /* the box's name (its hostname), or NULL for a directory */
	const char *resolv; /* the host's resolver file to bind, NULL: /etc/resolv.conf */
	const char *passwd; /* the rootfs' /etc/passwd, or NULL */
	size_t passwd_len;
	/* its /etc/group, or NULL (read for a --gid name, and for the groups
	 * of a user of subordinate ids) */
	const char *group;
	size_t group_len;
	char *const *host_env;	       /* the caller's environment */
	const struct desktop *desktop; /* --home, --x11...: what the host has, or NULL */
};

/* Build the plan of a run: ids (--uid/--gid by number or by the rootfs'
 * own names), the environment, the mount list. Reads no file. 0, or
 * -errno with f set. */
int plan_build(const struct plan_input *in, struct run_plan *plan, struct failure *f);

/* The plan's first mount of kind, or NULL. */
const struct plan_mount *plan_find_mount(const struct run_plan *plan, enum plan_mount_kind kind);

void plan_free(struct run_plan *plan);
