/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Bring the loopback interface of the current network namespace up.
 * 0 or -errno. */
int net_loopback_up(void);
