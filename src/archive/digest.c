// SPDX-License-Identifier: GPL-2.0-or-later
#include "archive/digest.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

void digest_init(struct digest *d)
{
	sha256_init(&d->ctx);
}

void digest_update(struct digest *d, const void *buf, size_t len)
{
	sha256_update(&d->ctx, len, buf);
}

void digest_final(struct digest *d, char hex[DIGEST_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char raw[SHA256_DIGEST_SIZE];
	sha256_digest(&d->ctx, sizeof(raw), raw);
	for (size_t i = 0; i < sizeof(raw); i++) {
		hex[2 * i] = digits[raw[i] >> 4];
		hex[2 * i + 1] = digits[raw[i] & 0xf];
	}
	hex[DIGEST_HEX_LEN] = '\0';
}

bool digest_is_hex(const char *s, size_t len)
{
	if (len != DIGEST_HEX_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int digest_parse(const char *s, char hex[DIGEST_HEX_LEN + 1])
{
	const char *colon = s ? strchr(s, ':') : NULL;
	if (!colon || colon == s)
		return -EINVAL;
	if ((size_t)(colon - s) != 6 || memcmp(s, "sha256", 6) != 0)
		return -ENOTSUP;
	if (!digest_is_hex(colon + 1, strlen(colon + 1)))
		return -EINVAL;
	memcpy(hex, colon + 1, DIGEST_HEX_LEN + 1);
	return 0;
}
