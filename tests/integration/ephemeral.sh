#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run --ephemeral: the rootfs is the lower layer of an overlay whose upper
# layer is a tmpfs of the run. Writes show inside and vanish with the run;
# the box is the same afterwards, to every owner, mode, size and time, in
# both map modes; two ephemeral runs of one box at once see nothing of each
# other, nor does one beside a normal run disturb it; --ephemeral=DIR keeps
# the upper layer; a tree of an unmapped owner gets a writable top; the
# proot backend and --read-only refuse it.
. "$(dirname "$0")/../lib.sh"
require_userns
require_subids
plan 49
export NSCHROOT_HOME="$TMP/store"
root=$TMP/root
make_busybox_rootfs "$root"
tar -C "$root" -cf "$TMP/bb.tar" .
mkdir "$TMP/sync" "$TMP/w"
before_mounts=$(host_mounts)

# listing BOX: every file of the box with its owner, mode, size and time,
# as export writes it.
listing() { nsrun export --compress=none "$1" - | tar -tvf - --numeric-owner; }
# As the subordinate root, who owns what auto boxes and runs write.
as_subroot() { nsrun run --map=auto --bind "$TMP/w:/w" "$root" sh -c "$1"; }
CLEANUP_HOOK='as_subroot_cleanup'
as_subroot_cleanup() { as_subroot 'rm -rf /w/*'; }

for mode in root auto; do
	box=bb-$mode
	nsrun create --progress=never --map=$mode "$box" "$TMP/bb.tar" >/dev/null
	assert_eq "$mode: create exits 0" 0 $?
	# The first run makes the mount points (/proc, /dev...) in the box.
	nsrun run "$box" true
	before=$(listing "$box")

	out=$(nsrun run --ephemeral "$box" sh -c 'echo new >/etc/new && rm /bin/ls &&
		mkdir /var && echo changed >>/etc/passwd && cat /etc/new && tail -n 1 /etc/passwd &&
		[ ! -e /bin/ls ] && [ -d /var ] && echo gone' 2>&1)
	assert_eq "$mode: an ephemeral run writes, removes, makes directories" "new
changed
gone" "$out"
	assert_eq "$mode: the box is the same afterwards" "$before" "$(listing "$box")"
	assert_eq "$mode: a later run sees none of it" "no" \
		"$(nsrun run "$box" sh -c '[ -e /etc/new ] || [ ! -e /bin/ls ] && echo yes || echo no')"
	owners='stat -c %u:%g:%a / /etc/passwd /home/user /tmp /bin/busybox'
	assert_eq "$mode: the owners and modes are the box's own" "$(nsrun run "$box" $owners)" \
		"$(nsrun run --ephemeral "$box" $owners)"
	if [ $mode = auto ]; then
		assert_eq "$mode: chown to another user of the box, and su to it, work" "1000:1000 1000" \
			"$(nsrun run --ephemeral "$box" sh -c 'touch /f && chown 1000:1000 /f &&
				stat -c %u:%g /f && su user -c "touch /tmp/u && stat -c %u /tmp/u"' 2>&1 |
				tr '\n' ' ' | sed 's/ $//')"
		assert_eq "$mode: ... and the box is the same afterwards" "$before" "$(listing "$box")"
	fi

	# Two at once: each writes, waits for the other's write, looks for it.
	rm -f "$TMP/sync/"*
	for who in a b; do
		other=$([ $who = a ] && echo b || echo a)
		nsrun run --ephemeral --bind "$TMP/sync:/sync" "$box" sh -c "
			echo $who >/$who && touch /sync/$who
			i=0; while [ ! -e /sync/$other ] && [ \$i -lt 200 ]; do sleep 0.05; i=\$((i+1)); done
			[ -e /sync/$other ] && cat /$who && { [ -e /$other ] && echo sees-$other || echo alone; }
		" >"$TMP/sync/$who.out" 2>&1 &
	done
	wait
	assert_eq "$mode: two ephemeral runs at once: the first sees its own file alone" \
		"a
alone" "$(cat "$TMP/sync/a.out")"
	assert_eq "$mode: ... and so does the second" "b
alone" "$(cat "$TMP/sync/b.out")"
	assert_eq "$mode: ... and the box is the same afterwards" "$before" "$(listing "$box")"

	# One beside a normal run: the normal run's write stays, the other's not.
	rm -f "$TMP/sync/"*
	nsrun run --ephemeral --bind "$TMP/sync:/sync" "$box" sh -c '
		echo e >/eph && touch /sync/e
		i=0; while [ ! -e /sync/n ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
		cat /eph' >"$TMP/sync/e.out" 2>&1 &
	nsrun run --bind "$TMP/sync:/sync" "$box" sh -c '
		i=0; while [ ! -e /sync/e ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
		echo n >/beside && touch /sync/n'
	assert_eq "$mode: a normal run beside an ephemeral one exits 0" 0 $?
	wait
	assert_eq "$mode: ... the ephemeral one ran on" "e" "$(cat "$TMP/sync/e.out")"
	assert_eq "$mode: ... the normal run's write is in the box, the other's not" "n no" \
		"$(nsrun run "$box" sh -c 'cat /beside; [ -e /eph ] && echo yes || echo no' | tr '\n' ' ' | sed 's/ $//')"
	nsrun run "$box" rm /beside
	before=$(listing "$box")

	# --ephemeral=DIR: the upper layer is kept, and taken up again.
	keep=$TMP/w/keep-$mode
	mkdir "$keep"
	nsrun run --ephemeral="$keep" "$box" sh -c 'echo kept >/root/kept'
	assert_eq "$mode: --ephemeral=DIR exits 0" 0 $?
	assert_eq "$mode: ... DIR/upper holds the file written" "kept" \
		"$(as_subroot "cat /w/keep-$mode/upper/root/kept")"
	assert_eq "$mode: ... the box does not" "$before" "$(listing "$box")"
	assert_eq "$mode: ... a second run on DIR goes on from there" "kept" \
		"$(nsrun run --ephemeral="$keep" "$box" cat /root/kept)"
	nsrun run --ephemeral="$keep" "$box" sleep 2 &
	sleep 0.5
	out=$(nsrun run --ephemeral="$keep" "$box" true 2>&1)
	assert_eq "$mode: ... a DIR in use by another run is refused with 125" 125 $?
	assert_match "... saying so" "in use by another run" "$out"
	wait
done

box=bb-root
assert_eq "enter --ephemeral: the shell's writes vanish" "no" \
	"$(echo 'echo x >/entered' | "$NSCHROOT" enter --ephemeral "$box" >/dev/null 2>&1;
		nsrun run "$box" sh -c '[ -e /entered ] && echo yes || echo no')"
mkdir "$TMP/full" && touch "$TMP/full/other"
out=$(nsrun run --ephemeral="$TMP/full" "$box" true 2>&1)
assert_eq "--ephemeral=DIR with other files in DIR: exit 125" 125 $?
assert_match "... naming one" "holds 'other'" "$out"
out=$(nsrun run --ephemeral="$TMP/store/boxes/$box/rootfs/tmp" "$box" true 2>&1)
assert_eq "--ephemeral=DIR inside the rootfs: exit 125" 125 $?
out=$(nsrun run --ephemeral --read-only "$box" true 2>&1)
assert_eq "--ephemeral with --read-only: exit 125" 125 $?
assert_match "... a contradiction" "contradict" "$out"
out=$(nsrun run --backend=proot --ephemeral "$box" true 2>&1)
assert_eq "the proot backend refuses --ephemeral: exit 125" 125 $?
assert_match "... naming the backend and the option" "proot backend cannot honour --ephemeral" "$out"

# A tree of an owner that the run does not map (as a root-owned one is):
# made by the subordinate root, given to inside id 1, run in root mode.
cp -a "$root" "$TMP/w/tree"
as_subroot 'chown -R 1:1 /w/tree'
tree_listing() { find "$TMP/w/tree" -printf '%P %U:%G %M %s %T@\n' | sort; }
tbefore=$(tree_listing)
out=$(nsrun run --map=root --ephemeral "$TMP/w/tree" sh -c 'echo top >/top && cat /top; echo x >/tmp/x' 2>&1)
assert_match "a foreign tree: its top is writable for the run" "^top$" "$out"
assert_match "... with a warning on the rest" "does not map" "$out"
assert_match "... whose files the kernel cannot copy up" "tmp/x: Value too large" "$out"
assert_eq "... and the tree is the same afterwards" "$tbefore" "$(tree_listing)"

assert_eq "no mount leaked to the host" "$before_mounts" "$(host_mounts)"
done_testing
