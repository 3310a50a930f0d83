#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --map=auto: the caller's subordinate ids, mapped by the system's newuidmap
# and newgidmap. run on a directory (and on one that belongs to the start
# of the range); boxes, whose archive owners and set-id bits are kept, and
# which rm, export and fixup handle under the same map; the fallbacks
# without a range or without the helpers; `nschroot doctor`.
. "$(dirname "$0")/../lib.sh"
require_userns
require_subids
plan 110
export NSCHROOT_HOME="$TMP/store"
root=$TMP/root
make_busybox_rootfs "$root"
work=$TMP/work
mkdir "$work"
before=$(host_mounts)

# Files of subordinate ids are beyond the caller's reach on the host: the
# root of an auto namespace removes them.
remove_subid_files() {
	"$NSCHROOT" run --map=auto --bind "$TMP:/mnt" "$root" rm -rf /mnt/work /mnt/store </dev/null
}
CLEANUP_HOOK=remove_subid_files

# skip_one DESCRIPTION REASON: a test that cannot run here; a failure under
# NSCHROOT_TEST_MUST_WORK=1.
skip_one() {
	if [ "${NSCHROOT_TEST_MUST_WORK:-0}" = 1 ]; then
		not_ok "$1 (cannot run: $2; NSCHROOT_TEST_MUST_WORK=1)"
	else
		ok "$1 # SKIP $2"
	fi
}

# auto ARGS...: nschroot run --map=auto with $work on /mnt.
auto() { nsrun run --map=auto --bind "$work:/mnt" "$@"; }

# --- run on a directory ------------------------------------------------------
assert_eq "the caller is root inside" 0 "$(auto "$root" id -u)"
auto "$root" sh -c 'touch /mnt/f && chown 42:43 /mnt/f'
assert_eq "chown to 42:43 inside exits 0" 0 $?
assert_eq "... and the file belongs to the range's start+41:+42 on the host" \
	"$((SUBUID + 41)):$((SUBGID + 42))" "$(stat -c %u:%g "$work/f")"
assert_eq "... and to 42:43 inside" "42:43" "$(auto "$root" stat -c %u:%g /mnt/f)"
assert_eq "the caller's own files belong to root inside" "0:0" "$(auto "$root" stat -c %u:%g /mnt)"
assert_eq "--uid=42 --gid=43 are real ids" "42 43 43" \
	"$(auto --uid=42 --gid=43 "$root" sh -c 'echo $(id -u) $(id -g) $(id -G)')"
assert_eq "--uid=42 has no capability left" "CapEff:	0000000000000000" \
	"$(auto --uid=42 "$root" grep CapEff /proc/self/status)"
# The caller's supplementary groups are kept (Charliecloud's chtest,
# fs_perms): a file whose group denies one of them stays denied in the box,
# one that grants it stays readable. They show as the overflow group. Such
# a file of another owner is made by a subordinate id in a set-group-ID
# directory of that group, whose files inherit it. CI puts its user in a
# second group.
g=$(id -G | tr ' ' '\n' | grep -vx "$(id -g)" | head -n 1)
if [ -n "$g" ]; then
	assert_match "auto: the command holds the caller's supplementary groups" \
		"^Groups:.*65534" "$(auto "$root" grep Groups: /proc/self/status)"
	mkdir "$work/g" && chgrp "$g" "$work/g" && chmod 2777 "$work/g"
	auto --uid=1000 --gid=1000 "$root" sh -c \
		'echo secret >/mnt/g/deny && chmod 604 /mnt/g/deny && echo shared >/mnt/g/allow && chmod 640 /mnt/g/allow'
	assert_eq "... the files belong to another owner, in the caller's group $g" \
		"$((SUBUID + 999)):$g $((SUBUID + 999)):$g" \
		"$(stat -c %u:%g "$work/g/deny" "$work/g/allow" | tr '\n' ' ' | sed 's/ $//')"
	assert_match "auto: root inside is denied a file that denies group $g" "Permission denied" \
		"$(auto "$root" cat /mnt/g/deny 2>&1)"
	assert_eq "auto: root inside reads a file that group $g alone may read" shared \
		"$(auto "$root" cat /mnt/g/allow 2>&1)"
else
	for t in "the command holds the caller's supplementary groups" "the files are made" \
		"a group-denied file is denied" "a group-granted file is readable"; do
		skip_one "auto: $t" "$(id -un) has no supplementary group"
	done
fi
# Auto mode maps init's nested namespace through a child left behind
# (nested.c), for which init is dumpable for a moment: by the time the
# command runs, the child is reaped and init is undumpable, its command
# line wiped.
assert_eq "auto: init is the only nschroot process in the box" 1 \
	"$(auto "$root" sh -c 'grep -lx nschroot /proc/[0-9]*/comm | wc -l')"
assert_eq "auto: the guest cannot list init's descriptors" denied \
	"$(auto "$root" sh -c 'ls /proc/1/fd >/dev/null 2>&1 && echo listed || echo denied')"
assert_no_match "auto: the guest cannot read nschroot's command line" "$root|hunter2" \
	"$(auto -e SECRET=hunter2 "$root" cat /proc/1/cmdline | tr '\0' ' ')"
assert_eq "setgroups is allowed: su to nobody works" 65534 \
	"$(auto "$root" su -s /bin/sh nobody -c 'id -u' 2>&1)"
assert_no_match "control: in root mode without fake root, su fails" "^65534$" \
	"$(nsrun run --fakeroot=none "$root" su -s /bin/sh nobody -c 'id -u' 2>&1)"
err=$(auto --uid=70000 "$root" true 2>&1)
assert_eq "--uid outside the map: 125" 125 $?
assert_match "... saying so" "^nschroot: uid 70000 is not mapped in this sandbox \(auto mode maps 0-[0-9]+\)$" "$err"
assert_status "--fakeroot=seccomp with --uid=42 in auto mode: 125" 125 \
	auto --fakeroot=seccomp --uid=42 "$root" true
assert_eq "the rootfs's read-only mounts stay locked" locked \
	"$(auto "$root" sh -c 'mount -o remount,bind,rw /sys 2>/dev/null && echo rw || echo locked')"
# The kernel shows devpts' gid as the initial namespace sees it.
assert_match "devpts has the tty group (gid 5 is mapped)" "gid=$((SUBGID + 4))," \
	"$(auto "$root" grep devpts /proc/mounts)"
assert_eq "nothing appears in the host's mount table" "$before" "$(host_mounts)"

# --- a directory that belongs to the start of the range ----------------------
cp -a "$root" "$work/sub"
auto "$root" chown -R 1:1 /mnt/sub
assert_eq "a tree of the range's start (as mmdebstrap --mode=unshare makes)" \
	"$SUBUID:$SUBGID" "$(stat -c %u:%g "$work/sub")"
assert_eq "runs in auto mode by default, its owner root inside" "0 0:0" \
	"$(nsrun run "$work/sub" sh -c 'echo $(id -u) $(stat -c %u:%g /bin/busybox)')"
nsrun run "$work/sub" touch /etc/made
assert_eq "files made there belong to the range's start on the host" "$SUBUID" \
	"$(stat -c %u "$work/sub/etc/made")"
assert_eq "with --map=root its files belong to nobody" 65534 \
	"$(nsrun run --map=root "$work/sub" stat -c %u /bin/busybox)"

# --- without a range, without the helpers ------------------------------------
: >"$TMP/empty"
err=$(NSCHROOT_SUBUID_FILE=$TMP/empty nsrun run --map=auto "$root" true 2>&1)
assert_eq "no range: --map=auto fails with 125" 125 $?
assert_match "... naming the file" "^nschroot: --map=auto: $(id -un) has no range in $TMP/empty$" "$err"
assert_match "... and usermod --add-subuids" "^hint: usermod --add-subuids [0-9]+-[0-9]+ --add-subgids" "$err"
# A range /etc/subuid does not grant: newuidmap itself refuses it.
echo "$(id -un):$((SUBUID + 70000)):10" >"$TMP/ungranted"
err=$(NSCHROOT_SUBUID_FILE=$TMP/ungranted nsrun run --map=auto "$root" true 2>&1)
assert_eq "a range not granted: 125" 125 $?
assert_match "... with newuidmap's own words" \
	"^nschroot: cannot map the subordinate ids: newuidmap: .*not allowed$" "$err"
assert_eq "... each hint line fits 80 columns" "" "$(printf '%s\n' "$err" | grep '^hint' | awk 'length > 80')"
err=$(PATH=/nonexistent nsrun run --map=auto "$root" true 2>&1)
assert_eq "no newuidmap: --map=auto fails with 125" 125 $?
assert_eq "... every line fits 80 columns" "" "$(printf '%s\n' "$err" | awk 'length > 80')"
assert_match "... naming the uidmap package" "^hint: install the uidmap package" "$err"

tar -C "$root" --owner=0 --group=0 --numeric-owner -cf "$TMP/bb.tar" .
gzip -k "$TMP/bb.tar"
assert_status "no range: create --map=auto fails with 125" 125 \
	env NSCHROOT_SUBUID_FILE="$TMP/empty" "$NSCHROOT" create --map=auto nr "$TMP/bb.tar.gz"
assert_eq "... and leaves no box" "" "$(ls -A "$TMP/store/boxes" 2>/dev/null)"
NSCHROOT_SUBUID_FILE=$TMP/empty nsrun create --progress=never nr "$TMP/bb.tar.gz" >/dev/null
assert_match "no range: create falls back to root mode" "^map: root$" "$(nsrun info nr)"
PATH=/nonexistent nsrun create --progress=never nh "$TMP/bb.tar.gz" >/dev/null
assert_match "no newuidmap: create falls back to root mode" "^map: root$" "$(nsrun info nh)"
err=$(setpriv --no-new-privs "$NSCHROOT" create --progress=never nn "$TMP/bb.tar.gz" 2>&1 >/dev/null)
assert_match "under no_new_privs (set-id helpers cannot work): root mode" "^map: root$" "$(nsrun info nn)"
err=$(NSCHROOT_SUBUID_FILE=$TMP/ungranted nsrun create --progress=never ng "$TMP/bb.tar.gz" 2>&1 >/dev/null)
assert_match "a range newuidmap refuses: create tries it and falls back to root mode" "^map: root$" \
	"$(nsrun info ng)"
assert_match "... with a warning" "^nschroot: warning: auto mode does not work here: " "$err"
assert_match "... and a hint" "^hint: the box is made in root mode; --map=auto makes this an error$" "$err"
nsrun rm nr nh nn ng
assert_status "a range newuidmap refuses: create --map=auto fails with 125" 125 \
	env NSCHROOT_SUBUID_FILE="$TMP/ungranted" "$NSCHROOT" create --map=auto ng "$TMP/bb.tar.gz"
assert_status "... so does create --map=auto from a directory" 125 \
	env NSCHROOT_SUBUID_FILE="$TMP/ungranted" "$NSCHROOT" create --map=auto ng "$root"
assert_eq "... and they leave no staging directory" "" "$(ls -A "$TMP/store/boxes")"

# A tree of the range's start with a directory only its root may enter:
# create reads it under the full map whatever the box's mode.
auto "$root" sh -c 'mkdir /mnt/sub/root/secret && chown 1:1 /mnt/sub/root/secret &&
	chmod 700 /mnt/sub/root /mnt/sub/root/secret'
nsrun create --map=root --progress=never fromsub "$work/sub" >/dev/null
assert_eq "create --map=root of a subordinate-root tree with private directories" \
	"drwx------ 0 0" "$(nsrun run fromsub stat -c '%A %u %g' /root/secret)"
nsrun rm fromsub

# --- a box: owners and set-id bits kept ----------------------------------------
mkdir -p "$TMP/extra/data42"
echo x >"$TMP/extra/data42/file"
chmod 700 "$TMP/extra/data42"
echo x >"$TMP/extra/suid"
echo x >"$TMP/extra/sgid"
mkdir "$TMP/extra/sgdir"
echo x >"$TMP/extra/sgdir/rootfile"
echo x >"$TMP/extra/outside"
tar -C "$TMP/extra" -rf "$TMP/bb.tar" --owner=42 --group=42 --numeric-owner ./data42
tar -C "$TMP/extra" -rf "$TMP/bb.tar" --owner=0 --group=0 --numeric-owner --mode=4755 ./suid
tar -C "$TMP/extra" -rf "$TMP/bb.tar" --owner=1234 --group=42 --numeric-owner --mode=2750 ./sgid
tar -C "$TMP/extra" -rf "$TMP/bb.tar" --owner=0 --group=42 --numeric-owner --mode=2775 \
	--no-recursion ./sgdir
tar -C "$TMP/extra" -rf "$TMP/bb.tar" --owner=0 --group=0 --numeric-owner ./sgdir/rootfile
tar -C "$TMP/extra" -rf "$TMP/bb.tar" --owner=70000 --group=70001 --numeric-owner ./outside
gzip -c "$TMP/bb.tar" >"$TMP/owners.tar.gz"
out=$(nsrun create --progress=never bb "$TMP/owners.tar.gz" 2>"$TMP/create.err")
assert_eq "create (auto by default here) exits 0" 0 $?
assert_match "its summary counts the owner out of range, and names the map" \
	"1 owned by root for want of a mapped id; map auto" "$out"
assert_match "... with one warning" "'./outside': its owner is outside the mapped ids" "$(cat "$TMP/create.err")"
assert_no_match "... and, in auto mode, no note on what root mode cannot do" "note:" "$(cat "$TMP/create.err")"
assert_match "box.conf records the ranges" "^subuids=$SUBUID:[0-9]+$" "$(cat "$TMP/store/boxes/bb/box.conf")"
assert_match "info shows them" "^subgids: $SUBGID:[0-9]+$" "$(nsrun info bb)"
assert_match "list shows an auto box" "^bb +auto +busybox " "$(nsrun list)"
assert_eq "an archive owner of 42 is the range's start+41 on the host" "$((SUBUID + 41))" \
	"$(stat -c %u "$TMP/store/boxes/bb/rootfs/data42")"
assert_eq "... and 42 inside, mode kept" "42:42:700" "$(nsrun run bb stat -c %u:%g:%a /data42)"
assert_eq "set-id bits are kept" 4755 "$(nsrun run bb stat -c %a /suid)"
assert_eq "a set-group-id file of 1234:42 keeps its owner, group and bit" "1234:42:2750" \
	"$(nsrun run bb stat -c %u:%g:%a /sgid)"
assert_eq "a set-group-id directory of group 42 keeps both" "0:42:2775" \
	"$(nsrun run bb stat -c %u:%g:%a /sgdir)"
assert_eq "... and root's file in it stays root's group" "0:0" \
	"$(nsrun run bb stat -c %u:%g /sgdir/rootfile)"
assert_eq "a file in a directory of 42 belongs to 42, mode kept" \
	"42:42:$(stat -c %a "$TMP/extra/data42/file")" "$(nsrun run bb stat -c %u:%g:%a /data42/file)"
assert_eq "an owner outside the range becomes root" "0:0" "$(nsrun run bb stat -c %u:%g /outside)"
assert_status "the box refuses --map=root: 125" 125 nsrun run --map=root bb true
nsrun export --progress=never bb "$TMP/bb-export.tar.gz"
assert_match "export gives the inside owners" "^drwx------ 42/42 .* \./data42/$" \
	"$(tar -tvzf "$TMP/bb-export.tar.gz" --numeric-owner)"
nsrun create --progress=never bb2 "$TMP/bb-export.tar.gz" >/dev/null
assert_eq "a box created from the export keeps them" "42:42" "$(nsrun run bb2 stat -c %u:%g /data42)"
nsrun fixup --undo bb >/dev/null
# An /etc of uid 42, mode 755: only a writer of the box's map can write in it.
nsrun run bb chown 42:42 /etc
assert_eq "fixup in an auto box whose /etc belongs to a subordinate id" "Applied to 'bb': hosts" \
	"$(nsrun fixup bb 2>&1)"
assert_eq "... writes files that belong to root inside" 0 "$(nsrun run bb stat -c %u /etc/hosts)"
rm -rf "$TMP/store/boxes/bb/rootfs/data42" 2>/dev/null
assert_eq "control: the caller cannot remove a subordinate directory on the host" 0 \
	"$(nsrun run bb test -d /data42; echo $?)"
# An rm that fails half-way: with box.conf saying root mode, the map has no
# id for what belongs to the range (/etc and data42 here): the tree cannot
# all go, for real. What is left comes back under its name, marked.
sed -i 's/^map=auto$/map=root/' "$TMP/store/boxes/bb/box.conf"
err=$(nsrun rm bb 2>&1)
assert_eq "rm that cannot remove files of unmapped ids: 125" 125 $?
assert_match "... names what it could not remove" "^nschroot: cannot remove box 'bb': cannot [^:]+ 'rootfs/[^']+': Permission denied" "$err"
assert_match "... and says the box is back, and how to finish" \
	"^hint: what is left of it is back as 'bb', half-removed; once the cause is" "$err"
assert_eq "the box is back under its name, no hidden directory left" "bb bb2" \
	"$(ls -A "$TMP/store/boxes" | tr '\n' ' ' | sed 's/ $//')"
check "... marked in its box.conf" grep -qx half-removed=yes "$TMP/store/boxes/bb/box.conf"
assert_match "list shows it, half-removed" "^bb +root .*\(half-removed: nschroot rm finishes it\)$" "$(nsrun list)"
assert_match "list --json too" '"name": "bb", [^}]*"half_removed": true' "$(nsrun list --json)"
assert_match "info too" "^state: half-removed" "$(nsrun info bb)"
err=$(nsrun run bb true 2>&1)
assert_eq "run refuses a half-removed box: 125" 125 $?
assert_eq "... saying so, and how to finish" "nschroot: box 'bb' is half-removed
hint: 'nschroot rm bb' finishes removing it" "$err"
sed -i 's/^map=root$/map=auto/' "$TMP/store/boxes/bb/box.conf"
nsrun rm bb
assert_eq "once the cause is gone, rm NAME finishes it" "0 bb2" "$? $(ls -A "$TMP/store/boxes")"
nsrun rm bb2
assert_eq "rm removes the boxes, subordinate files and all" "" "$(ls -A "$TMP/store/boxes")"

# --- hostile tarballs through create, under the full map ------------------------
# (archive-extract.sh tries every form on the helper; here the confinement
# that create sets up for auto mode is what is tried.)
outside=$TMP/outside
mkdir "$outside"
# hostile_tar FILE ENTRY...: ENTRY is TYPE:NAME[:LINK]; every entry owned
# by 42 (tests/fixtures/mktar.py makes it).
hostile_tar() {
	file=$1
	shift
	set -- "$file" $(for e in "$@"; do
		printf '%s\n' "$e" | awk -F: '{ printf "%s|%s|%s|%s||42\n", $1, $2, $3, ($1 == "file" ? "pwned" : "") }'
	done)
	python3 "$FIXTURES/mktar.py" "$@"
}
i=0
for entries in "file:../escape" "symlink:lnk:$outside file:lnk/pwned" \
	"hardlink:passwd:/etc/passwd" "dir:d symlink:d:$outside file:d/pwned"; do
	i=$((i + 1))
	hostile_tar "$TMP/hostile$i.tar" $entries
	err=$(nsrun create --progress=never h$i "$TMP/hostile$i.tar" 2>&1)
	assert_eq "hostile tarball $i ($entries): 125" 125 $?
	assert_eq "... nothing written outside, no box and no staging left" "|" \
		"$(ls -A "$outside")|$(ls -A "$TMP/store/boxes")"
done

# The extractor's view while it works: its mount namespace holds one mount,
# the staging directory, as its root. (pid 1's trick does not apply: the
# helper is dumpable, and its namespace is the caller's to inspect.) In
# mountinfo, field 5 is where a mount is, as its reader sees it; field 4
# is which directory of its file system it shows: the staging directory's
# path less the mount point of the file system that holds it, after that
# mount's own root. That is the host's path only where a file system's
# root is mounted on / (with /tmp a tmpfs, as on Debian 13, it is not).
boxes=$(realpath "$TMP/store/boxes")
# The last of mounts stacked on one point is the one seen there.
fs_target=$(findmnt -n -o TARGET -T "$boxes" | tail -n 1)
fs_root=$(findmnt -n -o FSROOT -T "$boxes" | tail -n 1)
case $fs_target in
/) in_fs=${fs_root%/}$boxes ;;
*) in_fs=${fs_root%/}${boxes#"$fs_target"} ;;
esac
# The archive is held back, in a FIFO that this shell keeps open for
# writing, until the helper, create's child (not another suite's, run by
# the same user), has confined itself: no race with a fixed wait.
mkfifo "$TMP/feed"
exec 3<>"$TMP/feed"
"$NSCHROOT" create --progress=never slow - <"$TMP/feed" >/dev/null 2>&1 &
create=$!
mounts=
for i in $(seq 400); do
	helper=$(pgrep -P "$create" -x nschroot-archiv) &&
		mounts=$(cat "/proc/$helper/mountinfo" 2>/dev/null) &&
		[ "$(printf '%s\n' "$mounts" | wc -l)" -eq 1 ] && break
	sleep 0.05
done
staging=$(cd "$boxes" && echo .slow.*)
assert_eq "the confined extractor sees one mount" 1 \
	"$(printf '%s' "$mounts" | grep -c .)"
assert_eq "... at / (mountinfo's field 5)" / "$(printf '%s\n' "$mounts" | cut -d' ' -f5)"
assert_eq "... showing the staging directory (field 4, its path in its file system)" \
	"$in_fs/$staging/rootfs" "$(printf '%s\n' "$mounts" | cut -d' ' -f4)"
cat "$TMP/bb.tar" >&3
exec 3>&-
wait "$create"
nsrun rm slow

# --- doctor --------------------------------------------------------------------
out=$("$NSCHROOT" doctor)
assert_eq "doctor exits 0 here" 0 $?
assert_no_match "... with no FAIL" "^FAIL" "$out"
assert_match "... and auto mode tried" "^OK    auto mode: newuidmap and newgidmap mapped [0-9]+ uids" "$out"
assert_no_match "... so no word of root mode" "root mode:" "$out"
# Landlock's ABI as the kernel tells it (landlock_create_ruleset, 444 on
# every architecture, with LANDLOCK_CREATE_RULESET_VERSION).
abi=$(python3 -c 'import ctypes; print(max(ctypes.CDLL(None).syscall(444, None, 0, 1), 0))')
if [ "$abi" -ge 6 ]; then
	assert_match "doctor reports Landlock's ABI, $abi here: abstract sockets and signals scoped" \
		"^OK    landlock: ABI $abi: abstract UNIX sockets and signals are scoped: .*(X11, D-Bus)" "$out"
else
	assert_match "doctor reports Landlock's ABI, $abi here: runs go on without scoping" \
		"^WARN  landlock: .*runs go on without it" "$out"
fi
# ping with the host network: the caller's gid in net.ipv4.ping_group_range.
set -- $(cat /proc/sys/net/ipv4/ping_group_range)
if [ "$1" -le "$(id -g)" ] && [ "$(id -g)" -le "$2" ]; then
	assert_match "doctor: ping_group_range $1-$2 holds gid $(id -g)" \
		"^OK    ping: net.ipv4.ping_group_range=$1 $2 holds your gid $(id -g): ping works" "$out"
else
	assert_match "doctor: ping_group_range $1-$2 does not hold gid $(id -g)" \
		"^WARN  ping: net.ipv4.ping_group_range=$1 $2 does not hold your gid $(id -g): ping fails" "$out"
fi
# Each verdict in a network namespace of the caller's own, whose range is
# "1 0", no group, until its root sets it; and the kernel's own answer
# there: a ping socket, or EACCES.
ping_socket='import socket
try:
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP); print("opens")
except PermissionError:
    print("refused")'
for r in "" "0 0"; do
	got=$(unshare -U -r -n sh -c '{ [ -z "$1" ] || echo "$1" >/proc/sys/net/ipv4/ping_group_range; } &&
		"$0" doctor | grep "^[A-Z]* *ping:" && python3 -c "$2"' "$NSCHROOT" "$r" "$ping_socket")
	case $r in
	"0 0") want="^OK    ping: net.ipv4.ping_group_range=0 0 holds your gid 0: ping works.*opens$" ;;
	*) want="^WARN  ping: .* does not hold your gid 0: ping fails.*refused$" ;;
	esac
	assert_match "doctor's ping verdict with ping_group_range=\"${r:-1 0}\", as the kernel's" \
		"$want" "$(printf '%s' "$got" | tr '\n' ' ')"
done
out=$(NSCHROOT_SUBUID_FILE=$TMP/empty "$NSCHROOT" doctor)
assert_eq "doctor without a range still exits 0 (root mode works)" 0 $?
assert_match "... and warns" "^WARN  subordinate ids: " "$out"
assert_match "... that in root mode set*id calls are silent no-ops" \
	"^WARN  root mode: su, set-id programs .*\\(sudo, PostgreSQL's initdb\\) stay root without a word: their set\\*id calls are made no-ops$" "$out"
# Ranges of other users, one in each file, adjacent to the blocks around
# them: the block offered is free in both.
printf 'alice:131072:65536\n# bob:262144:65536\n' >"$TMP/subuid-taken"
printf 'bob:100000:65536\ncarol:196608:1\n' >"$TMP/subgid-taken"
out=$(NSCHROOT_SUBUID_FILE=$TMP/subuid-taken NSCHROOT_SUBGID_FILE=$TMP/subgid-taken "$NSCHROOT" doctor)
assert_match "... and offers a range that no line of either file holds" \
	"^      usermod --add-subuids 262144-327679 --add-subgids 262144-327679 $(id -un)$" "$out"
err=$(NSCHROOT_SUBUID_FILE=$TMP/subuid-taken NSCHROOT_SUBGID_FILE=$TMP/subgid-taken \
	nsrun run --map=auto "$root" true 2>&1)
assert_match "run --map=auto without a range offers the same" \
	"^hint: usermod --add-subuids 262144-327679 --add-subgids 262144-327679 $(id -un)$" "$err"
out=$(PATH=/nonexistent "$NSCHROOT" doctor)
assert_match "doctor without newuidmap: root mode, and the uidmap package" \
	"WARN  root mode: .*no-ops.      hint: auto mode fixes it, with newuidmap and newgidmap: apt-get install uidmap" \
	"$(printf '%s' "$out" | tr '\n' ' ')"
# The caller's name, which lines of /etc/subuid may give instead of the
# uid: from the passwd file first, then from getent (NSS), which this
# static binary cannot do itself.
me=$(id -un)
printf 'alias:x:%s:%s::/:/bin/sh\n' "$(id -u)" "$(id -g)" >"$TMP/passwd-alias"
: >"$TMP/passwd-empty"
printf 'alias:200000:65536\n%s:300000:65536\n' "$me" >"$TMP/subid-names"
out=$(NSCHROOT_PASSWD_FILE=$TMP/passwd-alias NSCHROOT_SUBUID_FILE=$TMP/subid-names \
	NSCHROOT_SUBGID_FILE=$TMP/subid-names "$NSCHROOT" doctor)
assert_match "doctor takes the caller's name from the passwd file first" \
	"^OK    subordinate ids: alias: uids 200000:65536 \(65536\)" "$out"
out=$(NSCHROOT_PASSWD_FILE=$TMP/passwd-empty NSCHROOT_SUBUID_FILE=$TMP/subid-names \
	NSCHROOT_SUBGID_FILE=$TMP/subid-names "$NSCHROOT" doctor)
assert_match "... and from getent when the file does not have the caller" \
	"^OK    subordinate ids: $me: uids 300000:65536 \(65536\)" "$out"
out=$(NSCHROOT_PROOT=/nonexistent/proot unshare -U -r sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" doctor' "$NSCHROOT")
assert_eq "doctor where user namespaces are refused and there is no proot exits 1" 1 $?
assert_match "... with a line naming the sysctl" \
	"^WARN  user namespaces: refused, the limit is reached \(user.max_user_namespaces=0" "$out"
assert_match "... and a FAIL: no backend is left" \
	"^FAIL  backend: auto picks proot: user.max_user_namespaces is 0" "$out"
done_testing
