#!/bin/sh
# liburing 2.3's own regression suite (Debian's source, built unmodified by
# scripts/fetch-liburing.sh) run as liburing's runner does: every program
# with no argument (or the device it takes, as liburing's TEST_FILES would
# give it), a time limit each, exit 77 meaning "skip".  The working
# directory is on ext4 on NVMe and lo is up.  TAP output, one line per
# program.
#
# /liburing/expect.txt names the programs known to fail, each with why:
#   todo   we lack the feature or differ from 6.1: "not ok ... # TODO";
#   hang   the same, and it hangs until killed: it gets 10 s, not 60;
#   slow   it passes, but needs more than 60 s under TCG: it gets 300 s;
#   stock  it fails on stock 6.1 too, on this config: reported as a skip.
# A program on neither list must pass (or skip).  A hang is a failure.
# iou_liburing=a,b,... on the kernel command line runs only those;
# iou_liburing_repeat=N runs each of them N times (to chase a flaky one).
DIR=${LIBURING_DIR:-/liburing}
LIMIT=${LIBURING_TIMEOUT:-60}
[ -n "${IOU_LIBURING_ONLY:-}" ] || IOU_LIBURING_ONLY=$(sed -n 's/.*iou_liburing=\([^ ]*\).*/\1/p' /proc/cmdline 2>/dev/null)

echo "TAP version 13"
if [ ! -d "$DIR" ] || ! ls "$DIR"/*.t >/dev/null 2>&1; then
	echo "1..1"
	echo "ok 1 # SKIP no liburing test programs in this guest"
	exit 0
fi

# expected NAME: print "KIND REASON" for a listed program, nothing otherwise
expected() {
	sed -n "s/^$1[[:space:]]\{1,\}\([a-z]*\)[[:space:]]\{1,\}\(.*\)$/\1 \2/p" \
		"$DIR/expect.txt" 2>/dev/null | head -n 1
}

# device NAME: the device a program takes, if this guest has it: the NVMe
# passthrough test gets the scratch disk's namespace, through its char device
device() {
	case $1 in
	io_uring_passthrough) [ -c /dev/ng0n1 ] && echo /dev/ng0n1 ;;
	esac
}

# now: seconds since boot; the wall clock may jump under TCG
now() {
	cut -d. -f1 /proc/uptime
}

# alive PID: the process exists and is not a zombie.  The stat line is read
# once: the shell reaps the program (waiting for any child) while it runs
# other commands, so the file can vanish between two looks at it, and a
# read that fails must mean "gone", not "alive".
alive() {
	_st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	case $_st in
	"" | *") Z "*) return 1 ;;
	esac
	return 0
}

# unkillable PID: say where its threads are stuck, in the TAP output and
# (all blocked tasks, with stacks) in the kernel log
unkillable() {
	for t in /proc/"$1"/task/*; do
		echo "# stuck: task ${t##*/} $(cut -d' ' -f3 "$t/stat") in $(cat "$t/wchan" 2>/dev/null)"
	done
	[ -w /proc/sysrq-trigger ] && echo w >/proc/sysrq-trigger
}

ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up 2>/dev/null
work=/mnt/ext4/liburing
grep -q ' /mnt/ext4 ext4 ' /proc/mounts || work=/tmp/liburing
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
echo "# working directory: $work ($(stat -f -c %T .))"

progs=
for t in "$DIR"/*.t; do
	name=$(basename "$t" .t)
	case ",${IOU_LIBURING_ONLY:-$name}," in
	*",$name,"*) progs="$progs $name" ;;
	esac
done
repeat=$(sed -n 's/.*iou_liburing_repeat=\([0-9]*\).*/\1/p' /proc/cmdline 2>/dev/null)
all=$progs
while [ "${repeat:-1}" -gt 1 ]; do
	all="$all $progs"
	repeat=$((repeat - 1))
done
set -- $all
echo "1..$#"
n=0
for name in "$@"; do
	n=$((n + 1))
	echo "io_uring-guest: liburing $name" >/dev/kmsg 2>/dev/null
	exp=$(expected "$name")
	kind=${exp%% *}
	why=${exp#* }
	limit=$LIMIT
	[ "$kind" = hang ] && limit=10
	[ "$kind" = slow ] && limit=300
	start=$(now)
	# busybox's timeout execs the program: $! is the program itself
	timeout -s INT -k 5 "$limit" "$DIR/$name.t" $(device "$name") >"$work/.out" 2>&1 </dev/null &
	pid=$!
	while alive "$pid" && [ $(($(now) - start)) -lt $((limit + 20)) ]; do
		sleep 0.1
	done
	if alive "$pid"; then
		# SIGKILL did not end it: it is stuck in the kernel
		unkillable "$pid"
		rc=137
	else
		wait "$pid"
		rc=$?
	fi
	took=$(($(now) - start))
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ "$took" -ge $((limit + 20)) ]; then
		verdict="unkillable: still there $((took - limit)) s after SIGKILL"
	elif [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ "$took" -ge "$limit" ]; then
		verdict="hung (killed after $limit s)"
	elif [ "$rc" -eq 0 ]; then
		verdict=pass
	elif [ "$rc" -eq 77 ]; then
		verdict=skip
	else
		verdict="exit $rc"
	fi
	case $verdict:$kind in
	pass:todo | pass:hang)
		echo "ok $n $name # TODO passes now, take it off expect.txt: $why" ;;
	pass:*)
		echo "ok $n $name (${took} s)" ;;
	skip:*)
		echo "ok $n $name # SKIP the program skipped: $(tail -n 1 "$work/.out")" ;;
	*:stock)
		echo "ok $n $name # SKIP fails on stock 6.1 too ($verdict): $why" ;;
	*:todo | *:hang)
		echo "not ok $n $name # TODO $verdict: $why"
		tail -n 5 "$work/.out" | sed 's/^/# /' ;;
	*)
		echo "not ok $n $name: $verdict"
		tail -n 15 "$work/.out" | sed 's/^/# /' ;;
	esac
	# what a program left behind is not the next one's business
	cd / && rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
done
