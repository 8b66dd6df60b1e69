#!/bin/sh
# Fetch Debian's liburing source package and build its regression suite,
# unmodified, with liburing linked in statically, into $BUILD/liburing/src/test/*.t.
#
# The package comes from the archive's deb-src index, read through a private
# apt state directory, so the machine's apt sources are left alone.  The
# build is a cache: it is redone only when the version changes.
set -eu
. "$(dirname "$0")/common.sh"

dir="$BUILD/liburing"
ver=$LIBURING_VERSION
if [ "$(cat "$dir/.built" 2>/dev/null)" = "$ver" ]; then
	exit 0
fi
rm -rf "$dir"
mkdir -p "$dir/apt/lists/partial"
echo "deb-src http://deb.debian.org/debian bookworm main" >"$dir/apt/sources.list"
apt_src() {
	apt-get -o Dir::Etc::SourceList="$dir/apt/sources.list" \
		-o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::State::Lists="$dir/apt/lists" "$@"
}
msg "downloading the liburing $ver source package"
log="$dir/fetch.log"
(apt_src update && cd "$dir" && apt_src source --download-only "liburing=$ver") \
	>"$log" 2>&1 || { tail -20 "$log" >&2; die "fetching liburing $ver failed (log: $log)"; }
dpkg-source -x --no-check "$dir"/liburing_"$ver".dsc "$dir/src" >>"$log" 2>&1 ||
	{ tail -20 "$log" >&2; die "unpacking liburing failed (log: $log)"; }

msg "building liburing $ver and its test suite (about 1 min)"
# liburing itself linked in statically, glibc shared: 145 fully static
# programs would put 125 MB into every guest's initramfs.
(cd "$dir/src" && ./configure && make -C src -j"$JOBS" && rm -f src/liburing*.so* &&
	make -C test -j"$JOBS") >"$dir/build.log" 2>&1 ||
	{ tail -20 "$dir/build.log" >&2; die "building liburing's tests failed (log: $dir/build.log)"; }
msg "built $(ls "$dir"/src/test/*.t | wc -l) liburing test programs"
echo "$ver" >"$dir/.built"
