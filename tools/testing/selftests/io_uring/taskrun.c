// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_DEFER_TASKRUN: the CQEs of completions that happen outside
 * the issuer's io_uring_enter() (a wakeup, a timer) show up in the CQ ring
 * only when the issuer next calls it with GETEVENTS; those it completes
 * while it submits, and those its I/O threads complete, show up at once.  Meanwhile TASKRUN_FLAG
 * sets IORING_SQ_TASKRUN, the eventfd is signalled and the ring polls
 * readable.  Nobody else may wait on such a ring (-EEXIST).  6.1's setup
 * rules and errnos.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "ring.h"

#define DEFER	(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN)

static unsigned int cq_ready(struct ring *r)
{
	return __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) - *r->cq_head;
}

static int get_events(struct ring *r)
{
	return sys_enter(r->fd, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0) < 0 ? errno : 0;
}

static void prep_poll_in(struct ring *r, int fd, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_POLL_ADD;
	sqe->fd = fd;
	sqe->poll32_events = POLLIN;
	sqe->user_data = data;
}

static int ring_readable(struct ring *r)
{
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

/* 6.1's rules: one issuer, no SQ thread; TASKRUN_FLAG goes with it too. */
TEST(defer_taskrun_setup)
{
	EXPECT_EQ(EINVAL, flags_errno(IORING_SETUP_DEFER_TASKRUN));
	EXPECT_EQ(EINVAL, flags_errno(DEFER | IORING_SETUP_SQPOLL));
	EXPECT_EQ(EINVAL, flags_errno(IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG));
	EXPECT_EQ(0, flags_errno(DEFER));
	EXPECT_EQ(0, flags_errno(DEFER | IORING_SETUP_TASKRUN_FLAG));
	EXPECT_EQ(0, flags_errno(DEFER | IORING_SETUP_COOP_TASKRUN));
	EXPECT_EQ(0, flags_errno(DEFER | IORING_SETUP_IOPOLL));
}

/* A poll that fires from the issuer's own write() waits for GETEVENTS. */
TEST(cqe_waits_for_getevents)
{
	struct io_uring_cqe cqe;
	struct ring r;
	int p[2];

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, ring_init(&r, 4, DEFER | IORING_SETUP_TASKRUN_FLAG));
	prep_poll_in(&r, p[0], 1);
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ(0, *r.sq_flags & IORING_SQ_TASKRUN);
	EXPECT_FALSE(ring_readable(&r));

	ASSERT_EQ(1, write(p[1], "x", 1));
	EXPECT_EQ(0, cq_ready(&r));
	EXPECT_EQ(IORING_SQ_TASKRUN, *r.sq_flags & IORING_SQ_TASKRUN);
	EXPECT_TRUE(ring_readable(&r));

	/* a submission without GETEVENTS leaves it where it is */
	ASSERT_EQ(0, ring_submit(&r, 0));
	EXPECT_EQ(0, cq_ready(&r));

	EXPECT_EQ(0, get_events(&r));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(1, cqe.user_data);
	EXPECT_EQ(POLLIN, cqe.res & POLLIN);
	EXPECT_EQ(0, *r.sq_flags & IORING_SQ_TASKRUN);
	EXPECT_FALSE(ring_readable(&r));
	ring_exit(&r);
	close(p[0]);
	close(p[1]);
}

/* What completes while the issuer submits shows at once, and signals. */
TEST(inline_completion_shows_at_once)
{
	struct io_uring_cqe cqe;
	struct ring r;
	__u64 n;
	int efd;

	efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, ring_init(&r, 4, DEFER));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_EVENTFD, &efd, 1));
	ring_get_sqe(&r)->user_data = 2;
	ASSERT_EQ(1, ring_submit(&r, 0));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(2, cqe.user_data);
	EXPECT_EQ(0, cqe.res);
	EXPECT_EQ(sizeof(n), read(efd, &n, sizeof(n)));
	ring_exit(&r);
	close(efd);
}

/* eventfd @efd was signalled: a CQE was posted (up to a second's wait) */
static int signalled(int efd)
{
	__u64 n;
	int i;

	for (i = 0; i < 500 && read(efd, &n, sizeof(n)) != sizeof(n); i++)
		usleep(2000);
	return i < 500;
}

static int eventfd_register(struct ring *r)
{
	int efd = eventfd(0, EFD_NONBLOCK);

	if (efd < 0 || sys_register(r->fd, IORING_REGISTER_EVENTFD, &efd, 1)) {
		close(efd);
		return -1;
	}
	return efd;
}

/*
 * As on 6.1, what the issuer's own I/O threads complete is posted as they
 * complete it, not held back: only work a wakeup or a timer would have
 * had the issuer do waits for GETEVENTS.
 */
TEST(worker_completion_shows_at_once)
{
	struct io_uring_cqe cqe;
	struct ring r;
	int efd;

	ASSERT_EQ(0, ring_init(&r, 4, DEFER | IORING_SETUP_TASKRUN_FLAG));
	efd = eventfd_register(&r);
	ASSERT_LE(0, efd);
	ring_get_sqe(&r)->flags = IOSQE_ASYNC;
	ASSERT_EQ(1, ring_submit(&r, 0));
	ASSERT_TRUE(signalled(efd));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(0, cqe.res);
	EXPECT_EQ(0, *r.sq_flags & IORING_SQ_TASKRUN);
	ring_exit(&r);
	close(efd);
}

/*
 * A drain request let go by a completion the issuer showed runs in an I/O
 * thread: its CQE shows without another io_uring_enter(), after the CQE
 * it waited for (liburing's multicqes_drain counts on it).
 */
TEST(released_drain_request_shows_at_once)
{
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	struct ring r;
	int p[2], efd, i;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, ring_init(&r, 4, DEFER));
	efd = eventfd_register(&r);
	ASSERT_LE(0, efd);
	prep_poll_in(&r, p[0], 1);
	sqe = ring_get_sqe(&r);
	sqe->flags = IOSQE_IO_DRAIN;
	sqe->user_data = 2;
	ASSERT_EQ(2, ring_submit(&r, 0));
	EXPECT_EQ(0, cq_ready(&r));

	ASSERT_EQ(1, write(p[1], "x", 1));
	ASSERT_TRUE(signalled(efd));
	EXPECT_EQ(0, get_events(&r));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(1, cqe.user_data);
	/* the NOP it held back completes in a worker, and shows by itself */
	for (i = 0; i < 500 && !cq_ready(&r); i++)
		usleep(2000);
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(2, cqe.user_data);
	ring_exit(&r);
	close(efd);
	close(p[0]);
	close(p[1]);
}

static void *write_later(void *arg)
{
	int fd = *(int *)arg;

	usleep(50000);
	if (write(fd, "y", 1) != 1)
		return (void *)1;
	return NULL;
}

/* The issuer asleep in GETEVENTS wakes for a CQE posted meanwhile. */
TEST(waiting_issuer_wakes)
{
	struct io_uring_cqe cqe;
	struct ring r;
	pthread_t t;
	int p[2];

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, ring_init(&r, 4, DEFER));
	prep_poll_in(&r, p[0], 4);
	ASSERT_EQ(0, pthread_create(&t, NULL, write_later, &p[1]));
	EXPECT_EQ(1, ring_submit(&r, 1));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(4, cqe.user_data);
	pthread_join(t, NULL);
	ring_exit(&r);
	close(p[0]);
	close(p[1]);
}

static void prep_recv(struct ring *r, int fd, void *buf, __u32 len, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_RECV;
	sqe->fd = fd;
	sqe->addr = (unsigned long)buf;
	sqe->len = len;
	sqe->user_data = data;
}

/* A socket pair, and a ring whose RECV (user_data 1) on s[1] "hi" woke. */
static int recv_woken(struct ring *r, int s[2], char *in, unsigned int flags)
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) || ring_init(r, 4, DEFER | flags))
		return -1;
	prep_recv(r, s[1], in, 8, 1);
	if (ring_submit(r, 0) != 1 || send(s[0], "hi", 2, 0) != 2)
		return -1;
	return 0;
}

/*
 * A receive whose socket became readable is tried again by the issuer, in
 * its next GETEVENTS, as on 6.1: not before, by a thread of its own.
 */
TEST(socket_retry_waits_for_getevents)
{
	struct io_uring_cqe cqe;
	char in[8] = { 0 };
	struct ring r;
	int s[2];

	ASSERT_EQ(0, recv_woken(&r, s, in, IORING_SETUP_TASKRUN_FLAG));
	usleep(20000);
	EXPECT_EQ(0, cq_ready(&r));
	EXPECT_EQ(0, in[0]);
	EXPECT_EQ(IORING_SQ_TASKRUN, *r.sq_flags & IORING_SQ_TASKRUN);
	EXPECT_TRUE(ring_readable(&r));

	EXPECT_EQ(0, get_events(&r));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(1, cqe.user_data);
	EXPECT_EQ(2, cqe.res);
	EXPECT_STREQ("hi", in);
	EXPECT_EQ(0, *r.sq_flags & IORING_SQ_TASKRUN);
	ring_exit(&r);
	close(s[0]);
	close(s[1]);
}

/*
 * A retry that waits for the issuer signals the ring's eventfd, so that an
 * issuer asleep on the eventfd (not on the ring) calls GETEVENTS; but, as
 * 6.1 defers that signal past an RCU grace period, a READ of the eventfd
 * itself, woken by a CQE's signal and retried in the next GETEVENTS, reads
 * that one signal alone (liburing's eventfd-disable counts on it).  The
 * second part is a race the old immediate signal did not always lose.
 */
TEST(eventfd_tells_of_a_retry_waiting_for_getevents)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char in[8] = { 0 };
	__u64 count = 0;
	struct ring r;
	int s[2], efd;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	ASSERT_EQ(0, ring_init(&r, 4, DEFER));
	efd = eventfd_register(&r);
	ASSERT_LE(0, efd);
	prep_recv(&r, s[1], in, 8, 1);
	ASSERT_EQ(1, ring_submit(&r, 0));
	ASSERT_EQ(2, send(s[0], "hi", 2, 0));
	ASSERT_TRUE(signalled(efd));
	EXPECT_EQ(0, cq_ready(&r));
	EXPECT_EQ(0, get_events(&r));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(2, cqe.res);
	/* whatever the retry's own signal left */
	usleep(50 * 1000);
	signalled(efd);

	sqe = ring_get_sqe(&r);
	prep_rw(sqe, IORING_OP_READ, efd, &count, sizeof(count), 0);
	sqe->user_data = 2;
	ASSERT_EQ(1, ring_submit(&r, 0));
	/* a NOP's CQE signals it; then a GETEVENTS retries the READ */
	ring_get_sqe(&r)->user_data = 3;
	ASSERT_EQ(1, ring_submit(&r, 0));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(3, cqe.user_data);
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_EQ(2, cqe.user_data);
	EXPECT_EQ(sizeof(count), cqe.res);
	EXPECT_EQ(1, count);
	ring_exit(&r);
	close(efd);
	close(s[0]);
	close(s[1]);
}

/* ASYNC_CANCEL ends a retry that waits for the issuer: it never receives. */
TEST(cancel_of_a_retry_waiting_for_getevents)
{
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	char in[8] = { 0 };
	int s[2], i, seen = 0;
	struct ring r;

	ASSERT_EQ(0, recv_woken(&r, s, in, 0));
	sqe = ring_get_sqe(&r);
	sqe->opcode = IORING_OP_ASYNC_CANCEL;
	sqe->addr = 1;
	sqe->user_data = 2;
	ASSERT_EQ(1, ring_submit(&r, 0));

	EXPECT_EQ(0, get_events(&r));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
		seen |= cqe.user_data;
		EXPECT_EQ(cqe.user_data == 1 ? -ECANCELED : 0, cqe.res);
	}
	EXPECT_EQ(3, seen);
	EXPECT_EQ(2, recv(s[1], in, sizeof(in), MSG_DONTWAIT));
	ring_exit(&r);
	close(s[0]);
	close(s[1]);
}

static int exit_with_a_retry_waiting(void *arg)
{
	char in[8];
	struct ring r;
	int s[2];

	return recv_woken(&r, s, in, 0) ? 1 : 0;
}

/*
 * The issuer exits, or closes the ring, with a retry it never ran: neither
 * exit nor close waits for it (the debug kernel checks what is freed).
 */
TEST(exit_or_close_with_a_retry_waiting)
{
	char in[8] = { 0 };
	struct ring r;
	int s[2];

	EXPECT_EQ(0, run_in_child(exit_with_a_retry_waiting, NULL, 0));
	ASSERT_EQ(0, recv_woken(&r, s, in, 0));
	ring_exit(&r);
	close(s[0]);
	close(s[1]);
}

/* With IOPOLL too, the wait shows what a worker completed. */
TEST(iopoll_wait_shows_worker_completions)
{
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 4, DEFER | IORING_SETUP_IOPOLL | IORING_SETUP_TASKRUN_FLAG));
	sqe = ring_get_sqe(&r);
	sqe->flags = IOSQE_ASYNC;
	sqe->user_data = 7;
	EXPECT_EQ(1, ring_submit(&r, 0));
	/* an IOPOLL wait polls, and returns: liburing calls again until it is there */
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_EQ(7, cqe.user_data);
	EXPECT_EQ(0, *r.sq_flags & IORING_SQ_TASKRUN);
	ring_exit(&r);
}

/* A submission that shows what waited clears IORING_SQ_TASKRUN. */
TEST(submission_that_shows_all_clears_the_flag)
{
	struct ring r;
	int p[2];

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, ring_init(&r, 4, DEFER | IORING_SETUP_TASKRUN_FLAG));
	prep_poll_in(&r, p[0], 1);
	ASSERT_EQ(1, ring_submit(&r, 0));
	ASSERT_EQ(1, write(p[1], "x", 1));
	ASSERT_EQ(IORING_SQ_TASKRUN, *r.sq_flags & IORING_SQ_TASKRUN);
	EXPECT_EQ(0, cq_ready(&r));
	/* a NOP completed inline shows itself, and the one before it */
	ring_get_sqe(&r);
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ(2, cq_ready(&r));
	EXPECT_EQ(0, *r.sq_flags & IORING_SQ_TASKRUN);
	ring_exit(&r);
	close(p[0]);
	close(p[1]);
}

struct other {
	struct ring *r;
	int wait, submit;
};

static void *other_task(void *arg)
{
	struct other *o = arg;

	o->wait = get_events(o->r);
	ring_get_sqe(o->r)->user_data = 6;
	o->submit = ring_submit(o->r, 0);
	return NULL;
}

/* Only the issuer may wait, for only it shows CQEs: -EEXIST for others. */
TEST(others_may_not_wait)
{
	struct other o = { 0 };
	struct io_uring_cqe cqe;
	struct ring r;
	pthread_t t;

	ASSERT_EQ(0, ring_init(&r, 4, DEFER));
	o.r = &r;
	ASSERT_EQ(0, pthread_create(&t, NULL, other_task, &o));
	pthread_join(t, NULL);
	EXPECT_EQ(EEXIST, o.wait);
	EXPECT_EQ(-EEXIST, o.submit);
	/* the issuer submits the NOP the other left in the SQ */
	EXPECT_EQ(1, sys_enter(r.fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(6, cqe.user_data);
	ring_exit(&r);
}

TEST_HARNESS_MAIN
