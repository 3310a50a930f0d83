// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmd/cmdline.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "util/log.h"
#include "util/parse.h"

int command_option(int argc, char **argv, const char *shortopts, const struct option *opts,
		   const char *cmd)
{
	opterr = 0;
	int opt = getopt_long(argc, argv, shortopts, opts, NULL);
	if (opt == 'h') {
		help_command(cmd);
		exit(0);
	}
	return opt;
}

const char *check_progress_arg(const char *arg)
{
	int when;
	if (name_to_value(progress_names, arg, &when) < 0)
		die_usage("invalid --progress '%s': expected auto, always or never", arg);
	return arg;
}

void check_box_name(const char *name)
{
	if (!box_name_valid(name))
		die_usage("invalid box name '%s': a name is 1 to 64 of [A-Za-z0-9._-], "
			  "starting with a letter or digit",
			  name);
}

noreturn void die_bad_option(const char *cmd, int opt, char *const argv[])
{
	if (opt == ':')
		die_usage("%s: option '%s' needs an argument", cmd, argv[optind - 1]);
	die_usage("%s: unknown option '%s'", cmd, argv[optind - 1]);
}

/* cppcheck-suppress constParameter ; argv is main's, of type char ** */
void take_box_operands(int argc, char *const argv[], const char *cmd, const char *what,
		       const char **name, const char **other)
{
	if (argc - optind < 2)
		die_usage("%s: expected NAME and %s", cmd, what);
	if (argc - optind > 2)
		die_usage("%s: too many arguments", cmd);
	*name = argv[optind];
	*other = argv[optind + 1];
	check_box_name(*name);
}

int archive_command_option(int argc, char **argv, const struct option *opts, const char *cmd,
			   const char **progress)
{
	/* create NEW --from BOX, remap BOX --map=M: their options may follow
	 * their operands. */
	bool anywhere = strcmp(cmd, "create") == 0 || strcmp(cmd, "remap") == 0;
	const char *shortopts = anywhere ? ":h" : "+:h";
	int opt;
	while ((opt = command_option(argc, argv, shortopts, opts, cmd)) == OPT_PROGRESS)
		*progress = check_progress_arg(optarg);
	if (opt == ':' || opt == '?')
		die_bad_option(cmd, opt, argv);
	return opt;
}
