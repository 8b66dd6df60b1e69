// SPDX-License-Identifier: GPL-2.0
/*
 * Cancellation by more than a user_data: IORING_OP_ASYNC_CANCEL's flags
 * (IORING_ASYNC_CANCEL_ALL, _FD, _FD_FIXED and _ANY), and
 * IORING_REGISTER_SYNC_CANCEL, which cancels the same way from the
 * register call and waits for what it found to end.  The requests found
 * are armed polls, timeouts, and reads blocked in an I/O worker.  Bad
 * inputs get 6.1's errnos.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "ring.h"

#define CANCEL_DATA	50		/* the cancel's own user_data */
#define NR_DATA		64		/* user_data of the requests: below this */

/* -EINPROGRESS: no CQE yet; test_res() keeps the rest */
static void res_clear(int *res)
{
	int i;

	for (i = 0; i < NR_DATA; i++)
		res[i] = -EINPROGRESS;
}

/* Wait up to 10 s for @nr CQEs, keeping each res by user_data. */
static int reap(struct ring *r, int nr, int *res)
{
	struct io_uring_cqe cqe;
	int waited = 0;

	while (nr) {
		if (!ring_peek_cqe(r, &cqe)) {
			if (++waited > 5000)
				return -ETIMEDOUT;
			usleep(2000);
			continue;
		}
		if (cqe.user_data >= NR_DATA)
			return -EPROTO;
		res[cqe.user_data] = cqe.res;
		nr--;
	}
	return 0;
}

static struct io_uring_sqe *prep_poll(struct ring *r, int fd, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	prep_rw(sqe, IORING_OP_POLL_ADD, fd, NULL, 0, 0);
	sqe->poll32_events = POLLIN;
	sqe->user_data = data;
	return sqe;
}

/*
 * A read of pipe @fd with IOSQE_ASYNC: its worker finds nothing to read,
 * and it waits as a poll, as on 6.1, not in the worker.
 */
static void prep_async_read(struct ring *r, int fd, __u64 data)
{
	static char buf[8];
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	prep_rw(sqe, IORING_OP_READ, fd, buf, sizeof(buf), 0);
	sqe->flags = IOSQE_ASYNC;
	sqe->user_data = data;
}

/* An open of FIFO @path, which blocks in a worker until a writer comes. */
static void prep_blocked_open(struct ring *r, const char *path, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	prep_rw(sqe, IORING_OP_OPENAT, AT_FDCWD, path, 0, 0);
	sqe->open_flags = O_RDONLY;
	sqe->user_data = data;
}

static void prep_timeout(struct ring *r, __u64 data)
{
	static struct { long long tv_sec, tv_nsec; } ts = { 100, 0 };
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	prep_rw(sqe, IORING_OP_TIMEOUT, -1, &ts, 1, 0);
	sqe->user_data = data;
}

static struct io_uring_sqe *prep_cancel(struct ring *r, __u32 flags, __u64 addr, int fd)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	prep_rw(sqe, IORING_OP_ASYNC_CANCEL, fd, NULL, 0, 0);
	sqe->addr = addr;
	sqe->cancel_flags = flags;
	sqe->user_data = CANCEL_DATA;
	return sqe;
}

/* Submit an ASYNC_CANCEL, and reap its CQE with @ended others. */
static int cancel(struct ring *r, __u32 flags, __u64 addr, int fd, int ended, int *res)
{
	int ret;

	prep_cancel(r, flags, addr, fd);
	ret = ring_submit(r, 0);
	if (ret != 1)
		return ret < 0 ? ret : -EIO;
	return reap(r, ended + 1, res);
}

static int sync_cancel(struct ring *r, struct io_uring_sync_cancel_reg *reg)
{
	return sys_register(r->fd, IORING_REGISTER_SYNC_CANCEL, reg, 1) ? -errno : 0;
}

FIXTURE(cancel) {
	struct ring r;
	int a[2], b[2];
	char fifo[64];
	int res[NR_DATA];
};

FIXTURE_SETUP(cancel)
{
	ASSERT_EQ(0, ring_init(&self->r, 32, 0));
	ASSERT_EQ(0, pipe(self->a));
	ASSERT_EQ(0, pipe(self->b));
	snprintf(self->fifo, sizeof(self->fifo), "/tmp/io_uring-cancel-%d", getpid());
	unlink(self->fifo);
	ASSERT_EQ(0, mkfifo(self->fifo, 0600));
	res_clear(self->res);
}

FIXTURE_TEARDOWN(cancel)
{
	ring_exit(&self->r);
	close(self->a[0]);
	close(self->a[1]);
	close(self->b[0]);
	close(self->b[1]);
	unlink(self->fifo);
}

/* With IORING_ASYNC_CANCEL_ALL each request with that user_data ends. */
TEST_F(cancel, all_by_user_data)
{
	int i;

	for (i = 0; i < 4; i++)
		prep_poll(&self->r, self->a[0], 7);
	prep_poll(&self->r, self->a[0], 8);
	ASSERT_EQ(5, ring_submit(&self->r, 0));
	ASSERT_EQ(0, cancel(&self->r, IORING_ASYNC_CANCEL_ALL, 7, 0, 4, self->res));
	EXPECT_EQ(4, self->res[CANCEL_DATA]);
	EXPECT_EQ(-ECANCELED, self->res[7]);
	EXPECT_EQ(-EINPROGRESS, self->res[8]);

	/* none left by that user_data: 0 found, not -ENOENT */
	ASSERT_EQ(0, cancel(&self->r, IORING_ASYNC_CANCEL_ALL, 7, 0, 0, self->res));
	EXPECT_EQ(0, self->res[CANCEL_DATA]);
	/* without the flag: one at a time */
	ASSERT_EQ(0, cancel(&self->r, 0, 8, 0, 1, self->res));
	EXPECT_EQ(0, self->res[CANCEL_DATA]);
	EXPECT_EQ(-ECANCELED, self->res[8]);
	ASSERT_EQ(0, cancel(&self->r, 0, 8, 0, 0, self->res));
	EXPECT_EQ(-ENOENT, self->res[CANCEL_DATA]);
}

/* IORING_ASYNC_CANCEL_FD: the requests that use that file, and only those. */
TEST_F(cancel, by_fd)
{
	int i;

	for (i = 0; i < 8; i++)
		prep_poll(&self->r, i & 1 ? self->b[0] : self->a[0], i + 1);
	ASSERT_EQ(8, ring_submit(&self->r, 0));
	ASSERT_EQ(0, cancel(&self->r, IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL, 0,
			    self->a[0], 4, self->res));
	EXPECT_EQ(4, self->res[CANCEL_DATA]);
	for (i = 0; i < 8; i++)
		EXPECT_EQ(i & 1 ? -EINPROGRESS : -ECANCELED, self->res[i + 1]);

	/* without ALL, the first of b's: 0, as for a user_data */
	ASSERT_EQ(0, cancel(&self->r, IORING_ASYNC_CANCEL_FD, 0, self->b[0], 1, self->res));
	EXPECT_EQ(0, self->res[CANCEL_DATA]);
	ASSERT_EQ(0, cancel(&self->r, IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL, 0,
			    self->b[0], 3, self->res));
	EXPECT_EQ(3, self->res[CANCEL_DATA]);
	for (i = 1; i < 8; i += 2)
		EXPECT_EQ(-ECANCELED, self->res[i + 1]);
	ASSERT_EQ(0, cancel(&self->r, IORING_ASYNC_CANCEL_FD, 0, self->b[0], 0, self->res));
	EXPECT_EQ(-ENOENT, self->res[CANCEL_DATA]);
}

/*
 * IORING_ASYNC_CANCEL_FD_FIXED, or IOSQE_FIXED_FILE on the cancel: fd is
 * a registered file's slot, matched by the file, however it was named.
 */
TEST_F(cancel, by_fixed_file)
{
	struct io_uring_sqe *sqe;
	int files[2] = { self->a[0], -1 };

	ASSERT_EQ(0, sys_register(self->r.fd, IORING_REGISTER_FILES, files, 2));
	prep_poll(&self->r, 0, 1)->flags = IOSQE_FIXED_FILE;
	prep_poll(&self->r, self->a[0], 2);
	ASSERT_EQ(2, ring_submit(&self->r, 0));
	ASSERT_EQ(0, cancel(&self->r, IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_FD_FIXED, 0,
			    0, 1, self->res));
	EXPECT_EQ(0, self->res[CANCEL_DATA]);
	sqe = prep_cancel(&self->r, IORING_ASYNC_CANCEL_FD, 0, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	ASSERT_EQ(0, reap(&self->r, 2, self->res));
	EXPECT_EQ(0, self->res[CANCEL_DATA]);
	EXPECT_EQ(-ECANCELED, self->res[1]);
	EXPECT_EQ(-ECANCELED, self->res[2]);

	/* an empty slot, and one past the table */
	ASSERT_EQ(0, cancel(&self->r, IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_FD_FIXED, 0,
			    1, 0, self->res));
	EXPECT_EQ(-EBADF, self->res[CANCEL_DATA]);
	ASSERT_EQ(0, cancel(&self->r, IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_FD_FIXED, 0,
			    2, 0, self->res));
	EXPECT_EQ(-EBADF, self->res[CANCEL_DATA]);
}

/* IORING_ASYNC_CANCEL_ANY: polls, timeouts and requests in workers alike. */
TEST_F(cancel, any)
{
	prep_poll(&self->r, self->a[0], 1);
	prep_timeout(&self->r, 2);
	prep_async_read(&self->r, self->b[0], 3);
	prep_blocked_open(&self->r, self->fifo, 4);
	ASSERT_EQ(4, ring_submit(&self->r, 0));
	usleep(200000);
	ASSERT_EQ(0, cancel(&self->r, IORING_ASYNC_CANCEL_ANY, 0, 0, 4, self->res));
	EXPECT_EQ(4, self->res[CANCEL_DATA]);
	EXPECT_EQ(-ECANCELED, self->res[1]);
	EXPECT_EQ(-ECANCELED, self->res[2]);
	EXPECT_EQ(-ECANCELED, self->res[3]);
	/* interrupted as it ran */
	EXPECT_EQ(-EINTR, self->res[4]);
	/* its worker may still be on its way out of it */
	usleep(100000);
	ASSERT_EQ(0, cancel(&self->r, IORING_ASYNC_CANCEL_ANY, 0, 0, 0, self->res));
	EXPECT_EQ(0, self->res[CANCEL_DATA]);
}

/*
 * A pipe read with IOSQE_ASYNC that finds nothing waits as a poll, as on
 * 6.1 (liburing's poll-cancel-all counts on it): a cancel ends it at
 * once, rather than interrupting a worker; and it reads what comes.
 */
TEST_F(cancel, async_pipe_read_waits_as_a_poll)
{
	int i;

	for (i = 0; i < 4; i++)
		prep_async_read(&self->r, self->a[0], i + 1);
	ASSERT_EQ(4, ring_submit(&self->r, 0));
	usleep(200000);
	ASSERT_EQ(0, cancel(&self->r, 0, 1, 0, 1, self->res));
	EXPECT_EQ(0, self->res[CANCEL_DATA]);
	EXPECT_EQ(-ECANCELED, self->res[1]);
	ASSERT_EQ(0, cancel(&self->r, IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_FD, 0,
			    self->a[0], 3, self->res));
	EXPECT_EQ(3, self->res[CANCEL_DATA]);
	for (i = 2; i <= 4; i++)
		EXPECT_EQ(-ECANCELED, self->res[i]);

	prep_async_read(&self->r, self->b[0], 5);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	usleep(100000);
	ASSERT_EQ(4, write(self->b[1], "abcd", 4));
	ASSERT_EQ(0, reap(&self->r, 1, self->res));
	EXPECT_EQ(4, self->res[5]);
}

/* A timeout uses no file: IORING_ASYNC_CANCEL_FD never finds one. */
TEST_F(cancel, by_fd_leaves_timeouts)
{
	prep_timeout(&self->r, 1);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	ASSERT_EQ(0, cancel(&self->r, IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL, 0,
			    self->a[0], 0, self->res));
	EXPECT_EQ(0, self->res[CANCEL_DATA]);
	ASSERT_EQ(0, cancel(&self->r, 0, 1, 0, 1, self->res));
	EXPECT_EQ(0, self->res[CANCEL_DATA]);
	EXPECT_EQ(-ECANCELED, self->res[1]);
}

TEST_F(cancel, bad_flags_and_fds)
{
	struct io_uring_sqe *sqe;

	ASSERT_EQ(0, cancel(&self->r, 1U << 4, 1, 0, 0, self->res));
	EXPECT_EQ(-EINVAL, self->res[CANCEL_DATA]);
	ASSERT_EQ(0, cancel(&self->r, IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ANY, 0,
			    self->a[0], 0, self->res));
	EXPECT_EQ(-EINVAL, self->res[CANCEL_DATA]);
	/* fds that are not open, and no files registered for FD_FIXED */
	ASSERT_EQ(0, cancel(&self->r, IORING_ASYNC_CANCEL_FD, 0, 9999, 0, self->res));
	EXPECT_EQ(-EBADF, self->res[CANCEL_DATA]);
	ASSERT_EQ(0, cancel(&self->r, IORING_ASYNC_CANCEL_FD, 0, -1, 0, self->res));
	EXPECT_EQ(-EBADF, self->res[CANCEL_DATA]);
	ASSERT_EQ(0, cancel(&self->r, IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_FD_FIXED, 0,
			    0, 0, self->res));
	EXPECT_EQ(-EBADF, self->res[CANCEL_DATA]);
	/* fields it does not take */
	sqe = prep_cancel(&self->r, 0, 1, 0);
	sqe->off = 1;
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	ASSERT_EQ(0, reap(&self->r, 1, self->res));
	EXPECT_EQ(-EINVAL, self->res[CANCEL_DATA]);
	sqe = prep_cancel(&self->r, 0, 1, 0);
	sqe->splice_fd_in = 1;
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	ASSERT_EQ(0, reap(&self->r, 1, self->res));
	EXPECT_EQ(-EINVAL, self->res[CANCEL_DATA]);
}

/* An ASYNC_CANCEL issued in a worker finds by fd as well. */
TEST_F(cancel, from_a_worker)
{
	struct io_uring_sqe *sqe;
	int files[1] = { self->a[0] };

	ASSERT_EQ(0, sys_register(self->r.fd, IORING_REGISTER_FILES, files, 1));
	prep_poll(&self->r, self->a[0], 1);
	prep_poll(&self->r, self->a[0], 2);
	ASSERT_EQ(2, ring_submit(&self->r, 0));
	sqe = prep_cancel(&self->r, IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_FD_FIXED |
			  IORING_ASYNC_CANCEL_ALL, 0, 0);
	sqe->flags = IOSQE_ASYNC;
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	ASSERT_EQ(0, reap(&self->r, 3, self->res));
	EXPECT_EQ(2, self->res[CANCEL_DATA]);
	EXPECT_EQ(-ECANCELED, self->res[1]);
	EXPECT_EQ(-ECANCELED, self->res[2]);
}

/*
 * SYNC_CANCEL of an open blocked in a worker: the worker is interrupted,
 * and the call returns once the open has ended, its CQE posted.
 */
TEST_F(cancel, sync_waits_for_a_running_open)
{
	struct io_uring_sync_cancel_reg reg = { .addr = 1 };
	struct io_uring_cqe cqe;

	reg.timeout.tv_sec = -1;
	reg.timeout.tv_nsec = -1;
	prep_blocked_open(&self->r, self->fifo, 1);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	usleep(200000);
	ASSERT_EQ(0, sync_cancel(&self->r, &reg));
	ASSERT_EQ(1, ring_peek_cqe(&self->r, &cqe));
	EXPECT_EQ(1, cqe.user_data);
	EXPECT_EQ(-EINTR, cqe.res);

	/* by fd, each: a read that waits and a poll */
	prep_async_read(&self->r, self->b[0], 2);
	prep_poll(&self->r, self->b[0], 3);
	ASSERT_EQ(2, ring_submit(&self->r, 0));
	usleep(100000);
	reg.fd = self->b[0];
	reg.flags = IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL;
	ASSERT_EQ(0, sync_cancel(&self->r, &reg));
	ASSERT_EQ(0, reap(&self->r, 2, self->res));
	EXPECT_EQ(-ECANCELED, self->res[2]);
	EXPECT_EQ(-ECANCELED, self->res[3]);

	/* nothing found is not an error */
	reg.flags = 0;
	reg.addr = 99;
	EXPECT_EQ(0, sync_cancel(&self->r, &reg));
}

/*
 * A negative timeout is over already: SYNC_CANCEL of a running open says
 * -ETIME at once (the open is interrupted all the same).
 */
TEST_F(cancel, sync_negative_timeout)
{
	struct io_uring_sync_cancel_reg reg = { .addr = 1 };

	reg.timeout.tv_sec = -1;
	prep_blocked_open(&self->r, self->fifo, 1);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	usleep(200000);
	EXPECT_EQ(-ETIME, sync_cancel(&self->r, &reg));
	ASSERT_EQ(0, reap(&self->r, 1, self->res));
	EXPECT_EQ(-EINTR, self->res[1]);
}

/* SYNC_CANCEL of an armed poll, with a timeout it does not need. */
TEST_F(cancel, sync_ends_a_poll)
{
	struct io_uring_sync_cancel_reg reg = { .addr = 1 };
	struct io_uring_cqe cqe;

	reg.timeout.tv_nsec = 1;
	prep_poll(&self->r, self->a[0], 1);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	ASSERT_EQ(0, sync_cancel(&self->r, &reg));
	ASSERT_EQ(1, ring_peek_cqe(&self->r, &cqe));
	EXPECT_EQ(-ECANCELED, cqe.res);
}

TEST_F(cancel, sync_bad_arguments)
{
	struct io_uring_sync_cancel_reg reg = { .addr = 1 };

	EXPECT_EQ(-1, sys_register(self->r.fd, IORING_REGISTER_SYNC_CANCEL, &reg, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(self->r.fd, IORING_REGISTER_SYNC_CANCEL, &reg, 2));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(self->r.fd, IORING_REGISTER_SYNC_CANCEL, NULL, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(self->r.fd, IORING_REGISTER_SYNC_CANCEL, (void *)8, 1));
	EXPECT_EQ(EFAULT, errno);
	reg.pad[3] = 1;
	EXPECT_EQ(-EINVAL, sync_cancel(&self->r, &reg));
	reg.pad[3] = 0;
	reg.flags = 1U << 4;
	EXPECT_EQ(-EINVAL, sync_cancel(&self->r, &reg));
	reg.flags = IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ANY;
	EXPECT_EQ(-EINVAL, sync_cancel(&self->r, &reg));
	reg.flags = IORING_ASYNC_CANCEL_FD;
	reg.fd = 9999;
	EXPECT_EQ(-EBADF, sync_cancel(&self->r, &reg));
	reg.flags |= IORING_ASYNC_CANCEL_FD_FIXED;
	reg.fd = 0;
	EXPECT_EQ(-EBADF, sync_cancel(&self->r, &reg));
}

TEST_HARNESS_MAIN
