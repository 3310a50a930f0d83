// SPDX-License-Identifier: GPL-2.0-or-later
/* `nschroot list` and `nschroot info`: what the store holds. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "cmd/mapping.h"
#include "sandbox/userns.h"
#include "store/store.h"
#include "util/cleanup.h"
#include "util/io.h"
#include "util/json.h"
#include "util/log.h"
#include "util/parse.h"

static uint64_t tree_bytes;

static int add_size(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	tree_bytes += (uint64_t)st->st_blocks * 512;
	return 0;
}

/* Disk usage of a box's rootfs, as du counts it (blocks, no links
 * followed, not crossing into other file systems). */
static uint64_t rootfs_size(const char *name)
{
	_cleanup_free_ char *rootfs = NULL;
	if (store_box_rootfs(name, &rootfs) < 0)
		return 0;
	tree_bytes = 0;
	nftw(rootfs, add_size, 32, FTW_PHYS | FTW_MOUNT);
	return tree_bytes;
}

/*
 * The sizes of the boxes named, in order. An auto box holds directories of
 * subordinate ids that the caller cannot enter (apt's partial/, 0700 _apt):
 * where there is one, every size is counted by one child, the root of a
 * user namespace with the caller's widest map; failing that, by the caller,
 * short of what it cannot enter.
 */
static void box_sizes(char *const *names, size_t n, bool any_auto, uint64_t *sizes)
{
	size_t want = n * sizeof(*sizes), got = 0;
	int p[2] = { -1, -1 };
	pid_t pid = -1;
	struct idmap map;
	struct failure f = { 0 };
	if (any_auto && pipe2(p, O_CLOEXEC) == 0) {
		mapping_widest(&map);
		pid = userns_fork(&map, &f);
	}
	if (pid == 0) {
		close(p[0]);
		for (size_t i = 0; i < n; i++)
			sizes[i] = names[i] ? rootfs_size(names[i]) : 0;
		_exit(write_all(p[1], sizes, want) < 0 ? EXIT_SETUP : 0);
	}
	if (p[1] >= 0)
		close(p[1]);
	if (pid > 0) {
		ssize_t r;
		while (got < want && ((r = read(p[0], (char *)sizes + got, want - got)) > 0 ||
				      (r < 0 && errno == EINTR)))
			if (r > 0)
				got += (size_t)r;
		wait_child(pid, NULL);
	}
	if (p[0] >= 0)
		close(p[0]);
	if (got != want)
		for (size_t i = 0; i < n; i++)
			sizes[i] = names[i] ? rootfs_size(names[i]) : 0;
}

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

static char *os_string(const struct box_conf *c)
{
	char *s;
	if (!c->os_id)
		return strdup("-");
	if (asprintf(&s, "%s%s%s", c->os_id, c->os_version ? " " : "",
		     c->os_version ? c->os_version : "") < 0)
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
		die_errno(fd, "%s", f.what);
	return fd;
}

/* The options of list and info: --json and --help. */
static bool parse_json_option(int argc, char **argv, const char *cmd)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { "help", no_argument, NULL, 'h' },
					      { 0 } };
	bool json = false;
	int opt;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		if (opt == 'h') {
			help_command(cmd);
			exit(0);
		}
		if (opt != 'j')
			die_usage("%s: unknown option '%s'", cmd, argv[optind - 1]);
		json = true;
	}
	return json;
}

int cmd_list(int argc, char **argv)
{
	bool json = parse_json_option(argc, argv, "list");
	if (optind < argc)
		die_usage("list: unexpected argument '%s'", argv[optind]);

	_cleanup_close_ int boxes = open_boxes_or_none();
	size_t n = 0;
	char **names = boxes >= 0 ? box_names(boxes, &n) : NULL;
	struct box_conf *confs = calloc(n ? n : 1, sizeof(*confs));
	uint64_t *sizes = calloc(n ? n : 1, sizeof(*sizes));
	if (!confs || !sizes)
		die_errno(ENOMEM, "cannot list the boxes");
	bool any_auto = false;
	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int dir = openat(boxes, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dir < 0 || store_read_conf(dir, &confs[i]) < 0) {
			log_warning("skipping '%s': no readable box.conf", names[i]);
			free(names[i]);
			names[i] = NULL;
			continue;
		}
		any_auto |= confs[i].map == MAP_AUTO;
	}
	box_sizes(names, n, any_auto, sizes);

	size_t shown = 0;
	if (json)
		fputs("[", stdout);
	else if (n)
		printf("%-24s %-5s %-20s %8s  %s\n", "NAME", "MAP", "OS", "SIZE", "CREATED");
	for (size_t i = 0; i < n; i++) {
		if (!names[i])
			continue;
		struct box_conf c = confs[i];
		uint64_t size = sizes[i];
		_cleanup_free_ char *os = os_string(&c);
		if (json) {
			fputs(shown ? ",\n  {" : "\n  {", stdout);
			fputs("\"name\": ", stdout);
			json_string(stdout, names[i]);
			printf(", \"map\": \"%s\", \"os\": ", map_mode_name(c.map));
			json_string(stdout, c.os_id);
			fputs(", \"os_version\": ", stdout);
			json_string(stdout, c.os_version);
			printf(", \"size\": %" PRIu64 ", \"created\": ", size);
			json_string(stdout, c.created);
			fputs("}", stdout);
		} else {
			char hs[16];
			human_size(size, hs);
			printf("%-24s %-5s %-20s %8s  %s\n", names[i], map_mode_name(c.map),
			       os ? os : "-", hs, c.created ? c.created : "-");
		}
		shown++;
		box_conf_free(&c);
		free(names[i]);
	}
	if (json)
		fputs(shown ? "\n]\n" : "]\n", stdout);
	free(names);
	free(confs);
	free(sizes);
	return 0;
}

int cmd_info(int argc, char **argv)
{
	bool json = parse_json_option(argc, argv, "info");
	if (optind + 1 != argc)
		die_usage(optind < argc ? "info: too many arguments" : "info: missing NAME");
	const char *name = argv[optind];
	if (!box_name_valid(name))
		die_usage("invalid box name '%s'", name);

	_cleanup_close_ int boxes = open_boxes_or_none();
	_cleanup_close_ int dir = boxes < 0 ? -1 : openat(boxes, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		die("no box named '%s'", name);
	struct box_conf c = { 0 };
	int r = store_read_conf(dir, &c);
	if (r < 0)
		die_errno(r, "cannot read the box.conf of '%s'", name);
	_cleanup_free_ char *rootfs = NULL;
	store_box_rootfs(name, &rootfs);
	uint64_t size;
	char *const one[] = { (char *)name };
	box_sizes(one, 1, c.map == MAP_AUTO, &size);
	_cleanup_free_ char *os = os_string(&c);
	char subuids[SUBID_MAX_RANGES * 24] = "", subgids[SUBID_MAX_RANGES * 24] = "";
	subid_format(&c.subuids, subuids, sizeof(subuids));
	subid_format(&c.subgids, subgids, sizeof(subgids));

	if (json) {
		fputs("{\"name\": ", stdout);
		json_string(stdout, name);
		printf(", \"map\": \"%s\", \"source\": ", map_mode_name(c.map));
		json_string(stdout, c.source);
		fputs(", \"created\": ", stdout);
		json_string(stdout, c.created);
		fputs(", \"os\": ", stdout);
		json_string(stdout, c.os_id);
		fputs(", \"os_version\": ", stdout);
		json_string(stdout, c.os_version);
		fputs(", \"fixups\": ", stdout);
		json_string(stdout, c.fixups ? c.fixups : "");
		if (c.map == MAP_AUTO) {
			printf(", \"subuids\": \"%s\", \"subgids\": \"%s\"", subuids, subgids);
		}
		fputs(", \"rootfs\": ", stdout);
		json_string(stdout, rootfs);
		printf(", \"size\": %" PRIu64 "}\n", size);
	} else {
		char hs[16];
		human_size(size, hs);
		printf("name: %s\nmap: %s\nsource: %s\ncreated: %s\nos: %s\nfixups: %s\n"
		       "rootfs: %s\nsize: %s\n",
		       name, map_mode_name(c.map), c.source ? c.source : "-",
		       c.created ? c.created : "-", os ? os : "-",
		       c.fixups && *c.fixups ? c.fixups : "none", rootfs ? rootfs : "-", hs);
		if (c.map == MAP_AUTO)
			printf("subuids: %s\nsubgids: %s\n", subuids, subgids);
	}
	box_conf_free(&c);
	return 0;
}
