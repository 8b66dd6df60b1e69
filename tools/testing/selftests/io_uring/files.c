// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_OPENAT, CLOSE and STATX act on the submitter's file table and
 * resolve paths from its root and working directory, wherever they run:
 * inline, in a worker, behind a link, or from the SQ thread (then in the
 * ring creator's table).  Each answers what its syscall would, and bad
 * inputs get their errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/openat2.h>

#include "../kselftest_harness.h"
#include "ring.h"

static struct io_uring_sqe *prep_path(struct ring *r, __u8 op, int dfd, const char *path,
				      __u32 len, __u32 flags, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = op;
	sqe->fd = dfd;
	sqe->addr = (unsigned long)path;
	sqe->len = len;
	sqe->open_flags = flags;	/* statx_flags share the field */
	sqe->user_data = data;
	return sqe;
}

static int run_openat(struct ring *r, int dfd, const char *path, int flags, mode_t mode)
{
	prep_path(r, IORING_OP_OPENAT, dfd, path, mode, flags, 0x0a);
	return ring_run_one(r, 0x0a);
}

static int run_close(struct ring *r, int fd)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_CLOSE;
	sqe->fd = fd;
	sqe->user_data = 0x0c;
	return ring_run_one(r, 0x0c);
}

static int run_statx(struct ring *r, int dfd, const char *path, int flags,
		     unsigned int mask, struct statx *stx)
{
	struct io_uring_sqe *sqe = prep_path(r, IORING_OP_STATX, dfd, path, mask, flags, 0x05);

	sqe->addr2 = (unsigned long)stx;
	return ring_run_one(r, 0x05);
}

static int fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

FIXTURE(files) {
	struct ring r;
	char dir[64], path[96];
	int dfd;
};

FIXTURE_SETUP(files)
{
	int fd;

	snprintf(self->dir, sizeof(self->dir), "/tmp/io_uring-files-%d", getpid());
	snprintf(self->path, sizeof(self->path), "%s/f", self->dir);
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	fd = open(self->path, O_CREAT | O_WRONLY, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(5, write(fd, "hello", 5));
	close(fd);
	self->dfd = open(self->dir, O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, self->dfd);
	ASSERT_EQ(0, ring_init(&self->r, 8, 0));
}

FIXTURE_TEARDOWN(files)
{
	char other[128];

	ring_exit(&self->r);
	close(self->dfd);
	snprintf(other, sizeof(other), "%s/g", self->dir);
	unlink(other);
	unlink(self->path);
	rmdir(self->dir);
}

TEST_F(files, openat_opens_in_the_submitters_table)
{
	char buf[8] = { };
	int fd;

	fd = run_openat(&self->r, AT_FDCWD, self->path, O_RDONLY, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(5, read(fd, buf, sizeof(buf)));
	EXPECT_STREQ("hello", buf);
	EXPECT_EQ(0, fcntl(fd, F_GETFD));
	close(fd);
	/* relative to a directory fd, close-on-exec */
	fd = run_openat(&self->r, self->dfd, "f", O_RDONLY | O_CLOEXEC, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	close(fd);
}

TEST_F(files, openat_creates_with_mode)
{
	char other[128];
	struct stat st;
	mode_t old = umask(0);
	int fd;

	snprintf(other, sizeof(other), "%s/g", self->dir);
	fd = run_openat(&self->r, AT_FDCWD, other, O_CREAT | O_EXCL | O_WRONLY, 0640);
	umask(old);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ(0640, st.st_mode & 0777);
	close(fd);
	EXPECT_EQ(-EEXIST, run_openat(&self->r, AT_FDCWD, other, O_CREAT | O_EXCL, 0640));
}

/* The path is read at submission: it may change before the open happens. */
TEST_F(files, openat_reads_the_path_at_submission)
{
	struct io_uring_cqe cqe = { };
	char path[128];

	strcpy(path, self->path);
	prep_path(&self->r, IORING_OP_OPENAT, AT_FDCWD, path, 0, O_RDONLY, 1);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	strcpy(path, "/nonexistent");
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	ASSERT_LE(0, cqe.res);
	close(cqe.res);
}

/* A worker opens with the submitter's RLIMIT_NOFILE, not its own. */
TEST_F(files, openat_obeys_the_submitters_fd_limit)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = open("/dev/null", O_RDONLY);
		struct rlimit rl = { fd + 1, fd + 1 };

		close(fd);
		if (setrlimit(RLIMIT_NOFILE, &rl))
			_exit(2);
		fd = run_openat(&self->r, AT_FDCWD, self->path, O_RDONLY, 0);
		if (fd < 0)
			_exit(3);
		/* the one slot is taken now */
		_exit(run_openat(&self->r, AT_FDCWD, self->path, O_RDONLY, 0) == -EMFILE ? 0 : 4);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(files, openat_bad_inputs)
{
	struct io_uring_sqe *sqe;

	EXPECT_EQ(-ENOENT, run_openat(&self->r, AT_FDCWD, "/nonexistent/f", O_RDONLY, 0));
	EXPECT_EQ(-EFAULT, run_openat(&self->r, AT_FDCWD, NULL, O_RDONLY, 0));
	EXPECT_EQ(-EFAULT, run_openat(&self->r, AT_FDCWD, (char *)8, O_RDONLY, 0));
	EXPECT_EQ(-EBADF, run_openat(&self->r, 999, "f", O_RDONLY, 0));
	EXPECT_EQ(-ENOTDIR, run_openat(&self->r, self->dfd, "f/x", O_RDONLY, 0));
	/* O_TMPFILE wants write access */
	EXPECT_EQ(-EINVAL, run_openat(&self->r, AT_FDCWD, self->dir, O_TMPFILE | O_RDONLY, 0));
	sqe = prep_path(&self->r, IORING_OP_OPENAT, AT_FDCWD, self->path, 0, O_RDONLY, 1);
	sqe->off = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 1));
	sqe = prep_path(&self->r, IORING_OP_OPENAT, AT_FDCWD, self->path, 0, O_RDONLY, 2);
	sqe->ioprio = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 2));
	/* a direct descriptor, with no registered files to hold it */
	sqe = prep_path(&self->r, IORING_OP_OPENAT, AT_FDCWD, self->path, 0, O_RDONLY, 3);
	sqe->file_index = 1;
	EXPECT_EQ(-ENXIO, ring_run_one(&self->r, 3));
	/* as on 6.1 */
	sqe = prep_path(&self->r, IORING_OP_OPENAT, 0, self->path, 0, O_RDONLY, 4);
	sqe->flags = IOSQE_FIXED_FILE;
	EXPECT_EQ(-EBADF, ring_run_one(&self->r, 4));
}

static int run_openat2(struct ring *r, int dfd, const char *path, struct open_how *how,
		       __u32 size)
{
	struct io_uring_sqe *sqe = prep_path(r, IORING_OP_OPENAT2, dfd, path, size, 0, 0x02);

	sqe->addr2 = (unsigned long)how;
	return ring_run_one(r, 0x02);
}

/* OPENAT2: openat2(2)'s open_how, its resolve flags and its size rules. */
TEST_F(files, openat2_opens_with_an_open_how)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC };
	struct {
		struct open_how how;
		__u64 more;
	} big = { .how = how };
	char buf[8] = { };
	int fd;

	fd = run_openat2(&self->r, self->dfd, "f", &how, sizeof(how));
	ASSERT_LE(0, fd);
	EXPECT_EQ(5, read(fd, buf, sizeof(buf)));
	EXPECT_STREQ("hello", buf);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	close(fd);

	/* O_PATH, which takes no O_LARGEFILE */
	how.flags = O_PATH;
	fd = run_openat2(&self->r, self->dfd, "f", &how, sizeof(how));
	ASSERT_LE(0, fd);
	EXPECT_EQ(O_PATH, fcntl(fd, F_GETFL) & O_PATH);
	close(fd);
	how.flags = O_RDONLY;

	/* RESOLVE_BENEATH refuses what leaves the directory */
	how.resolve = RESOLVE_BENEATH;
	EXPECT_EQ(-EXDEV, run_openat2(&self->r, self->dfd, "../", &how, sizeof(how)));
	fd = run_openat2(&self->r, self->dfd, "f", &how, sizeof(how));
	EXPECT_LE(0, fd);
	close(fd);

	/* a larger struct is fine while the rest is zero */
	fd = run_openat2(&self->r, self->dfd, "f", &big.how, sizeof(big));
	EXPECT_LE(0, fd);
	close(fd);
	big.more = 1;
	EXPECT_EQ(-E2BIG, run_openat2(&self->r, self->dfd, "f", &big.how, sizeof(big)));
	EXPECT_EQ(-EINVAL, run_openat2(&self->r, self->dfd, "f", &how, sizeof(how) - 8));
	EXPECT_EQ(-EFAULT, run_openat2(&self->r, self->dfd, "f", NULL, sizeof(how)));
	how.resolve = 1ULL << 40;
	EXPECT_EQ(-EINVAL, run_openat2(&self->r, self->dfd, "f", &how, sizeof(how)));
	how.resolve = 0;
	how.mode = 0644;	/* a mode without O_CREAT */
	EXPECT_EQ(-EINVAL, run_openat2(&self->r, self->dfd, "f", &how, sizeof(how)));
}

/* OPENAT2 in a chain reads its open_how and path at submission. */
TEST_F(files, openat2_reads_its_arguments_at_submission)
{
	struct open_how how = { .flags = O_RDONLY };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char path[8] = "f";
	int i;

	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_NOP;
	sqe->flags = IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = prep_path(&self->r, IORING_OP_OPENAT2, self->dfd, path, sizeof(how), 0, 2);
	sqe->addr2 = (unsigned long)&how;
	ASSERT_EQ(2, ring_submit(&self->r, 0));
	how.flags = O_WRONLY | O_CREAT;
	strcpy(path, "x");
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		if (cqe.user_data != 2)
			continue;
		ASSERT_LE(0, cqe.res);
		EXPECT_EQ(O_RDONLY, fcntl(cqe.res, F_GETFL) & O_ACCMODE);
		close(cqe.res);
	}
	EXPECT_EQ(-1, faccessat(self->dfd, "x", F_OK, 0));
}

TEST_F(files, close_closes)
{
	int fd = open("/dev/null", O_RDONLY);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, run_close(&self->r, fd));
	EXPECT_FALSE(fd_is_open(fd));
	EXPECT_EQ(EBADF, errno);
}

TEST_F(files, close_bad_inputs)
{
	struct io_uring_sqe *sqe;
	int fd = open("/dev/null", O_RDONLY);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBADF, run_close(&self->r, 999));
	EXPECT_EQ(-EBADF, run_close(&self->r, -1));
	/* a ring is not closed through a ring */
	EXPECT_EQ(-EBADF, run_close(&self->r, self->r.fd));
	EXPECT_TRUE(fd_is_open(self->r.fd));
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_CLOSE;
	sqe->fd = fd;
	sqe->addr = 1;
	sqe->user_data = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 1));
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_CLOSE;
	sqe->fd = 0;
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->user_data = 2;
	EXPECT_EQ(-EBADF, ring_run_one(&self->r, 2));
	/* none of that closed it */
	EXPECT_TRUE(fd_is_open(fd));
	close(fd);
}

/*
 * SQEs are issued in order: once a CLOSE has run, the SQEs after it in the
 * same submission find the fd closed, even those on the same fd number.
 */
TEST_F(files, close_is_seen_by_the_sqes_after_it)
{
	char buf[2][8] = { };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int res[3] = { 1, 1, 1 };
	int fd, i;

	fd = open(self->path, O_RDONLY);
	ASSERT_LE(0, fd);
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READ, fd, buf[0], 5, 0);
	sqe->user_data = 0;
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_CLOSE;
	sqe->fd = fd;
	sqe->user_data = 1;
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READ, fd, buf[1], 5, 0);
	sqe->user_data = 2;
	ASSERT_EQ(3, ring_submit(&self->r, 3));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		ASSERT_GT(3, cqe.user_data);
		res[cqe.user_data] = cqe.res;
	}
	EXPECT_EQ(5, res[0]);
	EXPECT_STREQ("hello", buf[0]);
	EXPECT_EQ(0, res[1]);
	EXPECT_EQ(-EBADF, res[2]);
	EXPECT_STREQ("", buf[1]);
	EXPECT_FALSE(fd_is_open(fd));
}

/* Behind a link, a worker closes it: in the submitter's table. */
TEST_F(files, linked_close_uses_the_submitters_table)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int fd = open("/dev/null", O_RDONLY), i;

	ASSERT_LE(0, fd);
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_NOP;
	sqe->flags = IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = ring_get_sqe(&self->r);
	sqe->opcode = IORING_OP_CLOSE;
	sqe->fd = fd;
	sqe->user_data = 2;
	ASSERT_EQ(2, ring_submit(&self->r, 2));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		EXPECT_EQ(0, cqe.res) TH_LOG("user_data %llu", cqe.user_data);
	}
	EXPECT_FALSE(fd_is_open(fd));
}

TEST_F(files, statx_reports_the_file)
{
	struct statx stx;
	int fd;

	memset(&stx, 0, sizeof(stx));
	EXPECT_EQ(0, run_statx(&self->r, AT_FDCWD, self->path, 0, STATX_SIZE | STATX_MODE,
			       &stx));
	EXPECT_EQ(5, stx.stx_size);
	EXPECT_TRUE(S_ISREG(stx.stx_mode));
	memset(&stx, 0, sizeof(stx));
	EXPECT_EQ(0, run_statx(&self->r, self->dfd, "f", 0, STATX_SIZE, &stx));
	EXPECT_EQ(5, stx.stx_size);
	/* the fd itself, with AT_EMPTY_PATH */
	fd = open(self->path, O_RDONLY);
	ASSERT_LE(0, fd);
	memset(&stx, 0, sizeof(stx));
	EXPECT_EQ(0, run_statx(&self->r, fd, "", AT_EMPTY_PATH, STATX_SIZE, &stx));
	EXPECT_EQ(5, stx.stx_size);
	close(fd);
}

TEST_F(files, statx_bad_inputs)
{
	struct statx stx;

	EXPECT_EQ(-ENOENT, run_statx(&self->r, AT_FDCWD, "/nonexistent", 0, STATX_SIZE, &stx));
	EXPECT_EQ(-EFAULT, run_statx(&self->r, AT_FDCWD, self->path, 0, STATX_SIZE, NULL));
	EXPECT_EQ(-EFAULT, run_statx(&self->r, AT_FDCWD, NULL, 0, STATX_SIZE, &stx));
	EXPECT_EQ(-EINVAL, run_statx(&self->r, AT_FDCWD, self->path, AT_STATX_SYNC_TYPE,
				     STATX_SIZE, &stx));
	EXPECT_EQ(-EINVAL, run_statx(&self->r, AT_FDCWD, self->path, 0, 0x80000000, &stx));
	EXPECT_EQ(-ENOENT, run_statx(&self->r, AT_FDCWD, "", 0, STATX_SIZE, &stx));
}

/* The SQ thread opens and closes in the ring creator's table. */
TEST_F(files, sqpoll_uses_the_creators_table)
{
	struct ring r;
	int fd;

	if (geteuid())
		SKIP(return, "SQPOLL needs root");
	ASSERT_EQ(0, ring_init(&r, 4, IORING_SETUP_SQPOLL));
	fd = run_openat(&r, AT_FDCWD, self->path, O_RDONLY, 0);
	ASSERT_LE(0, fd);
	EXPECT_TRUE(fd_is_open(fd));
	EXPECT_EQ(0, run_close(&r, fd));
	EXPECT_FALSE(fd_is_open(fd));
	ring_exit(&r);
}

/* A child with a ring of its own exits with opens queued: nothing leaks. */
TEST_F(files, exit_with_opens_in_flight)
{
	int i, status;

	for (i = 0; i < 20; i++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (pid == 0) {
			struct ring r;
			int j;

			if (ring_init(&r, 8, 0))
				_exit(2);
			for (j = 0; j < 8; j++)
				prep_path(&r, IORING_OP_OPENAT, AT_FDCWD, self->path, 0,
					  O_RDONLY, j);
			ring_submit(&r, 0);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
}

TEST_HARNESS_MAIN
