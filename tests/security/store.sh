#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The store's commands on hostile trees: rm of a box full of links into the
# caller's $HOME, mode-000 and read-only directories, a FIFO; export of the
# same. $HOME must come out exactly as it went in, and the archive must not
# hold what the links point to.
. "$(dirname "$0")/../lib.sh"
require_userns
plan 9
export HOME=$TMP/home NSCHROOT_HOME=$TMP/store
mkdir -p "$HOME/docs"
echo SECRET-4242-IN-HOME >"$HOME/docs/secret"
chmod 600 "$HOME/docs/secret"
home_state() { (cd "$HOME" && find . -printf '%p %y %m %s %T@\n' | sort); }
home_before=$(home_state)

tree=$TMP/tree
make_busybox_rootfs "$tree"
ln -s "$HOME" "$tree/home-abs"
ln -s ../../../../../../../../..$HOME "$tree/home-rel"
ln -s "$HOME/docs/secret" "$tree/etc/secret-link"
mkdir -p "$tree/locked/deep" "$tree/ro/sub"
echo x >"$tree/locked/deep/file"
echo x >"$tree/ro/sub/file"
mkfifo "$tree/fifo"
tar -C "$tree" -cf "$TMP/tree.tar" .
nsrun create --progress=never bad "$TMP/tree.tar" >/dev/null
assert_eq "a box with links into \$HOME is created" 0 $?
# Inside the box, made unreadable and read-only by its own root.
nsrun run bad sh -c 'chmod 000 /locked /locked/deep; chmod 555 /ro /ro/sub'
assert_eq "... and locked up from inside" 0 "$(stat -c %a "$TMP/store/boxes/bad/rootfs/locked")"

nsrun export --progress=never bad "$TMP/bad.tar" 2>/dev/null
assert_eq "export of it exits 0" 0 $?
assert_no_match "the archive holds no byte of what the links point to" SECRET-4242 \
	"$(tar -xOf "$TMP/bad.tar" 2>/dev/null)"
assert_match "the links stay links" "home-abs -> $HOME" "$(tar -tvf "$TMP/bad.tar")"

nsrun rm bad
assert_eq "rm exits 0" 0 $?
assert_eq "the box is gone, locked directories and all" "" "$(ls -A "$TMP/store/boxes")"
assert_eq "\$HOME is exactly as it was" "$home_before" "$(home_state)"
assert_eq "the secret is still there" SECRET-4242-IN-HOME "$(cat "$HOME/docs/secret")"
done_testing
