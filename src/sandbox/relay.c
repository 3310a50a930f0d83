// SPDX-License-Identifier: GPL-2.0-or-later
#include "sandbox/relay.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

void relay_init(struct relay *r, unsigned mask)
{
	memset(r, 0, sizeof(*r));
	r->master = -1;
	r->in = (mask & 1u) ? 0 : -1;
	r->out = (mask & 2u) ? 1 : (mask & 4u) ? 2 : -1;
	if (r->out < 0 && r->in == 0 && (fcntl(0, F_GETFL) & O_ACCMODE) == O_RDWR)
		r->out = 0; /* the terminal on stdin alone, opened for both */
	r->tty = r->in >= 0 ? r->in : r->out;
}

/* Raw mode, and reading what the user types, only in the terminal's
 * foreground: a background nschroot (`nschroot run BOX make &`) would be
 * stopped by SIGTTOU or SIGTTIN, and the input is the shell's until it
 * brings the job forward (SIGCONT, relay_continued). */
static void enter_raw(struct relay *r)
{
	r->reading = r->in >= 0 && !r->in_gone && tcgetpgrp(r->in) == getpgrp();
	if (r->raw || !r->reading)
		return;
	if (tcgetattr(r->in, &r->saved) < 0)
		return;
	struct termios t = r->saved;
	cfmakeraw(&t);
	if (tcsetattr(r->in, TCSADRAIN, &t) == 0)
		r->raw = true;
}

static void leave_raw(struct relay *r)
{
	if (!r->raw)
		return;
	while (tcsetattr(r->in, TCSADRAIN, &r->saved) < 0 && errno == EINTR)
		;
	r->raw = false;
}

void relay_winch(struct relay *r)
{
	struct winsize ws;
	if (r->master >= 0 && r->tty >= 0 && ioctl(r->tty, TIOCGWINSZ, &ws) == 0)
		ioctl(r->master, TIOCSWINSZ, &ws);
}

void relay_start(struct relay *r, int master)
{
	r->master = master;
	int fl = fcntl(master, F_GETFL);
	if (fl >= 0)
		fcntl(master, F_SETFL, fl | O_NONBLOCK);
	enter_raw(r);
	relay_winch(r);
}

void relay_continued(struct relay *r)
{
	if (r->master < 0)
		return;
	enter_raw(r);
	relay_winch(r);
}

void relay_suspend(struct relay *r)
{
	leave_raw(r);
	r->reading = false;
	raise(SIGSTOP);
}

size_t relay_pollfds(const struct relay *r, struct pollfd *p)
{
	size_t n = 0;
	if (r->master < 0)
		return 0;
	short events = 0;
	if (r->n_to_box)
		events |= POLLOUT;
	if (!r->n_to_caller)
		events |= POLLIN;
	if (!r->hung_up)
		p[n++] = (struct pollfd){ .fd = r->master, .events = events };
	if (r->reading && !r->in_gone && !r->n_to_box)
		p[n++] = (struct pollfd){ .fd = r->in, .events = POLLIN };
	if (r->n_to_caller)
		p[n++] = (struct pollfd){ .fd = r->out, .events = POLLOUT };
	return n;
}

/* Read into an empty buffer; 0 at end of file or error, which ends that
 * direction. */
static ssize_t fill(int fd, char *buf, size_t size)
{
	ssize_t n;
	do
		n = read(fd, buf, size);
	while (n < 0 && errno == EINTR);
	return n;
}

/* Write what is pending; a failed write to the caller's terminal (gone)
 * drops the output rather than the box. */
static void flush(int fd, const char *buf, size_t *off, size_t *n)
{
	ssize_t w;
	do
		w = write(fd, buf + *off, *n - *off);
	while (w < 0 && errno == EINTR);
	if (w < 0 && errno == EAGAIN)
		return;
	if (w <= 0) {
		*off = *n = 0;
		return;
	}
	*off += (size_t)w;
	if (*off == *n)
		*off = *n = 0;
}

/* What the box wrote, to the caller's terminal at once, a few buffers
 * at a time while there is more: one poll for many reads and writes. */
static void from_box(struct relay *r)
{
	for (int i = 0; i < 16 && !r->n_to_caller; i++) {
		ssize_t got = fill(r->master, r->to_caller, sizeof(r->to_caller));
		if (got == 0 || (got < 0 && errno != EAGAIN))
			r->hung_up = true;
		if (got <= 0 || r->out < 0)
			return;
		r->n_to_caller = (size_t)got;
		flush(r->out, r->to_caller, &r->off_to_caller, &r->n_to_caller);
	}
}

int relay_timeout(struct relay *r)
{
	if (!r->hung_up)
		return -1;
	r->hung_up = false;
	return 100;
}

void relay_step(struct relay *r, const struct pollfd *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		short ev = p[i].revents;
		if (!ev)
			continue;
		if (p[i].fd == r->master) {
			if ((ev & POLLOUT) && r->n_to_box)
				flush(r->master, r->to_box, &r->off_to_box, &r->n_to_box);
			if ((ev & (POLLIN | POLLHUP | POLLERR)) && !r->n_to_caller)
				from_box(r);
		} else if (p[i].fd == r->in) {
			ssize_t got = fill(r->in, r->to_box, sizeof(r->to_box));
			if (got > 0)
				r->n_to_box = (size_t)got;
			else if (got == 0 || errno != EAGAIN)
				r->in_gone = true; /* the caller's terminal hung up */
		} else if (p[i].fd == r->out) {
			flush(r->out, r->to_caller, &r->off_to_caller, &r->n_to_caller);
		}
	}
}

/*
 * The command and every process of the box have exited (init said so), so
 * no descriptor of the box's terminal is open in the box any more, and the
 * master reads what is left, then EIO. A descriptor passed out of the box
 * over a socket could keep it open for ever: a quiet quarter second ends
 * the wait then.
 */
void relay_finish(struct relay *r)
{
	if (r->master < 0) {
		leave_raw(r);
		return;
	}
	for (;;) {
		if (r->n_to_caller) {
			struct pollfd o = { .fd = r->out, .events = POLLOUT };
			if (poll(&o, 1, -1) < 0 && errno != EINTR)
				break;
			flush(r->out, r->to_caller, &r->off_to_caller, &r->n_to_caller);
			continue;
		}
		struct pollfd p = { .fd = r->master, .events = POLLIN };
		int ready = poll(&p, 1, 250);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0)
			break;
		ssize_t got = fill(r->master, r->to_caller, sizeof(r->to_caller));
		if (got <= 0)
			break;
		if (r->out >= 0)
			r->n_to_caller = (size_t)got;
	}
	leave_raw(r);
	close(r->master);
	r->master = -1;
}
