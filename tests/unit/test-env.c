// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of src/run/env.c: the command's environment is clean and
 * predictable (DESIGN.md, "Environment"), so what must NOT leak in from the
 * host (SSH_AUTH_SOCK, LD_PRELOAD, the host's PATH and HOME) matters as
 * much as what passes. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "run/env.h"
#include "tap.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A host environment with something of every kind: variables that pass,
 * variables that must not, a `container=` of the host's own, near-miss
 * names, a value holding '=', and an entry without '=' (execve allows it). */
static char *host[] = {
	"PATH=/host/bin",
	"HOME=/home/host",
	"SHELL=/bin/zsh",
	"USER=host",
	"LOGNAME=host",
	"SSH_AUTH_SOCK=/tmp/ssh-agent",
	"LD_PRELOAD=/tmp/evil.so",
	"DISPLAY=:0",
	"TERMINFO=/home/host/.terminfo",
	"LCX=no",
	"LC_=no",
	"Http_Proxy=no",
	"container=docker",
	"NOEQUALS",
	"X=a=b",
	"TERM=xterm-256color",
	"COLORTERM=truecolor",
	"LANG=en_US.UTF-8",
	"LANGUAGE=en_US:en",
	"LC_ALL=C.UTF-8",
	"LC_TIME=de_DE.UTF-8",
	"TZ=Europe/Paris",
	"http_proxy=http://p:1",
	"https_proxy=http://p:2",
	"ftp_proxy=http://p:3",
	"no_proxy=localhost",
	"all_proxy=socks5://p:4",
	"HTTP_PROXY=http://P:1",
	"HTTPS_PROXY=http://P:2",
	"FTP_PROXY=http://P:3",
	"NO_PROXY=LOCALHOST",
	"ALL_PROXY=socks5://P:4",
	NULL,
};

/* The host entries that pass into a clean environment, as they are. */
static const char *const passed[] = {
	"TERM=xterm-256color",	 "COLORTERM=truecolor",	   "LANG=en_US.UTF-8",
	"LANGUAGE=en_US:en",	 "LC_ALL=C.UTF-8",	   "LC_TIME=de_DE.UTF-8",
	"TZ=Europe/Paris",	 "http_proxy=http://p:1",  "https_proxy=http://p:2",
	"ftp_proxy=http://p:3",	 "no_proxy=localhost",	   "all_proxy=socks5://p:4",
	"HTTP_PROXY=http://P:1", "HTTPS_PROXY=http://P:2", "FTP_PROXY=http://P:3",
	"NO_PROXY=LOCALHOST",	 "ALL_PROXY=socks5://P:4",
};

static size_t env_count(char *const *env)
{
	size_t n = 0;
	while (env && env[n])
		n++;
	return n;
}

static bool env_has(char *const *env, const char *entry)
{
	for (; env && *env; env++)
		if (strcmp(*env, entry) == 0)
			return true;
	return false;
}

/* How many entries define name: env_get only sees the first, so a
 * duplicate would be invisible to it while execve passes both. */
static size_t env_defines(char *const *env, const char *name)
{
	size_t len = strlen(name), n = 0;
	for (; env && *env; env++)
		if (strncmp(*env, name, len) == 0 && (*env)[len] == '=')
			n++;
	return n;
}

/* No name appears twice anywhere in env. */
static bool env_unique(char *const *env)
{
	for (size_t i = 0; env && env[i]; i++)
		for (size_t j = i + 1; env[j]; j++) {
			size_t li = strcspn(env[i], "="), lj = strcspn(env[j], "=");
			if (li == lj && memcmp(env[i], env[j], li) == 0) {
				diag("'%s' and '%s' share a name", env[i], env[j]);
				return false;
			}
		}
	return true;
}

static void test_clean(void)
{
	struct env_input in = {
		.host_env = host, .home = "/root", .user = "root", .shell = "/bin/bash"
	};
	char **env = env_build(&in);
	if (!ok(env != NULL, "the clean environment is built"))
		return;

	/* Ours, whatever the host says. */
	const char *const ours[] = {
		"container=nschroot", ("PATH=" INSIDE_PATH), "HOME=/root",
		"SHELL=/bin/bash",    "USER=root",	     "LOGNAME=root",
	};
	for (size_t i = 0; i < N(ours); i++)
		ok(env_has(env, ours[i]), "clean: '%s'", ours[i]);
	for (size_t i = 0; i < N(passed); i++)
		ok(env_has(env, passed[i]), "clean: '%s' passes through", passed[i]);
	/* With both lists present, the count proves nothing else came in. */
	is_int((long long)env_count(env), (long long)(N(ours) + N(passed)),
	       "clean: nothing else is in it");

	const char *const blocked[] = { "SSH_AUTH_SOCK", "LD_PRELOAD", "DISPLAY", "TERMINFO", "LCX",
					"LC_",		 "Http_Proxy", "X",	  "NOEQUALS" };
	for (size_t i = 0; i < N(blocked); i++)
		is_str(env_get(env, blocked[i]), NULL, "clean: %s does not pass", blocked[i]);
	is_str(env_get(env, "PATH"), INSIDE_PATH, "clean: the host's PATH does not pass");
	is_str(env_get(env, "HOME"), "/root", "clean: the host's HOME does not pass");
	is_str(env_get(env, "container"), "nschroot", "clean: a host container= is not kept");
	ok(env_unique(env), "clean: no name appears twice");
	env_free(env);
}

static void test_passes_through(void)
{
	ok(env_passes_through("LC_PAPER", 8), "LC_PAPER passes");
	ok(!env_passes_through("LC_", 3), "'LC_' alone does not pass");
	ok(!env_passes_through("term", 4), "names are case-sensitive");
	ok(!env_passes_through("Http_Proxy", 10), "only the two usual cases of proxy names pass");
	/* The length is the name's: a longer name with a kept prefix is not
	 * kept, and an entry's "=value" is not part of the name. */
	ok(!env_passes_through("TERMINFO", 8), "TERMINFO does not pass");
	ok(env_passes_through("TERM=xterm", 4), "the name is the first len bytes");
	ok(!env_passes_through("TZ", 1), "a prefix of a kept name does not pass");
}

static void test_keep_env(void)
{
	struct env_input in = { .host_env = host,
				.keep_env = true,
				.home = "/root",
				.user = "root",
				.shell = "/bin/bash" };
	char **env = env_build(&in);
	if (!ok(env != NULL, "the --keep-env environment is built"))
		return;

	/* Everything of the host's that is a NAME=VALUE, minus its container=
	 * and the four that say who the command is, which name the inside
	 * user even then (HOME is where the command starts). */
	static const char *const who[] = { "HOME=", "SHELL=", "USER=", "LOGNAME=" };
	size_t n_host = 0;
	for (char **h = host; *h; h++) {
		bool inside = false;
		for (size_t i = 0; i < 4; i++)
			inside |= strncmp(*h, who[i], strlen(who[i])) == 0;
		if (!strchr(*h, '=') || strncmp(*h, "container=", 10) == 0 || inside)
			continue;
		n_host++;
		ok(env_has(env, *h), "keep-env: '%s' passes", *h);
	}
	is_str(env_get(env, "container"), "nschroot", "keep-env: container=nschroot is still set");
	is_str(env_get(env, "HOME"), "/root", "keep-env: HOME is the inside user's");
	is_str(env_get(env, "SHELL"), "/bin/bash", "keep-env: SHELL is the inside user's");
	is_str(env_get(env, "USER"), "root", "keep-env: USER is the inside user's");
	is_str(env_get(env, "LOGNAME"), "root", "keep-env: LOGNAME is the inside user's");
	is_int((long long)env_count(env), (long long)n_host + 5, "keep-env: nothing else is in it");
	is_str(env_get(env, "NOEQUALS"), NULL, "keep-env: an entry without '=' is dropped");
	ok(env_unique(env), "keep-env: no name appears twice");
	env_free(env);
}

static void test_ops(void)
{
	const struct env_op ops[] = {
		{ ENV_SET, "A", "1" },
		{ ENV_COPY, "SSH_AUTH_SOCK", NULL },
		{ ENV_COPY, "ABSENT", NULL },
		/* "X=a=b" is on the host: the copy is of the whole value. */
		{ ENV_COPY, "X", NULL },
		/* "LC" is a prefix of host names, never a name there. */
		{ ENV_COPY, "LC", NULL },
		{ ENV_SET, "A", "2" },
		{ ENV_SET, "B", "x" },
		{ ENV_UNSET, "B", NULL },
		{ ENV_UNSET, "TERM", NULL },
		{ ENV_UNSET, "NEVER_SET", NULL },
		{ ENV_SET, "C", "1" },
		{ ENV_UNSET, "C", NULL },
		{ ENV_SET, "C", "2" },
		{ ENV_SET, "PATH", "/custom" },
		{ ENV_UNSET, "HOME", NULL },
		{ ENV_SET, "LANG", "C" },
		/* Copying a name that already passed keeps one copy. */
		{ ENV_COPY, "TZ", NULL },
	};
	struct env_input in = { .host_env = host,
				.home = "/root",
				.user = "root",
				.shell = "/bin/bash",
				.ops = ops,
				.n_ops = N(ops) };
	char **env = env_build(&in);
	if (!ok(env != NULL, "the environment with -e operations is built"))
		return;

	is_str(env_get(env, "A"), "2", "ops: a later set overrides an earlier one");
	is_str(env_get(env, "SSH_AUTH_SOCK"), "/tmp/ssh-agent",
	       "ops: -e NAME copies from the host");
	is_str(env_get(env, "ABSENT"), NULL, "ops: copying an absent variable is a no-op");
	is_str(env_get(env, "X"), "a=b", "ops: a copied value keeps its '='");
	is_str(env_get(env, "LC"), NULL, "ops: a copy matches whole names only");
	is_str(env_get(env, "B"), NULL, "ops: unset removes a variable set earlier");
	is_str(env_get(env, "TERM"), NULL, "ops: unset removes a passed-through variable");
	is_str(env_get(env, "C"), "2", "ops: set after unset re-adds");
	is_str(env_get(env, "PATH"), "/custom", "ops: set overrides our PATH");
	is_str(env_get(env, "HOME"), NULL, "ops: unset removes our HOME");
	is_str(env_get(env, "LANG"), "C", "ops: set overrides a passed-through variable");
	is_str(env_get(env, "TZ"), "Europe/Paris", "ops: copying a passed variable keeps it");
	is_str(env_get(env, "SHELL"), "/bin/bash", "ops: untouched variables stay");
	is_str(env_get(env, "COLORTERM"), "truecolor", "ops: unset removed only its name");
	const char *const names[] = { "A", "C", "PATH", "LANG", "TZ", "container" };
	for (size_t i = 0; i < N(names); i++)
		is_int((long long)env_defines(env, names[i]), 1, "ops: %s is defined once",
		       names[i]);
	ok(env_unique(env), "ops: no name appears twice");
	/* 6 ours + 17 passed, -TERM -HOME, +A +SSH_AUTH_SOCK +X +C. */
	is_int((long long)env_count(env), 6 + 17 - 2 + 4, "ops: nothing else changed");
	env_free(env);
}

static void test_no_user(void)
{
	struct env_input in = { .host_env = host, .home = "/", .user = NULL, .shell = "/bin/sh" };
	char **env = env_build(&in);
	if (!ok(env != NULL, "the environment without a passwd entry is built"))
		return;
	is_str(env_get(env, "USER"), NULL, "no user: USER is unset (not the host's)");
	is_str(env_get(env, "LOGNAME"), NULL, "no user: LOGNAME is unset (not the host's)");
	is_str(env_get(env, "HOME"), "/", "no user: HOME is still set");
	is_str(env_get(env, "SHELL"), "/bin/sh", "no user: SHELL is still set");
	env_free(env);
}

static void test_duplicates(void)
{
	/* execve takes any array, duplicates included; the sandbox must not
	 * hand on two TERMs (which one wins differs between programs). */
	char *dup_host[] = { "TERM=first",  "LANG=C",	   "TERM=second",
			     "container=a", "container=b", NULL };
	struct env_input in = {
		.host_env = dup_host, .home = "/root", .user = "root", .shell = "/bin/sh"
	};
	char **env = env_build(&in);
	if (ok(env != NULL, "duplicates: the clean environment is built")) {
		is_int((long long)env_defines(env, "TERM"), 1, "duplicates: one TERM (clean)");
		ok(env_unique(env), "duplicates: no name appears twice (clean)");
		env_free(env);
	}
	in.keep_env = true;
	env = env_build(&in);
	if (ok(env != NULL, "duplicates: the --keep-env environment is built")) {
		is_int((long long)env_defines(env, "TERM"), 1, "duplicates: one TERM (keep-env)");
		is_int((long long)env_defines(env, "container"), 1,
		       "duplicates: one container (keep-env)");
		is_str(env_get(env, "container"), "nschroot",
		       "duplicates: container=nschroot wins (keep-env)");
		ok(env_unique(env), "duplicates: no name appears twice (keep-env)");
		env_free(env);
	}
}

static void test_empty_host(void)
{
	struct env_input in = {
		.host_env = NULL, .home = "/root", .user = "root", .shell = "/bin/sh"
	};
	char **env = env_build(&in);
	if (ok(env != NULL, "no host environment: built")) {
		is_int((long long)env_count(env), 6, "no host environment: exactly ours");
		env_free(env);
	}
}

static void test_env_get(void)
{
	char *env[] = { "PATHX=1", "PATH=/bin", "EMPTY=", "NOEQ", NULL };
	is_str(env_get(env, "PATH"), "/bin", "env_get skips a longer name with the same prefix");
	is_str(env_get(env, "PAT"), NULL, "env_get does not match a prefix");
	is_str(env_get(env, "EMPTY"), "", "env_get returns an empty value as ''");
	is_str(env_get(env, "NOEQ"), NULL, "env_get ignores an entry without '='");
	is_str(env_get(NULL, "PATH"), NULL, "env_get of a NULL environment is NULL");
	env_free(NULL);
	ok(true, "env_free(NULL) is a no-op");
}

/* An image's Env is the base: the host's pass-through variables and the
 * inside user's go over it, its PATH stands for the default, and -e goes
 * over everything. */
static void test_image_env(void)
{
	char *image[] = { "PATH=/opt/app/bin:/usr/bin",
			  "TERM=dumb",
			  "HOME=/image",
			  "APP=1",
			  "NOEQUALS",
			  "=nameless",
			  "APP_MODE=a=b",
			  NULL };
	struct env_op set = { ENV_SET, "APP", "2" };
	struct env_input in = { .host_env = host,
				.image_env = image,
				.home = "/root",
				.user = "root",
				.shell = "/bin/sh",
				.ops = &set,
				.n_ops = 1 };
	char **env = env_build(&in);
	if (!ok(env != NULL, "image: the environment is built"))
		return;
	is_str(env_get(env, "PATH"), "/opt/app/bin:/usr/bin", "image: its PATH is kept");
	is_str(env_get(env, "TERM"), "xterm-256color", "image: the host's TERM goes over it");
	is_str(env_get(env, "HOME"), "/root", "image: the inside user's HOME goes over it");
	is_str(env_get(env, "APP"), "2", "image: -e goes over it");
	is_str(env_get(env, "APP_MODE"), "a=b", "image: a value holding '=' is kept");
	is_str(env_get(env, "NOEQUALS"), NULL, "image: an entry without '=' is dropped");
	ok(!env_has(env, "=nameless"), "image: an entry without a name is dropped");
	ok(env_unique(env), "image: no name appears twice");
	env_free(env);

	char *no_path[] = { "APP=1", NULL };
	in = (struct env_input){
		.host_env = host, .image_env = no_path, .home = "/", .shell = "/bin/sh"
	};
	env = env_build(&in);
	is_str(env_get(env, "PATH"), INSIDE_PATH, "image without PATH: the default one");
	env_free(env);
}

int main(void)
{
	test_clean();
	test_image_env();
	test_passes_through();
	test_keep_env();
	test_ops();
	test_no_user();
	test_duplicates();
	test_empty_host();
	test_env_get();
	return done_testing();
}
