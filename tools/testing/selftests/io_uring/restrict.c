// SPDX-License-Identifier: GPL-2.0
/*
 * Who may use a ring, and for what: a ring set up IORING_SETUP_R_DISABLED
 * takes nothing until IORING_REGISTER_ENABLE_RINGS, and may first be given
 * restrictions (IORING_REGISTER_RESTRICTIONS: the register opcodes, SQE
 * opcodes and SQE flags it allows); IORING_SETUP_SINGLE_ISSUER lets one
 * task submit and register.  COOP_TASKRUN and TASKRUN_FLAG are taken as
 * 6.1 takes them.  Bad inputs get 6.1's errnos.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "ring.h"

static int enable(struct ring *r)
{
	return sys_register(r->fd, IORING_REGISTER_ENABLE_RINGS, NULL, 0) ? errno : 0;
}

static int restrict_ring(struct ring *r, struct io_uring_restriction *res, unsigned int nr)
{
	return sys_register(r->fd, IORING_REGISTER_RESTRICTIONS, res, nr) ? errno : 0;
}

static struct io_uring_sqe *prep_nop(struct ring *r, __u8 flags, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_NOP;
	sqe->flags = flags;
	sqe->user_data = data;
	return sqe;
}

/* The res of a NOP with @flags, run alone. */
static int nop(struct ring *r, __u8 flags)
{
	prep_nop(r, flags, 0x77);
	return ring_run_one(r, 0x77);
}

/* The res of the next CQE, which must be @data's (-EPROTO if not). */
static int reap_one(struct ring *r, __u64 data)
{
	struct io_uring_cqe cqe;
	int ret = ring_wait_cqe(r, &cqe);

	if (ret)
		return ret;
	return cqe.user_data == data ? cqe.res : -EPROTO;
}

/*
 * Submit the one SQE an earlier io_uring_enter() refused (it is in the SQ
 * ring already) and return 1 if its CQE, @data's, says 0.
 */
static int submit_left(struct ring *r, __u64 data)
{
	int ret = sys_enter(r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0);

	if (ret != 1)
		return ret < 0 ? -errno : -EIO;
	return reap_one(r, data) == 0;
}

static void restriction(struct io_uring_restriction *res, __u16 type, __u8 value)
{
	memset(res, 0, sizeof(*res));
	res->opcode = type;
	res->sqe_op = value;
}

TEST(disabled_ring_takes_nothing_until_enabled)
{
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 4, IORING_SETUP_R_DISABLED));
	prep_nop(&r, 0, 1);
	EXPECT_EQ(-EBADFD, ring_submit(&r, 0));
	EXPECT_EQ(-1, sys_enter(r.fd, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0));
	EXPECT_EQ(EBADFD, errno);
	/* ENABLE_RINGS takes no arguments, and enables once */
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_ENABLE_RINGS, NULL, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, enable(&r));
	EXPECT_EQ(EBADFD, enable(&r));
	/* the NOP still in the SQ goes now */
	EXPECT_EQ(1, submit_left(&r, 1));
	EXPECT_EQ(0, nop(&r, 0));
	ring_exit(&r);
}

/* CPU time (in clock ticks) of this process's SQ threads. */
static long sq_thread_ticks(void)
{
	char path[300], buf[512], *p;
	unsigned long utime, stime;
	struct dirent *d;
	long ticks = 0;
	DIR *dir;

	dir = opendir("/proc/self/task");
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/task/%s/stat", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		/* after the comm: state and 10 more fields, then utime and stime */
		if (p && strstr(buf, "(iou-sqp-") &&
		    sscanf(p + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %lu %lu",
			   &utime, &stime) == 2)
			ticks += utime + stime;
		fclose(f);
	}
	closedir(dir);
	return ticks;
}

/*
 * SQEs published on a disabled SQPOLL ring wait, and its SQ thread sleeps
 * meanwhile (it spun before); the enabling wakes it.
 */
TEST(disabled_sqpoll_ring_starts_when_enabled)
{
	struct io_uring_cqe cqe;
	long ticks;
	struct ring r;
	int i;

	memset(&r, 0, sizeof(r));
	r.p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_R_DISABLED;
	r.p.sq_thread_idle = 10;
	r.fd = sys_setup(4, &r.p);
	ASSERT_LE(0, r.fd);
	ASSERT_EQ(0, ring_mmap(&r));
	prep_nop(&r, 0, 1);
	ring_flush(&r);
	usleep(200000);
	ticks = sq_thread_ticks();
	usleep(500000);
	EXPECT_GT(10, sq_thread_ticks() - ticks);
	EXPECT_EQ(0, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(0, enable(&r));
	for (i = 0; i < 500 && !ring_peek_cqe(&r, &cqe); i++)
		usleep(10000);
	EXPECT_EQ(1, cqe.user_data);
	ring_exit(&r);
}

/* Only what the restrictions list: other SQEs and register calls are -EACCES. */
TEST(restrictions_allow_what_they_list)
{
	struct io_uring_restriction res[4];
	struct ring r;
	int id;

	ASSERT_EQ(0, ring_init(&r, 4, IORING_SETUP_R_DISABLED));
	restriction(&res[0], IORING_RESTRICTION_SQE_OP, IORING_OP_NOP);
	restriction(&res[1], IORING_RESTRICTION_SQE_OP, IORING_OP_TIMEOUT_REMOVE);
	restriction(&res[2], IORING_RESTRICTION_SQE_FLAGS_ALLOWED, IOSQE_IO_LINK);
	restriction(&res[3], IORING_RESTRICTION_REGISTER_OP, IORING_REGISTER_PERSONALITY);
	ASSERT_EQ(0, restrict_ring(&r, res, 4));
	EXPECT_EQ(0, enable(&r));

	EXPECT_EQ(0, nop(&r, 0));
	EXPECT_EQ(-EACCES, nop(&r, IOSQE_ASYNC));
	prep_nop(&r, IOSQE_IO_LINK, 1);
	prep_nop(&r, 0, 2);
	EXPECT_EQ(2, ring_submit(&r, 2));
	EXPECT_EQ(0, reap_one(&r, 1));
	EXPECT_EQ(0, reap_one(&r, 2));
	ring_get_sqe(&r)->opcode = IORING_OP_TIMEOUT_REMOVE;
	EXPECT_EQ(-ENOENT, ring_run_one(&r, 0));
	ring_get_sqe(&r)->opcode = IORING_OP_TIMEOUT;
	EXPECT_EQ(-EACCES, ring_run_one(&r, 0));
	/* an opcode nobody knows is still -EINVAL; one 6.1 knows, -EACCES */
	ring_get_sqe(&r)->opcode = IORING_OP_LAST;
	EXPECT_EQ(-EINVAL, ring_run_one(&r, 0));
	ring_get_sqe(&r)->opcode = IORING_OP_URING_CMD;
	EXPECT_EQ(-EACCES, ring_run_one(&r, 0));

	id = sys_register(r.fd, IORING_REGISTER_PERSONALITY, NULL, 0);
	EXPECT_LT(0, id);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_UNREGISTER_PERSONALITY, NULL, id));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_LAST, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	ring_exit(&r);
}

/* SQE_FLAGS_REQUIRED: each SQE must carry them (here, registered files only). */
TEST(restrictions_require_flags)
{
	struct io_uring_restriction res[3];
	struct io_uring_sqe *sqe;
	char buf[4];
	int fds[2];
	struct ring r;

	ASSERT_EQ(0, pipe(fds));
	ASSERT_EQ(0, ring_init(&r, 4, IORING_SETUP_R_DISABLED));
	restriction(&res[0], IORING_RESTRICTION_SQE_OP, IORING_OP_READ);
	restriction(&res[1], IORING_RESTRICTION_SQE_FLAGS_REQUIRED, IOSQE_FIXED_FILE);
	restriction(&res[2], IORING_RESTRICTION_REGISTER_OP, IORING_REGISTER_FILES);
	ASSERT_EQ(0, restrict_ring(&r, res, 3));
	ASSERT_EQ(0, enable(&r));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_FILES, fds, 1));
	ASSERT_EQ(3, write(fds[1], "abc", 3));
	sqe = ring_get_sqe(&r);
	prep_rw(sqe, IORING_OP_READ, 0, buf, sizeof(buf), 0);
	sqe->flags = IOSQE_FIXED_FILE;
	EXPECT_EQ(3, ring_run_one(&r, 0));
	sqe = ring_get_sqe(&r);
	prep_rw(sqe, IORING_OP_READ, fds[0], buf, sizeof(buf), 0);
	EXPECT_EQ(-EACCES, ring_run_one(&r, 0));
	ring_exit(&r);
	close(fds[0]);
	close(fds[1]);
}

TEST(restrictions_bad_inputs)
{
	struct io_uring_restriction res[2];
	struct ring r;

	restriction(&res[0], IORING_RESTRICTION_SQE_OP, IORING_OP_NOP);
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	EXPECT_EQ(EBADFD, restrict_ring(&r, res, 1));
	ring_exit(&r);

	ASSERT_EQ(0, ring_init(&r, 4, IORING_SETUP_R_DISABLED));
	EXPECT_EQ(EINVAL, restrict_ring(&r, NULL, 1));
	EXPECT_EQ(EINVAL, restrict_ring(&r, res, 80));
	EXPECT_EQ(EFAULT, restrict_ring(&r, (void *)8, 1));
	restriction(&res[1], IORING_RESTRICTION_LAST, 0);
	EXPECT_EQ(EINVAL, restrict_ring(&r, res, 2));
	restriction(&res[1], IORING_RESTRICTION_REGISTER_OP, IORING_REGISTER_LAST);
	EXPECT_EQ(EINVAL, restrict_ring(&r, res, 2));
	restriction(&res[1], IORING_RESTRICTION_SQE_OP, IORING_OP_LAST);
	EXPECT_EQ(EINVAL, restrict_ring(&r, res, 2));
	/* none of that was kept: NOP alone is allowed, once */
	EXPECT_EQ(0, restrict_ring(&r, res, 1));
	EXPECT_EQ(EBUSY, restrict_ring(&r, res, 1));
	EXPECT_EQ(0, enable(&r));
	/* a register call the restrictions do not list, first */
	EXPECT_EQ(EACCES, restrict_ring(&r, res, 1));
	EXPECT_EQ(0, nop(&r, 0));
	ring_exit(&r);

	/* no restrictions at all allow nothing */
	ASSERT_EQ(0, ring_init(&r, 4, IORING_SETUP_R_DISABLED));
	EXPECT_EQ(0, restrict_ring(&r, res, 0));
	EXPECT_EQ(0, enable(&r));
	EXPECT_EQ(-EACCES, nop(&r, 0));
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_PERSONALITY, NULL, 0));
	EXPECT_EQ(EACCES, errno);
	ring_exit(&r);
}

struct other {
	struct ring *r;
	int enable;		/* enable the ring first */
	int submit;		/* what a NOP's submission returned */
	int reg;		/* errno of a register call, or 0 */
	int wait;		/* what a wait for nothing returned */
};

static void *other_task(void *data)
{
	struct other *o = data;

	if (o->enable)
		enable(o->r);
	prep_nop(o->r, 0, 5);
	o->submit = ring_submit(o->r, 0);
	o->reg = sys_register(o->r->fd, IORING_REGISTER_PERSONALITY, NULL, 0) < 0 ? errno : 0;
	o->wait = sys_enter(o->r->fd, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0);
	return NULL;
}

static void run_other(struct other *o)
{
	pthread_t t;

	pthread_create(&t, NULL, other_task, o);
	pthread_join(t, NULL);
}

/* SINGLE_ISSUER: another thread may wait, not submit or register (-EEXIST). */
TEST(single_issuer)
{
	struct other o = { 0 };
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 4, IORING_SETUP_SINGLE_ISSUER));
	EXPECT_EQ(0, nop(&r, 0));
	o.r = &r;
	run_other(&o);
	EXPECT_EQ(-EEXIST, o.submit);
	EXPECT_EQ(EEXIST, o.reg);
	EXPECT_EQ(0, o.wait);
	/* its NOP is still in the SQ: the issuer submits it */
	EXPECT_EQ(1, submit_left(&r, 5));
	ring_exit(&r);
}

/* A disabled SINGLE_ISSUER ring's issuer is the task that enables it. */
TEST(single_issuer_is_the_enabler)
{
	struct other o = { .enable = 1 };
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 4, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_R_DISABLED));
	o.r = &r;
	run_other(&o);
	EXPECT_EQ(1, o.submit);
	EXPECT_EQ(0, o.reg);
	prep_nop(&r, 0, 6);
	EXPECT_EQ(-EEXIST, ring_submit(&r, 0));
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_PERSONALITY, NULL, 0));
	EXPECT_EQ(EEXIST, errno);
	ring_exit(&r);
}

/* With SQPOLL the SQ thread submits: any thread may fill the SQ. */
TEST(single_issuer_sqpoll)
{
	struct other o = { 0 };
	struct io_uring_cqe cqe;
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 4, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_SQPOLL));
	o.r = &r;
	run_other(&o);
	EXPECT_EQ(1, o.submit);
	EXPECT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_EQ(5, cqe.user_data);
	ring_exit(&r);
}

/*
 * COOP_TASKRUN and TASKRUN_FLAG: completions never wait for the task to
 * run them here, so without DEFER_TASKRUN (taskrun.c) IORING_SQ_TASKRUN is
 * set only while a socket's retry waits for the task to enter the kernel.
 * 6.1's rules for them.
 */
TEST(taskrun_flags)
{
	struct ring r;

	EXPECT_EQ(0, flags_errno(IORING_SETUP_COOP_TASKRUN));
	EXPECT_EQ(EINVAL, flags_errno(IORING_SETUP_TASKRUN_FLAG));
	EXPECT_EQ(EINVAL, flags_errno(IORING_SETUP_SQPOLL | IORING_SETUP_COOP_TASKRUN));
	EXPECT_EQ(EINVAL, flags_errno(IORING_SETUP_SQPOLL | IORING_SETUP_COOP_TASKRUN |
				      IORING_SETUP_TASKRUN_FLAG));
	ASSERT_EQ(0, ring_init(&r, 4, IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG));
	EXPECT_EQ(0, nop(&r, IOSQE_ASYNC));
	EXPECT_EQ(0, *r.sq_flags & IORING_SQ_TASKRUN);
	ring_exit(&r);
}

TEST_HARNESS_MAIN
