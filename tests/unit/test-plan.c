// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of src/run/plan.c and src/run/backend.c: the run plan is what
 * every backend carries out, so the mount order, the ids resolved from the
 * rootfs' own files and what a plan needs of a backend are checked here,
 * from options as the command line gives them. */
#include <errno.h>
#include <string.h>

#include "run/backend.h"
#include "run/env.h"
#include "run/options.h"
#include "run/plan.h"
#include "tap.h"

static const char passwd[] = "root:x:0:0:root:/root:/bin/bash\n"
			     "daemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n"
			     "builder:x:1000:1000::/home/builder:/bin/zsh\n"
			     "nohome:x:1001:1001::relative:relative\n";
static const char group[] = "root:x:0:\nstaff:x:50:\n";
static char *host_env[] = { "PATH=/host/bin", "TERM=xterm", NULL };

/* A plan from cfg for a root-mode box (box may be NULL: a directory), with
 * what desktop_find would have found on the host (d, or NULL). */
static int build_with(const struct run_config *cfg, enum map_mode mode, const char *box,
		      const struct desktop *d, struct run_plan *p, struct failure *f)
{
	static struct idmap m;
	idmap_single(&m, mode, 1000, 1000);
	struct plan_input in = {
		.cfg = cfg,
		.rootfs = "/srv/root",
		.idmap = &m,
		.box = box,
		.passwd = passwd,
		.passwd_len = sizeof(passwd) - 1,
		.group = group,
		.group_len = sizeof(group) - 1,
		.host_env = host_env,
		.desktop = d,
	};
	*p = (struct run_plan){ .host_uid = 1000, .host_gid = 1000 };
	return plan_build(&in, p, f);
}

static int build(const struct run_config *cfg, enum map_mode mode, const char *box,
		 struct run_plan *p, struct failure *f)
{
	return build_with(cfg, mode, box, NULL, p, f);
}

static void test_mount_order(void)
{
	struct mount_spec mounts[2];
	const char *why;
	parse_bind_spec("/src:/dst", MOUNT_RO_BIND, &mounts[0], &why);
	parse_tmpfs_spec("/scratch", &mounts[1], &why);
	struct run_config cfg = { .mounts = mounts, .n_mounts = 2, .proc = PROC_HOST };
	struct run_plan p;
	struct failure f = { 0 };
	is_int(build(&cfg, MAP_ROOT, "deb", &p, &f), 0, "a plan with two mounts builds");
	static const enum plan_mount_kind want[] = { PLAN_PROC,	  PLAN_DEV,	PLAN_SYS,  PLAN_RUN,
						     PLAN_RESOLV, PLAN_RO_BIND, PLAN_TMPFS };
	is_int((long long)p.n_mounts, 7, "five steps of the design, then the user's two");
	for (size_t i = 0; i < p.n_mounts && i < 7; i++)
		is_int(p.mounts[i].kind, want[i], "step %zu is of the design's order", i);
	ok(p.mounts[0].flags & PLAN_HOST, "--proc=host marks /proc as the host's");
	ok(!(p.mounts[1].flags & PLAN_HOST), "... and /dev stays the minimal one");
	ok((p.mounts[3].flags & PLAN_OPTIONAL) && (p.mounts[4].flags & PLAN_OPTIONAL),
	   "/run and resolv.conf are optional steps");
	is_str(p.mounts[5].src, "/src", "the bind's source");
	is_str(p.mounts[5].dest, "/dst", "the bind's destination");
	is_str(p.mounts[6].dest, "/scratch", "the tmpfs' destination");
	ok(plan_find_mount(&p, PLAN_DEV) == &p.mounts[1], "plan_find_mount finds /dev");
	is_str(p.hostname, "deb", "a box is named after itself inside");
	ok(p.needs & PLAN_NEEDS_RO_BIND, "--ro-bind is a need");
	ok(!(p.needs & PLAN_NEEDS_HOSTNAME), "a box's own name is not --hostname");
	ok(p.fakeroot, "root mode has the fake-root filter by default");
	plan_free(&p);
	mount_spec_free(&mounts[0]);
	mount_spec_free(&mounts[1]);
}

static void test_ids(void)
{
	struct run_config cfg = { 0 };
	struct run_plan p;
	struct failure f = { 0 };
	build(&cfg, MAP_ROOT, NULL, &p, &f);
	is_int(p.uid, 0, "root mode: the command is root");
	is_str(p.home, "/root", "... with root's home from the rootfs' passwd");
	is_str(p.shell, "/bin/bash", "... and its shell");
	is_str(env_get(p.envp, "USER"), "root", "USER is the inside user");
	is_str(p.hostname, NULL, "a directory keeps the host's name");
	plan_free(&p);

	build(&cfg, MAP_USER, NULL, &p, &f);
	is_int(p.uid, 1000, "user mode: the caller's own uid");
	is_str(env_get(p.envp, "HOME"), "/home/builder", "... and that user's HOME inside");
	ok(!p.fakeroot, "user mode has no fake-root filter by default");
	plan_free(&p);

	cfg.uid = "daemon";
	cfg.gid = "staff";
	is_int(build(&cfg, MAP_ROOT, NULL, &p, &f), 0, "--uid and --gid by name");
	is_int(p.uid, 1, "--uid daemon is uid 1");
	is_int(p.gid, 50, "--gid staff is gid 50, over daemon's own group");
	plan_free(&p);

	cfg = (struct run_config){ .uid = "nohome" };
	build(&cfg, MAP_ROOT, NULL, &p, &f);
	is_str(p.home, "/", "a relative home is replaced by /");
	is_str(p.shell, "/bin/sh", "a relative shell by /bin/sh");
	plan_free(&p);

	cfg = (struct run_config){ .uid = "nobody" };
	is_int(build(&cfg, MAP_ROOT, NULL, &p, &f), -ENOENT, "an unknown --uid name fails");
	is_str(f.what, "--uid 'nobody': no such user in the rootfs' /etc/passwd",
	       "... saying which");
	plan_free(&p);
	cfg = (struct run_config){ .gid = "wheel" };
	f = (struct failure){ 0 };
	is_int(build(&cfg, MAP_ROOT, NULL, &p, &f), -ENOENT, "an unknown --gid name fails");
	plan_free(&p);
}

static void test_backend_check(void)
{
	struct run_config cfg = { .read_only = true, .net = NET_NONE, .hostname = "h" };
	struct run_plan p;
	struct failure f = { 0 };
	build(&cfg, MAP_ROOT, NULL, &p, &f);
	unsigned want = PLAN_NEEDS_READ_ONLY | PLAN_NEEDS_NET_NONE | PLAN_NEEDS_HOSTNAME;
	is_int((long long)(p.needs & want), want, "--read-only, --net=none, --hostname are needs");
	struct backend all = { .name = "all", .supports = ~0u };
	is_int(backend_check(&all, &p, &f), 0, "a backend that supports all takes the plan");
	struct backend some = { .name = "small", .supports = PLAN_NEEDS_READ_ONLY };
	is_int(backend_check(&some, &p, &f), -ENOTSUP, "one that lacks --net=none refuses it");
	is_str(f.what, "the small backend cannot honour --net=none", "... naming both");
	plan_free(&p);
}

static void test_desktop(void)
{
	static char home[] = "/home/me", cwd[] = "/home/me/src", display[] = ":5",
		    x11[] = "/tmp/.X11-unix/X5", cookie[] = "cookie", wl[] = "/run/user/1000/wl-1",
		    pulse[] = "/run/user/1000/pulse/native";
	struct desktop d = { .shares = SHARE_ALL,
			     .home = home,
			     .cwd = cwd,
			     .display = display,
			     .x11_socket = x11,
			     .xauth = cookie,
			     .xauth_len = 6,
			     .wayland = wl,
			     .wayland_name = wl + 15,
			     .pulse = pulse };
	struct run_config cfg = { .uid = "builder" };
	struct run_plan p;
	struct failure f = { 0 };
	is_int(build_with(&cfg, MAP_ROOT, NULL, &d, &p, &f), 0, "a plan with every share builds");
	static const enum plan_mount_kind want[] = {
		PLAN_BIND,    PLAN_BIND, PLAN_TMPFS,  PLAN_SOCKET,
		PLAN_RUNTIME, PLAN_FILE, PLAN_SOCKET, PLAN_SOCKET,
	};
	is_int((long long)p.n_mounts, 13, "the design's five steps, then eight of the shares");
	for (size_t i = 0; i < 8 && i + 5 < p.n_mounts; i++)
		is_int(p.mounts[i + 5].kind, want[i], "share step %zu", i);
	is_str(p.mounts[5].dest, "/home/me", "the home at its own path");
	is_str(p.mounts[6].src, "/dev/dri", "then /dev/dri");
	is_str(p.mounts[8].dest, "/tmp/.X11-unix/X5", "the X socket in the private directory");
	is_str(p.mounts[9].dest, "/run/user/1000", "the runtime directory of the command's uid");
	is_str(p.mounts[10].dest, "/run/user/1000/Xauthority", "the cookie file in it");
	ok(p.mounts[10].data == cookie && p.mounts[10].len == 6, "... holding the cookie");
	is_str(p.mounts[11].dest, "/run/user/1000/wl-1", "the compositor's socket, by its name");
	is_str(p.mounts[12].dest, "/run/user/1000/pulse/native", "the sound server's");
	is_str(env_get(p.envp, "DISPLAY"), ":5", "DISPLAY");
	is_str(env_get(p.envp, "XAUTHORITY"), "/run/user/1000/Xauthority", "XAUTHORITY");
	is_str(env_get(p.envp, "XDG_RUNTIME_DIR"), "/run/user/1000", "XDG_RUNTIME_DIR");
	is_str(env_get(p.envp, "WAYLAND_DISPLAY"), "wl-1", "WAYLAND_DISPLAY");
	is_str(env_get(p.envp, "PULSE_SERVER"), "unix:/run/user/1000/pulse/native", "PULSE_SERVER");
	is_str(env_get(p.envp, "HOME"), "/home/me", "HOME is the caller's home");
	is_str(p.workdir, "/home/me/src", "the command starts where the caller is");
	unsigned needs = PLAN_NEEDS_X11 | PLAN_NEEDS_WAYLAND | PLAN_NEEDS_PULSE;
	is_int((long long)(p.needs & needs), needs, "the sockets are needs of the backend");
	ok(p.keep_groups, "--gpu keeps the caller's groups");
	plan_free(&p);

	struct env_op e = { ENV_SET, "DISPLAY", ":9" };
	cfg = (struct run_config){ .chdir = "/w", .dev = DEV_HOST, .env_ops = &e, .n_env_ops = 1 };
	d = (struct desktop){ .shares = SHARE_X11 | SHARE_GPU,
			      .display = display,
			      .x11_socket = x11 };
	build_with(&cfg, MAP_ROOT, NULL, &d, &p, &f);
	is_int((long long)p.n_mounts, 7,
	       "--dev=host has /dev/dri; no cookie, no runtime directory");
	ok(!env_get(p.envp, "XDG_RUNTIME_DIR") && !env_get(p.envp, "XAUTHORITY"),
	   "... nor its variables");
	is_str(env_get(p.envp, "DISPLAY"), ":9", "-e has the last word");
	is_str(p.workdir, "/w", "and -w");
	plan_free(&p);
}

int main(void)
{
	test_mount_order();
	test_ids();
	test_backend_check();
	test_desktop();
	return done_testing();
}
