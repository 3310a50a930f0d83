// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fcap set FILE | fcap get FILE...: the file capability of a file, as setcap
 * and getcap would write and read it, for a box without them. set gives
 * FILE cap_net_raw, permitted and effective, as a revision 2 capability
 * (the kernel records it for the writer's namespace root); get prints
 * "PATH HEX" of security.capability as the reader's namespace sees it, or
 * "PATH none".
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/xattr.h>

static int get(const char *path)
{
	unsigned char v[64];
	ssize_t n = lgetxattr(path, "security.capability", v, sizeof(v));
	if (n < 0 && errno != ENODATA) {
		fprintf(stderr, "fcap: %s: %s\n", path, strerror(errno));
		return 1;
	}
	printf("%s ", path);
	if (n < 0)
		fputs("none", stdout);
	for (ssize_t i = 0; i < n; i++)
		printf("%02x", v[i]);
	putchar('\n');
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "set") == 0) {
		struct vfs_cap_data d = { 0 };
		d.magic_etc = VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE;
		d.data[0].permitted = 1u << CAP_NET_RAW;
		if (setxattr(argv[2], "security.capability", &d, XATTR_CAPS_SZ_2, 0) < 0) {
			fprintf(stderr, "fcap: %s: %s\n", argv[2], strerror(errno));
			return 1;
		}
		return 0;
	}
	if (argc < 3 || strcmp(argv[1], "get") != 0) {
		fputs("usage: fcap set FILE | fcap get FILE...\n", stderr);
		return 2;
	}
	int status = 0;
	for (int i = 2; i < argc; i++)
		status |= get(argv[i]);
	return status;
}
