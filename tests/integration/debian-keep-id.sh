#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A Debian bookworm box in keep-id mode (issue 20): root and _apt come
# from the subordinate range, so apt's sandbox works; sudo, installed after
# create, finds the caller's drop-in on the next run and gives root without
# a password (set-id programs and sudo's PAM stack work in the user
# namespace); su works for root; fixup --undo takes the drop-in out.
. "$(dirname "$0")/../lib.sh"
require_userns
require_subids
me=$(id -u)
myname=$(id -un)
export NSCHROOT_HOME="$TMP/store"
tarball=$(debian_tarball)
plan 14

out=$(nsrun create --map=keep-id --progress=never deb "$tarball")
assert_eq "create --map=keep-id from the Debian tarball exits 0" 0 $?
assert_match "... with the user fixup, no apt fixup, no sudo yet" "fixups: dpkg,hosts,user$" "$out"

nsrun run --uid 0 deb sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q sudo' >"$TMP/apt.log" 2>&1
status=$?
assert_eq "--uid 0: apt-get update && apt-get install -y sudo exits 0" 0 "$status"
[ "$status" = 0 ] || tail -n 30 "$TMP/apt.log" | diag "$(cat)"
assert_no_match "apt kept its _apt sandbox" "[Ss]andbox.*root|setgroups" "$(cat "$TMP/apt.log")"

assert_eq "the caller is themselves inside" "$me $myname" \
	"$(nsrun run deb sh -c 'echo $(id -u) $(id -un)')"
assert_eq "set-id programs are not disarmed (no_new_privs off)" "NoNewPrivs:	0" \
	"$(nsrun run deb grep NoNewPrivs /proc/self/status)"
assert_eq "the first run after sudo came wrote the drop-in: 0440, root's" "440 root:root" \
	"$(nsrun run deb stat -c '%a %U:%G' /etc/sudoers.d/nschroot-keep-id)"
assert_match "... recorded in box.conf" "^fixups=dpkg,hosts,user,sudo$" \
	"$(cat "$NSCHROOT_HOME/boxes/deb/box.conf")"
assert_eq "sudo id -u as the caller prints 0" 0 "$(nsrun run deb sudo id -u 2>&1)"
assert_eq "sudo -u _apt id -un" "_apt" "$(nsrun run deb sudo -u _apt id -un 2>&1)"
assert_eq "sudo's sudoers are valid (visudo -c)" 0 \
	"$(nsrun run deb sudo visudo -c >/dev/null 2>&1; echo $?)"
assert_eq "su to the caller works for root" "$me" \
	"$(nsrun run --uid 0 deb su -c 'id -u' "$myname" 2>&1)"

out=$(nsrun fixup --undo deb)
assert_match "fixup --undo takes the drop-in out" "^Undone in 'deb': .*sudo" "$out"
assert_eq "... and the next run leaves it out" "README" "$(nsrun run deb ls /etc/sudoers.d)"
done_testing
