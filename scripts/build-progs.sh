#!/bin/sh
# Build the statically linked programs the guest runs.
#   build-progs.sh VARIANT OUTDIR
# ours/debug: installs the kernel's uapi headers, then builds the selftests
# (with their own kselftest Makefile) and tools/io_uring against them.
# stripped: only the ENOSYS probe.  stock: only liburing's suite.
set -eu
. "$(dirname "$0")/common.sh"

variant=$1 out=$2
rm -rf "$out"
mkdir -p "$out/tests" "$out/tools"
CFLAGS_G="-O2 -Wall -static"

# copy_libs PROG...: the shared libraries the programs need, at their own
# paths under root/ (the guest has none of its own)
copy_libs() {
	for lib in $(ldd "$@" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' |
		sort -u); do
		mkdir -p "$out/root$(dirname "$lib")"
		cp -L "$lib" "$out/root$lib"
	done
}

# liburing's regression suite: its programs (stripped) in /liburing with
# the list of known failures, and the runner in /tests
add_liburing() {
	"$TOP/scripts/fetch-liburing.sh"
	mkdir -p "$out/root/liburing"
	for t in "$BUILD"/liburing/src/test/*.t; do
		strip -o "$out/root/liburing/${t##*/}" "$t"
	done
	copy_libs "$out"/root/liburing/*.t
	cp "$TOP/tests/clients/liburing-expect.txt" "$out/root/liburing/expect.txt"
	cp "$TOP/tests/clients/liburing.sh" "$out/tests/"
}

case $variant in
stripped)
	gcc $CFLAGS_G -o "$out/tests/enosys" "$TOP/scripts/guest/enosys.c"
	exit 0
	;;
stock)
	# make liburing-stock: the suite alone, to compare against
	add_liburing
	exit 0
	;;
esac

src="$BUILD/src" obj="$BUILD/obj-$variant"
make -s -C "$src" O="$obj" headers_install >/dev/null
hdr="$obj/usr/include"
gcc $CFLAGS_G -isystem "$hdr" -o "$out/tests/syscalls_answer" "$TOP/scripts/guest/syscalls_answer.c"

st="$src/tools/testing/selftests/io_uring"
if [ -f "$st/Makefile" ]; then
	mkdir -p "$BUILD/progs-obj/selftests"
	make -s -C "$st" OUTPUT="$BUILD/progs-obj/selftests" KHDR_INCLUDES="-isystem $hdr" \
		LDLIBS="-static -lpthread" >"$BUILD/progs-obj.log" 2>&1 ||
		{ cat "$BUILD/progs-obj.log" >&2; die "building the selftests failed"; }
	grep -i 'warning' "$BUILD/progs-obj.log" >&2 || true
	lists=$(make -s -C "$st" --no-print-directory -f Makefile -f - print-tests <<'MK'
print-tests:
	@echo "$(TEST_GEN_PROGS)|$(TEST_PROGS)"
MK
	)
	# lib.mk prefixes the names with a directory when make is not nested
	for t in ${lists%%|*}; do
		cp "$BUILD/progs-obj/selftests/${t##*/}" "$out/tests/"
	done
	for t in ${lists#*|}; do
		cp "$st/${t##*/}" "$out/tests/"
	done
fi
if [ -f "$src/tools/io_uring/Makefile" ]; then
	make -s -C "$src/tools/io_uring" KHDR_INCLUDES="-isystem $hdr" LDFLAGS=-static \
		>"$BUILD/progs-tools.log" 2>&1 ||
		{ cat "$BUILD/progs-tools.log" >&2; die "building tools/io_uring failed"; }
	for t in io_uring-bench io_uring-cp; do
		cp "$src/tools/io_uring/$t" "$out/tools/"
	done
fi

# Clients: programs built unmodified against Debian's liburing-dev, and
# Debian's fio with the shared libraries it needs.
clients="$TOP/tests/clients"
for c in "$clients"/*.c; do
	gcc $CFLAGS_G -D_GNU_SOURCE -o "$out/tests/$(basename "$c" .c)" "$c" -luring
done
cp "$clients/fio.sh" "$out/tests/"
add_liburing
# trinity and stress-ng, bounded; the soak suite runs them longer
cp "$TOP/tests/reliability/trinity.sh" "$TOP/tests/reliability/stress-ng.sh" "$out/tests/"

# The benchmark's guest side (scripts/bench.sh), outside /tests so that
# the check suite does not run it
mkdir -p "$out/root/bench"
gcc $CFLAGS_G -isystem "$hdr" -o "$out/root/bench/ringmem" "$TOP/tests/bench/ringmem.c"
cp "$TOP/tests/bench/bench.sh" "$out/root/bench/"

# A Debian program and the shared libraries it needs, at their own paths.
copy_with_libs() {
	bin=$(command -v "$1") || { msg "no $1 on this machine: its tests will skip"; return 0; }
	mkdir -p "$out/root/bin"
	cp "$bin" "$out/root/bin/$1"
	copy_libs "$bin"
}
# fio for the client tests; trinity and stress-ng for the reliability ones
for p in fio trinity stress-ng; do
	copy_with_libs "$p"
done

# The applications (tests/clients/{mariadb,qemu,plocate}.sh) at their own
# paths, as their scripts and compiled-in paths expect them, with strace
# to count their io_uring calls.
copy_at_path() {
	for bin in "$@"; do
		[ -e "$bin" ] || { msg "no $bin on this machine: its tests will skip"; continue; }
		mkdir -p "$out/root$(dirname "$bin")"
		cp -L "$bin" "$out/root$bin"
		# scripts (mariadb-install-db) have no libraries of their own
		head -c 2 "$bin" | grep -q '#!' || copy_libs "$bin"
	done
}
copy_at_path /usr/sbin/mariadbd /usr/bin/mariadb-install-db /usr/bin/my_print_defaults \
	/usr/bin/resolveip /usr/bin/mariadb /usr/bin/mariadb-slap /usr/bin/mariadb-admin \
	/usr/bin/qemu-img /usr/bin/qemu-io /usr/bin/plocate /usr/sbin/updatedb.plocate \
	/usr/bin/strace
if [ -d /usr/share/mysql ]; then
	# the SQL that creates the system tables, the English messages, charsets
	mkdir -p "$out/root/usr/share/mysql"
	cp -a /usr/share/mysql/*.sql /usr/share/mysql/english /usr/share/mysql/charsets \
		"$out/root/usr/share/mysql/"
fi
for c in mariadb qemu plocate; do
	cp "$clients/$c.sh" "$out/tests/"
done
mkdir -p "$out/root/usr/share/iou"
cp "$clients/tap.sh" "$out/root/usr/share/iou/"
exit 0
