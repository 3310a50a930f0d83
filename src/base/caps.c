// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Capabilities of the command: --cap-drop, --cap-add, through libcap (the
 * names and the sets).
 *
 * For a root command the set decides the bounding, effective, permitted
 * and inheritable sets: after execve a root process gets its bounding set,
 * so that is the one that counts. A non-root command has no capability
 * after execve anyway (the ambient set is emptied); the set still bounds
 * what a set-user-id root program inside could get back.
 */
#include "base/caps.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

int caps_parse(const char *name, int *cap)
{
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
	/* libcap reads a name up to the first character that cannot be in
	 * one, and ignores the rest: "net_raw,sys_admin" would be net_raw. */
	for (const char *p = name + skip; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_')
			return -EINVAL;
		buf[i++] = (char)tolower((unsigned char)*p);
	}
	buf[i] = '\0';
	cap_value_t v;
	if (cap_from_name(buf, &v) < 0 || v < 0 || v > 63)
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

/* Every capability the kernel knows and set leaves out is dropped from
 * the bounding set (cap_max_bits: how many the kernel knows). */
int caps_limit_bounding(uint64_t set)
{
	unsigned n = cap_max_bits();
	for (unsigned c = 0; c < n && c < 64; c++)
		if (!(set >> c & 1) && cap_drop_bound((cap_value_t)c) < 0)
			return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	return 0;
}

void *caps_root_sets(uint64_t set)
{
	cap_t caps = cap_init();
	if (!caps)
		return NULL;
	static const cap_flag_t flags[] = { CAP_EFFECTIVE, CAP_PERMITTED, CAP_INHERITABLE };
	for (cap_value_t c = 0; c < 64; c++)
		for (size_t i = 0; (set >> c & 1) && i < 3; i++)
			if (cap_set_flag(caps, flags[i], 1, &c, CAP_SET) < 0) {
				cap_free(caps);
				return NULL;
			}
	return caps;
}

int caps_set_root(void *sets)
{
	return cap_set_proc(sets) < 0 ? -errno : 0;
}
