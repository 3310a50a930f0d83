// SPDX-License-Identifier: GPL-2.0-or-later
#include "store/image-config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arch.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/jsonparse.h"

/* box.conf's created as create writes it, 2024-05-01T12:00:00Z: a time
 * as RFC 3339, and so the spec, wants it. */
static bool created_ok(const char *s)
{
	static const char pattern[] = "dddd-dd-ddTdd:dd:ddZ";
	if (!s || strlen(s) != sizeof(pattern) - 1)
		return false;
	for (size_t i = 0; pattern[i]; i++)
		if (pattern[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != pattern[i])
			return false;
	return true;
}

/* The members of the config's "config" and the box.conf keys they come
 * from: arrays are box.conf's JSON as it is, checked; strings are quoted. */
static const struct {
	const char *member, *key;
	size_t field;
	bool array;
	const char *fallback; /* the JSON for a box without the key, or NULL */
} settings[] = {
	{ "Env", "image-env", offsetof(struct box_conf, image_env), true,
	  "[\"" IMAGE_DEFAULT_PATH "\"]" },
	{ "Entrypoint", "image-entrypoint", offsetof(struct box_conf, image_entrypoint), true,
	  NULL },
	{ "Cmd", "image-cmd", offsetof(struct box_conf, image_cmd), true, NULL },
	{ "WorkingDir", "image-workdir", offsetof(struct box_conf, image_workdir), false, NULL },
	{ "User", "image-user", offsetof(struct box_conf, image_user), false, NULL },
};

static int put_settings(FILE *m, const struct box_conf *conf, struct failure *f)
{
	const char *sep = "";
	fputs("\"config\":{", m);
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		const char *v = *(char *const *)((const char *)conf + settings[i].field);
		if (!v && !settings[i].fallback)
			continue;
		_cleanup_json_ struct json_value *list = NULL;
		if (v && settings[i].array &&
		    (json_parse(v, strlen(v), &list, NULL, 0) < 0 || !json_is_string_array(list)))
			return fail_said(f, EINVAL, "box.conf's %s is not a JSON array of strings",
					 settings[i].key);
		fprintf(m, "%s\"%s\":", sep, settings[i].member);
		if (!v)
			fputs(settings[i].fallback, m);
		else if (list)
			json_write(m, list);
		else
			json_string(m, v);
		sep = ",";
	}
	fputc('}', m);
	return 0;
}

int image_config_build(const struct box_conf *conf, const char *arch, char **json,
		       struct failure *f)
{
	const char *variant = NULL;
	const char *oci = arch ? arch_oci_name(arch, &variant) : NULL;
	if (!oci)
		return fail_said(f, EINVAL, "the architecture '%s' has no name in OCI images",
				 arch ? arch : "?");
	const char *created = created_ok(conf->created) ? conf->created : NULL;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return fail(f, errno, "cannot make the image config");
	fprintf(m, "{\"architecture\":\"%s\"", oci);
	if (variant)
		fprintf(m, ",\"variant\":\"%s\"", variant);
	fputs(",\"os\":\"linux\"", m);
	if (created)
		fprintf(m, ",\"created\":\"%s\"", created);
	fputc(',', m);
	int r = put_settings(m, conf, f);
	fputs(",\"history\":[{", m);
	if (created)
		fprintf(m, "\"created\":\"%s\",", created);
	fputs("\"created_by\":\"nschroot export\"}]}", m);
	bool broken = ferror(m);
	if (fclose(m) != 0 || broken)
		return fail(f, ENOMEM, "cannot make the image config");
	if (r < 0)
		return r;
	*json = steal_pointer(&buf);
	return 0;
}

char *image_tag(const char *name)
{
	_cleanup_free_ char *repo = malloc(strlen(name) + 1);
	if (!repo)
		return NULL;
	size_t n = 0;
	for (const char *p = name; *p;) {
		size_t run = strspn(p, "._-");
		if (run == 0) {
			repo[n++] = (char)tolower((unsigned char)*p++);
			continue;
		}
		if (!p[run])
			break;
		/* A separator is one of . _ __ or a run of -. */
		if (run == 1 || strspn(p, "-") == run || (run == 2 && p[0] == '_' && p[1] == '_')) {
			memcpy(repo + n, p, run);
			n += run;
		} else {
			repo[n++] = '-';
		}
		p += run;
	}
	repo[n] = '\0';
	char *tag = NULL;
	return asprintf(&tag, "localhost/%s:latest", repo) < 0 ? NULL : tag;
}
