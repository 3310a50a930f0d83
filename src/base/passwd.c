// SPDX-License-Identifier: GPL-2.0-or-later
#include "base/passwd.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "util/text.h"

enum { PW_NAME, PW_PASSWD, PW_UID, PW_GID, PW_GECOS, PW_HOME, PW_SHELL, PW_NFIELDS };

struct field {
	const char *p;
	size_t len;
};

/* Split one line into exactly n ':'-separated fields (the last may not
 * hold ':'); false for a line of another shape. */
static bool split_fields(const char *line, size_t len, struct field *f, size_t n)
{
	size_t k = 0;
	const char *start = line;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || line[i] == ':') {
			if (k == n)
				return false;
			f[k++] = (struct field){ start, (size_t)(line + i - start) };
			start = line + i + 1;
		}
	}
	return k == n;
}

static bool field_u32(const struct field *f, uint32_t *out)
{
	char num[16];
	if (f->len == 0 || f->len >= sizeof(num))
		return false;
	memcpy(num, f->p, f->len);
	num[f->len] = '\0';
	return parse_u32(num, 0, UINT32_MAX - 1, out) == 0;
}

static bool field_eq(const struct field *f, const char *s)
{
	return strlen(s) == f->len && memcmp(f->p, s, f->len) == 0;
}

typedef bool (*line_fn)(const struct field *f, const void *key);

/* Call match on every well-formed line with n fields; return the first
 * matching line's fields. */
static bool find_line(const char *buf, size_t len, size_t n, line_fn match, const void *key,
		      struct field *f)
{
	const char *line;
	size_t linelen;
	for (const char *p = buf; next_line(&p, buf + len, &line, &linelen);)
		if (linelen > 0 && line[0] != '#' && line[0] != '+' && line[0] != '-' &&
		    !memchr(line, '\0', linelen) && split_fields(line, linelen, f, n) &&
		    match(f, key))
			return true;
	return false;
}

/* The matchers check the whole line's ids, not only the key: a line whose
 * uid or gid is not a number is malformed and skipped, so that it cannot
 * hide a well-formed line after it with the same name or uid. */
static bool pw_ids_valid(const struct field *f)
{
	uint32_t id;
	return field_u32(&f[PW_UID], &id) && field_u32(&f[PW_GID], &id);
}

static bool match_uid(const struct field *f, const void *key)
{
	uint32_t uid;
	return pw_ids_valid(f) && field_u32(&f[PW_UID], &uid) && uid == *(const uint32_t *)key;
}

static bool match_name(const struct field *f, const void *key)
{
	return pw_ids_valid(f) && field_eq(&f[PW_NAME], key);
}

/* name:passwd:gid:members */
enum { GR_NAME, GR_PASSWD, GR_GID, GR_MEMBERS, GR_NFIELDS };

static bool match_group_name(const struct field *f, const void *key)
{
	uint32_t gid;
	return field_u32(&f[GR_GID], &gid) && field_eq(&f[GR_NAME], key);
}

static bool match_group_gid(const struct field *f, const void *key)
{
	uint32_t gid;
	return field_u32(&f[GR_GID], &gid) && gid == *(const uint32_t *)key;
}

static int fill_entry(const struct field *f, struct pw_entry *out)
{
	struct pw_entry pw = { 0 };
	if (!field_u32(&f[PW_UID], &pw.uid) || !field_u32(&f[PW_GID], &pw.gid))
		return -ENOENT;
	pw.name = strndup(f[PW_NAME].p, f[PW_NAME].len);
	pw.home = strndup(f[PW_HOME].p, f[PW_HOME].len);
	pw.shell = strndup(f[PW_SHELL].p, f[PW_SHELL].len);
	if (!pw.name || !pw.home || !pw.shell) {
		pw_entry_free(&pw);
		return -ENOMEM;
	}
	*out = pw;
	return 0;
}

int passwd_find_uid(const char *buf, size_t len, uint32_t uid, struct pw_entry *out)
{
	struct field f[PW_NFIELDS];
	if (!find_line(buf, len, PW_NFIELDS, match_uid, &uid, f))
		return -ENOENT;
	return fill_entry(f, out);
}

int passwd_find_name(const char *buf, size_t len, const char *name, struct pw_entry *out)
{
	struct field f[PW_NFIELDS];
	if (!find_line(buf, len, PW_NFIELDS, match_name, name, f))
		return -ENOENT;
	return fill_entry(f, out);
}

int group_find_name(const char *buf, size_t len, const char *name, uint32_t *gid)
{
	struct field f[GR_NFIELDS];
	if (!find_line(buf, len, GR_NFIELDS, match_group_name, name, f) ||
	    !field_u32(&f[GR_GID], gid))
		return -ENOENT;
	return 0;
}

int group_find_gid(const char *buf, size_t len, uint32_t gid, char **name)
{
	struct field f[GR_NFIELDS];
	if (!find_line(buf, len, GR_NFIELDS, match_group_gid, &gid, f))
		return -ENOENT;
	*name = strndup(f[GR_NAME].p, f[GR_NAME].len);
	return *name ? 0 : -ENOMEM;
}

/* Whether the comma-separated members field lists user. */
static bool lists(const struct field *members, const char *user)
{
	size_t ulen = strlen(user);
	const char *p = members->p, *end = p + members->len;
	while (p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		size_t n = (size_t)((c ? c : end) - p);
		if (n == ulen && memcmp(p, user, n) == 0)
			return true;
		p += n + 1;
	}
	return false;
}

size_t group_member_gids(const char *buf, size_t len, const char *user, uint32_t *gids, size_t max)
{
	size_t n = 0;
	const char *line;
	size_t linelen;
	struct field f[GR_NFIELDS];
	uint32_t gid;
	for (const char *p = buf; n < max && next_line(&p, buf + len, &line, &linelen);)
		if (linelen > 0 && line[0] != '#' && line[0] != '+' && line[0] != '-' &&
		    !memchr(line, '\0', linelen) && split_fields(line, linelen, f, GR_NFIELDS) &&
		    field_u32(&f[GR_GID], &gid) && lists(&f[GR_MEMBERS], user))
			gids[n++] = gid;
	return n;
}

void pw_entry_free(struct pw_entry *pw)
{
	free(pw->name);
	free(pw->home);
	free(pw->shell);
	*pw = (struct pw_entry){ 0 };
}
