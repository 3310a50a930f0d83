// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the seccomp programs in seccomp-filters.h (compiled at
 * build time by tools/gen-seccomp.c, installed by src/sandbox/seccomp.c),
 * for each ABI the kernel runs on x86-64: x86-64, x32 and i386.
 *
 * tests/security/seccomp-abi.sh proves the i386 branch with a real i386
 * program, but only where the kernel executes one (some VMs refuse i386
 * ELF), and hardly any kernel enables x32. Here the programs run as the
 * kernel runs them, in an interpreter of the classic BPF that seccomp
 * admits, on crafted struct seccomp_data: each ABI's own numbers (from the
 * kernel's headers, see seccomp-abi.h) and arguments as a caller passes
 * them.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "seccomp-abi.h"
#include "seccomp-filters.h"
#include "tap.h"

#define RET_EPERM (SECCOMP_RET_ERRNO | EPERM)
/* Fake root: the call "succeeds" without doing anything. */
#define RET_NOOP (SECCOMP_RET_ERRNO | 0)
/* Not a return value of the programs: the kernel would refuse them. */
#define RET_INVALID 0xffffffffu
#define X32_BIT	    0x40000000u

struct vm {
	uint32_t a, x;
	uint32_t mem[BPF_MEMWORDS];
};

/* The ALU operations seccomp_check_filter() admits (BPF_MOD is not one);
 * false for anything the kernel would refuse. */
static bool alu(uint16_t code, uint32_t *a, uint32_t v)
{
	switch (BPF_OP(code)) {
	case BPF_ADD:
		*a += v;
		return true;
	case BPF_SUB:
		*a -= v;
		return true;
	case BPF_MUL:
		*a *= v;
		return true;
	case BPF_DIV:
		if (v == 0)
			return false;
		*a /= v;
		return true;
	case BPF_AND:
		*a &= v;
		return true;
	case BPF_OR:
		*a |= v;
		return true;
	case BPF_XOR:
		*a ^= v;
		return true;
	case BPF_LSH:
	case BPF_RSH:
		if (v >= 32)
			return false;
		*a = BPF_OP(code) == BPF_LSH ? *a << v : *a >> v;
		return true;
	case BPF_NEG:
		*a = -*a;
		return true;
	default:
		return false;
	}
}

/* The loads: a 32-bit word of seccomp_data (aligned, inside it, as the
 * kernel checks when the filter is installed), its length, a constant, or
 * scratch memory. */
static bool load(const struct sock_filter *in, const struct seccomp_data *d, struct vm *vm)
{
	switch (in->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		if (in->k % 4 || in->k >= sizeof(*d))
			return false;
		memcpy(&vm->a, (const char *)d + in->k, 4);
		return true;
	case BPF_LD | BPF_W | BPF_LEN:
		vm->a = sizeof(*d);
		return true;
	case BPF_LDX | BPF_W | BPF_LEN:
		vm->x = sizeof(*d);
		return true;
	case BPF_LD | BPF_IMM:
		vm->a = in->k;
		return true;
	case BPF_LDX | BPF_IMM:
		vm->x = in->k;
		return true;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
		if (in->k >= BPF_MEMWORDS)
			return false;
		*(BPF_CLASS(in->code) == BPF_LD ? &vm->a : &vm->x) = vm->mem[in->k];
		return true;
	default:
		return false;
	}
}

/* The next pc after a jump at pc, or len when it would leave the program. */
static size_t jump(const struct sock_filter *in, uint32_t a, uint32_t v, size_t pc, size_t len)
{
	bool taken;
	switch (BPF_OP(in->code)) {
	case BPF_JA:
		return in->k < len - pc - 1 ? pc + 1 + in->k : len;
	case BPF_JEQ:
		taken = a == v;
		break;
	case BPF_JGT:
		taken = a > v;
		break;
	case BPF_JGE:
		taken = a >= v;
		break;
	case BPF_JSET:
		taken = (a & v) != 0;
		break;
	default:
		return len;
	}
	size_t off = taken ? in->jt : in->jf;
	return off < len - pc - 1 ? pc + 1 + off : len;
}

/* Run the program on d as the kernel would; RET_INVALID for a program the
 * kernel would refuse (an instruction outside seccomp's subset, a jump out
 * of the program, falling off its end). */
static uint32_t run(const struct sock_filter *prog, size_t len, const struct seccomp_data *d)
{
	struct vm vm = { 0 };
	for (size_t pc = 0; pc < len;) {
		const struct sock_filter *in = &prog[pc];
		uint32_t v = BPF_SRC(in->code) == BPF_X ? vm.x : in->k;
		switch (BPF_CLASS(in->code)) {
		case BPF_LD:
		case BPF_LDX:
			if (!load(in, d, &vm))
				return RET_INVALID;
			break;
		case BPF_ST:
		case BPF_STX:
			if (in->code != BPF_ST && in->code != BPF_STX)
				return RET_INVALID;
			if (in->k >= BPF_MEMWORDS)
				return RET_INVALID;
			vm.mem[in->k] = in->code == BPF_ST ? vm.a : vm.x;
			break;
		case BPF_ALU:
			if (!alu(in->code, &vm.a, BPF_OP(in->code) == BPF_NEG ? 0 : v))
				return RET_INVALID;
			break;
		case BPF_JMP:
			pc = jump(in, vm.a, v, pc, len);
			continue;
		case BPF_RET:
			if (BPF_RVAL(in->code) == BPF_A)
				return vm.a;
			return BPF_RVAL(in->code) == BPF_K ? in->k : RET_INVALID;
		case BPF_MISC:
			if (in->code == (BPF_MISC | BPF_TAX))
				vm.x = vm.a;
			else if (in->code == (BPF_MISC | BPF_TXA))
				vm.a = vm.x;
			else
				return RET_INVALID;
			break;
		default:
			return RET_INVALID;
		}
		pc++;
	}
	return RET_INVALID;
}

struct abi {
	const char *name;
	uint32_t arch;
	const struct syscall_nr *calls;
	uint32_t first_nr; /* where its numbers start */
};

static const struct abi abis[] = {
	{ "x86-64", AUDIT_ARCH_X86_64, syscalls_x86_64, 0 },
	{ "x32", AUDIT_ARCH_X86_64, syscalls_x32, X32_BIT },
	{ "i386", AUDIT_ARCH_I386, syscalls_i386, 0 },
};

struct program {
	const char *name;
	const struct sock_filter *insns;
	size_t len;
	bool fakeroot;
};

#define PROGRAM(p, fakeroot)                                                                       \
	{                                                                                          \
#p, p, sizeof(p) / sizeof((p)[0]), fakeroot                                        \
	}
static const struct program programs[] = {
	PROGRAM(seccomp_prog_tty, false),
	PROGRAM(seccomp_prog_tty_fakeroot, true),
};

static long nr_of(const struct abi *abi, const char *name)
{
	for (const struct syscall_nr *c = abi->calls; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c->nr;
	bail_out("%s has no system call '%s' in the test's table", abi->name, name);
}

/* The calls the fake-root program answers with RET_NOOP whatever their
 * arguments: every call of the ABI's table but these. */
static bool is_id_call(const char *name)
{
	static const char *const others[] = { "ioctl", "getpid", "mknod", "mknodat" };
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (strcmp(name, others[i]) == 0)
			return false;
	return true;
}

static uint32_t call_nr(const struct program *p, uint32_t arch, long nr, uint64_t a0, uint64_t a1,
			uint64_t a2)
{
	struct seccomp_data d = {
		.nr = (int)nr,
		.arch = arch,
		.instruction_pointer = 0x401000,
		.args = { a0, a1, a2, 0, 0, 0 },
	};
	return run(p->insns, p->len, &d);
}

static uint32_t call(const struct program *p, const struct abi *abi, const char *name, uint64_t a0,
		     uint64_t a1, uint64_t a2)
{
	return call_nr(p, abi->arch, nr_of(abi, name), a0, a1, a2);
}

static void test_tty(const struct program *p, const struct abi *abi)
{
	const char *n = abi->name, *pn = p->name;
	is_int(call(p, abi, "ioctl", 0, TIOCSTI, 0), RET_EPERM,
	       "%s, %s: ioctl(TIOCSTI) fails with EPERM", pn, n);
	is_int(call(p, abi, "ioctl", 0, 0xffffffff00000000ull | TIOCSTI, 0), RET_EPERM,
	       "%s, %s: so does TIOCSTI with the high 32 bits set (CVE-2019-10063)", pn, n);
	is_int(call(p, abi, "ioctl", 0, 0x100000000ull | TIOCSTI, 0), RET_EPERM,
	       "%s, %s: and with bit 32 alone set", pn, n);
	is_int(call(p, abi, "ioctl", 0, TIOCLINUX, 0), RET_EPERM,
	       "%s, %s: ioctl(TIOCLINUX) fails with EPERM", pn, n);
	is_int(call(p, abi, "ioctl", 0, TCGETS, 0), SECCOMP_RET_ALLOW,
	       "%s, %s: ioctl(TCGETS) is allowed", pn, n);
	is_int(call(p, abi, "ioctl", 0, (uint64_t)TIOCSTI << 32 | TCGETS, 0), SECCOMP_RET_ALLOW,
	       "%s, %s: TIOCSTI in the high 32 bits is not the request", pn, n);
	is_int(call(p, abi, "getpid", 0, 0, 0), SECCOMP_RET_ALLOW, "%s, %s: getpid is allowed", pn,
	       n);
}

static void test_fakeroot(const struct program *p, const struct abi *abi)
{
	const char *n = abi->name, *pn = p->name;
	uint32_t noop = p->fakeroot ? RET_NOOP : SECCOMP_RET_ALLOW;
	const char *says = p->fakeroot ? "succeeds doing nothing" : "is allowed";
	for (const struct syscall_nr *c = abi->calls; c->name; c++)
		if (is_id_call(c->name))
			is_int(call(p, abi, c->name, 0x1000, 4242, 4242), noop,
			       "%s, %s: %s (%ld) %s", pn, n, c->name, c->nr, says);
	is_int(call(p, abi, "mknod", 0x1000, S_IFCHR | 0600, 0x103), noop,
	       "%s, %s: mknod(S_IFCHR) %s", pn, n, says);
	is_int(call(p, abi, "mknod", 0x1000, S_IFBLK | 0600, 0x803), noop,
	       "%s, %s: mknod(S_IFBLK) %s", pn, n, says);
	is_int(call(p, abi, "mknod", 0x1000, S_IFREG | 0644, 0), SECCOMP_RET_ALLOW,
	       "%s, %s: mknod(S_IFREG) is allowed", pn, n);
	is_int(call(p, abi, "mknod", 0x1000, S_IFIFO | 0644, 0), SECCOMP_RET_ALLOW,
	       "%s, %s: mknod(S_IFIFO) is allowed", pn, n);
	is_int(call(p, abi, "mknodat", (uint32_t)-100, 0x1000, S_IFCHR | 0666), noop,
	       "%s, %s: mknodat(S_IFCHR) %s", pn, n, says);
	is_int(call(p, abi, "mknodat", 3, S_IFCHR, S_IFREG | 0600), SECCOMP_RET_ALLOW,
	       "%s, %s: mknodat(S_IFREG) is allowed (the mode is the third argument)", pn, n);
}

/* With all arguments 0 (no TIOCSTI, no device), every number of the ABI
 * passes but the id calls of the fake-root program: the filter touches
 * nothing else, and no other ABI's numbers leak into this one's branch. */
static void test_sweep(const struct program *p, const struct abi *abi)
{
	unsigned wrong = 0;
	for (uint32_t i = 0; i < 1024; i++) {
		long nr = (long)(abi->first_nr + i);
		bool id = false;
		for (const struct syscall_nr *c = abi->calls; c->name; c++)
			id |= c->nr == nr && is_id_call(c->name);
		uint32_t want = p->fakeroot && id ? RET_NOOP : SECCOMP_RET_ALLOW;
		uint32_t got = call_nr(p, abi->arch, nr, 0, 0, 0);
		if (got != want && wrong++ < 5)
			diag("%s, %s: system call %ld gives 0x%08x, not 0x%08x", p->name, abi->name,
			     nr - (long)abi->first_nr, got, want);
	}
	is_int(wrong, 0, "%s, %s: of numbers 0-1023, only the ones above are changed", p->name,
	       abi->name);
}

/* Every other architecture is refused by libseccomp's bad-arch action:
 * killed, whatever the call. */
static void test_foreign(const struct program *p)
{
	static const struct {
		const char *name;
		uint32_t arch;
		long nr;
	} foreign[] = {
		{ "aarch64 ioctl", AUDIT_ARCH_AARCH64, 29 },
		{ "aarch64 getpid", AUDIT_ARCH_AARCH64, 172 },
		{ "arm ioctl", AUDIT_ARCH_ARM, 54 },
		{ "x86-64 ioctl with a big-endian arch", AUDIT_ARCH_X86_64 ^ __AUDIT_ARCH_LE, 16 },
	};
	for (size_t i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		uint32_t r = call_nr(p, foreign[i].arch, foreign[i].nr, 0, TIOCSTI, 0);
		uint32_t action = r & SECCOMP_RET_ACTION_FULL;
		ok(action == SECCOMP_RET_KILL_THREAD || action == SECCOMP_RET_KILL_PROCESS,
		   "%s: %s is killed (0x%08x)", p->name, foreign[i].name, r);
	}
}

/* One ABI's ioctl number is another call on the other ABI: the arch
 * decides which numbers apply. */
static void test_cross(const struct program *p)
{
	const struct abi *x86_64 = &abis[0], *i386 = &abis[2];
	is_int(call_nr(p, x86_64->arch, nr_of(i386, "ioctl"), 0, TIOCSTI, 0), SECCOMP_RET_ALLOW,
	       "%s: i386's ioctl number on x86-64 (setsockopt) is allowed", p->name);
	is_int(call_nr(p, i386->arch, nr_of(x86_64, "ioctl"), 0, TIOCSTI, 0),
	       p->fakeroot ? RET_NOOP : SECCOMP_RET_ALLOW,
	       "%s: x86-64's ioctl number on i386 is lchown", p->name);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
		const struct program *p = &programs[i];
		ok(p->len > 0 && p->len <= BPF_MAXINSNS, "%s: %zu instructions", p->name, p->len);
		for (size_t j = 0; j < sizeof(abis) / sizeof(abis[0]); j++) {
			test_tty(p, &abis[j]);
			test_fakeroot(p, &abis[j]);
			test_sweep(p, &abis[j]);
		}
		test_foreign(p);
		test_cross(p);
	}
	return done_testing();
}
