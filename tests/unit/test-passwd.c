// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of src/base/passwd.c. The /etc/passwd and /etc/group read
 * here belong to an untrusted rootfs: odd lines must be skipped, never
 * misread as another user (uid 0 above all), and the parser must stay
 * inside the length it is given. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/passwd.h"
#include "tap.h"

/* Each malformed line below comes before the good ones it could be
 * mistaken for. The NUL inside "nul" makes this more than a C string:
 * its length is taken with sizeof. The last line has no newline. */
static const char passwd[] = "# a comment:x:0:0::/:/bin/sh\n"
			     "\n"
			     "+nis:x:0:0::/nis:/bin/sh\n"
			     "-nisminus:x:0:0::/nis:/bin/sh\n"
			     "+\n"
			     "plus:x:+0:0::/plus:/bin/sh\n"
			     "space:x: 0:0::/space:/bin/sh\n"
			     "empty:x::0::/empty:/bin/sh\n"
			     "short:x:0:0:/short\n"
			     "long:x:0:0:g:/long:/bin/sh:extra\n"
			     "nul:x:0:0::/n\0l:/bin/sh\n"
			     "badgid:x:0:zz::/badgid:/bin/sh\n"
			     "root:x:0:0:root:/root:/bin/bash\n"
			     "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
			     "alpha:x:abc:6::/alpha:/bin/sh\n"
			     "neg:x:-7:7::/neg:/bin/sh\n"
			     "minus1:x:4294967295:1::/minus1:/bin/sh\n"
			     "huge:x:4294967296:1::/huge:/bin/sh\n"
			     "ro:x:1000:1000:Ro:/home/ro:/bin/sh\n"
			     "rootx:x:1001:1001::/home/rootx:/bin/sh\n"
			     "dup:x:1002:bad::/bad:/bin/sh\n"
			     "dup:x:1002:1002::/home/dup:/bin/sh\n"
			     "last:x:1003:1004:Last:/home/last:/bin/dash";

/* A heap copy of exactly len bytes, no NUL after: valgrind reports any
 * read past the length the parser was given. */
static char *exact_copy(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);
	if (!p)
		bail_out("out of memory");
	memcpy(p, s, len);
	return p;
}

static void found(int r, const struct pw_entry *pw, const char *what, const char *name,
		  uint32_t uid, uint32_t gid, const char *home, const char *shell)
{
	is_int(r, 0, "%s: found", what);
	is_str(pw->name, name, "%s: name", what);
	is_int(pw->uid, uid, "%s: uid", what);
	is_int(pw->gid, gid, "%s: gid", what);
	is_str(pw->home, home, "%s: home", what);
	is_str(pw->shell, shell, "%s: shell", what);
}

static void by_uid(const char *buf, size_t len, uint32_t uid, const char *name, uint32_t gid,
		   const char *home, const char *shell)
{
	struct pw_entry pw = { 0 };
	char what[64];
	snprintf(what, sizeof(what), "uid %u", uid);
	found(passwd_find_uid(buf, len, uid, &pw), &pw, what, name, uid, gid, home, shell);
	pw_entry_free(&pw);
}

static void by_name(const char *buf, size_t len, const char *name, uint32_t uid, uint32_t gid,
		    const char *home, const char *shell)
{
	struct pw_entry pw = { 0 };
	char what[64];
	snprintf(what, sizeof(what), "user '%s'", name);
	found(passwd_find_name(buf, len, name, &pw), &pw, what, name, uid, gid, home, shell);
	pw_entry_free(&pw);
}

static void no_uid(const char *buf, size_t len, uint32_t uid, const char *why)
{
	struct pw_entry pw = { 0 };
	is_int(passwd_find_uid(buf, len, uid, &pw), -ENOENT, "uid %u is not found: %s", uid, why);
	ok(!pw.name && !pw.home && !pw.shell, "uid %u: the output is left alone", uid);
}

static void no_name(const char *buf, size_t len, const char *name, const char *why)
{
	struct pw_entry pw = { 0 };
	is_int(passwd_find_name(buf, len, name, &pw), -ENOENT, "user '%s' is not found: %s", name,
	       why);
	ok(!pw.name && !pw.home && !pw.shell, "user '%s': the output is left alone", name);
}

static void test_passwd(void)
{
	size_t len = sizeof(passwd) - 1;
	char *buf = exact_copy(passwd, len);

	/* uid 0 is on many malformed lines above root's: none may win. */
	by_uid(buf, len, 0, "root", 0, "/root", "/bin/bash");
	by_name(buf, len, "root", 0, 0, "/root", "/bin/bash");
	by_uid(buf, len, 1, "daemon", 1, "/usr/sbin", "/usr/sbin/nologin");
	/* A name that is a prefix of another, or has one as its prefix. */
	by_name(buf, len, "ro", 1000, 1000, "/home/ro", "/bin/sh");
	by_name(buf, len, "rootx", 1001, 1001, "/home/rootx", "/bin/sh");
	no_name(buf, len, "roo", "a prefix of a name is not the name");
	no_name(buf, len, "rootxy", "a name is not a prefix of the key");
	no_name(buf, len, "", "the empty name");
	/* The last line, with no newline, ends exactly at the buffer's end. */
	by_name(buf, len, "last", 1003, 1004, "/home/last", "/bin/dash");
	by_uid(buf, len, 1003, "last", 1004, "/home/last", "/bin/dash");

	no_name(buf, len, "# a comment", "a comment line");
	no_name(buf, len, "+nis", "a NIS '+' line");
	no_name(buf, len, "-nisminus", "a NIS '-' line");
	no_name(buf, len, "nis", "a NIS line's name without its '+'");
	no_name(buf, len, "short", "six fields");
	no_name(buf, len, "long", "eight fields");
	no_name(buf, len, "nul", "a NUL byte inside the line");
	no_name(buf, len, "badgid", "a non-numeric gid");
	no_name(buf, len, "alpha", "a non-numeric uid");
	no_name(buf, len, "plus", "a uid with a '+'");
	no_name(buf, len, "space", "a uid with a space");
	no_name(buf, len, "empty", "an empty uid");
	no_name(buf, len, "neg", "a negative uid");
	no_name(buf, len, "minus1", "uid 4294967295 is (uid_t)-1, not an id");
	no_name(buf, len, "huge", "a uid above 32 bits");
	no_uid(buf, len, 6, "its line's uid is not a number");
	no_uid(buf, len, 7, "its line's uid is '-7'");
	no_uid(buf, len, 4294967295u, "(uid_t)-1 is never an id");
	no_uid(buf, len, 4242, "no such uid");
	no_name(buf, len, "nobody", "no such user");

	/* A malformed line with the name or uid asked for is skipped like any
	 * other: the well-formed "dup" line after it is the answer. */
	by_name(buf, len, "dup", 1002, 1002, "/home/dup", "/bin/sh");
	by_uid(buf, len, 1002, "dup", 1002, "/home/dup", "/bin/sh");
	free(buf);
}

/* The caller passes the length it read; nothing after it may be used. */
static void test_length(void)
{
	static const char two[] = "root:x:0:0:root:/root:/bin/bash\n"
				  "user:x:1000:1000::/home/user:/bin/shEXTRA";
	size_t full = sizeof(two) - 1;

	/* Cut right after "/bin/sh": the last field ends at the length. */
	size_t len = full - strlen("EXTRA");
	char *buf = exact_copy(two, len);
	by_name(buf, len, "user", 1000, 1000, "/home/user", "/bin/sh");
	free(buf);

	/* Cut inside the home field: six fields, so no such line. */
	len = (size_t)(strstr(two, ":/bin/sh") - two);
	buf = exact_copy(two, len);
	no_name(buf, len, "user", "its line is cut to six fields by the length");
	by_uid(buf, len, 0, "root", 0, "/root", "/bin/bash");
	free(buf);

	/* Cut inside the first line: a prefix of "root" is all there is. */
	len = 3;
	buf = exact_copy(two, len);
	no_name(buf, len, "root", "only 'roo' is within the length");
	no_name(buf, len, "roo", "a line of one field");
	free(buf);

	buf = exact_copy(two, 0);
	no_uid(buf, 0, 0, "an empty buffer");
	free(buf);

	/* The newline alone, at the very end. */
	static const char nl[] = "root:x:0:0:root:/root:/bin/bash\n";
	len = sizeof(nl) - 1;
	buf = exact_copy(nl, len);
	by_uid(buf, len, 0, "root", 0, "/root", "/bin/bash");
	free(buf);
}

static void test_group(void)
{
	static const char group[] = "# c:x:0:\n"
				    "\n"
				    "+:::\n"
				    "+wheel:x:0:\n"
				    "root:x:0:\n"
				    "wheel:x:10:root,ro\n"
				    "alpha:x:zz:\n"
				    "three:x:11\n"
				    "five:x:12:a:b\n"
				    "nul:x:1\0:\n"
				    "dup:x:bad:\n"
				    "dup:x:13:\n"
				    "sudo:x:27:";
	size_t len = sizeof(group) - 1;
	char *buf = exact_copy(group, len);
	struct {
		const char *name;
		int r;
		uint32_t gid;
	} t[] = {
		{ "root", 0, 0 },	{ "wheel", 0, 10 },	 { "sudo", 0, 27 },
		{ "dup", 0, 13 },	{ "whee", -ENOENT, 0 },	 { "wheels", -ENOENT, 0 },
		{ "+", -ENOENT, 0 },	{ "alpha", -ENOENT, 0 }, { "three", -ENOENT, 0 },
		{ "five", -ENOENT, 0 }, { "nul", -ENOENT, 0 },	 { "nogroup", -ENOENT, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint32_t gid = 0xdeadbeefu;
		is_int(group_find_name(buf, len, t[i].name, &gid), t[i].r, "group '%s': %s",
		       t[i].name, t[i].r == 0 ? "found" : "not found");
		is_int(gid, t[i].r == 0 ? t[i].gid : 0xdeadbeefu, "group '%s': %s", t[i].name,
		       t[i].r == 0 ? "its gid" : "the output is left alone");
	}
	free(buf);
}

/* A group's name by gid, and the groups that list a user. */
static void test_members(void)
{
	static const char text[] = "root:x:0:\nsudo:x:27:alice,me\nbad:x:zz:me\n"
				   "#c:x:5:me\nusers:x:100:me\nmeme:x:7:mem,meme\n";
	char *name = NULL;
	is_int(group_find_gid(text, strlen(text), 27, &name), 0, "gid 27 is found");
	is_str(name, "sudo", "... named sudo");
	free(name);
	is_int(group_find_gid(text, strlen(text), 42, &name), -ENOENT, "gid 42 is not");
	uint32_t gids[4] = { 0 };
	is_int((long long)group_member_gids(text, strlen(text), "me", gids, 4), 2,
	       "me is a member of two groups (comments and bad gids aside)");
	ok(gids[0] == 27 && gids[1] == 100, "27 and 100, in file order");
	is_int((long long)group_member_gids(text, strlen(text), "me", gids, 1), 1,
	       "at most max of them");
	is_int((long long)group_member_gids(text, strlen(text), "mem", gids, 4), 1,
	       "a member name is matched whole");
}

static void test_free(void)
{
	struct pw_entry pw = { 0 };
	pw_entry_free(&pw);
	ok(!pw.name && !pw.home && !pw.shell, "pw_entry_free of an empty entry is a no-op");
	static const char one[] = "u:x:5:6:g:/h:/s";
	is_int(passwd_find_uid(one, sizeof(one) - 1, 5, &pw), 0, "a one-line file is read");
	pw_entry_free(&pw);
	ok(!pw.name && !pw.home && !pw.shell && pw.uid == 0,
	   "pw_entry_free clears the entry (a second free is safe)");
	pw_entry_free(&pw);
}

int main(void)
{
	test_passwd();
	test_length();
	test_group();
	test_members();
	test_free();
	return done_testing();
}
