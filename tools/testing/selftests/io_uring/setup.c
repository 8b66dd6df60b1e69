// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring_setup(), the ring mappings, and the argument checks of
 * io_uring_enter() and io_uring_register(): each bad input gets its errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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
	static const unsigned int in[] = { 1, 2, 3, 5, 100, 4095, 4096, 32767, 32768 };
	static const unsigned int out[] = { 1, 2, 4, 8, 128, 4096, 4096, 32768, 32768 };
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
	EXPECT_EQ(EINVAL, setup_errno(32769, &p));
	EXPECT_EQ(EINVAL, setup_errno(~0u, &p));
}

/* Without IORING_SETUP_CQSIZE, cq_entries is output only: what it held is ignored. */
TEST(cq_entries_ignored_without_cqsize)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	p.cq_entries = 3;
	fd = sys_setup(8, &p);
	ASSERT_LE(0, fd);
	EXPECT_EQ(16, p.cq_entries);
	close(fd);
}

/* IORING_SETUP_CQSIZE: the CQ ring gets cq_entries, rounded up to a power of two. */
TEST(cqsize)
{
	static const struct { unsigned int sq, cq, want_sq, want_cq; } ok[] = {
		{ 8, 8, 8, 8 }, { 8, 100, 8, 128 }, { 1, 1, 1, 1 },
		{ 4, 5, 4, 8 }, { 4096, 8192, 4096, 8192 }, { 3, 4, 4, 4 },
		{ 32768, 65536, 32768, 65536 }, { 8, 65535, 8, 65536 },
	};
	struct io_uring_params p;
	struct ring r;
	int i, fd;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_CQSIZE;
		p.cq_entries = ok[i].cq;
		fd = sys_setup(ok[i].sq, &p);
		ASSERT_LE(0, fd) TH_LOG("sq %u cq %u: %s", ok[i].sq, ok[i].cq, strerror(errno));
		EXPECT_EQ(ok[i].want_sq, p.sq_entries);
		EXPECT_EQ(ok[i].want_cq, p.cq_entries);
		close(fd);
	}
	/* the ring behind it has that size and works */
	memset(&r, 0, sizeof(r));
	r.p.flags = IORING_SETUP_CQSIZE;
	r.p.cq_entries = 64;
	r.fd = sys_setup(4, &r.p);
	ASSERT_LE(0, r.fd);
	ASSERT_EQ(0, ring_mmap(&r));
	EXPECT_EQ(64, *r.cq_entries);
	EXPECT_EQ(63, *r.cq_mask);
	EXPECT_EQ(4, *r.sq_entries);
	ring_get_sqe(&r)->user_data = 7;
	ASSERT_EQ(0, ring_run_one(&r, 7));
	ring_exit(&r);
}

TEST(cqsize_bad_sizes)
{
	static const struct { unsigned int sq, cq; } bad[] = {
		{ 8, 0 },		/* no CQ at all */
		{ 8, 4 },		/* fewer CQEs than SQEs */
		{ 8, 65537 },		/* more than 2 * 32768 */
		{ 8, ~0u },
	};
	struct io_uring_params p;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_CQSIZE;
		p.cq_entries = bad[i].cq;
		EXPECT_EQ(EINVAL, setup_errno(bad[i].sq, &p))
			TH_LOG("sq %u cq %u", bad[i].sq, bad[i].cq);
	}
}

/* IORING_SETUP_CLAMP: sizes past the limits become the limits, not errors. */
TEST(clamp)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CLAMP;
	fd = sys_setup(100000, &p);
	ASSERT_LE(0, fd) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(32768, p.sq_entries);
	EXPECT_EQ(65536, p.cq_entries);
	close(fd);

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CLAMP | IORING_SETUP_CQSIZE;
	p.cq_entries = ~0u;
	fd = sys_setup(~0u, &p);
	ASSERT_LE(0, fd) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(32768, p.sq_entries);
	EXPECT_EQ(65536, p.cq_entries);
	close(fd);

	/* clamping never makes a ring of zero entries valid */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CLAMP;
	EXPECT_EQ(EINVAL, setup_errno(0, &p));
	p.flags = IORING_SETUP_CLAMP | IORING_SETUP_CQSIZE;
	p.cq_entries = 0;
	EXPECT_EQ(EINVAL, setup_errno(8, &p));
	/* nor a CQ smaller than the SQ */
	p.cq_entries = 2;
	EXPECT_EQ(EINVAL, setup_errno(8, &p));
}

/*
 * IORING_SETUP_SQE128: SQE i is the 128 bytes at i * 128 of the SQE array,
 * whose second half no opcode we offer reads.  IORING_SETUP_CQE32: CQE i
 * the 32 bytes at i * 32, whose second half (big_cqe) is 0.  Both arrays
 * are twice the size, and map so.
 */
TEST(big_sqes_and_cqes)
{
	const unsigned int flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
	char line[256], path[64];
	unsigned int i, head;
	bool extras = false;
	struct ring r;
	FILE *f;

	ASSERT_EQ(0, ring_init(&r, 64, flags));
	/* ring_mmap() mapped both arrays twice the size */
	EXPECT_EQ(64 * 128, r.sqes_size);
	EXPECT_EQ(r.p.cq_off.cqes + r.p.cq_entries * 32, r.cq_size);
	/* the application's junk in the CQEs' second halves is overwritten */
	memset(r.cqes, 0xff, r.p.cq_entries * 32);
	for (i = 0; i < 3; i++) {
		struct io_uring_sqe *sqe = (void *)((char *)r.sqes + i * 128);

		memset(sqe, 0, 64);
		memset((char *)sqe + 64, 0xa5, 64);
		sqe->opcode = IORING_OP_NOP;
		sqe->user_data = 0x100 + i;
		r.sq_array[i] = i;
	}
	__atomic_store_n(r.sq_tail, 3, __ATOMIC_RELEASE);
	ASSERT_EQ(3, sys_enter(r.fd, 3, 3, IORING_ENTER_GETEVENTS, NULL, 0));
	head = *r.cq_head;
	ASSERT_EQ(3, __atomic_load_n(r.cq_tail, __ATOMIC_ACQUIRE) - head);
	for (i = 0; i < 3; i++) {
		struct io_uring_cqe *cqe = (void *)((char *)r.cqes +
						    ((head + i) & *r.cq_mask) * 32);

		EXPECT_EQ(0x100 + i, cqe->user_data);
		EXPECT_EQ(0, cqe->res);
		EXPECT_EQ(0, cqe->flags);
		EXPECT_EQ(0, cqe->big_cqe[0]);
		EXPECT_EQ(0, cqe->big_cqe[1]);
	}
	/* fdinfo shows the CQEs waiting with their second halves */
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", r.fd);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "user_data:258, res:0, flag:0, extra1:0, extra2:0"))
			extras = true;
	fclose(f);
	EXPECT_TRUE(extras);
	/* the helpers know the sizes: a NOP through them, and its CQE */
	head = *r.cq_head + 3;
	__atomic_store_n(r.cq_head, head, __ATOMIC_RELEASE);
	r.sqe_tail = 3;
	prep_rw(ring_get_sqe(&r), IORING_OP_NOP, 0, NULL, 0, 0);
	EXPECT_EQ(0, ring_run_one(&r, 0));
	ring_exit(&r);

	/* and each alone */
	EXPECT_EQ(0, flags_errno(IORING_SETUP_SQE128));
	EXPECT_EQ(0, flags_errno(IORING_SETUP_CQE32));
}

TEST(features_are_reported)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	p.features = ~0u;	/* output only: what it held does not matter */
	fd = sys_setup(4, &p);
	ASSERT_LE(0, fd);
	EXPECT_EQ(IORING_FEAT_SINGLE_MMAP | IORING_FEAT_NODROP | IORING_FEAT_RW_CUR_POS |
		  IORING_FEAT_FAST_POLL | IORING_FEAT_SQPOLL_NONFIXED | IORING_FEAT_EXT_ARG |
		  IORING_FEAT_NATIVE_WORKERS | IORING_FEAT_CUR_PERSONALITY | IORING_FEAT_CQE_SKIP |
		  IORING_FEAT_LINKED_FILE | IORING_FEAT_POLL_32BITS |
		  IORING_FEAT_SUBMIT_STABLE | IORING_FEAT_RSRC_TAGS, p.features);
	close(fd);
}

/*
 * IORING_FEAT_SINGLE_MMAP: one mapping at IORING_OFF_SQ_RING, as large as
 * the larger of the two rings, serves both; offsets are relative to it.
 */
TEST(single_mmap)
{
	struct io_uring_params *p;
	struct io_uring_cqe cqe;
	struct ring r;
	size_t size;
	int i;

	memset(&r, 0, sizeof(r));
	p = &r.p;
	r.fd = sys_setup(64, p);
	ASSERT_LE(0, r.fd);
	ASSERT_TRUE(p->features & IORING_FEAT_SINGLE_MMAP);
	r.sq_size = p->sq_off.array + p->sq_entries * sizeof(unsigned int);
	r.cq_size = p->cq_off.cqes + p->cq_entries * sizeof(struct io_uring_cqe);
	size = r.sq_size > r.cq_size ? r.sq_size : r.cq_size;
	r.sq_ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			r.fd, IORING_OFF_SQ_RING);
	ASSERT_NE(MAP_FAILED, r.sq_ptr);
	r.cq_ptr = r.sq_ptr;
	r.sqes_size = p->sq_entries * sizeof(struct io_uring_sqe);
	r.sqes = mmap(NULL, r.sqes_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		      r.fd, IORING_OFF_SQES);
	ASSERT_NE(MAP_FAILED, r.sqes);
	r.sq_head = (void *)((char *)r.sq_ptr + p->sq_off.head);
	r.sq_tail = (void *)((char *)r.sq_ptr + p->sq_off.tail);
	r.sq_mask = (void *)((char *)r.sq_ptr + p->sq_off.ring_mask);
	r.sq_entries = (void *)((char *)r.sq_ptr + p->sq_off.ring_entries);
	r.sq_array = (void *)((char *)r.sq_ptr + p->sq_off.array);
	r.cq_head = (void *)((char *)r.cq_ptr + p->cq_off.head);
	r.cq_tail = (void *)((char *)r.cq_ptr + p->cq_off.tail);
	r.cq_mask = (void *)((char *)r.cq_ptr + p->cq_off.ring_mask);
	r.cqes = (void *)((char *)r.cq_ptr + p->cq_off.cqes);
	EXPECT_EQ(64, *r.sq_entries);
	EXPECT_EQ(128, *(unsigned int *)((char *)r.cq_ptr + p->cq_off.ring_entries));

	/* more requests than SQEs: both rings wrap through the one mapping */
	for (i = 0; i < 200; i++) {
		ring_get_sqe(&r)->user_data = i;
		ASSERT_EQ(1, ring_submit(&r, 1));
		ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
		EXPECT_EQ(i, cqe.user_data);
		EXPECT_EQ(0, cqe.res);
	}
	munmap(r.sqes, r.sqes_size);
	munmap(r.sq_ptr, size);
	close(r.fd);
}

static struct io_uring_probe *probe_alloc(unsigned int nr)
{
	return calloc(1, sizeof(struct io_uring_probe) + nr * sizeof(struct io_uring_probe_op));
}

/* IORING_REGISTER_PROBE names exactly the opcodes that work. */
TEST(probe_lists_the_offered_opcodes)
{
	static const int offered[] = { IORING_OP_NOP, IORING_OP_READV, IORING_OP_WRITEV,
				       IORING_OP_FSYNC, IORING_OP_READ_FIXED,
				       IORING_OP_WRITE_FIXED, IORING_OP_POLL_ADD,
				       IORING_OP_POLL_REMOVE, IORING_OP_SYNC_FILE_RANGE,
				       IORING_OP_TIMEOUT, IORING_OP_TIMEOUT_REMOVE,
				       IORING_OP_SENDMSG, IORING_OP_RECVMSG, IORING_OP_CONNECT,
				       IORING_OP_SEND, IORING_OP_RECV, IORING_OP_ASYNC_CANCEL,
				       IORING_OP_READ, IORING_OP_WRITE, IORING_OP_ACCEPT,
				       IORING_OP_OPENAT, IORING_OP_CLOSE, IORING_OP_STATX,
				       IORING_OP_FALLOCATE, IORING_OP_LINK_TIMEOUT,
				       IORING_OP_FILES_UPDATE, IORING_OP_PROVIDE_BUFFERS,
				       IORING_OP_REMOVE_BUFFERS, IORING_OP_FADVISE,
				       IORING_OP_MADVISE, IORING_OP_SHUTDOWN, IORING_OP_RENAMEAT,
				       IORING_OP_UNLINKAT, IORING_OP_MKDIRAT, IORING_OP_SYMLINKAT,
				       IORING_OP_LINKAT, IORING_OP_OPENAT2, IORING_OP_EPOLL_CTL,
				       IORING_OP_SPLICE, IORING_OP_TEE, IORING_OP_SOCKET,
				       IORING_OP_MSG_RING, IORING_OP_FSETXATTR,
				       IORING_OP_SETXATTR, IORING_OP_FGETXATTR,
				       IORING_OP_GETXATTR, IORING_OP_URING_CMD,
				       IORING_OP_SEND_ZC, IORING_OP_SENDMSG_ZC };
	struct io_uring_probe *p = probe_alloc(256);
	struct ring r;
	int i, j, n = 0;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_PROBE, p, 256));
	EXPECT_EQ(IORING_OP_LAST - 1, p->last_op);
	EXPECT_EQ(IORING_OP_LAST, p->ops_len);
	for (i = 0; i < p->ops_len; i++) {
		int want = 0;

		for (j = 0; j < ARRAY_SIZE(offered); j++)
			want |= offered[j] == i;
		EXPECT_EQ(i, p->ops[i].op);
		EXPECT_EQ(want ? IO_URING_OP_SUPPORTED : 0, p->ops[i].flags) TH_LOG("op %d", i);
		n += !!(p->ops[i].flags & IO_URING_OP_SUPPORTED);
	}
	EXPECT_EQ(ARRAY_SIZE(offered), n);
	/* entries past ops_len are left alone */
	EXPECT_EQ(0, p->ops[IORING_OP_LAST].op);

	/* a shorter buffer gets as many entries as it holds */
	memset(p, 0, sizeof(*p) + 256 * sizeof(p->ops[0]));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_PROBE, p, 2));
	EXPECT_EQ(2, p->ops_len);
	EXPECT_EQ(1, p->ops[1].op);
	EXPECT_EQ(0, p->ops[2].op);
	free(p);
	ring_exit(&r);
}

TEST(probe_bad_inputs)
{
	struct io_uring_probe *p = probe_alloc(IORING_OP_LAST);
	struct ring r;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	/* the buffer must come zeroed */
	p->ops[3].resv2 = 1;
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_PROBE, p, IORING_OP_LAST));
	EXPECT_EQ(EINVAL, errno);
	memset(p, 0, sizeof(*p));
	p->resv = 1;
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_PROBE, p, IORING_OP_LAST));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_PROBE, NULL, 4));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, sys_register(r.fd, IORING_REGISTER_PROBE, (void *)8, 4));
	EXPECT_EQ(EFAULT, errno);
	free(p);
	ring_exit(&r);
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
	EXPECT_EQ(64, sizeof(struct io_uring_sync_cancel_reg));
	EXPECT_EQ(16, offsetof(struct io_uring_sync_cancel_reg, timeout));
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
 * Ring memory is not charged to RLIMIT_MEMLOCK, as since 5.12 (the memory
 * cgroup has it): under a 64 KiB limit a 4096-entry ring (512 KiB) sets
 * up, many at once; what registered buffers pin still counts.
 */
static int memlock_child(void *arg)
{
	struct rlimit rl = { 64 * 1024, 64 * 1024 };
	struct io_uring_params p;
	struct iovec iov;
	int fds[8], i;

	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return 10;
	for (i = 0; i < 8; i++) {
		memset(&p, 0, sizeof(p));
		fds[i] = sys_setup(4096, &p);
		if (fds[i] < 0)
			return 11;
	}
	iov.iov_len = 128 * 1024;
	iov.iov_base = mmap(NULL, iov.iov_len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (iov.iov_base == MAP_FAILED)
		return 12;
	if (sys_register(fds[0], IORING_REGISTER_BUFFERS, &iov, 1) != -1 || errno != ENOMEM)
		return 13;
	iov.iov_len = 16 * 1024;
	if (sys_register(fds[0], IORING_REGISTER_BUFFERS, &iov, 1))
		return 14;
	for (i = 0; i < 8; i++)
		close(fds[i]);
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

static atomic_int got_usr1;

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

/* The text of /proc/self/fdinfo/@fd, NUL-terminated, in @buf. */
static int read_fdinfo(int fd, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY);
	if (f < 0)
		return -errno;
	n = read(f, buf, size - 1);
	close(f);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* The number after "@key:\t" in an fdinfo text; -1 if the line is missing. */
static long fdinfo_value(const char *text, const char *key)
{
	char pat[64];
	const char *at;

	snprintf(pat, sizeof(pat), "\n%s:\t", key);
	at = strstr(text, pat);
	return at ? strtol(at + strlen(pat), NULL, 0) : -1;
}

TEST(fdinfo_shows_the_rings_and_tables)
{
	static char text[16384], buf[4096];
	struct iovec iov = { buf, sizeof(buf) };
	struct io_uring_cqe cqe;
	struct ring r;
	int files[2];

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	ASSERT_EQ(0, read_fdinfo(r.fd, text, sizeof(text)));
	EXPECT_EQ(7, fdinfo_value(text, "SqMask"));
	EXPECT_EQ(15, fdinfo_value(text, "CqMask"));
	EXPECT_EQ(-1, fdinfo_value(text, "SqThread"));
	EXPECT_EQ(0, fdinfo_value(text, "UserFiles"));

	/* two NOPs queued, not yet submitted: the SQ shows them */
	ring_get_sqe(&r)->user_data = 41;
	ring_get_sqe(&r)->user_data = 42;
	ring_flush(&r);
	ASSERT_EQ(0, read_fdinfo(r.fd, text, sizeof(text)));
	EXPECT_EQ(2, fdinfo_value(text, "SqTail"));
	EXPECT_EQ(2, fdinfo_value(text, "SQEs"));
	EXPECT_NE(NULL, strstr(text, "user_data:42\n"));

	/* submitted: the CQ holds their CQEs until they are reaped */
	ASSERT_EQ(2, sys_enter(r.fd, 2, 0, 0, NULL, 0));
	ASSERT_EQ(0, read_fdinfo(r.fd, text, sizeof(text)));
	EXPECT_EQ(2, fdinfo_value(text, "SqHead"));
	EXPECT_EQ(0, fdinfo_value(text, "SQEs"));
	EXPECT_EQ(2, fdinfo_value(text, "CqTail"));
	EXPECT_EQ(2, fdinfo_value(text, "CQEs"));
	EXPECT_NE(NULL, strstr(text, "user_data:41, res:0, flag:0\n"));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	ASSERT_EQ(1, ring_peek_cqe(&r, &cqe));
	ASSERT_EQ(0, read_fdinfo(r.fd, text, sizeof(text)));
	EXPECT_EQ(2, fdinfo_value(text, "CqHead"));
	EXPECT_EQ(0, fdinfo_value(text, "CQEs"));

	/* the registered tables, by path and by address */
	files[0] = open("/proc/self/exe", O_RDONLY);
	ASSERT_LE(0, files[0]);
	files[1] = -1;
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_FILES, files, 2));
	ASSERT_EQ(0, sys_register(r.fd, IORING_REGISTER_BUFFERS, &iov, 1));
	ASSERT_EQ(0, read_fdinfo(r.fd, text, sizeof(text)));
	EXPECT_EQ(2, fdinfo_value(text, "UserFiles"));
	EXPECT_NE(NULL, strstr(text, "    0: /"));
	EXPECT_NE(NULL, strstr(text, "    1: <none>\n"));
	EXPECT_EQ(1, fdinfo_value(text, "UserBufs"));
	snprintf(buf, sizeof(buf), "    0: %p/%zu\n", iov.iov_base, iov.iov_len);
	EXPECT_NE(NULL, strstr(text, buf)) TH_LOG("%s", text);
	close(files[0]);
	ring_exit(&r);
}

TEST(fdinfo_shows_the_backlog_and_bad_indices)
{
	static char text[16384];
	struct ring r;
	const char *at;
	int i, n;

	ASSERT_EQ(0, ring_init(&r, 8, 0));
	/* 24 NOPs on a 16-entry CQ ring, none reaped: 8 wait in the backlog */
	for (i = 0; i < 3; i++) {
		for (n = 0; n < 8; n++)
			ring_get_sqe(&r)->user_data = 100 + 8 * i + n;
		ASSERT_EQ(8, ring_submit(&r, 0));
	}
	/* an SQ entry pointing past the SQE array, queued, not submitted */
	ring_get_sqe(&r);
	r.sq_array[(r.sqe_tail - 1) & *r.sq_mask] = 999;
	ring_flush(&r);
	ASSERT_EQ(0, read_fdinfo(r.fd, text, sizeof(text)));
	EXPECT_EQ(16, fdinfo_value(text, "CQEs"));
	EXPECT_EQ(1, fdinfo_value(text, "SQEs"));
	EXPECT_NE(NULL, strstr(text, "  999: out of range\n"));
	at = strstr(text, "CqOverflowList:\n");
	ASSERT_NE(NULL, at);
	for (n = 0; (at = strstr(at, "  user_data=")); n++)
		at++;
	EXPECT_EQ(8, n);
	EXPECT_NE(NULL, strstr(text, "  user_data=123, res=0, flags=0\n"));
	ring_exit(&r);
}

TEST(fdinfo_names_the_sq_thread)
{
	struct io_uring_params p = { .flags = IORING_SETUP_SQPOLL };
	static char text[8192];
	int fd;

	fd = sys_setup(4, &p);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, read_fdinfo(fd, text, sizeof(text)));
	EXPECT_LT(0, fdinfo_value(text, "SqThread"));
	EXPECT_LE(0, fdinfo_value(text, "SqThreadCpu"));
	close(fd);
}

TEST_HARNESS_MAIN
