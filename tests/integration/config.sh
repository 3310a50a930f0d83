#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `nschroot config BOX [RUN-OPTIONS] | --reset`: options saved in a box,
# printed back, applied by run, enter and exec before the command line's
# (which wins for a value, comes after for mounts and environment);
# relative host paths saved absolute; what cannot be saved refused with
# the saved set untouched; info shows them; a broken or unknown saved set
# makes run fail (125) with the hint; a copy of the box keeps them; saved
# while the box runs.
. "$(dirname "$0")/../lib.sh"
require_userns
plan 47

export NSCHROOT_HOME="$TMP/store"
make_busybox_rootfs "$TMP/tree"
tar -C "$TMP/tree" -czf "$TMP/bb.tar.gz" .
nsrun create --map=root --progress=never bb "$TMP/bb.tar.gz" >/dev/null 2>&1 ||
	skip_all "cannot create the busybox box"
mkdir -p "$TMP/dir" "$TMP/work/rel" "$TMP/elsewhere"
echo from-dir >"$TMP/dir/f"
echo from-rel >"$TMP/work/rel/f"
conf=$NSCHROOT_HOME/boxes/bb/box.conf

# Saved, printed back as a command line, applied.
assert_eq "config saves options (no output)" ":0" \
	"$(nsrun config bb --hostname saved -e FOO=1 --bind "$TMP/dir:/mnt" 2>&1; echo ":$?")"
assert_eq "config BOX prints them" "--hostname saved -e FOO=1 --bind $TMP/dir:/mnt" \
	"$(nsrun config bb)"
assert_eq "run takes the saved hostname, -e and bind" "saved 1 from-dir" \
	"$(nsrun run bb sh -c 'echo $(hostname) $FOO $(cat /mnt/f)')"
assert_eq "enter takes them too" "saved 1" \
	"$(echo 'echo $(hostname) $FOO' | "$NSCHROOT" enter bb 2>/dev/null | tail -n 1)"
assert_eq "the command line's value wins (--hostname, -e FOO=2)" "cli 2 from-dir" \
	"$(nsrun run --hostname cli -e FOO=2 bb sh -c 'echo $(hostname) $FOO $(cat /mnt/f)')"
assert_eq "the command line's mounts come after: --tmpfs over the saved bind" "" \
	"$(nsrun run --tmpfs /mnt bb ls /mnt)"
assert_eq "--unsetenv on the command line removes a saved -e" "unset" \
	"$(nsrun run --unsetenv FOO bb sh -c 'echo ${FOO-unset}')"

# Relative host paths are saved absolute.
(cd "$TMP/work" && nsrun config bb --bind rel:/mnt --ro-bind=rel:/ro --ephemeral=layers)
assert_eq "relative --bind, --ro-bind=, --ephemeral= sources saved absolute" \
	"--bind $TMP/work/rel:/mnt --ro-bind=$TMP/work/rel:/ro --ephemeral=$TMP/work/layers" \
	"$(nsrun config bb)"
(cd "$TMP/work" && nsrun config bb --bind rel:/mnt)
assert_eq "... so a run from elsewhere finds them" "from-rel" \
	"$(cd "$TMP/elsewhere" && nsrun run bb cat /mnt/f)"

# Refused: nothing saved, the previous set untouched.
before=$(cat "$conf")
assert_eq "an unknown option: 125" 125 "$(nsrun config bb --hostname x --bogus 2>"$TMP/err"; echo $?)"
assert_match "... as run words it" "config: unknown option '--bogus'" "$(cat "$TMP/err")"
assert_eq "an invalid value: 125" 125 "$(nsrun config bb --net=sideways 2>/dev/null; echo $?)"
assert_eq "an invalid bind: 125" 125 "$(nsrun config bb --bind /x:relative 2>/dev/null; echo $?)"
assert_eq "--ephemeral with --read-only: 125" 125 \
	"$(nsrun config bb --ephemeral --read-only 2>/dev/null; echo $?)"
assert_eq "--preserve-fd: 125" 125 "$(nsrun config bb --preserve-fd 3 3</dev/null 2>"$TMP/err"; echo $?)"
assert_match "... it cannot be saved" "preserve-fd cannot be saved" "$(cat "$TMP/err")"
assert_eq "an operand: 125" 125 "$(nsrun config bb --hostname x sh 2>"$TMP/err"; echo $?)"
assert_match "... named" "unexpected argument 'sh'" "$(cat "$TMP/err")"
assert_eq "--help among the options: 125" 125 "$(nsrun config bb --help 2>/dev/null; echo $?)"
assert_eq "--map other than the box's: 125" 125 "$(nsrun config bb --map=auto 2>"$TMP/err"; echo $?)"
assert_match "... with run's words" "box 'bb' is laid out for --map=root; it cannot be entered with --map=auto" \
	"$(cat "$TMP/err")"
assert_eq "--reset with options: 125" 125 "$(nsrun config bb --reset --hostname x 2>/dev/null; echo $?)"
assert_eq "no box: 125" 125 "$(nsrun config nosuchbox --hostname x 2>/dev/null; echo $?)"
assert_eq "after every refusal, box.conf is as it was" "$before" "$(cat "$conf")"
assert_eq "--map equal to the box's is saved" "--map=root" \
	"$(nsrun config bb --map=root && nsrun config bb)"

# Odd strings survive the round trip, and print as a pasteable line.
val="it's \"quoted\" \$HOME
second line é"
nsrun config bb -e "MSG=$val" --hostname 'with space' 2>/dev/null
assert_eq "an odd saved value reaches the command as it was" "$val" \
	"$(nsrun run --hostname h bb sh -c 'printf "%s" "$MSG"')"
if command -v bash >/dev/null; then
	assert_eq "config BOX prints a line bash reads back as the same words" \
		"-e|MSG=$val|--hostname|with space|" \
		"$(bash -c 'eval "set -- $1"; for a; do printf "%s|" "$a"; done' sh "$(nsrun config bb)")"
else
	not_ok "bash is needed to read the printed line back"
fi
assert_eq "config BOX prints no raw control character" "" \
	"$(nsrun config bb | tr -d '\n' | LC_ALL=C grep '[[:cntrl:]]')"

# info shows them.
nsrun config bb --hostname saved -e FOO=1 --bind "$TMP/dir:/mnt"
assert_eq "info: a run options line" "run options: --hostname saved -e FOO=1 --bind $TMP/dir:/mnt" \
	"$(nsrun info bb | grep '^run options:')"
assert_eq "info --json: an array" "['--hostname', 'saved', '-e', 'FOO=1', '--bind', '$TMP/dir:/mnt']" \
	"$(nsrun info --json bb | python3 -c 'import json,sys; print(json.load(sys.stdin)["run_options"])')"

# exec takes the saved environment, and its command line after.
rm -f "$TMP/go"
"$NSCHROOT" run --bind "$TMP:/host" bb sh -c 'while [ ! -e /host/go ]; do sleep 0.1; done' </dev/null &
run=$!
for _i in $(seq 100); do nsrun exec bb true 2>/dev/null && break; sleep 0.1; done
assert_eq "exec applies the saved -e" "1" "$(nsrun exec bb sh -c 'echo $FOO')"
assert_eq "exec's own -e wins" "3" "$(nsrun exec -e FOO=3 bb sh -c 'echo $FOO')"
assert_eq "exec ignores saved mounts and hostname (the instance's)" "saved" \
	"$(nsrun exec bb hostname)"
assert_eq "config saves while the box runs" "0" \
	"$(nsrun config bb -e FOO=4 -w /tmp; echo $?)"
assert_eq "... and exec takes the new set (-e, -w)" "4 /tmp" "$(nsrun exec bb sh -c 'echo $FOO $(pwd)')"
touch "$TMP/go"
wait "$run"
nsrun config bb --hostname saved -e FOO=1 --bind "$TMP/dir:/mnt"

# A copy of the box keeps them (a copy is the box with its settings).
nsrun create --progress=never copy --from bb >/dev/null 2>&1
assert_eq "create --from keeps the saved options" "$(nsrun config bb)" "$(nsrun config copy)"

# A saved set this nschroot cannot use: run refuses, naming the box.
cp "$conf" "$TMP/conf.good"
sed -i 's/^run-options=.*/run-options=["--frobnicate"]/' "$conf"
assert_eq "an unknown saved option: run exits 125" 125 "$(nsrun run bb true 2>"$TMP/err"; echo $?)"
assert_match "... naming the box and the option" \
	"box 'bb' has saved run options that this nschroot cannot use: run: unknown option '--frobnicate'" \
	"$(cat "$TMP/err")"
assert_match "... with the hint" "^hint: .*'nschroot config bb --reset'" "$(cat "$TMP/err")"
sed -i 's/^run-options=.*/run-options=["--hostname",/' "$conf"
assert_eq "a broken run-options line: run exits 125" 125 "$(nsrun run bb true 2>"$TMP/err"; echo $?)"
assert_match "... with the hint" "^hint: 'nschroot config bb --reset' removes them" "$(cat "$TMP/err")"
assert_eq "exec refuses it too" 125 "$(nsrun exec bb true 2>/dev/null; echo $?)"
assert_match "info still shows the box, the options unreadable" "^run options: unreadable" \
	"$(nsrun info bb)"

# --reset removes them.
assert_eq "--reset: no output" ":0" "$(nsrun config bb --reset 2>&1; echo ":$?")"
assert_eq "... config BOX prints nothing" "" "$(nsrun config bb)"
assert_eq "... run is back to the box's own hostname" "bb" "$(nsrun run bb hostname)"
assert_eq "... info has no run options line, --json []" "[]" \
	"$(nsrun info bb | grep '^run options'; nsrun info --json bb | python3 -c 'import json,sys; print(json.load(sys.stdin)["run_options"])')"
done_testing
