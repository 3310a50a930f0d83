/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

/* Architectures by their Debian names (amd64, arm64, armhf, i386, ...), as
 * dpkg and mmdebstrap --arch name them. */

/* The architecture an ELF header is for (len bytes from the file's start;
 * 40 suffice), or NULL: not ELF, or a machine not known here. */
const char *arch_of_elf(const unsigned char *hdr, size_t len);

/* The architecture of the rootfs at rootfd: of its /bin/sh, resolved
 * inside it (links followed, inside). 0 with *name set, -ENOEXEC when that
 * is no ELF of a known machine, or -errno. */
int arch_of_rootfs(int rootfd, const char **name);

/* The architecture nschroot was built for. */
const char *arch_host(void);

/* QEMU's name for arch (aarch64 for arm64: the X of qemu-X-static), or
 * NULL when QEMU has none. */
const char *arch_qemu_name(const char *arch);

/* The architecture of a binfmt_misc registration's "magic" line (its hex
 * bytes, an ELF header's first 20), or NULL. */
const char *arch_of_binfmt_magic(const char *hex);

/* The OCI image spec's name for arch (Go's GOARCH: amd64, arm64, arm,
 * 386, ppc64le, ...), with *variant set to the ARM variant ("v7" for
 * armhf) or NULL; NULL when the spec has none. */
const char *arch_oci_name(const char *arch, const char **variant);

/* The Debian name of an OCI platform's architecture and variant (variant
 * may be NULL), or NULL when not known here. */
const char *arch_of_oci(const char *oci, const char *variant);
