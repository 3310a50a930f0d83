// SPDX-License-Identifier: GPL-2.0-or-later
#include "run/plan.h"

#include <errno.h>
#include <stdlib.h>

#include "run/env.h"
#include "util/parse.h"

/* The user's --uid: a number, or a name in the rootfs' /etc/passwd (whose
 * entry then gives the group too). Without one, the mode's own: root, or
 * the caller's ids in user and keep-id mode (where they are the same
 * inside as outside: the caller logs in as themselves). */
static int resolve_uid(const struct plan_input *in, struct run_plan *p, bool *have_pw,
		       struct failure *f)
{
	const char *arg = in->cfg->uid;
	bool own = in->idmap->mode == MAP_USER || in->idmap->mode == MAP_KEEP_ID;
	p->uid = own ? p->host_uid : 0;
	p->gid = own ? p->host_gid : 0;
	*have_pw = false;
	if (arg) {
		uint32_t id;
		if (parse_u32(arg, 0, UINT32_MAX - 1, &id) == 0)
			p->uid = id;
		else if (in->passwd &&
			 passwd_find_name(in->passwd, in->passwd_len, arg, &p->pw) == 0)
			p->uid = p->pw.uid, *have_pw = true;
		else
			return fail_said(
			    f, ENOENT, "--uid '%s': no such user in the rootfs' /etc/passwd", arg);
	}
	if (!*have_pw && in->passwd)
		*have_pw = passwd_find_uid(in->passwd, in->passwd_len, p->uid, &p->pw) == 0;
	if (arg && *have_pw)
		p->gid = p->pw.gid;
	return 0;
}

/* --gid: a number, or a name in the rootfs' /etc/group. */
static int resolve_gid(const struct plan_input *in, struct run_plan *p, struct failure *f)
{
	const char *arg = in->cfg->gid;
	uint32_t id;
	if (!arg)
		return 0;
	bool found = parse_u32(arg, 0, UINT32_MAX - 1, &id) == 0;
	if (!found && in->group)
		found = group_find_name(in->group, in->group_len, arg, &id) == 0;
	if (!found)
		return fail_said(f, ENOENT, "--gid '%s': no such group in the rootfs' /etc/group",
				 arg);
	p->gid = id;
	return 0;
}

/* The groups of a user (not root) of subordinate ids, from /etc/group:
 * with one id mapped there is no other group to take. */
static void resolve_groups(const struct plan_input *in, struct run_plan *p, bool have_pw)
{
	p->n_groups = 0;
	if (!idmap_subordinate(&p->idmap) || p->uid == 0 || !have_pw || !in->group)
		return;
	uint32_t gids[PLAN_GROUPS_MAX];
	size_t n = group_member_gids(in->group, in->group_len, p->pw.name, gids, PLAN_GROUPS_MAX);
	for (size_t i = 0; i < n; i++)
		if (gids[i] != p->gid)
			p->groups[p->n_groups++] = gids[i];
}

static void add_mount(struct run_plan *p, enum plan_mount_kind kind, unsigned flags,
		      const char *src, const char *dest)
{
	p->mounts[p->n_mounts++] = (struct plan_mount){ kind, flags, src, dest };
}

/* The most mounts plan_desktop adds. */
#define DESKTOP_MOUNTS 8

/*
 * What --home, --gpu, --x11, --wayland and --pulse grant, after /run and
 * before the user's mounts (which may go into the home). Each socket is
 * bound on a file of a tmpfs of the run's: the X server's in a private
 * /tmp/.X11-unix (the box's /tmp is not touched), the others in the
 * private XDG_RUNTIME_DIR, so that the box holds the granted sockets alone.
 * The host's /dev/dri goes into the minimal /dev; --dev=host has it.
 */
static void plan_desktop(const struct run_config *cfg, const struct desktop *d, struct run_plan *p)
{
	const struct desktop_paths *in = &p->desktop;
	if (d->shares & SHARE_HOME)
		add_mount(p, PLAN_BIND, 0, d->home, d->home);
	if ((d->shares & SHARE_GPU) && cfg->dev == DEV_MINIMAL)
		add_mount(p, PLAN_BIND, 0, "/dev/dri", "/dev/dri");
	if (d->shares & SHARE_X11) {
		add_mount(p, PLAN_TMPFS, 0, NULL, "/tmp/.X11-unix");
		add_mount(p, PLAN_SOCKET, 0, d->x11_socket, d->x11_socket);
	}
	if (in->runtime_dir)
		add_mount(p, PLAN_RUNTIME, 0, NULL, in->runtime_dir);
	if (in->xauthority) {
		add_mount(p, PLAN_FILE, 0, NULL, in->xauthority);
		p->mounts[p->n_mounts - 1].data = d->xauth;
		p->mounts[p->n_mounts - 1].len = d->xauth_len;
	}
	if (in->wayland)
		add_mount(p, PLAN_SOCKET, 0, d->wayland, in->wayland);
	if (in->pulse)
		add_mount(p, PLAN_SOCKET, 0, d->pulse, in->pulse);
	p->keep_groups = d->shares & SHARE_GPU;
	p->needs |= (d->shares & SHARE_X11 ? PLAN_NEEDS_X11 : 0) |
		    (d->shares & SHARE_WAYLAND ? PLAN_NEEDS_WAYLAND : 0) |
		    (d->shares & SHARE_PULSE ? PLAN_NEEDS_PULSE : 0);
}

/* DESIGN.md's mount order: /proc, /dev, /sys, /run, resolv.conf, what the
 * desktop options grant, then the user's mounts in command-line order. */
static int plan_mounts(const struct plan_input *in, struct run_plan *p, struct failure *f)
{
	const struct run_config *cfg = in->cfg;
	p->mounts = calloc(5 + DESKTOP_MOUNTS + cfg->n_mounts, sizeof(*p->mounts));
	if (!p->mounts)
		return fail(f, ENOMEM, "cannot plan the mounts");
	add_mount(p, PLAN_PROC, cfg->proc == PROC_HOST ? PLAN_HOST : 0, NULL, "/proc");
	add_mount(p, PLAN_DEV, cfg->dev == DEV_HOST ? PLAN_HOST : 0, NULL, "/dev");
	add_mount(p, PLAN_SYS, 0, NULL, "/sys");
	add_mount(p, PLAN_RUN, PLAN_OPTIONAL, NULL, "/run");
	add_mount(p, PLAN_RESOLV, PLAN_OPTIONAL, in->resolv ? in->resolv : "/etc/resolv.conf",
		  "/etc/resolv.conf");
	if (in->desktop) {
		if (desktop_paths_make(in->desktop, p->uid, &p->desktop) < 0)
			return fail(f, ENOMEM, "cannot plan the mounts");
		plan_desktop(cfg, in->desktop, p);
	}
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct mount_spec *m = &cfg->mounts[i];
		enum plan_mount_kind kind = m->kind == MOUNT_TMPFS  ? PLAN_TMPFS
					    : m->kind == MOUNT_BIND ? PLAN_BIND
								    : PLAN_RO_BIND;
		if (kind == PLAN_RO_BIND)
			p->needs |= PLAN_NEEDS_RO_BIND;
		add_mount(p, kind, 0, m->src, m->dest);
	}
	return 0;
}

static unsigned plan_needs(const struct run_config *cfg, const struct run_plan *p)
{
	unsigned n = p->needs;
	n |= cfg->read_only ? PLAN_NEEDS_READ_ONLY : 0;
	n |= cfg->ephemeral ? PLAN_NEEDS_EPHEMERAL : 0;
	n |= cfg->net == NET_NONE ? PLAN_NEEDS_NET_NONE : 0;
	n |= cfg->net == NET_PASTA ? PLAN_NEEDS_NET_PASTA : 0;
	n |= p->caps_given ? PLAN_NEEDS_CAPS : 0;
	n |= cfg->hostname ? PLAN_NEEDS_HOSTNAME : 0;
	n |= idmap_subordinate(&p->idmap) ? PLAN_NEEDS_MAP_AUTO : 0;
	n |= cfg->fakeroot == FAKEROOT_SECCOMP ? PLAN_NEEDS_FAKEROOT : 0;
	n |= cfg->no_new_privs ? PLAN_NEEDS_NO_NEW_PRIVS : 0;
	return n;
}

static int plan_environment(const struct plan_input *in, struct run_plan *p, bool have_pw,
			    struct failure *f)
{
	const struct desktop *d = in->desktop;
	p->home = have_pw && p->pw.home[0] == '/' ? p->pw.home : "/";
	/* --home: HOME is the caller's, and so is the directory, when the
	 * caller is in the home and -w did not say otherwise (distrobox's
	 * way: the command starts where the caller is). */
	if (d && (d->shares & SHARE_HOME)) {
		p->home = d->home;
		if (!p->workdir && d->cwd)
			p->workdir = d->cwd;
	}
	p->shell = have_pw && p->pw.shell[0] == '/' ? p->pw.shell : "/bin/sh";
	struct env_input ein = {
		.host_env = in->host_env,
		.keep_env = in->cfg->keep_env,
		.image_env = in->cfg->image_env,
		.home = p->home,
		.user = have_pw ? p->pw.name : NULL,
		.shell = p->shell,
		.ops = in->cfg->env_ops,
		.n_ops = in->cfg->n_env_ops,
		.grants = p->desktop.env,
	};
	p->envp = env_build(&ein);
	return p->envp ? 0 : fail(f, ENOMEM, "cannot build the environment");
}

int plan_build(const struct plan_input *in, struct run_plan *p, struct failure *f)
{
	const struct run_config *cfg = in->cfg;
	p->rootfs = in->rootfs;
	p->read_only = cfg->read_only;
	p->ephemeral = cfg->ephemeral;
	p->ephemeral_dir = cfg->ephemeral_dir;
	p->idmap = *in->idmap;
	p->argv = cfg->argv;
	p->workdir = cfg->chdir;
	/* A box is named after itself inside; a directory keeps the host's
	 * name. */
	p->hostname = cfg->hostname ? cfg->hostname : in->box;
	p->net = cfg->net;
	p->publish = cfg->publish;
	p->n_publish = cfg->n_publish;
	p->fakeroot = cfg->fakeroot == FAKEROOT_SECCOMP ||
		      (cfg->fakeroot == FAKEROOT_DEFAULT && p->idmap.mode == MAP_ROOT);
	p->no_new_privs = cfg->no_new_privs;
	p->caps_given = cfg->n_cap_ops > 0;
	if (p->caps_given)
		p->caps = caps_resolve(cfg->cap_ops, cfg->n_cap_ops, caps_last_cap());
	p->preserve_fds = cfg->preserve_fds;
	p->n_preserve_fds = cfg->n_preserve_fds;

	bool have_pw;
	int r = resolve_uid(in, p, &have_pw, f);
	if (r == 0)
		r = resolve_gid(in, p, f);
	resolve_groups(in, p, r == 0 && have_pw);
	if (r == 0)
		r = plan_mounts(in, p, f);
	if (r == 0)
		r = plan_environment(in, p, have_pw, f);
	p->needs = plan_needs(cfg, p);
	return r;
}

const struct plan_mount *plan_find_mount(const struct run_plan *p, enum plan_mount_kind kind)
{
	for (size_t i = 0; i < p->n_mounts; i++)
		if (p->mounts[i].kind == kind)
			return &p->mounts[i];
	return NULL;
}

void plan_free(struct run_plan *p)
{
	env_free(p->envp);
	pw_entry_free(&p->pw);
	desktop_paths_free(&p->desktop);
	desktop_free(&p->found);
	free(p->mounts);
	free(p->pasta);
	*p = (struct run_plan){ 0 };
}
