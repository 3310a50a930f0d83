/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "run/backend.h"

/* The namespace engine (DESIGN.md "The sandbox"), backend "ns": user, mount,
 * pid, ipc, uts and cgroup namespaces, the plan's mounts, pivot_root, a
 * nested namespace that locks them, nschroot's own init. */
extern const struct backend ns_backend;

/* A run of the engine (spawn.c), the backend's run. */
int ns_run(struct run_plan *p, struct failure *f);
