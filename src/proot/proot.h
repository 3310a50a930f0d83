/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "run/backend.h"

/* The proot backend (DESIGN.md, "Backends"): the system's proot, found as
 * $NSCHROOT_PROOT or proot in $PATH, where user namespaces are refused. */
extern const struct backend proot_backend;
