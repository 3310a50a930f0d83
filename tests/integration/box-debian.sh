#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A box made by `nschroot create` from the Debian bookworm tarball needs no
# manual step for apt: the fixups do it, and what is installed stays.
. "$(dirname "$0")/../lib.sh"
require_userns
tarball=$(debian_tarball)
plan 10
export NSCHROOT_HOME="$TMP/store"

out=$(nsrun create --map=root --progress=never deb "$tarball")
assert_eq "create from the Debian tarball exits 0" 0 $?
assert_match "device nodes are skipped and counted" "[0-9]+ device nodes skipped" "$out"
out=$(nsrun info deb)
assert_match "the os is read from os-release" "^os: debian 12$" "$out"
assert_match "root mode applies the apt and dpkg fixups" "^fixups: apt,dpkg" "$out"
out=$(nsrun run deb apt-config dump APT::Sandbox::User)
assert_eq "apt's sandbox user is root" 'APT::Sandbox::User "root";' "$out"

nsrun run deb sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q hello openssh-client' >"$TMP/apt.log" 2>&1
status=$?
assert_eq "apt-get update && apt-get install -y hello openssh-client exits 0" 0 "$status"
[ "$status" = 0 ] || tail -n 30 "$TMP/apt.log" | diag "$(cat)"
assert_eq "hello is still there in the next run" "Hello, world!" "$(nsrun run deb hello)"
nsrun export --progress=never deb "$TMP/deb-export.tar.gz"
assert_eq "export of the box exits 0" 0 $?
nsrun create --map=root --progress=never deb2 "$TMP/deb-export.tar.gz" >/dev/null
assert_eq "a box created from the export runs hello" "Hello, world!" "$(nsrun run deb2 hello)"
nsrun rm deb deb2
assert_eq "rm leaves nothing behind" "" "$(ls -A "$TMP/store/boxes")"
done_testing
