// SPDX-License-Identifier: GPL-2.0
/* temporary: where does memory go */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/time_types.h>
#include "ring.h"

static void meminfo(const char *tag)
{
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	printf("# %s:", tag);
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "MemAvailable", 12) || !strncmp(line, "Slab", 4) ||
		    !strncmp(line, "KernelStack", 11) || !strncmp(line, "PageTables", 10) ||
		    !strncmp(line, "MemFree", 7) || !strncmp(line, "Percpu", 6) ||
		    !strncmp(line, "Unevictable", 11) || !strncmp(line, "Mlocked", 7) ||
		    !strncmp(line, "Shmem:", 6)) {
			line[strlen(line) - 1] = 0;
			printf(" %s", line);
		}
	}
	printf("\n");
	fflush(stdout);
	if (f)
		fclose(f);
}

static void run(int variant, int n)
{
	struct __kernel_timespec ts = { .tv_sec = 1LL << 40 };
	char buf[4];
	int i;

	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe;
		struct ring r;
		int p[2];

		if (ring_init(&r, 256, 0) || pipe(p))
			exit(1);
		if (variant >= 1) {
			sqe = ring_get_sqe(&r);
			prep_rw(sqe, IORING_OP_READ, p[0], buf, 1, 0);
			sqe->user_data = 1;
			if (variant >= 2)
				sqe->flags = IOSQE_IO_LINK;
		}
		if (variant >= 2) {
			sqe = ring_get_sqe(&r);
			sqe->opcode = IORING_OP_TIMEOUT;
			sqe->fd = -1;
			sqe->addr = (unsigned long)&ts;
			sqe->len = 1;
			sqe->user_data = 2;
		}
		if (variant >= 1)
			ring_submit(&r, 0);
		ring_exit(&r);
		if (write(p[1], "x", 1) != 1)
			exit(2);
		close(p[0]);
		close(p[1]);
	}
	sleep(2);
}

int main(void)
{
	int v;

	printf("1..1\n");
	for (v = 0; v < 3; v++) {
		run(v, 20);
		meminfo("before");
		run(v, 200);
		meminfo("after");
	}
	printf("ok 1 leakprobe\n");
	return 0;
}
