#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Shell completion and the man page. The bash completion function is driven
# for real (with bash-completion loaded, and without it), fish's through
# `complete -C`; zsh's is checked for syntax. For each command, the long
# options printed by `nschroot help COMMAND` are compared with each
# completion and with the man page, so that they cannot drift apart.
. "$(dirname "$0")/../lib.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
COMPLETIONS=$SRC/completions
MANPAGE=$SRC/man/nschroot.1
BASH_COMPLETION=/usr/share/bash-completion/bash_completion

command -v bash >/dev/null || skip_all "bash is not installed"

# The commands that take options.
COMMANDS="run enter create list info rm export fixup remap exec ps doctor"

# help_opts COMMAND: the long options of COMMAND, as `nschroot help COMMAND`
# prints them, one per line.
help_opts() {
	"$NSCHROOT" help "$1" | sed -n 's/^ \{2,\}\(-., \)\{0,1\}\(--[a-z0-9-]*\).*/\2/p' | sort -u
}
for cmd in $COMMANDS; do
	if [ -z "$(help_opts "$cmd")" ]; then
		echo "1..1"
		echo "not ok 1 - '$NSCHROOT help $cmd' prints no options"
		exit 1
	fi
done

# compare_opts WANTED OFFERED: "missing: A B ; extra: C ", the lines of
# WANTED not in OFFERED and the other way round.
compare_opts() {
	missing=$(printf '%s\n' "$1" | while read -r o; do
		printf '%s\n' "$2" | grep -qxF -- "$o" || printf '%s ' "$o"
	done)
	extra=$(printf '%s\n' "$2" | while read -r o; do
		printf '%s\n' "$1" | grep -qxF -- "$o" || printf '%s ' "$o"
	done)
	printf 'missing: %s; extra: %s' "$missing" "$extra"
}

# missing_in FILE WANTED: the lines of WANTED that do not occur in FILE as
# whole options.
missing_in() {
	printf '%s\n' "$2" | while read -r o; do
		grep -qE -- "(^|[^a-z0-9-])$o([^a-z0-9-]|\$)" "$1" || printf '%s ' "$o"
	done
}

# One bash run with bash-completion, one without, when it is installed.
if [ -r "$BASH_COMPLETION" ]; then modes="bash-completion plain"; else modes=plain; fi
# 63 per bash mode, 1 for a missing bash-completion, 56 for zsh, fish and
# the man page.
set -- $modes
plan $((63 * $# + (2 - $#) + 56))

# config NAME takes run's options to save, but --preserve-fd and --help
# (help config shows only its own --reset and --help).
config_opts=$( (help_opts run | grep -vxE -- '--preserve-fd|--help'; echo --reset) | sort -u)

# skip DESCRIPTION REASON: a TAP skip, or a failure under
# NSCHROOT_TEST_MUST_WORK=1, where everything must be checked.
skip() {
	if [ "${NSCHROOT_TEST_MUST_WORK:-0}" = 1 ]; then
		not_ok "$1 (cannot check: $2; NSCHROOT_TEST_MUST_WORK=1)"
	else
		ok "$1 # SKIP $2"
	fi
}

# A store with two boxes, a staging directory and a directory that is not a
# box; a working directory with a subdirectory and a file.
mkdir -p "$TMP/store/boxes/alpha/rootfs" "$TMP/store/boxes/beta/rootfs" \
	"$TMP/store/boxes/.gamma.Xk3v9a/rootfs" "$TMP/store/boxes/delta" \
	"$TMP/xdg/nschroot/boxes/epsilon/rootfs" "$TMP/cwd/tree"
: >"$TMP/cwd/tfile"
export NSCHROOT_HOME="$TMP/store"

# The driver: COMP_WORDS split from the line as bash splits it (at blanks,
# and at '=' and ':', which are in COMP_WORDBREAKS, as words of their own),
# then _nschroot; prints COMPREPLY sorted, one per line. compopt works only
# under real completion: here it logs its arguments to $TMP/compopt.
cat >"$TMP/complete.bash" <<'EOF'
mode=$1 line=$2
compopt() { printf '%s\n' "$*" >>"$COMPOPT_LOG"; }
if [[ $mode == bash-completion ]]; then
	. "$BASH_COMPLETION"
fi
. "$COMPLETIONS/nschroot.bash"
COMP_WORDS=()
read -ra blank_words <<<"$line"
for w in "${blank_words[@]}"; do
	while [[ $w =~ ^([^=:]*)([=:]+)(.*)$ ]]; do
		[[ -n ${BASH_REMATCH[1]} ]] && COMP_WORDS+=("${BASH_REMATCH[1]}")
		COMP_WORDS+=("${BASH_REMATCH[2]}")
		w=${BASH_REMATCH[3]}
	done
	[[ -n $w ]] && COMP_WORDS+=("$w")
done
[[ $line == *' ' ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE=$line
COMP_POINT=${#line}
_nschroot nschroot "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
exit 0
EOF

# comp MODE LINE: the completions bash offers at the end of LINE.
comp() {
	: >"$TMP/compopt"
	(cd "$TMP/cwd" && COMPLETIONS=$COMPLETIONS BASH_COMPLETION=$BASH_COMPLETION \
		COMPOPT_LOG=$TMP/compopt bash "$TMP/complete.bash" "$1" "$2" 2>>"$TMP/bash.err")
}

nl='
'
all_commands="config${nl}create${nl}doctor${nl}enter${nl}exec${nl}export${nl}fixup${nl}help${nl}info${nl}list${nl}ps${nl}remap${nl}rm${nl}run"
for mode in $modes; do
	: >"$TMP/bash.err"
	assert_eq "$mode: commands" "$all_commands" "$(comp "$mode" 'nschroot ')"
	assert_eq "$mode: global options" "--help${nl}--version${nl}-V${nl}-h" "$(comp "$mode" 'nschroot -')"
	assert_eq "$mode: help COMMAND" "$all_commands" "$(comp "$mode" 'nschroot help ')"
	assert_eq "$mode: run --ma gives --map=" "--map=" "$(comp "$mode" 'nschroot run --ma')"
	assert_match "$mode: with no space after --map=" '^-o nospace$' "$(cat "$TMP/compopt")"
	assert_eq "$mode: --map= values" "auto${nl}keep-id${nl}root${nl}user" "$(comp "$mode" 'nschroot run --map=')"
	assert_eq "$mode: --map=r" "root" "$(comp "$mode" 'nschroot run --map=r')"
	assert_eq "$mode: --map VALUE, as a separate word" "auto${nl}keep-id${nl}root${nl}user" "$(comp "$mode" 'nschroot run --map ')"
	assert_eq "$mode: --net= values" "host${nl}none${nl}pasta" "$(comp "$mode" 'nschroot run --net=')"
	assert_eq "$mode: --dev= values" "host${nl}minimal" "$(comp "$mode" 'nschroot enter --dev=')"
	assert_eq "$mode: --fakeroot= values" "none${nl}seccomp" "$(comp "$mode" 'nschroot run --fakeroot=')"
	assert_eq "$mode: --cap-drop NAME, in either case" "CAP_SYS_BOOT" \
		"$(comp "$mode" 'nschroot run --cap-drop cap_sys_b')"
	assert_eq "$mode: box names from \$NSCHROOT_HOME for TARGET" "alpha" "$(comp "$mode" 'nschroot run al')"
	assert_eq "$mode: TARGET: boxes (not staging, not a box-less directory) and directories" \
		"alpha${nl}beta${nl}tree" "$(comp "$mode" 'nschroot run ')"
	assert_eq "$mode: box names from \$XDG_DATA_HOME/nschroot" "epsilon" \
		"$(export NSCHROOT_HOME='' XDG_DATA_HOME="$TMP/xdg"; comp "$mode" 'nschroot run e')"
	assert_eq "$mode: a TARGET path completes directories only" "./tree" "$(comp "$mode" 'nschroot run ./t')"
	assert_eq "$mode: --bind SRC completes directories" "./tree" "$(comp "$mode" 'nschroot run --bind ./t')"
	assert_eq "$mode: nothing for --bind's DEST, inside the rootfs" "" "$(comp "$mode" 'nschroot run --bind /a:')"
	assert_eq "$mode: -w completes directories" "./tree" "$(comp "$mode" 'nschroot run -w ./t')"
	assert_eq "$mode: option arguments are skipped to find TARGET" "alpha" \
		"$(comp "$mode" 'nschroot run --bind /x -w /y --map=root -e -w --net none al')"
	assert_match "$mode: after TARGET, run completes a command" '^echo$' "$(comp "$mode" 'nschroot run alpha ech')"
	assert_eq "$mode: after TARGET, no option of nschroot" "" "$(comp "$mode" 'nschroot run -- alpha --ma')"

	assert_eq "$mode: create --pro gives --progress=" "--progress=" "$(comp "$mode" 'nschroot create --pro')"
	assert_match "$mode: with no space after --progress=" '^-o nospace$' "$(cat "$TMP/compopt")"
	assert_eq "$mode: create --progress= values" "always${nl}auto${nl}never" \
		"$(comp "$mode" 'nschroot create --progress=')"
	assert_eq "$mode: create --progress VALUE, as a separate word" "always${nl}auto${nl}never" \
		"$(comp "$mode" 'nschroot create --progress ')"
	assert_eq "$mode: create --map= values: root, auto and keep-id" "auto${nl}keep-id${nl}root" "$(comp "$mode" 'nschroot create --map=')"
	assert_eq "$mode: nothing for create's NAME, which is new" "" "$(comp "$mode" 'nschroot create ')"
	assert_eq "$mode: create's SOURCE completes files" "./tfile${nl}./tree" \
		"$(comp "$mode" 'nschroot create --progress never --no-fixup new ./t')"
	assert_eq "$mode: nothing after create's SOURCE" "" "$(comp "$mode" 'nschroot create new ./tfile ')"
	assert_eq "$mode: create's SOURCE offers the image transports" "oci-archive:${nl}oci:" \
		"$(comp "$mode" 'nschroot create new oc' | sort)"
	assert_eq "$mode: create --arch= values" "amd64" "$(comp "$mode" 'nschroot create --arch=amd')"
	assert_eq "$mode: list takes no operand" "" "$(comp "$mode" 'nschroot list ')"
	assert_eq "$mode: info completes box names" "alpha" "$(comp "$mode" 'nschroot info al')"
	assert_eq "$mode: info --json NAME completes box names" "alpha" "$(comp "$mode" 'nschroot info --json al')"
	assert_eq "$mode: info takes one NAME" "" "$(comp "$mode" 'nschroot info alpha ')"
	assert_eq "$mode: rm completes box names" "alpha" "$(comp "$mode" 'nschroot rm al')"
	assert_eq "$mode: rm -f NAME completes box names" "alpha" "$(comp "$mode" 'nschroot rm -f al')"
	assert_eq "$mode: rm offers each box once" "beta" "$(comp "$mode" 'nschroot rm alpha ')"
	assert_eq "$mode: export completes box names" "alpha" "$(comp "$mode" 'nschroot export al')"
	assert_eq "$mode: fixup completes box names" "alpha" "$(comp "$mode" 'nschroot fixup al')"
	assert_eq "$mode: fixup TARGET after options: boxes and directories" \
		"alpha${nl}beta${nl}tree" "$(comp "$mode" 'nschroot fixup --undo --apt ')"
	assert_eq "$mode: fixup takes one TARGET" "" "$(comp "$mode" 'nschroot fixup alpha ')"
	assert_eq "$mode: remap completes box names" "alpha" "$(comp "$mode" 'nschroot remap al')"
	assert_eq "$mode: remap --map= values: auto and keep-id" "auto${nl}keep-id" \
		"$(comp "$mode" 'nschroot remap alpha --map=')"
	assert_eq "$mode: remap options after NAME" "--map=" "$(comp "$mode" 'nschroot remap alpha --ma')"

	assert_eq "$mode: config completes box names" "alpha" "$(comp "$mode" 'nschroot config al')"
	assert_eq "$mode: config -- offers its help alone" "--help" "$(comp "$mode" 'nschroot config --')"
	assert_eq "$mode: config NAME -- offers run's options to save, and --reset" "missing: ; extra: " \
		"$(compare_opts "$config_opts" "$(comp "$mode" "nschroot config alpha --hostname x --" | sed 's/=$//')")"
	assert_eq "$mode: config NAME --map= values" "auto${nl}keep-id${nl}root${nl}user" \
		"$(comp "$mode" 'nschroot config alpha -e X=1 --map=')"
	for cmd in $COMMANDS; do
		assert_eq "$mode: $cmd -- offers exactly the long options of 'help $cmd'" "missing: ; extra: " \
			"$(compare_opts "$(help_opts "$cmd")" "$(comp "$mode" "nschroot $cmd --" | sed 's/=$//')")"
	done
	assert_eq "$mode: the completion function wrote nothing to stderr" "" "$(cat "$TMP/bash.err")"
done
[ "$modes" = plain ] && skip "bash: with bash-completion loaded" "bash-completion is not installed (apt-get install bash-completion)"

if command -v zsh >/dev/null; then
	check "zsh -n completions/_nschroot" zsh -n "$COMPLETIONS/_nschroot"
else
	skip "zsh -n completions/_nschroot" "zsh is not installed (apt-get install zsh)"
fi
# Each command's options, in the function that completes them.
for cmd in $COMMANDS; do
	case $cmd in enter) fn=_nschroot_run ;; *) fn=_nschroot_$cmd ;; esac
	sed -n "/^$fn() {/,/^}/p" "$COMPLETIONS/_nschroot" >"$TMP/zsh-$cmd"
	assert_eq "zsh: every long option of 'help $cmd' is in $fn" "" \
		"$(missing_in "$TMP/zsh-$cmd" "$(help_opts "$cmd")")"
done
assert_eq "zsh: config's options (run's, and --reset) are in _nschroot_run" "" \
	"$(missing_in "$TMP/zsh-run" "$config_opts")"

if command -v fish >/dev/null; then
	# fish_complete LINE: what fish offers at the end of LINE, without the
	# descriptions.
	fish_complete() {
		(cd "$TMP/cwd" && fish --no-config -c 'source $argv[1]; complete -C $argv[2]' \
			"$COMPLETIONS/nschroot.fish" "$1" 2>&1 | cut -f1 | LC_ALL=C sort)
	}
	check "fish -n completions/nschroot.fish" fish -n "$COMPLETIONS/nschroot.fish"
	assert_eq "fish: commands" "$all_commands" "$(fish_complete 'nschroot ')"
	assert_eq "fish: --map= values" "--map=auto${nl}--map=keep-id${nl}--map=root${nl}--map=user" "$(fish_complete 'nschroot run --map=')"
	assert_eq "fish: box names and directories for TARGET" "alpha${nl}beta${nl}tree/" \
		"$(fish_complete 'nschroot run ')"
	assert_eq "fish: create --progress= values" \
		"--progress=always${nl}--progress=auto${nl}--progress=never" \
		"$(fish_complete 'nschroot create --progress=')"
	assert_eq "fish: create's SOURCE completes files" "./tfile${nl}./tree/" \
		"$(fish_complete 'nschroot create new ./t')"
	assert_eq "fish: info completes box names" "alpha" "$(fish_complete 'nschroot info al')"
	assert_eq "fish: rm completes box names" "alpha" "$(fish_complete 'nschroot rm al')"
	assert_eq "fish: rm offers each box once" "beta" "$(fish_complete 'nschroot rm alpha ')"
	assert_eq "fish: export completes box names" "alpha" "$(fish_complete 'nschroot export al')"
	assert_eq "fish: fixup completes box names" "alpha" "$(fish_complete 'nschroot fixup al')"
	assert_eq "fish: config completes box names" "alpha" "$(fish_complete 'nschroot config al')"
	assert_eq "fish: config NAME -- offers run's options to save, and --reset" "missing: ; extra: " \
		"$(compare_opts "$config_opts" "$(fish_complete 'nschroot config alpha --hostname x --')")"
	assert_eq "fish: remap completes box names" "alpha" "$(fish_complete 'nschroot remap al')"
	assert_eq "fish: remap --map= values after NAME" "--map=auto${nl}--map=keep-id" \
		"$(fish_complete 'nschroot remap alpha --map=')"
	for cmd in $COMMANDS; do
		assert_eq "fish: $cmd -- offers exactly the long options of 'help $cmd'" "missing: ; extra: " \
			"$(compare_opts "$(help_opts "$cmd")" "$(fish_complete "nschroot $cmd --")")"
	done
else
	for t in "fish -n completions/nschroot.fish" "fish: commands" "fish: --map= values" \
		"fish: box names and directories for TARGET" "fish: create --progress= values" \
		"fish: create's SOURCE completes files" "fish: info completes box names" \
		"fish: rm completes box names" "fish: rm offers each box once" \
		"fish: export completes box names" "fish: fixup completes box names" \
		"fish: config completes box names" \
		"fish: config NAME -- offers run's options to save, and --reset" \
		"fish: remap completes box names" "fish: remap --map= values after NAME"; do
		skip "$t" "fish is not installed (apt-get install fish)"
	done
	for cmd in $COMMANDS; do
		skip "fish: $cmd -- offers exactly the long options of 'help $cmd'" \
			"fish is not installed (apt-get install fish)"
	done
fi

# In roff, a literal '-' is written '\-'.
sed 's/\\-/-/g' "$MANPAGE" >"$TMP/man"
for cmd in $COMMANDS config; do
	assert_eq "every long option of 'help $cmd' is in man/nschroot.1" "" \
		"$(missing_in "$TMP/man" "$(help_opts "$cmd")")"
done

if command -v man >/dev/null && command -v groff >/dev/null; then
	warnings=$(man --warnings -l "$MANPAGE" 2>&1 >/dev/null)
	assert_eq "man --warnings -l man/nschroot.1 prints no warning" "" "$warnings"
	width=$(MANWIDTH=80 man -E ascii -l "$MANPAGE" | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
	check "the rendered page fits 80 columns ($width)" test "$width" -gt 0 -a "$width" -le 80
else
	for t in "man --warnings -l man/nschroot.1 prints no warning" "the rendered page fits 80 columns"; do
		skip "$t" "man or groff is not installed (apt-get install man-db groff-base)"
	done
fi
done_testing
