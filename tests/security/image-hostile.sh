#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile container images through `nschroot create` (the variants of
# tests/fixtures/make-oci-image.sh): blobs that are not what their digests
# say (layer, config, manifest), a config whose diff_ids do not match the
# layers, a missing blob, an index with no platform for this machine,
# entries named with ".." or absolutely, whiteouts aimed outside, writes and
# hard links through a link a lower layer made, hard links to outside. Each
# one is refused with exit 125, in root and in auto mode, as an OCI layout
# and (those that skopeo copies) as a docker-archive, and leaves nothing:
# no box, no staging directory (.NAME.*) in the store, and a bait
# directory outside exactly as it was (names, content, link count, mode).
#
# Assumptions: refusals come before the box is named (the staging
# directory goes); the variants "whiteout-symlink", "opaque-symlink" and
# "hardlink-symlink" name a path through a symbolic link to an absolute
# path: resolving it inside the box (as the kernel would in a chroot) is as
# legitimate as refusing, so they may end with 0 or 125, as long as the
# outside is untouched.
. "$(dirname "$0")/../lib.sh"
require_userns
for t in jq python3 gzip sha256sum; do
	command -v $t >/dev/null || skip_all "$t is not installed (it makes the images)"
done
case $(dpkg --print-architecture 2>/dev/null) in
amd64 | arm64) ;;
*) skip_all "the test images have amd64 and arm64 only" ;;
esac
have_skopeo=false
command -v skopeo >/dev/null && have_skopeo=true
have_auto=false
[ -n "$(subid_start /etc/subuid)" ] && [ -n "$(subid_start /etc/subgid)" ] &&
	command -v newuidmap >/dev/null && command -v newgidmap >/dev/null && have_auto=true

refused_variants="bad-layer-digest bad-config-digest bad-manifest-digest bad-diffid missing-blob
	no-platform dotdot-entry absolute-entry whiteout-outside opaque-outside symlink-escape
	hardlink-outside hardlink-absolute"
contained_variants="whiteout-symlink opaque-symlink hardlink-symlink"
# Those that skopeo copies into a docker-archive, where they are flawed the
# same way: skopeo checks the digests, and picks the platform.
docker_variants="bad-diffid dotdot-entry absolute-entry whiteout-outside opaque-outside
	symlink-escape hardlink-outside hardlink-absolute"
# 13 refused x (root, auto) x 3 tests, 3 contained x (root, auto) x 3,
# 8 docker-archive x 3, the check of the images, the 2 controls.
plan $((13 * 2 * 3 + 3 * 2 * 3 + 8 * 3 + 1 + 2))

export NSCHROOT_HOME=$TMP/store
real=$(cd "$TMP" && pwd -P)
outside=$real/outside
mkdir "$outside"
echo safe >"$outside/victim"
echo keep >"$outside/other"
chmod 755 "$outside"
# state: what must not change outside (the directory's mode and names,
# the victim's content, link count and mode).
state() {
	printf '%s|%s|%s|%s|%s' "$(stat -c %a "$outside")" "$(ls -A "$outside" | tr '\n' ' ')" \
		"$(cat "$outside/victim" 2>&1)" "$(stat -c %h:%a "$outside/victim" 2>&1)" \
		"$(cat "$outside/other" 2>&1)"
}
before=$(state)

skip_one() {
	if [ "${NSCHROOT_TEST_MUST_WORK:-0}" = 1 ]; then
		not_ok "$1 (cannot run: $2; NSCHROOT_TEST_MUST_WORK=1)"
	else
		ok "$1 # SKIP $2"
	fi
}

make_busybox_rootfs "$real/bb"
failed_images=
for v in good $refused_variants $contained_variants; do
	OCI_OUTSIDE=$outside sh "$FIXTURES/make-oci-image.sh" "$real/$v" "$real/bb" "$v" \
		>"$TMP/err" 2>&1 || failed_images="$failed_images $v"
done
assert_eq "every hostile image is made" "" "$failed_images"
[ -z "$failed_images" ] || diag "$(cat "$TMP/err")"

# gone NAME: no box NAME and no staging directory of it in the store.
gone() { ls -A "$NSCHROOT_HOME/boxes" 2>/dev/null | grep -E "^\.?$1(\.|$)"; }

# attempt NAME SOURCE MAP: create; the status in $status.
attempt() {
	timeout 120 "$NSCHROOT" create --progress=never --map="$3" "$1" "$2" \
		</dev/null >"$TMP/out" 2>"$TMP/err"
	status=$?
}

# refused LABEL NAME SOURCE MAP: 3 tests.
refused() {
	attempt "$2" "$3" "$4"
	assert_eq "$1: refused with 125" 125 "$status"
	[ "$status" = 125 ] || diag "$(cat "$TMP/out" "$TMP/err")"
	assert_eq "$1: no box, no staging directory left" "" "$(gone "$2")"
	assert_eq "$1: outside untouched" "$before" "$(state)"
	# A box made anyway goes, for the next case to start clean.
	[ "$status" = 0 ] && "$NSCHROOT" rm --force "$2" >/dev/null 2>&1 </dev/null
}

# contained LABEL NAME SOURCE MAP: 0 or 125, nothing outside: 3 tests.
contained() {
	attempt "$2" "$3" "$4"
	assert_match "$1: ends with 0 or 125 ($status)" "^(0|125)$" "$status"
	assert_eq "$1: outside untouched" "$before" "$(state)"
	[ "$status" = 0 ] && "$NSCHROOT" rm --force "$2" >/dev/null 2>&1 </dev/null
	assert_eq "$1: afterwards no box and no staging directory" "" "$(gone "$2")"
}

# The control: the good image of the same script is accepted, so that a
# refusal below is the flaw's, not the source form's.
attempt good "oci:$real/good" root
assert_eq "control: the good image is accepted (oci:DIR)" 0 "$status"
[ "$status" = 0 ] || diag "$(cat "$TMP/err")"
"$NSCHROOT" rm --force good >/dev/null 2>&1 </dev/null
if $have_skopeo && skopeo --insecure-policy copy -q "oci:$real/good" \
	"docker-archive:$real/good.docker.tar" >"$TMP/err" 2>&1; then
	attempt good "docker-archive:$real/good.docker.tar" root
	assert_eq "control: the good image is accepted (docker-archive:FILE)" 0 "$status"
	[ "$status" = 0 ] || diag "$(cat "$TMP/err")"
	"$NSCHROOT" rm --force good >/dev/null 2>&1 </dev/null
else
	skip_one "control: the good image is accepted (docker-archive:FILE)" "skopeo cannot copy it"
fi

for map in root auto; do
	for v in $refused_variants $contained_variants; do
		case " $contained_variants " in
		*" $v "*) kind=contained n=3 ;;
		*) kind=refused n=3 ;;
		esac
		if [ $map = auto ] && ! $have_auto; then
			i=0
			while [ $i -lt $n ]; do
				i=$((i + 1))
				skip_one "$v ($map) $i" "no subordinate range or newuidmap"
			done
			continue
		fi
		$kind "$v, oci:DIR, --map=$map" "$v-$map" "oci:$real/$v" "$map"
	done
done

# The same flaws through docker-archive (a docker save archive), made by
# skopeo from the layout: bad-diffid (the config's diff_ids are what
# docker-archive checks the layers against) and the hostile entries.
for v in $docker_variants; do
	if ! $have_skopeo; then
		for i in 1 2 3; do skip_one "$v, docker-archive:FILE $i" "skopeo is not installed"; done
		continue
	fi
	if ! skopeo --insecure-policy copy -q "oci:$real/$v" "docker-archive:$real/$v.docker.tar" \
		>"$TMP/err" 2>&1; then
		for i in 1 2 3; do not_ok "$v, docker-archive:FILE $i: skopeo copy failed"; done
		diag "$(cat "$TMP/err")"
		continue
	fi
	refused "$v, docker-archive:FILE" "$v-dar" "docker-archive:$real/$v.docker.tar" root
done

done_testing
