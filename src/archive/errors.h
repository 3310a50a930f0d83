/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

struct archive;

/* libarchive's own words for its last error, which name the problem. */
const char *archive_message(struct archive *a);

/* libarchive's errno when it is a real system error (ENOSPC, EPIPE...),
 * else 0: a malformed archive is reported with EILSEQ (its
 * ARCHIVE_ERRNO_FILE_FORMAT), whose strerror would mislead. */
int archive_system_errno(struct archive *a);
