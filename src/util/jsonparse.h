/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * A JSON reader (RFC 8259) for what others wrote: container images'
 * index, manifest and config, and the image settings box.conf keeps.
 * Strict, since the text may be hostile and two readers of one text must
 * not disagree: the input is UTF-8 throughout (no overlong forms, no
 * surrogates, escapes included: a lone \uD800 is refused), a string never
 * holds U+0000, an object never holds one key twice, nesting is at most
 * JSON_MAX_DEPTH deep, and nothing but white space follows the value.
 */
#define JSON_MAX_DEPTH 64

enum json_type {
	JSON_ABSENT, /* what the accessors give for a NULL value */
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_value;

/* Parse the len bytes at text (no terminating NUL needed). 0 with *out
 * set (free it with json_free), -EINVAL with why saying where and what
 * ("at byte 17: expected ':'"), or -ENOMEM. */
int json_parse(const char *text, size_t len, struct json_value **out, char *why, size_t whylen);

void json_free(struct json_value *v);

static inline void json_freep(struct json_value **v)
{
	json_free(*v);
}
#define _cleanup_json_ __attribute__((cleanup(json_freep)))

/* Every accessor takes NULL (and gives JSON_ABSENT, NULL or 0). */
enum json_type json_type(const struct json_value *v);

/* An object's member by key, or NULL: absent, or v is no object. */
const struct json_value *json_get(const struct json_value *v, const char *key);

/* A string's text (NUL-terminated, no NUL inside), or NULL: not a string. */
const char *json_str(const struct json_value *v);

/* json_str(json_get(v, key)). */
const char *json_get_str(const struct json_value *v, const char *key);

/* The number of an array's items or an object's members; 0 otherwise. */
size_t json_count(const struct json_value *v);

/* An array's item i, or an object's member i (in the text's order), or
 * NULL when out of range. */
const struct json_value *json_item(const struct json_value *v, size_t i);

/* An object's key i, or NULL. */
const char *json_key(const struct json_value *v, size_t i);

/* A number written as a non-negative integer (no fraction, no exponent,
 * no sign) no larger than UINT64_MAX: 0 with *out set, else -EINVAL. */
int json_u64(const struct json_value *v, uint64_t *out);

/* Whether v is an array of strings (an empty one included). */
bool json_is_string_array(const struct json_value *v);

/* v written back as compact JSON (no white space), on one line: strings
 * escaped as json_string() does (util/json.h), numbers as written. */
void json_write(FILE *f, const struct json_value *v);
