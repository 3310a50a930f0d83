#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# remap of a Debian box: auto -> keep-id -> auto, the listing of uid, gid,
# mode, size and links of every file inside identical each time; apt, su
# and the set-user-id programs still work under keep-id.
. "$(dirname "$0")/../lib.sh"
require_userns
require_subids
tarball=$(debian_tarball)
plan 17
export NSCHROOT_HOME="$TMP/store"
rootfs=$TMP/store/boxes/deb/rootfs

out=$(nsrun create --progress=never --map=auto deb "$tarball")
assert_eq "an auto box from the Debian tarball" 0 $?

# listing: every file inside but the mount points of /proc, /sys and /dev.
listing() {
	nsrun run --uid 0 deb sh -c 'find / -xdev -printf "%U %G %m %s %n %p\n" | LC_ALL=C sort -k6 |
		grep -Ev " /(proc|sys|dev)$"'
}
# same DESCRIPTION BEFORE AFTER: assert_eq, with the difference shown.
same() {
	assert_eq "$1" "$2" "$3"
	if [ "$2" != "$3" ]; then
		printf '%s\n' "$2" >"$TMP/before"
		printf '%s\n' "$3" >"$TMP/after"
		diag "$(diff "$TMP/before" "$TMP/after" | head -n 20)"
	fi
}
# The caller's own entries, which the first keep-id run would add (the
# user fixup), are there from the start: the listings compare the remap
# alone.
nsrun run --uid 0 deb sh -c "echo '$(id -un):x:$(id -u):$(id -g)::/:/bin/sh' >>/etc/passwd &&
	echo '$(id -gn):x:$(id -g):' >>/etc/group"
before=$(listing)
check "the listing has the whole tree ($(printf '%s\n' "$before" | wc -l) files)" \
	[ "$(printf '%s\n' "$before" | wc -l)" -gt 5000 ]

out=$(nsrun remap deb --map=keep-id --progress=never)
assert_eq "remap to keep-id exits 0" 0 $?
diag "$out"
assert_match "... saying how long it took" "^Remapped box 'deb' to --map=keep-id: [0-9]+ files, .*\([0-9.]+ s\)$" "$out"
same "keep-id: the listing inside is identical" "$before" "$(listing)"
assert_eq "keep-id: /usr/bin/su is the first subordinate id's, set-user-id" \
	"$SUBUID:$SUBGID 4755" "$(stat -c '%u:%g %a' "$rootfs/usr/bin/su")"
assert_eq "keep-id: _apt's directory is the range's start+42" "$((SUBUID + 42))" \
	"$(stat -c %u "$rootfs/var/cache/apt/archives/partial")"
assert_eq "keep-id: apt-get check" 0 "$(nsrun run --uid 0 deb apt-get check -q >/dev/null 2>&1; echo $?)"
assert_eq "keep-id: su to _apt" "uid=42(_apt) gid=65534(nogroup) groups=65534(nogroup)" \
	"$(nsrun run --uid 0 deb su -s /bin/sh _apt -c id 2>&1)"
nsrun run --uid 0 deb sh -c 'apt-get update -q' >"$TMP/apt.log" 2>&1
status=$?
assert_eq "keep-id: apt-get update exits 0" 0 "$status"
[ "$status" = 0 ] || diag "$(tail -n 20 "$TMP/apt.log")"
assert_no_match "... in its sandbox, as _apt" "[Ss]andbox.*root|setgroups" "$(cat "$TMP/apt.log")"
check "... with lists fetched" [ -n "$(nsrun run --uid 0 deb sh -c 'ls /var/lib/apt/lists | grep Packages')" ]

# apt changed the tree: the listing of the keep-id box as it is now.
before=$(listing)
out=$(nsrun remap deb --map=auto --progress=never)
assert_eq "remap back to auto exits 0" 0 $?
diag "$out"
same "auto: the listing inside is identical" "$before" "$(listing)"
assert_eq "auto: /usr/bin/su is the caller's again, set-user-id" "$(id -u):$(id -g) 4755" \
	"$(stat -c '%u:%g %a' "$rootfs/usr/bin/su")"
assert_eq "auto: su to _apt" "uid=42(_apt) gid=65534(nogroup) groups=65534(nogroup)" \
	"$(nsrun run --uid 0 deb su -s /bin/sh _apt -c id 2>&1)"
nsrun rm deb
assert_eq "rm exits 0" 0 $?
done_testing
