#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What a hostile guest does beyond escaping (guest-escape.sh): signal every
# process it can see, make device nodes; and what a hostile tree does to the
# commands that read it without running it: a FIFO at /etc/os-release.
# Each case checks the host afterwards.
. "$(dirname "$0")/../lib.sh"
require_userns
plan 13
root=$TMP/root
make_busybox_rootfs "$root"
mounts_before=$(host_mounts)

# --- Signals ---------------------------------------------------------------
# A process of the same user on the host: in reach of kill(2) but for the
# pid namespace.
sleep 60 &
victim=$!
nsrun run "$root" sh -c 'kill -9 -1; exit 0'
assert_eq "kill -9 -1 inside: the host process of the same user lives" 0 \
	"$(kill -0 "$victim" 2>/dev/null; echo $?)"
assert_eq "kill -9 HOSTPID inside: no such process there" 1 \
	"$(nsrun run "$root" sh -c "kill -9 $victim 2>/dev/null; echo \$?")"
assert_eq "... and the host process still lives" 0 "$(kill -0 "$victim" 2>/dev/null; echo $?)"
kill "$victim"

# --- Device nodes ----------------------------------------------------------
# Root mode's fake root makes mknod of a device succeed as a no-op: no node
# appears. Without it, and in auto mode, the kernel refuses.
out=$(nsrun run "$root" sh -c 'mknod /tmp/mem c 1 1; echo $?; [ -e /tmp/mem ] && echo made || echo none')
assert_eq "root mode: mknod c 1 1 'succeeds' and makes nothing" "0 none" "$(echo $out)"
assert_eq "... nothing on the host either" "" "$(ls -A "$root/tmp")"
assert_match "--fakeroot=none: mknod c 1 1 is refused" "^[1-9][0-9]* none$" \
	"$(echo $(nsrun run --fakeroot=none "$root" sh -c 'mknod /tmp/mem c 1 1 2>/dev/null; echo $?; [ -e /tmp/mem ] && echo made || echo none'))"
if [ -n "$(subid_start /etc/subuid)" ] && command -v newuidmap >/dev/null; then
	assert_match "auto mode: mknod c 1 1 is refused" "^[1-9][0-9]* none$" \
		"$(echo $(nsrun run --map=auto "$root" sh -c 'mknod /tmp/mem c 1 1 2>/dev/null; echo $?; [ -e /tmp/mem ] && echo made || echo none'))"
elif [ "${NSCHROOT_TEST_MUST_WORK:-0}" = 1 ]; then
	not_ok "auto mode: mknod c 1 1 is refused (no subordinate range; NSCHROOT_TEST_MUST_WORK=1)"
else
	ok "auto mode: mknod c 1 1 is refused # SKIP no subordinate range"
fi
assert_eq "a FIFO (not a device) can be made" 0 \
	"$(nsrun run "$root" sh -c 'mkfifo /tmp/fifo && [ -p /tmp/fifo ]; echo $?')"
rm -f "$root/tmp/fifo"

# --- A FIFO where nschroot reads os-release --------------------------------
# Opened for reading, a FIFO would block forever; nschroot looks at the
# file's type first (O_PATH), so fixup and create go on without it.
cp -a "$root" "$TMP/fifo-tree"
rm -f "$TMP/fifo-tree/etc/os-release"
mkfifo "$TMP/fifo-tree/etc/os-release"
out=$(timeout 20 "$NSCHROOT" fixup "$TMP/fifo-tree" </dev/null 2>&1)
assert_eq "fixup of a tree whose /etc/os-release is a FIFO: no hang, exit 0" 0 $?
assert_match "... with only the fixups that need no os-release" "hosts|No fixup" "$out"
export NSCHROOT_HOME=$TMP/store
out=$(timeout 30 "$NSCHROOT" create --progress=never fifo "$TMP/fifo-tree" </dev/null 2>&1)
assert_eq "create from that tree: no hang, exit 0" 0 $?
assert_match "... the os unknown" "\(unknown OS\)" "$out"
assert_eq "nothing appears in the host's mount table" "$mounts_before" "$(host_mounts)"
done_testing
