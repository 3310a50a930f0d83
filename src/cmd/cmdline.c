// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmd/cmdline.h"

#include <stdlib.h>

#include "cmd/commands.h"

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
