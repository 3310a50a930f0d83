// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `nschroot config BOX [RUN-OPTIONS]`, `config BOX --reset`, and `config
 * BOX` alone: run options saved in a box (box.conf's run-options), which
 * run, enter and exec apply before their command line's (DESIGN.md,
 * "Desktop").
 *
 * The options are parsed when saved, by run's own parser (cmd/runopts.c):
 * what run would refuse is refused now, not at every later run, and
 * nothing is saved. What means nothing in another process is refused too
 * (--preserve-fd, --help, an operand), and relative host paths are made
 * absolute. Saving replaces the saved set whole: what is saved is exactly
 * what `config BOX` prints, with no merge to reason about.
 *
 * The box is held as run holds it (shared): options saved for the next
 * run leave one running now alone (it keeps those it started with), while
 * rm, export and fixup, which hold it exclusively, are kept out. Two
 * configs at once take turns on a lock on box.conf itself, so that each
 * reads, changes and writes it whole (the write is a rename, store.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmdline.h"
#include "cmd/commands.h"
#include "cmd/run.h"
#include "cmd/runopts.h"
#include "store/store.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/text.h"

/* `config BOX`: the saved options as one shell command line, for the
 * user to read and to paste after `nschroot config BOX`; nothing when
 * there are none. */
static int print_saved(const char *name)
{
	struct failure f = { 0 };
	struct box box;
	if (store_open_box(name, BOX_LOOK, &box, &f) < 0)
		die_failure(&f);
	struct saved_options s;
	saved_options_load(&box.conf, name, &s);
	for (int i = 1; i < s.argc; i++) {
		if (i > 1)
			fputc(' ', stdout);
		shell_quote(stdout, s.argv[i]);
	}
	if (s.argc)
		fputc('\n', stdout);
	saved_options_free(&s);
	box_close(&box);
	return 0;
}

/* An exclusive lock on the box.conf in dirfd, taken again when a rename
 * replaced the file while it was awaited. The locked descriptor. */
static int lock_conf(int dirfd, const char *name)
{
	for (;;) {
		int fd = openat(dirfd, "box.conf", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		struct stat locked, now;
		if (fd < 0 || flock(fd, LOCK_EX) < 0 || fstat(fd, &locked) < 0)
			die_errno(errno, "cannot lock the box.conf of '%s'", name);
		if (fstatat(dirfd, "box.conf", &now, AT_SYMLINK_NOFOLLOW) == 0 &&
		    now.st_dev == locked.st_dev && now.st_ino == locked.st_ino)
			return fd;
		close(fd);
	}
}

/* The n options at opts (none: --reset) saved in box name, replacing
 * those it had; asked: the --map among them (MAP_UNSET when none). */
static void save(const char *name, char *const *opts, size_t n, enum map_mode asked)
{
	struct failure f = { 0 };
	struct box box;
	if (store_open_box(name, BOX_USE, &box, &f) < 0)
		die_failure(&f);
	_cleanup_close_ int lock = lock_conf(box.lock, name);
	(void)lock; /* held to the end, released by its cleanup */
	/* Read again under the lock: another config may have written it. */
	box_conf_free(&box.conf);
	if (store_read_conf(box.lock, name, &box.conf, &f) < 0)
		die_failure(&f);
	check_box_map(name, &box.conf, asked);
	int r = box_conf_set_run_options(&box.conf, opts, n);
	if (r == -EINVAL)
		die_usage("config: the options to save must be UTF-8 text");
	if (r == -E2BIG)
		die_usage("config: the options to save take more than %u bytes",
			  BOX_RUN_OPTIONS_MAX);
	if (r < 0)
		die_errno(r, "cannot save the run options of '%s'", name);
	r = store_write_conf(box.lock, &box.conf);
	if (r < 0)
		die_errno(r, "cannot write the box.conf of '%s'", name);
	box_close(&box);
}

int cmd_config(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		help_command("config");
		return 0;
	}
	if (argc < 2 || argv[1][0] == '-')
		die_usage("config: expected BOX first, then the run options to save");
	const char *name = argv[1];
	check_box_name(name);
	if (argc == 2)
		return print_saved(name);
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--reset") == 0 && argc != 3)
			die_usage("config: --reset goes alone: 'nschroot config %s --reset'", name);
	if (strcmp(argv[2], "--reset") == 0) {
		save(name, NULL, 0, MAP_UNSET);
		return 0;
	}
	/* The options after BOX, which stands for the program's name in the
	 * vector parsed (getopt's argv[0]). */
	struct run_config cfg = { 0 };
	struct run_opts_ctx ctx = { .cmd = "config", .saving = true };
	int first = run_options_parse(argc - 1, argv + 1, &cfg, &ctx);
	if (first < argc - 1)
		die_usage("config: unexpected argument '%s': config saves run options alone",
			  argv[1 + first]);
	if (ctx.end == 1)
		die_usage("config: no run option to save ('config %s --reset' removes them)", name);
	run_options_check(&cfg, "config");
	save(name, argv + 2, (size_t)ctx.end - 1, cfg.map);
	run_config_free(&cfg);
	return 0;
}
