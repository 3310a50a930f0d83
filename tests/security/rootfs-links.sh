#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A hostile root filesystem: the paths nschroot mounts on (/proc, /dev, /sys,
# /etc, /etc/resolv.conf) and /tmp replaced by symlinks to host paths, bind
# destinations through such links and through magic links, dangling
# /etc/resolv.conf links, FIFOs where /etc/passwd and /etc/group should be.
#
# Every mount must land inside the rootfs or not at all. The host target of
# the links is a bait directory, $TMP/outside, that this user could write
# to: after each run it must be exactly as it was, and the host mount table
# too. Absolute links to /proc, /etc, ... must not reach those either; they
# are read-only to this user anyway, so for them the host mount table (and
# /etc/resolv.conf's state) is what proves it.
. "$(dirname "$0")/../lib.sh"
require_userns

base=$TMP/base
root=$TMP/root
outside=$TMP/outside
make_busybox_rootfs "$base"
plan 124
mkdir "$outside" "$TMP/src"
echo data > "$TMP/src/file"
# Enough "../" to climb out of any path here, were ".." not kept in the root.
up=../../../../../../../../..

host_mounts_before=$(host_mounts)
host_resolv_before=$(stat -L -c '%i %s %Y' /etc/resolv.conf 2>/dev/null)

# A fingerprint of the bait directory: every name, type, size and mtime.
outside_state() { (cd "$outside" && find . -printf '%p %y %s %T@\n' | sort); }
outside_before=$(outside_state)

# fresh_root: a pristine copy of the busybox rootfs at $root.
fresh_root() {
	chmod -R u+rwX "$root" 2>/dev/null
	rm -rf "$root"
	cp -a "$base" "$root"
}

# plant PATH TARGET: replace PATH of the rootfs by a symlink to TARGET.
plant() {
	rm -rf "${root:?}/$1"
	mkdir -p "$(dirname "$root/$1")"
	ln -s "$2" "$root/$1"
}

# ns ARGS...: run nschroot with a deadline (a hang is exit 124, a failure);
# sets $status, $out and $err.
ns() {
	timeout 20 "$NSCHROOT" "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
	status=$?
	out=$(cat "$TMP/out")
	err=$(cat "$TMP/err")
}

# The lines nschroot printed as failures (warnings are not failures).
error_lines() { printf '%s\n' "$err" | grep '^nschroot: ' | grep -vc '^nschroot: warning: '; }

# assert_outcome DESCRIPTION 0|125: exit 0 with no failure line, or exit 125
# with exactly one.
assert_outcome() {
	want_lines=0
	[ "$2" = 125 ] && want_lines=1
	if [ "$status" = "$2" ] && [ "$(error_lines)" = "$want_lines" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "expected: exit $2 with $want_lines 'nschroot:' line(s)" \
			"actual:   exit $status; stderr:" "$err"
	fi
}

# assert_untouched DESCRIPTION: the bait directory is as it was.
assert_untouched() { assert_eq "$1" "$outside_before" "$(outside_state)"; }

# assert_no_leak DESCRIPTION: the host mount table is as it was.
assert_no_leak() { assert_eq "$1" "$host_mounts_before" "$(host_mounts)"; }

# --- The mount points as symlinks to host paths ---------------------------
# Resolved inside the rootfs, $TMP/outside does not exist there and /proc
# (say) leads back to the link itself: setup stops with one clear error
# rather than mounting through the link. /etc/resolv.conf is the exception:
# a dangling link there is followed on purpose, and its target created
# inside the rootfs.

# case_link PATH TARGET FORM STATUS WHY
case_link() {
	fresh_root
	plant "$1" "$2"
	ns run "$root" sh -c "touch '/$1/hostile-write' 2>/dev/null; exit 0"
	assert_outcome "/$1 -> $3: $5, exit $4" "$4"
	assert_untouched "/$1 -> $3: nothing created in \$TMP/outside"
	assert_no_leak "/$1 -> $3: the host mount table is unchanged"
}

for p in proc dev sys; do
	case_link $p "$outside" "\$TMP/outside (absolute)" 125 "refused (ENOENT inside the rootfs)"
	case_link $p "$up$outside" "../..\$TMP/outside" 125 "refused (ENOENT inside the rootfs)"
	case_link $p "/$p" "/$p (the host's)" 125 "refused (a link to itself inside the rootfs: ELOOP)"
done
case_link etc "$outside" "\$TMP/outside (absolute)" 125 "refused at /etc/resolv.conf"
case_link etc "$up$outside" "../..\$TMP/outside" 125 "refused at /etc/resolv.conf"
case_link etc /etc "/etc (the host's)" 125 "refused at /etc/resolv.conf (ELOOP)"
check "/etc -> /etc: the unreadable /etc/passwd is a warning, not a failure" \
	grep -q "^nschroot: warning: ignoring '/etc/passwd' of the rootfs" "$TMP/err"

case_link etc/resolv.conf "$outside" "\$TMP/outside (absolute)" 0 \
	"a dangling link, its target created inside the rootfs"
check "/etc/resolv.conf -> \$TMP/outside: the target is a file inside the rootfs" \
	test -f "$root$outside"
case_link etc/resolv.conf "$up$outside" "../..\$TMP/outside" 0 \
	"a dangling link, its target created inside the rootfs"
check "/etc/resolv.conf -> ../..\$TMP/outside: the target is a file inside the rootfs" \
	test -f "$root$outside"
case_link etc/resolv.conf /etc/resolv.conf "/etc/resolv.conf (the host's)" 125 \
	"refused (a link to itself inside the rootfs: ELOOP)"

# nschroot mounts nothing on /tmp: the run works, and the command's own
# writes through the link stay inside the rootfs (where the target is not).
case_link tmp "$outside" "\$TMP/outside (absolute)" 0 "not a mount point of nschroot's"
case_link tmp "$up$outside" "../..\$TMP/outside" 0 "not a mount point of nschroot's"
case_link tmp /tmp "/tmp (the host's)" 0 "not a mount point of nschroot's"
fresh_root
plant tmp "$outside"
ns run "$root" sh -c 'echo x > /tmp/hostile-write'
assert_eq "/tmp -> \$TMP/outside: a write through /tmp by the command fails (exit 1)" 1 "$status"
assert_untouched "/tmp -> \$TMP/outside: the command's write did not reach \$TMP/outside"

# --- The same links, where the target also exists inside the rootfs -------
# Then the mount lands there: inside the rootfs, never on the host path.

# case_inside PATH CHECK-COMMAND WHAT
case_inside() {
	ns run "$root" sh -c "$2"
	assert_outcome "/$1 -> \$TMP/outside, which exists inside too: exit 0, $3" 0
	assert_untouched "/$1 -> \$TMP/outside, which exists inside too: \$TMP/outside untouched"
	assert_no_leak "/$1 -> \$TMP/outside, which exists inside too: host mount table unchanged"
}

for p in proc dev sys; do
	fresh_root
	plant $p "$outside"
	mkdir -p "$root$outside"
	case $p in
	proc) what='a fresh procfs there (pid 1 is init)' test='test -d /proc/1/fd' ;;
	dev) what='the tmpfs /dev there' test='test -c /dev/null' ;;
	sys) what="the host's /sys there" test='test -d /sys/kernel' ;;
	esac
	case_inside $p "$test && grep -q ' $outside ' /proc/self/mountinfo" "$what"
	check "/$p -> \$TMP/outside, which exists inside too: nothing was left in the rootfs' copy" \
		test -z "$(ls -A "$root$outside")"
done

fresh_root
mkdir -p "$root$outside"
cp -a "$base/etc/." "$root$outside/"
plant etc "$outside"
case_inside etc "grep -q ' $outside/resolv.conf ' /proc/self/mountinfo" \
	"/etc/resolv.conf mounted on \$TMP/outside/resolv.conf of the rootfs"
check "/etc -> \$TMP/outside, which exists inside too: resolv.conf was made in the rootfs' copy" \
	test -f "$root$outside/resolv.conf"

fresh_root
mkdir -p "$root$(dirname "$outside")"
: > "$root$outside"
plant etc/resolv.conf "$outside"
case_inside etc/resolv.conf "grep -q ' $outside ' /proc/self/mountinfo" \
	"the host's resolv.conf mounted on the rootfs' \$TMP/outside file"
check "/etc/resolv.conf -> \$TMP/outside (a file inside): that file is still empty" \
	test ! -s "$root$outside"

# --- Bind destinations through links --------------------------------------
fresh_root
plant lnk "$outside"
ns run --bind "$TMP/src:/lnk/x" "$root" cat /lnk/x/file
assert_outcome "--bind SRC:/lnk/x, /lnk -> \$TMP/outside absent inside: refused, exit 125" 125
assert_untouched "--bind SRC:/lnk/x, /lnk -> \$TMP/outside absent inside: \$TMP/outside untouched"

for target in "$outside" "$up$outside"; do
	form='$TMP/outside (absolute)'
	[ "$target" = "$outside" ] || form='../..$TMP/outside'
	fresh_root
	plant lnk "$target"
	mkdir -p "$root$outside"
	ns run --bind "$TMP/src:/lnk/x" "$root" cat /lnk/x/file
	assert_eq "--bind SRC:/lnk/x, /lnk -> $form present inside: exit 0, SRC seen at /lnk/x" \
		"0 data" "$status $out"
	check "--bind SRC:/lnk/x, /lnk -> $form: the destination was made inside the rootfs" \
		test -d "$root$outside/x"
	assert_untouched "--bind SRC:/lnk/x, /lnk -> $form: nothing created in \$TMP/outside"
	assert_no_leak "--bind SRC:/lnk/x, /lnk -> $form: the host mount table is unchanged"
done

# Magic links in /proc lead to the host while the sandbox is being set up:
# init's root and cwd are still the host's (and the cwd is made the bait
# here). They are never followed.
# case_magic DEST SHOWN-AS
case_magic() {
	ns run --bind "$TMP/src:$1" "$root" true
	assert_outcome "--bind SRC:$2 (through a magic link): refused, exit 125" 125
}
fresh_root
here=$(pwd)
cd "$outside" || exit 1
case_magic "/proc/self/root$outside/x" '/proc/self/root$TMP/outside/x'
case_magic /proc/1/cwd/x /proc/1/cwd/x
case_magic /proc/self/fd/0/x /proc/self/fd/0/x
case_magic /dev/fd/1/x /dev/fd/1/x
ns run --tmpfs "/proc/1/root$outside/y" "$root" true
assert_outcome "--tmpfs /proc/1/root\$TMP/outside/y (through a magic link): refused, exit 125" 125
cd "$here" || exit 1
assert_untouched "magic-link destinations: nothing created in \$TMP/outside"
assert_no_leak "magic-link destinations: the host mount table is unchanged"

# --- A dangling /etc/resolv.conf (ubuntu-base ships one) ------------------
host_resolv=$(cat /etc/resolv.conf 2>/dev/null)

# case_dangling TARGET WHERE-CREATED FORM: WHERE-CREATED is the path inside
# the rootfs that must now exist, or "-" for one in /run, the instance's
# own tmpfs, of which nothing may be left in the tree.
case_dangling() {
	fresh_root
	plant etc/resolv.conf "$1"
	ns run "$root" cat /etc/resolv.conf
	assert_eq "/etc/resolv.conf -> $3: exit 0, it reads as the host's" "0 $host_resolv" "$status $out"
	if [ "$2" = - ]; then
		assert_eq "/etc/resolv.conf -> $3: made in the instance's /run, nothing in the tree" \
			"" "$(ls -A "$root/run")"
	else
		check "/etc/resolv.conf -> $3: the target was created inside the rootfs" test -f "$root$2"
	fi
	check "/etc/resolv.conf -> $3: the link itself is left as it was" \
		test "$(readlink "$root/etc/resolv.conf")" = "$1"
}

stub=/run/systemd/resolve/stub-resolv.conf
host_stub_before=$(stat -c '%i %s %Y' "$stub" 2>&1)
case_dangling "$stub" - "$stub (absolute, as ubuntu-base)"
case_dangling "..$stub" - "..$stub (relative)"
assert_eq "the host's own $stub was not touched" "$host_stub_before" "$(stat -c '%i %s %Y' "$stub" 2>&1)"
case_dangling "$outside/stub" "$outside/stub" "\$TMP/outside/stub (absolute, dangling)"
case_dangling "$up$outside/stub" "$outside/stub" "../..\$TMP/outside/stub (relative, dangling)"
assert_untouched "dangling links into \$TMP/outside: nothing created there"

fresh_root
plant etc/resolv.conf /hop1
plant hop1 hop2
plant hop2 "$outside/chained"
ns run "$root" cat /etc/resolv.conf
assert_eq "a chain of dangling links ending at \$TMP/outside: exit 0, host's resolv.conf" \
	"0 $host_resolv" "$status $out"
check "a chain of dangling links: its end was created inside the rootfs" test -f "$root$outside/chained"
assert_untouched "a chain of dangling links: nothing created in \$TMP/outside"

fresh_root
plant etc/resolv.conf /loop1
plant loop1 /loop2
plant loop2 /loop1
ns run "$root" true
assert_outcome "a loop of links at /etc/resolv.conf: refused (ELOOP), exit 125, no hang" 125

# --- FIFOs where files are read ------------------------------------------
# nschroot reads /etc/passwd and /etc/group itself; a FIFO there must
# neither block it (no writer will ever come) nor be taken as the file.
fresh_root
rm "$root/etc/passwd"
mkfifo "$root/etc/passwd"
ns run "$root" sh -c 'echo "$HOME $SHELL"'
assert_eq "a FIFO at /etc/passwd: no hang, the command runs with HOME=/ SHELL=/bin/sh" \
	"0 / /bin/sh" "$status $out"
check "a FIFO at /etc/passwd: a warning says it was ignored" \
	grep -q "^nschroot: warning: ignoring '/etc/passwd' of the rootfs: not a regular file" "$TMP/err"
ns run --uid user "$root" true
assert_outcome "a FIFO at /etc/passwd with --uid user: no hang, 'no such user', exit 125" 125

fresh_root
rm "$root/etc/group"
mkfifo "$root/etc/group"
ns run --gid user "$root" true
assert_outcome "a FIFO at /etc/group with --gid user: no hang, 'no such group', exit 125" 125
assert_match "a FIFO at /etc/group with --gid user: the group is named" \
	"^nschroot: --gid 'user': no such group in the rootfs' /etc/group$" "$err"
ns run --gid 1000 "$root" sh -c 'echo ok'
assert_eq "a FIFO at /etc/group with --gid 1000 (a number): the command runs" "0 ok" "$status $out"

fresh_root
rm -f "$root/etc/resolv.conf"
mkfifo "$root/etc/resolv.conf"
ns run "$root" true
assert_outcome "a FIFO at /etc/resolv.conf: no hang, refused (not a regular file), exit 125" 125

# --- Nothing leaked, overall ----------------------------------------------
assert_no_leak "the host mount table is identical after every run"
assert_eq "the host's /etc/resolv.conf is unchanged" "$host_resolv_before" \
	"$(stat -L -c '%i %s %Y' /etc/resolv.conf 2>/dev/null)"
assert_untouched "\$TMP/outside is as it was at the start"
done_testing
