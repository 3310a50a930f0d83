#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `nschroot export --format=oci-archive|docker-archive`: a box as a
# one-layer container image, in each compression the format allows, read by
# skopeo; the digests recomputed; the layer holds the owners, set-id bits
# and hard links seen inside; the config carries box.conf's image settings;
# to standard output and a FIFO; xz refused for OCI; an interrupted export
# leaves nothing; rootless podman loads it and a container made from it
# holds the box's files.
. "$(dirname "$0")/../lib.sh"
require_userns
require_subids
command -v skopeo >/dev/null || skip_all "skopeo is not installed (apt-get install skopeo)"
command -v jq >/dev/null || skip_all "jq is not installed (apt-get install jq)"
plan 156

export NSCHROOT_HOME="$TMP/store"
tree=$TMP/tree
make_busybox_rootfs "$tree"
tar -C "$tree" --owner=0 --group=0 --numeric-owner -czf "$TMP/bb.tar.gz" .
nsrun create --map=auto --progress=never bb "$TMP/bb.tar.gz" >/dev/null ||
	skip_all "cannot create the busybox box in auto mode"
# Owners of the box's range, set-id bits and a hard link, made inside.
nsrun run bb sh -c 'mkdir /data && echo data >/data/f && ln /data/f /data/hl &&
	chown 1234:1234 /data/f && touch /data/suid /data/sgid && chmod 4755 /data/suid &&
	chown 0:1234 /data/sgid && chmod 2755 /data/sgid'
assert_eq "the box holds files of 1234, set-id files and a hard link" 0 $?

# skip_one DESCRIPTION REASON: a test that cannot run here; a failure under
# NSCHROOT_TEST_MUST_WORK=1.
skip_one() {
	if [ "${NSCHROOT_TEST_MUST_WORK:-0}" = 1 ]; then
		not_ok "$1 (cannot run: $2; NSCHROOT_TEST_MUST_WORK=1)"
	else
		ok "$1 # SKIP $2"
	fi
}

sha() { sha256sum | cut -d' ' -f1; }
inspect() { skopeo inspect "$1" >/dev/null; }
magic() { od -An -tx1 -N4 "$1" | tr -d ' \n'; }

# unpack C: standard input decompressed as --compress=C made it.
unpack() {
	case $1 in
	gzip) gzip -dc ;;
	zstd) zstd -dcq ;;
	xz) xz -dc ;;
	none) cat ;;
	esac
}

# layer_of FORMAT DIR: the layer file of the image unpacked in DIR.
layer_of() {
	if [ "$1" = oci-archive ]; then
		m=$(jq -r '.manifests[0].digest' "$2/index.json" | sed 's/^sha256://')
		echo "$2/blobs/sha256/$(jq -r '.layers[0].digest' "$2/blobs/sha256/$m" | sed 's/^sha256://')"
	else
		echo "$2/$(jq -r '.[0].Layers[0]' "$2/manifest.json")"
	fi
}

# check_image FORMAT COMPRESS FILE: what every image must be.
check_image() {
	f=$1 c=$2 file=$3 what="$1, --compress=$2"
	d=$TMP/unpacked
	rm -rf "$d" && mkdir "$d" && tar -C "$d" -xf "$file"
	check "$what: skopeo inspects it" inspect "$f:$file"
	config=$(skopeo inspect --config "$f:$file")
	layer=$(layer_of "$f" "$d")
	digest=$(sha <"$layer")
	diff_id=$(unpack "$c" <"$layer" | sha)
	assert_eq "$what: diff_id is the digest of the layer's tar" "sha256:$diff_id" \
		"$(printf '%s' "$config" | jq -r '.rootfs.diff_ids[0]')"
	if [ "$f" = oci-archive ]; then
		m=$(jq -r '.manifests[0].digest' "$d/index.json")
		assert_eq "$what: the manifest's blob is named by its digest" "$m" \
			"sha256:$(sha <"$d/blobs/sha256/${m#sha256:}")"
		man=$(skopeo inspect --raw "$f:$file")
		assert_eq "$what: the layer's digest and size" "sha256:$digest $(stat -c %s "$layer")" \
			"$(printf '%s' "$man" | jq -r '.layers[0] | "\(.digest) \(.size)"')"
		cd=$(printf '%s' "$man" | jq -r '.config.digest')
		assert_eq "$what: the config's digest" "$cd" \
			"sha256:$(sha <"$d/blobs/sha256/${cd#sha256:}")"
		case $c in
		none) type=application/vnd.oci.image.layer.v1.tar ;;
		*) type=application/vnd.oci.image.layer.v1.tar+$c ;;
		esac
		assert_eq "$what: the layer's media type" "$type" \
			"$(printf '%s' "$man" | jq -r '.layers[0].mediaType')"
		assert_eq "$what: the image's ref name" "localhost/bb:latest" \
			"$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$d/index.json")"
	else
		assert_eq "$what: the layer file is named by its digest" "$digest.tar" "${layer##*/}"
		cf=$(jq -r '.[0].Config' "$d/manifest.json")
		assert_eq "$what: the config file is named by its digest" "$(sha <"$d/$cf").json" "$cf"
		assert_eq "$what: RepoTags" "localhost/bb:latest" "$(jq -r '.[0].RepoTags[0]' "$d/manifest.json")"
	fi
	case $c in
	gzip) want=1f8b ;;
	zstd) want=28b52ffd ;;
	xz) want=fd377a58 ;;
	none) want=$(printf './' | od -An -tx1 | tr -d ' \n') ;;
	esac
	assert_match "$what: the layer is compressed with $c" "^$want" "$(magic "$layer")"
	list=$(unpack "$c" <"$layer" | tar -tvf - --numeric-owner)
	assert_match "$what: the layer has the owners seen inside" '^-rw-r--r-- 1234/1234 .* \./data/(f|hl)$' "$list"
	assert_match "$what: set-user-ID kept" '^-rwsr-xr-x 0/0 .* \./data/suid$' "$list"
	assert_match "$what: set-group-ID kept" '^-rwxr-sr-x 0/1234 .* \./data/sgid$' "$list"
	assert_match "$what: a hard link" '^h.* \./data/(f|hl) link to \./data/(f|hl)$' "$list"
}

# --- Each format, each compression ------------------------------------------
# default_compress FORMAT: gzip for OCI, none for docker-archive (as docker
# save writes it).
default_compress() { [ "$1" = oci-archive ] && echo gzip || echo none; }
mkdir "$TMP/out"
for fc in oci-archive: oci-archive:zstd oci-archive:none \
	docker-archive: docker-archive:gzip docker-archive:zstd docker-archive:xz; do
	f=${fc%%:*} c=${fc#*:}
	nsrun export --format="$f" ${c:+--compress=$c} --progress=never bb "$TMP/out/img.tar"
	label="--compress=$c"
	[ -n "$c" ] || label="(its default compression)"
	assert_eq "export --format=$f $label exits 0" 0 $?
	check_image "$f" "${c:-$(default_compress "$f")}" "$TMP/out/img.tar"
done
assert_eq "only FILE is left in its directory" img.tar "$(ls -A "$TMP/out")"

err=$(nsrun export --format=oci-archive --compress=xz bb "$TMP/out/xz.tar" 2>&1)
assert_eq "oci-archive with --compress=xz is refused: 125" 125 $?
assert_match "... saying why" "^nschroot: --format=oci-archive cannot have --compress=xz" "$err"
assert_eq "... and writes nothing" "" "$(ls -A "$TMP/out" | grep xz)"
assert_status "an unknown --format is refused: 125" 125 nsrun export --format=qcow2 bb "$TMP/out/x"

# --- The config -----------------------------------------------------------
config=$(skopeo inspect --config "docker-archive:$TMP/out/img.tar")
assert_eq "a box of no image: Env is the default PATH" \
	'["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]' \
	"$(printf '%s' "$config" | jq -c '.config.Env')"
assert_eq "... and no Cmd, Entrypoint, WorkingDir or User" "null null null null" \
	"$(printf '%s' "$config" | jq -r '.config | "\(.Cmd) \(.Entrypoint) \(.WorkingDir) \(.User)"')"
case $(uname -m) in
x86_64) goarch=amd64 ;;
aarch64) goarch=arm64 ;;
*) goarch=$(printf '%s' "$config" | jq -r .architecture) ;;
esac
assert_eq "architecture and os" "$goarch linux" "$(printf '%s' "$config" | jq -r '"\(.architecture) \(.os)"')"
created=$(sed -n 's/^created=//p' "$TMP/store/boxes/bb/box.conf")
assert_eq "created is the box's" "$created" "$(printf '%s' "$config" | jq -r .created)"

conf=$TMP/store/boxes/bb/box.conf
cp "$conf" "$TMP/box.conf.orig"
cat >>"$conf" <<'EOF'
image-env=["A=1","B=two words","Q=\"q\""]
image-entrypoint=["/bin/sh","-c"]
image-cmd=["echo hi"]
image-workdir=/data
image-user=1234:1234
EOF
for f in oci-archive docker-archive; do
	nsrun export --format=$f --progress=never bb "$TMP/out/conf.tar"
	config=$(skopeo inspect --config "$f:$TMP/out/conf.tar")
	assert_eq "$f: Env from image-env" '["A=1","B=two words","Q=\"q\""]' "$(printf '%s' "$config" | jq -c .config.Env)"
	assert_eq "$f: Entrypoint and Cmd" '["/bin/sh","-c"] ["echo hi"]' \
		"$(printf '%s' "$config" | jq -c '.config.Entrypoint, .config.Cmd' | paste -sd ' ')"
	assert_eq "$f: WorkingDir and User" "/data 1234:1234" \
		"$(printf '%s' "$config" | jq -r '"\(.config.WorkingDir) \(.config.User)"')"
done
echo 'image-cmd=["unterminated]' >>"$conf"
err=$(nsrun export --format=oci-archive bb "$TMP/out/bad.tar" 2>&1)
assert_eq "a box.conf image-cmd that is no JSON array: 125" 125 $?
assert_match "... named" "image-cmd is not a JSON array of strings" "$err"
assert_eq "... and nothing written" "" "$(ls -A "$TMP/out" | grep bad)"
check "a tar export does not need the image settings" \
	nsrun export --progress=never bb "$TMP/out/bad.tar.gz"
rm -f "$TMP/out/bad.tar.gz"
cp "$TMP/box.conf.orig" "$conf"

# --- Standard output, a FIFO ------------------------------------------------
for f in oci-archive docker-archive; do
	nsrun export --format=$f --progress=never bb - 2>"$TMP/err" | cat >"$TMP/out/piped.tar"
	assert_eq "$f to a pipe: no message" "" "$(cat "$TMP/err")"
	check_image "$f" "$(default_compress "$f")" "$TMP/out/piped.tar"
done
mkfifo "$TMP/out/fifo"
cat "$TMP/out/fifo" >"$TMP/out/from-fifo.tar" &
reader=$!
nsrun export --format=oci-archive --progress=never bb "$TMP/out/fifo"
status=$?
assert_eq "oci-archive to a FIFO exits 0" 0 $status
[ $status = 0 ] || kill "$reader"
wait "$reader"
check "... and skopeo inspects what came through" inspect "oci-archive:$TMP/out/from-fifo.tar"
err=$(nsrun export --format=docker-archive --progress=never bb - 2>&1 >/dev/full)
assert_eq "an image to a full standard output: 125 and the message" \
	"125 nschroot: cannot write the archive: No space left on device" "$? $err"
mkdir "$TMP/spool"
err=$(env TMPDIR="$TMP/no-such-dir" "$NSCHROOT" export --format=oci-archive --progress=never bb - 2>&1 </dev/null >/dev/null)
assert_match "a missing \$TMPDIR: 125 and the message" \
	"^nschroot: cannot create a temporary file in '$TMP/no-such-dir': No such file or directory$" "$err"

# --- Interrupted ----------------------------------------------------------
# Data that keeps xz busy for seconds.
rootfs=$TMP/store/boxes/bb/rootfs
head -c 48000000 /dev/urandom >"$rootfs/big"
mkdir "$TMP/slow"
# An image export slow enough to interrupt (lib.sh), to standard output
# through a spool in $TMP/spool; interrupt needs the command itself, not a
# function: its pid.
xexport="env TMPDIR=$TMP/spool $NSCHROOT export --format=docker-archive --compress=xz --progress=never bb"
interrupt KILL $xexport "$TMP/slow/img.tar"
assert_eq "SIGKILL during an image export: exit 137" 137 "$kstatus"
assert_eq "... leaves no FILE and no temporary file" "" "$(ls -A "$TMP/slow")"
interrupt TERM $xexport -
assert_match "an image to standard output is spooled to an unnamed file in \$TMPDIR" \
	"^$TMP/spool/#[0-9]+ \(deleted\)$" "$unnamed"
assert_eq "SIGTERM during an image export to standard output: exit 143" 143 "$kstatus"
assert_eq "... leaves nothing in \$TMPDIR" "" "$(ls -A "$TMP/spool")"
interrupt KILL $xexport -
assert_eq "SIGKILL during an image export to standard output: exit 137" 137 "$kstatus"
assert_eq "... leaves nothing in \$TMPDIR" "" "$(ls -A "$TMP/spool")"
rm -f "$rootfs/big"

# --- Rootless podman --------------------------------------------------------
# A store of its own under $TMP, and its configuration and runtime
# directories: nothing of the caller's podman is touched.
pod=$TMP/podman
podman_run() {
	env HOME="$pod/home" XDG_RUNTIME_DIR="$pod/xdg-run" XDG_CONFIG_HOME="$pod/config" \
		XDG_DATA_HOME="$pod/data" \
		podman --storage-driver=vfs --root "$pod/root" --runroot "$pod/run" "$@"
}
# Its pause process goes, and its store, which holds files of the range.
podman_cleanup() {
	[ -f "$pod/xdg-run/libpod/tmp/pause.pid" ] && kill "$(cat "$pod/xdg-run/libpod/tmp/pause.pid")" 2>/dev/null
	[ -d "$pod" ] && "$NSCHROOT" run --map=auto --bind "$pod:/mnt" "$tree" rm -rf /mnt/root /mnt/run </dev/null
}
# listing TAR: mode, owner and name of each entry, names without "./";
# a hard link as the file it is (which name carries the data depends on
# the order the tree is read in).
listing() {
	tar -tvf "$1" --numeric-owner |
		awk '{ t = substr($1, 1, 1) == "h"; if (t) $1 = "-" substr($1, 2);
		       line = $1 " " $2; for (i = 6; i <= NF; i++) { if (t && $i == "link") break; line = line " " $i }
		       print line }' |
		sed -e 's# \./# #g' -e 's#/$##' -e 's#-> \./#-> #' | grep -v ' \.\{0,1\}$' | sort
}
# create takes each back: the same files, owners and modes (as an export
# as tar lists them), the same settings; an OCI archive by its ref name too.
nsrun export --format=tar --compress=none --progress=never bb "$TMP/out/box.tar"
listing "$TMP/out/box.tar" >"$TMP/box.list"
printf '%s\n' 'image-env=["PATH=/opt/bin:/bin","A=b c"]' 'image-cmd=["sh","-c","echo hi"]' \
	'image-workdir=/data' >>"$conf"
settings() { grep -E '^image-(env|entrypoint|cmd|workdir|user)=' "$1"; }
for src in docker-archive oci-archive oci-archive-ref; do
	f=${src%-ref}
	nsrun export --format=$f --progress=never bb "$TMP/out/rt.tar"
	from="$f:$TMP/out/rt.tar"
	[ "$src" = oci-archive-ref ] && from="$from:localhost/bb:latest"
	nsrun create --map=auto --progress=never "rt-$src" "$from" >/dev/null 2>"$TMP/err"
	assert_eq "create takes the $src back" 0 $?
	nsrun export --format=tar --compress=none --progress=never "rt-$src" "$TMP/out/rt-box.tar"
	listing "$TMP/out/rt-box.tar" >"$TMP/rt.list"
	assert_eq "$src: the box made from it holds the same files, owners and modes" "" \
		"$(diff "$TMP/box.list" "$TMP/rt.list")"
	assert_eq "$src: its settings are the box's" "$(settings "$conf")" \
		"$(settings "$TMP/store/boxes/rt-$src/box.conf")"
	nsrun rm "rt-$src"
done
cp "$TMP/box.conf.orig" "$conf"

if ! command -v podman >/dev/null; then
	for t in 1 2 3 4 5 6 7 8 9; do skip_one "podman round trip" "podman is not installed"; done
else
	CLEANUP_HOOK=podman_cleanup
	mkdir -p "$pod/home" "$pod/xdg-run" "$pod/config" "$pod/data"
	chmod 700 "$pod/xdg-run"
	nsrun export --format=tar --compress=none --progress=never bb "$TMP/out/box.tar"
	listing "$TMP/out/box.tar" >"$TMP/box.list"
	for f in docker-archive oci-archive; do
		nsrun export --format=$f --progress=never bb "$TMP/out/pod.tar"
		loaded=$(podman_run load -i "$TMP/out/pod.tar" 2>"$TMP/podman.err" | sed -n 's/^Loaded image: //p')
		assert_match "podman load takes the $f" '^localhost/' "$loaded"
		id=$(podman_run create "$loaded" /bin/sh 2>>"$TMP/podman.err") &&
			podman_run export -o "$TMP/out/container.tar" "$id" 2>>"$TMP/podman.err"
		assert_eq "podman create and export a container of the $f" 0 $?
		[ -n "$id" ] || diag "$(cat "$TMP/podman.err")"
		listing "$TMP/out/container.tar" >"$TMP/container.list"
		# What podman create adds, to mount over it at start, aside.
		differ=$({
			comm -23 "$TMP/box.list" "$TMP/container.list" | sed 's/^/box only: /'
			comm -13 "$TMP/box.list" "$TMP/container.list" |
				grep -Ev ' (etc/resolv\.conf|etc/hostname|etc/hosts|run|run/\.containerenv|dev|proc|sys)$' |
				sed 's/^/container only: /'
		})
		assert_eq "$f: the container holds the box's files, owners and modes" "" "$differ"
		assert_match "$f: ... as the listings show them" '^-rwsr-xr-x 0/0 data/suid$' "$(cat "$TMP/container.list")"
		podman_run rm "$id" >/dev/null 2>&1
	done
	assert_eq "podman load names the docker-archive's image" "localhost/bb:latest" \
		"$(podman_run images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep -x localhost/bb:latest)"
fi
done_testing
