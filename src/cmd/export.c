// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `nschroot export NAME FILE|-`: the box's tree as a tar archive, with the
 * ids seen inside the box, so that `create` elsewhere, `docker import` and
 * `podman import` all take it; or, with --format, as a container image of
 * that one layer (`podman load`, `docker load`, skopeo), its config made
 * from box.conf (store/image-config.c).
 *
 * nschroot-archive writes it, confined to the rootfs as for extraction,
 * under the box's exclusive lock (nothing runs in it meanwhile). A FILE is
 * written to an unnamed temporary file in its directory, synced and given
 * FILE's name only when complete: any failure or signal, SIGKILL included,
 * leaves no file behind and an existing FILE untouched. Where the file
 * system has no unnamed files, a named one beside FILE is used, removed on
 * failure and on SIGINT/SIGTERM/SIGHUP. A FILE that exists and is not
 * a regular file (a FIFO, a device) is written to directly, as is standard
 * output for '-'. An image is written in place (the helper fills in a
 * header once the layer is written): for those it goes to an unnamed
 * spool file in $TMPDIR (else /var/tmp) first, copied out when complete.
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
#include "base/arch.h"
#include "base/userns.h"
#include "store/image-config.h"
#include "store/store.h"
#include "util/cleanup.h"
#include "util/io.h"
#include "util/log.h"
#include "util/parse.h"

struct export_opts {
	const char *compress;
	const char *level; /* NULL: the compressor's default */
	const char *progress;
	enum export_format format;
	const char *name;
	const char *file;
};

/* --level, for the compression chosen: its own range (util/parse.c). The
 * helper checks it again, as it checks every option. */
static void check_level(const struct export_opts *o)
{
	int value, level;
	char why[64];
	if (o->level && name_to_value(compression_names, o->compress, &value) == 0 &&
	    parse_compression_level((enum compression)value, o->level, &level, why, sizeof(why)) <
		0)
		die_usage("invalid --level '%s': %s", o->level, why);
}

static void parse_export(int argc, char **argv, struct export_opts *o)
{
	enum { OPT_COMPRESS = CHAR_MAX + 1, OPT_FORMAT, OPT_LEVEL };
	static const struct option opts[] = {
		{ "compress", required_argument, NULL, OPT_COMPRESS },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "format", required_argument, NULL, OPT_FORMAT },
		OPTION_PROGRESS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	*o = (struct export_opts){ .progress = "auto" };
	int opt, value;
	/* --compress, --level and --format are left to this loop. */
	while ((opt = archive_command_option(argc, argv, opts, "export", &o->progress)) != -1) {
		if (opt == OPT_LEVEL) {
			o->level = optarg;
			continue;
		}
		if (opt == OPT_FORMAT) {
			if (name_to_value(export_format_names, optarg, &value) < 0)
				die_usage("invalid --format '%s': expected tar, oci-archive or "
					  "docker-archive",
					  optarg);
			o->format = (enum export_format)value;
			continue;
		}
		if (name_to_value(compression_names, optarg, &value) < 0)
			die_usage("invalid --compress '%s': expected gzip, xz, zstd or none",
				  optarg);
		o->compress = optarg;
	}
	/* docker save writes its layers uncompressed. */
	if (!o->compress)
		o->compress = o->format == FORMAT_DOCKER_ARCHIVE ? "none" : "gzip";
	if (o->format == FORMAT_OCI_ARCHIVE && strcmp(o->compress, "xz") == 0)
		die_usage("--format=oci-archive cannot have --compress=xz: OCI images have "
			  "no xz layers (gzip, zstd or none)");
	check_level(o);
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

/* The helper's options for an image of the box: --image-config, and
 * --image-tag for docker-archive (NULL otherwise). Dies when box.conf
 * cannot make a config. The architecture of a box made before box.conf
 * recorded it is its /bin/sh's, else the host's. */
static void image_options(const struct box *box, const struct export_opts *o, char **config,
			  char **tag)
{
	const char *arch = box->conf.arch;
	if (!arch) {
		_cleanup_close_ int rootfd = open(box->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0 || arch_of_rootfs(rootfd, &arch) < 0)
			arch = arch_host();
	}
	struct failure f = { 0 };
	_cleanup_free_ char *json = NULL;
	if (image_config_build(&box->conf, arch, &json, &f) < 0) {
		fail_wrap(&f, "cannot export '%s' as an image", o->name);
		die_failure(&f);
	}
	/* The name podman and docker give the image: docker-archive's tag,
	 * an OCI layout's ref name (which may hold a registry and a tag). */
	_cleanup_free_ char *name = image_tag(o->name);
	if (asprintf(config, "--image-config=%s", json) < 0 || !name ||
	    asprintf(tag, "--image-tag=%s", name) < 0)
		die_errno(ENOMEM, "cannot run nschroot-archive");
}

/* The box, locked exclusively: the descriptor holds the lock; *map is the
 * one it was created with, so that the archive has the ids seen inside;
 * *rootfs its root filesystem; for an image, its config and tag as the
 * helper's options (image_options). */
static int lock_box(const struct export_opts *o, struct idmap *map, char **rootfs, char **config,
		    char **tag)
{
	struct failure f = { 0 };
	struct box box;
	int r = store_open_box(o->name, BOX_CHANGE, &box, &f);
	if (r == -EWOULDBLOCK)
		fail_hint(&f, "stop what runs in it, then export it");
	if (r < 0)
		die_failure(&f);
	if (o->format != FORMAT_TAR)
		image_options(&box, o, config, tag);
	mapping_for_box(&box.conf, map);
	mapping_without_userns_if_refused(map);
	*rootfs = steal_pointer(&box.rootfs);
	int lock = steal_fd(&box.lock);
	box_close(&box);
	return lock;
}

/*
 * Where the helper writes an image that cannot be written in place (to
 * standard output, a FIFO): an unnamed file in $TMPDIR, else /var/tmp,
 * which nothing can leave behind; where the file system has none, a named
 * one removed at once.
 */
static int open_spool(void)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || dir[0] != '/')
		dir = "/var/tmp";
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {
		_cleanup_free_ char *tmp = NULL;
		if (asprintf(&tmp, "%s/nschroot-export.XXXXXX", dir) < 0)
			die_errno(ENOMEM, "cannot create a temporary file in '%s'", dir);
		fd = mkostemp(tmp, O_CLOEXEC);
		if (fd >= 0)
			unlink(tmp);
	}
	if (fd < 0)
		die_errno(errno, "cannot create a temporary file in '%s'", dir);
	return fd;
}

/* The spool, complete, to the output. 0, or -1 when it failed (said
 * why). */
static int copy_spool(int spool, int outfd)
{
	static char buf[1 << 20];
	if (lseek(spool, 0, SEEK_SET) < 0) {
		log_error("cannot read the temporary file: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t n = read(spool, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_error("cannot read the temporary file: %s", strerror(errno));
			return -1;
		}
		if (n == 0)
			return 0;
		int r = write_all(outfd, buf, (size_t)n);
		if (r < 0) {
			log_error("cannot write the archive: %s", strerror(-r));
			return -1;
		}
	}
}

/* The helper's command line: argv, with room for the image's options. */
struct helper_argv {
	char *argv[11];
	char *compress, *level, *progress, *format, *config, *tag;
};

static void helper_argv(const struct export_opts *o, const struct idmap *map, char *helper,
			char *rootfs, struct helper_argv *a)
{
	if (asprintf(&a->compress, "--compress=%s", o->compress) < 0 ||
	    asprintf(&a->progress, "--progress=%s", o->progress) < 0 ||
	    asprintf(&a->format, "--format=%s",
		     value_to_name(export_format_names, (int)o->format, "tar")) < 0 ||
	    (o->level && asprintf(&a->level, "--level=%s", o->level) < 0))
		die_errno(ENOMEM, "cannot run nschroot-archive");
	size_t n = 0;
	char *const args[] = { helper,	    "write",   a->compress, a->level,
			       a->progress, a->format, a->config,   a->tag };
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		if (args[i])
			a->argv[n++] = args[i];
	a->argv[n++] = (char *)helper_confinement(map);
	a->argv[n++] = rootfs;
	a->argv[n] = NULL;
}

static void free_helper_argv(struct helper_argv *a)
{
	free(a->compress);
	free(a->level);
	free(a->progress);
	free(a->format);
	free(a->config);
	free(a->tag);
}

/* Write the export through the helper to out, or for an image that must
 * go through a spool, to one, then copied out with the signals the
 * caller blocked unblocked (old): interrupted then, nothing is left to
 * clean up. As run_write returns. */
static int export_to(const struct export_opts *o, const struct idmap *map, const sigset_t *set,
		     const sigset_t *old, const struct output *out, char *const argv[])
{
	if (o->format == FORMAT_TAR || out->path)
		return run_write(map, set, old, out->fd, argv);
	_cleanup_close_ int spool = open_spool();
	int status = run_write(map, set, old, spool, argv);
	if (status != 0)
		return status;
	sigprocmask(SIG_SETMASK, old, NULL);
	/* A reader that goes away is a write error to report. */
	signal(SIGPIPE, SIG_IGN);
	return copy_spool(spool, out->fd);
}

int cmd_export(int argc, char **argv)
{
	struct export_opts o;
	parse_export(argc, argv, &o);

	struct idmap map;
	_cleanup_free_ char *rootfs = NULL;
	struct helper_argv a = { 0 };
	/* Never read: holding the descriptor holds the box's lock until return. */
	_cleanup_close_ int lock __attribute__((unused)) =
	    lock_box(&o, &map, &rootfs, &a.config, &a.tag);
	_cleanup_free_ char *helper = archive_helper();
	helper_argv(&o, &map, helper, rootfs, &a);

	/* Blocked before the temporary file exists, so that no signal finds it
	 * there without us to remove it. */
	sigset_t set, old;
	helper_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		die_errno(errno, "cannot block signals");

	struct output out;
	open_output(o.file, &out);
	int status = export_to(&o, &map, &set, &old, &out, a.argv);
	if (status == 0 && commit_output(&out, o.file) < 0)
		status = -1;
	if (status != 0)
		discard_output(&out);
	if (out.fd != STDOUT_FILENO && out.fd >= 0)
		close(out.fd);
	free(out.path);
	free_helper_argv(&a);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status > 0 ? 128 + status : status < 0 ? EXIT_SETUP : 0;
}
