#!/bin/sh
# The benchmark workloads, run inside the guest (scripts/bench.sh boots it).
#
#   bench.sh MODE SECONDS [GROUPS]
#
# MODE wall: every row.  MODE icount: only the rows whose cost is CPU time
# (null_blk with inline completion, the page cache, NOPs), since under
# -icount guest time is an instruction count, and the emulated NVMe disk
# (its virtual clock runs on while the guest waits) and SQPOLL (a spinning
# thread on the only vCPU) would measure QEMU rather than the kernel.
#
# GROUPS (default all): a comma-separated subset of memory, nop, nullb,
# cached, nvme and clients, for a quick look at a few rows.
#
# One line per row:  BENCH <device>/<workload> <value> <unit>
# A row that fails prints  BENCH <row> FAIL <reason>  and the rest go on.
mode=${1:-wall}
secs=${2:-3}
groups=${3:-all}
FIO=${FIO:-fio}
BENCH_TOOL=${BENCH_TOOL:-/tools/io_uring-bench}

say_row() { echo "BENCH $*"; }

# fio_row ROW FIO-ARGS...: one fio job, its read IOPS (terse field 8)
fio_row() {
	row=$1
	shift
	echo "# $row: fio $*"
	out=$($FIO --name=bench --time_based --runtime="$secs" --bs=4k \
		--norandommap --randrepeat=0 --minimal "$@" 2>&1)
	rc=$?
	iops=$(echo "$out" | grep '^3;' | cut -d';' -f8 | head -n 1)
	err=$(echo "$out" | grep '^3;' | cut -d';' -f5 | head -n 1)
	if [ $rc -ne 0 ] || [ -z "$iops" ] || [ "$err" != 0 ]; then
		echo "$out" | tail -n 5 | sed 's/^/# /'
		say_row "$row FAIL fio-exit-$rc-err-${err:-none}"
		return
	fi
	say_row "$row $iops IOPS"
}

# The O_DIRECT 4 KiB random-read rows on one block device.
device_rows() {
	tag=$1 dev=$2
	if [ ! -b "$dev" ]; then
		echo "# $dev missing: its rows are skipped"
		return
	fi
	d="--filename=$dev --direct=1 --rw=randread"
	u="--ioengine=io_uring"
	fio_row "$tag/psync-qd1" $d --ioengine=psync --iodepth=1
	fio_row "$tag/libaio-qd1" $d --ioengine=libaio --iodepth=1
	fio_row "$tag/libaio-qd32" $d --ioengine=libaio --iodepth=32
	fio_row "$tag/uring-qd1" $d $u --iodepth=1
	fio_row "$tag/uring-qd32" $d $u --iodepth=32
	fio_row "$tag/uring-qd32-fixed" $d $u --iodepth=32 --fixedbufs --registerfiles
	fio_row "$tag/uring-qd32-hipri" $d $u --iodepth=32 --hipri
	fio_row "$tag/uring-qd32-hipri-fixed" $d $u --iodepth=32 --hipri --fixedbufs --registerfiles
	[ "$mode" = icount ] && return
	fio_row "$tag/uring-qd32-sqpoll" $d $u --iodepth=32 --sqthread_poll=1
}

# Buffered sequential 4 KiB reads of a file that is entirely in the page cache.
cached_rows() {
	dir=/mnt/ext4
	[ -d "$dir" ] || dir=/tmp
	f=$dir/bench-cached
	dd if=/dev/zero of="$f" bs=1M count=64 2>/dev/null
	cat "$f" >/dev/null
	c="--filename=$f --size=64M --direct=0 --rw=read"
	fio_row cached/psync-qd1 $c --ioengine=psync --iodepth=1
	fio_row cached/uring-qd1 $c --ioengine=io_uring --iodepth=1
	fio_row cached/uring-qd32 $c --ioengine=io_uring --iodepth=32
	rm -f "$f"
}

nop_row() {
	echo "# nop/uring-qd32: io_uring-bench --nop -d 32 -s 32 -c 32 -t $secs"
	out=$($BENCH_TOOL --nop -d 32 -s 32 -c 32 -t "$secs" 2>&1)
	rc=$?
	iops=$(echo "$out" | sed -n 's/.* \([0-9][0-9]*\) IOPS$/\1/p' | tail -n 1)
	if [ $rc -ne 0 ] || [ -z "$iops" ]; then
		echo "$out" | tail -n 5 | sed 's/^/# /'
		say_row "nop/uring-qd32 FAIL exit-$rc"
		return
	fi
	say_row "nop/uring-qd32 $iops IOPS"
}

ringmem_row() {
	out=$(/bench/ringmem 4096 2>&1)
	echo "# $out"
	kib=$(echo "$out" | sed -n 's/.*: \([0-9][0-9]*\) KiB per ring.*/\1/p')
	slab=$(echo "$out" | sed -n 's/.*(slab \([0-9-][0-9]*\) KiB).*/\1/p')
	if [ -z "$kib" ]; then
		say_row "memory/ring-4096 FAIL ringmem"
		return
	fi
	say_row "memory/ring-4096 $kib KiB"
	say_row "memory/ring-4096-slab $slab KiB"
}

# The applications of tests/clients, by their own figures: qemu-img bench's
# IOPS and mariadb-slap's queries per second, one row each (wall mode only:
# they wait on the emulated NVMe disk).  Their checks run too and show as
# comments; a script that fails adds a FAIL row, its figures stay.
clients_rows() {
	for c in qemu mariadb; do
		[ -x /tests/$c.sh ] || continue
		echo "# clients/$c: /tests/$c.sh"
		if ! /tests/$c.sh >/tmp/bench-$c.tap 2>&1; then
			say_row "clients/$c FAIL checks"
		fi
		sed -n 's/^\(not ok\|Bail out\|#\)/# &/p' /tmp/bench-$c.tap
		sed -n 's/^ok [0-9]* \(.*\): \([0-9][0-9]*\) \(IOPS\|queries\/s\)$/\1|\2|\3/p' \
			/tmp/bench-$c.tap |
			while IFS='|' read -r name value unit; do
				[ "$unit" = IOPS ] || unit=qps
				slug=$(echo "$name" | sed 's/^bench: //' | tr -cs 'a-z0-9' '-' | sed 's/-$//')
				say_row "clients/$c-$slug $value $unit"
			done
		rm -f /tmp/bench-$c.tap
	done
}

# want GROUP: the run includes that group of rows
want() {
	case ",$groups," in
	*,all,* | *",$1,"*) return 0 ;;
	esac
	return 1
}

echo "# bench: mode $mode, $secs s per row, rows: $groups, kernel $(uname -r)"
want memory && ringmem_row
want nop && nop_row
want nullb && device_rows nullb /dev/nullb0
want cached && cached_rows
[ "$mode" = icount ] || { want nvme && device_rows nvme /dev/nvme0n1; }
[ "$mode" = icount ] || { want clients && clients_rows; }
echo "# bench: done"
