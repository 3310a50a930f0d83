// SPDX-License-Identifier: GPL-2.0-or-later
/* `nschroot run` and `nschroot enter`: parse, resolve, hand over to the
 * sandbox. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
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
#include "base/resolve.h"
#include "base/userns.h"
#include "run/options.h"
#include "run/plan.h"
#include "proot/proot.h"
#include "sandbox/pty.h"
#include "sandbox/sandbox.h"
#include "store/store.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/parse.h"

/* Files larger than this in the rootfs' /etc are not ours to read. */
#define ETC_FILE_MAX (4u << 20)

enum {
	OPT_MAP = CHAR_MAX + 1,
	OPT_BIND,
	OPT_RO_BIND,
	OPT_TMPFS,
	OPT_UNSETENV,
	OPT_KEEP_ENV,
	OPT_HOSTNAME,
	OPT_UID,
	OPT_GID,
	OPT_READ_ONLY,
	OPT_NET,
	OPT_DEV,
	OPT_PROC,
	OPT_PRESERVE_FD,
	OPT_FAKEROOT,
	OPT_BACKEND,
	OPT_CAP_ADD,
	OPT_CAP_DROP,
	OPT_NO_NEW_PRIVS,
	OPT_EPHEMERAL,
};

static const struct option run_options[] = {
	{ "map", required_argument, NULL, OPT_MAP },
	{ "bind", required_argument, NULL, OPT_BIND },
	{ "ro-bind", required_argument, NULL, OPT_RO_BIND },
	{ "tmpfs", required_argument, NULL, OPT_TMPFS },
	{ "chdir", required_argument, NULL, 'w' },
	{ "env", required_argument, NULL, 'e' },
	{ "unsetenv", required_argument, NULL, OPT_UNSETENV },
	{ "keep-env", no_argument, NULL, OPT_KEEP_ENV },
	{ "hostname", required_argument, NULL, OPT_HOSTNAME },
	{ "uid", required_argument, NULL, OPT_UID },
	{ "gid", required_argument, NULL, OPT_GID },
	{ "read-only", no_argument, NULL, OPT_READ_ONLY },
	{ "net", required_argument, NULL, OPT_NET },
	{ "dev", required_argument, NULL, OPT_DEV },
	{ "proc", required_argument, NULL, OPT_PROC },
	{ "preserve-fd", required_argument, NULL, OPT_PRESERVE_FD },
	{ "fakeroot", required_argument, NULL, OPT_FAKEROOT },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "cap-add", required_argument, NULL, OPT_CAP_ADD },
	{ "cap-drop", required_argument, NULL, OPT_CAP_DROP },
	{ "no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS },
	{ "ephemeral", optional_argument, NULL, OPT_EPHEMERAL },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

#define APPEND(arr, n, item)                                                                       \
	do {                                                                                       \
		__typeof__(arr) _a = reallocarray((arr), (n) + 1, sizeof(*(arr)));                 \
		if (!_a)                                                                           \
			die_errno(ENOMEM, "cannot parse the options");                             \
		(arr) = _a;                                                                        \
		(arr)[(n)++] = (item);                                                             \
	} while (0)

static void add_mount(struct run_config *cfg, int opt, const char *arg)
{
	struct mount_spec m;
	const char *why;
	int r = opt == OPT_TMPFS
		    ? parse_tmpfs_spec(arg, &m, &why)
		    : parse_bind_spec(arg, opt == OPT_BIND ? MOUNT_BIND : MOUNT_RO_BIND, &m, &why);
	if (r < 0)
		die_usage("invalid %s '%s': %s",
			  opt == OPT_TMPFS  ? "--tmpfs"
			  : opt == OPT_BIND ? "--bind"
					    : "--ro-bind",
			  arg, why);
	APPEND(cfg->mounts, cfg->n_mounts, m);
}

void add_env_op(struct run_config *cfg, int opt, const char *arg)
{
	struct env_op e;
	const char *why;
	int r = opt == 'e' ? parse_env_spec(arg, &e, &why) : parse_unsetenv_spec(arg, &e, &why);
	if (r < 0)
		die_usage("invalid %s '%s': %s", opt == 'e' ? "--env" : "--unsetenv", arg, why);
	APPEND(cfg->env_ops, cfg->n_env_ops, e);
}

static void add_preserve_fd(struct run_config *cfg, const char *arg)
{
	uint32_t fd;
	if (parse_u32(arg, 3, INT_MAX, &fd) < 0)
		die_usage("invalid --preserve-fd '%s': not a descriptor number of 3 or more", arg);
	if (fcntl((int)fd, F_GETFD) < 0)
		die("--preserve-fd %u: not an open file descriptor", fd);
	APPEND(cfg->preserve_fds, cfg->n_preserve_fds, (int)fd);
}

static void add_cap_op(struct run_config *cfg, int opt, const char *arg)
{
	struct cap_op op = { .add = opt == OPT_CAP_ADD };
	int r = caps_parse(arg, &op.cap);
	const char *name = opt == OPT_CAP_ADD ? "--cap-add" : "--cap-drop";
	if (r < 0)
		die_usage("invalid %s '%s': not a capability name (see capabilities(7)) or ALL",
			  name, arg);
	APPEND(cfg->cap_ops, cfg->n_cap_ops, op);
}

#define PARSE_MODE(fn, arg, out, opt, choices)                                                     \
	do {                                                                                       \
		if (fn(arg, out) < 0)                                                              \
			die_usage("invalid " opt " '%s': expected " choices, arg);                 \
	} while (0)

/* One option of run or enter (getopt_long's opt, with optarg), into cfg:
 * the modes and values that take no further parsing. */
static void set_run_value(struct run_config *cfg, int opt)
{
	switch (opt) {
	case OPT_MAP:
		PARSE_MODE(parse_map_mode, optarg, &cfg->map, "--map",
			   "root, user, auto or keep-id");
		break;
	case OPT_NET:
		PARSE_MODE(parse_net_mode, optarg, &cfg->net, "--net", "host or none");
		break;
	case OPT_DEV:
		PARSE_MODE(parse_dev_mode, optarg, &cfg->dev, "--dev", "minimal or host");
		break;
	case OPT_PROC:
		PARSE_MODE(parse_proc_mode, optarg, &cfg->proc, "--proc", "fresh or host");
		break;
	case OPT_BACKEND:
		PARSE_MODE(parse_backend, optarg, &cfg->backend, "--backend", "auto, ns or proot");
		break;
	case OPT_FAKEROOT:
		PARSE_MODE(parse_fakeroot_mode, optarg, &cfg->fakeroot, "--fakeroot",
			   "seccomp or none");
		break;
	case OPT_HOSTNAME:
		if (optarg[0] == '\0' || strlen(optarg) > 64)
			die_usage("invalid --hostname '%s': 1 to 64 characters", optarg);
		cfg->hostname = optarg;
		break;
	case 'w':
		cfg->chdir = optarg;
		break;
	case OPT_UID:
		cfg->uid = optarg;
		break;
	case OPT_GID:
		cfg->gid = optarg;
		break;
	case OPT_KEEP_ENV:
		cfg->keep_env = true;
		break;
	case OPT_READ_ONLY:
		cfg->read_only = true;
		break;
	case OPT_NO_NEW_PRIVS:
		cfg->no_new_privs = true;
		break;
	case OPT_EPHEMERAL:
		if (optarg && optarg[0] == '\0')
			die_usage("invalid --ephemeral=DIR: empty");
		cfg->ephemeral = true;
		cfg->ephemeral_dir = optarg;
		break;
	}
}

/* One option of run or enter: the lists (mounts, environment,
 * descriptors, capabilities) grow, the rest is set_run_value's; help and
 * usage errors end the process. */
static void apply_run_option(struct run_config *cfg, int opt, char **argv, bool enter)
{
	const char *cmd = enter ? "enter" : "run";
	switch (opt) {
	case 'h':
		enter ? help_enter() : help_run();
		exit(0);
	case OPT_BIND:
	case OPT_RO_BIND:
	case OPT_TMPFS:
		add_mount(cfg, opt, optarg);
		break;
	case 'e':
	case OPT_UNSETENV:
		add_env_op(cfg, opt, optarg);
		break;
	case OPT_PRESERVE_FD:
		add_preserve_fd(cfg, optarg);
		break;
	case OPT_CAP_ADD:
	case OPT_CAP_DROP:
		add_cap_op(cfg, opt, optarg);
		break;
	case ':':
		die_usage("%s: option '%s' needs an argument", cmd, argv[optind - 1]);
	case '?':
		if (optopt)
			die_usage("%s: unknown option '-%c'", cmd, optopt);
		die_usage("%s: unknown option '%s'", cmd, argv[optind - 1]);
	default:
		set_run_value(cfg, opt);
	}
}

static void parse_run_options(int argc, char **argv, struct run_config *cfg, bool enter)
{
	const char *cmd = enter ? "enter" : "run";
	int opt;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:hw:e:", run_options, NULL)) != -1)
		apply_run_option(cfg, opt, argv, enter);
	/* Sorted once here: the command's process closes the others, and may
	 * not sort in the memory it shares with init (init.c). */
	if (cfg->n_preserve_fds)
		qsort(cfg->preserve_fds, cfg->n_preserve_fds, sizeof(int), compare_ints);
	if (optind >= argc)
		die_usage("%s: missing TARGET", cmd);
	cfg->target = argv[optind++];
	/* `run BOX -- CMD`, as proot-distro's users write it: the "--" ends
	 * the options there too. */
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	/* The overlay makes the tree writable for the run: asking for both is
	 * a contradiction, not a choice to make silently. */
	if (cfg->ephemeral && cfg->read_only)
		die_usage("%s: --ephemeral and --read-only contradict each other", cmd);
	if (enter && optind < argc)
		die_usage("enter: unexpected argument '%s' (use 'nschroot run' to run a command)",
			  argv[optind]);
	cfg->argv = optind < argc ? &argv[optind] : NULL;
}

/* A box's files are laid out for its map: another one would show them
 * with other owners. Between the modes of subordinate ids the layout can
 * be converted. */
static _Noreturn void refuse_other_map(const char *box, enum map_mode has, enum map_mode asked)
{
	log_error("box '%s' is laid out for --map=%s; it cannot be entered with --map=%s", box,
		  map_mode_name(has), map_mode_name(asked));
	if (map_mode_subordinate(asked))
		log_hint("'nschroot remap %s --map=%s' converts its files to that layout", box,
			 map_mode_name(asked));
	exit(EXIT_SETUP);
}

/* The rootfs directory of TARGET: a path, or a box name. A box is locked
 * shared for the whole run (rm refuses a box in use) and always entered
 * with the map it was created with; a directory's map is decided once it
 * is open (mapping_for_dir). */
static char *resolve_target(struct run_config *cfg, int *lockfd, struct idmap *map, bool *have_map,
			    struct image_defaults *img)
{
	const char *target = cfg->target;
	*have_map = false;
	if (target_is_path(target)) {
		char *p = realpath(target, NULL);
		if (!p)
			die_errno(errno, "cannot use '%s' as a root filesystem", target);
		return p;
	}
	if (!box_name_valid(target))
		die_usage("invalid box name '%s': a name is 1 to 64 of [A-Za-z0-9._-], "
			  "starting with a letter or digit (a path needs a '/')",
			  target);

	struct failure f = { 0 };
	struct box box;
	if (store_open_box(target, BOX_USE | BOX_NAME_OR_PATH, &box, &f) < 0)
		die_failure(&f);
	if (cfg->map != MAP_UNSET && cfg->map != box.conf.map)
		refuse_other_map(target, box.conf.map, cfg->map);
	cfg->map = box.conf.map;
	if (cfg->backend == BACKEND_UNSET && box.conf.backend &&
	    parse_backend(box.conf.backend, &cfg->backend) < 0)
		die("box '%s' names an unknown backend in its box.conf: '%s'", target,
		    box.conf.backend);
	mapping_for_box(&box.conf, map);
	if (box.conf.map == MAP_KEEP_ID)
		keep_id_prepare_box(&box, map, target);
	const char *bad;
	int r = image_defaults_load(&box.conf, img, &bad);
	if (r == -EINVAL)
		die("box '%s' has a malformed %s in its box.conf", target, bad);
	if (r < 0)
		die_errno(-r, "cannot read box '%s'", target);
	*have_map = true;
	*lockfd = steal_fd(&box.lock);
	char *p = steal_pointer(&box.rootfs);
	box_close(&box);
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

	_cleanup_close_ int boxlock = -1;
	struct idmap map;
	bool is_box;
	struct image_defaults img = { 0 };
	_cleanup_free_ char *rootfs = resolve_target(&cfg, &boxlock, &map, &is_box, &img);
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
