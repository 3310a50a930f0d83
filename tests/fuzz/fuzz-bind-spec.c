// SPDX-License-Identifier: GPL-2.0-or-later
/* The mount arguments of run and enter (--bind, --ro-bind, --tmpfs), the
 * mode options and --publish. A destination is where the user's mount lands inside the
 * box: the parser promises it is absolute and has no ".." component, and
 * mounts.c relies on that. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "run/options.h"
#include "store/boxconf.h"

/* Checked by splitting on '/', unlike options.c's strstr scan, so that a
 * slip in either shows up as a disagreement. */
static bool has_dotdot(const char *path)
{
	for (const char *p = path;;) {
		size_t len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return true;
		if (p[len] == '\0')
			return false;
		p += len + 1;
	}
}

static bool dest_ok(const char *dest)
{
	return dest && dest[0] == '/' && !has_dotdot(dest);
}

static void check_bind(const char *arg, enum mount_kind kind)
{
	struct mount_spec m = { 0 };
	const char *why = NULL;
	int r = parse_bind_spec(arg, kind, &m, &why);
	if (r < 0) {
		fuzz_assert(r == -EINVAL || r == -ENOMEM);
		fuzz_assert(why != NULL);
		return;
	}
	const char *colon = strchr(arg, ':');
	fuzz_assert(m.kind == kind);
	fuzz_assert(dest_ok(m.dest));
	fuzz_assert(m.src && m.src[0] != '\0' && !strchr(m.src, ':'));
	if (colon) {
		fuzz_assert(strlen(m.src) == (size_t)(colon - arg));
		fuzz_assert(strncmp(m.src, arg, strlen(m.src)) == 0);
		fuzz_assert(strcmp(m.dest, colon + 1) == 0);
	} else {
		fuzz_assert(strcmp(m.src, arg) == 0 && strcmp(m.dest, arg) == 0);
	}
	mount_spec_free(&m);
}

static void check_tmpfs(const char *arg)
{
	struct mount_spec m = { 0 };
	const char *why = NULL;
	int r = parse_tmpfs_spec(arg, &m, &why);
	fuzz_assert((r == 0) == dest_ok(arg));
	if (r < 0) {
		fuzz_assert(why != NULL);
		return;
	}
	fuzz_assert(m.kind == MOUNT_TMPFS && m.src == NULL && strcmp(m.dest, arg) == 0);
	mount_spec_free(&m);
}

/* The mode parsers accept exactly their names; map modes round-trip
 * through the name box.conf writes. */
static void check_modes(const char *arg)
{
	enum map_mode map = MAP_UNSET;
	if (parse_map_mode(arg, &map) == 0)
		fuzz_assert(map != MAP_UNSET && strcmp(map_mode_name(map), arg) == 0);
	enum net_mode net;
	if (parse_net_mode(arg, &net) == 0)
		fuzz_assert(strcmp(arg, "host") == 0 || strcmp(arg, "none") == 0 ||
			    strcmp(arg, "pasta") == 0);
	enum dev_mode dev;
	if (parse_dev_mode(arg, &dev) == 0)
		fuzz_assert(strcmp(arg, "minimal") == 0 || strcmp(arg, "host") == 0);
	enum fakeroot_mode fr;
	if (parse_fakeroot_mode(arg, &fr) == 0)
		fuzz_assert(strcmp(arg, "seccomp") == 0 || strcmp(arg, "none") == 0);
}

/* A port as pasta's spec holds it: 1-65535, written as %u writes it. */
static bool port_ok(const char *s, size_t len)
{
	char buf[8];
	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *end;
	unsigned long v = strtoul(buf, &end, 10);
	char again[8];
	snprintf(again, sizeof(again), "%lu", v);
	return *end == '\0' && v >= 1 && v <= 65535 && strcmp(again, buf) == 0;
}

/* --publish: what pasta is given is ADDR/HOSTPORT:PORT, ADDR a real IPv4
 * or IPv6 address (a '/' or ':' out of place would change what pasta
 * binds), the protocol udp exactly when the argument says /udp. */
static void check_publish(const char *arg)
{
	struct publish_spec p = { 0 };
	const char *why = NULL;
	int r = parse_publish_spec(arg, &p, &why);
	if (r < 0) {
		fuzz_assert((r == -EINVAL || r == -ENOMEM) && why != NULL);
		return;
	}
	size_t len = strlen(arg);
	fuzz_assert(p.udp == (len >= 4 && strcmp(arg + len - 4, "/udp") == 0));
	char *slash = strrchr(p.spec, '/');
	fuzz_assert(slash != NULL);
	char addr[64];
	fuzz_assert((size_t)(slash - p.spec) < sizeof(addr));
	memcpy(addr, p.spec, (size_t)(slash - p.spec));
	addr[slash - p.spec] = '\0';
	unsigned char bin[16];
	fuzz_assert(inet_pton(AF_INET, addr, bin) == 1 || inet_pton(AF_INET6, addr, bin) == 1);
	const char *colon = strchr(slash + 1, ':');
	fuzz_assert(colon != NULL);
	fuzz_assert(port_ok(slash + 1, (size_t)(colon - slash - 1)));
	fuzz_assert(port_ok(colon + 1, strlen(colon + 1)));
	free(p.spec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An argv string: it ends at the first NUL. */
	char *arg = strndup((const char *)data, size);
	if (!arg)
		return 0;
	check_bind(arg, MOUNT_BIND);
	check_bind(arg, MOUNT_RO_BIND);
	check_tmpfs(arg);
	check_modes(arg);
	check_publish(arg);
	free(arg);
	return 0;
}
