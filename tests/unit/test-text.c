// SPDX-License-Identifier: GPL-2.0-or-later
/* Untrusted text on a terminal: printable() for plain output, json_string()
 * and json_split() for JSON, both told by control_char_len(). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util/io.h"
#include "util/json.h"
#include "util/text.h"

/* What json_string (or json_split, with sep; or shell_quote, with sep
 * SHELL) writes for s. */
#define SHELL (-1)
static char *written_by(const char *s, int sep)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	if (!f)
		bail_out("open_memstream");
	if (sep == SHELL)
		shell_quote(f, s);
	else if (sep)
		json_split(f, s, (char)sep);
	else
		json_string(f, s);
	fclose(f);
	return buf;
}

static void is_printable(const char *in, const char *want, const char *what)
{
	char *s = strdup(in);
	is_str(printable(s), want, "printable: %s", what);
	free(s);
}

static void is_json(const char *in, char sep, const char *want, const char *what)
{
	char *s = written_by(in, sep);
	is_str(s, want, "json: %s", what);
	free(s);
}

/* The lines of text joined with '|', each followed by '$' when it had its
 * newline. */
static const char *lines_of(const char *text, char *buf, size_t size)
{
	const char *end = text + strlen(text), *line;
	size_t len, off = 0;
	buf[0] = '\0';
	for (const char *p = text; next_line(&p, end, &line, &len);)
		off += (size_t)snprintf(buf + off, size - off, "%s%.*s%s", off ? "|" : "", (int)len,
					line, line + len < end ? "$" : "");
	return buf;
}

static void test_next_line(void)
{
	char buf[128];
	is_str(lines_of("", buf, sizeof(buf)), "", "an empty buffer has no line");
	is_str(lines_of("\n", buf, sizeof(buf)), "$", "one empty line");
	is_str(lines_of("a\nb\n", buf, sizeof(buf)), "a$|b$", "a final newline starts no line");
	is_str(lines_of("a\n\nb", buf, sizeof(buf)), "a$|$|b",
	       "an empty line kept; the last needs no newline");
	const char text[] = "x\ny";
	const char *p = text, *line;
	size_t len;
	ok(next_line(&p, text + 1, &line, &len) && len == 1 && p == text + 1,
	   "the end given is the end, not the NUL");
	ok(!next_line(&p, text + 1, &line, &len), "and nothing past it");
	ok(is_blank(' ') && is_blank('\t') && !is_blank('\r') && !is_blank('x'),
	   "blanks: space and tab");
	ok(is_line_blank('\r') && is_line_blank(' ') && !is_line_blank('\n'),
	   "line blanks: and the CR of CRLF");
}

static void test_append_text(void)
{
	char buf[8];
	size_t off = 0;
	is_int(append_text(buf, sizeof(buf), &off, "%s", "abc"), 0, "append_text: what fits");
	is_int(append_text(buf, sizeof(buf), &off, "%d", 1234), 0, "appends");
	is_str(buf, "abc1234", "up to the last byte but the NUL");
	is_int(append_text(buf, sizeof(buf), &off, "x"), -ENOSPC, "one more does not fit");
	ok(off == 7, "and leaves the offset");
	off = 0;
	is_int(append_text(buf, 0, &off, "x"), -ENOSPC, "nothing fits in no room");
}

/* shell_quote: a word the user pastes back into a shell. */
static void is_quoted(const char *in, const char *want, const char *what)
{
	char *buf = written_by(in, SHELL);
	is_str(buf, want, "shell_quote: %s", what);
	free(buf);
}

static void test_shell_quote(void)
{
	is_quoted("--bind=/a/b:/c", "--bind=/a/b:/c", "a plain word as it is");
	is_quoted("", "''", "the empty word as ''");
	is_quoted("a b", "'a b'", "a space: single quotes");
	is_quoted("it's", "'it'\\''s'", "a quote: ended, escaped, started again");
	is_quoted("$HOME *", "'$HOME *'", "no expansion inside");
	is_quoted("\xc3\xa9t\xc3\xa9 x", "'\xc3\xa9t\xc3\xa9 x'", "UTF-8 as it is");
	is_quoted("a\nb\tc", "$'a\\nb\\tc'", "a newline: $'...' with \\n");
	is_quoted("e\033[2J'\\", "$'e\\x1b[2J\\'\\\\'", "ESC escaped, quote and backslash too");
	is_quoted("c\xc2\x9b"
		  "1m",
		  "$'c\\xc2\\x9b1m'", "a C1 control as its two bytes");
}

int main(void)
{
	test_next_line();
	test_append_text();
	test_shell_quote();
	is_int((long long)control_char_len("\033[2J"), 1, "ESC is one byte of control");
	is_int((long long)control_char_len("\x7f"), 1, "DEL is a control");
	is_int((long long)control_char_len("\xc2\x9b"
					   "2J"),
	       2, "U+009B (CSI) is two bytes of control");
	is_int((long long)control_char_len("\xc2\xa0"), 0, "U+00A0 is not a control");
	is_int((long long)control_char_len("\xc4\x9b"), 0, "U+011B (its second byte 9B) is not");
	is_int((long long)control_char_len(""), 0, "the end of the string is not");

	is_printable("debian", "debian", "plain text is kept");
	is_printable("evil\033[2J\033]0;title\007", "evil?[2J?]0;title?", "C0 controls become '?'");
	is_printable("a\xc2\x9b"
		     "1mb",
		     "a?1mb", "an encoded C1 control becomes one '?'");
	is_printable("\xc4\x9b\xc3\xa9", "\xc4\x9b\xc3\xa9", "other UTF-8 is kept whole");
	is_printable("line\nbreak\ttab\rcr", "line?break?tab?cr", "newline, tab and CR too");
	ok(printable(NULL) == NULL, "printable(NULL) is NULL");

	is_json("plain", 0, "\"plain\"", "plain text");
	is_json("q\"b\\", 0, "\"q\\\"b\\\\\"", "quote and backslash");
	is_json("a\nb\tc", 0, "\"a\\nb\\tc\"", "newline and tab");
	is_json("e\033[2J\x7f", 0, "\"e\\u001b[2J\\u007f\"", "ESC and DEL as \\u00XX");
	is_json("c\xc2\x9b"
		"1m",
		0, "\"c\\u009b1m\"", "a C1 control as \\u009b");
	is_json("\xc3\xa9", 0, "\"\xc3\xa9\"", "other UTF-8 as it is");
	char *null = written_by(NULL, 0);
	is_str(null, "null", "json: NULL is null");
	free(null);

	is_json("apt,dpkg", ',', "[\"apt\", \"dpkg\"]", "a list split at commas");
	is_json("hosts", ',', "[\"hosts\"]", "one item");
	is_json("", ',', "[]", "an empty list");
	is_json("a\033,b", ',', "[\"a\\u001b\", \"b\"]", "items are escaped");
	null = written_by(NULL, ',');
	is_str(null, "[]", "json: a NULL list is []");
	free(null);

	char *h = hidden_name("/a/b/file.tar");
	ok(h && strncmp(h, "/a/b/.file.tar.", 15) == 0 && strlen(h) == 21,
	   "hidden_name of DIR/BASE is DIR/.BASE.XXXXXX (%s)", h ? h : "NULL");
	free(h);
	h = hidden_name("box");
	ok(h && strncmp(h, ".box.", 5) == 0 && strlen(h) == 11,
	   "hidden_name of a name is .NAME.XXXXXX");
	free(h);
	return done_testing();
}
