#!/bin/sh
# plocate (Debian's 1.1, unmodified) on our io_uring: updatedb over the
# guest's root, then searches whose results must equal find's; once with
# io_uring and once with kernel.io_uring_disabled=2, when plocate falls
# back to synchronous reads, with the same results.  plocate falls back
# silently, so strace counts its io_uring_enter() calls: with rings they
# must be there.  TAP output.
DB=/tmp/plocate.db
PRUNE="/proc /sys /dev /tmp /mnt"
PATTERNS="liburing io_uring bin/ .so share/mysql/english/ s"
. "${TAP_LIB:-/usr/share/iou/tap.sh}"

# What updatedb indexes: everything under / but the root itself, and the
# pruned directories' own entries but nothing under them.
find_all() {
	set --
	for p in $PRUNE; do
		[ $# -gt 0 ] && set -- "$@" -o
		set -- "$@" -path "$p"
	done
	find / -mindepth 1 \( "$@" \) -prune -print -o -print
}

# searches LABEL: each pattern's matches against find's
searches() {
	for p in $PATTERNS; do
		plocate -d $DB "$p" | sort >/tmp/plocate.out
		grep -F -- "$p" /tmp/find.out >/tmp/find.match
		if cmp -s /tmp/plocate.out /tmp/find.match; then
			ok "$1: '$p' finds what find does ($(wc -l </tmp/find.match) paths)"
		else
			not_ok "$1: '$p' finds what find does"
			diff /tmp/find.match /tmp/plocate.out | head -n 10 | sed 's/^/# /'
		fi
	done
}

# The number of io_uring_enter() calls of one search, by strace.
enters() {
	strace -f -qq -e trace=io_uring_setup,io_uring_enter -o /tmp/plocate.strace \
		plocate -d $DB "$1" >/dev/null 2>&1
	grep -c '^[0-9]* *io_uring_enter(' /tmp/plocate.strace
}

echo "TAP version 13"
if ! command -v plocate >/dev/null || ! command -v updatedb.plocate >/dev/null; then
	skip_all "no plocate in this guest"
fi
echo "1..15"
if out=$(updatedb.plocate -o $DB -U / --prunefs "" --prunenames "" \
	--prunepaths "$PRUNE" -l no 2>&1); then
	ok "updatedb indexes the guest's root"
else
	not_ok "updatedb indexes the guest's root"
	echo "$out" | sed 's/^/# /'
fi
find_all | sort >/tmp/find.out
searches "io_uring"
if ! command -v strace >/dev/null; then
	ok "# SKIP no strace in this guest to count plocate's io_uring_enter() calls"
else
	e=$(enters liburing)
	if [ "${e:-0}" -gt 0 ]; then
		ok "a search reads through io_uring ($e io_uring_enter calls)"
	else
		not_ok "a search reads through io_uring (no io_uring_enter call)"
		head -n 5 /tmp/plocate.strace | sed 's/^/# /'
	fi
fi

if echo 2 2>/dev/null >/proc/sys/kernel/io_uring_disabled &&
	[ "$(cat /proc/sys/kernel/io_uring_disabled)" = 2 ]; then
	searches "io_uring_disabled=2"
	if command -v strace >/dev/null && [ "$(enters liburing)" = 0 ] &&
		grep -q 'io_uring_setup(.*EPERM' /tmp/plocate.strace; then
		ok "with io_uring_disabled=2 plocate reads without io_uring"
	elif command -v strace >/dev/null; then
		not_ok "with io_uring_disabled=2 plocate reads without io_uring"
		head -n 5 /tmp/plocate.strace | sed 's/^/# /'
	else
		ok "# SKIP no strace in this guest"
	fi
	echo 0 >/proc/sys/kernel/io_uring_disabled
else
	for t in 1 2 3 4 5 6 7; do ok "# SKIP this kernel has no kernel.io_uring_disabled"; done
fi
rm -f $DB /tmp/plocate.out /tmp/plocate.strace /tmp/find.out /tmp/find.match
[ $failed -eq 0 ]
