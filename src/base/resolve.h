/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Path resolution inside an untrusted root filesystem. Every lookup goes
 * through openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): "..", absolute
 * symlinks and relative ones are all resolved as if rootfd were "/", so no
 * name in the rootfs can make a lookup land outside it. All return a file
 * descriptor (O_CLOEXEC) or -errno. */

/* openat2 on path, resolved inside rootfd. */
int open_in_root(int rootfd, const char *path, int flags);

/* openat2 on path below dirfd through no symbolic link at all (nor "..",
 * nor a magic link): where the tree is not a root of its own, but a link
 * in it must lead nowhere (an archive's entries, a measured box). */
int open_beneath(int dirfd, const char *path, int flags);

/* The directory at path inside rootfd, created (with parents) when
 * missing. An O_PATH descriptor. */
int mkdir_in_root(int rootfd, const char *path);

/* The file at path inside rootfd, created empty when missing; a dangling
 * symlink (ubuntu-base's /etc/resolv.conf) is followed inside the root and
 * its target created. An O_PATH descriptor, of whatever type is there. */
int mkfile_in_root(int rootfd, const char *path);

/* Read a regular file inside the root, at most max bytes, without blocking
 * on a FIFO or following a link out. *buf is NUL-terminated; 0 or -errno
 * (-EINVAL: not a regular file, -EFBIG: larger than max). */
int read_file_in_root(int rootfd, const char *path, size_t max, char **buf, size_t *len);

/* "/proc/self/fd/N", to hand a resolved descriptor to mount(2). */
#define FD_PATH_MAX 32
const char *fd_path(int fd, char buf[FD_PATH_MAX]);
