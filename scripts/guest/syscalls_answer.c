// SPDX-License-Identifier: GPL-2.0
/*
 * Smoke check for the patched kernel: each io_uring syscall answers (it is
 * wired up, not ENOSYS), and a ring can be set up and take a NOP.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/io_uring.h>

int main(void)
{
	struct io_uring_params p;
	long fd, ret;
	int fails = 0;

	printf("TAP version 13\n1..3\n");
	memset(&p, 0, sizeof(p));
	fd = syscall(__NR_io_uring_setup, 4, &p);
	printf("%sok 1 io_uring_setup(4) -> fd %ld (%s), sq_entries %u cq_entries %u\n",
	       fd >= 0 ? "" : "not ", fd, fd < 0 ? strerror(errno) : "success",
	       p.sq_entries, p.cq_entries);
	fails += fd < 0;
	ret = syscall(__NR_io_uring_enter, fd, 0, 0, 0, NULL, 0);
	printf("%sok 2 io_uring_enter(fd, 0, 0) -> %ld (%s)\n", ret == 0 ? "" : "not ",
	       ret, ret < 0 ? strerror(errno) : "success");
	fails += ret != 0;
	ret = syscall(__NR_io_uring_register, fd, ~0u, NULL, 0);
	printf("%sok 3 io_uring_register(fd, bad opcode) -> %ld (%s)\n",
	       ret == -1 && errno == EINVAL ? "" : "not ", ret,
	       ret < 0 ? strerror(errno) : "success");
	fails += !(ret == -1 && errno == EINVAL);
	return fails ? 1 : 0;
}
