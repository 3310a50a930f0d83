// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Connect to an abstract UNIX socket, as a guest reaching for the host's
 * X server (@/tmp/.X11-unix/X0) or a D-Bus bus would:
 *   abstract connect NAME   connect to @NAME
 *   abstract self           listen on an abstract socket of its own and
 *                           connect to it (what the box itself may do)
 *   abstract listen NAME    listen on @NAME until killed (the host's side)
 * Prints "connect: ok" or "connect: <strerror>" (likewise "self: ...").
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static socklen_t address(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	size_t n = strlen(name);
	if (n > sizeof(a->sun_path) - 1)
		n = sizeof(a->sun_path) - 1;
	memcpy(a->sun_path + 1, name, n); /* sun_path[0] = '\0': abstract */
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static int try_connect(const char *what, const char *name)
{
	struct sockaddr_un a;
	socklen_t len = address(&a, name);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, len) < 0) {
		printf("%s: %s\n", what, strerror(errno));
		return 1;
	}
	printf("%s: ok\n", what);
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "connect") == 0)
		return try_connect("connect", argv[2]);
	if (argc == 2 && strcmp(argv[1], "self") == 0) {
		char name[64];
		snprintf(name, sizeof(name), "nschroot-self-%d", (int)getpid());
		struct sockaddr_un a;
		socklen_t len = address(&a, name);
		int l = socket(AF_UNIX, SOCK_STREAM, 0);
		if (l < 0 || bind(l, (struct sockaddr *)&a, len) < 0 || listen(l, 1) < 0) {
			printf("self: cannot listen: %s\n", strerror(errno));
			return 1;
		}
		return try_connect("self", name);
	}
	if (argc == 3 && strcmp(argv[1], "listen") == 0) {
		struct sockaddr_un a;
		socklen_t len = address(&a, argv[2]);
		int l = socket(AF_UNIX, SOCK_STREAM, 0);
		if (l < 0 || bind(l, (struct sockaddr *)&a, len) < 0 || listen(l, 8) < 0) {
			printf("listen: %s\n", strerror(errno));
			return 1;
		}
		for (;;)
			pause();
	}
	fprintf(stderr, "usage: abstract connect NAME | self | listen NAME\n");
	return 2;
}
