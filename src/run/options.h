/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "run/config.h"

/* The parsers return 0, or -EINVAL with *why set to a static reason. */

/* --publish [ADDR:]HOSTPORT:PORT[/tcp|/udp] into pasta's spec
 * ADDR/HOSTPORT:PORT. ADDR is 127.0.0.1 when not given: a published port
 * is the caller's alone unless another address is asked for; an IPv6
 * ADDR is written in brackets. */
int parse_publish_spec(const char *arg, struct publish_spec *out, const char **why);

/* --bind/--ro-bind SRC[:DEST]: DEST defaults to SRC; DEST must be
 * absolute and may not contain "..". The first ':' separates them. */
int parse_bind_spec(const char *arg, enum mount_kind kind, struct mount_spec *out,
		    const char **why);

/* --tmpfs DEST. */
int parse_tmpfs_spec(const char *arg, struct mount_spec *out, const char **why);

/* -e NAME=VALUE (set) or -e NAME (copy from the caller's environment). */
int parse_env_spec(const char *arg, struct env_op *out, const char **why);

/* --unsetenv NAME. */
int parse_unsetenv_spec(const char *arg, struct env_op *out, const char **why);

/* An environment variable name: non-empty, no '=', no NUL. */
bool env_name_valid(const char *name);

int parse_net_mode(const char *arg, enum net_mode *out);
int parse_dev_mode(const char *arg, enum dev_mode *out);
int parse_proc_mode(const char *arg, enum proc_mode *out);
int parse_fakeroot_mode(const char *arg, enum fakeroot_mode *out);
int parse_backend(const char *arg, enum backend_choice *out);

void mount_spec_free(struct mount_spec *m);
void env_op_free(struct env_op *e);
