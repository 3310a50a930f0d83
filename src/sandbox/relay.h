/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

/*
 * nschroot's side of the box's terminal: what the caller types goes to the
 * box's pseudo-terminal, what the box writes there goes to the caller's
 * terminal. The caller's terminal is in raw mode meanwhile (the box's
 * terminal does the line editing and turns Ctrl-C into SIGINT for the
 * box's foreground job), and gets its modes back on every way out.
 */
struct relay {
	int master;   /* the box's pseudo-terminal, or -1: no relay */
	int in;	      /* the caller's terminal to read from, or -1 */
	int out;      /* the caller's terminal to write to, or -1 */
	int tty;      /* one of them, for modes and window size */
	bool raw;     /* the caller's modes are saved and changed */
	bool reading; /* in the foreground: what the user types goes in */
	bool in_gone; /* the caller's terminal hung up */
	bool hung_up; /* no process holds the box's terminal just now */
	struct termios saved;
	char to_box[4096], to_caller[16384];
	size_t n_to_box, n_to_caller;
	size_t off_to_box, off_to_caller;
};

/* Which caller descriptors to use for a mask of pty_caller_terminals();
 * no relay yet (master -1). */
void relay_init(struct relay *r, unsigned mask);

/* The box's terminal has come: relay it, and put the caller's terminal in
 * raw mode when nschroot reads from it in the foreground. */
void relay_start(struct relay *r, int master);

/* The poll entries the relay waits on, at most 3, into p; their count. */
size_t relay_pollfds(const struct relay *r, struct pollfd *p);

/* How long poll may wait, in ms: -1, or a short time while no process
 * holds the box's terminal (its master then reports a hang-up at every
 * poll, until something opens the terminal again). */
int relay_timeout(struct relay *r);

/* Move what poll reported ready for the entries relay_pollfds gave. */
void relay_step(struct relay *r, const struct pollfd *p, size_t n);

/* Window size changed (SIGWINCH), or nschroot was continued (SIGCONT):
 * pass the size on; after a stop, raw mode again. */
void relay_winch(struct relay *r);
void relay_continued(struct relay *r);

/* Stop nschroot (SIGTSTP) with the caller's modes restored. */
void relay_suspend(struct relay *r);

/* The box is gone: copy what it wrote last, give the caller's terminal its
 * modes back, close the master. Safe to call more than once. */
void relay_finish(struct relay *r);
