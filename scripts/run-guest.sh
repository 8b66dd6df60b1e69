#!/bin/sh
# Boot a guest kernel with an initramfs and run one suite in it.
#
#   run-guest.sh BZIMAGE INITRD SUITE OUTDIR [TIMEOUT_S]
#
# Writes OUTDIR/console.log (the kernel's serial console) and OUTDIR/tap.log
# (the suite's output, from the second serial port).  A guest still running
# after TIMEOUT_S seconds is killed; the exit status is then 124.
# Extra kernel arguments: GUEST_APPEND.  Memory: GUEST_MEM (default 2G).
# vCPUs: GUEST_SMP (default 2).
set -eu
. "$(dirname "$0")/common.sh"

kernel=$1 initrd=$2 suite=$3 out=$4 limit=${5:-600}
mkdir -p "$out" "$BUILD/guest"
rm -f "$out/console.log" "$out/tap.log"

# Two NVMe disks: nvme0n1 is a raw scratch disk (O_DIRECT tests and the
# benchmark), nvme1n1 carries a fresh ext4 file system each boot.
# They live with the run's logs, so runs of different kernels or suites can
# boot side by side.
raw="$out/nvme-raw.img"
ext="$out/nvme-ext4.img"
[ -f "$raw" ] || truncate -s 1G "$raw"
rm -f "$ext"
truncate -s 1G "$ext"
mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$ext" >/dev/null

# KVM only where it really works (nested virtualisation often does not).
# The probe's verdict is cached in $BUILD/guest/kvm.  GUEST_ACCEL, when
# set, replaces the choice (the benchmark's -icount mode).
accel="-accel tcg,thread=multi -cpu max"
if [ -n "${GUEST_ACCEL:-}" ]; then
	accel=$GUEST_ACCEL
elif [ "${USE_KVM:-auto}" != no ] && [ -w /dev/kvm ]; then
	if [ ! -f "$BUILD/guest/kvm" ]; then
		probe=$(sh -c 'echo quit | timeout 10 qemu-system-x86_64 -accel kvm -cpu host \
			-M q35 -display none -nodefaults -S -monitor stdio 2>&1' 2>/dev/null || echo failed)
		case $probe in
		*rror*|*failed*|*ssertion*) echo no >"$BUILD/guest/kvm" ;;
		*) echo yes >"$BUILD/guest/kvm" ;;
		esac
	fi
	[ "$(cat "$BUILD/guest/kvm")" = yes ] && accel="-accel kvm -cpu host"
fi

append="console=ttyS0 panic=-1 oops=panic iou_suite=$suite nvme.poll_queues=1"
append="$append null_blk.nr_devices=1 null_blk.gb=1 null_blk.poll_queues=1"
append="$append null_blk.submit_queues=2 printk.time=1 ${GUEST_APPEND:-}"

set +e
timeout -k 5 "$limit" qemu-system-x86_64 $accel -smp "${GUEST_SMP:-2}" -m "${GUEST_MEM:-2G}" \
	-M q35 -nodefaults -display none -no-reboot \
	-kernel "$kernel" -initrd "$initrd" -append "$append" \
	-serial "file:$out/console.log" -serial "file:$out/tap.log" \
	-drive "file=$raw,if=none,id=nv0,format=raw" -device nvme,serial=iouraw,drive=nv0 \
	-drive "file=$ext,if=none,id=nv1,format=raw" -device nvme,serial=iouext4,drive=nv1 \
	${GUEST_QEMU_ARGS:-} </dev/null >"$out/qemu.log" 2>&1
rc=$?
set -e
[ $rc -eq 124 ] && msg "guest timed out after $limit s and was killed"
exit $rc
