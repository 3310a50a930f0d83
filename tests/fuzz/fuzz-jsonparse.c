// SPDX-License-Identifier: GPL-2.0-or-later
/* Container images' index, manifest and config, which whoever made the
 * image wrote. What json_parse accepts, json_write must write as a text
 * that parses to the same tree: written again, it is the same text. A
 * refusal says where, within the input. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util/jsonparse.h"

static char *written(const struct json_value *v, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	fuzz_assert(f != NULL);
	json_write(f, v);
	fuzz_assert(fclose(f) == 0);
	return buf;
}

/* The accessors agree with one another; json_get finds each member by
 * its key, since no key is there twice. */
static void check_tree(const struct json_value *v, int depth)
{
	enum json_type t = json_type(v);
	fuzz_assert(t >= JSON_NULL && t <= JSON_OBJECT && depth <= JSON_MAX_DEPTH);
	fuzz_assert((json_str(v) != NULL) == (t == JSON_STRING));
	uint64_t u;
	if (json_u64(v, &u) == 0) {
		char text[32];
		snprintf(text, sizeof(text), "%" PRIu64, u);
		char *back = written(v, &(size_t){ 0 });
		fuzz_assert(strcmp(text, back) == 0);
		free(back);
	}
	size_t n = json_count(v);
	fuzz_assert(n == 0 || t == JSON_ARRAY || t == JSON_OBJECT);
	fuzz_assert(json_item(v, n) == NULL && json_key(v, n) == NULL);
	for (size_t i = 0; i < n; i++) {
		const struct json_value *item = json_item(v, i);
		fuzz_assert(item != NULL);
		if (t == JSON_OBJECT)
			fuzz_assert(json_get(v, json_key(v, i)) == item);
		else
			fuzz_assert(json_key(v, i) == NULL);
		check_tree(item, depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_value *v = NULL;
	char why[128] = "";
	int r = json_parse((const char *)data, size, &v, why, sizeof(why));
	if (r < 0) {
		size_t at = SIZE_MAX;
		fuzz_assert(r == -EINVAL || r == -ENOMEM);
		if (r == -EINVAL)
			fuzz_assert(sscanf(why, "at byte %zu: ", &at) == 1 && at <= size);
		return 0;
	}
	check_tree(v, 0);

	size_t len = 0;
	char *text = written(v, &len);
	fuzz_assert(strlen(text) == len);
	struct json_value *again = NULL;
	r = json_parse(text, len, &again, why, sizeof(why));
	if (r < 0)
		fprintf(stderr, "written back: %s\n", why);
	fuzz_assert(r == 0);
	size_t len2 = 0;
	char *text2 = written(again, &len2);
	fuzz_assert(len == len2 && memcmp(text, text2, len) == 0);

	free(text2);
	free(text);
	json_free(again);
	json_free(v);
	return 0;
}
