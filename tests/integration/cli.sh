#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The command line: help, version, usage errors, TARGET classification.
. "$(dirname "$0")/../lib.sh"
plan 33

out=$("$NSCHROOT" --help)
assert_status "--help exits 0" 0 "$NSCHROOT" --help
assert_match "--help lists run and enter" '^  run .*TARGET' "$out"
out=$("$NSCHROOT" -V)
assert_match "--version prints the version" '^nschroot [0-9]+\.[0-9]+\.[0-9]+$' "$out"
assert_eq "help run is run --help" "$("$NSCHROOT" help run)" "$("$NSCHROOT" run --help)"
assert_eq "help enter is enter --help" "$("$NSCHROOT" help enter)" "$("$NSCHROOT" enter --help)"
assert_match "help run shows the run options" '--ro-bind SRC\[:DEST\]' "$("$NSCHROOT" help run)"
width=$("$NSCHROOT" help run | awk '{ if (length($0) > m) m = length($0) } END { print m }')
check "help fits 80 columns ($width)" test "$width" -le 80

err=$("$NSCHROOT" 2>&1 >/dev/null)
assert_status "no command: 125" 125 "$NSCHROOT"
assert_eq "no command: a message and the --help pointer" "nschroot: missing command
Try 'nschroot --help'." "$err"
err=$("$NSCHROOT" --frobnicate 2>&1)
assert_eq "an unknown option of nschroot itself: the --help pointer" "nschroot: unknown option '--frobnicate'
Try 'nschroot --help'." "$err"

# A subcommand's usage error points at that subcommand's help, which exists.
err=$("$NSCHROOT" list --frobnicate 2>&1)
assert_eq "list: an unknown option points at 'nschroot help list'" "nschroot: list: unknown option '--frobnicate'
Try 'nschroot help list'." "$err"
err=$("$NSCHROOT" create onlyname 2>&1)
assert_eq "create: a missing SOURCE points at 'nschroot help create'" "nschroot: create: expected NAME and SOURCE
Try 'nschroot help create'." "$err"
err=$("$NSCHROOT" rm 2>&1)
assert_match "rm: a missing NAME points at 'nschroot help rm'" "^Try 'nschroot help rm'\.$" "$err"
err=$("$NSCHROOT" export --compress=bzip2 a b 2>&1)
assert_match "export: a bad --compress points at 'nschroot help export'" "^Try 'nschroot help export'\.$" "$err"
err=$("$NSCHROOT" info 2>&1)
assert_match "info: a missing NAME points at 'nschroot help info'" "^Try 'nschroot help info'\.$" "$err"
err=$("$NSCHROOT" run --map=sideways / true 2>&1)
assert_match "run: a bad --map points at 'nschroot help run'" "^Try 'nschroot help run'\.$" "$err"
assert_status "the pointer works: nschroot help list exits 0" 0 "$NSCHROOT" help list
err=$("$NSCHROOT" help frobnicate 2>&1)
assert_match "help's own usage error points at --help, not at 'help help'" "^Try 'nschroot --help'\.$" "$err"
err=$("$NSCHROOT" frobnicate 2>&1)
assert_status "an unknown command: 125" 125 "$NSCHROOT" frobnicate
assert_match "an unknown command is named" "^nschroot: unknown command 'frobnicate'" "$err"
assert_status "help for an unknown command: 125" 125 "$NSCHROOT" help frobnicate
assert_status "an unknown option of run: 125" 125 "$NSCHROOT" run --frobnicate /
err=$("$NSCHROOT" run 2>&1)
assert_match "run without TARGET says so" "^nschroot: run: missing TARGET" "$err"
err=$("$NSCHROOT" run --map=sideways / 2>&1)
assert_match "a bad --map value lists the choices" "invalid --map 'sideways': expected root, user, auto or keep-id" "$err"
err=$("$NSCHROOT" run --bind relative / true 2>&1)
assert_match "a relative --bind source needs a destination" "needs an explicit destination" "$err"
err=$("$NSCHROOT" run --tmpfs /a/../b / true 2>&1)
assert_match "a destination with '..' is refused" "may not contain '\.\.'" "$err"

# A TARGET without '/' is a box name, looked up in the store.
mkdir -p "$TMP/store/boxes"
err=$(NSCHROOT_HOME=$TMP/store "$NSCHROOT" run nobox true 2>&1)
assert_match "an unknown box name is named, with the path hint" \
	"^nschroot: no box named 'nobox' \(to use a directory, write './nobox'\)" "$err"
err=$(NSCHROOT_HOME=$TMP/store "$NSCHROOT" run -- '-bad' true 2>&1)
assert_match "an invalid box name is refused" "invalid box name '-bad'" "$err"
err=$("$NSCHROOT" run "$TMP/missing" true 2>&1)
assert_status "a missing directory: 125" 125 "$NSCHROOT" run "$TMP/missing" true
assert_match "a missing directory is named with the reason" \
	"cannot use '$TMP/missing' as a root filesystem: No such file or directory" "$err"
err=$("$NSCHROOT" run --preserve-fd 77 / true 2>&1)
assert_match "--preserve-fd of a closed descriptor is refused" "77: not an open file descriptor" "$err"

# The start-up path loads no archive or compression code (DESIGN.md, "The
# start-up path"): nschroot neither needs those libraries (a dynamic
# build) nor holds their code (a static one); its helper does.
assert_eq "nschroot needs no archive or compression library" "" \
	"$(readelf -d "$NSCHROOT" | grep NEEDED | grep -E 'lib(archive|isal|z|lzma|zstd|nettle)\.')"
syms=$(nm "$NSCHROOT" 2>&1)
assert_match "nschroot has its symbols, none of libarchive's or ISA-L's" "^ok$" \
	"$(printf '%s\n' "$syms" | grep -q ' main$' && ! printf '%s\n' "$syms" | grep -Eq ' (archive_read_new|isal_inflate|isal_deflate)$' && echo ok)"
done_testing
