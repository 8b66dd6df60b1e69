// SPDX-License-Identifier: GPL-2.0
/*
 * ringmem: kernel memory taken by one io_uring instance of a given size.
 *
 * Creates rings in rounds and reads /proc/meminfo around each round: the
 * fall in MemFree is everything the kernel allocated for them (ring pages,
 * the context, its slab objects, any worker threads and their stacks), the
 * rise in Slab is the part that came from the slab allocator.  One ring is
 * created first and kept, so per-task state that only the first ring of a
 * process allocates is not counted.  Prints the median over the rounds:
 *
 *   ringmem: entries 4096: 1234 KiB per ring (slab 56 KiB), 5 rounds of 8
 *
 * Uses the raw syscalls, so it runs on any kernel with io_uring.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/io_uring.h>

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif

#define RINGS_PER_ROUND	8
#define ROUNDS		5

struct meminfo {
	long free_kb;
	long slab_kb;
};

static int ring_setup(unsigned int entries)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	return syscall(__NR_io_uring_setup, entries, &p);
}

static long meminfo_field(const char *text, const char *name)
{
	const char *s = strstr(text, name);

	return s ? strtol(s + strlen(name), NULL, 10) : -1;
}

static struct meminfo read_meminfo(void)
{
	static char buf[8192];
	struct meminfo m = { -1, -1 };
	FILE *f = fopen("/proc/meminfo", "r");
	size_t n;

	if (!f)
		return m;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	m.free_kb = meminfo_field(buf, "\nMemFree:");
	if (m.free_kb < 0)
		m.free_kb = meminfo_field(buf, "MemFree:");
	m.slab_kb = meminfo_field(buf, "\nSlab:");
	return m;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	unsigned int entries = argc > 1 ? strtoul(argv[1], NULL, 0) : 4096;
	long total[ROUNDS], slab[ROUNDS];
	int fds[RINGS_PER_ROUND];
	int keep, r, i;

	keep = ring_setup(entries);
	if (keep < 0) {
		printf("ringmem: io_uring_setup(%u): %s\n", entries, strerror(errno));
		return 1;
	}
	for (r = 0; r < ROUNDS; r++) {
		struct meminfo before, after;

		sync();
		usleep(200 * 1000);
		before = read_meminfo();
		for (i = 0; i < RINGS_PER_ROUND; i++) {
			fds[i] = ring_setup(entries);
			if (fds[i] < 0) {
				printf("ringmem: io_uring_setup(%u): %s\n", entries,
				       strerror(errno));
				return 1;
			}
		}
		after = read_meminfo();
		if (before.free_kb < 0 || after.free_kb < 0) {
			printf("ringmem: /proc/meminfo has no MemFree\n");
			return 1;
		}
		total[r] = (before.free_kb - after.free_kb) / RINGS_PER_ROUND;
		slab[r] = (after.slab_kb - before.slab_kb) / RINGS_PER_ROUND;
		for (i = 0; i < RINGS_PER_ROUND; i++)
			close(fds[i]);
		/* freeing may be deferred (RCU, workqueues): let it settle */
		usleep(500 * 1000);
	}
	close(keep);
	qsort(total, ROUNDS, sizeof(total[0]), cmp_long);
	qsort(slab, ROUNDS, sizeof(slab[0]), cmp_long);
	printf("ringmem: entries %u: %ld KiB per ring (slab %ld KiB), %d rounds of %d\n",
	       entries, total[ROUNDS / 2], slab[ROUNDS / 2], ROUNDS, RINGS_PER_ROUND);
	return 0;
}
