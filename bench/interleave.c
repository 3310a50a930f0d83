// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/interleave.c: wall time of several commands measured in turn,
 * round after round, so that a machine whose speed drifts (a shared VM)
 * slows every command alike. hyperfine runs all the runs of one command
 * before the next; on such a machine its ratios move by tens of percent
 * from one run to the next.
 *
 *     nschroot-interleave ROUNDS NAME=COMMAND...
 *
 * COMMAND is split on spaces (no quoting, no shell) and run with fork and
 * execvp, its stdout on /dev/null; every command must exit 0. Ten rounds
 * of warm-up are not counted. Prints, tab-separated, one line a command,
 *     command NAME MEDIAN MIN MAX          (milliseconds)
 * then one line for each ordered pair of commands,
 *     ratio A B PAIRED OF-MEDIANS
 * where PAIRED is the median over the rounds of A's time divided by B's
 * in the same round.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 256
#define WARMUP	 10

struct command {
	const char *name;
	char *argv[MAX_ARGS];
	double *ms;
};

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "nschroot-interleave: %s\n", what);
	exit(1);
}

static void parse(struct command *c, char *spec)
{
	char *eq = strchr(spec, '=');
	if (!eq || eq == spec)
		die("each command is NAME=COMMAND");
	*eq = '\0';
	c->name = spec;
	size_t n = 0;
	for (char *save, *w = strtok_r(eq + 1, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (n + 1 >= MAX_ARGS)
			die("too many words in a command");
		c->argv[n++] = w;
	}
	if (n == 0)
		die("an empty command");
	c->argv[n] = NULL;
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double run(const struct command *c, int devnull)
{
	double start = now_ms();
	pid_t pid = fork();
	if (pid < 0)
		die("fork failed");
	if (pid == 0) {
		dup2(devnull, 1);
		execvp(c->argv[0], c->argv);
		_exit(127);
	}
	int wstatus;
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			die("waitpid failed");
	double ms = now_ms() - start;
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
		fprintf(stderr, "nschroot-interleave: %s failed\n", c->name);
		exit(1);
	}
	return ms;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		die("usage: nschroot-interleave ROUNDS NAME=COMMAND...");
	char *end;
	long rounds = strtol(argv[1], &end, 10);
	if (*end || rounds < 1 || rounds > 1000000)
		die("ROUNDS must be a number from 1 to 1000000");
	size_t k = (size_t)argc - 2, n = (size_t)rounds;
	struct command *c = calloc(k, sizeof(*c));
	double *ratio = calloc(n, sizeof(*ratio));
	if (!c || !ratio)
		die("out of memory");
	for (size_t i = 0; i < k; i++) {
		parse(&c[i], argv[i + 2]);
		if (!(c[i].ms = calloc(n, sizeof(double))))
			die("out of memory");
	}
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull < 0)
		die("cannot open /dev/null");

	for (size_t r = 0; r < WARMUP; r++)
		for (size_t i = 0; i < k; i++)
			run(&c[i], devnull);
	for (size_t r = 0; r < n; r++)
		for (size_t i = 0; i < k; i++)
			c[i].ms[r] = run(&c[i], devnull);

	/* The paired ratios first: median() sorts in place. */
	double *paired = calloc(k * k, sizeof(double)), *med = calloc(k, sizeof(double));
	if (!paired || !med)
		die("out of memory");
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < k; j++) {
			for (size_t r = 0; r < n; r++)
				ratio[r] = c[i].ms[r] / c[j].ms[r];
			paired[i * k + j] = median(ratio, n);
		}
	for (size_t i = 0; i < k; i++) {
		med[i] = median(c[i].ms, n);
		printf("command\t%s\t%.3f\t%.3f\t%.3f\n", c[i].name, med[i], c[i].ms[0],
		       c[i].ms[n - 1]);
	}
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < k; j++)
			if (i != j)
				printf("ratio\t%s\t%s\t%.3f\t%.3f\n", c[i].name, c[j].name,
				       paired[i * k + j], med[i] / med[j]);
	return 0;
}
