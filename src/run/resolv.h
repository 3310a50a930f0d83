/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

/* resolv.conf's text names nameservers, all on the loopback (a local
 * stub such as systemd-resolved's 127.0.0.53): a box with a network of
 * its own cannot reach them, and Debian 12's pasta does not forward to
 * them. */
bool resolv_loopback_only(const char *text);

/* Where systemd-resolved lists the upstream servers its stub uses. */
#define RESOLV_UPSTREAM "/run/systemd/resolve/resolv.conf"
