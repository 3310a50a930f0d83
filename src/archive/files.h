/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A tarball's plain regular files written by nschroot itself rather than
 * by libarchive's disk writer, in about half the system calls (files.c). */

#include <archive_entry.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "archive/libarchive.h"
#include "util/failure.h"

/* The directory the last file went into, kept open for the next. */
struct files {
	char *dir; /* its path as entries name it; NULL: none kept */
	size_t dir_len;
	int dirfd;     /* O_PATH, or AT_FDCWD for the current directory */
	bool dir_ours; /* of this process's group: a new file there is too */
	mode_t umask;  /* the process's, read once */
	time_t start;  /* for a time the archive lacks, as libarchive */
	uid_t uid;     /* this process's ids, which a new file gets */
	gid_t gid;
	bool keep_owners;
};

void files_init(struct files *c, bool keep_owners);

/* Close the directory kept: every entry written some other way must call
 * this before it is written, since it may change what the path names. */
void files_forget(struct files *c);

/* The regular file e created empty below the current directory, the way
 * libarchive would with SECURE_SYMLINKS: its directory reached without a
 * link, the file new (O_EXCL). Its descriptor, or -1 where libarchive
 * must write e instead: e is not a plain regular file (a hard link, sparse,
 * with extended attributes), or creating it failed for any reason (a link
 * or a file in the way, a directory missing, an error libarchive will
 * report in its words). Nothing is changed on disk when it returns -1. */
int files_open(struct files *c, struct archive_entry *e);

/* Data for fd: size bytes at offset. 0, or -errno with f set. */
int files_write(int fd, const void *buf, size_t size, int64_t offset, const char *path,
		struct failure *f);

/* fd, into which end bytes were written, finished as libarchive's
 * finish_entry does (PERM, TIME, and OWNER with keep_owners): its size,
 * owner, mode and times set, then closed, whatever happens. What could not
 * be set is a warning through h, as libarchive's words; 0, or -errno with
 * f set (a failed write or close). */
int files_finish(const struct files *c, int fd, struct archive_entry *e, int64_t end,
		 const struct archive_hooks *h, struct failure *f);
