#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile tarballs through `nschroot create` (archive-extract.sh tries the
# classic ways out on the helper itself): hard links that carry data, a
# directory entry over a link (chmod through it), extended attributes
# through links, names too long for the kernel. A bait directory outside
# gets a file and a mode; after each create both must be as they were, and
# a failed create must leave no box and no staging directory.
. "$(dirname "$0")/../lib.sh"
require_userns
command -v python3 >/dev/null || skip_all "python3 is not installed (it makes the tarballs)"
plan 44
export NSCHROOT_HOME=$TMP/store
outside=$TMP/outside
mkdir "$outside"
echo safe >"$outside/target"
chmod 700 "$outside"
state() {
	printf '%s|%s|%s|%s' "$(stat -c %a "$outside")" "$(cat "$outside/target")" \
		"$(ls -A "$outside" | tr '\n' ' ')" \
		"$(python3 -c 'import os,sys; print(sorted(os.listxattr(sys.argv[1])))' "$outside/target")"
}
before=$(state)

# mktar FILE ENTRY...: see tests/fixtures/mktar.py.
mktar() { python3 "$FIXTURES/mktar.py" "$@"; }

# attempt NAME ENTRY...: create box NAME from those entries.
attempt() {
	name=$1
	shift
	mktar "$TMP/$name.tar" "$@" || { not_ok "$name: cannot make the tarball"; return; }
	timeout 60 "$NSCHROOT" create --progress=never "$name" "$TMP/$name.tar" </dev/null >/dev/null 2>"$TMP/err"
	status=$?
}

# refused NAME ENTRY...: create must fail with 125 and leave nothing.
refused() {
	attempt "$@"
	assert_eq "$1: refused with 125" 125 "$status"
	assert_eq "$1: no box, no staging left" "" "$(ls -A "$TMP/store/boxes" 2>/dev/null)"
	assert_eq "$1: outside untouched (mode, content, names, xattrs)" "$before" "$(state)"
}

refused hardlink-to-link-with-data \
	"symlink|lnk|$outside/target" "hardlink|h|lnk|pwned"
refused hardlink-through-link-with-data \
	"symlink|d|$outside" "hardlink|h|d/target|pwned"
refused xattr-through-link \
	"symlink|d|$outside" "file|d/target|||pwned"
refused long-name \
	"file|$(printf 'n%.0s' $(seq 300))|||"
# A refused name holding a terminal escape and a newline is shown escaped:
# no raw control byte reaches the caller's terminal, no line is faked.
esc=$(printf '\033')
nl='
'
refused escape-in-name "file|../${esc}[2J${nl}nschroot: all is well|||"
assert_eq "escape-in-name: no raw ESC on stderr" "" "$(tr -dc '\033' <"$TMP/err")"
assert_eq "escape-in-name: one line on stderr" 1 "$(($(wc -l <"$TMP/err")))"
assert_match "escape-in-name: the name is shown escaped" \
	"'\.\./\\\\x1b\[2J\\\\x0anschroot: all is well': refused" "$(cat "$TMP/err")"

# A docker save archive given as a FILE is read as an image (this one,
# whose manifest.json lists nothing, is refused as one); through a pipe it
# cannot be read in place, and is refused with a hint as soon as a name
# shows it, before its layers are extracted: docker save before Docker 25
# (DIGEST/layer.tar), since (an OCI layout, blobs first), podman save
# (DIGEST.tar).
digest=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
refused docker-save "dir|$digest" "file|$digest/VERSION||1.0" "file|$digest/json||{}" \
	"file|$digest/layer.tar||layer" "file|manifest.json||[]" "file|repositories||{}"
assert_match "docker-save: read as an image" \
	"^nschroot: cannot read the image: manifest.json lists no image" "$(cat "$TMP/err")"
status=0
cat "$TMP/docker-save.tar" | timeout 60 "$NSCHROOT" create --progress=never docker-save-pipe - \
	>/dev/null 2>"$TMP/err" || status=$?
assert_eq "docker-save through a pipe: refused with 125" 125 "$status"
assert_match "docker-save through a pipe: says it is a container image" \
	"^nschroot: cannot extract the archive: it is a container image" "$(cat "$TMP/err")"
assert_match "docker-save through a pipe: the hint names the transports" \
	'^hint: give the image as an uncompressed file \(docker-archive:FILE' "$(cat "$TMP/err")"
assert_eq "docker-save through a pipe: no box, no staging directory" "" \
	"$(ls -A "$NSCHROOT_HOME/boxes")"
refused docker-save-oci "dir|blobs" "dir|blobs/sha256" "file|blobs/sha256/$digest||{}" \
	"file|index.json||{}" "file|manifest.json||[]" "file|oci-layout||{}"
refused podman-save "file|$digest.tar||layer" "file|$digest.json||{}" "file|manifest.json||[]"
# A rootfs with a manifest.json at its top is no image.
attempt not-an-image "file|manifest.json||[]" "dir|etc" "file|etc/hostname||box"
assert_eq "not-an-image: a manifest.json alone is accepted" 0 "$status"
[ "$status" = 0 ] && "$NSCHROOT" rm not-an-image

# contained NAME ENTRY...: accepted or refused, but nothing outside; a
# refusal leaves nothing in the store either.
contained() {
	attempt "$@"
	assert_match "$1: ends with 0 or 125 ($status)" "^(0|125)$" "$status"
	assert_eq "$1: outside untouched (mode, content, names, xattrs)" "$before" "$(state)"
	# Accepted, the box must go with rm; refused, it must not be there.
	[ "$status" = 0 ] && "$NSCHROOT" rm "$1"
	assert_eq "$1: afterwards no box and no staging" "" "$(ls -A "$TMP/store/boxes")"
}

# A hard link with data inside the tree only touches the tree.
attempt hardlink-inside "file|a||orig" "hardlink|h|a|new"
assert_eq "hardlink-inside: accepted" 0 "$status"
assert_eq "hardlink-inside: the body went to the linked file" new \
	"$(cat "$TMP/store/boxes/hardlink-inside/rootfs/a")"
"$NSCHROOT" rm hardlink-inside
# A directory entry over a link to the outside: its mode must not be set
# on the link's target.
contained chmod-through-dir-link "symlink|d|$outside" "dir|d"
# An xattr on an entry that is itself a link to the outside file.
contained xattr-on-link "symlink|lnk|$outside/target||pwned"
# A path longer than PATH_MAX, in names of a legal length.
deep=$(for i in $(seq 45); do printf 'd%.0s' $(seq 100); printf /; done)
contained deep-path "file|${deep}f|||"
done_testing
