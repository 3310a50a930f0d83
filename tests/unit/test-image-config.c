// SPDX-License-Identifier: GPL-2.0-or-later
/* The config of an exported image, from box.conf (store/image-config.c),
 * the check of box.conf's JSON arrays (util/json.c) and the docker-archive
 * tag of a box name. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/image-config.h"
#include "tap.h"
#include "util/jsonparse.h"

/* What box.conf's list settings must be: the reader's array of strings. */
static bool string_array(const char *text)
{
	struct json_value *v = NULL;
	bool yes = json_parse(text, strlen(text), &v, NULL, 0) == 0 && json_is_string_array(v);
	json_free(v);
	return yes;
}

static void test_string_array(void)
{
	static const char *const good[] = {
		"[]",
		" [ ] ",
		"[\"A=1\"]",
		"[\"A=1\", \"B=\\\"2\\\"\"]",
		"[\"\\u00e9\\n\\\\\",\"/bin/sh\"]",
		"[\"\xc3\xa9\"]",
	};
	static const char *const bad[] = {
		"",	     "[",	  "[\"a\",]",	 "[,\"a\"]",	"[\"a\" \"b\"]",
		"[\"a\"]x",  "[\"a\"][]", "[1]",	 "[null]",	"\"a\"",
		"{}",	     "[\"a]",	  "[\"\\x41\"]", "[\"\\u12\"]", "[\"tab\there\"]",
		"[\"a\\\"]",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(string_array(good[i]), "an array of strings: %s", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(!string_array(bad[i]), "not an array of strings: '%s'", bad[i]);
}

static void is_tag(const char *name, const char *want)
{
	char *tag = image_tag(name);
	is_str(tag, want, "the tag of '%s'", name);
	free(tag);
}

static void test_tag(void)
{
	is_tag("bb", "localhost/bb:latest");
	is_tag("Deb-12", "localhost/deb-12:latest");
	is_tag("a.b_c__d---e", "localhost/a.b_c__d---e:latest");
	is_tag("a..b", "localhost/a-b:latest");
	is_tag("a._b", "localhost/a-b:latest");
	is_tag("a___b", "localhost/a-b:latest");
	is_tag("noble.", "localhost/noble:latest");
	is_tag("x-_", "localhost/x:latest");
}

/* The config of conf (arch amd64 unless given), or NULL with f said. */
static char *config_of(const struct box_conf *conf, const char *arch, struct failure *f)
{
	char *json = NULL;
	*f = (struct failure){ 0 };
	if (image_config_build(conf, arch, &json, f) < 0)
		return NULL;
	return json;
}

static void test_config(void)
{
	struct failure f;
	struct box_conf conf = { .created = "2024-05-01T12:00:00Z" };
	char *json = config_of(&conf, "amd64", &f);
	is_str(json,
	       "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-05-01T12:00:00Z\","
	       "\"config\":{\"Env\":[\"" IMAGE_DEFAULT_PATH "\"]},"
	       "\"history\":[{\"created\":\"2024-05-01T12:00:00Z\",\"created_by\":\"nschroot "
	       "export\"}]}",
	       "a box of no image: the default PATH, no other setting");
	free(json);

	conf = (struct box_conf){
		.created = "yesterday",
		.image_env = "[\"A=1\",\"B=2\"]",
		.image_entrypoint = "[\"/bin/sh\",\"-c\"]",
		.image_cmd = "[\"echo \\\"hi\\\"\"]",
		.image_workdir = "/srv/\"x\"",
		.image_user = "1000:1000",
	};
	json = config_of(&conf, "armhf", &f);
	is_str(json,
	       "{\"architecture\":\"arm\",\"variant\":\"v7\",\"os\":\"linux\","
	       "\"config\":{\"Env\":[\"A=1\",\"B=2\"],\"Entrypoint\":[\"/bin/sh\",\"-c\"],"
	       "\"Cmd\":[\"echo \\\"hi\\\"\"],\"WorkingDir\":\"/srv/\\\"x\\\"\","
	       "\"User\":\"1000:1000\"},"
	       "\"history\":[{\"created_by\":\"nschroot export\"}]}",
	       "every setting; armhf is arm/v7; a created that is no RFC 3339 time is left out");
	free(json);

	conf = (struct box_conf){ .image_cmd = "[\"a\",]" };
	json = config_of(&conf, "amd64", &f);
	ok(!json && f.err == EINVAL && strstr(f.what, "image-cmd"),
	   "an image-cmd that is not an array of strings is refused, named");
	free(json);
	conf = (struct box_conf){ 0 };
	json = config_of(&conf, "sparc", &f);
	ok(!json && f.err == EINVAL, "an architecture OCI images do not name is refused");
	free(json);
}

int main(void)
{
	test_string_array();
	test_tag();
	test_config();
	return done_testing();
}
