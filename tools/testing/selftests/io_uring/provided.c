// SPDX-License-Identifier: GPL-2.0
/*
 * Provided buffers: IORING_OP_PROVIDE_BUFFERS lends buffers to a group,
 * IORING_OP_REMOVE_BUFFERS takes them back, and READ, READV, RECV and RECVMSG with
 * IOSQE_BUFFER_SELECT take one when they have data for it, saying which in
 * the CQE (IORING_CQE_F_BUFFER, the ID in the upper 16 bits).  A request
 * that waits gives its buffer back meanwhile.  Bad inputs get 6.1's errnos.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/uio.h>

#include "../kselftest_harness.h"
#include "ring.h"

#define GROUP		7
#define BUF_LEN		16

static struct io_uring_sqe *prep_provide(struct ring *r, void *addr, unsigned int len,
					 int nbufs, unsigned int bid, unsigned int group)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	prep_rw(sqe, IORING_OP_PROVIDE_BUFFERS, nbufs, addr, len, bid);
	sqe->buf_group = group;
	sqe->user_data = 0x91;
	return sqe;
}

static int provide(struct ring *r, void *addr, unsigned int len, int nbufs,
		   unsigned int bid, unsigned int group)
{
	prep_provide(r, addr, len, nbufs, bid, group);
	return ring_run_one(r, 0x91);
}

static struct io_uring_sqe *prep_remove(struct ring *r, int nbufs, unsigned int group)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_REMOVE_BUFFERS;
	sqe->fd = nbufs;
	sqe->buf_group = group;
	sqe->user_data = 0x92;
	return sqe;
}

static int remove_bufs(struct ring *r, int nbufs, unsigned int group)
{
	prep_remove(r, nbufs, group);
	return ring_run_one(r, 0x92);
}

/* A request with IOSQE_BUFFER_SELECT from @group. */
static struct io_uring_sqe *prep_select(struct ring *r, int op, int fd, const void *addr,
					unsigned int len, unsigned int group)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	prep_rw(sqe, op, fd, addr, len, 0);
	sqe->flags = IOSQE_BUFFER_SELECT;
	sqe->buf_group = group;
	sqe->user_data = 0x93;
	return sqe;
}

/* Submit what is prepared and wait for one CQE. */
static void run_cqe(struct __test_metadata *_metadata, struct ring *r,
		    struct io_uring_cqe *cqe)
{
	ASSERT_EQ(1, ring_submit(r, 1));
	ASSERT_EQ(0, ring_wait_cqe(r, cqe));
}

static unsigned int cqe_bid(const struct io_uring_cqe *cqe)
{
	return cqe->flags >> IORING_CQE_BUFFER_SHIFT;
}

FIXTURE(pbuf) {
	struct ring r;
	char bufs[8][BUF_LEN];
	char path[64];
	int fd;
};

FIXTURE_SETUP(pbuf)
{
	snprintf(self->path, sizeof(self->path), "/tmp/io_uring-pbuf-%d", getpid());
	self->fd = open(self->path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(11, write(self->fd, "hello world", 11));
	memset(self->bufs, 0, sizeof(self->bufs));
	ASSERT_EQ(0, ring_init(&self->r, 8, 0));
}

FIXTURE_TEARDOWN(pbuf)
{
	ring_exit(&self->r);
	close(self->fd);
	unlink(self->path);
}

/* Buffers are taken first to last; the CQE names each. */
TEST_F(pbuf, reads_take_the_buffers_in_order)
{
	struct io_uring_cqe cqe;

	ASSERT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 4, 10, GROUP));
	prep_select(&self->r, IORING_OP_READ, self->fd, NULL, 0, GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(11, cqe.res);
	EXPECT_EQ(IORING_CQE_F_BUFFER, cqe.flags & IORING_CQE_F_BUFFER);
	EXPECT_EQ(10, cqe_bid(&cqe));
	EXPECT_STREQ("hello world", self->bufs[0]);

	/* len caps what is read into the buffer */
	prep_select(&self->r, IORING_OP_READ, self->fd, NULL, 5, GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(5, cqe.res);
	EXPECT_EQ(11, cqe_bid(&cqe));
	EXPECT_STREQ("hello", self->bufs[1]);
	/* two left */
	EXPECT_EQ(2, remove_bufs(&self->r, 8, GROUP));
}

/* A buffer is never longer than it was provided. */
TEST_F(pbuf, buffer_length_caps_the_read)
{
	struct io_uring_cqe cqe;

	ASSERT_EQ(0, provide(&self->r, self->bufs, 4, 1, 0, GROUP));
	prep_select(&self->r, IORING_OP_READ, self->fd, NULL, 100, GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(4, cqe.res);
	EXPECT_EQ(0, cqe_bid(&cqe));
	EXPECT_STREQ("hell", self->bufs[0]);
	EXPECT_EQ(0, self->bufs[0][4]);
}

/* READV takes one iovec: its length counts, its base is ignored. */
TEST_F(pbuf, readv_reads_the_iovec_length)
{
	struct iovec iov = { NULL, 3 };
	struct io_uring_cqe cqe;

	ASSERT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 2, 5, GROUP));
	prep_select(&self->r, IORING_OP_READV, self->fd, &iov, 1, GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(3, cqe.res);
	EXPECT_EQ(5, cqe_bid(&cqe));
	EXPECT_STREQ("hel", self->bufs[0]);
}

/* An empty group: -ENOBUFS, and no buffer in the CQE. */
TEST_F(pbuf, empty_group_is_enobufs)
{
	struct io_uring_cqe cqe;

	prep_select(&self->r, IORING_OP_READ, self->fd, NULL, 0, GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(-ENOBUFS, cqe.res);
	EXPECT_EQ(0, cqe.flags);
	ASSERT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 1, 0, GROUP));
	prep_select(&self->r, IORING_OP_READ, self->fd, NULL, 0, GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(11, cqe.res);
	prep_select(&self->r, IORING_OP_READ, self->fd, NULL, 0, GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(-ENOBUFS, cqe.res);
	/* another group is another pool */
	ASSERT_EQ(0, provide(&self->r, self->bufs[1], BUF_LEN, 1, 0, GROUP + 1));
	prep_select(&self->r, IORING_OP_READ, self->fd, NULL, 0, GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(-ENOBUFS, cqe.res);
}

/*
 * A RECV that waits for data holds no buffer meanwhile: the group still has
 * it, and the RECV takes one only when the data comes.
 */
TEST_F(pbuf, waiting_recv_holds_no_buffer)
{
	struct io_uring_cqe cqe;
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 1, 3, GROUP));
	prep_select(&self->r, IORING_OP_RECV, sv[1], NULL, 0, GROUP);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	usleep(20 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	/* the buffer is back in its group: take it, and give another */
	EXPECT_EQ(1, remove_bufs(&self->r, 1, GROUP));
	ASSERT_EQ(0, provide(&self->r, self->bufs[2], BUF_LEN, 1, 9, GROUP));
	ASSERT_EQ(4, write(sv[0], "ping", 4));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(0x93, cqe.user_data);
	EXPECT_EQ(4, cqe.res);
	EXPECT_EQ(IORING_CQE_F_BUFFER | (9 << IORING_CQE_BUFFER_SHIFT), cqe.flags);
	EXPECT_STREQ("ping", self->bufs[2]);
	EXPECT_STREQ("", self->bufs[0]);
	close(sv[0]);
	close(sv[1]);
}

/* RECVMSG: the msghdr's one iovec gives the length (0: the whole buffer). */
TEST_F(pbuf, recvmsg_takes_a_buffer)
{
	struct iovec iov[2] = { { NULL, 0 }, { NULL, 2 } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 1 };
	struct io_uring_cqe cqe;
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	ASSERT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 2, 20, GROUP));
	ASSERT_EQ(5, write(sv[0], "hello", 5));
	prep_select(&self->r, IORING_OP_RECVMSG, sv[1], &msg, 1, GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(5, cqe.res);
	EXPECT_EQ(IORING_CQE_F_BUFFER | (20 << IORING_CQE_BUFFER_SHIFT), cqe.flags);
	EXPECT_STREQ("hello", self->bufs[0]);
	/* the iovec's length caps it: a datagram cut short */
	iov[0].iov_len = 2;
	ASSERT_EQ(5, write(sv[0], "world", 5));
	prep_select(&self->r, IORING_OP_RECVMSG, sv[1], &msg, 1, GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(2, cqe.res);
	EXPECT_EQ(21, cqe_bid(&cqe));
	EXPECT_EQ(MSG_TRUNC, msg.msg_flags & MSG_TRUNC);
	/* more than one iovec */
	ASSERT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 1, 22, GROUP));
	msg.msg_iovlen = 2;
	prep_select(&self->r, IORING_OP_RECVMSG, sv[1], &msg, 1, GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(-EINVAL, cqe.res);
	EXPECT_EQ(0, cqe.flags);
	EXPECT_EQ(1, remove_bufs(&self->r, 1, GROUP));
	close(sv[0]);
	close(sv[1]);
}

/*
 * Receives waiting on one socket, woken by one send: each takes a byte and
 * a buffer of its own.  (In which order is not promised: 6.1 happens to
 * retry them in order, we may retry them in parallel workers.)
 */
TEST_F(pbuf, receives_woken_together_take_a_buffer_each)
{
	struct io_uring_cqe cqe;
	int sv[2], round, i;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	for (round = 0; round < 20; round++) {
		unsigned int bids = 0, bytes = 0, byte;

		ASSERT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 5, 0, GROUP));
		for (i = 0; i < 5; i++)
			prep_select(&self->r, IORING_OP_RECV, sv[1], NULL, 1, GROUP);
		ASSERT_EQ(5, ring_submit(&self->r, 0));
		ASSERT_EQ(5, write(sv[0], "01234", 5));
		for (i = 0; i < 5; i++) {
			ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
			ASSERT_EQ(1, cqe.res);
			ASSERT_EQ(IORING_CQE_F_BUFFER, cqe.flags & IORING_CQE_F_BUFFER);
			ASSERT_GT(5, cqe_bid(&cqe));
			bids |= 1U << cqe_bid(&cqe);
			byte = self->bufs[cqe_bid(&cqe)][0] - '0';
			if (byte < 5)
				bytes |= 1U << byte;
		}
		EXPECT_EQ(0x1f, bids);
		EXPECT_EQ(0x1f, bytes);
	}
	close(sv[0]);
	close(sv[1]);
}

/* A RECV that gets nothing (the end of the stream) gives its buffer back. */
TEST_F(pbuf, recv_of_nothing_gives_the_buffer_back)
{
	struct io_uring_cqe cqe;
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 1, 6, GROUP));
	close(sv[0]);
	prep_select(&self->r, IORING_OP_RECV, sv[1], NULL, 0, GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(0, cqe.res);
	EXPECT_EQ(0, cqe.flags);
	EXPECT_EQ(1, remove_bufs(&self->r, 1, GROUP));
	close(sv[1]);
}

/*
 * A MSG_WAITALL receive waits with some data in its buffer; cancelled, its
 * CQE still says which buffer it took, or the application loses it.
 */
TEST_F(pbuf, cancelled_receive_with_data_reports_its_buffer)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int sv[2], i;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 1, 8, GROUP));
	sqe = prep_select(&self->r, IORING_OP_RECV, sv[1], NULL, 8, GROUP);
	sqe->msg_flags = MSG_WAITALL;
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	ASSERT_EQ(3, write(sv[0], "abc", 3));
	usleep(50 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_ASYNC_CANCEL;
	sqe->addr = 0x93;
	sqe->user_data = 0x95;
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		if (cqe.user_data != 0x93)
			continue;
		EXPECT_EQ(IORING_CQE_F_BUFFER | (8 << IORING_CQE_BUFFER_SHIFT), cqe.flags);
		EXPECT_STREQ("abc", self->bufs[0]);
	}
	EXPECT_EQ(0, remove_bufs(&self->r, 1, GROUP));
	close(sv[0]);
	close(sv[1]);
}

/* A read behind a PROVIDE_BUFFERS in a chain takes what it provided. */
TEST_F(pbuf, linked_read_takes_what_was_just_provided)
{
	struct io_uring_cqe cqe;
	int i;

	prep_provide(&self->r, self->bufs, BUF_LEN, 1, 4, GROUP)->flags = IOSQE_IO_LINK;
	prep_select(&self->r, IORING_OP_READ, self->fd, NULL, 0, GROUP);
	ASSERT_EQ(2, ring_submit(&self->r, 2));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		if (cqe.user_data == 0x91) {
			EXPECT_EQ(0, cqe.res);
			EXPECT_EQ(0, cqe.flags);
		} else {
			EXPECT_EQ(11, cqe.res);
			EXPECT_EQ(4, cqe_bid(&cqe));
		}
	}
}

/* A REMOVE_BUFFERS that fails breaks its chain (liburing's link and defer). */
TEST_F(pbuf, failed_remove_breaks_its_chain)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int i;

	prep_remove(&self->r, 10, GROUP)->flags = IOSQE_IO_LINK;
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_NOP;
	sqe->user_data = 0x94;
	ASSERT_EQ(2, ring_submit(&self->r, 2));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		/* the REMOVE_BUFFERS has no group to take from, the NOP never runs */
		EXPECT_EQ(cqe.user_data == 0x92 ? -ENOENT : -ECANCELED, cqe.res);
	}
}

/* REMOVE_BUFFERS takes up to what it asks for; a group lives on empty. */
TEST_F(pbuf, remove_counts_what_it_took)
{
	ASSERT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 5, 0, GROUP));
	EXPECT_EQ(3, remove_bufs(&self->r, 3, GROUP));
	EXPECT_EQ(2, remove_bufs(&self->r, 10, GROUP));
	EXPECT_EQ(0, remove_bufs(&self->r, 1, GROUP));
	EXPECT_EQ(-ENOENT, remove_bufs(&self->r, 1, GROUP + 1));
	/* more of them, again and again: the same IDs may come back */
	ASSERT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 8, 0, GROUP));
	ASSERT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 8, 0, GROUP));
	EXPECT_EQ(16, remove_bufs(&self->r, 100, GROUP));
}

TEST_F(pbuf, provide_bad_inputs)
{
	struct io_uring_sqe *sqe;

	EXPECT_EQ(-E2BIG, provide(&self->r, self->bufs, BUF_LEN, 0, 0, GROUP));
	EXPECT_EQ(-E2BIG, provide(&self->r, self->bufs, BUF_LEN, -1, 0, GROUP));
	EXPECT_EQ(-E2BIG, provide(&self->r, self->bufs, 1, 65537, 0, GROUP));
	EXPECT_EQ(-EINVAL, provide(&self->r, self->bufs, 0, 1, 0, GROUP));
	EXPECT_EQ(-E2BIG, provide(&self->r, self->bufs, BUF_LEN, 1, 65536, GROUP));
	EXPECT_EQ(-EINVAL, provide(&self->r, self->bufs, BUF_LEN, 8, 65530, GROUP));
	EXPECT_EQ(-EOVERFLOW, provide(&self->r, (void *)(UINTPTR_MAX - 8), BUF_LEN, 2, 0,
				      GROUP));
	EXPECT_EQ(-EFAULT, provide(&self->r, (void *)0xffff888000000000ULL, BUF_LEN, 1, 0,
				   GROUP));
	sqe = prep_provide(&self->r, self->bufs, BUF_LEN, 1, 0, GROUP);
	sqe->rw_flags = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 0x91));
	sqe = prep_provide(&self->r, self->bufs, BUF_LEN, 1, 0, GROUP);
	sqe->splice_fd_in = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 0x91));
	/* none of these left a group behind */
	EXPECT_EQ(-ENOENT, remove_bufs(&self->r, 1, GROUP));
}

TEST_F(pbuf, remove_bad_inputs)
{
	struct io_uring_sqe *sqe;

	ASSERT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 2, 0, GROUP));
	EXPECT_EQ(-EINVAL, remove_bufs(&self->r, 0, GROUP));
	EXPECT_EQ(-EINVAL, remove_bufs(&self->r, 65537, GROUP));
	sqe = prep_remove(&self->r, 1, GROUP);
	sqe->addr = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 0x92));
	sqe = prep_remove(&self->r, 1, GROUP);
	sqe->len = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 0x92));
	sqe = prep_remove(&self->r, 1, GROUP);
	sqe->off = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 0x92));
	sqe = prep_remove(&self->r, 1, GROUP);
	sqe->rw_flags = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 0x92));
	/* nothing was taken */
	EXPECT_EQ(2, remove_bufs(&self->r, 8, GROUP));
}

/* Only READ, READV, RECV and RECVMSG take a provided buffer. */
TEST_F(pbuf, buffer_select_bad_inputs)
{
	static const int refused[] = { IORING_OP_NOP, IORING_OP_WRITE, IORING_OP_WRITEV,
				       IORING_OP_READ_FIXED, IORING_OP_SEND, IORING_OP_FSYNC };
	struct iovec iov[2] = { { NULL, 4 }, { NULL, 4 } };
	struct io_uring_cqe cqe;
	unsigned int i;

	ASSERT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 1, 0, GROUP));
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		prep_select(&self->r, refused[i], self->fd, self->bufs[1], 4, GROUP);
		run_cqe(_metadata, &self->r, &cqe);
		EXPECT_EQ(-EOPNOTSUPP, cqe.res) TH_LOG("opcode %d", refused[i]);
	}
	/* READV: exactly one iovec, readable */
	prep_select(&self->r, IORING_OP_READV, self->fd, iov, 2, GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(-EINVAL, cqe.res);
	prep_select(&self->r, IORING_OP_READV, self->fd, (void *)8, 1, GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(-EFAULT, cqe.res);
	/* a buffer that is not userspace memory: the read fails with -EFAULT */
	EXPECT_EQ(1, remove_bufs(&self->r, 1, GROUP));
	ASSERT_EQ(0, provide(&self->r, (void *)8, BUF_LEN, 1, 2, GROUP));
	prep_select(&self->r, IORING_OP_READ, self->fd, NULL, 0, GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(-EFAULT, cqe.res);
	EXPECT_EQ(2, cqe_bid(&cqe));
	EXPECT_EQ(0, remove_bufs(&self->r, 1, GROUP));
}

/*
 * Multishot receives (IORING_RECV_MULTISHOT in ioprio): a CQE with
 * IORING_CQE_F_MORE for each buffer filled, until the end of the stream,
 * an error or a cancellation ends the request with a CQE without it.
 */
static struct io_uring_sqe *prep_recv_more(struct ring *r, int op, int fd, const void *addr,
					   unsigned int len, unsigned int group)
{
	struct io_uring_sqe *sqe = prep_select(r, op, fd, addr, len, group);

	sqe->ioprio = IORING_RECV_MULTISHOT;
	return sqe;
}

#define MORE_BUF(bid)	(IORING_CQE_F_MORE | IORING_CQE_F_BUFFER | \
			 ((bid) << IORING_CQE_BUFFER_SHIFT))

TEST_F(pbuf, multishot_recv_posts_a_cqe_per_buffer)
{
	struct io_uring_cqe cqe;
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 4, 0, GROUP));
	/* what is there already is received at submission */
	ASSERT_EQ(5, write(sv[0], "hello", 5));
	prep_recv_more(&self->r, IORING_OP_RECV, sv[1], NULL, 0, GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(0x93, cqe.user_data);
	EXPECT_EQ(5, cqe.res);
	EXPECT_EQ(MORE_BUF(0), cqe.flags);
	EXPECT_STREQ("hello", self->bufs[0]);
	/* then it waits, and goes on */
	usleep(20 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	ASSERT_EQ(5, write(sv[0], "world", 5));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(5, cqe.res);
	EXPECT_EQ(MORE_BUF(1), cqe.flags);
	EXPECT_STREQ("world", self->bufs[1]);
	/* the end of the stream ends it, and the buffer it took goes back */
	close(sv[0]);
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(0x93, cqe.user_data);
	EXPECT_EQ(0, cqe.res);
	EXPECT_EQ(0, cqe.flags);
	EXPECT_EQ(2, remove_bufs(&self->r, 8, GROUP));
	close(sv[1]);
}

/* When the group runs out, the last CQE is -ENOBUFS. */
TEST_F(pbuf, multishot_recv_ends_when_buffers_run_out)
{
	struct io_uring_cqe cqe;
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 1, 5, GROUP));
	prep_recv_more(&self->r, IORING_OP_RECV, sv[1], NULL, 0, GROUP);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	ASSERT_EQ(3, write(sv[0], "abc", 3));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(3, cqe.res);
	EXPECT_EQ(MORE_BUF(5), cqe.flags);
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(0x93, cqe.user_data);
	EXPECT_EQ(-ENOBUFS, cqe.res);
	EXPECT_EQ(0, cqe.flags);
	close(sv[0]);
	close(sv[1]);
}

/* Cancelled while it waits: -ECANCELED, its last CQE. */
TEST_F(pbuf, multishot_recv_cancelled)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int sv[2], i, seen = 0;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 2, 0, GROUP));
	prep_recv_more(&self->r, IORING_OP_RECV, sv[1], NULL, 0, GROUP);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_ASYNC_CANCEL;
	sqe->addr = 0x93;
	sqe->user_data = 0x95;
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		if (cqe.user_data == 0x95) {
			EXPECT_EQ(0, cqe.res);
			continue;
		}
		EXPECT_EQ(0x93, cqe.user_data);
		EXPECT_EQ(-ECANCELED, cqe.res);
		EXPECT_EQ(0, cqe.flags);
		seen++;
	}
	EXPECT_EQ(1, seen);
	EXPECT_EQ(2, remove_bufs(&self->r, 8, GROUP));
	close(sv[0]);
	close(sv[1]);
}

/*
 * A CQ ring with no room ends it, as on 6.1: the result that found no
 * room is its last CQE (kept until the application makes room), so that
 * it rearms with nothing lost.
 */
TEST(multishot_recv_stops_when_the_cq_ring_is_full)
{
	static char bufs[16][BUF_LEN];
	struct io_uring_cqe cqe;
	struct ring r;
	int sv[2], i;
	char c;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	ASSERT_EQ(8, r.p.cq_entries);
	ASSERT_EQ(0, provide(&r, bufs, BUF_LEN, 16, 0, GROUP));
	for (i = 0; i < 10; i++) {
		c = 'a' + i;
		ASSERT_EQ(1, write(sv[0], &c, 1));
	}
	prep_recv_more(&r, IORING_OP_RECV, sv[1], NULL, 0, GROUP);
	ASSERT_EQ(1, ring_submit(&r, 0));
	for (i = 0; i < 9; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
		EXPECT_EQ(1, cqe.res);
		EXPECT_EQ('a' + i, bufs[cqe.flags >> IORING_CQE_BUFFER_SHIFT][0]);
		/* the ninth found no room: the last, without IORING_CQE_F_MORE */
		EXPECT_EQ(i < 8 ? MORE_BUF(i) : MORE_BUF(8) & ~IORING_CQE_F_MORE, cqe.flags);
	}
	usleep(20 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&r, &cqe));
	/* the tenth datagram waits for the next receive */
	EXPECT_EQ(1, recv(sv[1], &c, 1, MSG_DONTWAIT));
	EXPECT_EQ('j', c);
	ring_exit(&r);
	close(sv[0]);
	close(sv[1]);
}

/*
 * A multishot RECVMSG writes each message into its buffer whole: a struct
 * io_uring_recvmsg_out, room for the address and the control data (as
 * large as the msghdr says), then the payload.  Its msghdr is not written.
 */
TEST(multishot_recvmsg_writes_a_header_to_each_buffer)
{
	static char bufs[4][256];
	struct io_uring_recvmsg_out *out = (void *)bufs[0];
	struct msghdr msg = { .msg_namelen = 32, .msg_controllen = 24 };
	size_t hdr = sizeof(*out) + 32 + 24;
	struct sockaddr_un *sun = (void *)(out + 1);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	socklen_t addrlen = offsetof(struct sockaddr_un, sun_path) + 16;
	struct io_uring_cqe cqe;
	struct ring r;
	char big[300];
	int sv[2];

	sv[1] = socket(AF_UNIX, SOCK_DGRAM, 0);
	ASSERT_LE(0, sv[1]);
	sv[0] = socket(AF_UNIX, SOCK_DGRAM, 0);
	ASSERT_LE(0, sv[0]);
	/* an abstract name the receiver gets in the header: "\0mshot-s" and the pid */
	snprintf(addr.sun_path + 1, 16, "mshot-s%08x", getpid());
	ASSERT_EQ(0, bind(sv[0], (void *)&addr, addrlen));
	addr.sun_path[7] = 'r';
	ASSERT_EQ(0, bind(sv[1], (void *)&addr, addrlen));
	ASSERT_EQ(0, connect(sv[0], (void *)&addr, addrlen));
	addr.sun_path[7] = 's';
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	memset(bufs, 0xcc, sizeof(bufs));
	ASSERT_EQ(0, provide(&r, bufs, sizeof(bufs[0]), 4, 0, GROUP));
	ASSERT_EQ(5, write(sv[0], "hello", 5));
	/* MSG_TRUNC: a datagram's whole length, as recv(2) gives it */
	prep_recv_more(&r, IORING_OP_RECVMSG, sv[1], &msg, 1, GROUP)->msg_flags = MSG_TRUNC;
	ASSERT_EQ(1, ring_submit(&r, 0));
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_EQ(hdr + 5, cqe.res);
	EXPECT_EQ(MORE_BUF(0), cqe.flags);
	EXPECT_EQ(addrlen, out->namelen);
	EXPECT_EQ(0, out->controllen);
	EXPECT_EQ(5, out->payloadlen);
	EXPECT_EQ(0, out->flags);
	EXPECT_EQ(AF_UNIX, sun->sun_family);
	EXPECT_EQ(0, memcmp(sun->sun_path, addr.sun_path, 16));
	EXPECT_EQ(0, memcmp(bufs[0] + hdr, "hello", 5));
	/* the msghdr is the application's, as it was */
	EXPECT_EQ(32, msg.msg_namelen);
	EXPECT_EQ(24, msg.msg_controllen);
	EXPECT_EQ(0, msg.msg_flags);

	/* a datagram longer than the room left: cut, with its length and MSG_TRUNC */
	memset(big, 'x', sizeof(big));
	ASSERT_EQ(sizeof(big), write(sv[0], big, sizeof(big)));
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	out = (void *)bufs[1];
	EXPECT_EQ(sizeof(bufs[1]), cqe.res);
	EXPECT_EQ(MORE_BUF(1), cqe.flags);
	EXPECT_EQ(300, out->payloadlen);
	EXPECT_EQ(MSG_TRUNC, out->flags & MSG_TRUNC);
	ring_exit(&r);
	close(sv[0]);
	close(sv[1]);
}

/* At the end of a stream, a multishot RECVMSG's last CQE is a header of an empty payload. */
TEST(multishot_recvmsg_ends_with_an_empty_payload)
{
	static char bufs[2][128];
	struct io_uring_recvmsg_out *out = (void *)bufs[1];
	struct msghdr msg = { };
	struct io_uring_cqe cqe;
	struct ring r;
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	ASSERT_EQ(0, provide(&r, bufs, sizeof(bufs[0]), 2, 0, GROUP));
	ASSERT_EQ(3, write(sv[0], "abc", 3));
	close(sv[0]);
	prep_recv_more(&r, IORING_OP_RECVMSG, sv[1], &msg, 1, GROUP);
	ASSERT_EQ(1, ring_submit(&r, 0));
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_EQ(sizeof(*out) + 3, cqe.res);
	EXPECT_EQ(MORE_BUF(0), cqe.flags);
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_EQ(sizeof(*out), cqe.res);
	EXPECT_EQ(IORING_CQE_F_BUFFER | (1 << IORING_CQE_BUFFER_SHIFT), cqe.flags);
	EXPECT_EQ(0, out->payloadlen);
	ring_exit(&r);
	close(sv[1]);
}

TEST_F(pbuf, multishot_recv_bad_inputs)
{
	struct msghdr msg = { .msg_namelen = -1 };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 1, 0, GROUP));
	/* without IOSQE_BUFFER_SELECT */
	sqe = prep_recv_more(&self->r, IORING_OP_RECV, sv[1], self->bufs[1], 4, GROUP);
	sqe->flags = 0;
	sqe->buf_group = 0;
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(-EINVAL, cqe.res);
	/* a length */
	prep_recv_more(&self->r, IORING_OP_RECV, sv[1], NULL, 4, GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(-EINVAL, cqe.res);
	/* MSG_WAITALL */
	sqe = prep_recv_more(&self->r, IORING_OP_RECV, sv[1], NULL, 0, GROUP);
	sqe->msg_flags = MSG_WAITALL;
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(-EINVAL, cqe.res);
	/* an unknown ioprio bit */
	sqe = prep_select(&self->r, IORING_OP_RECV, sv[1], NULL, 0, GROUP);
	sqe->ioprio = 1U << 3;
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(-EINVAL, cqe.res);
	/* a send is never multishot */
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_SEND, sv[0], "x", 1, 0);
	sqe->ioprio = IORING_RECV_MULTISHOT;
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(-EINVAL, cqe.res);
	/* a RECVMSG header whose size overflows: found before it waits */
	sqe = prep_recv_more(&self->r, IORING_OP_RECVMSG, sv[1], &msg, 1, GROUP);
	sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(-EOVERFLOW, cqe.res);
	/* a buffer too small for the header: -EFAULT, and the buffer goes back */
	msg.msg_namelen = BUF_LEN;
	ASSERT_EQ(1, write(sv[0], "x", 1));
	prep_recv_more(&self->r, IORING_OP_RECVMSG, sv[1], &msg, 1, GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(-EFAULT, cqe.res);
	EXPECT_EQ(0, cqe.flags);
	EXPECT_EQ(1, remove_bufs(&self->r, 1, GROUP));
	close(sv[0]);
	close(sv[1]);
}

/* IORING_RECVSEND_POLL_FIRST: the request waits for its socket first. */
TEST_F(pbuf, poll_first_receives_and_sends)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char got[8] = { };
	struct iovec iov = { got, sizeof(got) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int sv[2], i;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_RECV, sv[1], got, sizeof(got), 0);
	sqe->ioprio = IORING_RECVSEND_POLL_FIRST;
	sqe->user_data = 1;
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	usleep(20 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_SEND, sv[0], "ping", 4, 0);
	sqe->ioprio = IORING_RECVSEND_POLL_FIRST;
	sqe->user_data = 2;
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		EXPECT_EQ(4, cqe.res) TH_LOG("user_data %llu", cqe.user_data);
	}
	EXPECT_STREQ("ping", got);

	/* its msghdr is read at submission all the same (IORING_FEAT_SUBMIT_STABLE) */
	memset(got, 0, sizeof(got));
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_RECVMSG, sv[1], &msg, 1, 0);
	sqe->ioprio = IORING_RECVSEND_POLL_FIRST;
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	memset(&msg, 0xff, sizeof(msg));
	memset(&iov, 0xff, sizeof(iov));
	ASSERT_EQ(4, write(sv[0], "pong", 4));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(4, cqe.res);
	EXPECT_STREQ("pong", got);

	/* with MSG_DONTWAIT, as on 6.1: -EAGAIN, without a try */
	ASSERT_EQ(4, write(sv[0], "more", 4));
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_RECV, sv[1], got, sizeof(got), 0);
	sqe->ioprio = IORING_RECVSEND_POLL_FIRST;
	sqe->msg_flags = MSG_DONTWAIT;
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(-EAGAIN, cqe.res);
	close(sv[0]);
	close(sv[1]);
}

/*
 * Provided buffers in a mapped ring (IORING_REGISTER_PBUF_RING): the
 * application adds entries and moves the tail on; requests take entries in
 * ring order, and say which in their CQE as for classic groups.
 */
#define RING_GROUP	9

struct bring {
	struct io_uring_buf_ring *br;
	unsigned int entries;
	__u16 tail;
};

static int bring_register(struct ring *r, struct bring *b, unsigned int entries,
			  unsigned int group)
{
	struct io_uring_buf_reg reg = { .ring_entries = entries, .bgid = group };
	size_t len = entries * sizeof(struct io_uring_buf);

	b->br = mmap(NULL, len < 4096 ? 4096 : len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->br == MAP_FAILED)
		return -ENOMEM;
	b->entries = entries;
	b->tail = 0;
	reg.ring_addr = (unsigned long)b->br;
	return sys_register(r->fd, IORING_REGISTER_PBUF_RING, &reg, 1) ? -errno : 0;
}

static int bring_unregister(struct ring *r, unsigned int group)
{
	struct io_uring_buf_reg reg = { .bgid = group };

	return sys_register(r->fd, IORING_UNREGISTER_PBUF_RING, &reg, 1) ? -errno : 0;
}

/* Add an entry at the tail; the application's side, as liburing does it. */
static void bring_add(struct bring *b, void *addr, unsigned int len, unsigned int bid)
{
	struct io_uring_buf *buf = &b->br->bufs[b->tail & (b->entries - 1)];

	buf->addr = (unsigned long)addr;
	buf->len = len;
	buf->bid = bid;
	b->tail++;
	__atomic_store_n(&b->br->tail, b->tail, __ATOMIC_RELEASE);
}

/* Entries are taken in ring order, round and round; an empty ring is -ENOBUFS. */
TEST_F(pbuf, buf_ring_reads_take_entries_in_ring_order)
{
	struct io_uring_cqe cqe;
	struct bring b;
	int i;

	ASSERT_EQ(0, bring_register(&self->r, &b, 2, RING_GROUP));
	bring_add(&b, self->bufs[0], BUF_LEN, 40);
	bring_add(&b, self->bufs[1], 5, 41);
	prep_select(&self->r, IORING_OP_READ, self->fd, NULL, 0, RING_GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(11, cqe.res);
	EXPECT_EQ(IORING_CQE_F_BUFFER | (40 << IORING_CQE_BUFFER_SHIFT), cqe.flags);
	EXPECT_STREQ("hello world", self->bufs[0]);
	/* the entry's length caps the read */
	prep_select(&self->r, IORING_OP_READ, self->fd, NULL, 0, RING_GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(5, cqe.res);
	EXPECT_EQ(41, cqe_bid(&cqe));
	EXPECT_STREQ("hello", self->bufs[1]);
	prep_select(&self->r, IORING_OP_READ, self->fd, NULL, 0, RING_GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(-ENOBUFS, cqe.res);
	EXPECT_EQ(0, cqe.flags);
	/* the head and tail wrap around a ring of two */
	for (i = 0; i < 5; i++) {
		bring_add(&b, self->bufs[2 + i], BUF_LEN, 50 + i);
		prep_select(&self->r, IORING_OP_READ, self->fd, NULL, 3, RING_GROUP);
		run_cqe(_metadata, &self->r, &cqe);
		EXPECT_EQ(3, cqe.res);
		EXPECT_EQ(50 + i, cqe_bid(&cqe));
		EXPECT_STREQ("hel", self->bufs[2 + i]);
	}
	EXPECT_EQ(0, bring_unregister(&self->r, RING_GROUP));
	munmap(b.br, 4096);
}

/*
 * A RECV that waits for data gives its entry back meanwhile: a READ takes
 * it, and the RECV, woken, finds the ring empty, or takes what was added.
 */
TEST_F(pbuf, buf_ring_waiting_recv_gives_its_entry_back)
{
	struct io_uring_cqe cqe;
	struct bring b;
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, bring_register(&self->r, &b, 4, RING_GROUP));
	bring_add(&b, self->bufs[0], BUF_LEN, 1);
	prep_select(&self->r, IORING_OP_RECV, sv[1], NULL, 0, RING_GROUP);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	usleep(20 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	prep_select(&self->r, IORING_OP_READ, self->fd, NULL, 0, RING_GROUP)->user_data = 0x94;
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(0x94, cqe.user_data);
	EXPECT_EQ(11, cqe.res);
	EXPECT_EQ(1, cqe_bid(&cqe));
	bring_add(&b, self->bufs[1], BUF_LEN, 2);
	ASSERT_EQ(4, write(sv[0], "ping", 4));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(0x93, cqe.user_data);
	EXPECT_EQ(4, cqe.res);
	EXPECT_EQ(IORING_CQE_F_BUFFER | (2 << IORING_CQE_BUFFER_SHIFT), cqe.flags);
	EXPECT_STREQ("ping", self->bufs[1]);
	/* and one woken to an empty ring ends with -ENOBUFS */
	prep_select(&self->r, IORING_OP_RECV, sv[1], NULL, 0, RING_GROUP);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	ASSERT_EQ(4, write(sv[0], "pong", 4));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(-ENOBUFS, cqe.res);
	EXPECT_EQ(0, cqe.flags);
	close(sv[0]);
	close(sv[1]);
	munmap(b.br, 4096);
}

/* A multishot RECV takes an entry for each CQE, and ends when none is left. */
TEST_F(pbuf, buf_ring_multishot_recv)
{
	struct io_uring_cqe cqe;
	struct bring b;
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, bring_register(&self->r, &b, 8, RING_GROUP));
	bring_add(&b, self->bufs[0], BUF_LEN, 7);
	bring_add(&b, self->bufs[1], BUF_LEN, 8);
	prep_recv_more(&self->r, IORING_OP_RECV, sv[1], NULL, 0, RING_GROUP);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	ASSERT_EQ(3, write(sv[0], "one", 3));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(3, cqe.res);
	EXPECT_EQ(MORE_BUF(7), cqe.flags);
	ASSERT_EQ(3, write(sv[0], "two", 3));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(3, cqe.res);
	EXPECT_EQ(MORE_BUF(8), cqe.flags);
	EXPECT_STREQ("one", self->bufs[0]);
	EXPECT_STREQ("two", self->bufs[1]);
	ASSERT_EQ(5, write(sv[0], "three", 5));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(0x93, cqe.user_data);
	EXPECT_EQ(-ENOBUFS, cqe.res);
	EXPECT_EQ(0, cqe.flags);
	close(sv[0]);
	close(sv[1]);
	munmap(b.br, 4096);
}

/* A group is classic or a ring, never both; and each goes as it came. */
TEST_F(pbuf, buf_ring_and_classic_groups_do_not_mix)
{
	struct io_uring_cqe cqe;
	struct bring b, b2;

	ASSERT_EQ(0, bring_register(&self->r, &b, 4, RING_GROUP));
	EXPECT_EQ(-EEXIST, bring_register(&self->r, &b2, 4, RING_GROUP));
	munmap(b2.br, 4096);
	EXPECT_EQ(-EINVAL, provide(&self->r, self->bufs, BUF_LEN, 1, 0, RING_GROUP));
	EXPECT_EQ(-EINVAL, remove_bufs(&self->r, 1, RING_GROUP));
	EXPECT_EQ(0, bring_unregister(&self->r, RING_GROUP));
	EXPECT_EQ(-ENOENT, bring_unregister(&self->r, RING_GROUP));
	/* after it, the group is free for either */
	EXPECT_EQ(0, provide(&self->r, self->bufs, BUF_LEN, 1, 0, RING_GROUP));
	EXPECT_EQ(-EEXIST, bring_register(&self->r, &b2, 4, RING_GROUP));
	munmap(b2.br, 4096);
	EXPECT_EQ(-EINVAL, bring_unregister(&self->r, RING_GROUP));
	/* a classic group whose buffers are all taken may become a ring */
	prep_select(&self->r, IORING_OP_READ, self->fd, NULL, 0, RING_GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(11, cqe.res);
	EXPECT_EQ(0, bring_register(&self->r, &b2, 4, RING_GROUP));
	bring_add(&b2, self->bufs[3], BUF_LEN, 33);
	prep_select(&self->r, IORING_OP_READ, self->fd, NULL, 0, RING_GROUP);
	run_cqe(_metadata, &self->r, &cqe);
	EXPECT_EQ(11, cqe.res);
	EXPECT_EQ(33, cqe_bid(&cqe));
	munmap(b.br, 4096);
	/* the ring is still registered: freed with the ring (kmemleak) */
}

/* Bad registrations: 6.1's errnos. */
TEST_F(pbuf, buf_ring_register_bad_inputs)
{
	struct io_uring_buf_reg reg = { .ring_entries = 4, .bgid = RING_GROUP };
	int fd = self->r.fd, file_fd;
	void *mem, *file_mem;

	mem = mmap(NULL, 2 * 65536 * 16, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	reg.ring_addr = (unsigned long)mem;
	EXPECT_EQ(-1, sys_register(fd, IORING_REGISTER_PBUF_RING, &reg, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(fd, IORING_REGISTER_PBUF_RING, &reg, 2));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(fd, IORING_REGISTER_PBUF_RING, NULL, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(fd, IORING_REGISTER_PBUF_RING, (void *)8, 1));
	EXPECT_EQ(EFAULT, errno);
	reg.pad = 1;
	EXPECT_EQ(-1, sys_register(fd, IORING_REGISTER_PBUF_RING, &reg, 1));
	EXPECT_EQ(EINVAL, errno);
	reg.pad = 0;
	reg.resv[2] = 1;
	EXPECT_EQ(-1, sys_register(fd, IORING_REGISTER_PBUF_RING, &reg, 1));
	EXPECT_EQ(EINVAL, errno);
	reg.resv[2] = 0;
	reg.ring_addr = 0;
	EXPECT_EQ(-1, sys_register(fd, IORING_REGISTER_PBUF_RING, &reg, 1));
	EXPECT_EQ(EFAULT, errno);
	reg.ring_addr = (unsigned long)mem + 64;
	EXPECT_EQ(-1, sys_register(fd, IORING_REGISTER_PBUF_RING, &reg, 1));
	EXPECT_EQ(EINVAL, errno);
	reg.ring_addr = (unsigned long)mem;
	reg.ring_entries = 0;
	EXPECT_EQ(-1, sys_register(fd, IORING_REGISTER_PBUF_RING, &reg, 1));
	EXPECT_EQ(EINVAL, errno);
	reg.ring_entries = 3;
	EXPECT_EQ(-1, sys_register(fd, IORING_REGISTER_PBUF_RING, &reg, 1));
	EXPECT_EQ(EINVAL, errno);
	reg.ring_entries = 65536;
	EXPECT_EQ(-1, sys_register(fd, IORING_REGISTER_PBUF_RING, &reg, 1));
	EXPECT_EQ(EINVAL, errno);
	/* memory that is not there */
	reg.ring_entries = 4;
	reg.ring_addr = 0x1000;
	EXPECT_EQ(-1, sys_register(fd, IORING_REGISTER_PBUF_RING, &reg, 1));
	EXPECT_EQ(EFAULT, errno);
	/* a file system's pages cannot be pinned long-term; tmpfs's (shmem) can */
	file_fd = open("/mnt/ext4/io_uring-pbuf-ring", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (file_fd >= 0 && !ftruncate(file_fd, 4096)) {
		unlink("/mnt/ext4/io_uring-pbuf-ring");
		file_mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, file_fd, 0);
		ASSERT_NE(MAP_FAILED, file_mem);
		reg.ring_addr = (unsigned long)file_mem;
		EXPECT_EQ(-1, sys_register(fd, IORING_REGISTER_PBUF_RING, &reg, 1));
		EXPECT_EQ(EOPNOTSUPP, errno);
		munmap(file_mem, 4096);
	} else {
		TH_LOG("no ext4 at /mnt/ext4: file system memory not tried");
	}
	if (file_fd >= 0)
		close(file_fd);
	file_fd = open(self->path, O_RDWR);
	ASSERT_LE(0, file_fd);
	file_mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, file_fd, 0);
	ASSERT_NE(MAP_FAILED, file_mem);
	reg.ring_addr = (unsigned long)file_mem;
	reg.bgid = RING_GROUP + 2;
	EXPECT_EQ(0, sys_register(fd, IORING_REGISTER_PBUF_RING, &reg, 1));
	EXPECT_EQ(0, bring_unregister(&self->r, RING_GROUP + 2));
	reg.bgid = RING_GROUP;
	munmap(file_mem, 4096);
	close(file_fd);
	/* the largest ring: 32768 entries, 128 pages */
	reg.ring_addr = (unsigned long)mem;
	reg.ring_entries = 32768;
	EXPECT_EQ(0, sys_register(fd, IORING_REGISTER_PBUF_RING, &reg, 1));

	/* unregister reads only bgid, and the reserved fields */
	memset(&reg, 0, sizeof(reg));
	reg.bgid = RING_GROUP;
	EXPECT_EQ(-1, sys_register(fd, IORING_UNREGISTER_PBUF_RING, &reg, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(fd, IORING_UNREGISTER_PBUF_RING, NULL, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(fd, IORING_UNREGISTER_PBUF_RING, (void *)8, 1));
	EXPECT_EQ(EFAULT, errno);
	reg.resv[0] = 1;
	EXPECT_EQ(-1, sys_register(fd, IORING_UNREGISTER_PBUF_RING, &reg, 1));
	EXPECT_EQ(EINVAL, errno);
	reg.resv[0] = 0;
	reg.bgid = RING_GROUP + 1;
	EXPECT_EQ(-1, sys_register(fd, IORING_UNREGISTER_PBUF_RING, &reg, 1));
	EXPECT_EQ(ENOENT, errno);
	reg.bgid = RING_GROUP;
	EXPECT_EQ(0, sys_register(fd, IORING_UNREGISTER_PBUF_RING, &reg, 1));
	munmap(mem, 2 * 65536 * 16);
}

/*
 * Unregistered, or the ring closed, while requests hold entries or wait
 * for data: nothing is left behind (kmemleak), and a held entry is still
 * reported in its CQE.
 */
TEST_F(pbuf, buf_ring_gone_while_in_use)
{
	struct io_uring_cqe cqe;
	struct bring b;
	struct ring r2;
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, bring_register(&self->r, &b, 4, RING_GROUP));
	bring_add(&b, self->bufs[0], BUF_LEN, 21);
	/* MSG_WAITALL: it takes an entry, fills part, and waits holding it */
	prep_select(&self->r, IORING_OP_RECV, sv[1], NULL, 8, RING_GROUP)->msg_flags = MSG_WAITALL;
	ASSERT_EQ(2, write(sv[0], "ab", 2));
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	usleep(20 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	EXPECT_EQ(0, bring_unregister(&self->r, RING_GROUP));
	munmap(b.br, 4096);
	ASSERT_EQ(6, write(sv[0], "cdefgh", 6));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(8, cqe.res);
	EXPECT_EQ(IORING_CQE_F_BUFFER | (21 << IORING_CQE_BUFFER_SHIFT), cqe.flags);
	EXPECT_STREQ("abcdefgh", self->bufs[0]);

	/* a ring closed with a mapped ring and a RECV waiting on it */
	ASSERT_EQ(0, ring_init(&r2, 4, 0));
	ASSERT_EQ(0, bring_register(&r2, &b, 4, RING_GROUP));
	bring_add(&b, self->bufs[1], BUF_LEN, 22);
	prep_select(&r2, IORING_OP_RECV, sv[1], NULL, 0, RING_GROUP);
	ASSERT_EQ(1, ring_submit(&r2, 0));
	ring_exit(&r2);
	munmap(b.br, 4096);
	close(sv[0]);
	close(sv[1]);
}

/* A ring closed with buffers lent, and with a RECV waiting: freed (kmemleak). */
TEST(ring_closed_with_buffers_lent)
{
	static char mem[64][BUF_LEN];
	struct ring r;
	int i, sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	for (i = 0; i < 16; i++) {
		ASSERT_EQ(0, ring_init(&r, 4, 0));
		ASSERT_EQ(0, provide(&r, mem, BUF_LEN, 64, 0, i));
		prep_select(&r, IORING_OP_RECV, sv[1], NULL, 0, i);
		ASSERT_EQ(1, ring_submit(&r, 0));
		ring_exit(&r);
	}
	close(sv[0]);
	close(sv[1]);
}

TEST_HARNESS_MAIN
