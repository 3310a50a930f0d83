// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `nschroot export NAME FILE|-`: the box's tree as a tar archive, with the
 * ids seen inside the box, so that `create` elsewhere, `docker import` and
 * `podman import` all take it.
 *
 * nschroot-archive writes it, confined to the rootfs as for extraction,
 * under the box's exclusive lock (nothing runs in it meanwhile). A FILE is
 * written to a temporary file beside it, synced and renamed onto FILE only
 * when complete: any failure or SIGINT/SIGTERM/SIGHUP removes the temporary
 * file and leaves an existing FILE untouched. A FILE that exists and is not
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

#include "cmd/commands.h"
#include "cmd/helper.h"
#include "cmd/mapping.h"
#include "sandbox/userns.h"
#include "store/store.h"
#include "util/cleanup.h"
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
	enum { OPT_COMPRESS = CHAR_MAX + 1, OPT_PROGRESS };
	static const struct option opts[] = {
		{ "compress", required_argument, NULL, OPT_COMPRESS },
		{ "progress", required_argument, NULL, OPT_PROGRESS },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	*o = (struct export_opts){ .compress = "gzip", .progress = "auto" };
	int opt;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			help_command("export");
			exit(0);
		case OPT_COMPRESS:
			if (strcmp(optarg, "gzip") != 0 && strcmp(optarg, "xz") != 0 &&
			    strcmp(optarg, "zstd") != 0 && strcmp(optarg, "none") != 0)
				die_usage("invalid --compress '%s': expected gzip, xz, zstd or none",
					  optarg);
			o->compress = optarg;
			break;
		case OPT_PROGRESS:
			o->progress = check_progress_arg(optarg);
			break;
		case ':':
			die_usage("export: option '%s' needs an argument", argv[optind - 1]);
		default:
			die_usage("export: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		die_usage(argc - optind < 2 ? "export: expected NAME and FILE"
					    : "export: too many arguments");
	o->name = argv[optind];
	o->file = argv[optind + 1];
	check_box_name(o->name);
}

/* Where the archive goes: fd, and tmp (to rename onto path) when it is a
 * temporary file. */
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

/* A regular FILE (or none yet) gets a temporary file beside it, made as
 * open(2) would make FILE: mode 0666 less the umask. Through a symlink, the
 * file it points to is the one replaced. */
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
	_cleanup_free_ char *dir = strdup(out->path);
	if (!dir)
		die_errno(ENOMEM, "cannot name '%s'", file);
	char *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : dir;
	if (asprintf(&out->tmp, "%.*s.%s.XXXXXX", slash ? (int)(slash - dir + 1) : 0, dir, base) < 0)
		die_errno(ENOMEM, "cannot name '%s'", file);
	out->fd = mkostemp(out->tmp, O_CLOEXEC);
	if (out->fd < 0) {
		int err = errno;
		free(out->tmp);
		out->tmp = NULL;
		die_errno(err, "cannot create a temporary file beside '%s'", file);
	}
	mode_t mask = umask(0);
	umask(mask);
	if (fchmod(out->fd, 0666 & ~mask) < 0)
		log_warning("cannot set the mode of '%s': %s", out->tmp, strerror(errno));
}

/* Sync, close and rename into place. 0, or -1 when it failed (said why). */
static int commit_output(struct output *out, const char *file)
{
	if (!out->tmp)
		return 0;
	int fd = steal_fd(&out->fd);
	if (fsync(fd) < 0) {
		log_error("cannot write '%s': %s", file, strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) < 0) {
		log_error("cannot write '%s': %s", file, strerror(errno));
		return -1;
	}
	if (rename(out->tmp, out->path) < 0) {
		log_error("cannot rename the archive onto '%s': %s", file, strerror(errno));
		return -1;
	}
	free(out->tmp);
	out->tmp = NULL;
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
	pid_t pid = userns_fork(map, &f);
	if (pid < 0) {
		log_failure(pid, &f);
		return -1;
	}
	if (pid == 0) {
		if (dup2(outfd, STDOUT_FILENO) < 0)
			_exit(EXIT_SETUP);
		sigprocmask(SIG_SETMASK, old, NULL);
		execv(argv[0], argv);
		log_error("cannot execute '%s': %s", argv[0], strerror(errno));
		_exit(EXIT_SETUP);
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
 * one it was created with, so that the archive has the ids seen inside. */
static int lock_box(const char *name, struct idmap *map)
{
	struct failure f = { 0 };
	_cleanup_close_ int boxes = store_open_boxes(false, &f);
	if (boxes == -ENOENT)
		die("no box named '%s'", name);
	if (boxes < 0)
		die_errno(boxes, "%s", f.what);
	int lock = store_lock_box(boxes, name, true, false);
	if (lock == -ENOENT)
		die("no box named '%s'", name);
	if (lock == -EWOULDBLOCK) {
		log_error("box '%s' is in use", name);
		log_hint("stop what runs in it, then export it");
		exit(EXIT_SETUP);
	}
	if (lock < 0)
		die_errno(lock, "cannot lock box '%s'", name);
	struct box_conf conf = { 0 };
	int r = store_read_conf(lock, &conf);
	if (r < 0)
		die_errno(r, "cannot read the box.conf of '%s'", name);
	mapping_for_box(&conf, map);
	box_conf_free(&conf);
	return lock;
}

int cmd_export(int argc, char **argv)
{
	struct export_opts o;
	parse_export(argc, argv, &o);

	struct idmap map;
	/* Never read: holding the descriptor holds the box's lock until return. */
	_cleanup_close_ int lock __attribute__((unused)) = lock_box(o.name, &map);
	_cleanup_free_ char *rootfs = NULL;
	int r = store_box_rootfs(o.name, &rootfs);
	if (r < 0)
		die_errno(r, "cannot find the rootfs of box '%s'", o.name);
	_cleanup_free_ char *helper = archive_helper();
	_cleanup_free_ char *compress = NULL, *progress = NULL;
	if (asprintf(&compress, "--compress=%s", o.compress) < 0 ||
	    asprintf(&progress, "--progress=%s", o.progress) < 0)
		die_errno(ENOMEM, "cannot run nschroot-archive");
	char *const argv_helper[] = { helper, "write", compress, progress, "--in-userns", rootfs, NULL };

	/* Blocked before the temporary file exists, so that no signal finds it
	 * there without us to remove it. */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
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
