// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `nschroot exec BOX [CMD...]`: a command in the running instance of BOX
 * (DESIGN.md, "Instances"), and `nschroot ps`: the instances.
 *
 * The instance is found in the store's records (run/instance.h): the
 * oldest of the box's, or --instance's. The command is planned as a run's
 * (its user, directory, environment, the box's image settings), but what
 * confines it is the instance's: its fake root, capabilities and
 * no_new_privs, which exec cannot widen; the namespace engine joins the
 * instance (sandbox/join.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "cmd/imageconf.h"
#include "cmd/mapping.h"
#include "cmd/run.h"
#include "cmd/runopts.h"
#include "run/instance.h"
#include "sandbox/sandbox.h"
#include "store/store.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/log.h"
#include "util/parse.h"

/* exec's own option; the others are run's, by run's codes. */
enum { OPT_INSTANCE = OPT_RUN_END };

static void exec_option(int opt, struct run_config *cfg, uint32_t *instance, char **argv)
{
	switch (opt) {
	case 'h':
		help_command("exec");
		exit(0);
	case OPT_INSTANCE:
		if (parse_u32(optarg, 1, INT32_MAX, instance) < 0)
			die_usage("invalid --instance '%s': the pid of an instance's init", optarg);
		break;
	case 'w':
	case OPT_UID:
	case OPT_GID:
	case OPT_KEEP_ENV:
		set_run_value(cfg, opt);
		break;
	case 'e':
	case OPT_UNSETENV:
		add_env_op(cfg, opt, optarg);
		break;
	case ':':
		die_usage("exec: option '%s' needs an argument", argv[optind - 1]);
	default:
		die_usage("exec: unknown option '%s'", argv[optind - 1]);
	}
}

static void parse_exec(int argc, char **argv, struct run_config *cfg, uint32_t *instance)
{
	static const struct option opts[] = {
		{ "instance", required_argument, NULL, OPT_INSTANCE },
		{ "uid", required_argument, NULL, OPT_UID },
		{ "gid", required_argument, NULL, OPT_GID },
		{ "chdir", required_argument, NULL, 'w' },
		{ "env", required_argument, NULL, 'e' },
		{ "unsetenv", required_argument, NULL, OPT_UNSETENV },
		{ "keep-env", no_argument, NULL, OPT_KEEP_ENV },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt;
	/* 0: a fresh start, as it runs again after the saved options'. */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:hw:e:", opts, NULL)) != -1)
		exec_option(opt, cfg, instance, argv);
	if (optind >= argc)
		die_usage("exec: missing BOX");
	cfg->target = argv[optind++];
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	cfg->argv = optind < argc ? &argv[optind] : NULL;
}

/* The box's saved options (nschroot config) that exec takes, first, and
 * then the command line's again into a fresh cfg: its environment
 * operations after the saved ones, its values over theirs. The saved
 * strings, which cfg points into, are kept in *saved. */
static void take_saved_options(int argc, char **argv, const struct box *box,
			       struct saved_options *saved, struct run_config *cfg,
			       uint32_t *instance)
{
	const char *name = cfg->target;
	saved_options_load(&box->conf, name, saved);
	if (!saved->argc)
		return;
	run_config_free(cfg);
	*cfg = (struct run_config){ 0 };
	saved_options_for_exec(saved, name, cfg);
	parse_exec(argc, argv, cfg, instance);
}

/* The instance of box to join: the one whose init is pid, else the
 * oldest. Exit 125 with a hint when none runs. */
static void find_instance(const char *box, uint32_t pid, struct instance *out)
{
	_cleanup_close_ int dir = store_open_instances(false);
	_cleanup_free_ struct instance *v = NULL;
	size_t n = 0;
	if (dir >= 0 && instance_list(dir, box, &v, &n) < 0)
		die_errno(errno, "cannot read the instances");
	for (size_t i = 0; i < n; i++)
		if (!pid || v[i].init == (pid_t)pid) {
			*out = v[i];
			return;
		}
	if (pid)
		log_error("box '%s' has no running instance whose init is %u", box, pid);
	else
		log_error("box '%s' has no running instance", box);
	log_hint("start one with 'nschroot run %s' (or enter); 'nschroot ps' lists them", box);
	exit(EXIT_SETUP);
}

/* In one-id modes the instance maps only its command's ids: exec runs
 * as them, and may not ask for others. */
static void ids_for_instance(const struct instance *in, struct run_config *cfg, char buf[2][16])
{
	if (map_mode_subordinate(in->map))
		return;
	snprintf(buf[0], 16, "%u", (unsigned)in->uid);
	snprintf(buf[1], 16, "%u", (unsigned)in->gid);
	if (!cfg->uid)
		cfg->uid = buf[0];
	if (!cfg->gid)
		cfg->gid = buf[1];
}

/* What confines the instance confines exec's command. */
static void take_restrictions(const struct instance *in, struct run_plan *p)
{
	p->net = in->net;
	p->fakeroot = in->fakeroot;
	p->no_new_privs = in->no_new_privs;
	p->caps_given = in->caps_given;
	p->caps = in->caps;
	if (!map_mode_subordinate(in->map) && (p->uid != in->uid || p->gid != in->gid))
		die("the instance maps only its command's ids (%u:%u) in %s mode: exec runs as "
		    "them",
		    (unsigned)in->uid, (unsigned)in->gid, map_mode_name(in->map));
}

int cmd_exec(int argc, char **argv)
{
	struct run_config cfg = { 0 };
	uint32_t want = 0;
	parse_exec(argc, argv, &cfg, &want);
	struct failure f = { 0 };
	struct box box;
	if (store_open_box(cfg.target, BOX_USE, &box, &f) < 0)
		die_failure(&f);
	struct saved_options saved;
	take_saved_options(argc, argv, &box, &saved, &cfg, &want);
	struct instance in;
	find_instance(cfg.target, want, &in);
	pid_t target = instance_command(&in);
	if (target < 0)
		die("the instance of box '%s' (init %d) is ending", cfg.target, (int)in.init);

	struct idmap map;
	mapping_for_box(&box.conf, &map);
	struct image_defaults img = { 0 };
	const char *bad;
	if (image_defaults_load(&box.conf, &img, &bad) < 0)
		die("box '%s' has a malformed %s in its box.conf", cfg.target, bad);
	cfg.map = box.conf.map;
	image_defaults_apply(&img, &cfg, true);
	char ids[2][16];
	ids_for_instance(&in, &cfg, ids);
	_cleanup_close_ int rootfd = open(box.rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		die_errno(errno, "cannot open box '%s'", cfg.target);
	struct run_plan plan = { 0 };
	make_run_plan(&cfg, box.rootfs, rootfd, &map, true, &plan);
	take_restrictions(&in, &plan);
	int status = ns_backend.exec(&plan, target, &f);
	if (status < 0)
		die_failure(&f);
	plan_free(&plan);
	image_defaults_free(&img);
	run_config_free(&cfg);
	saved_options_free(&saved);
	box_close(&box);
	return status;
}

static void print_json(const struct instance *v, size_t n)
{
	fputc('[', stdout);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", {\"box\": " : "{\"box\": ", stdout);
		json_string(stdout, v[i].box);
		printf(", \"init\": %d, \"started\": %lld, \"command\": ", (int)v[i].init,
		       (long long)v[i].started);
		json_string(stdout, v[i].command);
		fputc('}', stdout);
	}
	fputs("]\n", stdout);
}

int cmd_ps(int argc, char **argv)
{
	bool json = false;
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (opt == 'h') {
			help_command("ps");
			exit(0);
		}
		if (opt != 'j')
			die_usage("ps: unknown option '%s'", argv[optind - 1]);
		json = true;
	}
	if (optind < argc)
		die_usage("ps: unexpected argument '%s'", argv[optind]);
	_cleanup_close_ int dir = store_open_instances(false);
	_cleanup_free_ struct instance *v = NULL;
	size_t n = 0;
	if (dir >= 0 && instance_list(dir, NULL, &v, &n) < 0)
		die_errno(errno, "cannot read the instances");
	if (json) {
		print_json(v, n);
		return 0;
	}
	printf("%-20s %8s  %-20s  %s\n", "BOX", "INIT", "STARTED", "COMMAND");
	for (size_t i = 0; i < n; i++) {
		char when[32];
		struct tm tm;
		localtime_r(&v[i].started, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		printf("%-20s %8d  %-20s  %s\n", v[i].box, (int)v[i].init, when, v[i].command);
	}
	return 0;
}
