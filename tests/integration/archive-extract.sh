#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# nschroot-archive, the confined tarball extractor behind `nschroot create`:
# a busybox tree in every compression, the summary line, set-id bits and
# device nodes in root mode, hostile tarballs that try to write outside the
# directory, corrupt and truncated input, ENOSPC, UTF-8 names, progress.
#
# Environment: NSCHROOT_ARCHIVE, the helper under test (meson sets it).
# The hostile and special tarballs are made with python3's tarfile module.
. "$(dirname "$0")/../lib.sh"
require_userns

ARCHIVE=${NSCHROOT_ARCHIVE:-}
[ -x "$ARCHIVE" ] || skip_all "NSCHROOT_ARCHIVE does not name the built nschroot-archive"
command -v python3 >/dev/null || skip_all "python3 is not installed (it makes the test tarballs)"

# gzip is inflated with ISA-L where nschroot has libisal (doctor says so).
# Without it, libarchive's gzip filter (zlib) reads gzip as before: it does
# not check a member's CRC-32 and length, and from a pipe it waits for
# input to fill its buffer.
if "$NSCHROOT" doctor 2>/dev/null | grep -q "gzip: ISA-L inflates"; then
	isal=1
else
	isal=0
fi
plan $((132 + 3 * isal))

# skip_one DESCRIPTION REASON: a test that cannot run here; a failure under
# NSCHROOT_TEST_MUST_WORK=1.
skip_one() {
	if [ "${NSCHROOT_TEST_MUST_WORK:-0}" = 1 ]; then
		not_ok "$1 (cannot run: $2; NSCHROOT_TEST_MUST_WORK=1)"
	else
		ok "$1 # SKIP $2"
	fi
}

# extract DIR [OPTION...] < ARCHIVE: a fresh DIR (mode 0700, as mkdtemp
# makes the caller's staging directory), the helper's standard output in
# $out, its standard error in $err, its status in $status.
extract() {
	dir=$1
	shift
	rm -rf "$dir"
	mkdir -p "$(dirname "$dir")"
	mkdir -m 700 "$dir"
	"$ARCHIVE" extract "$@" "$dir" >"$TMP/stdout" 2>"$TMP/stderr"
	status=$?
	out=$(cat "$TMP/stdout")
	err=$(cat "$TMP/stderr")
}

# mktar FILE FORMAT: a tar from the python3 tarfile entries on standard
# input, one a line: TYPE NAME [ARG] where TYPE is file (ARG: content),
# dir, symlink or hardlink (ARG: target), char, block or fifo.
mktar_py='
import io, sys, tarfile
path, fmt = sys.argv[1], sys.argv[2]
types = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE,
         "hardlink": tarfile.LNKTYPE, "char": tarfile.CHRTYPE, "block": tarfile.BLKTYPE,
         "fifo": tarfile.FIFOTYPE}
fmts = {"gnu": tarfile.GNU_FORMAT, "pax": tarfile.PAX_FORMAT}
with tarfile.open(path, "w", format=fmts[fmt], encoding="utf-8") as t:
    for line in sys.stdin.buffer.read().decode("utf-8").splitlines():
        kind, name, *rest = line.split(" ", 2)
        arg = rest[0] if rest else ""
        ti = tarfile.TarInfo(name)
        ti.type = types[kind]
        ti.mode = 0o755 if kind == "dir" else 0o644
        ti.mtime = 1700000000
        data = None
        if kind == "file":
            data = arg.encode()
            ti.size = len(data)
        elif kind in ("symlink", "hardlink"):
            ti.linkname = arg
        elif kind in ("char", "block"):
            ti.devmajor, ti.devminor = 1, 3
        t.addfile(ti, io.BytesIO(data) if data is not None else None)
'
mktar() { python3 -c "$mktar_py" "$1" "$2"; }

host_mounts_before=$(host_mounts)

# --- A busybox tree, in every compression --------------------------------
root=$TMP/rootfs
make_busybox_rootfs "$root"
printf '#!/bin/sh\n' > "$root/bin/setuid-prog"
chmod 4755 "$root/bin/setuid-prog"
mkdir "$root/setgid-dir"
chmod 2775 "$root/setgid-dir"
tar -C "$root" -cf "$TMP/rootfs.tar" .
want_entries=$(tar -tf "$TMP/rootfs.tar" | wc -l)
want_bytes=$(find "$root" -type f -printf '%s\n' | awk '{ n += $1 } END { print n + 0 }')
want_summary="entries=$want_entries bytes=$want_bytes skipped_devices=0"

for comp in none gzip bzip2 xz zstd lz4; do
	case $comp in
	none) cat "$TMP/rootfs.tar" > "$TMP/rootfs.$comp" ;;
	*)
		if ! command -v $comp >/dev/null; then
			for t in "exits 0" "the tree is identical" "the summary line"; do
				skip_one "$comp: $t" "$comp is not installed"
			done
			continue
		fi
		$comp -c < "$TMP/rootfs.tar" > "$TMP/rootfs.$comp"
		;;
	esac
	extract "$TMP/out.$comp" < "$TMP/rootfs.$comp"
	assert_eq "$comp: exits 0" 0 "$status"
	[ "$status" = 0 ] || diag "$err"
	check "$comp: the tree is identical (diff -r, symlinks kept)" \
		diff -r --no-dereference "$root" "$TMP/out.$comp"
	assert_eq "$comp: the summary line" "$want_summary" "$out"
done

out_dir=$TMP/out.none
assert_eq "nothing but the summary line on standard output" 1 "$(wc -l < "$TMP/stdout")"
assert_eq "the set-uid bit is dropped" 755 "$(stat -c %a "$out_dir/bin/setuid-prog")"
assert_eq "the set-gid bit of a directory is dropped" 775 "$(stat -c %a "$out_dir/setgid-dir")"
assert_eq "the sticky bit is kept (/tmp)" 1777 "$(stat -c %a "$out_dir/tmp")"
assert_eq "modification times are kept" "$(stat -c %Y "$root/etc/passwd")" \
	"$(stat -c %Y "$out_dir/etc/passwd")"
assert_eq "files belong to the caller" "$(id -u):$(id -g)" "$(stat -c %u:%g "$out_dir/bin/busybox")"
assert_eq "the tree's root gets the archive's mode (755), not the staging dir's (700)" 755 \
	"$(stat -c %a "$out_dir")"

mkdir "$TMP/out.pipe"
# Through cat: a pipe, which libarchive cannot seek.
cat "$TMP/rootfs.gzip" | "$ARCHIVE" extract "$TMP/out.pipe" >"$TMP/stdout" 2>&1
assert_eq "the archive can come from a pipe" 0 "$?"
check "from a pipe: the tree is identical" diff -r --no-dereference "$root" "$TMP/out.pipe"

# --- Device nodes, FIFOs, hard links ---------------------------------------
mktar "$TMP/dev.tar" gnu <<'EOF'
dir dev
char dev/null
hardlink dev/null-again dev/null
fifo dev/initctl
file etc/hostname box
hardlink etc/hostname2 etc/hostname
EOF
extract "$TMP/out.dev" < "$TMP/dev.tar"
assert_eq "devices: exits 0" 0 "$status"
assert_eq "devices: skipped and counted, hard links to them too" \
	"entries=4 bytes=3 skipped_devices=2" "$out"
check "devices: no node was made" test ! -e "$TMP/out.dev/dev/null" -a ! -e "$TMP/out.dev/dev/null-again"
check "devices: the FIFO is made" test -p "$TMP/out.dev/dev/initctl"
assert_eq "devices: the hard link is one file with its target" \
	"$(stat -c %i "$TMP/out.dev/etc/hostname")" "$(stat -c %i "$TMP/out.dev/etc/hostname2")"

mktar "$TMP/block.tar" gnu <<'EOF'
block sda
EOF
extract "$TMP/out.block" < "$TMP/block.tar"
assert_eq "a block device is skipped and counted" "0 entries=0 bytes=0 skipped_devices=1" \
	"$status $out"

# --- Hostile tarballs -------------------------------------------------------
# Each must be refused with status 125, and write nothing outside its
# directory: not in $TMP/outside, not beside the directory.
outside=$TMP/outside
mkdir "$outside"
hostile() {
	name=$1
	mktar "$TMP/$name.tar" gnu || { not_ok "$name: cannot make the tarball"; return; }
	mkdir -p "$TMP/h/$name/sub"
	extract "$TMP/h/$name/sub/dir" < "$TMP/$name.tar"
	assert_eq "$name: refused with status 125" 125 "$status"
	assert_match "$name: the message says the archive tries to escape" \
		"^nschroot: cannot extract '.*': refused, the archive tries to write outside" "$err"
	assert_eq "$name: nothing written outside the directory" \
		"dir|" "$(ls -A "$TMP/h/$name/sub" | tr '\n' '|')$(ls -A "$outside")"
}
hostile dotdot <<'EOF'
file ../escape x
EOF
hostile dotdot-deep <<'EOF'
dir a
file a/../../escape x
EOF
hostile absolute <<EOF
file $outside/abs x
EOF
hostile symlink-then-file <<EOF
symlink lnk $outside
file lnk/pwned x
EOF
hostile relative-symlink-then-file <<'EOF'
symlink lnk ../../../../../../../../../../../..
file lnk/tmp/pwned x
EOF
hostile symlinked-dir <<EOF
dir d
file d/f x
symlink e $outside
dir e/sub
EOF
hostile hardlink-absolute <<'EOF'
hardlink passwd /etc/passwd
EOF
hostile hardlink-dotdot <<'EOF'
hardlink x ../../x
EOF
hostile hardlink-through-symlink <<'EOF'
symlink etc /etc
hardlink passwd etc/passwd
EOF
hostile dir-replaced-by-symlink <<EOF
dir d
symlink d $outside
file d/pwned x
EOF
# The top directory kept open for the next file (files.c) must not
# outlive a link made in the meantime.
hostile dir-replaced-after-a-file <<EOF
dir d
file top x
symlink d $outside
file d/pwned x
EOF
# A path longer than PATH_MAX: its links are checked by libarchive itself
# (openat2 takes no such path), and it is refused the same.
long=$(python3 -c 'print("/".join(["d" * 200] * 25))')
mktar "$TMP/long-hostile.tar" gnu <<EOF
symlink lnk $outside
file lnk/$long/pwned x
EOF
mkdir -p "$TMP/h/long/sub"
extract "$TMP/h/long/sub/dir" < "$TMP/long-hostile.tar"
assert_eq "a path longer than PATH_MAX through a symlink: refused with status 125" 125 "$status"
assert_eq "... nothing written outside the directory" \
	"dir|" "$(ls -A "$TMP/h/long/sub" | tr '\n' '|')$(ls -A "$outside")"
mktar "$TMP/long.tar" gnu <<EOF
file $long/f long
EOF
extract "$TMP/out.long" < "$TMP/long.tar"
assert_eq "a path longer than PATH_MAX, through no link, is extracted" \
	"0 long" "$status $(find "$TMP/out.long" -name f -type f -execdir cat {} \;)"

mktar "$TMP/overwrite.tar" gnu <<EOF
symlink lnk $outside/target
file lnk replaced
EOF
extract "$TMP/out.overwrite" < "$TMP/overwrite.tar"
assert_eq "a file replacing a symlink replaces the link, not its target" \
	"0|replaced|" "$status|$(cat "$TMP/out.overwrite/lnk")|$(ls -A "$outside")"

# chmod through a symlink: a directory entry over a link to an outside
# directory must not change that directory's mode.
mkdir "$TMP/modebait" && chmod 700 "$TMP/modebait"
mktar "$TMP/chmod.tar" gnu <<EOF
symlink lnk $TMP/modebait
dir lnk
EOF
extract "$TMP/out.chmod" < "$TMP/chmod.tar"
assert_eq "a directory entry over a symlink does not chmod the link's target" \
	"700" "$(stat -c %a "$TMP/modebait")"

# --- Plain files, written by nschroot itself (files.c) ----------------------
# Modes exact whatever the umask, times to the nanosecond (pax) and the
# extraction's time for a time not given (libarchive's rule), a name given
# twice (the last wins), a file whose directories the archive never names
# (libarchive makes them, under the umask), an empty file.
python3 - "$TMP/plain.tar" <<'EOF'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    def add(name, data, mode=0o644, **pax):
        ti = tarfile.TarInfo(name)
        ti.size, ti.mode, ti.mtime, ti.pax_headers = len(data), mode, 1700000000, pax
        t.addfile(ti, io.BytesIO(data))
    add("m666", b"a", 0o666)
    add("m777", b"b", 0o777)
    add("m000", b"c", 0o000)
    add("sticky", b"d", 0o1644)
    add("ns", b"e", 0o644, mtime="1700000000.123456789", atime="1600000000.5")
    add("dup", b"one")
    add("dup", b"two")
    add("implicit/sub/f", b"f")
    add("empty", b"")
EOF
before=$(date +%s)
saved_umask=$(umask)
umask 077
extract "$TMP/out.plain" < "$TMP/plain.tar"
umask "$saved_umask"
p=$TMP/out.plain
assert_eq "plain files: exits 0" 0 "$status"
assert_eq "plain files: modes exact under umask 077 (666 777 0 1644)" "666 777 0 1644" \
	"$(stat -c %a "$p/m666" "$p/m777" "$p/m000" "$p/sticky" | tr '\n' ' ' | sed 's/ $//')"
assert_eq "plain files: mtime and atime to the nanosecond" \
	"1700000000.123456789 1600000000.500000000" "$(stat -c '%.9Y %.9X' "$p/ns")"
check "plain files: an atime not given is the extraction's time" \
	test "$(stat -c %X "$p/m666")" -ge "$before"
assert_eq "plain files: a name given twice holds the last" two "$(cat "$p/dup")"
assert_eq "plain files: missing directories made, under the umask" "f 700" \
	"$(cat "$p/implicit/sub/f") $(stat -c %a "$p/implicit/sub")"
assert_eq "plain files: an empty file" "0 644" "$(stat -c '%s %a' "$p/empty" 2>&1)"

# --- Broken input -----------------------------------------------------------
head -c 20000 "$TMP/rootfs.gzip" > "$TMP/truncated.tar.gz"
extract "$TMP/out.trunc" < "$TMP/truncated.tar.gz"
assert_eq "a truncated .tar.gz: status 125" 125 "$status"
assert_match "a truncated .tar.gz: the message" "^nschroot: cannot read the archive: .*truncated" "$err"
head -c 3000 "$TMP/rootfs.tar" > "$TMP/truncated.tar"
extract "$TMP/out.trunc2" < "$TMP/truncated.tar"
assert_match "a truncated .tar: status 125 and the message" \
	"^125 nschroot: cannot read the archive: Truncated" "$status $err"

echo "just some text, not an archive" > "$TMP/text"
extract "$TMP/out.text" < "$TMP/text"
assert_eq "not an archive: status 125" 125 "$status"
assert_match "not an archive: a clear message" \
	"^nschroot: cannot read the archive: Unrecognized archive format" "$err"
assert_match "not an archive: a hint" "^hint: the source must be a tar archive" "$err"

extract "$TMP/out.empty" < /dev/null
assert_eq "empty input" "125 nschroot: cannot read the archive: the input is empty" "$status $err"

extract "$TMP/out.dir" < "$TMP"
assert_eq "a directory as input: status 125" 125 "$status"
assert_match "a directory as input: the message" "Is a directory" "$err"

# --- Decompression on its own thread (src/archive/unpack.c) ---------------
# A tree of 6 MB: two dozen ring buffers of decompressed tar, so the worker
# fills and the reader frees every slot many times over.
big=$TMP/big
mkdir -p "$big/data"
python3 -c '
import os, random, sys
r = random.Random(7)
for i in range(24):
    n = r.randrange(1000, 500000)
    with open(os.path.join(sys.argv[1], "data", "bin%02d" % i), "wb") as f:
        f.write(r.randbytes(n))
    with open(os.path.join(sys.argv[1], "data", "text%02d" % i), "w") as f:
        f.write(("line %d of file %d\n" % (i, i)) * (n // 16))
' "$big"
tar -C "$big" -cf "$TMP/big.tar" .
gzip -c < "$TMP/big.tar" > "$TMP/big.tar.gz"
sums() { (cd "$1" && find . -type f -exec sha256sum {} + | sort); }
for f in big.tar big.tar.gz; do
	extract "$TMP/out.$f" < "$TMP/$f"
	assert_eq "$f (6 MB): exits 0, every file identical" "0 $(sums "$big")" \
		"$status $(sums "$TMP/out.$f")"
done

size=$(stat -c %s "$TMP/big.tar.gz")
head -c $((size / 2)) "$TMP/big.tar.gz" > "$TMP/half.tar.gz"
extract "$TMP/out.half" < "$TMP/half.tar.gz"
assert_match "a .tar.gz cut in the middle: status 125, libarchive's words after the data" \
	"^125 nschroot: cannot read the archive: .*truncated" "$status $err"

# --- gzip (src/archive/inflate.c: ISA-L where nschroot has libisal) --------
# flip FILE OFFSET: the byte of FILE at OFFSET inverted.
flip() {
	python3 -c '
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2]))
    b = f.read(1)
    f.seek(int(sys.argv[2]))
    f.write(bytes([b[0] ^ 0xFF]))
' "$1" "$2"
}
# Three members (as pigz or `cat a.gz b.gz` make), then what follows the
# last: nothing, tar-like zeros, or garbage that is no gzip member.
head -c 1000000 "$TMP/big.tar" | gzip -c > "$TMP/multi.tar.gz"
tail -c +1000001 "$TMP/big.tar" | head -c 2500000 | gzip -1 -c >> "$TMP/multi.tar.gz"
tail -c +3500001 "$TMP/big.tar" | gzip -9 -c >> "$TMP/multi.tar.gz"
{ cat "$TMP/multi.tar.gz"; head -c 2048 /dev/zero; } > "$TMP/multi-zeros.tar.gz"
{ cat "$TMP/multi.tar.gz"; echo "not gzip"; } > "$TMP/multi-garbage.tar.gz"
for f in multi multi-zeros multi-garbage; do
	extract "$TMP/out.$f" < "$TMP/$f.tar.gz"
	assert_eq "$f.tar.gz (3 members): exits 0, every file identical" "0 $(sums "$big")" \
		"$status $(sums "$TMP/out.$f")"
done
mkdir -m 700 "$TMP/out.multi-pipe" "$TMP/out.corrupt-pipe" "$TMP/out.half-pipe"
cat "$TMP/multi.tar.gz" | "$ARCHIVE" extract "$TMP/out.multi-pipe" >/dev/null 2>&1
assert_eq "3 members from a pipe: every file identical" "$(sums "$big")" \
	"$(sums "$TMP/out.multi-pipe")"
size=$(stat -c %s "$TMP/multi.tar.gz")
head -c $((size - 1000)) "$TMP/multi.tar.gz" > "$TMP/multi-cut.tar.gz"
extract "$TMP/out.multi-cut" < "$TMP/multi-cut.tar.gz"
assert_match "the last of 3 members cut short: status 125, truncated" \
	"^125 nschroot: cannot read the archive: .*truncated" "$status $err"

# The trailer: CRC-32 in its first 4 bytes, the length (ISIZE) in the last.
size=$(stat -c %s "$TMP/big.tar.gz")
cp "$TMP/big.tar.gz" "$TMP/crc.tar.gz"
flip "$TMP/crc.tar.gz" $((size - 7))
cp "$TMP/big.tar.gz" "$TMP/isize.tar.gz"
flip "$TMP/isize.tar.gz" $((size - 2))
for f in crc isize; do
	extract "$TMP/out.$f" < "$TMP/$f.tar.gz"
	if [ $isal = 1 ]; then
		assert_eq "a $f mismatch in the trailer: status 125, the message" \
			"125 nschroot: cannot read the archive: gzip data is damaged: its CRC-32 or length check failed" \
			"$status $err"
	else
		assert_eq "a $f mismatch, zlib (libarchive does not check it): exits 0" "0 $(sums "$big")" \
			"$status $(sums "$TMP/out.$f")"
	fi
done
# Deflate data that makes no sense (the first block of the reserved type
# 3), from a file and from a pipe.
cp "$TMP/big.tar.gz" "$TMP/corrupt.tar.gz"
printf '\377' | dd of="$TMP/corrupt.tar.gz" bs=1 seek=10 conv=notrunc 2>/dev/null
extract "$TMP/out.corrupt" < "$TMP/corrupt.tar.gz"
assert_match "corrupt deflate data: status 125, the message" \
	"^125 nschroot: cannot read the archive: " "$status $err"
cat "$TMP/corrupt.tar.gz" | "$ARCHIVE" extract "$TMP/out.corrupt-pipe" >/dev/null 2>"$TMP/stderr"
assert_match "corrupt deflate data from a pipe: status 125, the message" \
	"^125 nschroot: cannot read the archive: " "$? $(cat "$TMP/stderr")"
cat "$TMP/half.tar.gz" | "$ARCHIVE" extract "$TMP/out.half-pipe" >/dev/null 2>"$TMP/stderr"
assert_match "a .tar.gz cut in the middle from a pipe: status 125, truncated" \
	"^125 nschroot: cannot read the archive: .*truncated" "$? $(cat "$TMP/stderr")"

# Through create, from standard input: nothing is left, box or staging.
damaged=crc
[ $isal = 1 ] || damaged=multi-cut
for f in half corrupt $damaged; do
	cat "$TMP/$f.tar.gz" | NSCHROOT_HOME=$TMP/store "$NSCHROOT" create --progress=never \
		"gz$f" - >/dev/null 2>"$TMP/stderr"
	assert_match "create from a pipe, $f gzip: status 125, the message" \
		"^125 nschroot: cannot read the archive: " "$? $(cat "$TMP/stderr")"
done
assert_eq "create from a pipe, damaged gzip: no box, no staging left" "" \
	"$(ls -A "$TMP/store/boxes")"
cat "$TMP/multi-garbage.tar.gz" | NSCHROOT_HOME=$TMP/store "$NSCHROOT" create \
	--progress=never gzmulti - >/dev/null 2>&1
assert_eq "create from a pipe, 3 members: the box's files are the tree's" \
	"$(sums "$big")" "$(sums "$TMP/store/boxes/gzmulti/rootfs")"
NSCHROOT_HOME=$TMP/store nsrun rm gzmulti

# An entry aiming outside after the 6 MB: refused whole, nothing written
# outside, and the worker stopped wherever it is (the helper exits).
cp "$TMP/big.tar" "$TMP/late.tar"
python3 -c '
import io, sys, tarfile
with tarfile.open(sys.argv[1], "a", format=tarfile.GNU_FORMAT) as t:
    ti = tarfile.TarInfo("../late-escape")
    ti.size = 1
    t.addfile(ti, io.BytesIO(b"x"))
' "$TMP/late.tar"
gzip -c < "$TMP/late.tar" > "$TMP/late.tar.gz"
mkdir -p "$TMP/late/sub"
extract "$TMP/late/sub/dir" < "$TMP/late.tar.gz"
assert_match "a hostile entry after 6 MB: refused with status 125" \
	"^125 nschroot: cannot extract '../late-escape': refused" "$status $err"
assert_eq "a hostile entry after 6 MB: nothing written outside the directory" "dir|sub" \
	"$(ls -A "$TMP/late/sub")|$(ls -A "$TMP/late")"

# From a pipe whose writer stays open after the archive (plain tar: the
# gzip filter itself waits for input to fill its buffer): what was read must
# reach the tar reader at once, and the refusal must stop the worker, which
# waits for more input, without waiting for the writer.
# from_open_pipe FILE [trailer-late]: extract FILE from a FIFO whose writer
# stays open after it (sleeping), under a 30 s timeout; status its status.
# trailer-late: FILE's last 8 bytes (a gzip trailer) a second after the rest.
from_open_pipe() {
	rm -f "$TMP/open.fifo"
	mkfifo "$TMP/open.fifo"
	if [ "${2:-}" = trailer-late ]; then
		(head -c -8 "$1"; sleep 1; tail -c 8 "$1"; exec sleep 120) > "$TMP/open.fifo" &
	else
		(cat "$1"; exec sleep 120) > "$TMP/open.fifo" &
	fi
	writer=$!
	rm -rf "$TMP/late/sub/dir"
	mkdir -m 700 "$TMP/late/sub/dir"
	timeout 30 "$ARCHIVE" extract "$TMP/late/sub/dir" < "$TMP/open.fifo" >/dev/null 2>&1
	status=$?
	kill "$writer" 2>/dev/null
	wait "$writer" 2>/dev/null
}
from_open_pipe "$TMP/late.tar"
assert_eq "refused while the pipe's writer stays open: status 125, not stuck (124)" 125 "$status"
# The same with gzip, and a whole .tar.gz: done once the member's trailer
# is checked, without waiting for the writer to close the pipe (ISA-L).
for f in late big; do
	[ $isal = 1 ] || break
	from_open_pipe "$TMP/$f.tar.gz"
	[ $f = late ] && want=125 || want=0
	assert_eq "$f.tar.gz while the pipe's writer stays open: status $want, not stuck (124)" \
		$want "$status"
done
# The trailer alone, a second after the rest: its check ends the member
# (and the extraction) without waiting for the writer to close the pipe.
if [ $isal = 1 ]; then
	from_open_pipe "$TMP/big.tar.gz" trailer-late
	assert_eq "a trailer that comes alone, the writer staying open: status 0, not stuck (124)" \
		0 "$status"
fi

# --- ENOSPC: a small tmpfs in a namespace of the test's own -----------------
small=$TMP/small
mkdir "$small"
unshare -U -r -m sh -c '
	mount -t tmpfs -o size=256k none "$1" || exit 99
	mkdir "$1/dir"
	"$2" extract "$1/dir" < "$3" 2>"$4"' sh "$small" "$ARCHIVE" "$TMP/rootfs.gzip" "$TMP/stderr"
status=$?
if [ $status = 99 ]; then
	skip_one "ENOSPC: status 125" "cannot mount a tmpfs in a user namespace"
	skip_one "ENOSPC: the message" "cannot mount a tmpfs in a user namespace"
else
	assert_eq "ENOSPC: status 125" 125 "$status"
	assert_match "ENOSPC: the message names the file" \
		"^nschroot: cannot extract '.*': No space left on device" "$(cat "$TMP/stderr")"
fi

# --- Names --------------------------------------------------------------------
mktar "$TMP/utf8.tar" pax <<'EOF'
dir déjà-vu
file déjà-vu/日本語.txt x
file Ångström y
EOF
extract "$TMP/out.utf8" < "$TMP/utf8.tar"
assert_eq "pax, UTF-8 names: exits 0 without warnings" "0|" "$status|$err"
check "pax, UTF-8 names: the names are kept" \
	test -f "$TMP/out.utf8/déjà-vu/日本語.txt" -a -f "$TMP/out.utf8/Ångström"

# --- Warnings -----------------------------------------------------------------
# trusted.* attributes need CAP_SYS_ADMIN in the initial namespace: each
# file's fails, and the warning is printed once.
python3 -c '
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    for name in ("a", "b"):
        ti = tarfile.TarInfo(name)
        ti.size = 1
        ti.pax_headers = {"SCHILY.xattr.trusted.nschroot": "x"}
        t.addfile(ti, io.BytesIO(b"x"))
' "$TMP/xattr.tar"
extract "$TMP/out.xattr" < "$TMP/xattr.tar"
assert_eq "an attribute that cannot be set: exit 0, the files are there" \
	"0 entries=2 bytes=2 skipped_devices=0" "$status $out"
warned=$(printf '%s\n' "$err" | grep -c "^nschroot: warning: 'a': Cannot restore extended attributes")
assert_eq "an attribute that cannot be set: one warning for both files" "1 1" \
	"$warned $(printf '%s\n' "$err" | wc -l)"

# --- A tree under one directory (src/archive/lift.c) ------------------------
# rootfs/bin/sh, rootfs/etc/...: the directory's contents become the root.
tar -C "$TMP" -cf "$TMP/under-one.tar" rootfs
extract "$TMP/out.lift" < "$TMP/under-one.tar"
assert_eq "rootfs/...: exits 0" 0 "$status"
check "rootfs/...: its contents are the root (diff -r)" \
	diff -r --no-dereference "$root" "$TMP/out.lift"
assert_match "rootfs/...: said on standard error" "every entry of the archive is under 'rootfs/'" "$err"
# ./box/..., holding an entry of its own name, and bin a link.
mktar "$TMP/lift-same.tar" pax <<'EOF'
dir ./box
dir ./box/etc
file ./box/etc/hostname box
dir ./box/box
file ./box/box/inner same name
symlink ./box/bin usr/bin
EOF
extract "$TMP/out.lift-same" < "$TMP/lift-same.tar"
assert_eq "./box/ holding box/: lifted, the inner box/ kept" "0|bin box etc|box|same name" \
	"$status|$(ls "$TMP/out.lift-same" | tr '\n' ' ' | sed 's/ $//')|$(cat "$TMP/out.lift-same/etc/hostname")|$(cat "$TMP/out.lift-same/box/inner")"
# Left as they are: a partial tree, a second entry at the top, a directory
# that is no rootfs.
printf 'file usr/bin/tool x\nfile usr/etc/conf y\n' | mktar "$TMP/usr-only.tar" pax
extract "$TMP/out.usr-only" < "$TMP/usr-only.tar"
assert_eq "usr/ alone is not lifted" "0|usr|" "$status|$(ls "$TMP/out.usr-only")|$err"
printf 'file rootfs/etc/hostname x\nfile README y\n' | mktar "$TMP/two-top.tar" pax
extract "$TMP/out.two-top" < "$TMP/two-top.tar"
assert_eq "rootfs/ beside README is not lifted" "0|README rootfs" \
	"$status|$(ls "$TMP/out.two-top" | tr '\n' ' ' | sed 's/ $//')"
printf 'file project/src/main.c x\nfile project/doc/README y\n' | mktar "$TMP/project.tar" pax
extract "$TMP/out.project" < "$TMP/project.tar"
assert_eq "a directory without etc, usr or bin is not lifted" "0|project" \
	"$status|$(ls "$TMP/out.project")"
# Through create: the box has its /bin/sh.
NSCHROOT_HOME=$TMP/store "$NSCHROOT" create --progress=never lifted "$TMP/under-one.tar" \
	</dev/null >/dev/null 2>&1
assert_eq "create from rootfs/...: the box runs /bin/sh" hi \
	"$(NSCHROOT_HOME=$TMP/store nsrun run lifted /bin/sh -c 'echo hi' 2>&1)"

# --- Progress -----------------------------------------------------------------
size=$(stat -c %s "$TMP/rootfs.gzip")
mkdir "$TMP/out.progress"
{
	head -c 1000 "$TMP/rootfs.gzip"
	sleep 0.3
	tail -c +1001 "$TMP/rootfs.gzip"
} | "$ARCHIVE" extract --progress=always --size="$size" "$TMP/out.progress" \
	>"$TMP/stdout" 2>"$TMP/stderr"
assert_eq "progress: exits 0, the summary on standard output" "0 $want_summary" \
	"$? $(cat "$TMP/stdout")"
bar=$(tr '\r' '\n' < "$TMP/stderr")
assert_match "progress: a bar with the percentage" '^extracting +[0-9]+% \[[#.]+\]' "$bar"
assert_eq "progress: no line wider than 79 columns" "" \
	"$(printf '%s\n' "$bar" | awk 'length($0) > 79')"
assert_eq "progress: the line is erased at the end (blanks, then CR)" 200d \
	"$(tail -c 2 "$TMP/stderr" | od -An -tx1 | tr -d ' \n')"
extract "$TMP/out.noprogress" --progress=never < "$TMP/rootfs.gzip"
assert_eq "--progress=never: nothing on standard error" "" "$err"

# --- Usage --------------------------------------------------------------------
assert_status "a relative directory is refused" 125 "$ARCHIVE" extract relative < /dev/null
assert_status "a missing directory is refused" 125 "$ARCHIVE" extract "$TMP/missing" < /dev/null
assert_status "an unknown command is refused" 125 "$ARCHIVE" frob "$TMP" < /dev/null
assert_status "a bad --size is refused" 125 "$ARCHIVE" extract --size=12k "$TMP" < /dev/null

assert_eq "no mount leaked to the host" "$host_mounts_before" "$(host_mounts)"
done_testing
