# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for nschroot's integration tests: TAP output, a private
# temporary directory removed on exit, assertions, fixtures.
#
# Environment: NSCHROOT (the binary under test, set by meson),
# NSCHROOT_TEST_MUST_WORK=1 (CI: a test that would skip fails instead).

set -u

: "${NSCHROOT:?NSCHROOT must name the binary under test (meson sets it)}"
TESTS_DIR=$(cd "$(dirname "$0")/.." && pwd)
FIXTURES="$TESTS_DIR/fixtures"

_tap_n=0
_tap_failed=0

TMP=$(mktemp -d "${TMPDIR:-/tmp}/nschroot-test.XXXXXX")
# A test may set CLEANUP_HOOK to a function run first (to remove, from a
# user namespace, files that belong to subordinate ids).
CLEANUP_HOOK=
_cleanup() {
	[ -n "$CLEANUP_HOOK" ] && "$CLEANUP_HOOK"
	# Boxes of auto mode hold files of subordinate ids: nschroot removes them.
	for _box in "$TMP"/store/boxes/*; do
		[ -e "$_box" ] && NSCHROOT_HOME=$TMP/store "$NSCHROOT" rm --force "${_box##*/}" \
			</dev/null >/dev/null 2>&1
	done
	# Trees made inside a box can hold read-only directories.
	chmod -R u+rwX "$TMP" 2>/dev/null
	rm -rf "$TMP"
}
trap _cleanup EXIT

_tap_planned=

# plan N
plan() {
	_tap_planned=$1
	echo "1..$1"
}

ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }

not_ok() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $*"
}

diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# Skip the whole file; under NSCHROOT_TEST_MUST_WORK=1 that is a failure.
skip_all() {
	if [ "${NSCHROOT_TEST_MUST_WORK:-0}" = 1 ]; then
		echo "1..1"
		echo "not ok 1 - cannot run: $* (NSCHROOT_TEST_MUST_WORK=1)"
		exit 1
	fi
	echo "1..0 # SKIP $*"
	exit 0
}

# check DESCRIPTION COMMAND...: ok when COMMAND exits 0.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# assert_eq DESCRIPTION EXPECTED ACTUAL
assert_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "expected: $2" "actual:   $3"
	fi
}

# assert_match DESCRIPTION PATTERN ACTUAL (grep -E pattern)
assert_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		ok "$1"
	else
		not_ok "$1"
		diag "pattern: $2" "actual:  $3"
	fi
}

# assert_no_match DESCRIPTION PATTERN ACTUAL
assert_no_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		not_ok "$1"
		diag "unexpected: $2" "actual: $3"
	else
		ok "$1"
	fi
}

# assert_status DESCRIPTION EXPECTED COMMAND...: the command's output is
# discarded; only its exit status counts.
assert_status() {
	desc=$1
	want=$2
	shift 2
	"$@" >/dev/null 2>&1
	got=$?
	assert_eq "$desc" "$want" "$got"
}

done_testing() {
	if [ -n "$_tap_planned" ] && [ "$_tap_planned" != "$_tap_n" ]; then
		echo "# planned $_tap_planned tests but ran $_tap_n"
		exit 1
	fi
	[ "$_tap_failed" -eq 0 ]
	exit $?
}

# subid_start FILE: the start of the caller's first range in FILE
# (/etc/subuid or /etc/subgid), matched by name or uid; empty when none.
subid_start() {
	awk -F: -v n="$(id -un)" -v u="$(id -u)" '($1 == n || $1 == u) && $3 > 0 { print $2; exit }' "$1"
}

# require_subids: the caller has subordinate ranges and newuidmap, else the
# whole file skips (a failure under NSCHROOT_TEST_MUST_WORK=1).
require_subids() {
	SUBUID=$(subid_start /etc/subuid)
	SUBGID=$(subid_start /etc/subgid)
	[ -n "$SUBUID" ] && [ -n "$SUBGID" ] ||
		skip_all "$(id -un) has no range in /etc/subuid and /etc/subgid (usermod --add-subuids)"
	command -v newuidmap >/dev/null && command -v newgidmap >/dev/null ||
		skip_all "newuidmap and newgidmap are not installed (apt-get install uidmap)"
}

# Fail early and clearly when user namespaces are unavailable here.
require_userns() {
	if [ "$(id -u)" = 0 ] && [ "${NSCHROOT_TEST_ALLOW_ROOT:-0}" != 1 ]; then
		skip_all "running as root hides user-namespace bugs: run as an unprivileged user"
	fi
	if ! unshare -U -r true 2>/dev/null; then
		skip_all "unprivileged user namespaces are not available"
	fi
}

# make_busybox_rootfs DIR
make_busybox_rootfs() {
	sh "$FIXTURES/make-busybox-rootfs.sh" "$1" ||
		skip_all "cannot build the busybox rootfs (apt-get install busybox-static)"
}

# The Debian bookworm tarball of mmdebstrap --variant=apt, cached.
debian_tarball() {
	sh "$FIXTURES/make-debian-tarball.sh" ||
		skip_all "no Debian bookworm tarball (needs mmdebstrap and the Debian mirror)"
}

# nsrun ARGS...: nschroot with stdin closed off.
nsrun() { "$NSCHROOT" "$@" </dev/null; }

# on_terminal COMMAND-STRING: run it with sh on a pseudo-terminal of
# script(1), standard input at its end; the output with CRs taken out, and
# the "^@" that a box's terminal echoes for the NUL that script(1) sends at
# that end of input in raw mode.
on_terminal() { script -qec "$1" /dev/null </dev/null 2>&1 | tr -d '\r' | sed 's/\^@//g'; }

# interrupt SIGNAL COMMAND...: start COMMAND (an export) in the background,
# standard output to $TMP/interrupted.out, and send it SIGNAL mid-way: once
# it writes to an unnamed file (O_TMPFILE), which holds more than a tar
# header, and has a child (the helper). Sets unnamed (that file, as /proc
# shows it) and kstatus (COMMAND's status), and waits for the child to go:
# it dies with COMMAND (PR_SET_PDEATHSIG).
interrupt() {
	_sig=$1
	shift
	"$@" </dev/null >"$TMP/interrupted.out" 2>/dev/null &
	_kpid=$!
	unnamed=
	_deadline=$(($(date +%s) + 10))
	while [ -z "$unnamed" ] && [ "$(date +%s)" -lt "$_deadline" ]; do
		unnamed=$(ls -l "/proc/$_kpid/fd" 2>/dev/null | sed -n 's/.* -> \(.*(deleted)\)$/\1/p')
		sleep 0.05
	done
	_fd=$(ls -l "/proc/$_kpid/fd" 2>/dev/null | sed -n 's/.* \([0-9]*\) -> .*(deleted)$/\1/p')
	_helper=
	_size=0
	while { [ -z "$_helper" ] || [ "${_size:-0}" -le 512 ]; } && [ "$(date +%s)" -lt "$_deadline" ]; do
		_helper=$(pgrep -P "$_kpid" | head -n 1)
		_size=$(stat -L -c %s "/proc/$_kpid/fd/$_fd" 2>/dev/null)
		sleep 0.05
	done
	kill -"$_sig" "$_kpid"
	wait "$_kpid"
	kstatus=$?
	_deadline=$(($(date +%s) + 10))
	while [ -n "$_helper" ] && kill -0 "$_helper" 2>/dev/null && [ "$(date +%s)" -lt "$_deadline" ]; do
		sleep 0.05
	done
}

# A fingerprint of the host mount table, to prove nothing leaked to it.
host_mounts() { cut -d' ' -f2-5 /proc/self/mountinfo | sort; }
