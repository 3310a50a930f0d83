#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The command's environment: clean and predictable, from the inside
# /etc/passwd, a fixed PATH, the locale/terminal/proxy variables passed
# through; -e, --unsetenv, --keep-env in command-line order.
. "$(dirname "$0")/../lib.sh"
require_userns
plan 45

root=$TMP/root
make_busybox_rootfs "$root"

# The caller's environment, exactly: what passes through, what must not,
# and a HOME/USER/PATH/SHELL/PWD the box must replace.
as_caller() {
	env -i HOME=/home/caller USER=caller LOGNAME=caller SHELL=/bin/bash PWD=/caller \
		PATH=/usr/bin:/bin TERM=xterm-test COLORTERM=truecolor LANG=C.UTF-8 LANGUAGE=en \
		LC_ALL=C LC_MESSAGES=POSIX TZ=Europe/Paris http_proxy=http://proxy.example:3128 \
		https_proxy=http://proxy.example:3129 NO_PROXY=localhost,.example \
		SECRET=1 LD_PRELOAD=/nonexistent.so SSH_AUTH_SOCK=x TERM_PROGRAM=x XLANG=x \
		container=docker "$@"
}
# cenv ARGS...: nschroot run ARGS with that caller environment; ld.so's
# complaint about LD_PRELOAD goes to $TMP/err.
cenv() { as_caller "$NSCHROOT" run "$@" </dev/null 2>"$TMP/err"; }
# The variables a shell adds by itself are not nschroot's.
sorted() { grep -Ev '^(PWD|OLDPWD|SHLVL|_)=' | LC_ALL=C sort; }

expected='COLORTERM=truecolor
HOME=/root
LANG=C.UTF-8
LANGUAGE=en
LC_ALL=C
LC_MESSAGES=POSIX
LOGNAME=root
NO_PROXY=localhost,.example
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
SHELL=/bin/sh
TERM=xterm-test
TZ=Europe/Paris
USER=root
container=nschroot
http_proxy=http://proxy.example:3128
https_proxy=http://proxy.example:3129'

# --- The clean environment -----------------------------------------------
out=$(cenv "$root" env)
assert_eq "env, run directly, is exactly the clean environment" "$expected" \
	"$(printf '%s\n' "$out" | LC_ALL=C sort)"
assert_eq "as seen from a shell too" "$expected" "$(cenv "$root" sh -c env | sorted)"
assert_eq "and from the login shell" "$expected" "$(echo env | as_caller "$NSCHROOT" run "$root" 2>/dev/null | sorted)"
for v in SECRET LD_PRELOAD SSH_AUTH_SOCK TERM_PROGRAM XLANG; do
	assert_no_match "$v does not pass" "^$v=" "$out"
done
assert_match "container=nschroot replaces the caller's" '^container=nschroot$' "$out"
assert_no_match "the caller's PWD does not pass" '^PWD=' "$out"

out=$(cenv --uid 1000 "$root" env)
assert_eq "--uid 1000: HOME, USER, LOGNAME, SHELL of user" "HOME=/home/user
LOGNAME=user
SHELL=/bin/sh
USER=user" "$(printf '%s\n' "$out" | grep -E '^(HOME|USER|LOGNAME|SHELL)=' | LC_ALL=C sort)"
assert_eq "--uid user by name: the same" "HOME=/home/user USER=user" \
	"$(cenv --uid user "$root" sh -c 'echo HOME=$HOME USER=$USER')"

# --- -e, --unsetenv ------------------------------------------------------
out=$(cenv -e FOO=bar "$root" env)
assert_match "-e NAME=VALUE sets" '^FOO=bar$' "$out"
assert_match "-e NAME=VALUE keeps the clean rest" '^HOME=/root$' "$out"
assert_match "-e VALUE may hold '='" '^A=b=c$' "$(cenv -e A=b=c "$root" env)"
assert_match "-e NAME= sets an empty value" '^EMPTY=$' "$(cenv -e EMPTY= "$root" env)"
assert_match "-e NAME copies from the caller" '^FOO=from-caller$' \
	"$(as_caller FOO=from-caller "$NSCHROOT" run -e FOO "$root" env 2>/dev/null </dev/null)"
assert_match "-e NAME copies what would not pass through" '^SECRET=1$' "$(cenv -e SECRET "$root" env)"
out=$(cenv -e MISSING "$root" env)
st=$?
assert_eq "-e NAME the caller lacks is not an error" 0 "$st"
assert_no_match "and sets nothing" '^MISSING' "$out"
assert_no_match "--unsetenv removes a passed-through one" '^TERM=' "$(cenv --unsetenv TERM "$root" env)"
assert_no_match "--unsetenv removes one of the clean set" '^USER=' "$(cenv --unsetenv USER "$root" env)"
assert_status "--unsetenv of an unset name is not an error" 0 cenv --unsetenv NOT_SET "$root" true
assert_match "-e overrides the passwd HOME" '^HOME=/elsewhere$' "$(cenv -e HOME=/elsewhere "$root" env)"
# Two commands of one name: the inside PATH's order picks one.
mkdir -p "$root/usr/local/bin"
printf '#!/bin/sh\necho %s\n' local > "$root/usr/local/bin/which-path"
printf '#!/bin/sh\necho %s\n' bin > "$root/bin/which-path"
chmod 755 "$root/usr/local/bin/which-path" "$root/bin/which-path"
assert_eq "the command is looked up in the inside PATH" local "$(cenv "$root" which-path)"
assert_eq "-e PATH is the PATH the command is looked up in" bin "$(cenv -e PATH=/bin "$root" which-path)"
assert_status "a PATH without the command: 127" 127 cenv -e PATH=/nowhere "$root" env

# Command-line order: the later option wins.
assert_match "-e A=1 -e A=2: A=2" '^A=2$' "$(cenv -e A=1 -e A=2 "$root" env)"
assert_no_match "-e A=1 --unsetenv A: unset" '^A=' "$(cenv -e A=1 --unsetenv A "$root" env)"
assert_match "--unsetenv A -e A=3: A=3" '^A=3$' "$(cenv --unsetenv A -e A=3 "$root" env)"
assert_no_match "-e TERM=x --unsetenv TERM: unset" '^TERM=' "$(cenv -e TERM=x --unsetenv TERM "$root" env)"
assert_match "--unsetenv TERM -e TERM: the caller's again" '^TERM=xterm-test$' \
	"$(cenv --unsetenv TERM -e TERM "$root" env)"
assert_match "-e TERM=x after the pass-through: x" '^TERM=x$' "$(cenv -e TERM=x "$root" env)"

# --- --keep-env ----------------------------------------------------------
out=$(cenv --keep-env "$root" env)
assert_match "--keep-env passes everything: SECRET" '^SECRET=1$' "$out"
assert_match "--keep-env passes everything: SSH_AUTH_SOCK" '^SSH_AUTH_SOCK=x$' "$out"
missing=$(as_caller env 2>/dev/null | grep -Ev '^(container|HOME|SHELL|USER|LOGNAME)=' |
	while IFS= read -r line; do
		printf '%s\n' "$out" | grep -qxF -- "$line" || printf '%s\n' "$line"
	done)
assert_eq "--keep-env: every caller variable but who the user is passes unchanged" "" "$missing"
assert_eq "--keep-env: HOME is still the inside user's, where the command starts" "/root /root" \
	"$(cenv --keep-env "$root" sh -c 'echo $HOME $PWD')"
assert_match "--keep-env still sets container=nschroot" '^container=nschroot$' "$out"
assert_no_match "--keep-env --unsetenv SECRET: unset" '^SECRET=' "$(cenv --keep-env --unsetenv SECRET "$root" env)"

# --- Usage errors --------------------------------------------------------
err=$("$NSCHROOT" run -e =x "$root" true 2>&1 </dev/null)
st=$?
assert_eq "-e with an empty name: 125" 125 "$st"
assert_eq "-e with an empty name: one line and the --help pointer" \
	"nschroot: invalid --env '=x': the variable name is empty
Try 'nschroot help run'." "$err"
assert_status "--unsetenv NAME=VALUE: 125" 125 nsrun run --unsetenv A=b "$root" true

# --- A rootfs without /etc/passwd ----------------------------------------
bare=$TMP/bare
make_busybox_rootfs "$bare"
rm "$bare/etc/passwd"
out=$(cenv "$bare" env)
st=$?
assert_eq "without /etc/passwd the command still runs" 0 "$st"
assert_eq "without /etc/passwd: HOME=/ SHELL=/bin/sh, no USER or LOGNAME" "HOME=/
SHELL=/bin/sh" "$(printf '%s\n' "$out" | grep -E '^(HOME|SHELL|USER|LOGNAME)=' | LC_ALL=C sort)"
assert_eq "without /etc/passwd the working directory is /" / "$(cenv "$bare" pwd)"
done_testing
