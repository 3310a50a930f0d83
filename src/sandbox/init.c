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
#include "sandbox/landlock.h"
#include "sandbox/mounts.h"
#include "sandbox/nested.h"
#include "sandbox/net.h"
#include "sandbox/pty.h"
#include "base/resolve.h"
#include "sandbox/sandbox.h"
#include "sandbox/seccomp.h"
#include "base/userns.h"
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

/* Close every descriptor from 3 up but those in keep, sorted (at parse
 * time: the command's process is a vfork child, which leaves the memory it
 * shares with init as it is). */
static void close_from_3_except(const int *keep, size_t n)
{
	int next = 3;
	for (size_t i = 0; i < n; i++) {
		if (keep[i] > next)
			close_range((unsigned)next, (unsigned)keep[i] - 1, 0);
		if (keep[i] >= next)
			next = keep[i] + 1;
	}
	closefrom(next);
}

/* Close every descriptor but 0, 1, 2 and those named by --preserve-fd, so
 * that no host file reaches the command by accident. */
static void close_all_but(const struct run_config *cfg)
{
	close_from_3_except(cfg->preserve_fds, cfg->n_preserve_fds);
	for (size_t i = 0; i < cfg->n_preserve_fds; i++) {
		int fl = fcntl(cfg->preserve_fds[i], F_GETFD);
		if (fl >= 0)
			fcntl(cfg->preserve_fds[i], F_SETFD, fl & ~FD_CLOEXEC);
	}
}

static _Noreturn void exec_failed(const char *what, int err)
{
	log_error("cannot execute '%s': %s", what, strerror(err));
	_exit(err == ENOENT || err == ENOTDIR ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

static _Noreturn void exec_login_shell(const struct sandbox *sb)
{
	const char *shells[] = { sb->exec_path, "/bin/sh" };
	int err = ENOENT;
	for (size_t i = 0; i < 2; i++) {
		if (i == 1 && strcmp(shells[0], shells[1]) == 0)
			break;
		char argv0[256];
		const char *slash = strrchr(shells[i], '/');
		snprintf(argv0, sizeof(argv0), "-%s", slash ? slash + 1 : shells[i]);
		char *argv[] = { argv0, NULL };
		execve(shells[i], argv, sb->envp);
		err = errno;
		if (err != ENOENT)
			break;
	}
	exec_failed(sb->exec_path, err);
}

/* The working directory, resolved inside the root like every path that
 * comes from the rootfs or the command line: no magic link, no way out.
 * -w must be entered; HOME may not be (a tree extracted by the host's
 * root has a /root that only the unmapped owner can enter): "/" then. */
static void enter_workdir(const struct sandbox *sb)
{
	const char *dir = sb->workdir ? sb->workdir : sb->home;
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		die_errno(errno, "cannot open '/'");
	int fd = open_in_root(root, dir, O_PATH | O_DIRECTORY);
	int r = fd < 0 ? fd : fchdir(fd) < 0 ? -errno : 0;
	if (r < 0 && sb->workdir)
		die_errno(r, "cannot change directory to '%s'", dir);
	if (r < 0 && fchdir(root) < 0)
		die_errno(errno, "cannot change directory to '/'");
	if (fd >= 0)
		close(fd);
	close(root);
}

/* In auto mode the command's ids are real ids of the namespace, taken on
 * with set*id as su would (which drops every capability unless the
 * command runs as root). Root inside is the caller and keeps the caller's
 * supplementary groups, so that a file that denies one of them access
 * denies the box too; another user of the box has its own group only. */
static void become_user(const struct sandbox *sb)
{
	if (sb->map != MAP_AUTO || (sb->uid == 0 && sb->gid == 0))
		return;
	gid_t gid = sb->gid;
	if (setgroups(1, &gid) < 0)
		die_errno(errno, "cannot set the supplementary groups");
	if (setresgid(sb->gid, sb->gid, sb->gid) < 0)
		die_errno(errno, "cannot change to group %u", (unsigned)sb->gid);
	if (setresuid(sb->uid, sb->uid, sb->uid) < 0)
		die_errno(errno, "cannot change to user %u", (unsigned)sb->uid);
}

/*
 * The command's process, vforked by init: it shares init's memory, init
 * waiting, until it execs. So it only makes system calls on its own task
 * (its descriptors, credentials, signal mask, working directory), never
 * returns, and leaves by exec or _exit (log_exit_immediately is in force).
 * The seccomp filter is init's, inherited. The working directory is
 * entered as the command's user, as su would.
 */
static _Noreturn void exec_command(const struct sandbox *sb, int pty_slave)
{
	if (sigprocmask(SIG_SETMASK, &sb->caller_sigmask, NULL) < 0)
		die_errno(errno, "cannot restore the signal mask");

	/* A session of its own, with the box's terminal as its controlling
	 * terminal where the caller had one (pty.c). */
	int r = pty_attach(pty_slave, sb->tty_mask);
	if (r < 0)
		die_errno(r, "cannot give the command a session and terminal of its own");

	/* Descriptors first: a HOME of /proc/self/fd/N in a hostile passwd
	 * would otherwise put the command's cwd on a host directory. */
	close_all_but(sb->cfg);

	/* The bounding set while CAP_SETPCAP is still there; a root command's
	 * own sets once it has its ids (setgroups may need CAP_SETGID). */
	if (sb->caps_given && (r = caps_limit_bounding(sb->caps)) < 0)
		die_errno(r, "cannot limit the capability bounding set");
	become_user(sb);
	if (sb->root_caps && (r = caps_set_root(sb->root_caps)) < 0)
		die_errno(r, "cannot set the command's capabilities");
	if (sb->cfg->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno(errno, "cannot set no_new_privs");
	enter_workdir(sb);

	if (!sb->argv)
		exec_login_shell(sb);
	/* execvp searches the PATH of environ: the inside one. (init's
	 * environ too, in shared memory: init has no use for it.) */
	environ = sb->envp;
	execvp(sb->argv[0], sb->argv);
	exec_failed(sb->argv[0], errno);
}

/* The guest can read /proc/1/cmdline: it would show nschroot's whole
 * command line (host paths, --bind sources, -e values). Overwritten before
 * the command starts; what the command needs of it is copied first (see
 * copy_command_strings). */
static void hide_command_line(const struct sandbox *sb)
{
	if (!sb->cmdline || sb->cmdline_len < sizeof("init"))
		return;
	memset(sb->cmdline, 0, sb->cmdline_len);
	memcpy(sb->cmdline, "init", sizeof("init"));
}

/* A copy of the strings of nschroot's command line that the command's
 * process uses, argv and -w, in memory that hide_command_line leaves
 * alone. Init keeps it for its lifetime. */
static void copy_command_strings(struct sandbox *sb)
{
	size_t n = 0;
	while (sb->argv && sb->argv[n])
		n++;
	char **argv = calloc(n + 1, sizeof(*argv));
	if (!argv)
		die_errno(ENOMEM, "cannot start the command");
	for (size_t i = 0; i < n; i++)
		if (!(argv[i] = strdup(sb->argv[i])))
			die_errno(ENOMEM, "cannot start the command");
	if (sb->argv)
		sb->argv = argv;
	else
		free(argv);
	if (sb->workdir && !(sb->workdir = strdup(sb->workdir)))
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
	struct failure f = { 0 };
	int r = nested_enter(sb, &f);
	if (r < 0)
		die_failure(&f);
	if (sb->cfg->net == NET_NONE && (r = net_loopback_up()) < 0)
		die_errno(r, "cannot bring the loopback interface up");
	/* Where the kernel has no Landlock scoping, the run goes on without
	 * it (doctor says so). */
	r = landlock_scope_self();
	if (r < 0 && r != -EOPNOTSUPP)
		die_errno(r, "cannot confine the box from the host's abstract sockets");
	r = seccomp_install(sb->fakeroot);
	if (r < 0)
		die_errno(r, "cannot install the seccomp filter");

	struct sandbox command = *sb;
	copy_command_strings(&command);
	if (sb->caps_given && sb->uid == 0 && !(command.root_caps = caps_root_sets(sb->caps)))
		die("cannot make the command's capability sets");
	hide_command_line(sb);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		die_errno(errno, "cannot make nschroot's init undumpable");

	/* posix_spawn cannot set ids, capabilities or no_new_privs;
	 * exec_command keeps to what a vfork child may do (see there). */
	/* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.vfork) */
	pid_t pid = vfork();
	if (pid == 0)
		exec_command(&command, pty_slave); /* NOLINT(clang-analyzer-unix.Vfork) */
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
	sigset_t set;
	sandbox_waited_signals(&set);

	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(command, sig);
			continue;
		}
		int wstatus;
		pid_t pid;
		while ((pid = waitpid(-1, &wstatus, WNOHANG | __WALL)) > 0)
			if (pid == command)
				finish(sandbox_exit_status(wstatus), status_fd);
	}
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

/* Auto mode: nschroot runs newuidmap and newgidmap on us from outside and
 * then writes one byte to the lifeline; EOF means it failed, and said why.
 * Then we become the namespace's root, keeping the caller's supplementary
 * groups (see userns_become_root). That change
 * of ids makes the kernel mark us undumpable, our /proc files then owned
 * by the host's root, out of reach of the child that writes the nested
 * namespace's maps (nested.c): dumpable again until start_command. */
static int wait_for_auto_map(int lifeline)
{
	if (read_one_byte(lifeline) != 1)
		_exit(EXIT_SETUP);
	int r = userns_become_root(true);
	if (r == 0 && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		r = -errno;
	return r;
}

/* The box's terminal (pty.c), owned by the command's user: in auto mode
 * another user than root would otherwise not be able to open it again by
 * its name, as su and login do. */
static int open_box_terminal(const struct sandbox *sb, struct failure *f)
{
	unsigned m = sb->tty_mask;
	int tty = (m & 1u) ? 0 : (m & 2u) ? 1 : 2;
	uid_t uid = 0;
	gid_t gid = 0;
	if (sb->map == MAP_AUTO && sb->uid != 0) {
		uid = sb->uid;
		gid = id_map_size(&sb->idmap->gid) > 5 ? 5 : sb->gid;
	}
	int slave =
	    pty_open_for_box(tty, m & 1u, sb->cfg->dev == DEV_MINIMAL, uid, gid, sb->pty_sock, f);
	close(sb->pty_sock);
	return slave;
}

_Noreturn void sandbox_init(const struct sandbox *sb, int lifeline, int status_fd)
{
#ifdef __SANITIZE_ADDRESS__
	in_sandbox = 1;
#endif
	log_exit_immediately();
	/* Out of the caller's session and process group: nothing in the box
	 * can signal the caller's shell and its jobs with kill(0, ...), nor
	 * take the caller's terminal (pty.c). */
	setsid();
	/*
	 * Map this namespace: root mode makes the caller root inside, user
	 * mode keeps the caller's own ids. Written by this process for itself,
	 * which the kernel allows unprivileged for a single id mapped to the
	 * writer's own, once setgroups is denied. Auto mode is mapped from
	 * outside (spawn.c).
	 */
	uid_t uid = sb->map == MAP_USER ? sb->host_uid : 0;
	gid_t gid = sb->map == MAP_USER ? sb->host_gid : 0;
	int r = 0;
	if (sb->map == MAP_AUTO)
		r = wait_for_auto_map(lifeline);
	else
		r = idmap_write_single(0, uid, sb->host_uid, gid, sb->host_gid, true);
	if (r < 0) {
		log_error("cannot write the user namespace's id maps: %s", strerror(-r));
		log_hint("%s", USERNS_HINT);
		_exit(EXIT_SETUP);
	}

	/* Die with nschroot, even by SIGKILL. Set after the maps, as a change
	 * of credentials clears it; then check that nschroot did not die
	 * before it was set (its end of the lifeline would be closed). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		die_errno(errno, "cannot set the parent-death signal");
	struct pollfd pfd = { .fd = lifeline, .events = POLLIN };
	if (poll(&pfd, 1, 0) != 0)
		_exit(EXIT_SETUP);
	close(lifeline);

	struct failure f = { 0 };
	r = mounts_setup(sb, &f);
	if (r < 0)
		die_failure(&f);

	if (sb->hostname && sethostname(sb->hostname, strlen(sb->hostname)) < 0)
		die_errno(errno, "cannot set the hostname to '%s'", sb->hostname);

	int pty_slave = -1;
	if (sb->tty_mask) {
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
