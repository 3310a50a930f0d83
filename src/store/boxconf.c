// SPDX-License-Identifier: GPL-2.0-or-later
#include "store/boxconf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/idmap.h"

static int set_str(char **field, const char *v, size_t n)
{
	char *s = strndup(v, n);
	if (!s)
		return -ENOMEM;
	free(*field);
	*field = s;
	return 0;
}

/* A size is only a figure to show: one that is not a number is unknown,
 * not an error that would make the box unusable. */
static void set_size(struct box_conf *c, const char *v, size_t n)
{
	char digits[24];
	if (n == 0 || n >= sizeof(digits))
		return;
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return;
	memcpy(digits, v, n);
	digits[n] = '\0';
	errno = 0;
	unsigned long long size = strtoull(digits, NULL, 10);
	if (errno == 0) {
		c->size = size;
		c->has_size = true;
	}
}

int box_conf_parse(const char *buf, size_t len, struct box_conf *out)
{
	struct box_conf c = { .map = MAP_UNSET };
	const char *end = buf + len;
	int r = 0;
	for (const char *line = buf; line < end && r == 0;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end;
		const char *eq = memchr(line, '=', (size_t)(eol - line));
		if (line[0] != '#' && eq) {
			size_t klen = (size_t)(eq - line);
			const char *v = eq + 1;
			size_t vlen = (size_t)(eol - v);
			if (klen == 3 && memcmp(line, "map", 3) == 0) {
				char mode[8];
				if (vlen >= sizeof(mode))
					r = -EINVAL;
				else {
					memcpy(mode, v, vlen);
					mode[vlen] = '\0';
					r = parse_map_mode(mode, &c.map);
				}
			} else if (klen == 6 && memcmp(line, "source", 6) == 0) {
				r = set_str(&c.source, v, vlen);
			} else if (klen == 7 && memcmp(line, "created", 7) == 0) {
				r = set_str(&c.created, v, vlen);
			} else if (klen == 5 && memcmp(line, "os-id", 5) == 0) {
				r = set_str(&c.os_id, v, vlen);
			} else if (klen == 10 && memcmp(line, "os-version", 10) == 0) {
				r = set_str(&c.os_version, v, vlen);
			} else if (klen == 6 && memcmp(line, "fixups", 6) == 0) {
				r = set_str(&c.fixups, v, vlen);
			} else if (klen == 4 && memcmp(line, "size", 4) == 0) {
				set_size(&c, v, vlen);
			} else if (klen == 12 && memcmp(line, "half-removed", 12) == 0) {
				c.half_removed = vlen == 3 && memcmp(v, "yes", 3) == 0;
			} else if (klen == 7 && memcmp(line, "subuids", 7) == 0) {
				r = subid_parse_list(v, vlen, &c.subuids);
			} else if (klen == 7 && memcmp(line, "subgids", 7) == 0) {
				r = subid_parse_list(v, vlen, &c.subgids);
			}
		}
		line = nl ? nl + 1 : end;
	}
	if (r == 0 && c.map == MAP_UNSET)
		r = -EINVAL;
	/* An auto box is entered with the ranges its files were made with. */
	if (r == 0 && c.map == MAP_AUTO && (c.subuids.n == 0 || c.subgids.n == 0))
		r = -EINVAL;
	if (r < 0) {
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
	fputs("# nschroot box; written by nschroot, read by nschroot.\n", f);
	put(f, "map", map_mode_name(conf->map));
	put(f, "source", conf->source);
	put(f, "created", conf->created);
	put(f, "os-id", conf->os_id);
	put(f, "os-version", conf->os_version);
	put(f, "fixups", conf->fixups);
	if (conf->has_size)
		fprintf(f, "size=%" PRIu64 "\n", conf->size);
	if (conf->half_removed)
		put(f, "half-removed", "yes");
	char ranges[SUBID_MAX_RANGES * 24];
	if (conf->subuids.n && subid_format(&conf->subuids, ranges, sizeof(ranges)) == 0)
		put(f, "subuids", ranges);
	if (conf->subgids.n && subid_format(&conf->subgids, ranges, sizeof(ranges)) == 0)
		put(f, "subgids", ranges);
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
	*conf = (struct box_conf){ 0 };
}
