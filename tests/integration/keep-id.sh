#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --map=keep-id (issue 20): the caller's own uid and gid are themselves
# inside, root and the other ids come from the subordinate range. A box is
# laid out for it at create; run logs in as the caller, whose passwd and
# group entries are added once; files keep their owners on the host; the
# other layouts are refused with remap's hint; list, info, rm, export,
# fixup, --from and exec handle such a box; a directory runs as asked.
. "$(dirname "$0")/../lib.sh"
require_userns
require_subids
plan 62
export NSCHROOT_HOME="$TMP/store"
me=$(id -u)
mygid=$(id -g)
myname=$(id -un)
myhome=$(getent passwd "$me" | cut -d: -f6)
myshell=$(getent passwd "$me" | cut -d: -f7)
tree=$TMP/tree
make_busybox_rootfs "$tree"
bind=$TMP/bind
mkdir "$bind"

# Files of subordinate ids are beyond the caller's reach on the host: the
# root of an auto namespace removes them.
remove_subid_files() {
	"$NSCHROOT" run --map=auto --bind "$TMP:/mnt" "$tree" \
		rm -rf /mnt/store /mnt/bind /mnt/dir </dev/null
}
CLEANUP_HOOK=remove_subid_files

# A tarball as a distribution ships one: every file root's.
tar -C "$tree" --numeric-owner --owner=0 --group=0 -cf "$TMP/bb.tar" .

# --- create ------------------------------------------------------------------
out=$(nsrun create --map=keep-id --progress=never kb "$TMP/bb.tar" 2>"$TMP/err")
assert_eq "create --map=keep-id exits 0" 0 $?
assert_match "... and says the map" "; map keep-id" "$out"
assert_match "... with the user fixup applied" "fixups: .*user" "$out"
conf=$NSCHROOT_HOME/boxes/kb/box.conf
assert_eq "box.conf records map=keep-id" "map=keep-id" "$(grep '^map=' "$conf")"
assert_match "... with the subordinate ranges" "^subuids=$SUBUID:" "$(grep '^subuids=' "$conf")"
assert_eq "the archive's root files belong to the range's start on the host" \
	"$SUBUID:$SUBGID" "$(stat -c %u:%g "$NSCHROOT_HOME/boxes/kb/rootfs/etc/passwd")"
assert_match "info shows the map" "^map: keep-id$" "$(nsrun info kb)"
assert_match "info --json shows the map" '"map": "keep-id"' "$(nsrun info --json kb)"
assert_match "list shows the map" "^kb +keep-id +busybox" "$(nsrun list)"

# --- the caller inside -------------------------------------------------------
assert_eq "id -u inside is the caller's" "$me" "$(nsrun run kb id -u)"
assert_eq "id -g inside is the caller's" "$mygid" "$(nsrun run kb id -g)"
assert_eq "--uid 0 is root" "0 0" "$(nsrun run --uid 0 kb sh -c 'echo $(id -u) $(id -g)')"
assert_eq "the caller's environment is their own" "$myname $myname $myhome" \
	"$(nsrun run kb sh -c 'echo $USER $LOGNAME $HOME')"
assert_eq "... in / while their home is not in the box" "/" "$(nsrun run kb pwd)"
nsrun run --uid 0 kb sh -c "mkdir -p '$myhome' && chown $me:$mygid '$myhome'"
assert_eq "... in their home once it is" "$myhome" "$(nsrun run kb pwd)"
want_shell=/bin/sh
[ -x "$NSCHROOT_HOME/boxes/kb/rootfs$myshell" ] && want_shell=$myshell
assert_eq "the passwd entry: name, ids, home, the shell (or /bin/sh)" \
	"$myname:*:$me:$mygid:,,,,nschroot:$myhome:$want_shell" \
	"$(nsrun run kb grep "^$myname:" /etc/passwd)"
nsrun run kb true
assert_eq "after more runs, one passwd entry" 1 \
	"$(nsrun run kb grep -c ":$me:$mygid:" /etc/passwd)"
assert_eq "... and one group entry, the caller's primary group" 1 \
	"$(nsrun run kb grep -c ":$mygid:\$" /etc/group)"
assert_eq "id names the caller and their group" "$myname $(id -gn)" \
	"$(nsrun run kb sh -c 'echo $(id -un) $(id -gn)')"

nsrun run --uid 0 kb sh -c "echo 'extra:x:2345:other,$myname' >>/etc/group"
assert_eq "the caller's groups are those the box's /etc/group gives them" "$mygid 2345" \
	"$(nsrun run kb id -G)"

# --- files on the host -------------------------------------------------------
nsrun run --uid 0 kb touch /etc/made-by-root
assert_eq "a file made by root inside belongs to the range's start on the host" \
	"$SUBUID:$SUBGID" "$(stat -c %u:%g "$NSCHROOT_HOME/boxes/kb/rootfs/etc/made-by-root")"
nsrun run --bind "$bind:/x" kb touch /x/mine
assert_eq "a file the caller makes in a --bind directory is the caller's on the host" \
	"$me:$mygid" "$(stat -c %u:%g "$bind/mine")"
nsrun run --uid 0 --bind "$bind:/x" kb touch /x/root
assert_eq "... one root makes there is the range's start's" \
	"$SUBUID:$SUBGID" "$(stat -c %u:%g "$bind/root")"
assert_eq "the caller's bound files are theirs inside too" "$me" \
	"$(nsrun run --bind "$bind:/x" kb stat -c %u /x/mine)"

# --- entries the box has already -----------------------------------------------
# A box that gives the caller's name to another uid keeps it: no second entry.
named=$TMP/named
cp -a "$tree" "$named"
echo "$myname:x:4242:4242::/home/other:/bin/sh" >>"$named/etc/passwd"
echo "$(id -gn):x:4242:" >>"$named/etc/group"
tar -C "$named" --numeric-owner --owner=0 --group=0 -cf "$TMP/named.tar" .
nsrun create --map=keep-id --progress=never kn "$TMP/named.tar" >/dev/null 2>"$TMP/err"
assert_eq "create of a box that has the caller's name for another uid exits 0" 0 $?
assert_match "... and warns that the name is taken" \
	"a user named '$myname' with another uid" "$(cat "$TMP/err")"
assert_eq "... once: runs say nothing more" "" "$(nsrun run kn true 2>&1)"
assert_match "... as box.conf records" "^fixups-declined=user$" \
	"$(cat "$NSCHROOT_HOME/boxes/kn/box.conf")"
assert_eq "... and the name stays once in its passwd" 1 \
	"$(nsrun run kn grep -c "^$myname:" /etc/passwd)"
assert_eq "... and in its group" 1 "$(nsrun run kn grep -c "^$(id -gn):" /etc/group)"
assert_eq "... and the caller runs there all the same" "$me" "$(nsrun run kn id -u)"
# A box that has the caller's uid under another name keeps that entry.
owned=$TMP/owned
cp -a "$tree" "$owned"
echo "inbox:x:$me:$mygid::/home/inbox:/bin/sh" >>"$owned/etc/passwd"
tar -C "$owned" --numeric-owner --owner=0 --group=0 -cf "$TMP/owned.tar" .
nsrun create --map=keep-id --progress=never ko "$TMP/owned.tar" >/dev/null
assert_eq "a box with an entry for the caller's uid keeps it" "inbox" "$(nsrun run ko id -un)"
assert_eq "... with no entry added" 1 "$(nsrun run ko grep -c ":$me:" /etc/passwd)"

# An image's own User gives way to the caller, as with podman's keep-id.
sh "$FIXTURES/make-oci-image.sh" "$TMP/oci" "$tree" >/dev/null 2>&1
nsrun create --map=keep-id --progress=never ki "oci:$TMP/oci:latest" >/dev/null
assert_eq "a keep-id box of an image (User app) runs as the caller" "$me" \
	"$(nsrun run ki sh -c 'id -u')"
assert_eq "... whose root files are the range's start's on the host" "$SUBUID" \
	"$(stat -c %u "$NSCHROOT_HOME/boxes/ki/rootfs/bin")"

# --- refusals ------------------------------------------------------------------
nsrun create --map=auto --progress=never ka "$TMP/bb.tar" >/dev/null
assert_eq "run --map=keep-id of an auto box exits 125" 125 \
	"$(nsrun run --map=keep-id ka true 2>"$TMP/err"; echo $?)"
assert_match "... saying the box's layout" "box 'ka' is laid out for --map=auto" "$(cat "$TMP/err")"
assert_match "... with remap's hint" "^hint: 'nschroot remap ka --map=keep-id'" "$(cat "$TMP/err")"
assert_eq "run --map=auto of a keep-id box exits 125" 125 \
	"$(nsrun run --map=auto kb true 2>"$TMP/err"; echo $?)"
assert_match "... with remap's hint" "^hint: 'nschroot remap kb --map=auto'" "$(cat "$TMP/err")"
assert_eq "run --map=keep-id of a keep-id box runs" "$me" "$(nsrun run --map=keep-id kb id -u)"
printf '%s:%s:100\n' "$myname" "$SUBUID" >"$TMP/small"
printf '%s:%s:65536\n' "$myname" "$SUBGID" >"$TMP/gids"
assert_eq "a range of fewer ids than the caller's uid: 125" 125 \
	"$(NSCHROOT_SUBUID_FILE=$TMP/small NSCHROOT_SUBGID_FILE=$TMP/gids \
		"$NSCHROOT" create --map=keep-id kx "$TMP/bb.tar" </dev/null 2>"$TMP/err"; echo $?)"
assert_match "... saying so" "your uid $me is larger than your subordinate uid range \(100 ids\)" \
	"$(cat "$TMP/err")"
: >"$TMP/none"
assert_eq "no range at all: 125" 125 \
	"$(NSCHROOT_SUBUID_FILE=$TMP/none "$NSCHROOT" create --map=keep-id kx "$TMP/bb.tar" \
		</dev/null 2>"$TMP/err"; echo $?)"
assert_match "... with the usermod hint" "^nschroot: --map=keep-id: .* no range in" "$(cat "$TMP/err")"

# --- exec, --from, export, fixup, rm ----------------------------------------------
nsrun run kb sh -c 'sleep 300 & echo $! >/tmp/sleeper; while [ ! -e /tmp/go ]; do sleep 0.1; done' &
run=$!
for _i in $(seq 100); do
	nsrun exec kb test -e /tmp/sleeper 2>/dev/null && break
	sleep 0.1
done
assert_eq "exec into a keep-id instance runs as the caller" "$me" "$(nsrun exec kb id -u)"
assert_eq "... and as root with --uid 0" "0" "$(nsrun exec --uid 0 kb id -u)"
nsrun exec kb touch /tmp/go
wait "$run"
nsrun create --from kb kc >/dev/null
assert_eq "create --from of a keep-id box keeps the map" "map=keep-id" \
	"$(grep '^map=' "$NSCHROOT_HOME/boxes/kc/box.conf")"
assert_eq "... and the copy runs as the caller" "$me" "$(nsrun run kc id -u)"
nsrun export --compress=none kb "$TMP/kb.tar"
assert_eq "export of a keep-id box exits 0" 0 $?
assert_match "... with root's files root's" "^[^ ]+ 0/0 .* \./etc/made-by-root$" \
	"$(tar --numeric-owner -tvf "$TMP/kb.tar" | grep made-by-root)"
out=$(nsrun fixup --undo --user kb)
assert_eq "fixup --undo --user" "Undone in 'kb': user" "$out"
assert_eq "... takes the caller's entry out" 0 \
	"$(grep -c "^$myname:" "$NSCHROOT_HOME/boxes/kb/rootfs/etc/passwd")"
nsrun run kb true
assert_eq "... and a run does not add it again" 0 \
	"$(grep -c "^$myname:" "$NSCHROOT_HOME/boxes/kb/rootfs/etc/passwd")"
assert_match "... as box.conf records" "^fixups-declined=user$" "$(cat "$conf")"
assert_eq "fixup --user adds it back" "Applied to 'kb': user" "$(nsrun fixup --user kb)"
assert_eq "rm of keep-id boxes exits 0" 0 "$(nsrun rm kb kc kn ko ka ki; echo $?)"
assert_eq "... and they are gone" "" "$(ls "$NSCHROOT_HOME/boxes")"

# --- a directory -------------------------------------------------------------------
dir=$TMP/dir
cp -a "$tree" "$dir"
assert_eq "run --map=keep-id DIR runs as the caller" "$me" "$(nsrun run --map=keep-id "$dir" id -u)"
assert_eq "... --uid 0 as root" 0 "$(nsrun run --map=keep-id --uid 0 "$dir" id -u)"
assert_eq "... where the caller's own tree is the caller's" \
	"$me" "$(nsrun run --map=keep-id --uid 0 "$dir" stat -c %u /etc)"
assert_eq "... and the caller's entry is added to the directory's passwd" 1 \
	"$(grep -c "^$myname:\*:$me:" "$dir/etc/passwd")"
done_testing
