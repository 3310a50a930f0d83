// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmd/hostuser.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/passwd.h"
#include "util/cleanup.h"
#include "util/io.h"

#define PASSWD_MAX     (16u << 20)
#define GETENT_OUT_MAX 4096

static int name_from(const char *text, size_t len, uid_t uid, char *buf, size_t size)
{
	struct pw_entry pw;
	int r = passwd_find_uid(text, len, (uint32_t)uid, &pw);
	if (r < 0)
		return r;
	size_t n = strlen(pw.name);
	if (n < size)
		memcpy(buf, pw.name, n + 1);
	pw_entry_free(&pw);
	return n < size ? 0 : -ENOENT;
}

static int from_passwd_file(uid_t uid, char *buf, size_t size)
{
	const char *path = getenv("NSCHROOT_PASSWD_FILE");
	_cleanup_close_ int fd = open(path && *path ? path : "/etc/passwd", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = read_regular(fd, PASSWD_MAX, &text, &len);
	return r < 0 ? r : name_from(text, len, uid, buf, size);
}

/* `getent passwd UID`, with no environment, its stdin and stderr on
 * /dev/null; it exits 0 with one passwd line when NSS knows the uid. */
static int from_getent(uid_t uid, char *buf, size_t size)
{
	char id[16];
	snprintf(id, sizeof(id), "%u", (unsigned)uid);
	char *argv[] = { "getent", "passwd", id, NULL };
	char *envp[] = { NULL };
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_t fa;
	int r = posix_spawn_file_actions_init(&fa);
	if (r == 0)
		r = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (r == 0)
		r = posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	if (r == 0)
		r = posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid = -1;
	static const char *const paths[] = { "/usr/bin/getent", "/bin/getent" };
	for (size_t i = 0; r == 0 && pid < 0 && i < 2; i++) {
		r = posix_spawn(&pid, paths[i], &fa, NULL, argv, envp);
		if (r == ENOENT && i == 0)
			r = 0;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (r != 0 || pid < 0) {
		close(p[0]);
		return -(r ? r : ENOENT);
	}
	_cleanup_free_ char *out = NULL;
	size_t len = 0;
	int rr = read_all(p[0], GETENT_OUT_MAX, &out, &len);
	close(p[0]); /* a longer output ends getent with SIGPIPE */
	int wstatus;
	r = wait_child(pid, &wstatus);
	if (r < 0 || rr < 0)
		return r < 0 ? r : rr;
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
		return -ENOENT;
	return name_from(out, len, uid, buf, size);
}

int host_user_name(uid_t uid, char *buf, size_t size)
{
	if (size)
		buf[0] = '\0';
	int r = from_passwd_file(uid, buf, size);
	if (r == 0)
		return 0;
	r = from_getent(uid, buf, size);
	if (r < 0 && size)
		buf[0] = '\0';
	return r;
}
