/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <nettle/sha2.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * SHA-256, the digest container images name their blobs by. Nettle is
 * libarchive's own digest library on Debian, so the helper loads nothing
 * new for it, and it uses the CPU's SHA instructions where there are
 * some (about 1.4 GB/s here, five times libmd's).
 */
#define DIGEST_HEX_LEN 64

struct digest {
	struct sha256_ctx ctx;
};

void digest_init(struct digest *d);
void digest_update(struct digest *d, const void *buf, size_t len);

/* The digest as 64 lowercase hex digits and a NUL; d is spent. */
void digest_final(struct digest *d, char hex[DIGEST_HEX_LEN + 1]);

/* The hex of "sha256:HEX" (64 lowercase hex digits). 0, -ENOTSUP for
 * another algorithm ("sha512:..."), -EINVAL for anything else. */
int digest_parse(const char *s, char hex[DIGEST_HEX_LEN + 1]);

/* Whether the len bytes at s are 64 lowercase hex digits. */
bool digest_is_hex(const char *s, size_t len);
