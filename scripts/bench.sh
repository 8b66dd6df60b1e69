#!/bin/sh
# make bench: our io_uring against stock 6.1's, libaio and psync.
#
#   bench.sh            (BENCH_MODE=wall|icount, BENCH_REPS=3, BENCH_S=3,
#                        BENCH_KERNELS="ours stock", BENCH_ROWS=all or
#                        some of memory,nop,nullb,cached,nvme,clients)
#
# Builds our kernel and a stock kernel from the unstripped base with the
# same config, packs one initramfs (fio, io_uring-bench, ringmem), and boots
# the two kernels in turn, BENCH_REPS times each, alternating which goes
# first.  Each boot runs every workload of tests/bench/bench.sh for BENCH_S
# seconds.  scripts/bench-report.py then writes, in build/bench/MODE/:
# raw.csv (every figure), summary.csv, results.md and chart.png.
#
# wall:   wall-clock TCG on 2 vCPUs: all rows, noisy (hence the medians).
# icount: -icount shift=0 on 1 vCPU: guest time counts instructions, so
#         guest-time IOPS is about 1e9 / instructions per IO and repeats to
#         within a fraction of a percent; CPU-bound rows only.
set -eu
. "$(dirname "$0")/common.sh"

mode=${BENCH_MODE:-wall}
reps=${BENCH_REPS:-3}
secs=${BENCH_S:-3}
kernels=${BENCH_KERNELS:-ours stock}
S="$TOP/scripts"
case $mode in
wall)
	smp=2 accel=
	# the rows, and two minutes for the applications (tests/clients)
	limit=$((300 + 25 * (secs + 12)))
	;;
icount)
	smp=1 accel="-accel tcg,thread=single -icount shift=0,sleep=off -cpu max"
	limit=$((180 + 25 * (8 * secs + 12)))
	;;
*)
	die "BENCH_MODE must be wall or icount, not '$mode'"
	;;
esac
case $reps in ''|*[!0-9]*|0) die "BENCH_REPS must be a positive number" ;; esac
case $secs in ''|*[!0-9]*|0) die "BENCH_S must be a positive number of seconds" ;; esac
for k in $kernels; do
	case $k in ours|stock) ;; *) die "BENCH_KERNELS: '$k' is neither ours nor stock" ;; esac
done
for g in $(echo "${BENCH_ROWS:-all}" | tr , ' '); do
	case $g in all|memory|nop|nullb|cached|nvme|clients) ;;
	*) die "BENCH_ROWS: '$g' is none of all, memory, nop, nullb, cached, nvme, clients" ;;
	esac
done
start=$(date +%s)

EXTRA_PKGS=gnuplot-nox "$S/deps.sh"
"$S/fetch-base.sh" base
python3 "$S/assemble.py"
for k in $kernels; do
	[ "$k" = stock ] && "$S/fetch-base.sh" stock
	"$S/build-kernel.sh" "$k"
done
msg "building guest programs"
progs="$BUILD/progs-bench"
"$S/build-progs.sh" ours "$progs"
initrd="$BUILD/guest/initrd-bench.cpio.gz"
"$S/mkinitramfs.sh" "$progs" "$initrd"

out="$BUILD/bench/$mode"
mkdir -p "$out"
raw="$out/raw.csv"
echo "mode,kernel,rep,row,value,unit" >"$raw"

# boot KERNEL REP: one guest run of every workload; its rows go to raw.csv
boot() {
	k=$1 rep=$2
	dir="$out/$k"
	log="$dir/tap.log"
	export GUEST_SMP=$smp GUEST_ACCEL="$accel"
	export GUEST_APPEND="iou_bench_mode=$mode iou_bench_s=$secs iou_bench_rows=${BENCH_ROWS:-all} null_blk.irqmode=0"
	set +e
	"$S/run-guest.sh" "$BUILD/obj-$k/arch/x86/boot/bzImage" "$initrd" bench "$dir" "$limit" &
	qpid=$!
	while kill -0 $qpid 2>/dev/null; do
		sleep 15
		kill -0 $qpid 2>/dev/null || break
		n=$(grep -c '^BENCH ' "$log" 2>/dev/null || true)
		msg "  ... $k, round $rep of $reps: $n rows done, $(($(date +%s) - start)) s"
	done
	wait $qpid
	rc=$?
	set -e
	cp "$log" "$dir/tap-$rep.log" 2>/dev/null || true
	grep -q '^### end bench' "$log" 2>/dev/null ||
		die "the $k guest did not finish the benchmark (exit $rc; logs in $dir)"
	grep '^BENCH ' "$log" | while read -r _ row value unit; do
		echo "$mode,$k,$rep,$row,$value,$unit"
	done >>"$raw"
	grep ' FAIL ' "$log" | sed "s/^/==> $k: /" >&2 || true
}

r=1
while [ $r -le "$reps" ]; do
	# alternate which kernel goes first, so neither always boots second
	order=$kernels
	[ $((r % 2)) -eq 0 ] && order=$(echo "$kernels" | awk '{ for (i = NF; i; i--) printf "%s ", $i }')
	for k in $order; do
		msg "round $r of $reps: booting the $k kernel ($mode mode, $secs s per row)"
		boot "$k" "$r"
	done
	r=$((r + 1))
done

msg "benchmark done in $(($(date +%s) - start)) s; results in $out"
exec python3 "$S/bench-report.py" "$out"
