// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `nschroot remap BOX --map=auto|keep-id [--progress=WHEN]`: a box's files
 * converted from the layout of its map to another's (DESIGN.md, "Desktop"),
 * and moved to the caller's current subordinate ranges when the recorded
 * ones are no longer theirs. Every owner as seen inside is kept.
 *
 * One pass (base/reown.c) by a child that is the root of a user namespace
 * mapping the caller (as 0) and the current ranges (from inside id 65536
 * up, above every overflow id, so that an owner the namespace cannot map
 * shows as one no mapped id can be): every host id of both layouts is
 * mapped, so both the old owner and the new one can be seen and given.
 *
 * Before anything changes, a prescan counts the inodes (the bar's total)
 * and refuses, changing nothing, when an owner cannot be converted: an id
 * of a former range (the kernel lets no unprivileged process give away a
 * file whose owner it cannot map), or one the new map lacks. Then a
 * threshold time T, the ctime of a probe file made once the coarse clock
 * has moved past every earlier change, is recorded in box.conf with the
 * target: from then on the box refuses to run (store.c), and an inode
 * whose ctime is T or later is converted, so that an interrupted pass is
 * finished by the next remap without converting anything twice. box.conf
 * is rewritten whole (temp file and rename) with the new map once the
 * pass is done. The box is locked exclusively all along.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/reown.h"
#include "cmd/cmdline.h"
#include "cmd/commands.h"
#include "cmd/helper.h"
#include "cmd/mapping.h"
#include "store/store.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/progress.h"

/* Inside id of the pass namespace's first subordinate id. */
#define PASS_RANGES_AT 65536u

#define JOURNAL "remap-journal"
#define PROBE	"remap-probe"

struct remap_args {
	enum map_mode map; /* MAP_UNSET: not given */
	const char *progress;
	const char *name;
};

static void parse_remap(int argc, char **argv, struct remap_args *a)
{
	enum { OPT_MAP = CHAR_MAX + 1 };
	static const struct option opts[] = {
		{ "map", required_argument, NULL, OPT_MAP },
		OPTION_PROGRESS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	*a = (struct remap_args){ .progress = "auto" };
	while (archive_command_option(argc, argv, opts, "remap", &a->progress) != -1)
		if (parse_map_mode(optarg, &a->map) < 0 || !map_mode_subordinate(a->map))
			die_usage("remap: invalid --map '%s': expected auto or keep-id", optarg);
	if (argc - optind != 1)
		die_usage(argc - optind < 1 ? "remap: expected BOX" : "remap: too many arguments");
	a->name = argv[optind];
	check_box_name(a->name);
}

/* The work of the child, and what it reports. */
struct remap_job {
	int boxfd; /* the box's directory, holding the lock */
	struct box_conf *conf;
	struct reown_maps maps;
	bool resume, progress;
	pid_t parent; /* nschroot, which the child must not outlive */
};

struct remap_reply {
	int r;
	struct failure f;
	bool refused; /* the prescan found owners that cannot be converted */
	struct reown_stats pre, st;
};

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* T: the ctime of a probe file in the box's directory, changed until it
 * differs from the one it was made with, so that every change made before
 * the probe (at its first ctime or before, by the coarse clock) is earlier. */
static int probe_time(int boxfd, struct timespec *t, struct failure *f)
{
	_cleanup_close_ int fd =
	    openat(boxfd, PROBE, O_RDONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return fail(f, errno, "cannot make the probe file '%s'", PROBE);
	struct timespec made = st.st_ctim;
	int r = -ETIME;
	for (int i = 0; i < 2000 && r == -ETIME; i++) {
		if (fchmod(fd, i % 2 ? 0600 : 0400) < 0 || fstat(fd, &st) < 0)
			r = -errno;
		else if (ts_before(&made, &st.st_ctim))
			r = 0;
		else
			nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	unlinkat(boxfd, PROBE, 0);
	*t = st.st_ctim;
	return r < 0 ? fail(f, r, "cannot take the time of the probe file") : 0;
}

/* Record the remap in box.conf, with T, unless it was already. */
static int mark_box(struct remap_job *job, const struct reown_stats *pre, struct failure *f)
{
	if (job->resume)
		return 0;
	int r = probe_time(job->boxfd, &job->conf->remap_since, f);
	if (r < 0)
		return r;
	/* A ctime later than now: the clock went back since. Such an inode
	 * would pass for a converted one, were the pass interrupted. */
	if (!ts_before(&pre->newest, &job->conf->remap_since))
		return fail_said(f, ERANGE,
				 "a file of the box changed later than now (the clock went back)");
	r = store_write_conf(job->boxfd, job->conf);
	return r < 0 ? fail(f, r, "cannot record the remap in box.conf") : 0;
}

static void draw(void *bar, uint64_t inodes)
{
	progress_update(bar, inodes);
}

static int run_pass(struct remap_job *job, struct remap_reply *rep)
{
	_cleanup_close_ int root =
	    openat(job->boxfd, "rootfs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root < 0)
		return fail(&rep->f, errno, "cannot open the box's rootfs");
	struct reown_walk w = { .maps = &job->maps,
				.has_since = job->resume,
				.since = job->conf->remap_since,
				.dry = true,
				.journal = -1 };
	int r = reown_tree(root, &w, &rep->pre, &rep->f);
	if (r < 0)
		return r;
	if (rep->pre.stuck || rep->pre.hidden) {
		rep->refused = true;
		return 0;
	}
	if ((r = mark_box(job, &rep->pre, &rep->f)) < 0)
		return r;
	_cleanup_close_ int journal =
	    openat(job->boxfd, JOURNAL, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (journal < 0)
		return fail(&rep->f, errno, "cannot open the remap journal");
	struct progress bar;
	progress_start_files(&bar, job->progress, rep->pre.inodes, "remapping");
	w = (struct reown_walk){ .maps = &job->maps,
				 .has_since = true,
				 .since = job->conf->remap_since,
				 .journal = journal,
				 .progress = draw,
				 .ctx = &bar };
	r = reown_tree(root, &w, &rep->st, &rep->f);
	progress_clear(&bar);
	return r;
}

/* The child's work. It dies with nschroot: a pass left running on its
 * own would race the next remap. */
static void remap_work(void *ctx, void *reply)
{
	struct remap_job *job = ctx;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != job->parent)
		_exit(EXIT_SETUP);
	struct remap_reply *rep = reply;
	rep->r = run_pass(job, rep);
}

/* The pass namespace: the caller as 0, the ranges from PASS_RANGES_AT. */
static void pass_map(struct id_map *m, uint32_t own, const struct subid_ranges *s)
{
	*m = (struct id_map){ 0 };
	m->e[m->n++] = (struct id_extent){ 0, own, 1 };
	uint32_t inside = PASS_RANGES_AT;
	for (size_t i = 0; i < s->n; i++) {
		m->e[m->n++] = (struct id_extent){ inside, s->r[i].start, s->r[i].count };
		inside += s->r[i].count;
	}
}

/* Run the job in a child in the pass namespace. 0; the signal that
 * interrupted; or -1 when it failed (said why). */
static int run_child(struct remap_job *job, struct remap_reply *rep)
{
	struct idmap ns = { .mode = MAP_AUTO };
	ns.uid = job->maps.pass_uid;
	ns.gid = job->maps.pass_gid;
	job->parent = getpid();
	int status = helper_call(&ns, remap_work, job, rep, sizeof(*rep), "remap");
	if (status == 0 && rep->r < 0) {
		log_failure(&rep->f);
		return -1;
	}
	return status;
}

static bool same_ranges(const struct subid_ranges *a, const struct subid_ranges *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->r[i].start != b->r[i].start || a->r[i].count != b->r[i].count)
			return false;
	return true;
}

/* The map of mode over the ranges u and g. */
static void box_map(enum map_mode mode, const struct subid_ranges *u, const struct subid_ranges *g,
		    struct idmap *m)
{
	int r = mode == MAP_KEEP_ID ? idmap_keep_id(m, getuid(), getgid(), u, g)
				    : idmap_auto(m, getuid(), getgid(), u, g, false);
	if (r == -ERANGE)
		die("--map=keep-id: your uid %u or gid %u lies beyond your %u subordinate ids",
		    (unsigned)getuid(), (unsigned)getgid(), (unsigned)u->total);
	if (r < 0)
		die_errno(-r, "cannot make the id map of --map=%s", map_mode_name(mode));
}

/* What is asked of the box: refused (125) where remap cannot do it. */
static void check_box(const struct remap_args *a, const struct box_conf *c)
{
	if (c->half_removed) {
		log_error("box '%s' is half-removed", a->name);
		log_hint("'nschroot rm %s' finishes removing it", a->name);
		exit(EXIT_SETUP);
	}
	if (c->backend && strcmp(c->backend, "proot") == 0)
		die("box '%s' runs with the proot backend, whose files are all yours: remap "
		    "converts a box between --map=auto and --map=keep-id",
		    a->name);
	if (!map_mode_subordinate(c->map))
		die("box '%s' is laid out for --map=%s: remap converts a box between --map=auto "
		    "and --map=keep-id",
		    a->name, map_mode_name(c->map));
	if (c->remap_to != MAP_UNSET && a->map != MAP_UNSET && a->map != c->remap_to) {
		log_error("box '%s' is half remapped to --map=%s", a->name,
			  map_mode_name(c->remap_to));
		log_hint("'nschroot remap %s' finishes it; then remap it again", a->name);
		exit(EXIT_SETUP);
	}
	if (c->remap_to == MAP_UNSET && a->map == MAP_UNSET)
		die_usage("remap: expected --map=auto or --map=keep-id");
}

static void refuse_stuck(const char *name, const struct box_conf *c, const struct reown_stats *pre,
			 bool moved)
{
	char u[SUBID_MAX_RANGES * 24] = "", g[SUBID_MAX_RANGES * 24] = "";
	subid_format(&c->subuids, u, sizeof(u));
	subid_format(&c->subgids, g, sizeof(g));
	const char *more = pre->hidden ? ", and more in directories closed to you" : "";
	if (moved)
		log_error("cannot remap box '%s': %llu files belong to ids of its former ranges "
			  "(subuids %s, subgids %s), which are no longer yours%s",
			  name, (unsigned long long)pre->stuck, u, g, more);
	else
		log_error("cannot remap box '%s': %llu files have owners --map=%s cannot hold%s",
			  name, (unsigned long long)pre->stuck, map_mode_name(c->remap_to), more);
	log_hint("nothing was changed; an administrator can give those ranges back to you, or "
		 "chown the files to your current ranges");
}

/* The pass done: box.conf says the new map, in one rename. */
static void finish(int boxfd, const char *name, struct box_conf *c)
{
	c->map = c->remap_to;
	c->subuids = c->remap_subuids;
	c->subgids = c->remap_subgids;
	c->remap_to = MAP_UNSET;
	c->remap_since = (struct timespec){ 0 };
	c->remap_subuids = c->remap_subgids = (struct subid_ranges){ 0 };
	int r = store_write_conf(boxfd, c);
	if (r < 0) {
		log_error("cannot record the new map of box '%s': %s", name, strerror(-r));
		log_hint("the box is half remapped: 'nschroot remap %s' finishes it", name);
		exit(EXIT_SETUP);
	}
	unlinkat(boxfd, JOURNAL, 0);
}

/* After a failure: whether box.conf holds the remap, to say how to finish. */
static void hint_half_remapped(int boxfd, const char *name)
{
	struct box_conf c = { 0 };
	struct failure f = { 0 };
	if (store_read_conf(boxfd, name, &c, &f) == 0 && c.remap_to != MAP_UNSET)
		log_hint("box '%s' is half remapped: 'nschroot remap %s' finishes it", name, name);
	box_conf_free(&c);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The remap, the box locked and its maps set in job. The exit status. */
static int remap_box(const char *name, struct remap_job *job, bool moved)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct remap_reply rep = { 0 };
	int status = run_child(job, &rep);
	if (status != 0) {
		hint_half_remapped(job->boxfd, name);
		return status > 0 ? 128 + status : EXIT_SETUP;
	}
	if (rep.refused) {
		refuse_stuck(name, job->conf, &rep.pre, moved);
		return EXIT_SETUP;
	}
	enum map_mode to = job->conf->remap_to;
	finish(job->boxfd, name, job->conf);
	printf("Remapped box '%s' to --map=%s%s: %llu files, %llu given new owners, "
	       "%llu file capabilities rewritten (%.2f s)\n",
	       name, map_mode_name(to), moved ? " and your current ranges" : "",
	       (unsigned long long)rep.st.inodes, (unsigned long long)rep.st.changed,
	       (unsigned long long)rep.st.caps, seconds_since(&t0));
	return 0;
}

int cmd_remap(int argc, char **argv)
{
	struct remap_args a;
	parse_remap(argc, argv, &a);
	struct failure f = { 0 };
	_cleanup_close_ int boxes = store_open_boxes(false, &f);
	if (boxes == -ENOENT)
		die("no box named '%s'", a.name);
	if (boxes < 0)
		die_failure(&f);
	_cleanup_close_ int lock = store_lock_box(boxes, a.name, BOX_CHANGE, &f);
	if (lock == -EWOULDBLOCK)
		fail_hint(&f, "stop what runs in it, then remap it");
	if (lock < 0)
		die_failure(&f);
	struct box_conf conf;
	if (store_read_conf(lock, a.name, &conf, &f) < 0)
		die_failure(&f);
	check_box(&a, &conf);
	struct idmap cur;
	struct subids s;
	mapping_for_create(MAP_AUTO, &cur, &s);
	struct remap_job job = { .boxfd = lock,
				 .conf = &conf,
				 .resume = conf.remap_to != MAP_UNSET };
	job.progress = strcmp(a.progress, "always") == 0 ||
		       (strcmp(a.progress, "auto") == 0 && isatty(STDERR_FILENO));
	if (!job.resume) {
		if (conf.map == a.map && same_ranges(&conf.subuids, &s.uids) &&
		    same_ranges(&conf.subgids, &s.gids)) {
			printf("Box '%s' is laid out for --map=%s already: nothing to do\n", a.name,
			       map_mode_name(a.map));
			box_conf_free(&conf);
			return 0;
		}
		conf.remap_to = a.map;
		conf.remap_subuids = s.uids;
		conf.remap_subgids = s.gids;
	}
	box_map(conf.map, &conf.subuids, &conf.subgids, &job.maps.from);
	box_map(conf.remap_to, &conf.remap_subuids, &conf.remap_subgids, &job.maps.to);
	pass_map(&job.maps.pass_uid, getuid(), &conf.remap_subuids);
	pass_map(&job.maps.pass_gid, getgid(), &conf.remap_subgids);
	bool moved = !same_ranges(&conf.subuids, &conf.remap_subuids) ||
		     !same_ranges(&conf.subgids, &conf.remap_subgids);
	job.maps.unmapped_stuck = moved;
	int status = remap_box(a.name, &job, moved);
	box_conf_free(&conf);
	return status;
}
