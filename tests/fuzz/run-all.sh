#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every fuzz target built in BUILD_DIR for SECONDS seconds each, from a
# copy of its seed corpus: what libFuzzer adds to a corpus is noise in the
# repository, so it only ever writes into a temporary directory.
#
#   tests/fuzz/run-all.sh BUILD_DIR SECONDS
#
# One line per target; exit status 1 when any target crashed. The logs and
# the crashing inputs of a failed run are kept, and their place printed.
set -eu

usage() {
	echo "usage: $0 BUILD_DIR SECONDS" >&2
	exit 2
}

[ "$#" -eq 2 ] || usage
build=$1
seconds=$2
case $seconds in
'' | *[!0-9]*) usage ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
fuzzdir=$build/tests/fuzz
if [ ! -d "$fuzzdir" ]; then
	echo "$0: no fuzz targets in '$build' (configure it with CC=clang -Dfuzz=true)" >&2
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/nschroot-fuzz.XXXXXX")
keep=false
cleanup() {
	if [ "$keep" = false ]; then
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The targets' own temporary trees go under $work too, so that a crash
# (which skips their cleanup) leaves nothing behind in /tmp.
mkdir "$work/tmp"
TMPDIR=$work/tmp
export TMPDIR
# Undefined behaviour is fatal in these builds already; a stack trace
# makes the report readable.
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export UBSAN_OPTIONS

found=0
failed=0
for exe in "$fuzzdir"/fuzz-*; do
	if [ ! -f "$exe" ] || [ ! -x "$exe" ]; then
		continue
	fi
	found=$((found + 1))
	name=${exe##*/fuzz-}
	out=$work/$name
	mkdir -p "$out/corpus" "$out/artifacts"
	if [ -d "$here/corpus/$name" ]; then
		cp "$here/corpus/$name"/* "$out/corpus/"
	fi
	if "$exe" -max_total_time="$seconds" -artifact_prefix="$out/artifacts/" \
		"$out/corpus" >"$out/log" 2>&1; then
		runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$out/log" | tail -n 1)
		echo "fuzz $name: ok (${runs:-?} runs)"
	else
		echo "fuzz $name: CRASH (see $out/log and $out/artifacts/)"
		failed=$((failed + 1))
		keep=true
	fi
done

if [ "$found" -eq 0 ]; then
	echo "$0: no fuzz targets in '$fuzzdir' (run ninja there first)" >&2
	exit 2
fi
[ "$failed" -eq 0 ]
