// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Capabilities of the command: --cap-drop, --cap-add (libcap for the
 * names, libcap-ng for the sets, both loaded with dlopen only when one of
 * these options is given).
 *
 * For a root command the set decides the bounding, effective, permitted
 * and inheritable sets: after execve a root process gets its bounding set,
 * so that is the one that counts. A non-root command has no capability
 * after execve anyway (the ambient set is emptied); the set still bounds
 * what a set-user-id root program inside could get back.
 */
#include "sandbox/caps.h"

#include <cap-ng.h>
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

static struct {
	int (*from_name)(const char *, cap_value_t *);
	void (*clear)(capng_select_t);
	int (*update)(capng_act_t, capng_type_t, unsigned int);
	int (*apply)(capng_select_t);
} lib;

static int load(void)
{
	if (lib.from_name && lib.apply)
		return 0;
	void *cap = dlopen(LIBCAP_SONAME, RTLD_NOW | RTLD_LOCAL);
	void *ng = dlopen(LIBCAP_NG_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!cap || !ng)
		return -ENOSYS;
	*(void **)&lib.from_name = dlsym(cap, "cap_from_name");
	*(void **)&lib.clear = dlsym(ng, "capng_clear");
	*(void **)&lib.update = dlsym(ng, "capng_update");
	*(void **)&lib.apply = dlsym(ng, "capng_apply");
	return lib.from_name && lib.clear && lib.update && lib.apply ? 0 : -ENOSYS;
}

int caps_parse(const char *name, int *cap)
{
	int r = load();
	if (r < 0)
		return r;
	if (strcasecmp(name, "ALL") == 0) {
		*cap = CAP_OP_ALL;
		return 0;
	}
	/* cap_from_name wants "cap_chown": lower case, with the prefix. */
	char buf[64];
	size_t skip = strncasecmp(name, "cap_", 4) == 0 ? 4 : 0;
	if (strlen(name) - skip + 4 >= sizeof(buf) || !name[skip])
		return -EINVAL;
	memcpy(buf, "cap_", 4);
	size_t i = 4;
	for (const char *p = name + skip; *p; p++)
		buf[i++] = (char)tolower((unsigned char)*p);
	buf[i] = '\0';
	cap_value_t v;
	if (lib.from_name(buf, &v) < 0 || v < 0 || v > 63)
		return -EINVAL;
	*cap = v;
	return 0;
}

unsigned caps_last_cap(void)
{
	int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	char buf[16];
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 63;
	buf[n] = '\0';
	unsigned long v = strtoul(buf, NULL, 10);
	return v > 63 ? 63 : (unsigned)v;
}

uint64_t caps_resolve(const struct cap_op *ops, size_t n, unsigned last_cap)
{
	uint64_t all = last_cap >= 63 ? UINT64_MAX : (UINT64_C(1) << (last_cap + 1)) - 1;
	uint64_t set = all;
	for (size_t i = 0; i < n; i++) {
		uint64_t bits = ops[i].cap == CAP_OP_ALL ? all : UINT64_C(1) << ops[i].cap;
		set = ops[i].add ? set | bits : set & ~bits;
	}
	return set & all;
}

static int apply_set(capng_select_t select, capng_type_t types, uint64_t set)
{
	lib.clear(select);
	for (unsigned c = 0; c < 64; c++)
		if ((set >> c & 1) && lib.update(CAPNG_ADD, types, c) < 0)
			return -EINVAL;
	return lib.apply(select) < 0 ? -EPERM : 0;
}

int caps_limit_bounding(uint64_t set)
{
	int r = load();
	if (r == 0)
		r = apply_set(CAPNG_SELECT_BOUNDS, CAPNG_BOUNDING_SET, set);
	if (r == 0 && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		r = -errno;
	return r;
}

int caps_set_root(uint64_t set)
{
	int r = load();
	return r < 0 ? r
		     : apply_set(CAPNG_SELECT_CAPS,
				 CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE, set);
}
