/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/subid.h"

/* libFuzzer's entry points, declared for -Werror=missing-prototypes: the
 * runtime ships no header for them. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A broken promise of a header is a finding like a sanitizer report: the
 * trap makes libFuzzer save the input, the message says which promise. */
#define fuzz_assert(cond)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, __LINE__,     \
				#cond);                                                            \
			__builtin_trap();                                                          \
		}                                                                                  \
	} while (0)

/* Whether two sets of subordinate ranges are the same, in the same order. */
static inline bool fuzz_same_ranges(const struct subid_ranges *a, const struct subid_ranges *b)
{
	if (a->n != b->n || a->total != b->total)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->r[i].start != b->r[i].start || a->r[i].count != b->r[i].count)
			return false;
	return true;
}
