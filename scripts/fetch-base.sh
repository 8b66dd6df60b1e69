#!/bin/sh
# Fetch Debian's linux-source-6.1, extract it once, and strip io_uring out.
#
#   fetch-base.sh          -> $BUILD/base   (stripped: no io_uring at all)
#   fetch-base.sh stock    -> $BUILD/stock  (pristine upstream, for benchmarks)
#
# Both are caches: they are rebuilt only when the package version or the
# strip script changes.
set -eu
. "$(dirname "$0")/common.sh"

what=${1:-base}
mkdir -p "$BUILD/dl"

fetch_deb() {
	deb=$(ls "$BUILD"/dl/${BASE_PKG}_*_all.deb 2>/dev/null | head -n1 || true)
	[ -n "$deb" ] && return 0
	msg "downloading $BASE_PKG $BASE_VERSION"
	if ! (cd "$BUILD/dl" && apt-get download "$BASE_PKG=$BASE_VERSION") >"$BUILD/dl/log" 2>&1; then
		msg "$BASE_PKG $BASE_VERSION is not in the archive any more;" \
		    "falling back to the current version"
		(cd "$BUILD/dl" && { apt-get download "$BASE_PKG" ||
			{ apt-get update && apt-get download "$BASE_PKG"; }; }) \
			>>"$BUILD/dl/log" 2>&1 || { cat "$BUILD/dl/log" >&2; die "apt-get download failed"; }
	fi
	deb=$(ls "$BUILD"/dl/${BASE_PKG}_*_all.deb | head -n1)
	msg "using $(basename "$deb")"
}

# extract DEST: unpack the kernel tarball from the .deb into DEST
extract() {
	dest=$1
	tmp="$BUILD/tmp-extract"
	rm -rf "$tmp" "$dest"
	mkdir -p "$tmp"
	msg "extracting $(basename "$deb") into $dest (about 15 s)"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './usr/src/*.tar.xz'
	tar -xJf "$tmp"/usr/src/${BASE_PKG}.tar.xz -C "$tmp"
	mv "$tmp/$BASE_PKG" "$dest"
	rm -rf "$tmp"
}

fetch_deb
case $what in
base)
	stamp="$(basename "$deb") $(sha1sum "$TOP/scripts/strip-io_uring.py" | cut -c1-12)"
	if [ -f "$BUILD/base/.stripped" ] && [ "$(cat "$BUILD/base/.stripped")" = "$stamp" ]; then
		exit 0
	fi
	extract "$BUILD/base"
	msg "stripping upstream io_uring from the base"
	python3 "$TOP/scripts/strip-io_uring.py" "$BUILD/base"
	echo "$stamp" >"$BUILD/base/.stripped"
	;;
stock)
	stamp=$(basename "$deb")
	if [ -f "$BUILD/stock/.pristine" ] && [ "$(cat "$BUILD/stock/.pristine")" = "$stamp" ]; then
		exit 0
	fi
	extract "$BUILD/stock"
	echo "$stamp" >"$BUILD/stock/.pristine"
	;;
*)
	die "usage: fetch-base.sh [base|stock]"
	;;
esac
