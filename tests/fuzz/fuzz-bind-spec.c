// SPDX-License-Identifier: GPL-2.0-or-later
/* The mount arguments of run and enter (--bind, --ro-bind, --tmpfs) and the
 * mode options. A destination is where the user's mount lands inside the
 * box: the parser promises it is absolute and has no ".." component, and
 * mounts.c relies on that. */
#include <errno.h>
#include <stdbool.h>
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
	free(arg);
	return 0;
}
