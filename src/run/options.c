// SPDX-License-Identifier: GPL-2.0-or-later
#include "run/options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/parse.h"

/* A destination inside the rootfs: absolute, and without ".." components,
 * so that what the user wrote is what gets mounted (symlinks inside the
 * rootfs are still resolved inside it at mount time). */
static int dest_valid(const char *dest, const char **why)
{
	if (dest[0] != '/') {
		*why = "the destination must be an absolute path";
		return -EINVAL;
	}
	for (const char *p = dest; (p = strstr(p, "..")); p += 2) {
		bool starts = p == dest || p[-1] == '/';
		bool ends = p[2] == '\0' || p[2] == '/';
		if (starts && ends) {
			*why = "the destination may not contain '..'";
			return -EINVAL;
		}
	}
	return 0;
}

int parse_bind_spec(const char *arg, enum mount_kind kind, struct mount_spec *out, const char **why)
{
	const char *colon = strchr(arg, ':');
	size_t srclen = colon ? (size_t)(colon - arg) : strlen(arg);
	if (srclen == 0) {
		*why = "the source is empty";
		return -EINVAL;
	}
	const char *dest = colon ? colon + 1 : arg;
	if (colon && *dest == '\0') {
		*why = "the destination is empty";
		return -EINVAL;
	}
	if (!colon && arg[0] != '/') {
		*why = "a relative source needs an explicit destination (SRC:DEST)";
		return -EINVAL;
	}
	int r = dest_valid(dest, why);
	if (r < 0)
		return r;

	_cleanup_free_ char *src = strndup(arg, srclen);
	_cleanup_free_ char *dst = strdup(dest);
	if (!src || !dst) {
		*why = "out of memory";
		return -ENOMEM;
	}
	*out = (struct mount_spec){ .kind = kind,
				    .src = steal_pointer(&src),
				    .dest = steal_pointer(&dst) };
	return 0;
}

int parse_tmpfs_spec(const char *arg, struct mount_spec *out, const char **why)
{
	int r = dest_valid(arg, why);
	if (r < 0)
		return r;
	char *dst = strdup(arg);
	if (!dst) {
		*why = "out of memory";
		return -ENOMEM;
	}
	*out = (struct mount_spec){ .kind = MOUNT_TMPFS, .dest = dst };
	return 0;
}

bool env_name_valid(const char *name)
{
	return name[0] != '\0' && !strchr(name, '=');
}

int parse_env_spec(const char *arg, struct env_op *out, const char **why)
{
	const char *eq = strchr(arg, '=');
	size_t namelen = eq ? (size_t)(eq - arg) : strlen(arg);
	if (namelen == 0) {
		*why = "the variable name is empty";
		return -EINVAL;
	}
	_cleanup_free_ char *name = strndup(arg, namelen);
	_cleanup_free_ char *value = eq ? strdup(eq + 1) : NULL;
	if (!name || (eq && !value)) {
		*why = "out of memory";
		return -ENOMEM;
	}
	*out = (struct env_op){ .kind = eq ? ENV_SET : ENV_COPY,
				.name = steal_pointer(&name),
				.value = steal_pointer(&value) };
	return 0;
}

int parse_unsetenv_spec(const char *arg, struct env_op *out, const char **why)
{
	if (!env_name_valid(arg)) {
		*why = "not a variable name";
		return -EINVAL;
	}
	char *name = strdup(arg);
	if (!name) {
		*why = "out of memory";
		return -ENOMEM;
	}
	*out = (struct env_op){ .kind = ENV_UNSET, .name = name };
	return 0;
}

#define PARSE_ENUM(fn, type, ...)                                                                  \
	int fn(const char *arg, type *out)                                                         \
	{                                                                                          \
		static const struct name_value t[] = { __VA_ARGS__, { NULL, 0 } };                 \
		int v;                                                                             \
		int r = name_to_value(t, arg, &v);                                                 \
		if (r == 0)                                                                        \
			*out = (type)v;                                                            \
		return r;                                                                          \
	}

PARSE_ENUM(parse_net_mode, enum net_mode, { "host", NET_HOST }, { "none", NET_NONE },
	   { "pasta", NET_PASTA })
PARSE_ENUM(parse_dev_mode, enum dev_mode, { "minimal", DEV_MINIMAL }, { "host", DEV_HOST })
PARSE_ENUM(parse_proc_mode, enum proc_mode, { "fresh", PROC_FRESH }, { "host", PROC_HOST })
PARSE_ENUM(parse_backend, enum backend_choice, { "auto", BACKEND_AUTO }, { "ns", BACKEND_NS },
	   { "proot", BACKEND_PROOT })
PARSE_ENUM(parse_fakeroot_mode, enum fakeroot_mode, { "seccomp", FAKEROOT_SECCOMP },
	   { "none", FAKEROOT_NONE })

void mount_spec_free(struct mount_spec *m)
{
	free(m->src);
	free(m->dest);
}

void env_op_free(struct env_op *e)
{
	free(e->name);
	free(e->value);
}

void run_config_free(struct run_config *cfg)
{
	for (size_t i = 0; i < cfg->n_mounts; i++)
		mount_spec_free(&cfg->mounts[i]);
	for (size_t i = 0; i < cfg->n_env_ops; i++)
		env_op_free(&cfg->env_ops[i]);
	for (size_t i = 0; i < cfg->n_publish; i++)
		free(cfg->publish[i].spec);
	free(cfg->mounts);
	free(cfg->env_ops);
	free(cfg->publish);
	free(cfg->preserve_fds);
	free(cfg->cap_ops);
}
