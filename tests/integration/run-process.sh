#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The process model and exit statuses: the command's status, 128+N, 125, 126,
# 127; pid 1; signal forwarding; orphans; dying with nschroot; stdio; --uid,
# --gid, --map; --hostname, --net; -w; the default command.
#
# bash, for job control: a background job of a shell without it starts with
# SIGINT and SIGQUIT ignored, and a shell cannot trap a signal ignored on
# entry, so the forwarding of those two could not be seen. The test itself
# may have been started so (from a background job): env --default-signal
# (coreutils 8.31) undoes that where it exists.
. "$(dirname "$0")/../lib.sh"
require_userns
plan 105

root=$TMP/root
make_busybox_rootfs "$root"
# A user whose login shell is not /bin/sh, and one whose shell is missing.
cat >> "$root/etc/passwd" <<'PW'
ash:x:1001:1001:ash:/:/bin/ash
gone:x:1002:1002:gone:/:/bin/nonexistent
PW

# wait_until SECONDS COMMAND...: poll until COMMAND succeeds; 1 at the deadline.
wait_until() {
	local deadline=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}
# The host pids of the processes whose command line is exactly $1.
procs() { pgrep -u "$(id -u)" -xf "$1"; }
running() { procs "$1" >/dev/null; }
no_procs() { ! running "$1"; }
# Whether the process $1 has exited (gone, or a zombie not yet waited for).
exited() { [ ! -e "/proc/$1" ] || grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }
# Kill what a failed test left behind, by pid.
reap_leftovers() {
	local p
	for p in $(procs "$1"); do kill -KILL "$p" 2>/dev/null; done
}

# --- Exit statuses -------------------------------------------------------
for st in 0 1 42 255; do
	assert_status "the command's own exit status $st" "$st" nsrun run "$root" sh -c "exit $st"
done
assert_status "killed by SIGTERM: 128+15" 143 nsrun run "$root" sh -c 'kill -TERM $$'
assert_status "killed by SIGKILL: 128+9" 137 nsrun run "$root" sh -c 'kill -KILL $$'
assert_status "killed by SIGSEGV: 128+11" 139 nsrun run "$root" sh -c 'kill -SEGV $$'
assert_status "killed by SIGABRT: 128+6" 134 nsrun run "$root" sh -c 'kill -ABRT $$'

err=$(nsrun run "$root" no-such-command 2>&1)
assert_status "a command not found: 127" 127 nsrun run "$root" no-such-command
assert_match "a command not found is named" \
	"^nschroot: cannot execute 'no-such-command': No such file or directory$" "$err"
assert_status "a missing absolute path: 127" 127 nsrun run "$root" /no/such/file
# Paths are the rootfs' own: the host's /usr/bin/env is not there.
assert_status "a path that exists only on the host: 127" 127 nsrun run "$root" /usr/bin/env
err=$(nsrun run "$root" /etc/passwd 2>&1)
assert_status "a non-executable file: 126" 126 nsrun run "$root" /etc/passwd
assert_match "a non-executable file is named" \
	"^nschroot: cannot execute '/etc/passwd': Permission denied$" "$err"
assert_status "a directory: 126" 126 nsrun run "$root" /etc

# nschroot's own failures: 125, one 'nschroot: ' line, the pointer to the
# command's help for usage errors.
usage_error() { # DESCRIPTION MESSAGE ARGS...
	local desc=$1 msg=$2 err st
	shift 2
	err=$("$NSCHROOT" "$@" 2>&1 </dev/null)
	st=$?
	assert_eq "$desc: 125" 125 "$st"
	assert_eq "$desc: one line, then the 'help $1' pointer" "nschroot: $msg
Try 'nschroot help $1'." "$err"
}
usage_error "a missing TARGET" "run: missing TARGET" run
usage_error "an unknown option" "run: unknown option '--frobnicate'" run --frobnicate "$root" true
usage_error "a bad --map value" "invalid --map 'sideways': expected root, user, auto or keep-id" run --map=sideways "$root" true
usage_error "a bad --net value" "invalid --net 'cable': expected host, none or pasta" run --net=cable "$root" true
err=$(nsrun run "$TMP/missing" true 2>&1)
assert_status "a nonexistent directory: 125" 125 nsrun run "$TMP/missing" true
assert_eq "a nonexistent directory: one line" \
	"nschroot: cannot use '$TMP/missing' as a root filesystem: No such file or directory" "$err"

# --- pid 1 ---------------------------------------------------------------
assert_eq "the command is pid 2" 2 "$(nsrun run "$root" sh -c 'echo $$')"
assert_eq "pid 1 is nschroot's init" nschroot "$(nsrun run "$root" cat /proc/1/comm)"
assert_eq "/proc shows only the box's processes" "1 nschroot
2 ps" "$(nsrun run "$root" ps -o pid,comm | awk 'NR > 1 { print $1, $2 }')"

# --- Signal forwarding ---------------------------------------------------
# env execs nschroot: $! stays nschroot's pid.
default_signals=()
if env --default-signal=INT,QUIT true 2>/dev/null; then
	default_signals=(env --default-signal=INT,QUIT)
fi
for sig in INT TERM HUP QUIT USR1 USR2; do
	out=$TMP/sig-$sig.out
	set -m
	${default_signals[@]+"${default_signals[@]}"} "$NSCHROOT" run "$root" sh -c "trap 'echo got-$sig; exit 7' $sig; echo ready; while :; do sleep 0.1; done" \
		</dev/null >"$out" 2>&1 &
	pid=$!
	set +m
	wait_until 30 grep -q ready "$out" || diag "SIG$sig: the command never got ready: $(cat "$out")"
	kill -"$sig" "$pid"
	# The trap exits at once; do not wait forever when it did not run.
	if ! wait_until 20 exited "$pid"; then
		diag "SIG$sig: nschroot still runs 20 s later"
		kill -KILL "$pid"
	fi
	wait "$pid" 2>/dev/null
	st=$?
	assert_match "SIG$sig sent to nschroot reaches the command's trap" "^got-$sig\$" "$(cat "$out")"
	assert_eq "and nschroot exits with the trap's status" 7 "$st"
done

# --- Orphans -------------------------------------------------------------
# An orphan is reparented to init, which must reap it: its /proc entry goes
# once it is reaped, and stays (a zombie, 'Z') if it never is. The command
# polls for that with a deadline of 20 s, then shows ps.
out=$(nsrun run "$root" sh -c '
	p=$(sleep 0.2 >/dev/null & echo $!)
	i=0
	while [ -e /proc/$p ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
	ps -o stat,comm')
assert_match "... (the box listed its processes)" 'STAT +COMMAND' "$out"
assert_no_match "an orphan is reaped: no zombie left" '^Z' "$out"
assert_no_match "and the orphan is gone" ' sleep$' "$out"
out=$(nsrun run "$root" sh -c '
	pids=
	for i in 1 2 3 4 5 6 7 8 9 10; do
		pids="$pids $(true >/dev/null & echo $!) $(sh -c "exit 3" >/dev/null & echo $!)"
	done
	i=0
	for p in $pids; do
		while [ -e /proc/$p ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
	done
	ps -o stat,comm')
assert_match "... (the box listed its processes)" 'STAT +COMMAND' "$out"
assert_no_match "twenty orphans are reaped" '^Z' "$out"

# The command exits while background processes still run: nschroot returns
# at once, and by then init has killed and reaped what was left in the box
# (checked at once, with no wait: init reports the status only after that).
start=$(date +%s)
# Into a file, not $(...): a capture would wait for every writer to go.
timeout 20 "$NSCHROOT" run "$root" sh -c 'for i in 1 2 3 4 5; do sleep 1000.4242 & done; echo started' \
	</dev/null >"$TMP/bg.out" 2>&1
st=$?
out=$(cat "$TMP/bg.out")
elapsed=$(($(date +%s) - start))
assert_eq "a command leaving a background process exits 0 (124: timed out)" 0 "$st"
assert_eq "and its output arrives" started "$out"
check "nschroot returned promptly (${elapsed} s)" test "$elapsed" -lt 15
check "no process of the box is left when nschroot returns" no_procs 'sleep 1000.4242'
reap_leftovers 'sleep 1000.4242'

# nschroot killed by SIGKILL takes the box with it.
"$NSCHROOT" run "$root" sleep 1000.4343 </dev/null >/dev/null 2>&1 &
pid=$!
check "the box's sleep is running" wait_until 30 running 'sleep 1000.4343'
kill -KILL "$pid"
wait "$pid" 2>/dev/null
assert_eq "nschroot died of SIGKILL" 137 "$?"
check "the box died with nschroot" wait_until 5 no_procs 'sleep 1000.4343'
reap_leftovers 'sleep 1000.4343'

# --- Standard streams ----------------------------------------------------
assert_eq "stdin reaches the command" hello "$(echo hello | "$NSCHROOT" run "$root" cat)"
assert_eq "a longer stdin passes whole" 20000 "$(seq 20000 | "$NSCHROOT" run "$root" wc -l)"
assert_eq "stdout carries only stdout" out "$(nsrun run "$root" sh -c 'echo out; echo err >&2' 2>/dev/null)"
assert_eq "stderr reaches stderr" err "$(nsrun run "$root" sh -c 'echo out; echo err >&2' 2>&1 >/dev/null)"

# --- --uid, --gid --------------------------------------------------------
assert_eq "--uid 1000: uid 1000 and its passwd gid" "1000 1000" \
	"$(nsrun run --uid 1000 "$root" sh -c 'echo $(id -u) $(id -g)')"
assert_eq "--uid by name" "1000 1000" "$(nsrun run --uid user "$root" sh -c 'echo $(id -u) $(id -g)')"
assert_eq "--uid 1000 --gid 0" "1000 0" "$(nsrun run --uid 1000 --gid 0 "$root" sh -c 'echo $(id -u) $(id -g)')"
assert_eq "--gid by name" "0 1000" "$(nsrun run --gid user "$root" sh -c 'echo $(id -u) $(id -g)')"
assert_eq "--uid of a number not in passwd keeps gid 0" "4242 0" \
	"$(nsrun run --uid 4242 "$root" sh -c 'echo $(id -u) $(id -g)')"
err=$(nsrun run --uid nosuchuser "$root" true 2>&1)
assert_status "an unknown --uid name: 125" 125 nsrun run --uid nosuchuser "$root" true
assert_eq "an unknown --uid name: one line" \
	"nschroot: --uid 'nosuchuser': no such user in the rootfs' /etc/passwd" "$err"
assert_status "an unknown --gid name: 125" 125 nsrun run --gid nosuchgroup "$root" true
assert_match "as --uid 1000 the command has no capabilities" '^CapEff:[[:space:]]+0+$' \
	"$(nsrun run --uid 1000 "$root" grep CapEff /proc/self/status)"
assert_match "as root it has capabilities" '^CapEff:[[:space:]]+0*[1-9a-f][0-9a-f]*$' \
	"$(nsrun run "$root" grep CapEff /proc/self/status)"

# --- --map ---------------------------------------------------------------
assert_eq "--map=user: the caller's own uid inside" "$(id -u) $(id -g)" \
	"$(nsrun run --map=user "$root" sh -c 'echo $(id -u) $(id -g)')"
assert_eq "default --map=root: 0 inside" "0 0" "$(nsrun run "$root" sh -c 'echo $(id -u) $(id -g)')"
assert_eq "explicit --map=root: 0 inside" 0 "$(nsrun run --map=root "$root" id -u)"

# --- --hostname, --net ---------------------------------------------------
assert_eq "--hostname sets the hostname" box-name "$(nsrun run --hostname box-name "$root" hostname)"
assert_eq "the hostname does not change on the host" "$(hostname)" \
	"$(nsrun run --hostname box-name "$root" true; hostname)"
NSCHROOT_HOME=$TMP/store "$NSCHROOT" create --map=root --progress=never hn-box "$root" >/dev/null 2>&1 </dev/null
assert_eq "a box's hostname is its name" hn-box "$(NSCHROOT_HOME=$TMP/store nsrun run hn-box hostname)"
assert_eq "... unless --hostname says otherwise" other \
	"$(NSCHROOT_HOME=$TMP/store nsrun run --hostname other hn-box hostname)"
assert_eq "a directory keeps the host's hostname" "$(hostname)" "$(nsrun run "$root" hostname)"
usage_error "an empty --hostname" "invalid --hostname '': 1 to 64 characters" run --hostname '' "$root" true
netdev_names() { awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' | sort | tr '\n' ' '; }
assert_eq "--net=none: only lo in /proc/net/dev" "lo " \
	"$(nsrun run --net=none "$root" cat /proc/net/dev | netdev_names)"
out=$(nsrun run --net=none "$root" ip -o link)
assert_eq "--net=none: ip link lists only lo" lo "$(printf '%s\n' "$out" | awk -F': ' '{ print $2 }')"
assert_match "--net=none: lo is UP" '^1: lo: <([A-Z_]+,)*UP[,>]' "$out"
# The network namespace belongs to the user namespace the command holds
# its capabilities in: root inside opens raw sockets and binds low ports.
assert_eq "--net=none: root inside can ping (a raw socket)" 0 \
	"$(nsrun run --net=none "$root" ping -c 1 -W 2 127.0.0.1 >/dev/null 2>&1; echo $?)"
assert_eq "--net=none: root inside can bind port 80" 0 \
	"$(nsrun run --net=none "$root" httpd -p 127.0.0.1:80 2>&1; echo $?)"
assert_eq "--net=none: the command's user namespace owns the network namespace" yes \
	"$(nsrun run --net=none "$root" sh -c 'grep -q "^CapEff:.*ffffffff" /proc/self/status &&
		ping -c 1 -W 2 127.0.0.1 >/dev/null 2>&1 && echo yes')"
assert_eq "--net=host (default) sees the host's interfaces" "$(netdev_names </proc/net/dev)" \
	"$(nsrun run "$root" cat /proc/net/dev | netdev_names)"
assert_eq "--net=host explicitly" "$(netdev_names </proc/net/dev)" \
	"$(nsrun run --net=host "$root" cat /proc/net/dev | netdev_names)"

# --- Working directory ---------------------------------------------------
assert_eq "-w DIR sets the working directory" /tmp "$(nsrun run -w /tmp "$root" pwd)"
assert_eq "--chdir DIR too" /etc "$(nsrun run --chdir /etc "$root" pwd)"
assert_eq "the default directory is root's HOME" /root "$(nsrun run "$root" pwd)"
assert_eq "the default directory is the --uid user's HOME" /home/user "$(nsrun run --uid 1000 "$root" pwd)"
assert_eq "a HOME that does not exist gives /" / "$(nsrun run --uid nobody "$root" pwd)"
assert_eq "a uid without a passwd entry gives /" / "$(nsrun run --uid 4242 "$root" pwd)"
err=$(nsrun run -w /no/such/dir "$root" true 2>&1)
assert_status "-w to a missing directory: 125" 125 nsrun run -w /no/such/dir "$root" true
assert_eq "-w to a missing directory: one line" \
	"nschroot: cannot change directory to '/no/such/dir': No such file or directory" "$err"
# $TMP exists on the host, not in the rootfs.
assert_status "-w names a directory of the rootfs, not of the host" 125 nsrun run -w "$TMP" "$root" true

# --- The default command -------------------------------------------------
assert_eq "run without a command starts a login shell" -sh \
	"$(echo 'echo $0' | "$NSCHROOT" run "$root")"
assert_eq "its status is the shell's" 3 "$(echo 'exit 3' | "$NSCHROOT" run "$root"; echo $?)"
assert_eq "run BOX -- CMD: '--' after TARGET ends the options" "a b" \
	"$(nsrun run "$root" -- echo a b)"
assert_eq "run BOX -- -- CMD: only the first '--' is taken" "--" "$(nsrun run "$root" -- echo -- | head -c 2)"
assert_eq "enter starts the same login shell" -sh "$(echo 'echo $0' | "$NSCHROOT" enter "$root")"
assert_eq "enter: the shell reads commands from stdin" "0 2 /root" \
	"$(echo 'echo $(id -u) $$ $PWD' | "$NSCHROOT" enter "$root")"
assert_eq "the login shell is the inside user's from passwd" -ash \
	"$(echo 'echo $0' | "$NSCHROOT" run --uid ash "$root")"
assert_eq "a missing login shell falls back to /bin/sh" -sh \
	"$(echo 'echo $0' | "$NSCHROOT" run --uid gone "$root" 2>/dev/null)"
usage_error "enter with a command" \
	"enter: unexpected argument 'extra' (use 'nschroot run' to run a command)" enter "$root" extra
usage_error "enter without TARGET" "enter: missing TARGET" enter
done_testing
