/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough ring handling for the io_uring selftests, on the raw
 * syscalls: set up and map a ring, fill SQEs, submit, reap CQEs.
 * The barriers follow the contract at the top of fs/io_uring.c.
 */
#ifndef IO_URING_SELFTEST_RING_H
#define IO_URING_SELFTEST_RING_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/io_uring.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

struct ring {
	int fd;
	struct io_uring_params p;
	void *sq_ptr, *cq_ptr;
	size_t sq_size, cq_size, sqes_size;
	unsigned int *sq_head, *sq_tail, *sq_mask, *sq_entries, *sq_flags;
	unsigned int *sq_dropped, *sq_array;
	struct io_uring_sqe *sqes;
	unsigned int *cq_head, *cq_tail, *cq_mask, *cq_entries, *cq_overflow;
	struct io_uring_cqe *cqes;
	unsigned int sqe_tail;		/* SQEs handed out, not yet published */
	/* IORING_SETUP_SQE128, CQE32: 1, an entry takes two slots */
	unsigned int sqe_shift, cqe_shift;
};

static inline int sys_setup(unsigned int entries, struct io_uring_params *p)
{
	return syscall(__NR_io_uring_setup, entries, p);
}

static inline int sys_enter(int fd, unsigned int to_submit, unsigned int min,
			    unsigned int flags, void *sig, size_t sigsz)
{
	return syscall(__NR_io_uring_enter, fd, to_submit, min, flags, sig, sigsz);
}

static inline int sys_register(int fd, unsigned int op, void *arg,
			       unsigned int nr)
{
	return syscall(__NR_io_uring_register, fd, op, arg, nr);
}

/* Map the rings of an already set up @r->fd.  Returns 0 or -errno. */
static inline int ring_mmap(struct ring *r)
{
	struct io_uring_params *p = &r->p;

	r->sqe_shift = !!(p->flags & IORING_SETUP_SQE128);
	r->cqe_shift = !!(p->flags & IORING_SETUP_CQE32);
	r->sq_size = p->sq_off.array + p->sq_entries * sizeof(unsigned int);
	r->cq_size = p->cq_off.cqes +
		     (p->cq_entries * sizeof(struct io_uring_cqe) << r->cqe_shift);
	r->sqes_size = p->sq_entries * sizeof(struct io_uring_sqe) << r->sqe_shift;
	r->sq_ptr = mmap(NULL, r->sq_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	if (r->sq_ptr == MAP_FAILED)
		return -errno;
	r->cq_ptr = mmap(NULL, r->cq_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
	if (r->cq_ptr == MAP_FAILED)
		return -errno;
	r->sqes = mmap(NULL, r->sqes_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (r->sqes == MAP_FAILED)
		return -errno;

#define SQ(f) ((unsigned int *)((char *)r->sq_ptr + p->sq_off.f))
#define CQ(f) ((unsigned int *)((char *)r->cq_ptr + p->cq_off.f))
	r->sq_head = SQ(head);
	r->sq_tail = SQ(tail);
	r->sq_mask = SQ(ring_mask);
	r->sq_entries = SQ(ring_entries);
	r->sq_flags = SQ(flags);
	r->sq_dropped = SQ(dropped);
	r->sq_array = SQ(array);
	r->cq_head = CQ(head);
	r->cq_tail = CQ(tail);
	r->cq_mask = CQ(ring_mask);
	r->cq_entries = CQ(ring_entries);
	r->cq_overflow = CQ(overflow);
	r->cqes = (struct io_uring_cqe *)((char *)r->cq_ptr + p->cq_off.cqes);
#undef SQ
#undef CQ
	r->sqe_tail = *r->sq_tail;
	return 0;
}

/* The errno of setting up a 4-entry ring with @flags; 0 if it is taken. */
static inline int flags_errno(unsigned int flags)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	fd = sys_setup(4, &p);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

/* Set up a ring of @entries with @flags.  Returns 0 or -errno. */
static inline int ring_init(struct ring *r, unsigned int entries,
			    unsigned int flags)
{
	memset(r, 0, sizeof(*r));
	r->p.flags = flags;
	r->fd = sys_setup(entries, &r->p);
	if (r->fd < 0)
		return -errno;
	return ring_mmap(r);
}

static inline void ring_exit(struct ring *r)
{
	munmap(r->sqes, r->sqes_size);
	munmap(r->cq_ptr, r->cq_size);
	munmap(r->sq_ptr, r->sq_size);
	close(r->fd);
}

/* A zeroed SQE, or NULL when the SQ ring is full. */
static inline struct io_uring_sqe *ring_get_sqe(struct ring *r)
{
	unsigned int head = __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE);
	struct io_uring_sqe *sqe;

	if (r->sqe_tail - head >= r->p.sq_entries)
		return NULL;
	sqe = &r->sqes[(r->sqe_tail & *r->sq_mask) << r->sqe_shift];
	memset(sqe, 0, sizeof(*sqe) << r->sqe_shift);
	r->sq_array[r->sqe_tail & *r->sq_mask] = r->sqe_tail & *r->sq_mask;
	r->sqe_tail++;
	return sqe;
}

/* Publish the SQEs handed out so far; returns how many are pending. */
static inline unsigned int ring_flush(struct ring *r)
{
	unsigned int pending = r->sqe_tail - *r->sq_tail;

	__atomic_store_n(r->sq_tail, r->sqe_tail, __ATOMIC_RELEASE);
	return pending;
}

/* Submit what is pending and wait for @wait_nr completions. */
static inline int ring_submit(struct ring *r, unsigned int wait_nr)
{
	unsigned int n = ring_flush(r);
	int ret;

	ret = sys_enter(r->fd, n, wait_nr, wait_nr ? IORING_ENTER_GETEVENTS : 0,
			NULL, 0);
	return ret < 0 ? -errno : ret;
}

/* Copy out the next CQE if there is one; returns 1 if so, else 0. */
static inline int ring_peek_cqe(struct ring *r, struct io_uring_cqe *cqe)
{
	unsigned int head = *r->cq_head;

	memset(cqe, 0, sizeof(*cqe));
	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
		return 0;
	*cqe = r->cqes[(head & *r->cq_mask) << r->cqe_shift];
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return 1;
}

/* Wait for and copy out the next CQE.  Returns 0 or -errno. */
static inline int ring_wait_cqe(struct ring *r, struct io_uring_cqe *cqe)
{
	while (!ring_peek_cqe(r, cqe)) {
		if (sys_enter(r->fd, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
			return -errno;
	}
	return 0;
}

static inline void prep_rw(struct io_uring_sqe *sqe, int op, int fd,
			   const void *addr, unsigned int len, __u64 off)
{
	sqe->opcode = op;
	sqe->fd = fd;
	sqe->addr = (unsigned long)addr;
	sqe->len = len;
	sqe->off = off;
}

/* Submit one SQE prepared by the caller and return its CQE's res. */
static inline int ring_run_one(struct ring *r, __u64 user_data)
{
	struct io_uring_cqe cqe = { 0 };
	int ret;

	ret = ring_submit(r, 1);
	if (ret < 0)
		return ret;
	ret = ring_wait_cqe(r, &cqe);
	if (ret < 0)
		return ret;
	if (cqe.user_data != user_data)
		return -EPROTO;
	return cqe.res;
}

/*
 * Run @fn(@arg) in a child process, as user and group nobody when
 * @unprivileged, and return its exit status: -1 if it did not exit.
 */
static inline int run_in_child(int (*fn)(void *), void *arg, int unprivileged)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (unprivileged && (setgid(65534) || setuid(65534)))
			_exit(126);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Threads of process @pid whose name starts with @prefix. */
static inline int threads_named(pid_t pid, const char *prefix)
{
	char path[300], comm[32];
	struct dirent *d;
	int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/comm", pid, d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, prefix, strlen(prefix)))
			n++;
		fclose(f);
	}
	closedir(dir);
	return n;
}

/* Threads whose name starts with @prefix in every process; -1 without /proc. */
static inline int threads_named_anywhere(const char *prefix)
{
	DIR *dir = opendir("/proc");
	struct dirent *d;
	int n = 0;

	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		if (d->d_name[0] >= '1' && d->d_name[0] <= '9')
			n += threads_named(atoi(d->d_name), prefix);
	}
	closedir(dir);
	return n;
}

/* A /proc/meminfo value in kB ("Slab:", "MemAvailable:"); -1 if missing. */
static inline long read_meminfo_kb(const char *key)
{
	char line[128];
	long val = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, strlen(key)))
			val = atol(line + strlen(key) + 1);
	}
	if (f)
		fclose(f);
	return val;
}

/* a line of /proc/slabinfo: its name, pages per slab and slabs */
#define SLABINFO_FMT \
	"%63s %*u %*u %*u %*u %ld : tunables %*u %*u %*u : slabdata %*u %ld"

/*
 * The pages of the debug kernel's own bookkeeping caches: debugobjects
 * grows its pool as it likes, and kmemleak tracks every object.
 */
static inline long debug_slab_kb(void)
{
	char line[512], name[64];
	long pages, slabs, kb = 0;
	FILE *f = fopen("/proc/slabinfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, SLABINFO_FMT, name, &pages, &slabs) != 3)
			continue;
		if (!strcmp(name, "debug_objects_cache") || !strcmp(name, "kmemleak_object"))
			kb += pages * slabs * (getpagesize() / 1024);
	}
	if (f)
		fclose(f);
	return kb;
}

/*
 * Slab in use, once every cache has given back its empty slabs, and not
 * counting the debug kernel's bookkeeping: there, shrinking also empties
 * KASAN's quarantine, whose freed objects count as Slab until then (tens
 * of MB after a thousand rings).
 */
static inline long settled_slab_kb(void)
{
	char path[300];
	struct dirent *de;
	DIR *d = opendir("/sys/kernel/slab");
	int unshrunk = 0;

	while (d && (de = readdir(d))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", de->d_name);
		/* a cache that cannot shrink is measured as it is */
		f = fopen(path, "w");
		if (!f)
			continue;
		unshrunk += fputs("1", f) < 0;
		unshrunk += fclose(f) != 0;
	}
	if (d)
		closedir(d);
	if (unshrunk)
		fprintf(stderr, "# %d slab caches could not shrink\n", unshrunk);
	return read_meminfo_kb("Slab:") - debug_slab_kb();
}

#endif
