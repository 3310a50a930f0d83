// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Build-time generator of nschroot's seccomp programs.
 *
 * libseccomp compiles the rules below into classic BPF once, here, and the
 * result is written as C arrays into seccomp-filters.h. The nschroot binary
 * installs those arrays with seccomp(2): the run path neither links
 * libseccomp nor compiles a filter at every start.
 *
 * Every ABI the host kernel runs is covered (on x86-64: x86-64, x32 and
 * i386), or a 32-bit program would pass untouched; a syscall from any other
 * ABI is refused by libseccomp's bad-architecture action.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void fail(const char *what, int r)
{
	fprintf(stderr, "gen-seccomp: %s: %s\n", what, strerror(r < 0 ? -r : r));
	exit(1);
}

static void add_arches(scmp_filter_ctx ctx)
{
	uint32_t native = seccomp_arch_native();
	uint32_t extra[2] = { 0, 0 };
	if (native == SCMP_ARCH_X86_64) {
		extra[0] = SCMP_ARCH_X86;
		extra[1] = SCMP_ARCH_X32;
	} else if (native == SCMP_ARCH_AARCH64) {
		extra[0] = SCMP_ARCH_ARM;
	}
	for (size_t i = 0; i < 2; i++) {
		if (!extra[i])
			continue;
		int r = seccomp_arch_add(ctx, extra[i]);
		if (r < 0 && r != -EEXIST)
			fail("seccomp_arch_add", r);
	}
}

static void rule(scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned n,
		 const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		return; /* not a syscall on any ABI of this host */
	int r = seccomp_rule_add_array(ctx, action, nr, n, cmp);
	if (r < 0 && r != -EDOM)
		fail(name, r);
}

/*
 * Terminal injection (CVE-2017-5226 class): TIOCSTI pushes characters into
 * the input queue of the caller's terminal, TIOCLINUX can do the same on a
 * virtual console. Only the low 32 bits of the request are compared, as the
 * kernel does: a request with high bits set is the same ioctl
 * (CVE-2019-10063).
 */
static void add_tty_rules(scmp_filter_ctx ctx)
{
	static const unsigned long requests[] = { TIOCSTI, TIOCLINUX };
	for (size_t i = 0; i < 2; i++) {
		struct scmp_arg_cmp cmp = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, requests[i]);
		rule(ctx, SCMP_ACT_ERRNO(EPERM), "ioctl", 1, &cmp);
	}
}

/*
 * Fake root for `root` mode (DESIGN.md): with a single id mapped, changing
 * owner or identity fails with EINVAL/EPERM and dpkg aborts. These calls
 * succeed without doing anything instead, as under Charliecloud's and
 * enroot's seccomp modes; so does making a character or block device, which
 * no user namespace may do.
 */
static void add_fakeroot_rules(scmp_filter_ctx ctx)
{
	static const char *const ids[] = {
		"chown",       "fchown",      "lchown",	    "fchownat",	  "chown32",
		"fchown32",    "lchown32",    "setuid",	    "setgid",	  "setreuid",
		"setregid",    "setresuid",   "setresgid",  "setfsuid",	  "setfsgid",
		"setgroups",   "setuid32",    "setgid32",   "setreuid32", "setregid32",
		"setresuid32", "setresgid32", "setfsuid32", "setfsgid32", "setgroups32",
	};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		rule(ctx, SCMP_ACT_ERRNO(0), ids[i], 0, NULL);

	static const unsigned types[] = { S_IFCHR, S_IFBLK };
	for (size_t i = 0; i < 2; i++) {
		struct scmp_arg_cmp mknod = SCMP_A1(SCMP_CMP_MASKED_EQ, S_IFMT, types[i]);
		struct scmp_arg_cmp mknodat = SCMP_A2(SCMP_CMP_MASKED_EQ, S_IFMT, types[i]);
		rule(ctx, SCMP_ACT_ERRNO(0), "mknod", 1, &mknod);
		rule(ctx, SCMP_ACT_ERRNO(0), "mknodat", 1, &mknodat);
	}
}

static void emit(FILE *out, const char *name, int fakeroot)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		fail("seccomp_init", ENOMEM);
	/* A binary tree of syscall numbers rather than a chain: the kernel
	 * runs the program for every syscall of every ABI when it is
	 * installed (to cache the always-allowed ones), and the chain made
	 * that cost about 120 us at each start against about 75 us. */
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r < 0)
		fail("seccomp_attr_set", r);
	add_arches(ctx);
	add_tty_rules(ctx);
	if (fakeroot)
		add_fakeroot_rules(ctx);

	int fd = memfd_create("bpf", MFD_CLOEXEC);
	if (fd < 0)
		fail("memfd_create", errno);
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		fail("seccomp_export_bpf", r);
	off_t size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(struct sock_filter))
		fail("exported program size", EINVAL);
	struct sock_filter *prog = malloc((size_t)size);
	if (!prog || pread(fd, prog, (size_t)size, 0) != size)
		fail("reading the program", errno ? errno : EIO);

	size_t n = (size_t)size / sizeof(*prog);
	fprintf(out, "static const struct sock_filter %s[%zu] = {\n", name, n);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "\t{ 0x%04x, %u, %u, 0x%08x },\n", prog[i].code, prog[i].jt,
			prog[i].jf, prog[i].k);
	fprintf(out, "};\n\n");
	free(prog);
	close(fd);
	seccomp_release(ctx);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen-seccomp OUTPUT\n");
		return 2;
	}
	FILE *out = fopen(argv[1], "w");
	if (!out)
		fail(argv[1], errno);
	fprintf(out, "/* Generated by tools/gen-seccomp.c; do not edit. */\n#pragma once\n\n"
		     "#include <linux/filter.h>\n\n");
	emit(out, "seccomp_prog_tty", 0);
	emit(out, "seccomp_prog_tty_fakeroot", 1);
	if (fclose(out) != 0)
		fail(argv[1], errno);
	return 0;
}
