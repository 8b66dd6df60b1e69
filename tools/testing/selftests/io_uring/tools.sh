#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tools/io_uring in the guest: every io_uring-bench option runs and prints
# its IOPS lines; bad options and devices fail with a one-line error;
# io_uring-cp makes byte-identical copies.  TAP output.
BENCH=${BENCH:-/tools/io_uring-bench}
CP=${CP:-/tools/io_uring-cp}
DEV=${DEV:-/dev/nvme0n1}
NG=${NG:-/dev/ng0n1}
EXT4=${EXT4:-/mnt/ext4}
n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n $*"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n $*"
}

skip() {
	n=$((n + 1))
	echo "ok $n # SKIP $*"
}

# bench NAME ARGS...: runs for a second, must exit 0 and print IOPS lines
bench() {
	name=$1
	shift
	out=$("$BENCH" -t 1 "$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && echo "$out" | grep -q '^IOPS=' &&
	   echo "$out" | grep -q ' IOPS$'; then
		ok "bench $name: $(echo "$out" | tail -n 1)"
	else
		not_ok "bench $name (exit $rc)"
		echo "$out" | sed 's/^/# /'
	fi
}

# fails NAME ARGS...: must exit non-zero with exactly one line of error
fails() {
	name=$1
	shift
	out=$("$BENCH" -t 1 "$@" 2>&1 >/dev/null)
	rc=$?
	lines=$(echo "$out" | wc -l)
	if [ $rc -ne 0 ] && [ "$lines" -eq 1 ] && [ -n "$out" ]; then
		ok "bench $name fails cleanly: $out"
	else
		not_ok "bench $name: exit $rc, $lines lines"
		echo "$out" | sed 's/^/# /'
	fi
}

# timed CMD...: seconds CMD takes to copy from a cold cache until the data
# is on disk (busybox date has no sub-second clock; /proc/uptime has)
timed() {
	rm -f "$dst"
	sync
	echo 3 >/proc/sys/vm/drop_caches
	t0=$(cut -d' ' -f1 /proc/uptime)
	"$@" && sync
	t1=$(cut -d' ' -f1 /proc/uptime)
	echo "$t1 $t0" | awk '{printf "%.2f", $1 - $2}'
}

median() {
	printf '%s\n' "$@" | sort -n | sed -n 2p
}

echo "TAP version 13"
echo "1..22"

if [ ! -x "$BENCH" ] || [ ! -b "$DEV" ]; then
	i=0
	while [ $i -lt 22 ]; do
		skip "no $BENCH or no $DEV"
		i=$((i + 1))
	done
	exit 0
fi

bench default "$DEV"
bench depth-1 -d 1 -s 1 -c 1 "$DEV"
bench batches -d 64 -s 8 -c 4 "$DEV"
bench block-size -b 65536 "$DEV"
bench iopoll -p "$DEV"
bench sqpoll -S "$DEV"
bench sqpoll-cpu -C 0 "$DEV"
bench sqpoll-iopoll -S -p "$DEV"
bench fixed-buffers -B "$DEV"
bench fixed-files -F "$DEV"
bench everything -p -B -F "$DEV"
bench two-devices "$DEV" "$DEV"
bench nop --nop
# NVMe passthrough: the same namespace through its char device
if [ -c "$NG" ]; then
	bench passthrough -u "$NG"
	bench passthrough-everything -u -p -B -F "$NG"
	fails passthrough-block-device -u "$DEV"
else
	skip "bench passthrough: no $NG"
	skip "bench passthrough-everything: no $NG"
	skip "bench passthrough-block-device: no $NG"
fi

fails missing-device /dev/does-not-exist
fails bad-option --no-such-option "$DEV"
fails bad-number -d lots "$DEV"
fails not-a-device /proc/version

if [ -d "$EXT4" ] && [ -x "$CP" ]; then
	src=$EXT4/cp-src dst=$EXT4/cp-dst
	# 256 MiB; 32 MiB on the (much slower) debug kernel
	mib=256
	grep -q kmemleak=on /proc/cmdline && mib=32
	dd if=/dev/urandom of=$src bs=1M count=$mib 2>/dev/null
	# an odd size exercises the short last block
	dd if=/dev/urandom bs=4099 count=1 2>/dev/null >>$src
	sync
	echo 3 >/proc/sys/vm/drop_caches
	"$CP" "$src" "$dst"
	rc=$?
	if [ $rc -eq 0 ] && cmp "$src" "$dst"; then
		ok "io_uring-cp of $mib MiB on ext4 compares equal"
	else
		not_ok "io_uring-cp of $mib MiB on ext4 (exit $rc)"
	fi
	# Three alternating runs each from a cold cache, medians reported.
	# A timing, not a verdict: TCG wall clocks are too noisy to assert on.
	cp_t= bb_t=
	for r in 1 2 3; do
		cp_t="$cp_t $(timed "$CP" "$src" "$dst")"
		bb_t="$bb_t $(timed cp "$src" "$dst")"
	done
	echo "# $mib MiB, cold cache, until on disk (median of 3):" \
		"io_uring-cp $(median $cp_t) s, busybox cp $(median $bb_t) s"
	# a source that cannot be read, a destination that cannot be made
	if "$CP" /does-not-exist "$dst" 2>/dev/null; then
		not_ok "io_uring-cp of a missing file succeeded"
	else
		ok "io_uring-cp of a missing file fails"
	fi
	rm -f "$src" "$dst"
else
	skip "no ext4 at $EXT4 or no $CP"
	skip "no ext4 at $EXT4 or no $CP"
fi
[ $failed -eq 0 ]
