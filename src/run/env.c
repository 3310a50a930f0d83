// SPDX-License-Identifier: GPL-2.0-or-later
#include "run/env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct envv {
	char **v;
	size_t n, cap;
	bool oom;
};

static size_t name_len(const char *entry)
{
	const char *eq = strchr(entry, '=');
	return eq ? (size_t)(eq - entry) : strlen(entry);
}

static ssize_t envv_find(const struct envv *e, const char *name, size_t len)
{
	for (size_t i = 0; i < e->n; i++)
		if (name_len(e->v[i]) == len && memcmp(e->v[i], name, len) == 0)
			return (ssize_t)i;
	return -1;
}

/* Take ownership of entry ("NAME=VALUE"), replacing any same-named one. */
static void envv_put(struct envv *e, char *entry)
{
	if (!entry) {
		e->oom = true;
		return;
	}
	ssize_t i = envv_find(e, entry, name_len(entry));
	if (i >= 0) {
		free(e->v[i]);
		e->v[i] = entry;
		return;
	}
	if (e->n + 2 > e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 32;
		char **v = realloc(e->v, cap * sizeof(*v));
		if (!v) {
			free(entry);
			e->oom = true;
			return;
		}
		e->v = v;
		e->cap = cap;
	}
	e->v[e->n++] = entry;
	e->v[e->n] = NULL;
}

static void envv_set(struct envv *e, const char *name, const char *value)
{
	char *entry;
	if (asprintf(&entry, "%s=%s", name, value) < 0)
		entry = NULL;
	envv_put(e, entry);
}

static void envv_unset(struct envv *e, const char *name)
{
	ssize_t i = envv_find(e, name, strlen(name));
	if (i < 0)
		return;
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): found, so e->v holds it */
	free(e->v[i]);
	memmove(&e->v[i], &e->v[i + 1], (e->n - (size_t)i) * sizeof(char *));
	e->n--;
}

bool env_passes_through(const char *name, size_t len)
{
	static const char *const keep[] = {
		"TERM",	      "COLORTERM",   "LANG",	  "LANGUAGE", "TZ",
		"http_proxy", "https_proxy", "ftp_proxy", "no_proxy", "all_proxy",
		"HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY",
	};
	if (len > 3 && memcmp(name, "LC_", 3) == 0)
		return true;
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (strlen(keep[i]) == len && memcmp(keep[i], name, len) == 0)
			return true;
	return false;
}

const char *env_get(char *const *env, const char *name)
{
	size_t len = strlen(name);
	for (; env && *env; env++)
		if (strncmp(*env, name, len) == 0 && (*env)[len] == '=')
			return *env + len + 1;
	return NULL;
}

char **env_build(const struct env_input *in)
{
	struct envv e = { 0 };
	/* An image's Env is the base: what passes from the host goes over
	 * it, and its PATH, which leads to what the image installed, stands
	 * for the default one. */
	bool image_path = false;
	for (char *const *v = in->image_env; v && *v; v++)
		if (strchr(*v, '=') && name_len(*v) > 0) {
			envv_put(&e, strdup(*v));
			image_path |= name_len(*v) == 4 && strncmp(*v, "PATH", 4) == 0;
		}
	for (char *const *h = in->host_env; h && *h; h++)
		if (strchr(*h, '=') && (in->keep_env || env_passes_through(*h, name_len(*h))))
			envv_put(&e, strdup(*h));

	/* Who the command is, even with --keep-env: a HOME of the caller's
	 * would not be the directory the command starts in, nor its own. */
	envv_set(&e, "container", "nschroot");
	if (!in->keep_env && !image_path)
		envv_set(&e, "PATH", INSIDE_PATH);
	envv_set(&e, "HOME", in->home);
	envv_set(&e, "SHELL", in->shell);
	if (in->user) {
		envv_set(&e, "USER", in->user);
		envv_set(&e, "LOGNAME", in->user);
	}

	/* The variables that name what --x11, --wayland... granted: the
	 * host's values name host paths. -e still has the last word. */
	for (char *const *g = in->grants; g && *g; g++)
		envv_put(&e, strdup(*g));

	for (size_t i = 0; i < in->n_ops; i++) {
		const struct env_op *op = &in->ops[i];
		const char *v;
		switch (op->kind) {
		case ENV_SET:
			envv_set(&e, op->name, op->value);
			break;
		case ENV_COPY:
			v = env_get(in->host_env, op->name);
			if (v)
				envv_set(&e, op->name, v);
			break;
		case ENV_UNSET:
			envv_unset(&e, op->name);
			break;
		}
	}

	if (e.oom) {
		env_free(e.v);
		return NULL;
	}
	return e.v;
}

void env_free(char **env)
{
	for (char **p = env; p && *p; p++)
		free(*p);
	free(env);
}
