# Sourced by tools/setup.sh and tools/linux-kernel.sh: how to run a command
# as root here.
#
# pick_sudo sets $sudo to the prefix that does it: empty when already root,
# "sudo" when that is installed. Returns 1 (leaving $sudo empty) when there
# is no way, for the caller to explain what it needed root for.
pick_sudo() {
	sudo=
	if [ "$(id -u)" -eq 0 ]; then
		return 0
	fi
	command -v sudo >/dev/null 2>&1 || return 1
	sudo=sudo
}
