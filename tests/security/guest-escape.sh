#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A hostile guest: it tries to get out of the box or to reach what the box
# was given and should keep. The chroot(2) escape; the caller's descriptors;
# outliving a SIGKILLed nschroot; undoing the read-only and locked mounts;
# reaching nschroot's init through /proc; writing to the kernel through
# /proc/sys; making device nodes; pushing characters into the caller's
# terminal with TIOCSTI; and nschroot itself refusing to run set-id.
#
# Environment: NSCHROOT_TEST_HELPERS, the build directory of the static
# helpers tests/helpers/*.c (meson sets it).
. "$(dirname "$0")/../lib.sh"
require_userns

helpers=${NSCHROOT_TEST_HELPERS:-}
for h in chroot-escape tiocsti; do
	[ -x "$helpers/$h" ] ||
		skip_all "the static helper '$h' is not built (NSCHROOT_TEST_HELPERS='$helpers')"
done

root=$TMP/root
make_busybox_rootfs "$root"
cp "$helpers/chroot-escape" "$helpers/tiocsti" "$root/bin/"
plan 69
mkdir "$TMP/outside" "$TMP/src"
marker=$TMP/outside/marker
echo "host only" > "$marker"
echo data > "$TMP/src/file"
host_mounts_before=$(host_mounts)

# skip_one DESCRIPTION REASON: a test that cannot run here; a failure under
# NSCHROOT_TEST_MUST_WORK=1.
skip_one() {
	if [ "${NSCHROOT_TEST_MUST_WORK:-0}" = 1 ]; then
		not_ok "$1 (cannot run: $2; NSCHROOT_TEST_MUST_WORK=1)"
	else
		ok "$1 # SKIP $2"
	fi
}

# --- The chroot(2) escape -------------------------------------------------
# The program chroots into a subdirectory while keeping a way out (an fd of
# the old root, or a working directory left outside), climbs "..", and
# chroots to where it ended up. The control shows that it does escape a
# bare chroot(2); in nschroot, pivot_root has left nothing above the rootfs.
out=$(unshare -U -r --root="$root" /bin/chroot-escape fchdir "$marker" 2>&1)
assert_match "control: under bare chroot(2) (unshare --root) the escape reaches the host marker" \
	'^marker: reachable$' "$out"
for how in fchdir dotdot; do
	out=$(nsrun run "$root" /bin/chroot-escape $how "$marker" 2>&1)
	rootfs_names=$(ls -A "$root" | sort)
	assert_match "chroot escape ($how): the escape sequence itself ran (chroot . succeeded)" \
		'^chroot \.: ok$' "$out"
	assert_match "chroot escape ($how): the host-only marker is not reachable" \
		'^marker: No such file or directory$' "$out"
	assert_eq "chroot escape ($how): / is still the rootfs" "$rootfs_names" \
		"$(printf '%s\n' "$out" | sed -n 's|^/: ||p' | sort)"
done

# --- The caller's descriptors ---------------------------------------------
exec 7</etc/passwd 8>"$TMP/fd8" 9<&0
check "the caller holds fds 7, 8 and 9 (the premise)" \
	test -e /proc/$$/fd/7 -a -e /proc/$$/fd/8 -a -e /proc/$$/fd/9
# ls's own directory descriptor is 3.
assert_eq "fds 7, 8, 9 of the caller are not visible inside: only 0 1 2 and ls's own 3" \
	"0 1 2 3" "$(nsrun run "$root" ls /proc/self/fd | tr '\n' ' ' | sed 's/ $//')"
assert_eq "--preserve-fd 8 passes exactly fd 8" \
	"0 1 2 3 8" "$(nsrun run --preserve-fd 8 "$root" ls /proc/self/fd | tr '\n' ' ' | sed 's/ $//')"
nsrun run --preserve-fd 8 "$root" sh -c 'echo through-fd-8 >&8'
assert_eq "--preserve-fd 8: what the command writes to fd 8 reaches the caller's file" \
	through-fd-8 "$(cat "$TMP/fd8")"
exec 7<&- 8>&- 9<&-

# --- A SIGKILLed nschroot takes its box with it ---------------------------
# wait_until SECONDS COMMAND...: poll until COMMAND succeeds; 1 at the deadline.
wait_until() {
	deadline=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}
# alive PID: the process exists and is not a zombie waiting to be reaped.
alive() { [ -e "/proc/$1" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }
gone() { ! alive "$1"; }
# The live processes, readable by us, in the pid namespace $1.
in_pidns() {
	for d in /proc/[0-9]*; do
		[ "$(readlink "$d/ns/pid" 2>/dev/null)" = "$1" ] && alive "${d#/proc/}" && echo "${d#/proc/}"
	done
}
no_procs_in() { [ -z "$(in_pidns "$1")" ]; }

# Unique command lines, to find the box's processes from the host: a sleep
# in the foreground and one escaped into its own session.
fg_args="sleep 1000.$$1"
bg_args="sleep 1000.$$2"
"$NSCHROOT" run "$root" sh -c "setsid $bg_args & exec $fg_args" </dev/null >/dev/null 2>&1 &
nschroot_pid=$!
wait_until 10 pgrep -xf "$fg_args" >/dev/null && wait_until 10 pgrep -xf "$bg_args" >/dev/null
fg_pid=$(pgrep -xf "$fg_args")
bg_pid=$(pgrep -xf "$bg_args")
init_pid=$(pgrep -P "$nschroot_pid")
pidns=$(readlink "/proc/$fg_pid/ns/pid" 2>/dev/null)
check "the box is running: its sleeps, init and pid namespace are found from the host" \
	test -n "$fg_pid" -a -n "$bg_pid" -a -n "$init_pid" -a -n "$pidns"
kill -KILL "$nschroot_pid"
wait "$nschroot_pid" 2>/dev/null
check "after SIGKILL of nschroot, its init is gone within 5 s" wait_until 5 gone "$init_pid"
check "after SIGKILL of nschroot, the command is gone within 5 s" wait_until 5 gone "$fg_pid"
check "after SIGKILL of nschroot, a process escaped into its own session is gone too" \
	wait_until 5 gone "$bg_pid"
check "no process is left in the box's pid namespace" wait_until 5 no_procs_in "$pidns"
for p in $fg_pid $bg_pid $init_pid; do alive "$p" && kill -KILL "$p"; done

# --- Read-only mounts stay read-only ---------------------------------------
# Each attempt prints what it managed; nothing may be printed, and the host
# side must be unchanged.
for how in remount,rw remount,bind,rw; do
	out=$(nsrun run --ro-bind "$TMP/src:/mnt/ro" "$root" sh -c \
		"mount -o $how /mnt/ro 2>/dev/null && echo remounted; echo pwned 2>/dev/null > /mnt/ro/file && echo written; echo ran")
	assert_eq "--ro-bind: the guest cannot 'mount -o $how' it, nor then write" ran "$out"
	out=$(nsrun run --read-only "$root" sh -c \
		"mount -o $how / 2>/dev/null && echo remounted; touch /pwned 2>/dev/null && echo written; echo ran")
	assert_eq "--read-only: the guest cannot 'mount -o $how /', nor then write" ran "$out"
done
out=$(nsrun run --ro-bind "$TMP/src:/mnt/ro" "$root" sh -c \
	'mkdir /dev/shm/m; mount --bind /mnt/ro /dev/shm/m || echo bind-failed
	 mount -o remount,bind,rw /dev/shm/m 2>/dev/null && echo remounted
	 echo pwned 2>/dev/null > /dev/shm/m/file && echo written; echo ran')
assert_eq "--ro-bind: a fresh bind of it made by the guest cannot be remounted rw either" ran "$out"
out=$(nsrun run --read-only "$root" sh -c \
	'mkdir /dev/shm/m; mount --rbind / /dev/shm/m || echo bind-failed
	 mount -o remount,bind,rw /dev/shm/m 2>/dev/null && echo remounted
	 touch /dev/shm/m/pwned 2>/dev/null && echo written; echo ran')
assert_eq "--read-only: a fresh bind of / made by the guest cannot be remounted rw either" ran "$out"
assert_eq "the --ro-bind source is unchanged" data "$(cat "$TMP/src/file")"
check "the --read-only rootfs got no /pwned" test ! -e "$root/pwned"

# --- The mounts nschroot made are locked -----------------------------------
out=$(nsrun run "$root" sh -c \
	'umount /proc 2>/dev/null && echo unmounted; umount -l /proc 2>/dev/null && echo unmounted
	 test -r /proc/self/stat && echo proc-there')
assert_eq "the guest cannot unmount /proc (nor lazily)" proc-there "$out"
out=$(nsrun run "$root" sh -c \
	'umount /dev/null 2>/dev/null && echo unmounted; umount -l /dev/null 2>/dev/null && echo unmounted
	 test -c /dev/null && echo null-there')
assert_eq "the guest cannot unmount /dev/null" null-there "$out"
out=$(nsrun run "$root" sh -c \
	'umount /proc/sys 2>/dev/null && echo unmounted; mount --move /proc/sys /mnt 2>/dev/null && echo moved
	 echo x 2>/dev/null > /proc/sys/kernel/domainname && echo written; echo ran')
assert_eq "the guest cannot unmount or move the read-only /proc/sys to write below it" ran "$out"
out=$(nsrun run "$root" sh -c \
	'mkdir -p /mnt/p /mnt/s
	 mount -t proc proc /mnt/p 2>/dev/null && echo proc; mount -t sysfs sys /mnt/s 2>/dev/null && echo sysfs
	 echo ran')
assert_eq "the guest cannot mount a fresh, unmasked procfs or sysfs" ran "$out"
# Not even in namespaces of its own, where it owns the pid and network
# namespaces: the kernel refuses a procfs or sysfs that would show more than
# the masked ones already mounted ("mount too revealing").
out=$(nsrun run "$root" sh -c \
	'unshare -U -r -m -p -f sh -c "echo pid-ns; mkdir -p /mnt/p; mount -t proc proc /mnt/p 2>/dev/null && echo proc"
	 unshare -U -r -m -n sh -c "echo net-ns; mkdir -p /mnt/s; mount -t sysfs sys /mnt/s 2>/dev/null && echo sysfs"')
assert_eq "nor in new user, mount, pid and network namespaces of its own" "pid-ns
net-ns" "$out"

# --- nschroot's init is out of the guest's reach --------------------------
secret="nschroot-hostile-secret-$$"
out=$(NSCHROOT_HOSTILE_SECRET=$secret nsrun run "$root" sh -c 'cat /proc/1/environ; echo ran' 2>/dev/null)
assert_eq "the guest cannot read /proc/1/environ" ran "$out"
out=$(NSCHROOT_HOSTILE_SECRET=$secret nsrun run "$root" sh -c 'cat /proc/[0-9]*/environ; echo; echo ran' 2>/dev/null |
	tr '\0' '\n')
assert_no_match "the caller's environment is in no /proc/*/environ of the box" "$secret" "$out"
assert_match "... (the box ran the look)" "^ran$" "$out"
for what in 'readlink /proc/1/exe' 'cat /proc/1/exe' 'ls /proc/1/fd' 'ls /proc/1/cwd/' \
	'ls /proc/1/root/' 'readlink /proc/1/cwd' 'readlink /proc/1/root'; do
	out=$(nsrun run "$root" sh -c "$what >/dev/null 2>&1 || echo refused")
	assert_eq "the guest cannot $what" refused "$out"
done

# --- The kernel's knobs ----------------------------------------------------
domainname_before=$(cat /proc/sys/kernel/domainname)
assert_status "the guest cannot write /proc/sys/kernel/domainname" 1 \
	nsrun run "$root" sh -c 'echo hostile > /proc/sys/kernel/domainname'
assert_eq "the host's domainname is unchanged" "$domainname_before" "$(cat /proc/sys/kernel/domainname)"
if nsrun run "$root" test -e /proc/sysrq-trigger; then
	assert_status "the guest cannot write /proc/sysrq-trigger" 1 \
		nsrun run "$root" sh -c 'echo h > /proc/sysrq-trigger'
else
	ok "the guest cannot write /proc/sysrq-trigger # SKIP this kernel has none (no CONFIG_MAGIC_SYSRQ)"
fi

# mknod of a device: with the fake-root filter (root mode's default) a
# silent no-op; without it, refused. Either way no device node exists.
out=$(nsrun run "$root" sh -c 'mknod /dev/foo c 1 3 && echo status-0; ls /dev/foo 2>/dev/null')
assert_eq "root mode: mknod /dev/foo c 1 3 is a silent no-op of the fake-root filter, no node" \
	status-0 "$out"
out=$(nsrun run --fakeroot=none "$root" sh -c 'mknod /dev/foo c 1 3 2>/dev/null && echo made; ls /dev/foo 2>/dev/null; echo ran')
assert_eq "--fakeroot=none: mknod /dev/foo c 1 3 fails, no node" ran "$out"
out=$(nsrun run "$root" sh -c 'mknod /tmp/mem c 1 1 && echo status-0; ls /tmp/mem 2>/dev/null')
assert_eq "root mode: mknod in the rootfs (/tmp/mem c 1 1) is a no-op too, no node" status-0 "$out"
check "and no node reached the rootfs on the host" test ! -e "$root/tmp/mem"
out=$(nsrun run --map=user "$root" sh -c 'mknod /tmp/mem c 1 1 2>/dev/null && echo made; ls /tmp/mem 2>/dev/null; echo ran')
assert_eq "--map=user: mknod /tmp/mem c 1 1 fails, no node" ran "$out"

# --- TIOCSTI ---------------------------------------------------------------
# The helper runs on a pseudo-terminal made by script(1). Its lines are
# "WHAT: ok" when a character was pushed, "WHAT: <strerror>" otherwise.
eperm='Operation not permitted'
# tiocsti_line OUTPUT WHAT: the result reported for WHAT.
tiocsti_line() { printf '%s\n' "$1" | tr -d '\r' | sed -n "s/^.*$2: //p"; }
if ! command -v script >/dev/null 2>&1; then
	for i in $(seq 13); do
		skip_one "TIOCSTI test $i" "no script(1) to make a pseudo-terminal (util-linux)"
	done
else
	legacy=$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1)
	out=$(script -qec "'$helpers/tiocsti'" /dev/null </dev/null 2>&1)
	host_i386=$(tiocsti_line "$out" 'TIOCSTI (i386 ABI)')
	if [ "$legacy" = 1 ]; then
		assert_eq "control: on the host's pseudo-terminal, TIOCSTI works (the helper can see it)" \
			ok "$(tiocsti_line "$out" 'TIOCSTI')"
	else
		ok "control: on the host, TIOCSTI works # SKIP dev.tty.legacy_tiocsti=0 here"
	fi
	for mode in "" --fakeroot=none --map=user; do
		out=$(script -qec "'$NSCHROOT' run $mode '$root' /bin/tiocsti" /dev/null </dev/null 2>&1)
		label=${mode:-root mode}
		assert_eq "TIOCSTI ($label): the command's stdin is a terminal (the premise)" \
			yes "$(tiocsti_line "$out" tty)"
		assert_eq "TIOCSTI ($label): refused with EPERM" "$eperm" "$(tiocsti_line "$out" 'TIOCSTI')"
		if [ "$(getconf LONG_BIT)" = 64 ]; then
			assert_eq "TIOCSTI|1<<32 ($label, CVE-2019-10063): refused with EPERM" "$eperm" \
				"$(tiocsti_line "$out" 'TIOCSTI|1<<32')"
		else
			ok "TIOCSTI|1<<32 ($label): refused # SKIP long has 32 bits here"
		fi
		# Whether the kernel runs i386 code at all is seen on the host.
		case $(uname -m):$host_i386 in
		x86_64:'could not be tried' | x86_64:'Function not implemented')
			ok "TIOCSTI through the i386 ABI ($label) # SKIP the kernel runs no i386 code here" ;;
		x86_64:*)
			assert_eq "TIOCSTI through the i386 ABI ($label): refused with EPERM" "$eperm" \
				"$(tiocsti_line "$out" 'TIOCSTI (i386 ABI)')" ;;
		*)
			ok "TIOCSTI through the i386 ABI ($label) # SKIP not an x86-64 host" ;;
		esac
	done
fi

# --- Refusing to run set-id -----------------------------------------------
# Made root of a user namespace with the subordinate ids mapped, this user
# can make a copy of nschroot set-user-ID (to the namespace's root) and run
# it as another mapped uid: exactly what a set-id install would be.
setid_tests=5
me=$(id -un)
if ! grep -q "^$me:" /etc/subuid 2>/dev/null || ! grep -q "^$me:" /etc/subgid 2>/dev/null; then
	for i in $(seq $setid_tests); do
		skip_one "set-id refusal test $i" "user '$me' has no range in /etc/subuid and /etc/subgid"
	done
elif ! unshare --map-auto --map-root-user true 2>/dev/null; then
	for i in $(seq $setid_tests); do
		skip_one "set-id refusal test $i" "unshare --map-auto is not available (util-linux >= 2.38 and newuidmap needed)"
	done
else
	# uid 1 of the namespace must be able to reach the copy. In a sanitizer
	# build LeakSanitizer cannot work in a set-id process and would turn
	# the refusal's exit into its own failure: leak checking is off here.
	# The set-group-ID copy is run by the namespace's root with gid 1: run
	# by uid 1 as well, it could not read its own /proc/self/environ, and a
	# sanitizer build would not see that option.
	chmod 0711 "$TMP"
	out=$(ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		unshare --map-auto --map-root-user sh -c '
		copy=$1/nschroot-setid
		run_as() { setpriv "$@" --clear-groups "$copy" --version 2>&1; echo "status=$?"; }
		cp "$2" "$copy" && chown 0:0 "$copy" && chmod 0755 "$copy" || exit 1
		echo "== plain"; run_as --reuid=1 --regid=1
		chmod 4755 "$copy" && echo "== setuid" && run_as --reuid=1 --regid=1
		chmod 2755 "$copy" && echo "== setgid" && run_as --regid=1
		chmod 0755 "$copy" && setcap cap_net_raw+ep "$copy" 2>/dev/null &&
			echo "== filecaps" && run_as --reuid=1 --regid=1
		exit 0' sh "$TMP" "$NSCHROOT" 2>&1)
	chmod 0700 "$TMP"
	# section NAME: the output of the attempt NAME, one line.
	section() { printf '%s\n' "$out" | sed -n "/^== $1\$/,/^status=/p" | sed 1d | tr '\n' ' ' | sed 's/ $//'; }
	assert_match "control: the same copy, not set-id, runs as uid 1" '^nschroot [0-9.]+ status=0$' \
		"$(section plain)"
	refused='^nschroot: refusing to run set-user-ID, set-group-ID or with file capabilities: nschroot needs no privilege status=125$'
	assert_match "set-user-ID root: refused with one line, exit 125" "$refused" "$(section setuid)"
	assert_match "set-group-ID (run with gid 1): refused with one line, exit 125" "$refused" "$(section setgid)"
	if printf '%s\n' "$out" | grep -q '^== filecaps$'; then
		assert_match "with file capabilities: refused with one line, exit 125" "$refused" "$(section filecaps)"
	else
		skip_one "with file capabilities: refused" "setcap(8) is missing or cannot set file capabilities here"
	fi
	assert_eq "the set-id attempts changed nothing in the host mount table" \
		"$host_mounts_before" "$(host_mounts)"
fi

assert_eq "the host mount table is identical after every run" "$host_mounts_before" "$(host_mounts)"
# A hostile passwd whose HOME is a magic link to an inherited descriptor:
# the working directory must not land on the host directory behind fd 3.
magic=$TMP/magic
make_busybox_rootfs "$magic"
sed -i 's|^root:x:0:0:root:/root:|root:x:0:0:root:/proc/self/fd/3:|' "$magic/etc/passwd"
mkdir "$TMP/hostdir" && echo host > "$TMP/hostdir/only-on-host"
out=$("$NSCHROOT" run "$magic" sh -c 'pwd; ls; echo x > escaped' 3<"$TMP/hostdir" </dev/null 2>&1)
assert_no_match "HOME=/proc/self/fd/3 does not reach the host directory" 'only-on-host' "$out"
check "and nothing was written there" test ! -e "$TMP/hostdir/escaped"

# A caller that ignores SIGCHLD (inherited across exec) must not hang nschroot.
if command -v python3 >/dev/null; then
	timeout -k 5 20 python3 -c 'import os, signal, sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])' \
		"$NSCHROOT" run "$magic" true </dev/null
	assert_eq "an ignored SIGCHLD in the caller does not hang nschroot" 0 $?
else
	not_ok "python3 is needed to start nschroot with SIGCHLD ignored"
fi
done_testing
