// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The proot backend: a run plan carried out by the system's proot, where
 * user namespaces are refused (Android, a container runtime's seccomp
 * profile, a locked-down kernel). proot fakes the root directory, the
 * binds and the ids with ptrace; it is no security boundary, and what it
 * cannot do (read-only mounts, a network or hostname of the box's own,
 * capabilities, subordinate ids) a plan may not ask of it (supports).
 *
 * nschroot starts a watchdog (see there), which starts proot, and proot
 * starts nschroot-guest (guest.c) inside the box, which starts the command
 * and reports its status on a pipe: proot's own exit status is the last
 * process's, and 255 for a signal.
 */
#include "proot/proot.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/arch.h"
#include "base/programs.h"
#include "base/resolve.h"
#include "proot/reap.h"
#include "util/cleanup.h"
#include "run/status.h"
#include "base/remove.h"
#include "util/io.h"
#include "util/log.h"
#include "util/parse.h"

/* Where the guest helper appears inside the box: in the run's own /run,
 * since proot makes a missing bind target in the rootfs, which is the
 * user's tree (/run is bound first, from a directory of the run's, which
 * goes with the run). */
#define GUEST_PATH "/run/.nschroot-guest"

#define PROOT_HINT "install proot (Debian: apt-get install proot), or name it in NSCHROOT_PROOT"

/* A proot command line under construction: every string is owned. Out of
 * memory, it stops growing and says so once complete (args_error). */
struct args {
	char **v;
	size_t n, cap;
	bool out_of_memory;
};

static void add(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct args *a, const char *fmt, ...)
{
	if (a->out_of_memory)
		return;
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		char **v = reallocarray(a->v, cap, sizeof(*v));
		if (!v) {
			a->out_of_memory = true;
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&a->v[a->n], fmt, ap);
	va_end(ap);
	if (r < 0)
		a->out_of_memory = true;
	else
		a->v[++a->n] = NULL;
}

static void args_free(struct args *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
}

/* What one run holds: the temporary directory that stands in for the
 * tmpfs mounts (/run, --tmpfs), one subdirectory each. */
struct proot_run {
	char *tmp;
	unsigned n_tmp;
};

/* A fresh empty directory for a tmpfs at dest: its host path, newly
 * allocated. */
static char *tmpfs_dir(struct proot_run *run, struct failure *f)
{
	if (!run->tmp) {
		const char *base = getenv("TMPDIR");
		if (asprintf(&run->tmp, "%s/nschroot-proot.XXXXXX", base && *base ? base : "/tmp") <
			0 ||
		    !mkdtemp(run->tmp)) {
			fail(f, errno ? errno : ENOMEM, "cannot make a temporary directory");
			free(run->tmp);
			run->tmp = NULL;
			return NULL;
		}
	}
	char *dir;
	if (asprintf(&dir, "%s/%u", run->tmp, run->n_tmp++) < 0) {
		fail(f, ENOMEM, "cannot make a temporary directory");
		return NULL;
	}
	if (mkdir(dir, 0755) < 0) {
		fail(f, errno, "cannot make '%s'", dir);
		free(dir);
		return NULL;
	}
	return dir;
}

/* The run's temporary directory goes, with what the box left in it. */
static void remove_tmp(struct proot_run *run)
{
	if (!run->tmp)
		return;
	char *slash = strrchr(run->tmp, '/');
	*slash = '\0';
	int parent = open(slash == run->tmp ? "/" : run->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct failure unused = { 0 };
	if (parent >= 0) {
		remove_tree_at(parent, slash + 1, &unused);
		close(parent);
	}
	free(run->tmp);
	run->tmp = NULL;
}

/*
 * The mount point of a bind, made in the rootfs where missing, resolved
 * inside it, as the namespace backend makes its own: proot would make a
 * stand-in of its own there (mode 0, left behind when proot is killed).
 * A tree that cannot be written keeps proot's, which live elsewhere; so
 * does a link (ubuntu-base's resolv.conf into /run), which proot follows
 * into the run's own /run.
 */
static void mount_point(int rootfd, const char *dest, bool dir)
{
	int fd = open_in_root(rootfd, dest, O_PATH | O_NOFOLLOW);
	if (fd == -ENOENT)
		fd = dir ? mkdir_in_root(rootfd, dest) : mkfile_in_root(rootfd, dest);
	if (fd >= 0)
		close(fd);
}

/* One step of the plan's mounts as proot's --bind: everything is the
 * host's, bound (/proc, /dev, /sys: proot has no fresh instances), and
 * each tmpfs a fresh directory of this run's. */
static int add_mount(struct args *a, struct proot_run *run, int rootfd, const struct plan_mount *m,
		     struct failure *f)
{
	struct stat st;
	switch (m->kind) {
	case PLAN_RESOLV:
		/* The host has none: nothing to share. */
		if (stat(m->src, &st) < 0)
			return 0;
		mount_point(rootfd, m->dest, false);
		add(a, "--bind=%s:%s", m->src, m->dest);
		return 0;
	case PLAN_PROC:
	case PLAN_DEV:
	case PLAN_SYS:
		mount_point(rootfd, m->dest, true);
		add(a, "--bind=%s", m->dest);
		return 0;
	case PLAN_BIND:
		if (stat(m->src, &st) < 0)
			return fail(f, errno, "cannot open bind source '%s'", m->src);
		mount_point(rootfd, m->dest, S_ISDIR(st.st_mode));
		add(a, "--bind=%s:%s", m->src, m->dest);
		return 0;
	case PLAN_RUN:
	case PLAN_TMPFS: {
		char *dir = tmpfs_dir(run, f);
		if (!dir)
			return -f->err;
		mount_point(rootfd, m->dest, true);
		add(a, "--bind=%s:%s", dir, m->dest);
		free(dir);
		return 0;
	}
	default:
		return fail(f, ENOTSUP, "the proot backend cannot make the mount on '%s'", m->dest);
	}
}

/* The guest helper's options: the command, its environment and directory. */
static void add_guest(struct args *a, const struct run_plan *p, const int fds[2])
{
	add(a, "%s", GUEST_PATH);
	add(a, "--status-fd=%d", fds[0]);
	add(a, "--lifeline-fd=%d", fds[1]);
	if (p->workdir)
		add(a, "--chdir=%s", p->workdir);
	else
		add(a, "--home=%s", p->home);
	if (!p->argv)
		add(a, "--login=%s", p->shell);
	if (p->no_new_privs)
		add(a, "--no-new-privs");
	for (char **e = p->envp; *e; e++)
		add(a, "--env=%s", *e);
	add(a, "--");
	for (size_t i = 0; p->argv && p->argv[i]; i++)
		add(a, "%s", p->argv[i]);
}

/* A box of another architecture runs through QEMU: proot's --qemu, with
 * qemu-user-static's program for it (proot runs the host's programs, the
 * guest helper among them, natively). */
static int add_qemu(struct args *a, const struct run_plan *p, struct failure *f)
{
	_cleanup_close_ int rootfd = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	const char *arch = NULL;
	if (rootfd < 0 || arch_of_rootfs(rootfd, &arch) < 0 || strcmp(arch, arch_host()) == 0)
		return 0; /* this machine's, or unknown: run as it is */
	const char *qemu = arch_qemu_name(arch);
	char name[64];
	snprintf(name, sizeof(name), "qemu-%s-static", qemu ? qemu : arch);
	_cleanup_free_ char *path = qemu ? search_path(name) : NULL;
	if (!path) {
		fail_hint(f, "install qemu-user-static (Debian: apt-get install qemu-user-static)");
		return fail_said(f, ENOENT,
				 "cannot run a box of %s through proot: %s not found in PATH", arch,
				 name);
	}
	add(a, "--qemu=%s", path);
	return 0;
}

/* proot's whole command line. The ids: proot's fake root for root (under
 * which chown and the like succeed, as dpkg needs), --change-id for
 * another --uid/--gid, nothing for the caller's own. */
static int proot_args(struct args *a, const char *proot, const char *guest,
		      const struct run_plan *p, struct proot_run *run, const int fds[2],
		      struct failure *f)
{
	add(a, "%s", proot);
	if (p->uid == 0 && p->gid == 0)
		add(a, "--root-id");
	else if (p->uid != p->host_uid || p->gid != p->host_gid)
		add(a, "--change-id=%u:%u", (unsigned)p->uid, (unsigned)p->gid);
	add(a, "--rootfs=%s", p->rootfs);
	int r = add_qemu(a, p, f);
	if (r < 0)
		return r;
	add(a, "--cwd=/");
	/* proot's own notes ("terminated with signal") off, its errors kept. */
	add(a, "--verbose=-1");
	_cleanup_close_ int rootfd = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return fail(f, errno, "cannot open the rootfs '%s'", p->rootfs);
	for (size_t i = 0; i < p->n_mounts; i++) {
		r = add_mount(a, run, rootfd, &p->mounts[i], f);
		if (r < 0)
			return r;
	}
	add(a, "--bind=%s:%s", guest, GUEST_PATH);
	add_guest(a, p, fds);
	return a->out_of_memory ? fail(f, ENOMEM, "cannot run proot") : 0;
}

/* proot, with the caller's signal mask, and of the caller's descriptors
 * only 0, 1, 2 and those of --preserve-fd (as the namespace backend),
 * beside the two it passes to the guest. */
static _Noreturn void exec_proot(char **argv, const sigset_t *mask, const int pass[2],
				 const struct run_plan *p)
{
	int *keep = calloc(p->n_preserve_fds + 2, sizeof(*keep));
	if (!keep)
		_exit(EXIT_SETUP);
	memcpy(keep, pass, 2 * sizeof(*keep));
	if (p->n_preserve_fds)
		memcpy(keep + 2, p->preserve_fds, p->n_preserve_fds * sizeof(*keep));
	size_t n = p->n_preserve_fds + 2;
	qsort(keep, n, sizeof(*keep), compare_ints);
	close_from_3_except(keep, n);
	for (size_t i = 0; i < n; i++)
		fcntl(keep[i], F_SETFD, 0);
	sigprocmask(SIG_SETMASK, mask, NULL);
	execv(argv[0], argv);
	die_errno(errno, "cannot execute '%s'", argv[0]);
}

/*
 * The box's watchdog: nschroot's child, proot's parent and the reaper of
 * every process below it (PR_SET_CHILD_SUBREAPER), outside proot, never
 * traced. When nschroot dies, even by SIGKILL, its lifeline reads end of
 * file and the watchdog kills the whole box: proot's tracees, which
 * proot's death would only set free (proot asks for no PTRACE_O_EXITKILL),
 * even one stopped in a ptrace stop, and removes the run's directories.
 * Once proot has exited it kills what is left and exits with proot's
 * status.
 */
static _Noreturn void watchdog(char **argv, const sigset_t *mask, const int fds[2],
			       const int others[2], const sigset_t *set, struct proot_run *run,
			       const struct run_plan *plan)
{
	log_exit_immediately();
	/* nschroot's ends: the lifeline's write end must be nschroot's alone. */
	close(others[0]);
	close(others[1]);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		die_errno(errno, "cannot make the box's watchdog a reaper");
	int sfd = signalfd(-1, set, SFD_CLOEXEC);
	if (sfd < 0)
		die_errno(errno, "cannot wait for signals");
	pid_t proot = fork();
	if (proot == 0)
		exec_proot(argv, mask, fds, plan);
	if (proot < 0)
		die_errno(errno, "cannot start proot");
	close(fds[0]);
	for (;;) {
		struct pollfd p[2] = { { .fd = sfd, .events = POLLIN },
				       { .fd = fds[1], .events = POLLIN } };
		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents) {
			/* nschroot is gone: the box, and its /run and tmpfs */
			reap_kill_all();
			remove_tmp(run);
			_exit(EXIT_SETUP);
		}
		/* Signals other than SIGCHLD (the terminal's, to the whole
		 * job) are not the watchdog's to act on. */
		struct signalfd_siginfo si;
		if (read(sfd, &si, sizeof(si)) != (ssize_t)sizeof(si) || si.ssi_signo != SIGCHLD)
			continue;
		int wstatus;
		if (reap_ended(proot, &wstatus)) {
			reap_kill_all();
			_exit(run_exit_status(wstatus));
		}
	}
}

/* A signal that someone sent nschroot goes to the guest, which passes it
 * to the command; one from the terminal reached the command already. */
static void forward(int sfd, pid_t guest)
{
	struct signalfd_siginfo si;
	if (read(sfd, &si, sizeof(si)) != (ssize_t)sizeof(si) || si.ssi_signo == SIGCHLD)
		return;
	if (guest > 0 && (si.ssi_code == SI_USER || si.ssi_code == SI_QUEUE))
		kill(guest, (int)si.ssi_signo);
}

/* Wait for the guest's pid, then its status, passing signals on. 125 when
 * the guest never reported (proot failed, and said why). */
static int wait_for_guest(int status_fd, const sigset_t *set, pid_t watchdog)
{
	int sfd = signalfd(-1, set, SFD_CLOEXEC);
	pid_t guest = -1;
	int status = -1;
	if (sfd >= 0 && read_exact(status_fd, &guest, sizeof(guest)) < 0)
		guest = -1;
	while (sfd >= 0 && guest > 0 && status < 0) {
		struct pollfd p[2] = { { .fd = status_fd, .events = POLLIN },
				       { .fd = sfd, .events = POLLIN } };
		if (poll(p, 2, -1) < 0)
			continue;
		unsigned char byte;
		if (p[0].revents)
			status = read(status_fd, &byte, 1) == 1 ? byte : EXIT_SETUP;
		else if (p[1].revents)
			forward(sfd, guest);
	}
	if (sfd >= 0)
		close(sfd);
	wait_child(watchdog, NULL);
	return status < 0 ? EXIT_SETUP : status;
}

static int start(struct run_plan *p, const char *proot, struct proot_run *run, struct failure *f)
{
	_cleanup_free_ char *guest = own_program("nschroot-guest");
	if (!guest)
		return fail(f, ENOMEM, "cannot find nschroot-guest");
	/* status: the guest writes, nschroot reads. lifeline: the guest
	 * holds the read end, nschroot alone the write end. */
	int status[2], lifeline[2];
	if (pipe2(status, O_CLOEXEC) < 0)
		return fail(f, errno, "cannot make a pipe");
	if (pipe2(lifeline, O_CLOEXEC) < 0) {
		close(status[0]);
		close(status[1]);
		return fail(f, errno, "cannot make a pipe");
	}
	int fds[2] = { status[1], lifeline[0] };
	struct args a = { 0 };
	int r = proot_args(&a, proot, guest, p, run, fds, f);

	/* An ignored SIGCHLD (the caller's) would reap proot unseen. */
	signal(SIGCHLD, SIG_DFL);
	sigset_t set, old;
	run_waited_signals(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	fflush(NULL);
	pid_t pid = r < 0 ? -1 : fork();
	if (pid == 0) {
		int others[2] = { status[0], lifeline[1] };
		watchdog(a.v, &old, fds, others, &set, run, p);
	}
	if (pid < 0 && r == 0)
		r = fail(f, errno, "cannot start proot");
	args_free(&a);
	close(status[1]);
	close(lifeline[0]);
	if (r == 0)
		r = wait_for_guest(status[0], &set, pid);
	close(status[0]);
	close(lifeline[1]);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

static int proot_run(struct run_plan *p, struct failure *f)
{
	_cleanup_free_ char *proot = find_program("NSCHROOT_PROOT", "proot");
	if (!proot) {
		fail_hint(f, "%s", PROOT_HINT);
		return fail_said(f, ENOENT, "cannot run the box through proot: proot not found");
	}
	struct proot_run run = { 0 };
	int r = start(p, proot, &run, f);
	remove_tmp(&run);
	return r;
}

const struct backend proot_backend = {
	.name = "proot",
	/* proot fakes ids and paths; it cannot make a mount read-only, a
	 * network or hostname of the box's own, capabilities or a map of
	 * subordinate ids, nor install nschroot's seccomp fake root. */
	.supports = PLAN_NEEDS_NO_NEW_PRIVS,
	.run = proot_run,
};
