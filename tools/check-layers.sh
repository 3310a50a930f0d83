#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools/check-layers.sh: the include rules of docs/ARCHITECTURE.md, checked.
#   1. A file of src/ includes headers of its own folder, or of a folder of
#      a lower layer: util < base < store, run, archive < sandbox, proot < cmd <
#      main.c (sandbox and proot are the two backends). Folders of one
#      layer do not include each other.
#   2. No two translation units use each other: when a.c includes b.h,
#      b.c does not include a.h.
# Run from the source root; prints each breach and exits 1 when there is one.
set -eu

if [ ! -d src ]; then
	echo "check-layers: run from the source root" >&2
	exit 2
fi

# FILE INCLUDED-HEADER, one pair a line, for every quoted include.
find src -name '*.[ch]' | sort | while read -r file; do
	sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file" | while read -r header; do
		printf '%s %s\n' "${file#src/}" "$header"
	done
done | awk '
function layer(path,   dir) {
	if (path !~ /\//)
		return 6
	dir = substr(path, 1, index(path, "/") - 1)
	if (dir == "util") return 1
	if (dir == "base") return 2
	if (dir == "store" || dir == "run" || dir == "archive") return 3
	if (dir == "sandbox" || dir == "proot") return 4
	if (dir == "cmd") return 5
	return 0
}
function folder(path) {
	return path ~ /\// ? substr(path, 1, index(path, "/") - 1) : "."
}
function unit(path) {
	sub(/\.[ch]$/, "", path)
	return path
}
{
	file = $1; header = $2
	# config.h and the generated seccomp-filters.h come from the build
	if (header !~ /\//)
		next
	if (layer(header) == 0 || layer(file) == 0) {
		printf "%s: includes %s, of no known layer\n", "src/" file, header
		bad = 1
	} else if (folder(file) != folder(header) && layer(header) >= layer(file)) {
		printf "src/%s: includes %s, of the same or a higher layer\n", file, header
		bad = 1
	}
	if (file ~ /\.c$/ && unit(file) != unit(header))
		uses[unit(file) " " unit(header)] = 1
}
END {
	for (pair in uses) {
		split(pair, u, " ")
		if ((u[2] " " u[1]) in uses && u[1] < u[2]) {
			printf "src/%s.c and src/%s.c use each other\n", u[1], u[2]
			bad = 1
		}
	}
	exit bad
}'
