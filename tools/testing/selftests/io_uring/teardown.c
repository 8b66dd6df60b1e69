// SPDX-License-Identifier: GPL-2.0
/*
 * Teardown with IO in flight, over and over: a child sets up a ring, puts
 * IO in flight (buffered writes, O_DIRECT reads, polled reads, SQPOLL,
 * armed polls and a blocked pipe read) and then closes the ring, exits,
 * is killed with SIGKILL, or execs, without unmapping anything.  The rings
 * must all go: no I/O thread left, and slab back where it was.  (The
 * children run as nobody under a small RLIMIT_MEMLOCK, as applications
 * often do; rings are not charged to it.)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "ring.h"

#define EXT4_FILE	"/mnt/ext4/teardown"
#define NVME_DEV	"/dev/nvme0n1"
#define NOBODY		65534
#define DEPTH		8

enum mode { BUFFERED, DIRECT, IOPOLL, SQPOLL, POLL, NR_MODES };
enum ending { CLOSE, EXIT, KILL, EXEC, NR_ENDINGS };

static const char *const mode_names[] = { "buffered", "O_DIRECT", "IOPOLL", "SQPOLL", "poll" };
static const char *const ending_names[] = { "close", "exit", "SIGKILL", "execve" };

/* Opened by the parent (as root) and inherited by the children. */
static int buffered_fd = -1, direct_fd = -1, nvme_fd = -1;
static char *iobuf;

/* I/O threads (iou-sqp-*, iou-wrk-*) of all processes: they die with their rings' users */
static int count_sq_threads(void)
{
	return threads_named_anywhere("iou-");
}

static void queue_rw(struct ring *r, int op, int fd, unsigned int flags, __u64 off)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);
	static struct iovec iov[DEPTH];
	unsigned int i = (r->sqe_tail - 1) % DEPTH;

	iov[i].iov_base = iobuf + i * 65536;
	iov[i].iov_len = op == IORING_OP_WRITEV ? 65536 : 4096;
	prep_rw(sqe, op, fd, &iov[i], 1, off);
	sqe->flags = flags;
}

/* Put IO of @mode in flight; returns 0 or -errno.  Runs in the child. */
static int start_io(struct ring *r, enum mode mode)
{
	struct io_uring_sqe *sqe;
	int i, p[2], ret;

	switch (mode) {
	case SQPOLL:
		r->p.flags = IORING_SETUP_SQPOLL;
		r->p.sq_thread_idle = 50;
		break;
	case IOPOLL:
		r->p.flags = IORING_SETUP_IOPOLL;
		break;
	default:
		break;
	}
	r->fd = sys_setup(DEPTH * 2, &r->p);
	if (r->fd < 0)
		return -errno;
	ret = ring_mmap(r);
	if (ret)
		return ret;

	for (i = 0; i < DEPTH; i++) {
		switch (mode) {
		case BUFFERED:
			queue_rw(r, IORING_OP_WRITEV, buffered_fd, 0, (__u64)i * 65536);
			break;
		case DIRECT:
			queue_rw(r, IORING_OP_READV, direct_fd, 0, (__u64)i * 4096);
			break;
		case IOPOLL:
			queue_rw(r, IORING_OP_READV, nvme_fd, 0, (__u64)i * 4096);
			break;
		case SQPOLL:
			if (i == 0 && sys_register(r->fd, IORING_REGISTER_FILES,
						   &buffered_fd, 1))
				return -errno;
			queue_rw(r, IORING_OP_READV, 0, IOSQE_FIXED_FILE, (__u64)i * 4096);
			break;
		case POLL:
			if (i == 0 && pipe2(p, O_CLOEXEC))
				return -errno;
			sqe = ring_get_sqe(r);
			sqe->opcode = IORING_OP_POLL_ADD;
			sqe->fd = p[0];
			sqe->poll32_events = POLLIN;
			if (i == DEPTH - 1)	/* and a read that blocks in a worker */
				queue_rw(r, IORING_OP_READV, p[0], 0, 0);
			break;
		default:
			break;
		}
	}
	if (mode == SQPOLL) {
		ring_flush(r);
		return 0;
	}
	ret = sys_enter(r->fd, ring_flush(r), 0, 0, NULL, 0);
	return ret < 0 ? -errno : 0;
}

/* The child: IO in flight, then the ending.  Exit status 0 or an errno. */
static int child(enum mode mode, enum ending ending, int ready)
{
	struct ring r;
	int ret;

	memset(&r, 0, sizeof(r));
	if (mode != SQPOLL && (setgid(NOBODY) || setuid(NOBODY)))
		return 126;
	ret = start_io(&r, mode);
	if (ret)
		return -ret;
	switch (ending) {
	case CLOSE:
		close(r.fd);
		return 0;
	case EXIT:
		_exit(0);
	case KILL:
		if (write(ready, "x", 1) != 1)
			return 125;
		pause();
		return 124;
	case EXEC:
		execl("/bin/true", "true", (char *)NULL);
		return 123;
	default:
		return 122;
	}
}

/* One iteration; returns the child's exit status, or -1 if it died wrongly. */
static int iterate(enum mode mode, enum ending ending)
{
	int p[2], status;
	char c;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(p[0]);
		_exit(child(mode, ending, p[1]));
	}
	close(p[1]);
	if (ending == KILL) {
		if (read(p[0], &c, 1) == 1)
			kill(pid, SIGKILL);
	}
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (ending == KILL)
		return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? 0 :
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool mode_usable(enum mode mode)
{
	switch (mode) {
	case DIRECT:
		return direct_fd >= 0;
	case IOPOLL:
		return nvme_fd >= 0;
	default:
		return buffered_fd >= 0;
	}
}

static int wait_for_sq_threads(int want)
{
	int i, n = count_sq_threads();

	for (i = 0; i < 100 && n > want; i++) {
		usleep(100 * 1000);
		n = count_sq_threads();
	}
	return n;
}

FIXTURE(teardown) {};
FIXTURE_SETUP(teardown) {}
FIXTURE_TEARDOWN(teardown) {}

TEST_F_TIMEOUT(teardown, with_io_in_flight, 1800)
{
	struct rlimit small = { 256 * 1024, 256 * 1024 };
	int iterations = 1000, per, done = 0, failed = 0, threads, m, e;
	long slab_before, slab_after;
	const char *env = getenv("IOU_TEARDOWN_ITERATIONS");
	time_t t0 = time(NULL);

	if (geteuid() != 0)
		SKIP(return, "needs root to open the devices and to drop to nobody");
	if (env)
		iterations = atoi(env);
	iobuf = aligned_alloc(4096, DEPTH * 65536);
	ASSERT_NE(NULL, iobuf);
	memset(iobuf, 'x', DEPTH * 65536);
	buffered_fd = open(EXT4_FILE, O_RDWR | O_CREAT | O_TRUNC, 0666);
	if (buffered_fd < 0)
		buffered_fd = open("/tmp/teardown", O_RDWR | O_CREAT | O_TRUNC, 0666);
	ASSERT_LE(0, buffered_fd);
	ASSERT_EQ(DEPTH * 65536, pwrite(buffered_fd, iobuf, DEPTH * 65536, 0));
	direct_fd = open(EXT4_FILE, O_RDONLY | O_DIRECT);
	nvme_fd = open(NVME_DEV, O_RDONLY | O_DIRECT);
	/* the children (as nobody) may pin very little */
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &small));

	threads = count_sq_threads();
	/* a first round lets caches and workqueues reach their steady size */
	for (m = 0; m < NR_MODES; m++)
		if (mode_usable(m))
			iterate(m, EXIT);
	wait_for_sq_threads(threads);
	sync();
	slab_before = settled_slab_kb();

	per = iterations / (NR_MODES * NR_ENDINGS);
	if (per < 1)
		per = 1;
	for (m = 0; m < NR_MODES; m++) {
		if (!mode_usable(m)) {
			TH_LOG("%s: no device or file for it, not run", mode_names[m]);
			continue;
		}
		for (e = 0; e < NR_ENDINGS; e++) {
			int i, bad = 0;

			for (i = 0; i < per; i++) {
				int st = iterate(m, e);

				if (st && !bad++)
					TH_LOG("%s + %s: iteration %d: child status %d (%s)",
					       mode_names[m], ending_names[e], i, st,
					       st > 0 && st < 122 ? strerror(st) : "");
				done++;
			}
			failed += bad;
		}
		/* the I/O threads of the rings torn down must go */
		EXPECT_EQ(threads, wait_for_sq_threads(threads))
			TH_LOG("%s: I/O threads left behind", mode_names[m]);
	}
	EXPECT_EQ(0, failed);
	sync();
	slab_after = settled_slab_kb();
	TH_LOG("%d iterations in %ld s; slab %ld kB before, %ld kB after",
	       done, (long)(time(NULL) - t0), slab_before, slab_after);
	/* one ring is several kB of slab; 1000 leaked would show plainly */
	EXPECT_GT(slab_before + 2048, slab_after);
	unlink(EXT4_FILE);
}

TEST_HARNESS_MAIN
