#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `nschroot create NAME SOURCE` from container images: the test image of
# tests/fixtures/make-oci-image.sh (three layers: whiteouts, an opaque
# directory, hard links within and across layers, a directory replaced by
# a file and back, set-id files, odd owners, a device node; a config with
# Env, Entrypoint, Cmd, WorkingDir, User; amd64 and arm64 in a nested
# index), as oci:DIR[:REF], and converted by skopeo to oci-archive:FILE[:REF]
# and docker-archive:FILE, which is also given as a plain FILE, as are the
# two layouts of `docker save` itself (tests/fixtures/make-docker-save.sh).
# The box's tree is checked from inside; owners and set-id bits in auto
# mode; box.conf, info, run without a command; --arch; refusals; docker://
# without skopeo. docker:// from a registry: image-registry.sh. Hostile
# images: tests/security/image-hostile.sh.
#
# Assumptions where the contract (issue 18, DESIGN.md "Sources for
# create") leaves a choice:
# - image-digest is the digest of the chosen platform's image manifest
#   (not of the index above it), as "sha256:HEX"; for an archive that
#   skopeo wrote, that of the manifest in the archive (skopeo compresses
#   the uncompressed layer 3 on the way, so it is not the layout's). A
#   docker-archive has no manifest of its own: only the form is checked.
# - image-env, image-entrypoint, image-cmd are the arrays as compact JSON
#   the way jq -c writes them (no space, "/" not escaped);
#   image-workdir and image-user the strings as given.
# - info shows "source: TRANSPORT:CANONICAL-PATH[:REF]" (the path made
#   canonical, as for a tarball; the REF as given, or the one taken when
#   none was), and the digest somewhere in its output (the label is free).
# - A docker save archive given as a plain FILE is seekable and
#   uncompressed, as these are; whether it may come from a pipe or
#   compressed is not tested.
# - root mode is as for a tarball: every file belongs to root inside and
#   the set-id bits are dropped; the device node is skipped in both modes.
# - The image's User applies to `run BOX -- CMD` as well as to `run BOX`;
#   run --uid overrides it. WorkingDir likewise. Env is the base: a
#   variable that nschroot's clean environment does not set (GREETING)
#   comes through.
# - --arch=ARCH with an image whose layers are this machine's busybox
#   still records the architecture found in /bin/sh; only with a real
#   arm64 busybox (make-foreign-busybox.sh) is arch=arm64 checked.
# - NSCHROOT_SKOPEO set to a missing program fails (125 and the hint); it
#   does not fall back to PATH.
. "$(dirname "$0")/../lib.sh"
require_userns
for t in skopeo jq python3 gzip sha256sum; do
	command -v $t >/dev/null || skip_all "$t is not installed (apt-get install skopeo jq python3)"
done
host_arch=$(dpkg --print-architecture 2>/dev/null)
case $host_arch in
amd64) other_arch=arm64 ;;
arm64) other_arch=amd64 ;;
*) skip_all "the test image has amd64 and arm64 only, not '$host_arch'" ;;
esac
plan 130

export NSCHROOT_HOME=$TMP/store
# Canonical paths: what box.conf and info are expected to show.
real=$(cd "$TMP" && pwd -P)

# skip_one DESCRIPTION REASON: a test that cannot run here; a failure under
# NSCHROOT_TEST_MUST_WORK=1.
skip_one() {
	if [ "${NSCHROOT_TEST_MUST_WORK:-0}" = 1 ]; then
		not_ok "$1 (cannot run: $2; NSCHROOT_TEST_MUST_WORK=1)"
	else
		ok "$1 # SKIP $2"
	fi
}

# Auto mode needs a subordinate range and newuidmap.
have_auto=false
[ -n "$(subid_start /etc/subuid)" ] && [ -n "$(subid_start /etc/subgid)" ] &&
	command -v newuidmap >/dev/null && command -v newgidmap >/dev/null && have_auto=true
# Files of subordinate ids are beyond the caller's reach on the host: the
# boxes go by nschroot rm (lib.sh's cleanup), nothing else holds them.

# --- The images ------------------------------------------------------------
make_busybox_rootfs "$real/bb"
foreign=
if [ "$host_arch" = amd64 ] && busybox=$(sh "$FIXTURES/make-foreign-busybox.sh" 2>/dev/null); then
	sh "$FIXTURES/make-busybox-rootfs.sh" "$real/bb-arm64" "$busybox" && foreign=$real/bb-arm64
fi
img=$real/img
OCI_ARM64_ROOTFS=$foreign sh "$FIXTURES/make-oci-image.sh" "$img" "$real/bb" >"$TMP/err" 2>&1 ||
	skip_all "cannot make the test image: $(cat "$TMP/err")"
# skopeo copy: the image of this machine's platform (or all, --all).
convert() {
	skopeo --insecure-policy copy -q "$@" >"$TMP/err" 2>&1 ||
		skip_all "skopeo copy $*: $(cat "$TMP/err")"
}
convert "oci:$img" "oci-archive:$real/img.oci.tar"
convert "oci:$img" "oci-archive:$real/img.ref.oci.tar:v1"
convert --all "oci:$img" "oci-archive:$real/img.all.oci.tar:latest"
convert "oci:$img" "docker-archive:$real/img.docker.tar"
for f in legacy oci; do
	sh "$FIXTURES/make-docker-save.sh" "$real/img.docker.tar" "$real/save-$f.tar" $f \
		>"$TMP/err" 2>&1 || skip_all "cannot make the docker save archive: $(cat "$TMP/err")"
done

# blob_of LAYOUT-INDEX-JSON BLOBDIR ARCH: the digest of ARCH's image
# manifest under that index.json, through nested indexes.
platform_digest() {
	_json=$1 _blobs=$2 _arch=$3
	while :; do
		_d=$(jq -r --arg a "$_arch" '.manifests[] |
			select(.platform == null or .platform.architecture == $a) |
			.digest' "$_json" | head -n 1)
		case $(jq -r --arg d "$_d" '.manifests[] | select(.digest == $d) | .mediaType' "$_json") in
		*index*) _json=$_blobs/${_d#sha256:} ;;
		*) break ;;
		esac
	done
	echo "$_d"
}
digest_host=$(platform_digest "$img/index.json" "$img/blobs/sha256" "$host_arch")
digest_other=$(platform_digest "$img/index.json" "$img/blobs/sha256" "$other_arch")
mkdir "$TMP/x"
tar -C "$TMP/x" -xf "$real/img.oci.tar" index.json
digest_ociar=$(jq -r '.manifests[0].digest' "$TMP/x/index.json")
mkdir "$TMP/y"
tar -C "$TMP/y" -xf "$real/img.all.oci.tar"
digest_ociall=$(platform_digest "$TMP/y/index.json" "$TMP/y/blobs/sha256" "$host_arch")
diag "manifests: $host_arch $digest_host, $other_arch $digest_other," \
	"oci-archive $digest_ociar, oci-archive --all $digest_ociall"

# --- Helpers ---------------------------------------------------------------
# mk NAME SOURCE [OPTION...]: create (root mode unless an option says);
# standard output in $out, the status in $status, standard error in $TMP/err.
mk() {
	_n=$1 _s=$2
	shift 2
	out=$(nsrun create --progress=never --map=root "$@" "$_n" "$_s" 2>"$TMP/err")
	status=$?
	[ "$status" = 0 ] || diag "create $* $_n $_s: $status" "$(cat "$TMP/err")"
}

# conf BOX KEY: KEY's line of BOX's box.conf.
conf() { grep "^$2=" "$NSCHROOT_HOME/boxes/$1/box.conf" 2>&1; }

# inside BOX COMMAND: a shell command's output (stdout and stderr) in BOX,
# lines joined by spaces.
inside() { nsrun run "$1" -- sh -c "$2" 2>&1 | tr '\n' ' ' | sed 's/ $//'; }

# gone NAME: no box NAME and no staging directory (.NAME.*) in the store.
gone() { ls -A "$NSCHROOT_HOME/boxes" 2>/dev/null | grep -E "^\.?$1(\.|$)"; }

# The tree every source must give: 8 tests.
tree_checks() {
	_b=$1 _l=$2
	assert_eq "$_l: deleted, hidden and replaced files are gone" "" \
		"$(inside "$_b" 'for f in /data/deleteme /data/deldir /data/opq/old1 /data/opq/sub \
			/data/dir2file/inner /data/chardev; do
			if [ -e "$f" ] || [ -L "$f" ]; then echo "$f"; fi; done')"
	assert_eq "$_l: no whiteout file is left" "" \
		"$(inside "$_b" 'find /data /bin /etc /srv /home /usr -name ".wh.*"')"
	assert_eq "$_l: the opaque directory holds only its layer's file" new \
		"$(inside "$_b" 'ls -A /data/opq')"
	assert_eq "$_l: a directory replaced by a file, a file by a directory" \
		"now-a-file inner" "$(inside "$_b" 'cat /data/dir2file /data/file2dir/inner')"
	assert_eq "$_l: a file beside a whiteout of its name in the same layer stays" \
		layer3 "$(inside "$_b" 'cat /data/same')"
	assert_eq "$_l: hard links in a layer and across layers: one inode, 3 names" \
		"1 3 linked" \
		"$(inside "$_b" 'echo $(stat -c %i /data/hl-a /data/hl-b /data/hl-c | sort -u | wc -l) \
			$(stat -c %h /data/hl-a) $(cat /data/hl-c)')"
	assert_eq "$_l: the rest of the tree is there" "suid ID=busybox" \
		"$(inside "$_b" '/bin/suid; grep ^ID= /etc/os-release')"
	assert_match "$_l: the device node is skipped and counted" \
		"^Created box '$_b' .*, 1 device nodes skipped" "$out"
}

# owner_checks BOX LABEL MAP: owners and set-id bits: 2 tests.
owner_checks() {
	if [ "$3" = auto ]; then
		want_owners="1234:4321 65534:65534 0:4321 1500:1500 0:0" want_modes="4755 2755"
	else
		want_owners="0:0 0:0 0:0 0:0 0:0" want_modes="755 755"
	fi
	# As root: in root mode the image's user (1500) is mapped to the
	# caller, who owns every file, so that they would all show as 1500's.
	assert_eq "$2: owners ($3 mode)" "$want_owners" \
		"$(nsrun run --uid 0 "$1" -- stat -c %u:%g /data/owned /data/nobody /data/sgid \
			/home/app /bin/suid 2>&1 | tr '\n' ' ' | sed 's/ $//')"
	assert_eq "$2: set-id bits ($3 mode)" "$want_modes" \
		"$(inside "$1" 'stat -c %a /bin/suid /data/sgid')"
}

# --- oci:DIR, root mode: the tree, box.conf, info, the config used ---------
mk oci "oci:$img"
assert_eq "oci:DIR: exits 0" 0 "$status"
tree_checks oci "oci:DIR"
owner_checks oci "oci:DIR" root
assert_eq "oci:DIR: box.conf image-digest, the $host_arch manifest's" \
	"image-digest=$digest_host" "$(conf oci image-digest)"
assert_eq "oci:DIR: box.conf image-env" \
	'image-env=["PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin","GREETING=hello from the image"]' \
	"$(conf oci image-env)"
assert_eq "oci:DIR: box.conf image-entrypoint" 'image-entrypoint=["/usr/local/bin/show"]' \
	"$(conf oci image-entrypoint)"
assert_eq "oci:DIR: box.conf image-cmd" 'image-cmd=["from-cmd","two words"]' \
	"$(conf oci image-cmd)"
assert_eq "oci:DIR: box.conf image-workdir" "image-workdir=/srv/work" "$(conf oci image-workdir)"
assert_eq "oci:DIR: box.conf image-user" "image-user=1500" "$(conf oci image-user)"
assert_eq "oci:DIR: box.conf arch" "arch=$host_arch" "$(conf oci arch)"
info=$(nsrun info oci 2>&1)
assert_match "oci:DIR: info shows the source" "^source: oci:$img(:latest)?$" "$info"
assert_match "oci:DIR: info shows the digest" "$digest_host" "$info"
assert_match "oci:DIR: info --json shows the digest" "$digest_host" "$(nsrun info --json oci 2>&1)"

assert_eq "run BOX without a command runs Entrypoint + Cmd, as User, in WorkingDir, with Env" \
	"[from-cmd][two words] /srv/work 1500 hello from the image" \
	"$(nsrun run oci 2>&1 | tr '\n' ' ' | sed 's/ $//')"
assert_eq "run BOX -- CMD: WorkingDir, User and Env apply" "/srv/work 1500 hello from the image" \
	"$(inside oci 'pwd; id -u; echo "$GREETING"')"
assert_eq "run --uid 0 overrides the image's User" 0 "$(nsrun run --uid 0 oci -- id -u 2>&1)"
assert_eq "enter is a shell, not the entrypoint" "shell-ran" \
	"$(echo 'echo shell-ran' | "$NSCHROOT" enter oci 2>&1)"

mk ociref "oci:$img:latest"
assert_eq "oci:DIR:REF: exits 0" 0 "$status"
assert_eq "oci:DIR:REF: the same image" "image-digest=$digest_host" "$(conf ociref image-digest)"
assert_match "oci:DIR:REF: info shows the reference" "^source: oci:$img:latest$" \
	"$(nsrun info ociref 2>&1)"

# --- --arch ----------------------------------------------------------------
mk ociarch "oci:$img" --arch="$other_arch"
assert_eq "--arch=$other_arch: exits 0" 0 "$status"
assert_eq "--arch=$other_arch: the $other_arch manifest is taken" "image-digest=$digest_other" \
	"$(conf ociarch image-digest)"
if [ -n "$foreign" ]; then
	assert_eq "--arch=$other_arch: box.conf records $other_arch" "arch=$other_arch" \
		"$(conf ociarch arch)"
else
	skip_one "--arch=$other_arch: box.conf records $other_arch" \
		"no busybox of $other_arch (tests/fixtures/make-foreign-busybox.sh)"
fi
mk ociarch2 "oci:$img" --arch="$host_arch"
assert_eq "--arch=$host_arch: the $host_arch manifest" "0 image-digest=$digest_host" \
	"$status $(conf ociarch2 image-digest)"
mk s390 "oci:$img" --arch=s390x
assert_eq "--arch=s390x, which the index has not: 125" 125 "$status"
# (Not merely the option refused: an older nschroot would say that too.)
assert_match "... the message names the architecture, not the option" \
	"s390x" "$(grep -iv -e 'unrecognized option' -e 'invalid option' -e '^Try ' "$TMP/err")"
assert_eq "... no box and no staging left" "" "$(gone s390)"

# --- oci-archive:FILE[:REF] --------------------------------------------------
mk ociar "oci-archive:$real/img.oci.tar"
assert_eq "oci-archive:FILE: exits 0" 0 "$status"
tree_checks ociar "oci-archive:FILE"
assert_eq "oci-archive:FILE: the archive's manifest digest" "image-digest=$digest_ociar" \
	"$(conf ociar image-digest)"
assert_match "oci-archive:FILE: info shows the source" "^source: oci-archive:$real/img.oci.tar(:[^:/]*)?$" \
	"$(nsrun info ociar 2>&1)"
mk ociarref "oci-archive:$real/img.ref.oci.tar:v1"
assert_eq "oci-archive:FILE:REF: exits 0, the same manifest" "0 image-digest=$digest_ociar" \
	"$status $(conf ociarref image-digest)"
mk ociarall "oci-archive:$real/img.all.oci.tar:latest"
assert_eq "oci-archive:FILE:REF of a nested index (skopeo --all): the $host_arch manifest" \
	"0 image-digest=$digest_ociall" "$status $(conf ociarall image-digest)"
assert_eq "... the tree: layer 3's file" layer3 "$(inside ociarall 'cat /data/same')"

# --- docker-archive:FILE, and docker save archives as a plain FILE ----------
mk dar "docker-archive:$real/img.docker.tar"
assert_eq "docker-archive:FILE: exits 0" 0 "$status"
tree_checks dar "docker-archive:FILE"
# A docker-archive has no manifest blob of its own: the config's digest,
# the image's id, is recorded, and no manifest digest is made up.
tar -xOf "$real/img.docker.tar" manifest.json >"$TMP/dar-manifest.json"
assert_eq "docker-archive:FILE: the image id is recorded, no manifest digest" \
	"image-id=sha256:$(jq -r '.[0].Config' "$TMP/dar-manifest.json" | sed 's/\.json$//') " \
	"$(conf dar image-id) $(conf dar image-digest)"
assert_eq "docker-archive:FILE: the config is recorded" \
	'image-entrypoint=["/usr/local/bin/show"] image-cmd=["from-cmd","two words"] image-user=1500 image-workdir=/srv/work' \
	"$(conf dar image-entrypoint) $(conf dar image-cmd) $(conf dar image-user) $(conf dar image-workdir)"
assert_eq "docker-archive:FILE: run without a command" \
	"[from-cmd][two words] /srv/work 1500 hello from the image" \
	"$(nsrun run dar 2>&1 | tr '\n' ' ' | sed 's/ $//')"
assert_match "docker-archive:FILE: info shows the source" \
	"^source: docker-archive:$real/img.docker.tar$" "$(nsrun info dar 2>&1)"

for f in docker save-legacy save-oci; do
	case $f in
	docker) file=$real/img.docker.tar label="plain FILE (skopeo's docker-archive)" ;;
	save-legacy) file=$real/save-legacy.tar label="plain FILE (docker save before Docker 25)" ;;
	save-oci) file=$real/save-oci.tar label="plain FILE (docker save of Docker 25)" ;;
	esac
	mk "plain-$f" "$file"
	assert_eq "$label: exits 0" 0 "$status"
	tree_checks "plain-$f" "$label"
	# Docker 25's archive is an OCI layout too, whose index names the
	# manifest by digest; the others record the image id alone.
	if [ "$f" = save-oci ]; then
		assert_match "$label: the manifest digest is recorded" \
			'^image-digest=sha256:[0-9a-f]{64}$' "$(conf "plain-$f" image-digest)"
	else
		assert_match "$label: the image id is recorded" '^image-id=sha256:[0-9a-f]{64}$' \
			"$(conf "plain-$f" image-id)"
	fi
	assert_eq "$label: run without a command" \
		"[from-cmd][two words] /srv/work 1500 hello from the image" \
		"$(nsrun run "plain-$f" 2>&1 | tr '\n' ' ' | sed 's/ $//')"
done

# --- Auto mode: owners and set-id bits kept ---------------------------------
for src in oci docker-archive save-legacy; do
	case $src in
	oci) s="oci:$img" label="oci:DIR --map=auto" ;;
	docker-archive) s="docker-archive:$real/img.docker.tar" label="docker-archive:FILE --map=auto" ;;
	save-legacy) s="$real/save-legacy.tar" label="plain FILE --map=auto" ;;
	esac
	if ! $have_auto; then
		for t in "exits 0" "the device node" "owners" "set-id bits" "run without a command"; do
			skip_one "$label: $t" "no subordinate range or newuidmap"
		done
		continue
	fi
	mk "auto-$src" "$s" --map=auto
	[ "$src" = oci ] && out_auto_oci=$out
	assert_eq "$label: exits 0" 0 "$status"
	assert_match "$label: the device node is skipped and counted" \
		"^Created box 'auto-$src' .*, 1 device nodes skipped.*; map auto" "$out"
	owner_checks "auto-$src" "$label" auto
	assert_eq "$label: run without a command, as uid 1500" \
		"[from-cmd][two words] /srv/work 1500 hello from the image" \
		"$(nsrun run "auto-$src" 2>&1 | tr '\n' ' ' | sed 's/ $//')"
done
if $have_auto; then
	out=$out_auto_oci
	tree_checks auto-oci "oci:DIR --map=auto"
else
	for i in 1 2 3 4 5 6 7 8; do
		skip_one "oci:DIR --map=auto: tree check $i" "no subordinate range or newuidmap"
	done
fi

# --- Refusals of sources that are not there --------------------------------
mk noref "oci:$img:nosuch"
assert_eq "oci:DIR:REF with a REF the index has not: 125" 125 "$status"
assert_eq "... no box and no staging left" "" "$(gone noref)"
mk nodir "oci:$real/nonexistent"
assert_eq "oci:DIR that does not exist: 125" 125 "$status"
mk noar "oci-archive:$real/nonexistent.tar"
assert_eq "oci-archive:FILE that does not exist: 125" 125 "$status"
mk nodar "docker-archive:$real/nonexistent.tar"
assert_eq "docker-archive:FILE that does not exist: 125" 125 "$status"
assert_eq "... none of them left a box or a staging directory" "" \
	"$(gone nodir; gone noar; gone nodar)"

# --- docker:// without skopeo ------------------------------------------------
# without_skopeo NAME SOURCE [PATH]: create in a subshell with
# NSCHROOT_SKOPEO=/nonexistent/skopeo, or, given PATH, with
# NSCHROOT_SKOPEO unset and that PATH; the status in $status.
without_skopeo() {
	(
		if [ $# -ge 3 ]; then
			unset NSCHROOT_SKOPEO
			PATH=$3
		else
			NSCHROOT_SKOPEO=/nonexistent/skopeo
			export NSCHROOT_SKOPEO
		fi
		"$NSCHROOT" create --progress=never --map=root "$1" "$2" </dev/null >/dev/null 2>"$TMP/err"
		echo $? >"$TMP/status"
	)
	status=$(cat "$TMP/status")
}
without_skopeo noskopeo docker://127.0.0.1:9/test/img:1
assert_eq "docker:// with NSCHROOT_SKOPEO naming no program: 125" 125 "$status"
assert_match "... with the install hint" "^hint: .*skopeo" "$(cat "$TMP/err")"
assert_eq "... no box and no staging left" "" "$(gone noskopeo)"
mkdir "$TMP/emptybin"
without_skopeo noskopeo2 docker://127.0.0.1:9/test/img:1 "$TMP/emptybin"
assert_eq "docker:// with no skopeo in PATH: 125" 125 "$status"
assert_match "... with the install hint" "^hint: .*skopeo" "$(cat "$TMP/err")"
# The other sources need no skopeo.
without_skopeo noskopeo3 "oci:$img" "$TMP/emptybin"
assert_eq "oci:DIR needs no skopeo" 0 "$status"

done_testing
