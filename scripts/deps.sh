#!/bin/sh
# Install the Debian packages the build and the guest need, if missing.
set -eu
. "$(dirname "$0")/common.sh"

PKGS="bc flex bison libelf-dev libssl-dev dwarves ccache sparse make gcc
python3 rsync qemu-system-x86 busybox-static cpio xz-utils e2fsprogs
libc6-dev fio liburing-dev trinity stress-ng python3-ply python3-git dpkg-dev"
# the applications tests/clients runs on our io_uring, and strace to count
# their calls
PKGS="$PKGS mariadb-server-core mariadb-client qemu-utils plocate strace"
PKGS="$PKGS ${EXTRA_PKGS:-}"
mkdir -p "$BUILD"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

msg "installing:$missing"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y --no-install-recommends $missing >"$BUILD/apt.log" 2>&1; then
	$SUDO apt-get update >>"$BUILD/apt.log" 2>&1 || true
	$SUDO apt-get install -y --no-install-recommends $missing >>"$BUILD/apt.log" 2>&1 ||
		{ tail -20 "$BUILD/apt.log" >&2; die "apt-get install failed (log: $BUILD/apt.log)"; }
fi
