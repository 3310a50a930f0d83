// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmd/imageconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonparse.h"

static void free_strings(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

/* The strings of the JSON arrays texts (NULL ones skipped) end to end,
 * NULL-terminated; *out NULL when there are none. 0, -EINVAL, -ENOMEM. */
static int strings_of(const char *const texts[], size_t ntexts, char ***out)
{
	struct json_value *v[2] = { NULL, NULL };
	size_t total = 0;
	int r = 0;
	*out = NULL;
	for (size_t i = 0; r == 0 && i < ntexts; i++) {
		if (texts[i] && (r = json_parse(texts[i], strlen(texts[i]), &v[i], NULL, 0)) == 0 &&
		    !json_is_string_array(v[i]))
			r = -EINVAL;
		total += json_count(v[i]);
	}
	char **s = r == 0 && total ? calloc(total + 1, sizeof(*s)) : NULL;
	if (r == 0 && total && !s)
		r = -ENOMEM;
	size_t n = 0;
	for (size_t i = 0; s && i < ntexts; i++)
		for (size_t j = 0; j < json_count(v[i]); j++) {
			s[n] = strdup(json_str(json_item(v[i], j)));
			if (!s[n++])
				r = -ENOMEM;
		}
	json_free(v[0]);
	json_free(v[1]);
	if (r < 0)
		free_strings(s);
	else
		*out = s;
	return r;
}

int image_defaults_load(const struct box_conf *c, struct image_defaults *d, const char **bad)
{
	*d = (struct image_defaults){ 0 };
	const char *env[] = { c->image_env };
	*bad = "image-env";
	int r = strings_of(env, 1, &d->env);
	if (r == 0) {
		const char *argv[] = { c->image_entrypoint, c->image_cmd };
		*bad = "image-entrypoint or image-cmd";
		r = strings_of(argv, 2, &d->argv);
	}
	if (r == 0 && c->image_workdir && !(d->workdir = strdup(c->image_workdir)))
		r = -ENOMEM;
	if (r == 0 && c->image_user) {
		/* "user", "uid", "user:group", "uid:gid" */
		const char *colon = strchr(c->image_user, ':');
		d->user = colon ? strndup(c->image_user, (size_t)(colon - c->image_user))
				: strdup(c->image_user);
		d->group = colon ? strdup(colon + 1) : NULL;
		if (!d->user || (colon && !d->group))
			r = -ENOMEM;
	}
	if (r < 0)
		image_defaults_free(d);
	return r;
}

void image_defaults_apply(const struct image_defaults *d, struct run_config *cfg, bool enter)
{
	if (!enter && !cfg->argv)
		cfg->argv = d->argv;
	if (!cfg->chdir)
		cfg->chdir = d->workdir;
	/* The image's user as a whole, or not at all; in keep-id mode the
	 * caller is the user, as with podman's keep-id. */
	if (!cfg->uid && !cfg->gid && d->user && *d->user && cfg->map != MAP_KEEP_ID) {
		cfg->uid = d->user;
		cfg->gid = d->group && *d->group ? d->group : NULL;
	}
	cfg->image_env = d->env;
}

void image_defaults_free(struct image_defaults *d)
{
	free_strings(d->env);
	free_strings(d->argv);
	free(d->workdir);
	free(d->user);
	free(d->group);
	*d = (struct image_defaults){ 0 };
}
