// SPDX-License-Identifier: GPL-2.0
/*
 * An unmodified liburing client (Debian's liburing-dev 2.3, linked
 * statically): queue init/exit, submit and wait, readv/writev/fsync, fixed
 * buffers and files, SQPOLL, IOPOLL, poll add/remove and feature probing,
 * all through liburing's own API and its own copy of the ABI header.
 * Prints TAP.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <liburing.h>

static int n, failed;

#define CHECK(cond, ...) do {						\
	n++;								\
	if (cond) {							\
		printf("ok %d ", n);					\
	} else {							\
		printf("not ok %d ", n);				\
		failed++;						\
	}								\
	printf(__VA_ARGS__);						\
	printf("\n");							\
} while (0)

#define SKIP(...) do {							\
	n++;								\
	printf("ok %d # SKIP ", n);					\
	printf(__VA_ARGS__);						\
	printf("\n");							\
} while (0)

/* Submit what is queued and return the res of the next CQE. */
static int run(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	int ret;

	ret = io_uring_submit_and_wait(ring, 1);
	if (ret < 0)
		return ret;
	ret = io_uring_wait_cqe(ring, &cqe);
	if (ret < 0)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return ret;
}

static void test_basic(const char *dir)
{
	struct io_uring ring;
	char path[256], wbuf[8192], rbuf[8192];
	struct iovec wiov = { wbuf, sizeof(wbuf) }, riov = { rbuf, sizeof(rbuf) };
	struct io_uring_sqe *sqe;
	int fd, ret, i;

	ret = io_uring_queue_init(8, &ring, 0);
	CHECK(ret == 0, "%s: io_uring_queue_init (%s)", dir, strerror(-ret));
	if (ret)
		return;
	snprintf(path, sizeof(path), "%s/liburing-compat.dat", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	unlink(path);
	for (i = 0; i < (int)sizeof(wbuf); i++)
		wbuf[i] = i * 13;

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data(sqe, (void *)0x1234);
	ret = io_uring_submit(&ring);
	CHECK(ret == 1, "%s: submit one nop (%d)", dir, ret);
	{
		struct io_uring_cqe *cqe;

		ret = io_uring_wait_cqe(&ring, &cqe);
		CHECK(ret == 0 && cqe->res == 0 &&
		      io_uring_cqe_get_data(cqe) == (void *)0x1234,
		      "%s: nop completes with its user_data", dir);
		if (!ret)
			io_uring_cqe_seen(&ring, cqe);
	}

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_writev(sqe, fd, &wiov, 1, 0);
	ret = run(&ring);
	CHECK(ret == sizeof(wbuf), "%s: writev (%d)", dir, ret);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
	ret = run(&ring);
	CHECK(ret == 0, "%s: fsync datasync (%d)", dir, ret);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_readv(sqe, fd, &riov, 1, 0);
	ret = run(&ring);
	CHECK(ret == sizeof(rbuf) && !memcmp(wbuf, rbuf, sizeof(rbuf)),
	      "%s: readv reads back what was written (%d)", dir, ret);

	/* fixed buffers and files */
	ret = io_uring_register_buffers(&ring, &riov, 1);
	CHECK(ret == 0, "%s: register_buffers (%s)", dir, strerror(-ret));
	ret = io_uring_register_files(&ring, &fd, 1);
	CHECK(ret == 0, "%s: register_files (%s)", dir, strerror(-ret));
	memset(rbuf, 0, sizeof(rbuf));
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read_fixed(sqe, 0, rbuf, sizeof(rbuf), 0, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	ret = run(&ring);
	CHECK(ret == sizeof(rbuf) && !memcmp(wbuf, rbuf, sizeof(rbuf)),
	      "%s: read_fixed on a fixed file (%d)", dir, ret);
	ret = io_uring_unregister_files(&ring);
	CHECK(ret == 0, "%s: unregister_files", dir);
	ret = io_uring_unregister_buffers(&ring);
	CHECK(ret == 0, "%s: unregister_buffers", dir);
	close(fd);
	io_uring_queue_exit(&ring);
}

static void test_poll(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	int p[2], ret, i, cancelled = 0, removed = 0;

	if (io_uring_queue_init(8, &ring, 0) || pipe(p)) {
		CHECK(0, "poll: set-up");
		return;
	}
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_poll_add(sqe, p[0], POLLIN);
	io_uring_sqe_set_data(sqe, (void *)1);
	io_uring_submit(&ring);
	ret = write(p[1], "x", 1);
	ret = io_uring_wait_cqe(&ring, &cqe);
	CHECK(ret == 0 && (cqe->res & POLLIN), "poll_add on a pipe sees POLLIN");
	io_uring_cqe_seen(&ring, cqe);
	ret = read(p[0], &i, 1);

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_poll_add(sqe, p[0], POLLIN);
	io_uring_sqe_set_data(sqe, (void *)2);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_poll_remove(sqe, (__u64)2);
	io_uring_sqe_set_data(sqe, (void *)3);
	io_uring_submit_and_wait(&ring, 2);
	for (i = 0; i < 2; i++) {
		if (io_uring_wait_cqe(&ring, &cqe))
			break;
		if (cqe->user_data == 2 && cqe->res == -ECANCELED)
			cancelled++;
		if (cqe->user_data == 3 && cqe->res == 0)
			removed++;
		io_uring_cqe_seen(&ring, cqe);
	}
	CHECK(cancelled == 1 && removed == 1, "poll_remove cancels the poll");
	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

static void test_sqpoll(void)
{
	struct io_uring_params p = { .flags = IORING_SETUP_SQPOLL, .sq_thread_idle = 50 };
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	char buf[512];
	struct iovec iov = { buf, sizeof(buf) };
	int fd, ret, i;

	if (geteuid()) {
		SKIP("SQPOLL needs root");
		return;
	}
	ret = io_uring_queue_init_params(8, &ring, &p);
	CHECK(ret == 0, "SQPOLL ring (%s)", strerror(-ret));
	if (ret)
		return;
	fd = open("/proc/self/exe", O_RDONLY);
	io_uring_register_files(&ring, &fd, 1);
	/* let the thread go idle so that liburing must wake it */
	usleep(200 * 1000);
	for (i = 0; i < 3; i++) {
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_readv(sqe, 0, &iov, 1, 0);
		sqe->flags |= IOSQE_FIXED_FILE;
		ret = run(&ring);
		CHECK(ret == 512, "SQPOLL read %d through liburing's wakeup (%d)", i, ret);
		usleep(100 * 1000);
	}
	close(fd);
	io_uring_queue_exit(&ring);
}

static void test_iopoll(const char *dev)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct iovec iov;
	void *buf;
	int fd, ret, i;

	fd = open(dev, O_RDONLY | O_DIRECT);
	if (fd < 0) {
		SKIP("no %s", dev);
		return;
	}
	if (posix_memalign(&buf, 4096, 4096))
		return;
	iov.iov_base = buf;
	iov.iov_len = 4096;
	ret = io_uring_queue_init(16, &ring, IORING_SETUP_IOPOLL);
	CHECK(ret == 0, "IOPOLL ring (%s)", strerror(-ret));
	if (ret)
		return;
	for (i = 0; i < 8; i++) {
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_readv(sqe, fd, &iov, 1, i * 4096);
	}
	ret = io_uring_submit_and_wait(&ring, 8);
	CHECK(ret == 8, "IOPOLL: 8 reads on %s submitted and reaped (%d)", dev, ret);
	for (i = 0; i < 8; i++) {
		struct io_uring_cqe *cqe;

		if (io_uring_wait_cqe(&ring, &cqe) || cqe->res != 4096)
			break;
		io_uring_cqe_seen(&ring, cqe);
	}
	CHECK(i == 8, "IOPOLL: all completions carry 4096");
	io_uring_queue_exit(&ring);
	close(fd);
	free(buf);
}

/* What this kernel does not have must fail the way liburing expects. */
static void test_probe_and_missing(void)
{
	struct io_uring_params p = { .flags = IORING_SETUP_CQSIZE, .cq_entries = 64 };
	struct io_uring_probe *probe;
	struct io_uring ring;
	int ret;

	probe = io_uring_get_probe();
	if (probe) {
		CHECK(io_uring_opcode_supported(probe, IORING_OP_READV) &&
		      io_uring_opcode_supported(probe, IORING_OP_NOP),
		      "probe lists READV and NOP");
		io_uring_free_probe(probe);
	} else {
		CHECK(1, "probe not offered: io_uring_get_probe() returns NULL");
	}
	ret = io_uring_queue_init_params(8, &ring, &p);
	if (!ret) {
		CHECK(ring.cq.ring_entries == 64, "CQSIZE honoured");
		io_uring_queue_exit(&ring);
	} else {
		CHECK(ret == -EINVAL, "unsupported setup flag: -EINVAL (%d)", ret);
	}
	ret = io_uring_queue_init(8, &ring, 0);
	if (!ret) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		io_uring_prep_rw(255, sqe, -1, NULL, 0, 0);
		ret = run(&ring);
		CHECK(ret == -EINVAL, "unknown opcode: -EINVAL in the CQE (%d)", ret);
		io_uring_queue_exit(&ring);
	}
}

int main(void)
{
	printf("TAP version 13\n");
	test_basic("/tmp");
	if (access("/mnt/ext4", W_OK) == 0)
		test_basic("/mnt/ext4");
	else
		SKIP("no ext4");
	test_poll();
	test_sqpoll();
	test_iopoll("/dev/nvme0n1");
	test_iopoll("/dev/nullb0");
	test_probe_and_missing();
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
