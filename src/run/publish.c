// SPDX-License-Identifier: GPL-2.0-or-later
/* --publish (DESIGN.md, "Network"): a port of the host forwarded by pasta
 * to one of the box's. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "run/options.h"
#include "util/parse.h"

/* The protocol suffix, cut off arg's copy s: /tcp (the default) or /udp. */
static int cut_protocol(char *s, bool *udp, const char **why)
{
	char *slash = strrchr(s, '/');
	*udp = false;
	if (!slash)
		return 0;
	if (strcmp(slash, "/udp") == 0)
		*udp = true;
	else if (strcmp(slash, "/tcp") != 0) {
		*why = "the protocol is not tcp or udp";
		return -EINVAL;
	}
	*slash = '\0';
	return 0;
}

/* ADDR of [ADDR:]HOSTPORT:PORT, cut off s: *addr points to it (brackets
 * of an IPv6 one removed), *rest to HOSTPORT:PORT. */
static int cut_address(char *s, const char **addr, char **rest, const char **why)
{
	*addr = "127.0.0.1";
	*rest = s;
	if (s[0] == '[') {
		char *close = strchr(s, ']');
		if (!close || close[1] != ':') {
			*why = "an IPv6 address is written [ADDR]:HOSTPORT:PORT";
			return -EINVAL;
		}
		*close = '\0';
		*addr = s + 1;
		*rest = close + 2;
	} else if (strchr(s, ':') != strrchr(s, ':')) {
		char *colon = strchr(s, ':');
		*colon = '\0';
		*addr = s;
		*rest = colon + 1;
	}
	unsigned char buf[16];
	if (inet_pton(AF_INET, *addr, buf) != 1 && inet_pton(AF_INET6, *addr, buf) != 1) {
		*why = "the address is not an IPv4 or IPv6 address";
		return -EINVAL;
	}
	return 0;
}

int parse_publish_spec(const char *arg, struct publish_spec *out, const char **why)
{
	char s[128];
	if (snprintf(s, sizeof(s), "%s", arg) >= (int)sizeof(s)) {
		*why = "too long";
		return -EINVAL;
	}
	const char *addr;
	char *ports;
	int r = cut_protocol(s, &out->udp, why);
	if (r == 0)
		r = cut_address(s, &addr, &ports, why);
	if (r < 0)
		return r;
	char *colon = strchr(ports, ':');
	uint32_t host_port, port;
	if (!colon) {
		*why = "expected [ADDR:]HOSTPORT:PORT[/tcp|/udp]";
		return -EINVAL;
	}
	*colon = '\0';
	if (parse_u32(ports, 1, 65535, &host_port) < 0 ||
	    parse_u32(colon + 1, 1, 65535, &port) < 0) {
		*why = "a port is a number from 1 to 65535";
		return -EINVAL;
	}
	if (asprintf(&out->spec, "%s/%u:%u", addr, host_port, port) < 0) {
		*why = "out of memory";
		return -ENOMEM;
	}
	return 0;
}
