#!/bin/sh
# QEMU's block layer (Debian's qemu-img and qemu-io 7.2, unmodified) on our
# io_uring: qemu-img bench with aio=io_uring and O_DIRECT, reads and
# writes at depth 1 and 32 on the raw NVMe disk and on a file on ext4;
# images written through io_uring, copied by qemu-img convert through
# io_uring (qcow2 to raw and back) and found identical by qemu-img compare.
# QEMU refuses aio=io_uring when the kernel refuses a ring (shown with
# kernel.io_uring_disabled=2), so a run that succeeds did use it.  TAP.
DIR=/mnt/ext4/qemu
# requests per bench run; fewer on the (much slower) debug kernel
count=20000
grep -q kmemleak=on /proc/cmdline 2>/dev/null && count=1000
. "${TAP_LIB:-/usr/share/iou/tap.sh}"

# bench NAME FILE ARGS...: qemu-img bench through io_uring, with the IOPS
# of the run it times itself
bench() {
	name=$1 file=$2
	shift 2
	if out=$(qemu-img bench -f raw -i io_uring -t none -c $count "$@" "$file" 2>&1); then
		secs=$(echo "$out" | sed -n 's/^Run completed in \([0-9.]*\) seconds.*/\1/p')
		ok "$name: $(echo "$count ${secs:-0}" |
			awk '{ if ($2 > 0) printf "%d IOPS", $1 / $2; else print "done" }')"
	else
		not_ok "$name"
		echo "$out" | tail -n 20 | sed 's/^/# /'
	fi
}

# An image node that goes through io_uring with O_DIRECT.
opts() {
	echo "driver=$1,file.driver=file,file.filename=$2,file.aio=io_uring,cache.direct=on"
}

# copy_and_compare FMT FROM FMT2 TO: qemu-img convert through io_uring
# into a new image, then qemu-img compare
copy_and_compare() {
	qemu-img create -f "$3" "$4" 64M >/dev/null
	check "qemu-img convert $1 to $3 through io_uring" \
		qemu-img convert -n --image-opts "$(opts "$1" "$2")" \
		--target-image-opts "$(opts "$3" "$4")"
	check "qemu-img compare: the $1 image and its $3 copy are identical" \
		qemu-img compare -f "$1" -F "$3" "$2" "$4"
}

echo "TAP version 13"
if ! command -v qemu-img >/dev/null; then
	skip_all "no qemu-img in this guest"
fi
if [ ! -d /mnt/ext4 ] || [ ! -b /dev/nvme0n1 ]; then
	skip_all "no NVMe disks"
fi
echo "1..14"
rm -rf $DIR
mkdir -p $DIR
bench "bench: reads on nvme0n1, depth 1" /dev/nvme0n1 -d 1
bench "bench: reads on nvme0n1, depth 32" /dev/nvme0n1 -d 32
bench "bench: writes on nvme0n1, depth 32" /dev/nvme0n1 -d 32 -w
check "a 64M raw image on ext4" qemu-img create -f raw -o preallocation=full $DIR/bench.raw 64M
bench "bench: writes on ext4, depth 1" $DIR/bench.raw -d 1 -w
bench "bench: writes on ext4, depth 32" $DIR/bench.raw -d 32 -w
bench "bench: reads on ext4, depth 32" $DIR/bench.raw -d 32

# Known data, written through io_uring into a qcow2 image and copied.
check "a 64M qcow2 image" qemu-img create -f qcow2 $DIR/a.qcow2 64M
check "qemu-io writes patterns into it through io_uring" \
	qemu-io --image-opts "$(opts qcow2 $DIR/a.qcow2)" \
	-c "write -P 0xab 0 8M" -c "write -P 0x5c 20M 3M" -c "write -P 0x11 63M 512k" \
	-c "read -P 0x5c 20M 3M"
copy_and_compare qcow2 $DIR/a.qcow2 raw $DIR/b.raw
copy_and_compare raw $DIR/b.raw qcow2 $DIR/c.qcow2

# No silent fallback: without rings, aio=io_uring is an error.
if echo 2 2>/dev/null >/proc/sys/kernel/io_uring_disabled &&
	[ "$(cat /proc/sys/kernel/io_uring_disabled)" = 2 ]; then
	out=$(qemu-img bench -f raw -i io_uring -t none -c 10 $DIR/bench.raw 2>&1)
	if [ $? -ne 0 ] && echo "$out" | grep -q 'Unable to use io_uring'; then
		ok "with kernel.io_uring_disabled=2 aio=io_uring is refused"
	else
		not_ok "with kernel.io_uring_disabled=2 aio=io_uring is refused"
	fi
	echo "$out" | sed 's/^/# /'
	echo 0 >/proc/sys/kernel/io_uring_disabled
else
	ok "# SKIP this kernel has no kernel.io_uring_disabled"
fi
rm -rf $DIR
[ $failed -eq 0 ]
