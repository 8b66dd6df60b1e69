// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_SEND, RECV, SENDMSG, RECVMSG, CONNECT and ACCEPT on unix sockets
 * (and CONNECT on TCP over loopback): each answers what its syscall would,
 * a receive with no data waits until data comes, MSG_WAITALL on a stream
 * waits for every byte, MSG_DONTWAIT is honoured (O_NONBLOCK on the socket
 * is not, as on 6.1), and bad inputs get their errno.  The zero-copy sends,
 * SEND_ZC and SENDMSG_ZC, over TCP and UDP on loopback.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/time_types.h>

#include "../kselftest_harness.h"
#include "ring.h"

static struct io_uring_sqe *prep_net(struct ring *r, __u8 op, int fd, void *addr,
				     __u32 len, __u32 flags, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = op;
	sqe->fd = fd;
	sqe->addr = (unsigned long)addr;
	sqe->len = len;
	sqe->msg_flags = flags;
	sqe->user_data = data;
	return sqe;
}

static int run_net(struct ring *r, __u8 op, int fd, void *addr, __u32 len, __u32 flags)
{
	prep_net(r, op, fd, addr, len, flags, 0x77);
	return ring_run_one(r, 0x77);
}

FIXTURE(net) {
	struct ring r;
	int s[2];	/* stream */
	int d[2];	/* datagram */
};

FIXTURE_SETUP(net)
{
	ASSERT_EQ(0, ring_init(&self->r, 8, 0));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, self->s));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, self->d));
}

FIXTURE_TEARDOWN(net)
{
	ring_exit(&self->r);
	close(self->s[0]);
	close(self->s[1]);
	close(self->d[0]);
	close(self->d[1]);
}

TEST_F(net, send_and_recv)
{
	char out[] = "hello, ring", in[64] = { 0 };

	EXPECT_EQ(sizeof(out), run_net(&self->r, IORING_OP_SEND, self->s[0], out,
				       sizeof(out), 0));
	EXPECT_EQ(sizeof(out), run_net(&self->r, IORING_OP_RECV, self->s[1], in, sizeof(in), 0));
	EXPECT_STREQ(out, in);
	/* the same against the syscalls */
	ASSERT_EQ(3, send(self->s[1], "abc", 3, 0));
	memset(in, 0, sizeof(in));
	EXPECT_EQ(3, run_net(&self->r, IORING_OP_RECV, self->s[0], in, sizeof(in), 0));
	EXPECT_STREQ("abc", in);
	EXPECT_EQ(2, run_net(&self->r, IORING_OP_SEND, self->s[0], "xy", 2, 0));
	EXPECT_EQ(2, recv(self->s[1], in, sizeof(in), 0));
}

/* No data yet: the receive waits for its socket, and completes when data comes. */
TEST_F(net, recv_waits_for_data)
{
	struct io_uring_cqe cqe = { };
	char in[16] = { 0 };

	prep_net(&self->r, IORING_OP_RECV, self->s[1], in, sizeof(in), 0, 5);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	usleep(100 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	ASSERT_EQ(4, send(self->s[0], "late", 4, 0));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(5, cqe.user_data);
	EXPECT_EQ(4, cqe.res);
	EXPECT_STREQ("late", in);
}

/*
 * A receive that waited for its socket is tried again by its submitter, as
 * task work, as on 6.1: what the submitter sends itself is received before
 * its send() returns, each CQE in the order its receive took the bytes.
 */
TEST_F(net, retried_receive_completes_before_own_send_returns)
{
	struct io_uring_cqe cqe;
	char in[4][8];
	int i;

	for (i = 0; i < 20; i++) {
		memset(in, 0, sizeof(in));
		prep_net(&self->r, IORING_OP_RECV, self->s[1], in[0], 1, 0, 1);
		prep_net(&self->r, IORING_OP_RECV, self->s[1], in[1], 1, 0, 2);
		ASSERT_EQ(2, ring_submit(&self->r, 0));
		ASSERT_EQ(0, ring_peek_cqe(&self->r, &cqe));
		ASSERT_EQ(2, send(self->s[0], "ab", 2, 0));
		ASSERT_EQ(1, ring_peek_cqe(&self->r, &cqe));
		EXPECT_EQ(1, cqe.res);
		ASSERT_TRUE(cqe.user_data == 1 || cqe.user_data == 2);
		EXPECT_STREQ("a", in[cqe.user_data - 1]);
		ASSERT_EQ(1, ring_peek_cqe(&self->r, &cqe));
		EXPECT_EQ(1, cqe.res);
		ASSERT_TRUE(cqe.user_data == 1 || cqe.user_data == 2);
		EXPECT_STREQ("b", in[cqe.user_data - 1]);
	}
}

/* READ and WRITE on a socket with offset -1 (a stream has no position). */
TEST_F(net, read_write_at_offset_minus_one)
{
	char in[8] = { 0 };
	struct io_uring_sqe *sqe;

	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_WRITE, self->s[0], "sock", 4, -1ULL);
	sqe->user_data = 1;
	EXPECT_EQ(4, ring_run_one(&self->r, 1));
	sqe = ring_get_sqe(&self->r);
	prep_rw(sqe, IORING_OP_READ, self->s[1], in, sizeof(in), -1ULL);
	sqe->user_data = 2;
	EXPECT_EQ(4, ring_run_one(&self->r, 2));
	EXPECT_STREQ("sock", in);
}

/*
 * Asked not to wait with MSG_DONTWAIT: -EAGAIN.  O_NONBLOCK on the socket
 * is for the caller's own syscalls: a RECV waits for data all the same, as
 * on 6.1.
 */
TEST_F(net, nonblocking_recv)
{
	struct io_uring_cqe cqe;
	char in[16] = { 0 };

	EXPECT_EQ(-EAGAIN, run_net(&self->r, IORING_OP_RECV, self->s[1], in, sizeof(in),
				   MSG_DONTWAIT));
	ASSERT_EQ(0, fcntl(self->s[1], F_SETFL, O_NONBLOCK));
	prep_net(&self->r, IORING_OP_RECV, self->s[1], in, sizeof(in), 0, 9);
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	usleep(50 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	ASSERT_EQ(4, write(self->s[0], "data", 4));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(9, cqe.user_data);
	EXPECT_EQ(4, cqe.res);
	EXPECT_STREQ("data", in);
}

/* SENDMSG/RECVMSG: several iovecs, and msg_flags written back (MSG_TRUNC). */
TEST_F(net, sendmsg_and_recvmsg)
{
	char a[] = "split ", b[] = "message", in[32] = { 0 }, small[4];
	struct iovec out_iov[2] = { { a, 6 }, { b, 7 } };
	struct iovec in_iov = { in, sizeof(in) };
	struct msghdr out = { .msg_iov = out_iov, .msg_iovlen = 2 };
	struct msghdr msg = { .msg_iov = &in_iov, .msg_iovlen = 1 };

	/* liburing puts 1 in len for these: it is ignored */
	EXPECT_EQ(13, run_net(&self->r, IORING_OP_SENDMSG, self->d[0], &out, 1, 0));
	EXPECT_EQ(13, run_net(&self->r, IORING_OP_RECVMSG, self->d[1], &msg, 1, 0));
	EXPECT_STREQ("split message", in);
	EXPECT_EQ(0, msg.msg_flags);

	EXPECT_EQ(13, run_net(&self->r, IORING_OP_SENDMSG, self->d[0], &out, 0, 0));
	in_iov.iov_base = small;
	in_iov.iov_len = sizeof(small);
	EXPECT_EQ(4, run_net(&self->r, IORING_OP_RECVMSG, self->d[1], &msg, 0, 0));
	EXPECT_EQ(MSG_TRUNC, msg.msg_flags & MSG_TRUNC);
	EXPECT_EQ(0, memcmp(small, "spli", 4));
}

/* CONNECT to a listening unix socket. */
/* Send @len bytes of @buf to @fd in two parts, 100 ms apart, from a child. */
static pid_t send_in_two_parts(int fd, const char *buf, size_t len)
{
	pid_t pid = fork();

	if (pid == 0) {
		usleep(100 * 1000);
		if (write(fd, buf, 3) != 3)
			_exit(1);
		usleep(100 * 1000);
		_exit(write(fd, buf + 3, len - 3) == len - 3 ? 0 : 1);
	}
	return pid;
}

/*
 * MSG_WAITALL on a stream socket: the receive ends with every byte asked
 * for, though they come in two parts; short only when the stream ends.
 */
TEST_F(net, recv_waitall_gets_every_byte)
{
	char in[16] = { 0 }, part1[4] = { 0 }, part2[8] = { 0 };
	struct iovec iov[2] = { { part1, 4 }, { part2, 4 } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	int status;
	pid_t pid;

	pid = send_in_two_parts(self->s[0], "abcdefgh", 8);
	ASSERT_LE(0, pid);
	EXPECT_EQ(8, run_net(&self->r, IORING_OP_RECV, self->s[1], in, 8, MSG_WAITALL));
	EXPECT_STREQ("abcdefgh", in);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));

	pid = send_in_two_parts(self->s[0], "ijklmnop", 8);
	ASSERT_LE(0, pid);
	EXPECT_EQ(8, run_net(&self->r, IORING_OP_RECVMSG, self->s[1], &msg, 0, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(part1, "ijkl", 4));
	EXPECT_EQ(0, memcmp(part2, "mnop", 4));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));

	/* the stream ends after 8 bytes of the 12 asked for: those 8 */
	pid = send_in_two_parts(self->s[0], "qrstuvwx", 8);
	ASSERT_LE(0, pid);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	shutdown(self->s[0], SHUT_WR);
	memset(in, 0, sizeof(in));
	EXPECT_EQ(8, run_net(&self->r, IORING_OP_RECV, self->s[1], in, 12, MSG_WAITALL));
	EXPECT_STREQ("qrstuvwx", in);
}

/* A MSG_WAITALL receive that ends short breaks its chain, as a short read does. */
TEST_F(net, recv_waitall_short_breaks_the_chain)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char in[8];
	int i;

	ASSERT_EQ(3, write(self->s[0], "abc", 3));
	shutdown(self->s[0], SHUT_WR);
	sqe = prep_net(&self->r, IORING_OP_RECV, self->s[1], in, 8, MSG_WAITALL, 1);
	sqe->flags = IOSQE_IO_LINK;
	prep_net(&self->r, IORING_OP_NOP, -1, NULL, 0, 0, 2);
	ASSERT_EQ(2, ring_submit(&self->r, 2));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		EXPECT_EQ(cqe.user_data == 1 ? 3 : -ECANCELED, cqe.res);
	}
}

/*
 * A SEND on a blocking socket whose buffer is full waits for room as a
 * poll: io_uring_enter() returns at once, and the send completes once the
 * peer reads.
 */
TEST_F(net, send_on_a_full_socket_does_not_block_the_submitter)
{
	static char big[65536];
	struct io_uring_cqe cqe;
	int fl = fcntl(self->s[0], F_GETFL);
	char last = 0;
	ssize_t n;

	ASSERT_EQ(0, fcntl(self->s[0], F_SETFL, fl | O_NONBLOCK));
	while (write(self->s[0], big, sizeof(big)) > 0)
		;
	ASSERT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, fcntl(self->s[0], F_SETFL, fl));
	prep_net(&self->r, IORING_OP_SEND, self->s[0], "z", 1, 0, 1);
	alarm(10);
	EXPECT_EQ(1, ring_submit(&self->r, 0));
	alarm(0);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	/* the send may complete while we drain: the 'z' is the last byte either way */
	ASSERT_EQ(0, fcntl(self->s[1], F_SETFL, O_NONBLOCK));
	while ((n = read(self->s[1], big, sizeof(big))) > 0)
		last = big[n - 1];
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(1, cqe.res);
	while ((n = read(self->s[1], big, sizeof(big))) > 0)
		last = big[n - 1];
	EXPECT_EQ('z', last);
}

/* A send to a peer that has gone is -EPIPE, without SIGPIPE, as on 6.1. */
TEST_F(net, send_to_a_closed_peer_is_epipe_without_sigpipe)
{
	close(self->s[1]);
	self->s[1] = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_EQ(-EPIPE, run_net(&self->r, IORING_OP_SEND, self->s[0], "x", 1, 0));
	EXPECT_EQ(-EPIPE, run_net(&self->r, IORING_OP_SEND, self->s[0], "x", 1, MSG_WAITALL));
}

/*
 * RECVMSG with MSG_ERRQUEUE on a socket whose error queue is empty but
 * which has data: recvmsg(2) says -EAGAIN, and so does the request, once
 * (the socket is readable all along: waiting for it would spin).
 */
TEST(recv_errqueue_does_not_spin)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	struct msghdr msg = { 0 };
	struct iovec iov;
	char buf[16];
	struct ring r;
	int u;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	u = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, u);
	if (bind(u, (struct sockaddr *)&sin, sizeof(sin)))
		SKIP(return, "no UDP on loopback here (is lo up?)");
	ASSERT_EQ(0, getsockname(u, (struct sockaddr *)&sin, &len));
	ASSERT_EQ(5, sendto(u, "hello", 5, 0, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	alarm(10);
	EXPECT_EQ(-EAGAIN, run_net(&r, IORING_OP_RECVMSG, u, &msg, 0, MSG_ERRQUEUE));
	alarm(0);
	EXPECT_EQ(5, recv(u, buf, sizeof(buf), 0));
	ring_exit(&r);
	close(u);
}

/* A TCP listener on loopback, with @backlog; its port in *@port. */
static int tcp_listener(int backlog, struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin->sin_port = 0;
	if (l < 0 || bind(l, (struct sockaddr *)sin, sizeof(*sin)) || listen(l, backlog) ||
	    getsockname(l, (struct sockaddr *)sin, &len))
		return -1;
	return l;
}

static int tcp_connect(struct ring *r, int fd, struct sockaddr_in *sin, __u64 data)
{
	struct io_uring_sqe *sqe = prep_net(r, IORING_OP_CONNECT, fd, sin, 0, 0, data);

	sqe->off = sizeof(*sin);
	return ring_run_one(r, data);
}

/*
 * A TCP connect waits for the handshake as a poll and ends with 0, on an
 * O_NONBLOCK socket too (as on 6.1, not -EINPROGRESS); a refused one ends
 * with -ECONNREFUSED.
 */
TEST(connect_tcp)
{
	struct sockaddr_in sin;
	int l, c, n;
	struct ring r;

	l = tcp_listener(4, &sin);
	if (l < 0)
		SKIP(return, "no TCP on loopback here (is lo up?)");
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	c = socket(AF_INET, SOCK_STREAM, 0);
	n = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, c);
	ASSERT_LE(0, n);
	EXPECT_EQ(0, tcp_connect(&r, c, &sin, 1));
	EXPECT_EQ(0, tcp_connect(&r, n, &sin, 2));
	EXPECT_EQ(-EISCONN, tcp_connect(&r, n, &sin, 3));
	close(c);
	close(n);
	close(l);

	/* nobody listens there any more */
	c = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, c);
	EXPECT_EQ(-ECONNREFUSED, tcp_connect(&r, c, &sin, 4));
	close(c);
	ring_exit(&r);
}

/*
 * A TCP connect the listener does not answer (its queue is full) is cut
 * short by its LINK_TIMEOUT: -ECANCELED, and -ETIME for the link timeout,
 * as 6.1 reports them.
 */
TEST(connect_tcp_link_timeout)
{
	struct __kernel_timespec ts = { .tv_nsec = 100 * 1000 * 1000 };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct sockaddr_in sin;
	int l, c[2], i;
	struct ring r;

	l = tcp_listener(0, &sin);
	if (l < 0)
		SKIP(return, "no TCP on loopback here (is lo up?)");
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	c[0] = socket(AF_INET, SOCK_STREAM, 0);
	c[1] = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, c[0]);
	ASSERT_LE(0, c[1]);
	/* the first fills the accept queue, the second gets no answer */
	ASSERT_EQ(0, tcp_connect(&r, c[0], &sin, 1));
	sqe = prep_net(&r, IORING_OP_CONNECT, c[1], &sin, 0, 0, 2);
	sqe->off = sizeof(sin);
	sqe->flags = IOSQE_IO_LINK;
	sqe = ring_get_sqe(&r);
	sqe->opcode = IORING_OP_LINK_TIMEOUT;
	sqe->fd = -1;
	sqe->addr = (unsigned long)&ts;
	sqe->len = 1;
	sqe->user_data = 3;
	ASSERT_EQ(2, ring_submit(&r, 0));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
		EXPECT_EQ(cqe.user_data == 2 ? -ECANCELED : -ETIME, cqe.res)
			TH_LOG("user_data %llu", (unsigned long long)cqe.user_data);
	}
	close(c[0]);
	close(c[1]);
	close(l);
	ring_exit(&r);
}

TEST(connect_to_a_listener)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct io_uring_sqe *sqe;
	struct ring r;
	int l, c, a;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "/tmp/io_uring-net-%d", getpid());
	unlink(sun.sun_path);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, bind(l, (struct sockaddr *)&sun, sizeof(sun)));
	ASSERT_EQ(0, listen(l, 4));
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, ring_init(&r, 4, 0));

	sqe = prep_net(&r, IORING_OP_CONNECT, c, &sun, 0, 0, 1);
	sqe->off = sizeof(sun);
	EXPECT_EQ(0, ring_run_one(&r, 1));
	a = accept(l, NULL, NULL);
	ASSERT_LE(0, a);
	EXPECT_EQ(2, write(a, "ok", 2));
	/* connected twice */
	sqe = prep_net(&r, IORING_OP_CONNECT, c, &sun, 0, 0, 2);
	sqe->off = sizeof(sun);
	EXPECT_EQ(-EISCONN, ring_run_one(&r, 2));
	/* an address too long, one not mapped, a path nobody listens on */
	sqe = prep_net(&r, IORING_OP_CONNECT, c, &sun, 0, 0, 3);
	sqe->off = 4096;
	EXPECT_EQ(-EINVAL, ring_run_one(&r, 3));
	close(c);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, c);
	sqe = prep_net(&r, IORING_OP_CONNECT, c, (void *)8, 0, 0, 4);
	sqe->off = sizeof(sun);
	EXPECT_EQ(-EFAULT, ring_run_one(&r, 4));
	unlink(sun.sun_path);
	sqe = prep_net(&r, IORING_OP_CONNECT, c, &sun, 0, 0, 5);
	sqe->off = sizeof(sun);
	EXPECT_EQ(-ENOENT, ring_run_one(&r, 5));
	ring_exit(&r);
	close(a);
	close(c);
	close(l);
}

/*
 * A worker resolves a socket path in the root the ring's creator had, not
 * in its own: a process in a chroot reaches the socket inside its jail.
 */
TEST(connect_resolves_paths_in_the_creators_root)
{
	struct sockaddr_un in_jail = { .sun_family = AF_UNIX, .sun_path = "/tmp/io_uring-jail/s" };
	struct sockaddr_un outside = { .sun_family = AF_UNIX, .sun_path = "/s" };
	int lj, lo, status;
	pid_t pid;

	if (geteuid())
		SKIP(return, "chroot needs root");
	mkdir("/tmp/io_uring-jail", 0755);
	unlink(in_jail.sun_path);
	unlink(outside.sun_path);
	lj = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	lo = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, lj);
	ASSERT_LE(0, lo);
	ASSERT_EQ(0, bind(lj, (struct sockaddr *)&in_jail, sizeof(in_jail)));
	ASSERT_EQ(0, bind(lo, (struct sockaddr *)&outside, sizeof(outside)));
	ASSERT_EQ(0, listen(lj, 4));
	ASSERT_EQ(0, listen(lo, 4));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct io_uring_sqe *sqe;
		struct ring r;
		int c;

		if (chroot("/tmp/io_uring-jail") || chdir("/") || ring_init(&r, 4, 0))
			_exit(2);
		c = socket(AF_UNIX, SOCK_STREAM, 0);
		/* "/s" in here is the jail's socket */
		sqe = prep_net(&r, IORING_OP_CONNECT, c, &outside, 0, 0, 1);
		sqe->off = sizeof(outside);
		_exit(ring_run_one(&r, 1) == 0 ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_LE(0, accept(lj, NULL, NULL));
	EXPECT_EQ(-1, accept(lo, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	unlink(in_jail.sun_path);
	unlink(outside.sun_path);
	close(lj);
	close(lo);
}

/*
 * IOSQE_ASYNC on a socket with nothing to receive: the worker tries the
 * request first, so a bad msghdr is -EFAULT at once, not after data comes;
 * a good one then waits for its data like any other.
 */
TEST_F(net, iosqe_async_tries_before_it_waits)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char in[8] = { 0 };
	struct iovec iov = { in, sizeof(in) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	sqe = prep_net(&self->r, IORING_OP_RECVMSG, self->s[1], NULL, 1, 0, 1);
	sqe->flags = IOSQE_ASYNC;
	sqe = prep_net(&self->r, IORING_OP_SENDMSG, self->s[0], NULL, 1, 0, 2);
	sqe->flags = IOSQE_ASYNC;
	ASSERT_EQ(2, ring_submit(&self->r, 2));
	ASSERT_EQ(1, ring_peek_cqe(&self->r, &cqe));
	EXPECT_EQ(-EFAULT, cqe.res);
	ASSERT_EQ(1, ring_peek_cqe(&self->r, &cqe));
	EXPECT_EQ(-EFAULT, cqe.res);

	sqe = prep_net(&self->r, IORING_OP_RECVMSG, self->s[1], &msg, 1, 0, 3);
	sqe->flags = IOSQE_ASYNC;
	ASSERT_EQ(1, ring_submit(&self->r, 0));
	usleep(50 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
	ASSERT_EQ(2, write(self->s[0], "ok", 2));
	ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
	EXPECT_EQ(3, cqe.user_data);
	EXPECT_EQ(2, cqe.res);
	EXPECT_STREQ("ok", in);
}

struct byte_sender {
	int fd;
	int n;
};

static void *send_bytes(void *arg)
{
	struct byte_sender *bs = arg;
	int i;

	for (i = 0; i < bs->n; i++)
		if (send(bs->fd, "b", 1, 0) != 1)
			return (void *)1;
	return NULL;
}

/*
 * Eight one-byte receives wait on one socket while bytes come one by one:
 * each byte wakes all eight, one takes it and seven arm again, their
 * wakeups racing with the arming (which holds completion_lock, so some
 * wakeups are left to a worker).  Every byte must arrive exactly once,
 * and nothing may be corrupted (run it on the debug kernel).
 */
TEST_F(net, receives_arming_again_race_wakeups)
{
	struct byte_sender bs = { .fd = self->s[0], .n = 1000 };
	struct io_uring_cqe cqe;
	char in[8];
	int i, got = 0, waiting = 8;
	pthread_t th;

	for (i = 0; i < 8; i++)
		prep_net(&self->r, IORING_OP_RECV, self->s[1], &in[i], 1, 0, i);
	ASSERT_EQ(8, ring_submit(&self->r, 0));
	ASSERT_EQ(0, pthread_create(&th, NULL, send_bytes, &bs));
	while (got < bs.n) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		ASSERT_EQ(1, cqe.res);
		got++;
		waiting--;
		if (got + waiting < bs.n) {
			prep_net(&self->r, IORING_OP_RECV, self->s[1], &in[cqe.user_data], 1, 0,
				 cqe.user_data);
			ASSERT_EQ(1, ring_submit(&self->r, 0));
			waiting++;
		}
	}
	pthread_join(th, NULL);
	EXPECT_EQ(0, waiting);
	EXPECT_EQ(0, ring_peek_cqe(&self->r, &cqe));
}

TEST_F(net, bad_inputs)
{
	struct io_uring_sqe *sqe;
	char buf[8];
	int p[2];

	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-ENOTSOCK, run_net(&self->r, IORING_OP_SEND, p[1], buf, 8, 0));
	EXPECT_EQ(-ENOTSOCK, run_net(&self->r, IORING_OP_RECVMSG, p[0], buf, 0, 0));
	EXPECT_EQ(-ENOTSOCK, run_net(&self->r, IORING_OP_CONNECT, p[0], buf, 0, 0));
	EXPECT_EQ(-EBADF, run_net(&self->r, IORING_OP_RECV, 999, buf, 8, 0));
	EXPECT_EQ(-EFAULT, run_net(&self->r, IORING_OP_SEND, self->s[0], (void *)8, 8, 0));
	EXPECT_EQ(-EFAULT, run_net(&self->r, IORING_OP_SENDMSG, self->s[0], (void *)8, 0, 0));
	EXPECT_EQ(-EFAULT, run_net(&self->r, IORING_OP_RECVMSG, self->s[1], (void *)8, 0, 0));
	sqe = prep_net(&self->r, IORING_OP_SEND, self->s[0], buf, 8, 0, 1);
	sqe->off = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 1));
	/* ioprio bits are flags (IORING_RECVSEND_POLL_FIRST...): not this one */
	sqe = prep_net(&self->r, IORING_OP_RECV, self->s[1], buf, 8, 0, 2);
	sqe->ioprio = 1U << 3;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 2));
	sqe = prep_net(&self->r, IORING_OP_SEND, self->s[0], buf, 8, 0, 3);
	sqe->addr3 = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 3));
	close(p[0]);
	close(p[1]);
}

/* A listening unix socket at a fresh path; the path in @sun. */
static int listener(struct sockaddr_un *sun, int type_flags)
{
	int l = socket(AF_UNIX, SOCK_STREAM | type_flags, 0);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	snprintf(sun->sun_path, sizeof(sun->sun_path), "/tmp/io_uring-acc-%d", getpid());
	unlink(sun->sun_path);
	if (l < 0 || bind(l, (struct sockaddr *)sun, sizeof(*sun)) || listen(l, 4))
		return -1;
	return l;
}

static int dial(const struct sockaddr_un *sun)
{
	int c = socket(AF_UNIX, SOCK_STREAM, 0);

	if (c < 0 || connect(c, (const struct sockaddr *)sun, sizeof(*sun)))
		return -1;
	return c;
}

/*
 * CONNECT's address is read at submission: a connect that runs later (in
 * a chain, behind a read that waits) uses it even if userspace has reused
 * that memory meanwhile.
 */
TEST(connect_address_is_read_at_submission)
{
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	struct sockaddr_un sun, copy;
	int l, c, p[2], i, res[3] = { 0 };
	struct ring r;
	char byte;

	l = listener(&sun, 0);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, pipe(p));
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	copy = sun;
	sqe = prep_net(&r, IORING_OP_READ, p[0], &byte, 1, 0, 1);
	sqe->flags = IOSQE_IO_LINK;
	sqe = prep_net(&r, IORING_OP_CONNECT, c, &copy, 0, 0, 2);
	sqe->off = sizeof(copy);
	ASSERT_EQ(2, ring_submit(&r, 0));
	memset(&copy, 0xff, sizeof(copy));
	ASSERT_EQ(1, write(p[1], "x", 1));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
		ASSERT_GT(3, cqe.user_data);
		res[cqe.user_data] = cqe.res;
	}
	EXPECT_EQ(1, res[1]);
	EXPECT_EQ(0, res[2]);
	ring_exit(&r);
	close(c);
	close(l);
	close(p[0]);
	close(p[1]);
	unlink(sun.sun_path);
}

/*
 * IORING_FEAT_SUBMIT_STABLE: the msghdrs of SENDMSG and RECVMSG, and their
 * iovec arrays, are read at submission: a RECVMSG that waits for data and
 * a SENDMSG that runs later, in a chain behind a read that waits, use them
 * as they were, though userspace reused that memory meanwhile.
 */
TEST(msghdr_is_read_at_submission)
{
	char rbuf[8] = { 0 }, sbuf[8] = "data", byte;
	struct iovec riov = { rbuf, 4 }, siov = { sbuf, 4 };
	struct msghdr rm = { .msg_iov = &riov, .msg_iovlen = 1 };
	struct msghdr sm = { .msg_iov = &siov, .msg_iovlen = 1 };
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	int s[2], pp[2], i, res[4] = { 0 };
	struct ring r;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	ASSERT_EQ(0, pipe(pp));
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	EXPECT_TRUE(r.p.features & IORING_FEAT_SUBMIT_STABLE);
	prep_net(&r, IORING_OP_RECVMSG, s[0], &rm, 1, 0, 1);
	sqe = prep_net(&r, IORING_OP_READ, pp[0], &byte, 1, 0, 2);
	sqe->flags = IOSQE_IO_LINK;
	prep_net(&r, IORING_OP_SENDMSG, s[1], &sm, 1, 0, 3);
	ASSERT_EQ(3, ring_submit(&r, 0));
	memset(&riov, 0xff, sizeof(riov));
	memset(&siov, 0xff, sizeof(siov));
	rm.msg_iovlen = 1000;
	sm.msg_iov = NULL;
	memset(sbuf, 0, sizeof(sbuf));
	strcpy(sbuf, "data");
	ASSERT_EQ(1, write(pp[1], "x", 1));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
		ASSERT_GT(4, cqe.user_data);
		res[cqe.user_data] = cqe.res;
	}
	EXPECT_EQ(4, res[1]);
	EXPECT_EQ(1, res[2]);
	EXPECT_EQ(4, res[3]);
	EXPECT_STREQ("data", rbuf);
	ring_exit(&r);
	close(s[0]);
	close(s[1]);
	close(pp[0]);
	close(pp[1]);
}

/* ACCEPT of a connection that is already there, then of one yet to come. */
TEST(accept_a_connection)
{
	struct sockaddr_un sun, peer;
	socklen_t peer_len = sizeof(peer);
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe = { };
	struct ring r;
	int l, c, a;
	char buf[4] = { };

	l = listener(&sun, 0);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	c = dial(&sun);
	ASSERT_LE(0, c);
	sqe = prep_net(&r, IORING_OP_ACCEPT, l, &peer, 0, 0, 1);
	sqe->addr2 = (unsigned long)&peer_len;
	a = ring_run_one(&r, 1);
	ASSERT_LE(0, a);
	EXPECT_EQ(AF_UNIX, peer.sun_family);
	EXPECT_EQ(0, fcntl(a, F_GETFD));
	EXPECT_EQ(2, write(c, "hi", 2));
	EXPECT_EQ(2, read(a, buf, sizeof(buf)));
	EXPECT_STREQ("hi", buf);
	close(a);
	close(c);

	/* nobody yet: a worker waits, then the client comes */
	sqe = prep_net(&r, IORING_OP_ACCEPT, l, NULL, 0, 0, 2);
	sqe->accept_flags = SOCK_CLOEXEC | SOCK_NONBLOCK;
	ASSERT_EQ(1, ring_submit(&r, 0));
	usleep(100 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&r, &cqe));
	c = dial(&sun);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_EQ(2, cqe.user_data);
	a = cqe.res;
	ASSERT_LE(0, a);
	EXPECT_EQ(FD_CLOEXEC, fcntl(a, F_GETFD));
	EXPECT_TRUE(fcntl(a, F_GETFL) & O_NONBLOCK);
	close(a);
	close(c);
	ring_exit(&r);
	unlink(sun.sun_path);
	close(l);
}

/*
 * ACCEPT with a file_index: the connection is a direct descriptor, used
 * through IOSQE_FIXED_FILE, whether it was there already or waited for
 * (the wait ends in a worker, which takes the ring's lock to install it).
 */
TEST(accept_direct)
{
	struct io_uring_rsrc_register rr = { .nr = 2, .flags = IORING_RSRC_REGISTER_SPARSE };
	struct io_uring_cqe cqe = { };
	struct io_uring_sqe *sqe;
	struct sockaddr_un sun;
	char buf[4] = { };
	struct ring r;
	int l, c, c2;

	l = listener(&sun, 0);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_FILES2, &rr, sizeof(rr)));
	c = dial(&sun);
	ASSERT_LE(0, c);
	sqe = prep_net(&r, IORING_OP_ACCEPT, l, NULL, 0, 0, 1);
	sqe->file_index = 2;
	EXPECT_EQ(0, ring_run_one(&r, 1));
	sqe = prep_net(&r, IORING_OP_SEND, 1, "ok", 2, 0, 2);
	sqe->flags = IOSQE_FIXED_FILE;
	EXPECT_EQ(2, ring_run_one(&r, 2));
	EXPECT_EQ(2, read(c, buf, sizeof(buf)));
	EXPECT_STREQ("ok", buf);

	sqe = prep_net(&r, IORING_OP_ACCEPT, l, NULL, 0, 0, 3);
	sqe->file_index = IORING_FILE_INDEX_ALLOC;
	ASSERT_EQ(1, ring_submit(&r, 0));
	usleep(100 * 1000);
	c2 = dial(&sun);
	ASSERT_LE(0, c2);
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_EQ(3, cqe.user_data);
	EXPECT_EQ(0, cqe.res);
	sqe = prep_net(&r, IORING_OP_SEND, 0, "go", 2, 0, 4);
	sqe->flags = IOSQE_FIXED_FILE;
	EXPECT_EQ(2, ring_run_one(&r, 4));
	EXPECT_EQ(2, read(c2, buf, sizeof(buf)));
	EXPECT_STREQ("go", buf);
	/* a direct descriptor has no close-on-exec */
	sqe = prep_net(&r, IORING_OP_ACCEPT, l, NULL, 0, 0, 5);
	sqe->file_index = 1;
	sqe->accept_flags = SOCK_CLOEXEC;
	EXPECT_EQ(-EINVAL, ring_run_one(&r, 5));
	close(c);
	close(c2);
	ring_exit(&r);
	unlink(sun.sun_path);
	close(l);
}

/* The next CQE, within 5 s: 0, or -ETIMEDOUT. */
static int wait_cqe_5s(struct ring *r, struct io_uring_cqe *cqe)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (ring_peek_cqe(r, cqe))
			return 0;
		usleep(10 * 1000);
	}
	return -ETIMEDOUT;
}

/*
 * IORING_ACCEPT_MULTISHOT: a CQE with IORING_CQE_F_MORE for each
 * connection, those already queued and those yet to come, until it is
 * cancelled: then -ECANCELED, without the flag.
 */
TEST(accept_multishot)
{
	struct io_uring_cqe cqe = { };
	struct io_uring_sqe *sqe;
	struct sockaddr_un sun;
	int l, c[3], i;
	struct ring r;

	l = listener(&sun, 0);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	c[0] = dial(&sun);
	ASSERT_LE(0, c[0]);
	sqe = prep_net(&r, IORING_OP_ACCEPT, l, NULL, 0, 0, 0xacc);
	sqe->ioprio = IORING_ACCEPT_MULTISHOT;
	ASSERT_EQ(1, ring_submit(&r, 0));
	for (i = 0; i < 3; i++) {
		if (i) {
			c[i] = dial(&sun);
			ASSERT_LE(0, c[i]);
		}
		ASSERT_EQ(0, wait_cqe_5s(&r, &cqe));
		EXPECT_EQ(0xacc, cqe.user_data);
		EXPECT_LE(0, cqe.res);
		EXPECT_EQ(IORING_CQE_F_MORE, cqe.flags);
		EXPECT_EQ(1, write(cqe.res, "x", 1));
		close(cqe.res);
	}
	sqe = ring_get_sqe(&r);
	sqe->opcode = IORING_OP_ASYNC_CANCEL;
	sqe->addr = 0xacc;
	sqe->user_data = 0xcc;
	ASSERT_EQ(1, ring_submit(&r, 0));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, wait_cqe_5s(&r, &cqe));
		if (cqe.user_data == 0xcc) {
			EXPECT_EQ(0, cqe.res);
		} else {
			EXPECT_EQ(0xacc, cqe.user_data);
			EXPECT_EQ(-ECANCELED, cqe.res);
			EXPECT_EQ(0, cqe.flags);
		}
	}
	for (i = 0; i < 3; i++)
		close(c[i]);
	ring_exit(&r);
	unlink(sun.sun_path);
	close(l);
}

/*
 * A CQ ring with no room ends a multishot ACCEPT, as on 6.1: the
 * connection that found no room is its last CQE (kept until the
 * application makes room), so none is lost, and it accepts no more.
 */
TEST(accept_multishot_stops_when_the_cq_ring_is_full)
{
	struct io_uring_cqe cqe = { };
	struct io_uring_sqe *sqe;
	struct sockaddr_un sun;
	int l, c[6], i;
	struct ring r;

	/* O_NONBLOCK: its multishot ACCEPT waits all the same; accept(2) does not */
	l = listener(&sun, SOCK_NONBLOCK);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, ring_init(&r, 2, 0));
	ASSERT_EQ(4, r.p.cq_entries);
	/* five wait to be accepted: as many as a backlog of 4 queues */
	for (i = 0; i < 5; i++) {
		c[i] = dial(&sun);
		ASSERT_LE(0, c[i]);
	}
	sqe = prep_net(&r, IORING_OP_ACCEPT, l, NULL, 0, 0, 0xacc);
	sqe->ioprio = IORING_ACCEPT_MULTISHOT;
	ASSERT_EQ(1, ring_submit(&r, 0));
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
		EXPECT_EQ(0xacc, cqe.user_data);
		EXPECT_LE(0, cqe.res);
		EXPECT_EQ(i < 4 ? IORING_CQE_F_MORE : 0, cqe.flags) TH_LOG("CQE %d", i);
		close(cqe.res);
	}
	/* it is gone: a sixth connection waits for an accept of its own */
	c[5] = dial(&sun);
	ASSERT_LE(0, c[5]);
	usleep(20 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&r, &cqe));
	i = accept(l, NULL, NULL);
	EXPECT_LE(0, i);
	close(i);
	for (i = 0; i < 6; i++)
		close(c[i]);
	ring_exit(&r);
	unlink(sun.sun_path);
	close(l);
}

/*
 * A multishot ACCEPT of direct descriptors allocates a slot for each; when
 * none is left, that error is its last CQE.  A slot of its own choosing,
 * or another ioprio bit, is refused.
 */
TEST(accept_multishot_direct)
{
	struct io_uring_rsrc_register rr = { .nr = 2, .flags = IORING_RSRC_REGISTER_SPARSE };
	struct io_uring_cqe cqe = { };
	struct io_uring_sqe *sqe;
	struct sockaddr_un sun;
	int l, c[3], i, seen = 0;
	struct ring r;

	l = listener(&sun, 0);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_FILES2, &rr, sizeof(rr)));
	sqe = prep_net(&r, IORING_OP_ACCEPT, l, NULL, 0, 0, 1);
	sqe->ioprio = IORING_ACCEPT_MULTISHOT;
	sqe->file_index = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&r, 1));
	sqe = prep_net(&r, IORING_OP_ACCEPT, l, NULL, 0, 0, 2);
	sqe->ioprio = 2;
	EXPECT_EQ(-EINVAL, ring_run_one(&r, 2));

	sqe = prep_net(&r, IORING_OP_ACCEPT, l, NULL, 0, 0, 3);
	sqe->ioprio = IORING_ACCEPT_MULTISHOT;
	sqe->file_index = IORING_FILE_INDEX_ALLOC;
	ASSERT_EQ(1, ring_submit(&r, 0));
	for (i = 0; i < 3; i++) {
		c[i] = dial(&sun);
		ASSERT_LE(0, c[i]);
		ASSERT_EQ(0, wait_cqe_5s(&r, &cqe));
		EXPECT_EQ(3, cqe.user_data);
		if (i < 2) {
			ASSERT_LE(0, cqe.res);
			ASSERT_GT(2, cqe.res);
			seen |= 1 << cqe.res;
			EXPECT_EQ(IORING_CQE_F_MORE, cqe.flags);
		} else {
			EXPECT_EQ(-ENFILE, cqe.res);
			EXPECT_EQ(0, cqe.flags);
		}
	}
	EXPECT_EQ(3, seen);
	for (i = 0; i < 3; i++)
		close(c[i]);
	ring_exit(&r);
	unlink(sun.sun_path);
	close(l);
}

TEST(accept_bad_inputs)
{
	struct sockaddr_un sun, peer;
	socklen_t peer_len = sizeof(peer);
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	struct ring r;
	int l, nl, c, p[2];

	l = listener(&sun, 0);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-ENOTSOCK, run_net(&r, IORING_OP_ACCEPT, p[0], NULL, 0, 0));
	EXPECT_EQ(-EBADF, run_net(&r, IORING_OP_ACCEPT, 999, NULL, 0, 0));
	sqe = prep_net(&r, IORING_OP_ACCEPT, l, NULL, 0, 0, 1);
	sqe->accept_flags = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&r, 1));
	sqe = prep_net(&r, IORING_OP_ACCEPT, l, NULL, 0, 0, 2);
	sqe->len = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&r, 2));
	/*
	 * a direct descriptor, with no registered files to hold it: found
	 * once there is a connection to install (then closed), as on 6.1
	 */
	c = dial(&sun);
	ASSERT_LE(0, c);
	sqe = prep_net(&r, IORING_OP_ACCEPT, l, NULL, 0, 0, 3);
	sqe->file_index = 1;
	EXPECT_EQ(-ENXIO, ring_run_one(&r, 3));
	close(c);
	/* an address to write the peer to that is not mapped */
	c = dial(&sun);
	ASSERT_LE(0, c);
	sqe = prep_net(&r, IORING_OP_ACCEPT, l, (void *)8, 0, 0, 4);
	sqe->addr2 = 8;
	EXPECT_EQ(-EFAULT, ring_run_one(&r, 4));
	close(c);
	ring_exit(&r);
	unlink(sun.sun_path);
	close(l);
	/*
	 * a non-blocking listener with nobody waiting: the ACCEPT waits for a
	 * connection all the same, as on 6.1, and fills in the peer address
	 */
	nl = listener(&sun, SOCK_NONBLOCK);
	ASSERT_LE(0, nl);
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	memset(&peer, 0xff, sizeof(peer));
	sqe = prep_net(&r, IORING_OP_ACCEPT, nl, &peer, 0, 0, 5);
	sqe->addr2 = (unsigned long)&peer_len;
	ASSERT_EQ(1, ring_submit(&r, 0));
	usleep(50 * 1000);
	EXPECT_EQ(0, ring_peek_cqe(&r, &cqe));
	c = dial(&sun);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_EQ(5, cqe.user_data);
	EXPECT_LE(0, cqe.res);
	EXPECT_EQ(AF_UNIX, peer.sun_family);
	EXPECT_GE(sizeof(peer), peer_len);
	close(cqe.res);
	close(c);
	ring_exit(&r);
	unlink(sun.sun_path);
	close(nl);
	close(p[0]);
	close(p[1]);
}

/*
 * A receive or accept that waits for its socket can be cancelled: it waits
 * as an armed poll, not in a worker.
 */
TEST(waiting_socket_requests_can_be_cancelled)
{
	struct sockaddr_un sun;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe = { };
	struct ring r;
	int l, s[2], i, got = 0;
	char buf[8];

	l = listener(&sun, 0);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	prep_net(&r, IORING_OP_ACCEPT, l, NULL, 0, 0, 1);
	prep_net(&r, IORING_OP_RECV, s[1], buf, sizeof(buf), 0, 2);
	ASSERT_EQ(2, ring_submit(&r, 0));
	usleep(100 * 1000);
	for (i = 1; i <= 2; i++) {
		sqe = ring_get_sqe(&r);
		sqe->opcode = IORING_OP_ASYNC_CANCEL;
		sqe->addr = i;
		sqe->user_data = 10 + i;
	}
	ASSERT_EQ(2, ring_submit(&r, 0));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
		/* the cancels succeed, the requests end with -ECANCELED */
		EXPECT_EQ(cqe.user_data >= 10 ? 0 : -ECANCELED, cqe.res)
			TH_LOG("user_data %llu", cqe.user_data);
		got |= 1 << cqe.user_data % 10;
	}
	EXPECT_EQ(6, got);
	/* POLL_REMOVE is for POLL_ADD requests only */
	prep_net(&r, IORING_OP_RECV, s[1], buf, sizeof(buf), 0, 3);
	ASSERT_EQ(1, ring_submit(&r, 0));
	sqe = ring_get_sqe(&r);
	sqe->opcode = IORING_OP_POLL_REMOVE;
	sqe->addr = 3;
	sqe->user_data = 13;
	EXPECT_EQ(-ENOENT, ring_run_one(&r, 13));
	ASSERT_EQ(3, send(s[0], "abc", 3, 0));
	ASSERT_EQ(0, ring_wait_cqe(&r, &cqe));
	EXPECT_EQ(3, cqe.user_data);
	EXPECT_EQ(3, cqe.res);
	ring_exit(&r);
	unlink(sun.sun_path);
	close(l);
	close(s[0]);
	close(s[1]);
}

/*
 * A process that exits with an accept waiting leaves nothing behind: the
 * ring's teardown ends it and the listening socket goes away with it.
 */
TEST(exit_with_an_accept_waiting)
{
	struct sockaddr_un sun;
	int status, c = -1, i, p[2];
	char ready;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct ring r;
		int l = listener(&sun, 0);

		if (l < 0 || ring_init(&r, 4, 0))
			_exit(2);
		prep_net(&r, IORING_OP_ACCEPT, l, NULL, 0, 0, 1);
		if (ring_submit(&r, 0) != 1)
			_exit(3);
		close(l);
		usleep(50 * 1000);
		_exit(write(p[1], "r", 1) == 1 ? 0 : 4);
	}
	ASSERT_EQ(1, read(p[0], &ready, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/tmp/io_uring-acc-%d", pid);
	/* the last fput may take a moment: it is deferred */
	for (i = 0; i < 100; i++) {
		c = socket(AF_UNIX, SOCK_STREAM, 0);
		ASSERT_LE(0, c);
		if (connect(c, (struct sockaddr *)&sun, sizeof(sun)) && errno == ECONNREFUSED)
			break;
		close(c);
		c = -1;
		usleep(20 * 1000);
	}
	EXPECT_LE(0, c) TH_LOG("the listener of an exited process still accepts");
	if (c >= 0)
		close(c);
	unlink(sun.sun_path);
	close(p[0]);
	close(p[1]);
}

static struct io_uring_sqe *prep_shutdown(struct ring *r, int fd, int how, __u64 data)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_SHUTDOWN;
	sqe->fd = fd;
	sqe->len = how;
	sqe->user_data = data;
	return sqe;
}

/*
 * SHUTDOWN: shutdown(2) of a socket.  SHUT_WR ends the peer's stream; a
 * pipe is -ENOTSOCK, a bad how -EINVAL.
 */
TEST_F(net, shutdown)
{
	char buf[4];
	int p[2];

	prep_shutdown(&self->r, self->s[0], SHUT_WR, 1);
	EXPECT_EQ(0, ring_run_one(&self->r, 1));
	EXPECT_EQ(0, read(self->s[1], buf, sizeof(buf)));
	EXPECT_EQ(-1, send(self->s[0], "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);

	prep_shutdown(&self->r, self->s[0], 7, 2);
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 2));
	ASSERT_EQ(0, pipe(p));
	prep_shutdown(&self->r, p[0], 0, 3);
	EXPECT_EQ(-ENOTSOCK, ring_run_one(&self->r, 3));
	prep_shutdown(&self->r, self->s[1], 0, 4)->addr = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, 4));
	close(p[0]);
	close(p[1]);
}

static int socket_one(struct ring *r, int domain, __u64 type, int protocol)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = IORING_OP_SOCKET;
	sqe->fd = domain;
	sqe->off = type;
	sqe->len = protocol;
	sqe->user_data = 0x50c;
	return ring_run_one(r, 0x50c);
}

/* SOCKET: socket(2), its type flags, and its errors. */
TEST_F(net, socket)
{
	int fd, type;
	socklen_t len = sizeof(type);

	fd = socket_one(&self->r, AF_UNIX, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len));
	EXPECT_EQ(SOCK_DGRAM, type);
	EXPECT_EQ(0, fcntl(fd, F_GETFD));
	EXPECT_EQ(0, fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);
	fd = socket_one(&self->r, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	EXPECT_EQ(O_NONBLOCK, fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);

	EXPECT_EQ(-EAFNOSUPPORT, socket_one(&self->r, 12345, SOCK_STREAM, 0));
	EXPECT_EQ(-EINVAL, socket_one(&self->r, AF_UNIX, SOCK_STREAM | (1 << 30), 0));
	EXPECT_EQ(-EINVAL, socket_one(&self->r, AF_UNIX, 1ULL << 40, 0));
	EXPECT_EQ(-EPROTONOSUPPORT, socket_one(&self->r, AF_UNIX, SOCK_STREAM, 99));
}

/*
 * SEND_ZC and SENDMSG_ZC: the send's CQE, with IORING_CQE_F_MORE, then the
 * notification (IORING_CQE_F_NOTIF, res 0, the same user_data) once the
 * network stack is done with the buffer.  TCP and UDP over loopback.
 */
static int tcp_pair(int fds[2])
{
	struct sockaddr_in sin;
	int l = tcp_listener(1, &sin);

	if (l < 0)
		return -1;
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (fds[0] < 0 || connect(fds[0], (struct sockaddr *)&sin, sizeof(sin)))
		return -1;
	fds[1] = accept(l, NULL, NULL);
	close(l);
	return fds[1] < 0 ? -1 : 0;
}

/* The send's CQE (its res), then its notification. */
static int zc_cqes(struct __test_metadata *_metadata, struct ring *r, __u64 data)
{
	struct io_uring_cqe cqe;
	int res;

	EXPECT_EQ(0, wait_cqe_5s(r, &cqe));
	EXPECT_EQ(data, cqe.user_data);
	EXPECT_EQ(IORING_CQE_F_MORE, cqe.flags);
	res = cqe.res;
	EXPECT_EQ(0, wait_cqe_5s(r, &cqe));
	EXPECT_EQ(data, cqe.user_data);
	EXPECT_EQ(0, cqe.res);
	EXPECT_EQ(IORING_CQE_F_NOTIF, cqe.flags);
	return res;
}

TEST(send_zc_over_tcp)
{
	static char buf[1 << 16], got[1 << 16];
	struct msghdr msg = { 0 };
	struct iovec iov;
	struct ring r;
	int fds[2], i;

	if (tcp_pair(fds))
		SKIP(return, "no TCP on loopback here (is lo up?)");
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = i * 7;
	prep_net(&r, IORING_OP_SEND_ZC, fds[0], buf, 100, 0, 0x50);
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ(100, zc_cqes(_metadata, &r, 0x50));
	EXPECT_EQ(100, recv(fds[1], got, 100, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, got, 100));

	/* SENDMSG_ZC, its msghdr read at submission */
	iov.iov_base = buf + 100;
	iov.iov_len = 1000;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	prep_net(&r, IORING_OP_SENDMSG_ZC, fds[0], &msg, 0, 0, 0x51);
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ(1000, zc_cqes(_metadata, &r, 0x51));
	EXPECT_EQ(1000, recv(fds[1], got, 1000, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf + 100, got, 1000));
	ring_exit(&r);
	close(fds[0]);
	close(fds[1]);
}

/*
 * A receive that leaves data in a TCP socket says so in its CQE
 * (IORING_CQE_F_SOCK_NONEMPTY), as on 6.1; a multishot one on each CQE.
 */
TEST(recv_says_the_socket_is_not_empty)
{
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	char got[16], bufs[4][4];
	int fds[2], i;
	struct ring r;

	if (tcp_pair(fds))
		SKIP(return, "no TCP on loopback here (is lo up?)");
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(10, write(fds[0], "0123456789", 10));
	usleep(20 * 1000);
	prep_net(&r, IORING_OP_RECV, fds[1], got, 4, 0, 0x40);
	ASSERT_EQ(1, ring_submit(&r, 1));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(4, cqe.res);
	EXPECT_EQ(IORING_CQE_F_SOCK_NONEMPTY, cqe.flags);
	prep_net(&r, IORING_OP_RECV, fds[1], got, sizeof(got), 0, 0x41);
	ASSERT_EQ(1, ring_submit(&r, 1));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	EXPECT_EQ(6, cqe.res);
	EXPECT_EQ(0, cqe.flags);

	/* multishot, into 4-byte provided buffers: 4, 4 and 2 bytes */
	sqe = prep_net(&r, IORING_OP_PROVIDE_BUFFERS, 4, bufs, 4, 0, 0x42);
	sqe->buf_group = 3;
	EXPECT_EQ(0, ring_run_one(&r, 0x42));
	ASSERT_EQ(10, write(fds[0], "abcdefghij", 10));
	usleep(20 * 1000);
	sqe = prep_net(&r, IORING_OP_RECV, fds[1], NULL, 0, 0, 0x43);
	sqe->flags = IOSQE_BUFFER_SELECT;
	sqe->buf_group = 3;
	sqe->ioprio = IORING_RECV_MULTISHOT;
	ASSERT_EQ(1, ring_submit(&r, 0));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, wait_cqe_5s(&r, &cqe));
		EXPECT_EQ(i < 2 ? 4 : 2, cqe.res);
		EXPECT_EQ(i < 2 ? IORING_CQE_F_SOCK_NONEMPTY : 0,
			  cqe.flags & IORING_CQE_F_SOCK_NONEMPTY) TH_LOG("CQE %d", i);
		EXPECT_EQ(IORING_CQE_F_MORE | IORING_CQE_F_BUFFER,
			  cqe.flags & (IORING_CQE_F_MORE | IORING_CQE_F_BUFFER));
	}
	ring_exit(&r);
	close(fds[0]);
	close(fds[1]);
}

/* More than the socket takes at once: MSG_WAITALL sends it all, one notification. */
static void *drain_bytes(void *arg)
{
	static char sink[1 << 16];
	long fd = (long)arg, total = 0, n;

	while ((n = read(fd, sink, sizeof(sink))) > 0)
		total += n;
	return (void *)total;
}

TEST(send_zc_waitall_sends_everything)
{
	size_t len = 2 << 20;
	static char buf[2 << 20];
	pthread_t t;
	struct ring r;
	void *got;
	int fds[2];

	if (tcp_pair(fds))
		SKIP(return, "no TCP on loopback here (is lo up?)");
	memset(buf, 'z', len);
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, pthread_create(&t, NULL, drain_bytes, (void *)(long)fds[1]));
	prep_net(&r, IORING_OP_SEND_ZC, fds[0], buf, len, MSG_WAITALL, 0x52);
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ((int)len, zc_cqes(_metadata, &r, 0x52));
	shutdown(fds[0], SHUT_WR);
	pthread_join(t, &got);
	EXPECT_EQ((long)len, (long)got);
	ring_exit(&r);
	close(fds[0]);
	close(fds[1]);
}

/*
 * The pages of a SEND_ZC from ordinary memory are charged to
 * RLIMIT_MEMLOCK until its notification, as on 6.1: past the limit the
 * send is -ENOMEM (and its notification still follows).
 */
static int send_zc_memlock_child(void *arg)
{
	struct __test_metadata *_metadata = arg;
	struct rlimit rl = { 64 * 1024, 64 * 1024 };
	static char buf[1 << 20];
	struct ring r;
	int fds[2];

	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return 10;
	if (ring_init(&r, 4, 0) || tcp_pair(fds))
		return 11;
	prep_net(&r, IORING_OP_SEND_ZC, fds[0], buf, sizeof(buf), 0, 0x58);
	if (ring_submit(&r, 0) != 1)
		return 12;
	if (zc_cqes(_metadata, &r, 0x58) != -ENOMEM)
		return 13;
	/* a small one fits, and its charge comes back: again and again */
	for (int i = 0; i < 40; i++) {
		prep_net(&r, IORING_OP_SEND_ZC, fds[0], buf, 4096, 0, 0x59);
		if (ring_submit(&r, 0) != 1 || zc_cqes(_metadata, &r, 0x59) != 4096)
			return 14;
		if (recv(fds[1], buf, 4096, MSG_WAITALL) != 4096)
			return 15;
	}
	return _metadata->passed ? 0 : 16;
}

TEST(send_zc_memlock_limit)
{
	int fds[2];

	if (geteuid() != 0)
		SKIP(return, "needs root to drop to an unprivileged user");
	if (tcp_pair(fds))
		SKIP(return, "no TCP on loopback here (is lo up?)");
	close(fds[0]);
	close(fds[1]);
	EXPECT_EQ(0, run_in_child(send_zc_memlock_child, _metadata, 1));
}

/* buf_index means nothing to socket I/O without a buffer to select: 6.1 ignores it. */
TEST(buf_index_is_ignored_without_a_buffer_to_name)
{
	struct msghdr msg = {};
	struct iovec iov;
	char buf[8] = {};
	struct ring r;
	int fds[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, fds));
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	prep_net(&r, IORING_OP_SEND, fds[0], "ab", 2, 0, 0x61)->buf_index = 5;
	EXPECT_EQ(2, ring_run_one(&r, 0x61));
	prep_net(&r, IORING_OP_RECV, fds[1], buf, 2, 0, 0x62)->buf_index = 5;
	EXPECT_EQ(2, ring_run_one(&r, 0x62));
	iov.iov_base = "cd";
	iov.iov_len = 2;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	prep_net(&r, IORING_OP_SENDMSG, fds[0], &msg, 1, 0, 0x63)->buf_index = 5;
	EXPECT_EQ(2, ring_run_one(&r, 0x63));
	iov.iov_base = buf + 2;
	prep_net(&r, IORING_OP_RECVMSG, fds[1], &msg, 1, 0, 0x64)->buf_index = 5;
	EXPECT_EQ(2, ring_run_one(&r, 0x64));
	EXPECT_STREQ("abcd", buf);
	ring_exit(&r);
	close(fds[0]);
	close(fds[1]);
}

/* From a registered buffer (IORING_RECVSEND_FIXED_BUF, buf_index). */
TEST(send_zc_from_a_registered_buffer)
{
	/* anonymous memory: a static buffer may share a page with the file-backed .data */
	char *buf = aligned_alloc(4096, 8192), got[64];
	struct iovec iov = { buf, 8192 };
	struct io_uring_sqe *sqe;
	struct ring r;
	int fds[2];

	ASSERT_NE(NULL, buf);
	if (tcp_pair(fds))
		SKIP(return, "no TCP on loopback here (is lo up?)");
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_BUFFERS, &iov, 1));
	memcpy(buf + 4000, "registered", 10);
	sqe = prep_net(&r, IORING_OP_SEND_ZC, fds[0], buf + 4000, 10, 0, 0x53);
	sqe->ioprio = IORING_RECVSEND_FIXED_BUF;
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ(10, zc_cqes(_metadata, &r, 0x53));
	EXPECT_EQ(10, recv(fds[1], got, 10, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(got, "registered", 10));
	/* past the buffer's end: -EFAULT at issue, the notification still follows */
	sqe = prep_net(&r, IORING_OP_SEND_ZC, fds[0], buf + 8000, 200, 0, 0x54);
	sqe->ioprio = IORING_RECVSEND_FIXED_BUF;
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ(-EFAULT, zc_cqes(_metadata, &r, 0x54));
	/* no such buffer: -EFAULT at submission, and the notification, as on 6.1 */
	sqe = prep_net(&r, IORING_OP_SEND_ZC, fds[0], buf, 10, 0, 0x55);
	sqe->ioprio = IORING_RECVSEND_FIXED_BUF;
	sqe->buf_index = 1;
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ(-EFAULT, zc_cqes(_metadata, &r, 0x55));
	ring_exit(&r);
	close(fds[0]);
	close(fds[1]);
	free(buf);
}

/*
 * UDP, to an address: SEND_ZC's addr2 and addr_len, read at submission
 * even when the send starts later (here behind a TIMEOUT in a chain).
 */
TEST(send_zc_to_an_address)
{
	struct sockaddr_in sin = { .sin_family = AF_INET }, to;
	struct __kernel_timespec ts = { .tv_nsec = 20 * 1000 * 1000 };
	socklen_t len = sizeof(sin);
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	char got[16];
	struct ring r;
	int u, c;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	u = socket(AF_INET, SOCK_DGRAM, 0);
	c = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, u);
	ASSERT_LE(0, c);
	if (bind(u, (struct sockaddr *)&sin, sizeof(sin)))
		SKIP(return, "no UDP on loopback here (is lo up?)");
	ASSERT_EQ(0, getsockname(u, (struct sockaddr *)&sin, &len));
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	to = sin;
	sqe = prep_net(&r, IORING_OP_TIMEOUT, -1, &ts, 1, 0, 0x56);
	sqe->flags = IOSQE_IO_LINK;
	sqe->timeout_flags = IORING_TIMEOUT_ETIME_SUCCESS;
	sqe = prep_net(&r, IORING_OP_SEND_ZC, c, "dgram", 5, 0, 0x57);
	sqe->addr2 = (unsigned long)&to;
	sqe->addr_len = sizeof(to);
	ASSERT_EQ(2, ring_submit(&r, 0));
	memset(&to, 0, sizeof(to));
	ASSERT_EQ(0, wait_cqe_5s(&r, &cqe));
	EXPECT_EQ(0x56, cqe.user_data);
	EXPECT_EQ(-ETIME, cqe.res);
	EXPECT_EQ(5, zc_cqes(_metadata, &r, 0x57));
	EXPECT_EQ(5, recv(u, got, sizeof(got), MSG_DONTWAIT));
	EXPECT_EQ(0, memcmp(got, "dgram", 5));
	/* an address of no length: UDP's -EINVAL, as on 6.1 */
	sqe = prep_net(&r, IORING_OP_SEND_ZC, c, "dgram", 5, 0, 0x5a);
	sqe->addr2 = (unsigned long)&sin;
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ(-EINVAL, zc_cqes(_metadata, &r, 0x5a));
	ring_exit(&r);
	close(u);
	close(c);
}

TEST(send_zc_bad_inputs)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct msghdr msg = { 0 };
	struct ring r;
	int fds[2], sv[2];

	if (tcp_pair(fds))
		SKIP(return, "no TCP on loopback here (is lo up?)");
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, ring_init(&r, 8, 0));
	/* found by the checks 6.1 makes first: -EINVAL, and no notification */
	sqe = prep_net(&r, IORING_OP_SEND_ZC, fds[0], "x", 1, 0, 0x60);
	sqe->ioprio = 1U << 3;
	EXPECT_EQ(-EINVAL, ring_run_one(&r, 0x60));
	sqe = prep_net(&r, IORING_OP_SEND_ZC, fds[0], "x", 1, 0, 0x64);
	sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
	EXPECT_EQ(-EINVAL, ring_run_one(&r, 0x64));
	sqe = prep_net(&r, IORING_OP_SEND_ZC, fds[0], "x", 1, 0, 0x68);
	sqe->addr3 = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&r, 0x68));
	EXPECT_EQ(0, ring_peek_cqe(&r, &cqe));
	/* found after it: the error, then the notification */
	sqe = prep_net(&r, IORING_OP_SENDMSG_ZC, fds[0], &msg, 0, 0, 0x61);
	sqe->ioprio = IORING_RECVSEND_FIXED_BUF;
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ(-EINVAL, zc_cqes(_metadata, &r, 0x61));
	sqe = prep_net(&r, IORING_OP_SENDMSG_ZC, fds[0], &msg, 0, 0, 0x62);
	sqe->addr2 = 1;
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ(-EINVAL, zc_cqes(_metadata, &r, 0x62));
	sqe = prep_net(&r, IORING_OP_SEND_ZC, fds[0], "x", 1, 0, 0x63);
	sqe->__pad3[0] = 1;
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ(-EINVAL, zc_cqes(_metadata, &r, 0x63));
	prep_net(&r, IORING_OP_SEND_ZC, 999, "x", 1, 0, 0x69);
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ(-EBADF, zc_cqes(_metadata, &r, 0x69));
	prep_net(&r, IORING_OP_SEND_ZC, sv[0], "x", 1, 0, 0x65);
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ(-EOPNOTSUPP, zc_cqes(_metadata, &r, 0x65));
	prep_net(&r, IORING_OP_SEND_ZC, fds[0], (void *)8, 100, 0, 0x66);
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ(-EFAULT, zc_cqes(_metadata, &r, 0x66));
	sqe = prep_net(&r, IORING_OP_SEND_ZC, fds[0], "x", 1, 0, 0x67);
	sqe->addr2 = 8;
	sqe->addr_len = sizeof(struct sockaddr_in);
	ASSERT_EQ(1, ring_submit(&r, 0));
	EXPECT_EQ(-EFAULT, zc_cqes(_metadata, &r, 0x67));
	EXPECT_EQ(0, ring_peek_cqe(&r, &cqe));
	ring_exit(&r);
	close(fds[0]);
	close(fds[1]);
	close(sv[0]);
	close(sv[1]);
}

TEST_HARNESS_MAIN
