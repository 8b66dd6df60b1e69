#!/bin/sh
# Pack busybox-static, /init and the guest programs into an initramfs.
#   mkinitramfs.sh PROGDIR OUT.cpio.gz
# PROGDIR holds tests/ and tools/ with statically linked programs.
set -eu
. "$(dirname "$0")/common.sh"

progs=$1
out=$2
root="$BUILD/guest/root"
rm -rf "$root"
mkdir -p "$root/bin" "$root/sbin" "$root/etc" "$root/proc" "$root/sys" "$root/dev" \
	"$root/tmp" "$root/mnt" "$root/root" "$root/tests" "$root/tools"
cp /bin/busybox "$root/bin/busybox"
cp "$TOP/scripts/guest/init" "$root/init"
chmod 755 "$root/init"
[ -d "$progs/tests" ] && cp -a "$progs/tests/." "$root/tests/"
[ -d "$progs/tools" ] && cp -a "$progs/tools/." "$root/tools/"
# anything else the programs need (fio and its libraries), at its own path
[ -d "$progs/root" ] && cp -a "$progs/root/." "$root/"
cat >"$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/tmp:/bin/sh
PW
# the guest's name (init sets it) resolves, as MariaDB's install wants
cat >"$root/etc/hosts" <<'HOSTS'
127.0.0.1 localhost guest
HOSTS
cat >"$root/etc/group" <<'GR'
root:x:0:
nogroup:x:65534:
GR
(cd "$root" && find . | sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
