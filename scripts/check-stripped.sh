#!/bin/sh
# Prove that the stripped base has no io_uring at all:
#  1. no io_uring sources, headers, hooks, syscall entries or declarations
#     remain (only the comments listed below);
#  2. a kernel built from it answers the three syscalls with ENOSYS.
set -eu
. "$(dirname "$0")/common.sh"

"$TOP/scripts/deps.sh"
"$TOP/scripts/fetch-base.sh" base
base=$(base_dir)
msg "looking for io_uring leftovers in $base"
# What may stay: comments and strings that only mention io_uring, defconfigs
# that switch it off, driver names that merely contain 'io_wq', the audit
# record numbers (uapi), and the perf tool's private syscall tables.
left=$(cd "$base" && grep -rIn -E 'io_uring|IO_URING|io-wq|uring_cmd|\bIO_WQ\b|io_wq_work|io_is_uring' \
	--exclude-dir=Documentation --exclude-dir=.git . |
	grep -v -E '^\./(tools/perf/|arch/[a-z0-9]+/configs/)' |
	grep -v -E '^\./drivers/scsi/(mpt3sas|megaraid|mpi3mr)/' |
	grep -v -E '^\./(fs/smb/client/transport\.c|block/blk\.h|drivers/md/raid5\.c|drivers/nvme/target/core\.c|kernel/fork\.c):[0-9]+:.*(\*|alloc_workqueue)' |
	grep -v -E '^\./kernel/(audit\.h|auditsc\.c):[0-9]+:.*(/\*|\* )' |
	grep -v -E '^\./include/uapi/linux/(eventpoll|audit)\.h:' || true)
if [ -n "$left" ]; then
	echo "$left" >&2
	die "the stripped base still mentions io_uring (above)"
fi
[ ! -e "$base/io_uring" ] || die "io_uring/ is still there"
msg "no leftovers"
exec "$TOP/scripts/guest-suite.sh" stripped enosys 300
