// SPDX-License-Identifier: GPL-2.0
/*
 * Probe for the stripped base: the io_uring syscall numbers must not be wired
 * to anything, so each of them fails with ENOSYS.  TAP output.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(void)
{
	static const struct { long nr; const char *name; } calls[] = {
		{ 425, "io_uring_setup" },
		{ 426, "io_uring_enter" },
		{ 427, "io_uring_register" },
	};
	int i, fails = 0;

	printf("TAP version 13\n1..3\n");
	for (i = 0; i < 3; i++) {
		long ret = syscall(calls[i].nr, 0, 0, 0, 0, 0, 0);
		int ok = ret == -1 && errno == ENOSYS;

		printf("%sok %d %s -> %ld (%s)\n", ok ? "" : "not ", i + 1,
		       calls[i].name, ret, ret < 0 ? strerror(errno) : "success");
		fails += !ok;
	}
	return fails ? 1 : 0;
}
