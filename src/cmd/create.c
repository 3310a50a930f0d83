// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `nschroot create NAME SOURCE`: a box is there whole or not at all.
 *
 * The archive is extracted by nschroot-archive (libarchive stays off the
 * run path) into boxes/.NAME.XXXXXX, started in a user namespace mapped as
 * the box will be (auto mode: with the subordinate ids, so the archive's
 * owners are kept) and confined there by a mount namespace of its own;
 * then fixups (under the same map), box.conf, a sync, and a rename that
 * never replaces an existing box. Any failure or SIGINT/SIGTERM/SIGHUP on
 * the way removes the staging directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/clone.h"
#include "cmd/cmdline.h"
#include "cmd/commands.h"
#include "cmd/helper.h"
#include "cmd/keepid.h"
#include "cmd/mapping.h"
#include "cmd/source.h"
#include "cmd/staging.h"
#include "base/arch.h"
#include "run/options.h"
#include "store/fixups.h"
#include "store/os-release.h"
#include "store/store.h"
#include "base/userns.h"
#include "util/cleanup.h"
#include "util/io.h"
#include "util/log.h"
#include "base/remove.h"
#include "util/text.h"

struct create_opts {
	enum map_mode map;
	enum backend_choice backend;
	bool fixup;
	const char *progress; /* auto, always or never */
	const char *arch;     /* --arch: an image's platform, or NULL */
	const char *name;
	const char *source;
	const char *from; /* --from BOX: a copy of that box, no SOURCE */
};

static void parse_create(int argc, char **argv, struct create_opts *o)
{
	enum { OPT_MAP = CHAR_MAX + 1, OPT_NO_FIXUP, OPT_BACKEND, OPT_ARCH, OPT_FROM };
	static const struct option opts[] = {
		{ "map", required_argument, NULL, OPT_MAP },
		{ "arch", required_argument, NULL, OPT_ARCH },
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "no-fixup", no_argument, NULL, OPT_NO_FIXUP },
		{ "from", required_argument, NULL, OPT_FROM },
		OPTION_PROGRESS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	*o = (struct create_opts){ .map = MAP_UNSET, .fixup = true, .progress = "auto" };
	int opt;
	while ((opt = archive_command_option(argc, argv, opts, "create", &o->progress)) != -1) {
		if (opt == OPT_NO_FIXUP)
			o->fixup = false;
		else if (opt == OPT_ARCH && !arch_oci_name(optarg, &(const char *){ NULL }))
			die_usage(
			    "invalid --arch '%s': expected an architecture by its Debian name "
			    "(amd64, arm64, armhf, i386, ppc64el, s390x, riscv64, ...)",
			    optarg);
		else if (opt == OPT_ARCH)
			o->arch = optarg;
		else if (opt == OPT_BACKEND && parse_backend(optarg, &o->backend) < 0)
			die_usage("invalid --backend '%s': expected auto, ns or proot", optarg);
		else if (opt == OPT_MAP &&
			 (parse_map_mode(optarg, &o->map) < 0 || o->map == MAP_USER))
			die_usage("invalid --map '%s': expected root, auto or keep-id", optarg);
		else if (opt == OPT_FROM)
			o->from = optarg;
	}
	/* A copy has its box's map, architecture and backend. */
	const char *refused = o->map != MAP_UNSET	    ? "--map"
			      : o->arch			    ? "--arch"
			      : o->backend != BACKEND_UNSET ? "--backend"
							    : NULL;
	if (o->from)
		take_clone_operands(argc, argv, refused, o->from, &o->name);
	else
		take_box_operands(argc, argv, "create", "SOURCE", &o->name, &o->source);
}

struct extract_result {
	unsigned long long entries, bytes, skipped, unmapped;
	struct box_conf image; /* the image's settings (image_* alone) */
};

/* nschroot-archive's report: the summary line, then an image's settings
 * as box.conf lines. 0, or -1 when it makes no sense (said why). */
static int read_report(int fd, bool auto_map, struct extract_result *res)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	if (read_all(fd, 1u << 20, &text, &len) < 0 || len == 0) {
		log_error("nschroot-archive gave no summary");
		return -1;
	}
	const char *line;
	size_t n;
	const char *p = text;
	next_line(&p, text + len, &line, &n);
	/* NOLINTNEXTLINE(cert-err34-c): the summary nschroot-archive itself printed */
	if (sscanf(line, "entries=%llu bytes=%llu skipped_devices=%llu unmapped_ids=%llu",
		   &res->entries, &res->bytes, &res->skipped,
		   &res->unmapped) != (auto_map ? 4 : 3)) {
		log_error("nschroot-archive gave no summary");
		return -1;
	}
	while (next_line(&p, text + len, &line, &n))
		if (box_conf_set_image(&res->image, line, n) < 0) {
			log_error("nschroot-archive gave an unknown setting");
			return -1;
		}
	return 0;
}

/* nschroot-archive extract's arguments for the source. */
static void extract_args(const struct idmap *map, const struct source *src, const char *arch,
			 bool progress, const char *rootfs, char *args[16], char bufs[3][80])
{
	size_t n = 0;
	args[n++] = progress ? "--progress=always" : "--progress=never";
	snprintf(bufs[0], sizeof(bufs[0]), "--size=%lld", (long long)src->size);
	args[n++] = bufs[0];
	args[n++] = (char *)helper_confinement(map);
	if (idmap_subordinate(map)) {
		snprintf(bufs[1], sizeof(bufs[1]), "--keep-ids=%u:%u",
			 (unsigned)id_map_size(&map->uid), (unsigned)id_map_size(&map->gid));
		args[n++] = bufs[1];
	}
	if (source_image_kind(src)) {
		snprintf(bufs[2], sizeof(bufs[2]), "--image=%s", source_image_kind(src));
		args[n++] = bufs[2];
	}
	if (src->ref) {
		args[n++] = "--ref";
		args[n++] = src->ref;
	}
	if (arch) {
		args[n++] = "--arch";
		args[n++] = (char *)arch;
	}
	args[n++] = (char *)rootfs;
	args[n] = NULL;
}

/*
 * Run nschroot-archive on the source (stdin of the helper) into rootfs.
 * SIGINT, SIGTERM and SIGHUP are blocked here and taken with sigwaitinfo:
 * the helper is stopped and the caller cleans up. Returns 0, the signal
 * number that interrupted, or -1 when the helper failed (it said why).
 * An unproven map (auto by default, mapping_for_create) is tried by
 * starting the helper, which saves a namespace made only to try it: where
 * it fails, map falls back to root mode and the helper starts again
 * (nothing has read the source yet).
 */
static int run_extract(struct idmap *map, bool unproven, const struct source *src, const char *arch,
		       const char *rootfs, bool progress, struct extract_result *res)
{
	sigset_t set, old;
	helper_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		die_errno(errno, "cannot block signals");

	_cleanup_free_ char *helper = archive_helper();
	int out[2];
	if (pipe2(out, O_CLOEXEC) < 0)
		die_errno(errno, "cannot make a pipe");
	char *argv[20] = { helper, "extract" };
	char bufs[3][80];
	extract_args(map, src, arch, progress, rootfs, argv + 2, bufs);
	struct failure f = { 0 };
	pid_t pid = helper_spawn(map, argv, src->fd, out[1], &old, &f);
	if (pid < 0 && unproven) {
		mapping_fall_back_to_root(map, &f);
		f = (struct failure){ 0 };
		extract_args(map, src, arch, progress, rootfs, argv + 2, bufs);
		pid = helper_spawn(map, argv, src->fd, out[1], &old, &f);
	}
	close(out[1]);
	if (pid < 0) {
		log_failure(&f);
		close(out[0]);
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}

	int wstatus = 0;
	int interrupted = helper_wait(pid, &set, &wstatus);
	sigprocmask(SIG_SETMASK, &old, NULL);
	_cleanup_close_ int report = out[0];
	if (interrupted)
		return interrupted;
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
		return -1;
	return read_report(report, idmap_subordinate(map), res);
}

/*
 * A directory SOURCE is copied the way an archive is read: nschroot-archive
 * writes the tree (confined to it, as export does) into a pipe that the
 * extractor reads, so the copy takes the same checks and the same
 * confinement as a tarball, and its ids are the ones seen from inside. The
 * writer only reads: it gets the widest map the caller has, in the tree's
 * own layout (mapping_for_dir), whatever the box's mode, so that
 * directories of subordinate ids can be entered. The pid, or -1 when it
 * could not be started (said why).
 */
static pid_t start_tree_writer(const struct idmap *map, const char *dir, int *readfd)
{
	_cleanup_free_ char *helper = archive_helper();
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		log_error("cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	char *argv[] = { helper,
			 "write",
			 "--compress=none",
			 "--progress=never",
			 (char *)helper_confinement(map),
			 (char *)dir,
			 NULL };
	struct failure f = { 0 };
	pid_t pid = helper_spawn(map, argv, -1, p[1], NULL, &f);
	close(p[1]);
	if (pid < 0) {
		log_failure(&f);
		close(p[0]);
		return -1;
	}
	*readfd = p[0];
	return pid;
}

/* Whether the tree writer succeeded; stopped first when the extraction
 * failed or was interrupted. */
static bool tree_writer_done(pid_t pid, bool stop)
{
	if (stop)
		kill(pid, SIGTERM);
	int wstatus;
	return wait_child(pid, &wstatus) == 0 && WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0;
}

/* The image's settings moved from image into conf. */
static void take_image_settings(struct box_conf *conf, struct box_conf *image)
{
	conf->image_digest = steal_pointer(&image->image_digest);
	conf->image_id = steal_pointer(&image->image_id);
	conf->image_env = steal_pointer(&image->image_env);
	conf->image_entrypoint = steal_pointer(&image->image_entrypoint);
	conf->image_cmd = steal_pointer(&image->image_cmd);
	conf->image_workdir = steal_pointer(&image->image_workdir);
	conf->image_user = steal_pointer(&image->image_user);
}

/* Fixups, the disk usage and box.conf in the staging directory:
 * everything but the rename. 0, or -errno with f set. */
static int finish_staging(int stagefd, const char *rootfs, const struct create_opts *o,
			  const struct idmap *map, const struct subids *ids, const char *source,
			  struct box_conf *image, struct box_conf *conf, struct failure *f)
{
	_cleanup_close_ int rootfd =
	    openat(stagefd, "rootfs", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rootfd < 0)
		return fail(f, errno, "cannot open the extracted rootfs");
	struct os_release os = { 0 };
	bool have_os = os_release_read(rootfd, &os) == 0;
	const char *arch = NULL;
	if (arch_of_rootfs(rootfd, &arch) < 0)
		arch = NULL;
	/* A box runs under its name as its hostname (run --hostname aside). */
	struct keep_user u;
	bool keep = o->fixup && have_os && map->mode == MAP_KEEP_ID && keep_user_of_caller(&u) == 0;
	unsigned which = o->fixup && have_os ? fixups_applicable(&os, map->mode == MAP_ROOT) |
						   (keep ? FIXUP_KEEP_ID : 0)
					     : 0;
	unsigned applied = 0, taken = 0, declined = 0;
	uint64_t conf_size = 0;
	int r = fixups_measure_in_userns(map, rootfd, which, o->name, keep ? &u : NULL, rootfs,
					 &applied, &taken, &conf_size, f);
	if (r < 0)
		return r;
	if (keep)
		keep_user_warn_taken(&u, taken, o->name);
	/* Said once: runs do not try again (keepid.h). */
	if (keep && taken && !(applied & FIXUP_USER))
		declined = FIXUP_USER;
	*conf = (struct box_conf){
		.map = map->mode,
		.source = strdup(source),
		.created = now_utc(),
		.os_id = have_os && os.id[0] ? strdup(os.id) : NULL,
		.os_version = have_os && os.version_id[0] ? strdup(os.version_id) : NULL,
		.fixups = fixups_format(applied),
		.fixups_declined = declined ? fixups_format(declined) : NULL,
		.arch = arch ? strdup(arch) : NULL,
		.backend = o->backend == BACKEND_NS	 ? strdup("ns")
			   : o->backend == BACKEND_PROOT ? strdup("proot")
							 : NULL,
	};
	if (!conf->source || !conf->created || !conf->fixups ||
	    (o->backend > BACKEND_AUTO && !conf->backend))
		return fail(f, ENOMEM, "cannot record the box");
	if (idmap_subordinate(map)) {
		conf->subuids = ids->uids;
		conf->subgids = ids->gids;
	}
	take_image_settings(conf, image);
	conf->size = conf_size;
	conf->has_size = true;
	r = store_write_conf(stagefd, conf);
	if (r < 0)
		return fail(f, r, "cannot write box.conf");
	if (syncfs(stagefd) < 0)
		return fail(f, errno, "cannot sync the box to disk");
	return 0;
}

/*
 * With one id mapped, the set*id calls that the fake-root filter lets
 * succeed change nothing: whatever drops to another user goes on as root,
 * without a word. Said once, after the box is made, with the way out.
 */
static void note_root_mode(enum map_mode requested)
{
	struct subids s;
	mapping_lookup(&s);
	const char *fix;
	if (!mapping_auto_works(&s))
		fix = "a subordinate id range (usermod --add-subuids/--add-subgids), then "
		      "create again, makes them work";
	else if (requested == MAP_ROOT)
		fix = "create the box again with --map=auto to make them work";
	else
		fix = "auto mode makes them work where it can (see the warning above)";
	log_note("in root mode one id is mapped: su, setuid programs and services that "
		 "switch users (PostgreSQL's initdb, sudo) run as root, their set*id calls "
		 "doing nothing; %s",
		 fix);
}

/* "Created box ..." on standard output, the box's os-release words made
 * printable; root mode's note after. */
static void report_created(const struct create_opts *o, const struct idmap *map,
			   const struct extract_result *res, struct box_conf *conf)
{
	printable(conf->os_id);
	printable(conf->os_version);
	printf("Created box '%s' (%s%s%s): %llu entries, %llu bytes", o->name,
	       conf->os_id ? conf->os_id : "unknown OS", conf->os_version ? " " : "",
	       conf->os_version ? conf->os_version : "", res->entries, res->bytes);
	if (res->skipped)
		printf(", %llu device nodes skipped", res->skipped);
	if (res->unmapped)
		printf(", %llu owned by root for want of a mapped id", res->unmapped);
	printf("; map %s", map_mode_name(map->mode));
	if (conf->fixups && *conf->fixups)
		printf("; fixups: %s", conf->fixups);
	printf("\n");
	if (map->mode == MAP_ROOT && !map->no_userns)
		note_root_mode(o->map);
}

/* The extracted staging directory made a box: its fixups and box.conf
 * (finish_staging), then its name. 0, or -1 when it failed (said why). */
static int commit_box(int boxes, const char *staging, int stagefd, const char *rootfs,
		      const struct create_opts *o, const struct idmap *map,
		      const struct subids *ids, const char *source, struct extract_result *res,
		      struct box_conf *conf)
{
	struct failure f = { 0 };
	/* A pulled image's layout goes first: it is no part of the box. */
	int r = faccessat(stagefd, "image", F_OK, AT_SYMLINK_NOFOLLOW) == 0
		    ? remove_tree_at(stagefd, "image", &f)
		    : 0;
	if (r >= 0)
		r = finish_staging(stagefd, rootfs, o, map, ids, source, &res->image, conf, &f);
	if (r >= 0)
		r = store_commit(boxes, staging, o->name);
	if (r == -EEXIST)
		fail(&f, r, "a box named '%s' appeared meanwhile", o->name);
	if (r < 0 && !failed(&f))
		fail(&f, r, "cannot commit the box");
	if (r < 0)
		log_failure(&f);
	return r < 0 ? -1 : 0;
}

/*
 * The box's map, as the backend allows: a box of the proot backend, or one
 * made where user namespaces are refused (auto), is made in root mode
 * without any namespace (its files are the caller's own, as proot's fake
 * root shows them); --map=auto needs namespaces. true when the map is
 * untried (mapping_for_create).
 */
static bool mapping_for_backend(const struct create_opts *o, struct idmap *m, struct subids *s)
{
	struct failure why = { 0 };
	bool refused = o->backend == BACKEND_PROOT ||
		       (o->backend != BACKEND_NS && mapping_userns_refused(&why));
	if (!refused)
		return mapping_for_create(o->map, m, s);
	if (map_mode_subordinate(o->map)) {
		if (o->backend == BACKEND_PROOT)
			die("--map=%s needs user namespaces: the proot backend cannot make such "
			    "a box",
			    map_mode_name(o->map));
		die_failure(&why);
	}
	if (o->backend != BACKEND_PROOT) {
		char text[640];
		log_warning("%s: the box is made without one, for the proot backend",
			    failure_text(&why, text, sizeof(text)));
	}
	*s = (struct subids){ 0 };
	idmap_single(m, MAP_ROOT, getuid(), getgid());
	m->no_userns = true;
	return false;
}

/* docker://: the image copied by skopeo into the staging directory,
 * beside the rootfs. 0, the interrupting signal, or -1 (said why). */
static int pull_image(struct source *src, const char *rootfs, const char *arch, bool progress)
{
	_cleanup_free_ char *dir = strdup(rootfs);
	if (!dir)
		die_errno(ENOMEM, "cannot pull the image");
	strcpy(strrchr(dir, '/') + 1, "image");
	sigset_t set, old;
	helper_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		die_errno(errno, "cannot block signals");
	int r = source_pull(src, dir, arch, progress, &set, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

/* The staging rootfs filled from the source: pulled first from a
 * registry, written by a tree writer from a directory. 0, the
 * interrupting signal, or -1 (said why). */
static int fill_rootfs(const struct create_opts *o, struct idmap *map, bool unproven,
		       const struct idmap *wmap, struct source *src, const char *rootfs,
		       struct extract_result *res)
{
	bool progress = strcmp(o->progress, "always") == 0 ||
			(strcmp(o->progress, "auto") == 0 && isatty(STDERR_FILENO));
	pid_t writer = -1;
	int status = 0;
	if (src->kind == SOURCE_REGISTRY)
		status = pull_image(src, rootfs, o->arch, progress);
	if (src->kind == SOURCE_DIR) {
		close(steal_fd(&src->fd));
		writer = start_tree_writer(wmap, src->name, &src->fd);
		if (writer < 0)
			status = -1;
	}
	if (status == 0)
		status = run_extract(map, unproven, src, o->arch, rootfs, progress, res);
	if (writer > 0 && !tree_writer_done(writer, status != 0) && status == 0)
		status = -1;
	return status;
}

/* A directory SOURCE is read under the widest map the caller has, in its
 * own layout (start_tree_writer). */
static void writer_mapping(const struct idmap *map, const struct source *src, const char *arg,
			   struct idmap *wmap)
{
	if (src->kind != SOURCE_DIR)
		return;
	if (map->no_userns) {
		/* No namespace for the box: none for the reader either. */
		*wmap = *map;
		return;
	}
	struct subids s;
	mapping_lookup(&s);
	mapping_for_dir(src->fd, arg, mapping_auto_works(&s) ? MAP_AUTO : MAP_ROOT, wmap);
}

int cmd_create(int argc, char **argv)
{
	struct create_opts o;
	parse_create(argc, argv, &o);
	if (o.from)
		return create_from_box(o.name, o.from, o.progress);
	struct idmap map;
	struct subids ids;
	bool unproven = mapping_for_backend(&o, &map, &ids);

	/* The source first: a typo must not leave a store behind. */
	__attribute__((cleanup(source_close))) struct source src;
	source_open(o.source, &src);
	if (o.arch && (src.kind == SOURCE_DIR || strcmp(src.name, "stdin") == 0))
		die_usage("--arch chooses an image's platform: '%s' is no image", o.source);
	struct idmap wmap;
	writer_mapping(&map, &src, o.source, &wmap);

	struct failure f = { 0 };
	_cleanup_close_ int boxes = store_open_boxes(true, &f);
	if (boxes < 0)
		die_failure(&f);
	remove_stale_staging(boxes);
	if (faccessat(boxes, o.name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		die("a box named '%s' already exists", o.name);

	_cleanup_free_ char *staging = NULL;
	_cleanup_close_ int stagefd = -1;
	_cleanup_free_ char *rootfs = NULL;
	make_staging(boxes, o.name, &staging, &stagefd, &rootfs);

	/* From here on a signal must find us to remove the staging directory:
	 * blocked, it waits for run_extract's sigwaitinfo (which takes
	 * SIGCHLD too, blocked for its helper alone). */
	sigset_t set, old;
	helper_signals(&set);
	sigdelset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		die_errno(errno, "cannot block signals");
	struct extract_result res = { 0 };
	int status = fill_rootfs(&o, &map, unproven, &wmap, &src, rootfs, &res);
	struct box_conf conf = { 0 };
	if (status == 0)
		status = commit_box(boxes, staging, stagefd, rootfs, &o, &map, &ids, src.name, &res,
				    &conf);
	box_conf_free(&res.image);
	if (status != 0) {
		struct failure rf = { 0 };
		if (remove_in_userns(&map, boxes, staging, &rf) < 0)
			log_warning("cannot remove the staging directory '%s': %s", staging,
				    rf.what);
		box_conf_free(&conf);
		return status > 0 ? 128 + status : EXIT_SETUP;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	report_created(&o, &map, &res, &conf);
	box_conf_free(&conf);
	return 0;
}
