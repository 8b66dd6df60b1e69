// SPDX-License-Identifier: GPL-2.0
/*
 * Security properties that need more than one bad argument to show:
 *
 * - work punted to an async worker runs with the submitter's credentials:
 *   as nobody, every opcode we have, forced onto the async path, gives what
 *   the plain syscall gives, down to a write clearing a setuid bit (which
 *   a worker running with its own, full, capabilities would keep);
 * - hostile ring memory: another thread scribbles over SQ head and tail,
 *   the SQ index array, the SQEs and the CQ head while the kernel submits;
 *   the kernel must neither crash nor loop, and the process stays killable.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdalign.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "ring.h"

#define EXT4_DIR	"/mnt/ext4"
#define NOBODY		65534

static int run_one(struct ring *r, struct io_uring_sqe *sqe)
{
	sqe->user_data = 0x5ec;
	return ring_run_one(r, 0x5ec);
}

static int sqe_rw(struct ring *r, int op, int fd, void *buf, size_t len, off_t off)
{
	static struct iovec iov;
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	iov.iov_base = buf;
	iov.iov_len = len;
	if (op == IORING_OP_READ_FIXED || op == IORING_OP_WRITE_FIXED)
		prep_rw(sqe, op, fd, buf, len, off);
	else
		prep_rw(sqe, op, fd, &iov, 1, off);
	return run_one(r, sqe);
}

/* WRITEV through registered file 0, as an SQPOLL ring needs. */
static int sqe_rw_fixed_file(struct ring *r, void *buf, size_t len, off_t off)
{
	static struct iovec iov;
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	iov.iov_base = buf;
	iov.iov_len = len;
	prep_rw(sqe, IORING_OP_WRITEV, 0, &iov, 1, off);
	sqe->flags = IOSQE_FIXED_FILE;
	return run_one(r, sqe);
}

static int sqe_fsync(struct ring *r, int fd)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_FSYNC;
	sqe->fd = fd;
	return run_one(r, sqe);
}

static int make_setuid_file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		return -1;
	close(fd);
	/* setuid root and writable by anyone: a write by nobody must clear it */
	return chmod(path, 04777);
}

static int is_setuid(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : !!(st.st_mode & S_ISUID);
}

/*
 * As nobody: each opcode, forced to a worker, against the plain syscall.
 * Returns 0 when all agree, else the number of the first disagreement.
 */
static int creds_child(void *arg)
{
	static alignas(4096) char buf[4096];
	struct iovec fixed = { buf, sizeof(buf) };
	struct ring r;
	int p[2], fd, ro, ret, n = 0;

	(void)arg;
	if (ring_init(&r, 8, 0) || pipe(p))
		return 100;

	/* 1, 2: buffered ext4 writes always go to a worker */
	fd = open(EXT4_DIR "/suid-plain", O_WRONLY);
	n++;
	if (fd < 0 || pwrite(fd, "x", 1, 0) != 1 || is_setuid(EXT4_DIR "/suid-plain") != 0)
		return n;
	close(fd);
	fd = open(EXT4_DIR "/suid-ring", O_WRONLY);
	n++;
	if (fd < 0 || sqe_rw(&r, IORING_OP_WRITEV, fd, "x", 1, 0) != 1 ||
	    is_setuid(EXT4_DIR "/suid-ring") != 0)
		return n;
	close(fd);
	/* 3: the same through a registered buffer */
	fd = open(EXT4_DIR "/suid-fixed", O_WRONLY);
	n++;
	if (fd < 0 || sys_register(r.fd, IORING_REGISTER_BUFFERS, &fixed, 1) ||
	    sqe_rw(&r, IORING_OP_WRITE_FIXED, fd, buf, 1, 0) != 1 ||
	    is_setuid(EXT4_DIR "/suid-fixed") != 0)
		return n;
	/* 4: fsync always goes to a worker */
	n++;
	if (sqe_fsync(&r, fd) != 0 || fsync(fd) != 0)
		return n;
	close(fd);
	/* 5: a file nobody may only read: writes are refused like write() */
	ro = open(EXT4_DIR "/root-only", O_RDONLY);
	n++;
	if (ro < 0 || write(ro, "x", 1) != -1)
		return n;
	ret = errno;
	if (sqe_rw(&r, IORING_OP_WRITEV, ro, "x", 1, 0) != -ret)
		return n;
	/* 6: and may be read, by a worker too (a cold buffered read) */
	n++;
	if (sqe_rw(&r, IORING_OP_READ_FIXED, ro, buf, 4, 0) != 4 || memcmp(buf, "root", 4))
		return n;
	/* 7: a pipe read with no data yet is punted, then finishes */
	n++;
	if (write(p[1], "y", 1) != 1 || sqe_rw(&r, IORING_OP_READV, p[0], buf, 1, 0) != 1 ||
	    buf[0] != 'y')
		return n;
	ring_exit(&r);
	return 0;
}

TEST(async_work_runs_with_the_submitters_credentials)
{
	int fd, ret;

	if (geteuid() != 0)
		SKIP(return, "needs root to become nobody");
	if (access(EXT4_DIR, W_OK))
		SKIP(return, "no ext4 file system at " EXT4_DIR);
	ASSERT_EQ(0, make_setuid_file(EXT4_DIR "/suid-plain"));
	ASSERT_EQ(0, make_setuid_file(EXT4_DIR "/suid-ring"));
	ASSERT_EQ(0, make_setuid_file(EXT4_DIR "/suid-fixed"));
	fd = open(EXT4_DIR "/root-only", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4, write(fd, "root", 4));
	close(fd);
	/* the read in step 6 must miss the page cache */
	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd >= 0) {
		ASSERT_EQ(1, write(fd, "1", 1));
		close(fd);
	}

	ret = run_in_child(creds_child, NULL, 1);
	EXPECT_EQ(0, ret) TH_LOG("step %d: the ring's result differs from the syscall's", ret);
	/* root's own write keeps the bit: CAP_FSETID is honoured, not assumed */
	fd = open(EXT4_DIR "/suid-plain", O_WRONLY);
	ASSERT_EQ(0, chmod(EXT4_DIR "/suid-plain", 04777));
	ASSERT_EQ(1, pwrite(fd, "z", 1, 0));
	EXPECT_EQ(1, is_setuid(EXT4_DIR "/suid-plain"));
	close(fd);
	unlink(EXT4_DIR "/suid-plain");
	unlink(EXT4_DIR "/suid-ring");
	unlink(EXT4_DIR "/suid-fixed");
	unlink(EXT4_DIR "/root-only");
}

/*
 * RLIMIT_FSIZE: a write that a worker or the SQ thread does obeys the
 * submitter's limit exactly as write(2) does: short up to the limit,
 * -EFBIG from it on (SIGXFSZ ignored, as it has nobody to go to).
 */
static int fsize_child(void *arg)
{
	struct rlimit lim = { 8192, 8192 };
	static char buf[16384];
	struct ring r, sq;
	int fd, n = 0;

	(void)arg;
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &lim) || ring_init(&r, 8, 0))
		return 100;
	fd = open(EXT4_DIR "/fsize", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	/* 1, 2: write(2) stops at the limit, and will not start past it */
	n++;
	if (fd < 0 || pwrite(fd, buf, 16384, 0) != 8192)
		return n;
	n++;
	if (pwrite(fd, buf, 1, 8192) != -1 || errno != EFBIG)
		return n;
	/* 3, 4: buffered ext4 writes through the ring go to a worker */
	n++;
	if (sqe_rw(&r, IORING_OP_WRITEV, fd, buf, 16384, 0) != 8192)
		return n;
	n++;
	if (sqe_rw(&r, IORING_OP_WRITEV, fd, buf, 1, 8192) != -EFBIG)
		return n;
	ring_exit(&r);
	/* 5: and through the SQ thread */
	n++;
	memset(&sq, 0, sizeof(sq));
	sq.p.flags = IORING_SETUP_SQPOLL;
	sq.p.sq_thread_idle = 5000;	/* awake throughout: no wakeups needed */
	sq.fd = sys_setup(8, &sq.p);
	if (sq.fd < 0 || ring_mmap(&sq) ||
	    sys_register(sq.fd, IORING_REGISTER_FILES, &fd, 1))
		return n;
	n++;
	if (sqe_rw_fixed_file(&sq, buf, 4096, 6144) != 2048 ||
	    sqe_rw_fixed_file(&sq, buf, 1, 8192) != -EFBIG)
		return n;
	ring_exit(&sq);
	/* 7: FALLOCATE, from a worker, grows no file past it either */
	n++;
	memset(&sq, 0, sizeof(sq));
	if (ring_init(&sq, 4, 0))
		return n;
	{
		struct io_uring_sqe *sqe = ring_get_sqe(&sq);

		sqe->opcode = IORING_OP_FALLOCATE;
		sqe->fd = fd;
		sqe->off = 8192;
		sqe->addr = 4096;
		sqe->user_data = 7;
		if (ring_run_one(&sq, 7) != -EFBIG)
			return n;
	}
	ring_exit(&sq);
	close(fd);
	return 0;
}

TEST(punted_writes_obey_the_submitters_rlimit_fsize)
{
	int ret;

	if (access(EXT4_DIR, W_OK))
		SKIP(return, "no ext4 file system at " EXT4_DIR);
	ret = run_in_child(fsize_child, NULL, 0);
	EXPECT_EQ(0, ret) TH_LOG("step %d: the ring's result differs from write(2)'s", ret);
	unlink(EXT4_DIR "/fsize");
}

/* ---- hostile ring memory ------------------------------------------------ */

static struct ring hostile;

static unsigned int rnd(unsigned int *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

/* Rewrite everything userspace can write in the rings, at random. */
static void *scribble(void *arg)
{
	unsigned int seed = (unsigned int)(unsigned long)arg, v;
	struct ring *r = &hostile;

	/* until the process exits */
	for (;;) {
		v = rnd(&seed);
		switch (v % 6) {
		case 0:
			__atomic_store_n(r->sq_tail, rnd(&seed), __ATOMIC_RELEASE);
			break;
		case 1:
			__atomic_store_n(r->sq_head, rnd(&seed), __ATOMIC_RELAXED);
			break;
		case 2:
			r->sq_array[rnd(&seed) % r->p.sq_entries] = rnd(&seed);
			break;
		case 3:
			((unsigned char *)r->sqes)[rnd(&seed) % r->sqes_size] = rnd(&seed);
			break;
		case 4:
			__atomic_store_n(r->cq_head, rnd(&seed), __ATOMIC_RELEASE);
			break;
		default:
			/* mostly NOPs and reads of the pipe, so some SQEs are valid */
			r->sqes[rnd(&seed) % r->p.sq_entries].opcode = rnd(&seed) % 3 ?
				IORING_OP_NOP : IORING_OP_READV;
			break;
		}
	}
	return NULL;
}

/* Submit and reap while the scribbler runs; never returns. */
static void hostile_child(unsigned int flags, int seconds)
{
	unsigned int seed = 12345;
	pthread_t t;
	time_t end;
	int p[2], fd;

	memset(&hostile, 0, sizeof(hostile));
	hostile.p.flags = flags;
	hostile.p.sq_thread_idle = 10;
	hostile.fd = sys_setup(16, &hostile.p);
	/* the write end must never block: nothing may drain the pipe */
	if (hostile.fd < 0 || ring_mmap(&hostile) || pipe(p) ||
	    fcntl(p[1], F_SETFL, O_NONBLOCK))
		_exit(100);
	fd = p[0];
	if (flags & IORING_SETUP_SQPOLL)
		sys_register(hostile.fd, IORING_REGISTER_FILES, &fd, 1);
	if (pthread_create(&t, NULL, scribble, (void *)7UL))
		_exit(101);
	end = time(NULL) + seconds;
	while (time(NULL) < end) {
		unsigned int flags = IORING_ENTER_GETEVENTS | IORING_ENTER_SQ_WAKEUP;

		/* min_complete 0: nothing here may wait for a scribbled CQ */
		syscall(__NR_io_uring_enter, hostile.fd, rnd(&seed) % 64, 0, flags, NULL, 0);
		if (rnd(&seed) % 16 == 0 && write(p[1], "z", 1) != 1 && errno != EAGAIN)
			_exit(102);
	}
	/* then exit with the scribbler still running */
	_exit(0);
}

/*
 * One run: the child scribbles and submits for @seconds and exits; a second
 * child is killed with SIGKILL halfway.  Both must be gone in time.
 */
static void hostile_run(struct __test_metadata *_metadata, unsigned int flags, int seconds)
{
	int i, status;

	for (i = 0; i < 2; i++) {
		pid_t pid = fork();
		time_t t0 = time(NULL);

		ASSERT_LE(0, pid);
		if (!pid)
			hostile_child(flags, seconds);
		if (i == 1) {
			sleep(seconds / 2);
			kill(pid, SIGKILL);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_LE(time(NULL) - t0, seconds + 10) TH_LOG("the child took too long to go");
		if (i == 0) {
			EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
				TH_LOG("status %#x", status);
		} else {
			EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		}
	}
}

TEST(hostile_ring_memory)
{
	hostile_run(_metadata, 0, 6);
}

TEST(hostile_ring_memory_sqpoll)
{
	hostile_run(_metadata, IORING_SETUP_SQPOLL, 6);
}

TEST_HARNESS_MAIN
