/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "run/config.h"
#include "store/boxconf.h"

/* getopt_long's codes of the run options that have no short form; exec
 * takes some of them too. */
enum run_option {
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
	OPT_HOME,
	OPT_X11,
	OPT_WAYLAND,
	OPT_PULSE,
	OPT_GPU,
	OPT_DESKTOP,
	OPT_PUBLISH,
	OPT_RUN_END, /* the first code free for a command's own */
};

/*
 * The run options (RUN-OPTIONS of run and enter), parsed by one parser
 * wherever they come from: the command line, the options a box saved
 * (`nschroot config`), and config's own arguments when it saves them.
 * Options apply in order to one struct run_config: a scalar given twice
 * takes the later value, a list (mounts, environment, capabilities)
 * grows. The strings in cfg point into the argument vector parsed, which
 * must outlive cfg.
 */
struct run_opts_ctx {
	const char *cmd; /* "run", "enter", "config", "exec": names usage errors */
	/* Parsing the options saved in this box: an error names the box and
	 * says how to reset them (exit 125). */
	const char *box;
	/* config: what cannot be saved is refused (--help, --preserve-fd),
	 * and the host paths of --bind, --ro-bind and --ephemeral=DIR are made
	 * absolute in argv itself (its elements replaced). */
	bool saving;
	int end; /* out: the index after the last option (before a "--") */
};

/* The options at the start of argv (argv[0] is not one: a command's or a
 * placeholder name) into cfg; returns the index of the first operand,
 * past a "--" that ends the options. Usage errors end the process. */
int run_options_parse(int argc, char **argv, struct run_config *cfg, struct run_opts_ctx *ctx);

/* What the options say together, checked once all are parsed (a
 * contradiction is a usage error of cmd); preserved descriptors sorted. */
void run_options_check(struct run_config *cfg, const char *cmd);

/* One run option that takes a value or none but no further parsing into a
 * list (-w, --uid, --gid, --keep-env, the modes...), by its getopt code. */
void set_run_value(struct run_config *cfg, int opt);

/* -e NAME[=VALUE] (opt 'e') or --unsetenv NAME (any other opt) added to
 * cfg's environment operations; a usage error ends the process. */
void add_env_op(struct run_config *cfg, int opt, const char *arg);

/* The run options a box saved, as an argument vector for
 * run_options_parse: argv[0] a placeholder, argv[argc] NULL. */
struct saved_options {
	char **argv;
	int argc;
};

/* Those of the box.conf c of box (none: argc 0, argv NULL). A set that
 * cannot be read ends the process (125), naming the box, with the hint
 * to reset it. */
void saved_options_load(const struct box_conf *c, const char *box, struct saved_options *out);

/* The saved options s of box applied to cfg, for cmd (run or enter), as
 * if given first on its command line. */
void saved_options_apply(const struct saved_options *s, const char *box, const char *cmd,
			 struct run_config *cfg);

/* For exec: the saved options that a command joining an instance takes
 * (environment, -w, --uid, --gid) into cfg; the others (mounts, map,
 * namespaces) made the instance, which run set up from the same options. */
void saved_options_for_exec(const struct saved_options *s, const char *box, struct run_config *cfg);

void saved_options_free(struct saved_options *s);
