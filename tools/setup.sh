#!/bin/sh
# Shared set-up for tools/run and tools/test: install what is missing, then
# configure and build Dakota in build/ at the repository root.
#
#   tools/setup.sh            (tools/run and tools/test call it first)
#
# Packages come from apt-get, and only when dpkg says one is missing; apt-get
# update runs once, just before the first install. Not root: sudo, if present.
#
# DAKOTA_MESON_OPTIONS="-Dtime_slice_ms=5 -Dtrace=false" is passed to
# `meson setup` the first time and to `meson configure` whenever it differs
# from the last value used (kept in build/.dakota-meson-options). Options
# stay set until changed, as Meson's do.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

say() { printf 'setup: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
. "$root/tools/sudo.sh"

# gcc and libc6-dev: the host unit tests; libc6-dev-riscv64-cross: the
# headers a hosted riscv64 compile expects (a Recommends of the cross gcc,
# which --no-install-recommends would otherwise drop). g++-riscv64-linux-gnu
# and qemu-user: the linux suite (glibc C, C++ and OpenMP programs, each
# also run under user-mode QEMU as the reference for Linux behaviour).
packages="qemu-system-misc opensbi gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
meson ninja-build python3 gcc libc6-dev g++-riscv64-linux-gnu qemu-user"

install_missing() {
	if ! command -v dpkg-query >/dev/null 2>&1; then
		say "no dpkg here: not installing anything; need: $packages"
		return 0
	fi
	missing=
	for p in $packages; do
		case $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) in
		"install ok installed") ;;
		*) missing="$missing $p" ;;
		esac
	done
	[ -n "$missing" ] || return 0

	pick_sudo || die "missing packages:$missing (not root and no sudo: install them and retry)"
	say "installing:$missing"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
	# shellcheck disable=SC2086 # word splitting of the list is intended
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $missing >&2
}

configure() {
	opts=${DAKOTA_MESON_OPTIONS-}
	stamp=build/.dakota-meson-options
	if [ ! -f build/build.ninja ]; then
		# A set-up that failed leaves no coredata and can simply run
		# again; coredata without build.ninja needs --reconfigure.
		reconf=
		[ ! -f build/meson-private/coredata.dat ] || reconf=--reconfigure
		say "meson setup${reconf:+ $reconf} build --cross-file cross/riscv64.ini $opts"
		# shellcheck disable=SC2086
		meson setup $reconf build --cross-file cross/riscv64.ini $opts >&2
		printf '%s\n' "$opts" >"$stamp"
	elif [ -n "$opts" ] && [ "$opts" != "$(cat "$stamp" 2>/dev/null || true)" ]; then
		say "meson configure build $opts"
		# shellcheck disable=SC2086
		meson configure build $opts >&2
		printf '%s\n' "$opts" >"$stamp"
	fi
}

install_missing
configure
ninja -C build >&2
