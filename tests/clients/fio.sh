#!/bin/sh
# fio (Debian's build, unmodified) against our io_uring in the guest:
# ioengine=io_uring at several depths and with each of its io_uring options,
# reads and writes, writes verified with crc32c, and the same jobs with
# ioengine=libaio as a cross-check; ioengine=io_uring_cmd (NVMe
# passthrough).  TAP output, one line per job.
FIO=${FIO:-fio}
# 8 MiB per job; 2 MiB on the (much slower) debug kernel, where the jobs
# that add no io_uring path of their own are left out too: CI's minutes
# go to what KASAN and lockdep can see
size=8M debug=
grep -q kmemleak=on /proc/cmdline 2>/dev/null && size=2M debug=1
n=0
failed=0

job() {
	dev=$1 name=$2
	shift 2
	n=$((n + 1))
	out=$($FIO --name="$name" --filename="$dev" --direct=1 --bs=4k \
		--size=$size --group_reporting "$@" 2>&1)
	rc=$?
	iops=$(echo "$out" | sed -n 's/.*IOPS=\([^,]*\),.*/\1/p' | head -n 1)
	if [ $rc -eq 0 ] && echo "$out" | grep -q 'err= 0'; then
		echo "ok $n $name on $dev: IOPS=$iops"
	else
		failed=$((failed + 1))
		echo "not ok $n $name on $dev (exit $rc)"
		echo "$out" | tail -n 25 | sed 's/^/# /'
	fi
}

skip() {
	n=$((n + 1))
	echo "ok $n # SKIP $*"
}

# a job the debug kernel leaves out: libaio's (no io_uring code runs) and
# the single-option ones that uring-all and the verify jobs combine
job_nodebug() {
	if [ -n "$debug" ]; then
		skip "$2 on $1: not on the debug kernel (no io_uring path of its own)"
		return
	fi
	job "$@"
}

echo "TAP version 13"
if ! command -v "$FIO" >/dev/null; then
	echo "1..1"
	skip "no fio in this guest"
	exit 0
fi

for dev in /dev/nvme0n1 /dev/nullb0; do
	if [ ! -b "$dev" ]; then
		for i in 1 2 3 4 5 6 7 8 9 10 11 12 13; do skip "no $dev"; done
		continue
	fi
	u="--ioengine=io_uring"
	job $dev uring-randread-qd1 $u --rw=randread --iodepth=1
	job $dev uring-randread-qd32 $u --rw=randread --iodepth=32
	job $dev uring-randread-qd128 $u --rw=randread --iodepth=128 --iodepth_batch_submit=32 --iodepth_batch_complete_min=16
	job $dev uring-hipri $u --rw=randread --iodepth=32 --hipri
	job $dev uring-sqpoll $u --rw=randread --iodepth=32 --sqthread_poll=1
	job $dev uring-sqpoll-cpu $u --rw=randread --iodepth=32 --sqthread_poll=1 --sqthread_poll_cpu=1
	job_nodebug $dev uring-fixedbufs $u --rw=randread --iodepth=32 --fixedbufs
	job_nodebug $dev uring-registerfiles $u --rw=randread --iodepth=32 --registerfiles
	job $dev uring-all $u --rw=randread --iodepth=32 --fixedbufs --registerfiles --hipri
	job_nodebug $dev libaio-randread-qd32 --ioengine=libaio --rw=randread --iodepth=32
	if [ "$dev" = /dev/nvme0n1 ]; then
		job $dev uring-write-verify $u --rw=randwrite --iodepth=32 --verify=crc32c --do_verify=1
		job $dev uring-write-verify-fixed $u --rw=randwrite --iodepth=16 --verify=crc32c --fixedbufs --registerfiles
		job_nodebug $dev libaio-write-verify --ioengine=libaio --rw=randwrite --iodepth=32 --verify=crc32c
	else
		# null_blk keeps no data: writes, but nothing to verify
		job $dev uring-randwrite $u --rw=randwrite --iodepth=32
		job $dev uring-randwrite-hipri $u --rw=randwrite --iodepth=32 --hipri --fixedbufs
		job_nodebug $dev libaio-randwrite --ioengine=libaio --rw=randwrite --iodepth=32
	fi
done
# NVMe passthrough (IORING_OP_URING_CMD): the raw disk's namespace, through
# its char device, with fio's io_uring_cmd engine
ng=/dev/ng0n1
if [ -c $ng ]; then
	# a char device takes no O_DIRECT: the commands go to the device anyway
	c="--ioengine=io_uring_cmd --cmd_type=nvme --direct=0"
	job $ng uring_cmd-randread-qd32 $c --rw=randread --iodepth=32
	job $ng uring_cmd-hipri $c --rw=randread --iodepth=32 --hipri
	job $ng uring_cmd-write-verify $c --rw=randwrite --iodepth=16 --verify=crc32c \
		--do_verify=1 --fixedbufs --registerfiles
	job_nodebug $ng uring_cmd-sqpoll $c --rw=randread --iodepth=32 --sqthread_poll=1
else
	for i in 1 2 3 4; do skip "no $ng"; done
fi
echo "1..$n"
[ $failed -eq 0 ]
