// SPDX-License-Identifier: GPL-2.0-or-later
#include "store/hosts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/text.h"

#define LOCALHOST                                                                                  \
	"127.0.0.1 localhost\n"                                                                    \
	"::1 localhost ip6-localhost ip6-loopback\n"
/* Written where there was no /etc/hosts: the text of earlier releases, so
 * that undo still knows their files. */
static const char missing_form[] =
    "# Written by nschroot (fixup \"hosts\"): the root filesystem had no /etc/hosts.\n" LOCALHOST;
static const char empty_form[] =
    "# Written by nschroot (fixup \"hosts\") over an empty /etc/hosts, which\n"
    "# 'nschroot fixup --undo --hosts' gives back.\n" LOCALHOST;
/* The line added for the hostname: "127.0.1.1 NAME # nschroot", as Debian
 * names the machine itself, marked for undo. */
#define LINE_ADDR "127.0.1.1 "
#define LINE_MARK " # nschroot"

bool hosts_name_usable(const char *name)
{
	if (!name || !*name || strlen(name) > 253)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_'))
			return false;
	return true;
}

static bool is_ours(const char *line, const char *eol)
{
	size_t len = (size_t)(eol - line), a = strlen(LINE_ADDR), m = strlen(LINE_MARK);
	return len > a + m && memcmp(line, LINE_ADDR, a) == 0 && memcmp(eol - m, LINE_MARK, m) == 0;
}

/* buf without the lines the fixup added, into t->out (room for len + 1).
 * A marked last line without a newline was added after one: both go. */
static void strip(const char *buf, size_t len, struct hosts_text *t)
{
	const char *end = buf + len, *line;
	size_t n;
	t->len = 0;
	for (const char *next = buf; next_line(&next, end, &line, &n);) {
		if (!is_ours(line, line + n)) {
			memcpy(t->out + t->len, line, (size_t)(next - line));
			t->len += (size_t)(next - line);
		} else if (line + n == end && t->len > 0 && t->out[t->len - 1] == '\n') {
			t->len--;
		}
	}
	t->out[t->len] = '\0';
}

static bool is_text(const struct hosts_text *t, const char *s)
{
	return t->len == strlen(s) && memcmp(t->out, s, t->len) == 0;
}

/* Whether a line of text (comments aside) gives name an address. */
static bool names(const char *text, size_t len, const char *name)
{
	const char *line;
	size_t n, nlen = strlen(name);
	for (const char *next = text; next_line(&next, text + len, &line, &n);) {
		const char *eol = line + n, *hash = memchr(line, '#', n);
		if (hash)
			eol = hash;
		bool first = true;
		for (const char *p = line; p < eol;) {
			while (p < eol && is_line_blank(*p))
				p++;
			const char *w = p;
			while (p < eol && !is_line_blank(*p))
				p++;
			if (p > w && !first && (size_t)(p - w) == nlen &&
			    strncasecmp(w, name, nlen) == 0)
				return true;
			first = first && p == w;
		}
	}
	return false;
}

/* The original bytes, or which form of the fixup's own stands there. */
static int original(const char *buf, size_t len, struct hosts_text *t, const char **form)
{
	t->out = malloc(len + 1);
	if (!t->out)
		return -ENOMEM;
	strip(buf ? buf : "", buf ? len : 0, t);
	*form = NULL;
	if (!buf || is_text(t, missing_form))
		*form = missing_form;
	else if (t->len == 0 || is_text(t, empty_form))
		*form = empty_form;
	return 0;
}

int hosts_apply_text(const char *buf, size_t len, const char *hostname, struct hosts_text *t)
{
	*t = (struct hosts_text){ 0 };
	const char *form;
	if (original(buf, len, t, &form) < 0)
		return -ENOMEM;
	const char *base = form ? form : t->out;
	size_t blen = form ? strlen(form) : t->len;
	bool add = hosts_name_usable(hostname) && !names(base, blen, hostname);
	size_t size =
	    blen + strlen(LINE_ADDR) + (add ? strlen(hostname) : 0) + strlen(LINE_MARK) + 2;
	char *out = malloc(size);
	if (!out) {
		free(t->out);
		return -ENOMEM;
	}
	memcpy(out, base, blen);
	size_t n = blen;
	/* After a last line without a newline, the added line takes the
	 * newline in front and none after: undo gives back those bytes. */
	bool unterminated = blen > 0 && base[blen - 1] != '\n';
	if (add)
		n += (size_t)snprintf(out + n, size - n, "%s" LINE_ADDR "%s" LINE_MARK "%s",
				      unterminated ? "\n" : "", hostname, unterminated ? "" : "\n");
	free(t->out);
	t->out = out;
	t->len = n;
	t->ours = form || add;
	t->changed = !buf || n != len || memcmp(out, buf, n) != 0;
	return 0;
}

int hosts_undo_text(const char *buf, size_t len, struct hosts_text *t)
{
	*t = (struct hosts_text){ 0 };
	const char *form;
	if (original(buf, len, t, &form) < 0)
		return -ENOMEM;
	if (form == missing_form) {
		t->remove = t->changed = true;
		t->len = 0;
	} else if (form == empty_form) {
		t->len = 0;
		t->changed = len > 0;
	} else {
		t->changed = t->len != len;
	}
	return 0;
}
