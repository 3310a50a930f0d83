#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The acceptance of run --ephemeral on a real system: apt-get update and
# install in the Debian bookworm box, in both map modes, work inside (in
# auto mode with apt's own _apt sandbox, the owners being the box's) and
# leave the box as it was, to every owner, mode, size and time of every
# file.
. "$(dirname "$0")/../lib.sh"
require_userns
require_subids
tarball=$(debian_tarball)
plan 9
export NSCHROOT_HOME="$TMP/store"

# listing BOX: every file of the box with its owner, mode, size and time,
# as export writes it.
listing() { nsrun export --compress=none "$1" - | tar -tvf - --numeric-owner; }

for mode in root auto; do
	box=deb-$mode
	nsrun create --progress=never --map=$mode "$box" "$tarball" >/dev/null
	assert_eq "$mode: create exits 0" 0 $?
	# The first run makes the mount points (/proc, /dev...) in the box.
	nsrun run "$box" true
	before=$(listing "$box")
	nsrun run --ephemeral "$box" sh -c 'apt-get update -q &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q hello && hello' >"$TMP/apt.log" 2>&1
	status=$?
	assert_eq "$mode: an ephemeral apt-get update && apt-get install -y hello exits 0" 0 "$status"
	[ "$status" = 0 ] || tail -n 30 "$TMP/apt.log" | diag "$(cat)"
	assert_match "$mode: ... and hello runs there" "^Hello, world!$" "$(cat "$TMP/apt.log")"
	if [ $mode = auto ]; then
		assert_no_match "$mode: ... apt kept its _apt sandbox" "[Ss]andbox.*root|setgroups" \
			"$(cat "$TMP/apt.log")"
	fi
	assert_eq "$mode: the box is the same afterwards" "$before" "$(listing "$box")"
done
done_testing
