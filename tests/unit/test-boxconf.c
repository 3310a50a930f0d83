// SPDX-License-Identifier: GPL-2.0-or-later
/* box.conf: parse, format, and the round trip between them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/boxconf.h"
#include "tap.h"

static int parse(const char *text, struct box_conf *c)
{
	return box_conf_parse(text, strlen(text), c);
}

/* version=N: written first; absent in the boxes made before it was, which
 * are version 1; a later one is refused, saying which. */
static void test_version(void)
{
	struct box_conf c = { 0 };
	is_int(parse("map=root\n", &c), 0, "a box.conf without a version parses");
	is_int(c.version, 1, "as version 1");
	char *text = box_conf_format(&c);
	ok(text && strncmp(text, "version=1\n", 10) == 0, "format writes version=1 first");
	box_conf_free(&c);
	is_int(parse(text, &c), 0, "and parse reads it");
	is_int(c.version, 1, "version 1");
	free(text);
	box_conf_free(&c);

	c.version = 0;
	is_int(parse("version=2\nmap=root\n", &c), -22, "version 2 is refused");
	is_int(c.version, 2, "saying which version it was");
	c.version = 0;
	is_int(parse("version=2\nmap=sideways\n", &c), -22,
	       "version 2 with a map this one does not know is refused");
	is_int(c.version, 2, "as version 2 too");
	c.version = 0;
	is_int(parse("version=0\nmap=root\n", &c), -22, "version 0 is malformed");
	is_int(parse("version=one\nmap=root\n", &c), -22, "a version that is no number too");
	is_int(c.version, 1, "and is taken for 1");
	is_int(parse("version=99999999999999\nmap=root\n", &c), -22, "an overlong version too");
	is_int(parse("version=1\nmap=auto\n", &c), -22, "version 1 keeps the rules of a box.conf");
}

/* run-options: the vector saved and read back as it was, whatever its
 * strings hold; a broken value is an error for the reader alone. */
static void test_run_options(void)
{
	char *const odd[] = {
		"--hostname",
		"with space",
		"-e",
		"Q=it's a \"quote\" \\ and \\\"",
		"--env=NL=line1\nline2\r\tend",
		"\xc3\xa9t\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x93\xa6",
		"",
		"map=user",
		"ESC\033[2J",
	};
	size_t n = sizeof(odd) / sizeof(odd[0]);
	struct box_conf c = { 0 };
	is_int(parse("map=root\n", &c), 0, "a box.conf without run-options parses");
	char **v = (char **)1;
	size_t got = 99;
	is_int(box_conf_run_options(&c, &v, &got), 0, "no run options: not an error");
	ok(v == NULL && got == 0, "and none");
	is_int(box_conf_set_run_options(&c, odd, n), 0, "odd strings are saved");
	ok(c.run_options && !strchr(c.run_options, '\n') && !strchr(c.run_options, '\033'),
	   "as one line with no control character");
	char *text = box_conf_format(&c);
	box_conf_free(&c);
	is_int(parse(text, &c), 0, "the box.conf written parses");
	is_int(c.map, MAP_ROOT, "an option reading map=user sets no key");
	free(text);
	is_int(box_conf_run_options(&c, &v, &got), 0, "and its run options read back");
	is_int((long long)got, (long long)n, "all of them");
	bool same = got == n && v[n] == NULL;
	for (size_t i = 0; same && i < n; i++)
		same = strcmp(v[i], odd[i]) == 0;
	ok(same, "each as it was, in order, the vector NULL-terminated");
	for (size_t i = 0; i < got; i++)
		free(v[i]);
	free(v);

	is_int(box_conf_set_run_options(&c, NULL, 0), 0, "saving none removes them");
	ok(c.run_options == NULL, "no key");
	char *const bad_utf8[] = { "--bind=/l\xe9gacy:/x" };
	is_int(box_conf_set_run_options(&c, bad_utf8, 1), -22,
	       "a string that is not UTF-8 is refused: it would not read back");
	ok(c.run_options == NULL, "and nothing is saved");
	char big[BOX_RUN_OPTIONS_MAX + 1];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	char *const huge[] = { big };
	is_int(box_conf_set_run_options(&c, huge, 1), -E2BIG, "too long is refused");
	box_conf_free(&c);

	const char *broken[] = { "run-options=[\"--a\"", "run-options={\"a\":1}",
				 "run-options=[\"a\",2]", "run-options=\"--a\"" };
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		char conf[128];
		snprintf(conf, sizeof(conf), "map=root\n%s\n", broken[i]);
		is_int(parse(conf, &c), 0, "a box with %s still reads", broken[i]);
		is_int(box_conf_run_options(&c, &v, &got), -22, "but its run options do not");
		box_conf_free(&c);
	}
}

/* A remap under way: its target, time and ranges, all or nothing. */
static void test_remap(void)
{
	static const char *base = "map=auto\nsubuids=100000:65536\nsubgids=100000:65536\n";
	char text[512];
	struct box_conf c = { 0 };
	is_int(parse(base, &c), 0, "an auto box parses");
	is_int(c.remap_to, MAP_UNSET, "with no remap under way");
	char *out = box_conf_format(&c);
	ok(out && !strstr(out, "remap-"), "and writes no remap key");
	free(out);
	box_conf_free(&c);

	snprintf(text, sizeof(text),
		 "%sremap-to=keep-id\nremap-since=1764924000.000000123\n"
		 "remap-subuids=200000:65536\nremap-subgids=300000:1000,400000:64536\n",
		 base);
	is_int(parse(text, &c), 0, "a remap under way parses");
	is_int(c.remap_to, MAP_KEEP_ID, "remap-to");
	ok(c.remap_since.tv_sec == 1764924000 && c.remap_since.tv_nsec == 123, "remap-since");
	ok(c.remap_subuids.n == 1 && c.remap_subuids.r[0].start == 200000, "remap-subuids");
	ok(c.remap_subgids.n == 2 && c.remap_subgids.r[1].start == 400000, "remap-subgids");
	is_int(c.map, MAP_AUTO, "the map is the one the box had");
	out = box_conf_format(&c);
	ok(out && strstr(out, "remap-since=1764924000.000000123\n") &&
	       strstr(out, "remap-subgids=300000:1000,400000:64536\n"),
	   "format writes the time and the ranges back");
	struct box_conf again = { 0 };
	is_int(out ? parse(out, &again) : -1, 0, "and parse reads them");
	ok(again.remap_to == MAP_KEEP_ID && again.remap_since.tv_nsec == 123 &&
	       again.remap_subuids.r[0].count == 65536,
	   "the same remap");
	free(out);
	box_conf_free(&again);
	box_conf_free(&c);

	static const char *const bad[] = {
		"remap-to=keep-id\nremap-subuids=1:1\nremap-subgids=1:1\n",
		"remap-to=keep-id\nremap-since=5.0\nremap-subgids=1:1\n",
		"remap-to=root\nremap-since=5.0\nremap-subuids=1:1\nremap-subgids=1:1\n",
		"remap-to=auto\nremap-since=5\nremap-subuids=1:1\nremap-subgids=1:1\n",
		"remap-to=auto\nremap-since=5.1000000000\nremap-subuids=1:1\nremap-subgids=1:1\n",
	};
	const char *why[] = { "without its time", "without its uid ranges", "to root mode",
			      "with a time without nanoseconds", "with nanoseconds out of range" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "%s%s", base, bad[i]);
		is_int(parse(text, &c), -22, "a remap %s is refused", why[i]);
	}
}

int main(void)
{
	struct box_conf c = { 0 };

	is_int(parse("map=root\nsource=/x.tar\ncreated=2026-01-01T00:00:00Z\nos-id=debian\n"
		     "os-version=12\nfixups=apt,dpkg\n",
		     &c),
	       0, "a full box.conf parses");
	is_int(c.map, MAP_ROOT, "map");
	is_str(c.source, "/x.tar", "source");
	is_str(c.created, "2026-01-01T00:00:00Z", "created");
	is_str(c.os_id, "debian", "os-id");
	is_str(c.os_version, "12", "os-version");
	is_str(c.fixups, "apt,dpkg", "fixups");

	char *text = box_conf_format(&c);
	struct box_conf again = { 0 };
	is_int(parse(text, &again), 0, "what format writes, parse reads");
	is_str(again.source, c.source, "round trip keeps source");
	is_str(again.fixups, c.fixups, "round trip keeps fixups");
	is_int(again.map, c.map, "round trip keeps map");
	free(text);
	box_conf_free(&again);
	box_conf_free(&c);

	is_int(parse("source=/x\n", &c), -22, "a missing map is an error");
	is_int(parse("map=sideways\n", &c), -22, "an unknown map is an error");
	is_int(parse("map=rootroot\n", &c), -22, "a long map value is an error");
	is_int(parse("# comment\nmap=user\nfuture-key=1\nno equals sign\n", &c), 0,
	       "comments, unknown keys and junk lines are skipped");
	is_int(c.map, MAP_USER, "map=user");
	ok(c.source == NULL && c.fixups == NULL, "absent keys stay NULL");
	box_conf_free(&c);

	is_int(parse("map=root\nsource=a\nsource=b", &c), 0, "a repeated key: the last wins");
	is_str(c.source, "b", "the last source, without a final newline");
	c.source = (free(c.source), strdup("line1\nmap=user"));
	text = box_conf_format(&c);
	box_conf_free(&c);
	is_int(parse(text, &c), 0, "a value with a newline is written on one line");
	is_int(c.map, MAP_ROOT, "so it cannot inject a key");
	free(text);
	box_conf_free(&c);

	is_int(parse("map=root\nsize=123456789012\nhalf-removed=yes\n", &c), 0,
	       "size and half-removed parse");
	ok(c.has_size && c.size == 123456789012ULL, "size, beyond 32 bits");
	ok(c.half_removed, "half-removed=yes");
	text = box_conf_format(&c);
	box_conf_free(&c);
	is_int(parse(text, &c), 0, "and round-trip");
	ok(c.has_size && c.size == 123456789012ULL && c.half_removed, "both kept");
	free(text);
	box_conf_free(&c);
	is_int(parse("map=root\nsize=12x\nhalf-removed=no\n", &c), 0,
	       "a size that is not a number does not make the box unusable");
	ok(!c.has_size && !c.half_removed, "it is unknown, and half-removed=no is not set");
	box_conf_free(&c);
	is_int(parse("map=root\nsize=99999999999999999999999\n", &c), 0, "an overlong size parses");
	ok(!c.has_size, "and is unknown");
	text = box_conf_format(&c);
	ok(text && !strstr(text, "size=") && !strstr(text, "half-removed"),
	   "an unknown size and a whole box write neither key");
	free(text);
	box_conf_free(&c);
	test_version();
	test_run_options();
	test_remap();
	return done_testing();
}
