// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the option-argument parsers in src/run/options.c. A
 * bind destination is where a host directory lands inside the rootfs, so
 * what is refused here is as important as what is accepted. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "run/options.h"
#include "run/resolv.h"
#include "tap.h"

static void bind_ok(const char *arg, enum mount_kind kind, const char *src, const char *dest)
{
	struct mount_spec m = { 0 };
	const char *why = NULL;
	int r = parse_bind_spec(arg, kind, &m, &why);
	is_int(r, 0, "bind '%s' is accepted", arg);
	is_int(m.kind, kind, "bind '%s' keeps its kind", arg);
	is_str(m.src, src, "bind '%s' has source '%s'", arg, src);
	is_str(m.dest, dest, "bind '%s' has destination '%s'", arg, dest);
	mount_spec_free(&m);
}

static void bind_refused(const char *arg, const char *want_why)
{
	/* Pre-set fields catch a parser that writes *out before failing. */
	struct mount_spec m = { .kind = MOUNT_TMPFS };
	const char *why = NULL;
	int r = parse_bind_spec(arg, MOUNT_BIND, &m, &why);
	is_int(r, -EINVAL, "bind '%s' is refused", arg);
	is_str(why, want_why, "bind '%s': the reason is given", arg);
	ok(m.kind == MOUNT_TMPFS && !m.src && !m.dest, "bind '%s' leaves the output alone", arg);
}

static void test_bind(void)
{
	/* DEST defaults to SRC, which must then be absolute. */
	bind_ok("/srv/data", MOUNT_BIND, "/srv/data", "/srv/data");
	bind_ok("/srv/data:/mnt", MOUNT_BIND, "/srv/data", "/mnt");
	bind_ok("/srv/data:/mnt", MOUNT_RO_BIND, "/srv/data", "/mnt");
	/* A relative SRC is fine with an explicit DEST (the host resolves it). */
	bind_ok("data:/mnt", MOUNT_BIND, "data", "/mnt");
	bind_ok("/:/host", MOUNT_RO_BIND, "/", "/host");
	/* The first ':' separates; the rest belongs to DEST as written. */
	bind_ok("/a:/b:c", MOUNT_BIND, "/a", "/b:c");
	/* ".." is refused as a component only: these are plain names. */
	bind_ok("/src:/a..b", MOUNT_BIND, "/src", "/a..b");
	bind_ok("/src:/..a/b..", MOUNT_BIND, "/src", "/..a/b..");
	bind_ok("/src:/.../x", MOUNT_BIND, "/src", "/.../x");
	bind_ok("/src:/x/.", MOUNT_BIND, "/src", "/x/.");

	bind_refused("data", "a relative source needs an explicit destination (SRC:DEST)");
	bind_refused("", "the source is empty");
	bind_refused(":/mnt", "the source is empty");
	bind_refused("/srv:", "the destination is empty");
	bind_refused("/srv:mnt", "the destination must be an absolute path");
	bind_refused("/srv:./mnt", "the destination must be an absolute path");
	bind_refused("/srv:/a/../b", "the destination may not contain '..'");
	bind_refused("/srv:/..", "the destination may not contain '..'");
	bind_refused("/srv:/a/..", "the destination may not contain '..'");
	bind_refused("/srv:/../etc", "the destination may not contain '..'");
	bind_refused("/srv:/a//..//b", "the destination may not contain '..'");
	/* A ".." after a "..."-like name: the scan must not skip past it. */
	bind_refused("/srv:/a.../../b", "the destination may not contain '..'");
	/* Without ':', SRC is the DEST too and gets the same checks. */
	bind_refused("/srv/../etc", "the destination may not contain '..'");
}

static void test_tmpfs(void)
{
	struct mount_spec m = { 0 };
	const char *why = NULL;
	is_int(parse_tmpfs_spec("/tmp", &m, &why), 0, "tmpfs '/tmp' is accepted");
	is_int(m.kind, MOUNT_TMPFS, "tmpfs has kind MOUNT_TMPFS");
	is_str(m.src, NULL, "tmpfs has no source");
	is_str(m.dest, "/tmp", "tmpfs has destination '/tmp'");
	mount_spec_free(&m);

	const char *bad[] = { "", "tmp", "/a/../b", "/.." };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = (struct mount_spec){ 0 };
		why = NULL;
		is_int(parse_tmpfs_spec(bad[i], &m, &why), -EINVAL, "tmpfs '%s' is refused",
		       bad[i]);
		ok(why != NULL, "tmpfs '%s': a reason is given", bad[i]);
		ok(!m.dest, "tmpfs '%s' leaves the output alone", bad[i]);
	}
}

static void env_ok(const char *arg, enum env_op_kind kind, const char *name, const char *value)
{
	struct env_op e = { 0 };
	const char *why = NULL;
	is_int(parse_env_spec(arg, &e, &why), 0, "-e '%s' is accepted", arg);
	is_int(e.kind, kind, "-e '%s' is a %s", arg, kind == ENV_SET ? "set" : "copy");
	is_str(e.name, name, "-e '%s' names '%s'", arg, name);
	is_str(e.value, value, "-e '%s' has value '%s'", arg, value ? value : "(none)");
	env_op_free(&e);
}

static void test_env(void)
{
	env_ok("FOO=bar", ENV_SET, "FOO", "bar");
	/* Only the first '=' separates: a value may hold more. */
	env_ok("OPTS=a=b=c", ENV_SET, "OPTS", "a=b=c");
	env_ok("EMPTY=", ENV_SET, "EMPTY", "");
	env_ok("TERM", ENV_COPY, "TERM", NULL);

	const char *bad[] = { "=x", "=", "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct env_op e = { 0 };
		const char *why = NULL;
		is_int(parse_env_spec(bad[i], &e, &why), -EINVAL, "-e '%s' is refused", bad[i]);
		is_str(why, "the variable name is empty", "-e '%s': the reason is given", bad[i]);
		ok(!e.name && !e.value, "-e '%s' leaves the output alone", bad[i]);
	}
}

static void test_unsetenv(void)
{
	struct env_op e = { 0 };
	const char *why = NULL;
	is_int(parse_unsetenv_spec("LD_PRELOAD", &e, &why), 0, "--unsetenv LD_PRELOAD is accepted");
	is_int(e.kind, ENV_UNSET, "--unsetenv makes an unset");
	is_str(e.name, "LD_PRELOAD", "--unsetenv keeps the name");
	is_str(e.value, NULL, "--unsetenv has no value");
	env_op_free(&e);

	const char *bad[] = { "", "A=B", "=" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = (struct env_op){ 0 };
		why = NULL;
		is_int(parse_unsetenv_spec(bad[i], &e, &why), -EINVAL, "--unsetenv '%s' is refused",
		       bad[i]);
		is_str(why, "not a variable name", "--unsetenv '%s': the reason is given", bad[i]);
		ok(!e.name, "--unsetenv '%s' leaves the output alone", bad[i]);
	}

	ok(env_name_valid("PATH"), "'PATH' is a variable name");
	ok(env_name_valid("lower_case1"), "'lower_case1' is a variable name");
	ok(!env_name_valid(""), "'' is not a variable name");
	ok(!env_name_valid("A=B"), "'A=B' is not a variable name");
	ok(!env_name_valid("=A"), "'=A' is not a variable name");
}

/* The enum parsers: every documented word, and near misses. */
static void test_modes(void)
{
	/* MAP_UNSET and FAKEROOT_DEFAULT are no word's value: a match must
	 * really store. */
	enum map_mode map = MAP_UNSET;
	is_int(parse_map_mode("root", &map), 0, "--map=root is accepted");
	is_int(map, MAP_ROOT, "--map=root is MAP_ROOT");
	map = MAP_UNSET;
	is_int(parse_map_mode("user", &map), 0, "--map=user is accepted");
	is_int(map, MAP_USER, "--map=user is MAP_USER");
	map = MAP_UNSET;
	is_int(parse_map_mode("auto", &map), 0, "--map=auto is accepted");
	is_int(map, MAP_AUTO, "--map=auto is MAP_AUTO");
	map = MAP_UNSET;
	is_int(parse_map_mode("Root", &map), -EINVAL, "--map=Root is refused (case matters)");
	is_int(parse_map_mode("", &map), -EINVAL, "--map= is refused");
	is_int(parse_map_mode("roots", &map), -EINVAL, "--map=roots is refused");
	is_int(map, MAP_UNSET, "a refused --map leaves the output alone");

	/* Each starts from the other word's value, so a match must store. */
	enum net_mode net = NET_NONE;
	is_int(parse_net_mode("host", &net), 0, "--net=host is accepted");
	is_int(net, NET_HOST, "--net=host is NET_HOST");
	is_int(parse_net_mode("none", &net), 0, "--net=none is accepted");
	is_int(net, NET_NONE, "--net=none is NET_NONE");
	is_int(parse_net_mode("private", &net), -EINVAL, "--net=private is refused");
	is_int(net, NET_NONE, "a refused --net leaves the output alone");

	enum dev_mode dev = DEV_HOST;
	is_int(parse_dev_mode("minimal", &dev), 0, "--dev=minimal is accepted");
	is_int(dev, DEV_MINIMAL, "--dev=minimal is DEV_MINIMAL");
	is_int(parse_dev_mode("host", &dev), 0, "--dev=host is accepted");
	is_int(dev, DEV_HOST, "--dev=host is DEV_HOST");
	is_int(parse_dev_mode("none", &dev), -EINVAL, "--dev=none is refused");
	is_int(dev, DEV_HOST, "a refused --dev leaves the output alone");

	enum fakeroot_mode fr = FAKEROOT_DEFAULT;
	is_int(parse_fakeroot_mode("seccomp", &fr), 0, "--fakeroot=seccomp is accepted");
	is_int(fr, FAKEROOT_SECCOMP, "--fakeroot=seccomp is FAKEROOT_SECCOMP");
	fr = FAKEROOT_DEFAULT;
	is_int(parse_fakeroot_mode("none", &fr), 0, "--fakeroot=none is accepted");
	is_int(fr, FAKEROOT_NONE, "--fakeroot=none is FAKEROOT_NONE");
	fr = FAKEROOT_DEFAULT;
	is_int(parse_fakeroot_mode("default", &fr), -EINVAL,
	       "--fakeroot=default is refused (not a user-facing word)");
	is_int(fr, FAKEROOT_DEFAULT, "a refused --fakeroot leaves the output alone");
}

static void publish_ok(const char *arg, const char *spec, bool udp)
{
	struct publish_spec ps = { 0 };
	const char *why = NULL;
	is_int(parse_publish_spec(arg, &ps, &why), 0, "publish '%s' is accepted", arg);
	is_str(ps.spec, spec, "publish '%s' is pasta's '%s'", arg, spec);
	is_int(ps.udp, udp, "publish '%s' is %s", arg, udp ? "udp" : "tcp");
	free(ps.spec);
}

static void publish_refused(const char *arg)
{
	struct publish_spec ps = { 0 };
	const char *why = NULL;
	is_int(parse_publish_spec(arg, &ps, &why), -EINVAL, "publish '%s' is refused", arg);
	ok(why && *why, "publish '%s': the reason is given", arg);
}

/* --publish: 127.0.0.1 unless an address is given, never all of them. */
static void test_publish(void)
{
	publish_ok("8080:80", "127.0.0.1/8080:80", false);
	publish_ok("8080:80/tcp", "127.0.0.1/8080:80", false);
	publish_ok("5353:53/udp", "127.0.0.1/5353:53", true);
	publish_ok("0.0.0.0:8080:80", "0.0.0.0/8080:80", false);
	publish_ok("[::1]:8080:80", "::1/8080:80", false);
	publish_refused("80");
	publish_refused("8080:80/sctp");
	publish_refused("host:8080:80");
	publish_refused("8080:0");
	publish_refused("70000:80");
	publish_refused("[::1:8080:80");
	publish_refused(":80");
}

/* --net=pasta's resolver: a loopback stub alone is out of the box's reach. */
static void test_resolv(void)
{
	ok(resolv_loopback_only("nameserver 127.0.0.53\noptions edns0\n"),
	   "systemd-resolved's stub");
	ok(resolv_loopback_only("# x\nnameserver 127.0.0.1\nnameserver ::1\n"),
	   "127.0.0.1 and ::1");
	ok(!resolv_loopback_only("nameserver 10.255.255.53\n"), "a server elsewhere");
	ok(!resolv_loopback_only("nameserver 127.0.0.53\nnameserver 1.1.1.1\n"), "one elsewhere");
	ok(!resolv_loopback_only("search example.org\n"), "no server at all");
	ok(!resolv_loopback_only("nameserver1 127.0.0.1\n"), "not a nameserver line");
}

int main(void)
{
	test_bind();
	test_tmpfs();
	test_env();
	test_unsetenv();
	test_modes();
	test_publish();
	test_resolv();
	return done_testing();
}
