#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The desktop options against real servers: --x11 with an Xvfb display
# (a client in the box opens a window the host sees; without --x11 it
# cannot, knowing DISPLAY), --wayland and --pulse with sockets standing in
# for a compositor and a sound server in a private XDG_RUNTIME_DIR, --home,
# --gpu, --desktop, and the error for each thing the host lacks.
#
# Environment: NSCHROOT_TEST_HELPERS, the build directory of the static
# helpers (tests/helpers/xclient.c); the screenshot of the box's window is
# written there, as desktop-x11.png.
. "$(dirname "$0")/../lib.sh"
require_userns
require_subids

client=${NSCHROOT_TEST_HELPERS:-}/xclient
[ -x "$client" ] || skip_all "the static helper 'xclient' is not built"
for tool in Xvfb xauth xwininfo xwd xwdtopnm pnmtopng pngtopnm pamcut python3; do
	command -v "$tool" >/dev/null ||
		skip_all "$tool is not installed (apt-get install xvfb xauth x11-utils x11-apps netpbm python3)"
done
root=$TMP/root
make_busybox_rootfs "$root"
cp "$client" "$root/bin/xclient"
plan 51

servers=
stop_servers() { [ -n "$servers" ] && kill $servers 2>/dev/null; }
CLEANUP_HOOK=stop_servers

# Wait (up to 10 s) until the socket $1 exists.
wait_socket() {
	_i=0
	while [ ! -S "$1" ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

# --- X11 -------------------------------------------------------------------
n=90
while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
export XAUTHORITY="$TMP/xauthority"
xauth -q -f "$XAUTHORITY" add ":$n" MIT-MAGIC-COOKIE-1 \
	"$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" 2>/dev/null
Xvfb ":$n" -nolisten tcp -auth "$XAUTHORITY" -screen 0 640x360x24 2>"$TMP/xvfb.log" &
servers="$servers $!"
wait_socket "/tmp/.X11-unix/X$n"
export DISPLAY=":$n"
check "Xvfb listens on :$n" test -S "/tmp/.X11-unix/X$n"

nsrun run --x11 "$root" sh -c 'xclient x11 8' >"$TMP/x11.out" 2>&1 &
box=$!
i=0
tree=
while [ $i -lt 100 ]; do
	tree=$(xwininfo -root -tree -display ":$n" 2>&1)
	case $tree in *'"nschroot box"'*) break ;; esac
	sleep 0.1
	i=$((i + 1))
done
assert_match "the host's X server shows the box's window" '"nschroot box"' "$tree"
shot=${NSCHROOT_TEST_HELPERS}/desktop-x11.png
sleep 0.5 # the client draws once the window is mapped
xwd -root -display ":$n" | xwdtopnm 2>/dev/null | pnmtopng >"$shot" 2>/dev/null
diag "screenshot: $shot"
assert_eq "a screenshot of the screen is a PNG" "PNG" "$(head -c 4 "$shot" | tail -c 3)"
pixel=$(pngtopnm "$shot" | pamcut -left 300 -top 100 -width 1 -height 1 | pnmtoplainpnm | tail -n 1)
assert_eq "it shows the box's rectangle, drawn inside" "42 111 219" "$(echo $pixel)"
wait $box
assert_eq "the client ends well" 0 $?
out=$(cat "$TMP/x11.out")
assert_match "it connected to /tmp/.X11-unix/X$n" '^socket: ok$' "$out"
assert_match "with the display's cookie" '^cookie: yes$' "$out"
assert_match "and mapped its window" '^window: mapped$' "$out"
assert_match "the abstract X socket stays closed (Landlock)" '^abstract: Operation not permitted$' "$out"

out=$(nsrun run --x11 "$root" sh -c 'echo "$DISPLAY $XAUTHORITY"; ls -A /tmp/.X11-unix;
	stat -c "%a %u" "$XAUTHORITY"; ls -A "$XDG_RUNTIME_DIR"' 2>&1)
assert_eq "DISPLAY, XAUTHORITY, the socket alone, a cookie file 0600 of the command's" \
	":$n /run/user/0/Xauthority
X$n
600 0
Xauthority" "$out"
check "the box's own /tmp got an empty mount point, nothing else" \
	test -z "$(ls -A "$root/tmp/.X11-unix")"
out=$(nsrun run --x11 -e XAUTHORITY=/nonexistent "$root" xclient x11 0 2>&1)
assert_match "the cookie is what lets it in: without it the server refuses" \
	'refused the connection' "$out"
out=$(DISPLAY=":$n.0" nsrun run --x11 "$root" sh -c 'echo $DISPLAY' 2>&1)
assert_eq "DISPLAY :N.S keeps its screen" ":$n.0" "$out"

out=$(nsrun run -e DISPLAY -e XAUTHORITY "$root" xclient x11 0 2>&1)
st=$?
assert_eq "without --x11 the client cannot reach the display" 1 "$st"
assert_match "no socket file" '^socket: No such file or directory$' "$out"
assert_match "and the abstract one is closed" '^abstract: Operation not permitted$' "$out"

out=$(env -u DISPLAY "$NSCHROOT" run --x11 "$root" true 2>&1 </dev/null)
assert_eq "--x11 without DISPLAY: 125" 125 $?
assert_match "which says so" '^nschroot: --x11: DISPLAY is not set' "$out"
out=$(DISPLAY=otherhost:0 "$NSCHROOT" run --x11 "$root" true 2>&1 </dev/null)
assert_eq "--x11 with a TCP display: 125" 125 $?
assert_match "which says so" "DISPLAY 'otherhost:0' is a display over TCP" "$out"
m=$((n + 1))
while [ -e "/tmp/.X11-unix/X$m" ]; do m=$((m + 1)); done
out=$(DISPLAY=":$m" "$NSCHROOT" run --x11 "$root" true 2>&1 </dev/null)
assert_eq "--x11 with no server: 125" 125 $?
assert_eq "which names the socket" \
	"nschroot: --x11: no X server socket at /tmp/.X11-unix/X$m: No such file or directory" "$out"

# --- Wayland and sound -------------------------------------------------
rt=$TMP/runtime
mkdir -m 700 "$rt" "$rt/pulse"
cat >"$TMP/servers.py" <<'PY'
import socket, sys, threading
def serve(path, greeting):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(8)
    while True:
        c, _ = s.accept()
        c.sendall(greeting.encode())
        c.close()
for path, greeting in zip(sys.argv[1::2], sys.argv[2::2]):
    threading.Thread(target=serve, args=(path, greeting), daemon=True).start()
threading.Event().wait()
PY
python3 "$TMP/servers.py" "$rt/wayland-test" "hello from the compositor" \
	"$rt/pulse/native" "hello from the sound server" &
servers="$servers $!"
wait_socket "$rt/wayland-test"
wait_socket "$rt/pulse/native"
export XDG_RUNTIME_DIR="$rt" WAYLAND_DISPLAY=wayland-test
check "the stand-in servers listen" test -S "$rt/pulse/native"

inside='xclient read "$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY"; xclient read "${PULSE_SERVER#unix:}"
	echo "$XDG_RUNTIME_DIR $WAYLAND_DISPLAY $PULSE_SERVER"
	stat -c "%a %u %g" "$XDG_RUNTIME_DIR"; id -u; id -g; ls -A "$XDG_RUNTIME_DIR"; ls -A "$XDG_RUNTIME_DIR/pulse"'
out=$(nsrun run --wayland --pulse "$root" sh -c "$inside" 2>&1)
assert_eq "the box reads both servers, in a private runtime directory of root's" \
	"hello from the compositor
hello from the sound server
/run/user/0 wayland-test unix:/run/user/0/pulse/native
700 0 0
0
0
pulse
wayland-test
native" "$out"

# The caller's ids inside, whichever map --desktop's keep-id gives a
# directory: those of the rootfs' top, which is the caller's.
ids=$(nsrun run --map=keep-id "$root" stat -c "%u %g" /)
uid=${ids% *}
gid=${ids#* }
out=$(nsrun run --map=keep-id --uid "$uid" --gid "$gid" --wayland --pulse "$root" sh -c "$inside" 2>&1)
assert_eq "--map=keep-id: the caller inside ($uid) reads both, the directory is the caller's" \
	"hello from the compositor
hello from the sound server
/run/user/$uid wayland-test unix:/run/user/$uid/pulse/native
700 $uid $gid
$uid
$gid
pulse
wayland-test
native" "$out"
out=$(nsrun run --map=auto --uid 1000 --gid 1000 --wayland "$root" \
	sh -c 'echo $XDG_RUNTIME_DIR; stat -c "%a %u %g" "$XDG_RUNTIME_DIR"' 2>&1)
assert_eq "another user of the box gets a runtime directory of its own" "/run/user/1000
700 1000 1000" "$out"

out=$(env -u XDG_RUNTIME_DIR WAYLAND_DISPLAY="$rt/wayland-test" "$NSCHROOT" run --wayland "$root" \
	sh -c 'xclient read "$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY"; echo $WAYLAND_DISPLAY' 2>&1 </dev/null)
assert_eq "an absolute WAYLAND_DISPLAY is the socket" "hello from the compositor
wayland-test" "$out"
out=$(nsrun run --wayland "$root" sh -c 'echo ${PULSE_SERVER:-no pulse}; ls -A $XDG_RUNTIME_DIR' 2>&1)
assert_eq "--wayland alone grants the compositor alone" "no pulse
wayland-test" "$out"

out=$(WAYLAND_DISPLAY=wayland-none "$NSCHROOT" run --wayland "$root" true 2>&1 </dev/null)
assert_eq "--wayland with no compositor: 125" 125 $?
assert_match "which names the socket" \
	"^nschroot: --wayland: no Wayland socket at $rt/wayland-none: No such file or directory" "$out"
out=$(env -u XDG_RUNTIME_DIR -u WAYLAND_DISPLAY "$NSCHROOT" run --wayland "$root" true 2>&1 </dev/null)
assert_eq "--wayland without XDG_RUNTIME_DIR: 125" 125 $?
assert_match "which says so" "^nschroot: --wayland: XDG_RUNTIME_DIR is not set" "$out"
mkdir -m 700 "$TMP/empty-runtime"
out=$(XDG_RUNTIME_DIR=$TMP/empty-runtime "$NSCHROOT" run --pulse "$root" true 2>&1 </dev/null)
assert_eq "--pulse with no sound server: 125" 125 $?
assert_match "which names the socket" \
	"^nschroot: --pulse: no PulseAudio socket at $TMP/empty-runtime/pulse/native: No such file" "$out"

# --- Home --------------------------------------------------------------
home=$(getent passwd "$(id -u)" | cut -d: -f6)
me=$(id -un)
work=$(mktemp -d "$home/nschroot-desktop.XXXXXX")
mkdir "$work/sub"
out=$(cd "$work/sub" && nsrun run --home "$root" sh -c 'echo "$HOME"; pwd; echo made >../made' 2>&1)
assert_eq "--home: HOME is the caller's, the directory follows the caller's" "$home
$work/sub" "$out"
assert_eq "a file made inside the home is there on the host, the caller's" \
	"made $me" "$(cat "$work/made") $(stat -c %U "$work/made")"
out=$(cd / && nsrun run --home "$root" pwd 2>&1)
assert_eq "outside the home, the command starts in HOME" "$home" "$out"
out=$(cd "$work" && nsrun run --home -w /tmp "$root" pwd 2>&1)
assert_eq "-w has the last word" "/tmp" "$out"
out=$(cd "$work" && nsrun run --backend=proot --home "$root" sh -c 'pwd; cat made' 2>&1)
assert_eq "the proot backend binds the home too" "$work
made" "$out"
out=$(nsrun run --backend=proot --x11 "$root" true 2>&1)
assert_eq "the proot backend refuses --x11: 125" 125 $?
assert_match "naming it" "the proot backend cannot honour --x11" "$out"
rm -rf "$work"

# --- GPU ---------------------------------------------------------------
if [ -d /dev/dri ]; then
	out=$(nsrun run --gpu "$root" ls /dev/dri 2>&1)
	assert_eq "--gpu: /dev/dri inside is the host's" "$(ls /dev/dri)" "$out"
	check "--gpu: the host's groups are kept" nsrun run --gpu "$root" true
	ok "no /dev/dri error to test on a host that has one"
else
	out=$("$NSCHROOT" run --gpu "$root" true 2>&1 </dev/null)
	assert_eq "--gpu on a host without /dev/dri: 125" 125 $?
	assert_eq "which names it" \
		"nschroot: --gpu: no /dev/dri on this host: No such file or directory" "$out"
	out=$(nsrun run --desktop "$root" true 2>&1)
	assert_eq "--desktop leaves the GPU out with one note" \
		"nschroot: note: --gpu: no /dev/dri on this host: No such file or directory: left out of --desktop" \
		"$(printf '%s\n' "$out" | grep gpu)"
fi

# --- --desktop -----------------------------------------------------------
out=$(cd "$home" && nsrun run --desktop --uid "$uid" --gid "$gid" "$root" sh -c \
	'xclient read "$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY"; xclient read "${PULSE_SERVER#unix:}"
	echo "$DISPLAY $HOME $(pwd)"; xclient x11 0 | grep socket' 2>/dev/null)
assert_eq "--desktop: compositor, sound, display and home (keep-id, as the caller)" \
	"hello from the compositor
hello from the sound server
:$n $home $home
socket: ok" "$out"
out=$(env -u DISPLAY -u XDG_RUNTIME_DIR -u WAYLAND_DISPLAY "$NSCHROOT" run --desktop "$root" \
	sh -c 'echo $HOME' 2>&1 </dev/null)
assert_eq "--desktop on a host with none of them still runs" 0 $?
assert_eq "with its home" "$home" "$(printf '%s\n' "$out" | grep -v '^nschroot: note:')"
notes=$(printf '%s\n' "$out" | grep -c '^nschroot: note: .*left out of --desktop$')
want=3
[ -d /dev/dri ] || want=4
assert_eq "and one note for each part left out" "$want" "$notes"
assert_match "the note names what is missing" \
	'^nschroot: note: --x11: DISPLAY is not set: no X display to share: left out of --desktop$' "$out"
out=$(env -u DISPLAY "$NSCHROOT" run --desktop --x11 "$root" true 2>&1 </dev/null)
assert_eq "--desktop --x11: the X11 asked for on its own must be there" 125 $?
assert_match "and its absence is an error, not a note" '^nschroot: --x11: DISPLAY is not set' "$out"

done_testing
