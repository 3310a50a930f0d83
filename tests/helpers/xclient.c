// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A client of the desktop tests, static so that it needs nothing from the
 * box (no libX11: it speaks the X11 protocol itself):
 *   xclient x11 SECONDS  first tries the abstract socket of $DISPLAY
 *                        ("abstract: ok" or the error: Landlock closes it),
 *                        then connects to /tmp/.X11-unix/XN, with the
 *                        MIT-MAGIC-COOKIE-1 of $XAUTHORITY when there is
 *                        one, opens a window "nschroot box" with a filled
 *                        rectangle and a line of text, and stays SECONDS
 *   xclient read PATH    connects to the UNIX socket PATH and prints what
 *                        it reads there until the end of file
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define TITLE "nschroot box"
#define TEXT  "hello from an nschroot box"

static int connect_unix(const char *path, int abstract)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n = strlen(path);
	if (n + 2 > sizeof(a.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(a.sun_path + (abstract ? 1 : 0), path, n);
	/* the leading NUL of an abstract name, or the trailing one of a path */
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, len) < 0) {
		int err = errno;
		if (s >= 0)
			close(s);
		errno = err;
		return -1;
	}
	return s;
}

static int read_socket(const char *path)
{
	int s = connect_unix(path, 0);
	if (s < 0) {
		printf("connect %s: %s\n", path, strerror(errno));
		return 1;
	}
	char buf[256];
	size_t len = 0;
	ssize_t n;
	while (len < sizeof(buf) - 1 && (n = read(s, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	printf("%s\n", buf);
	return 0;
}

/* The request being built, little endian. */
static unsigned char req[1024];
static size_t req_len;

static void put8(unsigned v)
{
	req[req_len++] = (unsigned char)v;
}
static void put16(unsigned v)
{
	put8(v & 0xff), put8(v >> 8 & 0xff);
}
static void put32(uint32_t v)
{
	put16(v & 0xffff), put16(v >> 16);
}
static void put_bytes(const void *p, size_t n)
{
	memcpy(req + req_len, p, n);
	req_len += n;
	while (req_len % 4)
		req[req_len++] = 0;
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static void send_req(int s)
{
	size_t off = 0;
	while (off < req_len) {
		ssize_t n = write(s, req + off, req_len - off);
		if (n <= 0) {
			perror("xclient: write");
			exit(1);
		}
		off += (size_t)n;
	}
	req_len = 0;
}

static void read_full(int s, void *buf, size_t len)
{
	size_t off = 0;
	while (off < len) {
		ssize_t n = read(s, (char *)buf + off, len - off);
		if (n <= 0) {
			fprintf(stderr, "xclient: the server closed the connection\n");
			exit(1);
		}
		off += (size_t)n;
	}
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned get16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/* The cookie of display num in the Xauthority file, any family. */
static size_t find_cookie(const char *num, unsigned char *cookie, size_t max)
{
	const char *file = getenv("XAUTHORITY");
	FILE *f = file ? fopen(file, "rb") : NULL;
	if (!f)
		return 0;
	unsigned char buf[8192];
	size_t len = fread(buf, 1, sizeof(buf), f), at = 0, found = 0;
	fclose(f);
	while (!found && at + 2 <= len) {
		at += 2; /* family */
		const unsigned char *fields[4];
		size_t lens[4];
		for (int i = 0; i < 4; i++) {
			if (at + 2 > len)
				return 0;
			lens[i] = (size_t)buf[at] << 8 | buf[at + 1];
			fields[i] = buf + at + 2;
			at += 2 + lens[i];
			if (at > len)
				return 0;
		}
		if (lens[1] == strlen(num) && memcmp(fields[1], num, lens[1]) == 0 &&
		    lens[2] == 18 && memcmp(fields[2], "MIT-MAGIC-COOKIE-1", 18) == 0 &&
		    lens[3] <= max) {
			memcpy(cookie, fields[3], lens[3]);
			found = lens[3];
		}
	}
	return found;
}

/* The connection setup; the reply's body into *body (malloc'd). */
static void setup(int s, const char *num, unsigned char **body)
{
	unsigned char cookie[64];
	size_t clen = find_cookie(num, cookie, sizeof(cookie));
	printf("cookie: %s\n", clen ? "yes" : "none");
	put8('l'), put8(0), put16(11), put16(0);
	put16(clen ? 18 : 0), put16((unsigned)clen), put16(0);
	if (clen) {
		put_bytes("MIT-MAGIC-COOKIE-1", 18);
		put_bytes(cookie, clen);
	}
	send_req(s);
	unsigned char head[8];
	read_full(s, head, 8);
	size_t len = get16(head + 6) * 4u;
	*body = malloc(len + 1);
	read_full(s, *body, len);
	if (head[0] != 1) {
		fprintf(stderr, "xclient: the server refused the connection: %.*s\n",
			(int)(head[0] == 0 ? head[1] : len), (char *)*body);
		exit(1);
	}
}

/* A round trip (GetInputFocus): every request before it has been done;
 * an error on the way ends the client. */
static void sync_server(int s)
{
	put8(43), put8(0), put16(1);
	send_req(s);
	for (;;) {
		unsigned char ev[32];
		read_full(s, ev, 32);
		if (ev[0] == 0) {
			fprintf(stderr, "xclient: X error %u (request %u)\n", ev[1], ev[10]);
			exit(1);
		}
		if (ev[0] == 1) {
			size_t extra = get32(ev + 4) * 4u;
			unsigned char skip[256];
			while (extra) {
				size_t n = extra < sizeof(skip) ? extra : sizeof(skip);
				read_full(s, skip, n);
				extra -= n;
			}
			return;
		}
	}
}

static void create_gc(uint32_t gc, uint32_t win, uint32_t fg, uint32_t bg, uint32_t font)
{
	put8(55), put8(0), put16(4 + 3), put32(gc), put32(win), put32(0x4 | 0x8 | 0x4000);
	put32(fg), put32(bg), put32(font);
}

static void draw(int s, uint32_t base, uint32_t root)
{
	uint32_t win = base | 1, font = base | 2, gc_box = base | 3, gc_text = base | 4;
	/* CreateWindow 400x140, background pixel */
	put8(1), put8(0), put16(8 + 1), put32(win), put32(root);
	put16(40), put16(40), put16(400), put16(140), put16(0), put16(1), put32(0);
	put32(0x2), put32(0xf4f1ea);
	/* ChangeProperty WM_NAME (39), STRING (31) */
	put8(18), put8(0), put16(6 + pad4(strlen(TITLE)) / 4), put32(win), put32(39), put32(31);
	put8(8), put8(0), put16(0), put32((uint32_t)strlen(TITLE));
	put_bytes(TITLE, strlen(TITLE));
	put8(8), put8(0), put16(2), put32(win);				  /* MapWindow */
	put8(45), put8(0), put16(3 + 2), put32(font), put16(5), put16(0); /* OpenFont */
	put_bytes("fixed", 5);
	create_gc(gc_box, win, 0x2a6fdb, 0xf4f1ea, font);
	create_gc(gc_text, win, 0xffffff, 0x2a6fdb, font);
	send_req(s);
	sync_server(s);
	/* PolyFillRectangle, then ImageText8 on it */
	put8(70), put8(0), put16(3 + 2), put32(win), put32(gc_box);
	put16(20), put16(30), put16(360), put16(80);
	put8(76), put8((unsigned)strlen(TEXT)), put16(4 + pad4(strlen(TEXT)) / 4);
	put32(win), put32(gc_text), put16(40), put16(75);
	put_bytes(TEXT, strlen(TEXT));
	send_req(s);
	sync_server(s);
}

static int x11(int seconds)
{
	const char *display = getenv("DISPLAY");
	if (!display || display[0] != ':') {
		printf("DISPLAY: not a local display\n");
		return 1;
	}
	char num[16], path[64];
	snprintf(num, sizeof(num), "%.*s", (int)strcspn(display + 1, "."), display + 1);
	snprintf(path, sizeof(path), "/tmp/.X11-unix/X%s", num);
	int a = connect_unix(path, 1);
	printf("abstract: %s\n", a >= 0 ? "ok" : strerror(errno));
	if (a >= 0)
		close(a);
	int s = connect_unix(path, 0);
	printf("socket: %s\n", s >= 0 ? "ok" : strerror(errno));
	if (s < 0)
		return 1;
	unsigned char *body;
	setup(s, num, &body);
	size_t vendor = get16(body + 16), formats = body[21];
	const unsigned char *screen = body + 32 + pad4(vendor) + 8 * formats;
	draw(s, get32(body + 4), get32(screen));
	printf("window: mapped\n");
	fflush(stdout);
	sleep((unsigned)seconds);
	free(body);
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "x11") == 0)
		return x11(atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "read") == 0)
		return read_socket(argv[2]);
	fprintf(stderr, "usage: xclient x11 SECONDS | read PATH\n");
	return 2;
}
