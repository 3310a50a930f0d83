// SPDX-License-Identifier: GPL-2.0-or-later
#include "store/keep-user.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/resolve.h"
#include "store/etcfile.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/text.h"

/* Larger than any /etc/passwd or /etc/group of a box. */
#define ID_FILE_MAX (16u << 20)
#define GECOS_MARK  ",,,,nschroot"

/* Field k of a ':'-separated line (*p, *n), or false when it has fewer. */
static bool field(const char *line, size_t len, unsigned k, const char **p, size_t *n)
{
	const char *end = line + len, *s = line;
	for (unsigned i = 0; i < k; i++) {
		const char *c = memchr(s, ':', (size_t)(end - s));
		if (!c)
			return false;
		s = c + 1;
	}
	const char *c = memchr(s, ':', (size_t)(end - s));
	*p = s;
	*n = (size_t)((c ? c : end) - s);
	return true;
}

static bool field_is(const char *line, size_t len, unsigned k, const char *want)
{
	const char *p;
	size_t n;
	return field(line, len, k, &p, &n) && n == strlen(want) && memcmp(p, want, n) == 0;
}

static bool field_id(const char *line, size_t len, unsigned k, uint32_t id)
{
	const char *p;
	size_t n;
	char num[16];
	uint32_t v;
	if (!field(line, len, k, &p, &n) || n == 0 || n >= sizeof(num))
		return false;
	memcpy(num, p, n);
	num[n] = '\0';
	return parse_u32(num, 0, UINT32_MAX - 1, &v) == 0 && v == id;
}

/* Whether a line of buf has the id in field 2 (have_id), or the name in
 * field 0 with another id (name_taken). Comments and NIS lines aside. */
static void scan(const char *buf, size_t len, const char *name, uint32_t id, bool *have_id,
		 bool *name_taken)
{
	*have_id = *name_taken = false;
	const char *line;
	size_t n;
	for (const char *p = buf; buf && next_line(&p, buf + len, &line, &n);) {
		if (n == 0 || line[0] == '#' || line[0] == '+' || line[0] == '-')
			continue;
		if (field_id(line, n, 2, id))
			*have_id = true;
		else if (field_is(line, n, 0, name))
			*name_taken = true;
	}
}

/* buf with line appended (after a newline where buf lacks its last). */
static int append_line(const char *buf, size_t len, const char *line, struct keep_text *t)
{
	bool nl = len > 0 && buf[len - 1] != '\n';
	size_t add = strlen(line);
	t->out = malloc(len + nl + add + 1);
	if (!t->out)
		return -ENOMEM;
	if (len)
		memcpy(t->out, buf, len);
	if (nl)
		t->out[len] = '\n';
	memcpy(t->out + len + nl, line, add + 1);
	t->len = len + nl + add;
	t->changed = true;
	return 0;
}

/* buf with line added, unless a line has the id already, or the name
 * with another id (*taken gets flag then). */
static int add_entry(const char *buf, size_t len, const char *name, uint32_t id, unsigned flag,
		     const char *line, struct keep_text *t, unsigned *taken)
{
	*t = (struct keep_text){ 0 };
	bool have_id, name_taken;
	scan(buf, len, name, id, &have_id, &name_taken);
	if (name_taken && !have_id)
		*taken |= flag;
	return have_id || name_taken ? 0 : append_line(buf, len, line, t);
}

int keep_user_passwd_add(const char *buf, size_t len, const struct keep_user *u, const char *shell,
			 struct keep_text *t, unsigned *taken)
{
	_cleanup_free_ char *line = NULL;
	if (asprintf(&line, "%s:*:%u:%u:" GECOS_MARK ":%s:%s\n", u->name, (unsigned)u->uid,
		     (unsigned)u->gid, u->home, shell) < 0)
		return -ENOMEM;
	return add_entry(buf, len, u->name, u->uid, KEEP_USER_NAME_TAKEN, line, t, taken);
}

int keep_user_group_add(const char *buf, size_t len, const struct keep_user *u, struct keep_text *t,
			unsigned *taken)
{
	char line[128];
	snprintf(line, sizeof(line), "%s:*:%u:\n", u->group, (unsigned)u->gid);
	return add_entry(buf, len, u->group, u->gid, KEEP_GROUP_NAME_TAKEN, line, t, taken);
}

static bool passwd_line_ours(const char *line, size_t n, const struct keep_user *u)
{
	return field_is(line, n, 0, u->name) && field_is(line, n, 1, "*") &&
	       field_id(line, n, 2, u->uid) && field_is(line, n, 4, GECOS_MARK);
}

static bool group_line_ours(const char *line, size_t n, const struct keep_user *u)
{
	char want[128];
	int w = snprintf(want, sizeof(want), "%s:*:%u:", u->group, (unsigned)u->gid);
	return w > 0 && (size_t)w == n && memcmp(line, want, n) == 0;
}

bool keep_user_passwd_ours(const char *buf, size_t len, const struct keep_user *u)
{
	const char *line;
	size_t n;
	for (const char *p = buf; buf && next_line(&p, buf + len, &line, &n);)
		if (passwd_line_ours(line, n, u))
			return true;
	return false;
}

/* buf without the lines that ours() recognises, each taken out with its
 * newline: the rest stays byte for byte. */
static int remove_lines(const char *buf, size_t len, const struct keep_user *u,
			bool (*ours)(const char *, size_t, const struct keep_user *),
			struct keep_text *t)
{
	*t = (struct keep_text){ 0 };
	if (!buf)
		return 0;
	t->out = malloc(len + 1);
	if (!t->out)
		return -ENOMEM;
	const char *line;
	size_t n;
	for (const char *p = buf; next_line(&p, buf + len, &line, &n);) {
		if (ours(line, n, u)) {
			t->changed = true;
			continue;
		}
		memcpy(t->out + t->len, line, (size_t)(p - line));
		t->len += (size_t)(p - line);
	}
	return 0;
}

int keep_user_passwd_remove(const char *buf, size_t len, const struct keep_user *u,
			    struct keep_text *t)
{
	return remove_lines(buf, len, u, passwd_line_ours, t);
}

int keep_user_group_remove(const char *buf, size_t len, const struct keep_user *u,
			   struct keep_text *t)
{
	return remove_lines(buf, len, u, group_line_ours, t);
}

/* The shell to write: the host's when the box has it as an executable
 * file (resolved inside the root), else /bin/sh. */
static const char *box_shell(int rootfd, const char *shell)
{
	if (shell[0] != '/')
		return "/bin/sh";
	_cleanup_close_ int fd = open_in_root(rootfd, shell, O_PATH);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		return "/bin/sh";
	return shell;
}

enum edit_kind { ADD_PASSWD, ADD_GROUP, REMOVE_PASSWD, REMOVE_GROUP };

/* One file of /etc (etcfd) edited as kind says; absent, left alone. */
static int edit_file(int etcfd, const char *name, enum edit_kind kind, const struct keep_user *u,
		     const char *shell, unsigned *taken, struct failure *f)
{
	struct stat st;
	if (fstatat(etcfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : fail(f, errno, "cannot read '/etc/%s'", name);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r = etc_read_at(etcfd, name, ID_FILE_MAX, &buf, &len);
	if (r == -ELOOP)
		return fail(f, r, "refusing to write through the symbolic link '/etc/%s'", name);
	if (r < 0)
		return fail(f, r, "cannot read '/etc/%s'", name);
	struct keep_text t;
	r = kind == ADD_PASSWD	    ? keep_user_passwd_add(buf, len, u, shell, &t, taken)
	    : kind == ADD_GROUP	    ? keep_user_group_add(buf, len, u, &t, taken)
	    : kind == REMOVE_PASSWD ? keep_user_passwd_remove(buf, len, u, &t)
				    : keep_user_group_remove(buf, len, u, &t);
	if (r == 0 && t.changed)
		r = etc_write_atomic(etcfd, name, t.out, t.len, st.st_mode & 07777, &st);
	free(t.out);
	return r < 0 ? fail(f, r, "cannot write '/etc/%s'", name) : 0;
}

/* /etc of the root, locked: read and written by one process at a time. */
static int open_etc(int rootfd, struct failure *f)
{
	int fd = open_in_root(rootfd, "/etc", O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd == -ENOENT ? fd : fail(f, fd, "cannot open '/etc'");
	if (flock(fd, LOCK_EX) < 0) {
		int err = errno;
		close(fd);
		return fail(f, err, "cannot lock '/etc'");
	}
	return fd;
}

static bool ours_now(int etcfd, const struct keep_user *u)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	return etc_read_at(etcfd, "passwd", ID_FILE_MAX, &buf, &len) == 0 &&
	       keep_user_passwd_ours(buf, len, u);
}

int keep_user_apply(int rootfd, const struct keep_user *u, bool *done, unsigned *taken,
		    struct failure *f)
{
	*done = false;
	_cleanup_close_ int etc = open_etc(rootfd, f);
	if (etc == -ENOENT)
		return 0;
	if (etc < 0)
		return etc;
	int r = edit_file(etc, "passwd", ADD_PASSWD, u, box_shell(rootfd, u->shell), taken, f);
	if (r == 0)
		r = edit_file(etc, "group", ADD_GROUP, u, NULL, taken, f);
	*done = r == 0 && ours_now(etc, u);
	return r;
}

int keep_user_undo(int rootfd, const struct keep_user *u, bool *done, struct failure *f)
{
	*done = false;
	_cleanup_close_ int etc = open_etc(rootfd, f);
	if (etc == -ENOENT)
		return 0;
	if (etc < 0)
		return etc;
	bool was = ours_now(etc, u);
	int r = edit_file(etc, "passwd", REMOVE_PASSWD, u, NULL, NULL, f);
	/* The group goes with the user it was added for. */
	if (r == 0 && was)
		r = edit_file(etc, "group", REMOVE_GROUP, u, NULL, NULL, f);
	*done = r == 0 && was;
	return r;
}
