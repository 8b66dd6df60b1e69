// SPDX-License-Identifier: GPL-2.0
/*
 * kernel.io_uring_disabled and kernel.io_uring_group: 0 lets everyone set
 * up rings, 1 only CAP_SYS_ADMIN and the group, 2 nobody (EPERM); rings
 * that exist keep working whatever the setting.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "../kselftest_harness.h"
#include "ring.h"

#define DISABLED	"/proc/sys/kernel/io_uring_disabled"
#define GROUP		"/proc/sys/kernel/io_uring_group"

static int write_sysctl(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -errno;
}

static int try_setup(void *arg)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	fd = sys_setup(4, &p);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno == EPERM ? 1 : 2;
}

FIXTURE(sysctl) {
	struct ring r;	/* set up before any switching */
};

FIXTURE_SETUP(sysctl)
{
	if (geteuid() != 0 || access(DISABLED, W_OK))
		SKIP(return, "needs root and " DISABLED);
	ASSERT_EQ(0, ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(sysctl)
{
	if (geteuid() != 0 || access(DISABLED, W_OK))
		return;
	write_sysctl(DISABLED, "0");
	write_sysctl(GROUP, "-1");
	ring_exit(&self->r);
}

static int nop(struct ring *r)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_NOP;
	sqe->user_data = 77;
	return ring_run_one(r, 77);
}

TEST_F(sysctl, levels)
{
	/* 0: everyone */
	EXPECT_EQ(0, try_setup(NULL));
	EXPECT_EQ(0, run_in_child(try_setup, NULL, 1));

	/* 1: root (CAP_SYS_ADMIN) yes, nobody no */
	ASSERT_EQ(0, write_sysctl(DISABLED, "1"));
	EXPECT_EQ(0, try_setup(NULL));
	EXPECT_EQ(1, run_in_child(try_setup, NULL, 1));
	/* the ring made before still works */
	EXPECT_EQ(0, nop(&self->r));

	/* 1 with a group: its members may */
	ASSERT_EQ(0, write_sysctl(GROUP, "65534"));
	EXPECT_EQ(0, run_in_child(try_setup, NULL, 1));
	ASSERT_EQ(0, write_sysctl(GROUP, "12345"));
	EXPECT_EQ(1, run_in_child(try_setup, NULL, 1));

	/* 2: nobody, not even root */
	ASSERT_EQ(0, write_sysctl(DISABLED, "2"));
	EXPECT_EQ(1, try_setup(NULL));
	EXPECT_EQ(1, run_in_child(try_setup, NULL, 1));
	EXPECT_EQ(0, nop(&self->r));

	ASSERT_EQ(0, write_sysctl(DISABLED, "0"));
	EXPECT_EQ(0, run_in_child(try_setup, NULL, 1));
}

TEST_F(sysctl, out_of_range_values)
{
	EXPECT_EQ(-EINVAL, write_sysctl(DISABLED, "3"));
	EXPECT_EQ(-EINVAL, write_sysctl(DISABLED, "-1"));
	EXPECT_EQ(0, try_setup(NULL));
}

TEST_HARNESS_MAIN
