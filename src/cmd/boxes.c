// SPDX-License-Identifier: GPL-2.0-or-later
/* `nschroot list` and `nschroot info`: what the store holds. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/param.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arch.h"
#include "cmd/cmdline.h"
#include "cmd/commands.h"
#include "cmd/helper.h"
#include "cmd/mapping.h"
#include "store/store.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/jsonparse.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/text.h"

static void human_size(uint64_t bytes, char buf[16])
{
	static const char units[] = "BKMGTP";
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1024 && u < sizeof(units) - 2) {
		v /= 1024;
		u++;
	}
	snprintf(buf, 16, u ? "%.1f%c" : "%.0f%c", v, units[u]);
}

/* "debian 12", and the architecture where it is not this machine's:
 * "debian 12 (arm64)". */
static char *os_string(const struct box_conf *c)
{
	char *s;
	bool foreign = c->arch && strcmp(c->arch, arch_host()) != 0;
	if (asprintf(&s, "%s%s%s%s%s%s", c->os_id ? c->os_id : "-", c->os_version ? " " : "",
		     c->os_version ? c->os_version : "", foreign ? " (" : "",
		     foreign ? c->arch : "", foreign ? ")" : "") < 0)
		return NULL;
	return s;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the boxes in the store, sorted; *n set. */
static char **box_names(int boxesfd, size_t *n)
{
	int fd = dup(boxesfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d)
		die_errno(errno, "cannot read the store's boxes");
	char **names = NULL;
	*n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!box_name_valid(e->d_name))
			continue;
		char **v = reallocarray(names, *n + 1, sizeof(char *));
		if (!v || !(v[*n] = strdup(e->d_name)))
			die_errno(ENOMEM, "cannot list the boxes");
		names = v;
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(char *), cmp_names);
	return names;
}

static int open_boxes_or_none(void)
{
	struct failure f = { 0 };
	int fd = store_open_boxes(false, &f);
	if (fd == -ENOENT)
		return -1; /* no store yet: no boxes */
	if (fd < 0)
		die_failure(&f);
	return fd;
}

/* The options of list and info: --json, list's --size, --help. */
struct list_opts {
	bool json;
	bool size; /* measure the disk usage rather than show the recorded one */
};

/* The options, then the arguments: none for list, NAME for info (returned,
 * a valid box name). */
static const char *parse_list_options(int argc, char **argv, const char *cmd, struct list_opts *o)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { "size", no_argument, NULL, 's' },
					      { "help", no_argument, NULL, 'h' },
					      { 0 } };
	*o = (struct list_opts){ 0 };
	bool is_list = strcmp(cmd, "list") == 0;
	int opt;
	while ((opt = command_option(argc, argv, "+:h", opts, cmd)) != -1) {
		if (opt == 'j')
			o->json = true;
		else if (opt == 's' && is_list)
			o->size = true;
		else
			die_usage("%s: unknown option '%s'", cmd, argv[optind - 1]);
	}
	if (is_list && optind < argc)
		die_usage("list: unexpected argument '%s'", argv[optind]);
	if (is_list)
		return NULL;
	if (optind + 1 != argc)
		die_usage(optind < argc ? "info: too many arguments" : "info: missing NAME");
	if (!box_name_valid(argv[optind]))
		die_usage("invalid box name '%s'", argv[optind]);
	return argv[optind];
}

/* ", "KEY": VALUE", VALUE a JSON string or null. */
static void json_field(const char *key, const char *value)
{
	printf(", \"%s\": ", key);
	json_string(stdout, value);
}

/* What is printed of a box.conf comes from the box (os-release) or from
 * a file anyone with the caller's rights may have edited: on a terminal
 * its control characters would act, not show. */
static void conf_printable(struct box_conf *c)
{
	printable(c->source);
	printable(c->created);
	printable(c->os_id);
	printable(c->os_version);
	printable(c->fixups);
	printable(c->arch);
	printable(c->image_digest);
	printable(c->image_id);
	printable(c->image_env);
	printable(c->image_entrypoint);
	printable(c->image_cmd);
	printable(c->image_workdir);
	printable(c->image_user);
}

/* Columns on a terminal: UTF-8 continuation bytes take none. */
static int text_width(const char *s)
{
	int w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* s, then spaces to fill width columns. */
static void print_padded(const char *s, int width)
{
	fputs(s, stdout);
	for (int w = text_width(s); w < width; w++)
		fputc(' ', stdout);
}

/* One box of the store, as list shows it. */
struct listed {
	char *name;
	struct box_conf conf;
	char *os;
	bool has_size;
	uint64_t size;
};

/* Read the box.conf of each box named into *out, skipping (with a
 * warning) those without a readable one; with measure, the disk usage of
 * each too (one user namespace for all, with the widest map when a box is
 * in auto mode), else the one recorded at create. How many were read. */
static size_t read_boxes(int boxes, char **names, size_t n, bool measure, struct listed **out)
{
	struct listed *v = calloc(n ? n : 1, sizeof(*v));
	char **paths = calloc(n ? n : 1, sizeof(*paths));
	uint64_t *sizes = calloc(n ? n : 1, sizeof(*sizes));
	if (!v || !paths || !sizes)
		die_errno(ENOMEM, "cannot list the boxes");
	bool any_auto = false;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int dir =
		    openat(boxes, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		struct failure f = { 0 };
		if (dir < 0 || store_read_conf(dir, names[i], &v[k].conf, &f) < 0) {
			log_warning("skipping '%s': no readable box.conf", names[i]);
			free(names[i]);
			continue;
		}
		v[k].name = names[i];
		v[k].has_size = v[k].conf.has_size;
		v[k].size = v[k].conf.size;
		any_auto |= map_mode_subordinate(v[k].conf.map);
		if (measure)
			store_box_rootfs(names[i], &paths[k]);
		k++;
	}
	if (measure) {
		struct idmap map;
		if (any_auto)
			mapping_widest(&map);
		else
			idmap_single(&map, MAP_ROOT, getuid(), getgid());
		usage_in_userns(&map, paths, k, sizes);
		for (size_t i = 0; i < k; i++) {
			v[i].has_size = paths[i] != NULL;
			v[i].size = sizes[i];
			free(paths[i]);
		}
	}
	free(paths);
	free(sizes);
	*out = v;
	return k;
}

static void list_json(const struct listed *v, size_t n)
{
	fputs("[", stdout);
	for (size_t i = 0; i < n; i++) {
		const struct box_conf *c = &v[i].conf;
		fputs(i ? ",\n  {" : "\n  {", stdout);
		fputs("\"name\": ", stdout);
		json_string(stdout, v[i].name);
		printf(", \"map\": \"%s\"", map_mode_name(c->map));
		json_field("os", c->os_id);
		json_field("os_version", c->os_version);
		json_field("arch", c->arch);
		if (v[i].has_size)
			printf(", \"size\": %" PRIu64, v[i].size);
		else
			fputs(", \"size\": null", stdout);
		json_field("created", c->created);
		printf(", \"half_removed\": %s}", c->half_removed ? "true" : "false");
	}
	fputs(n ? "\n]\n" : "]\n", stdout);
}

/* The name and os columns are as wide as their widest value: a name may
 * have 64 characters. */
static void list_text(struct listed *v, size_t n)
{
	int name_w = (int)strlen("NAME"), os_w = (int)strlen("OS");
	for (size_t i = 0; i < n; i++) {
		conf_printable(&v[i].conf);
		v[i].os = os_string(&v[i].conf);
		if (!v[i].os)
			die_errno(ENOMEM, "cannot list the boxes");
		name_w = MAX(name_w, text_width(v[i].name));
		os_w = MAX(os_w, text_width(v[i].os));
	}
	print_padded("NAME", name_w);
	fputs(" MAP     ", stdout);
	print_padded("OS", os_w);
	printf(" %8s  %s\n", "SIZE", "CREATED");
	for (size_t i = 0; i < n; i++) {
		const struct box_conf *c = &v[i].conf;
		char hs[16] = "-";
		if (v[i].has_size)
			human_size(v[i].size, hs);
		print_padded(v[i].name, name_w);
		printf(" %-7s ", map_mode_name(c->map));
		print_padded(v[i].os, os_w);
		printf(" %8s  %s%s%s\n", hs, c->created ? c->created : "-",
		       c->half_removed ? "  (half-removed: nschroot rm finishes it)" : "",
		       c->remap_to != MAP_UNSET ? "  (half remapped: nschroot remap finishes it)"
						: "");
	}
}

int cmd_list(int argc, char **argv)
{
	struct list_opts o;
	parse_list_options(argc, argv, "list", &o);

	_cleanup_close_ int boxes = open_boxes_or_none();
	size_t n = 0;
	char **names = boxes >= 0 ? box_names(boxes, &n) : NULL;
	struct listed *v;
	n = read_boxes(boxes, names, n, o.size, &v);
	if (o.json)
		list_json(v, n);
	else
		list_text(v, n);
	for (size_t i = 0; i < n; i++) {
		box_conf_free(&v[i].conf);
		free(v[i].name);
		free(v[i].os);
	}
	free(v);
	free(names);
	return 0;
}

/* A list setting of the image, written back as JSON; null when box.conf
 * holds none or no valid one. */
static void json_list_field(const char *key, const char *text)
{
	printf(", \"%s\": ", key);
	struct json_value *v = NULL;
	if (text && json_parse(text, strlen(text), &v, NULL, 0) == 0 && json_is_string_array(v))
		json_write(stdout, v);
	else
		fputs("null", stdout);
	json_free(v);
}

/* The image a box was made from: what info says of it. */
static void info_image_json(const struct box_conf *c)
{
	if (!c->image_id)
		return;
	fputs(", \"image\": {\"digest\": ", stdout);
	json_string(stdout, c->image_digest);
	json_field("id", c->image_id);
	json_list_field("env", c->image_env);
	json_list_field("entrypoint", c->image_entrypoint);
	json_list_field("cmd", c->image_cmd);
	json_field("workdir", c->image_workdir);
	json_field("user", c->image_user);
	fputc('}', stdout);
}

static void info_image(const struct box_conf *c)
{
	const struct {
		const char *label, *value;
	} lines[] = {
		{ "image digest", c->image_digest },
		{ "image id", c->image_id },
		{ "entrypoint", c->image_entrypoint },
		{ "cmd", c->image_cmd },
		{ "env", c->image_env },
		{ "workdir", c->image_workdir },
		{ "user", c->image_user },
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (lines[i].value)
			printf("%s: %s\n", lines[i].label, lines[i].value);
}

/* The run options saved in the box (nschroot config) as a shell command
 * line, as `config BOX` prints them; no line when there are none. */
static void info_run_options(const char *name, const struct box_conf *c)
{
	char **v;
	size_t n;
	int r = box_conf_run_options(c, &v, &n);
	if (r < 0) {
		printf("run options: unreadable ('nschroot config %s --reset' removes them)\n",
		       name);
		return;
	}
	if (n)
		fputs("run options:", stdout);
	for (size_t i = 0; i < n; i++) {
		fputc(' ', stdout);
		shell_quote(stdout, v[i]);
		free(v[i]);
	}
	if (n)
		fputc('\n', stdout);
	free(v);
}

static void info_json(const char *name, const struct box_conf *c, const char *rootfs, uint64_t size,
		      const char *subuids, const char *subgids)
{
	fputs("{\"name\": ", stdout);
	json_string(stdout, name);
	printf(", \"map\": \"%s\"", map_mode_name(c->map));
	json_field("source", c->source);
	json_field("created", c->created);
	json_field("os", c->os_id);
	json_field("os_version", c->os_version);
	json_field("arch", c->arch);
	fputs(", \"fixups\": ", stdout);
	json_split(stdout, c->fixups, ',');
	if (map_mode_subordinate(c->map))
		printf(", \"subuids\": \"%s\", \"subgids\": \"%s\"", subuids, subgids);
	json_field("rootfs", rootfs);
	info_image_json(c);
	/* [] when none are saved, null when they cannot be read. */
	if (c->run_options)
		json_list_field("run_options", c->run_options);
	else
		fputs(", \"run_options\": []", stdout);
	printf(", \"size\": %" PRIu64 ", \"half_removed\": %s}\n", size,
	       c->half_removed ? "true" : "false");
}

int cmd_info(int argc, char **argv)
{
	struct list_opts o;
	const char *name = parse_list_options(argc, argv, "info", &o);

	struct failure f = { 0 };
	struct box box;
	if (store_open_box(name, BOX_LOOK, &box, &f) < 0)
		die_failure(&f);
	struct box_conf *c = &box.conf;
	char *rootfs = box.rootfs;
	struct idmap map;
	mapping_for_box(c, &map);
	uint64_t size;
	usage_in_userns(&map, &rootfs, 1, &size);
	char subuids[SUBID_MAX_RANGES * 24] = "", subgids[SUBID_MAX_RANGES * 24] = "";
	subid_format(&c->subuids, subuids, sizeof(subuids));
	subid_format(&c->subgids, subgids, sizeof(subgids));

	if (o.json) {
		info_json(name, c, rootfs, size, subuids, subgids);
		box_close(&box);
		return 0;
	}
	conf_printable(c);
	printable(rootfs);
	_cleanup_free_ char *os = os_string(c);
	char hs[16];
	human_size(size, hs);
	printf("name: %s\nmap: %s\nsource: %s\ncreated: %s\nos: %s\narch: %s\nfixups: %s\n"
	       "rootfs: %s\nsize: %s\n",
	       name, map_mode_name(c->map), c->source ? c->source : "-",
	       c->created ? c->created : "-", os ? os : "-", c->arch ? c->arch : "-",
	       c->fixups && *c->fixups ? c->fixups : "none", rootfs ? rootfs : "-", hs);
	if (map_mode_subordinate(c->map))
		printf("subuids: %s\nsubgids: %s\n", subuids, subgids);
	info_image(c);
	info_run_options(name, c);
	if (c->half_removed)
		printf("state: half-removed (rm failed part-way; 'nschroot rm %s' finishes it)\n",
		       name);
	if (c->remap_to != MAP_UNSET)
		printf(
		    "state: half remapped to %s (interrupted; 'nschroot remap %s' finishes it)\n",
		    map_mode_name(c->remap_to), name);
	box_close(&box);
	return 0;
}
