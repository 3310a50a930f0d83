// SPDX-License-Identifier: GPL-2.0-or-later
/* `nschroot run` and `nschroot enter`: parse, resolve, hand over to the
 * sandbox. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "cmd/imageconf.h"
#include "cmd/keepid.h"
#include "cmd/mapping.h"
#include "cmd/run.h"
#include "cmd/runopts.h"
#include "base/programs.h"
#include "base/resolve.h"
#include "base/userns.h"
#include "run/options.h"
#include "run/plan.h"
#include "run/resolv.h"
#include "proot/proot.h"
#include "sandbox/pty.h"
#include "sandbox/sandbox.h"
#include "store/store.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/parse.h"

/* Files larger than this in the rootfs' /etc are not ours to read. */
#define ETC_FILE_MAX (4u << 20)

/* The command line of run or enter (cfg's strings point into argv): its
 * options, TARGET, the command. */
static void parse_run_options(int argc, char **argv, struct run_config *cfg, bool enter)
{
	const char *cmd = enter ? "enter" : "run";
	struct run_opts_ctx ctx = { .cmd = cmd };
	int i = run_options_parse(argc, argv, cfg, &ctx);
	if (i >= argc)
		die_usage("%s: missing TARGET", cmd);
	cfg->target = argv[i++];
	/* `run BOX -- CMD`, as proot-distro's users write it: the "--" ends
	 * the options there too. */
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	run_options_check(cfg, cmd);
	if (enter && i < argc)
		die_usage("enter: unexpected argument '%s' (use 'nschroot run' to run a command)",
			  argv[i]);
	cfg->argv = i < argc ? &argv[i] : NULL;
}

/* A box's files are laid out for its map: another one would show them
 * with other owners. Between the modes of subordinate ids the layout can
 * be converted. */
void check_box_map(const char *name, const struct box_conf *conf, enum map_mode asked)
{
	if (asked == MAP_UNSET || asked == conf->map)
		return;
	log_error("box '%s' is laid out for --map=%s; it cannot be entered with --map=%s", name,
		  map_mode_name(conf->map), map_mode_name(asked));
	if (map_mode_subordinate(asked) && map_mode_subordinate(conf->map))
		log_hint("'nschroot remap %s --map=%s' converts its files to that layout", name,
			 map_mode_name(asked));
	exit(EXIT_SETUP);
}

/* TARGET's box opened in *box (locked shared for the whole run: rm
 * refuses a box in use), when TARGET names one: true; false for a path. */
static bool open_target_box(const char *target, struct box *box)
{
	*box = (struct box){ .lock = -1 };
	if (target_is_path(target))
		return false;
	if (!box_name_valid(target))
		die_usage("invalid box name '%s': a name is 1 to 64 of [A-Za-z0-9._-], "
			  "starting with a letter or digit (a path needs a '/')",
			  target);
	struct failure f = { 0 };
	if (store_open_box(target, BOX_USE | BOX_NAME_OR_PATH, box, &f) < 0)
		die_failure(&f);
	return true;
}

/*
 * The options of a run of a box that saved some (nschroot config): the
 * saved ones first, then the command line's again, into a fresh cfg; so
 * the command line's value wins, and its mounts and environment come
 * after the saved ones. The saved strings, which cfg points into, are
 * kept in *saved.
 */
static void apply_saved_options(int argc, char **argv, struct run_config *cfg, bool enter,
				const struct box *box, struct saved_options *saved)
{
	const char *target = cfg->target;
	saved_options_load(&box->conf, target, saved);
	if (!saved->argc)
		return;
	run_config_free(cfg);
	*cfg = (struct run_config){ 0 };
	saved_options_apply(saved, target, enter ? "enter" : "run", cfg);
	parse_run_options(argc, argv, cfg, enter);
}

/* The rootfs directory of TARGET: a path, or the box open in *box, which
 * is always entered with the map it was created with (its lock moves to
 * *lockfd); a directory's map is decided once it is open
 * (mapping_for_dir). */
static char *resolve_target(struct run_config *cfg, struct box *box, int *lockfd, struct idmap *map,
			    struct image_defaults *img)
{
	const char *target = cfg->target;
	if (box->lock < 0) {
		char *p = realpath(target, NULL);
		if (!p)
			die_errno(errno, "cannot use '%s' as a root filesystem", target);
		return p;
	}
	check_box_map(target, &box->conf, cfg->map);
	cfg->map = box->conf.map;
	if (cfg->backend == BACKEND_UNSET && box->conf.backend &&
	    parse_backend(box->conf.backend, &cfg->backend) < 0)
		die("box '%s' names an unknown backend in its box.conf: '%s'", target,
		    box->conf.backend);
	mapping_for_box(&box->conf, map);
	if (box->conf.map == MAP_KEEP_ID)
		keep_id_prepare_box(box, map, target);
	const char *bad;
	int r = image_defaults_load(&box->conf, img, &bad);
	if (r == -EINVAL)
		die("box '%s' has a malformed %s in its box.conf", target, bad);
	if (r < 0)
		die_errno(-r, "cannot read box '%s'", target);
	*lockfd = steal_fd(&box->lock);
	char *p = steal_pointer(&box->rootfs);
	box_close(box);
	return p;
}

/*
 * --ephemeral=DIR as a canonical path: an existing directory outside the
 * rootfs (overlayfs refuses layers inside each other), empty or holding
 * only the upper and work directories of an earlier run, which the
 * overlay then takes up again. NULL without DIR. Two overlays on one
 * upper directory are undefined (the kernel only warns): DIR is locked
 * for the run, *lock its descriptor.
 */
static char *ephemeral_dir(const char *dir, const char *rootfs, int *lock)
{
	if (!dir)
		return NULL;
	char *p = realpath(dir, NULL);
	if (!p)
		die_errno(errno, "--ephemeral: cannot use '%s'", dir);
	size_t n = strlen(rootfs), m = strlen(p);
	if (m == 1 || (strncmp(p, rootfs, n) == 0 && (p[n] == '/' || !p[n])) ||
	    (strncmp(rootfs, p, m) == 0 && rootfs[m] == '/'))
		die_usage("--ephemeral: '%s' and the rootfs '%s' lie inside each other", dir,
			  rootfs);
	DIR *d = opendir(p);
	if (!d)
		die_errno(errno, "--ephemeral: cannot use '%s'", dir);
	const struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    strcmp(e->d_name, "upper") != 0 && strcmp(e->d_name, "work") != 0)
			die_usage("--ephemeral: '%s' holds '%s': the directory must be empty, or "
				  "hold an earlier run's upper and work directories alone",
				  dir, e->d_name);
	*lock = fcntl(dirfd(d), F_DUPFD_CLOEXEC, 3);
	int err = *lock < 0 || flock(*lock, LOCK_EX | LOCK_NB) < 0 ? errno : 0;
	closedir(d);
	if (err == EWOULDBLOCK)
		die("--ephemeral: '%s' is in use by another run", dir);
	if (err)
		die_errno(err, "--ephemeral: cannot lock '%s'", dir);
	return p;
}

/* An /etc file of the rootfs, read safely; NULL when absent or unusable. */
static char *read_etc(int rootfd, const char *path, size_t *len)
{
	char *buf = NULL;
	int r = read_file_in_root(rootfd, path, ETC_FILE_MAX, &buf, len);
	if (r == -EINVAL)
		log_warning("ignoring '%s' of the rootfs: not a regular file", path);
	else if (r < 0 && r != -ENOENT)
		log_warning("ignoring '%s' of the rootfs: %s", path, strerror(-r));
	return r < 0 ? NULL : buf;
}

/* With subordinate ids the command takes its ids with set*id: they must be mapped.
 * (In root and user mode the nested namespace maps whichever was asked.) */
static void check_ids_mapped(const struct run_plan *p)
{
	if (!idmap_subordinate(&p->idmap))
		return;
	uint32_t uids = id_map_size(&p->idmap.uid), gids = id_map_size(&p->idmap.gid);
	if (p->uid >= uids)
		die("uid %u is not mapped in this sandbox (%s mode maps 0-%u)", (unsigned)p->uid,
		    map_mode_name(p->idmap.mode), (unsigned)uids - 1);
	if (p->gid >= gids)
		die("gid %u is not mapped in this sandbox (%s mode maps 0-%u)", (unsigned)p->gid,
		    map_mode_name(p->idmap.mode), (unsigned)gids - 1);
	/* The fake-root filter would turn the set*id calls that make the
	 * command's user into no-ops, leaving it root. */
	if (p->fakeroot && (p->uid != 0 || p->gid != 0))
		die_usage("--fakeroot=seccomp with --uid or --gid needs --map=root or --map=user");
}

/*
 * A standard descriptor that is a directory (`run BOX CMD < ~`), or an
 * O_PATH one, would hand the guest a host directory: /proc/self/fd/0/ is
 * a way into it (~/.ssh), out of the box. Refused rather than replaced,
 * so that a mistake is seen.
 */
static void refuse_directory_fds(void)
{
	static const char *const names[] = { "standard input", "standard output",
					     "standard error" };
	for (int fd = 0; fd <= 2; fd++) {
		struct stat st;
		int fl = fcntl(fd, F_GETFL);
		if (fl < 0)
			continue;
		if ((fl & O_PATH) || (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)))
			die("%s is a directory or an O_PATH descriptor, which would open the "
			    "host's files to the box",
			    names[fd]);
	}
}

/* The rootfs' /etc files that the plan reads, into in: /etc/passwd
 * always, /etc/group for a --gid that is a name, and for the groups of a
 * user other than root with subordinate ids (keep-id's default user, or
 * --uid). */
static void read_ids_files(int rootfd, const struct run_config *cfg, struct plan_input *in,
			   char **passwd, char **group)
{
	*passwd = read_etc(rootfd, "/etc/passwd", &in->passwd_len);
	in->passwd = *passwd;
	uint32_t id;
	*group = NULL;
	bool user = idmap_subordinate(in->idmap) &&
		    (in->idmap->mode == MAP_KEEP_ID ? !cfg->uid || strcmp(cfg->uid, "0") != 0
						    : cfg->uid && strcmp(cfg->uid, "0") != 0);
	if (user || (cfg->gid && parse_u32(cfg->gid, 0, UINT32_MAX - 1, &id) < 0))
		*group = read_etc(rootfd, "/etc/group", &in->group_len);
	in->group = *group;
}

/* What --home, --x11... ask of the host (run/desktop.h), into
 * plan->found: one that is missing ends the run, one that only --desktop
 * asked for is left out with a note. */
static void find_shares(const struct run_config *cfg, struct run_plan *plan)
{
	struct desktop_notes notes;
	struct failure f = { 0 };
	if (desktop_find(cfg->shares, cfg->shares_if_there, environ, &plan->found, &notes, &f) < 0)
		die_failure(&f);
	for (size_t i = 0; i < notes.n; i++) {
		char text[640];
		log_note("%s: left out of --desktop",
			 failure_text(&notes.why[i], text, sizeof(text)));
	}
}

/* --net=pasta: the pasta program, found before anything starts. */
static char *find_pasta(void)
{
	char *pasta = find_program("NSCHROOT_PASTA", "pasta");
	if (!pasta) {
		log_error("cannot use --net=pasta: pasta is not installed");
		log_hint("install it: apt-get install passt (dnf install passt, pacman -S passt),");
		log_hint("or set NSCHROOT_PASTA to its path");
		exit(EXIT_SETUP);
	}
	return pasta;
}

/* --net=pasta: the host's resolv.conf works through pasta's NAT unless its
 * servers are on the host's loopback (a local stub): then the stub's
 * upstream servers, where systemd-resolved lists them. */
static const char *pasta_resolv_conf(bool *loopback)
{
	char text[4096];
	_cleanup_close_ int fd = open("/etc/resolv.conf", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);
	if (n <= 0)
		return NULL;
	text[n] = '\0';
	if (!(*loopback = resolv_loopback_only(text)))
		return NULL;
	if (access(RESOLV_UPSTREAM, R_OK) == 0)
		return RESOLV_UPSTREAM;
	log_warning("the host's name servers are on its loopback, out of the box's reach: "
		    "no DNS inside with --net=pasta");
	return NULL;
}

void make_run_plan(const struct run_config *cfg, const char *rootfs, int rootfd,
		   const struct idmap *map, bool is_box, struct run_plan *plan)
{
	struct plan_input in = {
		.cfg = cfg,
		.rootfs = rootfs,
		.idmap = map,
		.box = is_box ? cfg->target : NULL,
		.host_env = environ,
	};
	_cleanup_free_ char *passwd = NULL;
	_cleanup_free_ char *group = NULL;
	read_ids_files(rootfd, cfg, &in, &passwd, &group);
	plan->host_uid = getuid();
	plan->host_gid = getgid();
	plan->tty_mask = pty_caller_terminals();
	if (cfg->shares) {
		find_shares(cfg, plan);
		in.desktop = &plan->found;
	}
	if (cfg->net == NET_PASTA) {
		plan->pasta = find_pasta();
		in.resolv = pasta_resolv_conf(&plan->pasta_no_dns);
	}
	struct failure f = { 0 };
	if (plan_build(&in, plan, &f) < 0)
		die_failure(&f);
	check_ids_mapped(plan);
}

/* overlayfs refuses to copy up a file whose owner has no id in the
 * namespace (EOVERFLOW): in a tree of unmapped owners (the host's root's)
 * an ephemeral run writes new files at its top alone. Said once, before
 * the command meets "Value too large for defined data type". */
static void warn_unmapped_owner(int rootfd, const struct run_plan *p, const char *target)
{
	struct stat st;
	uint32_t inside;
	if (!p->ephemeral || fstat(rootfd, &st) < 0 ||
	    id_map_to_inside(&p->idmap.uid, st.st_uid, &inside))
		return;
	log_warning("'%s' belongs to uid %u, which this run does not map: with --ephemeral "
		    "its files stay read-only, only new files at its top can be written",
		    target, (unsigned)st.st_uid);
}

/* Whether b can take the plan; exit 125 when not. A box made in auto mode
 * is said to be one. */
static void check_backend(const struct backend *b, const struct run_plan *plan, const char *box)
{
	struct failure f = { 0 };
	if (box && (plan->needs & PLAN_NEEDS_MAP_AUTO) && !(b->supports & PLAN_NEEDS_MAP_AUTO)) {
		log_error("box '%s' was made in %s mode, whose subordinate ids need user "
			  "namespaces: the %s backend cannot run it",
			  box, map_mode_name(plan->idmap.mode), b->name);
		exit(EXIT_SETUP);
	}
	if (backend_check(b, plan, &f) < 0)
		die_failure(&f);
}

/*
 * Run the plan with the backend chosen (DESIGN.md, "Backends"): auto is
 * the namespace engine, and proot where the kernel or a policy refuses it
 * a user namespace, with one warning that says why. box: the box's name,
 * or NULL for a directory.
 */
static int run_with_backend(enum backend_choice choice, struct run_plan *plan, const char *box)
{
	struct failure f = { 0 };
	if (choice != BACKEND_PROOT) {
		check_backend(&ns_backend, plan, box);
		int status = ns_backend.run(plan, &f);
		if (status >= 0)
			return status;
		if (choice == BACKEND_NS || !userns_refused(f.err))
			die_failure(&f);
		char text[640];
		log_warning("%s: running the box through proot",
			    failure_text(&f, text, sizeof(text)));
		f = (struct failure){ 0 };
	}
	check_backend(&proot_backend, plan, box);
	int status = proot_backend.run(plan, &f);
	if (status < 0)
		die_failure(&f);
	return status;
}

static int run_or_enter(int argc, char **argv, bool enter)
{
	struct run_config cfg = { 0 };
	parse_run_options(argc, argv, &cfg, enter);
	refuse_directory_fds();

	struct box box;
	bool is_box = open_target_box(cfg.target, &box);
	struct saved_options saved = { 0 };
	if (is_box)
		apply_saved_options(argc, argv, &cfg, enter, &box, &saved);
	_cleanup_close_ int boxlock = -1;
	struct idmap map;
	struct image_defaults img = { 0 };
	_cleanup_free_ char *rootfs = resolve_target(&cfg, &box, &boxlock, &map, &img);
	image_defaults_apply(&img, &cfg, enter);
	_cleanup_close_ int layers_lock = -1;
	_cleanup_free_ char *layers = ephemeral_dir(cfg.ephemeral_dir, rootfs, &layers_lock);
	cfg.ephemeral_dir = layers;
	_cleanup_close_ int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		die_errno(errno, "cannot use '%s' as a root filesystem", cfg.target);
	if (!is_box)
		mapping_for_dir(rootfd, cfg.target, cfg.map, &map);
	/* A directory is changed only where the run may write it. */
	if (!is_box && map.mode == MAP_KEEP_ID && !cfg.read_only && !cfg.ephemeral)
		keep_id_prepare_dir(rootfd, &map, cfg.target);

	struct run_plan plan = { 0 };
	make_run_plan(&cfg, rootfs, rootfd, &map, is_box, &plan);
	warn_unmapped_owner(rootfd, &plan, cfg.target);
	close(steal_fd(&rootfd));
	/* The argument strings lie end to end in memory, from nschroot's own
	 * argv[0] (main passes argv + 1: argv[0] here is "run"), which init
	 * wipes with the rest: it is nschroot's host path. */
	plan.cmdline = argv[-1];
	plan.cmdline_len = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) + 1 - argv[-1]);

	/* A box's run is an instance that exec can join: recorded where it
	 * can be (a run goes on without). */
	_cleanup_close_ int instances = is_box ? store_open_instances(true) : -1;
	if (instances >= 0) {
		plan.instance_box = cfg.target;
		plan.instance_dir = instances;
	}
	int status = run_with_backend(cfg.backend, &plan, is_box ? cfg.target : NULL);

	plan_free(&plan);
	run_config_free(&cfg);
	saved_options_free(&saved);
	image_defaults_free(&img);
	return status;
}

int cmd_run(int argc, char **argv)
{
	return run_or_enter(argc, argv, false);
}

int cmd_enter(int argc, char **argv)
{
	return run_or_enter(argc, argv, true);
}
