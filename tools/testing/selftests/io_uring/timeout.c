// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_TIMEOUT (a timer that ends with -ETIME, or with 0 once a count
 * of other completions is reached; relative or IORING_TIMEOUT_ABS, on one
 * of three clocks) and IORING_OP_TIMEOUT_REMOVE (which also gives a TIMEOUT
 * or LINK_TIMEOUT a new time), their bad inputs, and rings closed with
 * timeouts armed; and waits with a time limit (IORING_ENTER_EXT_ARG).
 */
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <linux/time_types.h>

#include "../kselftest_harness.h"
#include "ring.h"

static struct io_uring_sqe *prep_timeout(struct ring *r, struct __kernel_timespec *ts,
					 __u64 count, __u32 flags, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_TIMEOUT;
	sqe->fd = -1;
	sqe->addr = (unsigned long)ts;
	sqe->len = 1;
	sqe->off = count;
	sqe->timeout_flags = flags;
	sqe->user_data = data;
	return sqe;
}

static struct io_uring_sqe *prep_remove(struct ring *r, __u64 target, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_TIMEOUT_REMOVE;
	sqe->fd = -1;
	sqe->addr = target;
	sqe->user_data = data;
	return sqe;
}

static struct io_uring_sqe *prep_update(struct ring *r, __u64 target,
					struct __kernel_timespec *ts, __u32 flags, __u64 data)
{
	struct io_uring_sqe *sqe = prep_remove(r, target, data);

	sqe->addr2 = (unsigned long)ts;
	sqe->timeout_flags = flags;
	return sqe;
}

static void prep_nop(struct ring *r, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->fd = -1;
	sqe->user_data = data;
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* The next CQE is @data's, and ends with @res. */
static void expect_next_cqe(struct __test_metadata *_metadata, struct ring *r, __u64 data,
			    int res)
{
	struct io_uring_cqe cqe;

	ASSERT_EQ(0, ring_wait_cqe(r, &cqe));
	EXPECT_EQ(data, cqe.user_data);
	EXPECT_EQ(res, cqe.res);
}

FIXTURE(timeout) {
	struct ring r;
};

FIXTURE_SETUP(timeout)
{
	ASSERT_EQ(0, ring_init(&self->r, 16, 0));
}

FIXTURE_TEARDOWN(timeout)
{
	ring_exit(&self->r);
}

/* A pure timer: -ETIME, and not before its time. */
TEST_F(timeout, expires_with_etime)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 200 * 1000 * 1000 };
	struct io_uring_cqe cqe;
	long long start = now_ms();

	prep_timeout(&self->r, &ts, 0, 0, 1);
	ASSERT_EQ(1, ring_submit(&self->r, 1));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(1, cqe.user_data);
	EXPECT_EQ(-ETIME, cqe.res);
	EXPECT_LE(190, now_ms() - start);
	EXPECT_GT(5000, now_ms() - start);
}

/* IORING_TIMEOUT_ABS: an absolute CLOCK_MONOTONIC time, here in the past. */
TEST_F(timeout, absolute_time)
{
	struct __kernel_timespec ts;
	struct io_uring_cqe cqe;
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	ts.tv_sec = t.tv_sec;
	ts.tv_nsec = t.tv_nsec;
	prep_timeout(&self->r, &ts, 0, IORING_TIMEOUT_ABS, 2);
	ASSERT_EQ(1, ring_submit(&self->r, 1));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(-ETIME, cqe.res);

	ts.tv_sec = t.tv_sec + 1;
	prep_timeout(&self->r, &ts, 0, IORING_TIMEOUT_ABS, 3);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	usleep(200 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(3, cqe.user_data);
	EXPECT_EQ(-ETIME, cqe.res);
}

/* With a count, other completions end it early, with 0. */
TEST_F(timeout, count_of_completions)
{
	struct __kernel_timespec ts = { .tv_sec = 10 };
	struct io_uring_cqe cqe;
	int i, seen = 0;

	prep_timeout(&self->r, &ts, 3, 0, 1);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	prep_nop(&self->r, 2);
	prep_nop(&self->r, 3);
	ASSERT_EQ(2, ring_submit(&self->r, 2));
	usleep(50 * 1000);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(1, ring_peek_cqe(&self->r, &cqe));
		EXPECT_NE(1, cqe.user_data);
	}
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	prep_nop(&self->r, 4);
	ASSERT_EQ(1, ring_submit(&self->r, 2));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		if (cqe.user_data == 1) {
			EXPECT_EQ(0, cqe.res);
			seen = 1;
		}
	}
	EXPECT_TRUE(seen);
}

/*
 * The count starts at the TIMEOUT: completions of requests submitted before
 * it, in the same io_uring_enter(), are not among them, even though their
 * CQEs are posted together at the end of the submission.
 */
TEST_F(timeout, count_starts_after_earlier_sqes_of_the_batch)
{
	struct __kernel_timespec ts = { .tv_sec = 10 };
	struct io_uring_cqe cqe;
	int i;

	prep_nop(&self->r, 1);
	prep_nop(&self->r, 2);
	prep_timeout(&self->r, &ts, 2, 0, 3);
	prep_nop(&self->r, 4);
	ASSERT_EQ(4, ring_submit(&self->r, 3));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(1, ring_peek_cqe(&self->r, &cqe));
		EXPECT_NE(3, cqe.user_data);
	}
	usleep(50 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	prep_nop(&self->r, 5);
	ASSERT_EQ(1, ring_submit(&self->r, 2));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(5, cqe.user_data);
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(3, cqe.user_data);
	EXPECT_EQ(0, cqe.res);
}

/*
 * A timeout's CQE comes right after the CQE it counted to, even when the
 * CQEs around it were posted together at the end of one submission.
 */
TEST_F(timeout, ends_right_after_the_cqe_it_counted_to)
{
	struct __kernel_timespec ts = { .tv_sec = 10 };
	struct io_uring_cqe cqe;
	__u64 want[3] = { 2, 1, 3 };
	int i;

	prep_timeout(&self->r, &ts, 1, 0, 1);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	prep_nop(&self->r, 2);
	prep_nop(&self->r, 3);
	ASSERT_EQ(2, ring_submit(&self->r, 3));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(1, ring_peek_cqe(&self->r, &cqe));
		EXPECT_EQ(want[i], cqe.user_data);
		EXPECT_EQ(0, cqe.res);
	}
}

/* Two timeouts do not count each other. */
/*
 * The count is how many completions away the timeout ends: UINT_MAX is
 * as far as it goes, not a count that wrapped and is reached at once.
 * Two timeouts of count 1 both end on the first NOP after them.
 */
TEST_F(timeout, count_of_uint_max_is_far_away)
{
	struct __kernel_timespec ts = { .tv_nsec = 100 * 1000 * 1000 };
	struct __kernel_timespec long_ts = { .tv_sec = 10 };
	struct io_uring_cqe cqe;
	int i;

	prep_timeout(&self->r, &ts, 0xffffffffULL, 0, 1);
	prep_timeout(&self->r, &long_ts, 1, 0, 2);
	prep_timeout(&self->r, &long_ts, 1, 0, 3);
	prep_nop(&self->r, 4);
	ASSERT_EQ(4, ring_submit(&self->r, 3));
	/* the NOP, then the two counted timeouts */
	ASSERT_EQ(1, ring_peek_cqe(&self->r, &cqe));
	EXPECT_EQ(4, cqe.user_data);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(1, ring_peek_cqe(&self->r, &cqe));
		EXPECT_TRUE(cqe.user_data == 2 || cqe.user_data == 3);
		EXPECT_EQ(0, cqe.res);
	}
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(1, cqe.user_data);
	EXPECT_EQ(-ETIME, cqe.res);
}

TEST_F(timeout, timeouts_do_not_count_timeouts)
{
	struct __kernel_timespec fast = { .tv_nsec = 10 * 1000 * 1000 };
	struct __kernel_timespec slow = { .tv_sec = 1 };

	prep_timeout(&self->r, &slow, 1, 0, 1);
	prep_timeout(&self->r, &fast, 0, 0, 2);
	ASSERT_EQ(2, ring_submit(&self->r, 0));
	expect_next_cqe(_metadata, &self->r, 2, -ETIME);
	expect_next_cqe(_metadata, &self->r, 1, -ETIME);
}

TEST_F(timeout, remove)
{
	struct __kernel_timespec ts = { .tv_sec = 10 };
	struct io_uring_cqe cqe;
	int i, got = 0;

	prep_timeout(&self->r, &ts, 0, 0, 1);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	prep_remove(&self->r, 1, 2);
	ASSERT_EQ(1, ring_submit(&self->r, 2));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		got |= 1 << cqe.user_data;
		EXPECT_EQ(cqe.user_data == 1 ? -ECANCELED : 0, cqe.res);
	}
	EXPECT_EQ(6, got);
	/* gone now */
	prep_remove(&self->r, 1, 3);
	ASSERT_EQ(1, ring_submit(&self->r, 1));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(-ENOENT, cqe.res);
}

TEST_F(timeout, bad_inputs)
{
	struct __kernel_timespec ts = { .tv_sec = 1 };
	struct __kernel_timespec neg = { .tv_sec = -1 };
	struct __kernel_timespec nsec = { .tv_nsec = 1000 * 1000 * 1000 };
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	int i;

	prep_timeout(&self->r, (void *)8, 0, 0, 1);			/* unmapped */
	prep_timeout(&self->r, &neg, 0, 0, 2);
	prep_timeout(&self->r, &nsec, 0, 0, 3);
	prep_timeout(&self->r, &ts, 0, 1u << 6, 4);			/* flags */
	prep_timeout(&self->r, &ts, 0, 0, 5)->len = 2;
	prep_timeout(&self->r, &ts, 0, 0, 6)->ioprio = 1;
	prep_timeout(&self->r, &ts, 1ULL << 32, 0, 7);			/* count */
	sqe = prep_remove(&self->r, 1, 8);
	sqe->len = 1;
	prep_remove(&self->r, 1, 9)->timeout_flags = IORING_TIMEOUT_ABS;
	prep_timeout(&self->r, &ts, 0, IORING_TIMEOUT_CLOCK_MASK, 10);	/* two clocks */
	prep_remove(&self->r, 1, 11)->off = 1;
	ASSERT_EQ(11, ring_submit(&self->r, 11));
	for (i = 0; i < 11; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		EXPECT_EQ(cqe.user_data == 1 ? -EFAULT : -EINVAL, cqe.res)
			TH_LOG("user_data %llu", (unsigned long long)cqe.user_data);
	}
}

/* A timeout linked before a NOP: its -ETIME is an error, the NOP is cancelled. */
TEST_F(timeout, linked_timer_expiry_cancels_the_next)
{
	struct __kernel_timespec ts = { .tv_nsec = 10 * 1000 * 1000 };

	prep_timeout(&self->r, &ts, 0, 0, 1)->flags = IOSQE_IO_LINK;
	prep_nop(&self->r, 2);
	ASSERT_EQ(2, ring_submit(&self->r, 2));
	expect_next_cqe(_metadata, &self->r, 1, -ETIME);
	expect_next_cqe(_metadata, &self->r, 2, -ECANCELED);
}

/* IORING_TIMEOUT_ETIME_SUCCESS: the timer delays the NOP, which then runs. */
TEST_F(timeout, linked_timer_etime_success_delays_the_next)
{
	struct __kernel_timespec ts = { .tv_nsec = 100 * 1000 * 1000 };
	long long start = now_ms();

	prep_timeout(&self->r, &ts, 0, IORING_TIMEOUT_ETIME_SUCCESS, 1)->flags = IOSQE_IO_LINK;
	prep_nop(&self->r, 2);
	ASSERT_EQ(2, ring_submit(&self->r, 2));
	expect_next_cqe(_metadata, &self->r, 1, -ETIME);
	expect_next_cqe(_metadata, &self->r, 2, 0);
	EXPECT_LE(90, now_ms() - start);
}

static long long clock_ms(clockid_t clock)
{
	struct timespec t;

	clock_gettime(clock, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static void ms_to_ts(long long ms, struct __kernel_timespec *ts)
{
	ts->tv_sec = ms / 1000;
	ts->tv_nsec = ms % 1000 * 1000000;
}

/*
 * IORING_TIMEOUT_BOOTTIME and IORING_TIMEOUT_REALTIME: absolute times on
 * those clocks, which differ from CLOCK_MONOTONIC's; and relative ones.
 */
TEST_F(timeout, boottime_and_realtime_clocks)
{
	static const struct {
		__u32 flag;
		clockid_t clock;
	} clocks[] = {
		{ IORING_TIMEOUT_BOOTTIME, CLOCK_BOOTTIME },
		{ IORING_TIMEOUT_REALTIME, CLOCK_REALTIME },
	};
	struct __kernel_timespec ts;
	struct io_uring_cqe cqe;
	long long start;
	int i;

	for (i = 0; i < 2; i++) {
		start = now_ms();
		ms_to_ts(clock_ms(clocks[i].clock) + 100, &ts);
		prep_timeout(&self->r, &ts, 0, clocks[i].flag | IORING_TIMEOUT_ABS, 1);
		ASSERT_EQ(1, ring_submit(&self->r, 1));
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		EXPECT_EQ(-ETIME, cqe.res);
		EXPECT_LE(90, now_ms() - start) TH_LOG("clock %d", clocks[i].clock);
		EXPECT_GT(5000, now_ms() - start) TH_LOG("clock %d", clocks[i].clock);

		start = now_ms();
		ms_to_ts(50, &ts);
		prep_timeout(&self->r, &ts, 0, clocks[i].flag, 2);
		ASSERT_EQ(1, ring_submit(&self->r, 1));
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		EXPECT_EQ(-ETIME, cqe.res);
		EXPECT_LE(45, now_ms() - start) TH_LOG("clock %d", clocks[i].clock);
	}
}

/* IORING_TIMEOUT_UPDATE: a 100 s timeout made a 50 ms one, then an absolute one. */
TEST_F(timeout, update_gives_a_new_time)
{
	struct __kernel_timespec ts = { .tv_sec = 100 };
	struct __kernel_timespec upd;
	struct io_uring_cqe cqe;
	long long start;
	int i, abs;

	for (abs = 0; abs < 2; abs++) {
		start = now_ms();
		ms_to_ts(abs ? clock_ms(CLOCK_MONOTONIC) + 50 : 50, &upd);
		prep_timeout(&self->r, &ts, 0, 0, 1);
		prep_update(&self->r, 1, &upd, IORING_TIMEOUT_UPDATE |
			    (abs ? IORING_TIMEOUT_ABS : 0), 2);
		ASSERT_EQ(2, ring_submit(&self->r, 2));
		for (i = 0; i < 2; i++) {
			ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
			EXPECT_EQ(cqe.user_data == 1 ? -ETIME : 0, cqe.res)
				TH_LOG("user_data %llu", (unsigned long long)cqe.user_data);
		}
		EXPECT_LE(45, now_ms() - start);
		EXPECT_GT(5000, now_ms() - start);
	}
}

/*
 * An update that waits behind a READ in a chain took its time at
 * submission: the timespec it named is not valid any more when it runs.
 */
TEST_F(timeout, update_reads_its_time_at_submission)
{
	struct __kernel_timespec ts = { .tv_sec = 100 };
	struct __kernel_timespec upd = { .tv_nsec = 50 * 1000 * 1000 };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char buf[8];
	int fds[2], i;

	ASSERT_EQ(0, pipe(fds));
	prep_timeout(&self->r, &ts, 0, 0, 1);
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READ, fds[0], buf, 1, 0);	/* a short read breaks a chain */
	sqe->flags = IOSQE_IO_LINK;
	sqe->user_data = 2;
	prep_update(&self->r, 1, &upd, IORING_TIMEOUT_UPDATE, 3);
	ASSERT_EQ(3, ring_submit(&self->r, 0));
	upd.tv_sec = -1;
	ASSERT_EQ(1, write(fds[1], "x", 1));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		EXPECT_EQ(cqe.user_data == 1 ? -ETIME : cqe.user_data == 2 ? 1 : 0, cqe.res)
			TH_LOG("user_data %llu", (unsigned long long)cqe.user_data);
	}
	close(fds[0]);
	close(fds[1]);
}

/* After an update, only the time ends a TIMEOUT: its count is gone, as on 6.1. */
TEST_F(timeout, update_drops_the_count)
{
	struct __kernel_timespec ts = { .tv_sec = 100 };
	struct __kernel_timespec upd = { .tv_nsec = 200 * 1000 * 1000 };
	struct io_uring_cqe cqe;
	long long start = now_ms();
	int i;

	prep_timeout(&self->r, &ts, 2, 0, 1);
	prep_update(&self->r, 1, &upd, IORING_TIMEOUT_UPDATE, 2);
	ASSERT_EQ(2, ring_submit(&self->r, 1));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(2, cqe.user_data);
	EXPECT_EQ(0, cqe.res);
	prep_nop(&self->r, 3);
	prep_nop(&self->r, 4);
	ASSERT_EQ(2, ring_submit(&self->r, 0));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		EXPECT_EQ(cqe.user_data == 1 ? -ETIME : 0, cqe.res)
			TH_LOG("user_data %llu", (unsigned long long)cqe.user_data);
	}
	EXPECT_LE(190, now_ms() - start);
}

/* Updates of no timeout, with bad flags or a bad timespec. */
TEST_F(timeout, update_bad_inputs)
{
	struct __kernel_timespec ts = { .tv_sec = 100 };
	struct __kernel_timespec neg = { .tv_sec = -1 };
	static const int want[] = { 0, -ENOENT, -ENOENT, -EINVAL, -EINVAL, -EFAULT, -EINVAL };
	struct io_uring_cqe cqe;
	int i;

	prep_update(&self->r, 42, &ts, IORING_TIMEOUT_UPDATE, 1);
	prep_update(&self->r, 42, &ts, IORING_LINK_TIMEOUT_UPDATE, 2);
	prep_update(&self->r, 42, &ts, IORING_TIMEOUT_UPDATE | IORING_TIMEOUT_BOOTTIME, 3);
	prep_update(&self->r, 42, &ts, ~0u, 4);
	prep_update(&self->r, 42, (void *)8, IORING_TIMEOUT_UPDATE, 5);
	prep_update(&self->r, 42, &neg, IORING_TIMEOUT_UPDATE, 6);
	ASSERT_EQ(6, ring_submit(&self->r, 6));
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		ASSERT_GT(7, cqe.user_data);
		EXPECT_EQ(want[cqe.user_data], cqe.res)
			TH_LOG("user_data %llu", (unsigned long long)cqe.user_data);
	}
}

/*
 * IORING_LINK_TIMEOUT_UPDATE: a READ of an empty pipe limited to 100 s,
 * then to 50 ms: it is cancelled then.  A plain update does not find a
 * LINK_TIMEOUT, nor a link update a TIMEOUT.
 */
TEST_F(timeout, link_timeout_update)
{
	struct __kernel_timespec ts = { .tv_sec = 100 };
	struct __kernel_timespec upd = { .tv_nsec = 50 * 1000 * 1000 };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	long long start = now_ms();
	char buf[8];
	int fds[2], i;

	ASSERT_EQ(0, pipe(fds));
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READ, fds[0], buf, sizeof(buf), 0);
	sqe->flags = IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = prep_timeout(&self->r, &ts, 0, 0, 2);
	sqe->opcode = IORING_OP_LINK_TIMEOUT;
	prep_timeout(&self->r, &ts, 0, 0, 3);
	ASSERT_EQ(3, ring_submit(&self->r, 0));

	prep_update(&self->r, 2, &upd, IORING_TIMEOUT_UPDATE, 4);
	prep_update(&self->r, 3, &upd, IORING_LINK_TIMEOUT_UPDATE, 5);
	ASSERT_EQ(2, ring_submit(&self->r, 2));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		EXPECT_EQ(-ENOENT, cqe.res);
	}

	prep_update(&self->r, 2, &upd, IORING_LINK_TIMEOUT_UPDATE, 6);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		switch (cqe.user_data) {
		case 1:
			EXPECT_EQ(-ECANCELED, cqe.res);
			break;
		case 2:
			EXPECT_EQ(-ETIME, cqe.res);
			break;
		default:
			EXPECT_EQ(6, cqe.user_data);
			EXPECT_EQ(0, cqe.res);
		}
	}
	EXPECT_LE(45, now_ms() - start);
	EXPECT_GT(5000, now_ms() - start);
	close(fds[0]);
	close(fds[1]);
}

/* Closing the ring ends armed timeouts; many rings, nothing left behind. */
TEST(close_with_timeouts_armed)
{
	struct __kernel_timespec ts = { .tv_sec = 100 };
	struct __kernel_timespec soon = { .tv_nsec = 1000 };
	struct ring r;
	int i, j;

	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, ring_init(&r, 8, 0));
		for (j = 0; j < 4; j++)
			prep_timeout(&r, j % 2 ? &ts : &soon, j, 0, j);
		ASSERT_EQ(4, ring_submit(&r, 0));
		ring_exit(&r);
	}
}

/*
 * Armed timeouts are not capped at the CQ size (6.1 takes them all): the
 * ninth on a ring whose CQ holds eight is armed like the others.
 */
TEST(timeouts_past_the_cq_size_are_armed)
{
	struct __kernel_timespec ts = { .tv_sec = 100 };
	struct io_uring_cqe cqe;
	struct ring r;
	int i;

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	ASSERT_EQ(8, r.p.cq_entries);
	for (i = 0; i < 12; i += 4) {
		int j;

		for (j = 0; j < 4; j++)
			prep_timeout(&r, &ts, 0, 0, i + j);
		ASSERT_EQ(4, ring_submit(&r, 0));
	}
	usleep(20 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&r, &cqe));
	/* each is there to be removed */
	for (i = 0; i < 12; i++) {
		int j;

		prep_remove(&r, i, 1000 + i);
		ASSERT_EQ(1, ring_submit(&r, 0));
		for (j = 0; j < 2; j++) {
			ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
			EXPECT_EQ(cqe.user_data == i ? -ECANCELED : 0, cqe.res);
		}
	}
	EXPECT_EQ(0, *r.cq_overflow);
	ring_exit(&r);
}

/*
 * READ of a pipe, linked to a very long TIMEOUT; the ring is closed, then
 * the pipe written.  Nothing may run on a closed ring: the read ended with
 * the close (the byte stays in the pipe), so the timeout is never armed
 * (it would keep the ring for 2^40 s).
 */
TEST(chained_timeout_after_close_is_not_armed)
{
	struct __kernel_timespec ts = { .tv_sec = 1LL << 40 };
	char buf[4];
	int i;

	for (i = 0; i < 20; i++) {
		struct io_uring_sqe *sqe;
		struct ring r;
		int p[2];

		ASSERT_EQ(0, ring_init(&r, 8, 0));
		ASSERT_EQ(0, pipe(p));
		sqe = ring_get_sqe(&r);
		prep_rw(sqe, IORING_OP_READ, p[0], buf, 1, 0);
		sqe->flags = IOSQE_IO_LINK;
		sqe->user_data = 1;
		prep_timeout(&r, &ts, 0, 0, 2);
		ASSERT_EQ(2, ring_submit(&r, 0));
		usleep(20 * 1000);
		ring_exit(&r);
		usleep(20 * 1000);
		ASSERT_EQ(1, write(p[1], "x", 1));
		usleep(20 * 1000);
		/* without blocking: an empty pipe says -EAGAIN */
		ASSERT_EQ(0, fcntl(p[0], F_SETFL, O_NONBLOCK));
		EXPECT_EQ(1, read(p[0], buf, 1)) TH_LOG("round %d: the read ran after close", i);
		close(p[0]);
		close(p[1]);
	}
}

/* ---- IORING_ENTER_EXT_ARG: waiting with a time limit ------------------ */

static int wait_ext(struct ring *r, unsigned int min, struct io_uring_getevents_arg *arg,
		    size_t size)
{
	int ret = sys_enter(r->fd, 0, min, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG,
			    arg, size);

	return ret < 0 ? -errno : ret;
}

/* Nothing comes: the wait ends with -ETIME when its time is up. */
TEST_F(timeout, ext_arg_wait_times_out)
{
	struct __kernel_timespec ts = { .tv_nsec = 200 * 1000 * 1000 };
	struct io_uring_getevents_arg arg = { .ts = (unsigned long)&ts };
	long long start = now_ms();

	ASSERT_TRUE(self->r.p.features & IORING_FEAT_EXT_ARG);
	EXPECT_EQ(-ETIME, wait_ext(&self->r, 1, &arg, sizeof(arg)));
	EXPECT_LE(190, now_ms() - start);
	EXPECT_GT(5000, now_ms() - start);
	/* no time limit: a plain wait, which a CQE ends */
	arg.ts = 0;
	prep_nop(&self->r, 1);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	EXPECT_EQ(0, wait_ext(&self->r, 1, &arg, sizeof(arg)));
}

/*
 * CQEs are there, fewer than asked for: the time runs out, and the wait
 * returns 0 all the same (6.1's rule: there is something to reap).
 */
TEST_F(timeout, ext_arg_short_wait_with_cqes_returns_0)
{
	struct __kernel_timespec ts = { .tv_nsec = 50 * 1000 * 1000 };
	struct io_uring_getevents_arg arg = { .ts = (unsigned long)&ts };
	struct io_uring_cqe cqe;

	prep_nop(&self->r, 1);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	EXPECT_EQ(0, wait_ext(&self->r, 4, &arg, sizeof(arg)));
	EXPECT_EQ(1, ring_peek_cqe(&self->r, &cqe));
	EXPECT_EQ(1, cqe.user_data);
}

/* A time limit below zero is up already: -ETIME at once, as on 6.1. */
TEST_F(timeout, ext_arg_negative_time_is_up_at_once)
{
	struct __kernel_timespec ts = { .tv_sec = -1 };
	struct io_uring_getevents_arg arg = { .ts = (unsigned long)&ts };
	long long start = now_ms();

	EXPECT_EQ(-ETIME, wait_ext(&self->r, 1, &arg, sizeof(arg)));
	ts.tv_sec = 0;
	ts.tv_nsec = -1;
	EXPECT_EQ(-ETIME, wait_ext(&self->r, 1, &arg, sizeof(arg)));
	EXPECT_GT(5000, now_ms() - start);
}

TEST_F(timeout, ext_arg_bad_inputs)
{
	struct __kernel_timespec ts = { .tv_nsec = 1000 };
	struct io_uring_getevents_arg arg = { .ts = (unsigned long)&ts };

	EXPECT_EQ(-EINVAL, wait_ext(&self->r, 1, &arg, sizeof(arg) - 1));
	EXPECT_EQ(-EINVAL, wait_ext(&self->r, 1, &arg, sizeof(arg) + 8));
	EXPECT_EQ(-EFAULT, wait_ext(&self->r, 1, (void *)8, sizeof(arg)));
	arg.pad = 1;
	EXPECT_EQ(-EINVAL, wait_ext(&self->r, 1, &arg, sizeof(arg)));
	arg.pad = 0;
	arg.ts = 8;
	EXPECT_EQ(-EFAULT, wait_ext(&self->r, 1, &arg, sizeof(arg)));
	/* a signal mask of the wrong size */
	arg.ts = (unsigned long)&ts;
	arg.sigmask = (unsigned long)&ts;
	arg.sigmask_sz = 3;
	EXPECT_EQ(-EINVAL, wait_ext(&self->r, 1, &arg, sizeof(arg)));
}

TEST_HARNESS_MAIN
