#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `nschroot create NEW --from BOX`: in auto mode (owners of subordinate ids,
# a set-id file of such an owner, hard links, an absolute symlink, a FIFO,
# a user.* xattr, a file capability) and in root mode, the copy equals its
# source (export listings with numeric owners, modes and times; contents;
# xattrs), diverges from it, outlives its rm; an interrupted copy leaves
# nothing; the usage errors; the Debian box copied whole.
. "$(dirname "$0")/../lib.sh"
require_userns
require_subids
plan 45
export NSCHROOT_HOME="$TMP/store"
boxes=$TMP/store/boxes

# Files of subordinate ids are beyond the caller's reach on the host.
remove_store() { [ -d "$boxes" ] && for b in $(ls "$boxes"); do "$NSCHROOT" rm --force "$b" >/dev/null 2>&1; done; }
CLEANUP_HOOK=remove_store

# skip_one DESCRIPTION REASON: a test that cannot run here; a failure under
# NSCHROOT_TEST_MUST_WORK=1.
skip_one() {
	if [ "${NSCHROOT_TEST_MUST_WORK:-0}" = 1 ]; then
		not_ok "$1 (cannot run: $2; NSCHROOT_TEST_MUST_WORK=1)"
	else
		ok "$1 # SKIP $2"
	fi
}

# listing BOX: its export's entries, sorted, with numeric owners, modes and
# times to the second; a hard link shown as the file it is (which name of
# a pair tar stores first follows the directory's order), sizes left to
# contents.
listing() {
	"$NSCHROOT" export --format=tar --compress=none --progress=never "$1" - </dev/null |
		tar --numeric-owner --full-time -tvf - |
		sed -E 's/^h/-/; s/ link to .*$//' | awk '{ $3 = ""; print }' | sort
}
# contents BOX: the checksum of every regular file, seen inside.
contents() { nsrun run "$1" sh -c 'cd / && find . -xdev -type f -exec md5sum {} + | sort -k 2'; }
# xattr FILE NAME: the value of an xattr, in hex, read from the host.
xattr() { python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], sys.argv[2], follow_symlinks=False).hex())' "$1" "$2" 2>/dev/null; }

tree=$TMP/tree
make_busybox_rootfs "$tree"
tar -C "$tree" -czf "$TMP/bb.tar.gz" .

# --- auto mode ----------------------------------------------------------------
nsrun create --map=auto --progress=never bb "$TMP/bb.tar.gz" >/dev/null ||
	skip_all "cannot create the busybox box in auto mode"
nsrun run bb sh -c '
	mkdir -p /data/sub && echo hello >/data/odd && chown 1234:2345 /data/odd &&
	echo "#!/bin/sh" >/data/suid && chown 1001:1002 /data/suid && chmod 6750 /data/suid &&
	ln /data/odd /data/sub/odd-link && ln -s /etc/passwd /data/passwd &&
	mkfifo /data/fifo && chown 7:8 /data/fifo && chown 99:98 /data/sub && chmod 0700 /data/sub &&
	echo mine >/data/mine'
assert_eq "the box is prepared inside" 0 $?
src=$boxes/bb/rootfs
have_xattrs=false
python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.nschroot", b"v1")' "$src/data/mine" 2>/dev/null &&
	have_xattrs=true
have_cap=false
command -v setcap >/dev/null && unshare -U -r setcap cap_net_raw+ep "$src/data/mine" 2>/dev/null &&
	have_cap=true

out=$(nsrun create --progress=never bb2 --from bb)
assert_eq "create --from exits 0" 0 $?
assert_match "it says what it copied" "^Created box 'bb2' from 'bb' \(busybox\): [0-9]+ entries, [0-9]+ bytes, (reflinked|copied); map auto$" "$out"
conf=$(cat "$boxes/bb2/box.conf")
assert_match "box.conf: the source box" "^source=box:bb$" "$conf"
assert_eq "box.conf: the same map and ranges" \
	"$(grep -E '^(map|subuids|subgids|os-id|arch|fixups)=' "$boxes/bb/box.conf")" \
	"$(grep -E '^(map|subuids|subgids|os-id|arch|fixups)=' "$boxes/bb2/box.conf")"
assert_match "box.conf: a size" "^size=[0-9]+$" "$conf"
assert_eq "the copy's export listing is the source's" "$(listing bb)" "$(listing bb2)"
assert_eq "its contents are the source's" "$(contents bb)" "$(contents bb2)"
assert_eq "owners of subordinate ids and set-id bits are kept" "6750 1001 1002 1234 2345" \
	"$(nsrun run bb2 sh -c 'stat -c "%a %u %g" /data/suid; stat -c "%u %g" /data/odd' | tr '\n' ' ' | sed 's/ $//')"
assert_eq "... as the host sees them" "$((SUBUID + 1233))" "$(stat -c %u "$boxes/bb2/rootfs/data/odd")"
assert_eq "a hard link stays one" "2 2 same" \
	"$(nsrun run bb2 sh -c 'set -- $(stat -c "%h %i" /data/odd /data/sub/odd-link)
		[ "$2" = "$4" ] && echo "$1 $3 same"')"
assert_eq "an absolute symlink stays a link" "/etc/passwd" "$(readlink "$boxes/bb2/rootfs/data/passwd")"
assert_eq "a FIFO stays a FIFO with its owner" "fifo 7:8" \
	"$(nsrun run bb2 stat -c '%F %u:%g' /data/fifo | sed 's/.*fifo/fifo/')"
assert_eq "a mode-700 directory of another owner is copied" "700 99:98" \
	"$(nsrun run bb2 stat -c '%a %u:%g' /data/sub)"
if $have_xattrs; then
	assert_eq "a user.* xattr is copied" "7631" "$(xattr "$boxes/bb2/rootfs/data/mine" user.nschroot)"
else
	skip_one "a user.* xattr is copied" "no python3 or no user xattrs on the store"
fi
if $have_cap; then
	assert_eq "a file capability is copied (after the chown that would clear it)" \
		"$(xattr "$src/data/mine" security.capability)" \
		"$(xattr "$boxes/bb2/rootfs/data/mine" security.capability)"
else
	skip_one "a file capability is copied" "setcap cannot set one here"
fi

# --- independent ----------------------------------------------------------------
nsrun run bb2 sh -c 'echo new >/data/in-copy; rm /data/odd'
nsrun run bb sh -c 'echo new >/data/in-source'
assert_eq "a write in the copy is not in the source" "no" \
	"$(nsrun run bb sh -c '[ -e /data/in-copy ] && echo yes || echo no')"
assert_eq "a removal in the copy leaves the source's file" "hello" "$(nsrun run bb cat /data/odd)"
assert_eq "a write in the source is not in the copy" "no" \
	"$(nsrun run bb2 sh -c '[ -e /data/in-source ] && echo yes || echo no')"
nsrun rm bb2
assert_eq "rm of the copy exits 0" 0 $?
assert_eq "the source still runs" "hello" "$(nsrun run bb cat /data/odd)"
nsrun create --progress=never bb3 --from bb >/dev/null
nsrun rm bb
assert_eq "rm of the source leaves the copy" "hello" "$(nsrun run bb3 cat /data/odd)"
nsrun rm bb3

# --- root mode ------------------------------------------------------------------
nsrun create --map=root --progress=never rb "$TMP/bb.tar.gz" >/dev/null
assert_eq "a root-mode box" 0 $?
rsrc=$boxes/rb/rootfs
mkdir "$rsrc/data" && echo x >"$rsrc/data/f" && ln "$rsrc/data/f" "$rsrc/data/g" &&
	ln -s /etc/passwd "$rsrc/data/passwd" && chmod 4755 "$rsrc/data/f" && mkfifo "$rsrc/data/fifo"
have_cap=false
command -v setcap >/dev/null && unshare -U -r setcap cap_net_raw+ep "$rsrc/bin/busybox" 2>/dev/null &&
	have_cap=true
out=$(nsrun create --progress=never rb2 --from rb)
assert_match "create --from a root-mode box" "^Created box 'rb2' from 'rb' .*; map root$" "$out"
assert_eq "its export listing is the source's" "$(listing rb)" "$(listing rb2)"
assert_eq "its contents are the source's" "$(contents rb)" "$(contents rb2)"
assert_eq "set-user-id kept, hard link kept" "4755 2" "$(stat -c '%a %h' "$boxes/rb2/rootfs/data/f")"
if $have_cap; then
	assert_eq "a file capability is copied" "$(xattr "$rsrc/bin/busybox" security.capability)" \
		"$(xattr "$boxes/rb2/rootfs/bin/busybox" security.capability)"
else
	skip_one "a file capability is copied" "setcap cannot set one here"
fi
assert_match "box.conf: map root" "^map=root$" "$(cat "$boxes/rb2/box.conf")"

# --- usage errors and failures --------------------------------------------------
assert_status "--from a missing box: 125" 125 "$NSCHROOT" create --progress=never x --from nope
out=$("$NSCHROOT" create x --from nope 2>&1 </dev/null)
assert_match "... saying so" "no box named 'nope'" "$out"
out=$("$NSCHROOT" create --from rb x "$TMP/bb.tar.gz" 2>&1)
assert_eq "--from with a SOURCE: a usage error (125)" "125 nschroot: create: --from BOX takes no SOURCE" \
	"$? $(echo "$out" | head -n 1)"
out=$("$NSCHROOT" create x --map=auto --from rb 2>&1)
assert_eq "--from with --map: a usage error, options after NAME too" \
	"125 nschroot: create: --map does not go with --from (a copy keeps its box's)" "$? $(echo "$out" | head -n 1)"
assert_status "--from with --arch: a usage error" 125 "$NSCHROOT" create --arch=arm64 x --from rb
assert_status "--from onto an existing box: 125" 125 "$NSCHROOT" create rb2 --from rb
assert_status "--from a bad name: a usage error" 125 "$NSCHROOT" create x --from ../rb
assert_eq "no box was made by the failures" "rb rb2" "$(ls "$boxes" | tr '\n' ' ' | sed 's/ $//')"

# --- interrupted ----------------------------------------------------------------
for i in 1 2 3 4 5 6; do truncate -s 256M "$rsrc/big$i"; done
# A job of a shell without job control starts with SIGINT ignored.
env --default-signal=INT "$NSCHROOT" create --progress=always big --from rb </dev/null >/dev/null 2>"$TMP/bar" &
kpid=$!
deadline=$(($(date +%s) + 20))
until [ -n "$(ls -A "$boxes"/.big.*/rootfs 2>/dev/null)" ] || [ "$(date +%s)" -ge "$deadline" ]; do sleep 0.02; done
sleep 0.3
kill -INT "$kpid"
wait "$kpid"
assert_eq "SIGINT during the copy: exit 130" 130 $?
assert_eq "... leaves no staging directory and no box" "rb rb2" "$(ls -A "$boxes" | tr '\n' ' ' | sed 's/ $//')"
assert_match "--progress=always draws the bar" "cloning +[0-9]+% \[" "$(tr '\r' '\n' <"$TMP/bar")"
rm -f "$rsrc"/big*

# --- the Debian box, auto mode ------------------------------------------------------
tarball=$(sh "$FIXTURES/make-debian-tarball.sh" 2>/dev/null)
if [ -n "$tarball" ] && nsrun create --progress=never deb "$tarball" >/dev/null; then
	nsrun create --progress=never deb2 --from deb >/dev/null
	assert_eq "the Debian box is copied" 0 $?
	assert_eq "its export listing is the source's" "$(listing deb)" "$(listing deb2)"
	assert_eq "its contents are the source's" "$(contents deb)" "$(contents deb2)"
	assert_eq "su still works in the copy" "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)" \
		"$(nsrun run deb2 su -s /bin/sh nobody -c id 2>&1)"
	assert_eq "su keeps its set-user-id bit" 4755 "$(nsrun run deb2 stat -c %a /usr/bin/su)"
else
	for t in copied listing contents su ping; do
		skip_one "the Debian box: $t" "no Debian tarball (NSCHROOT_TEST_DEBIAN_TARBALL)"
	done
fi
done_testing
