// SPDX-License-Identifier: GPL-2.0-or-later
#include "run/desktop.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/passwd.h"
#include "run/env.h"
#include "util/cleanup.h"
#include "util/io.h"
#include "util/parse.h"

#define PASSWD_MAX (4u << 20)

/* 0 when path is a socket, else -errno (-ENOTSOCK: something else). */
static int is_socket(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -errno;
	return S_ISSOCK(st.st_mode) ? 0 : -ENOTSOCK;
}

/* The caller's entry in the host's /etc/passwd: its home, or NULL. */
static char *passwd_home(void)
{
	_cleanup_close_ int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *text = NULL;
	size_t len;
	struct pw_entry pw = { 0 };
	if (fd < 0 || read_regular(fd, PASSWD_MAX, &text, &len) < 0 ||
	    passwd_find_uid(text, len, getuid(), &pw) < 0)
		return NULL;
	char *home = strdup(pw.home);
	pw_entry_free(&pw);
	return home;
}

/* The caller's working directory as a path under home, when it lies
 * there (home itself may be reached through a link: /home -> /var/home). */
static char *cwd_in_home(const char *home)
{
	_cleanup_free_ char *real = realpath(home, NULL);
	_cleanup_free_ char *cwd = getcwd(NULL, 0);
	if (!real || !cwd)
		return NULL;
	size_t n = strlen(real);
	if (strncmp(cwd, real, n) != 0 || (cwd[n] != '/' && cwd[n] != '\0'))
		return NULL;
	char *inside;
	return asprintf(&inside, "%s%s", home, cwd + n) < 0 ? NULL : inside;
}

/*
 * --home: the caller's home as the host's /etc/passwd names it, rather
 * than $HOME, which a script or sudo may have pointed elsewhere: the home
 * is the directory that is the caller's, and the one keep-id gives the
 * caller's entry in the box. nschroot is static and cannot ask NSS
 * (cmd/hostuser.h): a caller that /etc/passwd lacks (LDAP, sssd) has
 * $HOME taken.
 */
static int find_home(char *const *env, struct desktop *d, struct failure *f)
{
	d->home = passwd_home();
	const char *h = env_get(env, "HOME");
	if (!d->home && h && (d->home = strdup(h)) == NULL)
		return fail(f, ENOMEM, "--home");
	if (!d->home || d->home[0] != '/' || strcmp(d->home, "/") == 0)
		return fail_said(f, ENOENT,
				 "--home: the caller has no home directory in the "
				 "host's /etc/passwd, nor a HOME");
	struct stat st;
	if (stat(d->home, &st) < 0)
		return fail(f, errno, "--home: cannot use the home directory '%s'", d->home);
	if (!S_ISDIR(st.st_mode))
		return fail(f, ENOTDIR, "--home: cannot use the home directory '%s'", d->home);
	d->cwd = cwd_in_home(d->home);
	return 0;
}

/* DISPLAY's number, of a local display: ":N" or ":N.S" ("unix:N" too),
 * whose socket is /tmp/.X11-unix/XN. -EPROTONOSUPPORT for a display over
 * TCP (host:N), -EINVAL for anything else. */
static int display_number(const char *display, uint32_t *n)
{
	const char *colon = strrchr(display, ':');
	if (!colon)
		return -EINVAL;
	size_t host = (size_t)(colon - display);
	if (host && !(host == 4 && strncmp(display, "unix", 4) == 0))
		return -EPROTONOSUPPORT;
	char num[16];
	size_t len = strcspn(colon + 1, ".");
	if (len == 0 || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, colon + 1, len);
	num[len] = '\0';
	return parse_u32(num, 0, 65535, n) < 0 ? -EINVAL : 0;
}

/* One counted field of an Xauthority entry (2 bytes of length, big
 * endian, then the bytes). */
struct field {
	const unsigned char *p;
	size_t n;
};

static bool next_field(const unsigned char **at, const unsigned char *end, struct field *out)
{
	if (end - *at < 2)
		return false;
	size_t n = (size_t)(*at)[0] << 8 | (*at)[1];
	if ((size_t)(end - *at - 2) < n)
		return false;
	*out = (struct field){ *at + 2, n };
	*at += 2 + n;
	return true;
}

static bool field_is(const struct field *fl, const char *s)
{
	return fl->n == strlen(s) && memcmp(fl->p, s, fl->n) == 0;
}

#define FAMILY_LOCAL 256
#define FAMILY_WILD  65535
#define COOKIE_NAME  "MIT-MAGIC-COOKIE-1"

/*
 * The MIT-MAGIC-COOKIE-1 of display num in an Xauthority file's bytes, as
 * a file of one entry for inside. The host's entry names the host (family
 * Local, the host's name), which the box, named after itself, is not: the
 * entry written says FamilyWild, which matches any.
 */
static void xauth_entry(const unsigned char *at, const unsigned char *end, const char *num,
			struct desktop *d)
{
	char host[256] = "";
	gethostname(host, sizeof(host) - 1);
	while (at < end) {
		struct field addr, number, name, data;
		if (end - at < 2)
			return;
		unsigned fam = (unsigned)at[0] << 8 | at[1];
		at += 2;
		if (!next_field(&at, end, &addr) || !next_field(&at, end, &number) ||
		    !next_field(&at, end, &name) || !next_field(&at, end, &data))
			return;
		bool ours = fam == FAMILY_WILD || (fam == FAMILY_LOCAL && field_is(&addr, host));
		if (!ours || !field_is(&number, num) || !field_is(&name, COOKIE_NAME))
			continue;
		size_t nl = strlen(num), cl = strlen(COOKIE_NAME);
		d->xauth_len = 2 + 2 + 2 + nl + 2 + cl + 2 + data.n;
		unsigned char *o = malloc(d->xauth_len);
		d->xauth = (char *)o;
		if (!o)
			return;
		*o++ = 0xff, *o++ = 0xff, *o++ = 0, *o++ = 0;
		*o++ = 0, *o++ = (unsigned char)nl, memcpy(o, num, nl), o += nl;
		*o++ = 0, *o++ = (unsigned char)cl, memcpy(o, COOKIE_NAME, cl), o += cl;
		*o++ = (unsigned char)(data.n >> 8), *o++ = (unsigned char)data.n;
		memcpy(o, data.p, data.n);
		return;
	}
}

/* The display's cookie from $XAUTHORITY, else ~/.Xauthority. None found
 * (no file, no entry): a server without authentication, or one that lets
 * the caller in otherwise; the client says so if not. */
static void find_cookie(char *const *env, uint32_t n, struct desktop *d)
{
	const char *file = env_get(env, "XAUTHORITY");
	const char *home = env_get(env, "HOME");
	_cleanup_free_ char *dflt = NULL;
	if ((!file || !*file) && home && asprintf(&dflt, "%s/.Xauthority", home) >= 0)
		file = dflt;
	_cleanup_close_ int fd = file ? open(file, O_RDONLY | O_CLOEXEC) : -1;
	_cleanup_free_ char *text = NULL;
	size_t len;
	char num[16];
	snprintf(num, sizeof(num), "%u", (unsigned)n);
	if (fd >= 0 && read_regular(fd, PASSWD_MAX, &text, &len) == 0)
		xauth_entry((const unsigned char *)text, (const unsigned char *)text + len, num, d);
}

/* --x11: the display's socket, DISPLAY as it is, and its cookie. */
static int find_x11(char *const *env, struct desktop *d, struct failure *f)
{
	const char *display = env_get(env, "DISPLAY");
	uint32_t n;
	if (!display || !*display) {
		fail_said(f, ENOENT, "--x11: DISPLAY is not set: no X display to share");
		fail_hint(f, "run it from an X session, or with DISPLAY=:N");
		return -ENOENT;
	}
	int r = display_number(display, &n);
	if (r == -EPROTONOSUPPORT)
		return fail_said(f, -r,
				 "--x11: DISPLAY '%s' is a display over TCP: only a local display "
				 "(:N), whose socket is in /tmp/.X11-unix, can be shared",
				 display);
	if (r < 0)
		return fail_said(f, -r, "--x11: DISPLAY '%s' is not a display (:N or :N.S)",
				 display);
	const char *screen = strchr(strrchr(display, ':'), '.');
	if (asprintf(&d->x11_socket, "/tmp/.X11-unix/X%u", (unsigned)n) < 0 ||
	    asprintf(&d->display, ":%u%s", (unsigned)n, screen ? screen : "") < 0)
		return fail(f, ENOMEM, "--x11");
	r = is_socket(d->x11_socket);
	if (r < 0)
		return fail(f, r, "--x11: no X server socket at %s", d->x11_socket);
	find_cookie(env, n, d);
	return 0;
}

/* --wayland: $XDG_RUNTIME_DIR/$WAYLAND_DISPLAY (wayland-0 by default; an
 * absolute WAYLAND_DISPLAY is the socket itself), as libwayland finds it. */
static int find_wayland(char *const *env, struct desktop *d, struct failure *f)
{
	const char *name = env_get(env, "WAYLAND_DISPLAY");
	const char *dir = env_get(env, "XDG_RUNTIME_DIR");
	if (!name || !*name)
		name = "wayland-0";
	if (name[0] != '/' && (!dir || dir[0] != '/'))
		return fail_said(f, ENOENT,
				 "--wayland: XDG_RUNTIME_DIR is not set: no Wayland "
				 "socket to find");
	int r = name[0] == '/' ? ((d->wayland = strdup(name)) ? 0 : -1)
			       : asprintf(&d->wayland, "%s/%s", dir, name);
	if (r < 0)
		return fail(f, ENOMEM, "--wayland");
	d->wayland_name = strrchr(d->wayland, '/') + 1;
	r = is_socket(d->wayland);
	if (r == 0 && !*d->wayland_name)
		r = -EINVAL;
	if (r < 0) {
		fail(f, r, "--wayland: no Wayland socket at %s", d->wayland);
		fail_hint(f, "run it from a Wayland session, or name the socket with "
			     "WAYLAND_DISPLAY");
	}
	return r;
}

/* --pulse: $XDG_RUNTIME_DIR/pulse/native, PulseAudio's socket, which
 * PipeWire's pulse server makes too. */
static int find_pulse(char *const *env, struct desktop *d, struct failure *f)
{
	const char *dir = env_get(env, "XDG_RUNTIME_DIR");
	if (!dir || dir[0] != '/')
		return fail_said(f, ENOENT,
				 "--pulse: XDG_RUNTIME_DIR is not set: no sound "
				 "server socket to find");
	if (asprintf(&d->pulse, "%s/pulse/native", dir) < 0)
		return fail(f, ENOMEM, "--pulse");
	int r = is_socket(d->pulse);
	if (r < 0) {
		fail(f, r, "--pulse: no PulseAudio socket at %s", d->pulse);
		fail_hint(f, "is PulseAudio, or PipeWire with pipewire-pulse, running?");
	}
	return r;
}

/* --gpu: the DRM devices, cards and render nodes. */
static int find_gpu(char *const *env, struct desktop *d, struct failure *f)
{
	(void)env, (void)d;
	struct stat st;
	if (stat("/dev/dri", &st) < 0)
		return fail(f, errno, "--gpu: no /dev/dri on this host");
	if (!S_ISDIR(st.st_mode))
		return fail(f, ENOTDIR, "--gpu: no /dev/dri on this host");
	return 0;
}

int desktop_find(unsigned shares, unsigned if_there, char *const *env, struct desktop *d,
		 struct desktop_notes *notes, struct failure *f)
{
	/* In the order of the SHARE_* bits. */
	static int (*const find[])(char *const *, struct desktop *, struct failure *) = {
		find_home, find_x11, find_wayland, find_pulse, find_gpu,
	};
	*d = (struct desktop){ 0 };
	notes->n = 0;
	for (size_t i = 0; i < sizeof(find) / sizeof(find[0]); i++) {
		unsigned bit = 1u << i;
		struct failure why = { 0 };
		if (!(shares & bit))
			continue;
		int r = find[i](env, d, &why);
		if (r == 0) {
			d->shares |= bit;
			continue;
		}
		if (r == -ENOMEM || !(if_there & bit)) {
			*f = why;
			return r;
		}
		if (notes->n < DESKTOP_MAX_NOTES)
			notes->why[notes->n++] = why;
	}
	return 0;
}

void desktop_free(struct desktop *d)
{
	char *owned[] = {
		d->home, d->cwd, d->display, d->x11_socket, d->xauth, d->wayland, d->pulse
	};
	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		free(owned[i]);
	*d = (struct desktop){ 0 };
}

/* a, b and c end to end in a new string, or NULL with *oom set. */
static char *concat(bool *oom, const char *a, const char *b, const char *c)
{
	char *s = malloc(strlen(a) + strlen(b) + strlen(c) + 1);
	if (!s) {
		*oom = true;
		return NULL;
	}
	stpcpy(stpcpy(stpcpy(s, a), b), c);
	return s;
}

int desktop_paths_make(const struct desktop *d, uid_t uid, struct desktop_paths *o)
{
	*o = (struct desktop_paths){ 0 };
	bool oom = false;
	size_t e = 0;
	if (d->shares & SHARE_X11)
		o->env[e++] = concat(&oom, "DISPLAY=", d->display, "");
	/* A directory of the command's own, as the session's is: made only
	 * when something goes in it. */
	if (!d->xauth && !(d->shares & (SHARE_WAYLAND | SHARE_PULSE)))
		return oom ? -ENOMEM : 0;
	char id[16];
	snprintf(id, sizeof(id), "%u", (unsigned)uid);
	const char *rt = o->runtime_dir = concat(&oom, "/run/user/", id, "");
	if (!rt)
		return -ENOMEM;
	o->env[e++] = concat(&oom, "XDG_RUNTIME_DIR=", rt, "");
	if (d->xauth) {
		o->xauthority = concat(&oom, rt, "/Xauthority", "");
		o->env[e++] = concat(&oom, "XAUTHORITY=", rt, "/Xauthority");
	}
	if (d->shares & SHARE_WAYLAND) {
		o->wayland = concat(&oom, rt, "/", d->wayland_name);
		o->env[e++] = concat(&oom, "WAYLAND_DISPLAY=", d->wayland_name, "");
	}
	if (d->shares & SHARE_PULSE) {
		o->pulse = concat(&oom, rt, "/pulse/native", "");
		o->env[e++] = concat(&oom, "PULSE_SERVER=unix:", rt, "/pulse/native");
	}
	return oom ? -ENOMEM : 0;
}

void desktop_paths_free(struct desktop_paths *p)
{
	free(p->runtime_dir);
	free(p->xauthority);
	free(p->wayland);
	free(p->pulse);
	for (size_t i = 0; i < sizeof(p->env) / sizeof(p->env[0]); i++)
		free(p->env[i]);
	*p = (struct desktop_paths){ 0 };
}
