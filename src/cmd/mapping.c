// SPDX-License-Identifier: GPL-2.0-or-later
/* Which identity map a command uses (DESIGN.md, "Identity mapping"). */
#include "cmd/mapping.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/hostuser.h"
#include "cmd/subid-free.h"
#include "base/programs.h"
#include "base/userns.h"
#include "util/cleanup.h"
#include "util/log.h"

void mapping_lookup(struct subids *s)
{
	*s = (struct subids){ 0 };
	uid_t uid = getuid();
	const char *user = host_user_name(uid, s->user, sizeof(s->user)) == 0 ? s->user : NULL;
	subid_read(subid_uid_file(), user, uid, uid, &s->uids);
	subid_read(subid_gid_file(), user, uid, getgid(), &s->gids);
	_cleanup_free_ char *u = search_path("newuidmap");
	_cleanup_free_ char *g = search_path("newgidmap");
	s->helpers = u && g && idmap_helper_usable(u) && idmap_helper_usable(g);
	/* Under no_new_privs (flatpak, bwrap, systemd's NoNewPrivileges=)
	 * exec ignores set-id bits and file capabilities. */
	s->no_new_privs = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
}

bool mapping_auto_works(const struct subids *s)
{
	return s->helpers && !s->no_new_privs && s->uids.n > 0 && s->gids.n > 0;
}

static int do_nothing(void *ctx, void *result, struct failure *f)
{
	return 0;
}

int mapping_try(const struct idmap *m, struct failure *f)
{
	return userns_call(m, do_nothing, NULL, NULL, 0, f);
}

/* Why auto (or keep-id) mode cannot work, as an error, and exit 125. */
static _Noreturn void die_no_auto(const struct subids *s, enum map_mode mode)
{
	const char *user = s->user[0] ? s->user : "you";
	const char *name = map_mode_name(mode);
	if (s->no_new_privs) {
		log_error("--map=%s: no_new_privs is set, so newuidmap cannot run set-id", name);
		log_hint("run nschroot outside the sandbox that set it, or use --map=root");
	} else if (!s->helpers) {
		log_error("--map=%s needs newuidmap and newgidmap, set-id or with file caps", name);
		log_hint("install the uidmap package (apt-get install uidmap)");
	} else {
		log_error("--map=%s: %s %s no range in %s", name, user, s->user[0] ? "has" : "have",
			  s->uids.n == 0 ? subid_uid_file() : subid_gid_file());
		char cmd[160];
		subid_usermod_command(cmd, sizeof(cmd), s->user);
		log_hint("an administrator can add one, free in /etc/subuid and /etc/subgid:");
		log_hint("%s", cmd);
	}
	exit(EXIT_SETUP);
}

static void auto_map(const struct subids *s, bool subroot, struct idmap *m)
{
	if (!mapping_auto_works(s))
		die_no_auto(s, MAP_AUTO);
	idmap_auto(m, getuid(), getgid(), &s->uids, &s->gids, subroot);
}

/*
 * keep-id with the ranges given; exit 125 when they cannot make it: the
 * ids below the caller's own come from the ranges, so a range of fewer
 * ids than the caller's uid (or gid) would leave a hole inside.
 */
static void keep_id_map(const struct subid_ranges *uids, const struct subid_ranges *gids,
			struct idmap *m)
{
	int r = idmap_keep_id(m, getuid(), getgid(), uids, gids);
	if (r == -ERANGE) {
		bool by_uid = getuid() > uids->total;
		log_error("--map=keep-id: your %s %u is larger than your subordinate %s range "
			  "(%u ids)",
			  by_uid ? "uid" : "gid", by_uid ? (unsigned)getuid() : (unsigned)getgid(),
			  by_uid ? "uid" : "gid", (unsigned)(by_uid ? uids->total : gids->total));
		log_hint("keep-id maps the ids below yours from the range: it needs a range "
			 "of more ids than your own id (or use --map=auto)");
		exit(EXIT_SETUP);
	}
	if (r < 0)
		die_errno(-r, "--map=keep-id: cannot make the map");
}

static void keep_id_for_caller(const struct subids *s, struct idmap *m)
{
	if (!mapping_auto_works(s))
		die_no_auto(s, MAP_KEEP_ID);
	keep_id_map(&s->uids, &s->gids, m);
}

bool mapping_for_create(enum map_mode requested, struct idmap *m, struct subids *s)
{
	*s = (struct subids){ 0 };
	if (requested == MAP_ROOT) {
		idmap_single(m, MAP_ROOT, getuid(), getgid());
		return false;
	}
	mapping_lookup(s);
	if (requested == MAP_UNSET && !mapping_auto_works(s)) {
		idmap_single(m, MAP_ROOT, getuid(), getgid());
		return false;
	}
	if (requested == MAP_KEEP_ID) {
		keep_id_for_caller(s, m);
		return false;
	}
	auto_map(s, false, m);
	return requested == MAP_UNSET;
}

void mapping_fall_back_to_root(struct idmap *m, const struct failure *why)
{
	char text[640];
	log_warning("auto mode does not work here: %s", failure_text(why, text, sizeof(text)));
	log_hint("the box is made in root mode; --map=auto makes this an error");
	idmap_single(m, MAP_ROOT, getuid(), getgid());
}

void mapping_widest(struct idmap *m)
{
	struct subids s;
	mapping_lookup(&s);
	if (mapping_auto_works(&s))
		idmap_auto(m, getuid(), getgid(), &s.uids, &s.gids, false);
	else
		idmap_single(m, MAP_ROOT, getuid(), getgid());
}

void mapping_for_box(const struct box_conf *conf, struct idmap *m)
{
	if (conf->map == MAP_KEEP_ID)
		keep_id_map(&conf->subuids, &conf->subgids, m);
	else if (conf->map != MAP_AUTO)
		idmap_single(m, conf->map, getuid(), getgid());
	else
		idmap_auto(m, getuid(), getgid(), &conf->subuids, &conf->subgids, false);
	m->no_userns = conf->backend && strcmp(conf->backend, "proot") == 0;
}

bool mapping_userns_refused(struct failure *why)
{
	struct idmap m;
	idmap_single(&m, MAP_ROOT, getuid(), getgid());
	return mapping_try(&m, why) < 0 && userns_refused(why->err);
}

void mapping_without_userns_if_refused(struct idmap *m)
{
	struct failure why = { 0 };
	if (m->no_userns || idmap_subordinate(m) || !mapping_userns_refused(&why))
		return;
	char text[640];
	log_warning("%s: working on the box without one", failure_text(&why, text, sizeof(text)));
	m->no_userns = true;
}

void mapping_for_dir(int dirfd, const char *name, enum map_mode requested, struct idmap *m)
{
	if (requested == MAP_ROOT || requested == MAP_USER) {
		idmap_single(m, requested, getuid(), getgid());
		return;
	}
	struct stat st;
	if (fstat(dirfd, &st) < 0)
		die_errno(errno, "cannot stat '%s'", name);
	/* The common case reads no file at all. */
	if (requested == MAP_UNSET && st.st_uid == getuid()) {
		idmap_single(m, MAP_ROOT, getuid(), getgid());
		return;
	}
	struct subids s;
	mapping_lookup(&s);
	if (requested == MAP_KEEP_ID) {
		keep_id_for_caller(&s, m);
		return;
	}
	bool subroot = s.uids.n > 0 && st.st_uid == s.uids.r[0].start;
	if (requested == MAP_UNSET && !subroot) {
		idmap_single(m, MAP_ROOT, getuid(), getgid());
		return;
	}
	if (requested == MAP_UNSET && !mapping_auto_works(&s)) {
		log_warning("'%s' belongs to your subordinate uid %u, but auto mode cannot work: "
			    "using --map=root",
			    name, (unsigned)st.st_uid);
		idmap_single(m, MAP_ROOT, getuid(), getgid());
		return;
	}
	auto_map(&s, subroot, m);
}
