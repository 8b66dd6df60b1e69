# io_uring for Linux 6.1 (Debian's linux-source-6.1): build, boot, test.
#
#   make check           build the patched kernel, boot it, run the selftests
#                        (ONLY=name[,name] runs just those, e.g. ONLY=fixed,poll)
#   make run             build, boot, run io_uring-bench on the emulated NVMe disk
#   make check-debug     the same suite on a KASAN/lockdep/kmemleak kernel
#                        (without fio.sh, qemu.sh and plocate.sh, which make
#                        check runs; CI has no time for them twice)
#   make check-debug-all the same with those three clients too
#   make soak            fuzz (ours + trinity) and stress-ng for SOAK_S seconds
#                        (default 600) on the debug kernel; SEED=n varies seeds
#   make bench           our io_uring vs stock 6.1 (built from the unstripped
#                        base), libaio and psync under fio, with medians, CSV,
#                        Markdown and a chart in build/bench/MODE/;
#                        BENCH_MODE=icount counts instructions instead of
#                        wall time, BENCH_REPS=3 rounds, BENCH_S=3 s per row
#   make series          write the work as a mainline-style patch series
#                        (build/series/out: numbered patches and a cover
#                        letter) and check it: checkpatch --strict on every
#                        patch, git am on the stripped base, sparse and W=1
#   make series-build    the same, and build the kernel after every patch
#   make liburing        liburing 2.3's own regression suite alone on our
#                        kernel, with a table next to stock 6.1's result
#                        (make check runs it too, judged by
#                        tests/clients/liburing-expect.txt)
#   make liburing-stock  the same suite on stock 6.1 (same config); writes
#                        build/runs/stock-check/liburing-stock.txt, the
#                        file tests/clients/liburing-stock.txt comes from
#   make check-stripped  prove the stripped base has no io_uring (ENOSYS)
#   make clean           remove build/ (the download cache too)
#
# Everything lives in build/, which git ignores.

.PHONY: check check-debug check-debug-all check-runner run soak bench series series-build check-stripped \
	liburing liburing-stock \
	assemble kernel clean

# the guest's limit: the suite takes about 13 minutes under TCG
check:
	@scripts/guest-suite.sh ours check 1500

run:
	@scripts/guest-suite.sh ours run

check-debug:
	@scripts/guest-suite.sh debug check 3000

check-debug-all:
	@DEBUG_ALL=1 scripts/guest-suite.sh debug check 3600

SOAK_S ?= 600
SEED ?= 1
soak:
	@GUEST_APPEND="iou_soak=$(SOAK_S) iou_seed=$(SEED)" \
		scripts/guest-suite.sh debug soak $$(($(SOAK_S) + 900))

bench:
	@scripts/bench.sh

liburing:
	@ONLY=liburing.sh scripts/guest-suite.sh ours check 2400; rc=$$?; \
		python3 scripts/liburing-table.py build/runs/ours-check; exit $$rc

liburing-stock:
	@scripts/guest-suite.sh stock check 2400; rc=$$?; \
		python3 scripts/liburing-table.py build/runs/stock-check \
			--save build/runs/stock-check/liburing-stock.txt; exit $$rc

series:
	@scripts/series-check.sh

series-build:
	@scripts/series-check.sh build

check-runner:
	@scripts/check-runner.sh

check-stripped:
	@scripts/check-stripped.sh

assemble:
	@scripts/deps.sh && scripts/fetch-base.sh base && scripts/assemble.py

kernel: assemble
	@scripts/build-kernel.sh ours

clean:
	rm -rf build
