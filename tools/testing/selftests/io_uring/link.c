// SPDX-License-Identifier: GPL-2.0
/*
 * IOSQE_IO_LINK (a chain runs one request after another, and a failed
 * request cancels the rest with -ECANCELED) and IOSQE_IO_DRAIN (a request
 * starts once everything submitted before it has completed, and what comes
 * after waits for it), IOSQE_IO_HARDLINK, IORING_OP_LINK_TIMEOUT, on plain
 * and SQPOLL rings, and rings closed while requests wait.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <linux/time_types.h>

#include "../kselftest_harness.h"
#include "ring.h"

static struct io_uring_sqe *prep(struct ring *r, __u8 op, int fd, __u8 flags, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = op;
	sqe->fd = fd;
	sqe->flags = flags;
	sqe->user_data = data;
	return sqe;
}

static void prep_poll(struct ring *r, int fd, __u8 flags, __u64 data)
{
	prep(r, IORING_OP_POLL_ADD, fd, flags, data)->poll32_events = POLLIN;
}

/* Reap @n CQEs: their user_data in order of arrival, and res by user_data. */
static int reap(struct ring *r, int n, __u64 *order, int *res)
{
	struct io_uring_cqe cqe;
	int i, ret;

	for (i = 0; i < n; i++) {
		ret = ring_wait_cqe(r, &cqe);
		if (ret)
			return ret;
		order[i] = cqe.user_data;
		if (cqe.user_data < 16)
			res[cqe.user_data] = cqe.res;
	}
	return 0;
}

/* Nothing completes for a while. */
static int quiet(struct ring *r)
{
	struct io_uring_cqe cqe;

	usleep(100 * 1000);
	return !ring_peek_cqe(r, &cqe);
}

FIXTURE(link) {
	struct ring r;
	int p[2];
	__u64 order[16];
	int res[16];
};

FIXTURE_SETUP(link)
{
	ASSERT_EQ(0, ring_init(&self->r, 16, 0));
	ASSERT_EQ(0, pipe(self->p));
}

FIXTURE_TEARDOWN(link)
{
	ring_exit(&self->r);
	close(self->p[0]);
	close(self->p[1]);
}

/* The NOP after a poll starts only when the poll has completed. */
TEST_F(link, chain_runs_in_order)
{
	prep_poll(&self->r, self->p[0], IOSQE_IO_LINK, 1);
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK, 2);
	prep(&self->r, IORING_OP_NOP, -1, 0, 3);
	prep(&self->r, IORING_OP_NOP, -1, 0, 4);	/* not in the chain */
	ASSERT_EQ(4, ring_submit(&self->r, 1));
	ASSERT_EQ(0, reap(&self->r, 1, self->order, self->res));
	EXPECT_EQ(4, self->order[0]);
	EXPECT_TRUE(quiet(&self->r));

	ASSERT_EQ(1, write(self->p[1], "x", 1));
	ASSERT_EQ(0, reap(&self->r, 3, self->order, self->res));
	EXPECT_EQ(1, self->order[0]);
	EXPECT_EQ(2, self->order[1]);
	EXPECT_EQ(3, self->order[2]);
	EXPECT_EQ(POLLIN, self->res[1] & POLLIN);
	EXPECT_EQ(0, self->res[2]);
	EXPECT_EQ(0, self->res[3]);
}

/* A request that fails when it runs cancels the rest of its chain. */
TEST_F(link, failure_cancels_the_rest)
{
	char buf[16];
	struct iovec bad = { (void *)8, 16 };
	struct io_uring_sqe *sqe;
	int fd;

	sqe = prep(&self->r, IORING_OP_READV, self->p[0], IOSQE_IO_LINK, 1);
	sqe->addr = (unsigned long)&bad;
	sqe->len = 1;
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK, 2);
	prep(&self->r, IORING_OP_NOP, -1, 0, 3);
	ASSERT_EQ(1, write(self->p[1], "x", 1));
	ASSERT_EQ(3, ring_submit(&self->r, 3));
	ASSERT_EQ(0, reap(&self->r, 3, self->order, self->res));
	EXPECT_EQ(-EFAULT, self->res[1]);
	EXPECT_EQ(-ECANCELED, self->res[2]);
	EXPECT_EQ(-ECANCELED, self->res[3]);
	EXPECT_EQ(1, self->order[0]);

	/* a short read is a failure too: it did not read what was asked */
	fd = open("/tmp/io_uring-link", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	unlink("/tmp/io_uring-link");
	ASSERT_EQ(10, write(fd, "0123456789", 10));
	sqe = prep(&self->r, IORING_OP_READ, fd, IOSQE_IO_LINK, 4);
	sqe->addr = (unsigned long)buf;
	sqe->len = sizeof(buf);
	prep(&self->r, IORING_OP_NOP, -1, 0, 5);
	ASSERT_EQ(2, ring_submit(&self->r, 2));
	ASSERT_EQ(0, reap(&self->r, 2, self->order, self->res));
	EXPECT_EQ(10, self->res[4]);
	EXPECT_EQ(-ECANCELED, self->res[5]);

	/* a full read goes on */
	sqe = prep(&self->r, IORING_OP_READ, fd, IOSQE_IO_LINK, 6);
	sqe->addr = (unsigned long)buf;
	sqe->len = 10;
	prep(&self->r, IORING_OP_NOP, -1, 0, 7);
	ASSERT_EQ(2, ring_submit(&self->r, 2));
	ASSERT_EQ(0, reap(&self->r, 2, self->order, self->res));
	EXPECT_EQ(10, self->res[6]);
	EXPECT_EQ(0, self->res[7]);
	close(fd);
}

/*
 * IOSQE_IO_HARDLINK: the chain goes on past a request that failed when it
 * ran, or read short; IOSQE_IO_LINK after it still stops at the next one.
 */
TEST_F(link, hardlink_goes_on_after_a_failure)
{
	struct iovec bad = { (void *)8, 16 };
	struct io_uring_sqe *sqe;

	sqe = prep(&self->r, IORING_OP_READV, self->p[0], IOSQE_IO_HARDLINK, 1);
	sqe->addr = (unsigned long)&bad;
	sqe->len = 1;
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK, 2);
	sqe = prep(&self->r, IORING_OP_READV, self->p[0], IOSQE_IO_LINK, 3);
	sqe->addr = (unsigned long)&bad;
	sqe->len = 1;
	prep(&self->r, IORING_OP_NOP, -1, 0, 4);
	ASSERT_EQ(2, write(self->p[1], "xy", 2));
	ASSERT_EQ(4, ring_submit(&self->r, 4));
	ASSERT_EQ(0, reap(&self->r, 4, self->order, self->res));
	EXPECT_EQ(-EFAULT, self->res[1]);
	EXPECT_EQ(0, self->res[2]);
	EXPECT_EQ(-EFAULT, self->res[3]);
	EXPECT_EQ(-ECANCELED, self->res[4]);
	EXPECT_EQ(1, self->order[0]);
	EXPECT_EQ(2, self->order[1]);
}

/* A hard link that fails at submission cancels its chain all the same. */
TEST_F(link, hardlink_failed_at_submission_cancels)
{
	prep(&self->r, IORING_OP_READV, 999, IOSQE_IO_HARDLINK, 1);	/* fd not open */
	prep(&self->r, IORING_OP_NOP, -1, 0, 2);
	ASSERT_EQ(2, ring_submit(&self->r, 2));
	ASSERT_EQ(0, reap(&self->r, 2, self->order, self->res));
	EXPECT_EQ(-EBADF, self->res[1]);
	EXPECT_EQ(-ECANCELED, self->res[2]);
}

static struct io_uring_sqe *prep_link_timeout(struct ring *r, struct __kernel_timespec *ts,
					      __u8 flags, __u64 data)
{
	struct io_uring_sqe *sqe = prep(r, IORING_OP_LINK_TIMEOUT, -1, flags, data);

	sqe->addr = (unsigned long)ts;
	sqe->len = 1;
	return sqe;
}

/*
 * LINK_TIMEOUT: the read before it waits too long; the timer cancels it,
 * the link timeout ends with -ETIME, and the rest of the chain is cancelled.
 */
TEST_F(link, link_timeout_cancels_a_slow_request)
{
	struct __kernel_timespec ts = { .tv_nsec = 100 * 1000 * 1000 };
	char buf[4];
	struct io_uring_sqe *sqe;

	sqe = prep(&self->r, IORING_OP_READ, self->p[0], IOSQE_IO_LINK, 1);
	sqe->addr = (unsigned long)buf;
	sqe->len = sizeof(buf);
	prep_link_timeout(&self->r, &ts, IOSQE_IO_LINK, 2);
	prep(&self->r, IORING_OP_NOP, -1, 0, 3);
	ASSERT_EQ(3, ring_submit(&self->r, 3));
	ASSERT_EQ(0, reap(&self->r, 3, self->order, self->res));
	EXPECT_TRUE(self->res[1] == -ECANCELED || self->res[1] == -EINTR)
		TH_LOG("read ended with %d", self->res[1]);
	EXPECT_EQ(-ETIME, self->res[2]);
	EXPECT_EQ(-ECANCELED, self->res[3]);
	EXPECT_TRUE(quiet(&self->r));
}

/*
 * A link timeout that is due at once fires while the read before it is
 * still being issued: the read must end all the same, never wait for ever.
 */
TEST_F(link, link_timeout_due_at_once)
{
	struct __kernel_timespec ts = { 0 };
	struct io_uring_sqe *sqe;
	char buf[4];
	int i;

	for (i = 0; i < 50; i++) {
		sqe = prep(&self->r, IORING_OP_READ, self->p[0], IOSQE_IO_LINK, 1);
		sqe->addr = (unsigned long)buf;
		sqe->len = sizeof(buf);
		prep_link_timeout(&self->r, &ts, 0, 2);
		ASSERT_EQ(2, ring_submit(&self->r, 2));
		ASSERT_EQ(0, reap(&self->r, 2, self->order, self->res));
		EXPECT_TRUE(self->res[1] == -ECANCELED || self->res[1] == -EINTR)
			TH_LOG("read ended with %d", self->res[1]);
		EXPECT_EQ(-ETIME, self->res[2]);
	}
}

/*
 * The request before the link timeout blocks in an I/O thread (an open of
 * a FIFO nobody writes): when the time is up it is interrupted (-EINTR),
 * and the link timeout ends with -ETIME.
 */
TEST_F(link, link_timeout_interrupts_a_worker)
{
	struct __kernel_timespec ts = { .tv_nsec = 100 * 1000 * 1000 };
	const char *fifo = "/tmp/io_uring-lt-fifo";
	struct io_uring_sqe *sqe;

	unlink(fifo);
	ASSERT_EQ(0, mkfifo(fifo, 0600));
	sqe = prep(&self->r, IORING_OP_OPENAT, AT_FDCWD, IOSQE_IO_LINK, 1);
	sqe->addr = (unsigned long)fifo;
	sqe->open_flags = O_RDONLY;
	prep_link_timeout(&self->r, &ts, 0, 2);
	ASSERT_EQ(2, ring_submit(&self->r, 2));
	ASSERT_EQ(0, reap(&self->r, 2, self->order, self->res));
	EXPECT_EQ(-EINTR, self->res[1]);
	EXPECT_EQ(-ETIME, self->res[2]);
	unlink(fifo);
}

/*
 * The request completes in time: the link timeout ends with -ECANCELED and
 * the chain goes on after it.
 */
TEST_F(link, link_timeout_disarmed_in_time)
{
	struct __kernel_timespec ts = { .tv_sec = 10 };
	char buf[4];
	struct io_uring_sqe *sqe;

	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK, 1);
	prep_link_timeout(&self->r, &ts, IOSQE_IO_LINK, 2);
	prep(&self->r, IORING_OP_NOP, -1, 0, 3);
	ASSERT_EQ(3, ring_submit(&self->r, 3));
	ASSERT_EQ(0, reap(&self->r, 3, self->order, self->res));
	EXPECT_EQ(0, self->res[1]);
	EXPECT_EQ(-ECANCELED, self->res[2]);
	EXPECT_EQ(0, self->res[3]);
	/* in chain order, as 6.1 posts them */
	EXPECT_EQ(1, self->order[0]);
	EXPECT_EQ(2, self->order[1]);
	EXPECT_EQ(3, self->order[2]);

	/* a read that waits a little, then gets its data */
	sqe = prep(&self->r, IORING_OP_READ, self->p[0], IOSQE_IO_LINK, 4);
	sqe->addr = (unsigned long)buf;
	sqe->len = 1;
	prep_link_timeout(&self->r, &ts, 0, 5);
	ASSERT_EQ(2, ring_submit(&self->r, 0));
	usleep(50 * 1000);
	ASSERT_EQ(1, write(self->p[1], "x", 1));
	ASSERT_EQ(0, reap(&self->r, 2, self->order, self->res));
	EXPECT_EQ(1, self->res[4]);
	EXPECT_EQ(-ECANCELED, self->res[5]);
	EXPECT_EQ(4, self->order[0]);
}

/*
 * A LINK_TIMEOUT must follow a linked request: alone, at the head of a
 * chain or after another LINK_TIMEOUT it fails at submission, and takes
 * its chain with it.  Its own fields are checked too.
 */
TEST_F(link, link_timeout_bad_inputs)
{
	struct __kernel_timespec ts = { .tv_sec = 1 };

	prep_link_timeout(&self->r, &ts, 0, 1);
	ASSERT_EQ(1, ring_submit(&self->r, 1));
	ASSERT_EQ(0, reap(&self->r, 1, self->order, self->res));
	EXPECT_EQ(-EINVAL, self->res[1]);

	prep_link_timeout(&self->r, &ts, IOSQE_IO_LINK, 2);
	prep(&self->r, IORING_OP_NOP, -1, 0, 3);
	ASSERT_EQ(2, ring_submit(&self->r, 2));
	ASSERT_EQ(0, reap(&self->r, 2, self->order, self->res));
	EXPECT_EQ(-EINVAL, self->res[2]);
	EXPECT_EQ(-ECANCELED, self->res[3]);

	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK, 4);
	prep_link_timeout(&self->r, &ts, IOSQE_IO_LINK, 5);
	prep_link_timeout(&self->r, &ts, 0, 6);
	ASSERT_EQ(3, ring_submit(&self->r, 3));
	ASSERT_EQ(0, reap(&self->r, 3, self->order, self->res));
	EXPECT_EQ(-ECANCELED, self->res[4]);
	EXPECT_EQ(-ECANCELED, self->res[5]);
	EXPECT_EQ(-EINVAL, self->res[6]);

	/* len other than 1, an offset, a timespec that cannot be read */
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK, 7);
	prep_link_timeout(&self->r, &ts, 0, 8)->len = 2;
	ASSERT_EQ(2, ring_submit(&self->r, 2));
	ASSERT_EQ(0, reap(&self->r, 2, self->order, self->res));
	EXPECT_EQ(-EINVAL, self->res[8]);
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK, 9);
	prep_link_timeout(&self->r, &ts, 0, 10)->addr = 8;
	ASSERT_EQ(2, ring_submit(&self->r, 2));
	ASSERT_EQ(0, reap(&self->r, 2, self->order, self->res));
	EXPECT_EQ(-EFAULT, self->res[10]);
	EXPECT_EQ(-ECANCELED, self->res[9]);
}

/* A ring closed with a link timeout armed on a read that waits. */
TEST(close_with_a_link_timeout_armed)
{
	struct __kernel_timespec ts = { .tv_sec = 1000 };
	struct io_uring_sqe *sqe;
	char buf[4];
	struct ring r;
	int p[2], i;

	ASSERT_EQ(0, pipe(p));
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, ring_init(&r, 4, 0));
		sqe = prep(&r, IORING_OP_READ, p[0], IOSQE_IO_LINK, 1);
		sqe->addr = (unsigned long)buf;
		sqe->len = sizeof(buf);
		prep_link_timeout(&r, &ts, 0, 2);
		ASSERT_EQ(2, ring_submit(&r, 0));
		ring_exit(&r);
	}
	close(p[0]);
	close(p[1]);
}

/* A request of the chain that fails at submission: none of the chain runs. */
TEST_F(link, submission_failure_cancels_the_chain)
{
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK, 1);
	prep(&self->r, 255, -1, IOSQE_IO_LINK, 2);	/* an unknown opcode */
	prep(&self->r, IORING_OP_NOP, -1, 0, 3);
	prep(&self->r, IORING_OP_NOP, -1, 0, 4);	/* after the chain: runs */
	ASSERT_EQ(4, ring_submit(&self->r, 4));
	ASSERT_EQ(0, reap(&self->r, 4, self->order, self->res));
	EXPECT_EQ(-ECANCELED, self->res[1]);
	EXPECT_EQ(-EINVAL, self->res[2]);
	EXPECT_EQ(-ECANCELED, self->res[3]);
	EXPECT_EQ(0, self->res[4]);
}

/*
 * The SQE that ends a chain fails at submission: as on 6.1, the call stops
 * after it (the chain's CQEs say why) and leaves the next SQE in the ring,
 * for the next call.  A failure in the middle of a chain does not stop the
 * call (see above): the chain goes on being built, and fails as a whole.
 */
TEST_F(link, failure_that_ends_a_chain_stops_the_submission)
{
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK, 1);
	prep(&self->r, 255, -1, 0, 2);	/* an unknown opcode */
	prep(&self->r, IORING_OP_NOP, -1, 0, 3);
	ASSERT_EQ(2, ring_submit(&self->r, 0));
	EXPECT_EQ(1, *self->r.sq_tail - *self->r.sq_head);
	ASSERT_EQ(0, reap(&self->r, 2, self->order, self->res));
	EXPECT_EQ(-ECANCELED, self->res[1]);
	EXPECT_EQ(-EINVAL, self->res[2]);
	ASSERT_EQ(1, sys_enter(self->r.fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_EQ(0, reap(&self->r, 1, self->order, self->res));
	EXPECT_EQ(0, self->res[3]);
}

/*
 * The head of a chain fails at submission: it ends with its error, and the
 * chain it heads with -ECANCELED, without running.
 */
TEST_F(link, failed_head_cancels_its_chain)
{
	prep(&self->r, IORING_OP_WRITEV, 999, IOSQE_IO_LINK, 1);	/* fd not open */
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK, 2);
	prep(&self->r, IORING_OP_NOP, -1, 0, 3);
	prep(&self->r, IORING_OP_NOP, -1, 0, 4);	/* after the chain: runs */
	ASSERT_EQ(4, ring_submit(&self->r, 4));
	ASSERT_EQ(0, reap(&self->r, 4, self->order, self->res));
	EXPECT_EQ(-EBADF, self->res[1]);
	EXPECT_EQ(-ECANCELED, self->res[2]);
	EXPECT_EQ(-ECANCELED, self->res[3]);
	EXPECT_EQ(0, self->res[4]);
}

/*
 * What a chain does inline is done when io_uring_enter() returns: a head
 * that fails as it is issued has its CQE and the rest's -ECANCELED posted
 * by then, a chain of NOPs has run to its end, and a NOP's link timeout
 * has ended with -ECANCELED (6.1 does all three; liburing's link test
 * peeks for them at once).  Many rounds, since a CQE posted a
 * moment late from some other thread would show only now and then.
 */
TEST_F(link, inline_chain_is_done_when_the_submission_returns)
{
	struct __kernel_timespec ts = { .tv_sec = 10 };
	struct io_uring_cqe cqe;
	int round, i, pos[16];

	for (round = 0; round < 200; round++) {
		prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK, 1)->off = 1; /* -EINVAL */
		prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK, 2);
		prep(&self->r, IORING_OP_NOP, -1, 0, 3);
		prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK, 4);
		prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK, 5);
		prep(&self->r, IORING_OP_NOP, -1, 0, 6);
		prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK, 7);
		prep_link_timeout(&self->r, &ts, 0, 8);
		ASSERT_EQ(8, ring_submit(&self->r, 0));
		memset(self->res, 0x7f, sizeof(self->res));
		for (i = 0; i < 8; i++) {
			ASSERT_EQ(1, ring_peek_cqe(&self->r, &cqe)) {
				TH_LOG("round %d: %d of 8 CQEs there at once", round, i);
			}
			self->order[i] = cqe.user_data;
			self->res[cqe.user_data & 15] = cqe.res;
		}
		ASSERT_EQ(-EINVAL, self->res[1]);
		ASSERT_EQ(-ECANCELED, self->res[2]);
		ASSERT_EQ(-ECANCELED, self->res[3]);
		ASSERT_EQ(0, self->res[4]);
		ASSERT_EQ(0, self->res[5]);
		ASSERT_EQ(0, self->res[6]);
		ASSERT_EQ(0, self->res[7]);
		ASSERT_EQ(-ECANCELED, self->res[8]);
		/* each chain's CQEs come in chain order */
		for (i = 0; i < 8; i++)
			pos[self->order[i] & 15] = i;
		ASSERT_TRUE(pos[1] < pos[2] && pos[2] < pos[3]);
		ASSERT_TRUE(pos[4] < pos[5] && pos[5] < pos[6]);
		ASSERT_LT(pos[7], pos[8]);
	}
}

/* A chain still open when the submission ends, ends there. */
TEST_F(link, chain_ends_with_the_submission)
{
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK, 1);
	ASSERT_EQ(1, ring_submit(&self->r, 1));
	prep(&self->r, IORING_OP_NOP, -1, 0, 2);
	ASSERT_EQ(1, ring_submit(&self->r, 1));
	ASSERT_EQ(0, reap(&self->r, 2, self->order, self->res));
	EXPECT_EQ(0, self->res[1]);
	EXPECT_EQ(0, self->res[2]);
}

/*
 * A long chain of writes runs in order: write i covers the first
 * (i + 1) * 512 bytes with letter i, so only the last one, run last,
 * leaves its letter everywhere.
 */
TEST_F(link, chain_of_writes_in_order)
{
	static char bufs[8][8 * 512];
	char out[8 * 512], want[8 * 512];
	struct io_uring_sqe *sqe;
	int fd, i;

	fd = open("/tmp/io_uring-link", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	unlink("/tmp/io_uring-link");
	for (i = 0; i < 8; i++) {
		memset(bufs[i], 'a' + i, sizeof(bufs[i]));
		sqe = prep(&self->r, IORING_OP_WRITE, fd, i < 7 ? IOSQE_IO_LINK : 0, i);
		sqe->addr = (unsigned long)bufs[i];
		sqe->len = (i + 1) * 512;
	}
	ASSERT_EQ(8, ring_submit(&self->r, 8));
	ASSERT_EQ(0, reap(&self->r, 8, self->order, self->res));
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(i, self->order[i]);
		EXPECT_EQ((i + 1) * 512, self->res[i]);
	}
	memset(want, 'h', sizeof(want));
	ASSERT_EQ(sizeof(out), pread(fd, out, sizeof(out), 0));
	EXPECT_EQ(0, memcmp(want, out, sizeof(out)));
	close(fd);
}

/* A drain request waits for what came before it; what comes after waits for it. */
TEST_F(link, drain_waits_for_earlier_requests)
{
	prep_poll(&self->r, self->p[0], 0, 1);
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_DRAIN, 2);
	prep(&self->r, IORING_OP_NOP, -1, 0, 3);
	ASSERT_EQ(3, ring_submit(&self->r, 0));
	EXPECT_TRUE(quiet(&self->r));
	/* held back, even in a later submission */
	prep(&self->r, IORING_OP_NOP, -1, 0, 4);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	EXPECT_TRUE(quiet(&self->r));

	ASSERT_EQ(1, write(self->p[1], "x", 1));
	ASSERT_EQ(0, reap(&self->r, 4, self->order, self->res));
	EXPECT_EQ(1, self->order[0]);
	EXPECT_EQ(2, self->order[1]);
	EXPECT_EQ(0, self->res[2]);
	EXPECT_EQ(0, self->res[3]);
	EXPECT_EQ(0, self->res[4]);

	/* nothing in flight: a drain request runs at once, and so do the next */
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_DRAIN, 5);
	prep(&self->r, IORING_OP_NOP, -1, 0, 6);
	ASSERT_EQ(2, ring_submit(&self->r, 2));
	ASSERT_EQ(0, reap(&self->r, 2, self->order, self->res));
	EXPECT_EQ(5, self->order[0]);
	EXPECT_EQ(6, self->order[1]);
}

/* Two drains in a row, each behind everything before it. */
/*
 * A drain flag in the middle of a chain drains the whole chain: its head
 * waits for the poll before it, and the NOP after the chain waits for it.
 */
TEST_F(link, drain_inside_a_chain_drains_the_chain)
{
	int i;

	prep_poll(&self->r, self->p[0], 0, 1);
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK, 2);
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK | IOSQE_IO_DRAIN, 3);
	prep(&self->r, IORING_OP_NOP, -1, 0, 4);
	prep(&self->r, IORING_OP_NOP, -1, 0, 5);
	ASSERT_EQ(5, ring_submit(&self->r, 0));
	EXPECT_TRUE(quiet(&self->r));
	ASSERT_EQ(1, write(self->p[1], "x", 1));
	ASSERT_EQ(0, reap(&self->r, 5, self->order, self->res));
	for (i = 0; i < 5; i++)
		EXPECT_EQ(i + 1, self->order[i]);
	for (i = 2; i <= 5; i++)
		EXPECT_EQ(0, self->res[i]);
}

TEST_F(link, drains_in_a_row)
{
	int i;

	prep_poll(&self->r, self->p[0], 0, 1);
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_DRAIN, 2);
	prep(&self->r, IORING_OP_NOP, -1, 0, 3);
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_DRAIN, 4);
	prep(&self->r, IORING_OP_NOP, -1, 0, 5);
	ASSERT_EQ(5, ring_submit(&self->r, 0));
	EXPECT_TRUE(quiet(&self->r));
	ASSERT_EQ(1, write(self->p[1], "x", 1));
	ASSERT_EQ(0, reap(&self->r, 5, self->order, self->res));
	EXPECT_EQ(1, self->order[0]);
	EXPECT_EQ(2, self->order[1]);
	EXPECT_EQ(4, self->order[3]);
	for (i = 2; i <= 5; i++)
		EXPECT_EQ(0, self->res[i]);
}

static int cancel(struct ring *r, __u64 target, __u64 data)
{
	struct io_uring_sqe *sqe = prep(r, IORING_OP_ASYNC_CANCEL, -1, 0, data);

	sqe->addr = target;
	return ring_submit(r, 0);
}

/*
 * IORING_OP_ASYNC_CANCEL ends an armed poll, a timeout, and a pipe read
 * that waits for data.
 */
TEST_F(link, async_cancel)
{
	struct { long long tv_sec, tv_nsec; } ts = { 100, 0 };	/* __kernel_timespec */
	struct io_uring_sqe *sqe;
	struct iovec iov;
	char byte;

	prep_poll(&self->r, self->p[0], 0, 1);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	ASSERT_EQ(1, cancel(&self->r, 1, 10));
	ASSERT_EQ(0, reap(&self->r, 2, self->order, self->res));
	EXPECT_EQ(0, self->res[10]);
	EXPECT_EQ(-ECANCELED, self->res[1]);

	sqe = prep(&self->r, IORING_OP_TIMEOUT, -1, 0, 2);
	sqe->addr = (unsigned long)&ts;
	sqe->len = 1;
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	ASSERT_EQ(1, cancel(&self->r, 2, 11));
	ASSERT_EQ(0, reap(&self->r, 2, self->order, self->res));
	EXPECT_EQ(0, self->res[11]);
	EXPECT_EQ(-ECANCELED, self->res[2]);

	/* a pipe read waits for the pipe as a poll (IORING_FEAT_FAST_POLL) */
	iov.iov_base = &byte;
	iov.iov_len = 1;
	sqe = prep(&self->r, IORING_OP_READV, self->p[0], 0, 5);
	sqe->addr = (unsigned long)&iov;
	sqe->len = 1;
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	usleep(100 * 1000);
	ASSERT_EQ(1, cancel(&self->r, 5, 14));
	ASSERT_EQ(0, reap(&self->r, 2, self->order, self->res));
	EXPECT_EQ(0, self->res[14]);
	EXPECT_EQ(-ECANCELED, self->res[5]);

	/* nothing by that user_data; fields it does not take */
	ASSERT_EQ(1, cancel(&self->r, 999, 15));
	ASSERT_EQ(0, reap(&self->r, 1, self->order, self->res));
	EXPECT_EQ(-ENOENT, self->res[15]);
	sqe = prep(&self->r, IORING_OP_ASYNC_CANCEL, -1, 0, 9);
	sqe->len = 1;
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	ASSERT_EQ(0, reap(&self->r, 1, self->order, self->res));
	EXPECT_EQ(-EINVAL, self->res[9]);
}

/*
 * On an IOPOLL ring ASYNC_CANCEL completes like any request; it must not
 * be taken for a polled read (the fuzzer found that crash).
 */
TEST(async_cancel_on_an_iopoll_ring)
{
	__u64 order[4];
	int res[16];
	struct ring r;
	int i;

	ASSERT_EQ(0, ring_init(&r, 4, IORING_SETUP_IOPOLL));
	for (i = 0; i < 3; i++) {
		prep(&r, IORING_OP_ASYNC_CANCEL, -1, 0, i)->addr = 100 + i;
		ASSERT_EQ(1, ring_submit(&r, 0));
		ASSERT_EQ(0, reap(&r, 1, order, res));
		EXPECT_EQ(-ENOENT, res[i]);
	}
	ring_exit(&r);
}

/* Closed while a chain and drained requests wait: all of them end, nothing leaks. */
TEST(close_with_requests_waiting)
{
	struct ring r;
	int p[2], i;

	ASSERT_EQ(0, pipe(p));
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, ring_init(&r, 8, 0));
		prep_poll(&r, p[0], IOSQE_IO_LINK, 1);
		prep(&r, IORING_OP_NOP, -1, 0, 2);
		prep(&r, IORING_OP_NOP, -1, IOSQE_IO_DRAIN, 3);
		prep(&r, IORING_OP_NOP, -1, 0, 4);
		ASSERT_EQ(4, ring_submit(&r, 0));
		ring_exit(&r);
	}
	close(p[0]);
	close(p[1]);
}

/* The same on an SQPOLL ring, where the SQ thread builds the chain. */
TEST(sqpoll_chain_and_drain)
{
	struct ring r;
	__u64 order[8];
	int res[16], p[2];

	if (geteuid())
		SKIP(return, "SQPOLL needs root");
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, ring_init(&r, 8, IORING_SETUP_SQPOLL));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_FILES, p, 2));
	prep(&r, IORING_OP_POLL_ADD, 0, IOSQE_FIXED_FILE | IOSQE_IO_LINK, 1)->poll32_events =
		POLLIN;
	prep(&r, IORING_OP_NOP, -1, 0, 2);
	prep(&r, IORING_OP_NOP, -1, IOSQE_IO_DRAIN, 3);
	ring_flush(&r);
	sys_enter(r.fd, 3, 0, IORING_ENTER_SQ_WAKEUP, NULL, 0);
	EXPECT_TRUE(quiet(&r));
	ASSERT_EQ(1, write(p[1], "x", 1));
	ASSERT_EQ(0, reap(&r, 3, order, res));
	EXPECT_EQ(1, order[0]);
	EXPECT_EQ(2, order[1]);
	EXPECT_EQ(3, order[2]);
	EXPECT_EQ(0, res[2]);
	EXPECT_EQ(0, res[3]);
	ring_exit(&r);
	close(p[0]);
	close(p[1]);
}

/* ---- IOSQE_CQE_SKIP_SUCCESS --------------------------------------------- */

#define SKIP_OK IOSQE_CQE_SKIP_SUCCESS

/* A READ of a byte in the pipe into an unmapped buffer: -EFAULT. */
static void prep_bad_read(struct ring *r, const int p[2], __u8 flags, __u64 data)
{
	struct io_uring_sqe *sqe = prep(r, IORING_OP_READ, p[0], flags, data);

	if (write(p[1], "x", 1) != 1)
		sqe->fd = -1;
	sqe->addr = 8;
	sqe->len = 1;
}

/* A request that succeeds posts no CQE; one that fails posts its error. */
TEST_F(link, cqe_skip_success)
{
	ASSERT_TRUE(self->r.p.features & IORING_FEAT_CQE_SKIP);
	prep(&self->r, IORING_OP_NOP, -1, SKIP_OK, 1);
	prep(&self->r, IORING_OP_NOP, -1, 0, 2);
	ASSERT_EQ(2, ring_submit(&self->r, 0));
	ASSERT_EQ(0, reap(&self->r, 1, self->order, self->res));
	EXPECT_EQ(2, self->order[0]);
	EXPECT_TRUE(quiet(&self->r));

	prep_bad_read(&self->r, self->p, SKIP_OK, 3);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	ASSERT_EQ(0, reap(&self->r, 1, self->order, self->res));
	EXPECT_EQ(3, self->order[0]);
	EXPECT_EQ(-EFAULT, self->res[3]);
}

/* A read that comes back short did not succeed: its CQE is posted. */
TEST_F(link, cqe_skip_short_read_is_posted)
{
	char buf[8];
	struct io_uring_sqe *sqe;

	ASSERT_EQ(1, write(self->p[1], "x", 1));
	sqe = prep(&self->r, IORING_OP_READ, self->p[0], SKIP_OK, 4);
	sqe->addr = (unsigned long)buf;
	sqe->len = sizeof(buf);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	ASSERT_EQ(0, reap(&self->r, 1, self->order, self->res));
	EXPECT_EQ(1, self->res[4]);
}

/*
 * In a chain, only what did not succeed is heard of.  As on 6.1, when a
 * request that asked for no CQE on success fails, it posts its error and
 * the requests it cancels post nothing; when one that did not ask fails,
 * those it cancels post -ECANCELED, whatever they asked.
 */
TEST_F(link, cqe_skip_in_chains)
{
	prep(&self->r, IORING_OP_NOP, -1, SKIP_OK | IOSQE_IO_LINK, 1);
	prep(&self->r, IORING_OP_NOP, -1, SKIP_OK | IOSQE_IO_LINK, 2);
	prep(&self->r, IORING_OP_NOP, -1, 0, 3);
	ASSERT_EQ(3, ring_submit(&self->r, 0));
	ASSERT_EQ(0, reap(&self->r, 1, self->order, self->res));
	EXPECT_EQ(3, self->order[0]);
	EXPECT_TRUE(quiet(&self->r));

	prep_bad_read(&self->r, self->p, SKIP_OK | IOSQE_IO_LINK, 4);
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_LINK, 5);
	prep(&self->r, IORING_OP_NOP, -1, 0, 6);
	ASSERT_EQ(3, ring_submit(&self->r, 0));
	ASSERT_EQ(0, reap(&self->r, 1, self->order, self->res));
	EXPECT_EQ(4, self->order[0]);
	EXPECT_EQ(-EFAULT, self->res[4]);
	EXPECT_TRUE(quiet(&self->r));

	prep_bad_read(&self->r, self->p, IOSQE_IO_LINK, 7);
	prep(&self->r, IORING_OP_NOP, -1, SKIP_OK | IOSQE_IO_LINK, 8);
	prep(&self->r, IORING_OP_NOP, -1, SKIP_OK, 9);
	ASSERT_EQ(3, ring_submit(&self->r, 0));
	ASSERT_EQ(0, reap(&self->r, 3, self->order, self->res));
	EXPECT_EQ(-EFAULT, self->res[7]);
	EXPECT_EQ(-ECANCELED, self->res[8]);
	EXPECT_EQ(-ECANCELED, self->res[9]);
	EXPECT_TRUE(quiet(&self->r));
}

/*
 * A drain counts CQEs, which skipped ones are not: once a ring has seen
 * IOSQE_CQE_SKIP_SUCCESS, IOSQE_IO_DRAIN is -EOPNOTSUPP on it, as on 6.1.
 */
TEST_F(link, cqe_skip_disables_drain)
{
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_DRAIN, 1);
	EXPECT_EQ(0, ring_run_one(&self->r, 1));
	prep(&self->r, IORING_OP_NOP, -1, SKIP_OK, 2);
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_DRAIN, 3);
	ASSERT_EQ(2, ring_submit(&self->r, 0));
	ASSERT_EQ(0, reap(&self->r, 1, self->order, self->res));
	EXPECT_EQ(3, self->order[0]);
	EXPECT_EQ(-EOPNOTSUPP, self->res[3]);
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_DRAIN, 4);
	EXPECT_EQ(-EOPNOTSUPP, ring_run_one(&self->r, 4));
}

/*
 * A skipped completion still counts for a drain that started before the
 * ring refused drains: a drain at the head of a chain whose member skips
 * its CQE lets what comes after it start.
 */
TEST_F(link, cqe_skip_inside_a_drained_chain)
{
	prep(&self->r, IORING_OP_NOP, -1, IOSQE_IO_DRAIN | IOSQE_IO_LINK, 1);
	prep(&self->r, IORING_OP_NOP, -1, SKIP_OK, 2);
	prep(&self->r, IORING_OP_NOP, -1, 0, 3);
	ASSERT_EQ(3, ring_submit(&self->r, 0));
	ASSERT_EQ(0, reap(&self->r, 2, self->order, self->res));
	EXPECT_EQ(1, self->order[0]);
	EXPECT_EQ(3, self->order[1]);
	EXPECT_TRUE(quiet(&self->r));
}

TEST_HARNESS_MAIN
