// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmd/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/arch.h"
#include "base/programs.h"
#include "cmd/helper.h"
#include "util/cleanup.h"
#include "util/log.h"

#define SKOPEO_HINT "install skopeo (Debian: apt-get install skopeo), or name it in NSCHROOT_SKOPEO"

static const struct {
	const char *prefix;
	enum source_kind kind;
	const char *image; /* nschroot-archive's --image */
} transports[] = {
	{ "oci:", SOURCE_OCI, "oci" },
	{ "oci-archive:", SOURCE_OCI_ARCHIVE, "oci-archive" },
	{ "docker-archive:", SOURCE_DOCKER_ARCHIVE, "docker-archive" },
	{ "docker://", SOURCE_REGISTRY, "oci" },
};

const char *source_image_kind(const struct source *src)
{
	for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++)
		if (transports[i].kind == src->kind)
			return transports[i].image;
	return NULL;
}

/* PATH[:REF] of a transport: as skopeo reads it, the first colon ends the
 * path. */
static void split_ref(const char *rest, char **path, char **ref)
{
	const char *colon = strchr(rest, ':');
	*path = colon ? strndup(rest, (size_t)(colon - rest)) : strdup(rest);
	*ref = colon && colon[1] ? strdup(colon + 1) : NULL;
	if (!*path || (colon && colon[1] && !*ref))
		die_errno(ENOMEM, "cannot read SOURCE");
	if (!**path)
		die_usage("invalid SOURCE: the transport names no path");
}

static void open_path(const char *arg, const char *path, struct source *src)
{
	src->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (src->fd < 0)
		die_errno(errno, "cannot open '%s'", path);
	struct stat st;
	if (fstat(src->fd, &st) < 0)
		die_errno(errno, "cannot stat '%s'", path);
	if (src->kind == SOURCE_FILE && S_ISDIR(st.st_mode))
		src->kind = SOURCE_DIR;
	else if (src->kind == SOURCE_OCI && !S_ISDIR(st.st_mode))
		die("cannot use '%s': an OCI layout is a directory", arg);
	else if (src->kind != SOURCE_OCI && src->kind != SOURCE_DIR && !S_ISREG(st.st_mode) &&
		 src->kind != SOURCE_FILE)
		die("cannot use '%s': an image archive must be a regular file", arg);
	src->size = S_ISREG(st.st_mode) ? st.st_size : 0;
}

/* What box.conf records: the transport, the canonical path, the REF. */
static char *recorded_name(const char *prefix, const char *path, const char *ref)
{
	_cleanup_free_ char *real = realpath(path, NULL);
	char *name = NULL;
	if (!real || asprintf(&name, "%s%s%s%s", prefix ? prefix : "", real, ref ? ":" : "",
			      ref ? ref : "") < 0)
		die_errno(real ? ENOMEM : errno, "cannot use '%s'", path);
	return name;
}

static void open_registry(const char *arg, struct source *src)
{
	src->skopeo = find_program("NSCHROOT_SKOPEO", "skopeo");
	if (!src->skopeo) {
		log_error("cannot pull '%s': skopeo is not installed", arg);
		log_hint(SKOPEO_HINT);
		exit(EXIT_SETUP);
	}
	src->ref = strdup(arg + strlen("docker://"));
	src->name = strdup(arg);
	if (!src->ref || !src->name)
		die_errno(ENOMEM, "cannot read SOURCE");
	if (!*src->ref)
		die_usage("invalid SOURCE '%s': docker:// names no image", arg);
}

void source_open(const char *arg, struct source *src)
{
	*src = (struct source){ .kind = SOURCE_FILE, .fd = -1 };
	const char *rest = arg;
	const char *prefix = NULL;
	for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++)
		if (strncmp(arg, transports[i].prefix, strlen(transports[i].prefix)) == 0) {
			src->kind = transports[i].kind;
			prefix = transports[i].prefix;
			rest = arg + strlen(prefix);
		}
	if (src->kind == SOURCE_REGISTRY)
		return open_registry(arg, src);
	if (src->kind == SOURCE_FILE && strcmp(arg, "-") == 0) {
		src->fd = dup(0);
		src->name = strdup("stdin");
		if (src->fd < 0 || !src->name)
			die_errno(errno, "cannot use standard input");
		return;
	}
	_cleanup_free_ char *path = NULL;
	if (prefix)
		split_ref(rest, &path, &src->ref);
	open_path(arg, path ? path : arg, src);
	src->name = recorded_name(prefix, path ? path : arg, src->ref);
}

void source_close(struct source *src)
{
	if (src->fd >= 0)
		close(src->fd);
	free(src->name);
	free(src->ref);
	free(src->skopeo);
	*src = (struct source){ .fd = -1 };
}

static pid_t start_skopeo(char *const argv[], const sigset_t *old)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	/* skopeo's words, progress included, go where ours do. */
	if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		_exit(EXIT_SETUP);
	sigprocmask(SIG_SETMASK, old, NULL);
	execv(argv[0], argv);
	log_error("cannot run '%s': %s", argv[0], strerror(errno));
	_exit(EXIT_SETUP);
}

int source_pull(struct source *src, const char *dir, const char *arch, bool progress,
		const sigset_t *set, const sigset_t *old)
{
	_cleanup_free_ char *from = NULL, *to = NULL;
	if (asprintf(&from, "docker://%s", src->ref) < 0 || asprintf(&to, "oci:%s", dir) < 0)
		die_errno(ENOMEM, "cannot pull the image");
	const char *variant = NULL;
	const char *oci = arch ? arch_oci_name(arch, &variant) : NULL;
	char *argv[16];
	size_t n = 0;
	argv[n++] = src->skopeo;
	argv[n++] = "copy";
	if (!progress)
		argv[n++] = "--quiet";
	if (oci) {
		argv[n++] = "--override-os=linux";
		argv[n++] = "--override-arch";
		argv[n++] = (char *)oci;
	}
	if (variant) {
		argv[n++] = "--override-variant";
		argv[n++] = (char *)variant;
	}
	argv[n++] = from;
	argv[n++] = to;
	argv[n] = NULL;
	pid_t pid = start_skopeo(argv, old);
	if (pid < 0) {
		log_error("cannot start skopeo: %s", strerror(errno));
		return -1;
	}
	int wstatus = 0;
	int sig = helper_wait(pid, set, &wstatus);
	if (sig)
		return sig;
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
		log_error("cannot pull '%s': skopeo failed (%s %d)", src->name,
			  WIFEXITED(wstatus) ? "exit status" : "signal",
			  WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : WTERMSIG(wstatus));
		return -1;
	}
	src->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (src->fd < 0) {
		log_error("cannot open the pulled image: %s", strerror(errno));
		return -1;
	}
	/* The layout skopeo wrote holds that one image, unnamed. */
	src->kind = SOURCE_OCI;
	free(src->ref);
	src->ref = NULL;
	return 0;
}
