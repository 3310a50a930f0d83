#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `nschroot remap BOX --map=auto|keep-id`: a busybox box with files of
# several owners (root, 1, 42, the caller's uid, mixed groups), set-id
# files, a hard-linked pair, a symlink and a mode-0700 directory of another
# owner, a file capability written inside, converted to keep-id and back:
# the host ids change as the maps say, the listing inside (owner, group,
# mode, size, links) and the capability stay. An interrupted remap leaves
# a box that refuses to run until the next remap finishes it. The
# refusals, and the move to the caller's current ranges.
. "$(dirname "$0")/../lib.sh"
require_userns
require_subids
plan 84
export NSCHROOT_HOME="$TMP/store"
ME=$(id -u)
MYG=$(id -g)
root=$TMP/root
make_busybox_rootfs "$root"
cp "$NSCHROOT_TEST_HELPERS/fcap" "$root/bin/fcap"
tar -C "$root" --owner=0 --group=0 --numeric-owner -cf "$TMP/bb.tar" .
boxes=$NSCHROOT_HOME/boxes

"$NSCHROOT" create b "$TMP/bb.tar" --map=auto --progress=never >/dev/null </dev/null
assert_eq "an auto box is made" "map=auto" "$(grep '^map=' "$boxes/b/box.conf")"
nsrun run --uid 0 b sh -c "
	mkdir /d && touch /d/f1 /d/f2 /d/f3 /d/f4 &&
	chown 1:1 /d/f1 && chown 42:43 /d/f2 && chown $ME:$MYG /d/f3 && chown 0:$MYG /d/f4 &&
	cp /bin/busybox /d/suid && chown 0:42 /d/suid && chmod 6755 /d/suid &&
	cp /bin/busybox /d/sgid && chown 42:42 /d/sgid && chmod 2755 /d/sgid &&
	ln /d/f2 /d/hl && ln -s /nowhere /d/sym && chown -h 42:43 /d/sym &&
	mkdir /d/priv && echo x >/d/priv/x && chown 42:42 /d/priv /d/priv/x && chmod 700 /d/priv &&
	mkdir /d/sgdir && chown 5:5 /d/sgdir && chmod 2775 /d/sgdir &&
	cp /bin/busybox /d/capf && fcap set /d/capf"
assert_eq "the files are made inside" 0 $?

# listing: every file inside, as uid gid mode size links path (but the
# mount points of /proc, /sys and /dev, whose link counts vary), and the
# capabilities as the box's root reads them.
listing() {
	nsrun run --uid 0 b sh -c 'find / -xdev -exec stat -c "%u %g %a %s %h %n" {} + | sort -k6 |
		grep -Ev " /(proc|sys|dev)$"; fcap get /d/capf /d/suid'
}
# The caller's own entries, which the first keep-id run would add (the
# user fixup), are there from the start: the listings compare the remap
# alone.
nsrun run --uid 0 b sh -c "echo '$(id -un):x:$ME:$MYG::/:/bin/sh' >>/etc/passwd &&
	echo '$(id -gn):x:$MYG:' >>/etc/group"
before=$(listing)
assert_match "the listing holds the set-uid file" "^0 42 6755 [0-9]+ 1 /d/suid$" "$before"
assert_match "... the capability, as revision 2 for the box's root" \
	"^/d/capf 0100000200200000000000000000000000000000$" "$before"
host() { stat -c %u:%g "$boxes/b/rootfs/$1"; }
assert_eq "auto: root's files are the caller's on the host" "$ME:$MYG" "$(host bin/busybox)"
assert_eq "auto: uid $ME inside is a subordinate id" "$((SUBUID + ME - 1)):$((SUBGID + MYG - 1))" \
	"$(host d/f3)"

out=$("$NSCHROOT" remap b --map=keep-id </dev/null 2>&1)
assert_eq "remap to keep-id exits 0" 0 $?
assert_match "... and says so" "^Remapped box 'b' to --map=keep-id: [0-9]+ files" "$out"
assert_eq "box.conf says keep-id" "map=keep-id" "$(grep '^map=' "$boxes/b/box.conf")"
assert_eq "... with no remap left in it" "" "$(grep '^remap-' "$boxes/b/box.conf")"
assert_eq "keep-id: root's files belong to the first subordinate id" "$SUBUID:$SUBGID" \
	"$(host bin/busybox)"
assert_eq "keep-id: uid $ME's files belong to the caller" "$ME:$MYG" "$(host d/f3)"
assert_eq "keep-id: 1:1 is the second subordinate id" "$((SUBUID + 1)):$((SUBGID + 1))" \
	"$(host d/f1)"
assert_eq "keep-id: 42:43 is shifted by one" "$((SUBUID + 42)):$((SUBGID + 43))" "$(host d/f2)"
assert_eq "keep-id: 0:$MYG mixes both" "$SUBUID:$MYG" "$(host d/f4)"
assert_eq "keep-id: the symlink itself is converted" "$((SUBUID + 42)):$((SUBGID + 43))" \
	"$(stat -c %u:%g "$boxes/b/rootfs/d/sym")"
assert_eq "... the link still points where it did" "/nowhere" \
	"$(readlink "$boxes/b/rootfs/d/sym")"
assert_eq "keep-id: the hard links are one inode still" \
	"$(stat -c %i "$boxes/b/rootfs/d/f2")" "$(stat -c %i "$boxes/b/rootfs/d/hl")"
after=$(listing)
assert_eq "keep-id: the listing inside is identical" "$before" "$after"
if [ "$before" != "$after" ]; then
	printf '%s\n' "$before" >"$TMP/before"
	printf '%s\n' "$after" >"$TMP/after"
	diag "$(diff "$TMP/before" "$TMP/after")"
fi
assert_eq "keep-id: the set-id bits survive" "6755 2755" \
	"$(nsrun run --uid 0 b stat -c %a /d/suid /d/sgid | tr '\n' ' ' | sed 's/ $//')"
assert_eq "keep-id: the capability works for the new root (read as revision 2)" \
	"/d/capf 0100000200200000000000000000000000000000" "$(nsrun run --uid 0 b fcap get /d/capf)"
assert_eq "keep-id: the caller is themselves inside" "$ME" \
	"$(nsrun run --uid 0 b stat -c %u /d/f3)"

conf=$(cat "$boxes/b/box.conf")
out=$("$NSCHROOT" remap b --map=keep-id </dev/null 2>&1)
assert_eq "remap to the map it has exits 0" 0 $?
assert_match "... saying so" "^Box 'b' is laid out for --map=keep-id already: nothing to do$" "$out"
assert_eq "... and changes nothing" "$conf" "$(cat "$boxes/b/box.conf")"

out=$("$NSCHROOT" remap --progress=never b --map=auto </dev/null 2>&1)
assert_eq "remap back to auto exits 0" 0 $?
assert_eq "auto again: root's files are the caller's" "$ME:$MYG" "$(host bin/busybox)"
assert_eq "auto again: 42:43 back where it was" "$((SUBUID + 41)):$((SUBGID + 42))" "$(host d/f2)"
assert_eq "auto again: the listing inside is identical" "$before" "$(listing)"

# --- refusals -----------------------------------------------------------------
"$NSCHROOT" run b sh -c 'touch /tmp/up; sleep 30' </dev/null &
runpid=$!
i=0
while [ ! -e "$boxes/b/rootfs/tmp/up" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
out=$("$NSCHROOT" remap b --map=keep-id </dev/null 2>&1)
assert_eq "a box in use: 125" 125 $?
assert_match "... saying so" "^nschroot: box 'b' is in use" "$out"
kill "$runpid"
wait "$runpid" 2>/dev/null
rm -f "$boxes/b/rootfs/tmp/up"
assert_eq "... and nothing changed" "map=auto" "$(grep '^map=' "$boxes/b/box.conf")"

"$NSCHROOT" create r "$TMP/bb.tar" --map=root --progress=never >/dev/null </dev/null
out=$("$NSCHROOT" remap r --map=keep-id </dev/null 2>&1)
assert_eq "a root-mode box: 125" 125 $?
assert_match "... saying remap is for auto and keep-id" \
	"^nschroot: box 'r' is laid out for --map=root: remap converts a box between --map=auto and --map=keep-id$" \
	"$out"
cp -a "$boxes/r" "$boxes/p"
sed -i 's/^map=root$/map=auto/' "$boxes/p/box.conf"
printf 'backend=proot\nsubuids=%s:65536\nsubgids=%s:65536\n' "$SUBUID" "$SUBGID" >>"$boxes/p/box.conf"
out=$("$NSCHROOT" remap p --map=keep-id </dev/null 2>&1)
assert_eq "a box of the proot backend: 125" 125 $?
assert_match "... saying why" "^nschroot: box 'p' runs with the proot backend" "$out"
out=$("$NSCHROOT" remap b --map=root </dev/null 2>&1)
assert_eq "--map=root: 125" 125 $?
assert_match "... a usage error" "^nschroot: remap: invalid --map 'root': expected auto or keep-id$" \
	"$out"
out=$("$NSCHROOT" remap b </dev/null 2>&1)
assert_eq "no --map: 125" 125 $?
assert_match "... a usage error" "^nschroot: remap: expected --map=auto or --map=keep-id$" "$out"
assert_status "no such box: 125" 125 "$NSCHROOT" remap nosuch --map=auto

# --- interrupted --------------------------------------------------------------
# Many files of root (the caller's on the host in auto mode), made on the
# host side, so that the pass lasts past its first progress line; the remap
# is stopped there (its standard error a FIFO read up to the first byte),
# its files checked half converted, then killed.
mkdir "$boxes/b/rootfs/big"
(cd "$boxes/b/rootfs/big" && seq 1 60000 | xargs touch)
mkfifo "$TMP/fifo"
setsid "$NSCHROOT" remap b --map=keep-id --progress=always </dev/null 2>"$TMP/fifo" >/dev/null &
rpid=$!
head -c 1 "$TMP/fifo" >/dev/null
kill -s STOP -- "-$rpid"
old=$(find "$boxes/b/rootfs/big" -type f -user "$ME" | wc -l)
new=$(find "$boxes/b/rootfs/big" -type f -user "$SUBUID" | wc -l)
kill -s KILL -- "-$rpid"
wait "$rpid" 2>/dev/null
check "stopped after its first progress line, some files are converted ($new)" [ "$new" -gt 0 ]
check "... and some are not ($old)" [ "$old" -gt 0 ]
assert_eq "killed, box.conf records the remap" "remap-to=keep-id" \
	"$(grep '^remap-to=' "$boxes/b/box.conf")"
assert_eq "... and the map it had" "map=auto" "$(grep '^map=' "$boxes/b/box.conf")"
out=$("$NSCHROOT" run b true </dev/null 2>&1)
assert_eq "a half-remapped box refuses to run: 125" 125 $?
assert_match "... saying it is half remapped" "^nschroot: box 'b' is half remapped" "$out"
assert_match "... and naming the command that finishes it" "hint: 'nschroot remap b' finishes it" \
	"$out"
assert_status "enter refuses it: 125" 125 "$NSCHROOT" enter b
assert_status "export refuses it: 125" 125 "$NSCHROOT" export b "$TMP/b.tar"
check "... leaving no archive" [ ! -e "$TMP/b.tar" ]
assert_status "create --from refuses it: 125" 125 "$NSCHROOT" create c --from b
assert_status "fixup refuses it: 125" 125 "$NSCHROOT" fixup b --hosts
out=$("$NSCHROOT" remap b --map=auto </dev/null 2>&1)
assert_eq "remap to the other map: 125" 125 $?
assert_match "... saying which remap is under way" \
	"^nschroot: box 'b' is half remapped to --map=keep-id$" "$out"
out=$("$NSCHROOT" info b </dev/null 2>&1)
assert_match "info says it is half remapped" \
	"^state: half remapped to keep-id \(interrupted; 'nschroot remap b' finishes it\)$" "$out"
assert_match "list too" "^b .*\(half remapped: nschroot remap finishes it\)$" \
	"$("$NSCHROOT" list </dev/null 2>&1)"


out=$("$NSCHROOT" remap b </dev/null 2>&1)
assert_eq "the next remap finishes it" 0 $?
assert_match "... to keep-id" "^Remapped box 'b' to --map=keep-id" "$out"
assert_eq "box.conf says keep-id" "map=keep-id" "$(grep '^map=' "$boxes/b/box.conf")"
assert_eq "... the remap gone from it" "" "$(grep '^remap-' "$boxes/b/box.conf")"
check "... and the journal gone" [ ! -e "$boxes/b/remap-journal" ]
assert_eq "every big file converted, once" "60000 0" \
	"$(find "$boxes/b/rootfs/big" -type f -user "$SUBUID" | wc -l) $(find "$boxes/b/rootfs/big" -type f ! -user "$SUBUID" | wc -l)"
# ^C: the pass stops, and nschroot says how to finish it.
"$NSCHROOT" remap b --map=auto --progress=always </dev/null 2>"$TMP/int.err" >/dev/null &
rpid=$!
i=0
while [ ! -s "$TMP/int.err" ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i + 1)); done
kill -s INT "$rpid"
wait "$rpid"
assert_eq "SIGINT stops a remap: 130" 130 $?
assert_match "... saying the box is half remapped and how to finish it" \
	"hint: box 'b' is half remapped: 'nschroot remap b' finishes it" "$(cat "$TMP/int.err")"
assert_eq "... box.conf records it" "remap-to=auto" "$(grep '^remap-to=' "$boxes/b/box.conf")"
out=$("$NSCHROOT" remap b --map=auto --progress=never </dev/null 2>&1)
assert_eq "remap --map=auto finishes it" 0 $?
assert_eq "every big file is the caller's again" "60000" \
	"$(find "$boxes/b/rootfs/big" -type f -user "$ME" | wc -l)"
nsrun run --uid 0 b rm -rf /big
assert_eq "the listing inside is identical" "$before" "$(listing)"

# --- the caller's ranges moved ---------------------------------------------------
# The files the box was made with have ids of the range it records; a
# range that is no longer the caller's is one nschroot does not read in
# /etc/subuid and /etc/subgid (NSCHROOT_SUBUID_FILE: a part of the real
# range, which newuidmap accepts).
part=$((SUBUID + 20000))
partg=$((SUBGID + 20000))
echo "$(id -un):$part:10000" >"$TMP/subuid"
echo "$(id -un):$partg:10000" >"$TMP/subgid"
moved() { NSCHROOT_SUBUID_FILE=$TMP/subuid NSCHROOT_SUBGID_FILE=$TMP/subgid "$@"; }
conf=$(cat "$boxes/b/box.conf")
out=$(moved "$NSCHROOT" remap b --map=auto </dev/null 2>&1)
assert_eq "files of the former range cannot move: 125" 125 $?
assert_match "... saying how many and which range" \
	"^nschroot: cannot remap box 'b': [0-9]+ files belong to ids of its former ranges \(subuids $SUBUID:65536, subgids $SUBGID:65536\), which are no longer yours" \
	"$out"
assert_match "... with a hint" "^hint: nothing was changed; an administrator can give those ranges back" \
	"$out"
assert_eq "... and nothing changed" "$conf" "$(cat "$boxes/b/box.conf")"
assert_eq "... the listing neither" "$before" "$(listing)"

"$NSCHROOT" create m "$TMP/bb.tar" --map=auto --progress=never >/dev/null </dev/null
out=$(moved "$NSCHROOT" remap m --map=auto </dev/null 2>&1)
assert_eq "a box of root's files alone moves to the current ranges" 0 $?
assert_match "... saying so" "^Remapped box 'm' to --map=auto and your current ranges" "$out"
assert_eq "... recorded in box.conf" "subuids=$part:10000 subgids=$partg:10000" \
	"$(grep -E '^sub[ug]ids=' "$boxes/m/box.conf" | tr '\n' ' ' | sed 's/ $//')"
assert_eq "... and it runs with them" "0" "$(moved "$NSCHROOT" run m sh -c 'id -u' </dev/null)"
out=$(moved "$NSCHROOT" remap m --map=keep-id </dev/null 2>&1)
assert_eq "then to keep-id within them" 0 $?
assert_eq "... root's files belong to the range's start" "$part:$partg" \
	"$(stat -c %u:%g "$boxes/m/rootfs/bin/busybox")"

# A box recorded with ranges newuidmap refuses (never the caller's here):
# run fails in newuidmap's words, with a hint naming remap, which moves it.
"$NSCHROOT" create o "$TMP/bb.tar" --map=auto --progress=never >/dev/null </dev/null
sed -i 's/^subuids=.*/subuids=3000000:65536/; s/^subgids=.*/subgids=3000000:65536/' \
	"$boxes/o/box.conf"
out=$("$NSCHROOT" run o true </dev/null 2>&1)
assert_eq "a box of ranges not the caller's does not run: 125" 125 $?
assert_match "... with a hint naming remap" "'nschroot remap BOX --map=MODE'" "$out"
out=$("$NSCHROOT" remap o --map=auto </dev/null 2>&1)
assert_eq "remap moves it to the caller's ranges" 0 $?
assert_eq "... and it runs" 0 "$("$NSCHROOT" run o id -u </dev/null)"

done_testing
