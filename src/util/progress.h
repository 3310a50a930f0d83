/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* A one-line progress bar on standard error, redrawn in place. */
struct progress {
	bool on;
	const char *verb; /* "extracting", "exporting": at most 10 characters */
	uint64_t total;	  /* bytes expected, 0 when unknown */
	struct timespec start;
	struct timespec last; /* last drawn */
	size_t width;	      /* columns the line now takes on the terminal */
	bool files;	      /* done and total count files, not bytes */
};

void progress_start(struct progress *p, bool on, uint64_t total, const char *verb);
/* The same, done and total a number of files (remap). */
void progress_start_files(struct progress *p, bool on, uint64_t total, const char *verb);
/* done bytes of total: redrawn at most ten times a second. */
void progress_update(struct progress *p, uint64_t done);
/* Erase the line, so that a message or the shell prompt takes its place. */
void progress_clear(struct progress *p);
