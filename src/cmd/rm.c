// SPDX-License-Identifier: GPL-2.0-or-later
/* `nschroot rm [--force] NAME...` */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmdline.h"
#include "cmd/commands.h"
#include "cmd/helper.h"
#include "cmd/mapping.h"
#include "base/remove.h"
#include "store/store.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/parse.h"

/*
 * The rootfs first, as the root of a user namespace mapped as the box is;
 * then the rest (box.conf), the caller's own. box.conf is there until the
 * rootfs is gone, so that a box put back after a failure still says what
 * it is. 0, or -errno with f set.
 */
static int delete_retired(const struct idmap *map, int boxes, const char *retired,
			  struct failure *f)
{
	_cleanup_close_ int dir =
	    openat(boxes, retired, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return fail(f, errno, "cannot open '%s'", retired);
	int r = remove_in_userns(map, dir, "rootfs", f);
	if (r < 0 && r != -ENOENT)
		return r;
	return remove_tree_at(boxes, retired, f);
}

/*
 * Removal failed part-way: the box goes back under its name, so that list
 * shows it and `rm NAME` can finish once the cause is gone, marked
 * half-removed in its box.conf (when that is still readable: otherwise rm
 * takes the widest map anyway). Says where what is left is either way.
 */
static void put_back(int boxes, const char *retired, const char *name)
{
	if (renameat2(boxes, retired, boxes, name, RENAME_NOREPLACE) < 0) {
		_cleanup_free_ char *store = store_path();
		log_hint("what is left of it is '%s/boxes/%s' (%s); the next create removes it",
			 store ? store : "STORE", retired, strerror(errno));
		return;
	}
	_cleanup_close_ int dir =
	    openat(boxes, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct box_conf conf = { 0 };
	struct failure f = { 0 };
	if (dir >= 0 && store_read_conf(dir, name, &conf, &f) == 0) {
		conf.half_removed = true;
		if (store_write_conf(dir, &conf) < 0)
			log_warning("cannot mark box '%s' half-removed in its box.conf", name);
	}
	box_conf_free(&conf);
	log_hint("what is left of it is back as '%s', half-removed; once the cause is\n"
		 "gone, 'nschroot rm %s' finishes it",
		 name, name);
}

/*
 * A box is renamed to a hidden name first, under its exclusive lock, so it
 * disappears from the store at once; the tree is then deleted as the root
 * of a user namespace mapped as the box is, so that files of subordinate
 * ids (auto mode), read-only and mode-000 directories are removed too. A
 * box whose box.conf cannot be read is removed under the widest map the
 * caller has. A box in use (run or enter holds its shared lock) is
 * refused unless --force.
 */
static int remove_box(int boxes, const char *name, bool force)
{
	if (!box_name_valid(name)) {
		log_error("invalid box name '%s'", name);
		return -EINVAL;
	}
	struct failure f = { 0 };
	_cleanup_close_ int lock = store_lock_box(boxes, name, BOX_CHANGE, &f);
	if (lock == -EWOULDBLOCK && !force)
		fail_hint(&f, "stop what runs in it, or use 'nschroot rm --force %s'", name);
	if (lock < 0 && (lock != -EWOULDBLOCK || !force)) {
		log_failure(&f);
		return lock;
	}
	struct idmap map;
	struct box_conf conf = { 0 };
	if (lock >= 0 && store_read_conf(lock, name, &conf, &f) == 0)
		mapping_for_box(&conf, &map);
	else
		mapping_widest(&map);
	box_conf_free(&conf);

	_cleanup_free_ char *retired = NULL;
	int r = store_retire(boxes, name, &retired);
	if (r < 0) {
		log_error("cannot remove box '%s': %s", name, strerror(-r));
		return r;
	}
	f = (struct failure){ 0 };
	r = delete_retired(&map, boxes, retired, &f);
	if (r < 0) {
		char text[640];
		log_error("cannot remove box '%s': %s", name, failure_text(&f, text, sizeof(text)));
		put_back(boxes, retired, name);
		return r;
	}
	return 0;
}

int cmd_rm(int argc, char **argv)
{
	static const struct option opts[] = { { "force", no_argument, NULL, 'f' },
					      { "help", no_argument, NULL, 'h' },
					      { 0 } };
	bool force = false;
	int opt;
	while ((opt = command_option(argc, argv, "+:fh", opts, "rm")) != -1) {
		if (opt != 'f')
			die_usage("rm: unknown option '%s'", argv[optind - 1]);
		force = true;
	}
	if (optind >= argc)
		die_usage("rm: missing NAME");

	struct failure f = { 0 };
	_cleanup_close_ int boxes = store_open_boxes(false, &f);
	if (boxes == -ENOENT)
		die("no box named '%s'", argv[optind]);
	if (boxes < 0)
		die_failure(&f);
	int status = 0;
	for (int i = optind; i < argc; i++)
		if (remove_box(boxes, argv[i], force) < 0)
			status = EXIT_SETUP;
	return status;
}
