# TAP helpers for the application scripts of tests/clients (sourced, not
# run; the guest has it as /usr/share/iou/tap.sh).  The script prints its
# own plan; $failed counts its failures.
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

# check NAME COMMAND...: one TAP line for the command's exit status, with
# the end of its output when it failed
check() {
	name=$1
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		not_ok "$name"
		echo "$out" | tail -n 20 | sed 's/^/# /'
	fi
}

# skip_all REASON: a plan of one skipped test, and the end of the script
skip_all() {
	echo "1..1"
	echo "ok 1 # SKIP $*"
	exit 0
}
