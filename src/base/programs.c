// SPDX-License-Identifier: GPL-2.0-or-later
#include "base/programs.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *own_program(const char *name)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *p = NULL;
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			if (asprintf(&p, "%s/%s", self, name) < 0)
				p = NULL;
			if (p && access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	if (asprintf(&p, "%s/%s", NSCHROOT_LIBEXECDIR, name) < 0)
		return NULL;
	return p;
}

static int executable_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

char *search_path(const char *name)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/bin:/bin";
	while (*path) {
		const char *colon = strchrnul(path, ':');
		char *p = NULL;
		if (colon > path && asprintf(&p, "%.*s/%s", (int)(colon - path), path, name) >= 0 &&
		    executable_file(p))
			return p;
		free(p);
		path = *colon ? colon + 1 : colon;
	}
	return NULL;
}

char *find_program(const char *env_name, const char *name)
{
	const char *given = getenv(env_name);
	if (given && *given)
		name = given;
	if (strchr(name, '/'))
		return executable_file(name) ? strdup(name) : NULL;
	return search_path(name);
}
