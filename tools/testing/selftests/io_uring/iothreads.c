// SPDX-License-Identifier: GPL-2.0
/*
 * Requests that cannot finish inline run in I/O threads of the submitting
 * process: with its memory, file table, name and credentials (as they are
 * at submission, or a registered personality), each in its own submitter's
 * threads when a ring is shared across fork.  What blocks there ends when
 * the process exits, execs or closes the ring, and no thread is left.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/openat2.h>
#include <linux/time_types.h>

#include "../kselftest_harness.h"
#include "ring.h"

#define NOBODY 65534

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait up to @secs for a CQE; 0, or -ETIMEDOUT. */
static int wait_cqe_timeout(struct ring *r, struct io_uring_cqe *cqe, double secs)
{
	double end = now_s() + secs;

	while (!ring_peek_cqe(r, cqe)) {
		if (now_s() > end)
			return -ETIMEDOUT;
		usleep(2000);
	}
	return 0;
}

static void prep_read(struct ring *r, int fd, void *buf, unsigned int len, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	prep_rw(sqe, IORING_OP_READ, fd, buf, len, 0);
	sqe->user_data = data;
}

static struct io_uring_sqe *prep_poll_of(struct ring *r, int fd, unsigned int events, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_POLL_ADD;
	sqe->fd = fd;
	sqe->poll32_events = events;
	sqe->user_data = data;
	return sqe;
}

static void prep_openat(struct ring *r, const char *path, int flags, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_OPENAT;
	sqe->fd = AT_FDCWD;
	sqe->addr = (unsigned long)path;
	sqe->open_flags = flags;
	sqe->user_data = data;
}

/* A 0600 root-only file for the credential tests. */
static const char *secret_path(void)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/iothreads-secret-%d", getpid());
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	if (fd >= 0) {
		if (write(fd, "secret", 6) != 6)
			perror("write");
		close(fd);
	}
	return path;
}

/*
 * Set up a ring as root, then become nobody: OPENAT of a root-only file
 * fails as open(2) would, since the request runs with the credentials of
 * its submission.
 */
static int child_openat_after_setuid(void *arg)
{
	const char *path = arg;
	struct ring r;
	int res;

	if (ring_init(&r, 4, 0))
		return 2;
	if (setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
		return 3;
	if (open(path, O_RDONLY) != -1 || errno != EACCES)
		return 4;
	prep_openat(&r, path, O_RDONLY, 1);
	res = ring_run_one(&r, 1);
	return res == -EACCES ? 0 : 10;
}

/* Run @fn on the root-only file in a child that starts as root. */
static int run_on_secret(int (*fn)(void *))
{
	const char *path = secret_path();
	int ret = run_in_child(fn, (void *)path, 0);

	unlink(path);
	return ret;
}

TEST(openat_runs_with_the_creds_of_its_submission)
{
	if (getuid())
		SKIP(return, "needs root to switch users");
	EXPECT_EQ(0, run_on_secret(child_openat_after_setuid));
}

/*
 * IORING_REGISTER_PERSONALITY: the id names the credentials at
 * registration; an SQE with it runs with them, after setuid() too.
 */
static int child_personality(void *arg)
{
	const char *path = arg;
	struct io_uring_sqe *sqe;
	struct ring r;
	int id, res;

	if (ring_init(&r, 4, 0))
		return 2;
	id = sys_register(r.fd, IORING_REGISTER_PERSONALITY, NULL, 0);
	if (id <= 0)
		return 3;
	if (setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
		return 4;
	prep_openat(&r, path, O_RDONLY, 1);
	res = ring_run_one(&r, 1);
	if (res != -EACCES)
		return 10;
	prep_openat(&r, path, O_RDONLY, 2);
	r.sqes[(r.sqe_tail - 1) & *r.sq_mask].personality = id;
	res = ring_run_one(&r, 2);
	if (res < 0)
		return 11;
	close(res);
	/* a NOP with it is issued inline, with the same credentials */
	sqe = ring_get_sqe(&r);
	sqe->opcode = IORING_OP_NOP;
	sqe->personality = id;
	sqe->user_data = 3;
	if (ring_run_one(&r, 3) != 0)
		return 12;
	/* an id nobody registered */
	sqe = ring_get_sqe(&r);
	sqe->opcode = IORING_OP_NOP;
	sqe->personality = id + 1;
	sqe->user_data = 4;
	if (ring_run_one(&r, 4) != -EINVAL)
		return 13;
	if (sys_register(r.fd, IORING_UNREGISTER_PERSONALITY, NULL, id))
		return 14;
	if (sys_register(r.fd, IORING_UNREGISTER_PERSONALITY, NULL, id) != -1 || errno != EINVAL)
		return 15;
	/* unregistered: the SQE is refused */
	prep_openat(&r, path, O_RDONLY, 5);
	r.sqes[(r.sqe_tail - 1) & *r.sq_mask].personality = id;
	if (ring_run_one(&r, 5) != -EINVAL)
		return 16;
	return 0;
}

TEST(personality)
{
	if (getuid())
		SKIP(return, "needs root to switch users");
	EXPECT_EQ(0, run_on_secret(child_personality));
}

/*
 * IORING_FEAT_CUR_PERSONALITY: a request runs with the credentials of the
 * thread that submitted it, not of the one that set the ring up.  Threads
 * of one process may hold different credentials (the raw setresuid
 * syscall changes only its caller's), so nobody's thread is refused the
 * root-only file the ring's creator may open, inline and in a worker.
 */
struct secret_arg {
	struct ring *r;
	const char *path;
	int res[2];
};

static void *nobody_submits(void *arg)
{
	struct secret_arg *a = arg;

	if (syscall(SYS_setresgid, NOBODY, NOBODY, NOBODY) ||
	    syscall(SYS_setresuid, NOBODY, NOBODY, NOBODY)) {
		a->res[0] = 1;
		a->res[1] = 1;
		return NULL;
	}
	prep_openat(a->r, a->path, O_RDONLY, 1);
	a->res[0] = ring_run_one(a->r, 1);
	prep_openat(a->r, a->path, O_RDONLY, 2);
	a->r->sqes[(a->r->sqe_tail - 1) & *a->r->sq_mask].flags = IOSQE_ASYNC;
	a->res[1] = ring_run_one(a->r, 2);
	return NULL;
}

static int child_thread_creds(void *arg)
{
	struct secret_arg a = { .path = arg };
	pthread_t thread;
	struct ring r;
	int res;

	if (ring_init(&r, 4, 0))
		return 2;
	if (!(r.p.features & IORING_FEAT_CUR_PERSONALITY))
		return 3;
	a.r = &r;
	if (pthread_create(&thread, NULL, nobody_submits, &a) || pthread_join(thread, NULL))
		return 4;
	if (a.res[0] != -EACCES)
		return 10;
	if (a.res[1] != -EACCES)
		return 11;
	/* the creator, still root, opens it */
	prep_openat(&r, a.path, O_RDONLY, 3);
	res = ring_run_one(&r, 3);
	if (res < 0)
		return 12;
	close(res);
	return 0;
}

TEST(requests_run_with_the_submitting_threads_creds)
{
	if (getuid())
		SKIP(return, "needs root to switch users");
	EXPECT_EQ(0, run_on_secret(child_thread_creds));
}

TEST(personality_bad_arguments)
{
	struct ring r;
	int dummy = 0;

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_PERSONALITY, &dummy, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_PERSONALITY, NULL, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_UNREGISTER_PERSONALITY, &dummy, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_UNREGISTER_PERSONALITY, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_UNREGISTER_PERSONALITY, NULL, 777));
	EXPECT_EQ(EINVAL, errno);
	ring_exit(&r);
}

/*
 * A ring shared across fork: the child's READ of an empty pipe waits in the
 * child's own threads and lands in the child's memory, not the parent's.
 */
static char fork_buf[16];

TEST(ring_shared_across_fork_runs_in_the_submitter)
{
	struct io_uring_cqe cqe;
	int pfd[2], status;
	struct ring r;
	pid_t pid;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		prep_read(&r, pfd[0], fork_buf, 3, 7);
		if (ring_submit(&r, 0) != 1)
			_exit(2);
		usleep(100000);
		if (write(pfd[1], "abc", 3) != 3)
			_exit(3);
		if (wait_cqe_timeout(&r, &cqe, 10))
			_exit(4);
		if (cqe.user_data != 7 || cqe.res != 3)
			_exit(5);
		_exit(memcmp(fork_buf, "abc", 3) ? 6 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* nothing was written into the parent */
	EXPECT_EQ(0, fork_buf[0]);
	close(pfd[0]);
	close(pfd[1]);
	ring_exit(&r);
}

/* /proc/self in a worker (and the SQ thread) is the submitting process. */
static void check_proc_self_comm(struct __test_metadata *_metadata, unsigned int flags)
{
	char name[16] = { 0 }, got[32] = { 0 };
	struct io_uring_params p = { .flags = flags };
	struct io_uring_cqe cqe;
	struct ring r;
	int fd;

	ASSERT_EQ(0, prctl(PR_SET_NAME, "iou-comm-test"));
	ASSERT_EQ(0, prctl(PR_GET_NAME, name));
	memset(&r, 0, sizeof(r));
	r.p = p;
	r.fd = sys_setup(4, &r.p);
	ASSERT_LE(0, r.fd);
	ASSERT_EQ(0, ring_mmap(&r));
	prep_openat(&r, "/proc/self/comm", O_RDONLY, 1);
	ring_flush(&r);
	ASSERT_LE(0, sys_enter(r.fd, 1, 0, 0, NULL, 0));
	ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe, 10));
	fd = cqe.res;
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, got, sizeof(got) - 1));
	close(fd);
	got[strcspn(got, "\n")] = 0;
	EXPECT_STREQ(name, got);
	ring_exit(&r);
}

TEST(proc_self_is_the_process)
{
	check_proc_self_comm(_metadata, 0);
}

TEST(proc_self_is_the_process_sqpoll)
{
	check_proc_self_comm(_metadata, IORING_SETUP_SQPOLL);
}

static const char *make_fifo(void);

/* Workers and the SQ thread are threads of the process, named after it. */
TEST(threads_are_named_and_belong_to_the_process)
{
	struct io_uring_params p = { .flags = IORING_SETUP_SQPOLL };
	const char *fifo = make_fifo();
	struct io_uring_cqe cqe;
	char name[32];
	struct ring r;
	int sqfd, wfd;

	ASSERT_NE(NULL, fifo);
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	/* an open of a FIFO waits for a writer in a worker */
	prep_openat(&r, fifo, O_RDONLY, 1);
	ASSERT_EQ(1, ring_submit(&r, 0));
	usleep(300 * 1000);
	snprintf(name, sizeof(name), "iou-wrk-%d", (int)syscall(SYS_gettid));
	EXPECT_LE(1, threads_named(getpid(), name));

	sqfd = sys_setup(4, &p);
	ASSERT_LE(0, sqfd);
	snprintf(name, sizeof(name), "iou-sqp-%d", getpid());
	EXPECT_EQ(1, threads_named(getpid(), name));
	close(sqfd);
	usleep(100000);
	EXPECT_EQ(0, threads_named(getpid(), name));

	wfd = open(fifo, O_WRONLY | O_NONBLOCK);
	EXPECT_LE(0, wfd);
	ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe, 10));
	EXPECT_LE(0, cqe.res);
	close(cqe.res);
	close(wfd);
	ring_exit(&r);
	unlink(fifo);
}

/* SQPOLL is not a privilege (as in 6.1), and takes plain fds. */
static int child_sqpoll(void *arg)
{
	struct ring r;
	char buf[4];
	int pfd[2];

	if (ring_init(&r, 4, IORING_SETUP_SQPOLL))
		return 2;
	if (!(r.p.features & IORING_FEAT_SQPOLL_NONFIXED) ||
	    !(r.p.features & IORING_FEAT_NATIVE_WORKERS))
		return 3;
	if (pipe(pfd) || write(pfd[1], "ab", 2) != 2)
		return 4;
	prep_read(&r, pfd[0], buf, 2, 9);
	if (ring_run_one(&r, 9) != 2)
		return 5;
	return memcmp(buf, "ab", 2) ? 6 : 0;
}

TEST(sqpoll_unprivileged_with_plain_fds)
{
	if (getuid())
		SKIP(return, "needs root to become nobody");
	EXPECT_EQ(0, run_in_child(child_sqpoll, NULL, 1));
}

/* A signalfd polled through the ring sees the process's signals. */
TEST(poll_signalfd)
{
	struct signalfd_siginfo si;
	struct io_uring_cqe cqe;
	sigset_t mask;
	struct ring r;
	int sfd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &mask, NULL));
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	ASSERT_LE(0, sfd);
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	prep_poll_of(&r, sfd, POLLIN, 5);
	ASSERT_EQ(1, ring_submit(&r, 0));
	usleep(50000);
	ASSERT_EQ(0, kill(getpid(), SIGUSR1));
	ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe, 10));
	EXPECT_EQ(5, cqe.user_data);
	EXPECT_TRUE(cqe.res & POLLIN);
	/*
	 * Take the signal, so that it is not delivered at the unblock.  (Not
	 * in a block of its own: right after an EXPECT, the harness would
	 * take that block for the message to print when the EXPECT fails.)
	 */
	EXPECT_EQ(sizeof(si), read(sfd, &si, sizeof(si)));
	EXPECT_EQ(SIGUSR1, si.ssi_signo);
	ring_exit(&r);
	close(sfd);
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
}

/*
 * Every signal the process gets wakes its signalfds' wait queue, without
 * a key: a poll for SIGUSR1 asks the file and waits on when SIGUSR2 came,
 * as on 6.1, instead of completing with an empty mask.
 */
TEST(poll_signalfd_waits_through_other_signals)
{
	struct signalfd_siginfo si;
	struct io_uring_cqe cqe;
	sigset_t mask, wanted;
	struct ring r;
	int sfd, sig;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGUSR2);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &mask, NULL));
	sigemptyset(&wanted);
	sigaddset(&wanted, SIGUSR1);
	sfd = signalfd(-1, &wanted, SFD_CLOEXEC);
	ASSERT_LE(0, sfd);
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	prep_poll_of(&r, sfd, POLLIN, 6);
	ASSERT_EQ(1, ring_submit(&r, 0));
	ASSERT_EQ(0, kill(getpid(), SIGUSR2));
	EXPECT_EQ(-ETIMEDOUT, wait_cqe_timeout(&r, &cqe, 0.3))
		TH_LOG("woken by SIGUSR2: res %d", cqe.res);
	ASSERT_EQ(0, kill(getpid(), SIGUSR1));
	ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe, 10));
	EXPECT_EQ(6, cqe.user_data);
	EXPECT_EQ(POLLIN, cqe.res & POLLIN);
	EXPECT_EQ(sizeof(si), read(sfd, &si, sizeof(si)));
	sig = 0;
	EXPECT_EQ(0, sigwait(&mask, &sig));
	EXPECT_EQ(SIGUSR2, sig);
	ring_exit(&r);
	close(sfd);
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
}

static int stop_signalling;

/* Send SIGUSR2 to the process and take it back, until told to stop. */
static void *signal_storm(void *arg)
{
	sigset_t usr2;
	int sig;

	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	while (!__atomic_load_n(&stop_signalling, __ATOMIC_RELAXED)) {
		kill(getpid(), SIGUSR2);
		sigwait(&usr2, &sig);
	}
	return NULL;
}

/*
 * Key-less wakeups from another thread race each arm, each removal and
 * each wakeup of polls armed one after another on the same request
 * slots: every poll ends once, with POLLIN or -ECANCELED, never early
 * with an empty mask (and nothing touches a request after it ended:
 * KASAN on the debug kernel).
 */
TEST(poll_signalfd_arms_race_keyless_wakeups)
{
	struct signalfd_siginfo si;
	struct io_uring_cqe cqe;
	sigset_t mask, wanted;
	int sfd, i, n, got;
	pthread_t storm;
	struct ring r;
	double end;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGUSR2);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &mask, NULL));
	sigemptyset(&wanted);
	sigaddset(&wanted, SIGUSR1);
	sfd = signalfd(-1, &wanted, SFD_CLOEXEC | SFD_NONBLOCK);
	ASSERT_LE(0, sfd);
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	__atomic_store_n(&stop_signalling, 0, __ATOMIC_RELAXED);
	ASSERT_EQ(0, pthread_create(&storm, NULL, signal_storm, NULL));
	end = now_s() + 2;
	for (i = 0; now_s() < end; i++) {
		prep_poll_of(&r, sfd, POLLIN, 100 + i);
		if (i & 1) {
			ASSERT_EQ(1, ring_submit(&r, 0));
			ASSERT_EQ(0, kill(getpid(), SIGUSR1));
			n = 1;
		} else {
			struct io_uring_sqe *sqe = ring_get_sqe(&r);

			sqe->opcode = IORING_OP_POLL_REMOVE;
			sqe->fd = -1;
			sqe->addr = 100 + i;
			sqe->user_data = 1;
			ASSERT_EQ(2, ring_submit(&r, 0));
			n = 2;
		}
		for (got = 0; got < n; got++) {
			ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe, 10)) TH_LOG("round %d", i);
			if (cqe.user_data == 1)
				continue;
			ASSERT_EQ(100 + i, cqe.user_data);
			/* the removal came too late, or the signal came */
			if (cqe.res != -ECANCELED)
				ASSERT_EQ(POLLIN, cqe.res & POLLIN)
					TH_LOG("round %d: res %d", i, cqe.res);
		}
		/* take SIGUSR1 if it came */
		read(sfd, &si, sizeof(si));
	}
	__atomic_store_n(&stop_signalling, 1, __ATOMIC_RELAXED);
	pthread_join(storm, NULL);
	TH_LOG("%d rounds", i);
	ring_exit(&r);
	close(sfd);
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
}

/* A child polls its own signalfd through the ring it shares, and exits. */
static int child_polls_its_signalfd(void *arg)
{
	struct ring *r = arg;
	sigset_t mask;
	int sfd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0)
		return 1;
	prep_poll_of(r, sfd, POLLIN, 9);
	return ring_submit(r, 0) == 1 ? 0 : 2;
}

/*
 * An armed poll outlives the task that armed it, but a signalfd's wait
 * queue goes with its process's signal handlers (POLLFREE): the poll then
 * ends with -ECANCELED, as on 6.1, and nothing touches the freed queue
 * (KASAN on the debug kernel).
 */
TEST(poll_signalfd_of_an_exited_process)
{
	struct io_uring_cqe cqe;
	struct ring r;
	int i;

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, run_in_child(child_polls_its_signalfd, &r, 0));
		/* the child's copy of our SQ bookkeeping moved on, not ours */
		r.sqe_tail++;
		ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe, 10)) TH_LOG("round %d", i);
		EXPECT_EQ(9, cqe.user_data);
		EXPECT_EQ(-ECANCELED, cqe.res) TH_LOG("round %d", i);
	}
	ring_exit(&r);
}

/* RECVMSG that waited, then got SCM_RIGHTS: the fd is in our table. */
TEST(recvmsg_scm_rights_into_the_process)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} u, su;
	struct msghdr msg = { 0 }, smsg = { 0 };
	struct iovec iov, siov;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct cmsghdr *cmsg;
	char data[4], sdata[4] = "fd!";
	int sv[2], pfd[2], fd;
	struct ring r;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, pipe(pfd));
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	iov.iov_base = data;
	iov.iov_len = sizeof(data);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	sqe = ring_get_sqe(&r);
	sqe->opcode = IORING_OP_RECVMSG;
	sqe->fd = sv[0];
	sqe->addr = (unsigned long)&msg;
	sqe->len = 1;
	sqe->user_data = 6;
	ASSERT_EQ(1, ring_submit(&r, 0));
	usleep(100000);

	siov.iov_base = sdata;
	siov.iov_len = sizeof(sdata);
	smsg.msg_iov = &siov;
	smsg.msg_iovlen = 1;
	smsg.msg_control = su.buf;
	smsg.msg_controllen = sizeof(su.buf);
	cmsg = CMSG_FIRSTHDR(&smsg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &pfd[1], sizeof(int));
	ASSERT_EQ(4, sendmsg(sv[1], &smsg, 0));

	ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe, 10));
	EXPECT_EQ(6, cqe.user_data);
	ASSERT_EQ(4, cqe.res);
	cmsg = CMSG_FIRSTHDR(&msg);
	ASSERT_NE(NULL, cmsg);
	ASSERT_EQ(SCM_RIGHTS, cmsg->cmsg_type);
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	/* the received fd is the pipe's write end, in our table */
	EXPECT_EQ(1, write(fd, "z", 1));
	EXPECT_EQ(1, read(pfd[0], data, 1));
	close(fd);
	close(pfd[0]);
	close(pfd[1]);
	close(sv[0]);
	close(sv[1]);
	ring_exit(&r);
}

/*
 * A READ blocked in a worker on a pipe: whether the pipe's read end is
 * still held (the write succeeds) or was let go by the request (EPIPE).
 */
static int pipe_reader_gone(int wfd, double secs)
{
	double end = now_s() + secs;

	do {
		if (write(wfd, "x", 1) < 0 && errno == EPIPE)
			return 1;
		usleep(10000);
	} while (now_s() < end);
	return 0;
}

/* Closing the ring ends a read that blocks in a worker. */
TEST(close_ends_a_blocked_read)
{
	char buf[8];
	int pfd[2];
	struct ring r;

	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	ASSERT_EQ(0, pipe(pfd));
	/* big enough that our probing writes never satisfy it */
	prep_read(&r, pfd[0], buf, sizeof(buf), 1);
	ASSERT_EQ(1, ring_submit(&r, 0));
	usleep(100000);
	ring_exit(&r);
	close(pfd[0]);
	EXPECT_TRUE(pipe_reader_gone(pfd[1], 10));
	close(pfd[1]);
}

/*
 * An open of a FIFO waits for the other end in a worker (an open cannot
 * wait as a poll): whether a reader is there.  The probe is itself an
 * open of the other end, which would let a waiting reader's open finish:
 * only use it to see that none waits any more.
 */
static int fifo_has_reader(const char *fifo)
{
	int fd = open(fifo, O_WRONLY | O_NONBLOCK);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static const char *make_fifo(void)
{
	static char path[64];

	snprintf(path, sizeof(path), "/tmp/iothreads-fifo-%d", getpid());
	unlink(path);
	if (mkfifo(path, 0600))
		return NULL;
	return path;
}

/* Wait up to @secs for the FIFO's waiting reader to be gone. */
static int fifo_reader_gone(const char *fifo, double secs)
{
	double end = now_s() + secs;

	do {
		if (!fifo_has_reader(fifo))
			return 1;
		usleep(10000);
	} while (now_s() < end);
	return 0;
}

/*
 * The child's X (queued behind its only worker) heads a hard-linked CLOSE
 * of fd SHARED_FD; the parent cancels X.  The CLOSE must still run in the
 * child, with the child's file table: it closes the child's copy of the
 * fd, never the parent's, although the cancel completed X in the parent.
 */
#define SHARED_FD 200

static void child_chain_behind_a_blocked_worker(struct ring *r, const char *fifo,
						int sync_w, int sync_r)
{
	unsigned int caps[2] = { 1, 1 };
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	int i, wfd, closed = -1;
	char c;

	if (sys_register(r->fd, IORING_REGISTER_IOWQ_MAX_WORKERS, caps, 2))
		_exit(2);
	prep_openat(r, fifo, O_RDONLY, 1);		/* takes the one worker */
	if (ring_submit(r, 0) != 1)
		_exit(3);
	usleep(200 * 1000);
	prep_openat(r, "/dev/null", O_RDONLY, 2);	/* X: waits for it */
	r->sqes[(r->sqe_tail - 1) & *r->sq_mask].flags = IOSQE_ASYNC | IOSQE_IO_HARDLINK;
	sqe = ring_get_sqe(r);
	sqe->opcode = IORING_OP_CLOSE;
	sqe->fd = SHARED_FD;
	sqe->user_data = 3;
	if (ring_submit(r, 0) != 2)
		_exit(4);
	if (write(sync_w, "x", 1) != 1 || read(sync_r, &c, 1) != 1)
		_exit(5);
	/* the parent has cancelled X: free the worker, so the CLOSE can run */
	wfd = open(fifo, O_WRONLY | O_NONBLOCK);
	if (wfd < 0)
		_exit(6);
	for (i = 0; i < 4; i++) {
		if (wait_cqe_timeout(r, &cqe, 10))
			_exit(7);
		if (cqe.user_data == 1 && cqe.res >= 0)
			close(cqe.res);
		if (cqe.user_data == 2 && cqe.res != -ECANCELED)
			_exit(8);
		if (cqe.user_data == 3)
			closed = cqe.res;
	}
	close(wfd);
	if (closed != 0)
		_exit(9);
	/* the child's own copy is the one closed */
	_exit(fcntl(SHARED_FD, F_GETFD) == -1 && errno == EBADF ? 0 : 10);
}

TEST(cancel_from_another_process_leaves_the_chain_in_its_own)
{
	const char *fifo = make_fifo();
	int to_parent[2], to_child[2], status, fd;
	struct io_uring_sqe *sqe;
	struct ring r;
	pid_t pid;
	char c;

	ASSERT_NE(NULL, fifo);
	fd = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(SHARED_FD, dup2(fd, SHARED_FD));
	close(fd);
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, pipe(to_parent));
	ASSERT_EQ(0, pipe(to_child));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		child_chain_behind_a_blocked_worker(&r, fifo, to_parent[1], to_child[0]);
	ASSERT_EQ(1, read(to_parent[0], &c, 1));
	/* the SQ ring is shared too: the child's SQEs are consumed */
	r.sqe_tail = *r.sq_tail;
	sqe = ring_get_sqe(&r);
	sqe->opcode = IORING_OP_ASYNC_CANCEL;
	sqe->addr = 2;
	sqe->user_data = 4;
	ASSERT_EQ(1, ring_submit(&r, 0));
	usleep(200 * 1000);
	EXPECT_NE(-1, fcntl(SHARED_FD, F_GETFD));
	ASSERT_EQ(1, write(to_child[1], "x", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_NE(-1, fcntl(SHARED_FD, F_GETFD));
	close(SHARED_FD);
	ring_exit(&r);
	unlink(fifo);
}

/*
 * Closing the ring ends a chain that would go on: a READ of an empty pipe
 * hard-linked to an OPENAT of a FIFO.  The release cancels the READ, and
 * the OPENAT after it must not start on the dying ring: it would wait in
 * a worker for a writer, holding the ring, until the process exits.
 */
TEST(close_ends_a_hard_linked_chain)
{
	const char *fifo = make_fifo();
	char buf[8];
	struct ring r;
	int p[2], i;

	ASSERT_NE(NULL, fifo);
	ASSERT_EQ(0, pipe(p));
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, ring_init(&r, 4, 0));
		prep_read(&r, p[0], buf, sizeof(buf), 1);
		r.sqes[(r.sqe_tail - 1) & *r.sq_mask].flags = IOSQE_IO_HARDLINK;
		prep_openat(&r, fifo, O_RDONLY, 2);
		ASSERT_EQ(2, ring_submit(&r, 0));
		usleep(50 * 1000);
		ring_exit(&r);
		/* the chain goes on from a kworker: give it time to */
		usleep(200 * 1000);
		/* (the probe lets an open that waits finish: rounds stay apart) */
		EXPECT_FALSE(fifo_has_reader(fifo)) TH_LOG("round %d", i);
	}
	close(p[0]);
	close(p[1]);
	unlink(fifo);
}

/* ASYNC_CANCEL of an open that blocks in a worker interrupts it. */
TEST(async_cancel_interrupts_a_blocked_open)
{
	const char *fifo = make_fifo();
	struct io_uring_cqe cqe[2];
	struct io_uring_sqe *sqe;
	int i, seen = 0;
	struct ring r;

	ASSERT_NE(NULL, fifo);
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	prep_openat(&r, fifo, O_RDONLY, 1);
	ASSERT_EQ(1, ring_submit(&r, 0));
	/* the worker waits in the open for a writer */
	usleep(300 * 1000);
	sqe = ring_get_sqe(&r);
	sqe->opcode = IORING_OP_ASYNC_CANCEL;
	sqe->addr = 1;
	sqe->user_data = 2;
	ASSERT_EQ(1, ring_submit(&r, 0));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe[i], 10));
		if (cqe[i].user_data == 1) {
			EXPECT_EQ(-EINTR, cqe[i].res);
			seen |= 1;
		} else {
			EXPECT_EQ(-EALREADY, cqe[i].res);
			seen |= 2;
		}
	}
	EXPECT_EQ(3, seen);
	ring_exit(&r);
	unlink(fifo);
}

/* Closing the ring interrupts an open that blocks in a worker. */
TEST(close_ends_a_blocked_open)
{
	const char *fifo = make_fifo();
	struct ring r;

	ASSERT_NE(NULL, fifo);
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	prep_openat(&r, fifo, O_RDONLY, 1);
	ASSERT_EQ(1, ring_submit(&r, 0));
	usleep(300 * 1000);
	ring_exit(&r);
	/* a probe now would free a reader still waiting: wait first */
	usleep(500 * 1000);
	EXPECT_TRUE(fifo_reader_gone(fifo, 0.1));
	unlink(fifo);
}

/*
 * A worker blocks in an open of a FIFO for longer than an idle worker
 * lives; the open of the other end must still find a worker (the spare
 * stays while its class has no other idle worker).
 */
TEST(spare_worker_outlives_the_idle_timeout)
{
	const char *fifo = make_fifo();
	struct io_uring_cqe cqe;
	struct ring r;
	int i, fds = 0;

	ASSERT_NE(NULL, fifo);
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	prep_openat(&r, fifo, O_RDONLY, 1);
	ASSERT_EQ(1, ring_submit(&r, 0));
	/* the reader's open waits longer than a worker stays idle (5 s) */
	sleep(6);
	prep_openat(&r, fifo, O_WRONLY, 2);
	ASSERT_EQ(1, ring_submit(&r, 0));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe, 10)) TH_LOG("%d CQEs came", i);
		EXPECT_LE(0, cqe.res);
		if (cqe.res >= 0) {
			close(cqe.res);
			fds++;
		}
	}
	EXPECT_EQ(2, fds);
	ring_exit(&r);
	unlink(fifo);
}

/* ASYNC_CANCEL of a read that waits (as a poll, or in a worker) ends it. */
TEST(async_cancel_interrupts_a_blocked_read)
{
	struct io_uring_cqe cqe[2];
	struct io_uring_sqe *sqe;
	int efd, i, seen = 0;
	struct ring r;
	__u64 val;

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	efd = eventfd(0, 0);
	ASSERT_LE(0, efd);
	prep_read(&r, efd, &val, sizeof(val), 1);
	ASSERT_EQ(1, ring_submit(&r, 0));
	usleep(100000);
	sqe = ring_get_sqe(&r);
	sqe->opcode = IORING_OP_ASYNC_CANCEL;
	sqe->addr = 1;
	sqe->user_data = 2;
	ASSERT_EQ(1, ring_submit(&r, 0));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe[i], 10));
		if (cqe[i].user_data == 1) {
			EXPECT_TRUE(cqe[i].res == -EINTR || cqe[i].res == -ECANCELED);
			seen |= 1;
		} else {
			EXPECT_TRUE(cqe[i].res == 0 || cqe[i].res == -EALREADY);
			seen |= 2;
		}
	}
	EXPECT_EQ(3, seen);
	close(efd);
	ring_exit(&r);
}

/*
 * A child with a pipe read and an eventfd read waiting (the pipe's writer a
 * registered file, so the ring holds it) and an open of a FIFO blocked in a
 * worker: its exit, or kill -9, ends them all and leaves no thread and no
 * memory behind.
 */
static void child_block_and_wait(int pfd[2], int ready, const char *fifo)
{
	static char buf[8];
	static __u64 val;
	struct ring r;
	int efd;

	if (ring_init(&r, 8, 0))
		_exit(2);
	efd = eventfd(0, 0);
	if (efd < 0 || sys_register(r.fd, IORING_REGISTER_FILES, &pfd[1], 1))
		_exit(3);
	prep_read(&r, pfd[0], buf, sizeof(buf), 1);
	prep_read(&r, efd, &val, sizeof(val), 2);
	prep_openat(&r, fifo, O_RDONLY, 3);
	if (ring_submit(&r, 0) != 3)
		_exit(4);
	/* until the worker waits in the open */
	usleep(50 * 1000);
	if (write(ready, "r", 1) != 1)
		_exit(5);
}

static void exit_with_blocked_reads(struct __test_metadata *_metadata, int iterations, int kill9)
{
	long avail0 = 0, slab0 = 0, avail, slab;
	const char *fifo = make_fifo();
	int i, sync[2], status;
	char c;

	ASSERT_NE(NULL, fifo);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < iterations; i++) {
		int pfd[2];
		pid_t pid;

		ASSERT_EQ(0, pipe(pfd));
		ASSERT_EQ(0, pipe(sync));
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			close(sync[0]);
			child_block_and_wait(pfd, sync[1], fifo);
			if (kill9)
				pause();
			usleep(20000);
			_exit(0);
		}
		close(sync[1]);
		ASSERT_EQ(1, read(sync[0], &c, 1));
		close(sync[0]);
		if (kill9) {
			usleep(20000);
			kill(pid, SIGKILL);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_EQ(kill9 ? 0 : 1, WIFEXITED(status));
		/* nobody waits in the FIFO's open any more */
		EXPECT_FALSE(fifo_has_reader(fifo));
		close(pfd[1]);
		close(pfd[0]);
		if (i == 9) {
			/* warmed up: slab caches and page tables exist now */
			avail0 = read_meminfo_kb("MemAvailable:");
			slab0 = settled_slab_kb();
		}
	}
	unlink(fifo);
	EXPECT_EQ(0, threads_named_anywhere("iou-"));
	if (iterations < 100)
		return;
	avail = read_meminfo_kb("MemAvailable:");
	slab = settled_slab_kb();
	TH_LOG("MemAvailable %ld -> %ld kB, Slab %ld -> %ld kB", avail0, avail, slab0, slab);
	/* within 1 %, and a few pages of noise on a small guest */
	EXPECT_GE(avail, avail0 - avail0 / 100 - 256);
	EXPECT_LE(slab, slab0 + slab0 / 100 + 256);
}

TEST(exit_ends_blocked_reads)
{
	exit_with_blocked_reads(_metadata, 20, 0);
}

FIXTURE(slow) {
};

FIXTURE_SETUP(slow)
{
}

FIXTURE_TEARDOWN(slow)
{
}

/* The debug kernel (kmemleak on) is ten times slower: 300 rounds there. */
static int leak_rounds(void)
{
	char cmdline[1024] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(cmdline, sizeof(cmdline), f))
			cmdline[0] = 0;
		fclose(f);
	}
	return strstr(cmdline, "kmemleak=on") ? 300 : 1000;
}

TEST_F_TIMEOUT(slow, kill9_ends_blocked_reads_in_many_rounds, 1800)
{
	int rounds = leak_rounds();
	double start = now_s();

	exit_with_blocked_reads(_metadata, rounds, 1);
	TH_LOG("%d rounds in %.1f s", rounds, now_s() - start);
}

/* exec ends the reads the old image left blocked in its workers. */
TEST(exec_ends_blocked_reads)
{
	int pfd[2], sync[2], status;
	char c;
	pid_t pid;

	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, pipe(pfd));
	ASSERT_EQ(0, pipe2(sync, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		static char buf[8];
		struct ring r;

		close(sync[0]);
		if (ring_init(&r, 4, 0))
			_exit(2);
		fcntl(pfd[0], F_SETFD, FD_CLOEXEC);
		close(pfd[1]);
		prep_read(&r, pfd[0], buf, sizeof(buf), 1);
		if (ring_submit(&r, 0) != 1)
			_exit(3);
		usleep(100000);
		/* the read end is ours to close at exec; the request holds it */
		execl("/bin/sh", "sh", "-c", "sleep 3", (char *)NULL);
		_exit(4);
	}
	close(sync[1]);
	close(pfd[0]);
	/* sync's write end closes at the exec */
	ASSERT_EQ(0, read(sync[0], &c, 1));
	close(sync[0]);
	/* while the new image sleeps, the read end is gone */
	EXPECT_TRUE(pipe_reader_gone(pfd[1], 2.5));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	close(pfd[1]);
}

/*
 * Threads of one process: the thread that set the ring up exits with a
 * read blocked, which ends (it was that thread's); another thread's OPENAT
 * still works.
 */
struct mt_arg {
	struct ring *r;
	int rfd;
};

static void *mt_first(void *data)
{
	struct mt_arg *a = data;
	static char buf[8];

	prep_read(a->r, a->rfd, buf, sizeof(buf), 1);
	if (ring_submit(a->r, 0) != 1)
		return (void *)1;
	usleep(100000);
	return NULL;
}

TEST(submitting_thread_exits_process_lives)
{
	struct io_uring_cqe cqe;
	struct mt_arg a;
	pthread_t t;
	struct ring r;
	int pfd[2], res = 0;
	void *ret;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, pipe(pfd));
	a.r = &r;
	a.rfd = pfd[0];
	ASSERT_EQ(0, pthread_create(&t, NULL, mt_first, &a));
	ASSERT_EQ(0, pthread_join(t, &ret));
	ASSERT_EQ(NULL, ret);
	/* the exited thread's read ended with it */
	ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe, 10));
	EXPECT_EQ(1, cqe.user_data);
	EXPECT_TRUE(cqe.res == -EINTR || cqe.res == -ECANCELED);

	prep_openat(&r, "/proc/self/comm", O_RDONLY, 2);
	res = ring_run_one(&r, 2);
	EXPECT_LE(0, res);
	if (res >= 0)
		close(res);
	close(pfd[0]);
	close(pfd[1]);
	ring_exit(&r);
}

struct exit_arg {
	struct ring *r;
	const char *fifo;
	int pipe_rfd, file_fd;
};

/* OPENAT2 of a FIFO nobody writes, SPLICE of an empty pipe into a file; then exit. */
static void *submit_waits_for_ever(void *data)
{
	static struct open_how how = { .flags = O_RDONLY };
	struct exit_arg *a = data;
	struct io_uring_sqe *sqe;

	sqe = ring_get_sqe(a->r);
	prep_rw(sqe, IORING_OP_OPENAT2, AT_FDCWD, a->fifo, sizeof(how), (unsigned long)&how);
	sqe->user_data = 1;
	sqe = ring_get_sqe(a->r);
	prep_rw(sqe, IORING_OP_SPLICE, a->file_fd, NULL, 8, 0);
	sqe->splice_fd_in = a->pipe_rfd;
	sqe->splice_off_in = -1;
	sqe->user_data = 2;
	if (ring_submit(a->r, 0) != 2)
		return (void *)1;
	usleep(100000);
	return NULL;
}

/*
 * An open of a FIFO and a splice from a pipe may wait for ever: a thread
 * that exits with them in flight is not held up by them (they are not
 * bounded work, which an exit finishes), and they end with it.
 */
TEST(thread_exit_ends_an_openat2_and_a_splice)
{
	const char *fifo = make_fifo();
	struct exit_arg a = { .fifo = fifo };
	struct io_uring_cqe cqe;
	char path[] = "/tmp/iothreads-splice-XXXXXX";
	struct ring r;
	pthread_t t;
	int pfd[2], i;
	void *ret;

	ASSERT_NE(NULL, fifo);
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, pipe(pfd));
	a.file_fd = mkstemp(path);
	ASSERT_LE(0, a.file_fd);
	unlink(path);
	a.r = &r;
	a.pipe_rfd = pfd[0];
	ASSERT_EQ(0, pthread_create(&t, NULL, submit_waits_for_ever, &a));
	ASSERT_EQ(0, pthread_join(t, &ret));
	ASSERT_EQ(NULL, ret);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe, 10));
		EXPECT_TRUE(cqe.res == -EINTR || cqe.res == -ECANCELED)
			TH_LOG("user_data %llu res %d", (unsigned long long)cqe.user_data, cqe.res);
	}
	EXPECT_FALSE(fifo_has_reader(fifo));
	close(a.file_fd);
	close(pfd[0]);
	close(pfd[1]);
	ring_exit(&r);
	unlink(fifo);
}

/* A lone POLL_ADD of the pipe and a TIMEOUT of 300 ms, then the thread exits. */
static void *submit_lone_waits(void *data)
{
	static struct __kernel_timespec ts = { .tv_nsec = 300 * 1000 * 1000 };
	struct mt_arg *a = data;
	struct io_uring_sqe *sqe;

	prep_poll_of(a->r, a->rfd, POLLIN, 1);
	sqe = ring_get_sqe(a->r);
	prep_rw(sqe, IORING_OP_TIMEOUT, -1, &ts, 1, 0);
	sqe->user_data = 2;
	return ring_submit(a->r, 0) == 2 ? NULL : (void *)1;
}

/*
 * As on 6.1, a poll or a timeout on its own needs nothing more from the
 * thread that submitted it: it outlives the thread's exit, and completes
 * when its file is ready or its time comes.
 */
TEST(lone_poll_and_timeout_outlive_their_thread)
{
	struct io_uring_cqe cqe;
	struct mt_arg a;
	struct ring r;
	pthread_t t;
	int pfd[2];
	void *ret;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, pipe(pfd));
	a.r = &r;
	a.rfd = pfd[0];
	ASSERT_EQ(0, pthread_create(&t, NULL, submit_lone_waits, &a));
	ASSERT_EQ(0, pthread_join(t, &ret));
	ASSERT_EQ(NULL, ret);
	usleep(50 * 1000);
	ASSERT_EQ(0, ring_peek_cqe(&r, &cqe));
	ASSERT_EQ(1, write(pfd[1], "x", 1));
	ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe, 10));
	EXPECT_EQ(1, cqe.user_data);
	EXPECT_EQ(POLLIN, cqe.res & POLLIN);
	ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe, 10));
	EXPECT_EQ(2, cqe.user_data);
	EXPECT_EQ(-ETIME, cqe.res);
	close(pfd[0]);
	close(pfd[1]);
	ring_exit(&r);
}

/* A poll with a chain after it, and a poll of the ring itself. */
static void *submit_tied_waits(void *data)
{
	struct mt_arg *a = data;
	struct io_uring_sqe *sqe;

	sqe = prep_poll_of(a->r, a->rfd, POLLIN, 1);
	sqe->flags = IOSQE_IO_LINK;
	sqe = ring_get_sqe(a->r);
	sqe->fd = -1;
	sqe->user_data = 2;
	prep_poll_of(a->r, a->r->fd, POLLPRI, 3);
	return ring_submit(a->r, 0) == 3 ? NULL : (void *)1;
}

/*
 * What would outlive a thread only by keeping a chain or a ring waiting
 * (a poll of the ring's own fd would keep the ring open for ever) ends
 * with the thread, as on 6.1: -ECANCELED for each.
 */
TEST(tied_polls_end_with_their_thread)
{
	struct io_uring_cqe cqe;
	unsigned int seen = 0;
	struct mt_arg a;
	struct ring r;
	pthread_t t;
	int pfd[2], i;
	void *ret;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, pipe(pfd));
	a.r = &r;
	a.rfd = pfd[0];
	ASSERT_EQ(0, pthread_create(&t, NULL, submit_tied_waits, &a));
	ASSERT_EQ(0, pthread_join(t, &ret));
	ASSERT_EQ(NULL, ret);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe, 10));
		EXPECT_EQ(-ECANCELED, cqe.res);
		seen |= 1U << cqe.user_data;
	}
	EXPECT_EQ(0xe, seen);
	close(pfd[0]);
	close(pfd[1]);
	ring_exit(&r);
}

/* The child's side of the test below: a tied poll, and a lone timeout. */
static int submit_tied_and_lone(void *arg)
{
	static struct __kernel_timespec ts = { .tv_nsec = 300 * 1000 * 1000 };
	struct ring *r = arg;
	struct io_uring_sqe *sqe;

	sqe = prep_poll_of(r, r->fd, POLLIN, 1);
	sqe->flags = IOSQE_IO_LINK;
	sqe = ring_get_sqe(r);
	prep_rw(sqe, IORING_OP_TIMEOUT, -1, &ts, 1, 0);
	sqe->user_data = 2;
	sqe = ring_get_sqe(r);
	prep_rw(sqe, IORING_OP_TIMEOUT, -1, &ts, 1, 0);
	sqe->user_data = 3;
	return ring_submit(r, 0) == 3 ? 0 : 1;
}

/*
 * A child that shares the ring exits: its poll of the ring ends, and the
 * timeout linked to it, with -ECANCELED; its lone timeout still fires
 * (liburing's io-cancel, test_cancel_inflight_exit).
 */
TEST(exit_ends_tied_requests_and_keeps_lone_ones)
{
	struct io_uring_cqe cqe;
	struct ring r;
	int i;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, run_in_child(submit_tied_and_lone, &r, 0));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe, 10));
		TH_LOG("cqe %llu res %d", (unsigned long long)cqe.user_data, cqe.res);
		EXPECT_EQ(cqe.user_data == 3 ? -ETIME : -ECANCELED, cqe.res);
	}
	ring_exit(&r);
}

struct write_arg {
	struct ring *r;
	int fd;
	char buf[8][4096];
};

/* Eight writes to a regular file, through the pool, then the thread exits. */
static void *submit_writes_and_exit(void *data)
{
	struct write_arg *w = data;
	int i;

	for (i = 0; i < 8; i++) {
		struct io_uring_sqe *sqe = ring_get_sqe(w->r);

		memset(w->buf[i], 'a' + i, sizeof(w->buf[i]));
		prep_rw(sqe, IORING_OP_WRITE, w->fd, w->buf[i], 4096, i * 4096);
		sqe->flags = IOSQE_ASYNC;
		sqe->user_data = i;
	}
	return ring_submit(w->r, 0) == 8 ? NULL : (void *)1;
}

/*
 * A thread that queued writes to a file and exits while its process lives:
 * they are done, not cancelled (as on 6.1, and liburing's thread-exit).
 */
TEST(thread_exit_finishes_its_file_writes)
{
	static struct write_arg w;
	char path[] = "/tmp/iou-thread-exit-XXXXXX";
	struct io_uring_cqe cqe;
	char back[4096];
	struct ring r;
	pthread_t t;
	void *ret;
	int i;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	w.r = &r;
	w.fd = mkstemp(path);
	ASSERT_LE(0, w.fd);
	unlink(path);
	ASSERT_EQ(0, pthread_create(&t, NULL, submit_writes_and_exit, &w));
	ASSERT_EQ(0, pthread_join(t, &ret));
	ASSERT_EQ(NULL, ret);
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe, 10));
		EXPECT_EQ(4096, cqe.res);
	}
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(4096, pread(w.fd, back, 4096, i * 4096));
		EXPECT_EQ(0, memcmp(back, w.buf[i], 4096));
	}
	close(w.fd);
	ring_exit(&r);
}

/* A POLL_ADD sent to the pool with IOSQE_ASYNC, then the thread exits. */
static void *submit_async_poll(void *data)
{
	struct mt_arg *a = data;

	prep_poll_of(a->r, a->rfd, POLLIN, 1)->flags = IOSQE_ASYNC;
	if (ring_submit(a->r, 0) != 1)
		return (void *)1;
	/* let a worker arm it */
	usleep(100 * 1000);
	return NULL;
}

/*
 * A poll the thread's pool armed belongs to that pool, which goes with
 * the thread: it ends (-ECANCELED) rather than outlive it, and closing
 * the ring after that is quiet.
 */
TEST(async_poll_ends_with_its_thread)
{
	struct io_uring_cqe cqe;
	struct mt_arg a;
	struct ring r;
	pthread_t t;
	int pfd[2];
	void *ret;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, pipe(pfd));
	a.r = &r;
	a.rfd = pfd[0];
	ASSERT_EQ(0, pthread_create(&t, NULL, submit_async_poll, &a));
	ASSERT_EQ(0, pthread_join(t, &ret));
	ASSERT_EQ(NULL, ret);
	ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe, 10));
	EXPECT_EQ(1, cqe.user_data);
	EXPECT_EQ(-ECANCELED, cqe.res);
	ASSERT_EQ(1, write(pfd[1], "x", 1));
	ring_exit(&r);
	close(pfd[0]);
	close(pfd[1]);
}

/*
 * Other processes that exited with requests blocked do not delay a new
 * process's OPENAT: each process has its own threads.
 */
static int child_openat_quick(void *arg)
{
	struct ring r;
	int res;

	if (ring_init(&r, 4, 0))
		return 2;
	prep_openat(&r, "/proc/self/comm", O_RDONLY, 1);
	ring_flush(&r);
	if (sys_enter(r.fd, 1, 0, 0, NULL, 0) != 1)
		return 3;
	{
		struct io_uring_cqe cqe;

		if (wait_cqe_timeout(&r, &cqe, 10))
			return 4;
		res = cqe.res;
	}
	return res >= 0 ? 0 : 5;
}

TEST(blocked_work_of_others_does_not_delay)
{
	int i;

	exit_with_blocked_reads(_metadata, 8, 0);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, run_in_child(child_openat_quick, NULL, 0));
}

/* IORING_REGISTER_IOWQ_MAX_WORKERS sets and reports the caps. */
TEST(iowq_max_workers)
{
	unsigned int vals[2] = { 2, 3 };
	struct ring r;

	ASSERT_EQ(0, ring_init(&r, 4, 0));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_IOWQ_MAX_WORKERS, vals, 2));
	EXPECT_LT(0, vals[0]);
	EXPECT_LT(0, vals[1]);
	vals[0] = vals[1] = 0;
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_IOWQ_MAX_WORKERS, vals, 2));
	EXPECT_EQ(2, vals[0]);
	EXPECT_EQ(3, vals[1]);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_IOWQ_MAX_WORKERS, vals, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_IOWQ_MAX_WORKERS, (void *)8, 2));
	EXPECT_EQ(EFAULT, errno);
	ring_exit(&r);
}

/* Cpus_allowed_list of our first iou-wrk thread, or "" if there is none. */
static void worker_cpus(char *out, size_t size)
{
	char path[300], line[256];
	struct dirent *d;
	DIR *dir = opendir("/proc/self/task");

	*out = 0;
	while (dir && (d = readdir(dir)) && !*out) {
		FILE *f;
		int ours = 0;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status", d->d_name);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "Name:\tiou-wrk-", 14))
				ours = 1;
			if (ours && !strncmp(line, "Cpus_allowed_list:\t", 19)) {
				line[strcspn(line, "\n")] = 0;
				snprintf(out, size, "%s", line + 19);
			}
		}
		if (f)
			fclose(f);
	}
	if (dir)
		closedir(dir);
}

/* IORING_REGISTER_IOWQ_AFF pins the I/O threads; UNREGISTER frees them. */
TEST(iowq_affinity)
{
	const char *fifo = make_fifo();
	char cpus[256], all[256];
	unsigned long mask = 1;
	struct io_uring_cqe cqe;
	struct ring r;
	int wfd, i;

	ASSERT_NE(NULL, fifo);
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_IOWQ_AFF, &mask, sizeof(mask)));
	prep_openat(&r, fifo, O_RDONLY, 1);
	ASSERT_EQ(1, ring_submit(&r, 0));
	usleep(300 * 1000);
	worker_cpus(cpus, sizeof(cpus));
	EXPECT_STREQ("0", cpus);

	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_IOWQ_AFF, NULL, sizeof(mask)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_IOWQ_AFF, &mask, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_IOWQ_AFF, (void *)8, sizeof(mask)));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_UNREGISTER_IOWQ_AFF, &mask, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_UNREGISTER_IOWQ_AFF, NULL, 1));
	EXPECT_EQ(EINVAL, errno);

	/* back to every CPU: the busy worker moves once its open is done */
	ASSERT_EQ(0, sys_register(r.fd, IORING_UNREGISTER_IOWQ_AFF, NULL, 0));
	wfd = open(fifo, O_WRONLY | O_NONBLOCK);
	EXPECT_LE(0, wfd);
	ASSERT_EQ(0, wait_cqe_timeout(&r, &cqe, 10));
	EXPECT_LE(0, cqe.res);
	snprintf(all, sizeof(all), "0-%ld", sysconf(_SC_NPROCESSORS_CONF) - 1);
	for (i = 0; i < 100; i++) {
		worker_cpus(cpus, sizeof(cpus));
		if (!strcmp(cpus, all))
			break;
		usleep(10000);
	}
	if (sysconf(_SC_NPROCESSORS_CONF) > 1)
		EXPECT_STREQ(all, cpus);
	close(cqe.res);
	close(wfd);
	ring_exit(&r);
	unlink(fifo);
}

TEST_HARNESS_MAIN
