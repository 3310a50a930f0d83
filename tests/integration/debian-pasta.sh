#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --net=pasta on a Debian box: DNS and HTTP go through pasta, apt-get
# update reaches the archive.
. "$(dirname "$0")/../lib.sh"
require_userns
require_subids
command -v pasta >/dev/null || skip_all "pasta is not installed (apt-get install passt)"
tarball=$(debian_tarball)
export NSCHROOT_HOME="$TMP/store"
nsrun create --map=auto --progress=never deb "$tarball" >/dev/null || skip_all "cannot create the Debian box"
plan 2
out=$(nsrun run --net=pasta deb apt-get update 2>&1)
assert_eq "--net=pasta: apt-get update succeeds" 0 "$?" || diag "$out"
check "... in a network namespace of the box's own" test \
	"$(nsrun run --net=pasta deb readlink /proc/self/ns/net)" != "$(readlink /proc/self/ns/net)"
done_testing
