#!/bin/sh
# trinity (Debian), restricted to the io_uring syscalls and the calls made
# around ring fds, with a fixed seed, for a bounded time.  It passes when
# trinity runs to the end and the kernel stays silent: the host judges the
# console log for splats, this script only for trinity itself.  TAP.
#   IOU_TRINITY_S  seconds (default 60)    IOU_SEED  seed (default 1)
secs=${IOU_TRINITY_S:-60}
seed=${IOU_SEED:-1}
echo "TAP version 13"
echo "1..1"
if ! command -v trinity >/dev/null; then
	echo "ok 1 # SKIP trinity is not installed on the host that built the guest"
	exit 0
fi
calls="io_uring_setup io_uring_enter io_uring_register mmap munmap mremap close dup
dup2 read write readv writev poll ppoll select epoll_ctl fcntl ioctl"
args=
for c in $calls; do
	args="$args -c $c,64"
done
cd /tmp || exit 1
echo "# trinity: seed $seed, $secs s, calls: $(echo $calls)"
# as nobody (--dropprivs), on two children, with no log files
timeout -s INT "$secs" trinity --dropprivs -q -l off -C 2 -s "$seed" $args >/tmp/trinity.out 2>&1
rc=$?
ran=$(grep -o 'Ran [0-9]* syscalls' /tmp/trinity.out | tail -n 1)
tail -n 5 /tmp/trinity.out | sed 's/^/# /'
# 124: stopped by the timeout, which is how a timed run ends
if { [ $rc -eq 0 ] || [ $rc -eq 124 ] || [ $rc -eq 130 ]; } && [ -n "$ran" ] &&
   ! grep -qi 'tainted' /tmp/trinity.out; then
	echo "ok 1 trinity: $ran"
else
	echo "not ok 1 trinity exited $rc${ran:+ after: $ran}"
	exit 1
fi
