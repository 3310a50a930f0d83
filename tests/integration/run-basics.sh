#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The sandbox's view: namespaces, /proc, /dev, /sys, resolv.conf, identity,
# and nothing leaking to the host's mount table.
. "$(dirname "$0")/../lib.sh"
require_userns
plan 37

root=$TMP/root
make_busybox_rootfs "$root"
before=$(host_mounts)

assert_eq "inside, the caller is root" "0 0" "$(nsrun run "$root" sh -c 'echo $(id -u) $(id -g)')"
# Seen from the host, the command's uid map makes the caller root.
"$NSCHROOT" run "$root" sleep 1000.5151 </dev/null &
nspid=$!
deadline=$(($(date +%s) + 10))
while ! pid=$(pgrep -u "$(id -u)" -f '^sleep 1000.5151$') && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
assert_eq "the uid map, seen from the host, is the caller's uid as 0" "0 $(id -u) 1" \
	"$(tr -s ' ' < /proc/$pid/uid_map | sed 's/^ //')"
kill "$nspid"; wait "$nspid" 2>/dev/null
for ns in mnt pid ipc uts user; do
	inside=$(nsrun run "$root" readlink /proc/self/ns/$ns)
	outside=$(readlink /proc/self/ns/$ns)
	check "a new $ns namespace ($inside)" test -n "$inside" -a "$inside" != "$outside"
done
assert_eq "the network namespace is the host's by default" "$(readlink /proc/self/ns/net)" \
	"$(nsrun run "$root" readlink /proc/self/ns/net)"

# /: the rootfs itself, pivoted into; writes land in the directory.
nsrun run "$root" sh -c 'echo written > /root/file'
assert_eq "a write inside lands in the rootfs" written "$(cat "$root/root/file")"
assert_eq "the file belongs to the caller on the host" "$(id -u)" "$(stat -c %u "$root/root/file")"
# Paths of the host that the busybox rootfs lacks: the test's own
# directory and the host's libc.
host_only=$(realpath "$TMP")
libc=$(realpath "$(ldd /bin/sh 2>/dev/null | awk '/libc\.so/ { print $3 }')" 2>/dev/null)
assert_eq "the host's files are not visible at /" "ran" \
	"$(nsrun run "$root" sh -c "ls -d '$host_only' '${libc:-/lib/no-libc}' 2>/dev/null; echo ran")"

# /proc: fresh, for the new pid namespace.
assert_eq "/proc shows only the box's processes" "/proc/1 /proc/2" "$(nsrun run "$root" sh -c 'echo /proc/[0-9]*')"
out=$(nsrun run "$root" sh -c 'grep " /proc/sys " /proc/self/mounts')
assert_match "/proc/sys is read-only" '^proc /proc/sys proc ro,' "$out"
assert_status "/proc/sys cannot be written" 1 nsrun run "$root" sh -c 'echo x > /proc/sys/kernel/domainname'

# /dev: minimal.
out=$(nsrun run "$root" ls /dev | tr '\n' ' ')
assert_eq "/dev holds the minimal set" "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero " "$out"
assert_eq "/dev/null and /dev/zero work" "0" "$(nsrun run "$root" sh -c 'head -c 100 /dev/zero > /dev/null && head -c 4 /dev/zero | tr "\0" 0 | cut -c1')"
err=$(nsrun run "$root" sh -c 'echo x > /dev/full' 2>&1)
assert_match "/dev/full is full" 'No space left on device' "$err"
assert_eq "/dev/urandom gives bytes" 16 "$(nsrun run "$root" sh -c 'head -c 16 /dev/urandom | wc -c')"
out=$(nsrun run "$root" sh -c 'readlink /dev/ptmx; grep " /dev/pts " /proc/self/mounts | cut -d" " -f3')
assert_eq "/dev/ptmx links to a private devpts" "pts/ptmx
devpts" "$out"
out=$(nsrun run "$root" sh -c 'stat -c %a /dev/shm; grep " /dev/shm " /proc/self/mounts | cut -d" " -f3')
assert_eq "/dev/shm is a tmpfs of mode 1777" "1777
tmpfs" "$out"
assert_eq "/dev/stdout is this process's fd 1" /proc/self/fd/1 "$(nsrun run "$root" readlink /dev/stdout)"
out=$(on_terminal "'$NSCHROOT' run '$root' sh -c 'test -c /dev/console && test /dev/console -ef \$(tty) && echo console'")
assert_eq "/dev/console is the box's terminal when the caller has one" console "$out"
# Compared without /dev/pts, whose nodes come and go with other terminals.
assert_eq "--dev=host binds the host's /dev" "$(ls /dev)" "$(nsrun run --dev=host "$root" ls /dev)"

# /sys: the host's, read-only.
out=$(nsrun run "$root" sh -c 'grep " /sys " /proc/self/mounts | cut -d" " -f4 | cut -d, -f1')
assert_eq "/sys is mounted read-only" ro "$out"

# resolv.conf: the host's, read-only.
if [ -r /etc/resolv.conf ]; then
	assert_eq "/etc/resolv.conf is the host's" "$(cat /etc/resolv.conf)" "$(nsrun run "$root" cat /etc/resolv.conf)"
	assert_status "/etc/resolv.conf is read-only" 1 nsrun run "$root" sh -c 'echo x >> /etc/resolv.conf'
else
	ok "the host has no /etc/resolv.conf # SKIP nothing to share"
	ok "the host has no /etc/resolv.conf # SKIP nothing to share"
fi
check "the empty resolv.conf mount point stays in the rootfs" test -f "$root/etc/resolv.conf" -a ! -s "$root/etc/resolv.conf"

# The locked mounts (remount tests live in hostile-escape too).
assert_status "the guest cannot remount /sys read-write" 1 nsrun run "$root" mount -o remount,bind,rw /sys

out=$(nsrun run -e SECRET=hunter2 "$root" sh -c 'cat /proc/1/cmdline; echo " ran"' | tr '\0' ' ')
assert_no_match "the guest cannot read nschroot's command line from /proc/1/cmdline" "$root|hunter2" "$out"
assert_match "... (the box ran the look)" " ran$" "$out"
err=$(nsrun run --read-only "$root/root" true 2>&1)
assert_match "--read-only makes no missing mount point in the rootfs" \
	"^nschroot: cannot make '/proc' inside the rootfs: Read-only file system" "$err"
check "--read-only wrote nothing" test ! -e "$root/root/proc"
# User namespaces refused: a namespace whose user.max_user_namespaces is 0
# (auto mode falls back to proot there: tests/integration/proot.sh).
err=$(unshare -U -r sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" run --backend=ns "$1" true' "$NSCHROOT" "$root" 2>&1)
assert_eq "user namespaces refused: exit 125" 125 $?
assert_match "user namespaces refused: one clear line" \
	"^nschroot: cannot create the sandbox's namespaces: the limit on user namespaces is reached$" "$err"
assert_match "user namespaces refused: the hint names the sysctls" \
	"user.max_user_namespaces and" "$err"
assert_eq "--map=user keeps the caller's uid" "$(id -u)" "$(nsrun run --map=user "$root" id -u)"
assert_eq "the host mount table is unchanged" "$before" "$(host_mounts)"
done_testing
