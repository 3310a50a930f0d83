/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Parse a whole decimal number in [min, max]; 0 or -EINVAL / -ERANGE. */
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/* A box name: [A-Za-z0-9][A-Za-z0-9._-]{0,63}. */
bool box_name_valid(const char *s);

/* A TARGET is a path when it contains '/' or is "." or "..". */
bool target_is_path(const char *s);
