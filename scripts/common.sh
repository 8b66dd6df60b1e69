# shellcheck shell=sh
# Shared paths and helpers for the build scripts.  Sourced, never run.

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
# The Debian source package we develop against; fetch-base.sh falls back to
# the archive's current version (and says so) when this one is gone.
BASE_PKG=linux-source-6.1
BASE_VERSION=${BASE_VERSION:-6.1.192-2}
# liburing's regression suite (scripts/fetch-liburing.sh): Debian 12's.
LIBURING_VERSION=${LIBURING_VERSION:-2.3-3}
JOBS=${JOBS:-$(($(nproc) + 1))}

msg() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The stripped base tree, extracted and stripped once.
base_dir() { echo "$BUILD/base"; }
# The pristine upstream tree (for the stock kernel in benchmarks).
stock_dir() { echo "$BUILD/stock"; }
