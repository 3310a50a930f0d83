#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The rootfs changes under nschroot while it sets up: a background process
# keeps exchanging (renameat2 RENAME_EXCHANGE, atomic) each mount point,
# /proc, /dev, /sys, /etc/resolv.conf and a --bind destination's parent,
# with a symlink to a host bait directory, while runs start over and over.
# Whatever each run sees, nothing may land outside: every run ends with 0
# or 125 (never a crash or a hang), the bait directory stays as it was, and
# so does the host's mount table.
. "$(dirname "$0")/../lib.sh"
require_userns
command -v python3 >/dev/null || skip_all "python3 is not installed (it swaps the links)"
RUNS=${NSCHROOT_RACE_RUNS:-40}
plan 15
root=$TMP/root
outside=$TMP/outside
make_busybox_rootfs "$root"
mkdir -p "$outside" "$TMP/src" "$root/mnt/b"
echo data >"$TMP/src/file"
outside_state() { (cd "$outside" && find . -printf '%p %y %s %T@\n' | sort); }
outside_before=$(outside_state)
mounts_before=$(host_mounts)

# swapper PATH: until killed, exchange PATH with PATH.swap, a symlink to
# the bait, as fast as it can; the two names are always both there.
swapper() {
	python3 - "$1" <<'PY' &
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
path = sys.argv[1].encode()
swap = path + b".swap"
AT_FDCWD, RENAME_EXCHANGE = -100, 2
while True:
    libc.renameat2(AT_FDCWD, path, AT_FDCWD, swap, RENAME_EXCHANGE)
PY
	swapper_pid=$!
}

# race NAME PATH TARGET ARGS...: swap PATH (inside the rootfs) with a link
# to TARGET while nschroot runs ARGS RUNS times.
race() {
	name=$1 path=$root$2 target=$3
	shift 3
	ln -s "$target" "$path.swap"
	swapper "$path"
	bad=0
	i=0
	while [ $i -lt "$RUNS" ]; do
		timeout 20 "$NSCHROOT" run "$@" "$root" true </dev/null >/dev/null 2>&1
		s=$?
		[ $s = 0 ] || [ $s = 125 ] || { bad=$((bad + 1)); diag "$name: run $i: exit $s"; }
		i=$((i + 1))
	done
	kill "$swapper_pid"
	wait "$swapper_pid" 2>/dev/null
	# Put the real one back at PATH.
	[ -L "$path" ] && python3 -c 'import ctypes,sys; ctypes.CDLL(None).renameat2(-100, sys.argv[1].encode(), -100, (sys.argv[1]+".swap").encode(), 2)' "$path"
	rm -f "$path.swap"
	assert_eq "$name: every run ends with 0 or 125" 0 "$bad"
	assert_eq "$name: the bait directory is untouched" "$outside_before" "$(outside_state)"
	assert_eq "$name: the host mount table is unchanged" "$mounts_before" "$(host_mounts)"
}

race "/proc <-> link to the bait" /proc "$outside"
race "/dev <-> link to the bait" /dev "$outside"
race "/sys <-> ../ link to the bait" /sys "../../outside"
race "/etc/resolv.conf <-> link to a bait file" /etc/resolv.conf "$outside/resolv.conf"
race "--bind SRC:/mnt/b/x, /mnt/b <-> link to the bait" /mnt/b "$outside" --bind "$TMP/src:/mnt/b/x"
done_testing
