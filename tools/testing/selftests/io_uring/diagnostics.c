// SPDX-License-Identifier: GPL-2.0
/*
 * Errors people can diagnose: with the dynamic debug lines of io_uring.c
 * turned on, each refused call or SQE leaves a kernel log line that names
 * the check and the value it refused.  Documentation/userspace-api/
 * io_uring.rst lists them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include "../kselftest_harness.h"
#include "ring.h"

#define CONTROL	"/proc/dynamic_debug/control"

static int dyndbg(const char *cmd)
{
	int fd = open(CONTROL, O_WRONLY);
	int ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, cmd, strlen(cmd)) == (ssize_t)strlen(cmd) ? 0 : -errno;
	close(fd);
	return ret;
}

/* Whether the kernel log, from @fd's position on, has a line with @what. */
static int logged(int fd, const char *what)
{
	char rec[1024];
	ssize_t n;
	int found = 0;

	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = '\0';
		if (strstr(rec, what))
			found = 1;
	}
	return found;
}

FIXTURE(diag) {
	int kmsg;
};

FIXTURE_SETUP(diag)
{
	if (access(CONTROL, W_OK))
		SKIP(return, "no " CONTROL ": a kernel without CONFIG_DYNAMIC_DEBUG");
	ASSERT_EQ(0, dyndbg("file io_uring.c +p"));
	self->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, self->kmsg);
	lseek(self->kmsg, 0, SEEK_END);
}

FIXTURE_TEARDOWN(diag)
{
	if (access(CONTROL, W_OK))
		return;
	dyndbg("file io_uring.c -p");
	close(self->kmsg);
}

TEST_F(diag, setup_names_its_field)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.resv[1] = 5;
	EXPECT_EQ(-1, sys_setup(8, &p));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_TRUE(logged(self->kmsg, "io_uring: setup: resv[1] is 5, not zero"));

	p.resv[1] = 0;
	EXPECT_EQ(-1, sys_setup(40000, &p));
	EXPECT_TRUE(logged(self->kmsg, "setup: 40000 entries, more than 32768"));

	if (geteuid() == 0) {
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF;
		p.sq_thread_cpu = 7;
		EXPECT_EQ(-1, sys_setup(8, &p));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_TRUE(logged(self->kmsg, "setup: sq_thread_cpu 7 is not an online CPU"));
	}
}

TEST_F(diag, enter_and_register_name_the_problem)
{
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	EXPECT_EQ(-1, sys_enter(r.fd, 0, 0, 1U << 30, NULL, 0));
	EXPECT_TRUE(logged(self->kmsg, "enter: flags 0x40000000 unknown"));
	EXPECT_EQ(-1, sys_enter(0, 0, 0, 0, NULL, 0));
	EXPECT_TRUE(logged(self->kmsg, "enter: fd 0 is not an io_uring"));
	EXPECT_EQ(-1, sys_register(r.fd, 99, NULL, 0));
	EXPECT_TRUE(logged(self->kmsg, "register: opcode 99 unknown"));
	EXPECT_EQ(-1, sys_register(r.fd, IORING_UNREGISTER_FILES, NULL, 0));
	EXPECT_TRUE(logged(self->kmsg, "register: no files to unregister"));
	ring_exit(&r);
}

TEST_F(diag, sqes_name_their_field_and_user_data)
{
	struct io_uring_sqe *sqe;
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	sqe = ring_get_sqe(&r);
	sqe->opcode = 200;
	sqe->user_data = 0xabc;
	EXPECT_EQ(-EINVAL, ring_run_one(&r, 0xabc));
	EXPECT_TRUE(logged(self->kmsg, "sqe 0xabc: opcode 200 not supported"));

	sqe = ring_get_sqe(&r);
	sqe->opcode = IORING_OP_NOP;
	sqe->addr3 = 1;
	sqe->user_data = 0xdef;
	EXPECT_EQ(-EINVAL, ring_run_one(&r, 0xdef));
	EXPECT_TRUE(logged(self->kmsg, "sqe 0xdef: addr3 must be zero"));

	sqe = ring_get_sqe(&r);
	sqe->opcode = IORING_OP_READ_FIXED;
	sqe->fd = 0;
	sqe->buf_index = 3;
	sqe->user_data = 0x123;
	EXPECT_EQ(-EFAULT, ring_run_one(&r, 0x123));
	EXPECT_TRUE(logged(self->kmsg, "sqe 0x123: buffer 3, 0 registered"));
	ring_exit(&r);
}

TEST_HARNESS_MAIN
