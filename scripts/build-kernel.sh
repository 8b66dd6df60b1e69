#!/bin/sh
# Build a guest kernel.
#
#   build-kernel.sh ours     base + our series        -> $BUILD/obj-ours
#   build-kernel.sh debug    ours + configs/debug.config -> $BUILD/obj-debug
#   build-kernel.sh stripped the stripped base alone  -> $BUILD/obj-stripped
#   build-kernel.sh stock    the pristine 6.1 tree    -> $BUILD/obj-stock
#   build-kernel.sh series   the patch series' git tree (scripts/series.py)
#                            at whatever it has checked out -> $BUILD/obj-series
#
# The .config is regenerated (tinyconfig + fragments) only when a fragment
# changed; the build itself is incremental and goes through ccache.
set -eu
. "$(dirname "$0")/common.sh"

variant=${1:-ours}
frags="$TOP/configs/guest.config"
case $variant in
ours)     src="$BUILD/src" ;;
debug)    src="$BUILD/src"; frags="$frags $TOP/configs/debug.config" ;;
stripped) src="$BUILD/base" ;;
stock)    src="$BUILD/stock" ;;
series)   src="$BUILD/series/tree" ;;
*)        die "unknown kernel variant '$variant'" ;;
esac
[ -f "$src/Makefile" ] || die "$src: no kernel tree (run the assemble/fetch step first)"

obj="$BUILD/obj-$variant"
mkdir -p "$obj"
export CCACHE_DIR="${CCACHE_DIR:-$BUILD/ccache}"
export CCACHE_BASEDIR="$BUILD"
export KBUILD_BUILD_TIMESTAMP='2026-01-01'
export KBUILD_BUILD_USER=io_uring KBUILD_BUILD_HOST=guest
MAKE="make -s -C $src O=$obj CC=ccache\ gcc"

stamp=$(cat $frags | sha1sum | cut -c1-12)
if [ ! -f "$obj/.config" ] || [ "$(cat "$obj/.frag-stamp" 2>/dev/null)" != "$stamp" ]; then
	msg "configuring $variant kernel (tinyconfig + $(echo $frags | sed "s|$TOP/||g"))"
	make -s -C "$src" O="$obj" tinyconfig >/dev/null
	(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" $frags) \
		>"$obj/merge.log" 2>&1 || { cat "$obj/merge.log" >&2; die "merge_config failed"; }
	make -s -C "$src" O="$obj" olddefconfig >/dev/null
	echo "$stamp" >"$obj/.frag-stamp"
	# Options whose dependencies are missing vanish silently: say so.
	for f in $frags; do
		grep '^CONFIG_[A-Z0-9_]*=' "$f" | while IFS= read -r line; do
			grep -qx "$line" "$obj/.config" || {
				case "$variant:$line" in
				stripped:CONFIG_IO_URING=y) ;;
				*) msg "note: $line did not stick in the $variant config" ;;
				esac
			}
		done
	done
fi

msg "building $variant kernel in $obj (first build ~20 min on 2 cores, incremental seconds)"
log="$obj/build.log"
start=$(date +%s)
rm -f "$obj/.rc"
( set +e; make -C "$src" O="$obj" CC="ccache gcc" -j"$JOBS" bzImage >"$log" 2>&1; echo $? >"$obj/.rc" ) &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	sleep 15
	kill -0 "$pid" 2>/dev/null || break
	n=$(grep -c '^  CC ' "$log" 2>/dev/null || true)
	msg "  ... $variant: $n files compiled, $(($(date +%s) - start)) s"
done
wait "$pid" || true
rc=$(cat "$obj/.rc" 2>/dev/null || echo 1)
if [ "$rc" != 0 ]; then
	grep -E 'error|Error' "$log" | head -30 >&2
	die "kernel build failed (log: $log)"
fi
grep -E '(warning|error):' "$log" >&2 || true
msg "built $obj/arch/x86/boot/bzImage in $(($(date +%s) - start)) s"
