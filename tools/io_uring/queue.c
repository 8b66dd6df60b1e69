// SPDX-License-Identifier: MIT
/* Getting SQEs, submitting them, and reaping CQEs. */
#include <errno.h>
#include "liburing.h"

/* A cleared SQE to fill in, or NULL if the SQ ring is full. */
struct io_uring_sqe *io_uring_get_sqe(struct io_uring *ring)
{
	struct io_uring_sq *sq = &ring->sq;
	unsigned int head = __atomic_load_n(sq->khead, __ATOMIC_ACQUIRE);
	struct io_uring_sqe *sqe;

	if (sq->sqe_tail - head >= *sq->kring_entries)
		return NULL;
	sqe = &sq->sqes[(sq->sqe_tail & *sq->kring_mask) << sq->sqe_shift];
	sq->sqe_tail++;
	memset(sqe, 0, sizeof(*sqe) << sq->sqe_shift);
	return sqe;
}

/*
 * Publish the SQEs handed out since the last flush: fill their index array
 * slots, then move the tail with release semantics so the kernel sees the
 * entries before the tail.  Returns the number published.
 */
static unsigned int io_uring_flush_sq(struct io_uring *ring)
{
	struct io_uring_sq *sq = &ring->sq;
	unsigned int mask = *sq->kring_mask;
	unsigned int tail = *sq->ktail;
	unsigned int n = sq->sqe_tail - sq->sqe_head;
	unsigned int i;

	for (i = 0; i < n; i++) {
		sq->array[tail & mask] = sq->sqe_head & mask;
		tail++;
		sq->sqe_head++;
	}
	if (n)
		__atomic_store_n(sq->ktail, tail, __ATOMIC_RELEASE);
	return n;
}

static int submit(struct io_uring *ring, unsigned int wait_nr)
{
	unsigned int submitted = io_uring_flush_sq(ring);
	unsigned int flags = 0;
	int ret;

	if (wait_nr || (ring->flags & IORING_SETUP_IOPOLL))
		flags |= IORING_ENTER_GETEVENTS;
	if (ring->flags & IORING_SETUP_SQPOLL) {
		/* the kernel thread submits; wake it if it went to sleep */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(ring->sq.kflags, __ATOMIC_RELAXED) &
		    IORING_SQ_NEED_WAKEUP)
			flags |= IORING_ENTER_SQ_WAKEUP;
		else if (!wait_nr)
			return submitted;
		submitted = 0;
	}
	ret = io_uring_enter(ring->ring_fd, submitted, wait_nr, flags, NULL);
	if (ret < 0)
		return -errno;
	return (ring->flags & IORING_SETUP_SQPOLL) ? (int)submitted : ret;
}

int io_uring_submit(struct io_uring *ring)
{
	return submit(ring, 0);
}

int io_uring_submit_and_wait(struct io_uring *ring, unsigned int wait_nr)
{
	return submit(ring, wait_nr);
}

int io_uring_peek_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr)
{
	struct io_uring_cq *cq = &ring->cq;
	unsigned int head = *cq->khead;

	*cqe_ptr = NULL;
	if (head == __atomic_load_n(cq->ktail, __ATOMIC_ACQUIRE))
		return -EAGAIN;
	*cqe_ptr = &cq->cqes[(head & *cq->kring_mask) << cq->cqe_shift];
	return 0;
}

int io_uring_wait_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr)
{
	for (;;) {
		if (!io_uring_peek_cqe(ring, cqe_ptr))
			return 0;
		if (io_uring_enter(ring->ring_fd, 0, 1, IORING_ENTER_GETEVENTS,
				   NULL) < 0)
			return -errno;
	}
}

/* Up to @count ready CQEs, without waiting; consume them with cq_advance. */
unsigned int io_uring_peek_batch_cqe(struct io_uring *ring,
				     struct io_uring_cqe **cqes,
				     unsigned int count)
{
	struct io_uring_cq *cq = &ring->cq;
	unsigned int head = *cq->khead;
	unsigned int ready = io_uring_cq_ready(ring);
	unsigned int i;

	if (count > ready)
		count = ready;
	for (i = 0; i < count; i++)
		cqes[i] = &cq->cqes[((head + i) & *cq->kring_mask) << cq->cqe_shift];
	return count;
}
