// SPDX-License-Identifier: GPL-2.0-or-later
/* The free subordinate block that doctor and `--map=auto`'s hint suggest:
 * it must overlap nobody's range in either file, however the ranges lie. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/subid-free.h"
#include "tap.h"

#define NOT_SET 0xdeadbeefu

/* The block for these files, for a caller of uid 1000 and gid 1000; -errno
 * as is. */
static long long block(const char *uids, const char *gids)
{
	uint32_t start = NOT_SET;
	int r = subid_free_block(uids, strlen(uids), gids, strlen(gids), 1000, 1000, &start);
	return r < 0 ? r : (long long)start;
}

static void test_block(void)
{
	is_int(block("", ""), 131072, "empty files: the first aligned block at or above 100000");
	is_int(block("alice:100000:65536\n", "alice:100000:65536\n"), 196608,
	       "useradd's first range (100000-165535) reaches into 131072-196607");
	is_int(block("alice:131072:65536\n", ""), 196608, "a range in subuid alone takes a block");
	is_int(block("", "alice:131072:65536\n"), 196608, "so does one in subgid alone");
	is_int(block("alice:131072:65536\nbob:196608:65536\n", "carol:262144:1\n"), 327680,
	       "adjacent ranges of several owners, in both files, are all passed");
	is_int(block("alice:100000:31072\n", "bob:196608:10\n"), 131072,
	       "a range ending just below the block leaves it free");
	is_int(block("alice:196607:2\n", ""), 262144,
	       "a range overlapping the block by its last id takes it");
	is_int(block("alice:150000:100\nbob:140000:70000\ncarol:131000:500\n", ""), 262144,
	       "overlapping ranges, in any order, count as their union");
	is_int(block("root:100000:1000000000\n", ""), 1000144896LL,
	       "a range of many blocks counts whole, not only its first 65536 ids");
	is_int(block("# alice:131072:65536\n\nbob:x:1\nbob:131072\nbob:131072:0\n"
		     "bob:131072:1:junk\nbob:131072:65536",
		     ""),
	       196608,
	       "comments, blanks and malformed lines are skipped; a last line "
	       "without a newline counts");
	is_int(block("1000:131072:65536\n", ""), 196608, "a line keyed by uid counts too");

	uint32_t start = NOT_SET;
	is_int(subid_free_block("", 0, "", 0, 140000, 1000, &start), 0, "a caller of uid 140000");
	is_int(start, 196608, "... is never offered a block holding their own uid");
	subid_free_block("", 0, "", 0, 1000, 150000, &start);
	is_int(start, 196608, "... nor one holding their own gid");

	is_int(block("alice:131072:4294705152\n", ""), 4294836224LL,
	       "the last aligned block that ends below 2^32-1 is offered");
	is_int(block("alice:131072:4294705153\n", ""), -ENOSPC,
	       "... and once its first id is taken, none is left: ENOSPC");
}

static void test_command(void)
{
	char cmd[160];
	setenv("NSCHROOT_SUBUID_FILE", "/nonexistent/subuid", 1);
	setenv("NSCHROOT_SUBGID_FILE", "/nonexistent/subgid", 1);
	subid_usermod_command(cmd, sizeof(cmd), "bob");
	/* A caller whose own id lies in the first block gets the next one;
	 * test runners have ids far below. */
	is_str(cmd, "usermod --add-subuids 131072-196607 --add-subgids 131072-196607 bob",
	       "missing files hold nothing: the usermod command");
	subid_usermod_command(cmd, sizeof(cmd), "");
	is_str(cmd, "usermod --add-subuids 131072-196607 --add-subgids 131072-196607 USER",
	       "without a name, USER");
	setenv("NSCHROOT_SUBUID_FILE", "/", 1);
	subid_usermod_command(cmd, sizeof(cmd), "bob");
	is_str(cmd, "usermod --add-subuids START-END --add-subgids START-END bob",
	       "an unreadable file: placeholders, not a guess");
}

int main(void)
{
	test_block();
	test_command();
	return done_testing();
}
