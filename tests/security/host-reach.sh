#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What of the host a guest can reach besides its files: the host's
# abstract UNIX sockets (X11, D-Bus) with the host network, closed by
# Landlock scoping; a directory or O_PATH descriptor handed in as a
# standard descriptor; the host's /proc where a fresh one is refused;
# nschroot's host path in init's command line; the host's cgroup paths.
#
# Environment: NSCHROOT_TEST_HELPERS, the build directory of the static
# helpers tests/helpers/*.c (meson sets it).
. "$(dirname "$0")/../lib.sh"
require_userns

helper=${NSCHROOT_TEST_HELPERS:-}/abstract
[ -x "$helper" ] || skip_all "the static helper 'abstract' is not built"
root=$TMP/root
make_busybox_rootfs "$root"
cp "$helper" "$root/bin/abstract"
plan 22
mkdir "$TMP/outside"
echo "host only" > "$TMP/outside/secret"
before=$(host_mounts)

# --- Abstract UNIX sockets ----------------------------------------------
name=nschroot-test-$$
"$helper" listen "$name" &
listener=$!
i=0
while ! grep -q "@$name\$" /proc/net/unix && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
assert_eq "control: the host itself connects to @$name" "connect: ok" "$("$helper" connect "$name")"
out=$(nsrun run "$root" abstract connect "$name")
if [ "$(uname -r | cut -d. -f1)" -gt 6 ] ||
	{ [ "$(uname -r | cut -d. -f1)" -eq 6 ] && [ "$(uname -r | cut -d. -f2)" -ge 12 ]; }; then
	assert_eq "the box cannot connect to the host's abstract socket (Landlock scope)" \
		"connect: Operation not permitted" "$out"
else
	skip_reason="Linux $(uname -r) has no Landlock scoping (6.12+)"
	if [ "${NSCHROOT_TEST_MUST_WORK:-0}" = 1 ]; then
		not_ok "the box cannot connect to the host's abstract socket ($skip_reason)"
	else
		ok "the box cannot connect to the host's abstract socket # SKIP $skip_reason"
	fi
fi
assert_eq "... nor with --map=user" "connect: Operation not permitted" \
	"$(nsrun run --map=user "$root" abstract connect "$name")"
assert_eq "the box's own abstract sockets work" "self: ok" "$(nsrun run "$root" abstract self)"
assert_eq "with --net=none the host's socket is not there at all" "connect: Connection refused" \
	"$(nsrun run --net=none "$root" abstract connect "$name")"
kill "$listener"
wait "$listener" 2>/dev/null

# --- A directory as a standard descriptor -----------------------------
for fd in 0 1 2; do
	out=$(sh -c "exec $fd<'$TMP/outside'; '$NSCHROOT' run '$root' cat /proc/self/fd/$fd/secret" \
		2>&1 </dev/null)
	st=$?
	assert_eq "a directory on descriptor $fd is refused with 125" 125 "$st"
	assert_no_match "... and nothing of it was read" "host only" "$out"
done
assert_match "... the message names standard input" "standard input is a directory" \
	"$("$NSCHROOT" run "$root" true 2>&1 <"$TMP/outside")"
if command -v python3 >/dev/null; then
	out=$(python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_PATH)
os.dup2(fd, 0)
os.execv(sys.argv[2], [sys.argv[2], "run", sys.argv[3], "cat", "/proc/self/fd/0/secret"])' \
		"$TMP/outside" "$NSCHROOT" "$root" 2>&1)
	assert_eq "an O_PATH standard input is refused with 125" "125" "$?"
	assert_no_match "... and nothing of it was read" "host only" "$out"
else
	not_ok "an O_PATH standard input (no python3 to make one)"
	not_ok "... and nothing of it was read (no python3)"
fi

# --- What init shows, cgroups ------------------------------------------
assert_eq "init's command line is 'init' alone: no host path of nschroot" "init" \
	"$(nsrun run "$root" sh -c 'tr "\0" "\n" </proc/1/cmdline | grep -v "^$"')"
assert_eq "the box has a cgroup namespace of its own: every path in it is /" "" \
	"$(nsrun run "$root" cat /proc/self/cgroup | grep -v ':/$')"

# --- /proc where a fresh one is refused --------------------------------
# A mount over part of /proc, made in a user namespace of the test's own
# and so locked for nschroot's: the kernel then refuses a fresh procfs
# ("mount too revealing"), as in a container with masked /proc paths.
masked="mount -t tmpfs none /proc/acpi 2>/dev/null || mount -t tmpfs none /proc/scsi 2>/dev/null ||
	mount --bind /dev/null /proc/kcore 2>/dev/null || mount --bind /dev/null /proc/timer_list"
out=$(unshare -Urm sh -c "$masked && '$NSCHROOT' run '$root' true" 2>&1 </dev/null)
assert_eq "a refused fresh /proc fails with 125" 125 "$?"
assert_match "... saying why" "^nschroot: cannot mount a new proc on '/proc': " "$out"
assert_match "... with --proc=host in its hint" "^hint: .*--proc=host" "$out"
out=$(unshare -Urm sh -c "$masked && '$NSCHROOT' run --proc=host '$root' test -e /proc/$$ && echo host" 2>&1 </dev/null)
assert_eq "control: without --proc=host, the test's own host pid is not there" "" \
	"$(nsrun run "$root" sh -c "test -e /proc/$$ && echo host")"
assert_eq "--proc=host binds the host's /proc, as asked" host "$out"
assert_eq "the host mount table is unchanged" "$before" "$(host_mounts)"
done_testing
