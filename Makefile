# io_uring for Linux 6.1 (Debian's linux-source-6.1): build, boot, test.
#
#   make check           build the patched kernel, boot it, run the selftests
#                        (ONLY=name[,name] runs just those, e.g. ONLY=fixed,poll)
#   make run             build, boot, run io_uring-bench on the emulated NVMe disk
#   make check-debug     the same suite on a KASAN/lockdep/kmemleak kernel
#   make soak            fuzz (ours + trinity) and stress-ng for SOAK_S seconds
#                        (default 600) on the debug kernel; SEED=n varies seeds
#   make check-stripped  prove the stripped base has no io_uring (ENOSYS)
#   make clean           remove build/ (the download cache too)
#
# Everything lives in build/, which git ignores.

.PHONY: check check-debug check-runner run soak check-stripped assemble kernel clean

check:
	@scripts/guest-suite.sh ours check

run:
	@scripts/guest-suite.sh ours run

check-debug:
	@scripts/guest-suite.sh debug check 3000

SOAK_S ?= 600
SEED ?= 1
soak:
	@GUEST_APPEND="iou_soak=$(SOAK_S) iou_seed=$(SEED)" \
		scripts/guest-suite.sh debug soak $$(($(SOAK_S) + 900))

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
