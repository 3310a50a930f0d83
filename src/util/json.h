/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdio.h>

/* Write s as a JSON string (quoted and escaped); NULL as null. Control
 * characters (text.h), C1 included, are written \u00XX, so that none
 * reaches a terminal raw. */
void json_string(FILE *f, const char *s);

/* Write the parts of s between the separators sep as a JSON array of
 * strings; NULL or "" as []. */
void json_split(FILE *f, const char *s, char sep);

/* Whether s is a JSON array of strings and nothing else (whitespace
 * around its tokens aside): what box.conf's image-env, image-entrypoint
 * and image-cmd hold. */
bool json_is_string_array(const char *s);
