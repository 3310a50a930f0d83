// SPDX-License-Identifier: GPL-2.0-or-later
#include "base/idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/parse.h"
#include "util/text.h"

/* keep-id is podman's name for the mode. */
static const struct name_value map_modes[] = {
	// clang-format off
	{ "root", MAP_ROOT },
	{ "user", MAP_USER },
	{ "auto", MAP_AUTO },
	{ "keep-id", MAP_KEEP_ID },
	{ NULL, 0 },
	// clang-format on
};

int parse_map_mode(const char *arg, enum map_mode *out)
{
	int v;
	int r = name_to_value(map_modes, arg, &v);
	if (r == 0)
		*out = (enum map_mode)v;
	return r;
}

const char *map_mode_name(enum map_mode map)
{
	return value_to_name(map_modes, (int)map, "unset");
}

void idmap_single(struct idmap *m, enum map_mode mode, uid_t uid, gid_t gid)
{
	*m = (struct idmap){ .mode = mode };
	m->uid.e[0] = (struct id_extent){ mode == MAP_USER ? uid : 0, uid, 1 };
	m->gid.e[0] = (struct id_extent){ mode == MAP_USER ? gid : 0, gid, 1 };
	m->uid.n = m->gid.n = 1;
}

static void add_ranges(struct id_map *map, uint32_t first, const struct subid_ranges *s)
{
	uint32_t inside = first;
	for (size_t i = 0; i < s->n; i++) {
		map->e[map->n++] = (struct id_extent){ inside, s->r[i].start, s->r[i].count };
		inside += s->r[i].count;
	}
}

int idmap_auto(struct idmap *m, uid_t uid, gid_t gid, const struct subid_ranges *subuids,
	       const struct subid_ranges *subgids, bool subroot)
{
	*m = (struct idmap){ .mode = MAP_AUTO };
	if (subuids->n == 0 || subgids->n == 0)
		return -ENOENT;
	if (!subroot) {
		m->uid.e[m->uid.n++] = (struct id_extent){ 0, uid, 1 };
		m->gid.e[m->gid.n++] = (struct id_extent){ 0, gid, 1 };
	}
	add_ranges(&m->uid, subroot ? 0 : 1, subuids);
	add_ranges(&m->gid, subroot ? 0 : 1, subgids);
	if (subroot) {
		m->uid.e[m->uid.n++] = (struct id_extent){ subuids->total, uid, 1 };
		m->gid.e[m->gid.n++] = (struct id_extent){ subgids->total, gid, 1 };
	}
	return 0;
}

/* The subordinate ranges s, inside from 0, around inside id `own`: the
 * caller's own outside id, the same number. */
static int keep_id_map(struct id_map *map, uint32_t own, const struct subid_ranges *s)
{
	if (own > s->total)
		return -ERANGE;
	uint32_t inside = 0; /* the next inside id a subordinate id takes */
	bool placed = false;
	for (size_t i = 0; i < s->n; i++) {
		uint32_t start = s->r[i].start, count = s->r[i].count;
		if (placed || own >= inside + count) {
			map->e[map->n++] = (struct id_extent){ inside, start, count };
			inside += count;
			continue;
		}
		uint32_t below = own - inside;
		if (below)
			map->e[map->n++] = (struct id_extent){ inside, start, below };
		map->e[map->n++] = (struct id_extent){ own, own, 1 };
		map->e[map->n++] = (struct id_extent){ own + 1, start + below, count - below };
		inside += count + 1;
		placed = true;
	}
	if (!placed)
		map->e[map->n++] = (struct id_extent){ own, own, 1 };
	return 0;
}

int idmap_keep_id(struct idmap *m, uid_t uid, gid_t gid, const struct subid_ranges *subuids,
		  const struct subid_ranges *subgids)
{
	*m = (struct idmap){ .mode = MAP_KEEP_ID };
	if (subuids->n == 0 || subgids->n == 0)
		return -ENOENT;
	int r = keep_id_map(&m->uid, uid, subuids);
	return r < 0 ? r : keep_id_map(&m->gid, gid, subgids);
}

bool map_mode_subordinate(enum map_mode mode)
{
	return mode == MAP_AUTO || mode == MAP_KEEP_ID;
}

bool idmap_subordinate(const struct idmap *m)
{
	return map_mode_subordinate(m->mode);
}

uint32_t id_map_size(const struct id_map *m)
{
	uint32_t size = 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].inside + m->e[i].count > size)
			size = m->e[i].inside + m->e[i].count;
	return size;
}

uint32_t id_map_root(const struct id_map *m)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].inside == 0)
			return m->e[i].outside;
	return (uint32_t)-1;
}

/* id through the extent of m that holds it: from its inside ids to its
 * outside ones (outward), or back. */
static bool id_map_through(const struct id_map *m, uint32_t id, bool outward, uint32_t *out)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct id_extent *e = &m->e[i];
		uint32_t from = outward ? e->inside : e->outside;
		if (id >= from && id - from < e->count) {
			*out = (outward ? e->outside : e->inside) + (id - from);
			return true;
		}
	}
	return false;
}

bool id_map_to_inside(const struct id_map *m, uint32_t outside, uint32_t *inside)
{
	return id_map_through(m, outside, false, inside);
}

bool id_map_to_outside(const struct id_map *m, uint32_t inside, uint32_t *outside)
{
	return id_map_through(m, inside, true, outside);
}

int id_map_format(const struct id_map *m, char *buf, size_t size)
{
	size_t off = 0;
	for (size_t i = 0; i < m->n; i++)
		if (append_text(buf, size, &off, "%u %u %u\n", (unsigned)m->e[i].inside,
				(unsigned)m->e[i].outside, (unsigned)m->e[i].count) < 0)
			return -ENOSPC;
	return 0;
}

static int write_proc(pid_t pid, const char *file, const char *text)
{
	char path[64];
	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	else
		snprintf(path, sizeof(path), "/proc/self/%s", file);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* The kernel takes a map in a single write. */
	size_t len = strlen(text);
	ssize_t n;
	do
		n = write(fd, text, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/*
 * Order matters: uid_map first; then "deny" in setgroups, which an
 * unprivileged writer must do before gid_map or the write is refused
 * (otherwise the mapped process could drop supplementary groups that deny
 * it access: CVE-2014-8989); then gid_map. Ids are printed unsigned, so
 * that ids of 2^31 and more are written as the kernel reads them.
 */
int idmap_write_single(pid_t pid, uid_t inside_uid, uid_t outside_uid, gid_t inside_gid,
		       gid_t outside_gid, bool deny_setgroups)
{
	char map[64];
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)inside_uid, (unsigned)outside_uid);
	int r = write_proc(pid, "uid_map", map);
	if (r < 0)
		return r;
	if (deny_setgroups) {
		r = write_proc(pid, "setgroups", "deny");
		if (r < 0 && r != -ENOENT)
			return r;
	}
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)inside_gid, (unsigned)outside_gid);
	return write_proc(pid, "gid_map", map);
}

/*
 * One line per extent of the parent's map, not one line for all: the
 * kernel translates each line's range through a single extent of the
 * parent's map, so "0 0 65537" over a parent of "0 1000 1" and "1 100000
 * 65536" is refused. Nested in a namespace whose setgroups is allowed
 * (newgidmap left it so), the nested one inherits "allow": nothing to deny.
 */
static int write_identity(pid_t pid, const char *file, const struct id_map *parent)
{
	struct id_map same = *parent;
	for (size_t i = 0; i < same.n; i++)
		same.e[i].outside = same.e[i].inside;
	char text[IDMAP_MAX_EXTENTS * 36];
	int r = id_map_format(&same, text, sizeof(text));
	return r < 0 ? r : write_proc(pid, file, text);
}

int idmap_write_identity(pid_t pid, const struct idmap *m)
{
	int r = write_identity(pid, "uid_map", &m->uid);
	return r < 0 ? r : write_identity(pid, "gid_map", &m->gid);
}
