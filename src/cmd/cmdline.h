/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <getopt.h>
#include <stdnoreturn.h>

/* getopt_long as the commands call it, getopt's own messages off (each
 * command words its usage errors), shortopts as given ("+:h": options
 * before the first argument only, ':' for a missing argument): the next
 * option, or -1 after the last. --help (an option of value 'h') prints
 * the help of cmd and exits 0. */
int command_option(int argc, char **argv, const char *shortopts, const struct option *opts,
		   const char *cmd);

/* --progress, an option of create and export alike. */
enum { OPT_PROGRESS = 0x200 };
#define OPTION_PROGRESS                                                                            \
	{                                                                                          \
		"progress", required_argument, NULL, OPT_PROGRESS                                  \
	}

/* command_option for create and export, "+:h" (create: ":h", its
 * options anywhere, as in `create NEW --from BOX`): --progress (into
 * *progress) and the usage errors of cmd are taken here; the next of cmd's
 * own options is returned, or -1 after the last. */
int archive_command_option(int argc, char **argv, const struct option *opts, const char *cmd,
			   const char **progress);

/* --progress=WHEN: auto, always or never; a usage error otherwise. */
const char *check_progress_arg(const char *arg);

/* A usage error, with the rule, unless name is a valid box name. */
void check_box_name(const char *name);

/* The usage error of command cmd for the option argv[optind - 1], which
 * getopt_long (optstring starting "+:") answered with opt: ':' when its
 * argument is missing, else unknown. */
noreturn void die_bad_option(const char *cmd, int opt, char *const argv[]);

/* The two operands that follow cmd's options, NAME and another called what
 * in the usage error ("SOURCE", "FILE"); a usage error unless there are two
 * and NAME is a valid box name. */
void take_box_operands(int argc, char *const argv[], const char *cmd, const char *what,
		       const char **name, const char **other);
