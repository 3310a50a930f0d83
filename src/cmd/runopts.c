// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The run options of run and enter (moved here from cmd/run.c, table and
 * cases as they were), parsed from the command line, from the options a
 * box saved, and by `nschroot config` when it saves them. A new option
 * needs its line in run_options[] and its case in set_run_value (a value)
 * or apply_run_option (a list): config then saves it, and run, enter
 * apply it from the box, with no more code.
 */
#include "cmd/runopts.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "run/options.h"
#include "util/log.h"
#include "util/parse.h"

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
	{ "publish", required_argument, NULL, OPT_PUBLISH },
	{ "dev", required_argument, NULL, OPT_DEV },
	{ "proc", required_argument, NULL, OPT_PROC },
	{ "preserve-fd", required_argument, NULL, OPT_PRESERVE_FD },
	{ "fakeroot", required_argument, NULL, OPT_FAKEROOT },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "cap-add", required_argument, NULL, OPT_CAP_ADD },
	{ "cap-drop", required_argument, NULL, OPT_CAP_DROP },
	{ "no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS },
	{ "ephemeral", optional_argument, NULL, OPT_EPHEMERAL },
	{ "home", no_argument, NULL, OPT_HOME },
	{ "x11", no_argument, NULL, OPT_X11 },
	{ "wayland", no_argument, NULL, OPT_WAYLAND },
	{ "pulse", no_argument, NULL, OPT_PULSE },
	{ "gpu", no_argument, NULL, OPT_GPU },
	{ "desktop", no_argument, NULL, OPT_DESKTOP },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

/* The parse under way: whose options, for the errors (NULL outside
 * run_options_parse: exec's own parser calls add_env_op). */
static const struct run_opts_ctx *parsing;

/* A usage error of the options: die_usage's on a command line; for a
 * box's saved options, which the user did not type just now, one that
 * names the box and how to be rid of them. */
static noreturn __attribute__((format(printf, 1, 2))) void run_usage(const char *fmt, ...)
{
	const char *box = parsing ? parsing->box : NULL;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!box)
		die_usage("%s", msg);
	log_error("box '%s' has saved run options that this nschroot cannot use: %s", box, msg);
	log_hint("'nschroot config %s' shows them, 'nschroot config %s --reset' removes them", box,
		 box);
	exit(EXIT_SETUP);
}

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
		run_usage("invalid %s '%s': %s",
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
		run_usage("invalid %s '%s': %s", opt == 'e' ? "--env" : "--unsetenv", arg, why);
	APPEND(cfg->env_ops, cfg->n_env_ops, e);
}

static void add_preserve_fd(struct run_config *cfg, const char *arg)
{
	uint32_t fd;
	/* A descriptor number means something in one process alone. */
	if (parsing && (parsing->saving || parsing->box))
		run_usage("%s: --preserve-fd cannot be saved: a descriptor belongs to one process",
			  parsing->cmd);
	if (parse_u32(arg, 3, INT_MAX, &fd) < 0)
		run_usage("invalid --preserve-fd '%s': not a descriptor number of 3 or more", arg);
	if (fcntl((int)fd, F_GETFD) < 0)
		die("--preserve-fd %u: not an open file descriptor", fd);
	APPEND(cfg->preserve_fds, cfg->n_preserve_fds, (int)fd);
}

static void add_publish(struct run_config *cfg, const char *arg)
{
	struct publish_spec s;
	const char *why;
	if (parse_publish_spec(arg, &s, &why) < 0)
		run_usage("invalid --publish '%s': %s", arg, why);
	APPEND(cfg->publish, cfg->n_publish, s);
}

static void add_cap_op(struct run_config *cfg, int opt, const char *arg)
{
	struct cap_op op = { .add = opt == OPT_CAP_ADD };
	int r = caps_parse(arg, &op.cap);
	const char *name = opt == OPT_CAP_ADD ? "--cap-add" : "--cap-drop";
	if (r < 0)
		run_usage("invalid %s '%s': not a capability name (see capabilities(7)) or ALL",
			  name, arg);
	APPEND(cfg->cap_ops, cfg->n_cap_ops, op);
}

#define PARSE_MODE(fn, arg, out, opt, choices)                                                     \
	do {                                                                                       \
		if (fn(arg, out) < 0)                                                              \
			run_usage("invalid " opt " '%s': expected " choices, arg);                 \
	} while (0)

/* One option of run or enter (getopt_long's opt, with optarg), into cfg:
 * the modes and values that take no further parsing. */
void set_run_value(struct run_config *cfg, int opt)
{
	switch (opt) {
	case OPT_MAP:
		PARSE_MODE(parse_map_mode, optarg, &cfg->map, "--map",
			   "root, user, auto or keep-id");
		break;
	case OPT_NET:
		PARSE_MODE(parse_net_mode, optarg, &cfg->net, "--net", "host, none or pasta");
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
			run_usage("invalid --hostname '%s': 1 to 64 characters", optarg);
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
			run_usage("invalid --ephemeral=DIR: empty");
		cfg->ephemeral = true;
		cfg->ephemeral_dir = optarg;
		break;
	case OPT_HOME:
	case OPT_X11:
	case OPT_WAYLAND:
	case OPT_PULSE:
	case OPT_GPU:
		/* OPT_HOME to OPT_GPU are in the order of the SHARE_* bits. */
		cfg->shares |= SHARE_HOME << (opt - OPT_HOME);
		break;
	case OPT_DESKTOP:
		cfg->shares_if_there = SHARE_ALL & ~SHARE_HOME;
		break;
	}
}

/* --desktop: keep-id, --home, and each other share the host has; one also
 * given on its own must be there. */
static void finish_desktop(struct run_config *cfg)
{
	if (!cfg->shares_if_there)
		return;
	cfg->shares_if_there &= ~cfg->shares;
	cfg->shares |= SHARE_ALL;
	if (cfg->map == MAP_UNSET)
		cfg->map = MAP_KEEP_ID;
}

/* --help: run's or enter's help; not a run option to save. */
static void run_help(const char *cmd)
{
	if (parsing->saving || parsing->box)
		run_usage("%s: --help is no run option to save (see 'nschroot help config')", cmd);
	help_command(cmd);
	exit(0);
}

/* One option of run or enter: the lists (mounts, environment,
 * descriptors, capabilities) grow, the rest is set_run_value's; help and
 * usage errors end the process. */
static void apply_run_option(struct run_config *cfg, int opt, char **argv, const char *cmd)
{
	switch (opt) {
	case 'h':
		run_help(cmd);
		break;
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
	case OPT_PUBLISH:
		add_publish(cfg, optarg);
		break;
	case ':':
		run_usage("%s: option '%s' needs an argument", cmd, argv[optind - 1]);
	case '?':
		if (optopt)
			run_usage("%s: unknown option '-%c'", cmd, optopt);
		run_usage("%s: unknown option '%s'", cmd, argv[optind - 1]);
	default:
		set_run_value(cfg, opt);
	}
}

/*
 * config: the host path of --bind SRC:DEST, --ro-bind SRC:DEST or
 * --ephemeral=DIR made absolute, relative to the directory config runs
 * in, so that the saved option means the same wherever run is started.
 * Both argv's element (what is saved) and optarg (what is parsed) are
 * replaced. A bind without DEST is left alone: DEST is then SRC, which
 * the parser refuses unless absolute, as run does.
 */
static void absolute_host_path(int opt, char **argv)
{
	if (opt != OPT_BIND && opt != OPT_RO_BIND && !(opt == OPT_EPHEMERAL && optarg))
		return;
	if (optarg[0] == '/' || optarg[0] == '\0' ||
	    (opt != OPT_EPHEMERAL && (optarg[0] == ':' || !strchr(optarg, ':'))))
		return;
	/* optarg lies in the option's element: all of it (--bind SRC) or
	 * what follows its '=' (--bind=SRC). */
	char *elem = argv[optind - 1];
	size_t prefix = (size_t)(optarg - elem);
	if (optarg < elem || prefix > strlen(elem))
		die("%s: cannot find the argument of '%s'", parsing->cmd, elem);
	char *cwd = getcwd(NULL, 0);
	if (!cwd)
		die_errno(errno, "%s: cannot make '%s' an absolute path", parsing->cmd, optarg);
	char *abs;
	if (asprintf(&abs, "%.*s%s%s%s", (int)prefix, elem, cwd, strcmp(cwd, "/") ? "/" : "",
		     optarg) < 0)
		die_errno(ENOMEM, "cannot parse the options");
	free(cwd);
	/* Not freed: it lives as long as the process, as argv does. */
	argv[optind - 1] = abs;
	optarg = abs + prefix;
}

int run_options_parse(int argc, char **argv, struct run_config *cfg, struct run_opts_ctx *ctx)
{
	int opt;
	/* 0, not 1: getopt starts afresh (glibc and musl alike), as the
	 * parser runs more than once in a process (saved options, then the
	 * command line's). */
	optind = 0;
	opterr = 0;
	parsing = ctx;
	ctx->end = 1;
	while ((opt = getopt_long(argc, argv, "+:hw:e:", run_options, NULL)) != -1) {
		if (ctx->saving)
			absolute_host_path(opt, argv);
		apply_run_option(cfg, opt, argv, ctx->cmd);
		ctx->end = optind;
	}
	parsing = NULL;
	return optind;
}

void run_options_check(struct run_config *cfg, const char *cmd)
{
	finish_desktop(cfg);
	/* Sorted once here: the command's process closes the others, and may
	 * not sort in the memory it shares with init (init.c). */
	if (cfg->n_preserve_fds)
		qsort(cfg->preserve_fds, cfg->n_preserve_fds, sizeof(int), compare_ints);
	/* The overlay makes the tree writable for the run: asking for both is
	 * a contradiction, not a choice to make silently. */
	if (cfg->ephemeral && cfg->read_only)
		die_usage("%s: --ephemeral and --read-only contradict each other", cmd);
	/* A port is published by pasta alone: with the host's network it
	 * would need no publishing, with none there is nothing to reach. */
	if (cfg->n_publish && cfg->net != NET_PASTA)
		die_usage("%s: --publish needs --net=pasta", cmd);
}

void saved_options_load(const struct box_conf *c, const char *box, struct saved_options *out)
{
	static char placeholder[] = "saved";
	*out = (struct saved_options){ 0 };
	char **v;
	size_t n;
	int r = box_conf_run_options(c, &v, &n);
	if (r == -EINVAL) {
		log_error("box '%s' has malformed run-options in its box.conf", box);
		log_hint("'nschroot config %s --reset' removes them", box);
		exit(EXIT_SETUP);
	}
	if (r == 0 && n && !(out->argv = calloc(n + 2, sizeof(char *))))
		r = -ENOMEM;
	if (r < 0)
		die_errno(r, "cannot read the saved run options of box '%s'", box);
	if (!n)
		return;
	out->argv[0] = placeholder;
	memcpy(out->argv + 1, v, n * sizeof(char *));
	free(v);
	out->argc = (int)n + 1;
}

void saved_options_apply(const struct saved_options *s, const char *box, const char *cmd,
			 struct run_config *cfg)
{
	if (!s->argc)
		return;
	struct run_opts_ctx ctx = { .cmd = cmd, .box = box };
	int first = run_options_parse(s->argc, s->argv, cfg, &ctx);
	/* config saves options alone: an operand (or a "--") was not written
	 * by it. */
	if (ctx.end < s->argc) {
		parsing = &ctx;
		run_usage("%s: unexpected argument '%s'", cmd,
			  s->argv[first < s->argc ? first : ctx.end]);
	}
}

void saved_options_for_exec(const struct saved_options *s, const char *box, struct run_config *cfg)
{
	struct run_config all = { 0 };
	saved_options_apply(s, box, "exec", &all);
	/* Taken over, not copied: the environment operations first, before
	 * any of exec's command line. */
	cfg->env_ops = all.env_ops;
	cfg->n_env_ops = all.n_env_ops;
	all.env_ops = NULL;
	all.n_env_ops = 0;
	cfg->keep_env = all.keep_env;
	cfg->chdir = all.chdir;
	cfg->uid = all.uid;
	cfg->gid = all.gid;
	run_config_free(&all);
}

void saved_options_free(struct saved_options *s)
{
	for (int i = 1; i < s->argc; i++)
		free(s->argv[i]);
	free(s->argv);
	*s = (struct saved_options){ 0 };
}
