// SPDX-License-Identifier: GPL-2.0-or-later
/* The caller's own user in a keep-id box: entries and sudo, on first use. */
#include "cmd/keepid.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/passwd.h"
#include "base/resolve.h"
#include "cmd/helper.h"
#include "cmd/hostuser.h"
#include "store/fixups.h"
#include "util/cleanup.h"
#include "util/log.h"

#define PASSWD_MAX (16u << 20)

static bool copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	if (n >= size || strchr(src, ':') || strchr(src, '\n'))
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

int keep_user_of_caller(struct keep_user *u)
{
	*u = (struct keep_user){ .uid = getuid(), .gid = getgid() };
	struct pw_entry pw;
	int r = host_user_entry(u->uid, &pw);
	if (r < 0)
		return r;
	_cleanup_free_ char *group = host_group_name(u->gid);
	/* A primary group the host cannot name is called after the user, as
	 * useradd's user private groups are. */
	bool ok = copy(u->name, sizeof(u->name), pw.name) &&
		  copy(u->group, sizeof(u->group), group ? group : pw.name) &&
		  copy(u->home, sizeof(u->home), pw.home[0] == '/' ? pw.home : "/") &&
		  copy(u->shell, sizeof(u->shell), pw.shell[0] ? pw.shell : "/bin/sh") &&
		  u->name[0] && u->group[0];
	pw_entry_free(&pw);
	return ok ? 0 : -ENOENT;
}

void keep_user_warn_taken(const struct keep_user *u, unsigned taken, const char *target)
{
	if (taken & KEEP_USER_NAME_TAKEN)
		log_warning("'%s' has a user named '%s' with another uid than yours (%u): your "
			    "entry is not added to its /etc/passwd",
			    target, u->name, (unsigned)u->uid);
	if (taken & KEEP_GROUP_NAME_TAKEN)
		log_warning("'%s' has a group named '%s' with another gid than yours (%u): yours "
			    "is not added to its /etc/group",
			    target, u->group, (unsigned)u->gid);
}

static bool exists_in_root(int rootfd, const char *path)
{
	int fd = open_in_root(rootfd, path, O_PATH);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Which of the keep-id fixups the tree lacks: user when its /etc/passwd
 * has no entry of the caller's uid, sudo when it has sudo without ours. */
static unsigned missing(int rootfd)
{
	unsigned need = 0;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	struct pw_entry pw;
	if (read_file_in_root(rootfd, "/etc/passwd", PASSWD_MAX, &text, &len) == 0 &&
	    passwd_find_uid(text, len, (uint32_t)getuid(), &pw) < 0)
		need |= FIXUP_USER;
	else if (text)
		pw_entry_free(&pw);
	if ((exists_in_root(rootfd, "/etc/sudoers.d") || exists_in_root(rootfd, "/usr/bin/sudo")) &&
	    !exists_in_root(rootfd, "/etc/sudoers.d/nschroot-keep-id"))
		need |= FIXUP_SUDO;
	return need;
}

/* The fixups of need, in the map's namespace: what was done, and in
 * *declined "user" when a name of the caller's is another id's there (said
 * once: the box records it). */
static unsigned prepare(int rootfd, const struct idmap *map, unsigned need, const char *name,
			unsigned *declined)
{
	struct keep_user u;
	*declined = 0;
	if (keep_user_of_caller(&u) < 0) {
		if (need & FIXUP_USER)
			log_warning("your uid %u has no name on this host: '%s' gets no entry "
				    "for it",
				    (unsigned)getuid(), name);
		return 0;
	}
	struct failure f = { 0 };
	unsigned done = 0, taken = 0;
	if (fixups_in_userns(map, rootfd, need, name, &u, false, &done, &taken, &f) < 0) {
		char text[640];
		log_warning("cannot add your user to '%s': %s", name,
			    failure_text(&f, text, sizeof(text)));
	}
	keep_user_warn_taken(&u, taken, name);
	if (taken && !(done & FIXUP_USER))
		*declined = FIXUP_USER;
	return done;
}

/* box.conf with done added to the fixups and declined to those declined. */
static void record(struct box *box, unsigned done, unsigned declined, const char *name)
{
	unsigned recorded = 0, off = 0;
	struct box_conf *c = &box->conf;
	if ((c->fixups && fixups_parse(c->fixups, &recorded) < 0) ||
	    (c->fixups_declined && fixups_parse(c->fixups_declined, &off) < 0))
		return;
	char *now = fixups_format(recorded | done);
	char *no = fixups_format(off | declined);
	if (!now || !no) {
		free(now);
		free(no);
		return;
	}
	free(c->fixups);
	free(c->fixups_declined);
	c->fixups = now;
	c->fixups_declined = no;
	int r = store_write_conf(box->lock, c);
	if (r < 0)
		log_warning("cannot record the fixups of '%s' in its box.conf: %s", name,
			    strerror(-r));
}

void keep_id_prepare_box(struct box *box, const struct idmap *map, const char *name)
{
	unsigned off = 0;
	if (box->conf.fixups_declined && fixups_parse(box->conf.fixups_declined, &off) < 0)
		off = FIXUP_KEEP_ID;
	if ((off & FIXUP_KEEP_ID) == FIXUP_KEEP_ID)
		return;
	_cleanup_close_ int rootfd =
	    openat(box->lock, "rootfs", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rootfd < 0)
		return; /* the run says why */
	unsigned need = missing(rootfd) & ~off;
	if (!need)
		return;
	unsigned declined;
	unsigned done = prepare(rootfd, map, need, name, &declined);
	if (done || declined)
		record(box, done, declined, name);
}

void keep_id_prepare_dir(int rootfd, const struct idmap *map, const char *name)
{
	unsigned need = missing(rootfd), declined;
	if (need)
		prepare(rootfd, map, need, name, &declined);
}
