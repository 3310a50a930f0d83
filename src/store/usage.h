/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

/* The disk usage of the tree at path in bytes, as du counts it (blocks,
 * no link followed, no other file system entered); what cannot be read is
 * not counted. Walked by several threads (usage.c). */
uint64_t store_tree_usage(const char *path);
