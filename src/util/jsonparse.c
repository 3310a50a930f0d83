// SPDX-License-Identifier: GPL-2.0-or-later
#include "util/jsonparse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/json.h"

/* An object's key, and where it starts in the text: a key given twice is
 * found only once the whole object is read. */
struct json_key {
	char *text;
	size_t at;
};

struct json_value {
	enum json_type type;
	size_t n;
	/* A string's text, or a number's as written; NUL-terminated. */
	char *text;
	/* An array's n items, or an object's n values and their keys. */
	struct json_value *items;
	struct json_key *keys;
};

/* The literals, by type. */
static const char *const words[] = {
	[JSON_NULL] = "null",
	[JSON_FALSE] = "false",
	[JSON_TRUE] = "true",
};

struct parser {
	const char *s;
	size_t len, pos;
	unsigned depth;
	char *why;
	size_t whylen;
};

static int fail_at(struct parser *p, size_t at, const char *what)
{
	if (p->whylen)
		snprintf(p->why, p->whylen, "at byte %zu: %s", at, what);
	return -EINVAL;
}

static int fail(struct parser *p, const char *what)
{
	return fail_at(p, p->pos, what);
}

static int no_memory(struct parser *p)
{
	if (p->whylen)
		snprintf(p->why, p->whylen, "out of memory");
	return -ENOMEM;
}

/* The byte at pos, or -1 at the end of the text. */
static int next_byte(const struct parser *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

/* The next byte after white space (RFC 8259's four characters). */
static int peek(struct parser *p)
{
	int c;
	while ((c = next_byte(p)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		p->pos++;
	return c;
}

static bool eat(struct parser *p, char c)
{
	if (peek(p) != c)
		return false;
	p->pos++;
	return true;
}

static bool eat_word(struct parser *p, const char *w)
{
	size_t n = strlen(w);
	if (p->len - p->pos < n || memcmp(p->s + p->pos, w, n) != 0)
		return false;
	p->pos += n;
	return true;
}

static size_t eat_digits(struct parser *p)
{
	size_t start = p->pos;
	int c;
	while ((c = next_byte(p)) >= '0' && c <= '9')
		p->pos++;
	return p->pos - start;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, kept as written. */
static int parse_number(struct parser *p, struct json_value *v)
{
	size_t start = p->pos;
	if (next_byte(p) == '-')
		p->pos++;
	size_t at = p->pos, n = eat_digits(p);
	if (n == 0)
		return fail(p, "expected a digit");
	if (n > 1 && p->s[at] == '0')
		return fail_at(p, at, "a number with a leading zero");
	if (next_byte(p) == '.') {
		p->pos++;
		if (!eat_digits(p))
			return fail(p, "expected a digit");
	}
	if (next_byte(p) == 'e' || next_byte(p) == 'E') {
		p->pos++;
		if (next_byte(p) == '+' || next_byte(p) == '-')
			p->pos++;
		if (!eat_digits(p))
			return fail(p, "expected a digit");
	}
	v->type = JSON_NUMBER;
	v->text = strndup(p->s + start, p->pos - start);
	return v->text ? 0 : no_memory(p);
}

/* The 4 hexadecimal digits at s as a number, or -1. */
static long hex4(const char *s)
{
	long cp = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return -1;
		cp = cp * 16 + d;
	}
	return cp;
}

/* Append the code point cp to *out in UTF-8. */
static void put_utf8(char **out, uint32_t cp)
{
	static const unsigned char lead[] = { 0, 0, 0xc0, 0xe0, 0xf0 };
	int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	unsigned char *o = (unsigned char *)*out;
	for (int i = n - 1; i > 0; i--, cp >>= 6)
		o[i] = (unsigned char)(0x80 | (cp & 0x3f));
	o[0] = (unsigned char)(lead[n] | cp);
	*out += n;
}

/* The \uXXXX escape at pos, or the surrogate pair of two, before the
 * string's end: its code point appended to *out in UTF-8. */
static int unicode_escape(struct parser *p, size_t end, char **out)
{
	size_t at = p->pos;
	long cp = end - at >= 6 ? hex4(p->s + at + 2) : -1;
	if (cp < 0)
		return fail(p, "expected four hexadecimal digits after \\u");
	p->pos += 6;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail_at(p, at, "a low surrogate escape without a high one");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		const char *s = p->s + p->pos;
		long lo = end - p->pos >= 6 && s[0] == '\\' && s[1] == 'u' ? hex4(s + 2) : -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail_at(p, at, "a high surrogate escape without a low one");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		p->pos += 6;
	}
	if (cp == 0)
		return fail_at(p, at, "\\u0000 in a string");
	put_utf8(out, (uint32_t)cp);
	return 0;
}

/* The escape at pos (its backslash), appended to *out. */
static int escape(struct parser *p, size_t end, char **out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	int c = p->pos + 1 < end ? (unsigned char)p->s[p->pos + 1] : 0;
	if (c == 'u')
		return unicode_escape(p, end, out);
	const char *e = c ? strchr(from, c) : NULL;
	if (!e)
		return fail(p, "an unknown escape");
	*(*out)++ = to[e - from];
	p->pos += 2;
	return 0;
}

/* The length of the UTF-8 sequence of two to four bytes at s (of avail
 * bytes), or 0 when it is none: RFC 3629's table, which leaves out the
 * overlong forms, the surrogates and what lies past U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		lo = s[0] == 0xe0 ? 0xa0 : 0x80;
		hi = s[0] == 0xed ? 0x9f : 0xbf;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		lo = s[0] == 0xf0 ? 0x90 : 0x80;
		hi = s[0] == 0xf4 ? 0x8f : 0xbf;
	} else {
		return 0;
	}
	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* Where the string whose text starts at from ends: the offset of its
 * closing quote, or len. */
static size_t string_end(const struct parser *p, size_t from)
{
	for (size_t i = from; i < p->len; i++) {
		if (p->s[i] == '"')
			return i;
		if (p->s[i] == '\\')
			i++;
	}
	return p->len;
}

/* The string at pos (its opening quote), unescaped, in *out. Unescaped,
 * a string is never longer than as written. */
static int parse_string(struct parser *p, char **out)
{
	size_t at = p->pos++, end = string_end(p, p->pos);
	if (end == p->len)
		return fail_at(p, at, "a string without its closing quote");
	_cleanup_free_ char *buf = malloc(end - p->pos + 1);
	if (!buf)
		return no_memory(p);
	char *o = buf;
	while (p->pos < end) {
		const unsigned char *s = (const unsigned char *)p->s + p->pos;
		size_t n = 1;
		if (*s == '\\') {
			int r = escape(p, end, &o);
			if (r < 0)
				return r;
			continue;
		}
		if (*s < 0x20)
			return fail(p, "a control character in a string");
		if (*s >= 0x80 && !(n = utf8_len(s, end - p->pos)))
			return fail(p, "invalid UTF-8");
		memcpy(o, s, n);
		o += n;
		p->pos += n;
	}
	*o = '\0';
	p->pos++;
	*out = steal_pointer(&buf);
	return 0;
}

/* NOLINTNEXTLINE(misc-no-recursion): one level per nesting, JSON_MAX_DEPTH at most */
static void json_clear(struct json_value *v)
{
	for (size_t i = 0; i < v->n; i++) {
		json_clear(&v->items[i]);
		if (v->keys)
			free(v->keys[i].text);
	}
	free(v->items);
	free(v->keys);
	free(v->text);
}

/* Room for item n of an array, or member n of an object. */
static int grow(struct json_value *v, size_t *cap)
{
	if (v->n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 4;
	struct json_value *items = reallocarray(v->items, c, sizeof(*items));
	if (!items)
		return -ENOMEM;
	v->items = items;
	if (v->type == JSON_OBJECT) {
		struct json_key *keys = reallocarray(v->keys, c, sizeof(*keys));
		if (!keys)
			return -ENOMEM;
		v->keys = keys;
	}
	*cap = c;
	return 0;
}

static int compare_keys(const void *a, const void *b)
{
	const struct json_key *x = a, *y = b;
	int r = strcmp(x->text, y->text);
	return r ? r : (x->at > y->at) - (x->at < y->at);
}

/* Sorted, equal keys are neighbours: an object of many members is
 * checked in n log n. The copy sorted shares the keys' text. */
static int check_unique_keys(struct parser *p, const struct json_value *v)
{
	if (v->n < 2)
		return 0;
	_cleanup_free_ struct json_key *sorted = reallocarray(NULL, v->n, sizeof(*sorted));
	if (!sorted)
		return no_memory(p);
	memcpy(sorted, v->keys, v->n * sizeof(*sorted));
	qsort(sorted, v->n, sizeof(*sorted), compare_keys);
	for (size_t i = 1; i < v->n; i++)
		if (strcmp(sorted[i - 1].text, sorted[i].text) == 0)
			return fail_at(p, sorted[i].at, "a key the object has already");
	return 0;
}

static int parse_value(struct parser *p, struct json_value *v);

/* An array or an object, at pos; *v holds what was read when it fails. */
/* NOLINTNEXTLINE(misc-no-recursion): one level per nesting, JSON_MAX_DEPTH at most */
static int parse_container(struct parser *p, struct json_value *v)
{
	bool object = p->s[p->pos++] == '{';
	const char close = object ? '}' : ']';
	size_t cap = 0;
	v->type = object ? JSON_OBJECT : JSON_ARRAY;
	if (eat(p, close))
		return 0;
	do {
		_cleanup_free_ char *key = NULL;
		int r = grow(v, &cap);
		if (r < 0)
			return no_memory(p);
		struct json_value *item = &v->items[v->n];
		*item = (struct json_value){ 0 };
		if (object) {
			if (peek(p) != '"')
				return fail(p, "expected a key");
			v->keys[v->n].at = p->pos;
			if ((r = parse_string(p, &key)) < 0)
				return r;
			if (!eat(p, ':'))
				return fail(p, "expected ':'");
		}
		if ((r = parse_value(p, item)) < 0) {
			json_clear(item);
			return r;
		}
		if (object)
			v->keys[v->n].text = steal_pointer(&key);
		v->n++;
	} while (eat(p, ','));
	if (!eat(p, close))
		return fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
	return object ? check_unique_keys(p, v) : 0;
}

/* The value at pos, after white space. */
/* NOLINTNEXTLINE(misc-no-recursion): one level per nesting, JSON_MAX_DEPTH at most */
static int parse_value(struct parser *p, struct json_value *v)
{
	int c = peek(p);
	if (c == '[' || c == '{') {
		if (p->depth == JSON_MAX_DEPTH)
			return fail(p, "nested too deep");
		p->depth++;
		int r = parse_container(p, v);
		p->depth--;
		return r;
	}
	if (c == '"') {
		v->type = JSON_STRING;
		return parse_string(p, &v->text);
	}
	if (c == '-' || (c >= '0' && c <= '9'))
		return parse_number(p, v);
	for (enum json_type t = JSON_NULL; t <= JSON_TRUE; t++)
		if (eat_word(p, words[t])) {
			v->type = t;
			return 0;
		}
	return fail(p, "expected a value");
}

/* NOLINTNEXTLINE(readability-non-const-parameter): written through p.why */
int json_parse(const char *text, size_t len, struct json_value **out, char *why, size_t whylen)
{
	struct parser p = { .s = text, .len = len, .why = why, .whylen = why ? whylen : 0 };
	struct json_value *v = calloc(1, sizeof(*v));
	if (!v)
		return no_memory(&p);
	int r = parse_value(&p, v);
	if (r == 0 && peek(&p) != -1)
		r = fail(&p, "text after the value");
	if (r < 0) {
		json_free(v);
		return r;
	}
	*out = v;
	return 0;
}

void json_free(struct json_value *v)
{
	if (!v)
		return;
	json_clear(v);
	free(v);
}

enum json_type json_type(const struct json_value *v)
{
	return v ? v->type : JSON_ABSENT;
}

const struct json_value *json_get(const struct json_value *v, const char *key)
{
	if (json_type(v) != JSON_OBJECT || !key)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->keys[i].text, key) == 0)
			return &v->items[i];
	return NULL;
}

const char *json_str(const struct json_value *v)
{
	return json_type(v) == JSON_STRING ? v->text : NULL;
}

const char *json_get_str(const struct json_value *v, const char *key)
{
	return json_str(json_get(v, key));
}

size_t json_count(const struct json_value *v)
{
	enum json_type t = json_type(v);
	return t == JSON_ARRAY || t == JSON_OBJECT ? v->n : 0;
}

const struct json_value *json_item(const struct json_value *v, size_t i)
{
	return i < json_count(v) ? &v->items[i] : NULL;
}

const char *json_key(const struct json_value *v, size_t i)
{
	return json_type(v) == JSON_OBJECT && i < v->n ? v->keys[i].text : NULL;
}

int json_u64(const struct json_value *v, uint64_t *out)
{
	if (json_type(v) != JSON_NUMBER)
		return -EINVAL;
	uint64_t n = 0;
	for (const char *s = v->text; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		unsigned d = (unsigned)(*s - '0');
		if (n > (UINT64_MAX - d) / 10)
			return -EINVAL;
		n = n * 10 + d;
	}
	*out = n;
	return 0;
}

bool json_is_string_array(const struct json_value *v)
{
	if (json_type(v) != JSON_ARRAY)
		return false;
	for (size_t i = 0; i < v->n; i++)
		if (v->items[i].type != JSON_STRING)
			return false;
	return true;
}

/* NOLINTNEXTLINE(misc-no-recursion): one level per nesting, JSON_MAX_DEPTH at most */
void json_write(FILE *f, const struct json_value *v)
{
	enum json_type t = json_type(v);
	if (t <= JSON_TRUE) {
		fputs(words[t == JSON_ABSENT ? JSON_NULL : t], f);
		return;
	}
	if (t == JSON_NUMBER) {
		fputs(v->text, f);
		return;
	}
	if (t == JSON_STRING) {
		json_string(f, v->text);
		return;
	}
	bool object = v->type == JSON_OBJECT;
	fputc(object ? '{' : '[', f);
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			fputc(',', f);
		if (object) {
			json_string(f, v->keys[i].text);
			fputc(':', f);
		}
		json_write(f, &v->items[i]);
	}
	fputc(object ? '}' : ']', f);
}
