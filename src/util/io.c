// SPDX-License-Identifier: GPL-2.0-or-later
#include "util/io.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"

/* Read len bytes into buf, or with out write len bytes of it, across
 * short transfers and EINTR: how many bytes were moved before the end of
 * the file (or a write that took none), or -errno. buf is only read when
 * out is set. */
static ssize_t transfer(int fd, char *buf, size_t len, bool out)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n =
		    out ? write(fd, buf + done, len - done) : read(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int read_all(int fd, size_t size, char **buf, size_t *len)
{
	_cleanup_free_ char *b = malloc(size + 1);
	if (!b)
		return -ENOMEM;
	ssize_t got = transfer(fd, b, size, false);
	if (got < 0)
		return (int)got;
	b[got] = '\0';
	*len = (size_t)got;
	*buf = steal_pointer(&b);
	return 0;
}

int read_regular(int fd, size_t max, char **buf, size_t *len)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (st.st_size < 0 || (uintmax_t)st.st_size > max)
		return -EFBIG;
	return read_all(fd, (size_t)st.st_size, buf, len);
}

int read_one_byte(int fd)
{
	char c;
	ssize_t n;
	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : (int)n;
}

int wait_child(pid_t pid, int *wstatus)
{
	while (waitpid(pid, wstatus, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int write_all(int fd, const void *buf, size_t len)
{
	ssize_t n = transfer(fd, (char *)buf, len, true);
	if (n < 0)
		return (int)n;
	/* A write of nothing would be one forever. */
	return (size_t)n < len ? -EIO : 0;
}

char *hidden_name(const char *path)
{
	static const char chars[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char rnd[6];
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return NULL;
	char suffix[7];
	for (size_t i = 0; i < 6; i++)
		suffix[i] = chars[rnd[i] % (sizeof(chars) - 1)];
	suffix[6] = '\0';
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	char *name;
	if (asprintf(&name, "%.*s.%s.%s", dirlen, path, path + dirlen, suffix) < 0)
		return NULL;
	return name;
}

int read_exact(int fd, void *buf, size_t len)
{
	ssize_t got = transfer(fd, buf, len, false);
	if (got < 0)
		return (int)got;
	return (size_t)got < len ? -EPIPE : 0;
}

void close_from_3_except(const int *keep, size_t n)
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
