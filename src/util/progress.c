// SPDX-License-Identifier: GPL-2.0-or-later
#include "util/progress.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BAR_WIDTH 24
#define REDRAW_NS 100000000L /* ten times a second */

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* "4.2MiB", "42MiB", "512B": at most 7 characters. Written out rather
 * than taken from libbsd's humanize_number, so that nschroot itself (create
 * --from) draws the bar without loading libbsd on its run path. */
static void human(char *buf, size_t len, uint64_t n)
{
	static const char *const units[] = { "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
	if (n < 1024) {
		snprintf(buf, len, "%uB", (unsigned)n);
		return;
	}
	double v = (double)n / 1024;
	size_t u = 0;
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (v < 9.95)
		snprintf(buf, len, "%.1f%sB", v, units[u]);
	else
		snprintf(buf, len, "%.0f%sB", v, units[u]);
}

/* "512", "4.2k", "42k", "1.3M": at most 7 characters. */
static void count(char *buf, size_t len, uint64_t n)
{
	if (n < 10000) {
		snprintf(buf, len, "%u", (unsigned)n);
		return;
	}
	double v = (double)n / 1000;
	const char *unit = "k";
	if (v >= 1000) {
		v /= 1000;
		unit = "M";
	}
	snprintf(buf, len, v < 9.95 ? "%.1f%s" : "%.0f%s", v, unit);
}

static void duration(char *buf, size_t len, double s)
{
	unsigned long t = s > 359999 ? 359999 : (unsigned long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%lu:%02lu", t / 60, t % 60);
}

/* At most 79 columns, so that the line never wraps on an 80-column
 * terminal (where a wrapped line could not be redrawn with '\r'). */
static void format_line(char *buf, size_t len, const struct progress *p, uint64_t done,
			double seconds)
{
	char size[16], rate[16];
	void (*amount)(char *, size_t, uint64_t) = p->files ? count : human;
	amount(size, 8, done);
	if (seconds > 0)
		amount(rate, 8, (uint64_t)((double)done / seconds));
	else
		snprintf(rate, sizeof(rate), "-");
	uint64_t total = p->total;
	if (!total) {
		snprintf(buf, len, "%s  %7s read  %7s/s", p->verb, size, rate);
		return;
	}
	uint64_t d = done > total ? total : done;
	unsigned pct = (unsigned)(d * 100 / total);
	char bar[BAR_WIDTH + 1];
	size_t fill = (size_t)(d * BAR_WIDTH / total);
	memset(bar, '#', fill);
	memset(bar + fill, '.', BAR_WIDTH - fill);
	bar[BAR_WIDTH] = '\0';
	char eta[32] = "--:--";
	if (seconds >= 1 && done > 0)
		duration(eta, sizeof(eta), (double)(total - d) * seconds / (double)done);
	snprintf(buf, len, "%s %3u%% [%s] %7s  %7s/s  ETA %s", p->verb, pct, bar, size, rate, eta);
}

static void put(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

void progress_start(struct progress *p, bool on, uint64_t total, const char *verb)
{
	memset(p, 0, sizeof(*p));
	p->on = on;
	p->verb = verb;
	p->total = total;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->last = p->start;
}

void progress_start_files(struct progress *p, bool on, uint64_t total, const char *verb)
{
	progress_start(p, on, total, verb);
	p->files = true;
}

void progress_update(struct progress *p, uint64_t done)
{
	if (!p->on)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ns = (now.tv_sec - p->last.tv_sec) * 1000000000L + (now.tv_nsec - p->last.tv_nsec);
	if (ns < REDRAW_NS)
		return;
	p->last = now;

	char line[128];
	format_line(line, sizeof(line), p, done, seconds_between(&p->start, &now));
	/* One write: '\r', the line, blanks over what a longer line left. */
	char out[256];
	size_t n = strlen(line);
	size_t pad = p->width > n ? p->width - n : 0;
	int len = snprintf(out, sizeof(out), "\r%s%*s", line, (int)pad, "");
	if (len > 0)
		put(out, (size_t)len < sizeof(out) ? (size_t)len : sizeof(out) - 1);
	p->width = n;
}

void progress_clear(struct progress *p)
{
	if (!p->on || !p->width)
		return;
	char out[256];
	int len = snprintf(out, sizeof(out), "\r%*s\r", (int)p->width, "");
	if (len > 0)
		put(out, (size_t)len < sizeof(out) ? (size_t)len : sizeof(out) - 1);
	p->width = 0;
}
