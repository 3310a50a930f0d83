#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Boxes of another architecture: create records the architecture (from the
# ELF header of the box's /bin/sh), info and list show it; the namespace
# backend runs the box through the kernel's binfmt_misc and qemu-user-static,
# the proot backend through proot --qemu; a program no handler runs exits
# 126 with a hint that names what to install; doctor lists the
# architectures this machine runs.
. "$(dirname "$0")/../lib.sh"
require_userns
command -v proot >/dev/null || skip_all "proot is not installed (apt-get install proot)"
busybox=$(sh "$FIXTURES/make-foreign-busybox.sh") ||
	skip_all "no busybox of a foreign architecture (see tests/fixtures/make-foreign-busybox.sh)"
case $(file -b "$busybox") in
*aarch64*) arch=arm64 machine=aarch64 qemu=qemu-aarch64-static ;;
*x86-64*) arch=amd64 machine=x86_64 qemu=qemu-x86_64-static ;;
*) skip_all "$busybox: an architecture this test does not know" ;;
esac
host_arch=$(dpkg --print-architecture)
grep -qs "^enabled" "/proc/sys/fs/binfmt_misc/qemu-$machine" ||
	skip_all "no binfmt_misc handler for $arch (apt-get install qemu-user-static binfmt-support)"
plan 16
export NSCHROOT_HOME=$TMP/store

root=$TMP/foreign
sh "$FIXTURES/make-busybox-rootfs.sh" "$root" "$busybox"
tar -C "$root" -czf "$TMP/foreign.tar.gz" .
nsrun create --map=root --progress=never fb "$TMP/foreign.tar.gz" >/dev/null 2>&1
assert_eq "create records the architecture" "arch=$arch" "$(grep '^arch=' "$TMP/store/boxes/fb/box.conf")"
assert_match "info shows it" "^arch: $arch$" "$(nsrun info fb)"
assert_match "info --json too" "\"arch\": \"$arch\"" "$(nsrun info --json fb)"
assert_match "list shows it beside the OS, as it is not this machine's" \
	"^fb +root +busybox \($arch\) " "$(nsrun list)"
assert_match "list --json gives it" "\"name\": \"fb\", [^}]*\"arch\": \"$arch\"" "$(nsrun list --json)"
native=$TMP/native
make_busybox_rootfs "$native"
tar -C "$native" -czf "$TMP/native.tar.gz" .
nsrun create --map=root --progress=never nb "$TMP/native.tar.gz" >/dev/null 2>&1
assert_match "a box of this machine's architecture: info says which" "^arch: $host_arch$" "$(nsrun info nb)"
assert_match "... and list shows none beside the OS" "^nb +root +busybox +[0-9.]+[KMG] " "$(nsrun list)"

assert_eq "the namespace backend runs it (binfmt_misc)" "$machine" "$(nsrun run fb uname -m)"
assert_eq "the proot backend runs it (proot --qemu)" "$machine" \
	"$(nsrun run --backend=proot fb uname -m 2>&1)"
assert_eq "... a directory as well" "$machine hi" \
	"$(nsrun run --backend=proot "$root" sh -c 'echo $(uname -m) hi' 2>&1)"
err=$(NSCHROOT_PROOT=$(command -v proot) PATH=/nonexistent nsrun run --backend=proot fb true 2>&1)
assert_eq "without $qemu, proot's backend says so: 125" \
	"125 nschroot: cannot run a box of $arch through proot: $qemu not found in PATH
hint: install qemu-user-static (Debian: apt-get install qemu-user-static)" "$? $err"

# A box whose /bin/sh is of an architecture that no handler runs (Itanium,
# which QEMU has never run): the kernel refuses it, ENOEXEC (and execvp's
# fall-back to /bin/sh is refused alike).
ia64=$TMP/ia64
make_busybox_rootfs "$ia64"
rm "$ia64/bin/sh"
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\002\000\062\000' >"$ia64/bin/sh"
head -c 44 /dev/zero >>"$ia64/bin/sh"
chmod +x "$ia64/bin/sh"
err=$(nsrun run "$ia64" /bin/sh -c true 2>&1)
assert_eq "a program no handler runs: 126" 126 "$?"
assert_match "... saying why" "^nschroot: cannot execute '/bin/sh': Exec format error$" "$err"
assert_match "... and what to install" "^hint: .*apt-get install qemu-user-static binfmt-support$" "$err"
assert_match "... and where to look" "nschroot doctor' lists the architectures" "$err"

assert_match "doctor lists the foreign architectures this machine runs" \
	"^OK    foreign architectures: .*$arch.* \(binfmt_misc\)$" "$(nsrun doctor)"
