#!/bin/sh
# Regenerate one patch of the series from the build tree.
#
#   refresh-patch.sh patches/NNNN-subject.patch [FILE...]
#
# Edit the existing kernel files in build/src, then run this: the patch is
# rewritten as the diff between the stripped base and build/src for the files
# it already touches (plus any FILE given).  The header above the first
# 'diff' line (subject, reason, Signed-off-by) is kept.
set -eu
. "$(dirname "$0")/common.sh"

patch=$1
shift
base="$BUILD/base" src="$BUILD/src"
files=$( { [ -f "$patch" ] && sed -n 's|^+++ b/\([^\t]*\).*|\1|p' "$patch"; for f in "$@"; do echo "$f"; done; } | sort -u)
[ -n "$files" ] || die "no files to diff"
tmp=$(mktemp)
if [ -f "$patch" ]; then
	sed '/^diff /,$d' "$patch" >"$tmp"
fi
for f in $files; do
	echo "diff -u a/$f b/$f" >>"$tmp"
	(cd "$BUILD" && diff -u --label "a/$f" --label "b/$f" "base/$f" "src/$f") >>"$tmp" || true
done
mv "$tmp" "$patch"
msg "rewrote $patch ($(echo $files | wc -w) files)"
