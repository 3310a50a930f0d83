// SPDX-License-Identifier: GPL-2.0-or-later
/* /etc/subuid parsing, the ranges as box.conf keeps them, and the maps
 * auto mode makes of them. */
#include <string.h>

#include "base/idmap.h"
#include "base/subid.h"
#include "store/boxconf.h"
#include "tap.h"

/* Ranges of the user name/id, whose own id of the kind is id too. */
static struct subid_ranges parse(const char *text, const char *name, uint32_t id)
{
	struct subid_ranges s;
	subid_parse(text, strlen(text), name, id, id, &s);
	return s;
}

static void test_parse(void)
{
	struct subid_ranges s = parse("alice:100000:65536\nbob:200000:65536\n", "bob", 1001);
	is_int((long long)s.n, 1, "one line for bob");
	is_int(s.r[0].start, 200000, "bob's start");
	is_int(s.total, 65536, "bob's count");

	s = parse("1001:300000:1000\n", "bob", 1001);
	is_int(s.r[0].start, 300000, "a line matches by uid in decimal too");
	s = parse("10010:300000:1000\n1001x:1:2\n", "bob", 1001);
	is_int((long long)s.n, 0, "but only the whole uid");
	s = parse("bobby:1:2\nbo:3:4\n", "bob", 1001);
	is_int((long long)s.n, 0, "and only the whole name");
	s = parse("x:1:2\n", NULL, 1001);
	is_int((long long)s.n, 0, "no name (no passwd entry) matches no name");

	s = parse("bob:100000:1000\n# bob:1:1\n\nbob:bad:1\nbob:5\nbob:1:0\nbob:500000:2000", "bob",
		  7);
	is_int((long long)s.n, 2,
	       "comments, blanks and malformed lines are skipped; a last line "
	       "without a newline counts");
	is_int(s.r[1].start, 500000, "lines are kept in order");
	is_int(s.total, 3000, "their counts add up");

	s = parse("bob:100000:60000\nbob:200000:60000\nbob:300000:60000\n", "bob", 7);
	is_int(s.total, SUBID_MAX_IDS, "at most 65536 ids are used");
	is_int((long long)s.n, 2, "... the third range not at all");
	is_int(s.r[1].count, SUBID_MAX_IDS - 60000, "... the second cut short");

	s = parse("bob:3000000000:65536\n", "bob", 7);
	is_int(s.r[0].start, 3000000000LL, "ids of 2^31 and more are read unsigned");
	s = parse("bob:4294967295:1\nbob:4294967290:10\nbob:4294967296:1\n", "bob", 7);
	is_int((long long)s.n, 0, "ranges reaching 2^32-1 or past are skipped");
	s = parse("bob:1000:10\n", "bob", 1005);
	is_int((long long)s.n, 0, "a range holding the caller's own id is skipped");
	subid_parse("bob:5000:10\nbob:7000:10\n", 24, "bob", 7005, 5003, &s);
	is_int((long long)s.n, 1, "for gids, the own gid decides, not the uid");
	is_int(s.r[0].start, 7000, "... the range holding the gid goes, the uid's stays");
	s = parse("bob:100000:100\nbob:100050:100\nbob:99990:20\nbob:100100:5\n", "bob", 7);
	is_int((long long)s.n, 2, "ranges overlapping an earlier one are skipped");
	is_int(s.r[1].start, 100100, "... an adjacent one is kept");
}

static void test_list(void)
{
	struct subid_ranges s = parse("bob:100000:10\nbob:3000000000:20\n", "bob", 7), back;
	char buf[128];
	is_int(subid_format(&s, buf, sizeof(buf)), 0, "format");
	is_str(buf, "100000:10,3000000000:20", "as box.conf keeps them");
	is_int(subid_parse_list(buf, strlen(buf), &back), 0, "and back");
	is_int((long long)back.n, 2, "two ranges");
	is_int(back.r[1].start, 3000000000LL, "the second's start");
	is_int(back.total, 30, "the total");
	is_int(subid_parse_list("1:2,", 4, &back), -22, "an empty item is refused");
	is_int(subid_parse_list("1:0", 3, &back), -22, "a count of 0 is refused");
	is_int(subid_parse_list("1:70000", 7, &back), -22, "more than 65536 ids are refused");
	is_int(subid_parse_list("0:10,5:10", 9, &back), -22, "overlapping ranges are refused");
	is_int(subid_format(&s, buf, 8), -28, "a short buffer is ENOSPC");

	struct box_conf c = { 0 };
	const char *text = "map=auto\nsubuids=100000:65536\nsubgids=200000:10,300000:5\n";
	is_int(box_conf_parse(text, strlen(text), &c), 0, "an auto box.conf parses");
	is_int(c.subgids.total, 15, "with its ranges");
	box_conf_free(&c);
	text = "map=auto\nsubuids=100000:65536\n";
	is_int(box_conf_parse(text, strlen(text), &c), -22,
	       "an auto box.conf without subgids is refused");
}

static void test_maps(void)
{
	struct subid_ranges u = parse("bob:100000:65536\n", "bob", 1000);
	struct subid_ranges g = parse("bob:200000:10\nbob:3000000000:5\n", "bob", 1000);
	struct idmap m;
	char text[256];

	is_int(idmap_auto(&m, 1000, 1001, &u, &g, false), 0, "auto map");
	id_map_format(&m.uid, text, sizeof(text));
	is_str(text, "0 1000 1\n1 100000 65536\n", "uids: the caller is 0, the range 1..N");
	id_map_format(&m.gid, text, sizeof(text));
	is_str(text, "0 1001 1\n1 200000 10\n11 3000000000 5\n",
	       "gids: ranges in order, ids of 2^31 and more unsigned");
	is_int(id_map_size(&m.uid), 65537, "65537 uids");
	is_int(id_map_size(&m.gid), 16, "16 gids");
	uint32_t in = 0;
	ok(id_map_to_inside(&m.gid, 3000000002u, &in) && in == 13, "host gid 3000000002 is 13");
	ok(!id_map_to_inside(&m.uid, 99999, &in), "an id outside is not mapped");
	is_int(id_map_root(&m.uid), 1000, "root is the caller");

	is_int(idmap_auto(&m, 1000, 1001, &u, &g, true), 0, "the subordinate-root layout");
	id_map_format(&m.uid, text, sizeof(text));
	is_str(text, "0 100000 65536\n65536 1000 1\n", "ids 0..N-1 are the range, the caller N");
	id_map_format(&m.gid, text, sizeof(text));
	is_str(text, "0 200000 10\n10 3000000000 5\n15 1001 1\n", "gids likewise");
	is_int(id_map_root(&m.uid), 100000, "root is the range's start");

	struct subid_ranges none = { 0 };
	is_int(idmap_auto(&m, 1000, 1001, &none, &g, false), -2, "no subuid range: ENOENT");
	idmap_single(&m, MAP_USER, 1000, 1001);
	id_map_format(&m.uid, text, sizeof(text));
	is_str(text, "1000 1000 1\n", "user mode: the caller's own id");
	is_int(id_map_format(&m.uid, text, 4), -28, "a short buffer is ENOSPC");
}

static void test_keep_id(void)
{
	struct subid_ranges u = parse("bob:100000:65536\n", "bob", 1000);
	struct subid_ranges g = parse("bob:200000:10\nbob:300000:5\n", "bob", 1000);
	struct idmap m;
	char text[256];

	is_int(idmap_keep_id(&m, 1000, 12, &u, &g), 0, "keep-id map");
	ok(m.mode == MAP_KEEP_ID && idmap_subordinate(&m), "keep-id maps subordinate ids");
	id_map_format(&m.uid, text, sizeof(text));
	is_str(text, "0 100000 1000\n1000 1000 1\n1001 101000 64536\n",
	       "uids: the range's first ids below the caller's, the caller itself, the rest above");
	is_int(id_map_size(&m.uid), 65537, "as many uids as auto mode");
	is_int(id_map_root(&m.uid), 100000, "root is the range's start");
	id_map_format(&m.gid, text, sizeof(text));
	is_str(text, "0 200000 10\n10 300000 2\n12 12 1\n13 300002 3\n",
	       "gids: the split falls in the second range");

	is_int(idmap_keep_id(&m, 10, 15, &g, &g), 0, "an id equal to the ranges' total");
	id_map_format(&m.gid, text, sizeof(text));
	is_str(text, "0 200000 10\n10 300000 5\n15 15 1\n", "comes right after them");
	id_map_format(&m.uid, text, sizeof(text));
	is_str(text, "0 200000 10\n10 10 1\n11 300000 5\n", "or between two ranges");
	is_int(idmap_keep_id(&m, 16, 0, &g, &g), -34, "an id above the ranges' total: ERANGE");
	struct subid_ranges none = { 0 };
	is_int(idmap_keep_id(&m, 1000, 12, &u, &none), -2, "no subgid range: ENOENT");

	enum map_mode mode;
	ok(parse_map_mode("keep-id", &mode) == 0 && mode == MAP_KEEP_ID, "--map=keep-id");
	is_str(map_mode_name(MAP_KEEP_ID), "keep-id", "and its name");
	ok(map_mode_subordinate(MAP_AUTO) && !map_mode_subordinate(MAP_ROOT) &&
	       !map_mode_subordinate(MAP_USER),
	   "auto uses subordinate ids, root and user do not");
}

int main(void)
{
	test_parse();
	test_list();
	test_maps();
	test_keep_id();
	return done_testing();
}
