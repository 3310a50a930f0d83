// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "config.h"
#include "util/log.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "run", cmd_run },	{ "enter", cmd_enter }, { "create", cmd_create },
	{ "list", cmd_list },	{ "rm", cmd_rm },	{ "export", cmd_export },
	{ "fixup", cmd_fixup }, { "info", cmd_info },	{ "doctor", cmd_doctor },
	{ "exec", cmd_exec },	{ "ps", cmd_ps },	{ "config", cmd_config },
	{ "remap", cmd_remap }, { "help", cmd_help },
};

/* nschroot needs no privilege, and running set-id it would hand the
 * caller's privilege to whoever controls its input: refuse outright.
 * AT_SECURE also covers file capabilities. */
static void refuse_setid(void)
{
	if (getauxval(AT_SECURE) || getuid() != geteuid() || getgid() != getegid())
		die("refusing to run set-user-ID, set-group-ID or with file capabilities: "
		    "nschroot needs no privilege");
}

int main(int argc, char **argv)
{
	refuse_setid();

	if (argc < 2)
		die_usage("missing command");
	const char *cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
		help_main();
		return 0;
	}
	if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
		printf("nschroot %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (cmd[0] == '-')
		die_usage("unknown option '%s'", cmd);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd, commands[i].name) == 0) {
			/* help's own usage errors are about nschroot's commands. */
			if (commands[i].fn != cmd_help)
				log_set_command(commands[i].name);
			return commands[i].fn(argc - 1, argv + 1);
		}
	die_usage("unknown command '%s'", cmd);
}
