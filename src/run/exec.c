// SPDX-License-Identifier: GPL-2.0-or-later
#include "run/exec.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

static _Noreturn void exec_failed(const char *what, int err)
{
	log_error("cannot execute '%s': %s", what, strerror(err));
	/* The usual cause: a box of another architecture, and no binfmt_misc
	 * handler for it. */
	if (err == ENOEXEC)
		log_hint(
		    "a program of another architecture runs through QEMU, which the kernel\n"
		    "starts through binfmt_misc: apt-get install qemu-user-static binfmt-support\n"
		    "('nschroot doctor' lists the architectures this machine runs)");
	_exit(err == ENOENT || err == ENOTDIR ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

_Noreturn void exec_command_argv(char *const argv[], char *const envp[])
{
	/* execvp searches the PATH of environ (so does glibc's execvpe): the
	 * inside one. In a vfork child, environ is the parent's too, which has
	 * no use for it any more. */
	environ = (char **)envp;
	execvp(argv[0], argv);
	exec_failed(argv[0], errno);
}

_Noreturn void exec_login_shell(const char *shell, char *const envp[])
{
	const char *shells[] = { shell, "/bin/sh" };
	int err = ENOENT;
	for (size_t i = 0; i < 2; i++) {
		if (i == 1 && strcmp(shells[0], shells[1]) == 0)
			break;
		char argv0[256];
		const char *slash = strrchr(shells[i], '/');
		snprintf(argv0, sizeof(argv0), "-%s", slash ? slash + 1 : shells[i]);
		char *argv[] = { argv0, NULL };
		execve(shells[i], argv, envp);
		err = errno;
		if (err != ENOENT)
			break;
	}
	exec_failed(shell, err);
}
