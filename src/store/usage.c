// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A tree's disk usage, as du counts it, by as many threads as the process
 * has CPUs (at most four). Nearly all of the time goes to the kernel's
 * fstatat of every entry (7,000 of them in a Debian tree, about 25 ms on
 * one CPU here, a tenth of create), which several threads do side by side.
 * Directories wait on a shared stack, by their path below the top; a
 * thread takes one, stats its entries, and puts its subdirectories on the
 * stack. Each is opened with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)
 * from the top, so that a box whose tree changes while it is measured
 * (one that runs) cannot lead the walk out of it.
 */
#include "store/usage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/resolve.h"
#include "util/cleanup.h"

#define MAX_THREADS 4

struct walk {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int top;      /* the tree's top, O_PATH */
	dev_t dev;    /* its file system: no other is entered */
	char **paths; /* directories to read, below top */
	size_t n, cap;
	unsigned busy;	/* threads reading a directory */
	uint64_t bytes; /* of the directories read so far */
};

/* Called with the lock held. false when out of memory (the directory is
 * not counted: a measure, not a listing). */
static bool push(struct walk *w, char *path)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		char **p = reallocarray(w->paths, cap, sizeof(*p));
		if (!p)
			return false;
		w->paths = p;
		w->cap = cap;
	}
	w->paths[w->n++] = path;
	pthread_cond_signal(&w->changed);
	return true;
}

/* The entries of the directory at path, their blocks summed; its
 * subdirectories pushed. */
static uint64_t read_dir(struct walk *w, const char *path)
{
	int fd = open_beneath(w->top, path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return 0;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	uint64_t bytes = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *name = e->d_name;
		if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])))
			continue;
		struct stat st;
		if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		bytes += (uint64_t)st.st_blocks * 512;
		if (!S_ISDIR(st.st_mode) || st.st_dev != w->dev)
			continue;
		char *sub;
		if (asprintf(&sub, "%s/%s", path, name) < 0)
			continue;
		pthread_mutex_lock(&w->lock);
		if (!push(w, sub))
			free(sub);
		pthread_mutex_unlock(&w->lock);
	}
	closedir(d);
	return bytes;
}

/* Take directories until none is left and no thread may push another. */
static void *walker(void *arg)
{
	struct walk *w = arg;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (w->n == 0 && w->busy > 0)
			pthread_cond_wait(&w->changed, &w->lock);
		if (w->n == 0)
			break;
		char *path = w->paths[--w->n];
		w->busy++;
		pthread_mutex_unlock(&w->lock);
		uint64_t bytes = read_dir(w, path);
		free(path);
		pthread_mutex_lock(&w->lock);
		w->bytes += bytes;
		if (--w->busy == 0 && w->n == 0)
			pthread_cond_broadcast(&w->changed);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static unsigned threads_to_use(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;
	int n = CPU_COUNT(&set);
	return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

uint64_t store_tree_usage(const char *path)
{
	_cleanup_close_ int top = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	if (top < 0 || fstat(top, &st) < 0)
		return 0;
	struct walk w = { .top = top, .dev = st.st_dev };
	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.changed, NULL);
	char *first = strdup(".");
	if (!first || !push(&w, first))
		free(first);
	pthread_t t[MAX_THREADS];
	unsigned n = threads_to_use(), started = 0;
	/* This thread walks too: with one CPU, or no thread to be had, alone. */
	while (started + 1 < n && pthread_create(&t[started], NULL, walker, &w) == 0)
		started++;
	walker(&w);
	for (unsigned i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	pthread_cond_destroy(&w.changed);
	pthread_mutex_destroy(&w.lock);
	free(w.paths);
	return w.bytes + (uint64_t)st.st_blocks * 512;
}
