#!/bin/sh
# Check that the runner itself turns red: a failing test, a guest panic and
# a guest hang must each give a non-zero exit and a printed reason.  Uses
# the already built kernel (run 'make check' first).
set -eu
. "$(dirname "$0")/common.sh"

kernel="$BUILD/obj-ours/arch/x86/boot/bzImage"
[ -f "$kernel" ] || die "no kernel at $kernel: run 'make check' first"
progs="$BUILD/progs-runner"
rm -rf "$progs"
mkdir -p "$progs/tests"
cat >"$progs/tests/failing" <<'T'
#!/bin/sh
echo "TAP version 13"
echo "1..2"
echo "ok 1 fine"
echo "not ok 2 deliberately broken"
exit 1
T
chmod +x "$progs/tests/failing"
initrd="$BUILD/guest/initrd-runner.cpio.gz"
"$TOP/scripts/mkinitramfs.sh" "$progs" "$initrd"

pass=0 fail=0
expect_red() {
	what=$1 suite=$2 limit=$3 reason=$4
	out="$BUILD/runs/runner-$what"
	set +e
	"$TOP/scripts/run-guest.sh" "$kernel" "$initrd" "$suite" "$out" "$limit" 2>/dev/null
	rc=$?
	verdict=$(python3 "$TOP/scripts/results.py" "$out" --guest-rc "$rc")
	vrc=$?
	set -e
	if [ $vrc -ne 0 ] && echo "$verdict" | grep -q "$reason"; then
		echo "ok - $what turns the run red ($reason)"
		pass=$((pass + 1))
	else
		echo "not ok - $what did not turn the run red as expected:"
		echo "$verdict" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
}
expect_red failing-test check 120 "deliberately broken"
expect_red panic runner-panic 120 "did not finish"
expect_red hang runner-hang 30 "hung; killed"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
