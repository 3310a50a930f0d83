/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <getopt.h>

/* getopt_long as the commands call it, getopt's own messages off (each
 * command words its usage errors), shortopts as given ("+:h": options
 * before the first argument only, ':' for a missing argument): the next
 * option, or -1 after the last. --help (an option of value 'h') prints
 * the help of cmd and exits 0. */
int command_option(int argc, char **argv, const char *shortopts, const struct option *opts,
		   const char *cmd);
