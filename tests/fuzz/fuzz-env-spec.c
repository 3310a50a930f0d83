// SPDX-License-Identifier: GPL-2.0-or-later
/* -e and --unsetenv arguments, and the environment env_build makes from
 * them and the caller's. The input is lines: "-eSPEC" is an -e argument,
 * "-uSPEC" an --unsetenv one, anything else a variable of the caller's
 * environment; the first byte's bits choose --keep-env and whether the
 * inside user has a name. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "run/env.h"
#include "run/options.h"

struct lines {
	char **v;
	size_t n;
};

/* Each line as the C string a caller would pass: up to its first NUL. */
static struct lines split_lines(const char *buf, size_t len)
{
	struct lines l = { 0 };
	l.v = calloc(len + 2, sizeof(*l.v));
	if (!l.v)
		return l;
	const char *end = buf + len;
	for (const char *p = buf; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		l.v[l.n] = strndup(p, (size_t)(eol - p));
		if (!l.v[l.n])
			break;
		l.n++;
		p = nl ? nl + 1 : end;
	}
	return l;
}

static bool name_is(const char *entry, const char *name, size_t len)
{
	return strncmp(entry, name, len) == 0 && entry[len] == '=';
}

static void check_name_valid(const char *s)
{
	fuzz_assert(env_name_valid(s) == (s[0] != '\0' && !strchr(s, '=')));
}

/* Parse one -e or --unsetenv line into *op; false when it is neither or
 * the parser refused it. */
static bool parse_op(const char *line, struct env_op *op)
{
	const char *why = NULL;
	const char *arg = line + 2;
	if (strncmp(line, "-e", 2) == 0) {
		int r = parse_env_spec(arg, op, &why);
		const char *eq = strchr(arg, '=');
		if (r < 0) {
			fuzz_assert(r == -EINVAL && why && (arg[0] == '\0' || arg[0] == '='));
			return false;
		}
		fuzz_assert(env_name_valid(op->name));
		fuzz_assert(op->kind == (eq ? ENV_SET : ENV_COPY));
		fuzz_assert(strncmp(op->name, arg, strlen(op->name)) == 0);
		if (eq)
			fuzz_assert(eq - arg == (ptrdiff_t)strlen(op->name) &&
				    strcmp(op->value, eq + 1) == 0);
		else
			fuzz_assert(op->value == NULL && strcmp(op->name, arg) == 0);
		return true;
	}
	if (strncmp(line, "-u", 2) == 0) {
		int r = parse_unsetenv_spec(arg, op, &why);
		fuzz_assert((r == 0) == env_name_valid(arg));
		if (r < 0)
			return false;
		fuzz_assert(op->kind == ENV_UNSET && strcmp(op->name, arg) == 0);
		return true;
	}
	return false;
}

/* The effect the last op on name promises: 1 set to value, 0 unset, -1
 * not decided by the ops (a copy, or no op at all). */
static int last_op(const struct env_op *ops, size_t n, const char *name, const char **value)
{
	for (size_t i = n; i-- > 0;) {
		if (strcmp(ops[i].name, name) != 0)
			continue;
		if (ops[i].kind == ENV_SET) {
			*value = ops[i].value;
			return 1;
		}
		return ops[i].kind == ENV_UNSET ? 0 : -1;
	}
	return -1;
}

static bool is_op_name(const struct env_op *ops, size_t n, const char *entry, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(ops[i].name) == len && memcmp(ops[i].name, entry, len) == 0)
			return true;
	return false;
}

static void check_env(char **env, const struct env_input *in)
{
	static const char *const fixed[] = {
		"container", "PATH", "HOME", "SHELL", "USER", "LOGNAME"
	};
	fuzz_assert(env != NULL);
	for (size_t i = 0; env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		fuzz_assert(eq != NULL);
		size_t len = (size_t)(eq - env[i]);
		for (size_t j = i + 1; env[j]; j++)
			fuzz_assert(!name_is(env[j], env[i], len));
		if (in->keep_env)
			continue;
		/* A clean environment holds nothing of the caller's but what
		 * passes through or what -e asked for. */
		bool known =
		    env_passes_through(env[i], len) || is_op_name(in->ops, in->n_ops, env[i], len);
		for (size_t k = 0; k < sizeof(fixed) / sizeof(fixed[0]); k++)
			known = known ||
				(strlen(fixed[k]) == len && memcmp(fixed[k], env[i], len) == 0);
		fuzz_assert(known);
	}
	for (size_t i = 0; i < in->n_ops; i++) {
		const char *value = NULL;
		int want = last_op(in->ops, in->n_ops, in->ops[i].name, &value);
		const char *got = env_get(env, in->ops[i].name);
		if (want == 1)
			fuzz_assert(got && strcmp(got, value) == 0);
		else if (want == 0)
			fuzz_assert(got == NULL);
	}
	if (!in->keep_env && !is_op_name(in->ops, in->n_ops, "PATH", 4))
		fuzz_assert(strcmp(env_get(env, "PATH"), INSIDE_PATH) == 0);
}

/* Sort the lines into the caller's environment and the ops, build, check. */
static void build(uint8_t flags, char **lines, size_t n, char **host, struct env_op *ops)
{
	size_t n_host = 0, n_ops = 0;
	for (size_t i = 0; i < n; i++) {
		check_name_valid(lines[i]);
		if (parse_op(lines[i], &ops[n_ops]))
			n_ops++;
		else if (strncmp(lines[i], "-e", 2) != 0 && strncmp(lines[i], "-u", 2) != 0)
			host[n_host++] = lines[i];
	}
	struct env_input in = {
		.host_env = host,
		.keep_env = flags & 1,
		.home = "/root",
		.user = flags & 2 ? NULL : "root",
		.shell = "/bin/sh",
		.ops = ops,
		.n_ops = n_ops,
	};
	char **env = env_build(&in);
	check_env(env, &in);
	env_free(env);
	for (size_t i = 0; i < n_ops; i++)
		env_op_free(&ops[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	struct lines l = split_lines((const char *)data + 1, size - 1);
	char **host = calloc(l.n + 1, sizeof(*host));
	struct env_op *ops = calloc(l.n + 1, sizeof(*ops));
	if (l.v && host && ops)
		build(data[0], l.v, l.n, host, ops);
	free(ops);
	free(host);
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
	return 0;
}
