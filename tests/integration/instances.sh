#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Instances: `exec` joins the running instance of a box (its processes,
# /tmp and /run, its network when private, its confinement), passes exit
# statuses and signals, refuses without an instance (125, a hint) and in
# root mode for another user; `ps` lists instances, and a killed run's
# record is not listed; rm refuses a box with an instance. Both map modes.
. "$(dirname "$0")/../lib.sh"
require_userns

export NSCHROOT_HOME="$TMP/store"
tree=$TMP/tree
make_busybox_rootfs "$tree"
tar -C "$tree" -czf "$TMP/bb.tar.gz" .
nsrun create --map=root --progress=never root-bb "$TMP/bb.tar.gz" >/dev/null ||
	skip_all "cannot create the busybox box"
maps=root
if [ -n "$(subid_start /etc/subuid)" ] && command -v newuidmap >/dev/null &&
	nsrun create --map=auto --progress=never auto-bb "$TMP/bb.tar.gz" >/dev/null; then
	maps="root auto"
fi
set -- $maps
plan $((19 * $# + 5 + (2 - $#)))
[ $# = 2 ] || if [ "${NSCHROOT_TEST_MUST_WORK:-0}" = 1 ]; then
	not_ok "cannot make an auto-mode box (NSCHROOT_TEST_MUST_WORK=1)"
else
	ok "auto mode # SKIP no subordinate range or newuidmap"
fi

# start BOX [RUN-OPTION...]: a run of BOX that writes /tmp/mark and /run/mark,
# starts a background sleeper and waits for $TMP/go-BOX; its pid in $run.
start() {
	_b=$1
	shift
	rm -f "$TMP/go-$_b"
	"$NSCHROOT" run "$@" --bind "$TMP:/host" "$_b" -- sh -c \
		'echo tmp >/tmp/mark; echo run >/run/mark; sleep 300 & echo $! >/tmp/sleeper;
		 while [ ! -e /host/go-'"$_b"' ]; do sleep 0.1; done; exit 3' </dev/null &
	run=$!
	for _i in $(seq 100); do
		nsrun exec "$_b" test -e /tmp/sleeper 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
finish() { touch "$TMP/go-$1"; wait "$run"; }

for m in $maps; do
	b=$m-bb
	assert_eq "$m: no instance: exec exits 125" 125 \
		"$(nsrun exec "$b" true 2>"$TMP/err"; echo $?)"
	assert_match "$m: ... with a hint" "^hint: start one with 'nschroot run $b'" "$(cat "$TMP/err")"
	check "$m: an instance starts" start "$b"
	assert_eq "$m: exec sees the instance's /tmp and /run" "tmp run" \
		"$(nsrun exec "$b" sh -c 'cat /tmp/mark /run/mark' | tr '\n' ' ' | sed 's/ $//')"
	# Seen, not signalled: each Landlock domain is its own (see exec in
	# nschroot(1)).
	assert_eq "$m: exec sees the instance's processes (its sleeper)" "yes" \
		"$(nsrun exec "$b" sh -c 'test -d /proc/$(cat /tmp/sleeper) && echo yes')"
	assert_eq "$m: exec's command is in the instance's pid namespace (pid 1 its init)" "init" \
		"$(nsrun exec "$b" sh -c 'tr -d "\0" </proc/1/cmdline')"
	assert_eq "$m: exec passes the exit status" 7 "$(nsrun exec "$b" sh -c 'exit 7'; echo $?)"
	assert_eq "$m: 126 for a command that cannot run" 126 "$(nsrun exec "$b" /etc/passwd 2>/dev/null; echo $?)"
	assert_eq "$m: what exec writes the instance sees" "from-exec" \
		"$(nsrun exec "$b" sh -c 'echo from-exec >/tmp/x'; nsrun exec "$b" cat /tmp/x)"
	assert_eq "$m: exec starts in the user's home, not the caller's directory" "/root" \
		"$(cd "$TMP" && nsrun exec "$b" pwd)"
	assert_eq "$m: no host descriptor beyond 0-2 reaches the command" "0 1 2" \
		"$(nsrun exec "$b" sh -c 'ls /proc/self/fd' 3</dev/null | tr '\n' ' ' | sed 's/ [0-9]* $//; s/ $//')"
	# A signal to exec reaches the command.
	"$NSCHROOT" exec "$b" sleep 100 </dev/null &
	e=$!
	sleep 1
	kill -TERM "$e"
	wait "$e"
	assert_eq "$m: SIGTERM to exec ends the command: 143" 143 "$?"
	ps_out=$(nsrun ps)
	assert_match "$m: ps lists the instance" "^$b +[0-9]+ " "$(echo "$ps_out" | grep "^$b ")"
	assert_eq "$m: ps --json names the box" "$b" \
		"$(nsrun ps --json | python3 -c 'import json,sys; print(" ".join(i["box"] for i in json.load(sys.stdin)))' | tr ' ' '\n' | grep -x "$b")"
	init=$(nsrun ps --json | B=$b python3 -c 'import json, sys, os
print([i["init"] for i in json.load(sys.stdin) if i["box"] == os.environ["B"]][0])')
	assert_eq "$m: exec --instance=INIT joins it" tmp "$(nsrun exec --instance="$init" "$b" cat /tmp/mark)"
	assert_eq "$m: rm refuses the box while it runs" 125 "$(nsrun rm "$b" 2>/dev/null; echo $?)"
	finish "$b"
	assert_eq "$m: the run's own status" 3 "$?"
	assert_eq "$m: after the run, no instance: 125" 125 "$(nsrun exec "$b" true 2>/dev/null; echo $?)"
	assert_eq "$m: ps lists nothing of it" "" "$(nsrun ps | grep "^$b ")"
done

# Root mode maps one id: exec as another user is refused.
start root-bb
assert_eq "root mode: exec --uid 5 is refused" 125 "$(nsrun exec --uid 5 root-bb true 2>/dev/null; echo $?)"
finish root-bb

# An ephemeral instance is joined too: exec writes into its overlay.
start root-bb --ephemeral
assert_eq "ephemeral: exec joins the instance" tmp "$(nsrun exec root-bb cat /tmp/mark)"
nsrun exec root-bb sh -c 'echo x >/etc/from-exec'
finish root-bb
assert_eq "ephemeral: what exec wrote vanished with it" "" \
	"$(ls "$NSCHROOT_HOME/boxes/root-bb/rootfs/etc/from-exec" 2>/dev/null)"

# A run killed with SIGKILL leaves a record, which is not listed.
start root-bb
kill -KILL "$run"
wait "$run" 2>/dev/null
for _i in $(seq 50); do [ -z "$(nsrun ps | grep '^root-bb ')" ] && break; sleep 0.1; done
assert_eq "a killed run's instance is not listed" "" "$(nsrun ps | grep '^root-bb ')"
assert_eq "... and its record is gone" "" "$(ls "$NSCHROOT_HOME/instances")"
done_testing
