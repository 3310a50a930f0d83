// SPDX-License-Identifier: GPL-2.0-or-later
#include "store/boxconf.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/idmap.h"
#include "util/json.h"
#include "util/jsonparse.h"
#include "util/parse.h"
#include "util/text.h"

static int set_str(struct box_conf *c, const char *v, size_t n, size_t field)
{
	char *s = strndup(v, n);
	if (!s)
		return -ENOMEM;
	char **p = (char **)((char *)c + field);
	free(*p);
	*p = s;
	return 0;
}

/* A list that may be empty, as none: box_conf_format writes no key for
 * an empty one, so that it reads back the same. */
static int set_list(struct box_conf *c, const char *v, size_t n, size_t field)
{
	if (strnlen(v, n))
		return set_str(c, v, n, field);
	char **p = (char **)((char *)c + field);
	free(*p);
	*p = NULL;
	return 0;
}

/* A size is only a figure to show: one that is not a number is unknown,
 * not an error that would make the box unusable. */
static int set_size(struct box_conf *c, const char *v, size_t n, size_t field)
{
	char digits[24];
	if (n == 0 || n >= sizeof(digits))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return 0;
	memcpy(digits, v, n);
	digits[n] = '\0';
	errno = 0;
	unsigned long long size = strtoull(digits, NULL, 10);
	if (errno == 0) {
		c->size = size;
		c->has_size = true;
	}
	return 0;
}

/* A value of at most max - 1 bytes as a string in buf: false when longer. */
static bool small_value(const char *v, size_t n, char *buf, size_t max)
{
	if (n >= max)
		return false;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return true;
}

static int set_version(struct box_conf *c, const char *v, size_t n, size_t field)
{
	char digits[12];
	if (!small_value(v, n, digits, sizeof(digits)) ||
	    parse_u32(digits, 1, UINT32_MAX, &c->version) < 0)
		return -EINVAL;
	return 0;
}

static int set_map(struct box_conf *c, const char *v, size_t n, size_t field)
{
	char mode[8];
	if (!small_value(v, n, mode, sizeof(mode)))
		return -EINVAL;
	return parse_map_mode(mode, (enum map_mode *)((char *)c + field));
}

/* "SECONDS.NANOSECONDS", as box_conf_format writes a time. */
static int set_time(struct box_conf *c, const char *v, size_t n, size_t field)
{
	char text[32];
	const char *dot = memchr(v, '.', n);
	uint64_t sec;
	uint32_t nsec;
	if (!dot || !small_value(v, n, text, sizeof(text)))
		return -EINVAL;
	text[dot - v] = '\0';
	if (parse_u64(text, 0, INT64_MAX, &sec) < 0 ||
	    parse_u32(text + (dot - v) + 1, 0, 999999999, &nsec) < 0)
		return -EINVAL;
	*(struct timespec *)((char *)c + field) = (struct timespec){ (time_t)sec, (long)nsec };
	return 0;
}

static int set_half_removed(struct box_conf *c, const char *v, size_t n, size_t field)
{
	c->half_removed = n == 3 && memcmp(v, "yes", 3) == 0;
	return 0;
}

static int set_ranges(struct box_conf *c, const char *v, size_t n, size_t field)
{
	return subid_parse_list(v, n, (struct subid_ranges *)((char *)c + field));
}

/* The keys of a box.conf; the field is the one the handler sets, where
 * it serves more than one key. */
static const struct {
	const char *key;
	int (*set)(struct box_conf *c, const char *v, size_t n, size_t field);
	size_t field;
} keys[] = {
	{ "version", set_version, 0 },
	{ "map", set_map, offsetof(struct box_conf, map) },
	{ "source", set_str, offsetof(struct box_conf, source) },
	{ "created", set_str, offsetof(struct box_conf, created) },
	{ "os-id", set_str, offsetof(struct box_conf, os_id) },
	{ "os-version", set_str, offsetof(struct box_conf, os_version) },
	{ "fixups", set_str, offsetof(struct box_conf, fixups) },
	{ "fixups-declined", set_list, offsetof(struct box_conf, fixups_declined) },
	{ "backend", set_str, offsetof(struct box_conf, backend) },
	{ "arch", set_str, offsetof(struct box_conf, arch) },
	{ "size", set_size, 0 },
	{ "half-removed", set_half_removed, 0 },
	{ "subuids", set_ranges, offsetof(struct box_conf, subuids) },
	{ "subgids", set_ranges, offsetof(struct box_conf, subgids) },
	{ "remap-to", set_map, offsetof(struct box_conf, remap_to) },
	{ "remap-since", set_time, offsetof(struct box_conf, remap_since) },
	{ "remap-subuids", set_ranges, offsetof(struct box_conf, remap_subuids) },
	{ "remap-subgids", set_ranges, offsetof(struct box_conf, remap_subgids) },
	{ "image-digest", set_str, offsetof(struct box_conf, image_digest) },
	{ "image-id", set_str, offsetof(struct box_conf, image_id) },
	{ "image-env", set_str, offsetof(struct box_conf, image_env) },
	{ "image-entrypoint", set_str, offsetof(struct box_conf, image_entrypoint) },
	{ "image-cmd", set_str, offsetof(struct box_conf, image_cmd) },
	{ "image-workdir", set_str, offsetof(struct box_conf, image_workdir) },
	{ "image-user", set_str, offsetof(struct box_conf, image_user) },
	{ "run-options", set_str, offsetof(struct box_conf, run_options) },
};

/* One line: "key=value" of a known key is set, anything else skipped. */
static int parse_line(struct box_conf *c, const char *line, size_t n)
{
	const char *eq = memchr(line, '=', n);
	if (line[0] == '#' || !eq)
		return 0;
	size_t klen = (size_t)(eq - line);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i].key) == klen && memcmp(line, keys[i].key, klen) == 0)
			return keys[i].set(c, eq + 1, n - klen - 1, keys[i].field);
	return 0;
}

int box_conf_set_image(struct box_conf *c, const char *line, size_t n)
{
	if (n < 6 || memcmp(line, "image-", 6) != 0 || !memchr(line, '=', n))
		return -EINVAL;
	return parse_line(c, line, n);
}

int box_conf_parse(const char *buf, size_t len, struct box_conf *out)
{
	struct box_conf c = { .version = 1, .map = MAP_UNSET, .remap_to = MAP_UNSET };
	const char *line;
	size_t n;
	int r = 0;
	for (const char *p = buf; r == 0 && next_line(&p, buf + len, &line, &n);)
		r = parse_line(&c, line, n);
	/* What a later nschroot wrote may mean what this one cannot know. */
	if (r == 0 && c.version > BOX_CONF_VERSION)
		r = -EINVAL;
	if (r == 0 && c.map == MAP_UNSET)
		r = -EINVAL;
	/* An auto box is entered with the ranges its files were made with. */
	if (r == 0 && map_mode_subordinate(c.map) && (c.subuids.n == 0 || c.subgids.n == 0))
		r = -EINVAL;
	/* A half-converted box must never be taken for a whole one. */
	if (r == 0 && c.remap_to != MAP_UNSET &&
	    (!map_mode_subordinate(c.remap_to) || c.remap_subuids.n == 0 ||
	     c.remap_subgids.n == 0 || (c.remap_since.tv_sec == 0 && c.remap_since.tv_nsec == 0)))
		r = -EINVAL;
	if (r < 0) {
		out->version = c.version;
		box_conf_free(&c);
		return r;
	}
	*out = c;
	return 0;
}

static void put(FILE *f, const char *key, const char *value)
{
	if (!value)
		return;
	fprintf(f, "%s=", key);
	for (const char *p = value; *p; p++)
		fputc(*p == '\n' || *p == '\r' ? ' ' : *p, f);
	fputc('\n', f);
}

char *box_conf_format(const struct box_conf *conf)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	if (!f)
		return NULL;
	fprintf(f, "version=%u\n", BOX_CONF_VERSION);
	fputs("# nschroot box; written by nschroot, read by nschroot.\n", f);
	put(f, "map", map_mode_name(conf->map));
	put(f, "source", conf->source);
	put(f, "created", conf->created);
	put(f, "os-id", conf->os_id);
	put(f, "os-version", conf->os_version);
	put(f, "fixups", conf->fixups);
	if (conf->fixups_declined && *conf->fixups_declined)
		put(f, "fixups-declined", conf->fixups_declined);
	put(f, "backend", conf->backend);
	put(f, "arch", conf->arch);
	if (conf->has_size)
		fprintf(f, "size=%" PRIu64 "\n", conf->size);
	if (conf->half_removed)
		put(f, "half-removed", "yes");
	char ranges[SUBID_MAX_RANGES * 24];
	if (conf->subuids.n && subid_format(&conf->subuids, ranges, sizeof(ranges)) == 0)
		put(f, "subuids", ranges);
	if (conf->subgids.n && subid_format(&conf->subgids, ranges, sizeof(ranges)) == 0)
		put(f, "subgids", ranges);
	if (conf->remap_to != MAP_UNSET) {
		put(f, "remap-to", map_mode_name(conf->remap_to));
		fprintf(f, "remap-since=%lld.%09ld\n", (long long)conf->remap_since.tv_sec,
			conf->remap_since.tv_nsec);
		if (subid_format(&conf->remap_subuids, ranges, sizeof(ranges)) == 0)
			put(f, "remap-subuids", ranges);
		if (subid_format(&conf->remap_subgids, ranges, sizeof(ranges)) == 0)
			put(f, "remap-subgids", ranges);
	}
	put(f, "image-digest", conf->image_digest);
	put(f, "image-id", conf->image_id);
	put(f, "image-env", conf->image_env);
	put(f, "image-entrypoint", conf->image_entrypoint);
	put(f, "image-cmd", conf->image_cmd);
	put(f, "image-workdir", conf->image_workdir);
	put(f, "image-user", conf->image_user);
	put(f, "run-options", conf->run_options);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

void box_conf_free(struct box_conf *conf)
{
	free(conf->source);
	free(conf->created);
	free(conf->os_id);
	free(conf->os_version);
	free(conf->fixups);
	free(conf->fixups_declined);
	free(conf->backend);
	free(conf->arch);
	free(conf->image_digest);
	free(conf->image_id);
	free(conf->image_env);
	free(conf->image_entrypoint);
	free(conf->image_cmd);
	free(conf->image_workdir);
	free(conf->image_user);
	free(conf->run_options);
	*conf = (struct box_conf){ 0 };
}

static void free_vector(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int box_conf_run_options(const struct box_conf *c, char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!c->run_options)
		return 0;
	struct json_value *v = NULL;
	int r = json_parse(c->run_options, strlen(c->run_options), &v, NULL, 0);
	if (r == 0 && !json_is_string_array(v))
		r = -EINVAL;
	size_t count = json_count(v);
	char **s = r == 0 ? calloc(count + 1, sizeof(*s)) : NULL;
	if (r == 0 && !s)
		r = -ENOMEM;
	for (size_t i = 0; s && i < count; i++)
		if (!(s[i] = strdup(json_str(json_item(v, i)))))
			r = -ENOMEM;
	json_free(v);
	if (r < 0) {
		if (s)
			free_vector(s, count);
		return r;
	}
	*out = s;
	*n = count;
	return 0;
}

int box_conf_set_run_options(struct box_conf *c, char *const *v, size_t n)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = n ? open_memstream(&text, &size) : NULL;
	if (n && !f)
		return -ENOMEM;
	/* json_string escapes every control character: a newline in an
	 * option stays on the key's one line. */
	for (size_t i = 0; i < n; i++) {
		fputc(i ? ',' : '[', f);
		json_string(f, v[i]);
	}
	if (f && (fputc(']', f) == EOF || fclose(f) != 0)) {
		free(text);
		return -ENOMEM;
	}
	/* The reader is strict (UTF-8 throughout): what it would refuse to
	 * read back is refused here rather than saved. */
	struct json_value *back = NULL;
	int r = text && strlen(text) > BOX_RUN_OPTIONS_MAX ? -E2BIG : 0;
	if (r == 0 && text)
		r = json_parse(text, strlen(text), &back, NULL, 0);
	json_free(back);
	if (r < 0) {
		free(text);
		return r;
	}
	free(c->run_options);
	c->run_options = text;
	return 0;
}
