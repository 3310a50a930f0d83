#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The acceptance of auto mode: a box made from the Debian bookworm tarball
# with the caller's subordinate ids keeps the archive's owners, so apt drops
# to _apt by itself (no apt fixup), dpkg's chgrp to _ssh works for real,
# su works, and rm removes it all.
. "$(dirname "$0")/../lib.sh"
require_userns
require_subids
tarball=$(debian_tarball)
plan 14
export NSCHROOT_HOME="$TMP/store"

out=$(nsrun create --progress=never deb "$tarball")
assert_eq "create from the Debian tarball exits 0" 0 $?
assert_match "it is an auto box (the default where there is a range)" "; map auto;" "$out"
out=$(nsrun info deb)
assert_match "info says so" "^map: auto$" "$out"
assert_match "no apt fixup in auto mode" "^fixups: dpkg,hosts$" "$out"
assert_eq "/var/cache/apt/archives/partial belongs to _apt (42)" "42 _apt" \
	"$(nsrun run deb stat -c '%u %U' /var/cache/apt/archives/partial)"
assert_eq "... which is the range's start+41 on the host" "$((SUBUID + 41))" \
	"$(stat -c %u "$TMP/store/boxes/deb/rootfs/var/cache/apt/archives/partial")"
assert_eq "apt keeps its own sandbox user" 'APT::Sandbox::User "_apt";' \
	"$(nsrun run deb apt-config dump APT::Sandbox::User)"

nsrun run deb sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssh-client' >"$TMP/apt.log" 2>&1
status=$?
assert_eq "apt-get update && apt-get install -y openssh-client exits 0" 0 "$status"
[ "$status" = 0 ] || tail -n 30 "$TMP/apt.log" | diag "$(cat)"
assert_no_match "apt did not have to fall back from its sandbox" "[Ss]andbox.*root|setgroups" \
	"$(cat "$TMP/apt.log")"
assert_eq "/usr/bin/ssh-agent belongs to group _ssh" "_ssh" \
	"$(nsrun run deb stat -c %G /usr/bin/ssh-agent)"
assert_eq "su -s /bin/sh nobody -c id works inside" \
	"uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)" \
	"$(nsrun run deb su -s /bin/sh nobody -c id 2>&1)"
assert_eq "a set-user-id program keeps its bit" 4755 "$(nsrun run deb stat -c %a /usr/bin/su)"
nsrun rm deb
assert_eq "rm exits 0" 0 $?
assert_eq "rm leaves nothing behind" "" "$(ls -A "$TMP/store/boxes")"
done_testing
