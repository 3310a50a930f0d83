/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parse a whole decimal number in [min, max]; 0 or -EINVAL / -ERANGE. */
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* A box name: [A-Za-z0-9][A-Za-z0-9._-]{0,63}. */
bool box_name_valid(const char *s);

/* A TARGET is a path when it contains '/' or is "." or "..". */
bool target_is_path(const char *s);

/* qsort's comparison of two ints (descriptor numbers: no overflow). */
int compare_ints(const void *a, const void *b);

/* A table of names for the values of an enum, ended by { NULL, 0 }: one
 * table serves both directions. */
struct name_value {
	const char *name;
	int value;
};

/* The value named name in t: 0 with *out set, or -EINVAL. */
int name_to_value(const struct name_value *t, const char *name, int *out);

/* The name of value in t, or fallback when it has none. */
const char *value_to_name(const struct name_value *t, int value, const char *fallback);

/* The compressions of an exported archive (--compress). */
enum compression { COMPRESS_NONE, COMPRESS_GZIP, COMPRESS_XZ, COMPRESS_ZSTD };
extern const struct name_value compression_names[];

/* --level's text s for compression c (gzip 1-9, xz 0-9, zstd 1-19; none
 * has none): 0 with *level set, or -EINVAL with why (size bytes) saying
 * what is wrong ("gzip takes 1 to 9"). */
int parse_compression_level(enum compression c, const char *s, int *level, char *why, size_t size);

/* What export writes (--format): a tarball, or a one-layer container image
 * as an OCI layout or as `docker save` writes it, each in a tar. */
enum export_format { FORMAT_TAR, FORMAT_OCI_ARCHIVE, FORMAT_DOCKER_ARCHIVE };
extern const struct name_value export_format_names[];

/* When a progress bar is drawn (--progress): auto, on a terminal. */
enum progress_when { PROGRESS_AUTO, PROGRESS_ALWAYS, PROGRESS_NEVER };
extern const struct name_value progress_names[];
