#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --bind, --ro-bind, --tmpfs, --read-only, and that they compose.
. "$(dirname "$0")/../lib.sh"
require_userns
plan 22

root=$TMP/root
make_busybox_rootfs "$root"
mkdir "$TMP/src" "$TMP/src2"
echo data > "$TMP/src/file"
echo single > "$TMP/single"
before=$(host_mounts)

assert_eq "--bind SRC shows SRC at the same path" data "$(nsrun run --bind "$TMP/src" "$root" cat "$TMP/src/file")"
assert_eq "--bind SRC:DEST shows SRC at DEST" data "$(nsrun run --bind "$TMP/src:/mnt/x" "$root" cat /mnt/x/file)"
check "DEST was created inside the rootfs" test -d "$root/mnt/x"
nsrun run --bind "$TMP/src:/mnt/x" "$root" sh -c 'echo new > /mnt/x/new'
assert_eq "a --bind is writable, and writes reach the host" new "$(cat "$TMP/src/new")"
assert_eq "--bind of a file on a file" single "$(nsrun run --bind "$TMP/single:/etc/single" "$root" cat /etc/single)"

err=$(nsrun run --ro-bind "$TMP/src:/mnt/ro" "$root" sh -c 'echo x > /mnt/ro/file' 2>&1)
assert_match "a --ro-bind refuses writes" 'Read-only file system' "$err"
assert_eq "the --ro-bind source is untouched" data "$(cat "$TMP/src/file")"
assert_status "a --ro-bind stays read-only under remount,bind,rw" 1 \
	nsrun run --ro-bind "$TMP/src:/mnt/ro" "$root" mount -o remount,bind,rw /mnt/ro
assert_status "and under remount,rw" 1 nsrun run --ro-bind "$TMP/src:/mnt/ro" "$root" mount -o remount,rw /mnt/ro
assert_status "and cannot be unmounted to reveal what is below" 1 \
	nsrun run --ro-bind "$TMP/src:/mnt/ro" "$root" umount /mnt/ro

out=$(nsrun run --tmpfs /scratch "$root" sh -c 'ls -A /scratch | wc -l; echo t > /scratch/t && cat /scratch/t; grep " /scratch " /proc/self/mounts | cut -d" " -f3')
assert_eq "--tmpfs mounts an empty, writable tmpfs" "0
t
tmpfs" "$out"
check "nothing written in the tmpfs reaches the rootfs" test ! -e "$root/scratch/t"

out=$(nsrun run --tmpfs /work --bind "$TMP/src:/work/in" "$root" cat /work/in/file)
assert_eq "mounts apply in order: a bind inside an earlier tmpfs" data "$out"
out=$(nsrun run --bind "$TMP/src:/m" --bind "$TMP/src2:/m" "$root" ls -A /m | wc -l)
assert_eq "a later mount on the same destination wins" 0 "$out"

err=$(nsrun run --read-only "$root" touch /newfile 2>&1)
assert_match "--read-only: the rootfs refuses writes" 'Read-only file system' "$err"
check "--read-only: nothing was written" test ! -e "$root/newfile"
assert_status "--read-only cannot be undone from inside" 1 nsrun run --read-only "$root" mount -o remount,bind,rw /
out=$(nsrun run --read-only --tmpfs /tmp "$root" sh -c 'echo ok > /tmp/x && cat /tmp/x')
assert_eq "--read-only composes with --tmpfs /tmp" ok "$out"
assert_eq "--read-only leaves /dev/shm writable" ok \
	"$(nsrun run --read-only "$root" sh -c 'echo ok > /dev/shm/x && cat /dev/shm/x')"

err=$(nsrun run --bind "$TMP/nonexistent:/x" "$root" true 2>&1)
assert_match "a missing bind source is one clear error" \
	"^nschroot: cannot open bind source '$TMP/nonexistent': No such file or directory$" "$err"
assert_status "a missing bind source is exit 125" 125 nsrun run --bind "$TMP/nonexistent:/x" "$root" true
assert_eq "the host mount table is unchanged" "$before" "$(host_mounts)"
done_testing
