#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A tree that the caller cannot write, as one extracted with `sudo tar -x`
# (the classic ubuntu-base chroot): its owner is mapped by no namespace of
# the caller's. It runs without a write into it: /run is a tmpfs of the
# instance (where ubuntu-base's dangling resolv.conf link points), the
# directory falls back to / when root's HOME cannot be entered, and where
# there is nowhere to mount resolv.conf, one warning and on.
#
# Such a tree is made here by the root of an auto namespace, which gives it
# to a subordinate id: to the caller in root mode, as foreign as the host's
# root.
. "$(dirname "$0")/../lib.sh"
require_userns
require_subids
plan 14
root=$TMP/root
make_busybox_rootfs "$root"
mkdir "$TMP/w"
tree=$TMP/w/tree
before=$(host_mounts)

# By the subordinate root, who owns them: the caller cannot.
as_subroot() { nsrun run --map=auto --bind "$TMP/w:/w" "$root" sh -c "$1"; }
remove_tree() { as_subroot 'rm -rf /w/tree'; }
CLEANUP_HOOK=remove_tree
host_resolv=$(cat /etc/resolv.conf 2>/dev/null)

# make_tree RESOLV: a copy of the busybox rootfs owned by inside id 1, with
# /root of mode 0700 and /etc/resolv.conf as RESOLV says: "none", or a link.
make_tree() {
	remove_tree
	cp -a "$root" "$tree"
	as_subroot "mkdir -p /w/tree/root /w/tree/run /w/tree/dev /w/tree/proc /w/tree/sys &&
		chmod 700 /w/tree/root &&
		rm -f /w/tree/etc/resolv.conf && echo stale >/w/tree/run/stale.pid &&
		{ [ '$1' = none ] || ln -s '$1' /w/tree/etc/resolv.conf; } && chown -R 1:1 /w/tree"
}

make_tree none
check "control: the caller cannot write the tree" sh -c "! touch '$tree/etc/x' 2>/dev/null"
out=$(nsrun run --map=root "$tree" sh -c 'echo in; pwd' 2>"$TMP/err")
assert_eq "a tree the caller cannot write runs" "0" "$?"
assert_eq "... in /, as root's HOME cannot be entered" "in
/" "$out"
assert_eq "... with one warning: no resolv.conf can be made" 1 "$(grep -c . "$TMP/err")"
assert_match "... which says so" "^nschroot: warning: no /etc/resolv.conf in the rootfs.*Permission denied" \
	"$(cat "$TMP/err")"
assert_eq "/run is a tmpfs of the instance" tmpfs \
	"$(nsrun run --map=root "$tree" sh -c 'grep " /run " /proc/self/mounts | cut -d" " -f3' 2>/dev/null)"
assert_eq "... without what an earlier run left in the tree's /run" "lock" \
	"$(nsrun run --map=root "$tree" ls /run 2>/dev/null)"
assert_eq "... with /run/lock of mode 1777" 1777 \
	"$(nsrun run --map=root "$tree" stat -c %a /run/lock 2>/dev/null)"
assert_status "-w /root, asked for, fails: 125" 125 nsrun run --map=root -w /root "$tree" true

make_tree ../run/systemd/resolve/stub-resolv.conf
out=$(nsrun run --map=root "$tree" cat /etc/resolv.conf 2>"$TMP/err")
assert_eq "ubuntu-base's dangling resolv.conf link reads as the host's" "0 $host_resolv" "$? $out"
assert_eq "... without a warning" "" "$(cat "$TMP/err")"
assert_eq "... and nothing was written into the tree" "stale.pid" "$(ls -A "$tree/run")"
assert_eq "the same with --read-only" "$host_resolv" \
	"$(nsrun run --map=root --read-only "$tree" cat /etc/resolv.conf 2>/dev/null)"
assert_eq "the host mount table is unchanged" "$before" "$(host_mounts)"
done_testing
