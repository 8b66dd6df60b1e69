// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_RING_FDS: a thread registers ring fds in 16 slots of its
 * own, and names a ring by slot in io_uring_enter(IORING_ENTER_REGISTERED_RING),
 * skipping the fd table.  A slot holds the ring open until it is
 * unregistered, or the thread exits or execs.  Bad inputs get 6.1's errnos.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "ring.h"

#define SLOTS	16

static int reg_fds(struct ring *r, struct io_uring_rsrc_update *u, unsigned int nr)
{
	int ret = sys_register(r->fd, IORING_REGISTER_RING_FDS, u, nr);

	return ret < 0 ? -errno : ret;
}

static int unreg_fds(struct ring *r, struct io_uring_rsrc_update *u, unsigned int nr)
{
	int ret = sys_register(r->fd, IORING_UNREGISTER_RING_FDS, u, nr);

	return ret < 0 ? -errno : ret;
}

/* Register @fd in @slot (-1U: any); the slot, or -errno. */
static int reg_one(struct ring *r, int fd, unsigned int slot)
{
	struct io_uring_rsrc_update u = { .offset = slot, .data = fd };
	int ret = reg_fds(r, &u, 1);

	return ret == 1 ? (int)u.offset : ret;
}

static int unreg_one(struct ring *r, unsigned int slot)
{
	struct io_uring_rsrc_update u = { .offset = slot };

	return unreg_fds(r, &u, 1);
}

/* Submit the NOPs pending in @r through @slot and wait for them. */
static int enter_slot(struct ring *r, unsigned int slot, unsigned int n)
{
	int ret = sys_enter(slot, n, n, IORING_ENTER_GETEVENTS | IORING_ENTER_REGISTERED_RING,
			    NULL, 0);

	return ret < 0 ? -errno : ret;
}

TEST(registered_ring_takes_submissions)
{
	struct io_uring_cqe cqe;
	struct ring r, ctl;
	int slot;

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	ASSERT_EQ(0, ring_init(&ctl, 4, 0));
	slot = reg_one(&ctl, r.fd, -1U);
	ASSERT_LE(0, slot);
	ASSERT_GT(SLOTS, slot);
	ring_get_sqe(&r)->user_data = 1;
	ring_flush(&r);
	EXPECT_EQ(1, enter_slot(&r, slot, 1));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(1, cqe.user_data);

	/* the slot holds the ring open */
	close(r.fd);
	r.fd = -1;
	ring_get_sqe(&r)->user_data = 2;
	ring_flush(&r);
	EXPECT_EQ(1, enter_slot(&r, slot, 1));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(2, cqe.user_data);

	EXPECT_EQ(1, unreg_one(&ctl, slot));
	EXPECT_EQ(-EBADF, enter_slot(&r, slot, 0));
	ring_exit(&r);
	ring_exit(&ctl);
}

TEST(slots)
{
	struct ring r, other;
	int i, p[2];

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	ASSERT_EQ(0, ring_init(&other, 4, 0));
	/* the ring registered need not be the one called */
	EXPECT_EQ(5, reg_one(&r, other.fd, 5));
	EXPECT_EQ(-EBUSY, reg_one(&r, r.fd, 5));
	EXPECT_EQ(0, reg_one(&r, r.fd, -1U));
	for (i = 2; i < SLOTS; i++)
		EXPECT_LE(0, reg_one(&r, r.fd, -1U));
	EXPECT_EQ(-EBUSY, reg_one(&r, r.fd, -1U));
	EXPECT_EQ(1, unreg_one(&r, 5));
	EXPECT_EQ(5, reg_one(&r, r.fd, -1U));
	/* an empty slot unregisters quietly */
	EXPECT_EQ(1, unreg_one(&r, 5));
	EXPECT_EQ(1, unreg_one(&r, 5));

	/* as on 6.1, a taken slot says so before the fd is looked at */
	EXPECT_EQ(-EBUSY, reg_one(&r, 1000, 0));
	EXPECT_EQ(-EBADF, reg_one(&r, 1000, -1U));
	EXPECT_EQ(-EBADF, reg_one(&r, -1, -1U));
	EXPECT_EQ(-EOPNOTSUPP, reg_one(&r, p[0], 5));
	ring_exit(&other);
	ring_exit(&r);
	close(p[0]);
	close(p[1]);
}

TEST(bad_inputs)
{
	struct io_uring_rsrc_update u[SLOTS + 1];
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	memset(u, 0, sizeof(u));
	u[0].offset = -1U;
	u[0].data = r.fd;
	EXPECT_EQ(-EINVAL, reg_fds(&r, u, 0));
	EXPECT_EQ(-EINVAL, reg_fds(&r, u, SLOTS + 1));
	EXPECT_EQ(-EINVAL, unreg_fds(&r, u, 0));
	EXPECT_EQ(-EINVAL, unreg_fds(&r, u, SLOTS + 1));
	EXPECT_EQ(-EFAULT, reg_fds(&r, (void *)8, 1));
	u[0].resv = 1;
	EXPECT_EQ(-EINVAL, reg_fds(&r, u, 1));
	u[0].resv = 0;
	u[0].offset = SLOTS;
	EXPECT_EQ(-EINVAL, reg_fds(&r, u, 1));

	/* the first update is taken, the second refused: 1 */
	u[0].offset = 3;
	u[1].offset = SLOTS;
	u[1].data = r.fd;
	EXPECT_EQ(1, reg_fds(&r, u, 2));
	EXPECT_EQ(3, u[0].offset);
	EXPECT_EQ(-EFAULT, unreg_fds(&r, (void *)8, 1));
	u[0].resv = 1;
	EXPECT_EQ(-EINVAL, unreg_fds(&r, u, 1));
	u[0].resv = 0;
	/* unregistering names no fd */
	EXPECT_EQ(-EINVAL, unreg_fds(&r, u, 1));
	u[0].data = 0;
	EXPECT_EQ(1, unreg_fds(&r, &u[0], 1));

	EXPECT_EQ(-EINVAL, enter_slot(&r, SLOTS, 0));
	EXPECT_EQ(-EBADF, enter_slot(&r, 3, 0));
	ring_exit(&r);
}

static void *enter_from_thread(void *arg)
{
	long slot = (long)arg;

	return (void *)(long)(sys_enter(slot, 0, 0, IORING_ENTER_REGISTERED_RING,
					NULL, 0) < 0 ? errno : 0);
}

/* Slots are the thread's own: neither another thread nor a child has them. */
TEST(slots_are_per_thread)
{
	struct ring r;
	pthread_t t;
	void *res;
	int slot, status;
	pid_t pid;

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	slot = reg_one(&r, r.fd, -1U);
	ASSERT_LE(0, slot);
	EXPECT_EQ(0, enter_slot(&r, slot, 0));
	ASSERT_EQ(0, pthread_create(&t, NULL, enter_from_thread, (void *)(long)slot));
	pthread_join(t, &res);
	EXPECT_EQ(EINVAL, (long)res);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(enter_from_thread((void *)(long)slot) != (void *)EINVAL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ring_exit(&r);
}

TEST_HARNESS_MAIN
