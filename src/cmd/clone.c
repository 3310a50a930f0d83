// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `nschroot create NAME --from BOX`: a copy of a box, made as every box
 * is, in boxes/.NAME.XXXXXX renamed into place when whole; any failure or
 * SIGINT/SIGTERM/SIGHUP removes it.
 *
 * The copy (base/clone.c) runs in a child that is the root of a user
 * namespace mapped as BOX is, so that files of subordinate ids are read
 * whatever their mode and given their owners, and set-id bits and file
 * capabilities are set as the box's root sets them. Nothing is applied to
 * the copy (no fixups): it is BOX as it is, its settings in box.conf
 * with it.
 *
 * BOX is held with a shared lock, the one run and enter take: a box is
 * copied while it runs (copying the box one works in, before trying
 * something, is the point), and rm, export and fixup are refused
 * meanwhile. The price: what runs in BOX may write to it during the copy,
 * which then holds each file as it was when it was copied, not the whole
 * tree at one instant (as `cp -a` of a live tree); files that vanish
 * meanwhile are left out.
 */
#include "cmd/clone.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clone.h"
#include "cmd/cmdline.h"
#include "cmd/helper.h"
#include "cmd/mapping.h"
#include "cmd/staging.h"
#include "store/store.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/progress.h"
#include "util/text.h"

/* cppcheck-suppress constParameter ; argv is main's, of type char ** */
void take_clone_operands(int argc, char *const argv[], const char *refused, const char *from,
			 const char **name)
{
	if (refused)
		die_usage("create: %s does not go with --from (a copy keeps its box's)", refused);
	if (argc - optind < 1)
		die_usage("create: expected NAME");
	if (argc - optind > 1)
		die_usage("create: --from BOX takes no SOURCE");
	*name = argv[optind];
	check_box_name(*name);
	check_box_name(from);
}

/* What the copying child reports. */
struct copy_reply {
	int r;
	struct failure f;
	struct clone_stats st;
};

static void draw(void *bar, uint64_t bytes)
{
	progress_update(bar, bytes);
}

/* What the copy needs. */
struct copy_ctx {
	int src, dst;
	uint64_t total;
	bool progress;
};

/* The child's work: the copy, drawing the bar. */
static void copy_work(void *ctx, void *reply)
{
	const struct copy_ctx *c = ctx;
	struct copy_reply *rep = reply;
	struct progress bar;
	progress_start(&bar, c->progress, c->total, "cloning");
	rep->r = clone_tree(c->src, c->dst, draw, &bar, &rep->st, &rep->f);
	progress_clear(&bar);
}

/* Copy src into dst in a child mapped by map. 0; the signal that
 * interrupted; or -1 when the copy failed (said why). */
static int run_copy(const struct idmap *map, int src, int dst, uint64_t total, bool progress,
		    struct copy_reply *rep)
{
	struct copy_ctx c = { src, dst, total, progress };
	int status = helper_call(map, copy_work, &c, rep, sizeof(*rep), "copy");
	if (status == 0 && rep->r < 0) {
		log_failure(&rep->f);
		return -1;
	}
	return status;
}

/* The copy's box.conf: the source's settings (map, ranges, backend, arch,
 * os, fixups, image), where it came from, when, and its size. 0, or -1
 * (said why). */
static int record_copy(int stagefd, const char *from, struct box_conf *conf, uint64_t usage)
{
	free(conf->source);
	free(conf->created);
	conf->created = now_utc();
	if (asprintf(&conf->source, "box:%s", from) < 0)
		conf->source = NULL;
	conf->size = usage;
	conf->has_size = true;
	conf->half_removed = false;
	int r = conf->source && conf->created ? store_write_conf(stagefd, conf) : -ENOMEM;
	if (r == 0 && syncfs(stagefd) < 0)
		r = -errno;
	if (r < 0)
		log_error("cannot record the box: %s", strerror(-r));
	return r < 0 ? -1 : 0;
}

/* The box copied into the staging directory and made the box name. 0;
 * the interrupting signal; -1 (said why). */
static int copy_box(struct box *box, const char *from, const struct idmap *map, int boxes,
		    const char *staging, int stagefd, const char *name, bool progress,
		    struct copy_reply *rep)
{
	_cleanup_close_ int src =
	    openat(box->lock, "rootfs", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int dst =
	    openat(stagefd, "rootfs", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (src < 0 || dst < 0) {
		log_error("cannot open the rootfs of '%s' or of its copy: %s", from,
			  strerror(errno));
		return -1;
	}
	uint64_t total = box->conf.has_size ? box->conf.size : 0;
	int status = run_copy(map, src, dst, total, progress, rep);
	if (status == 0)
		status = record_copy(stagefd, from, &box->conf, rep->st.usage);
	if (status == 0 && store_commit(boxes, staging, name) < 0) {
		if (errno == EEXIST)
			log_error("a box named '%s' appeared meanwhile", name);
		else
			log_error("cannot commit the box: %s", strerror(errno));
		status = -1;
	}
	return status;
}

static void report_copy(const char *name, const char *from, const struct box_conf *conf,
			const struct clone_stats *st)
{
	_cleanup_free_ char *os = NULL;
	if (asprintf(&os, "%s%s%s", conf->os_id ? conf->os_id : "unknown OS",
		     conf->os_version ? " " : "", conf->os_version ? conf->os_version : "") < 0)
		os = NULL;
	if (os)
		printable(os);
	printf("Created box '%s' from '%s' (%s): %llu entries, %llu bytes, %s", name, from,
	       os ? os : "?", (unsigned long long)st->entries, (unsigned long long)st->bytes,
	       st->reflinked ? "reflinked" : "copied");
	if (st->sockets)
		printf(", %llu sockets skipped", (unsigned long long)st->sockets);
	if (st->devices)
		printf(", %llu device nodes skipped", (unsigned long long)st->devices);
	printf("; map %s\n", map_mode_name(conf->map));
}

int create_from_box(const char *name, const char *from, const char *progress)
{
	struct failure f = { 0 };
	struct box box;
	if (store_open_box(from, BOX_USE, &box, &f) < 0)
		die_failure(&f);
	struct idmap map;
	mapping_for_box(&box.conf, &map);
	mapping_without_userns_if_refused(&map);

	_cleanup_close_ int boxes = store_open_boxes(true, &f);
	if (boxes < 0)
		die_failure(&f);
	remove_stale_staging(boxes);
	if (faccessat(boxes, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		die("a box named '%s' already exists", name);
	_cleanup_free_ char *staging = NULL;
	_cleanup_close_ int stagefd = -1;
	_cleanup_free_ char *rootfs = NULL;
	make_staging(boxes, name, &staging, &stagefd, &rootfs);

	/* From here on a signal must find us to remove the staging
	 * directory: blocked, it waits for run_copy's sigwaitinfo. */
	sigset_t set, old;
	helper_signals(&set);
	sigdelset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		die_errno(errno, "cannot block signals");
	bool bar = strcmp(progress, "always") == 0 ||
		   (strcmp(progress, "auto") == 0 && isatty(STDERR_FILENO));
	struct copy_reply rep = { 0 };
	int status = copy_box(&box, from, &map, boxes, staging, stagefd, name, bar, &rep);
	if (status != 0) {
		struct failure rf = { 0 };
		if (remove_in_userns(&map, boxes, staging, &rf) < 0)
			log_warning("cannot remove the staging directory '%s': %s", staging,
				    rf.what);
		box_close(&box);
		return status > 0 ? 128 + status : EXIT_SETUP;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	report_copy(name, from, &box.conf, &rep.st);
	box_close(&box);
	return 0;
}
