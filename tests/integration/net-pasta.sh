#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --net=pasta (DESIGN.md "Network"): a network namespace of the box's own,
# connected by pasta; --publish forwards a host port (on 127.0.0.1 unless
# told) to the box; root inside owns the namespace (ping, ports below
# 1024, ip) with --net=none too; the host's loopback services stay the
# host's; pasta lives exactly as long as the run; exec joins the network;
# saved options; without pasta, 125 and the hint.
. "$(dirname "$0")/../lib.sh"
require_userns
require_subids
command -v pasta >/dev/null || [ -n "${NSCHROOT_PASTA:-}" ] ||
	skip_all "pasta is not installed (apt-get install passt)"
[ -r /dev/net/tun ] && [ -w /dev/net/tun ] ||
	skip_all "/dev/net/tun cannot be opened (mode 0666 on a normal system)"

export NSCHROOT_HOME="$TMP/store"
tree=$TMP/tree
make_busybox_rootfs "$tree"
mkdir -p "$tree/www"
echo hello-from-the-box >"$tree/www/index.html"
tar -C "$tree" -czf "$TMP/bb.tar.gz" .
nsrun create --map=auto --progress=never bb "$TMP/bb.tar.gz" >/dev/null ||
	skip_all "cannot create the busybox box"
plan 30

# A free TCP port of the host's loopback.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# fetch PORT: the page at 127.0.0.1:PORT, tried for up to 5 s.
fetch() {
	python3 - "$1" <<'PY'
import sys, time, urllib.request
for _ in range(50):
    try:
        print(urllib.request.urlopen("http://127.0.0.1:%s/" % sys.argv[1], timeout=2).read().decode().strip())
        break
    except Exception:
        time.sleep(0.1)
PY
}

host_ns=$(readlink /proc/self/ns/net)
box_ns=$(nsrun run --net=pasta bb readlink /proc/self/ns/net)
assert_match "--net=pasta: a network namespace of the box's own" "^net:" "$box_ns"
check "... not the host's" test "$box_ns" != "$host_ns"
assert_eq "... and nothing said on stderr (pasta is quiet)" "" \
	"$(nsrun run --net=pasta bb true 2>&1)"
assert_match "... with an interface that has an address besides lo" "inet [0-9.]+/" \
	"$(nsrun run --net=pasta bb ip -o addr | grep -v ' lo ')"

for net in none pasta; do
	assert_match "--net=$net: root pings 127.0.0.1 (raw ICMP)" "1 packets received" \
		"$(nsrun run --net=$net bb ping -c1 -W2 127.0.0.1 2>&1)"
	assert_eq "--net=$net: root binds port 80" bound \
		"$(nsrun run --net=$net bb sh -c 'nc -l -p 80 & sleep 0.3; kill $! && echo bound')"
	assert_eq "--net=$net: root adds an address with ip" "10.9.9.9" \
		"$(nsrun run --net=$net bb sh -c 'ip addr add 10.9.9.9/32 dev lo && ip -o addr show lo' |
			grep -o '10\.9\.9\.9')"
done

# --- --publish ---------------------------------------------------------------
hp=$(free_port)
"$NSCHROOT" run --net=pasta --publish "127.0.0.1:$hp:80" bb httpd -f -p 80 -h /www </dev/null &
run=$!
assert_eq "--publish 127.0.0.1:$hp:80: the box's httpd answers a host client" \
	hello-from-the-box "$(fetch "$hp")"
kill "$run"
wait "$run"
hp=$(free_port)
"$NSCHROOT" run --net=pasta --publish "$hp:80" bb httpd -f -p 80 -h /www </dev/null &
run=$!
assert_eq "--publish $hp:80 answers too" hello-from-the-box "$(fetch "$hp")"
assert_eq "... on 127.0.0.1 alone, not on every address" "127.0.0.1:$hp" \
	"$(ss -Hltn "sport = :$hp" | awk '{print $4}' | tr '\n' ' ' | sed 's/ $//')"
kill "$run"
wait "$run"

# --- The host's loopback services are not the box's -----------------------
sp=$(free_port)
python3 -m http.server --bind 127.0.0.1 "$sp" >/dev/null 2>&1 &
server=$!
check "a host server on 127.0.0.1:$sp answers the host" test -n "$(fetch "$sp" | head -c1; echo x)"
out=$(nsrun run --net=pasta bb sh -c '
	gw=$(ip route | awk "/^default/ { print \$3 }")
	wget -q -T 2 -O /dev/null http://127.0.0.1:'"$sp"'/ && echo loopback-reached
	wget -q -T 2 -O /dev/null http://$gw:'"$sp"'/ && echo gateway-reached
	echo gw=$gw' 2>/dev/null)
assert_match "the box has a default gateway" "^gw=[0-9]" "$(echo "$out" | grep '^gw=')"
assert_no_match "the host's 127.0.0.1 server is not the box's 127.0.0.1" loopback-reached "$out"
assert_no_match "... nor reached at the gateway's address" gateway-reached "$out"
kill "$server"

# --- pasta lives as long as the run ----------------------------------------
# start_pasta: a run of bb that sleeps, its network namespace in /tmp/ns;
# $run is nschroot, $init and $pasta its children.
start_pasta() {
	"$NSCHROOT" run --net=pasta bb sh -c \
		'readlink /proc/self/ns/net >/tmp/ns; exec sleep 300' </dev/null &
	run=$!
	init= pasta=
	for _i in $(seq 100); do
		for c in $(pgrep -P "$run"); do
			if [ "$({ tr -d '\0' <"/proc/$c/cmdline"; } 2>/dev/null)" = init ]; then
				init=$c
			else
				pasta=$c
			fi
		done
		[ -n "$init" ] && [ -n "$pasta" ] && nsrun exec bb test -s /tmp/ns 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# gone PID: PID is no more (or a zombie about to be reaped), within 5 s.
gone() {
	for _i in $(seq 50); do
		st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)
		[ -z "$st" ] || [ "$st" = Z ] && return 0
		sleep 0.1
	done
	return 1
}
check "an instance with --net=pasta starts, with pasta beside init" start_pasta
assert_eq "exec joins the instance's network namespace" \
	"$(nsrun exec bb cat /tmp/ns)" "$(nsrun exec bb readlink /proc/self/ns/net)"
check "... which is not the host's" test "$(nsrun exec bb readlink /proc/self/ns/net)" != "$host_ns"
kill -TERM "$run"
wait "$run"
check "normal end: no pasta left" gone "$pasta"
start_pasta
kill -KILL "$run"
check "SIGKILL of nschroot: no pasta left" gone "$pasta"
gone "$init"
start_pasta
kill -KILL "$init"
wait "$run"
check "SIGKILL of init: no pasta left" gone "$pasta"

# --- Refusals ------------------------------------------------------------------
err=$(nsrun run --publish 8080:80 bb true 2>&1)
assert_eq "--publish without --net=pasta: 125" 125 "$?"
assert_match "... saying why" "--publish needs --net=pasta" "$err"
err=$(NSCHROOT_PASTA=/nonexistent nsrun run --net=pasta bb touch /ran 2>&1)
assert_eq "without pasta: 125, with the hint" "125 yes" \
	"$? $(echo "$err" | grep -q 'apt-get install passt' && echo yes)"

out=$(nsrun doctor 2>&1)
assert_match "doctor has a pasta line" "^OK +pasta: /" "$out"
assert_match "... and one for /dev/net/tun" "^OK +/dev/net/tun: mode 0666" "$out"

nsrun create --map=keep-id --progress=never kb "$TMP/bb.tar.gz" >/dev/null
assert_match "a keep-id box (the caller as themselves) has the network too" \
	"^uid=$(id -u)[( ].*inet [0-9.]+/" \
	"$(nsrun run --net=pasta --ephemeral kb sh -c 'id; ip -o -4 addr | grep -v " lo "' | tr '\n' ' ')"

# --- Saved options ---------------------------------------------------------------
hp=$(free_port)
nsrun config bb --net=pasta --publish "127.0.0.1:$hp:80" >/dev/null
"$NSCHROOT" run bb httpd -f -p 80 -h /www </dev/null &
run=$!
assert_eq "saved --net=pasta --publish: the box's httpd answers" hello-from-the-box "$(fetch "$hp")"
kill "$run"
wait "$run"
done_testing
