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

/* A plan from cfg for a root-mode box (box may be NULL: a directory). */
static int build(const struct run_config *cfg, enum map_mode mode, const char *box,
		 struct run_plan *p, struct failure *f)
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
	};
	*p = (struct run_plan){ .host_uid = 1000, .host_gid = 1000 };
	return plan_build(&in, p, f);
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

int main(void)
{
	test_mount_order();
	test_ids();
	test_backend_check();
	return done_testing();
}
