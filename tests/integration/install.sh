#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `meson install` puts the program, its helper, the man page and the three
# completions where each is looked for; and an nschroot built for a
# prefix and installed there finds its helper under libexecdir: it
# creates, runs and exports a box.
. "$(dirname "$0")/../lib.sh"
build=$(dirname "$NSCHROOT")
command -v meson >/dev/null || skip_all "meson is not installed"
plan 16
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

# Installed for real, where its compiled-in libexecdir is.
prefix=$TMP/prefix
src=${NSCHROOT_SOURCE_ROOT:?meson sets NSCHROOT_SOURCE_ROOT}
meson setup "$TMP/build" "$src" --prefix="$prefix" -Dstatic=disabled -Db_sanitize=none \
	>"$TMP/setup.log" 2>&1 &&
	meson compile -C "$TMP/build" nschroot nschroot-archive nschroot-guest \
		>"$TMP/install2.log" 2>&1 &&
	meson install -C "$TMP/build" --no-rebuild >>"$TMP/install2.log" 2>&1
assert_eq "a build for --prefix=\$TMP/prefix installs there" 0 $?
installed=$prefix/bin/nschroot
[ -x "$installed" ] || diag "$(tail -n 20 "$TMP/setup.log" "$TMP/install2.log")"
export NSCHROOT_HOME=$TMP/store
rootfs=$TMP/rootfs
make_busybox_rootfs "$rootfs"
tar -C "$rootfs" -czf "$TMP/rootfs.tar.gz" .
"$installed" create --map=root --progress=never inst "$TMP/rootfs.tar.gz" >/dev/null 2>"$TMP/err" </dev/null
assert_eq "the installed nschroot creates a box from a tarball" "0 " \
	"$? $(grep -v '^nschroot: note: in root mode' "$TMP/err")"
assert_eq "... runs it" "hello" "$("$installed" run inst echo hello </dev/null 2>&1)"
assert_eq "... through proot too, with the nschroot-guest it installed" "hello" \
	"$("$installed" run --backend=proot inst echo hello </dev/null 2>&1)"
"$installed" export inst "$TMP/out.tar" </dev/null 2>"$TMP/err"
assert_eq "... exports it" "0 " "$? $(cat "$TMP/err")"
check "... to a tarball that holds its /bin/sh" sh -c "tar -tf '$TMP/out.tar' | grep -qx '\./bin/sh\|bin/sh'"
assert_eq "... and removes it" 0 "$("$installed" rm inst </dev/null >/dev/null 2>&1; echo $?)"
done_testing
