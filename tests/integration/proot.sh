#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The proot backend (DESIGN.md, "Backends"): where user namespaces are
# refused (nouserns: no_new_privs and a seccomp filter, as a container
# runtime's default profile), `run` and `enter` fall back to proot with one
# warning, and keep the run contract: environment, directory, binds, exit
# statuses, signals, nothing left running; options proot cannot honour are
# refused, naming the backend.
. "$(dirname "$0")/../lib.sh"
require_userns
require_subids
command -v proot >/dev/null || skip_all "proot is not installed (apt-get install proot)"
NOUSERNS=$NSCHROOT_TEST_HELPERS/nouserns
[ -x "$NOUSERNS" ] || skip_all "the nouserns test helper is not built"
plan 81

root=$TMP/root
make_busybox_rootfs "$root"
# Where the proot backend makes the directories of /run and --tmpfs.
export TMPDIR="$TMP/tmpdir"
mkdir "$TMPDIR"
# nsp ARGS...: nschroot where user namespaces are refused.
nsp() { "$NOUSERNS" "$NSCHROOT" "$@" </dev/null; }

# --- Refused user namespaces: auto falls back, ns says why ----------------
assert_eq "the wrapper refuses user namespaces" 1 \
	"$("$NOUSERNS" unshare -U true 2>/dev/null; echo $?)"
out=$(nsp run "$root" /bin/echo hi 2>"$TMP/err")
assert_eq "auto mode runs the box through proot" "0 hi" "$? $out"
assert_eq "with one warning line, naming why" \
	"nschroot: warning: cannot create the sandbox's namespaces: Operation not permitted: running the box through proot" \
	"$(cat "$TMP/err")"
# A kernel's limit: user.max_user_namespaces of 0, in a namespace of the
# test's own (the sysctl is per namespace).
out=$(unshare -U -r sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" run "$1" /bin/echo hi' "$NSCHROOT" "$root" 2>"$TMP/err" </dev/null)
assert_eq "under max_user_namespaces=0 too, through proot" "0 hi" "$? $out"
assert_eq "... with the warning" \
	"nschroot: warning: cannot create the sandbox's namespaces: the limit on user namespaces is reached: running the box through proot" \
	"$(cat "$TMP/err")"
err=$(nsp run --backend=ns "$root" /bin/echo hi 2>&1)
assert_eq "--backend=ns: 125" 125 "$?"
assert_match "... saying that the namespaces are refused" \
	"^nschroot: cannot create the sandbox's namespaces: Operation not permitted" "$err"
assert_match "... with the hint on the sysctls" "hint: .*user namespaces" "$err"
err=$(NSCHROOT_PROOT=/nonexistent/proot nsp run "$root" true 2>&1)
assert_eq "without proot: 125, after the warning, with the install hint" \
	"125 nschroot: warning: cannot create the sandbox's namespaces: Operation not permitted: running the box through proot
nschroot: cannot run the box through proot: proot not found
hint: install proot (Debian: apt-get install proot), or name it in NSCHROOT_PROOT" "$? $err"
check "with user namespaces, --backend=proot runs under proot (traced)" \
	test "$(nsrun run --backend=proot "$root" sh -c 'grep TracerPid /proc/self/status' |
		awk '{ print $2 }')" -gt 0

# --- The run contract --------------------------------------------------------
assert_eq "inside, the command is root (proot's fake root)" "0 0" \
	"$(nsp run "$root" sh -c 'echo $(id -u) $(id -g)' 2>/dev/null)"
nsp run "$root" sh -c 'echo written > /root/file' 2>/dev/null
assert_eq "a write lands in the rootfs, owned by the caller" "written $(id -u)" \
	"$(cat "$root/root/file") $(stat -c %u "$root/root/file")"
assert_eq "--uid and --gid are faked" "1000 50" \
	"$(nsp run --uid 1000 --gid 50 "$root" sh -c 'echo $(id -u) $(id -g)' 2>/dev/null)"
assert_eq "the working directory is HOME" /root "$(nsp run "$root" pwd 2>/dev/null)"
assert_eq "-w enters the directory" /tmp "$(nsp run -w /tmp "$root" pwd 2>/dev/null)"
err=$(nsp run -w /nowhere "$root" pwd 2>&1 | grep -v warning)
assert_eq "a missing -w: 125 and the message" \
	"nschroot: cannot change directory to '/nowhere': No such file or directory" "$err"
assert_status "... exit 125" 125 nsp run -w /nowhere "$root" pwd
out=$(SECRET=leak nsp run -e FOO=bar "$root" sh -c 'echo "$FOO/${SECRET:-none}/$HOME/$PATH"' 2>/dev/null)
assert_eq "a clean environment, -e set, HOME and PATH of the box" \
	"bar/none//root//usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$out"
mkdir -p "$root/opt/box/bin"
printf '#!/bin/sh\necho box-only\n' > "$root/opt/box/bin/only-in-box"
chmod +x "$root/opt/box/bin/only-in-box"
assert_eq "the command is searched in the box's PATH" box-only \
	"$(nsp run -e PATH=/opt/box/bin "$root" only-in-box 2>/dev/null)"
out=$(LANG=C.UTF-8 nsp run --unsetenv LANG "$root" sh -c 'echo "${LANG:-unset}"' 2>/dev/null)
assert_eq "--unsetenv drops a variable" unset "$out"
out=$(exec 7</dev/null 8</dev/null; nsp run --preserve-fd 8 "$root" ls /proc/self/fd 2>/dev/null | tr '\n' ' ')
assert_eq "the caller's descriptors stay out but for --preserve-fd (3: ls's own)" "0 1 2 3 8 " "$out"
assert_eq "/proc, /dev/null and /sys are there" "yes" \
	"$(nsp run "$root" sh -c 'test -r /proc/self/status && echo x > /dev/null && test -d /sys/kernel && echo yes' 2>/dev/null)"
if [ -r /etc/resolv.conf ]; then
	assert_eq "/etc/resolv.conf is the host's" "$(cat /etc/resolv.conf)" \
		"$(nsp run "$root" cat /etc/resolv.conf 2>/dev/null)"
else
	ok "/etc/resolv.conf: the host has none"
fi
if [ -r /etc/resolv.conf ]; then
	# ubuntu-base's form: a link into /run, dangling in the tree.
	dangling=$TMP/dangling
	make_busybox_rootfs "$dangling"
	rm -f "$dangling/etc/resolv.conf"
	ln -s ../run/systemd/resolve/stub-resolv.conf "$dangling/etc/resolv.conf"
	assert_eq "... also through a dangling link into /run" "$(cat /etc/resolv.conf)" \
		"$(nsp run "$dangling" cat /etc/resolv.conf 2>/dev/null)"
	check "... which leaves the tree as it was" test ! -e "$dangling/run/systemd"
else
	ok "/etc/resolv.conf as a dangling link: the host has none"
	ok "... nothing to leave"
fi
mkdir "$TMP/shared"
echo from-host > "$TMP/shared/f"
assert_eq "--bind shows a host directory at the destination" from-host \
	"$(nsp run --bind "$TMP/shared:/mnt" "$root" cat /mnt/f 2>/dev/null)"
nsp run --bind "$TMP/shared:/mnt" "$root" sh -c 'echo back > /mnt/g' 2>/dev/null
assert_eq "... and writes go to it" back "$(cat "$TMP/shared/g")"
out=$(nsp run --tmpfs /scratch "$root" sh -c 'ls -A /scratch; echo x > /scratch/y && cat /scratch/y' 2>/dev/null)
assert_eq "--tmpfs is an empty, writable directory" x "$out"
check "... that is not left in the rootfs" test ! -e "$root/scratch/y"
out=$(nsp run "$root" sh -c 'ls -A /run; touch /run/pid' 2>/dev/null)
assert_eq "/run is fresh for each run (nschroot-guest alone is there)" .nschroot-guest "$out"
assert_eq "... each time" .nschroot-guest "$(nsp run "$root" ls -A /run 2>/dev/null)"
check "... and nothing of it lands in the rootfs" test ! -e "$root/run/pid" -a ! -e "$root/run/.nschroot-guest"
assert_eq "no temporary directory is left behind" "" "$(ls -A "$TMPDIR")"

# --- Exit statuses -------------------------------------------------------------
assert_status "the command's status" 7 nsp run "$root" sh -c 'exit 7'
assert_status "... also when the caller ignores SIGCHLD" 4 \
	sh -c 'trap "" CHLD; exec "$@" </dev/null' sh "$NOUSERNS" "$NSCHROOT" run "$root" sh -c 'exit 4'
assert_status "128+N for a command killed by signal N" 143 nsp run "$root" sh -c 'kill -TERM $$'
assert_status "the command's status, not a later process's" 3 \
	nsp run "$root" sh -c '(sleep 0.3; exit 9) & exit 3'
err=$(nsp run "$root" /nonexistent 2>&1 | grep -v warning)
assert_eq "not found: the message" "nschroot: cannot execute '/nonexistent': No such file or directory" "$err"
assert_status "... and 127" 127 nsp run "$root" /nonexistent
assert_status "not executable: 126" 126 nsp run "$root" /etc/passwd
assert_eq "enter starts the login shell" "-sh" "$(echo 'echo $0' | "$NOUSERNS" "$NSCHROOT" enter "$root" 2>/dev/null)"

# --- Signals, and nothing left running --------------------------------------
"$NOUSERNS" "$NSCHROOT" run "$root" sleep 1000.4141 </dev/null 2>/dev/null &
pid=$!
deadline=$(($(date +%s) + 10))
while ! pgrep -u "$(id -u)" -f '^sleep 1000.4141$' >/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
kill -TERM "$pid"
wait "$pid"
assert_eq "SIGTERM to nschroot reaches the command: 143" 143 "$?"
"$NOUSERNS" "$NSCHROOT" run "$root" sh -c 'sleep 1000.4242 & exec sleep 1000.4343' </dev/null 2>/dev/null &
pid=$!
deadline=$(($(date +%s) + 10))
while ! pgrep -u "$(id -u)" -f '^sleep 1000.4343$' >/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
kill -KILL "$pid"
wait "$pid" 2>/dev/null
deadline=$(($(date +%s) + 10))
while pgrep -u "$(id -u)" -f '^sleep 1000.4[23]' >/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
assert_eq "SIGKILL to nschroot leaves no process of the box" "" \
	"$(pgrep -u "$(id -u)" -f '^sleep 1000.4[23]')"
while [ -n "$(ls -A "$TMPDIR")" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
assert_eq "... nor its /run directory" "" "$(ls -A "$TMPDIR")"
assert_eq "... nor a stand-in of proot's in the rootfs" "" "$(find "$root" -perm 0000)"
nsp run "$root" sh -c 'sleep 1000.4444 & echo started' >/dev/null 2>&1
assert_eq "what the command leaves behind goes with it" "" \
	"$(pgrep -u "$(id -u)" -f '^sleep 1000.4444$')"

# --- What proot cannot do is refused, naming the backend -------------------
# OPTION|WHAT THE MESSAGE NAMES
for pair in "--read-only|--read-only" "--ro-bind=$TMP/shared:/mnt|--ro-bind" \
	"--net=none|--net=none" "--cap-drop=ALL|--cap-add and --cap-drop" "--hostname=h|--hostname" \
	"--fakeroot=seccomp|--fakeroot=seccomp" "--net=pasta|--net=pasta and --publish"; do
	opt=${pair%%|*}
	err=$(nsrun run --backend=proot "$opt" "$root" touch /ran 2>&1)
	assert_eq "--backend=proot $opt: 125, naming the option and the backend" \
		"125 nschroot: the proot backend cannot honour ${pair#*|}" "$? $err"
done
check "... and the command never ran" test ! -e "$root/ran"
err=$(nsp run --read-only "$root" true 2>&1)
assert_match "in auto mode too, after the warning" \
	"nschroot: the proot backend cannot honour --read-only" "$err"

# --- Boxes without user namespaces ----------------------------------------
export NSCHROOT_HOME=$TMP/store
tar -C "$root" -czf "$TMP/root.tar.gz" .
out=$(nsp create --progress=never pb "$TMP/root.tar.gz" 2>"$TMP/err")
assert_eq "create where namespaces are refused: 0" "0" "$?"
assert_eq "... with one warning, and no root-mode note" \
	"nschroot: warning: cannot create a user namespace: Operation not permitted: the box is made without one, for the proot backend" \
	"$(cat "$TMP/err")"
assert_match "... a root-mode box" "map root" "$out"
assert_eq "... whose files are the caller's" "$(id -u)" "$(stat -c %u "$TMP/store/boxes/pb/rootfs/bin/busybox")"
assert_eq "... that runs through proot, its files root's inside" "0" \
	"$(nsp run pb stat -c %u /bin/busybox 2>/dev/null)"
check "list shows it" sh -c "'$NOUSERNS' '$NSCHROOT' list </dev/null 2>/dev/null | grep -q '^pb '"
nsp export pb "$TMP/pb.tar" 2>"$TMP/err"
assert_eq "export: 0, with the warning" "0 nschroot: warning: cannot create a user namespace: Operation not permitted: working on the box without one" \
	"$? $(cat "$TMP/err")"
assert_eq "... the caller's files as root's in the archive" "root/root" \
	"$(tar -tvf "$TMP/pb.tar" ./bin/busybox | awk '{ print $2 }')"
out=$(nsp fixup --hosts pb 2>/dev/null)
assert_eq "fixup works" "0 Applied to 'pb': hosts" "$? $out"
out=$(nsp create --progress=never pd "$root" 2>&1 | grep -v "^nschroot: warning")
assert_match "create from a directory too" "^Created box .pd." "$out"
assert_eq "... whose files it copied" "$(cat "$root/etc/passwd")" "$(cat "$TMP/store/boxes/pd/rootfs/etc/passwd")"
assert_status "rm works" 0 nsp rm pb
check "... and the box is gone" test ! -e "$TMP/store/boxes/pb"
out=$(nsrun create --backend=proot --progress=never pp "$TMP/root.tar.gz" 2>&1)
assert_eq "create --backend=proot, with namespaces there: 0, no warning" "0 0" \
	"$? $(printf '%s\n' "$out" | grep -c '^nschroot')"
assert_eq "... recorded in box.conf" "backend=proot" "$(grep '^backend=' "$TMP/store/boxes/pp/box.conf")"
check "... so that run takes proot, without a word" \
	test "$(nsrun run pp sh -c 'grep TracerPid /proc/self/status' 2>&1 | awk '{ print $2 }')" -gt 0
assert_eq "... and --backend=ns still runs it in namespaces" 0 \
	"$(nsrun run --backend=ns pp sh -c 'grep TracerPid /proc/self/status' | awk '{ print $2 }')"
err=$(nsrun create --backend=proot --map=auto pq "$TMP/root.tar.gz" 2>&1)
assert_eq "--backend=proot --map=auto: 125 and why" \
	"125 nschroot: --map=auto needs user namespaces: the proot backend cannot make such a box" "$? $err"
nsrun create --map=auto --progress=never pa "$TMP/root.tar.gz" >/dev/null 2>&1
err=$(nsp run pa true 2>&1 | grep -v warning)
assert_eq "a box of --map=auto where namespaces are refused: said" \
	"nschroot: box 'pa' was made in auto mode, whose subordinate ids need user namespaces: the proot backend cannot run it" \
	"$err"
assert_status "... exit 125" 125 nsp run pa true

# --- doctor ---------------------------------------------------------------------
out=$(nsrun doctor)
assert_match "doctor: auto picks ns where user namespaces work" "^OK    backend: auto picks ns: user namespaces work$" "$out"
assert_match "... and says where proot is" "^OK    proot: /" "$out"
out=$(nsp doctor 2>/dev/null)
assert_eq "doctor where they are refused, with proot there: exit 0" 0 "$?"
assert_match "... auto picks proot, naming the seccomp filter and no_new_privs" \
	"^WARN  backend: auto picks proot: a seccomp filter on this process refuses them .*; no_new_privs is set$" "$out"
out=$(NSCHROOT_PROOT=/nonexistent/proot nsp doctor 2>/dev/null)
assert_eq "... without proot as well: exit 1" 1 "$?"
assert_match "... and a FAIL that says to install it" "^FAIL  proot: not found: .*\(apt-get install proot\)$" "$out"
