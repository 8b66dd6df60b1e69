# io_uring for Linux 6.1 (Debian's linux-source-6.1): build, boot, test.
#
#   make check           build the patched kernel, boot it, run the selftests
#                        (ONLY=name[,name] runs just those, e.g. ONLY=fixed,poll)
#   make run             build, boot, run io_uring-bench on the emulated NVMe disk
#   make check-debug     the same suite on a KASAN/lockdep/kmemleak kernel
#   make check-stripped  prove the stripped base has no io_uring (ENOSYS)
#   make clean           remove build/ (the download cache too)
#
# Everything lives in build/, which git ignores.

.PHONY: check check-debug check-runner run check-stripped assemble kernel clean

check:
	@scripts/guest-suite.sh ours check

run:
	@scripts/guest-suite.sh ours run

check-debug:
	@scripts/guest-suite.sh debug check 3000

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
