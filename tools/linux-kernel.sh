#!/bin/sh
# The Debian riscv64 Linux kernel that tools/bench --vs-linux compares Dakota
# with, fetched once into a cache and reused:
#
#   tools/linux-kernel.sh [CACHE]     prints the path of the kernel image
#
# CACHE defaults to ${XDG_CACHE_HOME:-~/.cache}/dakota/linux. The first run
# downloads the linux-image-*-riscv64 package that trixie's
# linux-image-riscv64 meta package names (bookworm has no riscv64 port) with
# `apt-get download`: the riscv64 architecture and a one-line trixie source
# are added for the download only and removed again afterwards, even on
# failure; the machine's own apt sources are never edited. Needs root or
# sudo for that run only. The package name and version go to CACHE/PACKAGE.
set -eu

cache=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/dakota/linux}
say() { printf 'linux-kernel: %s\n' "$*" >&2; }
. "$(dirname "$0")/sudo.sh"

image() { ls "$cache"/root/boot/vmlinu[xz]-* 2>/dev/null | head -n 1; }
if [ -n "$(image)" ]; then
	image
	exit 0
fi

if ! pick_sudo; then
	say "downloading the kernel needs root or sudo (apt-get download of a riscv64 package)"
	exit 1
fi

mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print ($2 ~ /^\[/ ? $3 : $2); exit }' \
	/etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || { say "no Debian mirror in the apt sources"; exit 1; }
list=/etc/apt/sources.list.d/dakota-linux-riscv64-tmp.list
[ ! -e "$list" ] || { say "$list exists (an interrupted run?): remove it first"; exit 1; }

had_arch=no
dpkg --print-foreign-architectures | grep -qx riscv64 && had_arch=yes
cleanup() {
	$sudo rm -f "$list"
	[ "$had_arch" = yes ] || $sudo dpkg --remove-architecture riscv64 2>/dev/null || true
	$sudo apt-get update -qq >/dev/null 2>&1 || say "the final apt-get update failed"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

[ "$had_arch" = yes ] || $sudo dpkg --add-architecture riscv64
echo "deb [arch=riscv64] $mirror trixie main" | $sudo tee "$list" >/dev/null
$sudo apt-get update -qq
pkg=$(apt-cache depends linux-image-riscv64:riscv64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^ :]*-riscv64\).*/\1/p' | head -n 1)
[ -n "$pkg" ] || { say "no linux-image-*-riscv64 package found"; exit 1; }
version=$(apt-cache policy "$pkg:riscv64" | sed -n 's/^ *Candidate: //p')
say "downloading $pkg:riscv64 $version"

mkdir -p "$cache"
cd "$cache"
rm -rf root ./*.deb
apt-get download "$pkg:riscv64" >&2
dpkg-deb -x ./"$pkg"_*_riscv64.deb root
rm -f ./*.deb
printf '%s %s\n' "$pkg" "$version" >PACKAGE
image
