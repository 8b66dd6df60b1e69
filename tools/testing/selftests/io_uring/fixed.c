// SPDX-License-Identifier: GPL-2.0
/*
 * Registered buffers (READ_FIXED/WRITE_FIXED) and registered files
 * (IOSQE_FIXED_FILE), with their updates (IORING_REGISTER_FILES_UPDATE,
 * IORING_OP_FILES_UPDATE, IORING_REGISTER_BUFFERS2 and BUFFERS_UPDATE):
 * the happy paths, every registration error, range checks on fixed
 * buffers, and RLIMIT_MEMLOCK accounting.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "ring.h"

#define BUF_SIZE	(64 * 1024)

static int reg_errno(int fd, unsigned int op, void *arg, unsigned int nr)
{
	return sys_register(fd, op, arg, nr) < 0 ? errno : 0;
}

static int fixed_rw(struct ring *r, int op, int fd, void *buf, unsigned int len,
		    __u64 off, int index, int sqe_flags)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	prep_rw(sqe, op, fd, buf, len, off);
	sqe->buf_index = index;
	sqe->flags = sqe_flags;
	sqe->user_data = 0xf1;
	return ring_run_one(r, 0xf1);
}

static void *anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* @len bytes of a file on ext4 (the guest's /mnt/ext4), mapped shared; NULL if none. */
static char *ext4_mapping(size_t len)
{
	char path[] = "/mnt/ext4/io_uring-fixed-XXXXXX";
	char *p;
	int fd;

	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	unlink(path);
	p = ftruncate(fd, len) ? MAP_FAILED :
	    mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

FIXTURE(bufs) {
	struct ring r;
	struct iovec iov[2];
	int fd;
};

FIXTURE_SETUP(bufs)
{
	char path[] = "/tmp/io_uring-fixed-XXXXXX";

	ASSERT_EQ(0, ring_init(&self->r, 8, 0));
	self->iov[0].iov_base = anon(BUF_SIZE);
	self->iov[0].iov_len = BUF_SIZE;
	self->iov[1].iov_base = anon(BUF_SIZE);
	self->iov[1].iov_len = BUF_SIZE;
	ASSERT_NE(NULL, self->iov[0].iov_base);
	ASSERT_NE(NULL, self->iov[1].iov_base);
	ASSERT_EQ(0, sys_register(self->r.fd, IORING_REGISTER_BUFFERS, self->iov, 2));
	self->fd = mkstemp(path);
	ASSERT_LE(0, self->fd);
	unlink(path);
}

FIXTURE_TEARDOWN(bufs)
{
	close(self->fd);
	ring_exit(&self->r);
	munmap(self->iov[0].iov_base, BUF_SIZE);
	munmap(self->iov[1].iov_base, BUF_SIZE);
}

TEST_F(bufs, write_then_read_fixed)
{
	char *w = self->iov[0].iov_base, *rd = self->iov[1].iov_base;

	memset(w, 0x5a, BUF_SIZE);
	memset(rd, 0, BUF_SIZE);
	EXPECT_EQ(BUF_SIZE, fixed_rw(&self->r, IORING_OP_WRITE_FIXED, self->fd,
				     w, BUF_SIZE, 0, 0, 0));
	EXPECT_EQ(BUF_SIZE, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				     rd, BUF_SIZE, 0, 1, 0));
	EXPECT_EQ(0, memcmp(w, rd, BUF_SIZE));
	/* a range in the middle of a buffer */
	memset(rd, 0, BUF_SIZE);
	EXPECT_EQ(100, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				rd + 5000, 100, 7, 1, 0));
	EXPECT_EQ(0x5a, rd[5000]);
	EXPECT_EQ(0x5a, rd[5099]);
	EXPECT_EQ(0, rd[5100]);
	EXPECT_EQ(0, rd[4999]);
}

static int bufs2(int fd, struct iovec *iovs, unsigned int nr, __u32 flags, __u64 *tags)
{
	struct io_uring_rsrc_register rr = {
		.nr = nr, .flags = flags, .data = (unsigned long)iovs,
		.tags = (unsigned long)tags,
	};

	return reg_errno(fd, IORING_REGISTER_BUFFERS2, &rr, sizeof(rr));
}

/* BUFFERS_UPDATE of one iovec, with its tag, at slot @off: how many, or -errno. */
static int bufs_update2_tagged(int fd, unsigned int off, struct iovec *iov, __u64 *tag)
{
	struct io_uring_rsrc_update2 up = {
		.offset = off, .data = (unsigned long)iov, .tags = (unsigned long)tag, .nr = 1,
	};
	int ret = sys_register(fd, IORING_REGISTER_BUFFERS_UPDATE, &up, sizeof(up));

	return ret < 0 ? -errno : ret;
}

/* BUFFERS_UPDATE of @nr iovecs from slot @off: how many, or -errno. */
static int bufs_update(int fd, unsigned int off, struct iovec *iovs, unsigned int nr)
{
	struct io_uring_rsrc_update2 up = {
		.offset = off, .data = (unsigned long)iovs, .nr = nr,
	};
	int ret = sys_register(fd, IORING_REGISTER_BUFFERS_UPDATE, &up, sizeof(up));

	return ret < 0 ? -errno : ret;
}

/*
 * BUFFERS2 with empty slots (sparse), filled and emptied by BUFFERS_UPDATE;
 * an empty slot is -EFAULT to READ_FIXED, as on 6.1.  A read under way
 * keeps the buffer it took.
 */
TEST(buffers2_sparse_then_updated)
{
	char path[] = "/tmp/io_uring-bufs2-XXXXXX";
	struct iovec iov = { anon(4096), 4096 }, none = { NULL, 0 }, two[2];
	struct ring r;
	char *buf = iov.iov_base;
	int fd;

	ASSERT_NE(NULL, buf);
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	unlink(path);
	ASSERT_EQ(4096, pwrite(fd, memset(buf, 'b', 4096), 4096, 0));
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	ASSERT_EQ(0, bufs2(r.fd, NULL, 4, IORING_RSRC_REGISTER_SPARSE, NULL));
	memset(buf, 0, 4096);
	EXPECT_EQ(-EFAULT, fixed_rw(&r, IORING_OP_READ_FIXED, fd, buf, 4096, 0, 2, 0));
	EXPECT_EQ(1, bufs_update(r.fd, 2, &iov, 1));
	EXPECT_EQ(4096, fixed_rw(&r, IORING_OP_READ_FIXED, fd, buf, 4096, 0, 2, 0));
	EXPECT_EQ('b', buf[4095]);
	EXPECT_EQ(-EFAULT, fixed_rw(&r, IORING_OP_READ_FIXED, fd, buf, 4096, 0, 3, 0));
	/* emptied again by a NULL iovec of length 0 */
	EXPECT_EQ(1, bufs_update(r.fd, 2, &none, 1));
	EXPECT_EQ(-EFAULT, fixed_rw(&r, IORING_OP_READ_FIXED, fd, buf, 4096, 0, 2, 0));
	ring_exit(&r);

	/* plain BUFFERS takes an empty slot too */
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	two[0] = none;
	two[1] = iov;
	EXPECT_EQ(0, reg_errno(r.fd, IORING_REGISTER_BUFFERS, two, 2));
	EXPECT_EQ(-EFAULT, fixed_rw(&r, IORING_OP_READ_FIXED, fd, buf, 4096, 0, 0, 0));
	EXPECT_EQ(4096, fixed_rw(&r, IORING_OP_READ_FIXED, fd, buf, 4096, 0, 1, 0));
	ring_exit(&r);
	close(fd);
	munmap(buf, 4096);
}

TEST(buffers2_bad_inputs)
{
	struct iovec iov = { anon(4096), 4096 }, bad = { NULL, 4096 }, mixed[2];
	struct iovec empty = { NULL, 0 };
	__u64 two_tags[2] = { 5, 6 };
	struct io_uring_rsrc_register rr = { .nr = 1, .data = (unsigned long)&iov };
	struct io_uring_rsrc_update2 up = { .nr = 1, .data = (unsigned long)&iov };
	__u64 tag = 1;
	struct ring r;

	ASSERT_NE(NULL, iov.iov_base);
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_BUFFERS2, &rr, sizeof(rr) - 1));
	EXPECT_EQ(EFAULT, reg_errno(r.fd, IORING_REGISTER_BUFFERS2, (void *)8, sizeof(rr)));
	EXPECT_EQ(EINVAL, bufs2(r.fd, &iov, 0, 0, NULL));
	EXPECT_EQ(EINVAL, bufs2(r.fd, &iov, 16385, 0, NULL));
	EXPECT_EQ(EINVAL, bufs2(r.fd, &iov, 1, 2, NULL));
	EXPECT_EQ(EINVAL, bufs2(r.fd, &iov, 1, IORING_RSRC_REGISTER_SPARSE, NULL));
	rr.resv2 = 1;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_BUFFERS2, &rr, sizeof(rr)));
	/* an empty slot takes no tag, also after a slot that took one */
	EXPECT_EQ(EINVAL, bufs2(r.fd, NULL, 1, IORING_RSRC_REGISTER_SPARSE, &tag));
	mixed[0] = iov;
	mixed[1] = empty;
	EXPECT_EQ(EINVAL, bufs2(r.fd, mixed, 2, 0, two_tags));
	EXPECT_EQ(EFAULT, bufs2(r.fd, &iov, 1, 0, (void *)8));
	EXPECT_EQ(EFAULT, bufs2(r.fd, &bad, 1, 0, NULL));
	EXPECT_EQ(EFAULT, bufs2(r.fd, (void *)8, 1, 0, NULL));

	/* updates: nothing registered, then out of range, then bad iovecs */
	EXPECT_EQ(-ENXIO, bufs_update(r.fd, 0, &iov, 1));
	ASSERT_EQ(0, bufs2(r.fd, NULL, 2, 0, NULL));
	EXPECT_EQ(EBUSY, bufs2(r.fd, NULL, 2, 0, NULL));
	EXPECT_EQ(-EINVAL, bufs_update(r.fd, 1, &iov, 2));
	EXPECT_EQ(-EOVERFLOW, bufs_update(r.fd, ~0u, &iov, 2));
	EXPECT_EQ(-EINVAL, bufs_update(r.fd, 0, &iov, 0));
	EXPECT_EQ(-EFAULT, bufs_update(r.fd, 0, &bad, 1));
	EXPECT_EQ(-EFAULT, bufs_update(r.fd, 0, (void *)8, 1));
	up.resv = 1;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_BUFFERS_UPDATE, &up, sizeof(up)));
	up.resv = 0;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_BUFFERS_UPDATE, &up, sizeof(up) + 8));
	/* a tag for an empty slot is refused; tags that cannot be read too */
	up.tags = (unsigned long)&tag;
	up.data = (unsigned long)&empty;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_BUFFERS_UPDATE, &up, sizeof(up)));
	up.data = (unsigned long)&iov;
	up.tags = 8;
	EXPECT_EQ(EFAULT, reg_errno(r.fd, IORING_REGISTER_BUFFERS_UPDATE, &up, sizeof(up)));
	up.tags = 0;
	/* the first taken, the second refused: 1 */
	mixed[0] = iov;
	mixed[1] = bad;
	EXPECT_EQ(1, bufs_update(r.fd, 0, mixed, 2));
	/* a buffer that wraps the address space, as on 6.1 */
	bad.iov_base = (void *)-4096UL;
	EXPECT_EQ(-EOVERFLOW, bufs_update(r.fd, 0, &bad, 1));
	ring_exit(&r);
	munmap(iov.iov_base, 4096);
}

/* A READ_FIXED under way keeps its buffer when its slot is emptied. */
TEST(update_leaves_a_read_its_buffer)
{
	struct iovec iov = { anon(4096), 4096 }, none = { NULL, 0 };
	struct io_uring_cqe cqe;
	struct ring r;
	int p[2];

	ASSERT_NE(NULL, iov.iov_base);
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	ASSERT_EQ(0, bufs2(r.fd, &iov, 1, 0, NULL));
	prep_rw(ring_get_sqe(&r), IORING_OP_READ_FIXED, p[0], iov.iov_base, 5, 0);
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ(1, bufs_update(r.fd, 0, &none, 1));
	EXPECT_EQ(0, reg_errno(r.fd, IORING_UNREGISTER_BUFFERS, NULL, 0));
	ASSERT_EQ(5, write(p[1], "fixed", 5));
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_EQ(5, cqe.res);
	EXPECT_EQ(0, memcmp(iov.iov_base, "fixed", 5));
	ring_exit(&r);
	close(p[0]);
	close(p[1]);
	munmap(iov.iov_base, 4096);
}

TEST_F(bufs, ranges_outside_the_buffer_fault)
{
	char *b = self->iov[0].iov_base;

	/* starts before, ends after, wraps around, wrong buffer */
	EXPECT_EQ(-EFAULT, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				    b - 1, 16, 0, 0, 0));
	EXPECT_EQ(-EFAULT, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				    b + BUF_SIZE - 8, 16, 0, 0, 0));
	EXPECT_EQ(-EFAULT, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				    (void *)(uintptr_t)-8, 16, 0, 0, 0));
	EXPECT_EQ(-EFAULT, fixed_rw(&self->r, IORING_OP_WRITE_FIXED, self->fd,
				    b, 16, 0, 1, 0));
	/* indices that do not exist */
	EXPECT_EQ(-EFAULT, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				    b, 16, 0, 2, 0));
	EXPECT_EQ(-EFAULT, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				    b, 16, 0, 65535, 0));
}

TEST_F(bufs, raw_nvme_direct)
{
	char *w = self->iov[0].iov_base, *rd = self->iov[1].iov_base;
	int fd = open("/dev/nvme0n1", O_RDWR | O_DIRECT);

	if (fd < 0)
		SKIP(return, "no /dev/nvme0n1: %s", strerror(errno));
	memset(w, 0xa7, BUF_SIZE);
	memset(rd, 0, BUF_SIZE);
	EXPECT_EQ(BUF_SIZE, fixed_rw(&self->r, IORING_OP_WRITE_FIXED, fd, w,
				     BUF_SIZE, 1 << 20, 0, 0));
	EXPECT_EQ(BUF_SIZE, fixed_rw(&self->r, IORING_OP_READ_FIXED, fd, rd,
				     BUF_SIZE, 1 << 20, 1, 0));
	EXPECT_EQ(0, memcmp(w, rd, BUF_SIZE));
	close(fd);
}

TEST_F(bufs, register_twice_and_unregister)
{
	EXPECT_EQ(EBUSY, reg_errno(self->r.fd, IORING_REGISTER_BUFFERS, self->iov, 1));
	EXPECT_EQ(EINVAL, reg_errno(self->r.fd, IORING_UNREGISTER_BUFFERS, self->iov, 0));
	EXPECT_EQ(EINVAL, reg_errno(self->r.fd, IORING_UNREGISTER_BUFFERS, NULL, 1));
	EXPECT_EQ(0, reg_errno(self->r.fd, IORING_UNREGISTER_BUFFERS, NULL, 0));
	EXPECT_EQ(ENXIO, reg_errno(self->r.fd, IORING_UNREGISTER_BUFFERS, NULL, 0));
	/* no buffers: the fixed opcodes fault */
	EXPECT_EQ(-EFAULT, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				    self->iov[0].iov_base, 16, 0, 0, 0));
	EXPECT_EQ(0, reg_errno(self->r.fd, IORING_REGISTER_BUFFERS, self->iov, 2));
}

TEST(buffer_registration_errors)
{
	struct iovec iov;
	struct ring r;
	char path[] = "/tmp/io_uring-fb-XXXXXX";
	char *mixed;
	void *filemem;
	int fd;

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	iov.iov_base = anon(4096);
	iov.iov_len = 4096;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_BUFFERS, &iov, 0));
	/* 6.1's limit: 16384 buffers */
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_BUFFERS, &iov, 16385));
	EXPECT_EQ(EFAULT, reg_errno(r.fd, IORING_REGISTER_BUFFERS, NULL, 1));
	EXPECT_EQ(EFAULT, reg_errno(r.fd, IORING_REGISTER_BUFFERS, (void *)8, 1));

	/* NULL base, zero length, over 1 GiB, unmapped memory */
	iov.iov_base = NULL;
	EXPECT_EQ(EFAULT, reg_errno(r.fd, IORING_REGISTER_BUFFERS, &iov, 1));
	iov.iov_base = anon(4096);
	iov.iov_len = 0;
	EXPECT_EQ(EFAULT, reg_errno(r.fd, IORING_REGISTER_BUFFERS, &iov, 1));
	iov.iov_len = (1UL << 30) + 1;
	EXPECT_EQ(EFAULT, reg_errno(r.fd, IORING_REGISTER_BUFFERS, &iov, 1));
	iov.iov_base = (void *)0x10000;
	iov.iov_len = 4096;
	EXPECT_EQ(EFAULT, reg_errno(r.fd, IORING_REGISTER_BUFFERS, &iov, 1));

	/* memory of two kinds (anonymous, then a tmpfs file's): 6.1 refuses it */
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	unlink(path);
	ASSERT_EQ(0, ftruncate(fd, 8192));
	mixed = anon(8192);
	ASSERT_NE(NULL, mixed);
	ASSERT_NE(MAP_FAILED, mmap(mixed + 4096, 4096, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_FIXED, fd, 0));
	iov.iov_base = mixed;
	iov.iov_len = 8192;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_BUFFERS, &iov, 1));
	munmap(mixed, 8192);

	/* memory of a file system other than tmpfs (shmem) or hugetlbfs */
	filemem = ext4_mapping(8192);
	if (filemem) {
		iov.iov_base = filemem;
		EXPECT_EQ(EOPNOTSUPP, reg_errno(r.fd, IORING_REGISTER_BUFFERS, &iov, 1));
		munmap(filemem, 8192);
	} else {
		TH_LOG("no ext4 at /mnt/ext4: file system memory not tried");
	}

	/* none of that left anything registered */
	EXPECT_EQ(ENXIO, reg_errno(r.fd, IORING_UNREGISTER_BUFFERS, NULL, 0));

	/* a tmpfs file's memory is shared memory, which may be registered */
	filemem = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, filemem);
	iov.iov_base = filemem;
	EXPECT_EQ(0, reg_errno(r.fd, IORING_REGISTER_BUFFERS, &iov, 1));
	EXPECT_EQ(4, fixed_rw(&r, IORING_OP_READ_FIXED, fd, filemem, 4, 0, 0, 0));
	munmap(filemem, 8192);
	close(fd);
	ring_exit(&r);
}

/* Unknown register opcodes, and the register call on a non-ring fd */
TEST(register_bad_opcode_and_fd)
{
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	EXPECT_EQ(EINVAL, reg_errno(r.fd, 1000, NULL, 0));
	EXPECT_EQ(EBADF, reg_errno(-1, IORING_REGISTER_FILES, NULL, 0));
	EXPECT_EQ(EOPNOTSUPP, reg_errno(0, IORING_REGISTER_FILES, NULL, 0));
	ring_exit(&r);
}

/* Pinned pages are charged to RLIMIT_MEMLOCK and uncharged on unregister. */
static int buffer_memlock_child(void *arg)
{
	struct rlimit rl = { 256 * 1024, 256 * 1024 };
	struct iovec big = { anon(1 << 20), 1 << 20 };
	struct iovec small = { anon(64 * 1024), 64 * 1024 };
	struct ring r;
	int i;

	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return 10;
	if (ring_init(&r, 4, 0))
		return 11;
	if (reg_errno(r.fd, IORING_REGISTER_BUFFERS, &big, 1) != ENOMEM)
		return 12;
	/* register and unregister many times: the charge must come back */
	for (i = 0; i < 20; i++) {
		if (reg_errno(r.fd, IORING_REGISTER_BUFFERS, &small, 1))
			return 13;
		if (reg_errno(r.fd, IORING_UNREGISTER_BUFFERS, NULL, 0))
			return 14;
	}
	/* and on close */
	for (i = 0; i < 20; i++) {
		struct ring r2;

		if (ring_init(&r2, 4, 0))
			return 15;
		if (reg_errno(r2.fd, IORING_REGISTER_BUFFERS, &small, 1))
			return 16;
		ring_exit(&r2);
	}
	return 0;
}

TEST(buffer_memlock_limit)
{
	if (geteuid() != 0)
		SKIP(return, "needs root to drop to an unprivileged user");
	EXPECT_EQ(0, run_in_child(buffer_memlock_child, NULL, 1));
}

/*
 * The charge lives as long as the pins: a READ_FIXED waiting on a pipe
 * keeps its buffer pinned after IORING_UNREGISTER_BUFFERS, so registering
 * again must find that memory still charged, until the read is done.
 */
/*
 * One round: a READ_FIXED that waits on a pipe pins the buffer past its
 * unregistration, and so does the charge: registering it again passes
 * the limit until the read is done.  0, or the step that failed.
 */
static int memlock_round(struct ring *r, struct iovec *buf, int *p)
{
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	int tries = 200, ret;

	/*
	 * The last round's read is done, but its CQE may come just before
	 * the request that held the pages is freed: give that a moment.
	 */
	while ((ret = reg_errno(r->fd, IORING_REGISTER_BUFFERS, buf, 1)) == ENOMEM && --tries)
		usleep(10 * 1000);
	if (ret)
		return 1;
	sqe = ring_get_sqe(r);
	prep_rw(sqe, IORING_OP_READ_FIXED, p[0], buf->iov_base, 64, 0);
	sqe->user_data = 1;
	if (ring_submit(r, 0) != 1)
		return 2;
	usleep(20 * 1000);
	if (reg_errno(r->fd, IORING_UNREGISTER_BUFFERS, NULL, 0))
		return 3;
	/* 16 pages pinned by the read (rings are not charged): 16 more pass 24 */
	if (reg_errno(r->fd, IORING_REGISTER_BUFFERS, buf, 1) != ENOMEM)
		return 4;
	if (write(p[1], "x", 1) != 1 || ring_wait_cqe(r, &cqe) || cqe.res != 1)
		return 5;
	return 0;
}

/*
 * Round after round (the attack: pin, unregister, register again), the
 * limit holds, and each finished read gives its charge back.
 */
static int memlock_outlives_unregister_child(void *arg)
{
	struct rlimit rl = { 96 * 1024, 96 * 1024 };
	struct iovec buf = { anon(64 * 1024), 64 * 1024 };
	struct ring r;
	int p[2], i, ret;

	if (setrlimit(RLIMIT_MEMLOCK, &rl) || pipe(p))
		return 10;
	if (ring_init(&r, 4, 0))
		return 11;
	for (i = 0; i < 8; i++) {
		ret = memlock_round(&r, &buf, p);
		if (ret)
			return 20 + 10 * i + ret;
	}
	ring_exit(&r);
	return 0;
}

TEST(buffer_memlock_outlives_unregister)
{
	if (geteuid() != 0)
		SKIP(return, "needs root to drop to an unprivileged user");
	EXPECT_EQ(0, run_in_child(memlock_outlives_unregister_child, NULL, 1));
}

TEST(fixed_files)
{
	char path[] = "/tmp/io_uring-ff-XXXXXX";
	char buf[32] = "fixed file data", rd[32] = { 0 };
	struct iovec iov = { buf, 16 }, riov = { rd, 16 };
	struct io_uring_sqe *sqe;
	struct ring r;
	int fds[2], p[2];

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	fds[0] = mkstemp(path);
	ASSERT_LE(0, fds[0]);
	unlink(path);
	ASSERT_EQ(0, pipe(p));
	fds[1] = p[1];
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_FILES, fds, 2));
	/* the table keeps its own references */
	close(fds[0]);

	sqe = ring_get_sqe(&r);
	prep_rw(sqe, IORING_OP_WRITEV, 0, &iov, 1, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->user_data = 1;
	EXPECT_EQ(16, ring_run_one(&r, 1));
	sqe = ring_get_sqe(&r);
	prep_rw(sqe, IORING_OP_READV, 0, &riov, 1, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->user_data = 2;
	EXPECT_EQ(16, ring_run_one(&r, 2));
	EXPECT_EQ(0, memcmp(buf, rd, 16));
	sqe = ring_get_sqe(&r);
	prep_rw(sqe, IORING_OP_WRITEV, 1, &iov, 1, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->user_data = 3;
	EXPECT_EQ(16, ring_run_one(&r, 3));
	EXPECT_EQ(16, read(p[0], rd, 32));

	/* indices past the table */
	sqe = ring_get_sqe(&r);
	prep_rw(sqe, IORING_OP_READV, 2, &riov, 1, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->user_data = 4;
	EXPECT_EQ(-EBADF, ring_run_one(&r, 4));
	sqe = ring_get_sqe(&r);
	prep_rw(sqe, IORING_OP_READV, -1, &riov, 1, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->user_data = 5;
	EXPECT_EQ(-EBADF, ring_run_one(&r, 5));

	EXPECT_EQ(EBUSY, reg_errno(r.fd, IORING_REGISTER_FILES, fds, 2));
	EXPECT_EQ(0, reg_errno(r.fd, IORING_UNREGISTER_FILES, NULL, 0));
	EXPECT_EQ(ENXIO, reg_errno(r.fd, IORING_UNREGISTER_FILES, NULL, 0));
	sqe = ring_get_sqe(&r);
	prep_rw(sqe, IORING_OP_READV, 0, &riov, 1, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->user_data = 6;
	EXPECT_EQ(-EBADF, ring_run_one(&r, 6));
	close(p[0]);
	close(p[1]);
	ring_exit(&r);
}

TEST(file_registration_errors)
{
	struct ring r, other;
	struct rlimit rl;
	int fds[3];

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	ASSERT_EQ(0, ring_init(&other, 4, 0));
	fds[0] = 0;
	fds[1] = 1;
	fds[2] = 12345;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILES, fds, 0));
	/* more than RLIMIT_NOFILE, or than 2^20, as 6.1 */
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &rl));
	EXPECT_EQ(EMFILE, reg_errno(r.fd, IORING_REGISTER_FILES, fds, rl.rlim_cur + 1));
	EXPECT_EQ(EMFILE, reg_errno(r.fd, IORING_REGISTER_FILES, fds, (1U << 20) + 1));
	EXPECT_EQ(EFAULT, reg_errno(r.fd, IORING_REGISTER_FILES, NULL, 2));
	/* a bad fd at the end: nothing stays registered */
	EXPECT_EQ(EBADF, reg_errno(r.fd, IORING_REGISTER_FILES, fds, 3));
	EXPECT_EQ(ENXIO, reg_errno(r.fd, IORING_UNREGISTER_FILES, NULL, 0));
	/* the ring itself, or another ring */
	fds[2] = r.fd;
	EXPECT_EQ(EBADF, reg_errno(r.fd, IORING_REGISTER_FILES, fds, 3));
	fds[2] = other.fd;
	EXPECT_EQ(EBADF, reg_errno(r.fd, IORING_REGISTER_FILES, fds, 3));
	EXPECT_EQ(ENXIO, reg_errno(r.fd, IORING_UNREGISTER_FILES, NULL, 0));
	EXPECT_EQ(0, reg_errno(r.fd, IORING_REGISTER_FILES, fds, 2));
	ring_exit(&other);
	ring_exit(&r);
}

/* IORING_REGISTER_FILES_UPDATE: @nr fds at @fds go to slots @offset on. */
static int files_update(int ring_fd, unsigned int offset, int *fds, unsigned int nr)
{
	struct io_uring_files_update up = { .offset = offset, .fds = (unsigned long)fds };
	int ret = sys_register(ring_fd, IORING_REGISTER_FILES_UPDATE, &up, nr);

	return ret < 0 ? -errno : ret;
}

/* One byte written through fixed file @index: its res. */
static int fixed_write_byte(struct ring *r, int index)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	prep_rw(sqe, IORING_OP_WRITE, index, "x", 1, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->user_data = 0xb1;
	return ring_run_one(r, 0xb1);
}

/*
 * fd -1 registers an empty slot (a fixed-file request on it is -EBADF);
 * a files update fills, replaces, empties or skips slots, and returns how
 * many it did.
 */
TEST(files_update_register)
{
	int p1[2], p2[2], fds[3] = { -1, -1, -1 }, upd[3];
	char buf[4];
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, pipe(p1));
	ASSERT_EQ(0, pipe(p2));
	EXPECT_EQ(-ENXIO, files_update(r.fd, 0, fds, 1));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_FILES, fds, 3));
	EXPECT_EQ(-EBADF, fixed_write_byte(&r, 0));

	/* fill slots 0 and 2, skip 1 */
	upd[0] = p1[1];
	upd[1] = IORING_REGISTER_FILES_SKIP;
	upd[2] = p2[1];
	EXPECT_EQ(3, files_update(r.fd, 0, upd, 3));
	EXPECT_EQ(1, fixed_write_byte(&r, 0));
	EXPECT_EQ(1, read(p1[0], buf, sizeof(buf)));
	EXPECT_EQ(-EBADF, fixed_write_byte(&r, 1));
	EXPECT_EQ(1, fixed_write_byte(&r, 2));
	EXPECT_EQ(1, read(p2[0], buf, sizeof(buf)));

	/* replace slot 2, then empty it */
	upd[0] = p1[1];
	EXPECT_EQ(1, files_update(r.fd, 2, upd, 1));
	EXPECT_EQ(1, fixed_write_byte(&r, 2));
	EXPECT_EQ(1, read(p1[0], buf, sizeof(buf)));
	upd[0] = -1;
	EXPECT_EQ(1, files_update(r.fd, 2, upd, 1));
	EXPECT_EQ(-EBADF, fixed_write_byte(&r, 2));

	/* a bad fd stops the update: an error if it is the first, else a count */
	upd[0] = 12345;
	EXPECT_EQ(-EBADF, files_update(r.fd, 1, upd, 1));
	upd[0] = p2[1];
	upd[1] = 12345;
	EXPECT_EQ(1, files_update(r.fd, 1, upd, 2));
	EXPECT_EQ(1, fixed_write_byte(&r, 1));
	EXPECT_EQ(1, read(p2[0], buf, sizeof(buf)));
	/* the slot of an fd that fails is left empty, as in 6.1 */
	upd[0] = r.fd;
	EXPECT_EQ(-EBADF, files_update(r.fd, 0, upd, 1));
	EXPECT_EQ(-EBADF, fixed_write_byte(&r, 0));

	close(p1[0]);
	close(p1[1]);
	close(p2[0]);
	close(p2[1]);
	ring_exit(&r);
}

TEST(files_update_register_errors)
{
	struct io_uring_files_update up = { 0 };
	int fds[2] = { -1, -1 };
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_FILES, fds, 2));
	EXPECT_EQ(-EINVAL, files_update(r.fd, 0, fds, 0));
	EXPECT_EQ(-EINVAL, files_update(r.fd, 0, fds, 3));
	EXPECT_EQ(-EINVAL, files_update(r.fd, 2, fds, 1));
	EXPECT_EQ(-EINVAL, files_update(r.fd, 3, fds, 1));
	EXPECT_EQ(-EOVERFLOW, files_update(r.fd, ~0U, fds, 2));
	EXPECT_EQ(-EFAULT, files_update(r.fd, 0, NULL, 1));
	EXPECT_EQ(EFAULT, reg_errno(r.fd, IORING_REGISTER_FILES_UPDATE, NULL, 1));
	up.resv = 1;
	up.fds = (unsigned long)fds;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILES_UPDATE, &up, 1));
	ring_exit(&r);
}

/* IORING_OP_FILES_UPDATE of @nr fds at @fds from slot @off: its res. */
static int update_op(struct ring *r, int *fds, unsigned int nr, __u64 off, int flags)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	prep_rw(sqe, IORING_OP_FILES_UPDATE, -1, fds, nr, off);
	sqe->flags = flags;
	sqe->user_data = 0xf0;
	return ring_run_one(r, 0xf0);
}

/*
 * The request form: the same update, inline or in a worker (IOSQE_ASYNC);
 * at IORING_FILE_INDEX_ALLOC each file goes to a free slot and the slot's
 * index is written back over its fd.
 */
TEST(files_update_op)
{
	int p[2], fds[4] = { -1, -1, -1, -1 }, upd[3], i;
	char buf[4];
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, pipe(p));
	upd[0] = p[1];
	EXPECT_EQ(-ENXIO, update_op(&r, upd, 1, 0, 0));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_FILES, fds, 4));

	EXPECT_EQ(1, update_op(&r, upd, 1, 3, 0));
	EXPECT_EQ(1, fixed_write_byte(&r, 3));
	EXPECT_EQ(1, read(p[0], buf, sizeof(buf)));
	upd[0] = -1;
	EXPECT_EQ(1, update_op(&r, upd, 1, 3, IOSQE_ASYNC));
	EXPECT_EQ(-EBADF, fixed_write_byte(&r, 3));

	/*
	 * Three of four free slots taken: the one just emptied first, then
	 * on from there (as 6.1 picks them); then one more, then -ENFILE.
	 */
	for (i = 0; i < 3; i++)
		upd[i] = p[1];
	EXPECT_EQ(3, update_op(&r, upd, 3, IORING_FILE_INDEX_ALLOC, 0));
	EXPECT_EQ(3, upd[0]);
	EXPECT_EQ(0, upd[1]);
	EXPECT_EQ(1, upd[2]);
	upd[0] = p[1];
	upd[1] = p[1];
	/* liburing passes its int offset: -1 arrives as all ones */
	EXPECT_EQ(1, update_op(&r, upd, 2, (__u64)-1, 0));
	EXPECT_EQ(2, upd[0]);
	EXPECT_EQ(-ENFILE, update_op(&r, upd + 1, 1, IORING_FILE_INDEX_ALLOC, 0));
	EXPECT_EQ(1, fixed_write_byte(&r, 1));
	EXPECT_EQ(1, fixed_write_byte(&r, 3));
	EXPECT_EQ(2, read(p[0], buf, sizeof(buf)));
	upd[0] = -1;
	EXPECT_EQ(-EBADF, update_op(&r, upd, 1, IORING_FILE_INDEX_ALLOC, 0));

	/* its own fields */
	EXPECT_EQ(-EINVAL, update_op(&r, upd, 0, 0, 0));
	EXPECT_EQ(-EINVAL, update_op(&r, upd, 1, 0, IOSQE_FIXED_FILE));
	EXPECT_EQ(-EINVAL, update_op(&r, upd, 1, 1ULL << 32, 0));
	EXPECT_EQ(-EFAULT, update_op(&r, NULL, 1, 0, 0));
	close(p[0]);
	close(p[1]);
	ring_exit(&r);
}

/*
 * A request holds its own reference to its fixed file: a read that waits
 * on a pipe still gets that pipe's data after its slot was replaced.
 */
TEST(files_update_under_a_waiting_read)
{
	int p1[2], p2[2], fd;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char buf[4] = { 0 };
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, pipe(p1));
	ASSERT_EQ(0, pipe(p2));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_FILES, p1, 1));
	sqe = ring_get_sqe(&r);
	prep_rw(sqe, IORING_OP_READ, 0, buf, 1, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->user_data = 7;
	ASSERT_EQ(1, ring_submit(&r, 0));
	fd = p2[0];
	EXPECT_EQ(1, files_update(r.fd, 0, &fd, 1));
	close(p1[0]);
	ASSERT_EQ(1, write(p1[1], "a", 1));
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_EQ(7, cqe.user_data);
	EXPECT_EQ(1, cqe.res);
	EXPECT_EQ('a', buf[0]);
	close(p1[1]);
	close(p2[0]);
	close(p2[1]);
	ring_exit(&r);
}

/*
 * A ring cannot travel over a unix socket (SCM_RIGHTS), so no reference
 * cycle through a ring can hide from the unix garbage collector.
 */
/* ---- direct descriptors ------------------------------------------------ */

/* IORING_REGISTER_FILES2 of @nr empty slots: 0 or the errno. */
static int register_sparse(int ring_fd, unsigned int nr)
{
	struct io_uring_rsrc_register rr = { .nr = nr, .flags = IORING_RSRC_REGISTER_SPARSE };

	return reg_errno(ring_fd, IORING_REGISTER_FILES2, &rr, sizeof(rr));
}

/* A file holding one byte @c; its path is in @path. */
static void one_byte_file(char *path, size_t len, char c)
{
	int fd;

	snprintf(path, len, "/tmp/fixed-direct-%d-%c", getpid(), c);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	if (fd < 0 || write(fd, &c, 1) != 1)
		perror(path);
	close(fd);
}

/* OPENAT of @path as direct descriptor @slot (1-based, or ALLOC). */
static struct io_uring_sqe *prep_open_direct(struct ring *r, const char *path, int flags,
					     __u32 slot, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_OPENAT;
	sqe->fd = AT_FDCWD;
	sqe->addr = (unsigned long)path;
	sqe->open_flags = flags;
	sqe->file_index = slot;
	sqe->user_data = data;
	return sqe;
}

static int open_direct(struct ring *r, const char *path, int flags, __u32 slot)
{
	prep_open_direct(r, path, flags, slot, 0xd1);
	return ring_run_one(r, 0xd1);
}

/* A one-byte READ at offset 0 of fixed file @index into @c. */
static void prep_fixed_read(struct ring *r, int index, char *c, __u8 flags, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	prep_rw(sqe, IORING_OP_READ, index, c, 1, 0);
	sqe->flags = IOSQE_FIXED_FILE | flags;
	sqe->user_data = data;
}

/* Reap @n CQEs, in the order of their user_data from @first: their res. */
static int reap_in_order(struct ring *r, int n, __u64 first, int *res)
{
	struct io_uring_cqe cqe;
	int i;

	for (i = 0; i < n; i++) {
		if (ring_wait_cqe(r, &cqe) || cqe.user_data != first + i)
			return -1;
		res[i] = cqe.res;
	}
	return 0;
}

/* SOCKET of an AF_UNIX stream socket as direct descriptor @slot: its res. */
static int socket_direct(struct ring *r, int type, __u32 slot)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_SOCKET;
	sqe->fd = AF_UNIX;
	sqe->off = type;
	sqe->file_index = slot;
	sqe->user_data = 0xd3;
	return ring_run_one(r, 0xd3);
}

/* CLOSE of @fd, or of direct descriptor @slot (1-based), with @flags. */
static void prep_close_direct(struct ring *r, int fd, __u32 slot, __u8 flags, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_CLOSE;
	sqe->fd = fd;
	sqe->file_index = slot;
	sqe->flags = flags;
	sqe->user_data = data;
}

static int close_direct(struct ring *r, int fd, __u32 slot)
{
	prep_close_direct(r, fd, slot, 0, 0xd2);
	return ring_run_one(r, 0xd2);
}

/* One byte read at offset 0 through fixed file @index: the byte, or res. */
static int fixed_read_byte(struct ring *r, int index)
{
	char c = 0;
	int res;

	prep_fixed_read(r, index, &c, 0, 0xd4);
	res = ring_run_one(r, 0xd4);
	return res == 1 ? c : res;
}

/*
 * A file_index makes OPENAT's file a direct descriptor: slot file_index - 1
 * of the registered files, in place of what it held, or a free slot with
 * IORING_FILE_INDEX_ALLOC, which the CQE names.  CLOSE with a file_index
 * empties the slot.
 */
TEST(direct_descriptors)
{
	char a[64], b[64];
	struct ring r;
	int i, slot;

	one_byte_file(a, sizeof(a), 'A');
	one_byte_file(b, sizeof(b), 'B');
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, register_sparse(r.fd, 4));
	EXPECT_EQ(-EBADF, fixed_read_byte(&r, 1));
	EXPECT_EQ(0, open_direct(&r, a, O_RDONLY, 2));
	EXPECT_EQ('A', fixed_read_byte(&r, 1));
	EXPECT_EQ(0, open_direct(&r, b, O_RDONLY, 2));
	EXPECT_EQ('B', fixed_read_byte(&r, 1));
	slot = open_direct(&r, a, O_RDONLY, IORING_FILE_INDEX_ALLOC);
	ASSERT_LE(0, slot);
	EXPECT_NE(1, slot);
	EXPECT_GT(4, slot);
	EXPECT_EQ('A', fixed_read_byte(&r, slot));
	EXPECT_EQ(0, close_direct(&r, 0, slot + 1));
	EXPECT_EQ(-EBADF, fixed_read_byte(&r, slot));
	EXPECT_EQ(-EBADF, close_direct(&r, 0, slot + 1));
	/* the other slots fill up: then there is none to allocate */
	for (i = 0; i < 3; i++)
		EXPECT_LE(0, socket_direct(&r, SOCK_STREAM, IORING_FILE_INDEX_ALLOC));
	EXPECT_EQ(-ENFILE, open_direct(&r, a, O_RDONLY, IORING_FILE_INDEX_ALLOC));
	EXPECT_EQ(-ENFILE, socket_direct(&r, SOCK_STREAM, IORING_FILE_INDEX_ALLOC));
	EXPECT_EQ('B', fixed_read_byte(&r, 1));
	/* bad inputs: a direct descriptor has no close-on-exec */
	EXPECT_EQ(-EINVAL, open_direct(&r, a, O_RDONLY | O_CLOEXEC, 1));
	EXPECT_EQ(-EINVAL, socket_direct(&r, SOCK_STREAM | SOCK_CLOEXEC, 1));
	EXPECT_EQ(-EINVAL, open_direct(&r, a, O_RDONLY, 5));
	EXPECT_EQ(-EINVAL, socket_direct(&r, SOCK_STREAM, 5));
	EXPECT_EQ(-EINVAL, close_direct(&r, 0, 5));
	EXPECT_EQ(-EINVAL, close_direct(&r, 3, 1));
	EXPECT_EQ(-ENOENT, open_direct(&r, "/nonexistent", O_RDONLY, 1));
	EXPECT_EQ('B', fixed_read_byte(&r, 1));
	ring_exit(&r);
	unlink(a);
	unlink(b);
}

/*
 * As on 6.1, an OPENAT of a cached regular file is made in io_uring_enter()
 * itself, and so is a chain of it, a READ and a CLOSE of the slot: when
 * the READ's CQE is seen the slot is empty again, and the next chain's
 * OPENAT cannot be undone by the last one's CLOSE (liburing's
 * open-direct-link).  A FIFO is opened by a worker, which waits for the
 * other end, as openat(2) does.
 */
TEST(open_read_close_chain_ends_in_enter)
{
	struct io_uring_cqe cqe = { 0 };
	struct io_uring_sqe *sqe;
	char a[64], fifo[64], c;
	struct ring r;
	int i, wfd;

	/* a file system whose reads can be tried without blocking (not tmpfs) */
	snprintf(a, sizeof(a), "/mnt/ext4/fixed-chain-%d", getpid());
	wfd = open(a, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	if (wfd < 0)
		SKIP(return, "no ext4 at /mnt/ext4");
	ASSERT_EQ(1, write(wfd, "L", 1));
	close(wfd);
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, register_sparse(r.fd, 2));
	prep_open_direct(&r, a, O_RDONLY, 1, 1);
	ASSERT_EQ(1, ring_submit(&r, 0));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe)) TH_LOG("OPENAT not made in io_uring_enter()");
	EXPECT_EQ(0, cqe.res);
	for (i = 0; i < 20; i++) {
		c = 0;
		sqe = prep_open_direct(&r, a, O_RDONLY, 1, 1);
		sqe->flags = IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS;
		prep_fixed_read(&r, 0, &c, IOSQE_IO_LINK, 2);
		prep_close_direct(&r, 0, 1, IOSQE_CQE_SKIP_SUCCESS, 3);
		ASSERT_EQ(3, ring_submit(&r, 0));
		ASSERT_EQ(1, ring_peek_cqe(&r, &cqe)) TH_LOG("round %d: chain not done", i);
		EXPECT_EQ(2, cqe.user_data);
		EXPECT_EQ(1, cqe.res);
		EXPECT_EQ('L', c);
		EXPECT_EQ(-EBADF, fixed_read_byte(&r, 0)) TH_LOG("round %d: not closed", i);
	}

	snprintf(fifo, sizeof(fifo), "/tmp/fixed-fifo-%d", getpid());
	ASSERT_EQ(0, mkfifo(fifo, 0600));
	prep_open_direct(&r, fifo, O_RDONLY, 2, 4);
	ASSERT_EQ(1, ring_submit(&r, 0));
	usleep(50 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&r, &cqe));
	wfd = open(fifo, O_WRONLY);
	ASSERT_LE(0, wfd);
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_EQ(4, cqe.user_data);
	EXPECT_EQ(0, cqe.res);
	close(wfd);
	ring_exit(&r);
	unlink(fifo);
	unlink(a);
}

/* Milliseconds since @t0. */
static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * An open made in io_uring_enter() never waits there: one that must break
 * a lease first (a read lease of our own, on a file opened for writing)
 * is made by a worker, which waits for the lease holder as openat(2)
 * does, while io_uring_enter() returns at once.  The lease break time is
 * cut to 2 s meanwhile, so that an open that did wait shows as such.
 */
TEST(inline_open_does_not_wait_for_a_lease)
{
	char path[64], old[16] = { 0 };
	struct io_uring_cqe cqe = { 0 };
	int fd, sysctl, lease;
	struct timespec t0;
	struct ring r;

	snprintf(path, sizeof(path), "/mnt/ext4/fixed-lease-%d", getpid());
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	if (fd < 0)
		SKIP(return, "no ext4 at /mnt/ext4");
	close(fd);
	sysctl = open("/proc/sys/fs/lease-break-time", O_RDWR);
	if (sysctl < 0 || read(sysctl, old, sizeof(old) - 1) <= 0 ||
	    pwrite(sysctl, "2\n", 2, 0) != 2)
		SKIP(unlink(path); return, "cannot set fs.lease-break-time (not root?)");
	signal(SIGIO, SIG_IGN);
	lease = open(path, O_RDONLY);
	ASSERT_LE(0, lease);
	ASSERT_EQ(0, fcntl(lease, F_SETLEASE, F_RDLCK));

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	prep_open_direct(&r, path, O_WRONLY, 0, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_GT(1000, ms_since(&t0)) TH_LOG("io_uring_enter() waited for the lease");
	EXPECT_EQ(0, ring_peek_cqe(&r, &cqe));
	ASSERT_EQ(0, fcntl(lease, F_SETLEASE, F_UNLCK));
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_EQ(1, cqe.user_data);
	EXPECT_LE(0, cqe.res);
	EXPECT_EQ(O_WRONLY, fcntl(cqe.res, F_GETFL) & (O_ACCMODE | O_NONBLOCK));
	close(cqe.res);
	close(lease);
	ring_exit(&r);
	EXPECT_EQ(strlen(old), pwrite(sysctl, old, strlen(old), 0));
	close(sysctl);
	unlink(path);
}

/* Without registered files, a direct descriptor has nowhere to go. */
TEST(direct_descriptors_need_registered_files)
{
	char a[64];
	struct ring r;

	one_byte_file(a, sizeof(a), 'C');
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	EXPECT_EQ(-ENXIO, open_direct(&r, a, O_RDONLY, 1));
	EXPECT_EQ(-ENFILE, open_direct(&r, a, O_RDONLY, IORING_FILE_INDEX_ALLOC));
	EXPECT_EQ(-ENXIO, socket_direct(&r, SOCK_STREAM, 1));
	EXPECT_EQ(-ENXIO, close_direct(&r, 0, 1));
	ring_exit(&r);
	unlink(a);
}

/* IORING_REGISTER_FILES2: a struct io_uring_rsrc_register, and its errors. */
TEST(files2_register)
{
	struct io_uring_rsrc_register rr;
	__u64 tags[2] = { 0, 7 };
	int p[2], fds[2];
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, pipe(p));
	fds[0] = -1;
	fds[1] = p[1];
	memset(&rr, 0, sizeof(rr));
	rr.nr = 2;
	rr.data = (unsigned long)fds;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILES2, &rr, sizeof(rr) - 8));
	EXPECT_EQ(EFAULT, reg_errno(r.fd, IORING_REGISTER_FILES2, NULL, sizeof(rr)));
	rr.flags = 2;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILES2, &rr, sizeof(rr)));
	rr.flags = IORING_RSRC_REGISTER_SPARSE;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILES2, &rr, sizeof(rr)));
	rr.flags = 0;
	rr.resv2 = 1;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILES2, &rr, sizeof(rr)));
	rr.resv2 = 0;
	rr.nr = 0;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILES2, &rr, sizeof(rr)));
	rr.nr = 2;
	rr.data = 8;
	EXPECT_EQ(EFAULT, reg_errno(r.fd, IORING_REGISTER_FILES2, &rr, sizeof(rr)));
	rr.data = (unsigned long)fds;
	/* an empty slot (fd -1) takes no tag; tags that cannot be read */
	rr.tags = (unsigned long)tags;
	tags[0] = 7;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILES2, &rr, sizeof(rr)));
	rr.tags = 8;
	EXPECT_EQ(EFAULT, reg_errno(r.fd, IORING_REGISTER_FILES2, &rr, sizeof(rr)));
	rr.tags = (unsigned long)tags;
	tags[0] = 0;
	EXPECT_EQ(0, reg_errno(r.fd, IORING_REGISTER_FILES2, &rr, sizeof(rr)));
	EXPECT_EQ(EBUSY, reg_errno(r.fd, IORING_REGISTER_FILES2, &rr, sizeof(rr)));
	EXPECT_EQ(-EBADF, fixed_write_byte(&r, 0));
	EXPECT_EQ(1, fixed_write_byte(&r, 1));
	/* no fds at all, sparse or not: empty slots, as on 6.1 */
	EXPECT_EQ(0, reg_errno(r.fd, IORING_UNREGISTER_FILES, NULL, 0));
	rr.data = 0;
	rr.tags = 0;
	EXPECT_EQ(0, reg_errno(r.fd, IORING_REGISTER_FILES2, &rr, sizeof(rr)));
	EXPECT_EQ(-EBADF, fixed_write_byte(&r, 1));
	ring_exit(&r);
	close(p[0]);
	close(p[1]);
}

/* IORING_REGISTER_FILES_UPDATE2: a struct io_uring_rsrc_update2. */
TEST(files_update2_register)
{
	struct io_uring_rsrc_update2 up;
	int empty = -1, skip = IORING_REGISTER_FILES_SKIP;
	__u64 tag = 5;
	struct ring r;
	int p[2];
	char c;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, pipe(p));
	memset(&up, 0, sizeof(up));
	up.nr = 1;
	up.data = (unsigned long)&p[1];
	EXPECT_EQ(ENXIO, reg_errno(r.fd, IORING_REGISTER_FILES_UPDATE2, &up, sizeof(up)));
	ASSERT_EQ(0, register_sparse(r.fd, 2));
	up.offset = 1;
	EXPECT_EQ(1, sys_register(r.fd, IORING_REGISTER_FILES_UPDATE2, &up, sizeof(up)));
	EXPECT_EQ(1, fixed_write_byte(&r, 1));
	EXPECT_EQ(1, read(p[0], &c, 1));
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILES_UPDATE2, &up, sizeof(up) - 1));
	up.offset = 2;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILES_UPDATE2, &up, sizeof(up)));
	up.offset = 0;
	up.resv = 1;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILES_UPDATE2, &up, sizeof(up)));
	up.resv = 0;
	up.resv2 = 1;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILES_UPDATE2, &up, sizeof(up)));
	up.resv2 = 0;
	up.nr = 0;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILES_UPDATE2, &up, sizeof(up)));
	up.nr = 1;
	/* a tag for a slot emptied (-1) or skipped is refused */
	up.tags = (unsigned long)&tag;
	up.data = (unsigned long)&empty;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILES_UPDATE2, &up, sizeof(up)));
	up.data = (unsigned long)&skip;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILES_UPDATE2, &up, sizeof(up)));
	EXPECT_EQ(-EBADF, fixed_write_byte(&r, 0));
	ring_exit(&r);
	close(p[0]);
	close(p[1]);
}

/*
 * IORING_FEAT_RSRC_TAGS: a tagged file or buffer that leaves its slot has
 * its tag posted (user_data, res 0) once no request submitted before is
 * left; unregistering posts none, as on 6.1.
 */
static int files2_tagged(int ring_fd, int *fds, __u64 *tags, unsigned int nr)
{
	struct io_uring_rsrc_register rr = {
		.nr = nr, .data = (unsigned long)fds, .tags = (unsigned long)tags,
	};

	return reg_errno(ring_fd, IORING_REGISTER_FILES2, &rr, sizeof(rr));
}

static int files_update_tagged(int ring_fd, unsigned int off, int *fds, __u64 *tags,
			       unsigned int nr)
{
	struct io_uring_rsrc_update2 up = {
		.offset = off, .data = (unsigned long)fds, .tags = (unsigned long)tags,
		.nr = nr,
	};
	int ret = sys_register(ring_fd, IORING_REGISTER_FILES_UPDATE2, &up, sizeof(up));

	return ret < 0 ? -errno : ret;
}

/* Nothing more is posted within 20 ms. */
static bool cq_stays_empty(struct ring *r)
{
	struct io_uring_cqe cqe;

	usleep(20 * 1000);
	return !ring_peek_cqe(r, &cqe);
}

/* A tag's CQE: @tag in user_data, res 0, no flags. */
static bool is_tag_cqe(const struct io_uring_cqe *cqe, __u64 tag)
{
	return cqe->user_data == tag && !cqe->res && !cqe->flags;
}

TEST(file_tags_are_posted_when_their_slot_changes)
{
	__u64 tags[2] = { 11, 12 }, tag = 21;
	struct io_uring_cqe cqe;
	int p[2], fds[2], none = -1;
	struct ring r;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	fds[0] = p[0];
	fds[1] = p[1];
	ASSERT_EQ(0, files2_tagged(r.fd, fds, tags, 2));
	EXPECT_TRUE(cq_stays_empty(&r));
	/* replaced: the old tag is posted, the new one stays with the slot */
	EXPECT_EQ(1, files_update_tagged(r.fd, 0, &p[1], &tag, 1));
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_TRUE(is_tag_cqe(&cqe, 11));
	EXPECT_EQ(1, fixed_write_byte(&r, 0));
	/* emptied: its tag; emptied again: nothing */
	EXPECT_EQ(1, files_update(r.fd, 0, &none, 1));
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_TRUE(is_tag_cqe(&cqe, 21));
	EXPECT_EQ(1, files_update(r.fd, 0, &none, 1));
	EXPECT_TRUE(cq_stays_empty(&r));
	/* a tag of 0 is none */
	tag = 0;
	EXPECT_EQ(1, files_update_tagged(r.fd, 0, &p[1], &tag, 1));
	EXPECT_EQ(1, files_update(r.fd, 0, &none, 1));
	EXPECT_TRUE(cq_stays_empty(&r));
	/* unregistering posts no tag (slot 1 still has 12) */
	EXPECT_EQ(0, reg_errno(r.fd, IORING_UNREGISTER_FILES, NULL, 0));
	EXPECT_TRUE(cq_stays_empty(&r));
	ring_exit(&r);
	close(p[0]);
	close(p[1]);
}

/*
 * A tag waits for every request submitted before its resource left, using
 * that resource or another, but not for those submitted after.
 */
TEST(tags_wait_for_the_requests_submitted_before)
{
	struct iovec iovs[2] = { { anon(4096), 4096 }, { anon(4096), 4096 } };
	__u64 tags[2] = { 1, 2 };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct ring r;
	int p[2], q[2];
	char c = 0;

	ASSERT_NE(NULL, iovs[0].iov_base);
	ASSERT_NE(NULL, iovs[1].iov_base);
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, pipe(q));
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, bufs2(r.fd, iovs, 2, 0, tags));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_FILES, q, 1));
	/* A: a READ_FIXED of buffer 0 that waits */
	sqe = ring_get_sqe(&r);
	prep_rw(sqe, IORING_OP_READ_FIXED, p[0], iovs[0].iov_base, 5, 0);
	sqe->user_data = 100;
	ASSERT_EQ(1, ring_submit(&r, 0));
	/* buffer 1 leaves: its tag waits for A */
	EXPECT_EQ(1, bufs_update(r.fd, 1, &iovs[0], 1));
	EXPECT_TRUE(cq_stays_empty(&r));
	/* B: a read of fixed file 0 that waits, submitted after */
	prep_fixed_read(&r, 0, &c, 0, 101);
	ASSERT_EQ(1, ring_submit(&r, 0));
	ASSERT_EQ(5, write(p[1], "fixed", 5));
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_EQ(100, cqe.user_data);
	EXPECT_EQ(5, cqe.res);
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_TRUE(is_tag_cqe(&cqe, 2));
	/* buffer 0 leaves while B waits: its tag waits for B */
	EXPECT_EQ(1, bufs_update(r.fd, 0, &iovs[1], 1));
	EXPECT_TRUE(cq_stays_empty(&r));
	ASSERT_EQ(1, write(q[1], "b", 1));
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_EQ(101, cqe.user_data);
	EXPECT_EQ(1, cqe.res);
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_TRUE(is_tag_cqe(&cqe, 1));

	/* closed with a request waiting and a tag queued behind it: freed (kmemleak) */
	tags[0] = 3;
	EXPECT_EQ(1, bufs_update2_tagged(r.fd, 0, &iovs[0], &tags[0]));
	prep_fixed_read(&r, 0, &c, 0, 102);
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ(1, bufs_update(r.fd, 0, &iovs[1], 1));
	ring_exit(&r);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	munmap(iovs[0].iov_base, 4096);
	munmap(iovs[1].iov_base, 4096);
}

/* Reap two CQEs, in either order: the one with @data's res; false if not both there. */
static bool reap_with_tag(struct ring *r, __u64 data, __u64 tag, int *res)
{
	struct io_uring_cqe cqe[2];
	int i;

	for (i = 0; i < 2; i++)
		if (ring_wait_cqe(r, &cqe[i]))
			return false;
	i = cqe[0].user_data == data ? 0 : 1;
	*res = cqe[i].res;
	return cqe[i].user_data == data && is_tag_cqe(&cqe[!i], tag);
}

/*
 * A direct descriptor's slot changing by request: CLOSE, an OPENAT over
 * it, IORING_OP_FILES_UPDATE.  Each posts the tag of what was there.
 */
TEST(file_tags_and_requests_that_change_slots)
{
	__u64 tags[3] = { 31, 32, 33 };
	struct io_uring_sqe *sqe;
	char a[64];
	int p[2], fds[3], none = -1, res;
	struct ring r;

	one_byte_file(a, sizeof(a), 't');
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	fds[0] = p[1];
	fds[1] = p[1];
	fds[2] = p[1];
	ASSERT_EQ(0, files2_tagged(r.fd, fds, tags, 3));
	sqe = ring_get_sqe(&r);
	prep_rw(sqe, IORING_OP_CLOSE, 0, NULL, 0, 0);
	sqe->file_index = 1;
	sqe->user_data = 0xc1;
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_TRUE(reap_with_tag(&r, 0xc1, 31, &res));
	EXPECT_EQ(0, res);
	prep_open_direct(&r, a, O_RDONLY, 2, 0xc2);
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_TRUE(reap_with_tag(&r, 0xc2, 32, &res));
	EXPECT_EQ(0, res);
	EXPECT_EQ('t', fixed_read_byte(&r, 1));
	sqe = ring_get_sqe(&r);
	prep_rw(sqe, IORING_OP_FILES_UPDATE, -1, &none, 1, 2);
	sqe->user_data = 0xc3;
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_TRUE(reap_with_tag(&r, 0xc3, 33, &res));
	EXPECT_EQ(1, res);
	/* what came in by request has no tag */
	EXPECT_EQ(0, close_direct(&r, 0, 2));
	EXPECT_TRUE(cq_stays_empty(&r));
	ring_exit(&r);
	close(p[0]);
	close(p[1]);
	unlink(a);
}

/* A SPLICE from a registered file (SPLICE_F_FD_IN_FIXED) holds the tag too. */
TEST(splice_from_a_tagged_file_holds_its_tag)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int p[2], q[2], none = -1;
	__u64 tag = 51;
	struct ring r;
	char buf[8];

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, pipe(q));
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, files2_tagged(r.fd, &p[0], &tag, 1));
	/* from slot 0 (an empty pipe) into a plain pipe fd: it waits in a worker */
	sqe = ring_get_sqe(&r);
	prep_rw(sqe, IORING_OP_SPLICE, q[1], NULL, 4, -1);
	sqe->splice_fd_in = 0;
	sqe->splice_off_in = -1;
	sqe->splice_flags = SPLICE_F_FD_IN_FIXED;
	sqe->user_data = 0x5e;
	ASSERT_EQ(1, ring_submit(&r, 0));
	usleep(20 * 1000);
	EXPECT_EQ(1, files_update(r.fd, 0, &none, 1));
	EXPECT_TRUE(cq_stays_empty(&r));
	ASSERT_EQ(4, write(p[1], "span", 4));
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_EQ(0x5e, cqe.user_data);
	EXPECT_EQ(4, cqe.res);
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_TRUE(is_tag_cqe(&cqe, 51));
	EXPECT_EQ(4, read(q[0], buf, sizeof(buf)));
	ring_exit(&r);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

/* On a DEFER_TASKRUN ring, a waiter sees the tag too. */
TEST(file_tag_on_a_defer_taskrun_ring)
{
	__u64 tag = 41;
	struct io_uring_cqe cqe;
	int p[2], none = -1;
	struct ring r;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, ring_init(&r, 8, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN));
	ASSERT_EQ(0, files2_tagged(r.fd, &p[0], &tag, 1));
	EXPECT_EQ(1, files_update(r.fd, 0, &none, 1));
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_TRUE(is_tag_cqe(&cqe, 41));
	ring_exit(&r);
	close(p[0]);
	close(p[1]);
}

/*
 * IORING_REGISTER_FILE_ALLOC_RANGE: IORING_FILE_INDEX_ALLOC takes only
 * slots of [off, off + len), and -ENFILE when they are taken.
 */
TEST(file_alloc_range)
{
	struct io_uring_file_index_range range = { .off = 2, .len = 2 };
	struct ring r;
	int a, b;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILE_ALLOC_RANGE, &range, 0));
	ASSERT_EQ(0, register_sparse(r.fd, 8));
	EXPECT_EQ(0, reg_errno(r.fd, IORING_REGISTER_FILE_ALLOC_RANGE, &range, 0));
	a = socket_direct(&r, SOCK_STREAM, IORING_FILE_INDEX_ALLOC);
	b = socket_direct(&r, SOCK_DGRAM, IORING_FILE_INDEX_ALLOC);
	EXPECT_TRUE((a == 2 && b == 3) || (a == 3 && b == 2)) TH_LOG("slots %d, %d", a, b);
	EXPECT_EQ(-ENFILE, socket_direct(&r, SOCK_STREAM, IORING_FILE_INDEX_ALLOC));
	/* a slot outside the range is still the application's to name */
	EXPECT_EQ(0, socket_direct(&r, SOCK_STREAM, 1));
	EXPECT_EQ(0, close_direct(&r, 0, 4));
	EXPECT_EQ(3, socket_direct(&r, SOCK_STREAM, IORING_FILE_INDEX_ALLOC));
	/* bad ranges */
	range.off = 7;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILE_ALLOC_RANGE, &range, 0));
	range.off = ~0u;
	EXPECT_EQ(EOVERFLOW, reg_errno(r.fd, IORING_REGISTER_FILE_ALLOC_RANGE, &range, 0));
	range.off = 0;
	range.resv = 1;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILE_ALLOC_RANGE, &range, 0));
	range.resv = 0;
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILE_ALLOC_RANGE, &range, 1));
	EXPECT_EQ(EINVAL, reg_errno(r.fd, IORING_REGISTER_FILE_ALLOC_RANGE, NULL, 0));
	EXPECT_EQ(EFAULT, reg_errno(r.fd, IORING_REGISTER_FILE_ALLOC_RANGE, (void *)8, 0));
	/* an empty range: nothing to allocate from */
	range.len = 0;
	EXPECT_EQ(0, reg_errno(r.fd, IORING_REGISTER_FILE_ALLOC_RANGE, &range, 0));
	EXPECT_EQ(-ENFILE, socket_direct(&r, SOCK_STREAM, IORING_FILE_INDEX_ALLOC));
	ring_exit(&r);
}

/*
 * IORING_FEAT_LINKED_FILE: a READ linked behind an OPENAT into its slot
 * reads the file just opened there, not the one the slot held when both
 * were submitted; and one behind a CLOSE of its slot finds it empty.  So
 * does one that a drain holds back.
 */
TEST(linked_read_uses_the_slot_at_its_turn)
{
	struct io_uring_sqe *sqe;
	char a[64], b[64], c = 0;
	struct ring r;
	int res[4];

	one_byte_file(a, sizeof(a), 'D');
	one_byte_file(b, sizeof(b), 'E');
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, register_sparse(r.fd, 1));
	ASSERT_EQ(0, open_direct(&r, a, O_RDONLY, 1));
	EXPECT_EQ('D', fixed_read_byte(&r, 0));

	prep_open_direct(&r, b, O_RDONLY, 1, 1)->flags = IOSQE_IO_LINK;
	prep_fixed_read(&r, 0, &c, IOSQE_IO_LINK, 2);
	prep_close_direct(&r, 0, 1, IOSQE_IO_LINK, 3);
	prep_fixed_read(&r, 0, &c, 0, 4);
	ASSERT_EQ(4, ring_submit(&r, 4));
	ASSERT_EQ(0, reap_in_order(&r, 4, 1, res));
	EXPECT_EQ(0, res[0]);
	EXPECT_EQ(1, res[1]);
	EXPECT_EQ('E', c);
	EXPECT_EQ(0, res[2]);
	EXPECT_EQ(-EBADF, res[3]);

	/* a READ held back by a drain finds what the OPENAT before it put there */
	c = 0;
	prep_open_direct(&r, a, O_RDONLY, 1, 5);
	prep_fixed_read(&r, 0, &c, IOSQE_IO_DRAIN, 6);
	ASSERT_EQ(2, ring_submit(&r, 2));
	ASSERT_EQ(0, reap_in_order(&r, 2, 5, res));
	EXPECT_EQ(0, res[0]);
	EXPECT_EQ(1, res[1]);
	EXPECT_EQ('D', c);

	/* so does the head of a chain that a member's drain holds back */
	c = 0;
	prep_open_direct(&r, b, O_RDONLY, 1, 7);
	prep_fixed_read(&r, 0, &c, IOSQE_IO_LINK, 8);
	sqe = ring_get_sqe(&r);
	sqe->opcode = IORING_OP_NOP;
	sqe->flags = IOSQE_IO_DRAIN;
	sqe->user_data = 9;
	ASSERT_EQ(3, ring_submit(&r, 3));
	ASSERT_EQ(0, reap_in_order(&r, 3, 7, res));
	EXPECT_EQ(0, res[0]);
	EXPECT_EQ(1, res[1]);
	EXPECT_EQ(0, res[2]);
	EXPECT_EQ('E', c);
	ring_exit(&r);
	unlink(a);
	unlink(b);
}

TEST(ring_fd_cannot_be_sent)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct msghdr msg = { 0 };
	struct iovec iov = { "x", 1 };
	struct cmsghdr *cmsg;
	struct ring r;
	int sv[2];

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &r.fd, sizeof(int));
	EXPECT_EQ(-1, sendmsg(sv[0], &msg, 0));
	EXPECT_EQ(EINVAL, errno);

	/* a socket in a file set, in a cycle of its own, is still collected */
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_FILES, sv, 2));
	memcpy(CMSG_DATA(cmsg), &sv[1], sizeof(int));
	EXPECT_EQ(1, sendmsg(sv[0], &msg, 0));
	close(sv[0]);
	close(sv[1]);
	ring_exit(&r);
}

/*
 * A buffer backed by huge pages (hugetlb when the kernel has pages to give,
 * else transparent huge pages): I/O across the huge page boundary works,
 * and ranges reaching past either end of the buffer are refused whole,
 * with nothing written outside [addr, addr + len).
 */
TEST(huge_page_buffer)
{
	const size_t huge = 2 << 20, len = 2 * huge;
	const char *kind = "hugetlb";
	struct iovec iov;
	struct ring r;
	char path[] = "/tmp/io_uring-huge-XXXXXX";
	char *buf, *area;
	int fd, hp;

	hp = open("/proc/sys/vm/nr_hugepages", O_WRONLY);
	if (hp >= 0) {
		if (write(hp, "4", 1) != 1)
			TH_LOG("could not reserve huge pages");
		close(hp);
	}
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (buf == MAP_FAILED) {
		/* a huge-aligned stretch of an over-sized mapping, made huge */
		kind = "transparent huge pages";
		area = anon(len + huge);
		ASSERT_NE(NULL, area);
		buf = (char *)(((uintptr_t)area + huge - 1) & ~(huge - 1));
		if (madvise(buf, len, MADV_HUGEPAGE))
			kind = "small pages (no THP in this kernel)";
	}
	TH_LOG("a %zu MiB buffer of %s", len >> 20, kind);
	memset(buf, 0x11, len);
	iov.iov_base = buf;
	iov.iov_len = len;
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_BUFFERS, &iov, 1));
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	unlink(path);

	/* across the boundary between the two huge pages */
	memset(buf + huge - 4096, 0x22, 8192);
	EXPECT_EQ(8192, fixed_rw(&r, IORING_OP_WRITE_FIXED, fd, buf + huge - 4096, 8192, 0,
				 0, 0));
	memset(buf + huge - 4096, 0, 8192);
	EXPECT_EQ(8192, fixed_rw(&r, IORING_OP_READ_FIXED, fd, buf + huge - 4096, 8192, 0,
				 0, 0));
	EXPECT_EQ(0x22, buf[huge - 4096]);
	EXPECT_EQ(0x22, buf[huge + 4095]);
	EXPECT_EQ(0x11, buf[huge - 4097]);
	EXPECT_EQ(0x11, buf[huge + 4096]);

	/* past the end, before the start: refused, nothing touched */
	EXPECT_EQ(-EFAULT, fixed_rw(&r, IORING_OP_READ_FIXED, fd, buf + len - 4096, 8192, 0,
				    0, 0));
	EXPECT_EQ(0x11, buf[len - 4096]);
	EXPECT_EQ(0x11, buf[len - 1]);
	EXPECT_EQ(-EFAULT, fixed_rw(&r, IORING_OP_READ_FIXED, fd, buf - 4096, 8192, 0, 0, 0));
	EXPECT_EQ(0x11, buf[0]);
	EXPECT_EQ(0x11, buf[4095]);
	/* the whole buffer in one request */
	EXPECT_EQ((int)len, fixed_rw(&r, IORING_OP_WRITE_FIXED, fd, buf, len, 0, 0, 0));
	close(fd);
	ring_exit(&r);
}

TEST_HARNESS_MAIN
