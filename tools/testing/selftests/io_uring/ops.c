// SPDX-License-Identifier: GPL-2.0
/*
 * The core opcodes (NOP, READV, WRITEV, FSYNC) on tmpfs, on ext4 on NVMe
 * and on the raw NVMe disk; per-request errors in cqe->res; the SQ and CQ
 * ring accounting (dropped, overflow, wraparound); several submitters;
 * fork; and teardown with requests in flight.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/fs.h>
#include <linux/nvme_ioctl.h>

#include "../kselftest_harness.h"
#include "ring.h"

#define EXT4_DIR	"/mnt/ext4"
#define RAW_DISK	"/dev/nvme0n1"

static int nop(struct ring *r, __u64 user_data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	if (!sqe)
		return -EBUSY;
	sqe->opcode = IORING_OP_NOP;
	sqe->fd = -1;
	sqe->user_data = user_data;
	return ring_run_one(r, user_data);
}

static int rw_one(struct ring *r, int op, int fd, struct iovec *iov, int nr,
		  off_t off)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	prep_rw(sqe, op, fd, iov, nr, off);
	sqe->user_data = 0x1234;
	return ring_run_one(r, 0x1234);
}

static void fill(char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)(seed * 31 + i * 7 + (i >> 9));
}

FIXTURE(ring) {
	struct ring r;
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, ring_init(&self->r, 8, 0));
}

FIXTURE_TEARDOWN(ring)
{
	ring_exit(&self->r);
}

TEST_F(ring, nop_echoes_user_data)
{
	EXPECT_EQ(0, nop(&self->r, 0xdeadbeefcafef00dULL));
	EXPECT_EQ(0, nop(&self->r, 0));
}

TEST_F(ring, unknown_opcode_is_einval)
{
	struct io_uring_sqe *sqe = ring_get_sqe(&self->r);

	sqe->opcode = 250;
	sqe->user_data = 7;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 7));
}

TEST_F(ring, unknown_sqe_flags_are_einval)
{
	struct io_uring_sqe *sqe = ring_get_sqe(&self->r);

	sqe->opcode = IORING_OP_NOP;
	sqe->flags = 1u << 7;
	sqe->user_data = 8;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 8));
}

/*
 * An SQE that fails at submission is consumed, and its CQE says why, but
 * the call stops there (6.1's rule): the SQEs after it stay in the ring.
 */
TEST_F(ring, submission_stops_at_a_failed_sqe)
{
	struct io_uring_cqe cqe;
	int i, bad = 0;

	for (i = 0; i < 5; i++) {
		struct io_uring_sqe *sqe = ring_get_sqe(&self->r);

		sqe->opcode = i == 2 ? 250 : IORING_OP_NOP;
		sqe->fd = -1;
		sqe->user_data = i;
	}
	ASSERT_EQ(3, ring_submit(&self->r, 0));
	EXPECT_EQ(2, *self->r.sq_tail - *self->r.sq_head);
	ASSERT_EQ(2, sys_enter(self->r.fd, 2, 0, 0, NULL, 0));
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		EXPECT_EQ(cqe.user_data == 2 ? -EINVAL : 0, cqe.res);
		bad += cqe.user_data == 2;
	}
	EXPECT_EQ(1, bad);
}

/* IORING_SETUP_SUBMIT_ALL: the call goes on past SQEs that fail. */
TEST(submit_all_goes_past_failures)
{
	struct io_uring_cqe cqe;
	struct ring r;
	int i, failed = 0;

	ASSERT_EQ(0, ring_init(&r, 8, IORING_SETUP_SUBMIT_ALL));
	for (i = 0; i < 6; i++) {
		struct io_uring_sqe *sqe = ring_get_sqe(&r);

		sqe->opcode = i % 2 ? 250 : IORING_OP_NOP;
		sqe->fd = -1;
		sqe->user_data = i;
	}
	ASSERT_EQ(6, ring_submit(&r, 6));
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
		EXPECT_EQ(cqe.user_data % 2 ? -EINVAL : 0, cqe.res);
		failed += cqe.res != 0;
	}
	EXPECT_EQ(3, failed);
	ring_exit(&r);
}

/*
 * IOSQE_ASYNC: the request goes straight to an I/O worker of ours, and
 * does what it would have done inline.
 */
TEST(iosqe_async_runs_in_a_worker)
{
	char buf[8] = { 0 };
	struct iovec iov = { buf, sizeof(buf) };
	struct io_uring_sqe *sqe;
	struct ring r;
	int fd;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	EXPECT_EQ(0, threads_named(getpid(), "iou-wrk-"));
	sqe = ring_get_sqe(&r);
	sqe->opcode = IORING_OP_NOP;
	sqe->flags = IOSQE_ASYNC;
	sqe->user_data = 1;
	EXPECT_EQ(0, ring_run_one(&r, 1));
	EXPECT_LE(1, threads_named(getpid(), "iou-wrk-"));

	fd = open("/tmp/io_uring-async", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	unlink("/tmp/io_uring-async");
	ASSERT_EQ(5, write(fd, "async", 5));
	sqe = ring_get_sqe(&r);
	prep_rw(sqe, IORING_OP_READV, fd, &iov, 1, 0);
	sqe->flags = IOSQE_ASYNC;
	sqe->user_data = 2;
	EXPECT_EQ(5, ring_run_one(&r, 2));
	EXPECT_EQ(0, memcmp(buf, "async", 5));
	/* its errors are the same too */
	sqe = ring_get_sqe(&r);
	prep_rw(sqe, IORING_OP_READV, fd, NULL, 1, 0);
	sqe->flags = IOSQE_ASYNC;
	sqe->user_data = 3;
	EXPECT_EQ(-EFAULT, ring_run_one(&r, 3));
	close(fd);
	ring_exit(&r);
}

TEST_F(ring, nop_reserved_fields_are_einval)
{
	struct io_uring_sqe *sqe;

	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_NOP;
	sqe->len = 1;
	sqe->user_data = 9;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 9));
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_NOP;
	sqe->__pad2[0] = 1;
	sqe->user_data = 10;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 10));
}

static void write_read_verify(struct __test_metadata *_metadata, struct ring *r,
			      int fd, size_t len, int nr_vecs)
{
	char *wbuf, *rbuf;
	struct iovec iov[64];
	size_t chunk = len / nr_vecs;
	int i;

	ASSERT_GE(64, nr_vecs);
	ASSERT_EQ(0, posix_memalign((void **)&wbuf, 4096, len));
	ASSERT_EQ(0, posix_memalign((void **)&rbuf, 4096, len));
	fill(wbuf, len, len + nr_vecs);
	memset(rbuf, 0, len);

	for (i = 0; i < nr_vecs; i++) {
		iov[i].iov_base = wbuf + i * chunk;
		iov[i].iov_len = chunk;
	}
	EXPECT_EQ((int)len, rw_one(r, IORING_OP_WRITEV, fd, iov, nr_vecs, 4096));

	for (i = 0; i < nr_vecs; i++) {
		iov[i].iov_base = rbuf + i * chunk;
		iov[i].iov_len = chunk;
	}
	EXPECT_EQ((int)len, rw_one(r, IORING_OP_READV, fd, iov, nr_vecs, 4096));
	EXPECT_EQ(0, memcmp(wbuf, rbuf, len));
	free(wbuf);
	free(rbuf);
}

static int fsync_one(struct ring *r, int fd, unsigned int flags, __u64 off,
		     unsigned int len)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_FSYNC;
	sqe->fd = fd;
	sqe->fsync_flags = flags;
	sqe->off = off;
	sqe->len = len;
	sqe->user_data = 0x5555;
	return ring_run_one(r, 0x5555);
}

TEST_F(ring, tmpfs_readv_writev_fsync)
{
	char path[] = "/tmp/io_uring-ops-XXXXXX";
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	unlink(path);
	write_read_verify(_metadata, &self->r, fd, 64 * 1024, 1);
	write_read_verify(_metadata, &self->r, fd, 64 * 1024, 64);
	EXPECT_EQ(0, fsync_one(&self->r, fd, 0, 0, 0));
	EXPECT_EQ(0, fsync_one(&self->r, fd, IORING_FSYNC_DATASYNC, 4096, 8192));
	close(fd);
}

TEST_F(ring, ext4_buffered_and_direct)
{
	int fd;

	if (access(EXT4_DIR, W_OK))
		SKIP(return, "no ext4 file system at " EXT4_DIR);
	fd = open(EXT4_DIR "/ops-buffered", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	write_read_verify(_metadata, &self->r, fd, 128 * 1024, 8);
	EXPECT_EQ(0, fsync_one(&self->r, fd, 0, 0, 0));
	EXPECT_EQ(0, fsync_one(&self->r, fd, IORING_FSYNC_DATASYNC, 0, 4096));
	close(fd);

	fd = open(EXT4_DIR "/ops-direct", O_RDWR | O_CREAT | O_TRUNC | O_DIRECT, 0600);
	ASSERT_LE(0, fd);
	write_read_verify(_metadata, &self->r, fd, 128 * 1024, 8);
	EXPECT_EQ(0, fsync_one(&self->r, fd, 0, 0, 0));
	close(fd);
	unlink(EXT4_DIR "/ops-buffered");
	unlink(EXT4_DIR "/ops-direct");
}

/* Empty the page cache (the guest kernel has no fadvise). */
static int drop_page_cache(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	int ret = fd < 0 || write(fd, "1", 1) != 1 ? -1 : 0;

	if (fd >= 0)
		close(fd);
	return ret;
}

/*
 * A buffered read whose range is only partly in the page cache completes
 * whole: the part that is cached is read inline, the rest by a worker, and
 * the CQE counts both, as read(2) would.
 */
TEST_F(ring, partly_cached_read_completes_whole)
{
	const size_t len = 4 << 20;
	char *buf = malloc(len), *back = malloc(len), *map;
	struct iovec iov = { back, len };
	unsigned char resident[2];
	long page = sysconf(_SC_PAGESIZE);
	int fd;

	if (access(EXT4_DIR, W_OK))
		SKIP(return, "no ext4 file system at " EXT4_DIR);
	ASSERT_TRUE(buf && back);
	fd = open(EXT4_DIR "/ops-partly-cached", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	fill(buf, len, 7);
	ASSERT_EQ((ssize_t)len, pwrite(fd, buf, len, 0));
	ASSERT_EQ(0, fsync(fd));
	ASSERT_EQ(0, drop_page_cache());
	/* bring the head into the cache; the tail stays on disk */
	ASSERT_EQ(4096, pread(fd, back, 4096, 0));
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, mincore(map, page, &resident[0]));
	ASSERT_EQ(0, mincore(map + len - page, page, &resident[1]));
	munmap(map, len);
	ASSERT_EQ(1, resident[0] & 1);
	ASSERT_EQ(0, resident[1] & 1);

	memset(back, 0, len);
	EXPECT_EQ((int)len, rw_one(&self->r, IORING_OP_READV, fd, &iov, 1, 0));
	EXPECT_EQ(0, memcmp(buf, back, len));
	/* and from the middle of the file to past its end: up to EOF */
	ASSERT_EQ(0, drop_page_cache());
	ASSERT_EQ(4096, pread(fd, back, 4096, len / 2));
	EXPECT_EQ((int)len / 2, rw_one(&self->r, IORING_OP_READV, fd, &iov, 1, len / 2));
	EXPECT_EQ(0, memcmp(buf + len / 2, back, len / 2));
	close(fd);
	unlink(EXT4_DIR "/ops-partly-cached");
	free(buf);
	free(back);
}

TEST_F(ring, raw_nvme_direct_and_buffered)
{
	int fd;

	fd = open(RAW_DISK, O_RDWR | O_DIRECT);
	if (fd < 0)
		SKIP(return, "no raw NVMe disk at " RAW_DISK ": %s", strerror(errno));
	write_read_verify(_metadata, &self->r, fd, 256 * 1024, 16);
	close(fd);
	fd = open(RAW_DISK, O_RDWR);
	ASSERT_LE(0, fd);
	write_read_verify(_metadata, &self->r, fd, 64 * 1024, 4);
	EXPECT_EQ(0, fsync_one(&self->r, fd, 0, 0, 0));
	close(fd);
}

/*
 * Buffered writes cannot be done without blocking, so they go to workers;
 * a sequential run of them is served by one worker, in order: the
 * completions come back in submission order.
 */
static void sequential_run(struct __test_metadata *_metadata, const char *dir)
{
	char path[64];
	struct io_uring_cqe cqe = { 0 };
	struct ring r;
	static char bufs[64][4096];
	struct iovec iov[64];
	char check[4096];
	int fd, i;

	ASSERT_EQ(0, ring_init(&r, 64, 0));
	snprintf(path, sizeof(path), "%s/io_uring-seq", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	unlink(path);
	for (i = 0; i < 64; i++) {
		struct io_uring_sqe *sqe = ring_get_sqe(&r);

		fill(bufs[i], sizeof(bufs[i]), i);
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		prep_rw(sqe, IORING_OP_WRITEV, fd, &iov[i], 1, i * 4096ULL);
		sqe->user_data = i;
	}
	ASSERT_EQ(64, ring_submit(&r, 0));
	for (i = 0; i < 64; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
		EXPECT_EQ(4096, cqe.res);
		EXPECT_EQ(i, cqe.user_data);
	}
	for (i = 0; i < 64; i++) {
		ASSERT_EQ(4096, pread(fd, check, sizeof(check), i * 4096));
		ASSERT_EQ(0, memcmp(check, bufs[i], sizeof(check)));
	}
	close(fd);
	ring_exit(&r);
}

TEST(sequential_buffered_writes_in_order)
{
	sequential_run(_metadata, "/tmp");
	if (access(EXT4_DIR, W_OK))
		SKIP(return, "no ext4 file system at " EXT4_DIR);
	sequential_run(_metadata, EXT4_DIR);
}

TEST_F(ring, short_read_at_eof)
{
	char path[] = "/tmp/io_uring-eof-XXXXXX";
	char buf[4096];
	struct iovec iov = { buf, sizeof(buf) };
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	unlink(path);
	ASSERT_EQ(100, pwrite(fd, buf, 100, 0));
	EXPECT_EQ(100, rw_one(&self->r, IORING_OP_READV, fd, &iov, 1, 0));
	EXPECT_EQ(40, rw_one(&self->r, IORING_OP_READV, fd, &iov, 1, 60));
	EXPECT_EQ(0, rw_one(&self->r, IORING_OP_READV, fd, &iov, 1, 100));
	EXPECT_EQ(0, rw_one(&self->r, IORING_OP_READV, fd, &iov, 1, 1 << 20));
	close(fd);
}

TEST_F(ring, rw_bad_inputs)
{
	char buf[64];
	struct iovec iov = { buf, sizeof(buf) };
	struct iovec bad_iov = { (void *)8, 64 };
	struct iovec negative = { buf, (size_t)-1 };
	struct iovec huge[2] = { { buf, (size_t)-1 / 2 }, { buf, (size_t)-1 / 2 } };
	struct io_uring_sqe *sqe;
	int wfd, rfd;

	wfd = open("/tmp/io_uring-bad", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, wfd);
	rfd = open("/tmp/io_uring-bad", O_RDONLY);
	ASSERT_LE(0, rfd);
	unlink("/tmp/io_uring-bad");

	/* a closed fd, a huge fd, -1 */
	EXPECT_EQ(-EBADF, rw_one(&self->r, IORING_OP_READV, 999, &iov, 1, 0));
	EXPECT_EQ(-EBADF, rw_one(&self->r, IORING_OP_READV, -1, &iov, 1, 0));
	EXPECT_EQ(-EBADF, rw_one(&self->r, IORING_OP_READV, wfd, &iov, 1, 0));
	EXPECT_EQ(-EBADF, rw_one(&self->r, IORING_OP_WRITEV, rfd, &iov, 1, 0));
	/* iovec array and buffers that are not mapped */
	EXPECT_EQ(-EFAULT, rw_one(&self->r, IORING_OP_READV, rfd, (void *)8, 1, 0));
	EXPECT_EQ(-EFAULT, rw_one(&self->r, IORING_OP_WRITEV, wfd, &bad_iov, 1, 0));
	/* too many iovecs, lengths that overflow, negative offset */
	EXPECT_EQ(-EINVAL, rw_one(&self->r, IORING_OP_READV, rfd, &iov, 1025, 0));
	EXPECT_EQ(-EINVAL, rw_one(&self->r, IORING_OP_WRITEV, wfd, &negative, 1, 0));
	/* as for writev(2), a total past MAX_RW_COUNT is clamped, then faults */
	EXPECT_EQ(-EFAULT, rw_one(&self->r, IORING_OP_WRITEV, wfd, huge, 2, 0));
	EXPECT_EQ(-EINVAL, rw_one(&self->r, IORING_OP_READV, rfd, &iov, 1, -4096));
	/* unknown rw_flags */
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READV, rfd, &iov, 1, 0);
	sqe->rw_flags = 1u << 30;
	sqe->user_data = 1;
	EXPECT_EQ(-EOPNOTSUPP, ring_run_one(&self->r, 1));
	/* fixed-file index with nothing registered */
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READV, 0, &iov, 1, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->user_data = 2;
	EXPECT_EQ(-EBADF, ring_run_one(&self->r, 2));
	/* buf_index is for the fixed opcodes only */
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READV, rfd, &iov, 1, 0);
	sqe->buf_index = 1;
	sqe->user_data = 3;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 3));
	close(wfd);
	close(rfd);
}

/* IORING_OP_READ/WRITE: addr and len are the buffer itself, no iovec. */
static void read_write_plain(struct __test_metadata *_metadata, struct ring *r,
			     int fd, size_t len)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char *wbuf, *rbuf;
	size_t done;
	int i;

	ASSERT_EQ(0, posix_memalign((void **)&wbuf, 4096, len));
	ASSERT_EQ(0, posix_memalign((void **)&rbuf, 4096, len));
	fill(wbuf, len, 77);
	for (done = 0; done < len; done += len / 4) {
		sqe = ring_get_sqe(r);
		prep_rw(sqe, IORING_OP_WRITE, fd, wbuf + done, len / 4, done);
		sqe->user_data = 1;
		/* a NOP alongside: the CQEs are told apart by user_data */
		sqe = ring_get_sqe(r);
		sqe->fd = -1;
		sqe->user_data = 2;
		ASSERT_EQ(2, ring_submit(r, 2));
		for (i = 0; i < 2; i++) {
			ASSERT_EQ(0, ring_wait_cqe(r, &cqe));
			EXPECT_EQ(cqe.user_data == 1 ? (int)(len / 4) : 0, cqe.res);
		}
	}
	memset(rbuf, 0, len);
	sqe = ring_get_sqe(r);
	prep_rw(sqe, IORING_OP_READ, fd, rbuf, len, 0);
	sqe->user_data = 3;
	EXPECT_EQ((int)len, ring_run_one(r, 3));
	EXPECT_EQ(0, memcmp(wbuf, rbuf, len));
	/* as pread(2): the same bytes, and short at EOF */
	memset(rbuf, 0, len);
	EXPECT_EQ((ssize_t)len, pread(fd, rbuf, len, 0));
	EXPECT_EQ(0, memcmp(wbuf, rbuf, len));
	sqe = ring_get_sqe(r);
	prep_rw(sqe, IORING_OP_READ, fd, rbuf, len, len - 4096);
	sqe->user_data = 4;
	EXPECT_EQ(4096, ring_run_one(r, 4));
	free(wbuf);
	free(rbuf);
}

TEST_F(ring, read_write_nonvectored)
{
	int fd;

	fd = open("/tmp/io_uring-rw", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	read_write_plain(_metadata, &self->r, fd, 64 * 1024);
	close(fd);
	unlink("/tmp/io_uring-rw");
	if (access(EXT4_DIR, W_OK))
		SKIP(return, "no ext4 file system at " EXT4_DIR);
	fd = open(EXT4_DIR "/ops-rw", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	read_write_plain(_metadata, &self->r, fd, 128 * 1024);
	close(fd);
	fd = open(EXT4_DIR "/ops-rw", O_RDWR | O_DIRECT);
	ASSERT_LE(0, fd);
	read_write_plain(_metadata, &self->r, fd, 128 * 1024);
	close(fd);
	unlink(EXT4_DIR "/ops-rw");
}

/*
 * Offset -1 (IORING_FEAT_RW_CUR_POS): reads and writes at the file
 * position, which they move, as read(2) and write(2) do.
 */
TEST_F(ring, offset_minus_one_uses_the_file_position)
{
	char buf[8] = { 0 };
	struct io_uring_sqe *sqe;
	int fd, i;

	ASSERT_TRUE(self->r.p.features & IORING_FEAT_RW_CUR_POS);
	fd = open("/tmp/io_uring-pos", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	unlink("/tmp/io_uring-pos");
	for (i = 0; i < 2; i++) {
		sqe = ring_get_sqe(&self->r);
		prep_rw(sqe, IORING_OP_WRITE, fd, i ? "def" : "abc", 3, -1ULL);
		sqe->user_data = i;
		EXPECT_EQ(3, ring_run_one(&self->r, i));
	}
	EXPECT_EQ(6, lseek(fd, 0, SEEK_CUR));
	ASSERT_EQ(2, lseek(fd, 2, SEEK_SET));
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READ, fd, buf, 3, -1ULL);
	sqe->user_data = 2;
	EXPECT_EQ(3, ring_run_one(&self->r, 2));
	EXPECT_STREQ("cde", buf);
	EXPECT_EQ(5, lseek(fd, 0, SEEK_CUR));
	/* an explicit offset leaves the position alone */
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READ, fd, buf, 2, 0);
	sqe->user_data = 3;
	EXPECT_EQ(2, ring_run_one(&self->r, 3));
	EXPECT_EQ(5, lseek(fd, 0, SEEK_CUR));
	/* the rest, up to the end */
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READ, fd, buf, sizeof(buf), -1ULL);
	sqe->user_data = 4;
	EXPECT_EQ(1, ring_run_one(&self->r, 4));
	EXPECT_EQ(6, lseek(fd, 0, SEEK_CUR));
	close(fd);
}

/* O_APPEND: a write goes at the end, whatever its offset, as pwritev2 does. */
TEST_F(ring, append_writes_go_at_the_end)
{
	static const char * const dirs[] = { "/tmp", EXT4_DIR };
	struct iovec iov = { "tail", 4 };
	char path[64], buf[16] = { 0 };
	int i, fd;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/io_uring-append", dirs[i]);
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0600);
		if (fd < 0)
			continue;
		unlink(path);
		ASSERT_EQ(4, write(fd, "head", 4));
		EXPECT_EQ(4, rw_one(&self->r, IORING_OP_WRITEV, fd, &iov, 1, 0))
			TH_LOG("on %s", dirs[i]);
		EXPECT_EQ(8, pread(fd, buf, sizeof(buf), 0));
		EXPECT_STREQ("headtail", buf);
		close(fd);
	}
}

/*
 * What a request reads from userspace, it reads at submission: the iovec
 * array of a READV may be reused as soon as io_uring_enter() returns, even
 * when the read is done later by a worker, after a chain, or by
 * IOSQE_ASYNC; so may the path of an OPENAT in a chain.
 */
TEST_F(ring, arguments_are_read_at_submission)
{
	char buf[3][8] = { { 0 } }, path[64];
	struct iovec iov[3];
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int p[2], fd, i, seen = 0;

	ASSERT_EQ(0, pipe(p));
	fd = open("/tmp/io_uring-stable", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4, write(fd, "file", 4));
	for (i = 0; i < 3; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = 4;
	}
	/* a pipe read that waits; a chained read; an IOSQE_ASYNC read */
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READV, p[0], &iov[0], 1, 0);
	sqe->user_data = 0;
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_NOP;
	sqe->flags = IOSQE_IO_LINK;
	sqe->user_data = 10;
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READV, fd, &iov[1], 1, 0);
	sqe->user_data = 1;
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READV, fd, &iov[2], 1, 0);
	sqe->flags = IOSQE_ASYNC;
	sqe->user_data = 2;
	/* and an OPENAT in a chain, whose path changes after submission */
	snprintf(path, sizeof(path), "/tmp/io_uring-stable");
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_NOP;
	sqe->flags = IOSQE_IO_LINK;
	sqe->user_data = 11;
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_OPENAT;
	sqe->fd = AT_FDCWD;
	sqe->addr = (unsigned long)path;
	sqe->open_flags = O_RDONLY;
	sqe->user_data = 3;
	ASSERT_EQ(6, ring_submit(&self->r, 0));
	memset(iov, 0xff, sizeof(iov));
	snprintf(path, sizeof(path), "/nonexistent");
	ASSERT_EQ(4, write(p[1], "pipe", 4));
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		if (cqe.user_data >= 10) {
			EXPECT_EQ(0, cqe.res);
			continue;
		}
		if (cqe.user_data == 3) {
			EXPECT_LE(0, cqe.res) TH_LOG("openat: %d", cqe.res);
			if (cqe.res >= 0)
				close(cqe.res);
			continue;
		}
		EXPECT_EQ(4, cqe.res) TH_LOG("read %llu", cqe.user_data);
		seen++;
	}
	EXPECT_EQ(3, seen);
	EXPECT_STREQ("pipe", buf[0]);
	EXPECT_STREQ("file", buf[1]);
	EXPECT_STREQ("file", buf[2]);
	unlink("/tmp/io_uring-stable");
	close(fd);
	close(p[0]);
	close(p[1]);
}

/*
 * RWF_NOWAIT: the caller wants -EAGAIN rather than a wait, as preadv2()
 * gives it; the CQE is there when io_uring_enter() returns, and no worker
 * tries again.  Data in the page cache is read as usual.  A file that
 * cannot be read without blocking (a pipe in 6.1) refuses the flag, as
 * preadv2() does.
 */
TEST_F(ring, rwf_nowait_gets_eagain_at_once)
{
	char buf[4096] = { 0 };
	struct iovec iov = { buf, sizeof(buf) };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int fd, p[2];

	fd = open(EXT4_DIR "/io_uring-nowait", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		SKIP(return, "no ext4 at " EXT4_DIR);
	unlink(EXT4_DIR "/io_uring-nowait");
	memset(buf, 'n', sizeof(buf));
	ASSERT_EQ(sizeof(buf), write(fd, buf, sizeof(buf)));
	ASSERT_EQ(0, fsync(fd));
	if (drop_page_cache())
		SKIP(return, "cannot drop the page cache (not root?)");
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READV, fd, &iov, 1, 0);
	sqe->rw_flags = RWF_NOWAIT;
	sqe->user_data = 1;
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	ASSERT_EQ(1, ring_peek_cqe(&self->r, &cqe));
	EXPECT_EQ(-EAGAIN, cqe.res);
	/* read once the ordinary way: then it is cached */
	ASSERT_EQ(sizeof(buf), pread(fd, buf, sizeof(buf), 0));
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READV, fd, &iov, 1, 0);
	sqe->rw_flags = RWF_NOWAIT;
	sqe->user_data = 2;
	EXPECT_EQ(sizeof(buf), ring_run_one(&self->r, 2));
	close(fd);

	ASSERT_EQ(0, pipe(p));
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READV, p[0], &iov, 1, 0);
	sqe->rw_flags = RWF_NOWAIT;
	sqe->user_data = 3;
	EXPECT_EQ(-EOPNOTSUPP, ring_run_one(&self->r, 3));
	close(p[0]);
	close(p[1]);
}

TEST_F(ring, read_write_nonvectored_bad_inputs)
{
	char buf[64];
	struct io_uring_sqe *sqe;
	int wfd, rfd;

	wfd = open("/tmp/io_uring-bad", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, wfd);
	ASSERT_EQ(64, write(wfd, buf, 64));
	rfd = open("/tmp/io_uring-bad", O_RDONLY);
	ASSERT_LE(0, rfd);
	unlink("/tmp/io_uring-bad");

	EXPECT_EQ(-EBADF, rw_one(&self->r, IORING_OP_READ, 999, (void *)buf, 64, 0));
	EXPECT_EQ(-EBADF, rw_one(&self->r, IORING_OP_READ, wfd, (void *)buf, 64, 0));
	EXPECT_EQ(-EBADF, rw_one(&self->r, IORING_OP_WRITE, rfd, (void *)buf, 64, 0));
	/* buffers that are not mapped, or in the kernel */
	EXPECT_EQ(-EFAULT, rw_one(&self->r, IORING_OP_READ, rfd, (void *)8, 64, 0));
	EXPECT_EQ(-EFAULT, rw_one(&self->r, IORING_OP_WRITE, wfd, (void *)8, 64, 0));
	EXPECT_EQ(-EFAULT, rw_one(&self->r, IORING_OP_READ, rfd,
				  (void *)0xffffffff81000000ULL, 64, 0));
	EXPECT_EQ(-EINVAL, rw_one(&self->r, IORING_OP_READ, rfd, (void *)buf, 64, -4096));
	/* a zero-length read reads nothing */
	EXPECT_EQ(0, rw_one(&self->r, IORING_OP_READ, rfd, (void *)buf, 0, 0));
	/* buf_index is for the fixed opcodes only */
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READ, rfd, buf, 64, 0);
	sqe->buf_index = 1;
	sqe->user_data = 3;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 3));
	close(wfd);
	close(rfd);
}

/* An opcode past the last one this kernel knows answers -EINVAL. */
TEST_F(ring, opcodes_not_offered_are_einval)
{
	struct io_uring_sqe *sqe = ring_get_sqe(&self->r);

	sqe->opcode = IORING_OP_LAST;
	sqe->fd = -1;
	sqe->user_data = 100;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 100));
}

/*
 * A URING_CMD SQE for @fd: cmd_op and the command bytes (16, or 80 on an
 * SQE128 ring) are filled with a pattern the driver would read.
 */
static struct io_uring_sqe *uring_cmd_sqe(struct ring *r, int fd, __u64 user_data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = 0x1234;
	memset(sqe->cmd, 0xa5, r->sqe_shift ? 80 : 16);
	sqe->user_data = user_data;
	return sqe;
}

static int uring_cmd(struct ring *r, int fd)
{
	uring_cmd_sqe(r, fd, 0xc0de);
	return ring_run_one(r, 0xc0de);
}

/*
 * /dev/null takes any command and completes it with 0, on any ring: inline,
 * from a worker (IOSQE_ASYNC), as a chain's member issued after its head,
 * and naming a registered buffer.  On a CQE32 ring extra1 is 0 too.
 */
TEST(uring_cmd_to_dev_null_completes_with_0)
{
	static const unsigned int flags[] = { 0, IORING_SETUP_SQE128,
					      IORING_SETUP_SQE128 | IORING_SETUP_CQE32 };
	static char buf[4096];
	struct iovec iov = { buf, sizeof(buf) };
	int i, null = open("/dev/null", O_RDWR);

	ASSERT_LE(0, null);
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		struct io_uring_cqe cqe, *big;
		struct io_uring_sqe *sqe;
		unsigned int head, n;
		struct ring r;

		ASSERT_EQ(0, ring_init(&r, 8, flags[i]));
		EXPECT_EQ(0, uring_cmd(&r, null)) TH_LOG("ring flags %#x", flags[i]);

		uring_cmd_sqe(&r, null, 1)->flags = IOSQE_ASYNC;
		EXPECT_EQ(0, ring_run_one(&r, 1)) TH_LOG("ring flags %#x", flags[i]);

		sqe = ring_get_sqe(&r);
		sqe->opcode = IORING_OP_NOP;
		sqe->flags = IOSQE_IO_LINK;
		sqe->user_data = 2;
		uring_cmd_sqe(&r, null, 3);
		EXPECT_EQ(2, ring_submit(&r, 2));
		for (n = 2; n <= 3; n++) {
			ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
			EXPECT_EQ(n, cqe.user_data);
			EXPECT_EQ(0, cqe.res) TH_LOG("ring flags %#x", flags[i]);
		}

		ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_BUFFERS, &iov, 1));
		sqe = uring_cmd_sqe(&r, null, 4);
		sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
		sqe->buf_index = 0;
		EXPECT_EQ(0, ring_run_one(&r, 4));

		/* the CQE's second half: junk from before is overwritten with 0 */
		if (r.cqe_shift) {
			head = *r.cq_head;
			big = (void *)((char *)r.cqes + (head & *r.cq_mask) * 32);
			memset(big, 0xff, 32);
			EXPECT_EQ(0, uring_cmd(&r, null));
			EXPECT_EQ(0, big->big_cqe[0]);
			EXPECT_EQ(0, big->big_cqe[1]);
		}
		ring_exit(&r);
	}
	close(null);
}

/* What is wrong with a URING_CMD SQE, in 6.1's errnos. */
TEST_F(ring, uring_cmd_bad_input)
{
	static char buf[4096];
	struct iovec iov = { buf, sizeof(buf) };
	struct io_uring_sqe *sqe;
	int fds[2], null = open("/dev/null", O_RDWR);
	struct ring poll;

	ASSERT_LE(0, null);
	ASSERT_EQ(0, pipe(fds));
	EXPECT_EQ(-EBADF, uring_cmd(&self->r, -1));
	EXPECT_EQ(-EBADF, uring_cmd(&self->r, 1000));
	/* a file whose driver takes no commands */
	EXPECT_EQ(-EOPNOTSUPP, uring_cmd(&self->r, fds[0]));
	/* the upper half of off is reserved */
	uring_cmd_sqe(&self->r, null, 1)->__pad1 = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 1));
	/* the reserved half is checked before the file */
	uring_cmd_sqe(&self->r, -1, 2)->__pad1 = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 2));
	uring_cmd_sqe(&self->r, null, 3)->uring_cmd_flags = 2;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 3));
	/* a registered buffer, when none is */
	uring_cmd_sqe(&self->r, null, 4)->uring_cmd_flags = IORING_URING_CMD_FIXED;
	EXPECT_EQ(-EFAULT, ring_run_one(&self->r, 4));
	/* or past the last one */
	ASSERT_EQ(0, sys_register(self->r.fd, IORING_REGISTER_BUFFERS, &iov, 1));
	sqe = uring_cmd_sqe(&self->r, null, 5);
	sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
	sqe->buf_index = 1;
	EXPECT_EQ(-EFAULT, ring_run_one(&self->r, 5));
	/* checked before the file, as on 6.1 */
	sqe = uring_cmd_sqe(&self->r, -1, 6);
	sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
	sqe->buf_index = 1;
	EXPECT_EQ(-EFAULT, ring_run_one(&self->r, 6));
	/* an IOPOLL ring needs a driver that can poll for the command */
	ASSERT_EQ(0, ring_init(&poll, 4, IORING_SETUP_IOPOLL));
	EXPECT_EQ(-EOPNOTSUPP, uring_cmd(&poll, null));
	ring_exit(&poll);
	close(fds[0]);
	close(fds[1]);
	close(null);
}

/*
 * NVMe passthrough: commands of struct nvme_uring_cmd to the namespace's
 * char device, on a ring of 128-byte SQEs and 32-byte CQEs.
 */
#define NG_DISK		"/dev/ng0n1"
#define NVME_READ	0x02
#define NVME_WRITE	0x01
#define PT_OFF		(64ULL << 20)	/* clear of what raw_nvme_* uses */

struct pt {
	int ng, raw;
	__u32 nsid, lbs;
};

static int pt_open(struct pt *pt)
{
	pt->ng = open(NG_DISK, O_RDONLY);
	if (pt->ng < 0)
		return -errno;
	pt->raw = open(RAW_DISK, O_RDWR | O_DIRECT);
	if (pt->raw < 0)
		return -errno;
	pt->nsid = ioctl(pt->ng, NVME_IOCTL_ID);
	if (ioctl(pt->raw, BLKSSZGET, &pt->lbs) < 0)
		return -errno;
	return 0;
}

static void pt_close(struct pt *pt)
{
	close(pt->ng);
	close(pt->raw);
}

/*
 * An NVMe read or write of @bytes at @off, through @r (an SQE128 ring):
 * the data at @addr, @data_len bytes (or iovecs, vectored).
 */
static struct nvme_uring_cmd *pt_cmd(struct ring *r, const struct pt *pt, __u32 cmd_op,
				     __u8 opcode, void *addr, __u32 data_len, __u32 bytes,
				     __u64 off)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);
	struct nvme_uring_cmd *cmd = (void *)sqe->cmd;
	__u64 slba = off / pt->lbs;

	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = pt->ng;
	sqe->cmd_op = cmd_op;
	sqe->user_data = 0x9e;
	cmd->opcode = opcode;
	cmd->nsid = pt->nsid;
	cmd->addr = (unsigned long)addr;
	cmd->data_len = data_len;
	cmd->cdw10 = slba;
	cmd->cdw11 = slba >> 32;
	cmd->cdw12 = bytes / pt->lbs - 1;	/* 0's based */
	return cmd;
}

/* The SQE of the command pt_cmd() made last. */
static struct io_uring_sqe *pt_sqe(struct ring *r)
{
	return &r->sqes[((r->sqe_tail - 1) & *r->sq_mask) << r->sqe_shift];
}

/* Run one passthrough SQE; its CQE's res, and big_cqe[0] in *result. */
static int pt_run(struct ring *r, __u64 *result)
{
	struct io_uring_cqe *cqe;
	unsigned int head;
	int ret;

	ret = ring_submit(r, 1);
	if (ret < 0)
		return ret;
	head = *r->cq_head;
	cqe = (void *)((char *)r->cqes + (head & *r->cq_mask) * 32);
	if (cqe->user_data != 0x9e)
		return -EPROTO;
	ret = cqe->res;
	if (result)
		*result = cqe->big_cqe[0];
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return ret;
}

/*
 * What a passthrough read finds is what the block device wrote, and the
 * other way round: inline, from a worker (IOSQE_ASYNC, which copies the
 * command), vectored, into a registered buffer, and on an IOPOLL ring.
 */
TEST(nvme_passthrough_reads_and_writes)
{
	static const unsigned int big = IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
	const size_t len = 16384;
	struct iovec iov[2], reg;
	char *buf, *back;
	__u64 result = 1;
	struct pt pt;
	struct ring r;
	int ret, i;

	ret = pt_open(&pt);
	if (ret)
		SKIP(return, "no NVMe namespace at " NG_DISK " and " RAW_DISK ": %s",
		     strerror(-ret));
	ASSERT_EQ(0, posix_memalign((void **)&buf, 4096, len));
	ASSERT_EQ(0, posix_memalign((void **)&back, 4096, len));
	ASSERT_EQ(0, ring_init(&r, 8, big));

	fill(buf, len, 1);
	ASSERT_EQ(len, pwrite(pt.raw, buf, len, PT_OFF));
	pt_cmd(&r, &pt, NVME_URING_CMD_IO, NVME_READ, back, len, len, PT_OFF);
	EXPECT_EQ(0, pt_run(&r, &result));
	EXPECT_EQ(0, result);
	EXPECT_EQ(0, memcmp(buf, back, len));

	fill(buf, len, 2);
	pt_cmd(&r, &pt, NVME_URING_CMD_IO, NVME_WRITE, buf, len, len, PT_OFF);
	pt_sqe(&r)->flags = IOSQE_ASYNC;
	EXPECT_EQ(0, pt_run(&r, NULL));
	ASSERT_EQ(len, pread(pt.raw, back, len, PT_OFF));
	EXPECT_EQ(0, memcmp(buf, back, len));

	/* vectored: addr is an iovec array, data_len its count */
	memset(back, 0, len);
	iov[0] = (struct iovec){ back, len / 2 };
	iov[1] = (struct iovec){ back + len / 2, len / 2 };
	pt_cmd(&r, &pt, NVME_URING_CMD_IO_VEC, NVME_READ, iov, 2, len, PT_OFF);
	EXPECT_EQ(0, pt_run(&r, NULL));
	EXPECT_EQ(0, memcmp(buf, back, len));

	/* a registered buffer */
	reg = (struct iovec){ back, len };
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_BUFFERS, &reg, 1));
	memset(back, 0, len);
	pt_cmd(&r, &pt, NVME_URING_CMD_IO, NVME_READ, back, len, len, PT_OFF);
	pt_sqe(&r)->uring_cmd_flags = IORING_URING_CMD_FIXED;
	EXPECT_EQ(0, pt_run(&r, NULL));
	EXPECT_EQ(0, memcmp(buf, back, len));
	ring_exit(&r);

	/* polled: the ring reaps what it polls for */
	ASSERT_EQ(0, ring_init(&r, 8, big | IORING_SETUP_IOPOLL));
	for (i = 0; i < 4; i++) {
		memset(back, 0, len);
		pt_cmd(&r, &pt, NVME_URING_CMD_IO, NVME_READ, back, len, len, PT_OFF);
		EXPECT_EQ(0, pt_run(&r, NULL));
		EXPECT_EQ(0, memcmp(buf, back, len));
	}
	ring_exit(&r);
	pt_close(&pt);
	free(buf);
	free(back);
}

/*
 * An admin command to the controller (/dev/nvme0): Get Features, Number of
 * Queues, whose result (DW0) is not 0.  It comes in big_cqe[0], also for
 * CQEs that waited in the overflow backlog of a full CQ ring.
 */
TEST(nvme_passthrough_admin_result_in_big_cqe)
{
	struct nvme_admin_cmd ioctl_cmd = { .opcode = 0x0a, .cdw10 = 0x07 };
	struct io_uring_params p = { 0 };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	unsigned int head, seen = 0;
	struct ring r;
	int ctrl, i;

	ctrl = open("/dev/nvme0", O_RDONLY);
	if (ctrl < 0)
		SKIP(return, "no NVMe controller at /dev/nvme0: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(ctrl, NVME_IOCTL_ADMIN_CMD, &ioctl_cmd));
	ASSERT_NE(0, ioctl_cmd.result);

	/* 2 CQEs: of 4 commands in two submissions, the last two wait in the backlog */
	p.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32 | IORING_SETUP_CQSIZE;
	p.cq_entries = 2;
	memset(&r, 0, sizeof(r));
	r.fd = sys_setup(2, &p);
	ASSERT_LE(0, r.fd);
	r.p = p;
	ASSERT_EQ(0, ring_mmap(&r));
	for (i = 0; i < 4; i++) {
		struct nvme_uring_cmd *cmd;

		sqe = ring_get_sqe(&r);
		sqe->opcode = IORING_OP_URING_CMD;
		sqe->fd = ctrl;
		sqe->cmd_op = NVME_URING_CMD_ADMIN;
		sqe->user_data = i;
		cmd = (void *)sqe->cmd;
		cmd->opcode = 0x0a;
		cmd->cdw10 = 0x07;
		if (i % 2)
			ASSERT_EQ(2, ring_submit(&r, 2));
	}
	for (i = 0; i < 4; i++) {
		head = *r.cq_head;
		/* the backlog moves into the ring when we enter */
		if (head == __atomic_load_n(r.cq_tail, __ATOMIC_ACQUIRE))
			ASSERT_LE(0, sys_enter(r.fd, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0));
		ASSERT_NE(head, __atomic_load_n(r.cq_tail, __ATOMIC_ACQUIRE));
		cqe = (void *)((char *)r.cqes + (head & *r.cq_mask) * 32);
		/* each pair in the order the controller completed it */
		EXPECT_EQ(i / 2, cqe->user_data / 2);
		seen |= 1 << (cqe->user_data & 3);
		EXPECT_EQ(0, cqe->res);
		EXPECT_EQ(ioctl_cmd.result, cqe->big_cqe[0]) TH_LOG("CQE %d", i);
		EXPECT_EQ(0, cqe->big_cqe[1]);
		__atomic_store_n(r.cq_head, head + 1, __ATOMIC_RELEASE);
	}
	EXPECT_EQ(0xf, seen);
	ring_exit(&r);
	close(ctrl);
}

static int pt_unprivileged(void *arg)
{
	struct pt *pt = arg;
	static char buf[4096];
	struct ring r;

	if (ring_init(&r, 4, IORING_SETUP_SQE128 | IORING_SETUP_CQE32))
		return 1;
	pt_cmd(&r, pt, NVME_URING_CMD_IO, NVME_READ, buf, sizeof(buf), sizeof(buf), PT_OFF);
	return pt_run(&r, NULL) == -EACCES ? 0 : 2;
}

/* Write @val to sysfs @path in a child; whether it is done within @secs. */
static int sysfs_write_within(const char *path, const char *val, int secs)
{
	int status, i;
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(path, O_WRONLY);

		_exit(fd < 0 || write(fd, val, strlen(val)) < 0);
	}
	for (i = 0; i < secs * 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) && !WEXITSTATUS(status);
		usleep(100 * 1000);
	}
	return 0;	/* stuck: left behind */
}

/*
 * Metadata for a namespace formatted without room for it: -EINVAL, and
 * the request is freed.  One left allocated holds the queue for good:
 * changing nr_requests, which freezes the queue, would never return.
 */
TEST(nvme_passthrough_metadata_without_room)
{
	static char buf[4096], meta[64];
	char path[64], nr[16] = { 0 }, other[16];
	struct nvme_uring_cmd *cmd;
	struct ring r;
	struct pt pt;
	int ret, fd;

	ret = pt_open(&pt);
	if (ret)
		SKIP(return, "no NVMe namespace at " NG_DISK " and " RAW_DISK ": %s",
		     strerror(-ret));
	ASSERT_EQ(0, ring_init(&r, 4, IORING_SETUP_SQE128 | IORING_SETUP_CQE32));
	cmd = pt_cmd(&r, &pt, NVME_URING_CMD_IO, NVME_READ, buf, sizeof(buf), sizeof(buf),
		     PT_OFF);
	cmd->metadata = (unsigned long)meta;
	cmd->metadata_len = 8;
	EXPECT_EQ(-EINVAL, pt_run(&r, NULL));
	ring_exit(&r);

	snprintf(path, sizeof(path), "/sys/block/nvme0n1/queue/nr_requests");
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, nr, sizeof(nr) - 1));
	close(fd);
	snprintf(other, sizeof(other), "%d", atoi(nr) - 1);
	EXPECT_TRUE(sysfs_write_within(path, other, 10)) TH_LOG("the queue does not freeze");
	EXPECT_TRUE(sysfs_write_within(path, nr, 10));
	pt_close(&pt);
}

/* What the NVMe driver refuses, with 6.1's errnos. */
TEST(nvme_passthrough_bad_input)
{
	static const unsigned int big = IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
	static char buf[4096];
	struct ring r;
	struct pt pt;
	int ret;

	ret = pt_open(&pt);
	if (ret)
		SKIP(return, "no NVMe namespace at " NG_DISK " and " RAW_DISK ": %s",
		     strerror(-ret));
	/* the command needs the big SQE and its result the big CQE */
	ASSERT_EQ(0, ring_init(&r, 4, IORING_SETUP_SQE128));
	pt_cmd(&r, &pt, NVME_URING_CMD_IO, NVME_READ, buf, sizeof(buf), sizeof(buf), PT_OFF);
	EXPECT_EQ(-EOPNOTSUPP, ring_run_one(&r, 0x9e));
	ring_exit(&r);
	ASSERT_EQ(0, ring_init(&r, 4, IORING_SETUP_CQE32));
	uring_cmd_sqe(&r, pt.ng, 0x9e)->cmd_op = NVME_URING_CMD_IO;
	EXPECT_EQ(-EOPNOTSUPP, pt_run(&r, NULL));
	ring_exit(&r);

	ASSERT_EQ(0, ring_init(&r, 4, big));
	/* an admin command to a namespace, or no command at all */
	pt_cmd(&r, &pt, NVME_URING_CMD_ADMIN, NVME_READ, buf, sizeof(buf), sizeof(buf), PT_OFF);
	EXPECT_EQ(-ENOTTY, pt_run(&r, NULL));
	pt_cmd(&r, &pt, 0, NVME_READ, buf, sizeof(buf), sizeof(buf), PT_OFF);
	EXPECT_EQ(-ENOTTY, pt_run(&r, NULL));
	/* flags, another namespace */
	pt_cmd(&r, &pt, NVME_URING_CMD_IO, NVME_READ, buf, sizeof(buf), sizeof(buf),
	       PT_OFF)->flags = 1;
	EXPECT_EQ(-EINVAL, pt_run(&r, NULL));
	pt_cmd(&r, &pt, NVME_URING_CMD_IO, NVME_READ, buf, sizeof(buf), sizeof(buf),
	       PT_OFF)->nsid = pt.nsid + 1;
	EXPECT_EQ(-EINVAL, pt_run(&r, NULL));
	/* a buffer that is not there */
	pt_cmd(&r, &pt, NVME_URING_CMD_IO, NVME_READ, (void *)8, sizeof(buf), sizeof(buf),
	       PT_OFF);
	EXPECT_EQ(-EFAULT, pt_run(&r, NULL));
	/* a registered buffer, vectored */
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_BUFFERS,
				  &(struct iovec){ buf, sizeof(buf) }, 1));
	pt_cmd(&r, &pt, NVME_URING_CMD_IO_VEC, NVME_READ, buf, 1, sizeof(buf), PT_OFF);
	pt_sqe(&r)->uring_cmd_flags = IORING_URING_CMD_FIXED;
	EXPECT_EQ(-EINVAL, pt_run(&r, NULL));
	/* an LBA past the end: the device's status, positive */
	pt_cmd(&r, &pt, NVME_URING_CMD_IO, NVME_READ, buf, sizeof(buf), sizeof(buf),
	       1ULL << 50);
	EXPECT_LT(0, pt_run(&r, NULL));
	ring_exit(&r);

	/* only CAP_SYS_ADMIN passes commands through */
	EXPECT_EQ(0, run_in_child(pt_unprivileged, &pt, 1));
	pt_close(&pt);
}

static int sync_range(struct ring *r, int fd, __u64 off, __u32 len, __u32 flags)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_SYNC_FILE_RANGE;
	sqe->fd = fd;
	sqe->off = off;
	sqe->len = len;
	sqe->sync_range_flags = flags;
	sqe->user_data = 0x5f;
	return ring_run_one(r, 0x5f);
}

/* SYNC_FILE_RANGE answers what sync_file_range(2) answers. */
TEST_F(ring, sync_file_range)
{
	const unsigned int all = SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
				 SYNC_FILE_RANGE_WAIT_AFTER;
	char buf[8192];
	struct io_uring_sqe *sqe;
	int fd, p[2];

	if (access(EXT4_DIR, W_OK))
		fd = open("/tmp/io_uring-sfr", O_RDWR | O_CREAT | O_TRUNC, 0600);
	else
		fd = open(EXT4_DIR "/io_uring-sfr", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	memset(buf, 'z', sizeof(buf));
	ASSERT_EQ(sizeof(buf), pwrite(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, sync_range(&self->r, fd, 0, 4096, all));
	EXPECT_EQ(0, sync_range(&self->r, fd, 4096, 0, SYNC_FILE_RANGE_WRITE));
	EXPECT_EQ(0, sync_range(&self->r, fd, 0, 0, 0));
	/* bad flags, a negative offset, a pipe, a closed fd */
	EXPECT_EQ(-EINVAL, sync_range(&self->r, fd, 0, 0, 1u << 5));
	EXPECT_EQ(-EINVAL, sync_range(&self->r, fd, -4096, 0, all));
	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-ESPIPE, sync_range(&self->r, p[0], 0, 0, all));
	EXPECT_EQ(-EBADF, sync_range(&self->r, 999, 0, 0, all));
	/* fields it does not use */
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_SYNC_FILE_RANGE;
	sqe->fd = fd;
	sqe->addr = 1;
	sqe->user_data = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 1));
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_SYNC_FILE_RANGE;
	sqe->fd = fd;
	sqe->buf_index = 1;
	sqe->user_data = 2;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 2));
	close(p[0]);
	close(p[1]);
	close(fd);
	unlink("/tmp/io_uring-sfr");
	unlink(EXT4_DIR "/io_uring-sfr");
}

static int advise_one(struct ring *r, __u8 op, int fd, __u64 addr, __u64 off, __u32 len,
		      int advice)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = op;
	sqe->fd = fd;
	sqe->addr = addr;
	sqe->off = off;
	sqe->len = len;
	sqe->fadvise_advice = advice;
	sqe->user_data = 0xad;
	return ring_run_one(r, 0xad);
}

/*
 * FADVISE: posix_fadvise(2).  DONTNEED drops the pages of a clean file on
 * a disk, as mincore() of a mapping shows; a pipe is -ESPIPE, bad advice
 * -EINVAL.
 */
TEST_F(ring, fadvise)
{
	int on_disk = !access(EXT4_DIR, W_OK);
	const char *path = on_disk ? EXT4_DIR "/io_uring-fadvise" : "/tmp/io_uring-fadvise";
	size_t len = 16 * 4096, i, resident = 0;
	unsigned char vec[16];
	char *buf, *map;
	int fd, p[2];

	buf = calloc(1, len);
	ASSERT_NE(NULL, buf);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(len, write(fd, buf, len));
	ASSERT_EQ(0, fsync(fd));
	EXPECT_EQ(0, advise_one(&self->r, IORING_OP_FADVISE, fd, 0, 0, len,
				POSIX_FADV_SEQUENTIAL));
	EXPECT_EQ(0, advise_one(&self->r, IORING_OP_FADVISE, fd, 0, 0, len,
				POSIX_FADV_DONTNEED));
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, mincore(map, len, vec));
	for (i = 0; i < 16; i++)
		resident += vec[i] & 1;
	/* tmpfs keeps its pages whatever the advice */
	EXPECT_TRUE(!on_disk || !resident) TH_LOG("%zu pages resident", resident);
	if (!on_disk)
		TH_LOG("no ext4 at " EXT4_DIR ": DONTNEED not checked on tmpfs");
	EXPECT_EQ(0, advise_one(&self->r, IORING_OP_FADVISE, fd, 0, 0, len,
				POSIX_FADV_WILLNEED));
	munmap(map, len);

	EXPECT_EQ(-EINVAL, advise_one(&self->r, IORING_OP_FADVISE, fd, 0, 0, len, 99));
	EXPECT_EQ(-EINVAL, advise_one(&self->r, IORING_OP_FADVISE, fd, 1, 0, len,
				      POSIX_FADV_NORMAL));
	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-ESPIPE, advise_one(&self->r, IORING_OP_FADVISE, p[0], 0, 0, 0,
				      POSIX_FADV_NORMAL));
	EXPECT_EQ(-EBADF, advise_one(&self->r, IORING_OP_FADVISE, 999, 0, 0, 0,
				     POSIX_FADV_NORMAL));
	close(p[0]);
	close(p[1]);
	close(fd);
	unlink(path);
	free(buf);
}

/*
 * MADVISE: madvise(2) of the submitter's memory.  DONTNEED of an anonymous
 * mapping gives back zero-filled pages, as the syscall does.
 */
TEST_F(ring, madvise)
{
	size_t len = 4 * 4096;
	char *map;

	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	memset(map, 0x5a, len);
	EXPECT_EQ(0, advise_one(&self->r, IORING_OP_MADVISE, -1, (unsigned long)map, 0, len,
				MADV_DONTNEED));
	EXPECT_EQ(0, map[0]);
	EXPECT_EQ(0, map[len - 1]);
	EXPECT_EQ(0, advise_one(&self->r, IORING_OP_MADVISE, -1, (unsigned long)map, 0, len,
				MADV_WILLNEED));
	/* an unaligned start, unknown advice, a hole in the range */
	EXPECT_EQ(-EINVAL, advise_one(&self->r, IORING_OP_MADVISE, -1, (unsigned long)map + 1,
				      0, len, MADV_NORMAL));
	EXPECT_EQ(-EINVAL, advise_one(&self->r, IORING_OP_MADVISE, -1, (unsigned long)map, 0,
				      len, 9999));
	munmap(map + 4096, 4096);
	EXPECT_EQ(-ENOMEM, advise_one(&self->r, IORING_OP_MADVISE, -1, (unsigned long)map, 0,
				      len, MADV_NORMAL));
	/* off is not taken */
	EXPECT_EQ(-EINVAL, advise_one(&self->r, IORING_OP_MADVISE, -1, (unsigned long)map, 1,
				      4096, MADV_NORMAL));
	munmap(map, len);
}

static int epoll_ctl_one(struct ring *r, int epfd, int op, int fd, struct epoll_event *ev)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_EPOLL_CTL;
	sqe->fd = epfd;
	sqe->len = op;
	sqe->off = fd;
	sqe->addr = (unsigned long)ev;
	sqe->user_data = 0xe0;
	return ring_run_one(r, 0xe0);
}

/* EPOLL_CTL: epoll_ctl(2), ADD, MOD and DEL, and its errors. */
TEST_F(ring, epoll_ctl)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 }, got;
	int ep, p[2];

	ep = epoll_create1(0);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(0, epoll_ctl_one(&self->r, ep, EPOLL_CTL_ADD, p[0], &ev));
	EXPECT_EQ(-EEXIST, epoll_ctl_one(&self->r, ep, EPOLL_CTL_ADD, p[0], &ev));
	ASSERT_EQ(1, write(p[1], "x", 1));
	ASSERT_EQ(1, epoll_wait(ep, &got, 1, 1000));
	EXPECT_EQ(42, got.data.u64);
	ev.data.u64 = 43;
	EXPECT_EQ(0, epoll_ctl_one(&self->r, ep, EPOLL_CTL_MOD, p[0], &ev));
	ASSERT_EQ(1, epoll_wait(ep, &got, 1, 1000));
	EXPECT_EQ(43, got.data.u64);
	EXPECT_EQ(0, epoll_ctl_one(&self->r, ep, EPOLL_CTL_DEL, p[0], NULL));
	EXPECT_EQ(0, epoll_wait(ep, &got, 1, 0));

	EXPECT_EQ(-ENOENT, epoll_ctl_one(&self->r, ep, EPOLL_CTL_DEL, p[0], NULL));
	EXPECT_EQ(-EFAULT, epoll_ctl_one(&self->r, ep, EPOLL_CTL_ADD, p[0], NULL));
	EXPECT_EQ(-EINVAL, epoll_ctl_one(&self->r, ep, 99, p[0], &ev));
	EXPECT_EQ(-EINVAL, epoll_ctl_one(&self->r, p[0], EPOLL_CTL_ADD, p[1], &ev));
	EXPECT_EQ(-EINVAL, epoll_ctl_one(&self->r, ep, EPOLL_CTL_ADD, ep, &ev));
	EXPECT_EQ(-EBADF, epoll_ctl_one(&self->r, 999, EPOLL_CTL_ADD, p[0], &ev));
	EXPECT_EQ(-EBADF, epoll_ctl_one(&self->r, ep, EPOLL_CTL_ADD, 999, &ev));
	close(p[0]);
	close(p[1]);
	close(ep);
}

static struct io_uring_sqe *prep_splice(struct ring *r, __u8 op, int in, __s64 off_in,
					int out, __s64 off_out, __u32 len, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = op;
	sqe->splice_fd_in = in;
	sqe->splice_off_in = off_in;
	sqe->fd = out;
	sqe->off = off_out;
	sqe->len = len;
	sqe->user_data = data;
	return sqe;
}

/*
 * SPLICE: a file into a pipe at an offset, the pipe into another file at
 * its position; TEE: one pipe into another, leaving the data; and with a
 * registered input (SPLICE_F_FD_IN_FIXED).
 */
TEST_F(ring, splice_and_tee)
{
	char path[] = "/tmp/io_uring-splice-XXXXXX";
	int fd, p[2], q[2];
	char buf[16] = { };

	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	unlink(path);
	ASSERT_EQ(10, write(fd, "0123456789", 10));
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, pipe(q));

	prep_splice(&self->r, IORING_OP_SPLICE, fd, 4, p[1], -1, 6, 1);
	EXPECT_EQ(6, ring_run_one(&self->r, 1));
	prep_splice(&self->r, IORING_OP_TEE, p[0], 0, q[1], 0, 6, 2);
	EXPECT_EQ(6, ring_run_one(&self->r, 2));
	ASSERT_EQ(6, read(q[0], buf, sizeof(buf)));
	EXPECT_STREQ("456789", buf);
	/* the pipe still has it: into the file, at its position (10) */
	prep_splice(&self->r, IORING_OP_SPLICE, p[0], -1, fd, -1, 6, 3);
	EXPECT_EQ(6, ring_run_one(&self->r, 3));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(16, pread(fd, buf, 16, 0));
	EXPECT_EQ(0, memcmp(buf, "0123456789456789", 16));

	/* a registered input */
	ASSERT_EQ(0, sys_register(self->r.fd, IORING_REGISTER_FILES, &fd, 1));
	prep_splice(&self->r, IORING_OP_SPLICE, 0, 0, p[1], -1, 3, 4)->splice_flags =
		SPLICE_F_FD_IN_FIXED;
	EXPECT_EQ(3, ring_run_one(&self->r, 4));
	ASSERT_EQ(3, read(p[0], buf, sizeof(buf)));
	prep_splice(&self->r, IORING_OP_SPLICE, 1, 0, p[1], -1, 3, 5)->splice_flags =
		SPLICE_F_FD_IN_FIXED;
	EXPECT_EQ(-EBADF, ring_run_one(&self->r, 5));

	/* no pipe on either side, an offset on a pipe, a pipe to itself, bad fds */
	prep_splice(&self->r, IORING_OP_SPLICE, fd, 0, fd, 0, 3, 6);
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 6));
	prep_splice(&self->r, IORING_OP_SPLICE, p[0], 1, fd, 0, 3, 7);
	EXPECT_EQ(-ESPIPE, ring_run_one(&self->r, 7));
	prep_splice(&self->r, IORING_OP_TEE, p[0], 0, p[1], 0, 3, 8);
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 8));
	prep_splice(&self->r, IORING_OP_SPLICE, 999, 0, p[1], -1, 3, 9);
	EXPECT_EQ(-EBADF, ring_run_one(&self->r, 9));
	prep_splice(&self->r, IORING_OP_TEE, p[0], 0, q[1], 0, 3, 10)->splice_flags = 1 << 20;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 10));
	/* len 0 moves nothing */
	prep_splice(&self->r, IORING_OP_SPLICE, fd, 0, p[1], -1, 0, 11);
	EXPECT_EQ(0, ring_run_one(&self->r, 11));
	close(q[0]);
	close(q[1]);
	close(p[0]);
	close(p[1]);
	close(fd);
}

static struct io_uring_sqe *prep_msg(struct ring *r, int fd, __u32 len, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_MSG_RING;
	sqe->fd = fd;
	sqe->len = len;
	sqe->off = data;
	sqe->user_data = 0x3e;
	return sqe;
}

static void *wait_one_cqe(void *arg)
{
	static struct io_uring_cqe cqe;

	return ring_wait_cqe(arg, &cqe) ? NULL : &cqe;
}

/*
 * MSG_RING: a CQE for this ring, and one for another ring whose thread
 * waits in io_uring_enter() and wakes; the sender's own CQE says 0.
 */
TEST_F(ring, msg_ring)
{
	struct io_uring_cqe cqe, *got;
	pthread_t thread;
	struct ring other;
	int i, seen = 0;

	prep_msg(&self->r, self->r.fd, 0x10, 0x1234);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		if (cqe.user_data == 0x3e) {
			EXPECT_EQ(0, cqe.res);
		} else {
			EXPECT_EQ(0x1234, cqe.user_data);
			EXPECT_EQ(0x10, cqe.res);
			EXPECT_EQ(0, cqe.flags);
		}
		seen |= 1 << i;
	}
	EXPECT_EQ(3, seen);

	ASSERT_EQ(0, ring_init(&other, 4, 0));
	ASSERT_EQ(0, pthread_create(&thread, NULL, wait_one_cqe, &other));
	usleep(100 * 1000);
	prep_msg(&self->r, other.fd, -1, 0x5aa5);
	EXPECT_EQ(0, ring_run_one(&self->r, 0x3e));
	ASSERT_EQ(0, pthread_join(thread, (void **)&got));
	ASSERT_NE(NULL, got);
	EXPECT_EQ(0x5aa5, got->user_data);
	EXPECT_EQ(-1, got->res);
	ring_exit(&other);
}

/*
 * A CQE a MSG_RING posts is no request's completion: a drain behind a
 * READ that waits does not take it for the READ's, and waits on.
 */
TEST_F(ring, msg_ring_cqe_does_not_end_a_drain)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int p[2], i, seen = 0;
	char c;

	ASSERT_EQ(0, pipe(p));
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READ, p[0], &c, 1, 0);
	sqe->user_data = 1;
	prep_msg(&self->r, self->r.fd, 7, 0x5aa5)->user_data = 2;
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_NOP;
	sqe->flags = IOSQE_IO_DRAIN;
	sqe->user_data = 3;
	ASSERT_EQ(3, ring_submit(&self->r, 0));
	usleep(100 * 1000);
	while (ring_peek_cqe(&self->r, &cqe))
		seen |= 1 << (cqe.user_data & 7);
	/* the message and its sender's CQE, not the NOP */
	EXPECT_EQ(1 << 2 | 1 << (0x5aa5 & 7), seen);
	ASSERT_EQ(1, write(p[1], "x", 1));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		EXPECT_EQ(i ? 3 : 1, cqe.user_data);
	}
	close(p[0]);
	close(p[1]);
}

/*
 * IORING_MSG_SEND_FD: a registered file of one ring becomes a direct
 * descriptor of another, which gets a CQE (user_data off) unless
 * IORING_MSG_RING_CQE_SKIP; both CQEs say 0 or the slot allocated.
 */
static struct io_uring_sqe *prep_send_fd(struct ring *r, int target, __u64 src, __u32 slot)
{
	struct io_uring_sqe *sqe = prep_msg(r, target, 0, 0xfd);

	sqe->addr = IORING_MSG_SEND_FD;
	sqe->addr3 = src;
	sqe->file_index = slot;
	return sqe;
}

TEST(msg_ring_send_fd)
{
	struct io_uring_rsrc_register rr = { .nr = 2, .flags = IORING_RSRC_REGISTER_SPARSE };
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	struct ring src, dst, bare;
	int p[2], fds[2];
	char buf[4] = { };

	ASSERT_EQ(0, ring_init(&src, 8, 0));
	ASSERT_EQ(0, ring_init(&dst, 8, 0));
	ASSERT_EQ(0, ring_init(&bare, 8, 0));
	ASSERT_EQ(0, pipe(p));
	fds[0] = p[1];
	fds[1] = -1;
	ASSERT_EQ(0, sys_register(src.fd, IORING_REGISTER_FILES, fds, 2));
	ASSERT_EQ(0, sys_register(dst.fd, IORING_REGISTER_FILES2, &rr, sizeof(rr)));

	prep_send_fd(&src, dst.fd, 0, 2);
	EXPECT_EQ(0, ring_run_one(&src, 0x3e));
	ASSERT_EQ(0, ring_wait_cqe(&dst, &cqe));
	EXPECT_EQ(0xfd, cqe.user_data);
	EXPECT_EQ(0, cqe.res);
	sqe = ring_get_sqe(&dst);
	prep_rw(sqe, IORING_OP_WRITE, 1, "hi", 2, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->user_data = 9;
	EXPECT_EQ(2, ring_run_one(&dst, 9));
	EXPECT_EQ(2, read(p[0], buf, sizeof(buf)));
	EXPECT_STREQ("hi", buf);

	/* allocated, without a CQE for the target */
	sqe = prep_send_fd(&src, dst.fd, 0, IORING_FILE_INDEX_ALLOC);
	sqe->msg_ring_flags = IORING_MSG_RING_CQE_SKIP;
	EXPECT_EQ(0, ring_run_one(&src, 0x3e));
	EXPECT_EQ(0, ring_peek_cqe(&dst, &cqe));

	/* bad inputs */
	prep_send_fd(&src, src.fd, 0, 1);
	EXPECT_EQ(-EINVAL, ring_run_one(&src, 0x3e));
	prep_send_fd(&src, dst.fd, 1, 1);
	EXPECT_EQ(-EBADF, ring_run_one(&src, 0x3e));
	prep_send_fd(&src, dst.fd, 7, 1);
	EXPECT_EQ(-EBADF, ring_run_one(&src, 0x3e));
	prep_send_fd(&src, dst.fd, 0, IORING_FILE_INDEX_ALLOC);
	EXPECT_EQ(-ENFILE, ring_run_one(&src, 0x3e));
	prep_send_fd(&src, dst.fd, 0, 3);
	EXPECT_EQ(-EINVAL, ring_run_one(&src, 0x3e));
	prep_send_fd(&src, bare.fd, 0, 1);
	EXPECT_EQ(-ENXIO, ring_run_one(&src, 0x3e));
	prep_send_fd(&bare, dst.fd, 0, 1);
	EXPECT_EQ(-EBADF, ring_run_one(&bare, 0x3e));
	sqe = prep_send_fd(&src, dst.fd, 0, 1);
	sqe->msg_ring_flags = 2;
	EXPECT_EQ(-EINVAL, ring_run_one(&src, 0x3e));
	/* from a worker, which takes one ring's lock at a time */
	sqe = prep_send_fd(&src, dst.fd, 0, 1);
	sqe->flags = IOSQE_ASYNC;
	EXPECT_EQ(0, ring_run_one(&src, 0x3e));
	ASSERT_EQ(0, ring_wait_cqe(&dst, &cqe));
	EXPECT_EQ(0xfd, cqe.user_data);
	EXPECT_EQ(0, ring_peek_cqe(&dst, &cqe));

	ring_exit(&bare);
	ring_exit(&dst);
	ring_exit(&src);
	close(p[0]);
	close(p[1]);
}

TEST_F(ring, msg_ring_bad_inputs)
{
	int p[2];

	ASSERT_EQ(0, pipe(p));
	prep_msg(&self->r, p[0], 0, 1);
	EXPECT_EQ(-EBADFD, ring_run_one(&self->r, 0x3e));
	prep_msg(&self->r, 999, 0, 1);
	EXPECT_EQ(-EBADF, ring_run_one(&self->r, 0x3e));
	/* IORING_MSG_SEND_FD to its own ring; other commands are unknown */
	prep_msg(&self->r, self->r.fd, 0, 1)->personality = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 0x3e));
	prep_msg(&self->r, p[0], 0, 1)->addr = 2;
	EXPECT_EQ(-EBADFD, ring_run_one(&self->r, 0x3e));
	prep_msg(&self->r, self->r.fd, 0, 1)->addr = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 0x3e));
	prep_msg(&self->r, self->r.fd, 0, 1)->addr = 2;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 0x3e));
	prep_msg(&self->r, self->r.fd, 0, 1)->msg_ring_flags = IORING_MSG_RING_CQE_SKIP;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 0x3e));
	prep_msg(&self->r, self->r.fd, 0, 1)->addr3 = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 0x3e));
	prep_msg(&self->r, self->r.fd, 0, 1)->ioprio = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 0x3e));
	/* none of them posted to the ring */
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &(struct io_uring_cqe){ }));
	close(p[0]);
	close(p[1]);
}

static int fallocate_one(struct ring *r, int fd, int mode, __u64 off, __u64 len)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_FALLOCATE;
	sqe->fd = fd;
	sqe->off = off;
	sqe->addr = len;
	sqe->len = mode;
	sqe->user_data = 0xfa;
	return ring_run_one(r, 0xfa);
}

TEST_F(ring, fallocate)
{
	const char *path = access(EXT4_DIR, W_OK) ? "/tmp/io_uring-falloc" :
			   EXT4_DIR "/io_uring-falloc";
	struct io_uring_sqe *sqe;
	struct stat st;
	int fd, ro, p[2];

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, fallocate_one(&self->r, fd, 0, 4096, 8192));
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ(12288, st.st_size);
	/* FALLOC_FL_KEEP_SIZE allocates past the end without growing it */
	EXPECT_EQ(0, fallocate_one(&self->r, fd, FALLOC_FL_KEEP_SIZE, 65536, 4096));
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ(12288, st.st_size);
	EXPECT_LE(16 * 512, st.st_blocks * 512);
	/* bad mode, range, file */
	EXPECT_EQ(-EOPNOTSUPP, fallocate_one(&self->r, fd, 0x80000, 0, 4096));
	EXPECT_EQ(-EINVAL, fallocate_one(&self->r, fd, 0, -4096, 4096));
	EXPECT_EQ(-EINVAL, fallocate_one(&self->r, fd, 0, 0, 0));
	ro = open(path, O_RDONLY);
	ASSERT_LE(0, ro);
	EXPECT_EQ(-EBADF, fallocate_one(&self->r, ro, 0, 0, 4096));
	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-ESPIPE, fallocate_one(&self->r, p[1], 0, 0, 4096));
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_FALLOCATE;
	sqe->fd = fd;
	sqe->addr = 4096;
	sqe->ioprio = 1;
	sqe->user_data = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 1));
	close(p[0]);
	close(p[1]);
	close(ro);
	close(fd);
	unlink(path);
}

TEST_F(ring, fsync_bad_inputs)
{
	int fd = open("/tmp", O_RDONLY | O_DIRECTORY);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, fsync_one(&self->r, fd, 2, 0, 0));
	EXPECT_EQ(-EBADF, fsync_one(&self->r, 999, 0, 0, 0));
	EXPECT_EQ(0, fsync_one(&self->r, fd, 0, 0, 0));
	close(fd);
}

/* A read from an empty pipe cannot finish inline: it goes to a worker. */
TEST_F(ring, pipe_read_punted_then_completed)
{
	struct io_uring_cqe cqe = { 0 };
	char buf[16];
	struct iovec iov = { buf, sizeof(buf) };
	int p[2];

	ASSERT_EQ(0, pipe(p));
	prep_rw(ring_get_sqe(&self->r), IORING_OP_READV, p[0], &iov, 1, 0);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	usleep(100 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	ASSERT_EQ(5, write(p[1], "hello", 5));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(5, cqe.res);
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	close(p[0]);
	close(p[1]);
}

/*
 * O_NONBLOCK does not make a read or write of a pollable file -EAGAIN, as
 * on 6.1: it waits as a poll until the file is ready, as it would without
 * the flag (liburing's eventfd-disable reads an EFD_NONBLOCK eventfd so).
 * Only RWF_NOWAIT asks for -EAGAIN.  An eventfd READ, a pipe READV, and a
 * WRITE to a full pipe: none ends before its file is ready.
 */
TEST_F(ring, nonblocking_files_wait_for_data)
{
	struct io_uring_cqe cqe = { 0 };
	char buf[16] = { 0 }, big[4096];
	struct iovec iov = { buf, sizeof(buf) };
	struct io_uring_sqe *sqe;
	/* what the eventfd READ, the pipe READV and the WRITE each end with */
	const int want[3] = { sizeof(__u64), 5, 1 };
	__u64 count = 0;
	int efd, p[2], w[2], i, seen = 0;

	efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, pipe2(p, O_NONBLOCK));
	ASSERT_EQ(0, pipe2(w, O_NONBLOCK));
	memset(big, 'f', sizeof(big));
	while (write(w[1], big, sizeof(big)) > 0)
		;
	ASSERT_EQ(EAGAIN, errno);

	prep_rw(ring_get_sqe(&self->r), IORING_OP_READ, efd, &count, sizeof(count), 0);
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READV, p[0], &iov, 1, 0);
	sqe->user_data = 1;
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_WRITE, w[1], big, 1, 0);
	sqe->user_data = 2;
	ASSERT_EQ(3, ring_submit(&self->r, 0));
	usleep(100 * 1000);
	ASSERT_EQ(0, ring_peek_cqe(&self->r, &cqe))
		TH_LOG("user_data %llu ended with %d", cqe.user_data, cqe.res);

	ASSERT_EQ(0, eventfd_write(efd, 5));
	ASSERT_EQ(5, write(p[1], "hello", 5));
	ASSERT_EQ(sizeof(big), read(w[0], big, sizeof(big)));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		ASSERT_GT(3, cqe.user_data);
		seen |= 1 << cqe.user_data;
		EXPECT_EQ(want[cqe.user_data], cqe.res) TH_LOG("user_data %llu", cqe.user_data);
	}
	EXPECT_EQ(7, seen);
	EXPECT_EQ(5, count);
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	close(efd);
	close(p[0]);
	close(p[1]);
	close(w[0]);
	close(w[1]);
}

TEST_F(ring, out_of_range_index_is_dropped)
{
	struct io_uring_cqe cqe;
	int ret;

	/* publish an index beyond the SQE array */
	self->r.sq_array[*self->r.sq_tail & *self->r.sq_mask] = 1000;
	self->r.sqe_tail++;
	ret = ring_submit(&self->r, 0);
	EXPECT_EQ(0, ret);
	EXPECT_EQ(1, *self->r.sq_dropped);
	EXPECT_EQ(*self->r.sq_tail, *self->r.sq_head);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	/* the ring still works after it */
	EXPECT_EQ(0, nop(&self->r, 77));
}

/*
 * A tail far ahead of the head, or behind it, is nonsense from userspace:
 * the kernel looks at one ring's worth at most and returns.
 */
TEST(hostile_sq_tail_is_bounded)
{
	unsigned int i, j;
	struct ring r;

	for (j = 0; j < 2; j++) {
		ASSERT_EQ(0, ring_init(&r, 4, 0));
		for (i = 0; i < 4; i++) {
			r.sqes[i].opcode = IORING_OP_NOP;
			r.sq_array[i] = j ? 1000 : i;	/* valid, or all dropped */
		}
		__atomic_store_n(r.sq_tail, j ? -1u : 0x80000000u, __ATOMIC_RELEASE);
		EXPECT_GE(4, sys_enter(r.fd, ~0u, 0, 0, NULL, 0));
		EXPECT_GE(4, sys_enter(r.fd, ~0u, 0, 0, NULL, 0));
		ring_exit(&r);
	}
}

/*
 * IORING_FEAT_NODROP: CQEs that find the CQ ring full wait in the kernel,
 * IORING_SQ_CQ_OVERFLOW says so, submitting goes on (as on 6.1: the
 * backlog is memory charged to the caller's cgroup), and nothing is lost
 * or reordered.
 */
TEST(full_cq_keeps_completions)
{
	struct io_uring_cqe cqe;
	struct ring r;
	int i;

	ASSERT_EQ(0, ring_init(&r, 1, 0));
	ASSERT_EQ(2, r.p.cq_entries);
	ASSERT_TRUE(r.p.features & IORING_FEAT_NODROP);
	/* two fill the ring, the third waits in the backlog */
	for (i = 0; i < 3; i++) {
		ring_get_sqe(&r)->user_data = i;
		ASSERT_EQ(1, ring_submit(&r, 0));
	}
	EXPECT_EQ(IORING_SQ_CQ_OVERFLOW, *r.sq_flags & IORING_SQ_CQ_OVERFLOW);
	/* no room and CQEs waiting: the fourth is taken all the same */
	ring_get_sqe(&r)->user_data = 3;
	EXPECT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ(*r.sq_tail, *r.sq_head);
	EXPECT_EQ(0, *r.cq_overflow);

	/* reaping one makes room: the next enter moves the backlog in */
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(0, cqe.user_data);
	EXPECT_EQ(0, sys_enter(r.fd, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0));
	for (i = 1; i < 4; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
		EXPECT_EQ(i, cqe.user_data);
		EXPECT_EQ(0, cqe.res);
	}
	EXPECT_EQ(0, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(0, *r.sq_flags & IORING_SQ_CQ_OVERFLOW);
	EXPECT_EQ(0, *r.cq_overflow);
	ring_exit(&r);
}

/* GETEVENTS alone also moves backlogged CQEs into the room made for them. */
TEST(getevents_flushes_the_backlog)
{
	struct io_uring_cqe cqe;
	struct pollfd pfd;
	struct ring r;
	int i;

	ASSERT_EQ(0, ring_init(&r, 2, 0));
	ASSERT_EQ(4, r.p.cq_entries);
	/* in pairs: four fill the CQ ring, the last two wait in the backlog */
	for (i = 0; i < 6; i += 2) {
		ring_get_sqe(&r)->user_data = i;
		ring_get_sqe(&r)->user_data = i + 1;
		ASSERT_EQ(2, ring_submit(&r, 0));
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
		EXPECT_EQ(i, cqe.user_data);
	}
	/* the ring is empty now, yet poll() says there is something to read */
	pfd.fd = r.fd;
	pfd.events = POLLIN;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(0, ring_peek_cqe(&r, &cqe));
	ASSERT_EQ(0, sys_enter(r.fd, 0, 2, IORING_ENTER_GETEVENTS, NULL, 0));
	for (i = 4; i < 6; i++) {
		ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
		EXPECT_EQ(i, cqe.user_data);
	}
	EXPECT_EQ(0, *r.sq_flags & IORING_SQ_CQ_OVERFLOW);
	ring_exit(&r);
}

/* A ring closed with CQEs in the backlog frees them (kmemleak checks). */
TEST(close_with_a_backlog)
{
	struct ring r;
	int i;

	ASSERT_EQ(0, ring_init(&r, 1, 0));
	for (i = 0; i < 3; i++) {
		ring_get_sqe(&r)->user_data = i;
		ASSERT_EQ(1, ring_submit(&r, 0));
	}
	EXPECT_EQ(IORING_SQ_CQ_OVERFLOW, *r.sq_flags & IORING_SQ_CQ_OVERFLOW);
	ring_exit(&r);
}

/*
 * Far more requests than entries, so head and tail wrap many times.  A
 * debug kernel under emulation needs minutes for it, hence the timeout.
 */
FIXTURE(wrap) {
};

FIXTURE_SETUP(wrap)
{
}

FIXTURE_TEARDOWN(wrap)
{
}

TEST_F_TIMEOUT(wrap, many_ops_through_a_small_ring, 600)
{
	struct io_uring_cqe cqe;
	unsigned long long done = 0, sent = 0;
	const unsigned long long total = 100000;
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	while (done < total) {
		struct io_uring_sqe *sqe;

		while (sent < total && sent - done < 4 && (sqe = ring_get_sqe(&r))) {
			sqe->opcode = IORING_OP_NOP;
			sqe->user_data = sent++;
		}
		ASSERT_LE(0, ring_submit(&r, 1));
		while (ring_peek_cqe(&r, &cqe)) {
			ASSERT_EQ(done, cqe.user_data);
			ASSERT_EQ(0, cqe.res);
			done++;
		}
	}
	EXPECT_EQ(0, *r.cq_overflow);
	EXPECT_EQ(0, *r.sq_dropped);
	ring_exit(&r);
}

struct shared {
	struct ring r;
	pthread_mutex_t lock;
	int fd;
	int errors;
};

struct submitter_arg {
	struct shared *s;
	int idx;
};

/* One request in flight: whoever reaps its CQE fills in @res. */
struct pending {
	int res;
	int done;
};

static void reap_some(struct shared *s)
{
	struct io_uring_cqe cqe;

	pthread_mutex_lock(&s->lock);
	while (ring_peek_cqe(&s->r, &cqe)) {
		struct pending *p = (void *)(unsigned long)cqe.user_data;

		p->res = cqe.res;
		__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&s->lock);
}

static void *submitter(void *arg)
{
	struct submitter_arg *a = arg;
	struct shared *s = a->s;
	char buf[512], want[512];
	struct iovec iov = { buf, sizeof(buf) };
	int i;

	for (i = 0; i < 200; i++) {
		unsigned int blk = (i * 7 + a->idx * 13) % 64;
		struct pending p = { 0, 0 };
		struct io_uring_sqe *sqe;
		int ret;

		pthread_mutex_lock(&s->lock);
		sqe = ring_get_sqe(&s->r);
		prep_rw(sqe, IORING_OP_READV, s->fd, &iov, 1, blk * 512);
		sqe->user_data = (unsigned long)&p;
		ret = ring_submit(&s->r, 0);
		pthread_mutex_unlock(&s->lock);
		if (ret != 1) {
			__atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
			continue;
		}
		/* completions may belong to other threads: hand them over */
		while (!__atomic_load_n(&p.done, __ATOMIC_ACQUIRE)) {
			reap_some(s);
			if (!__atomic_load_n(&p.done, __ATOMIC_ACQUIRE))
				usleep(50);
		}
		fill(want, sizeof(want), blk);
		if (p.res != sizeof(buf) || memcmp(buf, want, sizeof(want)))
			__atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

TEST(threads_share_a_ring)
{
	char path[] = "/tmp/io_uring-mt-XXXXXX";
	struct submitter_arg args[4];
	pthread_t th[4];
	struct shared s;
	char blk[512];
	int i;

	ASSERT_EQ(0, ring_init(&s.r, 32, 0));
	pthread_mutex_init(&s.lock, NULL);
	s.errors = 0;
	s.fd = mkstemp(path);
	ASSERT_LE(0, s.fd);
	unlink(path);
	for (i = 0; i < 64; i++) {
		fill(blk, sizeof(blk), i);
		ASSERT_EQ(512, pwrite(s.fd, blk, 512, i * 512));
	}
	for (i = 0; i < 4; i++) {
		args[i].s = &s;
		args[i].idx = i;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, submitter, &args[i]));
	}
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(0, s.errors);
	close(s.fd);
	ring_exit(&s.r);
}

struct waiter {
	struct ring *r;
	unsigned int min;
	int done;
};

static void *wait_for_min(void *arg)
{
	struct waiter *w = arg;

	if (sys_enter(w->r->fd, 0, w->min, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return (void *)1;
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Two threads wait on one ring, the first for 4 CQEs, the second for 1.
 * One CQE must wake the second, however the first is woken and sleeps again.
 */
TEST(waiters_with_different_min_complete)
{
	struct waiter w4, w1;
	pthread_t t4, t1;
	struct ring r;
	int i;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	w4 = (struct waiter){ .r = &r, .min = 4 };
	w1 = (struct waiter){ .r = &r, .min = 1 };
	ASSERT_EQ(0, pthread_create(&t4, NULL, wait_for_min, &w4));
	usleep(50 * 1000);
	ASSERT_EQ(0, pthread_create(&t1, NULL, wait_for_min, &w1));
	usleep(50 * 1000);
	ring_get_sqe(&r)->fd = -1;
	ASSERT_EQ(1, ring_submit(&r, 0));
	for (i = 0; i < 200 && !__atomic_load_n(&w1.done, __ATOMIC_ACQUIRE); i++)
		usleep(10 * 1000);
	EXPECT_TRUE(w1.done);
	EXPECT_FALSE(w4.done);
	/* three more for the first waiter (and the second, if it still waits) */
	for (i = 0; i < 3; i++)
		ring_get_sqe(&r)->fd = -1;
	ASSERT_EQ(3, ring_submit(&r, 0));
	pthread_join(t4, NULL);
	pthread_join(t1, NULL);
	EXPECT_TRUE(w4.done);
	ring_exit(&r);
}

struct reaper {
	struct ring *r;
	int reaped;
	int stop;
};

/* Reap each CQE as it comes, with io_uring_enter(GETEVENTS, 1). */
static void *reap_one_by_one(void *arg)
{
	struct reaper *rp = arg;
	struct io_uring_cqe cqe;

	while (!__atomic_load_n(&rp->stop, __ATOMIC_ACQUIRE)) {
		if (ring_peek_cqe(rp->r, &cqe)) {
			__atomic_add_fetch(&rp->reaped, 1, __ATOMIC_RELEASE);
			continue;
		}
		usleep(1000);
	}
	return NULL;
}

/*
 * A thread waits for 2 CQEs while another reaps each one as it comes: the
 * ring never holds 2 at once, but 2 were posted since the wait began, and
 * that is what it waited for (as on 6.1).
 */
TEST(waiter_is_not_starved_by_a_reaper)
{
	struct reaper rp = { 0 };
	struct waiter w2;
	pthread_t tw, tr;
	struct ring r;
	int i;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	rp.r = &r;
	w2 = (struct waiter){ .r = &r, .min = 2 };
	ASSERT_EQ(0, pthread_create(&tw, NULL, wait_for_min, &w2));
	usleep(50 * 1000);
	ASSERT_EQ(0, pthread_create(&tr, NULL, reap_one_by_one, &rp));
	for (i = 0; i < 2; i++) {
		int j;

		ring_get_sqe(&r)->fd = -1;
		ASSERT_EQ(1, ring_submit(&r, 0));
		for (j = 0; j < 200 && __atomic_load_n(&rp.reaped, __ATOMIC_ACQUIRE) <= i; j++)
			usleep(5 * 1000);
	}
	for (i = 0; i < 200 && !__atomic_load_n(&w2.done, __ATOMIC_ACQUIRE); i++)
		usleep(10 * 1000);
	EXPECT_TRUE(w2.done);
	/* let it go if it still waits */
	__atomic_store_n(&rp.stop, 1, __ATOMIC_RELEASE);
	pthread_join(tr, NULL);
	for (i = 0; i < 2; i++)
		ring_get_sqe(&r)->fd = -1;
	ASSERT_EQ(2, ring_submit(&r, 0));
	pthread_join(tw, NULL);
	ring_exit(&r);
}

/*
 * One thread sleeps in io_uring_enter(GETEVENTS) and reaps; another submits
 * NOPs, one at a time, each completing inline.  Every NOP must wake the
 * sleeper: MariaDB stops its completion thread this way, and a lost wakeup
 * hangs its shutdown.
 */
struct nop_reaper {
	struct ring *r;
	unsigned int seen;
	int failed;
};

static void *reap_until_zero(void *arg)
{
	struct nop_reaper *nr = arg;
	struct io_uring_cqe cqe;

	for (;;) {
		if (sys_enter(nr->r->fd, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0 ||
		    ring_peek_cqe(nr->r, &cqe) != 1) {
			__atomic_store_n(&nr->failed, 1, __ATOMIC_RELEASE);
			return NULL;
		}
		if (!cqe.user_data)
			return NULL;
		__atomic_store_n(&nr->seen, cqe.user_data, __ATOMIC_RELEASE);
	}
}

TEST(each_nop_wakes_a_waiter_in_another_thread)
{
	unsigned int i, rounds = 5000, stuck = 0;
	struct nop_reaper nr = { 0 };
	struct timespec t0, t;
	struct ring r;
	pthread_t th;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	nr.r = &r;
	ASSERT_EQ(0, pthread_create(&th, NULL, reap_until_zero, &nr));
	for (i = 1; i <= rounds && !stuck; i++) {
		ring_get_sqe(&r)->user_data = i;
		ASSERT_EQ(1, ring_submit(&r, 0));
		clock_gettime(CLOCK_MONOTONIC, &t0);
		while (__atomic_load_n(&nr.seen, __ATOMIC_ACQUIRE) != i) {
			ASSERT_EQ(0, __atomic_load_n(&nr.failed, __ATOMIC_ACQUIRE));
			clock_gettime(CLOCK_MONOTONIC, &t);
			if (t.tv_sec - t0.tv_sec > 10) {
				stuck = i;
				break;
			}
			sched_yield();
		}
	}
	/* the last NOP ends the reaper, and wakes it if one was lost */
	ring_get_sqe(&r)->user_data = 0;
	ASSERT_EQ(1, ring_submit(&r, 0));
	pthread_join(th, NULL);
	EXPECT_EQ(0, stuck) TH_LOG("the waiter slept through NOP %u", stuck);
	ring_exit(&r);
}

TEST_F(ring, fork_with_ring_open)
{
	pid_t pid;
	int status;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(nop(&self->r, 42) == 0 ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* the rings are shared: pick up where the child left the SQ tail */
	self->r.sqe_tail = *self->r.sq_tail;
	EXPECT_EQ(0, nop(&self->r, 43));
}

/* Close the ring, or exit, while requests are still in flight. */
TEST(teardown_with_io_in_flight)
{
	char buf[64];
	struct iovec iov = { buf, sizeof(buf) };
	int i, p[2];

	for (i = 0; i < 20; i++) {
		struct ring r;
		pid_t pid;
		int status, fd;

		ASSERT_EQ(0, pipe(p));
		ASSERT_EQ(0, ring_init(&r, 8, 0));
		prep_rw(ring_get_sqe(&r), IORING_OP_READV, p[0], &iov, 1, 0);
		fd = open("/tmp/io_uring-td", O_RDWR | O_CREAT | O_TRUNC, 0600);
		ASSERT_LE(0, fd);
		prep_rw(ring_get_sqe(&r), IORING_OP_WRITEV, fd, &iov, 1, 0);
		ASSERT_EQ(2, ring_submit(&r, 0));

		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			/* the child's copy: exit with its requests pending */
			prep_rw(ring_get_sqe(&r), IORING_OP_WRITEV, fd, &iov, 1, 64);
			ring_submit(&r, 0);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ring_exit(&r);
		/* the pipe read finishes only now, after the ring is gone */
		ASSERT_EQ(1, write(p[1], "x", 1));
		close(p[0]);
		close(p[1]);
		close(fd);
	}
	unlink("/tmp/io_uring-td");
}

TEST_HARNESS_MAIN
