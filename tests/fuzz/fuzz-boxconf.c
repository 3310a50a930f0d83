// SPDX-License-Identifier: GPL-2.0-or-later
/* boxes/NAME/box.conf, read at every run of the box. What box_conf_format
 * writes, box_conf_parse must read back as the same box: a box that
 * changes its map mode or subordinate ranges after a rewrite would be run
 * with ids its files were not made with, and one that loses a remap under
 * way would run half converted. The fixups value is parsed too, as fixup
 * --undo does. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "store/boxconf.h"
#include "store/fixups.h"

/* What box_conf_format promises to keep of a value: all but line breaks,
 * which become spaces (a value cannot hold '\n' once parsed, but may hold
 * '\r'). */
static bool same_value(const char *parsed, const char *reparsed)
{
	if (!parsed || !reparsed)
		return parsed == reparsed;
	if (strlen(parsed) != strlen(reparsed))
		return false;
	for (size_t i = 0; parsed[i]; i++) {
		char want = parsed[i] == '\n' || parsed[i] == '\r' ? ' ' : parsed[i];
		if (reparsed[i] != want)
			return false;
	}
	return true;
}

static void check_fixups(const char *value)
{
	unsigned set = ~0u;
	if (!value || fixups_parse(value, &set) < 0)
		return;
	fuzz_assert((set & ~(unsigned)FIXUP_ALL) == 0);
	char *text = fixups_format(set);
	fuzz_assert(text != NULL);
	unsigned back = ~0u;
	fuzz_assert(fixups_parse(text, &back) == 0 && back == set);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct box_conf c = { 0 };
	int r = box_conf_parse((const char *)data, size, &c);
	if (r < 0) {
		fuzz_assert(r == -EINVAL || r == -ENOMEM);
		return 0;
	}
	fuzz_assert(c.version >= 1 && c.version <= BOX_CONF_VERSION);
	fuzz_assert(c.map == MAP_ROOT || c.map == MAP_USER || c.map == MAP_AUTO ||
		    c.map == MAP_KEEP_ID);
	if (map_mode_subordinate(c.map))
		fuzz_assert(c.subuids.n > 0 && c.subgids.n > 0);
	check_fixups(c.fixups);

	char *text = box_conf_format(&c);
	fuzz_assert(text != NULL);
	struct box_conf again = { 0 };
	fuzz_assert(box_conf_parse(text, strlen(text), &again) == 0);
	fuzz_assert(strncmp(text, "version=1\n", 10) == 0 && again.version == c.version);
	fuzz_assert(again.map == c.map);
	fuzz_assert(same_value(c.source, again.source));
	fuzz_assert(same_value(c.created, again.created));
	fuzz_assert(same_value(c.os_id, again.os_id));
	fuzz_assert(same_value(c.os_version, again.os_version));
	fuzz_assert(same_value(c.fixups, again.fixups));
	fuzz_assert(same_value(c.fixups_declined, again.fixups_declined));
	fuzz_assert(same_value(c.run_options, again.run_options));
	fuzz_assert(again.remap_to == c.remap_to);
	if (c.remap_to != MAP_UNSET) {
		fuzz_assert(fuzz_same_ranges(&c.remap_subuids, &again.remap_subuids));
		fuzz_assert(fuzz_same_ranges(&c.remap_subgids, &again.remap_subgids));
		fuzz_assert(c.remap_since.tv_sec == again.remap_since.tv_sec &&
			    c.remap_since.tv_nsec == again.remap_since.tv_nsec);
	}
	fuzz_assert(fuzz_same_ranges(&c.subuids, &again.subuids));
	fuzz_assert(fuzz_same_ranges(&c.subgids, &again.subgids));

	/* Written once, the text is a fixed point. */
	char *text2 = box_conf_format(&again);
	fuzz_assert(text2 != NULL && strcmp(text, text2) == 0);

	free(text2);
	free(text);
	box_conf_free(&again);
	box_conf_free(&c);
	return 0;
}
