// SPDX-License-Identifier: GPL-2.0-or-later
/* `nschroot fixup [--apt] [--dpkg] [--pacman] [--hosts] [--user] [--sudo] [--all] [--undo]
 * TARGET` */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmdline.h"
#include "cmd/commands.h"
#include "cmd/helper.h"
#include "cmd/keepid.h"
#include "cmd/mapping.h"
#include "store/fixups.h"
#include "store/os-release.h"
#include "store/store.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/parse.h"

/*
 * Without a fixup named, or with --all, the fixups that fit the rootfs'
 * distribution and map mode are applied, as create does; named ones are
 * applied as asked. --undo reverts the named ones, or all. A box is locked
 * exclusively and its box.conf records the result; a directory TARGET is
 * changed in place. The files are written as the root of a user namespace
 * mapped as `run` would map TARGET, so they belong to the box's root.
 */
/* What was asked: the fixups named, --all, --undo, and TARGET. */
struct fixup_args {
	unsigned named;
	bool all, undo;
	const char *target;
};

static void parse_fixup(int argc, char **argv, struct fixup_args *a)
{
	enum {
		OPT_APT = CHAR_MAX + 1,
		OPT_DPKG,
		OPT_PACMAN,
		OPT_HOSTS,
		OPT_USER,
		OPT_SUDO,
		OPT_ALL,
		OPT_UNDO
	};
	static const struct option opts[] = {
		{ "apt", no_argument, NULL, OPT_APT },
		{ "dpkg", no_argument, NULL, OPT_DPKG },
		{ "pacman", no_argument, NULL, OPT_PACMAN },
		{ "hosts", no_argument, NULL, OPT_HOSTS },
		{ "user", no_argument, NULL, OPT_USER },
		{ "sudo", no_argument, NULL, OPT_SUDO },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "undo", no_argument, NULL, OPT_UNDO },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const unsigned flags[] = { FIXUP_APT,   FIXUP_DPKG, FIXUP_PACMAN,
					  FIXUP_HOSTS, FIXUP_USER, FIXUP_SUDO };
	*a = (struct fixup_args){ 0 };
	int opt;
	while ((opt = command_option(argc, argv, "+:h", opts, "fixup")) != -1) {
		if (opt >= OPT_APT && opt <= OPT_SUDO) {
			a->named |= flags[opt - OPT_APT];
		} else if (opt == OPT_ALL) {
			a->all = true;
		} else if (opt == OPT_UNDO) {
			a->undo = true;
		} else {
			die_usage("fixup: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		die_usage(optind < argc ? "fixup: too many arguments" : "fixup: missing TARGET");
	a->target = argv[optind];
}

/* The root filesystem of target, a box (opened in *box, locked
 * exclusively) or a directory (box->lock is then -1); its map in *map.
 * Dies on failure. */
static int open_target(const char *target, struct box *box, struct idmap *map)
{
	int rootfd;
	*box = (struct box){ .lock = -1 };
	if (!target_is_path(target)) {
		if (!box_name_valid(target))
			die_usage("invalid box name '%s' (a path needs a '/')", target);
		struct failure f = { 0 };
		if (store_open_box(target, BOX_CHANGE | BOX_NAME_OR_PATH, box, &f) < 0)
			die_failure(&f);
		rootfd = openat(box->lock, "rootfs", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	} else {
		rootfd = open(target, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	if (rootfd < 0)
		die_errno(errno, "cannot open the root filesystem of '%s'", target);
	if (box->lock >= 0)
		mapping_for_box(&box->conf, map);
	else
		mapping_for_dir(rootfd, target, MAP_UNSET, map);
	mapping_without_userns_if_refused(map);
	box->conf.map = map->mode;
	return rootfd;
}

/* The box's box.conf after the fixups done: those in effect, and the
 * keep-id ones declined (a run makes them again unless the user undid
 * them here). */
static void record_fixups(struct box *box, const char *target, bool undo, unsigned done)
{
	struct box_conf *conf = &box->conf;
	unsigned recorded = 0, off = 0;
	if (conf->fixups && fixups_parse(conf->fixups, &recorded) < 0)
		recorded = 0;
	if (conf->fixups_declined && fixups_parse(conf->fixups_declined, &off) < 0)
		off = 0;
	unsigned now = undo ? recorded & ~done : recorded | done;
	off = undo ? off | (done & FIXUP_KEEP_ID) : off & ~done;
	free(conf->fixups);
	free(conf->fixups_declined);
	conf->fixups = fixups_format(now);
	conf->fixups_declined = fixups_format(off);
	if (!conf->fixups || !conf->fixups_declined)
		die_errno(ENOMEM, "cannot record the fixups");
	int r = store_write_conf(box->lock, conf);
	if (r < 0)
		die_errno(r, "cannot write the box.conf of '%s'", target);
}

int cmd_fixup(int argc, char **argv)
{
	struct fixup_args a;
	parse_fixup(argc, argv, &a);
	const char *target = a.target;

	struct box box;
	struct idmap map;
	_cleanup_close_ int rootfd = open_target(target, &box, &map);
	bool is_box = box.lock >= 0;
	struct box_conf *conf = &box.conf;

	struct os_release os = { 0 };
	bool have_os = os_release_read(rootfd, &os) == 0;
	unsigned which = a.named;
	if (!a.named || a.all)
		which |= a.undo ? FIXUP_ALL
				: fixups_applicable(have_os ? &os : NULL, conf->map == MAP_ROOT);

	/* The hostname TARGET runs under, for hosts: a box's is its name, a
	 * directory keeps the host's. */
	char host[HOST_NAME_MAX + 1] = "";
	if (!is_box && gethostname(host, sizeof(host) - 1) < 0)
		host[0] = '\0';
	const char *hostname = is_box ? target : host;

	/* The caller's own user and sudo, in keep-id mode alone: elsewhere
	 * the caller's ids are not their own inside. */
	struct keep_user u;
	bool keep = map.mode == MAP_KEEP_ID && keep_user_of_caller(&u) == 0;
	if (keep && !a.undo && (!a.named || a.all))
		which |= FIXUP_KEEP_ID;
	if (!keep && !a.undo && (which & FIXUP_KEEP_ID))
		die("fixup --user and --sudo are for boxes of --map=keep-id (your own uid "
		    "inside)%s",
		    map.mode == MAP_KEEP_ID ? ", and your uid has no name on this host" : "");

	struct failure f = { 0 };
	unsigned done = 0, taken = 0;
	int r = fixups_in_userns(&map, rootfd, which, hostname, keep ? &u : NULL, a.undo, &done,
				 &taken, &f);
	if (r < 0)
		die_failure(&f);
	if (keep)
		keep_user_warn_taken(&u, taken, target);

	if (is_box)
		record_fixups(&box, target, a.undo, done);
	_cleanup_free_ char *names = fixups_format(done);
	if (names && *names)
		printf("%s '%s': %s\n", a.undo ? "Undone in" : "Applied to", target, names);
	else
		printf("No fixup to %s in '%s'\n", a.undo ? "undo" : "apply", target);
	box_close(&box);
	return 0;
}
