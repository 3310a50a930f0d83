/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --cap-add and --cap-drop, in command-line order. */
#define CAP_OP_ALL (-1)
struct cap_op {
	bool add;
	int cap; /* a capability number, or CAP_OP_ALL */
};

/*
 * The capability named (CAP_NET_RAW, cap_net_raw or net_raw, as libcap's
 * cap_from_name reads it; ALL for every one), into *cap. 0, or -EINVAL
 * for an unknown name.
 */
int caps_parse(const char *name, int *cap);

/* The set the options leave: every capability, then each op in order.
 * last_cap: the highest the kernel knows. */
uint64_t caps_resolve(const struct cap_op *ops, size_t n, unsigned last_cap);

/* In the command's process, before it drops to its user: the bounding set
 * becomes set, the ambient set is emptied. Needs CAP_SETPCAP. 0 or -errno. */
int caps_limit_bounding(uint64_t set);

/* The effective, permitted and inheritable sets of a command that runs as
 * root, all three set, as libcap holds them: made by init before the
 * command's process exists (it is vforked, and allocates nothing). NULL
 * when libcap cannot make them. */
void *caps_root_sets(uint64_t set);

/* In the command's process, after it has taken its ids: its sets become
 * those of caps_root_sets. 0 or -errno. */
int caps_set_root(void *sets);

/* The kernel's highest capability number (/proc/sys/kernel/cap_last_cap),
 * or 63 when it cannot be read. */
unsigned caps_last_cap(void);
