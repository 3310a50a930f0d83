#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# apt and dpkg in a real Debian bookworm tree (mmdebstrap --variant=apt),
# extracted by the user with tar, in root mode: the fake-root seccomp
# filter is what lets dpkg's chown/chgrp of openssh-client and sudo pass.
. "$(dirname "$0")/../lib.sh"
require_userns
tarball=$(debian_tarball)
plan 9

root=$TMP/bookworm
mkdir "$root"
# Device nodes cannot be made unprivileged; nschroot provides /dev.
tar -xzf "$tarball" -C "$root" --exclude='./dev/*' 2>"$TMP/tar.err"
check "the Debian tarball extracts as an unprivileged user" test -x "$root/usr/bin/apt-get"
# Fixups come with boxes; until then the test writes apt's sandbox setting.
echo 'APT::Sandbox::User "root";' >"$root/etc/apt/apt.conf.d/99nschroot-test"

before=$(host_mounts)

# Control: without the filter, chown to an unmapped id fails, as it does
# for dpkg; with it (the default in root mode) it succeeds as a no-op.
touch "$root/tmp/owned"
nsrun run --fakeroot=none "$root" chown 1:1 /tmp/owned 2>/dev/null
assert_eq "chown to an unmapped id fails with --fakeroot=none" 1 $?
nsrun run "$root" chown 1:1 /tmp/owned
assert_eq "chown to an unmapped id succeeds under the default fake root" 0 $?
assert_eq "the fake chown changed nothing on the host" "$(id -u)" "$(stat -c %u "$root/tmp/owned")"

nsrun run "$root" sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssh-client sudo man-db' >"$TMP/apt.log" 2>&1
status=$?
assert_eq "apt-get update && apt-get install -y openssh-client sudo man-db exits 0" 0 "$status"
[ "$status" = 0 ] || tail -n 30 "$TMP/apt.log" | diag "$(cat)"

out=$(nsrun run "$root" dpkg-query -W -f '${Package} ${db:Status-Status}\n' openssh-client sudo man-db 2>&1 | sort)
assert_eq "dpkg records the three packages installed" \
	"man-db installed
openssh-client installed
sudo installed" "$out"
out=$(nsrun run "$root" ssh -V 2>&1)
assert_match "the installed ssh runs inside" '^OpenSSH_' "$out"
out=$(nsrun run "$root" sh -c 'getent group _ssh >/dev/null && echo ok')
assert_eq "openssh-client's postinst made its _ssh group" ok "$out"

assert_eq "the host mount table is unchanged" "$before" "$(host_mounts)"
done_testing
