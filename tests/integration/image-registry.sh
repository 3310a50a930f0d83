#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `nschroot create NAME docker://REF`: the image pulled through the system's
# skopeo from a registry of the test's own (Debian's docker-registry on
# 127.0.0.1, plain HTTP, tests/fixtures/registry.sh), which the user's
# containers configuration marks insecure: a registries.conf.d drop-in in
# the test's HOME, where a user would put it. nschroot passes no TLS flag
# of its own: without the drop-in the pull fails.
#
# Assumptions (the contract of issue 18):
# - nschroot runs skopeo as the caller, in the caller's environment (HOME
#   included), so that containers-registries.conf(5) and
#   containers-policy.json(5) are the user's: here the system's policy
#   (golang-github-containers-common's /etc/containers/policy.json) and
#   the drop-in in $HOME.
# - image-digest is the digest of the image manifest pulled (the registry
#   holds one manifest: skopeo pushes the host's platform only), source
#   the reference as given.
. "$(dirname "$0")/../lib.sh"
require_userns
for t in skopeo jq python3; do
	command -v $t >/dev/null || skip_all "$t is not installed (apt-get install skopeo jq python3)"
done
[ -x "$(command -v docker-registry || echo /usr/bin/docker-registry)" ] ||
	skip_all "docker-registry is not installed (apt-get install docker-registry)"
case $(dpkg --print-architecture 2>/dev/null) in
amd64 | arm64) ;;
*) skip_all "the test image has amd64 and arm64 only" ;;
esac
plan 18

export NSCHROOT_HOME=$TMP/store
# The user's configuration, as the user would write it, in a HOME of the
# test's own.
export HOME=$TMP/home
unset XDG_CONFIG_HOME CONTAINERS_REGISTRIES_CONF REGISTRIES_CONFIG_PATH
dropins=$HOME/.config/containers/registries.conf.d
mkdir -p "$dropins"

stop_registry() { sh "$FIXTURES/registry.sh" stop "$TMP/registry" >/dev/null 2>&1; }
CLEANUP_HOOK=stop_registry
port=$(sh "$FIXTURES/registry.sh" start "$TMP/registry") ||
	skip_all "the registry does not start (tests/fixtures/registry.sh)"
cp "$TMP/registry/registries.conf" "$dropins/50-nschroot-test.conf"
ref=127.0.0.1:$port/test/img:1

make_busybox_rootfs "$TMP/bb"
sh "$FIXTURES/make-oci-image.sh" "$TMP/img" "$TMP/bb" >"$TMP/err" 2>&1 ||
	skip_all "cannot make the test image: $(cat "$TMP/err")"
skopeo copy -q --dest-tls-verify=false "oci:$TMP/img" "docker://$ref" >"$TMP/err" 2>&1
assert_eq "the image is pushed to the registry" 0 $?
[ -s "$TMP/err" ] && diag "$(cat "$TMP/err")"
# skopeo itself takes the drop-in: any failure below is nschroot's.
digest=sha256:$(skopeo inspect --raw "docker://$ref" 2>"$TMP/err" | sha256sum | cut -d' ' -f1)
assert_eq "skopeo reads the registry without a TLS flag (the drop-in is taken)" \
	"$(skopeo inspect "docker://$ref" 2>/dev/null | jq -r .Digest)" "$digest"

# gone NAME: no box NAME and no staging directory of it in the store.
gone() { ls -A "$NSCHROOT_HOME/boxes" 2>/dev/null | grep -E "^\.?$1(\.|$)"; }

# The pull's temporary files (skopeo's, and the layout nschroot pulls
# into, wherever it keeps it: TMPDIR or the store) must all be gone after.
mkdir "$TMP/tmpdir"
out=$(TMPDIR=$TMP/tmpdir nsrun create --progress=never --map=root reg "docker://$ref" 2>"$TMP/err")
status=$?
assert_eq "create from docker://REF, insecure by the user's registries.conf.d, exits 0" 0 "$status"
[ "$status" = 0 ] || diag "$(cat "$TMP/err")"
assert_match "... the Created box line counts the device node" ", 1 device nodes skipped" "$out"
conf=$NSCHROOT_HOME/boxes/reg/box.conf
assert_eq "... box.conf records the manifest's digest" "image-digest=$digest" \
	"$(grep '^image-digest=' "$conf" 2>&1)"
assert_eq "... and the image's Cmd" 'image-cmd=["from-cmd","two words"]' \
	"$(grep '^image-cmd=' "$conf" 2>&1)"
info=$(nsrun info reg 2>&1)
assert_match "info shows the reference" "^source: docker://$ref$" "$info"
assert_match "info shows the digest" "$digest" "$info"
assert_eq "the layers are applied (a whiteout, an opaque directory, layer 3's file)" \
	"gone new layer3" \
	"$(nsrun run reg -- sh -c '[ -e /data/deleteme ] && echo there || echo gone; ls -A /data/opq; cat /data/same' 2>&1 | tr '\n' ' ' | sed 's/ $//')"
assert_eq "run with no command runs Entrypoint and Cmd" \
	"[from-cmd][two words] /srv/work 1500 hello from the image" \
	"$(nsrun run reg 2>&1 | tr '\n' ' ' | sed 's/ $//')"
assert_eq "nothing is left in TMPDIR or the store but the box" "reg" \
	"$(ls -A "$TMP/tmpdir" "$NSCHROOT_HOME/boxes" 2>&1 | grep -v -e '^$' -e ':$')"

# Not there: exit 125, nothing left.
nsrun create --progress=never --map=root nosuch "docker://127.0.0.1:$port/test/img:nosuch" \
	>/dev/null 2>"$TMP/err"
assert_eq "a tag the registry does not have: 125" 125 $?
assert_eq "... no box and no staging left" "" "$(gone nosuch)"

# Without the drop-in the registry is an HTTPS one to skopeo, and plain
# HTTP fails: nschroot does not turn TLS verification off by itself.
mv "$dropins/50-nschroot-test.conf" "$TMP/registries.conf.off"
nsrun create --progress=never --map=root notls "docker://$ref" >/dev/null 2>"$TMP/err"
assert_eq "without the drop-in the pull fails: 125" 125 $?
assert_eq "... no box and no staging left" "" "$(gone notls)"
mv "$TMP/registries.conf.off" "$dropins/50-nschroot-test.conf"

# Auto mode: the same image, owners kept.
if [ -n "$(subid_start /etc/subuid)" ] && [ -n "$(subid_start /etc/subgid)" ] &&
	command -v newuidmap >/dev/null; then
	nsrun create --progress=never --map=auto rega "docker://$ref" >/dev/null 2>"$TMP/err"
	status=$?
	assert_eq "--map=auto from docker://REF exits 0" 0 "$status"
	[ "$status" = 0 ] || diag "$(cat "$TMP/err")"
	assert_eq "... owners and set-id bits kept" "1234:4321 65534:65534 4755" \
		"$(nsrun run rega -- sh -c 'echo $(stat -c %u:%g /data/owned /data/nobody) $(stat -c %a /bin/suid)' 2>&1)"
else
	if [ "${NSCHROOT_TEST_MUST_WORK:-0}" = 1 ]; then
		not_ok "--map=auto from docker://REF (no subordinate range or newuidmap)"
		not_ok "... owners and set-id bits kept (no subordinate range or newuidmap)"
	else
		ok "--map=auto from docker://REF # SKIP no subordinate range or newuidmap"
		ok "... owners and set-id bits kept # SKIP no subordinate range or newuidmap"
	fi
fi

stop_registry
assert_eq "the registry is stopped" "" "$(cat "$TMP/registry/pid" 2>/dev/null)"
done_testing
