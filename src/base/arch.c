// SPDX-License-Identifier: GPL-2.0-or-later
#include "base/arch.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "base/resolve.h"

static unsigned read16(const unsigned char *p, bool le)
{
	return le ? (unsigned)p[0] | (unsigned)p[1] << 8 : (unsigned)p[0] << 8 | (unsigned)p[1];
}

static uint32_t read32(const unsigned char *p, bool le)
{
	return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			(uint32_t)p[3] << 24
		  : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
			(uint32_t)p[3];
}

/* 32-bit ARM: hard-float (armhf) when the ELF flags say so, else armel. */
static const char *arm32(const unsigned char *hdr, size_t len, bool le)
{
	if (len < 40)
		return NULL;
	return (read32(hdr + 36, le) & EF_ARM_ABI_FLOAT_HARD) ? "armhf" : "armel";
}

const char *arch_of_elf(const unsigned char *hdr, size_t len)
{
	if (len < 20 || memcmp(hdr, ELFMAG, SELFMAG) != 0)
		return NULL;
	bool is64 = hdr[EI_CLASS] == ELFCLASS64, le = hdr[EI_DATA] == ELFDATA2LSB;
	switch (read16(hdr + 18, le)) {
	case EM_X86_64:
		return is64 ? "amd64" : NULL;
	case EM_AARCH64:
		return is64 && le ? "arm64" : NULL;
	case EM_ARM:
		return is64 || !le ? NULL : arm32(hdr, len, le);
	case EM_386:
		return is64 ? NULL : "i386";
	case EM_PPC64:
		return !is64 ? NULL : le ? "ppc64el" : "ppc64";
	case EM_S390:
		return is64 ? "s390x" : NULL;
	case EM_RISCV:
		return is64 ? "riscv64" : NULL;
	case EM_MIPS:
		return !le ? NULL : is64 ? "mips64el" : "mipsel";
	case 258: /* EM_LOONGARCH, newer than some elf.h */
		return is64 ? "loong64" : NULL;
	default:
		return NULL;
	}
}

int arch_of_rootfs(int rootfd, const char **name)
{
	int fd = open_in_root(rootfd, "/bin/sh", O_RDONLY);
	if (fd < 0)
		return fd;
	unsigned char hdr[64];
	ssize_t n = pread(fd, hdr, sizeof(hdr), 0);
	int err = errno;
	close(fd);
	if (n < 0)
		return -err;
	*name = arch_of_elf(hdr, (size_t)n);
	return *name ? 0 : -ENOEXEC;
}

const char *arch_host(void)
{
#if defined(__x86_64__) && defined(__LP64__)
	return "amd64";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__arm__) && defined(__ARM_PCS_VFP)
	return "armhf";
#elif defined(__arm__)
	return "armel";
#elif defined(__i386__)
	return "i386";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return "ppc64el";
#elif defined(__s390x__)
	return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
	return "riscv64";
#elif defined(__loongarch64)
	return "loong64";
#else
	return "unknown";
#endif
}

const char *arch_qemu_name(const char *arch)
{
	static const char *const names[][2] = {
		{ "amd64", "x86_64" },	{ "arm64", "aarch64" },	    { "armhf", "arm" },
		{ "armel", "arm" },	{ "i386", "i386" },	    { "ppc64el", "ppc64le" },
		{ "ppc64", "ppc64" },	{ "s390x", "s390x" },	    { "riscv64", "riscv64" },
		{ "mipsel", "mipsel" }, { "mips64el", "mips64el" }, { "loong64", "loongarch64" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(arch, names[i][0]) == 0)
			return names[i][1];
	return NULL;
}

/* Debian's names and the OCI image spec's (Go's GOARCH, with the ARM
 * variant). */
static const struct {
	const char *debian, *oci, *variant;
} oci_names[] = {
	{ "amd64", "amd64", NULL },	  { "arm64", "arm64", NULL },
	{ "armhf", "arm", "v7" },	  { "armel", "arm", "v5" },
	{ "i386", "386", NULL },	  { "ppc64el", "ppc64le", NULL },
	{ "ppc64", "ppc64", NULL },	  { "s390x", "s390x", NULL },
	{ "riscv64", "riscv64", NULL },	  { "mipsel", "mipsle", NULL },
	{ "mips64el", "mips64le", NULL }, { "loong64", "loong64", NULL },
};

const char *arch_oci_name(const char *arch, const char **variant)
{
	for (size_t i = 0; i < sizeof(oci_names) / sizeof(oci_names[0]); i++)
		if (strcmp(arch, oci_names[i].debian) == 0) {
			*variant = oci_names[i].variant;
			return oci_names[i].oci;
		}
	return NULL;
}

const char *arch_of_oci(const char *oci, const char *variant)
{
	/* 32-bit ARM without a variant is taken as armhf, as docker does
	 * for arm/v7 by default. */
	bool arm = strcmp(oci, "arm") == 0;
	if (arm && (!variant || !*variant))
		variant = "v7";
	for (size_t i = 0; i < sizeof(oci_names) / sizeof(oci_names[0]); i++)
		if (strcmp(oci, oci_names[i].oci) == 0 &&
		    (!arm || strcmp(variant, oci_names[i].variant) == 0))
			return oci_names[i].debian;
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

const char *arch_of_binfmt_magic(const char *hex)
{
	unsigned char hdr[40] = { 0 };
	size_t n = 0;
	for (; n < sizeof(hdr) && hexval(hex[0]) >= 0 && hexval(hex[1]) >= 0; hex += 2)
		hdr[n++] = (unsigned char)(hexval(hex[0]) << 4 | hexval(hex[1]));
	/* The magic holds no ELF flags: a 32-bit ARM handler serves both. */
	if (n >= 20 && hdr[EI_CLASS] == ELFCLASS32 && hdr[18] == EM_ARM && hdr[19] == 0)
		return "armhf";
	return arch_of_elf(hdr, n);
}
