// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `nschroot export NAME FILE|-`: the box's tree as a tar archive, with the
 * ids seen inside the box, so that `create` elsewhere, `docker import` and
 * `podman import` all take it.
 *
 * nschroot-archive writes it, confined to the rootfs as for extraction,
 * under the box's exclusive lock (nothing runs in it meanwhile). A FILE is
 * written to an unnamed temporary file in its directory, synced and given
 * FILE's name only when complete: any failure or signal, SIGKILL included,
 * leaves no file behind and an existing FILE untouched. Where the file
 * system has no unnamed files, a named one beside FILE is used, removed on
 * failure and on SIGINT/SIGTERM/SIGHUP. A FILE that exists and is not
 * a regular file (a FIFO, a device) is written to directly, as is standard
 * output for '-'.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cmdline.h"
#include "cmd/commands.h"
#include "cmd/helper.h"
#include "cmd/mapping.h"
#include "base/userns.h"
#include "store/store.h"
#include "util/cleanup.h"
#include "util/io.h"
#include "util/log.h"
#include "util/parse.h"

struct export_opts {
	const char *compress;
	const char *progress;
	const char *name;
	const char *file;
};

static void parse_export(int argc, char **argv, struct export_opts *o)
{
	enum { OPT_COMPRESS = CHAR_MAX + 1 };
	static const struct option opts[] = {
		{ "compress", required_argument, NULL, OPT_COMPRESS },
		OPTION_PROGRESS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	*o = (struct export_opts){ .compress = "gzip", .progress = "auto" };
	int compression;
	/* --compress is the one option left to this loop. */
	while (archive_command_option(argc, argv, opts, "export", &o->progress) != -1) {
		if (name_to_value(compression_names, optarg, &compression) < 0)
			die_usage("invalid --compress '%s': expected gzip, xz, zstd or none",
				  optarg);
		o->compress = optarg;
	}
	take_box_operands(argc, argv, "export", "FILE", &o->name, &o->file);
}

/* Where the archive goes: fd; for a FILE, path (to put it at) and, where
 * the file system has no unnamed files, tmp, the named temporary file. */
struct output {
	int fd;
	char *path;
	char *tmp;
};

static void refuse_terminal(int fd)
{
	if (isatty(fd)) {
		log_error("refusing to write the archive to a terminal");
		log_hint("redirect standard output to a file or a pipe, or give a FILE");
		exit(EXIT_SETUP);
	}
}

/*
 * An unnamed file (O_TMPFILE) in FILE's directory, given a name only when
 * complete: killed, even by SIGKILL, the export leaves nothing behind.
 * Made as open(2) would make FILE: mode 0666 less the umask. -1 with errno
 * EOPNOTSUPP or EISDIR (before Linux 3.11) where the file system cannot.
 */
static int open_unnamed(const char *path)
{
	char *dir = strdup(path);
	if (!dir)
		return -1;
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	int fd = open(slash ? dir : ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	int err = errno;
	free(dir);
	errno = err;
	return fd;
}

/* Where O_TMPFILE is refused: a named temporary file beside FILE, which
 * the caller removes on failure and on the signals it blocks. */
static int open_named(struct output *out)
{
	_cleanup_free_ char *tmp = hidden_name(out->path);
	if (!tmp) {
		errno = ENOMEM;
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd >= 0)
		out->tmp = steal_pointer(&tmp);
	return fd;
}

/* A regular FILE (or none yet) is written to a temporary file beside it.
 * Through a symlink, the file it points to is the one replaced. */
static void open_output(const char *file, struct output *out)
{
	*out = (struct output){ .fd = -1 };
	if (strcmp(file, "-") == 0) {
		refuse_terminal(STDOUT_FILENO);
		out->fd = STDOUT_FILENO;
		return;
	}
	struct stat st;
	if (stat(file, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			die("cannot write the archive to '%s': %s", file, strerror(EISDIR));
		out->fd = open(file, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (out->fd < 0)
			die_errno(errno, "cannot open '%s'", file);
		refuse_terminal(out->fd);
		return;
	}
	out->path = realpath(file, NULL);
	if (!out->path && !(out->path = strdup(file)))
		die_errno(ENOMEM, "cannot name '%s'", file);
	out->fd = open_unnamed(out->path);
	if (out->fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR))
		out->fd = open_named(out);
	if (out->fd < 0)
		die_errno(errno, "cannot create a temporary file beside '%s'", file);
}

/*
 * Give the unnamed file fd the name path. linkat(2) never replaces a
 * file: with FILE there already, the file is linked to a fresh hidden name
 * first and renamed onto FILE, which replaces it at once; only in that
 * instant is there a name to leave behind. 0 or -errno.
 */
static int link_unnamed(int fd, const char *path)
{
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	for (int attempt = 0; attempt < 100; attempt++) {
		_cleanup_free_ char *tmp = hidden_name(path);
		if (!tmp)
			return -ENOMEM;
		if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) < 0) {
			if (errno == EEXIST)
				continue;
			return -errno;
		}
		if (rename(tmp, path) == 0)
			return 0;
		int err = errno;
		unlink(tmp);
		return -err;
	}
	return -EEXIST;
}

/* Sync, name and close. 0, or -1 when it failed (said why). */
static int commit_output(struct output *out, const char *file)
{
	if (!out->path)
		return 0;
	_cleanup_close_ int fd = steal_fd(&out->fd);
	if (fsync(fd) < 0) {
		log_error("cannot write '%s': %s", file, strerror(errno));
		return -1;
	}
	int r = 0;
	if (!out->tmp)
		r = link_unnamed(fd, out->path);
	else if (rename(out->tmp, out->path) < 0)
		r = -errno;
	if (r < 0) {
		log_error("cannot put the archive at '%s': %s", file, strerror(-r));
		return -1;
	}
	free(out->tmp);
	out->tmp = NULL;
	if (close(steal_fd(&fd)) < 0) {
		log_error("cannot write '%s': %s", file, strerror(errno));
		return -1;
	}
	return 0;
}

static void discard_output(struct output *out)
{
	if (out->tmp && unlink(out->tmp) < 0 && errno != ENOENT)
		log_warning("cannot remove the temporary file '%s': %s", out->tmp, strerror(errno));
	free(out->tmp);
	out->tmp = NULL;
}

/*
 * Run nschroot-archive (argv) with its standard output on outfd. SIGINT,
 * SIGTERM and SIGHUP are blocked by the caller and taken here with
 * sigwaitinfo: the helper is stopped and the caller cleans up. Returns 0,
 * the signal number that interrupted, or -1 when the helper failed (it
 * said why).
 */
static int run_write(const struct idmap *map, const sigset_t *set, const sigset_t *old, int outfd,
		     char *const argv[])
{
	struct failure f = { 0 };
	pid_t pid = helper_spawn(map, argv, -1, outfd, old, &f);
	if (pid < 0) {
		log_failure(&f);
		return -1;
	}
	int wstatus = 0;
	int interrupted = helper_wait(pid, set, &wstatus);
	if (interrupted)
		return interrupted;
	if (WIFSIGNALED(wstatus)) {
		log_error("nschroot-archive was killed by signal %d", WTERMSIG(wstatus));
		return -1;
	}
	return WEXITSTATUS(wstatus) == 0 ? 0 : -1;
}

/* The box, locked exclusively: the descriptor holds the lock; *map is the
 * one it was created with, so that the archive has the ids seen inside;
 * *rootfs its root filesystem. */
static int lock_box(const char *name, struct idmap *map, char **rootfs)
{
	struct failure f = { 0 };
	struct box box;
	int r = store_open_box(name, BOX_CHANGE, &box, &f);
	if (r == -EWOULDBLOCK)
		fail_hint(&f, "stop what runs in it, then export it");
	if (r < 0)
		die_failure(&f);
	mapping_for_box(&box.conf, map);
	mapping_without_userns_if_refused(map);
	*rootfs = steal_pointer(&box.rootfs);
	int lock = steal_fd(&box.lock);
	box_close(&box);
	return lock;
}

int cmd_export(int argc, char **argv)
{
	struct export_opts o;
	parse_export(argc, argv, &o);

	struct idmap map;
	_cleanup_free_ char *rootfs = NULL;
	/* Never read: holding the descriptor holds the box's lock until return. */
	_cleanup_close_ int lock __attribute__((unused)) = lock_box(o.name, &map, &rootfs);
	_cleanup_free_ char *helper = archive_helper();
	_cleanup_free_ char *compress = NULL, *progress = NULL;
	if (asprintf(&compress, "--compress=%s", o.compress) < 0 ||
	    asprintf(&progress, "--progress=%s", o.progress) < 0)
		die_errno(ENOMEM, "cannot run nschroot-archive");
	char *const argv_helper[] = {
		helper, "write", compress, progress, (char *)helper_confinement(&map), rootfs, NULL
	};

	/* Blocked before the temporary file exists, so that no signal finds it
	 * there without us to remove it. */
	sigset_t set, old;
	helper_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		die_errno(errno, "cannot block signals");

	struct output out;
	open_output(o.file, &out);
	int status = run_write(&map, &set, &old, out.fd, argv_helper);
	if (status == 0 && commit_output(&out, o.file) < 0)
		status = -1;
	if (status != 0)
		discard_output(&out);
	if (out.fd != STDOUT_FILENO && out.fd >= 0)
		close(out.fd);
	free(out.path);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status > 0 ? 128 + status : status < 0 ? EXIT_SETUP : 0;
}
