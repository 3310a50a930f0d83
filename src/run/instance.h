/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "run/config.h"
#include "run/plan.h"

/*
 * A running box is an instance (DESIGN.md, "Instances"): its init and its
 * namespaces. The run that starts one records it in the store's
 * instances/ directory, in a file named by init's pid on the host, and
 * removes it when the instance ends; `exec` joins one, `ps` lists them. A
 * record left by a run that was killed is stale: init's pid is gone, or
 * is another process's now (its start time differs), and it is removed by
 * whoever lists the directory.
 *
 * What exec needs of the instance is recorded too: the restrictions its
 * command runs under (fake root, no_new_privs, capabilities), which a
 * process joining it must take as well.
 */
#define INSTANCE_COMMAND_MAX 256

struct instance {
	pid_t init;			/* on the host */
	unsigned long long start_ticks; /* init's start time, /proc/PID/stat's */
	time_t started;			/* wall clock */
	char box[72];
	enum net_mode net;
	enum map_mode map;
	uid_t uid; /* the command's, inside */
	gid_t gid;
	bool fakeroot, no_new_privs, caps_given;
	uint64_t caps;
	char command[INSTANCE_COMMAND_MAX]; /* for ps: argv joined, or "(login shell)" */
};

/* The start time of pid (in clock ticks since boot), or -errno. */
int instance_start_ticks(pid_t pid, unsigned long long *ticks);

/* Record in (the instances directory) in its file. 0 or -errno. */
int instance_record(int dirfd, const struct instance *in);

/* Remove init's record. */
void instance_forget(int dirfd, pid_t init);

/* The live instances of box (every box's when NULL), oldest first, in a
 * new array (*out, free it); stale records are removed. 0 or -errno. */
int instance_list(int dirfd, const char *box, struct instance **out, size_t *n);

/* The instance's command on the host: the oldest child of its init (the
 * one init started; others are orphans it adopted). The pid, or -errno
 * (-ESRCH: it has none, the instance is ending). */
pid_t instance_command(const struct instance *in);

/* The record of plan's instance, whose init is init: its restrictions,
 * its command (for ps), the box, the times. 0 or -errno (init gone). */
int instance_of_plan(const struct run_plan *p, pid_t init, struct instance *in);
