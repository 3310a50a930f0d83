// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The first process of the new namespaces: nschroot's own pid 1.
 *
 * It sets up the file system view, moves into a nested user and mount
 * namespace that locks it, starts the command there and stays behind as
 * its init: it forwards signals, reaps orphans, kills what is left of the
 * box once the command has exited, and reports the command's status.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/caps.h"
#include "base/idmap.h"
#include "sandbox/command.h"
#include "sandbox/init.h"
#include "sandbox/landlock.h"
#include "sandbox/mounts.h"
#include "sandbox/nested.h"
#include "sandbox/pasta.h"
#include "sandbox/net.h"
#include "sandbox/pty.h"
#include "sandbox/seccomp.h"
#include "run/status.h"
#include "util/failure.h"
#include "util/io.h"
#include "util/log.h"

#ifdef __SANITIZE_ADDRESS__
/*
 * LeakSanitizer checks at exit by reading /proc/self/task; in the
 * sandbox's processes /proc is the guest's, or none at all when setup
 * failed half-way (a rootfs whose /proc moves under us), and a sanitized
 * build would turn every such exit into its own fatal error (status 1).
 * The outer process, on the host, keeps the check.
 */
static volatile int in_sandbox;
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void)
{
	return in_sandbox;
}
#endif

/* The guest can read /proc/1/cmdline: it would show nschroot's whole
 * command line (host paths, --bind sources, -e values). Overwritten before
 * the command starts; what the command needs of it is copied first (see
 * copy_command_strings). */
static void hide_command_line(const struct run_plan *p)
{
	if (!p->cmdline || p->cmdline_len < sizeof("init"))
		return;
	memset(p->cmdline, 0, p->cmdline_len);
	memcpy(p->cmdline, "init", sizeof("init"));
}

/* A copy of the strings of nschroot's command line that the command's
 * process uses, argv and -w, in memory that hide_command_line leaves
 * alone. Init keeps it for its lifetime. */
static void copy_command_strings(struct command *c)
{
	const struct run_plan *p = c->plan;
	size_t n = 0;
	while (p->argv && p->argv[n])
		n++;
	char **argv = calloc(n + 1, sizeof(*argv));
	if (!argv)
		die_errno(ENOMEM, "cannot start the command");
	for (size_t i = 0; i < n; i++)
		if (!(argv[i] = strdup(p->argv[i])))
			die_errno(ENOMEM, "cannot start the command");
	if (p->argv)
		c->argv = argv;
	else
		free(argv);
	if (p->workdir && !(c->workdir = strdup(p->workdir)))
		die_errno(ENOMEM, "cannot start the command");
}

/*
 * Init enters the nested namespaces that lock the mounts (nested.c) and
 * installs the seccomp filter, which the command inherits: the filter goes
 * in while CAP_SYS_ADMIN over the namespace is there (no no_new_privs
 * needed, so su and sudo work inside), and the program is freed with
 * init, after the report, rather than at the command's exit.
 *
 * Then init makes itself undumpable: its /proc/1/{environ,exe,fd,cwd,root}
 * become unreachable for the guest, since this process's memory belongs
 * to the host's user namespace (it was forked, never exec'd, in here);
 * and its command line is wiped. Both before the command exists.
 *
 * The command is started with vfork: no copy of init's page tables and no
 * copy-on-write faults on either side, init waiting until the exec.
 */
static pid_t start_command(const struct sandbox *sb, int pty_slave)
{
	const struct run_plan *p = sb->plan;
	struct failure f = { 0 };
	int r = nested_enter(p, &f);
	if (r < 0)
		die_failure(&f);
	if (p->net != NET_HOST && (r = net_loopback_up()) < 0)
		die_errno(r, "cannot bring the loopback interface up");
	/* Before init becomes undumpable: pasta opens its namespaces. */
	if (p->net == NET_PASTA)
		pasta_wait_in_init(sb->net_sock);
	/* Where the kernel has no Landlock scoping, the run goes on without
	 * it (doctor says so). */
	r = landlock_scope_self();
	if (r < 0 && r != -EOPNOTSUPP)
		die_errno(r, "cannot confine the box from the host's abstract sockets");
	r = seccomp_install(p->fakeroot);
	if (r < 0)
		die_errno(r, "cannot install the seccomp filter");

	struct command command = { .plan = p, .sigmask = sb->caller_sigmask };
	copy_command_strings(&command);
	if (p->caps_given && p->uid == 0 && !(command.root_caps = caps_root_sets(p->caps)))
		die("cannot make the command's capability sets");
	hide_command_line(p);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		die_errno(errno, "cannot make nschroot's init undumpable");

	/* posix_spawn cannot set ids, capabilities or no_new_privs;
	 * command_exec keeps to what a vfork child may do (see there). */
	/* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.vfork) */
	pid_t pid = vfork();
	if (pid == 0)
		command_exec(&command, pty_slave); /* NOLINT(clang-analyzer-unix.Vfork) */
	if (pid < 0)
		die_errno(errno, "cannot start the command");
	return pid;
}

/*
 * The command has exited with status: what is left of the box is killed
 * and reaped here (as the kernel would do when init exits, but waiting for
 * it), so that no process of the box outlives the report. __WALL: a child
 * of the command's made with CLONE_PARENT may have any exit signal. Then
 * the status goes to nschroot, which returns it while the kernel tears
 * down the namespaces after init's exit.
 */
static _Noreturn void finish(int status, int status_fd)
{
	/* Every process of the box descends from init, orphans being
	 * reparented here: no child at all means nothing is left to kill. */
	siginfo_t si;
	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT | __WALL) == 0) {
		kill(-1, SIGKILL);
		while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
			;
	}
	unsigned char byte = (unsigned char)status;
	ssize_t n = write(status_fd, &byte, 1); /* fails only once nschroot is gone */
	(void)n;
	_exit(status);
}

/*
 * pid 1 duties: the kernel gives pid 1 no default signal actions, so the
 * signals it is to pass on are blocked and taken with sigwaitinfo. Init
 * and the command have sessions of their own, so each such signal comes
 * from nschroot (or the box), once, and is passed on. Every orphan is
 * reaped; when the command itself exits, the rest of the box goes with it
 * (see finish).
 */
static _Noreturn void init_loop(pid_t command, int status_fd)
{
	finish(run_forward_until_ended(command), status_fd);
}

/* Stop holding the caller's stdin and stdout, and any other descriptor
 * but keep: only the command has a use for them. stderr stays for init's
 * messages. */
static void drop_host_fds(int keep)
{
	close_from_3_except(&keep, 1);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		close(null);
	}
}

/* The box's terminal (pty.c), owned by the command's user: in auto mode
 * another user than root would otherwise not be able to open it again by
 * its name, as su and login do. */
static int open_box_terminal(const struct sandbox *sb, struct failure *f)
{
	const struct run_plan *p = sb->plan;
	unsigned m = p->tty_mask;
	int tty = (m & 1u) ? 0 : (m & 2u) ? 1 : 2;
	uid_t uid = 0;
	gid_t gid = 0;
	if (idmap_subordinate(&p->idmap) && p->uid != 0) {
		uid = p->uid;
		gid = id_map_size(&p->idmap.gid) > 5 ? 5 : p->gid;
	}
	const struct plan_mount *dev = plan_find_mount(p, PLAN_DEV);
	bool console = dev && !(dev->flags & PLAN_HOST);
	int slave = pty_open_for_box(tty, m & 1u, console, uid, gid, sb->pty_sock, f);
	close(sb->pty_sock);
	return slave;
}

/* Die with nschroot, even by SIGKILL. Set once the maps are written, as a
 * change of credentials clears it; then check that nschroot did not die
 * before it was set (its end of the lifeline would be closed). */
static void die_with_parent(int lifeline)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		die_errno(errno, "cannot set the parent-death signal");
	struct pollfd pfd = { .fd = lifeline, .events = POLLIN };
	if (poll(&pfd, 1, 0) != 0)
		_exit(EXIT_SETUP);
	close(lifeline);
}

/* The plan's mounts, with a warning for each optional one skipped. */
static void set_up_mounts(const struct run_plan *p)
{
	struct failure f = { 0 };
	struct mount_skipped skipped = { 0 };
	if (mounts_setup(p, &skipped, &f) < 0)
		die_failure(&f);
	for (size_t i = 0; i < skipped.n; i++) {
		char text[640];
		log_warning("%s", failure_text(&skipped.why[i], text, sizeof(text)));
	}
}

/*
 * In the child of clone, its maps written (userns_clone): in auto mode it
 * is root of the namespace already, keeping the caller's supplementary
 * groups. That change of ids made the kernel mark it undumpable, its /proc
 * files then owned by the host's root, out of reach of the child that
 * writes the nested namespace's maps (nested.c): dumpable again until
 * start_command.
 */
_Noreturn void sandbox_init(const struct sandbox *sb, int lifeline, int status_fd)
{
	const struct run_plan *p = sb->plan;
#ifdef __SANITIZE_ADDRESS__
	in_sandbox = 1;
#endif
	/* Out of the caller's session and process group: nothing in the box
	 * can signal the caller's shell and its jobs with kill(0, ...), nor
	 * take the caller's terminal (pty.c). */
	setsid();
	if (idmap_subordinate(&p->idmap) && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		die_errno(errno, "cannot make nschroot's init dumpable");
	die_with_parent(lifeline);
	set_up_mounts(p);
	if (p->hostname && sethostname(p->hostname, strlen(p->hostname)) < 0)
		die_errno(errno, "cannot set the hostname to '%s'", p->hostname);

	int pty_slave = -1;
	if (p->tty_mask) {
		struct failure f = { 0 };
		pty_slave = open_box_terminal(sb, &f);
		if (pty_slave < 0)
			die_failure(&f);
	}
	pid_t command = start_command(sb, pty_slave);
	if (pty_slave >= 0)
		close(pty_slave);
	drop_host_fds(status_fd);
	init_loop(command, status_fd);
}
