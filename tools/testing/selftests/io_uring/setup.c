// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring_setup(), the ring mappings, and the argument checks of
 * io_uring_enter() and io_uring_register(): each bad input gets its errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "ring.h"

static int setup_errno(unsigned int entries, struct io_uring_params *p)
{
	int fd = sys_setup(entries, p);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

TEST(sizes_round_up)
{
	static const unsigned int in[] = { 1, 2, 3, 5, 100, 4095, 4096 };
	static const unsigned int out[] = { 1, 2, 4, 8, 128, 4096, 4096 };
	struct io_uring_params p;
	int i, fd;

	for (i = 0; i < ARRAY_SIZE(in); i++) {
		memset(&p, 0, sizeof(p));
		fd = sys_setup(in[i], &p);
		ASSERT_LE(0, fd) TH_LOG("entries %u: %s", in[i], strerror(errno));
		EXPECT_EQ(out[i], p.sq_entries);
		EXPECT_EQ(2 * out[i], p.cq_entries);
		close(fd);
	}
}

TEST(bad_entries)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	EXPECT_EQ(EINVAL, setup_errno(0, &p));
	EXPECT_EQ(EINVAL, setup_errno(4097, &p));
	EXPECT_EQ(EINVAL, setup_errno(~0u, &p));
}

TEST(fd_is_cloexec_and_rdwr)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	fd = sys_setup(4, &p);
	ASSERT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_RDWR, fcntl(fd, F_GETFL) & O_ACCMODE);
	close(fd);
}

TEST(bad_flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = 1u << 31;
	EXPECT_EQ(EINVAL, setup_errno(4, &p));
	p.flags = 1u << 20;
	EXPECT_EQ(EINVAL, setup_errno(4, &p));
}

TEST(reserved_fields_must_be_zero)
{
	struct io_uring_params p;
	int i;

	for (i = 0; i < 3; i++) {
		memset(&p, 0, sizeof(p));
		p.resv[i] = 1;
		EXPECT_EQ(EINVAL, setup_errno(4, &p)) TH_LOG("resv[%d]", i);
	}
	memset(&p, 0, sizeof(p));
	p.wq_fd = 3;
	EXPECT_EQ(EINVAL, setup_errno(4, &p));
}

TEST(bad_params_pointer)
{
	EXPECT_EQ(EFAULT, setup_errno(4, NULL));
	EXPECT_EQ(EFAULT, setup_errno(4, (void *)1));
}

TEST(read_only_params_pointer)
{
	struct io_uring_params *p;

	/* the kernel must be able to write the offsets back */
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(EFAULT, setup_errno(4, p));
	munmap(p, 4096);
}

TEST(offsets_are_sane)
{
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	EXPECT_EQ(8, *r.sq_entries);
	EXPECT_EQ(7, *r.sq_mask);
	EXPECT_EQ(16, *r.cq_entries);
	EXPECT_EQ(15, *r.cq_mask);
	EXPECT_EQ(0, *r.sq_head);
	EXPECT_EQ(0, *r.sq_tail);
	EXPECT_EQ(0, *r.cq_head);
	EXPECT_EQ(0, *r.cq_tail);
	EXPECT_EQ(0, *r.sq_dropped);
	EXPECT_EQ(0, *r.cq_overflow);
	EXPECT_NE(r.p.sq_off.head, r.p.sq_off.tail);
	EXPECT_EQ(0, r.p.cq_off.cqes % sizeof(struct io_uring_cqe));
	ring_exit(&r);
}

TEST(abi_sizes)
{
	EXPECT_EQ(64, sizeof(struct io_uring_sqe));
	EXPECT_EQ(16, sizeof(struct io_uring_cqe));
	EXPECT_EQ(120, sizeof(struct io_uring_params));
	EXPECT_EQ(40, sizeof(struct io_sqring_offsets));
	EXPECT_EQ(40, sizeof(struct io_cqring_offsets));
	EXPECT_EQ(40, offsetof(struct io_uring_params, sq_off));
	EXPECT_EQ(80, offsetof(struct io_uring_params, cq_off));
	EXPECT_EQ(32, offsetof(struct io_uring_sqe, user_data));
	EXPECT_EQ(40, offsetof(struct io_uring_sqe, buf_index));
}

TEST(mmap_bad_offset_and_size)
{
	struct io_uring_params p;
	void *ptr;
	int fd;

	memset(&p, 0, sizeof(p));
	fd = sys_setup(4, &p);
	ASSERT_LE(0, fd);

	ptr = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
	EXPECT_EQ(MAP_FAILED, ptr);
	EXPECT_EQ(EINVAL, errno);
	ptr = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0x20000000);
	EXPECT_EQ(MAP_FAILED, ptr);
	EXPECT_EQ(EINVAL, errno);
	/* larger than the ring */
	ptr = mmap(NULL, 1 << 20, PROT_READ, MAP_SHARED, fd, IORING_OFF_SQES);
	EXPECT_EQ(MAP_FAILED, ptr);
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST(ring_memory_is_zeroed)
{
	struct ring r;
	unsigned int i;
	char *c;

	ASSERT_EQ(0, ring_init(&r, 64, 0));
	c = (char *)r.sqes;
	for (i = 0; i < r.sqes_size; i++)
		ASSERT_EQ(0, c[i]);
	c = (char *)r.cqes;
	for (i = 0; i < r.p.cq_entries * sizeof(struct io_uring_cqe); i++)
		ASSERT_EQ(0, c[i]);
	ring_exit(&r);
}

/*
 * Ring memory is charged to RLIMIT_MEMLOCK for users without
 * CAP_IPC_LOCK, and uncharged on close.
 */
static int memlock_child(void *arg)
{
	struct rlimit rl = { 64 * 1024, 64 * 1024 };
	struct io_uring_params p;
	int fd, i;

	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return 10;
	memset(&p, 0, sizeof(p));
	if (setup_errno(4096, &p) != ENOMEM)
		return 11;
	/* small rings fit, and closing one gives its charge back at once */
	for (i = 0; i < 100; i++) {
		memset(&p, 0, sizeof(p));
		fd = sys_setup(1, &p);
		if (fd < 0)
			return 12;
		close(fd);
	}
	return 0;
}

TEST(memlock_limit)
{
	if (geteuid() != 0)
		SKIP(return, "needs root to drop to an unprivileged user");
	EXPECT_EQ(0, run_in_child(memlock_child, NULL, 1));
}

TEST(enter_bad_fds_and_flags)
{
	struct ring r;
	int devnull;

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	EXPECT_EQ(-1, sys_enter(-1, 0, 0, 0, NULL, 0));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, sys_enter(1000000, 0, 0, 0, NULL, 0));
	EXPECT_EQ(EBADF, errno);
	devnull = open("/dev/null", O_RDWR);
	ASSERT_LE(0, devnull);
	EXPECT_EQ(-1, sys_enter(devnull, 1, 0, 0, NULL, 0));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, sys_enter(r.fd, 0, 0, 1u << 31, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, sys_enter(r.fd, 0, 0, 0, NULL, 0));
	close(devnull);
	ring_exit(&r);
}

TEST(register_bad_fds_and_opcodes)
{
	struct ring r;
	int devnull;

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	EXPECT_EQ(-1, sys_register(-1, 0, NULL, 0));
	EXPECT_EQ(EBADF, errno);
	devnull = open("/dev/null", O_RDWR);
	ASSERT_LE(0, devnull);
	EXPECT_EQ(-1, sys_register(devnull, 0, NULL, 0));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, sys_register(r.fd, 9999, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	close(devnull);
	ring_exit(&r);
}

static void on_alarm(int sig)
{
}

TEST(enter_wait_is_interruptible)
{
	struct ring r;
	sigset_t mask;
	int ret;

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	/* a caught signal ends the wait */
	signal(SIGALRM, on_alarm);
	alarm(1);
	ret = sys_enter(r.fd, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EINTR, errno);

	/* a wrong sigset size is refused before waiting */
	sigemptyset(&mask);
	ret = sys_enter(r.fd, 0, 1, IORING_ENTER_GETEVENTS, &mask, 4);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EINVAL, errno);
	ret = sys_enter(r.fd, 0, 1, IORING_ENTER_GETEVENTS, (void *)1, 8);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EFAULT, errno);
	ring_exit(&r);
}

static volatile int got_usr1;

static void on_usr1(int sig)
{
	got_usr1 = 1;
}

TEST(enter_sigmask_applies_while_waiting)
{
	struct ring r;
	sigset_t block_usr1, old;
	pid_t child;
	int ret;

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	signal(SIGUSR1, on_usr1);
	/* USR1 is blocked in the caller and unblocked only while waiting */
	sigemptyset(&block_usr1);
	sigaddset(&block_usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block_usr1, &old);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		usleep(300 * 1000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	sigemptyset(&old);
	ret = sys_enter(r.fd, 0, 1, IORING_ENTER_GETEVENTS, &old, 8);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(1, got_usr1);
	waitpid(child, NULL, 0);
	ring_exit(&r);
}

TEST_HARNESS_MAIN
