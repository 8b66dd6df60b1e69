#!/bin/sh
# Build everything a suite needs, boot it, and judge the result.
#
#   guest-suite.sh VARIANT SUITE [TIMEOUT_S]
#
# VARIANT: ours | debug | stripped | stock (liburing's suite only).  SUITE: check | run | enosys.
# The last line printed is 'N passed, N failed' (', N skipped'); the exit
# status is non-zero on any failure.
set -eu
. "$(dirname "$0")/common.sh"

variant=$1 suite=$2 limit=${3:-900}
S="$TOP/scripts"
start=$(date +%s)

"$S/deps.sh"
"$S/fetch-base.sh" base
case $variant in
stripped) ;;
stock) "$S/fetch-base.sh" stock ;;
*) python3 "$S/assemble.py" ;;
esac
"$S/build-kernel.sh" "$variant"
msg "building guest programs"
progs="$BUILD/progs-$variant"
"$S/build-progs.sh" "$variant" "$progs"
initrd="$BUILD/guest/initrd-$variant.cpio.gz"
"$S/mkinitramfs.sh" "$progs" "$initrd"

out="$BUILD/runs/$variant-$suite"
[ -n "${ONLY:-}" ] && export GUEST_APPEND="${GUEST_APPEND:-} iou_only=$ONLY"
# Under TCG the soft-lockup watchdog fires falsely on a slow debug kernel.
[ "$variant" = debug ] &&
	export GUEST_APPEND="${GUEST_APPEND:-} kmemleak=on watchdog_thresh=60 hung_task_timeout_secs=600"
# liburing's suite on the debug kernel: the subset that tests/clients/liburing-debug.txt names
[ "$variant" = debug ] && [ -z "${LIBURING_ALL:-}" ] &&
	export GUEST_APPEND="${GUEST_APPEND:-} iou_liburing=$(grep -v '^#' "$TOP/tests/clients/liburing-debug.txt" | paste -sd, -)"
# Three clients add little on the debug kernel that the selftests,
# liburing's subset and mariadb.sh do not, and CI has no minute to spare:
# make check runs them on the plain kernel, and DEBUG_ALL=1 (make
# check-debug-all, or naming one in ONLY) keeps them on the debug kernel.
[ "$variant" = debug ] && [ -z "${DEBUG_ALL:-}${ONLY:-}" ] &&
	export GUEST_APPEND="${GUEST_APPEND:-} iou_skip=plocate.sh,fio.sh,qemu.sh"
msg "booting the $variant kernel, suite '$suite' (log: $out)"
set +e
"$S/run-guest.sh" "$BUILD/obj-$variant/arch/x86/boot/bzImage" "$initrd" "$suite" "$out" "$limit" &
qpid=$!
# A progress line while the guest runs.
while kill -0 $qpid 2>/dev/null; do
	sleep 10
	kill -0 $qpid 2>/dev/null || break
	last=$(grep '^### begin' "$out/tap.log" 2>/dev/null | tail -n1 | cut -c11-)
	msg "  ... guest running ${last:+(now: $last) }$(($(date +%s) - start)) s"
done
wait $qpid
rc=$?
set -e

[ "$suite" = run ] && grep -v '^###' "$out/tap.log" 2>/dev/null || true
expect=
[ "$suite" = enosys ] && expect="--expect enosys"
# what ONLY names must have run
[ -n "${ONLY:-}" ] && expect="--expect $(echo "$ONLY" | tr , ' ')"
msg "done in $(($(date +%s) - start)) s"
exec python3 "$S/results.py" "$out" --guest-rc "$rc" $expect
