#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The box in a session of its own. Without it a guest shares the caller's
# process group: kill(0, SIGKILL) kills the caller's shell and its jobs,
# and a guest that takes the caller's terminal reads what the user types
# at the host's prompt. With a terminal the guest gets a pseudo-terminal
# of the box's own, relayed by nschroot: job control works on it, and the
# caller's terminal gets its modes back however the box ends.
. "$(dirname "$0")/../lib.sh"
require_userns
command -v script >/dev/null || skip_all "no script(1) to make a pseudo-terminal (util-linux)"
command -v setsid >/dev/null || skip_all "no setsid(1) (util-linux)"
root=$TMP/root
make_busybox_rootfs "$root"
plan 24
mkdir "$TMP/x"

# --- Process group and session -----------------------------------------
# Each case runs in a session of its own (setsid), so that a failure
# kills that shell and its sleep, never the test.
out=$(setsid sh -c "sleep 30 & s=\$!
	'$NSCHROOT' run --bind '$TMP/x:/mnt' '$root' sh -c ': >/mnt/k; kill -KILL 0'
	echo status=\$?; kill -0 \$s 2>/dev/null && echo alive; kill \$s" </dev/null 2>/dev/null)
assert_eq "kill(0, SIGKILL) inside reaches neither the caller nor its jobs" "status=137
alive" "$out"
check "... (the box did run it)" test -e "$TMP/x/k"
# (The box says when it is about to stop itself, through a file.)
rm -f "$TMP/x/r"
out=$(setsid sh -c "sleep 30 & s=\$!
	'$NSCHROOT' run --bind '$TMP/x:/mnt' '$root' sh -c ': >/mnt/r; kill -STOP 0' & n=\$!
	i=0; while [ ! -e '$TMP/x/r' ] && [ \$i -lt 200 ]; do sleep 0.05; i=\$((i + 1)); done
	sleep 0.3; ps -o stat= -p \$s | cut -c1; kill -KILL \$n; kill -CONT \$s; kill \$s" </dev/null 2>/dev/null)
check "... (the box did stop itself)" test -e "$TMP/x/r"
assert_eq "kill(0, SIGSTOP) inside does not stop the caller's jobs" S "$out"
out=$(nsrun run "$root" sh -c 'cut -d" " -f6 /proc/self/stat; echo $$')
assert_eq "the command leads a session of its own" "$(printf '%s\n' "$out" | tail -n 1)" \
	"$(printf '%s\n' "$out" | head -n 1)"

# A signal sent to the caller's whole process group reaches the command
# once: nschroot passes it on, and nothing else of the box is in the group.
out=$(setsid sh -c "
	'$NSCHROOT' run --bind '$TMP/x:/mnt' '$root' sh -c '
		n=0; trap \"n=\\\$((n + 1))\" USR1; : >/mnt/ready
		i=0; while [ \$i -lt 30 ] && [ ! -e /mnt/go ]; do sleep 0.1; i=\$((i + 1)); done
		sleep 0.3; echo \$n' &
	i=0; while [ ! -e '$TMP/x/ready' ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done
	trap '' USR1; kill -USR1 0; : >'$TMP/x/go'; wait" </dev/null 2>&1)
assert_eq "a signal to the caller's process group reaches the command once" 1 "$out"

# --- The box's own terminal ----------------------------------------------
out=$(on_terminal "'$NSCHROOT' run '$root' sh -c 'tty; stat -L -c %d /proc/self/fd/0'")
assert_match "inside, tty names the box's /dev/pts/N" '^/dev/pts/[0-9]+$' "$(echo "$out" | head -n 1)"
outside=$(on_terminal "stat -L -c %d /proc/self/fd/0")
check "... of a devpts instance that is not the caller's" \
	test "$(echo "$out" | tail -n 1)" != "$outside"
out=$(on_terminal "stat -L -c %d:%t:%T /proc/self/fd/0; '$NSCHROOT' run --proc=host '$root' sh -c \
	'for f in /proc/[0-9]*/fd/*; do stat -L -c %d:%t:%T \$f 2>/dev/null; done' | sort -u")
caller_tty=$(echo "$out" | head -n 1)
assert_eq "no process of the box holds the caller's terminal" "" \
	"$(echo "$out" | tail -n +2 | grep -xF "$caller_tty")"
assert_eq "the command's exit status comes through the relay" 7 \
	"$(on_terminal "'$NSCHROOT' run '$root' sh -c 'exit 7'; echo \$?" | tail -n 1)"
assert_eq "output through the relay arrives whole and in order" "20000 20000" \
	"$(on_terminal "'$NSCHROOT' run '$root' seq 1 20000" | awk 'END { print NR, $0 }')"
assert_eq "output alone on a terminal: each newline reaches it as CR LF, once" 'a\r\n' \
	"$(script -qec "'$NSCHROOT' run '$root' echo a </dev/null" /dev/null </dev/null | od -An -c | tr -d ' \n')"
assert_eq "a command without a terminal has none inside" "not a tty" \
	"$(nsrun run "$root" sh -c 'tty; true' 2>&1)"

# The caller's modes come back, however the box ends.
modes() { on_terminal "stty -g; $1; stty -g" | grep -E '^[0-9a-f:]{20,}$' | uniq | wc -l; }
assert_eq "modes restored after a normal exit" 1 "$(modes "'$NSCHROOT' run '$root' true")"
assert_eq "modes restored after the command is killed" 1 \
	"$(modes "'$NSCHROOT' run '$root' sh -c 'kill -KILL \$\$'")"
assert_eq "modes restored after nschroot is sent SIGTERM" 1 \
	"$(modes "'$NSCHROOT' run '$root' sleep 30 & p=\$!; sleep 0.5; kill -TERM \$p; wait \$p")"

# --- Job control on the box's terminal ------------------------------------
# typing FIRST REST...: what a user types into `nschroot run ... sh -i`:
# FIRST at once, which starts a job that makes $TMP/x/s; once that is
# there, the rest a piece at a time.
typing() {
	sleep 0.5
	printf "$1"
	shift
	i=0
	while [ ! -e "$TMP/x/s" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	sleep 0.3
	for piece in "$@"; do
		printf "$piece"
		sleep 0.4
	done
}
box_shell() {
	script -qec "'$NSCHROOT' run --bind '$TMP/x:/mnt' '$root' sh -i; echo status=\$?" /dev/null 2>&1 |
		tr -d '\r'
}
rm -f "$TMP/x/s"
out=$(typing 'touch /mnt/s; sleep 30\n' '\003' 'echo rc=$?\n' 'exit 4\n' | box_shell)
assert_match "Ctrl-C on the caller's terminal interrupts the box's foreground job" "rc=130" "$out"
assert_match "... and the box's shell goes on, its exit status nschroot's" "status=4" "$out"
rm -f "$TMP/x/s"
out=$(typing 'touch /mnt/s; sleep 30\n' '\032' 'jobs\n' 'kill -9 %%1\n' 'jobs\n' 'exit 5\n' | box_shell)
assert_match "Ctrl-Z stops the box's foreground job" "Stopped.*sleep 30" "$out"
assert_match "... and the box's shell takes over again" "status=5" "$out"
# In the background of an interactive shell, nschroot neither reads the
# terminal (it would be stopped: SIGTTIN) nor changes its modes.
rm -f "$TMP/x/done"
out=$( { sleep 0.5
	printf "'%s' run --bind '%s:/mnt' '%s' sh -c 'sleep 1; echo bg-done; : >/mnt/done' &\n" \
		"$NSCHROOT" "$TMP/x" "$root"
	sleep 0.3; printf 'echo typed-at-host\n'
	i=0; while [ ! -e "$TMP/x/done" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	sleep 0.5; printf 'jobs; exit\n'; } |
	script -qec "bash --norc --noprofile -i" /dev/null 2>&1 | tr -d '\r')
assert_match "in the background of a shell, the box runs on and its output comes" "bg-done$" "$out"
assert_match "... the job ends Done, never Stopped on the terminal" "Done +'?$NSCHROOT" "$out"
assert_match "... and what is typed meanwhile goes to the shell" "(^|[^ ])typed-at-host$" "$out"
assert_eq "the box's terminal has the caller's window size" "33 91" \
	"$(on_terminal "stty cols 91 rows 33; '$NSCHROOT' run '$root' stty size" | tail -n 1)"
done_testing
