// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_IOPOLL: O_DIRECT reads and writes completed by polling the
 * device, reaped from io_uring_enter(GETEVENTS) with min_complete, on NVMe
 * and null_blk with poll queues; what cannot be polled is refused.
 */
#include <errno.h>
#include <fcntl.h>
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

TEST_HARNESS_MAIN
