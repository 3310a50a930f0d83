// SPDX-License-Identifier: GPL-2.0-or-later
#include "run/backend.h"

#include <errno.h>

#include "util/parse.h"

/* The options that ask for each PLAN_NEEDS_*, as a refusal names them. */
static const struct name_value needs_options[] = {
	{ "--read-only", PLAN_NEEDS_READ_ONLY },
	{ "--ro-bind", PLAN_NEEDS_RO_BIND },
	{ "--net=none", PLAN_NEEDS_NET_NONE },
	{ "--net=pasta and --publish", PLAN_NEEDS_NET_PASTA },
	{ "--cap-add and --cap-drop", PLAN_NEEDS_CAPS },
	{ "--hostname", PLAN_NEEDS_HOSTNAME },
	{ "--map=auto or keep-id", PLAN_NEEDS_MAP_AUTO },
	{ "--fakeroot=seccomp", PLAN_NEEDS_FAKEROOT },
	{ "--no-new-privs", PLAN_NEEDS_NO_NEW_PRIVS },
	{ "--ephemeral", PLAN_NEEDS_EPHEMERAL },
	{ "--x11", PLAN_NEEDS_X11 },
	{ "--wayland", PLAN_NEEDS_WAYLAND },
	{ "--pulse", PLAN_NEEDS_PULSE },
	{ NULL, 0 },
};

int backend_check(const struct backend *b, const struct run_plan *plan, struct failure *f)
{
	unsigned missing = plan->needs & ~b->supports;
	for (const struct name_value *n = needs_options; n->name; n++)
		if (missing & (unsigned)n->value)
			return fail_said(f, ENOTSUP, "the %s backend cannot honour %s", b->name,
					 n->name);
	return b->check ? b->check(plan, f) : 0;
}
