#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The seccomp filters hold for a real i386 program (built with -m32 where
# the toolchain can: Debian's gcc-multilib), not only for the native ABI:
# TIOCSTI is refused, and in root mode the fake-root filter makes chown and
# setresuid to an unmapped id succeed as no-ops.
. "$(dirname "$0")/../lib.sh"
require_userns
helper=$NSCHROOT_TEST_HELPERS/abi32
[ -x "$helper" ] || skip_all "no i386 program was built (apt-get install gcc-multilib, then reconfigure)"
# A kernel that refuses i386 programs (ENOEXEC: some VMs, although their
# config has IA32 emulation) lacks what this file tests, whatever
# nschroot does: a plain skip even under NSCHROOT_TEST_MUST_WORK=1. The
# filter's i386 and x32 branches are still proven there, by the unit test
# "seccomp" (tests/unit/test-seccomp.c), which runs the programs on
# crafted system calls. Any other failure of the helper is not a skip.
control=$("$helper" /dev/null 2>&1 </dev/null)
case $?:$control in
0:*) ;;
126:*"Exec format error"*)
	echo "1..0 # SKIP this kernel does not run i386 programs (Exec format error)"
	exit 0 ;;
*) skip_all "the i386 helper does not run here: $control" ;;
esac
command -v script >/dev/null || skip_all "no script(1) to make a pseudo-terminal (util-linux)"
plan 14
root=$TMP/root
make_busybox_rootfs "$root"
cp "$helper" "$root/bin/abi32"
mkdir "$TMP/work"

# line OUTPUT WHAT: the result the helper reported for WHAT.
line() { printf '%s\n' "$1" | tr -d '\r' | sed -n "s/^$2: //p"; }
# on_tty ARGS...: nschroot run ARGS... on a pseudo-terminal.
on_tty() { script -qec "'$NSCHROOT' run $* /bin/abi32" /dev/null </dev/null 2>&1; }
eperm='Operation not permitted'
einval='Invalid argument'

out=$(script -qec "'$helper' '$TMP/work/host-file'" /dev/null </dev/null 2>&1)
assert_eq "control: it is a 32-bit program" 32 "$(line "$out" bits)"
assert_eq "control: on the host, chown to 4242 is refused" "$eperm" "$(line "$out" chown)"

out=$(on_tty "'$root'")
assert_eq "root mode: TIOCSTI from i386 is refused" "$eperm" "$(line "$out" TIOCSTI)"
assert_eq "root mode: chown from i386 succeeds as a no-op (fake root)" ok "$(line "$out" chown)"
assert_eq "root mode: setresuid from i386 succeeds as a no-op" ok "$(line "$out" setresuid)"

out=$(on_tty --fakeroot=none "'$root'")
assert_eq "--fakeroot=none: TIOCSTI from i386 is still refused" "$eperm" "$(line "$out" TIOCSTI)"
assert_eq "--fakeroot=none: chown to an unmapped id fails (the filter is what made it pass)" \
	"$einval" "$(line "$out" chown)"
assert_eq "--fakeroot=none: setresuid to an unmapped id fails" "$einval" "$(line "$out" setresuid)"

out=$(on_tty --map=user "'$root'")
assert_eq "--map=user: TIOCSTI from i386 is refused" "$eperm" "$(line "$out" TIOCSTI)"

if [ -n "$(subid_start /etc/subuid)" ] && command -v newuidmap >/dev/null; then
	sub=$(subid_start /etc/subuid)
	out=$(script -qec "'$NSCHROOT' run --map=auto --bind '$TMP/work:/mnt' '$root' /bin/abi32 /mnt/auto-file" /dev/null </dev/null 2>&1)
	assert_eq "auto mode: TIOCSTI from i386 is refused" "$eperm" "$(line "$out" TIOCSTI)"
	assert_eq "auto mode: chown from i386 to 4242 works for real" ok "$(line "$out" chown)"
	assert_eq "... the file belongs to the range's start+4241 on the host" "$((sub + 4241))" \
		"$(stat -c %u "$TMP/work/auto-file")"
	assert_eq "auto mode: setresuid from i386 to 4242 works" ok "$(line "$out" setresuid)"
	nsrun run --map=auto --bind "$TMP/work:/mnt" "$root" rm -f /mnt/auto-file
	assert_eq "(clean-up)" "" "$(ls "$TMP/work" | grep auto-file)"
else
	for i in 1 2 3 4 5; do
		if [ "${NSCHROOT_TEST_MUST_WORK:-0}" = 1 ]; then
			not_ok "auto mode test $i (no subordinate range; NSCHROOT_TEST_MUST_WORK=1)"
		else
			ok "auto mode test $i # SKIP no subordinate range"
		fi
	done
fi
done_testing
