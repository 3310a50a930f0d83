/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The last step of every backend's command process, inside the box; a
 * failure is said and ends the process with 127 (not found) or 126 (DESIGN.md,
 * "Exit status"). Only system calls on the calling task: a vfork child may
 * call them, with log_exit_immediately in force. */

/* execvp with envp as the environment and its PATH for the search
 * (environ is set to envp). */
_Noreturn void exec_command_argv(char *const argv[], char *const envp[]);

/* The login shell: shell with argv[0] "-NAME", else /bin/sh where shell is
 * not there. */
_Noreturn void exec_login_shell(const char *shell, char *const envp[]);
