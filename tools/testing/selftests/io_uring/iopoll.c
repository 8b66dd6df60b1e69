// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_IOPOLL: O_DIRECT reads and writes completed by polling the
 * device, reaped from io_uring_enter(GETEVENTS) with min_complete, on NVMe
 * and null_blk with poll queues; what cannot be polled is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>

#include "../kselftest_harness.h"
#include "ring.h"

FIXTURE(iopoll) {
	struct ring r;
	int fd;
	void *buf;
};

FIXTURE_VARIANT(iopoll) {
	const char *dev;
};

FIXTURE_VARIANT_ADD(iopoll, nvme) {
	.dev = "/dev/nvme0n1",
};

FIXTURE_VARIANT_ADD(iopoll, null_blk) {
	.dev = "/dev/nullb0",
};

FIXTURE_SETUP(iopoll)
{
	self->fd = open(variant->dev, O_RDWR | O_DIRECT);
	if (self->fd < 0)
		SKIP(return, "no %s: %s", variant->dev, strerror(errno));
	ASSERT_EQ(0, ring_init(&self->r, 32, IORING_SETUP_IOPOLL));
	ASSERT_EQ(0, posix_memalign(&self->buf, 4096, 32 * 4096));
	memset(self->buf, 0x3c, 32 * 4096);
}

FIXTURE_TEARDOWN(iopoll)
{
	if (self->fd < 0)
		return;
	ring_exit(&self->r);
	close(self->fd);
	free(self->buf);
}

TEST_F(iopoll, reap_with_min_complete)
{
	struct iovec iov[32];
	struct io_uring_cqe cqe = { 0 };
	int i, ret, got = 0;

	for (i = 0; i < 32; i++) {
		struct io_uring_sqe *sqe = ring_get_sqe(&self->r);

		iov[i].iov_base = (char *)self->buf + i * 4096;
		iov[i].iov_len = 4096;
		prep_rw(sqe, i & 1 ? IORING_OP_READV : IORING_OP_WRITEV, self->fd,
			&iov[i], 1, (2 << 20) + i * 4096);
		sqe->user_data = i;
	}
	ring_flush(&self->r);
	ret = sys_enter(self->r.fd, 32, 16, IORING_ENTER_GETEVENTS, NULL, 0);
	ASSERT_EQ(32, ret);
	/* min_complete 16: at least that many are there on return */
	EXPECT_LE(16, *self->r.cq_tail - *self->r.cq_head);
	while (got < 32) {
		while (ring_peek_cqe(&self->r, &cqe)) {
			EXPECT_EQ(4096, cqe.res);
			got++;
		}
		if (got < 32)
			ASSERT_LE(0, sys_enter(self->r.fd, 0, 32 - got,
					       IORING_ENTER_GETEVENTS, NULL, 0));
	}
}

TEST_F(iopoll, unpollable_is_refused)
{
	char path[] = "/tmp/io_uring-iop-XXXXXX";
	struct iovec iov = { self->buf, 4096 };
	struct io_uring_sqe *sqe;
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	unlink(path);
	/* buffered I/O cannot be polled for */
	prep_rw(ring_get_sqe(&self->r), IORING_OP_WRITEV, fd, &iov, 1, 0);
	self->r.sqes[(self->r.sqe_tail - 1) & *self->r.sq_mask].user_data = 1;
	EXPECT_EQ(-EOPNOTSUPP, ring_run_one(&self->r, 1));
	/* nor can fsync or poll; a NOP can, as on 6.1 */
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_FSYNC;
	sqe->fd = self->fd;
	sqe->user_data = 2;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 2));
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_POLL_ADD;
	sqe->fd = self->fd;
	sqe->user_data = 3;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 3));
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_NOP;
	sqe->user_data = 4;
	EXPECT_EQ(0, ring_run_one(&self->r, 4));
	close(fd);
}

TEST_F(iopoll, fixed_buffers)
{
	struct iovec reg = { self->buf, 32 * 4096 };
	struct io_uring_sqe *sqe;

	ASSERT_EQ(0, sys_register(self->r.fd, IORING_REGISTER_BUFFERS, &reg, 1));
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READ_FIXED, self->fd, self->buf, 8192, 0);
	sqe->user_data = 5;
	EXPECT_EQ(8192, ring_run_one(&self->r, 5));
}

/*
 * SYNC_CANCEL of a read a worker issued, which waits to be polled for:
 * nothing can cancel it, and the caller is who would reap it, so it does
 * not wait for it (as on 6.1: not found, 0).
 */
TEST_F(iopoll, sync_cancel_does_not_wait_for_a_polled_read)
{
	struct io_uring_sync_cancel_reg reg = { .addr = 6 };
	struct iovec iov = { self->buf, 4096 };
	struct io_uring_sqe *sqe;

	reg.timeout.tv_sec = 2;
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READV, self->fd, &iov, 1, 0);
	sqe->flags = IOSQE_ASYNC;
	sqe->user_data = 6;
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	usleep(100000);
	EXPECT_EQ(0, sys_register(self->r.fd, IORING_REGISTER_SYNC_CANCEL, &reg, 1));
	EXPECT_EQ(4096, ring_run_one(&self->r, 6));
}

/* Close the ring with polled I/O in flight. */
TEST_F(iopoll, teardown_in_flight)
{
	int i, j;

	for (i = 0; i < 20; i++) {
		struct iovec iov[8];
		struct ring r;

		ASSERT_EQ(0, ring_init(&r, 8, IORING_SETUP_IOPOLL));
		for (j = 0; j < 8; j++) {
			iov[j].iov_base = (char *)self->buf + j * 4096;
			iov[j].iov_len = 4096;
			prep_rw(ring_get_sqe(&r), IORING_OP_READV, self->fd, &iov[j], 1,
				j * 4096);
		}
		ring_flush(&r);
		ASSERT_EQ(8, sys_enter(r.fd, 8, 0, 0, NULL, 0));
		ring_exit(&r);
	}
}

/* @n reads of 4 KiB into @buf, every other one from @fd2, numbered. */
static void queue_reads(struct ring *r, int fd, int fd2, void *buf, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = ring_get_sqe(r);

		prep_rw(sqe, IORING_OP_READ, i & 1 ? fd2 : fd,
			(char *)buf + i * 4096, 4096, i * 4096);
		sqe->user_data = i;
	}
	ring_flush(r);
}

/* Wait for @n CQEs of 4096 bytes, each user_data below @n once. */
static int reap_reads(struct ring *r, int n)
{
	unsigned long long seen = 0;
	struct io_uring_cqe cqe;
	int got = 0;

	while (got < n) {
		if (!ring_peek_cqe(r, &cqe)) {
			if (sys_enter(r->fd, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
				return -errno;
			continue;
		}
		if (cqe.res != 4096 || cqe.user_data >= (unsigned int)n ||
		    (seen & (1ULL << cqe.user_data)))
			return -EINVAL;
		seen |= 1ULL << cqe.user_data;
		got++;
	}
	return 0;
}

/*
 * One ring polls two devices: a poll that finds the first one's reads
 * done must not keep the second one's from being polled.
 */
TEST(two_devices_one_ring)
{
	int nvme = open("/dev/nvme0n1", O_RDONLY | O_DIRECT);
	int nullb = open("/dev/nullb0", O_RDONLY | O_DIRECT);
	struct ring r;
	void *buf;

	if (nvme < 0 || nullb < 0)
		SKIP(return, "needs both /dev/nvme0n1 and /dev/nullb0");
	ASSERT_EQ(0, posix_memalign(&buf, 4096, 64 * 4096));
	ASSERT_EQ(0, ring_init(&r, 64, IORING_SETUP_IOPOLL));
	queue_reads(&r, nvme, nullb, buf, 64);
	/* all 64 before it returns, from both devices */
	ASSERT_EQ(64, sys_enter(r.fd, 64, 64, IORING_ENTER_GETEVENTS, NULL, 0));
	EXPECT_EQ(64, *r.cq_tail - *r.cq_head);
	EXPECT_EQ(0, reap_reads(&r, 64));
	ring_exit(&r);
	free(buf);
	close(nvme);
	close(nullb);
}

struct submitter_arg {
	struct ring *r;
	int fd;
	void *buf;
	int ret;
	pthread_barrier_t reaped;
};

/* Submit, then live on until the main thread has reaped. */
static void *submit_reads(void *p)
{
	struct submitter_arg *a = p;

	queue_reads(a->r, a->fd, a->fd, a->buf, 32);
	a->ret = sys_enter(a->r->fd, 32, 0, 0, NULL, 0);
	pthread_barrier_wait(&a->reaped);
	pthread_barrier_wait(&a->reaped);
	return NULL;
}

/*
 * Reads one thread submitted and another reaps while the first is still
 * alive: the reaper frees requests that are not its own, and the ring can
 * still be used and closed after.
 */
TEST_F(iopoll, reaped_by_another_thread)
{
	struct submitter_arg a = { &self->r, self->fd, self->buf, 0 };
	pthread_t t;
	int round;

	ASSERT_EQ(0, pthread_barrier_init(&a.reaped, NULL, 2));
	for (round = 0; round < 4; round++) {
		ASSERT_EQ(0, pthread_create(&t, NULL, submit_reads, &a));
		pthread_barrier_wait(&a.reaped);
		EXPECT_EQ(32, a.ret);
		EXPECT_EQ(0, reap_reads(&self->r, 32));
		pthread_barrier_wait(&a.reaped);
		ASSERT_EQ(0, pthread_join(t, NULL));
	}
	pthread_barrier_destroy(&a.reaped);
}

TEST_HARNESS_MAIN
