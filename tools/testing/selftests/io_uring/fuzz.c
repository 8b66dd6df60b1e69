// SPDX-License-Identifier: GPL-2.0
/*
 * A seeded SQE fuzzer: rings in normal, IOPOLL and SQPOLL mode, with files
 * and buffers registered, fed random opcodes, flags, fds and indices,
 * addresses (valid, NULL, unmapped, read-only, kernel), lengths, offsets
 * and user_data; SQ index arrays with out-of-range slots; removals,
 * wakeups, forks and closes with requests in flight; rings that poll
 * themselves and an epoll set holding them; chains closed while they
 * wait.  The kernel must
 * answer everything with a CQE or an errno: any splat in the kernel log
 * or a hang fails the run.
 *
 * usage: fuzz [SECONDS_PER_MODE [SEED]]   (default 10 s, seed 1)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "ring.h"

#define SCRATCH_SIZE	(256 * 1024)
#define NR_FDS		10
#define FUZZ_FD_FLOOR	64
#define GUARD_SIZE	(1024 * 1024)

static uint64_t rng_state;
static char *scratch;		/* the only memory requests may write */
static char *readonly;		/* mapped, but not writable */
static char *unmapped;		/* reserved, never accessible */
static struct iovec *iovs;	/* iovec arrays live in scratch */
static int fds[NR_FDS];
/* in a ring run by a child: that ring's fd, and an epoll set holding it */
static int self_fds[2] = { -1, -1 };

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint64_t pick(const uint64_t *v, int n)
{
	return v[rnd() % n];
}

static uint64_t rnd_addr(void)
{
	const uint64_t choices[] = {
		0, 1, 4096, (uintptr_t)unmapped, (uintptr_t)readonly,
		(uintptr_t)scratch, (uintptr_t)scratch + SCRATCH_SIZE - 64,
		0xffff888000000000ULL, 0xffffffffffffffffULL,
		(uintptr_t)scratch + (rnd() % SCRATCH_SIZE),
	};

	return pick(choices, ARRAY_SIZE(choices));
}

static uint32_t rnd_len(void)
{
	const uint64_t choices[] = { 0, 1, 8, 512, 4096, 65536, SCRATCH_SIZE,
				     SCRATCH_SIZE + 1, 1024, 1025, 0x7fffffff,
				     0xffffffff };

	return pick(choices, ARRAY_SIZE(choices));
}

/* Random iovecs in scratch, each pointing at scratch or somewhere hostile. */
static void fill_iovs(void)
{
	int i;

	for (i = 0; i < 64; i++) {
		iovs[i].iov_base = (void *)(uintptr_t)(rnd() % 4 ? (uintptr_t)scratch +
					    rnd() % (SCRATCH_SIZE / 2) : rnd_addr());
		iovs[i].iov_len = rnd() % 4 ? rnd() % 8192 : rnd_len();
	}
}

static void fill_sqe(struct io_uring_sqe *sqe)
{
	static const uint64_t offered[] = { 0, 1, 2, 3, 4, 5, 6, 7, IORING_OP_SYNC_FILE_RANGE,
					    IORING_OP_TIMEOUT, IORING_OP_TIMEOUT_REMOVE,
					    IORING_OP_SENDMSG, IORING_OP_RECVMSG, IORING_OP_CONNECT,
					    IORING_OP_SEND, IORING_OP_RECV, IORING_OP_ASYNC_CANCEL,
					    IORING_OP_READ, IORING_OP_WRITE, IORING_OP_ACCEPT,
					    IORING_OP_OPENAT, IORING_OP_CLOSE, IORING_OP_STATX,
					    IORING_OP_FALLOCATE, IORING_OP_LINK_TIMEOUT,
					    IORING_OP_FILES_UPDATE, IORING_OP_PROVIDE_BUFFERS,
					    IORING_OP_REMOVE_BUFFERS, IORING_OP_FADVISE,
					    IORING_OP_MADVISE, IORING_OP_SHUTDOWN,
					    IORING_OP_SOCKET, IORING_OP_MSG_RING,
					    IORING_OP_FSETXATTR, IORING_OP_SETXATTR,
					    IORING_OP_FGETXATTR, IORING_OP_GETXATTR,
					    IORING_OP_URING_CMD, IORING_OP_SEND_ZC,
					    IORING_OP_SENDMSG_ZC };

	memset(sqe, 0, sizeof(*sqe));
	/* mostly the opcodes offered, sometimes any of them, or garbage */
	if (rnd() % 10)
		sqe->opcode = pick(offered, ARRAY_SIZE(offered));
	else
		sqe->opcode = rnd() % 2 ? rnd() % IORING_OP_LAST : rnd();
	sqe->flags = rnd() % 8 ? (rnd() & 7) : rnd();	/* FIXED_FILE, IO_DRAIN, IO_LINK */
	if (rnd() % 8 == 0)
		sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->fd = rnd() % 3 ? fds[rnd() % NR_FDS] :
		  (int)pick((const uint64_t[]){ 0, 1, 2, 9, 1000, -1, 0x7fffffff }, 7);
	if (self_fds[0] >= 0 && rnd() % 8 == 0)
		sqe->fd = self_fds[rnd() % 2];
	if (sqe->flags & IOSQE_FIXED_FILE)
		sqe->fd = rnd() % 4 ? (int)(rnd() % NR_FDS) : (int)rnd();
	sqe->addr = rnd() % 2 ? (uintptr_t)(iovs + rnd() % 32) : rnd_addr();
	sqe->len = rnd() % 3 ? rnd() % 8 : rnd_len();
	sqe->off = rnd() % 3 ? (rnd() % 64) * 4096 : rnd();
	sqe->rw_flags = rnd() % 8 ? 0 : rnd();
	sqe->user_data = rnd() % 16;
	if (rnd() % 8 == 0)
		sqe->buf_index = rnd() % 4;
	if (rnd() % 16 == 0)
		sqe->ioprio = rnd();
	if (rnd() % 32 == 0)
		sqe->__pad2[0] = rnd();
	/*
	 * A direct descriptor's slot; ACCEPT's IORING_ACCEPT_MULTISHOT, a
	 * socket request's IORING_RECVSEND_POLL_FIRST, IORING_RECV_MULTISHOT.
	 */
	if (rnd() % 16 == 0)
		sqe->file_index = rnd() % 4 ? rnd() % 5 : IORING_FILE_INDEX_ALLOC;
	if (rnd() % 16 == 0)
		sqe->ioprio = rnd() % 4;
	if (sqe->opcode == IORING_OP_POLL_ADD) {
		sqe->poll32_events = rnd() % 4 ? 1 : rnd();
		sqe->len = rnd() % 2 ? 0 : rnd() % 8 ? IORING_POLL_ADD_MULTI : rnd();
	}
	/* a removal, or an update of events, user_data or both */
	if (sqe->opcode == IORING_OP_POLL_REMOVE) {
		sqe->addr = rnd() % 16;
		sqe->len = rnd() % 2 ? 0 : rnd() % 8;
		sqe->off = sqe->len & IORING_POLL_UPDATE_USER_DATA ? rnd() % 16 : 0;
		sqe->poll32_events = sqe->len & IORING_POLL_UPDATE_EVENTS ? rnd() % 4 + 1 : 0;
	}
	/* TIMEOUT: a timespec in scratch, mostly short; REMOVE: a user_data */
	if (sqe->opcode == IORING_OP_TIMEOUT) {
		uint64_t *ts = (uint64_t *)(scratch + SCRATCH_SIZE / 2);

		ts[0] = rnd() % 8 ? 0 : rnd() % 4;
		ts[1] = rnd() % 8 ? rnd() % 2000000 : rnd();
		sqe->addr = rnd() % 8 ? (uintptr_t)ts : rnd_addr();
		sqe->len = rnd() % 8 ? 1 : rnd();
		sqe->off = rnd() % 2 ? 0 : rnd() % 4;
		sqe->timeout_flags = rnd() % 8 ? 0 : rnd() % 64;
	}
	if (sqe->opcode == IORING_OP_TIMEOUT_REMOVE || sqe->opcode == IORING_OP_ASYNC_CANCEL)
		sqe->addr = rnd() % 16;
	/* by user_data, fd (plain or a slot), any, all, or bad flags */
	if (sqe->opcode == IORING_OP_ASYNC_CANCEL)
		sqe->cancel_flags = rnd() % 4 ? rnd() % 16 : rnd();
	/* a TIMEOUT_REMOVE that updates: the time is the TIMEOUT's timespec */
	if (sqe->opcode == IORING_OP_TIMEOUT_REMOVE && rnd() % 2) {
		sqe->addr2 = (uintptr_t)(scratch + SCRATCH_SIZE / 2);
		sqe->timeout_flags = rnd() % 4 ? IORING_TIMEOUT_UPDATE : rnd() % 64;
	}
	/*
	 * OPENAT: never create or truncate (a random name, as root, could be
	 * anything), mostly a path that exists.  CLOSE: only what the fuzzer's
	 * own OPENATs opened (see reserve_low_fds()), never the test's own fds.
	 */
	if (sqe->opcode == IORING_OP_OPENAT) {
		sqe->open_flags &= ~(O_CREAT | O_TRUNC | __O_TMPFILE);
		if (rnd() % 2)
			sqe->addr = (uintptr_t)(rnd() % 2 ? "/dev/null" : "/proc/self/status");
	}
	if (sqe->opcode == IORING_OP_CLOSE)
		sqe->fd = FUZZ_FD_FLOOR + rnd() % 64;
	if (sqe->opcode == IORING_OP_STATX) {
		if (rnd() % 2)
			sqe->addr = (uintptr_t)"/dev/null";
		sqe->addr2 = rnd() % 2 ? (uintptr_t)scratch : rnd_addr();
	}
	/* FALLOCATE: addr is the length; not gigabytes of tmpfs */
	if (sqe->opcode == IORING_OP_FALLOCATE) {
		sqe->addr = rnd() % 8 ? rnd() % 65536 : rnd();
		sqe->len = rnd() % 4 ? 0 : rnd() % 128;
		if (sqe->addr > 1 << 20)
			sqe->len |= 1;	/* FALLOC_FL_KEEP_SIZE */
	}
	/*
	 * PROVIDE_BUFFERS: a few buffers of scratch (or anywhere) in one of 4
	 * groups, which reads and receives with IOSQE_BUFFER_SELECT take from.
	 */
	if (sqe->opcode == IORING_OP_PROVIDE_BUFFERS) {
		sqe->fd = rnd() % 8 ? 1 + rnd() % 16 : (int)rnd();
		sqe->addr = rnd() % 4 ? (uintptr_t)scratch + rnd() % (SCRATCH_SIZE / 2) :
			    rnd_addr();
		sqe->len = rnd() % 8 ? rnd() % 4096 : rnd_len();
		sqe->off = rnd() % 8 ? rnd() % 1024 : rnd();
	}
	if (sqe->opcode == IORING_OP_PROVIDE_BUFFERS || sqe->opcode == IORING_OP_REMOVE_BUFFERS ||
	    (sqe->flags & IOSQE_BUFFER_SELECT))
		sqe->buf_group = rnd() % 4;
	if (sqe->opcode == IORING_OP_REMOVE_BUFFERS && rnd() % 4) {
		sqe->addr = 0;
		sqe->len = 0;
		sqe->off = 0;
		sqe->rw_flags = 0;
	}
	/* READ/WRITE: addr is the buffer itself */
	if (sqe->opcode == IORING_OP_READ || sqe->opcode == IORING_OP_WRITE) {
		sqe->addr = rnd() % 4 ? (uintptr_t)scratch + rnd() % (SCRATCH_SIZE / 2) :
			    rnd_addr();
		sqe->len = rnd() % 4 ? rnd() % 8192 : rnd_len();
	}
}

static void on_alarm(int sig)
{
}

static int tap_fd = -1;
static struct ring *cur;
#include <ucontext.h>

/* Say where we crashed: the fuzzer's own bugs must be told from the kernel's. */
static void on_segv(int sig, siginfo_t *si, void *uc)
{
	char buf[256];
	int n;

	ucontext_t *ctx = uc;

	n = snprintf(buf, sizeof(buf),
		     "# fuzz: SIGSEGV at %p ip %llx (scratch %p, sq %p sqes %p cq %p)\n",
		     si->si_addr, (unsigned long long)ctx->uc_mcontext.gregs[REG_RIP],
		     scratch, cur->sq_ptr, cur->sqes, cur->cq_ptr);
	if (write(tap_fd, buf, n) < 0)
		_exit(3);
	_exit(3);
}

static void open_fds(void)
{
	int p[2], sv[2];

	fds[0] = open("/tmp/fuzz-file", O_RDWR | O_CREAT | O_TRUNC, 0600);
	unlink("/tmp/fuzz-file");
	if (pipe(p) == 0) {
		fds[1] = p[0];
		fds[2] = p[1];
		/* our own wakeup writes must never block on a full pipe */
		fcntl(p[1], F_SETFL, O_NONBLOCK);
	}
	fds[3] = eventfd(0, EFD_NONBLOCK);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
		fds[4] = sv[0];
		fds[5] = sv[1];
	}
	fds[6] = open("/dev/null", O_RDWR);
	fds[7] = open("/dev/nvme0n1", O_RDWR | O_DIRECT);
	fds[8] = open("/dev/nullb0", O_RDWR | O_DIRECT);
	fds[9] = open("/tmp", O_RDONLY | O_DIRECTORY);
	if (fds[7] < 0)
		fds[7] = fds[0];
	if (fds[8] < 0)
		fds[8] = fds[0];
}

/*
 * Fuzzed OPENATs and CLOSEs get the fds from FUZZ_FD_FLOOR up: the ones
 * below are all ours (slots left free are filled), so a fuzzed CLOSE never
 * takes one of them, and what the fuzz opened is closed after each ring.
 */
static void reserve_low_fds(void)
{
	int fd;

	do
		fd = open("/dev/null", O_RDONLY);
	while (fd >= 0 && fd < FUZZ_FD_FLOOR - 1);
}

static void close_fuzzed_fds(void)
{
	int fd;

	for (fd = FUZZ_FD_FLOOR; fd < 1024; fd++)
		close(fd);
}

/*
 * A read of the idle pipe, linked to a TIMEOUT of 2^40 s: closing the ring
 * must end both, and nothing may be armed after that.
 */
static void chain_then_close(struct ring *r)
{
	uint64_t *ts = (uint64_t *)(scratch + SCRATCH_SIZE / 2);
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	if (!sqe)
		return;
	prep_rw(sqe, IORING_OP_READ, fds[1], scratch, 1, 0);
	sqe->flags = IOSQE_IO_LINK;
	sqe = ring_get_sqe(r);
	if (!sqe)
		return;
	ts[0] = 1ULL << 40;
	ts[1] = 0;
	prep_rw(sqe, IORING_OP_TIMEOUT, -1, ts, 1, 0);
	ring_flush(r);
	sys_enter(r->fd, 2, 0, 0, NULL, 0);
}

/*
 * Offer the ring's own fd, and an epoll set holding it (and the pipe and
 * eventfd), to the requests.  A poll of its own ring outlives close(), up
 * to the exit of its task, so such a ring runs in a child that exits.
 */
static void offer_self(struct ring *r)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep = epoll_create1(0);

	if (ep < 0)
		return;
	epoll_ctl(ep, EPOLL_CTL_ADD, r->fd, &ev);
	epoll_ctl(ep, EPOLL_CTL_ADD, fds[1], &ev);
	epoll_ctl(ep, EPOLL_CTL_ADD, fds[3], &ev);
	self_fds[0] = r->fd;
	self_fds[1] = ep;
}

/*
 * A disabled ring: random restrictions (most allowing something), then
 * enabled, mostly; the fuzzed SQEs and register calls meet them.
 */
static void fuzz_restrict(struct ring *r)
{
	struct io_uring_restriction res[8];
	unsigned int i, n = rnd() % 9;

	memset(res, 0, sizeof(res));
	for (i = 0; i < n; i++) {
		res[i].opcode = rnd() % 16 ? rnd() % IORING_RESTRICTION_LAST : rnd();
		res[i].sqe_op = rnd() % 16 ? rnd() % IORING_OP_LAST : rnd();
	}
	if (rnd() % 8)
		sys_register(r->fd, IORING_REGISTER_RESTRICTIONS, res, n);
	if (rnd() % 8)
		sys_register(r->fd, IORING_REGISTER_ENABLE_RINGS, NULL, 0);
}

/* Register ring fds (this ring's, or any fd) in random slots, or empty some. */
static void fuzz_ring_fds(struct ring *r)
{
	struct io_uring_rsrc_update u[20];
	unsigned int i, nr = rnd() % 8 ? 1 + rnd() % 4 : rnd() % 20;

	for (i = 0; i < nr; i++) {
		u[i].offset = rnd() % 3 ? -1U : rnd() % 20;
		u[i].resv = rnd() % 16 == 0;
		u[i].data = rnd() % 4 ? r->fd : rnd() % 64;
	}
	sys_register(r->fd, rnd() % 4 ? IORING_REGISTER_RING_FDS : IORING_UNREGISTER_RING_FDS,
		     u, nr);
}

/* A ring's life ends with the slots that held it emptied. */
static void ring_fds_clear(struct ring *r)
{
	struct io_uring_rsrc_update u[16];
	unsigned int i;

	memset(u, 0, sizeof(u));
	for (i = 0; i < 16; i++)
		u[i].offset = i;
	sys_register(r->fd, IORING_UNREGISTER_RING_FDS, u, 16);
}

/* SYNC_CANCEL of what the fuzzed SQEs may name, waiting 10 ms at most. */
static void fuzz_sync_cancel(struct ring *r)
{
	struct io_uring_sync_cancel_reg reg = { .addr = rnd() % 16, .fd = rnd() % 8 };

	reg.flags = rnd() % 4 ? rnd() % 16 : rnd();
	reg.timeout.tv_nsec = 10 * 1000 * 1000;
	if (rnd() % 32 == 0)
		reg.pad[rnd() % 4] = 1;
	sys_register(r->fd, IORING_REGISTER_SYNC_CANCEL, &reg, 1);
}

/*
 * A mapped ring of provided buffers for groups 0-3 (those buf_index names),
 * in scratch, where fuzzed requests write too; a few entries pointing into
 * scratch, the tail moved on; or the ring unregistered.  Bad rings now and
 * then.
 */
static void fuzz_pbuf_ring(struct ring *r)
{
	struct io_uring_buf_reg reg = { .bgid = rnd() % 4 };
	struct io_uring_buf_ring *br;
	unsigned int i, n;

	if (rnd() % 4 == 0) {
		sys_register(r->fd, IORING_UNREGISTER_PBUF_RING, &reg, 1);
		return;
	}
	br = (struct io_uring_buf_ring *)(scratch + (rnd() % 4) * (SCRATCH_SIZE / 4));
	reg.ring_entries = rnd() % 8 ? 1U << (rnd() % 6) : rnd();
	reg.ring_addr = rnd() % 8 ? (uintptr_t)br : rnd_addr();
	if (rnd() % 32 == 0)
		reg.resv[rnd() % 3] = 1;
	if (sys_register(r->fd, IORING_REGISTER_PBUF_RING, &reg, 1))
		return;
	n = rnd() % 8;
	for (i = 0; i < n; i++) {
		struct io_uring_buf *buf = &br->bufs[i & (reg.ring_entries - 1)];

		buf->addr = rnd() % 4 ? (uintptr_t)scratch + SCRATCH_SIZE / 2 : rnd_addr();
		buf->len = rnd() % 4 ? 64 : rnd_len();
		buf->bid = rnd();
	}
	__atomic_store_n(&br->tail, rnd() % 4 ? n : rnd(), __ATOMIC_RELEASE);
}

/*
 * Files or buffers registered with tags (IORING_FEAT_RSRC_TAGS) now and
 * then, whose CQEs come as the fuzzed updates, CLOSEs and direct
 * descriptors replace them; or without.
 */
static void register_tagged(struct ring *r, unsigned int op, void *data, unsigned int nr)
{
	struct io_uring_rsrc_register rr = { .nr = nr, .data = (uintptr_t)data };
	uint64_t tags[NR_FDS];
	unsigned int i;

	for (i = 0; i < nr && i < NR_FDS; i++)
		tags[i] = rnd() % 2 ? 0x7a6 + i : 0;
	if (rnd() % 2)
		rr.tags = (uintptr_t)tags;
	sys_register(r->fd, op, &rr, sizeof(rr));
}

/* One ring's life: set up, register, fuzz, close with things in flight. */
static void one_ring(unsigned int flags, unsigned long long *sqes,
		     unsigned long long *cqes)
{
	struct io_uring_params p;
	struct io_uring_cqe cqe;
	struct iovec bufs[2] = {
		{ scratch, SCRATCH_SIZE / 2 },
		{ scratch + SCRATCH_SIZE / 2, SCRATCH_SIZE / 2 },
	};
	struct ring r;
	int rounds = 1 + rnd() % 50, i, j;
	bool in_child = rnd() % 16 == 0;

	if (in_child) {
		pid_t pid = fork();

		if (pid) {
			if (pid > 0)
				waitpid(pid, NULL, 0);
			return;
		}
	}
	memset(&p, 0, sizeof(p));
	p.flags = flags;
	p.sq_thread_idle = rnd() % 20;
	memset(&r, 0, sizeof(r));
	r.p = p;
	cur = &r;
	r.fd = sys_setup(1 + rnd() % 64, &r.p);
	if (r.fd < 0 || ring_mmap(&r)) {
		if (in_child)
			_exit(0);
		return;
	}
	if (in_child)
		offer_self(&r);
	if (rnd() % 4)
		register_tagged(&r, IORING_REGISTER_FILES2, fds, NR_FDS);
	if (rnd() % 4)
		register_tagged(&r, IORING_REGISTER_BUFFERS2, bufs, 2);
	if (flags & IORING_SETUP_R_DISABLED)
		fuzz_restrict(&r);

	for (i = 0; i < rounds; i++) {
		unsigned int n = rnd() % (r.p.sq_entries + 1);
		unsigned int min = rnd() % 4 ? 0 : rnd() % 4;

		fill_iovs();
		for (j = 0; j < (int)n; j++) {
			struct io_uring_sqe *sqe = ring_get_sqe(&r);

			if (!sqe)
				break;
			fill_sqe(sqe);
			/* now and then an index past the SQE array */
			if (rnd() % 32 == 0)
				r.sq_array[(r.sqe_tail - 1) & *r.sq_mask] = rnd();
			(*sqes)++;
		}
		ring_flush(&r);
		/* waits are bounded: requests on idle pipes never finish */
		ualarm(50 * 1000, 0);
		/* now and then by a registered ring slot, whichever ring it holds */
		if (rnd() % 8)
			sys_enter(r.fd, rnd() % 2 ? n : rnd() % 128, min,
				  (rnd() % 2 ? IORING_ENTER_GETEVENTS : 0) |
				  (rnd() % 4 ? 0 : IORING_ENTER_SQ_WAKEUP), NULL, 0);
		else
			sys_enter(rnd() % 18, rnd() % 2 ? n : rnd() % 128, min,
				  IORING_ENTER_REGISTERED_RING |
				  (rnd() % 2 ? IORING_ENTER_GETEVENTS : 0), NULL, 0);
		ualarm(0, 0);
		while (ring_peek_cqe(&r, &cqe))
			(*cqes)++;
		if (rnd() % 8 == 0 && write(fds[2], "w", 1) < 0)
			;
		if (rnd() % 8 == 0) {
			uint64_t one = 1;

			if (write(fds[3], &one, 8) < 0)
				;
		}
		if (rnd() % 16 == 0)
			sys_register(r.fd, rnd() % 4, rnd() % 2 ? bufs : NULL, rnd() % 3);
		if (rnd() % 16 == 0)
			fuzz_sync_cancel(&r);
		if (rnd() % 16 == 0)
			fuzz_ring_fds(&r);
		if (rnd() % 16 == 0)
			fuzz_pbuf_ring(&r);
		if (rnd() % 64 == 0) {
			pid_t pid = fork();

			if (pid == 0) {
				/* the child shares the ring and exits mid-flight */
				sys_enter(r.fd, 1, 0, 0, NULL, 0);
				_exit(0);
			}
			if (pid > 0)
				waitpid(pid, NULL, 0);
		}
	}
	if (rnd() % 8 == 0)
		chain_then_close(&r);
	ring_fds_clear(&r);
	ring_exit(&r);
	close_fuzzed_fds();
	if (in_child)
		_exit(0);
}

int main(int argc, char **argv)
{
	static const struct { unsigned int flags; const char *name; bool root; } modes[] = {
		{ 0, "normal", false },
		{ IORING_SETUP_IOPOLL, "iopoll", false },
		{ IORING_SETUP_SQPOLL, "sqpoll", true },
		{ IORING_SETUP_SQPOLL | IORING_SETUP_IOPOLL, "sqpoll+iopoll", true },
		{ IORING_SETUP_R_DISABLED | IORING_SETUP_SINGLE_ISSUER, "restricted", false },
		{ IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
		  IORING_SETUP_TASKRUN_FLAG, "defer", false },
		/* SQEs and CQEs twice the size */
		{ IORING_SETUP_SQE128 | IORING_SETUP_CQE32, "big", false },
	};
	int seconds = argc > 1 ? atoi(argv[1]) : 10;
	unsigned long long seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
	unsigned int m;

	FILE *tap;
	int devnull;

	/*
	 * Requests go to random fds, 0-2 included: keep the TAP stream on a
	 * descriptor of its own and give them /dev/null.
	 */
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };

	tap_fd = dup(1);
	tap = fdopen(tap_fd, "w");
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	devnull = open("/dev/null", O_RDWR);
	if (!tap || devnull < 0)
		return 1;
	dup2(devnull, 0);
	dup2(devnull, 1);
	dup2(devnull, 2);
	signal(SIGALRM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Scratch sits between two inaccessible guard areas, so that reads
	 * with huge lengths fault there instead of overwriting whatever is
	 * mapped next to it (our own rings, say).
	 */
	scratch = mmap(NULL, SCRATCH_SIZE + 2 * GUARD_SIZE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (scratch == MAP_FAILED)
		return 1;
	scratch += GUARD_SIZE;
	if (mprotect(scratch, SCRATCH_SIZE, PROT_READ | PROT_WRITE))
		return 1;
	readonly = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/*
	 * "Unmapped" stays reserved (PROT_NONE): a hole left by munmap()
	 * would soon hold one of our rings, and requests would write there.
	 */
	unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/*
	 * The iovec arrays live on a page of their own that no request
	 * writes to: were they in scratch, a read could fill them with
	 * pointers into our own rings.
	 */
	iovs = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (iovs == MAP_FAILED)
		return 1;
	open_fds();
	reserve_low_fds();

	fprintf(tap, "TAP version 13\n1..%zu\n", ARRAY_SIZE(modes));
	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		unsigned long long sqes = 0, cqes = 0, rings = 0;
		time_t end = time(NULL) + seconds;

		if (modes[m].root && geteuid()) {
			fprintf(tap, "ok %u # SKIP %s needs root\n", m + 1, modes[m].name);
			continue;
		}
		rng_state = seed * 0x9e3779b97f4a7c15ULL + m + 1;
		while (time(NULL) < end) {
			one_ring(modes[m].flags, &sqes, &cqes);
			rings++;
		}
		fprintf(tap, "ok %u fuzz %s: seed %llu, %llu rings, %llu SQEs, %llu CQEs\n",
			m + 1, modes[m].name, seed, rings, sqes, cqes);
		fflush(tap);
	}
	return 0;
}
