#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `meson install` puts the program, its helper, the man page and the three
# completions where each is looked for; the installed nschroot runs and
# finds its helper under libexecdir.
. "$(dirname "$0")/../lib.sh"
build=$(dirname "$NSCHROOT")
command -v meson >/dev/null || skip_all "meson is not installed"
plan 9
dest=$TMP/dest
meson install -C "$build" --destdir "$dest" --no-rebuild >"$TMP/install.log" 2>&1
assert_eq "meson install --destdir exits 0" 0 $?
prefix=$(meson introspect --buildoptions "$build" | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
root=$dest$prefix
check "the program: bin/nschroot" test -x "$root/bin/nschroot"
check "its helper: libexec/nschroot/nschroot-archive" test -x "$root/libexec/nschroot/nschroot-archive"
check "the man page: share/man/man1/nschroot.1" test -f "$root/share/man/man1/nschroot.1"
check "bash: a file named after the command in bash-completion's directory" \
	sh -c "find '$dest' -path '*/bash-completion/completions/nschroot' | grep -q ."
check "zsh: share/zsh/site-functions/_nschroot" test -f "$root/share/zsh/site-functions/_nschroot"
check "fish: share/fish/vendor_completions.d/nschroot.fish" \
	test -f "$root/share/fish/vendor_completions.d/nschroot.fish"
assert_match "the installed program runs" "^nschroot [0-9]+\.[0-9]+\.[0-9]+$" "$("$root/bin/nschroot" --version)"
assert_eq "no file outside the prefix" "" \
	"$(cd "$dest" && find . -type f | grep -v "^\.$prefix/")"
done_testing
