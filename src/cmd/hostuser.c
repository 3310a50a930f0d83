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

/* An entry of the host's user or group database, by id. */
enum host_db { HOST_PASSWD, HOST_GROUP };

/* What a lookup finds: the passwd entry, or the group's name. */
struct host_entry {
	struct pw_entry pw;
	char *group;
};

static int entry_from(enum host_db db, const char *text, size_t len, uint32_t id,
		      struct host_entry *e)
{
	return db == HOST_PASSWD ? passwd_find_uid(text, len, id, &e->pw)
				 : group_find_gid(text, len, id, &e->group);
}

static int from_file(enum host_db db, uint32_t id, struct host_entry *e)
{
	const char *path =
	    getenv(db == HOST_PASSWD ? "NSCHROOT_PASSWD_FILE" : "NSCHROOT_GROUP_FILE");
	const char *dflt = db == HOST_PASSWD ? "/etc/passwd" : "/etc/group";
	_cleanup_close_ int fd = open(path && *path ? path : dflt, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = read_regular(fd, PASSWD_MAX, &text, &len);
	return r < 0 ? r : entry_from(db, text, len, id, e);
}

/* `getent passwd UID` (or group GID), with no environment, its stdin and
 * stderr on /dev/null; it exits 0 with one line when NSS knows the id. */
static int from_getent(enum host_db db, uint32_t uid, struct host_entry *e)
{
	char id[16];
	snprintf(id, sizeof(id), "%u", (unsigned)uid);
	char *argv[] = { "getent", db == HOST_PASSWD ? "passwd" : "group", id, NULL };
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
	return entry_from(db, out, len, uid, e);
}

static int host_lookup(enum host_db db, uint32_t id, struct host_entry *e)
{
	*e = (struct host_entry){ 0 };
	int r = from_file(db, id, e);
	return r == 0 ? 0 : from_getent(db, id, e);
}

int host_user_name(uid_t uid, char *buf, size_t size)
{
	if (size)
		buf[0] = '\0';
	struct host_entry e;
	int r = host_lookup(HOST_PASSWD, (uint32_t)uid, &e);
	if (r < 0 || !e.pw.name)
		return r < 0 ? r : -ENOENT;
	size_t n = strlen(e.pw.name);
	if (n < size)
		memcpy(buf, e.pw.name, n + 1);
	pw_entry_free(&e.pw);
	return n < size ? 0 : -ENOENT;
}

int host_user_entry(uid_t uid, struct pw_entry *pw)
{
	struct host_entry e;
	int r = host_lookup(HOST_PASSWD, (uint32_t)uid, &e);
	if (r == 0)
		*pw = e.pw;
	return r;
}

char *host_group_name(gid_t gid)
{
	struct host_entry e;
	return host_lookup(HOST_GROUP, (uint32_t)gid, &e) == 0 ? e.group : NULL;
}
