#!/bin/sh
# Write the patch series and check it (make series, make series-build).
#
#   series-check.sh          write build/series/out (scripts/series.py), then:
#                            - checkpatch --strict on every patch: 0 errors,
#                              0 warnings;
#                            - git am of the patches on the stripped base (a
#                              branch from the tag 'base') gives the series'
#                              tree exactly;
#                            - sparse (C=2) and W=1 on fs/io_uring.c of the
#                              last patch: no warnings
#   series-check.sh build    the same, and the guest kernel is built after
#                            every patch of the series (about 1 min a patch
#                            once the first build is done)
#
# Ends with 'N passed, N failed', one test a patch and check.
set -eu
. "$(dirname "$0")/common.sh"

mode=${1:-}
"$TOP/scripts/deps.sh"
[ -f "$BUILD/base/.stripped" ] || "$TOP/scripts/fetch-base.sh" base

python3 "$TOP/scripts/series.py" build

# git am runs in the generator's repository, on its own branch: the kernel
# is always built from this one path, so builds stay incremental.
out="$BUILD/series/out" am="$BUILD/series/tree"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
notok() { fail=$((fail + 1)); echo "not ok - $*"; }

# checkpatch reads the tree it lives in for its spelling and const lists.
# It runs $JOBS patches at a time (each into its own file), and the
# verdicts are then read in order.
msg "checkpatch --strict on each patch ($JOBS at a time)"
cpout="$BUILD/series/checkpatch"
rm -rf "$cpout"
mkdir -p "$cpout"
patches=$(ls "$out"/0*.patch | grep -v '/0000-cover-letter\.patch$')
# PATH: spdxcheck.py wants the python3 that has Debian's python3-ply
echo "$patches" |
	(cd "$am" && PATH=/usr/bin:$PATH xargs -P "$JOBS" -n 1 sh -c \
		'perl scripts/checkpatch.pl --strict --no-summary --terse --show-types \
			"$1" >"$0/${1##*/}.txt" 2>&1 || true' "$cpout")
for p in $patches; do
	name=$(basename "$p")
	all=$(cat "$cpout/$name.txt" 2>/dev/null ||
		echo "$name: ERROR:NO_OUTPUT: checkpatch left no output")
	# errors and warnings fail, less the kept ones; CHECKs are shown
	slug=$(awk -v n="$name" '$1 == n { print $2 }' "$out/.slugs")
	kept=$(awk -v s="$slug" '$1 == s { printf "|%s", $2 }' "$TOP/series/checkpatch-exceptions")
	res=$(echo "$all" | grep -E ': (ERROR|WARNING):' |
		grep -vE ": (ERROR|WARNING):(-$kept):" || true)
	echo "$all" | grep -E ': CHECK:' | sed 's/^/#   (check) /' || true
	if [ -z "$res" ]; then
		ok "checkpatch $name"
	else
		echo "$res" | sed 's/^/#   /'
		notok "checkpatch $name"
	fi
done

msg "git am of the series on the stripped base"
git -C "$am" checkout -q -f -B am base
if git -C "$am" -c user.name=am -c user.email=am@localhost am -q \
	$patches >"$BUILD/series/am.log" 2>&1 &&
	[ "$(git -C "$am" rev-parse 'HEAD^{tree}')" = "$(git -C "$am" rev-parse 'series^{tree}')" ]; then
	ok "git am applies the series and gives the series' tree"
else
	sed 's/^/#   /' "$BUILD/series/am.log"
	notok "git am applies the series and gives the series' tree"
fi

build_at() {
	# $1: commit in $am; builds the guest kernel from that tree
	git -C "$am" checkout -q "$1"
	"$TOP/scripts/build-kernel.sh" series >"$BUILD/series/build.log" 2>&1
}

if [ "$mode" = build ]; then
	n=$(git -C "$am" rev-list --count base..am)
	i=0
	for c in $(git -C "$am" rev-list --reverse base..am); do
		i=$((i + 1))
		subject=$(git -C "$am" log -1 --format=%s "$c")
		msg "[$i/$n] building after: $subject"
		if build_at "$c"; then
			ok "kernel builds after patch $i: $subject"
		else
			tail -30 "$BUILD/series/build.log" | sed 's/^/#   /'
			notok "kernel builds after patch $i: $subject"
		fi
	done
	git -C "$am" checkout -q am
fi

# sparse and W=1 on the last patch's fs/io_uring.c, in the tree the series
# ends at (the same as the working tree's, which series.py checked)
msg "sparse (C=2) and W=1 on fs/io_uring.c"
src=$am obj=$BUILD/obj-series
if [ "$mode" != build ]; then
	if [ -f "$BUILD/obj-ours/.config" ]; then
		# the tree make check built: the same files (series.py checked)
		python3 "$TOP/scripts/assemble.py"
		src=$BUILD/src obj=$BUILD/obj-ours
	else
		git -C "$am" checkout -q am
		build_at am || true
	fi
fi
res=$(make -s -C "$src" O="$obj" CC="ccache gcc" C=2 W=1 fs/io_uring.o 2>&1) || true
if [ -z "$res" ]; then
	ok "sparse and W=1 clean: fs/io_uring.c"
else
	echo "$res" | sed 's/^/#   /'
	notok "sparse and W=1 clean: fs/io_uring.c"
fi

echo "series: $(ls "$out"/0*.patch | wc -l) files in ${out#"$TOP"/} (cover letter included)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
