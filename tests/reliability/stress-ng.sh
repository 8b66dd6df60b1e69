#!/bin/sh
# stress-ng's io-uring stressor (Debian) for a bounded time, two workers,
# on ext4 when there is one.  TAP.   IOU_STRESS_S  seconds (default 20)
#
# Debian 12's stress-ng (0.15) gives up after five failed completions.
# Two kinds are expected of any kernel, and are all a run may have:
#  - -EINVAL for an opcode this kernel does not offer (none today);
#  - -ENOENT for STATX: stress-ng 0.15 unlinks its file right after
#    opening it, then asks STATX about it by name (later versions use
#    the fd), which 6.1 answers with -ENOENT too.
# So it runs again and again until the time is up.
secs=${IOU_STRESS_S:-20}
dir=/mnt/ext4
[ -d $dir ] || dir=/tmp
echo "TAP version 13"
echo "1..1"
if ! command -v stress-ng >/dev/null; then
	echo "ok 1 # SKIP stress-ng is not installed on the host that built the guest"
	exit 0
fi
# the opcodes this kernel offers (IORING_REGISTER_PROBE says the same)
offered=" 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 "
end=$(($(cut -d. -f1 /proc/uptime) + secs))
runs=0 ops=0 bad=0
while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
	stress-ng --io-uring 2 --timeout "${secs}s" --temp-path "$dir" --metrics-brief \
		>/tmp/stress-ng.out 2>&1
	runs=$((runs + 1))
	n=$(awk '/metrc:.*io-uring/ { print $5 }' /tmp/stress-ng.out)
	ops=$((ops + ${n:-0}))
	# any failure but the two expected kinds counts, as does an -EINVAL
	# from an opcode we offer
	if grep 'fail:' /tmp/stress-ng.out |
	   grep -v "opcode=\([0-9]*\) (IORING_OP_[A-Z_]*), error=22 " |
	   grep -v "opcode=21 (IORING_OP_STATX), error=2 " |
	   grep -q . ||
	   grep 'fail:' /tmp/stress-ng.out | grep "error=22 " |
	   sed -n 's/.*opcode=\([0-9]*\) .*/\1/p' |
	   while read -r op; do
		case $offered in *" $op "*) echo "$op" ;; esac
	   done | grep -q .; then
		bad=$((bad + 1))
		sed 's/^/# /' /tmp/stress-ng.out
	fi
done
unsupported=$(grep 'error=22 ' /tmp/stress-ng.out |
	grep -o 'opcode=[0-9]* (IORING_OP_[A-Z_]*)' | sort -u |
	sed 's/.*(\(.*\))/\1/' | tr '\n' ' ')
echo "# $runs runs in $secs s; opcodes answered -EINVAL (not offered): ${unsupported:-none}"
if [ $bad -eq 0 ] && [ $ops -gt 0 ]; then
	echo "ok 1 stress-ng --io-uring 2: $runs runs, $ops bogo ops"
else
	echo "not ok 1 stress-ng: $bad of $runs runs failed otherwise ($ops bogo ops)"
	exit 1
fi
