/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The operands of `create NAME --from BOX`, after the options: NAME alone
 * (a SOURCE too is a usage error), a valid name, and so is BOX; refused
 * names an option given that a copy cannot take (NULL: none). */
void take_clone_operands(int argc, char *const argv[], const char *refused, const char *from,
			 const char **name);

/* `nschroot create NAME --from BOX`, progress as --progress gives it
 * (auto, always, never): the exit status. */
int create_from_box(const char *name, const char *from, const char *progress);
