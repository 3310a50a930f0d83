// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of src/store/os-release.c and src/store/fixups.c. The parser
 * and the choice of fixups are pure; applying and undoing them runs on a
 * temporary "root" standing for an untrusted rootfs, beside an "outside"
 * directory standing for the host, which no fixup may ever write to. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/resolve.h"
#include "store/fixups.h"
#include "store/os-release.h"
#include "tap.h"
#include "tmptree.h"

#define APT_FILE "etc/apt/apt.conf.d/99nschroot-sandbox"
#define OWNED	 (FIXUP_APT | FIXUP_DPKG | FIXUP_HOSTS)

enum { BASE_MAX = 1024, ROOT_MAX = BASE_MAX + 64, SUBPATH_MAX = ROOT_MAX + 64 };

static char base[BASE_MAX];
static char outside[ROOT_MAX];

/* A test that cannot run here: "ok - # SKIP", unless CI demands it run. */
static void skip(const char *what, const char *why)
{
	const char *must = getenv("NSCHROOT_TEST_MUST_WORK");
	if (must && strcmp(must, "1") == 0)
		ok(false, "%s (cannot skip under NSCHROOT_TEST_MUST_WORK=1: %s)", what, why);
	else
		ok(true, "%s # SKIP %s", what, why);
}

/* ---- os-release ---- */

static struct os_release parse(const char *text)
{
	struct os_release os;
	/* An exact heap copy, no NUL after it: valgrind sees any overread. */
	size_t len = strlen(text);
	char *copy = malloc(len ? len : 1);
	if (!copy)
		bail_out("out of memory");
	memcpy(copy, text, len);
	os_release_parse(copy, len, &os);
	free(copy);
	return os;
}

static void check_id(const char *text, const char *want, const char *what)
{
	struct os_release os = parse(text);
	is_str(os.id, want, "%s", what);
}

static void test_parse(void)
{
	struct os_release os = parse("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
				     "NAME=\"Debian GNU/Linux\"\n"
				     "VERSION_ID=\"12\"\n"
				     "VERSION=\"12 (bookworm)\"\n"
				     "VERSION_CODENAME=bookworm\n"
				     "ID=debian\n"
				     "HOME_URL=\"https://www.debian.org/\"\n");
	is_str(os.id, "debian", "Debian: ID");
	is_str(os.id_like, "", "Debian: no ID_LIKE");
	is_str(os.version_id, "12", "Debian: VERSION_ID");

	os = parse("NAME=\"Linux Mint\"\nID=linuxmint\nID_LIKE=\"ubuntu debian\"\n");
	is_str(os.id_like, "ubuntu debian", "ID_LIKE with two words");

	os = parse("NAME=\"Arch Linux\"\nPRETTY_NAME=\"Arch Linux\"\nID=arch\nBUILD_ID=rolling");
	is_str(os.id, "arch", "Arch: ID");
	is_str(os.version_id, "", "Arch: no VERSION_ID");
	os = parse("NAME=\"Arch Linux\"\nID=arch");
	is_str(os.id, "arch", "the last line needs no newline");

	check_id("ID='arch'\n", "arch", "single quotes");
	check_id("ID=\"deb\"'ian'\n", "debian", "quoted parts concatenated");
	check_id("ID=de\\bian\n", "debian", "a bare backslash quotes the next character");
	os = parse("ID_LIKE=\"a \\\"b\\\" \\\\ \\$x \\`y\\` \\n\"\n");
	is_str(os.id_like, "a \"b\" \\ $x `y` \\n",
	       "double quotes: \\\" \\\\ \\$ \\` are escapes, other backslashes literal");
	os = parse("ID_LIKE='it''s \\\"raw\\\"'\n");
	is_str(os.id_like, "its \\\"raw\\\"", "single quotes: backslashes literal");
	os = parse("ID_LIKE=\"a # b\"\n");
	is_str(os.id_like, "a # b", "'#' inside quotes is text");
	check_id("ID=a#b\n", "a#b", "'#' inside a bare word is text");
	check_id("ID=debian # the distro\n", "debian", "a comment after the value");
	check_id("ID=debian   \t\n", "debian", "blanks after the value");
	check_id("ID=debian\r\n", "debian", "a CRLF line");
	check_id("   ID=debian\n", "debian", "blanks before the key");
	check_id("ID=\n", "", "an empty value");
	check_id("ID=\"\"\n", "", "an empty quoted value");

	/* Malformed lines are skipped, and leave what an earlier line set. */
	check_id("# ID=arch\nID=debian\n#ID=arch\n", "debian", "comments are skipped");
	check_id("ID=debian\nID=arch\n", "arch", "a later assignment wins");
	check_id("ID=debian\nID=\"arch\n", "debian", "an unterminated double quote");
	check_id("ID=debian\nID='arch\n", "debian", "an unterminated single quote");
	check_id("ID=debian\nID=\"ar\nch\"\n", "debian", "a quote never spans lines");
	check_id("ID=debian\nID=\"arch\" junk\n", "debian", "text after the value");
	check_id("ID=debian\nID=arch linux\n", "debian", "an unquoted blank");
	check_id("ID=debian\nID=arch\\\n", "debian", "a backslash at the end of a line");
	check_id("ID debian\n", "", "no '='");
	check_id("ID =debian\n", "", "a blank before '='");
	check_id("1ID=debian\n", "", "a key starting with a digit");
	check_id("export ID=debian\n", "", "'export' is not os-release syntax");
	check_id("XID=debian\nIDX=arch\n", "", "keys that only contain ID");
	check_id("", "", "an empty file");
	check_id("\n\n\n", "", "only blank lines");

	char nul[] = "ID=debian\nID=ar\0ch\n";
	os_release_parse(nul, sizeof(nul) - 1, &os);
	is_str(os.id, "debian", "a NUL inside a value makes the line malformed");

	/* Bounded: OS_RELEASE_VALUE_MAX - 1 bytes fit, one more is too long. */
	char line[OS_RELEASE_VALUE_MAX + 32];
	char value[OS_RELEASE_VALUE_MAX + 1];
	memset(value, 'x', OS_RELEASE_VALUE_MAX - 1);
	value[OS_RELEASE_VALUE_MAX - 1] = '\0';
	snprintf(line, sizeof(line), "ID=%s\n", value);
	os = parse(line);
	is_int((long long)strlen(os.id), OS_RELEASE_VALUE_MAX - 1, "the longest value fits");
	value[OS_RELEASE_VALUE_MAX - 1] = 'x';
	value[OS_RELEASE_VALUE_MAX] = '\0';
	snprintf(line, sizeof(line), "ID=debian\nID=\"%s\"\n", value);
	os = parse(line);
	is_str(os.id, "debian", "a value one byte longer is skipped, not truncated");

	/* The parser stops at len, even inside a line. */
	const char *text = "ID=debian\nID=arch\n";
	os_release_parse(text, 16, &os);
	is_str(os.id, "arc", "only len bytes are parsed");
}

/* ---- names and the applicable matrix ---- */

static void test_names(void)
{
	is_str(fixup_name(FIXUP_APT), "apt", "fixup_name(FIXUP_APT)");
	is_str(fixup_name(FIXUP_DPKG), "dpkg", "fixup_name(FIXUP_DPKG)");
	is_str(fixup_name(FIXUP_PACMAN), "pacman", "fixup_name(FIXUP_PACMAN)");
	is_str(fixup_name(FIXUP_HOSTS), "hosts", "fixup_name(FIXUP_HOSTS)");
	is_str(fixup_name(FIXUP_APT | FIXUP_DPKG), NULL, "fixup_name of a set is NULL");
	is_str(fixup_name(0), NULL, "fixup_name(0) is NULL");
	is_int(fixup_from_name("pacman"), FIXUP_PACMAN, "fixup_from_name('pacman')");
	is_int(fixup_from_name("APT"), -EINVAL, "names are case-sensitive");
	is_int(fixup_from_name(""), -EINVAL, "the empty name is unknown");

	const struct {
		unsigned set;
		const char *text;
	} sets[] = {
		{ 0, "" },
		{ FIXUP_APT, "apt" },
		{ FIXUP_APT | FIXUP_DPKG, "apt,dpkg" },
		{ FIXUP_HOSTS | FIXUP_PACMAN, "pacman,hosts" },
		{ FIXUP_ALL, "apt,dpkg,pacman,hosts,user,sudo" },
	};
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		char *s = fixups_format(sets[i].set);
		is_str(s, sets[i].text, "fixups_format(%#x)", sets[i].set);
		unsigned back = 12345;
		is_int(fixups_parse(s ? s : "", &back), 0, "'%s' parses", sets[i].text);
		is_int(back, sets[i].set, "'%s' parses back to %#x", sets[i].text, sets[i].set);
		free(s);
	}
	char *s = fixups_format(FIXUP_DPKG | 1u << 20);
	is_str(s, "dpkg", "unknown bits are not formatted");
	free(s);

	unsigned set = 0;
	is_int(fixups_parse(" hosts , apt ", &set), 0, "blanks around names are allowed");
	is_int(set, FIXUP_APT | FIXUP_HOSTS, "and the order does not matter");
	is_int(fixups_parse("dpkg,dpkg", &set), 0, "a repeated name is allowed");
	is_int(set, FIXUP_DPKG, "once in the set");
	const char *bad[] = { "apt,", ",apt", "apt,,dpkg", "apt,resolv", "apt dpkg", "a", " , " };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		set = 777;
		is_int(fixups_parse(bad[i], &set), -EINVAL, "'%s' is refused", bad[i]);
		is_int(set, 777, "'%s' leaves the output alone", bad[i]);
	}
}

static void test_applicable(void)
{
	const struct {
		const char *id, *id_like;
		unsigned root, other; /* root mode, and not */
	} cases[] = {
		{ "debian", "", OWNED, FIXUP_DPKG | FIXUP_HOSTS },
		{ "ubuntu", "debian", OWNED, FIXUP_DPKG | FIXUP_HOSTS },
		{ "linuxmint", "ubuntu debian", OWNED, FIXUP_DPKG | FIXUP_HOSTS },
		{ "pop", "ubuntu", OWNED, FIXUP_DPKG | FIXUP_HOSTS },
		{ "arch", "", FIXUP_PACMAN | FIXUP_HOSTS, FIXUP_HOSTS },
		{ "manjaro", "arch", FIXUP_PACMAN | FIXUP_HOSTS, FIXUP_HOSTS },
		{ "endeavouros", "arch", FIXUP_PACMAN | FIXUP_HOSTS, FIXUP_HOSTS },
		{ "fedora", "", FIXUP_HOSTS, FIXUP_HOSTS },
		{ "alpine", "", FIXUP_HOSTS, FIXUP_HOSTS },
		{ "opensuse-tumbleweed", "opensuse suse", FIXUP_HOSTS, FIXUP_HOSTS },
		{ "debianish", "archlike", FIXUP_HOSTS, FIXUP_HOSTS },
		{ "x", "notdebian ubuntu-ish", FIXUP_HOSTS, FIXUP_HOSTS },
		{ "", "", FIXUP_HOSTS, FIXUP_HOSTS },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct os_release os = { 0 };
		snprintf(os.id, sizeof(os.id), "%s", cases[i].id);
		snprintf(os.id_like, sizeof(os.id_like), "%s", cases[i].id_like);
		is_int(fixups_applicable(&os, true), cases[i].root, "ID=%s ID_LIKE='%s', root mode",
		       cases[i].id, cases[i].id_like);
		is_int(fixups_applicable(&os, false), cases[i].other,
		       "ID=%s ID_LIKE='%s', other modes", cases[i].id, cases[i].id_like);
	}
	is_int(fixups_applicable(NULL, true), FIXUP_HOSTS, "no os-release: hosts only");
}

/* ---- on a temporary rootfs ---- */

static void plant_dirs(int dirfd, const char *path)
{
	char p[256];
	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdirat(dirfd, p, 0755) < 0 && errno != EEXIST)
			bail_out("mkdir '%s': %m", p);
		*s = c;
		if (c == '\0')
			break;
	}
}

static void plant_file(int dirfd, const char *path, const char *content, mode_t mode)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		bail_out("create '%s': %m", path);
	size_t len = strlen(content);
	if (write(fd, content, len) != (ssize_t)len || fchmod(fd, mode) < 0)
		bail_out("write '%s': %m", path);
	close(fd);
}

static void plant_link(int dirfd, const char *target, const char *path)
{
	if (symlinkat(target, dirfd, path) < 0)
		bail_out("symlink '%s' -> '%s': %m", path, target);
}

/* The whole content of path under dirfd (not followed), or NULL. */
static char *slurp(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *buf = malloc(1 << 16);
	ssize_t n = buf ? read(fd, buf, (1 << 16) - 1) : -1;
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static bool has_text(int dirfd, const char *path, const char *want)
{
	char *s = slurp(dirfd, path);
	bool same = s && strcmp(s, want) == 0;
	if (!same)
		diag("'%s' holds: %s", path, s ? s : "(nothing)");
	free(s);
	return same;
}

static bool contains(int dirfd, const char *path, const char *needle)
{
	char *s = slurp(dirfd, path);
	bool found = s && strstr(s, needle);
	free(s);
	return found;
}

static mode_t type_at(int dirfd, const char *path)
{
	struct stat st;
	if (fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	return st.st_mode & S_IFMT;
}

static long long mode_at(int dirfd, const char *path)
{
	struct stat st;
	if (fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	return st.st_mode & 07777;
}

static ino_t ino_at(int dirfd, const char *path)
{
	struct stat st;
	return fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_ino : 0;
}

/* No ".nschroot-" temporary file left in dir under the root. */
static bool no_temporaries(const struct test_root *r, const char *dir)
{
	char path[SUBPATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", r->path, dir);
	DIR *d = opendir(path);
	if (!d)
		return true;
	bool clean = true;
	for (struct dirent *e; (e = readdir(d));)
		if (strstr(e->d_name, ".nschroot-")) {
			diag("left behind: %s/%s", dir, e->d_name);
			clean = false;
		}
	closedir(d);
	return clean;
}

static void outside_untouched(const char *when)
{
	is_int((long long)count_entries(AT_FDCWD, outside), 1, "%s: nothing was made outside",
	       when);
	is_int(type_at(AT_FDCWD, outside), S_IFDIR, "%s: the outside is still a directory", when);
}

static void on_alarm(int sig)
{
	static const char msg[] = "Bail out! hung on a FIFO\n";
	ssize_t n = write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	(void)n;
	_exit(1);
}

static void test_read(void)
{
	struct test_root r = test_root_new(base, "read");
	struct os_release os;
	is_int(os_release_read(r.fd, &os), -ENOENT, "no os-release: -ENOENT");

	plant_dirs(r.dirfd, "usr/lib");
	plant_file(r.dirfd, "usr/lib/os-release", "ID=arch\n", 0644);
	is_int(os_release_read(r.fd, &os), 0, "/usr/lib/os-release alone is read");
	is_str(os.id, "arch", "its ID");

	plant_dirs(r.dirfd, "etc");
	plant_file(r.dirfd, "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n", 0644);
	is_int(os_release_read(r.fd, &os), 0, "/etc/os-release is read");
	is_str(os.id, "debian", "before /usr/lib/os-release");
	is_str(os.version_id, "12", "with its VERSION_ID");
	unlinkat(r.dirfd, "etc/os-release", 0);

	plant_link(r.dirfd, "../usr/lib/os-release", "etc/os-release");
	is_int(os_release_read(r.fd, &os), 0, "a relative link, as distros ship it");
	is_str(os.id, "arch", "is followed inside the root");
	unlinkat(r.dirfd, "etc/os-release", 0);

	/* Links to the host's file, absolute and climbing: never read. */
	char path[SUBPATH_MAX];
	snprintf(path, sizeof(path), "%s/os-release", outside);
	plant_link(r.dirfd, path, "etc/os-release");
	is_int(os_release_read(r.fd, &os), 0, "an absolute link out of the root");
	is_str(os.id, "arch", "is not followed out: /usr/lib/os-release is read instead");
	unlinkat(r.dirfd, "etc/os-release", 0);
	plant_link(r.dirfd, "../../../../outside/os-release", "etc/os-release");
	unlinkat(r.dirfd, "usr/lib/os-release", 0);
	is_int(os_release_read(r.fd, &os), -ENOENT, "a climbing link out of the root: absent");
	is_str(os.id, "", "and nothing is read");
	unlinkat(r.dirfd, "etc/os-release", 0);

	/* A FIFO must not block, and counts as absent. */
	if (mkfifoat(r.dirfd, "etc/os-release", 0644) < 0)
		bail_out("mkfifo: %m");
	plant_file(r.dirfd, "usr/lib/os-release", "ID=ubuntu\n", 0644);
	struct sigaction sa = { .sa_handler = on_alarm };
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		bail_out("sigaction: %m");
	alarm(5);
	is_int(os_release_read(r.fd, &os), 0, "a FIFO at /etc/os-release does not block");
	alarm(0);
	is_str(os.id, "ubuntu", "and counts as absent");
	unlinkat(r.dirfd, "etc/os-release", 0);

	/* Oversized: absent too. */
	char *big = malloc(128 * 1024 + 1);
	if (!big)
		bail_out("out of memory");
	memset(big, '#', 128 * 1024);
	memcpy(big, "ID=fedora\n", 10);
	big[128 * 1024] = '\0';
	plant_file(r.dirfd, "etc/os-release", big, 0644);
	free(big);
	is_int(os_release_read(r.fd, &os), 0, "an oversized /etc/os-release");
	is_str(os.id, "ubuntu", "is skipped");
	test_root_close(&r);
}

/* The three files a fixup writes whole. */
static void test_owned(void)
{
	struct test_root r = test_root_new(base, "owned");
	struct failure f = { 0 };
	unsigned done = 99;

	/* No /etc at all: it is made. The umask must not change the modes. */
	mode_t old_umask = umask(077);
	is_int(fixups_apply(r.fd, OWNED, "box", &done, &f), 0,
	       "apply apt, dpkg, hosts to an empty root");
	if (f.what[0])
		diag("%s", f.what);
	umask(old_umask);
	is_int(done, OWNED, "all three are applied");
	ok(contains(r.dirfd, APT_FILE, "APT::Sandbox::User \"root\";\n"), "the apt setting");
	ok(contains(r.dirfd, APT_FILE, "nschroot"), "the apt file says who wrote it");
	is_int(mode_at(r.dirfd, APT_FILE), 0644, "the apt file is 0644");
	is_int(type_at(r.dirfd, "etc/apt/apt.conf.d"), S_IFDIR, "apt.conf.d was made");
	ok(contains(r.dirfd, "usr/sbin/policy-rc.d", "#!/bin/sh\n"), "policy-rc.d is a script");
	ok(contains(r.dirfd, "usr/sbin/policy-rc.d", "\nexit 101\n"), "policy-rc.d exits 101");
	is_int(mode_at(r.dirfd, "usr/sbin/policy-rc.d"), 0755, "policy-rc.d is 0755");
	ok(contains(r.dirfd, "etc/hosts", "\n127.0.0.1 localhost\n"), "hosts: IPv4 localhost");
	ok(contains(r.dirfd, "etc/hosts", "\n::1 localhost ip6-localhost ip6-loopback\n"),
	   "hosts: IPv6 localhost");
	ok(contains(r.dirfd, "etc/hosts", "\n127.0.1.1 box # nschroot\n"), "hosts: the box's name");
	is_int(mode_at(r.dirfd, "etc/hosts"), 0644, "hosts is 0644");
	ok(no_temporaries(&r, "etc") && no_temporaries(&r, "usr/sbin") &&
	       no_temporaries(&r, "etc/apt/apt.conf.d"),
	   "no temporary file is left");

	/* Idempotent: the same files, not rewritten. */
	ino_t apt = ino_at(r.dirfd, APT_FILE), dpkg = ino_at(r.dirfd, "usr/sbin/policy-rc.d"),
	      hosts = ino_at(r.dirfd, "etc/hosts");
	done = 0;
	is_int(fixups_apply(r.fd, OWNED, "box", &done, &f), 0, "applying again succeeds");
	is_int(done, OWNED, "and reports the same set");
	ok(apt == ino_at(r.dirfd, APT_FILE) && dpkg == ino_at(r.dirfd, "usr/sbin/policy-rc.d") &&
	       hosts == ino_at(r.dirfd, "etc/hosts"),
	   "no file was rewritten");

	/* Ours with its mode changed is made right. */
	fchmodat(r.dirfd, "usr/sbin/policy-rc.d", 0644, 0);
	is_int(fixups_apply(r.fd, FIXUP_DPKG, "box", &done, &f), 0,
	       "apply dpkg over a chmod'ed one");
	is_int(mode_at(r.dirfd, "usr/sbin/policy-rc.d"), 0755, "policy-rc.d is 0755 again");

	done = 0;
	is_int(fixups_undo(r.fd, OWNED, &done, &f), 0, "undo");
	is_int(done, OWNED, "undoes all three");
	is_int(type_at(r.dirfd, APT_FILE), 0, "the apt file is gone");
	is_int(type_at(r.dirfd, "usr/sbin/policy-rc.d"), 0, "policy-rc.d is gone");
	is_int(type_at(r.dirfd, "etc/hosts"), 0, "hosts is gone");
	done = 99;
	is_int(fixups_undo(r.fd, OWNED, &done, &f), 0, "undo again");
	is_int(done, 0, "is a no-op");
	test_root_close(&r);

	/* The rootfs' own files are kept, and never undone. */
	r = test_root_new(base, "foreign");
	plant_dirs(r.dirfd, "etc/apt/apt.conf.d");
	plant_dirs(r.dirfd, "usr/sbin");
	plant_file(r.dirfd, "usr/sbin/policy-rc.d", "#!/bin/sh\nexit 0\n", 0755);
	plant_file(r.dirfd, "etc/hosts", "10.0.0.1 mine\n", 0600);
	/* Its hosts names the box already ("mine"). */
	is_int(fixups_apply(r.fd, OWNED, "mine", &done, &f), 0, "apply over the rootfs' own files");
	is_int(done, FIXUP_APT, "only apt is applied");
	ok(has_text(r.dirfd, "usr/sbin/policy-rc.d", "#!/bin/sh\nexit 0\n"),
	   "the rootfs' policy-rc.d is kept");
	ok(has_text(r.dirfd, "etc/hosts", "10.0.0.1 mine\n"), "the rootfs' hosts is kept");
	is_int(mode_at(r.dirfd, "etc/hosts"), 0600, "with its mode");
	is_int(fixups_undo(r.fd, FIXUP_DPKG | FIXUP_HOSTS, &done, &f), 0, "undo dpkg, hosts");
	is_int(done, 0, "undoes nothing that is not ours");
	ok(has_text(r.dirfd, "usr/sbin/policy-rc.d", "#!/bin/sh\nexit 0\n") &&
	       has_text(r.dirfd, "etc/hosts", "10.0.0.1 mine\n"),
	   "both are still there");
	/* Ours, edited since: no longer ours to remove. */
	plant_file(r.dirfd, APT_FILE, "APT::Sandbox::User \"root\"; // mine now\n", 0644);
	is_int(fixups_undo(r.fd, FIXUP_APT, &done, &f), 0, "undo an edited apt file");
	is_int(done, 0, "does nothing");
	is_int(type_at(r.dirfd, APT_FILE), S_IFREG, "the edited file is kept");
	/* ...but apply replaces it: the name is ours. */
	is_int(fixups_apply(r.fd, FIXUP_APT, "box", &done, &f), 0, "apply over an edited apt file");
	ok(contains(r.dirfd, APT_FILE, "nschroot"), "rewrites it");

	/* An empty /etc/hosts is filled. */
	plant_file(r.dirfd, "etc/hosts", "", 0644);
	is_int(fixups_apply(r.fd, FIXUP_HOSTS, "box", &done, &f), 0,
	       "apply hosts over an empty file");
	is_int(done, FIXUP_HOSTS, "applies it");
	ok(contains(r.dirfd, "etc/hosts", "127.0.0.1 localhost"), "with localhost");
	test_root_close(&r);
}

/* A link at the final name is never written through. */
static void test_links(void)
{
	struct test_root r = test_root_new(base, "links");
	struct failure f = { 0 };
	unsigned done = 99;
	char path[SUBPATH_MAX];
	snprintf(path, sizeof(path), "%s/pwned", outside);

	plant_dirs(r.dirfd, "etc/apt/apt.conf.d");
	plant_link(r.dirfd, path, APT_FILE);
	is_int(fixups_apply(r.fd, FIXUP_APT, "box", &done, &f), -ELOOP,
	       "a link at the apt file's name is refused");
	is_str(f.what,
	       "refusing to write through the symbolic link "
	       "'/etc/apt/apt.conf.d/99nschroot-sandbox'",
	       "the failure names the file");
	is_int(done, 0, "nothing is applied");
	is_int(type_at(r.dirfd, APT_FILE), S_IFLNK, "the link is left as it was");
	ok(no_temporaries(&r, "etc/apt/apt.conf.d"), "no temporary file is left");
	outside_untouched("apt through a link");
	is_int(fixups_undo(r.fd, FIXUP_APT, &done, &f), 0, "undo with a link there");
	is_int(done, 0, "does nothing");
	is_int(type_at(r.dirfd, APT_FILE), S_IFLNK, "and keeps the link");

	/* /etc/hosts: a dangling link out, and a climbing one. */
	plant_link(r.dirfd, path, "etc/hosts");
	f.what[0] = '\0';
	is_int(fixups_apply(r.fd, FIXUP_HOSTS, "box", &done, &f), -ELOOP,
	       "a dangling link at /etc/hosts is refused");
	is_str(f.what, "refusing to write through the symbolic link '/etc/hosts'",
	       "the failure names /etc/hosts");
	unlinkat(r.dirfd, "etc/hosts", 0);
	plant_link(r.dirfd, "../../../../outside/pwned", "etc/hosts");
	is_int(fixups_apply(r.fd, FIXUP_HOSTS, "box", &done, &f), -ELOOP, "so is a climbing one");
	outside_untouched("hosts through a link");
	/* A link to a real hosts file inside the root is a hosts file. */
	unlinkat(r.dirfd, "etc/hosts", 0);
	plant_file(r.dirfd, "etc/hosts.real", "127.0.0.1 localhost\n", 0644);
	plant_link(r.dirfd, "hosts.real", "etc/hosts");
	is_int(fixups_apply(r.fd, FIXUP_HOSTS, "box", &done, &f), 0,
	       "a link to a hosts file in the root is accepted");
	is_int(done, 0, "and left alone");
	is_int(type_at(r.dirfd, "etc/hosts"), S_IFLNK, "as a link");

	/* policy-rc.d as a link (alternatives) is the rootfs' own. */
	plant_dirs(r.dirfd, "usr/sbin");
	plant_link(r.dirfd, path, "usr/sbin/policy-rc.d");
	is_int(fixups_apply(r.fd, FIXUP_DPKG, "box", &done, &f), 0, "a link at policy-rc.d");
	is_int(done, 0, "is kept, not replaced");
	is_int(type_at(r.dirfd, "usr/sbin/policy-rc.d"), S_IFLNK, "still a link");
	outside_untouched("policy-rc.d link");
	test_root_close(&r);

	/* /etc itself a link to the outside: resolved in the root, where
	 * it dangles, and nothing is made through it. */
	r = test_root_new(base, "etc-link");
	plant_link(r.dirfd, outside, "etc");
	f.what[0] = '\0';
	int ret = fixups_apply(r.fd, FIXUP_HOSTS, "box", &done, &f);
	ok(ret < 0, "/etc linked out of the root: apply fails (%s)", strerror(-ret));
	is_str(f.what, "cannot create directory '/etc'", "naming /etc");
	outside_untouched("/etc linked out");
	test_root_close(&r);

	/* pacman.conf as a link is refused too. */
	r = test_root_new(base, "pacman-link");
	plant_dirs(r.dirfd, "etc");
	plant_file(r.dirfd, "etc/pacman.conf.real", "[options]\nDownloadUser = alpm\n", 0644);
	plant_link(r.dirfd, "pacman.conf.real", "etc/pacman.conf");
	is_int(fixups_apply(r.fd, FIXUP_PACMAN, "box", &done, &f), -ELOOP, "a linked pacman.conf");
	ok(has_text(r.dirfd, "etc/pacman.conf.real", "[options]\nDownloadUser = alpm\n"),
	   "its target is untouched");
	test_root_close(&r);
}

/* hosts: apply for hostname, check the text and the mode, apply again
 * (the file is not rewritten), undo, check the original is back byte for
 * byte (original NULL: no file, and none after undo). */
static void check_hosts(const char *name, const char *original, const char *hostname,
			const char *want, bool applies)
{
	struct test_root r = test_root_new(base, name);
	struct failure f = { 0 };
	unsigned done = 99;
	plant_dirs(r.dirfd, "etc");
	if (original)
		plant_file(r.dirfd, "etc/hosts", original, 0640);
	is_int(fixups_apply(r.fd, FIXUP_HOSTS, hostname, &done, &f), 0, "%s: apply", name);
	is_int(done, applies ? FIXUP_HOSTS : 0, "%s: %s", name,
	       applies ? "applied" : "nothing to do");
	ok(has_text(r.dirfd, "etc/hosts", want), "%s: the text", name);
	is_int(mode_at(r.dirfd, "etc/hosts"), original ? 0640 : 0644, "%s: the mode", name);
	ino_t ino = ino_at(r.dirfd, "etc/hosts");
	is_int(fixups_apply(r.fd, FIXUP_HOSTS, hostname, &done, &f), 0, "%s: apply again", name);
	is_int(done, applies ? FIXUP_HOSTS : 0, "%s: same set", name);
	is_int(ino_at(r.dirfd, "etc/hosts"), ino, "%s: the file is not rewritten", name);
	is_int(fixups_undo(r.fd, FIXUP_HOSTS, &done, &f), 0, "%s: undo", name);
	is_int(done, applies ? FIXUP_HOSTS : 0, "%s: undone", name);
	if (original) {
		ok(has_text(r.dirfd, "etc/hosts", original), "%s: the original bytes are back",
		   name);
		is_int(mode_at(r.dirfd, "etc/hosts"), 0640, "%s: with their mode", name);
	} else {
		is_int(type_at(r.dirfd, "etc/hosts"), 0, "%s: the file the fixup made is gone",
		       name);
	}
	is_int(fixups_undo(r.fd, FIXUP_HOSTS, &done, &f), 0, "%s: undo again", name);
	is_int(done, 0, "%s: is a no-op", name);
	ok(no_temporaries(&r, "etc"), "%s: no temporary file is left", name);
	test_root_close(&r);
}

#define HOSTS_MISSING                                                                              \
	"# Written by nschroot (fixup \"hosts\"): the root filesystem had no /etc/hosts.\n"        \
	"127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n"
#define HOSTS_EMPTY                                                                                \
	"# Written by nschroot (fixup \"hosts\") over an empty /etc/hosts, which\n"                \
	"# 'nschroot fixup --undo --hosts' gives back.\n"                                          \
	"127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n"

static void test_hosts(void)
{
	check_hosts("hosts-missing", NULL, "box", HOSTS_MISSING "127.0.1.1 box # nschroot\n", true);
	check_hosts("hosts-empty", "", "box", HOSTS_EMPTY "127.0.1.1 box # nschroot\n", true);
	check_hosts("hosts-no-name", "127.0.0.1 localhost\n", "box",
		    "127.0.0.1 localhost\n127.0.1.1 box # nschroot\n", true);
	check_hosts("hosts-no-newline", "127.0.0.1 localhost", "my-box.x_1",
		    "127.0.0.1 localhost\n127.0.1.1 my-box.x_1 # nschroot", true);
	check_hosts("hosts-named", "127.0.0.1 localhost\n10.1.2.3\tbox.example BOX # mine\n", "box",
		    "127.0.0.1 localhost\n10.1.2.3\tbox.example BOX # mine\n", false);
	/* A name in a comment, or as the address, resolves nothing. */
	check_hosts("hosts-commented", "127.0.0.1 localhost # box\nbox other\n", "box",
		    "127.0.0.1 localhost # box\nbox other\n127.0.1.1 box # nschroot\n", true);
	check_hosts("hosts-localhost", NULL, "localhost", HOSTS_MISSING, true);
	check_hosts("hosts-no-hostname", NULL, NULL, HOSTS_MISSING, true);
	check_hosts("hosts-bad-hostname", "10.0.0.1 a\n", "bad name\n# x", "10.0.0.1 a\n", false);

	/* Another hostname: the line is replaced, never a second one added;
	 * undo takes out exactly it, lines after it stay. */
	struct test_root r = test_root_new(base, "hosts-rename");
	struct failure f = { 0 };
	unsigned done = 0;
	plant_dirs(r.dirfd, "etc");
	plant_file(r.dirfd, "etc/hosts", "10.0.0.1 a\n", 0644);
	fixups_apply(r.fd, FIXUP_HOSTS, "one", &done, &f);
	is_int(fixups_apply(r.fd, FIXUP_HOSTS, "two", &done, &f), 0,
	       "hosts: apply for another name");
	ok(has_text(r.dirfd, "etc/hosts", "10.0.0.1 a\n127.0.1.1 two # nschroot\n"),
	   "the line names the new one alone");
	plant_file(r.dirfd, "etc/hosts", "10.0.0.1 a\n127.0.1.1 two # nschroot\n10.0.0.2 b\n",
		   0644);
	is_int(fixups_undo(r.fd, FIXUP_HOSTS, &done, &f), 0, "hosts: undo with a line after ours");
	ok(has_text(r.dirfd, "etc/hosts", "10.0.0.1 a\n10.0.0.2 b\n"), "takes out our line alone");
	test_root_close(&r);
}

/* Apply, check, apply again, undo, check the original is back. */
static void check_pacman(const char *name, const char *original, const char *want, bool applies)
{
	struct test_root r = test_root_new(base, name);
	struct failure f = { 0 };
	unsigned done = 99;
	plant_dirs(r.dirfd, "etc");
	plant_file(r.dirfd, "etc/pacman.conf", original, 0640);
	is_int(fixups_apply(r.fd, FIXUP_PACMAN, "box", &done, &f), 0, "%s: apply", name);
	is_int(done, applies ? FIXUP_PACMAN : 0, "%s: %s", name,
	       applies ? "applied" : "nothing to do");
	ok(has_text(r.dirfd, "etc/pacman.conf", want), "%s: the edited text", name);
	is_int(mode_at(r.dirfd, "etc/pacman.conf"), 0640, "%s: the mode is kept", name);
	ino_t ino = ino_at(r.dirfd, "etc/pacman.conf");
	is_int(fixups_apply(r.fd, FIXUP_PACMAN, "box", &done, &f), 0, "%s: apply again", name);
	is_int(done, applies ? FIXUP_PACMAN : 0, "%s: same set", name);
	is_int(ino_at(r.dirfd, "etc/pacman.conf"), ino, "%s: the file is not rewritten", name);
	is_int(fixups_undo(r.fd, FIXUP_PACMAN, &done, &f), 0, "%s: undo", name);
	is_int(done, applies ? FIXUP_PACMAN : 0, "%s: undone", name);
	ok(has_text(r.dirfd, "etc/pacman.conf", original), "%s: the original text is back", name);
	is_int(fixups_undo(r.fd, FIXUP_PACMAN, &done, &f), 0, "%s: undo again", name);
	is_int(done, 0, "%s: is a no-op", name);
	ok(no_temporaries(&r, "etc"), "%s: no temporary file is left", name);
	test_root_close(&r);
}

static void test_pacman(void)
{
	check_pacman("pacman-arch",
		     "#\n# /etc/pacman.conf\n#\n[options]\n#RootDir     = /\n"
		     "HoldPkg     = pacman glibc\nArchitecture = auto\n"
		     "DownloadUser = alpm\n#DisableSandbox\n\n[core]\nInclude = "
		     "/etc/pacman.d/mirrorlist\n",
		     "#\n# /etc/pacman.conf\n#\n[options]\nDisableSandbox # nschroot\n"
		     "#RootDir     = /\nHoldPkg     = pacman glibc\nArchitecture = auto\n"
		     "#nschroot# DownloadUser = alpm\n#DisableSandbox\n\n[core]\nInclude = "
		     "/etc/pacman.d/mirrorlist\n",
		     true);
	check_pacman("pacman-eof", "[options]", "[options]\nDisableSandbox # nschroot", true);
	check_pacman("pacman-indented", "[options]\n  DownloadUser=alpm\r\nDisableSandbox\n",
		     "[options]\n#nschroot#   DownloadUser=alpm\r\nDisableSandbox\n", true);
	check_pacman("pacman-done", "[options]\nDisableSandbox\n#DownloadUser = alpm\n",
		     "[options]\nDisableSandbox\n#DownloadUser = alpm\n", false);
	check_pacman("pacman-sections", "[core]\nDownloadUser = x\n[options]\nDownloadUsers = y\n",
		     "[core]\nDownloadUser = x\n[options]\nDisableSandbox # nschroot\n"
		     "DownloadUsers = y\n",
		     true);
	check_pacman("pacman-nooptions", "[core]\nServer = x\n", "[core]\nServer = x\n", false);

	struct test_root r = test_root_new(base, "pacman-absent");
	struct failure f = { 0 };
	unsigned done = 99;
	is_int(fixups_apply(r.fd, FIXUP_PACMAN, "box", &done, &f), 0,
	       "no pacman.conf: apply succeeds");
	is_int(done, 0, "and applies nothing");
	is_int(type_at(r.dirfd, "etc/pacman.conf"), 0, "no pacman.conf is made");
	test_root_close(&r);
}

/* The keep-id fixups: the caller's entries, never a second name or id,
 * and the sudoers drop-in where there is sudo; undo takes out only them. */
static void test_keep_id(void)
{
	struct test_root r = test_root_new(base, "keep-id");
	struct failure f = { 0 };
	const struct keep_user u = { 1001, 1001, "me", "mine", "/home/me", "/bin/zsh" };
	static const char passwd[] =
	    "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh";
	plant_dirs(r.dirfd, "etc");
	plant_dirs(r.dirfd, "bin");
	plant_file(r.dirfd, "etc/passwd", passwd, 0644);
	plant_file(r.dirfd, "etc/group", "root:x:0:\n", 0644);
	plant_file(r.dirfd, "bin/sh", "", 0755);
	unsigned done = 0, taken = 0;
	is_int(fixups_apply_for(r.fd, FIXUP_KEEP_ID, "box", &u, &done, &taken, &f), 0,
	       "apply user and sudo");
	is_int(done, FIXUP_USER, "user is applied; sudo is not, without sudo");
	ok(has_text(r.dirfd, "etc/passwd",
		    "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n"
		    "me:*:1001:1001:,,,,nschroot:/home/me:/bin/sh\n"),
	   "passwd: the entry after a newline, /bin/sh for a shell the box lacks");
	ok(has_text(r.dirfd, "etc/group", "root:x:0:\nmine:*:1001:\n"), "group: the primary group");
	is_int(mode_at(r.dirfd, "etc/passwd"), 0644, "passwd keeps its mode");
	is_int(type_at(r.dirfd, "etc/sudoers.d"), 0, "no sudoers.d is made without sudo");
	is_int(fixups_apply_for(r.fd, FIXUP_KEEP_ID, "box", &u, &done, &taken, &f), 0, "again");
	is_int(done, FIXUP_USER, "reports user still");
	ok(has_text(r.dirfd, "etc/group", "root:x:0:\nmine:*:1001:\n"), "and adds nothing twice");

	plant_dirs(r.dirfd, "etc/sudoers.d");
	is_int(fixups_apply_for(r.fd, FIXUP_SUDO, "box", &u, &done, &taken, &f), 0, "sudo");
	is_int(done, FIXUP_SUDO, "is applied once sudoers.d is there");
	ok(contains(r.dirfd, "etc/sudoers.d/nschroot-keep-id",
		    "\n#1001 ALL=(ALL:ALL) NOPASSWD: ALL\n"),
	   "the drop-in grants the uid");
	is_int(mode_at(r.dirfd, "etc/sudoers.d/nschroot-keep-id"), 0440, "mode 0440");
	is_int(fixups_undo_for(r.fd, FIXUP_ALL, &u, &done, &f), 0, "undo");
	is_int(done, FIXUP_KEEP_ID, "undoes both");
	ok(has_text(r.dirfd, "etc/passwd",
		    "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n"),
	   "passwd as it was, but for its last newline");
	ok(has_text(r.dirfd, "etc/group", "root:x:0:\n"), "group as it was");
	is_int(type_at(r.dirfd, "etc/sudoers.d/nschroot-keep-id"), 0, "the drop-in is gone");

	/* The name is another uid's, the group name another gid's. */
	plant_file(r.dirfd, "etc/passwd", "me:x:4242:4242::/:/bin/sh\n", 0644);
	plant_file(r.dirfd, "etc/group", "mine:x:4242:\n", 0644);
	is_int(fixups_apply_for(r.fd, FIXUP_USER, "box", &u, &done, &taken, &f), 0,
	       "apply where the names are taken");
	is_int(done, 0, "user is not applied");
	is_int(taken, KEEP_USER_NAME_TAKEN | KEEP_GROUP_NAME_TAKEN, "both names are said taken");
	ok(has_text(r.dirfd, "etc/passwd", "me:x:4242:4242::/:/bin/sh\n"), "passwd is unchanged");
	/* The uid has an entry: it is kept. */
	plant_file(r.dirfd, "etc/passwd", "other:x:1001:1001::/:/bin/sh\n", 0644);
	is_int(fixups_apply_for(r.fd, FIXUP_USER, "box", &u, &done, &taken, &f), 0,
	       "apply where the uid has an entry");
	ok(has_text(r.dirfd, "etc/passwd", "other:x:1001:1001::/:/bin/sh\n"), "which is kept");
	test_root_close(&r);
}

int main(void)
{
	test_parse();
	test_names();
	test_applicable();

	tmptree_make("fixups", base);
	snprintf(outside, sizeof(outside), "%s/outside", base);
	if (mkdir(outside, 0755) < 0)
		bail_out("mkdir '%s': %m", outside);
	int ofd = open(outside, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ofd < 0)
		bail_out("open '%s': %m", outside);
	plant_file(ofd, "os-release", "ID=evil\n", 0644);
	close(ofd);

	/* openat2 is Linux 5.6, and unknown to valgrind 3.19. */
	int probe = open_in_root(AT_FDCWD, base, O_PATH);
	if (probe == -ENOSYS || probe == -EPERM) {
		skip("the tests on a rootfs", "openat2 is not available");
	} else {
		if (probe >= 0)
			close(probe);
		size_t fds = count_entries(AT_FDCWD, "/proc/self/fd");
		test_read();
		test_owned();
		test_links();
		test_pacman();
		test_hosts();
		test_keep_id();
		is_int((long long)count_entries(AT_FDCWD, "/proc/self/fd"), (long long)fds,
		       "no descriptor was leaked");
	}
	tmptree_remove(base);
	return done_testing();
}
