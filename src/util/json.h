/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdio.h>

/* Write s as a JSON string (quoted and escaped); NULL as null. */
void json_string(FILE *f, const char *s);
