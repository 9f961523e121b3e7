#!/bin/sh
# Shared set-up for tools/run and tools/test: install what is missing, then
# configure and build Dakota in build/ at the repository root.
#
#   tools/setup.sh            (tools/run and tools/test call it first)
#
# Packages come from apt-get, and only when dpkg says one is missing; apt-get
# update runs once, just before the first install. Not root: sudo, if present.
#
# QEMU and OpenSBI must be at least QEMU 10 (package qemu-system-riscv) and
# OpenSBI 1.5: with older ones, multi-hart -icount runs livelock in
# OpenSBI's remote fence (docs/bench.md). Debian 12 carries them in
# bookworm-backports: when the installed ones are older (or missing),
# setup adds that source the Debian way, as the file
# /etc/apt/sources.list.d/dakota-bookworm-backports.sources (unless some
# source already names bookworm-backports), then runs apt-get update and
# `apt-get install -t bookworm-backports qemu-system-riscv opensbi`. On a
# later Debian the default sources have them. Once they are new enough,
# nothing is installed again.
#
# DAKOTA_SETUP_KEEP_QEMU=1 skips that step: the machine keeps the QEMU and
# OpenSBI it has (e.g. one shared with runs that must stay on QEMU 7.2;
# tools/qemu.py's DAKOTA_QEMU and DAKOTA_OPENSBI can still name others).
#
# DAKOTA_SETUP_DRY_RUN=1 prints every command that would change the machine
# (apt-get, the sources file, meson, ninja) instead of running it, and what
# it decided; DAKOTA_SETUP_ROOT=DIR then reads DIR/etc/os-release and
# DIR/etc/apt instead of /etc (to try the logic against a mock).
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
# QEMU and OpenSBI are not in this list: install_new_qemu below.
packages="gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
meson ninja-build python3 gcc libc6-dev g++-riscv64-linux-gnu qemu-user"

# Package and oldest acceptable Debian version (with the epoch), in pairs.
new_qemu="qemu-system-riscv 1:10.0 opensbi 1.5"
backports_list=dakota-bookworm-backports.sources
etc=${DAKOTA_SETUP_ROOT-}/etc
dry_run=${DAKOTA_SETUP_DRY_RUN:-0}
[ "$dry_run" != 0 ] || dry_run=

# Runs a command that changes the machine, or prints it in a dry run.
run() {
	if [ -n "$dry_run" ]; then
		printf 'dry-run: %s\n' "$*" >&2
	else
		"$@"
	fi
}

# The version dpkg has installed of package $1, or nothing.
installed_version() {
	dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null |
		sed -n 's/^install ok installed //p'
}

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
	run $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
	# shellcheck disable=SC2086 # word splitting of the list is intended
	run $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $missing >&2
}

# The packages of $new_qemu that are missing or older than their minimum.
old_qemu_packages() {
	# shellcheck disable=SC2086 # the pairs are words
	set -- $new_qemu
	while [ $# -ge 2 ]; do
		v=$(installed_version "$1")
		if [ -z "$v" ] || dpkg --compare-versions "$v" lt "$2"; then
			printf '%s ' "$1"
		fi
		shift 2
	done
}

# True if an apt source (one-line or deb822) already names bookworm-backports.
have_backports_source() {
	for f in "$etc/apt/sources.list" "$etc/apt/sources.list.d"/*.list \
		"$etc/apt/sources.list.d"/*.sources; do
		[ -f "$f" ] || continue
		grep -v '^[[:space:]]*#' "$f" | grep -q 'bookworm-backports' && return 0
	done
	return 1
}

backports_source() {
	cat <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
}

add_backports_source() {
	have_backports_source && return 0
	file=$etc/apt/sources.list.d/$backports_list
	say "adding the bookworm-backports source: $file"
	if [ -n "$dry_run" ]; then
		printf 'dry-run: write %s:\n' "$file" >&2
		backports_source | sed 's/^/dry-run:   /' >&2
	else
		backports_source | $sudo tee "$file" >/dev/null
	fi
}

# QEMU >= 10 and OpenSBI >= 1.5: from bookworm-backports on Debian 12, from
# the default sources elsewhere. A failure to get them only warns: Dakota
# still runs on QEMU 7.2, except multi-hart -icount.
install_new_qemu() {
	[ "${DAKOTA_SETUP_KEEP_QEMU:-0}" = 0 ] || return 0
	command -v dpkg-query >/dev/null 2>&1 || return 0
	old=$(old_qemu_packages)
	[ -n "$old" ] || return 0
	if ! pick_sudo; then
		say "warning: older or missing: $old(not root and no sudo; need QEMU >= 10, OpenSBI >= 1.5)"
		return 0
	fi
	codename=$(sed -n 's/^VERSION_CODENAME=["'\'']*\([a-z]*\).*/\1/p' "$etc/os-release" 2>/dev/null || true)
	target=
	if [ "$codename" = bookworm ]; then
		add_backports_source
		target="-t bookworm-backports"
	fi
	say "installing ${target:+from bookworm-backports }(older or missing): $old"
	run $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
	# shellcheck disable=SC2086 # word splitting of the lists is intended
	run $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $target $old >&2 ||
		say "warning: could not install $old(need QEMU >= 10, OpenSBI >= 1.5)"
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
		run meson setup $reconf build --cross-file cross/riscv64.ini $opts >&2
		[ -n "$dry_run" ] || printf '%s\n' "$opts" >"$stamp"
	elif [ -n "$opts" ] && [ "$opts" != "$(cat "$stamp" 2>/dev/null || true)" ]; then
		say "meson configure build $opts"
		# shellcheck disable=SC2086
		run meson configure build $opts >&2
		[ -n "$dry_run" ] || printf '%s\n' "$opts" >"$stamp"
	fi
}

install_missing
install_new_qemu
configure
run ninja -C build >&2
