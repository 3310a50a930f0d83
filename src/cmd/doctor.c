// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `nschroot doctor`: what nschroot needs of this machine, checked one line
 * at a time, each OK, WARN or FAIL with the reason. The namespace checks
 * are done, not guessed from sysctls: a child makes the namespaces and
 * mounts, as `run` would. Exit 0 when nschroot can work (root mode at
 * least), 1 otherwise.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cmd/cmdline.h"
#include "cmd/commands.h"
#include "cmd/mapping.h"
#include "cmd/subid-free.h"
#include "sandbox/landlock.h"
#include "base/arch.h"
#include "base/programs.h"
#include "base/userns.h"
#include "store/store.h"
#include "util/cleanup.h"
#include "util/log.h"

/* The oldest kernel with every call nschroot makes: openat2 (5.6),
 * close_range (5.9), mount_setattr (5.12). */
#define KERNEL_MIN_MAJOR 5
#define KERNEL_MIN_MINOR 12

enum verdict { OK, WARN, FAIL };

struct report {
	bool failed;
};

static __attribute__((format(printf, 4, 5))) void line(struct report *rep, enum verdict v,
						       const char *what, const char *fmt, ...)
{
	static const char *const words[] = { "OK", "WARN", "FAIL" };
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	printf("%-4s  %s: %s\n", words[v], what, detail);
	if (v == FAIL)
		rep->failed = true;
}

static void check_kernel(struct report *rep)
{
	struct utsname u;
	int major = 0, minor = 0;
	/* NOLINTNEXTLINE(cert-err34-c): the kernel's release; garbage only fails the check */
	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &major, &minor) != 2) {
		line(rep, WARN, "kernel", "cannot tell the version");
		return;
	}
	bool new_enough =
	    major > KERNEL_MIN_MAJOR || (major == KERNEL_MIN_MAJOR && minor >= KERNEL_MIN_MINOR);
	line(rep, new_enough ? OK : FAIL, "kernel", "%s (%d.%d or later needed)", u.release,
	     KERNEL_MIN_MAJOR, KERNEL_MIN_MINOR);
}

/* A sysctl's value as a number; -1 when it is not there. */
static long sysctl_value(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[32];
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* In a user namespace of one id: a private mount namespace and a tmpfs
 * mounted, as `run` needs; AppArmor's restriction lets the namespace be
 * made but takes its capabilities, which shows here. */
static int try_mounts(void *ctx, void *result, struct failure *f)
{
	if (unshare(CLONE_NEWNS) < 0)
		return fail(f, errno, "cannot make a mount namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail(f, errno, "cannot make the mounts private");
	if (mount("tmpfs", "/tmp", "tmpfs", 0, "mode=0700") < 0)
		return fail(f, errno, "cannot mount a tmpfs");
	return 0;
}

/* Run fn in a user namespace where the caller is root (root mode). */
static int call_as_root(userns_fn fn, struct failure *f)
{
	struct idmap m;
	idmap_single(&m, MAP_ROOT, getuid(), getgid());
	return userns_call(&m, fn, NULL, NULL, 0, f);
}

/* The Seccomp field of /proc/self/status: 2 when a filter is installed. */
static long seccomp_mode(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char l[256];
	long mode = -1;
	while (f && fgets(l, sizeof(l), f))
		if (sscanf(l, "Seccomp: %ld", &mode) == 1) /* NOLINT(cert-err34-c): the kernel's */
			break;
	if (f)
		fclose(f);
	return mode;
}

/* Why a user namespace is refused here, as far as can be told: the sysctls
 * that refuse one, AppArmor's restriction, a seccomp filter (a container
 * runtime's profile), else the error itself. */
static void refusal_reason(const struct failure *f, char *buf, size_t size)
{
	if (sysctl_value("/proc/sys/user/max_user_namespaces") == 0)
		snprintf(buf, size, "user.max_user_namespaces is 0");
	else if (sysctl_value("/proc/sys/kernel/unprivileged_userns_clone") == 0)
		snprintf(buf, size, "kernel.unprivileged_userns_clone is 0");
	else if (sysctl_value("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1)
		snprintf(buf, size,
			 "AppArmor restricts unprivileged user namespaces "
			 "(kernel.apparmor_restrict_unprivileged_userns=1)");
	else if (seccomp_mode() == 2)
		snprintf(buf, size,
			 "a seccomp filter on this process refuses them "
			 "(a container runtime's profile?): %s",
			 strerror(f->err));
	else
		failure_text(f, buf, size);
}

/* Which backend auto mode picks, and why; whether proot is there. */
static void check_backends(struct report *rep, bool userns, const struct failure *why)
{
	_cleanup_free_ char *proot = find_program("NSCHROOT_PROOT", "proot");
	bool nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
	if (proot)
		line(rep, OK, "proot", "%s", proot);
	else
		line(rep, userns ? WARN : FAIL, "proot",
		     "not found: no backend where user namespaces are refused "
		     "(apt-get install proot)");
	if (userns) {
		line(rep, OK, "backend", "auto picks ns: user namespaces work");
		return;
	}
	char reason[400];
	refusal_reason(why, reason, sizeof(reason));
	line(rep, proot ? WARN : FAIL, "backend", "auto picks proot: %s%s", reason,
	     nnp ? "; no_new_privs is set" : "");
}

static bool check_userns(struct report *rep, struct failure *f)
{
	long max = sysctl_value("/proc/sys/user/max_user_namespaces");
	long clone = sysctl_value("/proc/sys/kernel/unprivileged_userns_clone");
	long apparmor = sysctl_value("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
	char settings[192];
	int n = snprintf(settings, sizeof(settings), "user.max_user_namespaces=%ld", max);
	if (clone >= 0 && n > 0 && (size_t)n < sizeof(settings))
		n += snprintf(settings + n, sizeof(settings) - (size_t)n,
			      ", kernel.unprivileged_userns_clone=%ld", clone);
	if (apparmor >= 0 && n > 0 && (size_t)n < sizeof(settings))
		snprintf(settings + n, sizeof(settings) - (size_t)n,
			 ", kernel.apparmor_restrict_unprivileged_userns=%ld", apparmor);

	int r = call_as_root(try_mounts, f);
	/* Refused, they are no failure of nschroot where proot is there:
	 * the backend line says. */
	enum verdict v = userns_refused(r) ? WARN : FAIL;
	if (r == -ENOSPC || r == -EUSERS) {
		line(rep, v, "user namespaces", "refused, the limit is reached (%s)", settings);
		return false;
	}
	if (r < 0) {
		line(rep, v, "user namespaces", "%s: %s (%s)", f->what, strerror(-r), settings);
		return false;
	}
	line(rep, OK, "user namespaces", "made, mapped, mounts work (%s)", settings);
	return true;
}

/* "cap_setuid=ep", as libcap writes it. */
static void file_caps_text(const char *path, char *buf, size_t size)
{
	snprintf(buf, size, "file capabilities");
	cap_t caps = cap_get_file(path);
	char *text = caps ? cap_to_text(caps, NULL) : NULL;
	if (text) {
		snprintf(buf, size, "file capabilities %s", text);
		cap_free(text);
	}
	if (caps)
		cap_free(caps);
}

static bool check_helper(struct report *rep, const char *name)
{
	_cleanup_free_ char *path = search_path(name);
	if (!path) {
		line(rep, WARN, name, "not found: no auto mode (apt-get install uidmap)");
		return false;
	}
	struct stat st;
	if (stat(path, &st) == 0 && (st.st_mode & S_ISUID) && st.st_uid == 0) {
		line(rep, OK, name, "%s, set-user-id root", path);
		return true;
	}
	if (idmap_helper_usable(path)) {
		char caps[128];
		file_caps_text(path, caps, sizeof(caps));
		line(rep, OK, name, "%s, %s", path, caps);
		return true;
	}
	line(rep, WARN, name,
	     "%s is neither set-user-id root nor has file capabilities: no auto "
	     "mode",
	     path);
	return false;
}

static void print_ranges(char *buf, size_t size, const struct subid_ranges *s)
{
	if (subid_format(s, buf, size) < 0 || !*buf)
		snprintf(buf, size, "none");
}

static bool check_ranges(struct report *rep, const struct subids *s)
{
	char u[SUBID_MAX_RANGES * 24], g[SUBID_MAX_RANGES * 24];
	print_ranges(u, sizeof(u), &s->uids);
	print_ranges(g, sizeof(g), &s->gids);
	const char *user = s->user[0] ? s->user : "(no passwd entry)";
	if (s->uids.n && s->gids.n) {
		line(rep, OK, "subordinate ids", "%s: uids %s (%u), gids %s (%u)", user, u,
		     (unsigned)s->uids.total, g, (unsigned)s->gids.total);
		return true;
	}
	line(rep, WARN, "subordinate ids", "%s: uids %s, gids %s: no auto mode", user, u, g);
	return false;
}

static bool check_auto(struct report *rep, const struct subids *s)
{
	struct idmap m;
	idmap_auto(&m, getuid(), getgid(), &s->uids, &s->gids, false);
	struct failure f = { 0 };
	int r = mapping_try(&m, &f);
	if (r < 0) {
		line(rep, WARN, "auto mode", "%s", failure_text(&f, (char[640]){ 0 }, 640));
		return false;
	}
	line(rep, OK, "auto mode", "newuidmap and newgidmap mapped %u uids and %u gids",
	     (unsigned)id_map_size(&m.uid), (unsigned)id_map_size(&m.gid));
	return true;
}

/*
 * Root mode maps one id, and its fake-root filter makes every set*id call
 * succeed without doing anything (DESIGN.md, "Fake root in root mode"):
 * whatever switches users goes on as root and nothing says so. The fix is
 * the one auto mode needs; the range offered is one nobody has yet.
 */
static void check_root_mode(struct report *rep, const struct subids *s, bool helpers, bool ranges)
{
	line(rep, WARN, "root mode",
	     "su, set-id programs and services that switch users (sudo, "
	     "PostgreSQL's initdb) stay root without a word: their set*id "
	     "calls are made no-ops");
	if (!ranges) {
		char cmd[160];
		subid_usermod_command(cmd, sizeof(cmd), s->user);
		printf("      hint: auto mode fixes it, with a subordinate range; an administrator "
		       "can\n"
		       "      add one that is free in %s and %s:\n"
		       "      %s\n",
		       subid_uid_file(), subid_gid_file(), cmd);
	}
	if (!helpers)
		printf("      hint: auto mode fixes it, with newuidmap and newgidmap: "
		       "apt-get install uidmap\n");
}

/* An overlay of a lower and an upper directory on a tmpfs, in a user
 * namespace (5.11+), with userxattr, as run --ephemeral mounts it. */
static int try_overlay(void *ctx, void *result, struct failure *f)
{
	int r = try_mounts(ctx, result, f);
	if (r < 0)
		return r;
	const char *dirs[] = { "/tmp/l", "/tmp/u", "/tmp/w", "/tmp/m" };
	for (size_t i = 0; i < 4; i++)
		if (mkdir(dirs[i], 0700) < 0)
			return fail(f, errno, "cannot make '%s'", dirs[i]);
	if (mount("overlay", "/tmp/m", "overlay", 0,
		  "lowerdir=/tmp/l,upperdir=/tmp/u,workdir=/tmp/w,userxattr") < 0)
		return fail(f, errno, "cannot mount an overlay");
	return 0;
}

static void check_overlay(struct report *rep)
{
	struct failure f = { 0 };
	int r = call_as_root(try_overlay, &f);
	if (r < 0)
		line(rep, WARN, "overlayfs",
		     "%s in a user namespace: %s: run --ephemeral needs it (Linux 5.11 or later)",
		     f.what, strerror(-r));
	else
		line(rep, OK, "overlayfs", "mounts in a user namespace: run --ephemeral works");
}

static void check_seccomp(struct report *rep)
{
	unsigned action = SECCOMP_RET_ERRNO;
	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) < 0)
		line(rep, FAIL, "seccomp", "filters unavailable: %s (TIOCSTI cannot be blocked)",
		     strerror(errno));
	else
		line(rep, OK, "seccomp", "filters available");
}

/* A build choice (meson -Disal), said so that a slow import is explained. */
static void check_gzip(struct report *rep)
{
	if (HAVE_ISAL)
		line(rep, OK, "gzip", "ISA-L inflates and deflates in create and export");
	else
		line(rep, WARN, "gzip",
		     "built without libisal: zlib inflates and deflates, several times slower "
		     "(rebuild with libisal-dev installed)");
}

static void check_landlock(struct report *rep)
{
	static const char without[] = "runs go on without it, and a guest with the host network "
				      "reaches the host's abstract sockets (X11, D-Bus)";
	int abi = landlock_abi();
	if (abi >= LANDLOCK_ABI_SCOPE)
		line(rep, OK, "landlock",
		     "ABI %d: abstract UNIX sockets and signals are scoped: runs "
		     "keep the guest from the host's abstract sockets (X11, D-Bus)",
		     abi);
	else if (abi > 0)
		line(rep, WARN, "landlock",
		     "ABI %d, scoping abstract sockets and signals needs %d: %s", abi,
		     LANDLOCK_ABI_SCOPE, without);
	else
		line(rep, WARN, "landlock", "not in this kernel, or disabled at boot: %s", without);
}

/* --net=pasta: pasta, and the tun device it opens as the caller. */
static void check_pasta(struct report *rep)
{
	_cleanup_free_ char *pasta = find_program("NSCHROOT_PASTA", "pasta");
	if (pasta)
		line(rep, OK, "pasta", "%s", pasta);
	else
		line(rep, WARN, "pasta", "not found: no --net=pasta (apt-get install passt)");
	struct stat st;
	if (stat("/dev/net/tun", &st) < 0)
		line(rep, WARN, "/dev/net/tun", "%s: no --net=pasta", strerror(errno));
	else if (access("/dev/net/tun", R_OK | W_OK) < 0)
		line(rep, WARN, "/dev/net/tun",
		     "mode %04o: pasta cannot open it as you, no --net=pasta "
		     "(udev makes it 0666)",
		     (unsigned)(st.st_mode & 07777));
	else
		line(rep, OK, "/dev/net/tun", "mode %04o", (unsigned)(st.st_mode & 07777));
}

/*
 * Unprivileged ICMP echo (ping's datagram socket) is allowed to the groups
 * in net.ipv4.ping_group_range of the socket's network namespace. With
 * the host network the guest's gid is the caller's (root inside is the
 * caller outside), so the host's range decides. The file shows the range
 * as this user namespace sees it, as getgid() does.
 */
static void check_ping(struct report *rep)
{
	static const char path[] = "/proc/sys/net/ipv4/ping_group_range";
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[64];
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	unsigned low, high;
	if (n > 0)
		buf[n] = '\0';
	/* NOLINTNEXTLINE(cert-err34-c): the kernel's two numbers; garbage only fails the check */
	if (n <= 0 || sscanf(buf, "%u %u", &low, &high) != 2) {
		line(rep, WARN, "ping", "cannot read %s: %s", path,
		     n < 0 ? strerror(errno) : "not two numbers");
		return;
	}
	unsigned gid = (unsigned)getgid();
	if (low <= gid && gid <= high) {
		line(rep, OK, "ping",
		     "net.ipv4.ping_group_range=%u %u holds your gid %u: ping works "
		     "in a box with the host network (the default)",
		     low, high, gid);
		return;
	}
	line(rep, WARN, "ping",
	     "net.ipv4.ping_group_range=%u %u does not hold your gid %u: ping "
	     "fails in a box with the host network (the default)",
	     low, high, gid);
	printf("      hint: with --net=none root inside has a network namespace of its own,\n"
	       "      where ping works; an administrator can allow it to every group:\n"
	       "      sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"\n");
}

/* The architecture an enabled binfmt_misc registration (a file of
 * /proc/sys/fs/binfmt_misc) runs, or NULL. */
static const char *binfmt_arch(int dir, const char *name)
{
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "re");
	if (!f) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	char l[512];
	const char *arch = NULL;
	bool enabled = false;
	while (fgets(l, sizeof(l), f)) {
		if (strcmp(l, "enabled\n") == 0)
			enabled = true;
		else if (strncmp(l, "magic ", 6) == 0)
			arch = arch_of_binfmt_magic(l + 6);
	}
	fclose(f);
	return enabled ? arch : NULL;
}

/* The foreign architectures this machine runs: binfmt_misc's handlers for
 * ELF programs (qemu-user-static's, through binfmt-support). */
static void check_foreign(struct report *rep)
{
	static const char hint[] = "apt-get install qemu-user-static binfmt-support";
	DIR *d = opendir("/proc/sys/fs/binfmt_misc");
	if (!d) {
		line(rep, WARN, "foreign architectures",
		     "binfmt_misc is not mounted: none runs (%s)", hint);
		return;
	}
	char list[512] = "";
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *arch = binfmt_arch(dirfd(d), e->d_name);
		if (!arch || strcmp(arch, arch_host()) == 0 || strstr(list, arch))
			continue;
		n += (size_t)snprintf(list + n, n < sizeof(list) ? sizeof(list) - n : 0, "%s%s",
				      n ? ", " : "", arch);
	}
	closedir(d);
	if (n)
		line(rep, OK, "foreign architectures", "%s (binfmt_misc)", list);
	else
		line(rep, WARN, "foreign architectures",
		     "none registered in binfmt_misc: boxes of another architecture "
		     "cannot run (%s)",
		     hint);
}

static void check_store(struct report *rep)
{
	_cleanup_free_ char *path = store_path();
	if (!path) {
		line(rep, FAIL, "store", "no path: set HOME, XDG_DATA_HOME or NSCHROOT_HOME");
		return;
	}
	struct stat st;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			line(rep, OK, "store", "%s (made by the first create)", path);
		else
			line(rep, FAIL, "store", "%s: %s", path, strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode))
		line(rep, FAIL, "store", "%s is not a directory", path);
	else if (st.st_uid != getuid())
		line(rep, FAIL, "store", "%s belongs to uid %u, not to you", path,
		     (unsigned)st.st_uid);
	else if (st.st_mode & 077)
		line(rep, WARN, "store",
		     "%s is mode %04o: other users can reach the boxes "
		     "(chmod 700)",
		     path, (unsigned)(st.st_mode & 07777));
	else
		line(rep, OK, "store", "%s, mode %04o", path, (unsigned)(st.st_mode & 07777));
}

int cmd_doctor(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	int opt;
	while ((opt = command_option(argc, argv, "+:h", opts, "doctor")) != -1)
		die_usage("doctor: unknown option '%s'", argv[optind - 1]);
	if (optind < argc)
		die_usage("doctor: unexpected argument '%s'", argv[optind]);

	struct report rep = { 0 };
	check_kernel(&rep);
	struct failure why = { 0 };
	bool userns = check_userns(&rep, &why);
	check_backends(&rep, userns, &why);
	bool helpers = check_helper(&rep, "newuidmap");
	helpers = check_helper(&rep, "newgidmap") && helpers;
	struct subids s;
	mapping_lookup(&s);
	bool ranges = check_ranges(&rep, &s);
	bool auto_works = false;
	if (s.no_new_privs)
		line(&rep, WARN, "auto mode",
		     "unavailable: no_new_privs is set on this process, "
		     "so set-id helpers cannot work");
	else if (helpers && ranges)
		auto_works = check_auto(&rep, &s);
	else
		line(&rep, WARN, "auto mode", "unavailable: boxes are created in root mode");
	if (!auto_works)
		check_root_mode(&rep, &s, helpers, ranges);
	check_overlay(&rep);
	check_seccomp(&rep);
	check_landlock(&rep);
	check_ping(&rep);
	check_pasta(&rep);
	check_foreign(&rep);
	check_gzip(&rep);
	check_store(&rep);
	fflush(stdout);
	return rep.failed ? 1 : 0;
}
