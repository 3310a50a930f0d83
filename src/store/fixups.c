// SPDX-License-Identifier: GPL-2.0-or-later
#include "store/fixups.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/resolve.h"
#include "store/etcfile.h"
#include "store/hosts.h"
#include "util/cleanup.h"
#include "util/io.h"
#include "util/text.h"

/* Larger than any file nschroot writes, or any real pacman.conf. */
#define OWNED_FILE_MAX	(64u << 10)
#define PACMAN_CONF_MAX (1u << 20)
/* A hosts file of a blocklist runs to megabytes; a larger one is left as
 * it is. */
#define HOSTS_MAX      (16u << 20)
#define FIXUP_PATH_MAX 128

static const char *const names[] = { "apt", "dpkg", "pacman", "hosts", "user", "sudo" };
#define N_FIXUPS (sizeof(names) / sizeof(names[0]))

const char *fixup_name(enum fixup fx)
{
	for (size_t i = 0; i < N_FIXUPS; i++)
		if ((unsigned)fx == 1u << i)
			return names[i];
	return NULL;
}

int fixup_from_name(const char *name)
{
	for (size_t i = 0; i < N_FIXUPS; i++)
		if (strcmp(name, names[i]) == 0)
			return 1 << i;
	return -EINVAL;
}

char *fixups_format(unsigned set)
{
	char buf[64] = "";
	for (size_t i = 0; i < N_FIXUPS; i++) {
		if (!(set & 1u << i))
			continue;
		if (buf[0])
			strcat(buf, ",");
		strcat(buf, names[i]);
	}
	return strdup(buf);
}

int fixups_parse(const char *s, unsigned *out)
{
	unsigned set = 0;
	while (is_blank(*s))
		s++;
	if (*s == '\0') {
		*out = 0;
		return 0;
	}
	for (;;) {
		size_t len = strcspn(s, ",");
		const char *b = s, *e = s + len;
		while (b < e && is_blank(*b))
			b++;
		while (e > b && is_blank(e[-1]))
			e--;
		char name[16];
		if (e == b || (size_t)(e - b) >= sizeof(name))
			return -EINVAL;
		memcpy(name, b, (size_t)(e - b));
		name[e - b] = '\0';
		int fx = fixup_from_name(name);
		if (fx < 0)
			return fx;
		set |= (unsigned)fx;
		if (s[len] == '\0')
			break;
		s += len + 1;
	}
	*out = set;
	return 0;
}

/* Whether the blank-separated list holds word exactly ("debian" is in
 * "ubuntu debian", not in "debianish"). */
static bool has_word(const char *list, const char *word)
{
	size_t wlen = strlen(word);
	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t len = strcspn(p, " \t");
		if (len == wlen && memcmp(p, word, wlen) == 0)
			return true;
		p += len;
	}
	return false;
}

static bool os_is(const struct os_release *os, const char *word)
{
	return os && (has_word(os->id, word) || has_word(os->id_like, word));
}

unsigned fixups_applicable(const struct os_release *os, bool root_mode)
{
	unsigned set = FIXUP_HOSTS;
	if (os_is(os, "debian") || os_is(os, "ubuntu"))
		set |= FIXUP_DPKG | (root_mode ? FIXUP_APT : 0);
	if (root_mode && os_is(os, "arch"))
		set |= FIXUP_PACMAN;
	return set;
}

/* What to do when the final name holds something other than our file. */
enum foreign {
	FOREIGN_REPLACE, /* a file at our own name: replace it */
	FOREIGN_KEEP,	 /* the rootfs' own: keep it, the fixup is not made */
};

/* A file that a fixup writes whole, and that undo removes when its content
 * is still exactly this. */
struct owned_file {
	enum fixup fx;
	const char *dir, *name;
	mode_t mode;
	enum foreign foreign;
	const char *content;
};

static const struct owned_file owned_files[] = {
	{ FIXUP_APT, "/etc/apt/apt.conf.d", "99nschroot-sandbox", 0644, FOREIGN_REPLACE,
	  "// Written by nschroot (fixup \"apt\"): with a single id mapped, apt cannot drop\n"
	  "// privileges to _apt (\"setgroups 65534 failed\"), so it runs as root.\n"
	  "// 'nschroot fixup --undo --apt' removes this file.\n"
	  "APT::Sandbox::User \"root\";\n" },
	{ FIXUP_DPKG, "/usr/sbin", "policy-rc.d", 0755, FOREIGN_KEEP,
	  "#!/bin/sh\n"
	  "# Written by nschroot (fixup \"dpkg\"): a box has no init system, so package\n"
	  "# scripts must not start services (invoke-rc.d, see policy-rc.d(8)).\n"
	  "exit 101\n" },
};

static void owned_path(const struct owned_file *o, char path[FIXUP_PATH_MAX])
{
	snprintf(path, FIXUP_PATH_MAX, "%s/%s", strcmp(o->dir, "/") == 0 ? "" : o->dir, o->name);
}

/* Whether the regular file of name in dirfd is exactly ours: content and
 * mode. -errno when it cannot be read (-ENOENT: absent, -ELOOP: a link,
 * -EINVAL: not a regular file). */
static int is_ours(int dirfd, const struct owned_file *o, bool check_mode)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = etc_read_at(dirfd, o->name, OWNED_FILE_MAX, &buf, &len);
	if (r == -EFBIG)
		return 0;
	if (r < 0)
		return r;
	struct stat st;
	if (check_mode && fstatat(dirfd, o->name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult): read_at set it */
	return len == strlen(o->content) && memcmp(buf, o->content, len) == 0 &&
	       (!check_mode || (st.st_mode & 07777) == o->mode);
}

/* Whether to write o's file over what is at its name now (st). */
static bool should_replace(int dirfd, const struct owned_file *o, const struct stat *st)
{
	/* Ours with its mode changed is made right again. */
	if (S_ISREG(st->st_mode) && is_ours(dirfd, o, false) > 0)
		return true;
	return o->foreign == FOREIGN_REPLACE;
}

/* Make o's file unless something of the rootfs' own must be kept. *done:
 * whether ours is now in place. */
static int apply_owned(int rootfd, const struct owned_file *o, bool *done, struct failure *f)
{
	char path[FIXUP_PATH_MAX];
	owned_path(o, path);
	*done = false;
	_cleanup_close_ int dirfd = mkdir_in_root(rootfd, o->dir);
	if (dirfd < 0)
		return fail(f, dirfd, "cannot create directory '%s'", o->dir);

	struct stat st;
	if (fstatat(dirfd, o->name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return fail(f, errno, "cannot write '%s'", path);
	} else {
		int ours = S_ISREG(st.st_mode) ? is_ours(dirfd, o, true) : 0;
		if (ours < 0)
			return fail(f, ours, "cannot read '%s'", path);
		if (ours > 0) {
			*done = true;
			return 0;
		}
		if (!should_replace(dirfd, o, &st))
			return 0;
		if (S_ISLNK(st.st_mode))
			return fail(f, -ELOOP, "refusing to write through the symbolic link '%s'",
				    path);
		if (!S_ISREG(st.st_mode))
			return fail(f, -EEXIST, "cannot write '%s': not a regular file", path);
	}
	int r = etc_write_atomic(dirfd, o->name, o->content, strlen(o->content), o->mode, NULL);
	if (r == -ELOOP)
		return fail(f, r, "refusing to write through the symbolic link '%s'", path);
	if (r < 0)
		return fail(f, r, "cannot write '%s'", path);
	*done = true;
	return 0;
}

static int undo_owned(int rootfd, const struct owned_file *o, bool *done, struct failure *f)
{
	char path[FIXUP_PATH_MAX];
	owned_path(o, path);
	*done = false;
	_cleanup_close_ int dirfd = open_in_root(rootfd, o->dir, O_PATH | O_DIRECTORY);
	if (dirfd == -ENOENT || dirfd == -ENOTDIR)
		return 0;
	if (dirfd < 0)
		return fail(f, dirfd, "cannot open '%s'", o->dir);
	/* Content only: ours with its mode changed is still ours. */
	int ours = is_ours(dirfd, o, false);
	if (ours == -ENOENT || ours == -ELOOP || ours == -EINVAL || ours == 0)
		return 0;
	if (ours < 0)
		return fail(f, ours, "cannot read '%s'", path);
	if (unlinkat(dirfd, o->name, 0) < 0)
		return fail(f, errno, "cannot remove '%s'", path);
	*done = true;
	return 0;
}

/* pacman.conf is edited line by line, each change marked so that undo can
 * revert exactly it and nothing else: an active DownloadUser in [options]
 * gets COMMENT_MARK in front of it; DisableSandbox, when [options] has none,
 * is added as SANDBOX_LINE right after the section header. */
#define COMMENT_MARK "#nschroot# "
#define SANDBOX_LINE "DisableSandbox # nschroot"

/* The line [p, eol) sets key: "Key", "Key = value", after blanks. */
static bool sets_key(const char *p, const char *eol, const char *key)
{
	size_t klen = strlen(key);
	while (p < eol && is_blank(*p))
		p++;
	if ((size_t)(eol - p) < klen || memcmp(p, key, klen) != 0)
		return false;
	p += klen;
	return p == eol || is_blank(*p) || *p == '=' || *p == '\r';
}

static bool line_is(const char *p, const char *eol, const char *s)
{
	return (size_t)(eol - p) == strlen(s) && memcmp(p, s, strlen(s)) == 0;
}

/* Whether the line is a section header; if so *name and *len give the
 * section ("options" for "[options]"). */
static bool header(const char *p, const char *eol, const char **name, size_t *len)
{
	while (p < eol && is_blank(*p))
		p++;
	if (p >= eol || *p != '[')
		return false;
	const char *close = memchr(p, ']', (size_t)(eol - p));
	if (!close)
		return false;
	*name = p + 1;
	*len = (size_t)(close - p - 1);
	return true;
}

struct edit {
	char *out;
	size_t len;
	bool changed; /* out differs from the input */
	bool marked;  /* out holds a change of ours */
};

static void emit(struct edit *e, const char *s, size_t len)
{
	memcpy(e->out + e->len, s, len);
	e->len += len;
}

/* The applied form of a pacman.conf. e->out holds room for the input, one
 * mark per line and the added line. */
static void pacman_apply_text(const char *buf, size_t len, struct edit *e)
{
	const char *end = buf + len, *line;
	size_t n;
	bool in_options = false, has_sandbox = false;
	size_t insert_at = (size_t)-1; /* where in out the options header ends */
	bool header_unterminated = false;
	for (const char *next = buf; next_line(&next, end, &line, &n);) {
		const char *eol = line + n;
		const char *sec;
		size_t slen;
		if (header(line, eol, &sec, &slen)) {
			in_options = slen == 7 && memcmp(sec, "options", 7) == 0;
			emit(e, line, (size_t)(next - line));
			if (in_options && insert_at == (size_t)-1) {
				insert_at = e->len;
				header_unterminated = eol == end;
			}
			continue;
		}
		if (line_is(line, eol, SANDBOX_LINE) ||
		    ((size_t)(eol - line) >= strlen(COMMENT_MARK) &&
		     memcmp(line, COMMENT_MARK, strlen(COMMENT_MARK)) == 0))
			e->marked = true;
		if (in_options && sets_key(line, eol, "DisableSandbox"))
			has_sandbox = true;
		if (in_options && sets_key(line, eol, "DownloadUser")) {
			emit(e, COMMENT_MARK, strlen(COMMENT_MARK));
			e->changed = e->marked = true;
		}
		emit(e, line, (size_t)(next - line));
	}
	if (has_sandbox || insert_at == (size_t)-1)
		return;
	/* Into the gap after the header: an unterminated header (at the very
	 * end) gets the newline here, and the added line none, so that undo
	 * can give back the original bytes exactly. */
	const char *add = header_unterminated ? "\n" SANDBOX_LINE : SANDBOX_LINE "\n";
	size_t alen = strlen(add);
	memmove(e->out + insert_at + alen, e->out + insert_at, e->len - insert_at);
	memcpy(e->out + insert_at, add, alen);
	e->len += alen;
	e->changed = e->marked = true;
}

/* The original form of a pacman.conf that pacman_apply_text changed. */
static void pacman_undo_text(const char *buf, size_t len, struct edit *e)
{
	const char *end = buf + len, *line;
	size_t n, mlen = strlen(COMMENT_MARK);
	for (const char *next = buf; next_line(&next, end, &line, &n);) {
		const char *eol = line + n;
		if (line_is(line, eol, SANDBOX_LINE)) {
			if (eol == end && e->len > 0 && e->out[e->len - 1] == '\n')
				e->len--;
			e->changed = true;
		} else if ((size_t)(eol - line) >= mlen && memcmp(line, COMMENT_MARK, mlen) == 0) {
			emit(e, line + mlen, (size_t)(next - line) - mlen);
			e->changed = true;
		} else {
			emit(e, line, (size_t)(next - line));
		}
	}
}

static int edit_pacman(int rootfd, bool undo, bool *done, struct failure *f)
{
	static const char path[] = "/etc/pacman.conf";
	*done = false;
	_cleanup_close_ int dirfd = open_in_root(rootfd, "/etc", O_PATH | O_DIRECTORY);
	if (dirfd == -ENOENT || dirfd == -ENOTDIR)
		return 0;
	if (dirfd < 0)
		return fail(f, dirfd, "cannot open '/etc'");
	struct stat st;
	if (fstatat(dirfd, "pacman.conf", &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : fail(f, errno, "cannot read '%s'", path);
	if (S_ISLNK(st.st_mode))
		return fail(f, -ELOOP, "refusing to write through the symbolic link '%s'", path);
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = etc_read_at(dirfd, "pacman.conf", PACMAN_CONF_MAX, &buf, &len);
	if (r < 0)
		return fail(f, r, "cannot read '%s'", path);

	size_t lines = 1;
	/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult): read_at set len */
	for (const char *p = buf; (p = memchr(p, '\n', len - (size_t)(p - buf))); p++)
		lines++;
	_cleanup_free_ char *out =
	    malloc(len + lines * strlen(COMMENT_MARK) + sizeof(SANDBOX_LINE) + 2);
	if (!out)
		return fail(f, -ENOMEM, "cannot edit '%s'", path);
	struct edit e = { .out = out };
	if (undo)
		pacman_undo_text(buf, len, &e);
	else
		pacman_apply_text(buf, len, &e);
	if (e.changed) {
		r = etc_write_atomic(dirfd, "pacman.conf", e.out, e.len, st.st_mode & 07777, &st);
		if (r < 0)
			return fail(f, r, "cannot write '%s'", path);
	}
	*done = undo ? e.changed : e.marked;
	return 0;
}

/* Whether the link at path leads, inside the root, to a file with some
 * content: an /etc/hosts that is there in all but form. */
static bool link_has_content(int rootfd, const char *path)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	return read_file_in_root(rootfd, path, OWNED_FILE_MAX, &buf, &len) == 0 && len > 0;
}

/* /etc/hosts is not a regular file: a link that leads to one with content
 * is the rootfs' own hosts, kept as it is (never written through); any
 * other link, or anything else, cannot take the fixup's file. */
static int hosts_not_regular(int rootfd, const struct stat *st, struct failure *f)
{
	if (!S_ISLNK(st->st_mode))
		return fail(f, -EEXIST, "cannot write '/etc/hosts': not a regular file");
	if (link_has_content(rootfd, "/etc/hosts"))
		return 0;
	return fail(f, -ELOOP, "refusing to write through the symbolic link '/etc/hosts'");
}

/* Write the edit of hosts.c: over the file (st: its mode and owner kept),
 * or a new one (st NULL), or its removal. */
static int hosts_write(int dirfd, const struct hosts_text *t, const struct stat *st,
		       struct failure *f)
{
	if (!t->changed)
		return 0;
	if (t->remove && unlinkat(dirfd, "hosts", 0) < 0)
		return fail(f, errno, "cannot remove '/etc/hosts'");
	int r = t->remove ? 0
			  : etc_write_atomic(dirfd, "hosts", t->out, t->len,
					     st ? st->st_mode & 07777 : 0644, st);
	if (r == -ELOOP)
		return fail(f, r, "refusing to write through the symbolic link '/etc/hosts'");
	return r < 0 ? fail(f, r, "cannot write '/etc/hosts'") : 0;
}

/* The fixup "hosts" (hosts.h). Without /etc, apply makes it and undo has
 * nothing to do. A file too large to read whole is left as it is. */
static int fixup_hosts(int rootfd, const char *hostname, bool undo, bool *done, struct failure *f)
{
	*done = false;
	_cleanup_close_ int dirfd = undo ? open_in_root(rootfd, "/etc", O_PATH | O_DIRECTORY)
					 : mkdir_in_root(rootfd, "/etc");
	if (undo && (dirfd == -ENOENT || dirfd == -ENOTDIR))
		return 0;
	if (dirfd < 0)
		return fail(f, dirfd,
			    undo ? "cannot open '/etc'" : "cannot create directory '/etc'");
	struct stat st;
	bool exists = fstatat(dirfd, "hosts", &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!exists && errno != ENOENT)
		return fail(f, errno, "cannot read '/etc/hosts'");
	if ((!exists && undo) || (exists && !S_ISREG(st.st_mode) && undo))
		return 0;
	if (exists && !S_ISREG(st.st_mode))
		return hosts_not_regular(rootfd, &st, f);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r = exists ? etc_read_at(dirfd, "hosts", HOSTS_MAX, &buf, &len) : 0;
	if (r == -EFBIG)
		return 0;
	if (r < 0)
		return fail(f, r, "cannot read '/etc/hosts'");
	struct hosts_text t;
	r = undo ? hosts_undo_text(buf, len, &t) : hosts_apply_text(buf, len, hostname, &t);
	if (r < 0)
		return fail(f, r, "cannot edit '/etc/hosts'");
	r = hosts_write(dirfd, &t, exists ? &st : NULL, f);
	free(t.out);
	*done = r == 0 && (undo ? t.changed : t.ours);
	return r;
}

static const struct owned_file *owned_file(enum fixup fx)
{
	for (size_t i = 0; i < sizeof(owned_files) / sizeof(owned_files[0]); i++)
		if (owned_files[i].fx == fx)
			return &owned_files[i];
	return NULL;
}

/* The sudoers drop-in of the fixup "sudo": its content names the uid, so
 * it is made for the caller (and recognised by undo as the same caller's).
 * A '#' followed by digits is a uid in sudoers, not a comment. */
static void sudo_file(const struct keep_user *u, struct owned_file *o, char *buf, size_t size)
{
	snprintf(buf, size,
		 "# Written by nschroot (fixup \"sudo\"): in a keep-id box the caller, uid %u\n"
		 "# inside as outside, may run anything as anyone without a password.\n"
		 "# 'nschroot fixup --undo --sudo' removes this file.\n"
		 "#%u ALL=(ALL:ALL) NOPASSWD: ALL\n",
		 (unsigned)u->uid, (unsigned)u->uid);
	*o = (struct owned_file){ FIXUP_SUDO, "/etc/sudoers.d", "nschroot-keep-id",
				  0440,	      FOREIGN_REPLACE,	buf };
}

/* Whether the box has sudo: its drop-in directory, or the program. */
static bool has_sudo(int rootfd)
{
	static const char *const paths[] = { "/etc/sudoers.d", "/usr/bin/sudo" };
	for (size_t i = 0; i < 2; i++) {
		int fd = open_in_root(rootfd, paths[i], O_PATH);
		if (fd >= 0) {
			close(fd);
			return true;
		}
	}
	return false;
}

/* The keep-id fixups, user and sudo. */
static int keep_id_fixup(int rootfd, enum fixup fx, const struct keep_user *u, bool undo,
			 bool *done, unsigned *taken, struct failure *f)
{
	if (fx == FIXUP_USER)
		return undo ? keep_user_undo(rootfd, u, done, f)
			    : keep_user_apply(rootfd, u, done, taken, f);
	char content[512];
	struct owned_file o;
	sudo_file(u, &o, content, sizeof(content));
	if (undo)
		return undo_owned(rootfd, &o, done, f);
	if (!has_sudo(rootfd))
		return 0;
	return apply_owned(rootfd, &o, done, f);
}

struct fixup_run {
	int rootfd;
	const char *hostname;
	const struct keep_user *user;
	bool undo;
	unsigned *taken;
};

static int run_one(const struct fixup_run *c, enum fixup fx, bool *done, struct failure *f)
{
	const struct owned_file *o = owned_file(fx);
	if (o)
		return c->undo ? undo_owned(c->rootfd, o, done, f)
			       : apply_owned(c->rootfd, o, done, f);
	if (fx == FIXUP_HOSTS)
		return fixup_hosts(c->rootfd, c->hostname, c->undo, done, f);
	if (fx == FIXUP_PACMAN)
		return edit_pacman(c->rootfd, c->undo, done, f);
	if (!c->user)
		return 0;
	return keep_id_fixup(c->rootfd, fx, c->user, c->undo, done, c->taken, f);
}

static int run_fixups(const struct fixup_run *c, unsigned which, unsigned *result,
		      struct failure *f)
{
	*result = 0;
	for (size_t i = 0; i < N_FIXUPS; i++) {
		enum fixup fx = 1 << i;
		if (!(which & fx))
			continue;
		bool done = false;
		int r = run_one(c, fx, &done, f);
		if (r < 0)
			return r;
		if (done)
			*result |= fx;
	}
	return 0;
}

int fixups_apply_for(int rootfd, unsigned which, const char *hostname, const struct keep_user *u,
		     unsigned *applied, unsigned *taken, struct failure *f)
{
	unsigned unused = 0;
	if (taken)
		*taken = 0;
	struct fixup_run c = { rootfd, hostname, u, false, taken ? taken : &unused };
	return run_fixups(&c, which, applied, f);
}

int fixups_undo_for(int rootfd, unsigned which, const struct keep_user *u, unsigned *undone,
		    struct failure *f)
{
	struct fixup_run c = { rootfd, NULL, u, true, NULL };
	return run_fixups(&c, which, undone, f);
}

int fixups_apply(int rootfd, unsigned which, const char *hostname, unsigned *applied,
		 struct failure *f)
{
	return fixups_apply_for(rootfd, which, hostname, NULL, applied, NULL, f);
}

int fixups_undo(int rootfd, unsigned which, unsigned *undone, struct failure *f)
{
	return fixups_undo_for(rootfd, which, NULL, undone, f);
}
