// SPDX-License-Identifier: GPL-2.0-or-later
/* The JSON reader of container images' index, manifest and config: what
 * it reads, what it gives back, and the many texts it must refuse. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util/jsonparse.h"

static struct json_value *parse_ok(const char *text, const char *what)
{
	struct json_value *v = NULL;
	char why[128] = "";
	int r = json_parse(text, strlen(text), &v, why, sizeof(why));
	if (!is_int(r, 0, "parsed: %s", what))
		diag("%s", why);
	return v;
}

/* Refused as invalid, with a reason that says where. */
static void refused_n(const char *text, size_t len, const char *what)
{
	struct json_value *v = NULL;
	char why[128] = "";
	int r = json_parse(text, len, &v, why, sizeof(why));
	is_int(r, -EINVAL, "refused: %s", what);
	ok(strncmp(why, "at byte ", 8) == 0, "  and why says where (%s)", why);
	if (r == 0)
		json_free(v);
}

static void refused(const char *text, const char *what)
{
	refused_n(text, strlen(text), what);
}

/* The reason given for text. */
static void is_why(const char *text, const char *want)
{
	struct json_value *v = NULL;
	char why[128] = "";
	if (json_parse(text, strlen(text), &v, why, sizeof(why)) == 0)
		json_free(v);
	is_str(why, want, "why for %s", text);
}

static char *written(const struct json_value *v)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	if (!f)
		bail_out("open_memstream");
	json_write(f, v);
	fclose(f);
	return buf;
}

/* text, parsed and written back, is want. */
static void is_written(const char *text, const char *want, const char *what)
{
	struct json_value *v = parse_ok(text, what);
	char *s = written(v);
	is_str(s, want, "written back: %s", what);
	free(s);
	json_free(v);
}

static void test_manifest(void)
{
	struct json_value *m = parse_ok(
	    " {\"schemaVersion\": 2,\n"
	    "  \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",\n"
	    "  \"config\": {\"digest\": \"sha256:abc\", \"size\": 7023},\n"
	    "  \"layers\": [{\"size\": 32654}, {\"size\": 16724}, []],\n"
	    "  \"annotations\": {\"n\": null, \"t\": true, \"f\": false, \"x\": -1.5e+10}}\r\n\t",
	    "a manifest, all types");
	uint64_t u = 0;
	is_int(json_type(m), JSON_OBJECT, "an object");
	is_int((long long)json_count(m), 5, "of 5 members");
	is_str(json_key(m, 0), "schemaVersion", "keys in the text's order");
	is_str(json_key(m, 4), "annotations", "up to the last");
	ok(json_key(m, 5) == NULL && json_item(m, 5) == NULL, "none past it");
	ok(json_u64(json_get(m, "schemaVersion"), &u) == 0 && u == 2, "a number");
	is_str(json_get_str(m, "mediaType"), "application/vnd.oci.image.manifest.v1+json",
	       "a string");
	is_str(json_get_str(json_get(m, "config"), "digest"), "sha256:abc", "a nested string");
	const struct json_value *layers = json_get(m, "layers");
	is_int(json_type(layers), JSON_ARRAY, "an array");
	is_int((long long)json_count(layers), 3, "of 3 items");
	ok(json_u64(json_get(json_item(layers, 1), "size"), &u) == 0 && u == 16724,
	   "an item's member");
	ok(json_count(json_item(layers, 2)) == 0 && json_type(json_item(layers, 2)) == JSON_ARRAY,
	   "an empty array");
	const struct json_value *a = json_get(m, "annotations");
	ok(json_type(json_get(a, "n")) == JSON_NULL && json_type(json_get(a, "t")) == JSON_TRUE &&
	       json_type(json_get(a, "f")) == JSON_FALSE,
	   "null, true, false");
	ok(json_item(m, 4) == a, "json_item of an object is its member");
	ok(json_type(json_get(a, "x")) == JSON_NUMBER && json_u64(json_get(a, "x"), &u) == -EINVAL,
	   "a number that is no u64");
	ok(json_get(m, "absent") == NULL && json_get(layers, "size") == NULL,
	   "json_get: an absent key, an array");
	ok(json_get_str(m, "schemaVersion") == NULL && json_str(layers) == NULL,
	   "json_str of no string is NULL");
	ok(json_key(layers, 0) == NULL, "an array has no keys");
	ok(json_type(NULL) == JSON_ABSENT && json_get(NULL, "a") == NULL &&
	       json_str(NULL) == NULL && json_count(NULL) == 0 && json_item(NULL, 0) == NULL &&
	       json_key(NULL, 0) == NULL && json_u64(NULL, &u) == -EINVAL &&
	       !json_is_string_array(NULL),
	   "every accessor takes NULL");
	char *s = written(m);
	is_str(s,
	       "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	       "\"config\":{\"digest\":\"sha256:abc\",\"size\":7023},"
	       "\"layers\":[{\"size\":32654},{\"size\":16724},[]],"
	       "\"annotations\":{\"n\":null,\"t\":true,\"f\":false,\"x\":-1.5e+10}}",
	       "written back compact, in order, numbers as written");
	free(s);
	json_free(m);
}

static void test_strings(void)
{
	struct json_value *v = parse_ok(
	    "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u20AC\\ud83d\\ude00\xc3\xa9\xf0\x9f\x98\x80\"",
	    "escapes and raw UTF-8");
	is_str(json_str(v),
	       "\"\\/\b\f\n\r\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9\xf0\x9f\x98\x80",
	       "unescaped, a surrogate pair as one code point in UTF-8");
	json_free(v);
	v = parse_ok("\"\\u007f\\u0080\\u07FF\\u0800\\uFFFF\\uDBFF\\uDFFF\"", "UTF-8's limits");
	is_str(json_str(v), "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf4\x8f\xbf\xbf",
	       "each encoded in as many bytes as it needs");
	json_free(v);
	is_written("\"e\\u001b[2J\\u0085/\\n\"", "\"e\\u001b[2J\\u0085/\\n\"",
		   "controls written as json_string does");
	is_written("{\"k\\\"\": [\"a\\t\"]}", "{\"k\\\"\":[\"a\\t\"]}", "keys escaped too");
	is_written("\"\"", "\"\"", "an empty string");
}

static void test_numbers(void)
{
	uint64_t u = 0;
	struct json_value *v = parse_ok("[18446744073709551615, 18446744073709551616, 0, 1.0, 1e3, "
					"-0, 0.5, -12.25E-3, 10]",
					"numbers");
	ok(json_u64(json_item(v, 0), &u) == 0 && u == UINT64_MAX, "json_u64: UINT64_MAX");
	u = 7;
	ok(json_u64(json_item(v, 1), &u) == -EINVAL && u == 7, "but not one more");
	ok(json_u64(json_item(v, 2), &u) == 0 && u == 0, "0");
	ok(json_u64(json_item(v, 3), &u) == -EINVAL, "not 1.0");
	ok(json_u64(json_item(v, 4), &u) == -EINVAL, "not 1e3");
	ok(json_u64(json_item(v, 5), &u) == -EINVAL, "not -0");
	ok(json_u64(json_item(v, 8), &u) == 0 && u == 10, "10");
	char *s = written(v);
	is_str(s, "[18446744073709551615,18446744073709551616,0,1.0,1e3,-0,0.5,-12.25E-3,10]",
	       "numbers written as they were");
	free(s);
	json_free(v);
	refused("01", "a leading zero");
	refused("[-01]", "a leading zero after '-'");
	refused("+1", "a '+'");
	refused(".5", "no integer part");
	refused("1.", "no digit after '.'");
	refused("1e", "no digit in the exponent");
	refused("1e+", "no digit after the exponent's sign");
	refused("-", "'-' alone");
	refused("0x10", "hexadecimal");
	refused("[NaN]", "NaN");
	is_why("[1, 00]", "at byte 4: a number with a leading zero");
}

/* depth arrays, one in another. */
static char *nested(size_t depth)
{
	char *s = malloc(depth * 2 + 1);
	if (!s)
		bail_out("malloc");
	memset(s, '[', depth);
	memset(s + depth, ']', depth);
	s[depth * 2] = '\0';
	return s;
}

static void test_depth(void)
{
	char *s = nested(JSON_MAX_DEPTH);
	json_free(parse_ok(s, "64 arrays deep"));
	free(s);
	s = nested(JSON_MAX_DEPTH + 1);
	refused(s, "65 arrays deep");
	is_why(s, "at byte 64: nested too deep");
	free(s);
	struct json_value *v = parse_ok("{\"a\":[{\"b\":[[]]}]}", "objects and arrays");
	ok(json_count(json_item(json_item(json_get(json_item(json_get(v, "a"), 0), "b"), 0), 0)) ==
	       0,
	   "reached down");
	json_free(v);
}

/* An object of n members "k0".."k(n-1)", and then one more key. */
static char *many_members(int n, const char *last)
{
	size_t size = (size_t)n * 16 + 64, off = 0;
	char *s = malloc(size);
	if (!s)
		bail_out("malloc");
	off += (size_t)snprintf(s, size, "{");
	for (int i = 0; i < n; i++)
		off += (size_t)snprintf(s + off, size - off, "\"k%d\":%d,", i, i);
	snprintf(s + off, size - off, "\"%s\":0}", last);
	return s;
}

static void test_keys(void)
{
	refused("{\"a\":1,\"b\":2,\"a\":3}", "a key twice");
	is_why("{\"a\":1,\"b\":2,\"a\":3}", "at byte 13: a key the object has already");
	refused("{\"\\u0061\":1,\"a\":2}", "a key twice, once escaped");
	json_free(parse_ok("{\"a\":{\"a\":1},\"b\":{\"a\":2}}", "one key in different objects"));
	char *s = many_members(100000, "last");
	struct json_value *v = parse_ok(s, "an object of 100001 members");
	uint64_t u = 0;
	ok(json_count(v) == 100001 && json_u64(json_get(v, "k99999"), &u) == 0 && u == 99999,
	   "all there");
	json_free(v);
	free(s);
	s = many_members(100000, "k50000");
	refused(s, "one key twice among 100001");
	free(s);
}

static void test_string_arrays(void)
{
	struct json_value *v = parse_ok("[[], [\"a\", \"b\"], [\"a\", 1], {}, \"a\"]", "arrays");
	ok(json_is_string_array(json_item(v, 0)), "[] is an array of strings");
	ok(json_is_string_array(json_item(v, 1)), "so is [\"a\", \"b\"]");
	ok(!json_is_string_array(json_item(v, 2)), "not [\"a\", 1]");
	ok(!json_is_string_array(json_item(v, 3)) && !json_is_string_array(json_item(v, 4)),
	   "nor an object, nor a string");
	json_free(v);
}

static void test_refusals(void)
{
	refused("[1,]", "a trailing comma in an array");
	refused("{\"a\":1,}", "a trailing comma in an object");
	refused("[1 2]", "no comma");
	refused("{\"a\" 1}", "no colon");
	is_why("{\"a\" 1}", "at byte 5: expected ':'");
	refused("{a:1}", "an unquoted key");
	refused("{1:1}", "a number as key");
	refused("['a']", "single quotes");
	refused("\"\\ud800\"", "a lone high surrogate escape");
	refused("\"\\udc00\"", "a lone low surrogate escape");
	refused("\"\\ud800\\u0041\"", "a high surrogate escape and no low one");
	refused("\"\\ud800\\ud800\"", "two high surrogate escapes");
	refused("\"\\u00e\"", "three hexadecimal digits");
	refused("\"\\x41\"", "an unknown escape");
	refused("\"a\x01z\"", "a raw control character in a string");
	refused("\"a\nz\"", "a raw newline in a string");
	refused("\"\xff\"", "an invalid UTF-8 byte");
	refused("\"\x80\"", "a lone continuation byte");
	refused("\"\xc3\"", "a truncated UTF-8 sequence");
	refused("\"\xe2\x82z\"", "a sequence cut short");
	refused("\"\xc0\xaf\"", "an overlong '/' in two bytes");
	refused("\"\xe0\x80\xaf\"", "an overlong '/' in three bytes");
	refused("\"\xf0\x80\x80\xaf\"", "an overlong '/' in four bytes");
	refused("\"\xed\xa0\x80\"", "a surrogate in UTF-8");
	refused("\"\xf4\x90\x80\x80\"", "past U+10FFFF");
	refused("[\xc3\xa9]", "UTF-8 outside a string");
	refused("\"\\u0000\"", "\\u0000");
	refused_n("\"a\0b\"", 5, "a raw NUL in a string");
	refused_n("[1]\0", 4, "a NUL after the value");
	refused("{} x", "text after the value");
	refused("1 2", "two values");
	refused("", "empty input");
	refused(" \n\t", "white space alone");
	refused("\f1", "a form feed as white space");
	refused("{\"a\":", "truncated after ':'");
	refused("[1", "truncated array");
	refused("{\"a\"", "truncated object");
	refused("\"abc", "an unterminated string");
	refused("\"abc\\\"", "one that ends in an escaped quote");
	refused("tru", "truncated true");
	refused("nul", "truncated null");
	refused("True", "True");
	refused("\"\\u12", "a truncated \\u escape");
	is_why("", "at byte 0: expected a value");
	is_why("[1] x", "at byte 4: text after the value");
	is_why("\"\\ud800x\"", "at byte 1: a high surrogate escape without a low one");
}

static void test_edges(void)
{
	struct json_value *v = NULL;
	ok(json_parse("[1]garbage", 3, &v, NULL, 0) == 0 && json_count(v) == 1,
	   "the length given is the end; no why needed");
	json_free(v);
	ok(json_parse("[", 1, &v, NULL, 0) == -EINVAL, "a failure without why");
	char why[8];
	ok(json_parse("[1,]", 4, &v, why, sizeof(why)) == -EINVAL && strlen(why) == 7,
	   "why is cut to its size");
	v = parse_ok(" 42 ", "a bare number");
	ok(json_type(v) == JSON_NUMBER, "of its type");
	json_free(v);
	is_written("[ true , false , null , \"s\" , 1 ]", "[true,false,null,\"s\",1]",
		   "white space dropped");
	json_free(NULL);
	char *s = written(NULL);
	is_str(s, "null", "NULL written as null");
	free(s);
}

int main(void)
{
	test_manifest();
	test_strings();
	test_numbers();
	test_depth();
	test_keys();
	test_string_arrays();
	test_refusals();
	test_edges();
	return done_testing();
}
