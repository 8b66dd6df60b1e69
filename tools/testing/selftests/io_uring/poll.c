// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_POLL_ADD (one-shot, completes with the ready mask; or
 * multishot) and IORING_OP_POLL_REMOVE (cancels or updates by user_data)
 * on pipes, eventfd and sockets, including wakeups racing with removal
 * and with teardown.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <sys/socket.h>

#include "../kselftest_harness.h"
#include "ring.h"

static void prep_poll(struct ring *r, int fd, unsigned int events, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_POLL_ADD;
	sqe->fd = fd;
	sqe->poll32_events = events;
	sqe->user_data = data;
}

static void prep_poll_multishot(struct ring *r, int fd, unsigned int events, __u64 data)
{
	prep_poll(r, fd, events, data);
	r->sqes[(r->sqe_tail - 1) & *r->sq_mask].len = IORING_POLL_ADD_MULTI;
}

static void prep_poll_remove(struct ring *r, __u64 target, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_POLL_REMOVE;
	sqe->fd = -1;
	sqe->addr = target;
	sqe->user_data = data;
}

FIXTURE(poll) {
	struct ring r;
};

FIXTURE_SETUP(poll)
{
	ASSERT_EQ(0, ring_init(&self->r, 16, 0));
}

FIXTURE_TEARDOWN(poll)
{
	ring_exit(&self->r);
}

TEST_F(poll, pipe_becomes_readable)
{
	struct io_uring_cqe cqe = { 0 };
	int p[2];

	ASSERT_EQ(0, pipe(p));
	prep_poll(&self->r, p[0], POLLIN, 1);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	usleep(50 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	ASSERT_EQ(1, write(p[1], "x", 1));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(1, cqe.user_data);
	EXPECT_TRUE(cqe.res & POLLIN);
	/* one-shot: nothing more comes */
	ASSERT_EQ(1, write(p[1], "x", 1));
	usleep(50 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	close(p[0]);
	close(p[1]);
}

TEST_F(poll, ready_at_once)
{
	struct io_uring_cqe cqe = { 0 };
	int p[2];

	ASSERT_EQ(0, pipe(p));
	prep_poll(&self->r, p[1], POLLOUT, 2);
	ASSERT_EQ(1, ring_submit(&self->r, 1));
	ASSERT_EQ(1, ring_peek_cqe(&self->r, &cqe));
	EXPECT_EQ(POLLOUT, cqe.res & (POLLOUT | POLLIN));
	close(p[0]);
	close(p[1]);
}

/* How many CQEs come within 50 ms; their res in @res. */
static int cqes_within_50ms(struct ring *r, int *res)
{
	struct io_uring_cqe cqe;
	int n = 0;

	usleep(50 * 1000);
	while (ring_peek_cqe(r, &cqe))
		res[n++ & 3] = cqe.res;
	return n;
}

/*
 * IORING_FEAT_POLL_32BITS: EPOLLEXCLUSIVE in the upper bits makes the
 * polls exclusive waiters, as epoll's: a wakeup for one waiter completes
 * one of them.  Without it each completes.
 */
TEST_F(poll, exclusive_polls_take_one_wakeup)
{
	int p[2], q[2], i, res[4];

	ASSERT_EQ(0, pipe(p));
	for (i = 0; i < 3; i++)
		prep_poll(&self->r, p[0], POLLIN | EPOLLEXCLUSIVE, 10 + i);
	ASSERT_EQ(3, ring_submit(&self->r, 0));
	ASSERT_EQ(1, write(p[1], "x", 1));
	EXPECT_EQ(1, cqes_within_50ms(&self->r, res));
	EXPECT_EQ(POLLIN, res[0]);

	/* the same, without EPOLLEXCLUSIVE: all of them */
	ASSERT_EQ(0, pipe(q));
	for (i = 0; i < 3; i++)
		prep_poll(&self->r, q[0], POLLIN, 20 + i);
	ASSERT_EQ(3, ring_submit(&self->r, 0));
	ASSERT_EQ(1, write(q[1], "x", 1));
	EXPECT_EQ(3, cqes_within_50ms(&self->r, res));
	close(q[0]);
	close(q[1]);
	close(p[0]);
	close(p[1]);
}

TEST_F(poll, eventfd_and_socket)
{
	struct io_uring_cqe cqe = { 0 };
	uint64_t one = 1;
	int efd, sv[2], i, seen = 0;

	efd = eventfd(0, 0);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	prep_poll(&self->r, efd, POLLIN, 10);
	prep_poll(&self->r, sv[1], POLLIN, 11);
	ASSERT_EQ(2, ring_submit(&self->r, 0));
	ASSERT_EQ(8, write(efd, &one, 8));
	ASSERT_EQ(1, send(sv[0], "y", 1, 0));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		EXPECT_TRUE(cqe.res & POLLIN);
		seen |= 1 << (cqe.user_data - 10);
	}
	EXPECT_EQ(3, seen);
	/* a hang-up is always reported */
	prep_poll(&self->r, sv[1], POLLIN, 12);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_TRUE(cqe.res & POLLIN);
	close(sv[0]);
	close(sv[1]);
	close(efd);
}

TEST_F(poll, remove_cancels)
{
	struct io_uring_cqe cqe = { 0 };
	int p[2], i, got_poll = 0, got_remove = 0;

	ASSERT_EQ(0, pipe(p));
	prep_poll(&self->r, p[0], POLLIN, 0xabc);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	prep_poll_remove(&self->r, 0xabc, 0xdef);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		if (cqe.user_data == 0xabc) {
			EXPECT_EQ(-ECANCELED, cqe.res);
			got_poll++;
		} else {
			EXPECT_EQ(0xdef, cqe.user_data);
			EXPECT_EQ(0, cqe.res);
			got_remove++;
		}
	}
	EXPECT_EQ(1, got_poll);
	EXPECT_EQ(1, got_remove);
	/* nothing left to remove */
	prep_poll_remove(&self->r, 0xabc, 0x123);
	EXPECT_EQ(-ENOENT, ring_run_one(&self->r, 0x123));
	close(p[0]);
	close(p[1]);
}

static void prep_poll_update(struct ring *r, __u64 target, __u64 new_data,
			     unsigned int events, unsigned int flags, __u64 data)
{
	prep_poll_remove(r, target, data);
	r->sqes[(r->sqe_tail - 1) & *r->sq_mask].len = flags;
	r->sqes[(r->sqe_tail - 1) & *r->sq_mask].off = new_data;
	r->sqes[(r->sqe_tail - 1) & *r->sq_mask].poll32_events = events;
}

/* Wait for the CQE of @data (others are not expected); its res and flags. */
static int wait_for(struct ring *r, __u64 data, __u32 *flags)
{
	struct io_uring_cqe cqe = { 0 };

	if (ring_wait_cqe(r, &cqe))
		return -ETIMEDOUT;
	if (cqe.user_data != data)
		return -1000 - (int)cqe.user_data;
	*flags = cqe.flags;
	return cqe.res;
}

/*
 * POLL_REMOVE of multishot poll @target: the removal's CQE (0) and the
 * poll's last (-ECANCELED, no IORING_CQE_F_MORE), in either order, after
 * any events it still had to post.  0, or what went wrong.
 */
static int remove_multishot(struct ring *r, __u64 target, __u64 data)
{
	struct io_uring_cqe cqe = { 0 };
	int removed = 0, ended = 0;

	prep_poll_remove(r, target, data);
	if (ring_submit(r, 0) != 1)
		return -1;
	while (!removed || !ended) {
		if (ring_wait_cqe(r, &cqe))
			return -2;
		if (cqe.user_data == data && !removed && cqe.res == 0)
			removed = 1;
		else if (cqe.user_data != target || ended)
			return -3;
		else if (!(cqe.flags & IORING_CQE_F_MORE))
			ended = cqe.res == -ECANCELED ? 1 : -4;
		if (ended < 0)
			return ended;
	}
	return 0;
}

/*
 * IORING_POLL_ADD_MULTI: a CQE with IORING_CQE_F_MORE each time the pipe
 * becomes readable, until POLL_REMOVE ends it with -ECANCELED and no
 * IORING_CQE_F_MORE.
 */
TEST_F(poll, multishot_posts_each_event)
{
	struct io_uring_cqe cqe = { 0 };
	__u32 flags = 0;
	int p[2], i, res;
	char c;

	ASSERT_EQ(0, pipe(p));
	prep_poll_multishot(&self->r, p[0], POLLIN, 7);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(1, write(p[1], "x", 1));
		res = wait_for(&self->r, 7, &flags);
		EXPECT_EQ(POLLIN, res & POLLIN) TH_LOG("event %d: res %d", i, res);
		EXPECT_EQ(IORING_CQE_F_MORE, flags & IORING_CQE_F_MORE);
		ASSERT_EQ(1, read(p[0], &c, 1));
	}
	/* nothing new: nothing posted */
	usleep(50 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	EXPECT_EQ(0, remove_multishot(&self->r, 7, 8));
	close(p[0]);
	close(p[1]);
}

/*
 * A multishot poll's last CQE is what says it ended: it cannot be skipped
 * (IOSQE_CQE_SKIP_SUCCESS is -EINVAL with it, as on 6.1).
 */
TEST_F(poll, multishot_refuses_cqe_skip)
{
	int p[2];

	ASSERT_EQ(0, pipe(p));
	prep_poll_multishot(&self->r, p[0], POLLIN, 9);
	self->r.sqes[(self->r.sqe_tail - 1) & *self->r.sq_mask].flags = IOSQE_CQE_SKIP_SUCCESS;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 9));
	close(p[0]);
	close(p[1]);
}

/* A multishot poll of a file ready already posts that, and stays armed. */
TEST_F(poll, multishot_ready_at_arming)
{
	__u32 flags = 0;
	int p[2];

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(1, write(p[1], "x", 1));
	prep_poll_multishot(&self->r, p[0], POLLIN, 7);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	EXPECT_EQ(POLLIN, wait_for(&self->r, 7, &flags) & POLLIN);
	EXPECT_EQ(IORING_CQE_F_MORE, flags);
	/* the writer goes: a hang-up is reported too, and it stays armed */
	close(p[1]);
	EXPECT_EQ(POLLHUP, wait_for(&self->r, 7, &flags) & POLLHUP);
	EXPECT_EQ(IORING_CQE_F_MORE, flags);
	close(p[0]);
	/* an armed poll holds its file: removal ends it */
	EXPECT_EQ(0, remove_multishot(&self->r, 7, 8));
}

/*
 * Reap all that @r holds, the backlog too: how many CQEs of @data there
 * were (up to @max), their flags in @flags.
 */
static int reap_all(struct ring *r, __u64 data, __u32 *flags, int max)
{
	struct io_uring_cqe cqe = { 0 };
	int n = 0;

	usleep(20 * 1000);
	for (;;) {
		if (!ring_peek_cqe(r, &cqe)) {
			/* the ring is empty: what waits in the backlog moves in */
			sys_enter(r->fd, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0);
			if (!ring_peek_cqe(r, &cqe))
				return n;
		}
		if (cqe.user_data == data && n < max)
			flags[n++] = cqe.flags;
	}
}

/*
 * A CQ ring with no room ends a multishot poll, as on 6.1: the event that
 * found no room is its last CQE (kept until the application makes room),
 * rather than CQEs piling up for an application that is not reaping.
 * The application polls again once it has caught up.
 */
TEST(multishot_poll_ends_when_the_cq_ring_is_full)
{
	__u32 flags[8];
	struct ring r;
	int p[2], i, n;

	ASSERT_EQ(0, ring_init(&r, 2, 0));
	ASSERT_EQ(4, r.p.cq_entries);
	ASSERT_EQ(0, pipe(p));
	prep_poll_multishot(&r, p[0], POLLIN, 7);
	ASSERT_EQ(1, ring_submit(&r, 0));
	/* a polled pipe wakes its readers at each write, empty or not */
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(1, write(p[1], "x", 1));
		usleep(10 * 1000);
	}
	n = reap_all(&r, 7, flags, 8);
	ASSERT_EQ(5, n);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(IORING_CQE_F_MORE, flags[i]) TH_LOG("CQE %d", i);
	EXPECT_EQ(0, flags[4]);
	/* it is gone: more data posts nothing */
	ASSERT_EQ(1, write(p[1], "x", 1));
	EXPECT_EQ(0, reap_all(&r, 7, flags, 8));
	ring_exit(&r);
	close(p[0]);
	close(p[1]);
}

/* The same when it is armed on a ready file with the CQ ring full. */
TEST(multishot_poll_armed_ready_on_a_full_cq_ring_ends)
{
	struct io_uring_sqe *sqe;
	__u32 flags[8];
	struct ring r;
	int p[2], i;

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	ASSERT_EQ(8, r.p.cq_entries);
	for (i = 0; i < 8; i++) {
		sqe = ring_get_sqe(&r);
		sqe->opcode = IORING_OP_NOP;
		sqe->user_data = 1;
		ASSERT_EQ(1, ring_submit(&r, 0));
	}
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(1, write(p[1], "x", 1));
	prep_poll_multishot(&r, p[0], POLLIN, 7);
	ASSERT_EQ(1, ring_submit(&r, 0));
	ASSERT_EQ(1, reap_all(&r, 7, flags, 8));
	EXPECT_EQ(0, flags[0]);
	ASSERT_EQ(1, write(p[1], "x", 1));
	EXPECT_EQ(0, reap_all(&r, 7, flags, 8));
	ring_exit(&r);
	close(p[0]);
	close(p[1]);
}

/*
 * A multishot poll's events do not count for IOSQE_IO_DRAIN: a drained
 * NOP waits for the poll's end, not for its first CQEs.  (What comes
 * after the NOP waits too: the ring's teardown ends both.)
 */
TEST_F(poll, multishot_events_do_not_end_a_drain)
{
	struct io_uring_cqe cqe = { 0 };
	struct io_uring_sqe *sqe;
	__u32 flags = 0;
	int p[2], i;
	char c;

	ASSERT_EQ(0, pipe(p));
	prep_poll_multishot(&self->r, p[0], POLLIN, 7);
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_NOP;
	sqe->flags = IOSQE_IO_DRAIN;
	sqe->user_data = 9;
	ASSERT_EQ(2, ring_submit(&self->r, 0));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(1, write(p[1], "x", 1));
		EXPECT_EQ(POLLIN, wait_for(&self->r, 7, &flags) & POLLIN);
		ASSERT_EQ(1, read(p[0], &c, 1));
	}
	usleep(50 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe)) TH_LOG("early: %llu", cqe.user_data);
	close(p[0]);
	close(p[1]);
}

/*
 * A poll update gives an armed poll new events, a new user_data or both,
 * and it waits on with them; a multishot poll stays multishot.
 */
TEST_F(poll, update_events_and_user_data)
{
	struct io_uring_cqe cqe = { 0 };
	__u32 flags = 0;
	int p[2], i;

	ASSERT_EQ(0, pipe(p));
	/* POLLPRI never comes on a pipe: updated to POLLIN and 21 */
	prep_poll(&self->r, p[0], POLLPRI, 20);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	prep_poll_update(&self->r, 20, 21, POLLIN,
			 IORING_POLL_UPDATE_EVENTS | IORING_POLL_UPDATE_USER_DATA, 30);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	EXPECT_EQ(0, wait_for(&self->r, 30, &flags));
	ASSERT_EQ(1, write(p[1], "x", 1));
	EXPECT_EQ(POLLIN, wait_for(&self->r, 21, &flags) & POLLIN);
	/* the old user_data is gone */
	prep_poll_update(&self->r, 20, 0, POLLIN, IORING_POLL_UPDATE_EVENTS, 31);
	EXPECT_EQ(-ENOENT, ring_run_one(&self->r, 31));

	/* multishot, user_data only; ready already, so it posts at once */
	prep_poll_multishot(&self->r, p[0], POLLIN, 22);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	EXPECT_EQ(POLLIN, wait_for(&self->r, 22, &flags) & POLLIN);
	prep_poll_update(&self->r, 22, 23, 0, IORING_POLL_UPDATE_USER_DATA, 32);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	/* the update's CQE, and the poll's new one, in either order */
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		if (cqe.user_data == 32) {
			EXPECT_EQ(0, cqe.res);
			continue;
		}
		EXPECT_EQ(23, cqe.user_data);
		EXPECT_EQ(POLLIN, cqe.res & POLLIN);
		EXPECT_EQ(IORING_CQE_F_MORE, cqe.flags);
	}
	EXPECT_EQ(0, remove_multishot(&self->r, 23, 33));
	close(p[0]);
	close(p[1]);
}

TEST_F(poll, bad_inputs)
{
	struct io_uring_sqe *sqe;

	prep_poll(&self->r, 9999, POLLIN, 1);
	EXPECT_EQ(-EBADF, ring_run_one(&self->r, 1));
	prep_poll(&self->r, 0, POLLIN, 2);
	self->r.sqes[(self->r.sqe_tail - 1) & *self->r.sq_mask].addr = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 2));
	prep_poll_remove(&self->r, 1, 3);
	sqe = &self->r.sqes[(self->r.sqe_tail - 1) & *self->r.sq_mask];
	sqe->len = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 3));
	/* 6.1 takes no IORING_POLL_ADD_LEVEL, nor unknown flags */
	prep_poll(&self->r, 0, POLLIN, 4);
	self->r.sqes[(self->r.sqe_tail - 1) & *self->r.sq_mask].len = IORING_POLL_ADD_LEVEL;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 4));
	prep_poll_update(&self->r, 1, 0, 0, 1 << 4, 5);
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 5));
	/* a new user_data or events the flags do not ask for */
	prep_poll_update(&self->r, 1, 2, 0, IORING_POLL_UPDATE_EVENTS, 6);
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 6));
	prep_poll_update(&self->r, 1, 0, POLLIN, IORING_POLL_UPDATE_USER_DATA, 7);
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 7));
	/* nothing armed with that user_data */
	prep_poll_update(&self->r, 1, 2, 0, IORING_POLL_UPDATE_USER_DATA, 8);
	EXPECT_EQ(-ENOENT, ring_run_one(&self->r, 8));
}

struct racer {
	int fd;
	int go;
};

static void *write_soon(void *arg)
{
	struct racer *r = arg;

	while (!__atomic_load_n(&r->go, __ATOMIC_ACQUIRE))
		;
	if (write(r->fd, "z", 1) != 1)
		return (void *)1;
	return NULL;
}

/*
 * Arm a poll (user_data 1) on a new pipe @p, one-shot or @multishot, and
 * submit its removal (user_data 2) while another thread writes to the
 * pipe.  0, or -1 if a step failed.  The caller closes the pipe.
 */
static int race_wakeup_and_removal(struct ring *r, int p[2], bool multishot)
{
	struct racer rc = { 0 };
	pthread_t th;
	int ret;

	if (pipe(p))
		return -1;
	if (multishot)
		prep_poll_multishot(r, p[0], POLLIN, 1);
	else
		prep_poll(r, p[0], POLLIN, 1);
	if (ring_submit(r, 0) != 1)
		return -1;
	rc.fd = p[1];
	if (pthread_create(&th, NULL, write_soon, &rc))
		return -1;
	prep_poll_remove(r, 1, 2);
	__atomic_store_n(&rc.go, 1, __ATOMIC_RELEASE);
	ret = ring_submit(r, 0);
	pthread_join(th, NULL);
	return ret == 1 ? 0 : -1;
}

/* A wakeup racing with removal: exactly one of them ends the poll. */
TEST_F(poll, wakeup_races_removal)
{
	int i;

	for (i = 0; i < 300; i++) {
		struct io_uring_cqe cqe = { 0 };
		int p[2], n, poll_res = 1, rm_res = 1;

		ASSERT_EQ(0, race_wakeup_and_removal(&self->r, p, false));
		for (n = 0; n < 2; n++) {
			ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
			if (cqe.user_data == 1)
				poll_res = cqe.res;
			else
				rm_res = cqe.res;
		}
		/*
		 * removed: -ECANCELED and 0; or woken first: the mask and
		 * -ENOENT.  Never 0 and the mask: a removal that found the
		 * poll while its wakeup was ending it promised -ECANCELED.
		 */
		if (rm_res == 0) {
			EXPECT_EQ(-ECANCELED, poll_res) TH_LOG("round %d", i);
		} else {
			EXPECT_EQ(-ENOENT, rm_res) TH_LOG("round %d: poll %d", i, poll_res);
			EXPECT_TRUE(poll_res & POLLIN);
		}
		EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
		close(p[0]);
		close(p[1]);
	}
}

/*
 * The same for a multishot poll, which a wakeup leaves armed: the removal
 * always finds it (0), its last CQE is -ECANCELED, and once the removal's
 * CQE is out no event of the poll (IORING_CQE_F_MORE) comes after it.
 */
TEST_F(poll, wakeup_races_multishot_removal)
{
	int i;

	for (i = 0; i < 300; i++) {
		struct io_uring_cqe cqe = { 0 };
		int p[2], rm_res = 1, last = 1, late = 0;

		ASSERT_EQ(0, race_wakeup_and_removal(&self->r, p, true));
		while (rm_res == 1 || last == 1) {
			ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
			if (cqe.user_data == 2)
				rm_res = cqe.res;
			else if (!(cqe.flags & IORING_CQE_F_MORE))
				last = cqe.res;
			else if (rm_res != 1)
				late++;
		}
		EXPECT_EQ(0, rm_res) TH_LOG("round %d", i);
		EXPECT_EQ(-ECANCELED, last) TH_LOG("round %d", i);
		EXPECT_EQ(0, late) TH_LOG("round %d: an event after the removal", i);
		EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
		close(p[0]);
		close(p[1]);
	}
}

/*
 * A CQE that goes to the backlog while the reader empties the ring and goes
 * to sleep: nothing else may ever be posted, so the waiter must move it in
 * itself.  A writer thread fills the 4 CQEs of the ring, tells this thread
 * to reap them, and completes a fifth poll meanwhile, a little later each
 * round, so that some rounds land in the moment the fifth CQE is added to
 * the backlog.
 */
struct backlog_racer {
	int fds[5];
	int round;
	int go;
};

static void *complete_five(void *arg)
{
	struct backlog_racer *br = arg;
	int i, spin;

	for (i = 0; i < 4; i++)
		if (write(br->fds[i], "w", 1) != 1)
			return (void *)1;
	__atomic_store_n(&br->go, 1, __ATOMIC_RELEASE);
	for (spin = 0; spin < (br->round % 64) * 50; spin++)
		asm volatile("" ::: "memory");
	if (write(br->fds[4], "w", 1) != 1)
		return (void *)1;
	return NULL;
}

TEST(backlog_reaches_a_waiter_reaping_meanwhile)
{
	struct io_uring_cqe cqe = { 0 };
	struct ring r;
	int i, j;

	ASSERT_EQ(0, ring_init(&r, 2, 0));
	ASSERT_EQ(4, r.p.cq_entries);
	for (i = 0; i < 640; i++) {
		struct backlog_racer br = { .round = i };
		int p[5][2];
		pthread_t th;

		for (j = 0; j < 5; j++) {
			ASSERT_EQ(0, pipe(p[j]));
			br.fds[j] = p[j][1];
			prep_poll(&r, p[j][0], POLLIN, j);
			ASSERT_EQ(1, ring_submit(&r, 0));
		}
		ASSERT_EQ(0, pthread_create(&th, NULL, complete_five, &br));
		while (!__atomic_load_n(&br.go, __ATOMIC_ACQUIRE))
			;
		for (j = 0; j < 5; j++) {
			ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
			EXPECT_EQ(POLLIN, cqe.res & POLLIN);
		}
		pthread_join(th, NULL);
		EXPECT_EQ(0, ring_peek_cqe(&r, &cqe));
		for (j = 0; j < 5; j++) {
			close(p[j][0]);
			close(p[j][1]);
		}
	}
	ring_exit(&r);
}

/* Close the ring with polls armed, and with wakeups arriving meanwhile. */
TEST(teardown_with_pending_polls)
{
	int i, j;

	for (i = 0; i < 50; i++) {
		struct ring r;
		int p[2];

		ASSERT_EQ(0, pipe(p));
		ASSERT_EQ(0, ring_init(&r, 16, 0));
		for (j = 0; j < 16; j++)
			prep_poll(&r, p[0], POLLIN, j);
		ASSERT_EQ(16, ring_submit(&r, 0));
		if (i & 1)
			ASSERT_EQ(1, write(p[1], "w", 1));
		ring_exit(&r);
		close(p[0]);
		close(p[1]);
	}
}

/*
 * Requests that may wait forever (armed polls, reads of an idle pipe) are
 * not capped at the CQ size, as on 6.1: they are memory charged to the
 * caller's cgroup.  When they all complete at once, what the CQ ring has
 * no room for waits in the backlog, in order, and nothing is lost.
 */
TEST(waiting_requests_are_not_capped)
{
	struct io_uring_cqe cqe = { 0 };
	struct io_uring_sqe *sqe;
	char byte;
	struct iovec iov = { &byte, 1 };
	struct ring r;
	int p[2], i, polled = 0, read_done = 0;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	ASSERT_EQ(8, r.p.cq_entries);
	for (i = 0; i < 32; i++) {
		prep_poll(&r, p[0], POLLIN, 100 + i);
		if (i % 4 == 3)
			ASSERT_EQ(4, ring_submit(&r, 0));
	}
	/* and a read of the idle pipe, past the CQ size too */
	sqe = ring_get_sqe(&r);
	prep_rw(sqe, IORING_OP_READV, p[0], &iov, 1, 0);
	sqe->user_data = 201;
	ASSERT_EQ(1, ring_submit(&r, 0));
	usleep(50 * 1000);
	ASSERT_EQ(0, ring_peek_cqe(&r, &cqe));

	/* one byte: every poll fires, and the read takes the byte */
	ASSERT_EQ(1, write(p[1], "w", 1));
	while (polled + read_done < 33) {
		ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
		if (cqe.user_data == 201) {
			EXPECT_EQ(1, cqe.res);
			read_done++;
		} else {
			EXPECT_LE(100, cqe.user_data);
			EXPECT_GT(132, cqe.user_data);
			EXPECT_EQ(POLLIN, cqe.res & POLLIN);
			polled++;
		}
	}
	EXPECT_EQ(0, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(0, *r.cq_overflow);
	EXPECT_EQ(0, *r.sq_flags & IORING_SQ_CQ_OVERFLOW);
	ring_exit(&r);
	close(p[0]);
	close(p[1]);
}

/* ---- IORING_REGISTER_EVENTFD ------------------------------------------- */

static int submit_nops(struct ring *r, int n, __u64 data)
{
	int i;

	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = ring_get_sqe(r);

		sqe->fd = -1;
		sqe->user_data = data + i;
	}
	return ring_submit(r, n);
}

/* Every CQE posted signals the registered eventfd, until it is unregistered. */
TEST(eventfd_signals_completions)
{
	struct io_uring_cqe cqe;
	uint64_t count = 0;
	struct ring r;
	int efd, i;

	efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	EXPECT_EQ(-1, read(efd, &count, 8));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_EVENTFD, &efd, 1));

	ASSERT_EQ(3, submit_nops(&r, 3, 10));
	ASSERT_EQ(8, read(efd, &count, 8));
	EXPECT_LE(1, count);
	EXPECT_GE(3, count);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));

	/* a second registration is refused; the first stays */
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_EVENTFD, &efd, 1));
	EXPECT_EQ(EBUSY, errno);

	/* unregistered: completions no longer signal it */
	ASSERT_EQ(0, sys_register(r.fd, IORING_UNREGISTER_EVENTFD, NULL, 0));
	ASSERT_EQ(1, submit_nops(&r, 1, 20));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(-1, read(efd, &count, 8));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_UNREGISTER_EVENTFD, NULL, 0));
	EXPECT_EQ(ENXIO, errno);

	/* and it can be registered again, and closed while registered */
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_EVENTFD, &efd, 1));
	close(efd);
	ASSERT_EQ(1, submit_nops(&r, 1, 30));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(30, cqe.user_data);
	ring_exit(&r);
}

/*
 * A poll request on the registered eventfd itself: the eventfd's own
 * wakeup completes it, and its CQE must signal that same eventfd, which
 * eventfd_signal() refuses to do from inside a wakeup.  The signal must
 * still come (a moment later), with no kernel warning.
 */
TEST(eventfd_polled_by_its_own_ring)
{
	struct io_uring_cqe cqe;
	uint64_t count = 0, total = 0;
	struct ring r;
	int efd, i, got_poll = 0;

	efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_EVENTFD, &efd, 1));
	prep_poll(&r, efd, POLLIN, 1);
	ASSERT_EQ(1, ring_submit(&r, 0));
	/* the NOP's CQE signals the eventfd, which completes the poll */
	ASSERT_EQ(1, submit_nops(&r, 1, 2));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
		if (cqe.user_data == 1) {
			got_poll = 1;
			EXPECT_EQ(POLLIN, cqe.res & POLLIN);
		}
	}
	EXPECT_TRUE(got_poll);
	/* one signal per CQE: the poll's arrives through the deferred path */
	for (i = 0; i < 100 && total < 2; i++) {
		if (read(efd, &count, 8) == 8)
			total += count;
		else
			usleep(10 * 1000);
	}
	EXPECT_EQ(2, total);
	ring_exit(&r);
	close(efd);
}

/*
 * IORING_CQ_EVENTFD_DISABLED in the CQ ring's flags: completions stop
 * signalling the eventfd while userspace has it set.
 */
TEST(eventfd_disabled_by_cq_flag)
{
	struct io_uring_cqe cqe;
	__u64 count;
	struct ring r;
	unsigned int *cq_flags;
	int efd, i;

	efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	cq_flags = (unsigned int *)((char *)r.cq_ptr + r.p.cq_off.flags);
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_EVENTFD, &efd, 1));

	__atomic_store_n(cq_flags, IORING_CQ_EVENTFD_DISABLED, __ATOMIC_RELEASE);
	ASSERT_EQ(2, submit_nops(&r, 2, 10));
	EXPECT_EQ(-1, read(efd, &count, 8));
	EXPECT_EQ(EAGAIN, errno);
	__atomic_store_n(cq_flags, 0, __ATOMIC_RELEASE);
	ASSERT_EQ(1, submit_nops(&r, 1, 20));
	ASSERT_EQ(8, read(efd, &count, 8));
	EXPECT_EQ(1, count);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	ring_exit(&r);
	close(efd);
}

/*
 * IORING_REGISTER_EVENTFD_ASYNC: only completions that come from an I/O
 * worker signal the eventfd; one that completes inline does not.
 */
TEST(eventfd_async_signals_worker_completions)
{
	struct pollfd pfd = { .events = POLLIN };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	__u64 count;
	struct ring r;
	int efd;

	efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_EVENTFD_ASYNC, &efd, 1));
	ASSERT_EQ(1, submit_nops(&r, 1, 1));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(-1, read(efd, &count, 8));
	EXPECT_EQ(EAGAIN, errno);

	sqe = ring_get_sqe(&r);
	sqe->fd = -1;
	sqe->flags = IOSQE_ASYNC;
	sqe->user_data = 2;
	EXPECT_EQ(0, ring_run_one(&r, 2));
	/* the worker signals just after it posts the CQE */
	pfd.fd = efd;
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	ASSERT_EQ(8, read(efd, &count, 8));
	EXPECT_EQ(1, count);
	/* one eventfd a ring, whichever kind */
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_EVENTFD, &efd, 1));
	EXPECT_EQ(EBUSY, errno);
	ring_exit(&r);
	close(efd);
}

TEST(eventfd_bad_inputs)
{
	struct ring r;
	int p[2], efd, bad = -1;

	ASSERT_EQ(0, pipe(p));
	efd = eventfd(0, 0);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_EVENTFD, &p[0], 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_EVENTFD, &bad, 1));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_EVENTFD, &r.fd, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_EVENTFD, NULL, 1));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_EVENTFD, &efd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_EVENTFD, &efd, 2));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_UNREGISTER_EVENTFD, &efd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_UNREGISTER_EVENTFD, NULL, 0));
	EXPECT_EQ(ENXIO, errno);
	ring_exit(&r);
	close(efd);
	close(p[0]);
	close(p[1]);
}

/* ---- polling rings, and rings in epoll sets ---------------------------- */

/*
 * Wait for @n CQEs and note which user_data (1..31) came, as a bit mask;
 * *@res gets the res of the last.
 */
static unsigned int reap_n(struct ring *r, int n, int *res)
{
	struct io_uring_cqe cqe;
	unsigned int seen = 0;

	while (n--) {
		if (ring_wait_cqe(r, &cqe))
			return 0;
		seen |= 1U << cqe.user_data;
		*res = cqe.res;
	}
	return seen;
}

/* POLL_ADD on a ring's fd: POLLOUT while the SQ has room, POLLIN with CQEs. */
TEST(ring_fd_polled_by_its_own_ring)
{
	struct io_uring_cqe cqe;
	int res = 0;
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	prep_poll(&r, r.fd, POLLOUT, 1);
	res = ring_run_one(&r, 1);
	EXPECT_EQ(POLLOUT, res & (POLLOUT | POLLIN));

	/* armed on its own ring: the NOP's CQE, posted in its wakeup, fires it */
	prep_poll(&r, r.fd, POLLIN, 2);
	ASSERT_EQ(1, ring_submit(&r, 0));
	usleep(20 * 1000);
	ASSERT_EQ(0, ring_peek_cqe(&r, &cqe));
	ASSERT_EQ(1, submit_nops(&r, 1, 3));
	EXPECT_EQ(1U << 2 | 1U << 3, reap_n(&r, 2, &res));
	ring_exit(&r);
}

/*
 * Read the CQEs of a multishot poll (@data) until its last one; the
 * others (@other) are counted.  How many it posted, or -1 if it is still
 * posting after a second (a poll that keeps waking itself).
 */
static int multishot_until_last(struct ring *r, __u64 data, int *other)
{
	struct io_uring_cqe cqe = { 0 };
	int n = 0, waited = 0;

	while (waited < 1000) {
		if (!ring_peek_cqe(r, &cqe)) {
			usleep(1000);
			waited++;
			continue;
		}
		if (cqe.user_data != data) {
			(*other)++;
			continue;
		}
		n++;
		if (!(cqe.flags & IORING_CQE_F_MORE))
			return n;
		if (n > 100)
			return -1;
	}
	return -1;
}

/*
 * A multishot poll of its own ring: each CQE it posts makes the ring
 * readable again and wakes it.  As on 6.1, a wakeup that a ring's CQE
 * sent ends it instead, with that event: one or two CQEs, then no more.
 */
TEST(multishot_poll_of_its_own_ring_ends)
{
	int other = 0, n;
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	/* armed on a ring with a CQE waiting already */
	ASSERT_EQ(1, submit_nops(&r, 1, 3));
	prep_poll_multishot(&r, r.fd, POLLIN, 1);
	ASSERT_EQ(1, ring_submit(&r, 0));
	n = multishot_until_last(&r, 1, &other);
	EXPECT_LT(0, n);
	EXPECT_GE(2, n);
	EXPECT_EQ(1, other);

	/* armed first, then woken by a NOP's CQE */
	prep_poll_multishot(&r, r.fd, POLLIN, 2);
	ASSERT_EQ(1, ring_submit(&r, 0));
	ASSERT_EQ(1, submit_nops(&r, 1, 3));
	other = 0;
	n = multishot_until_last(&r, 2, &other);
	EXPECT_LT(0, n);
	EXPECT_GE(2, n);
	ring_exit(&r);
}

/* The same through the ring's registered eventfd, polled by that ring. */
TEST(multishot_poll_of_its_eventfd_ends)
{
	int efd, other = 0, n;
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_EVENTFD, &efd, 1));
	prep_poll_multishot(&r, efd, POLLIN, 1);
	ASSERT_EQ(1, ring_submit(&r, 0));
	ASSERT_EQ(1, submit_nops(&r, 1, 3));
	n = multishot_until_last(&r, 1, &other);
	EXPECT_LT(0, n);
	EXPECT_GE(2, n);
	ring_exit(&r);
	close(efd);
}

/* Two rings, each polling the other: one NOP sets off both, no deadlock. */
TEST(rings_polling_each_other)
{
	struct ring a, b;
	int res = 0;

	ASSERT_EQ(0, ring_init(&a, 8, 0));
	ASSERT_EQ(0, ring_init(&b, 8, 0));
	prep_poll(&a, b.fd, POLLIN, 1);
	ASSERT_EQ(1, ring_submit(&a, 0));
	prep_poll(&b, a.fd, POLLIN, 2);
	ASSERT_EQ(1, ring_submit(&b, 0));
	ASSERT_EQ(1, submit_nops(&a, 1, 3));
	/* a: the NOP; b: its poll of a; a: its poll of b */
	EXPECT_EQ(1U << 2, reap_n(&b, 1, &res));
	EXPECT_EQ(POLLIN, res & POLLIN);
	EXPECT_EQ(1U << 1 | 1U << 3, reap_n(&a, 2, &res));
	ring_exit(&a);
	ring_exit(&b);
}

/*
 * An epoll set holding the ring's fd, polled by that ring: a CQE wakes
 * the ring, epoll passes the wakeup on to the poll request, whose CQE
 * must not wake the ring again from inside that wakeup.
 */
TEST(epoll_of_the_ring_polled_by_the_ring)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct io_uring_sqe *sqe;
	struct ring r;
	int ep, i, res = 0;

	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, ring_init(&r, 8, 0));
		ep = epoll_create1(0);
		ASSERT_LE(0, ep);
		ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, r.fd, &ev));
		/* one submission: the poll is armed before the NOP's CQE */
		prep_poll(&r, ep, POLLIN, 1);
		sqe = ring_get_sqe(&r);
		sqe->fd = -1;
		sqe->user_data = 2;
		ASSERT_EQ(2, ring_submit(&r, 0));
		EXPECT_EQ(1U << 1 | 1U << 2, reap_n(&r, 2, &res));
		ring_exit(&r);
		close(ep);
	}
}

/*
 * The same set holding a pipe too: the pipe's wakeup fires the poll
 * request inside epoll's own wakeup, and the CQE it posts is a readable
 * ring for that same epoll set.
 */
TEST(epoll_of_a_pipe_and_the_ring_polled_by_the_ring)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep, p[2], res = 0;
	struct ring r;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ep = epoll_create1(0);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, r.fd, &ev));
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	prep_poll(&r, ep, POLLIN, 1);
	ASSERT_EQ(1, ring_submit(&r, 0));
	usleep(20 * 1000);
	ASSERT_EQ(1, write(p[1], "w", 1));
	EXPECT_EQ(1U << 1, reap_n(&r, 1, &res));
	EXPECT_EQ(POLLIN, res & POLLIN);
	ring_exit(&r);
	close(ep);
	close(p[0]);
	close(p[1]);
}

/* The registered eventfd's wakeup fires a poll of it on another ring. */
TEST(rings_polling_each_others_eventfd)
{
	int ea, eb, res = 0;
	struct ring a, b;

	ea = eventfd(0, EFD_NONBLOCK);
	eb = eventfd(0, EFD_NONBLOCK);
	ASSERT_LE(0, ea);
	ASSERT_LE(0, eb);
	ASSERT_EQ(0, ring_init(&a, 8, 0));
	ASSERT_EQ(0, ring_init(&b, 8, 0));
	ASSERT_EQ(0, sys_register(a.fd, IORING_REGISTER_EVENTFD, &ea, 1));
	ASSERT_EQ(0, sys_register(b.fd, IORING_REGISTER_EVENTFD, &eb, 1));
	prep_poll(&a, eb, POLLIN, 1);
	ASSERT_EQ(1, ring_submit(&a, 0));
	prep_poll(&b, ea, POLLIN, 2);
	ASSERT_EQ(1, ring_submit(&b, 0));
	ASSERT_EQ(1, submit_nops(&a, 1, 3));
	EXPECT_EQ(1U << 2, reap_n(&b, 1, &res));
	EXPECT_EQ(1U << 1 | 1U << 3, reap_n(&a, 2, &res));
	ring_exit(&a);
	ring_exit(&b);
	close(ea);
	close(eb);
}

static long mem_available_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kb = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/* A child whose ring polls itself (with an SQ thread if @arg): then it exits. */
static int poll_self_then_exit(void *arg)
{
	struct ring r;

	if (ring_init(&r, 4096, arg ? IORING_SETUP_SQPOLL : 0))
		return 1;
	prep_poll(&r, r.fd, POLLIN, 1);
	if (ring_submit(&r, 0) != 1)
		return 2;
	usleep(1000);
	/* the armed poll holds the ring's file: only the exit can end it */
	ring_exit(&r);
	return 0;
}

/*
 * The poll request holds the file of the ring it waits on, so a ring
 * polling itself outlives close(); its task's exit must end it, and with
 * it the ring (about 400 kB of ring memory each time).
 */
TEST(ring_polling_itself_is_freed_at_exit)
{
	long before, after;
	int i;

	before = mem_available_kb();
	ASSERT_LT(0, before);
	for (i = 0; i < 64; i++)
		ASSERT_EQ(0, run_in_child(poll_self_then_exit, (void *)(long)(i & 1), 0));
	/* the last rings' memory goes back from a work item */
	usleep(200 * 1000);
	after = mem_available_kb();
	TH_LOG("MemAvailable %ld -> %ld kB", before, after);
	EXPECT_GT(8192, before - after);
}

TEST_HARNESS_MAIN
