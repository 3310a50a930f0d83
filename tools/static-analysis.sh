#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools/static-analysis.sh: the checks CI runs besides the test suite, in
# one place, so that "clean" means the same thing on every machine:
#   build-gcc, build-clang  the build with -Werror under both compilers;
#   cppcheck                src/, tools/, tests/unit/, tests/helpers/;
#   clang-tidy              src/, with the checked-in .clang-tidy;
#   valgrind                every unit test, no memory error, no leak;
#   clang-format            every C file as the checked-in .clang-format
#                           lays it out (STYLE.md 11);
#   layers                  the include rules of docs/ARCHITECTURE.md
#                           (tools/check-layers.sh).
# Run from the source root:
#     sh tools/static-analysis.sh [WORKDIR]
# WORKDIR holds the two build directories and the logs; without it a
# temporary directory is used and removed at exit. Prints one line per step,
# "static-analysis STEP: ok" or "... FAILED" (after that step's log), and
# exits non-zero when any step failed. Needs gcc, clang, clang-tidy,
# cppcheck, valgrind and clang-format (Debian: the packages of the same
# names).

# shellcheck disable=SC2317 # the step_ functions are called by run_step
set -eu

if [ ! -f meson.build ] || [ ! -f src/main.c ]; then
	echo "static-analysis: run from the source root: sh tools/static-analysis.sh [WORKDIR]" >&2
	exit 2
fi

if [ $# -gt 0 ]; then
	work=$1
	mkdir -p "$work"
else
	work=$(mktemp -d /tmp/nschroot-static-analysis.XXXXXX)
	trap 'rm -rf "$work"' EXIT
	# A signal ends the script through exit, so that the trap above runs.
	trap 'exit 130' HUP INT TERM
fi
# Absolute, so that it means the same inside ninja -C and clang-tidy -p.
work=$(cd "$work" && pwd)
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
failed=0
gcc_built=0

# Run step NAME, the function FUNC, its output in WORKDIR/NAME.log, shown
# only when it fails. The steps check every command's status themselves:
# set -e does not apply in a function called as a condition.
run_step() {
	if "$2" >"$work/$1.log" 2>&1; then
		echo "static-analysis $1: ok"
	else
		cat "$work/$1.log"
		echo "static-analysis $1: FAILED"
		failed=1
	fi
}

# Configure (or, in a reused WORKDIR, reconfigure) and build with $1 as CC.
# debugoptimized (the project's default) also runs gcc's flow-based
# warnings, such as -Wmaybe-uninitialized, that -O0 would not.
build_with() {
	if [ -f "$work/$1/build.ninja" ]; then
		CC=$1 meson setup --reconfigure -Dwerror=true "$work/$1" || return 1
	else
		CC=$1 meson setup -Dwerror=true "$work/$1" || return 1
	fi
	ninja -C "$work/$1"
}

step_build_gcc() {
	build_with gcc && gcc_built=1
}

step_build_clang() {
	build_with clang
}

# The files of the gcc build's compile_commands.json, with its defines and
# include paths. cppcheck does not read the system headers
# (missingIncludeSystem), so it would not see that <stdnoreturn.h> makes
# noreturn an attribute: without the -D it takes die() for a function that
# returns and reports every "if (!p) die(...)" before a use of p.
step_cppcheck() {
	cppcheck --project="$work/gcc/compile_commands.json" \
		--enable=warning,style,performance,portability \
		--error-exitcode=1 --inline-suppr --suppress=missingIncludeSystem \
		'-Dnoreturn=__attribute__((noreturn))' \
		--template=gcc --quiet -j "$jobs"
}

# One clang-tidy process per file: clang-tidy 14 given several files keeps
# state from one to the next (va_start goes unrecognised after the first
# file, so every va_list reads as uninitialised). For the same reason each
# file is given one compile command: nschroot-guest compiles some of
# util/ again (static, unsanitized), and clang-tidy would run both.
step_clang_tidy() {
	mkdir -p "$work/tidy-db"
	python3 - "$work/clang/compile_commands.json" "$work/tidy-db/compile_commands.json" <<'PY' || return 1
import json, sys
seen, kept = set(), []
for entry in json.load(open(sys.argv[1])):
    if entry["file"] not in seen:
        seen.add(entry["file"])
        kept.append(entry)
json.dump(kept, open(sys.argv[2], "w"))
PY
	find src -name '*.c' | sort |
		xargs -n 1 -P "$jobs" "${CLANG_TIDY:-clang-tidy}" -p "$work/tidy-db" --quiet
}

# The unit tests skip, on their own, what valgrind cannot run: valgrind
# 3.19 does not know openat2, so test-resolve skips entirely and
# test-fixups its rootfs part. NSCHROOT_TEST_MUST_WORK, which CI sets for
# the test suite, would turn those skips into failures: it is unset here.
step_valgrind() {
	# A reused WORKDIR may hold test binaries older than the sources.
	if [ "$gcc_built" != 1 ]; then
		echo "the gcc build failed: no unit test to run"
		return 1
	fi
	status=0
	found=0
	for t in "$work"/gcc/tests/test-*; do
		if [ ! -f "$t" ] || [ ! -x "$t" ]; then
			continue
		fi
		found=1
		echo "== ${t##*/}"
		if ! (unset NSCHROOT_TEST_MUST_WORK
		      valgrind --quiet --error-exitcode=1 --leak-check=full \
			      --errors-for-leak-kinds=definite,indirect "$t"); then
			echo "== ${t##*/}: FAILED"
			status=1
		fi
	done
	[ "$found" = 1 ] || { echo "no unit test in $work/gcc/tests"; return 1; }
	return "$status"
}

# The files that differ from their clang-format layout, and how.
step_clang_format() {
	files=$(find src tests tools bench -name '*.[ch]' | sort)
	# shellcheck disable=SC2086 # file names without white space
	clang-format --dry-run --Werror $files
}

step_layers() {
	sh tools/check-layers.sh
}

run_step build-gcc step_build_gcc
run_step build-clang step_build_clang
run_step cppcheck step_cppcheck
run_step clang-tidy step_clang_tidy
run_step valgrind step_valgrind
run_step clang-format step_clang_format
run_step layers step_layers
exit "$failed"
