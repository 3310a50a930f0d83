#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The seed scenario where user namespaces are refused (tests/helpers/nouserns,
# as a container runtime's seccomp profile): a Debian bookworm box made and
# run through the proot backend, apt-get update and install working under
# proot's fake root (dpkg's chown of openssh-client's files).
. "$(dirname "$0")/../lib.sh"
require_userns
command -v proot >/dev/null || skip_all "proot is not installed (apt-get install proot)"
NOUSERNS=$NSCHROOT_TEST_HELPERS/nouserns
[ -x "$NOUSERNS" ] || skip_all "the nouserns test helper is not built"
tarball=$(debian_tarball)
plan 7
export NSCHROOT_HOME=$TMP/store
nsp() { "$NOUSERNS" "$NSCHROOT" "$@" </dev/null; }

out=$(nsp create --progress=never deb "$tarball" 2>"$TMP/err")
assert_eq "create without user namespaces: 0" 0 "$?"
assert_match "... with the apt and dpkg fixups" "fixups: apt,dpkg" "$out"
assert_match "... and one warning, that the box is made for proot" \
	"^nschroot: warning: .*: the box is made without one, for the proot backend$" "$(cat "$TMP/err")"

nsp run deb sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q hello openssh-client' >"$TMP/apt.log" 2>&1
status=$?
assert_eq "apt-get update && apt-get install -y hello openssh-client, through proot: 0" 0 "$status"
[ "$status" = 0 ] || tail -n 30 "$TMP/apt.log" | diag "$(cat)"
assert_eq "hello runs" "Hello, world!" "$(nsp run deb hello 2>/dev/null)"
out=$(nsp run deb dpkg-query -W -f '${Package} ${db:Status-Status}\n' hello openssh-client 2>/dev/null | sort)
assert_eq "dpkg records both installed" "hello installed
openssh-client installed" "$out"
assert_eq "ssh-agent's files, chowned by dpkg, are the caller's on the host" "$(id -u)" \
	"$(stat -c %u "$TMP/store/boxes/deb/rootfs/usr/bin/ssh-agent")"
