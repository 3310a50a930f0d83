/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Read up to size bytes from fd, to its end of file, into a new
 * NUL-terminated *buf: a regular file of that size (one that shrank gives
 * what is there), or a pipe. 0 or -errno. */
int read_all(int fd, size_t size, char **buf, size_t *len);

/* The whole of fd, a regular file (-EINVAL otherwise) of at most max bytes
 * (-EFBIG otherwise), read as read_all does. 0 or -errno. */
int read_regular(int fd, size_t max, char **buf, size_t *len);

/* Wait for one byte on fd, across EINTR: 1 when it came, 0 at end of file,
 * -errno. */
int read_one_byte(int fd);

/* Wait for the child pid to end, across EINTR, its status in *wstatus
 * (wstatus may be NULL). 0 or -errno. */
int wait_child(pid_t pid, int *wstatus);

/* Read exactly len bytes into buf, across short reads and EINTR: 0, or
 * -EPIPE when the writer closed first, or -errno. */
int read_exact(int fd, void *buf, size_t len);

/* Write all of buf, across short writes and EINTR. 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);

/* "DIR/.BASE.XXXXXX" for path "DIR/BASE" (".BASE.XXXXXX" for a path
 * without '/'), XXXXXX random letters and digits, newly allocated: a name
 * for a file or directory that is not there yet. NULL when out of memory
 * or randomness. */
char *hidden_name(const char *path);

/* Close every descriptor from 3 up but those in keep, sorted (sorted by
 * the caller: a vfork child may not sort in the memory it shares). */
void close_from_3_except(const int *keep, size_t n);
