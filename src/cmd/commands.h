/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Each command takes its own argv (argv[0] is the command's name) and
 * returns nschroot's exit status. */
int cmd_run(int argc, char **argv);
int cmd_enter(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_fixup(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_remap(int argc, char **argv);

/* Usage texts, for --help and `nschroot help COMMAND`. */
void help_main(void);
void help_run(void);
void help_enter(void);
/* 0, or -1 when command has no help. */
int help_command(const char *command);
