/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* In a child subreaper (PR_SET_CHILD_SUBREAPER): kill every descendant
 * with SIGKILL and reap it. The children, as /proc lists them, are killed,
 * then the orphans that each death hands this process, until none is left
 * (a stopped process dies of SIGKILL too). */
void reap_kill_all(void);
