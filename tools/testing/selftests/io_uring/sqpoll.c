// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_SQPOLL: a thread of the creating process consumes the SQ;
 * anyone may have one (as in 6.1), it takes registered files and plain
 * fds alike, goes to sleep after sq_thread_idle with IORING_SQ_NEED_WAKEUP
 * set, and is woken by IORING_ENTER_SQ_WAKEUP.  Rings of one process set
 * up with IORING_SETUP_ATTACH_WQ share one thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "ring.h"

/* An SQPOLL ring; with IORING_SETUP_ATTACH_WQ in @flags, on @wq_fd's thread. */
static int sqpoll_init_wq(struct ring *r, unsigned int entries, unsigned int flags,
			  unsigned int idle_ms, unsigned int cpu, int wq_fd)
{
	memset(r, 0, sizeof(*r));
	r->p.flags = IORING_SETUP_SQPOLL | flags;
	r->p.sq_thread_idle = idle_ms;
	r->p.sq_thread_cpu = cpu;
	r->p.wq_fd = wq_fd;
	r->fd = sys_setup(entries, &r->p);
	if (r->fd < 0)
		return -errno;
	return ring_mmap(r);
}

static int sqpoll_init(struct ring *r, unsigned int entries, unsigned int flags,
		       unsigned int idle_ms, unsigned int cpu)
{
	return sqpoll_init_wq(r, entries, flags, idle_ms, cpu, 0);
}

/* Publish the SQEs and wake the thread if it sleeps; no submit count. */
static void sq_publish(struct ring *r)
{
	ring_flush(r);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(r->sq_flags, __ATOMIC_RELAXED) & IORING_SQ_NEED_WAKEUP)
		sys_enter(r->fd, 0, 0, IORING_ENTER_SQ_WAKEUP, NULL, 0);
}

static int wait_cqe_sqpoll(struct ring *r, struct io_uring_cqe *cqe)
{
	return ring_wait_cqe(r, cqe);
}

FIXTURE(sq) {
	struct ring r;
	int fd;
};

FIXTURE_SETUP(sq)
{
	char path[] = "/tmp/io_uring-sq-XXXXXX";
	static char data[4096];

	ASSERT_EQ(0, sqpoll_init(&self->r, 16, 0, 100, 0));
	self->fd = mkstemp(path);
	ASSERT_LE(0, self->fd);
	unlink(path);
	ASSERT_EQ(4096, pwrite(self->fd, data, sizeof(data), 0));
	ASSERT_EQ(0, sys_register(self->r.fd, IORING_REGISTER_FILES, &self->fd, 1));
}

FIXTURE_TEARDOWN(sq)
{
	close(self->fd);
	ring_exit(&self->r);
}

TEST_F(sq, submits_without_enter)
{
	struct io_uring_cqe cqe = { 0 };
	char buf[512];
	struct iovec iov = { buf, sizeof(buf) };
	int i;

	for (i = 0; i < 8; i++) {
		struct io_uring_sqe *sqe = ring_get_sqe(&self->r);

		prep_rw(sqe, IORING_OP_READV, 0, &iov, 1, 0);
		sqe->flags = IOSQE_FIXED_FILE;
		sqe->user_data = i;
	}
	sq_publish(&self->r);
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, wait_cqe_sqpoll(&self->r, &cqe));
		EXPECT_EQ(512, cqe.res);
	}
}

/* The SQ thread shares the process's file table (IORING_FEAT_SQPOLL_NONFIXED) */
TEST_F(sq, plain_fd_works)
{
	struct io_uring_cqe cqe = { 0 };
	char buf[16];
	struct iovec iov = { buf, sizeof(buf) };
	struct io_uring_sqe *sqe = ring_get_sqe(&self->r);

	EXPECT_TRUE(self->r.p.features & IORING_FEAT_SQPOLL_NONFIXED);
	prep_rw(sqe, IORING_OP_READV, self->fd, &iov, 1, 0);
	sqe->user_data = 99;
	sq_publish(&self->r);
	ASSERT_EQ(0, wait_cqe_sqpoll(&self->r, &cqe));
	EXPECT_EQ(99, cqe.user_data);
	EXPECT_EQ(16, cqe.res);
}

TEST_F(sq, idle_sleep_and_wakeup)
{
	struct io_uring_cqe cqe = { 0 };
	struct io_uring_sqe *sqe;
	int i;

	/* idle is 100 ms: after a while the thread must say it sleeps */
	for (i = 0; i < 50; i++) {
		if (__atomic_load_n(self->r.sq_flags, __ATOMIC_ACQUIRE) &
		    IORING_SQ_NEED_WAKEUP)
			break;
		usleep(50 * 1000);
	}
	ASSERT_TRUE(*self->r.sq_flags & IORING_SQ_NEED_WAKEUP);

	/* published work alone does not wake it ... */
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_NOP;
	sqe->user_data = 7;
	ring_flush(&self->r);
	usleep(200 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	/* ... IORING_ENTER_SQ_WAKEUP does */
	ASSERT_LE(0, sys_enter(self->r.fd, 0, 0, IORING_ENTER_SQ_WAKEUP, NULL, 0));
	ASSERT_EQ(0, wait_cqe_sqpoll(&self->r, &cqe));
	EXPECT_EQ(7, cqe.user_data);
	EXPECT_EQ(0, cqe.res);

	/* the cycle repeats */
	usleep(400 * 1000);
	EXPECT_TRUE(*self->r.sq_flags & IORING_SQ_NEED_WAKEUP);
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_NOP;
	sqe->user_data = 8;
	sq_publish(&self->r);
	ASSERT_EQ(0, wait_cqe_sqpoll(&self->r, &cqe));
	EXPECT_EQ(8, cqe.user_data);
}

static int sqpoll_unprivileged(void *arg)
{
	struct io_uring_cqe cqe = { 0 };
	struct io_uring_sqe *sqe;
	struct ring r;

	if (sqpoll_init(&r, 4, 0, 0, 0))
		return 11;
	sqe = ring_get_sqe(&r);
	sqe->opcode = IORING_OP_NOP;
	sqe->user_data = 5;
	sq_publish(&r);
	if (wait_cqe_sqpoll(&r, &cqe) || cqe.user_data != 5 || cqe.res)
		return 12;
	ring_exit(&r);
	return 0;
}

/* An unprivileged user's SQ thread is one of its own threads */
TEST(unprivileged_user_may_poll)
{
	if (geteuid() != 0)
		SKIP(return, "needs root to drop to an unprivileged user");
	EXPECT_EQ(0, run_in_child(sqpoll_unprivileged, NULL, 1));
}

TEST(sq_affinity)
{
	struct ring r;
	struct io_uring_params p;

	ASSERT_EQ(0, sqpoll_init(&r, 4, IORING_SETUP_SQ_AFF, 0, 0));
	ring_exit(&r);
	EXPECT_EQ(-EINVAL, sqpoll_init(&r, 4, IORING_SETUP_SQ_AFF, 0, 4096));
	EXPECT_EQ(-EINVAL, sqpoll_init(&r, 4, IORING_SETUP_SQ_AFF, 0,
				       sysconf(_SC_NPROCESSORS_CONF)));
	/* a setup that failed leaves the caller's params as they were */
	EXPECT_EQ(0, r.p.features);
	EXPECT_EQ(0, r.p.sq_off.array);
	EXPECT_EQ(0, r.p.sq_entries);
	/* SQ_AFF means nothing without SQPOLL */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQ_AFF;
	EXPECT_EQ(-1, sys_setup(4, &p));
	EXPECT_EQ(EINVAL, errno);
}

/* SQPOLL and IOPOLL together, on the raw NVMe disk with poll queues. */
TEST(sqpoll_with_iopoll)
{
	struct io_uring_cqe cqe = { 0 };
	struct ring r;
	void *buf;
	struct iovec iov;
	int fd, i;

	fd = open("/dev/nvme0n1", O_RDONLY | O_DIRECT);
	if (fd < 0)
		SKIP(return, "no /dev/nvme0n1: %s", strerror(errno));
	ASSERT_EQ(0, posix_memalign(&buf, 4096, 4096));
	iov.iov_base = buf;
	iov.iov_len = 4096;
	ASSERT_EQ(0, sqpoll_init(&r, 8, IORING_SETUP_IOPOLL, 100, 0));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_FILES, &fd, 1));
	for (i = 0; i < 4; i++) {
		struct io_uring_sqe *sqe = ring_get_sqe(&r);

		prep_rw(sqe, IORING_OP_READV, 0, &iov, 1, i * 4096);
		sqe->flags = IOSQE_FIXED_FILE;
		sqe->user_data = i;
	}
	sq_publish(&r);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
		EXPECT_EQ(4096, cqe.res);
	}
	ring_exit(&r);
	close(fd);
}

/* Closing an SQPOLL ring stops its thread, with work still queued. */
TEST(teardown_with_thread_running)
{
	int i;

	for (i = 0; i < 20; i++) {
		struct ring r;
		int j;

		ASSERT_EQ(0, sqpoll_init(&r, 32, 0, 10, 0));
		for (j = 0; j < 32; j++) {
			struct io_uring_sqe *sqe = ring_get_sqe(&r);

			sqe->opcode = IORING_OP_NOP;
		}
		sq_publish(&r);
		ring_exit(&r);
	}
}

/* Publish @n NOPs at once, user_data from @first on. */
/* The SQEs userspace published and the kernel has not consumed. */
static unsigned int sq_pending(struct ring *r)
{
	return __atomic_load_n(r->sq_tail, __ATOMIC_ACQUIRE) -
	       __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE);
}

/*
 * IORING_ENTER_SQ_WAIT returns once the SQ thread has made room in a full
 * SQ ring; a thread asleep is woken to make it.  Without SQPOLL it is
 * taken and changes nothing, as on 6.1.
 */
TEST(sq_wait_returns_when_there_is_room)
{
	struct io_uring_cqe cqe;
	struct ring r;
	int i;

	ASSERT_EQ(0, sqpoll_init(&r, 4, 0, 10, 0));
	usleep(200 * 1000);
	ASSERT_TRUE(*r.sq_flags & IORING_SQ_NEED_WAKEUP);
	for (i = 0; i < 4; i++) {
		ring_get_sqe(&r)->opcode = IORING_OP_NOP;
		r.sqes[i].user_data = i;
	}
	ring_flush(&r);
	EXPECT_EQ(4, sq_pending(&r));
	EXPECT_EQ(0, sys_enter(r.fd, 0, 0, IORING_ENTER_SQ_WAIT, NULL, 0));
	EXPECT_GT(4, sq_pending(&r));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, wait_cqe_sqpoll(&r, &cqe));
	/* room already: it returns at once */
	EXPECT_EQ(0, sys_enter(r.fd, 0, 0, IORING_ENTER_SQ_WAIT, NULL, 0));
	ring_exit(&r);

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	ring_get_sqe(&r)->opcode = IORING_OP_NOP;
	ring_flush(&r);
	EXPECT_EQ(1, sys_enter(r.fd, 1, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_SQ_WAIT,
			       NULL, 0));
	ring_exit(&r);
}

static void publish_nops(struct ring *r, int n, int first)
{
	int i;

	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = ring_get_sqe(r);

		sqe->opcode = IORING_OP_NOP;
		sqe->user_data = first + i;
	}
	sq_publish(r);
}

/* Wait up to 5 s for the CQ tail to reach @n, or for CQ_OVERFLOW (@n 0). */
static bool wait_for(struct ring *r, unsigned int n)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (n ? __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) == n :
			!!(__atomic_load_n(r->sq_flags, __ATOMIC_ACQUIRE) & IORING_SQ_CQ_OVERFLOW))
			return true;
		usleep(10 * 1000);
	}
	return false;
}

/*
 * As on 6.1, the SQ thread moves the SQ head only once the batch's inline
 * completions are posted: whoever sees a NOP consumed finds its CQE too.
 * liburing 2.3's io_uring_submit() on an SQPOLL ring counts what it
 * submitted as tail - head, so a head that moved first made it say 0
 * more often (timeout-new, single-issuer).  A race, so many rounds.
 */
TEST(sq_head_moves_after_the_cqes)
{
	unsigned int i, late = 0, lost = 0;
	struct ring r;

	ASSERT_EQ(0, sqpoll_init(&r, 8, 0, 2000, 0));
	for (i = 0; i < 300 && !lost; i++) {
		int spins = 0;

		ring_get_sqe(&r)->opcode = IORING_OP_NOP;
		sq_publish(&r);
		while (__atomic_load_n(r.sq_head, __ATOMIC_ACQUIRE) != i + 1) {
			if (++spins > 5000000) {
				lost = 1;
				break;
			}
		}
		if (!lost && __atomic_load_n(r.cq_tail, __ATOMIC_ACQUIRE) != i + 1)
			late++;
		/* the CQE comes: make its room again */
		if (!lost && !wait_for(&r, i + 1))
			lost = 1;
		__atomic_store_n(r.cq_head, i + 1, __ATOMIC_RELEASE);
	}
	EXPECT_EQ(0, lost);
	EXPECT_EQ(0, late) TH_LOG("%u of %u NOPs consumed before their CQE was posted",
				  late, i);
	ring_exit(&r);
}

/*
 * With CQEs waiting for room in the CQ ring, the SQ thread goes on
 * submitting, as on 6.1 (the backlog is memory charged to the ring's
 * cgroup); once userspace makes room, every CQE comes, in order.
 */
TEST(sq_thread_submits_past_a_full_cq)
{
	struct io_uring_cqe cqe = { };
	struct ring r;
	int i, got = 0;

	memset(&r, 0, sizeof(r));
	r.p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_CQSIZE;
	r.p.cq_entries = 8;
	r.p.sq_thread_idle = 5000;
	r.fd = sys_setup(8, &r.p);
	ASSERT_LE(0, r.fd);
	ASSERT_EQ(0, ring_mmap(&r));
	/* 8 CQEs fill the ring, the 9th waits in the backlog... */
	publish_nops(&r, 8, 0);
	ASSERT_TRUE(wait_for(&r, 8));
	publish_nops(&r, 1, 8);
	ASSERT_TRUE(wait_for(&r, 0));
	/* ...and the 10th is taken all the same */
	publish_nops(&r, 1, 9);
	for (i = 0; i < 500 && *r.sq_head != *r.sq_tail; i++)
		usleep(10 * 1000);
	EXPECT_EQ(*r.sq_tail, *r.sq_head);
	/* reap, and enter so the backlog moves in: all 10 come, in order */
	for (i = 0; i < 500 && got < 10; i++) {
		while (ring_peek_cqe(&r, &cqe)) {
			EXPECT_EQ(got, cqe.user_data);
			got++;
		}
		sys_enter(r.fd, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0);
		usleep(10 * 1000);
	}
	EXPECT_EQ(10, got);
	ring_exit(&r);
}

/* ---- IORING_SETUP_ATTACH_WQ: one SQ thread for several rings ----------- */

static int sqpoll_attach(struct ring *r, int wq_fd, unsigned int idle_ms)
{
	return sqpoll_init_wq(r, 8, IORING_SETUP_ATTACH_WQ, idle_ms, 0, wq_fd);
}

/* The next CQE, waited for up to 5 s after a publish of one SQE. */
static bool sq_reap_one(struct ring *r, struct io_uring_cqe *cqe)
{
	return wait_for(r, *r->cq_head + 1) && ring_peek_cqe(r, cqe);
}

/* One NOP through the SQ thread; its result, or -ETIMEDOUT after 5 s. */
static int sq_nop(struct ring *r, __u64 user_data)
{
	struct io_uring_cqe cqe = { };

	publish_nops(r, 1, user_data);
	if (!sq_reap_one(r, &cqe))
		return -ETIMEDOUT;
	return cqe.user_data == user_data ? cqe.res : -EBADMSG;
}

/* Wait up to 5 s for the process to have @n SQ threads. */
static bool sq_threads_become(int n)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (threads_named(getpid(), "iou-sqp-") == n)
			return true;
		usleep(10 * 1000);
	}
	return false;
}

/*
 * Rings attached to an SQPOLL ring share its thread: one thread serves all
 * three, goes on when the first ring is closed, and is gone with the last.
 */
TEST(attach_wq_shares_one_sq_thread)
{
	struct ring r[3];
	int i;

	ASSERT_TRUE(sq_threads_become(0));
	ASSERT_EQ(0, sqpoll_init(&r[0], 8, 0, 100, 0));
	for (i = 1; i < 3; i++)
		ASSERT_EQ(0, sqpoll_attach(&r[i], r[0].fd, 100)) TH_LOG("ring %d", i);
	EXPECT_EQ(1, threads_named(getpid(), "iou-sqp-"));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, sq_nop(&r[i], 10 + i)) TH_LOG("ring %d", i);

	ring_exit(&r[0]);
	for (i = 1; i < 3; i++)
		EXPECT_EQ(0, sq_nop(&r[i], 20 + i)) TH_LOG("ring %d after close", i);
	EXPECT_EQ(1, threads_named(getpid(), "iou-sqp-"));
	ring_exit(&r[1]);
	ring_exit(&r[2]);
	EXPECT_TRUE(sq_threads_become(0));
}

/*
 * A ring that joins a thread asleep (its first ring idle for long) is
 * served: the thread sets the new ring's IORING_SQ_NEED_WAKEUP too.
 */
TEST(attach_wq_to_a_sleeping_thread)
{
	struct ring a, b;
	int i;

	ASSERT_EQ(0, sqpoll_init(&a, 8, 0, 10, 0));
	for (i = 0; i < 100 && !(*a.sq_flags & IORING_SQ_NEED_WAKEUP); i++)
		usleep(10 * 1000);
	ASSERT_TRUE(*a.sq_flags & IORING_SQ_NEED_WAKEUP);
	ASSERT_EQ(0, sqpoll_attach(&b, a.fd, 10));
	for (i = 0; i < 5; i++) {
		EXPECT_EQ(0, sq_nop(&b, i));
		EXPECT_EQ(0, sq_nop(&a, 100 + i));
		usleep(50 * 1000);
	}
	ring_exit(&a);
	ring_exit(&b);
	EXPECT_TRUE(sq_threads_become(0));
}

static int attach_from_child(void *arg)
{
	struct ring r;

	/* another process's thread is not shared: the child gets its own */
	if (sqpoll_attach(&r, *(int *)arg, 10))
		return 1;
	if (threads_named(getpid(), "iou-sqp-") != 1)
		return 2;
	if (sq_nop(&r, 5))
		return 3;
	ring_exit(&r);
	return 0;
}

TEST(attach_wq_from_another_process_gets_its_own_thread)
{
	struct ring a;

	ASSERT_EQ(0, sqpoll_init(&a, 8, 0, 10, 0));
	EXPECT_EQ(0, run_in_child(attach_from_child, &a.fd, 0));
	EXPECT_EQ(0, sq_nop(&a, 1));
	ring_exit(&a);
}

static int setup_errno(unsigned int flags, int wq_fd)
{
	struct io_uring_params p = { .flags = flags, .wq_fd = wq_fd };
	int fd = sys_setup(8, &p);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

/* 6.1's errnos for a wq_fd that cannot be attached to. */
TEST(attach_wq_bad_wq_fd)
{
	unsigned int sq = IORING_SETUP_SQPOLL | IORING_SETUP_ATTACH_WQ;
	struct io_uring_params p = { };
	int plain, pipefd[2];

	plain = sys_setup(8, &p);
	ASSERT_LE(0, plain);
	ASSERT_EQ(0, pipe(pipefd));
	/* not open, not a ring */
	EXPECT_EQ(ENXIO, setup_errno(IORING_SETUP_ATTACH_WQ, 999));
	EXPECT_EQ(ENXIO, setup_errno(sq, 999));
	EXPECT_EQ(EINVAL, setup_errno(IORING_SETUP_ATTACH_WQ, pipefd[0]));
	EXPECT_EQ(EINVAL, setup_errno(sq, pipefd[0]));
	/* SQPOLL needs a ring with an SQ thread to attach to */
	EXPECT_EQ(EINVAL, setup_errno(sq, plain));
	/* without SQPOLL, any ring will do: each task has its own pool */
	EXPECT_EQ(0, setup_errno(IORING_SETUP_ATTACH_WQ, plain));
	/* and without ATTACH_WQ, wq_fd is not looked at (as 6.1) */
	EXPECT_EQ(0, setup_errno(0, 999));
	EXPECT_EQ(0, threads_named(getpid(), "iou-sqp-"));
	close(pipefd[0]);
	close(pipefd[1]);
	close(plain);
}

/*
 * After execve() the SQ thread of a ring that survived it (close-on-exec
 * cleared) is gone, killed with the old image's threads; the process is
 * the same, so a new ring attaching to it must fail (ENXIO, as 6.1), not
 * get a new thread or hang.  The new image is this program again: this
 * constructor runs before the harness, tries the attach and exits with
 * the errno.
 */
#define SQ_EXEC_ENV "IOU_SQPOLL_ATTACH_AFTER_EXEC"

__attribute__((constructor)) static void attach_after_exec(void)
{
	struct io_uring_params p = { };
	const char *fd = getenv(SQ_EXEC_ENV);
	int ring;

	if (!fd)
		return;
	p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_ATTACH_WQ;
	p.wq_fd = atoi(fd);
	ring = sys_setup(8, &p);
	_exit(ring < 0 ? errno : 0);
}

static int exec_then_attach_child(void *arg)
{
	char fd[16];
	struct ring r;

	(void)arg;
	if (sqpoll_init(&r, 8, 0, 10, 0))
		return 100;
	if (fcntl(r.fd, F_SETFD, 0))
		return 101;
	snprintf(fd, sizeof(fd), "%d", r.fd);
	if (setenv(SQ_EXEC_ENV, fd, 1))
		return 102;
	execl("/proc/self/exe", "sqpoll", (char *)NULL);
	return 103;
}

TEST(attach_wq_to_a_thread_gone_with_exec)
{
	EXPECT_EQ(ENXIO, run_in_child(exec_then_attach_child, NULL, 0));
}

/* OPENAT(O_RDONLY) of @path through the SQ thread of @r: its result. */
static int sq_openat(struct ring *r, const char *path)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);
	struct io_uring_cqe cqe = { };

	sqe->opcode = IORING_OP_OPENAT;
	sqe->fd = AT_FDCWD;
	sqe->addr = (unsigned long)path;
	sqe->open_flags = O_RDONLY;
	sqe->user_data = 77;
	sq_publish(r);
	if (!sq_reap_one(r, &cqe))
		return -ETIMEDOUT;
	if (cqe.res >= 0)
		close(cqe.res);
	return cqe.res;
}

static int attach_creds_child(void *arg)
{
	const char *path = arg;
	struct ring a, b;
	int ret;

	if (sqpoll_init(&a, 8, 0, 10, 0))
		return 1;
	/* this thread becomes nobody; the SQ thread stays root */
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 2;
	if (sqpoll_attach(&b, a.fd, 10))
		return 3;
	ret = sq_openat(&b, path);
	if (ret != -EACCES)
		return ret == -ETIMEDOUT ? 4 : 5;
	/* the first ring's requests still run as root, who set it up */
	return sq_openat(&a, path) < 0 ? 6 : 0;
}

/*
 * The shared thread submits for each ring with the credentials of whoever
 * set that ring up: a ring attached after a drop of privileges does not
 * get them back from the first ring's (exit 5 when it does).
 */
TEST(attach_wq_submits_with_each_rings_credentials)
{
	char path[] = "/tmp/io_uring-sq-creds-XXXXXX";
	int fd;

	if (geteuid())
		SKIP(return, "needs root, to make a root-only file and drop to nobody");
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fchmod(fd, 0600));
	close(fd);
	EXPECT_EQ(0, run_in_child(attach_creds_child, path, 0));
	unlink(path);
}

/* A shared thread killed with its process: no ring of it hangs or leaks. */
static int kill_sq_thread_child(void *arg)
{
	struct ring r[4];
	int i;

	(void)arg;
	if (sqpoll_init(&r[0], 8, 0, 10, 0))
		return 1;
	for (i = 1; i < 4; i++) {
		if (sqpoll_attach(&r[i], r[0].fd, 10 * i))
			return 2;
	}
	for (i = 0; i < 4; i++)
		publish_nops(&r[i], 4, 0);
	/* closed in a different order than set up; the rest at exit */
	ring_exit(&r[2]);
	ring_exit(&r[0]);
	raise(SIGKILL);
	return 3;
}

TEST(attach_wq_rings_die_with_their_process)
{
	int i, status;
	pid_t pid;

	for (i = 0; i < 20; i++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid)
			_exit(kill_sq_thread_child(NULL));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFSIGNALED(status)) TH_LOG("round %d: exit %d", i,
							WEXITSTATUS(status));
	}
	/* and no SQ thread outlives its process */
	for (i = 0; i < 500 && threads_named_anywhere("iou-sqp-") > 0; i++)
		usleep(10 * 1000);
	EXPECT_EQ(0, threads_named_anywhere("iou-sqp-"));
}

TEST_HARNESS_MAIN
