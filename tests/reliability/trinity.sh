#!/bin/sh
# trinity (Debian), restricted to the io_uring syscalls and the calls made
# around ring fds, with a fixed seed, for a bounded time.  It passes when
# trinity runs to the end and the kernel stays silent: the host judges the
# console log for splats, this script only for trinity itself.  TAP.
#   IOU_TRINITY_S  seconds (default 60; 40 on the debug kernel)    IOU_SEED  seed (default 1)
secs=${IOU_TRINITY_S:-60}
# the debug kernel's run in CI: 40 s (make soak runs it for longer)
[ -z "${IOU_TRINITY_S:-}" ] && grep -q kmemleak=on /proc/cmdline 2>/dev/null && secs=40
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
# As nobody (--dropprivs), on two children, with no log files.  No socket,
# perf or drm fds: this small kernel has few of them, and trinity's socket
# cache generation has crashed (trinity, not the kernel) on it.  If trinity
# still dies before its first syscall, it gets two more tries.
for try in 1 2 3; do
	timeout -s INT "$secs" trinity --dropprivs -q -l off -C 2 -s "$seed" \
		--disable-fds=sockets,perf,drm $args >/tmp/trinity.out 2>&1
	rc=$?
	ran=$(grep -o 'Ran [0-9]* syscalls' /tmp/trinity.out | tail -n 1)
	[ -n "$ran" ] && break
	echo "# try $try: trinity exited $rc before running anything:"
	tail -n 3 /tmp/trinity.out | sed 's/^/#   /'
done
tail -n 5 /tmp/trinity.out | sed 's/^/# /'
# 124: stopped by the timeout, which is how a timed run ends
if { [ $rc -eq 0 ] || [ $rc -eq 124 ] || [ $rc -eq 130 ]; } && [ -n "$ran" ] &&
   ! grep -qi 'tainted' /tmp/trinity.out; then
	echo "ok 1 trinity: $ran"
else
	echo "not ok 1 trinity exited $rc${ran:+ after: $ran}"
	exit 1
fi
