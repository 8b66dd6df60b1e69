// SPDX-License-Identifier: GPL-2.0
/*
 * The bad-input matrix: every syscall argument and every SQE field, given
 * out-of-range and hostile values, unmapped and read-only pointers, huge
 * sizes, overflowing iovecs and fds of the wrong type, each answered with
 * its own errno (syscalls) or CQE res (SQEs).  One table per entry point;
 * a case names what it breaks.  After the SQE cases the ring must still
 * work and have nothing left in flight.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "../kselftest_harness.h"
#include "ring.h"

/* Later kernels' ABI, which this one does not offer (yet): refused. */
#define LATER_ENTER_REGISTERED_RING	0x10U

/* Below mmap_min_addr: nothing is ever mapped there. */
#define UNMAPPED_ADDR	0x1000ULL
/* The kernel's text, which access_ok() must refuse. */
#define KERNEL_ADDR	0xffffffff81000000ULL

/*
 * Symbolic values the tables use for fds and pointers, resolved against
 * the environment when a case runs.  Anything else is taken literally.
 */
enum {
	X_BASE = 0x5eed0000,
	X_RING,			/* the ring under test */
	X_PLAIN_RING,		/* a ring with nothing registered */
	X_FILE,			/* a regular file, read-write, 8 KiB */
	X_RDONLY,		/* the same file, read-only */
	X_WRONLY,		/* the same file, write-only */
	X_DIR,			/* a directory */
	X_PATH,			/* an O_PATH fd */
	X_PIPE,			/* a pipe's read end, with data in it */
	X_BADFD,		/* an fd number that is not open */
	X_UNMAPPED,		/* an address with nothing mapped */
	X_NOACCESS,		/* a PROT_NONE page */
	X_RDONLY_MEM,		/* a read-only page */
	X_BUF,			/* a 4 KiB writable buffer */
	X_IOV,			/* one iovec over X_BUF... */
	X_IOV_NEG,		/* ...followed by one of length -1 */
	X_IOV_UNMAPPED,		/* one iovec over X_UNMAPPED */
	X_IOV_RDONLY,		/* one iovec over X_RDONLY_MEM */
	X_IOV_NULL,		/* one iovec with a NULL base */
	X_IOV_EMPTY,		/* one iovec of length 0 */
	X_IOV_HUGE,		/* one iovec over 2 GiB */
	X_IOV_FILE,		/* one iovec over anonymous memory, then a file's */
	X_FIXED,		/* the registered buffer */
	X_FIXED_END,		/* its last byte */
	X_FDS_BAD,		/* an fd array holding 12345, not open */
	X_FDS_RING,		/* an fd array holding the ring */
	X_FDS_OK,		/* an fd array holding X_FILE */
	X_FDS_EDGE,		/* X_FILE, then the X_NOACCESS page */
	X_SIGSET,		/* a valid sigset */
	X_PARAMS,		/* io_uring_params as the case built them */
};

#define FIXED_LEN	(64 * 1024)

static struct env {
	struct ring ring, plain, iopoll, sqpoll;
	int file, rdonly, wronly, dir, path, pipe[2], badfd;
	char *noaccess, *rdonly_mem, *buf, *fixed, *filemap;
	struct iovec iov[10];
	int fds[3][1];
	sigset_t sigset;
	struct io_uring_params params;
} env;

static __u64 resolve(__u64 v)
{
	switch (v) {
	case X_RING:		return env.ring.fd;
	case X_PLAIN_RING:	return env.plain.fd;
	case X_FILE:		return env.file;
	case X_RDONLY:		return env.rdonly;
	case X_WRONLY:		return env.wronly;
	case X_DIR:		return env.dir;
	case X_PATH:		return env.path;
	case X_PIPE:		return env.pipe[0];
	case X_BADFD:		return env.badfd;
	case X_UNMAPPED:	return UNMAPPED_ADDR;
	case X_NOACCESS:	return (uintptr_t)env.noaccess;
	case X_RDONLY_MEM:	return (uintptr_t)env.rdonly_mem;
	case X_BUF:		return (uintptr_t)env.buf;
	case X_IOV ... X_IOV_FILE:
		return (uintptr_t)&env.iov[v - X_IOV];
	case X_FIXED:		return (uintptr_t)env.fixed;
	case X_FIXED_END:	return (uintptr_t)env.fixed + FIXED_LEN - 1;
	case X_FDS_BAD ... X_FDS_OK:
		return (uintptr_t)env.fds[v - X_FDS_BAD];
	case X_FDS_EDGE:	return (uintptr_t)env.noaccess - sizeof(int);
	case X_SIGSET:		return (uintptr_t)&env.sigset;
	case X_PARAMS:		return (uintptr_t)&env.params;
	}
	return v;
}

static void *page_alloc(int prot)
{
	void *p = mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int env_rings(void)
{
	struct iovec fixed = { env.fixed, FIXED_LEN };
	int files[2] = { env.file, env.pipe[0] };

	if (ring_init(&env.ring, 8, 0) || ring_init(&env.plain, 8, 0) ||
	    ring_init(&env.iopoll, 8, IORING_SETUP_IOPOLL) ||
	    ring_init(&env.sqpoll, 8, IORING_SETUP_SQPOLL))
		return -1;
	if (sys_register(env.ring.fd, IORING_REGISTER_BUFFERS, &fixed, 1) ||
	    sys_register(env.ring.fd, IORING_REGISTER_FILES, files, 2) ||
	    sys_register(env.sqpoll.fd, IORING_REGISTER_FILES, files, 2))
		return -1;
	return 0;
}

static int env_setup(void)
{
	char path[] = "/tmp/io_uring-matrix-XXXXXX";
	char proc[64];

	env.file = mkstemp(path);
	if (env.file < 0 || ftruncate(env.file, 8192))
		return -1;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", env.file);
	env.rdonly = open(proc, O_RDONLY);
	env.wronly = open(proc, O_WRONLY);
	env.path = open(proc, O_PATH);
	env.dir = open("/tmp", O_RDONLY | O_DIRECTORY);
	/* an anonymous page, then a (tmpfs) file's: memory of two kinds */
	env.filemap = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (env.filemap == MAP_FAILED ||
	    mmap(env.filemap + 4096, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 env.file, 0) == MAP_FAILED)
		return -1;
	unlink(path);
	if (pipe(env.pipe) || write(env.pipe[1], "x", 1) != 1)
		return -1;
	env.badfd = 1000;
	close(env.badfd);

	/* a writable page followed by a PROT_NONE one */
	env.noaccess = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (env.noaccess == MAP_FAILED)
		return -1;
	env.noaccess += 4096;
	if (mprotect(env.noaccess, 4096, PROT_NONE))
		return -1;
	((int *)env.noaccess)[-1] = env.file;
	env.rdonly_mem = page_alloc(PROT_READ);
	env.buf = page_alloc(PROT_READ | PROT_WRITE);
	env.fixed = aligned_alloc(4096, FIXED_LEN);
	if (env.rdonly < 0 || env.wronly < 0 || env.path < 0 || env.dir < 0 ||
	    env.filemap == MAP_FAILED || !env.rdonly_mem || !env.buf || !env.fixed)
		return -1;

	env.iov[X_IOV - X_IOV] = (struct iovec){ env.buf, 4096 };
	env.iov[X_IOV_UNMAPPED - X_IOV] = (struct iovec){ (void *)UNMAPPED_ADDR, 4096 };
	env.iov[X_IOV_RDONLY - X_IOV] = (struct iovec){ env.rdonly_mem, 4096 };
	env.iov[X_IOV_NEG - X_IOV] = (struct iovec){ env.buf, (size_t)-1 };
	env.iov[X_IOV_NULL - X_IOV] = (struct iovec){ NULL, 4096 };
	env.iov[X_IOV_EMPTY - X_IOV] = (struct iovec){ env.buf, 0 };
	env.iov[X_IOV_HUGE - X_IOV] = (struct iovec){ env.buf, 2UL << 30 };
	env.iov[X_IOV_FILE - X_IOV] = (struct iovec){ env.filemap, 8192 };
	env.fds[0][0] = 12345;
	env.fds[2][0] = env.file;
	sigemptyset(&env.sigset);
	if (env_rings())
		return -1;
	env.fds[1][0] = env.ring.fd;
	return 0;
}

/* ---- io_uring_setup ----------------------------------------------------- */

struct setup_case {
	const char *name;
	__u32 entries;
	__u32 flags;
	__u32 sq_thread_cpu;
	__u32 wq_fd;
	int resv;		/* 1 + index of a reserved word to set */
	__u64 params;		/* X_PARAMS, or a hostile pointer */
	int err;
	__u32 cq_entries;	/* with IORING_SETUP_CQSIZE */
};

static const struct setup_case setup_cases[] = {
	{ "zero entries", 0, 0, 0, 0, 0, X_PARAMS, EINVAL },
	{ "32769 entries", 32769, 0, 0, 0, 0, X_PARAMS, EINVAL },
	{ "2^31 entries", 1U << 31, 0, 0, 0, 0, X_PARAMS, EINVAL },
	{ "UINT_MAX entries", UINT_MAX, 0, 0, 0, 0, X_PARAMS, EINVAL },
	{ "unknown flag bit 31", 8, 1U << 31, 0, 0, 0, X_PARAMS, EINVAL },
	{ "CQSIZE, 0 cq_entries", 8, IORING_SETUP_CQSIZE, 0, 0, 0, X_PARAMS, EINVAL, 0 },
	{ "CQSIZE, fewer CQ than SQ entries", 8, IORING_SETUP_CQSIZE, 0, 0, 0, X_PARAMS,
	  EINVAL, 4 },
	{ "CQSIZE, 65537 cq_entries", 8, IORING_SETUP_CQSIZE, 0, 0, 0, X_PARAMS, EINVAL,
	  65537 },
	{ "CQSIZE, UINT_MAX cq_entries", 8, IORING_SETUP_CQSIZE, 0, 0, 0, X_PARAMS, EINVAL,
	  UINT_MAX },
	{ "CLAMP, zero entries", 0, IORING_SETUP_CLAMP, 0, 0, 0, X_PARAMS, EINVAL },
	{ "CLAMP|CQSIZE, 0 cq_entries", 8, IORING_SETUP_CLAMP | IORING_SETUP_CQSIZE, 0, 0, 0,
	  X_PARAMS, EINVAL, 0 },
	{ "ATTACH_WQ, wq_fd not open", 8, IORING_SETUP_ATTACH_WQ, 0, 9999, 0, X_PARAMS,
	  ENXIO },
	{ "SQ_AFF without SQPOLL", 8, IORING_SETUP_SQ_AFF, 0, 0, 0, X_PARAMS, EINVAL },
	{ "sq_thread_cpu 4096", 8, IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF, 4096, 0, 0,
	  X_PARAMS, EINVAL },
	{ "sq_thread_cpu UINT_MAX", 8, IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF, UINT_MAX,
	  0, 0, X_PARAMS, EINVAL },
	{ "resv[0] set", 8, 0, 0, 0, 1, X_PARAMS, EINVAL },
	{ "resv[1] set", 8, 0, 0, 0, 2, X_PARAMS, EINVAL },
	{ "resv[2] set", 8, 0, 0, 0, 3, X_PARAMS, EINVAL },
	{ "params NULL", 8, 0, 0, 0, 0, 0, EFAULT },
	{ "params unmapped", 8, 0, 0, 0, 0, X_UNMAPPED, EFAULT },
	{ "params PROT_NONE", 8, 0, 0, 0, 0, X_NOACCESS, EFAULT },
	{ "params read-only", 8, 0, 0, 0, 0, X_RDONLY_MEM, EFAULT },
	{ "params in kernel space", 8, 0, 0, 0, 0, KERNEL_ADDR, EFAULT },
};

TEST(setup_matrix)
{
	int fds_before, fds_after;
	unsigned int i;

	ASSERT_EQ(0, env_setup());
	fds_before = dup(0);
	close(fds_before);

	for (i = 0; i < ARRAY_SIZE(setup_cases); i++) {
		const struct setup_case *c = &setup_cases[i];
		int ret;

		memset(&env.params, 0, sizeof(env.params));
		env.params.flags = c->flags;
		env.params.sq_thread_cpu = c->sq_thread_cpu;
		env.params.wq_fd = c->wq_fd;
		env.params.cq_entries = c->cq_entries;
		if (c->resv)
			env.params.resv[c->resv - 1] = 1;
		ret = syscall(__NR_io_uring_setup, c->entries,
			      (void *)(uintptr_t)resolve(c->params));
		EXPECT_EQ(-1, ret) TH_LOG("setup: %s: returned %d", c->name, ret);
		if (ret >= 0)
			close(ret);
		EXPECT_EQ(c->err, errno) TH_LOG("setup: %s: %s", c->name, strerror(errno));
	}
	/* a failed setup (even the read-only params) leaves no fd behind */
	fds_after = dup(0);
	close(fds_after);
	EXPECT_EQ(fds_before, fds_after);
}

/* ---- mmap of a ring fd -------------------------------------------------- */

struct mmap_case {
	const char *name;
	off_t offset;
	size_t len;
	int err;
};

static const struct mmap_case mmap_cases[] = {
	{ "offset 4096", 4096, 4096, EINVAL },
	{ "offset between the rings", IORING_OFF_CQ_RING / 2, 4096, EINVAL },
	{ "past the SQEs", IORING_OFF_SQES + 4096, 4096, EINVAL },
	{ "SQ ring larger than it is", IORING_OFF_SQ_RING, 1 << 20, EINVAL },
	{ "CQ ring larger than it is", IORING_OFF_CQ_RING, 1 << 20, EINVAL },
	{ "SQEs larger than they are", IORING_OFF_SQES, 1 << 20, EINVAL },
};

TEST(mmap_matrix)
{
	unsigned int i;

	ASSERT_EQ(0, env_setup());

	for (i = 0; i < ARRAY_SIZE(mmap_cases); i++) {
		const struct mmap_case *c = &mmap_cases[i];
		void *p = mmap(NULL, c->len, PROT_READ | PROT_WRITE, MAP_SHARED,
			       env.plain.fd, c->offset);

		EXPECT_EQ(MAP_FAILED, p) TH_LOG("mmap: %s: mapped", c->name);
		if (p != MAP_FAILED)
			munmap(p, c->len);
		EXPECT_EQ(c->err, errno) TH_LOG("mmap: %s: %s", c->name, strerror(errno));
	}
}

/* ---- io_uring_enter ----------------------------------------------------- */

struct enter_case {
	const char *name;
	__u64 fd;
	__u32 to_submit, min_complete, flags;
	__u64 sig;
	size_t sigsz;
	int err;
};

static const struct enter_case enter_cases[] = {
	{ "fd -1", -1, 0, 0, 0, 0, 0, EBADF },
	{ "fd not open", X_BADFD, 0, 0, 0, 0, 0, EBADF },
	{ "fd INT_MAX", INT_MAX, 0, 0, 0, 0, 0, EBADF },
	{ "regular file fd", X_FILE, 0, 0, 0, 0, 0, EOPNOTSUPP },
	{ "pipe fd", X_PIPE, 0, 0, 0, 0, 0, EOPNOTSUPP },
	{ "O_PATH fd", X_PATH, 0, 0, 0, 0, 0, EBADF },
	{ "unknown flag bit 31", X_PLAIN_RING, 0, 0, 1U << 31, 0, 0, EINVAL },
	{ "EXT_ARG of size 0", X_PLAIN_RING, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG,
	  X_SIGSET, 0, EINVAL },
	{ "EXT_ARG unmapped", X_PLAIN_RING, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG,
	  X_UNMAPPED, sizeof(struct io_uring_getevents_arg), EFAULT },
	{ "REGISTERED_RING (not offered)", X_PLAIN_RING, 0, 0,
	  LATER_ENTER_REGISTERED_RING, 0, 0, EINVAL },
	{ "sigsz 0 with a sigset", X_PLAIN_RING, 0, 1, IORING_ENTER_GETEVENTS, X_SIGSET, 0,
	  EINVAL },
	{ "sigsz 128 with a sigset", X_PLAIN_RING, 0, 1, IORING_ENTER_GETEVENTS, X_SIGSET,
	  128, EINVAL },
	{ "sigset unmapped", X_PLAIN_RING, 0, 1, IORING_ENTER_GETEVENTS, X_UNMAPPED, 8,
	  EFAULT },
	{ "sigset in kernel space", X_PLAIN_RING, 0, 1, IORING_ENTER_GETEVENTS,
	  KERNEL_ADDR, 8, EFAULT },
};

TEST(enter_matrix)
{
	unsigned int i;

	ASSERT_EQ(0, env_setup());

	for (i = 0; i < ARRAY_SIZE(enter_cases); i++) {
		const struct enter_case *c = &enter_cases[i];
		int ret = syscall(__NR_io_uring_enter, (int)resolve(c->fd), c->to_submit,
				  c->min_complete, c->flags,
				  (void *)(uintptr_t)resolve(c->sig), c->sigsz);

		EXPECT_EQ(-1, ret) TH_LOG("enter: %s: returned %d", c->name, ret);
		EXPECT_EQ(c->err, errno) TH_LOG("enter: %s: %s", c->name, strerror(errno));
	}
}

/* ---- io_uring_register -------------------------------------------------- */

struct register_case {
	const char *name;
	__u64 fd;
	__u32 opcode;
	__u64 arg;
	__u32 nr;
	int err;
};

static const struct register_case register_cases[] = {
	{ "fd -1", -1, IORING_REGISTER_FILES, X_FDS_OK, 1, EBADF },
	{ "fd not open", X_BADFD, IORING_REGISTER_FILES, X_FDS_OK, 1, EBADF },
	{ "regular file fd", X_FILE, IORING_REGISTER_FILES, X_FDS_OK, 1, EOPNOTSUPP },
	{ "unknown opcode 99", X_PLAIN_RING, 99, 0, 0, EINVAL },
	{ "opcode UINT_MAX", X_PLAIN_RING, UINT_MAX, 0, 0, EINVAL },
	{ "probe: NULL", X_PLAIN_RING, IORING_REGISTER_PROBE, 0, 4, EFAULT },
	{ "probe: unmapped", X_PLAIN_RING, IORING_REGISTER_PROBE, X_UNMAPPED, 4, EFAULT },
	{ "probe: read-only memory", X_PLAIN_RING, IORING_REGISTER_PROBE, X_RDONLY_MEM, 4,
	  EFAULT },
	{ "eventfd: not an eventfd", X_PLAIN_RING, IORING_REGISTER_EVENTFD, X_FDS_OK, 1,
	  EINVAL },
	{ "eventfd: fd not open", X_PLAIN_RING, IORING_REGISTER_EVENTFD, X_FDS_BAD, 1, EBADF },
	{ "eventfd: pointer NULL", X_PLAIN_RING, IORING_REGISTER_EVENTFD, 0, 1, EFAULT },
	{ "eventfd: 0 fds", X_PLAIN_RING, IORING_REGISTER_EVENTFD, X_FDS_OK, 0, EINVAL },
	{ "eventfd: 2 fds", X_PLAIN_RING, IORING_REGISTER_EVENTFD, X_FDS_OK, 2, EINVAL },
	{ "unregister eventfd: none", X_PLAIN_RING, IORING_UNREGISTER_EVENTFD, 0, 0, ENXIO },
	{ "unregister eventfd: with an argument", X_PLAIN_RING, IORING_UNREGISTER_EVENTFD,
	  X_FDS_OK, 0, EINVAL },
	{ "buffers: 0 of them", X_PLAIN_RING, IORING_REGISTER_BUFFERS, X_IOV, 0, EINVAL },
	{ "buffers: 16385 of them", X_PLAIN_RING, IORING_REGISTER_BUFFERS, X_IOV, 16385,
	  EINVAL },
	{ "buffers: UINT_MAX of them", X_PLAIN_RING, IORING_REGISTER_BUFFERS, X_IOV, UINT_MAX,
	  EINVAL },
	{ "buffers: array NULL", X_PLAIN_RING, IORING_REGISTER_BUFFERS, 0, 1, EFAULT },
	{ "buffers: array unmapped", X_PLAIN_RING, IORING_REGISTER_BUFFERS, X_UNMAPPED, 1,
	  EFAULT },
	{ "buffers: base NULL", X_PLAIN_RING, IORING_REGISTER_BUFFERS, X_IOV_NULL, 1, EFAULT },
	{ "buffers: length 0", X_PLAIN_RING, IORING_REGISTER_BUFFERS, X_IOV_EMPTY, 1, EFAULT },
	{ "buffers: over 1 GiB", X_PLAIN_RING, IORING_REGISTER_BUFFERS, X_IOV_HUGE, 1, EFAULT },
	{ "buffers: length -1", X_PLAIN_RING, IORING_REGISTER_BUFFERS, X_IOV_NEG, 1, EFAULT },
	{ "buffers: unmapped memory", X_PLAIN_RING, IORING_REGISTER_BUFFERS, X_IOV_UNMAPPED,
	  1, EFAULT },
	{ "buffers: read-only memory", X_PLAIN_RING, IORING_REGISTER_BUFFERS, X_IOV_RDONLY,
	  1, EFAULT },
	{ "buffers: memory of two kinds", X_PLAIN_RING, IORING_REGISTER_BUFFERS, X_IOV_FILE,
	  1, EINVAL },
	{ "buffers: already registered", X_RING, IORING_REGISTER_BUFFERS, X_IOV, 1, EBUSY },
	{ "unregister buffers: none", X_PLAIN_RING, IORING_UNREGISTER_BUFFERS, 0, 0, ENXIO },
	{ "unregister buffers: with an argument", X_RING, IORING_UNREGISTER_BUFFERS, X_IOV,
	  0, EINVAL },
	{ "unregister buffers: with a count", X_RING, IORING_UNREGISTER_BUFFERS, 0, 1,
	  EINVAL },
	{ "files: 0 of them", X_PLAIN_RING, IORING_REGISTER_FILES, X_FDS_OK, 0, EINVAL },
	{ "files: UINT_MAX of them", X_PLAIN_RING, IORING_REGISTER_FILES, X_FDS_OK, UINT_MAX,
	  EMFILE },
	{ "files: array NULL", X_PLAIN_RING, IORING_REGISTER_FILES, 0, 1, EFAULT },
	{ "files: array unmapped", X_PLAIN_RING, IORING_REGISTER_FILES, X_UNMAPPED, 1,
	  EFAULT },
	{ "files: fd not open", X_PLAIN_RING, IORING_REGISTER_FILES, X_FDS_BAD, 1, EBADF },
	{ "files: the ring itself", X_PLAIN_RING, IORING_REGISTER_FILES, X_FDS_RING, 1,
	  EBADF },
	{ "files: array runs into a PROT_NONE page", X_PLAIN_RING, IORING_REGISTER_FILES,
	  X_FDS_EDGE, 2, EFAULT },
	{ "files: already registered", X_RING, IORING_REGISTER_FILES, X_FDS_OK, 1, EBUSY },
	{ "unregister files: none", X_PLAIN_RING, IORING_UNREGISTER_FILES, 0, 0, ENXIO },
	{ "unregister files: with an argument", X_RING, IORING_UNREGISTER_FILES, X_FDS_OK, 0,
	  EINVAL },
	{ "files2: NULL", X_PLAIN_RING, IORING_REGISTER_FILES2, 0, 32, EFAULT },
	{ "files2: unmapped", X_PLAIN_RING, IORING_REGISTER_FILES2, X_UNMAPPED, 32, EFAULT },
	{ "files2: size 0", X_PLAIN_RING, IORING_REGISTER_FILES2, X_UNMAPPED, 0, EINVAL },
	{ "files2: size 33", X_PLAIN_RING, IORING_REGISTER_FILES2, X_UNMAPPED, 33, EINVAL },
	{ "files update2: unmapped", X_PLAIN_RING, IORING_REGISTER_FILES_UPDATE2, X_UNMAPPED,
	  32, EFAULT },
	{ "files update2: size 16", X_PLAIN_RING, IORING_REGISTER_FILES_UPDATE2, X_UNMAPPED,
	  16, EINVAL },
	{ "file alloc range: NULL", X_PLAIN_RING, IORING_REGISTER_FILE_ALLOC_RANGE, 0, 0,
	  EINVAL },
	{ "file alloc range: unmapped", X_PLAIN_RING, IORING_REGISTER_FILE_ALLOC_RANGE,
	  X_UNMAPPED, 0, EFAULT },
	{ "file alloc range: a count", X_PLAIN_RING, IORING_REGISTER_FILE_ALLOC_RANGE,
	  X_UNMAPPED, 1, EINVAL },
	{ "sync cancel: NULL", X_PLAIN_RING, IORING_REGISTER_SYNC_CANCEL, 0, 1, EINVAL },
	{ "sync cancel: unmapped", X_PLAIN_RING, IORING_REGISTER_SYNC_CANCEL, X_UNMAPPED, 1,
	  EFAULT },
	{ "sync cancel: no count", X_PLAIN_RING, IORING_REGISTER_SYNC_CANCEL, X_UNMAPPED, 0,
	  EINVAL },
	{ "restrictions: an enabled ring", X_PLAIN_RING, IORING_REGISTER_RESTRICTIONS,
	  X_UNMAPPED, 1, EBADFD },
	{ "enable rings: an enabled ring", X_PLAIN_RING, IORING_REGISTER_ENABLE_RINGS, 0, 0,
	  EBADFD },
	{ "enable rings: with an argument", X_PLAIN_RING, IORING_REGISTER_ENABLE_RINGS,
	  X_UNMAPPED, 0, EINVAL },
};

TEST(register_matrix)
{
	unsigned int i;

	ASSERT_EQ(0, env_setup());
	for (i = 0; i < ARRAY_SIZE(register_cases); i++) {
		const struct register_case *c = &register_cases[i];
		int ret = sys_register((int)resolve(c->fd), c->opcode,
				       (void *)(uintptr_t)resolve(c->arg), c->nr);

		EXPECT_EQ(-1, ret) TH_LOG("register: %s: returned %d", c->name, ret);
		EXPECT_EQ(c->err, errno) TH_LOG("register: %s: %s", c->name, strerror(errno));
	}
	/* nothing was left registered by a failed call */
	EXPECT_EQ(-1, sys_register(env.plain.fd, IORING_UNREGISTER_BUFFERS, NULL, 0));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, sys_register(env.plain.fd, IORING_UNREGISTER_FILES, NULL, 0));
	EXPECT_EQ(ENXIO, errno);
}

/* ---- SQEs --------------------------------------------------------------- */

/* Which ring a case is submitted to. */
enum { R_RING, R_IOPOLL, R_SQPOLL };

/* An SQE field a case breaks: where it is and how wide. */
struct sqe_field {
	size_t off, size;
};

#define FIELD(f) { offsetof(struct io_uring_sqe, f), sizeof(((struct io_uring_sqe *)0)->f) }
#define NOFIELD { 0, 0 }

struct sqe_case {
	const char *name;
	int ring;
	__u8 opcode;
	__u64 fd;		/* X_* or an fd; fixed index with IOSQE_FIXED_FILE */
	__u8 flags;
	struct sqe_field field;	/* the field the case breaks, on top of the base */
	__u64 value;
	int res;
};

/* A well-formed SQE of @c->opcode on @c->fd: the base a case breaks. */
static void sqe_base(struct io_uring_sqe *sqe, const struct sqe_case *c)
{
	sqe->opcode = c->opcode;
	sqe->flags = c->flags;
	sqe->fd = (int)resolve(c->fd);
	sqe->user_data = 0x600dULL << 32 | c->opcode;
	switch (c->opcode) {
	case IORING_OP_READV:
	case IORING_OP_WRITEV:
		sqe->addr = resolve(X_IOV);
		sqe->len = 1;
		break;
	case IORING_OP_READ_FIXED:
	case IORING_OP_WRITE_FIXED:
		sqe->addr = resolve(X_FIXED);
		sqe->len = 4096;
		break;
	case IORING_OP_POLL_ADD:
		sqe->poll32_events = POLLIN;
		break;
	case IORING_OP_POLL_REMOVE:
		sqe->addr = 0xdead;
		break;
	case IORING_OP_PROVIDE_BUFFERS:
		sqe->addr = resolve(X_BUF);
		sqe->len = 64;
		break;
	case IORING_OP_EPOLL_CTL:
		sqe->off = resolve(X_PIPE);	/* the target: a file one can poll */
		break;
	}
}

static void sqe_break(struct io_uring_sqe *sqe, const struct sqe_case *c)
{
	__u64 v = resolve(c->value);
	char *field = (char *)sqe + c->field.off;

	switch (c->field.size) {
	case 1:
		*(__u8 *)field = v;
		break;
	case 2:
		*(__u16 *)field = v;
		break;
	case 4:
		*(__u32 *)field = v;
		break;
	case 8:
		*(__u64 *)field = v;
		break;
	}
}

static const struct sqe_case sqe_cases[] = {
	/* any opcode */
	{ "opcode IORING_OP_LAST", R_RING, IORING_OP_LAST, -1, 0, NOFIELD, 0, -EINVAL },
	{ "opcode 255", R_RING, 255, -1, 0, NOFIELD, 0, -EINVAL },
	{ "flags bit 7", R_RING, IORING_OP_NOP, -1, 0x80, NOFIELD, 0, -EINVAL },
	{ "IOSQE_CQE_SKIP_SUCCESS: a failure is posted", R_RING, IORING_OP_NOP, -1,
	  IOSQE_CQE_SKIP_SUCCESS, FIELD(ioprio), 1, -EINVAL },
	{ "IOSQE_BUFFER_SELECT on NOP", R_RING, IORING_OP_NOP, -1,
	  IOSQE_BUFFER_SELECT, NOFIELD, 0, -EOPNOTSUPP },
	{ "IOSQE_BUFFER_SELECT on WRITE", R_RING, IORING_OP_WRITE, -1,
	  IOSQE_BUFFER_SELECT, NOFIELD, 0, -EOPNOTSUPP },
	/* NOP: everything but user_data must be zero */
	{ "nop: ioprio", R_RING, IORING_OP_NOP, -1, 0, FIELD(ioprio), 1, -EINVAL },
	{ "nop: off", R_RING, IORING_OP_NOP, -1, 0, FIELD(off), 1, -EINVAL },
	{ "nop: addr", R_RING, IORING_OP_NOP, -1, 0, FIELD(addr), 1, -EINVAL },
	{ "nop: len", R_RING, IORING_OP_NOP, -1, 0, FIELD(len), 1, -EINVAL },
	{ "nop: rw_flags", R_RING, IORING_OP_NOP, -1, 0, FIELD(rw_flags), 1, -EINVAL },
	{ "nop: buf_index", R_RING, IORING_OP_NOP, -1, 0, FIELD(buf_index), 1, -EINVAL },
	{ "nop: personality", R_RING, IORING_OP_NOP, -1, 0, FIELD(personality), 1, -EINVAL },
	{ "nop: splice_fd_in", R_RING, IORING_OP_NOP, -1, 0, FIELD(splice_fd_in), 1,
	  -EINVAL },
	{ "nop: addr3", R_RING, IORING_OP_NOP, -1, 0, FIELD(addr3), 1, -EINVAL },
	{ "nop: __pad2", R_RING, IORING_OP_NOP, -1, 0, FIELD(__pad2[0]), 1, -EINVAL },
	/* READV / WRITEV: the fd */
	{ "readv: fd -1", R_RING, IORING_OP_READV, -1, 0, NOFIELD, 0, -EBADF },
	{ "readv: fd not open", R_RING, IORING_OP_READV, X_BADFD, 0, NOFIELD, 0, -EBADF },
	{ "readv: O_PATH fd", R_RING, IORING_OP_READV, X_PATH, 0, NOFIELD, 0, -EBADF },
	{ "readv: write-only fd", R_RING, IORING_OP_READV, X_WRONLY, 0, NOFIELD, 0, -EBADF },
	{ "writev: read-only fd", R_RING, IORING_OP_WRITEV, X_RDONLY, 0, NOFIELD, 0, -EBADF },
	{ "readv: a directory", R_RING, IORING_OP_READV, X_DIR, 0, NOFIELD, 0, -EINVAL },
	{ "readv: fixed index 2 of 2", R_RING, IORING_OP_READV, 2, IOSQE_FIXED_FILE, NOFIELD,
	  0, -EBADF },
	{ "readv: fixed index -1", R_RING, IORING_OP_READV, -1, IOSQE_FIXED_FILE, NOFIELD, 0,
	  -EBADF },
	{ "readv: fixed file on a ring without files", R_IOPOLL, IORING_OP_READV, 0,
	  IOSQE_FIXED_FILE, NOFIELD, 0, -EBADF },
	/* READV / WRITEV: the iovec array */
	{ "readv: iovecs NULL", R_RING, IORING_OP_READV, X_FILE, 0, FIELD(addr), 0, -EFAULT },
	{ "readv: iovecs unmapped", R_RING, IORING_OP_READV, X_FILE, 0, FIELD(addr),
	  X_UNMAPPED, -EFAULT },
	{ "readv: iovecs in kernel space", R_RING, IORING_OP_READV, X_FILE, 0, FIELD(addr),
	  KERNEL_ADDR, -EFAULT },
	{ "readv: 1025 iovecs", R_RING, IORING_OP_READV, X_FILE, 0, FIELD(len), 1025,
	  -EINVAL },
	{ "readv: UINT_MAX iovecs", R_RING, IORING_OP_READV, X_FILE, 0, FIELD(len), UINT_MAX,
	  -EINVAL },
	{ "readv: iovec length -1", R_RING, IORING_OP_READV, X_FILE, 0, FIELD(addr),
	  X_IOV_NEG, -EINVAL },
	{ "readv: second iovec length -1", R_RING, IORING_OP_READV, X_FILE, 0, FIELD(len),
	  2, -EINVAL },
	{ "readv: iovecs on a PROT_NONE page", R_RING, IORING_OP_READV, X_FILE, 0,
	  FIELD(addr), X_NOACCESS, -EFAULT },
	{ "readv: into unmapped memory", R_RING, IORING_OP_READV, X_FILE, 0, FIELD(addr),
	  X_IOV_UNMAPPED, -EFAULT },
	{ "readv: into read-only memory", R_RING, IORING_OP_READV, X_FILE, 0, FIELD(addr),
	  X_IOV_RDONLY, -EFAULT },
	{ "writev: from unmapped memory", R_RING, IORING_OP_WRITEV, X_FILE, 0, FIELD(addr),
	  X_IOV_UNMAPPED, -EFAULT },
	{ "readv: into NULL", R_RING, IORING_OP_READV, X_FILE, 0, FIELD(addr), X_IOV_NULL,
	  -EFAULT },
	/* READV / WRITEV: the other fields */
	{ "readv: offset -2", R_RING, IORING_OP_READV, X_FILE, 0, FIELD(off), -2, -EINVAL },
	{ "writev: offset -4096", R_RING, IORING_OP_WRITEV, X_FILE, 0, FIELD(off), -4096ULL,
	  -EINVAL },
	{ "readv: unknown rw_flags", R_RING, IORING_OP_READV, X_FILE, 0, FIELD(rw_flags),
	  0x80000000, -EOPNOTSUPP },
	{ "readv: RWF_HIPRI without IOPOLL", R_RING, IORING_OP_READV, X_FILE, 0,
	  FIELD(rw_flags), RWF_HIPRI, -EINVAL },
	{ "readv: ioprio class 7", R_RING, IORING_OP_READV, X_FILE, 0, FIELD(ioprio),
	  7 << 13, -EINVAL },
	{ "readv: buf_index without READ_FIXED", R_RING, IORING_OP_READV, X_FILE, 0,
	  FIELD(buf_index), 1, -EINVAL },
	{ "readv: personality", R_RING, IORING_OP_READV, X_FILE, 0, FIELD(personality), 1,
	  -EINVAL },
	{ "writev: addr3", R_RING, IORING_OP_WRITEV, X_FILE, 0, FIELD(addr3), 1, -EINVAL },
	{ "writev: splice_fd_in", R_RING, IORING_OP_WRITEV, X_FILE, 0, FIELD(splice_fd_in),
	  1, -EINVAL },
	/* READ_FIXED / WRITE_FIXED */
	{ "read_fixed: buffer index 1 of 1", R_RING, IORING_OP_READ_FIXED, X_FILE, 0,
	  FIELD(buf_index), 1, -EFAULT },
	{ "read_fixed: buffer index 65535", R_RING, IORING_OP_READ_FIXED, X_FILE, 0,
	  FIELD(buf_index), 65535, -EFAULT },
	{ "read_fixed: no buffers registered", R_SQPOLL, IORING_OP_READ_FIXED, 0,
	  IOSQE_FIXED_FILE, NOFIELD, 0, -EFAULT },
	{ "read_fixed: outside the buffer", R_RING, IORING_OP_READ_FIXED, X_FILE, 0,
	  FIELD(addr), X_BUF, -EFAULT },
	{ "read_fixed: ends after the buffer", R_RING, IORING_OP_READ_FIXED, X_FILE, 0,
	  FIELD(addr), X_FIXED_END, -EFAULT },
	{ "read_fixed: address wraps around", R_RING, IORING_OP_READ_FIXED, X_FILE, 0,
	  FIELD(addr), -2048ULL, -EFAULT },
	{ "read_fixed: length past the buffer", R_RING, IORING_OP_READ_FIXED, X_FILE, 0,
	  FIELD(len), FIXED_LEN + 1, -EFAULT },
	{ "read_fixed: length UINT_MAX", R_RING, IORING_OP_READ_FIXED, X_FILE, 0,
	  FIELD(len), UINT_MAX, -EFAULT },
	{ "write_fixed: read-only fd", R_RING, IORING_OP_WRITE_FIXED, X_RDONLY, 0, NOFIELD,
	  0, -EBADF },
	/* FSYNC */
	{ "fsync: fd not open", R_RING, IORING_OP_FSYNC, X_BADFD, 0, NOFIELD, 0, -EBADF },
	{ "fsync: unknown fsync_flags", R_RING, IORING_OP_FSYNC, X_FILE, 0,
	  FIELD(fsync_flags), 2, -EINVAL },
	{ "fsync: offset -1", R_RING, IORING_OP_FSYNC, X_FILE, 0, FIELD(off), -1, -EINVAL },
	{ "fsync: addr", R_RING, IORING_OP_FSYNC, X_FILE, 0, FIELD(addr), 1, -EINVAL },
	{ "fsync: ioprio", R_RING, IORING_OP_FSYNC, X_FILE, 0, FIELD(ioprio), 1, -EINVAL },
	{ "fsync: buf_index", R_RING, IORING_OP_FSYNC, X_FILE, 0, FIELD(buf_index), 1,
	  -EINVAL },
	/* POLL_ADD / POLL_REMOVE */
	{ "poll_add: fd not open", R_RING, IORING_OP_POLL_ADD, X_BADFD, 0, NOFIELD, 0,
	  -EBADF },
	/* a ring can be polled: its SQ has room */
	{ "poll_add: the ring itself", R_RING, IORING_OP_POLL_ADD, X_RING, 0,
	  FIELD(poll32_events), POLLOUT, POLLOUT },
	{ "poll_add: another ring", R_RING, IORING_OP_POLL_ADD, X_PLAIN_RING, 0,
	  FIELD(poll32_events), POLLOUT, POLLOUT },
	{ "poll_add: addr", R_RING, IORING_OP_POLL_ADD, X_PIPE, 0, FIELD(addr), 1, -EINVAL },
	{ "poll_add: len not IORING_POLL_ADD_MULTI", R_RING, IORING_OP_POLL_ADD, X_PIPE, 0,
	  FIELD(len), IORING_POLL_UPDATE_EVENTS, -EINVAL },
	{ "poll_add: IORING_POLL_ADD_LEVEL", R_RING, IORING_OP_POLL_ADD, X_PIPE, 0, FIELD(len),
	  IORING_POLL_ADD_LEVEL, -EINVAL },
	{ "poll_add: off", R_RING, IORING_OP_POLL_ADD, X_PIPE, 0, FIELD(off), 1, -EINVAL },
	{ "poll_add: ioprio", R_RING, IORING_OP_POLL_ADD, X_PIPE, 0, FIELD(ioprio), 1,
	  -EINVAL },
	{ "poll_remove: nothing armed", R_RING, IORING_OP_POLL_REMOVE, -1, 0, NOFIELD, 0,
	  -ENOENT },
	{ "poll_remove: IORING_POLL_ADD_MULTI alone", R_RING, IORING_OP_POLL_REMOVE, -1, 0,
	  FIELD(len), IORING_POLL_ADD_MULTI, -EINVAL },
	{ "poll_remove: len unknown", R_RING, IORING_OP_POLL_REMOVE, -1, 0, FIELD(len), 1 << 4,
	  -EINVAL },
	{ "poll_remove: update of nothing armed", R_RING, IORING_OP_POLL_REMOVE, -1, 0,
	  FIELD(len), IORING_POLL_UPDATE_USER_DATA, -ENOENT },
	{ "poll_remove: off", R_RING, IORING_OP_POLL_REMOVE, -1, 0, FIELD(off), 1, -EINVAL },
	{ "poll_remove: poll events", R_RING, IORING_OP_POLL_REMOVE, -1, 0,
	  FIELD(poll32_events), POLLIN, -EINVAL },
	/* OPENAT and STATX: a directory fd (here AT_FDCWD) and a path */
	{ "openat: path NULL", R_RING, IORING_OP_OPENAT, AT_FDCWD, 0, NOFIELD, 0, -EFAULT },
	{ "openat: path unmapped", R_RING, IORING_OP_OPENAT, AT_FDCWD, 0, FIELD(addr),
	  X_UNMAPPED, -EFAULT },
	{ "openat: path in kernel space", R_RING, IORING_OP_OPENAT, AT_FDCWD, 0, FIELD(addr),
	  KERNEL_ADDR, -EFAULT },
	{ "openat: ioprio", R_RING, IORING_OP_OPENAT, AT_FDCWD, 0, FIELD(ioprio), 1, -EINVAL },
	{ "openat: off", R_RING, IORING_OP_OPENAT, AT_FDCWD, 0, FIELD(off), 1, -EINVAL },
	{ "openat: buf_index", R_RING, IORING_OP_OPENAT, AT_FDCWD, 0, FIELD(buf_index), 1,
	  -EINVAL },
	{ "openat: personality", R_RING, IORING_OP_OPENAT, AT_FDCWD, 0, FIELD(personality), 1,
	  -EINVAL },
	{ "openat: O_TMPFILE read-only", R_RING, IORING_OP_OPENAT, AT_FDCWD, 0,
	  FIELD(open_flags), O_TMPFILE, -EINVAL },
	{ "openat: fixed file", R_RING, IORING_OP_OPENAT, 0, IOSQE_FIXED_FILE, NOFIELD, 0,
	  -EBADF },
	{ "openat2: open_how NULL", R_RING, IORING_OP_OPENAT2, AT_FDCWD, 0, FIELD(len), 24,
	  -EFAULT },
	{ "openat2: size 0", R_RING, IORING_OP_OPENAT2, AT_FDCWD, 0, NOFIELD, 0, -EINVAL },
	{ "openat2: open_flags", R_RING, IORING_OP_OPENAT2, AT_FDCWD, 0, FIELD(open_flags), 1,
	  -EINVAL },
	{ "statx: path NULL", R_RING, IORING_OP_STATX, AT_FDCWD, 0, NOFIELD, 0, -EFAULT },
	{ "statx: ioprio", R_RING, IORING_OP_STATX, AT_FDCWD, 0, FIELD(ioprio), 1, -EINVAL },
	{ "statx: addr3", R_RING, IORING_OP_STATX, AT_FDCWD, 0, FIELD(addr3), 1, -EINVAL },
	/* the path operations: directory fds (here AT_FDCWD) and paths */
	{ "renameat: path NULL", R_RING, IORING_OP_RENAMEAT, AT_FDCWD, 0, NOFIELD, 0, -EFAULT },
	{ "renameat: ioprio", R_RING, IORING_OP_RENAMEAT, AT_FDCWD, 0, FIELD(ioprio), 1,
	  -EINVAL },
	{ "renameat: fixed file", R_RING, IORING_OP_RENAMEAT, 0, IOSQE_FIXED_FILE, NOFIELD, 0,
	  -EBADF },
	{ "unlinkat: path NULL", R_RING, IORING_OP_UNLINKAT, AT_FDCWD, 0, NOFIELD, 0, -EFAULT },
	{ "unlinkat: len", R_RING, IORING_OP_UNLINKAT, AT_FDCWD, 0, FIELD(len), 1, -EINVAL },
	{ "unlinkat: flags", R_RING, IORING_OP_UNLINKAT, AT_FDCWD, 0, FIELD(unlink_flags), 1,
	  -EINVAL },
	{ "mkdirat: path in kernel space", R_RING, IORING_OP_MKDIRAT, AT_FDCWD, 0, FIELD(addr),
	  KERNEL_ADDR, -EFAULT },
	{ "mkdirat: off", R_RING, IORING_OP_MKDIRAT, AT_FDCWD, 0, FIELD(off), 1, -EINVAL },
	{ "mkdirat: buf_index", R_RING, IORING_OP_MKDIRAT, AT_FDCWD, 0, FIELD(buf_index), 1,
	  -EINVAL },
	{ "symlinkat: len", R_RING, IORING_OP_SYMLINKAT, AT_FDCWD, 0, FIELD(len), 1, -EINVAL },
	{ "symlinkat: addr3", R_RING, IORING_OP_SYMLINKAT, AT_FDCWD, 0, FIELD(addr3), 1,
	  -EINVAL },
	{ "linkat: path unmapped", R_RING, IORING_OP_LINKAT, AT_FDCWD, 0, FIELD(addr),
	  X_UNMAPPED, -EFAULT },
	{ "linkat: splice_fd_in", R_RING, IORING_OP_LINKAT, AT_FDCWD, 0, FIELD(splice_fd_in), 1,
	  -EINVAL },
	{ "iopoll: mkdirat", R_IOPOLL, IORING_OP_MKDIRAT, AT_FDCWD, 0, NOFIELD, 0, -EINVAL },
	/* CLOSE: fd and nothing else */
	{ "close: fd not open", R_RING, IORING_OP_CLOSE, X_BADFD, 0, NOFIELD, 0, -EBADF },
	{ "close: the ring itself", R_RING, IORING_OP_CLOSE, X_RING, 0, NOFIELD, 0, -EBADF },
	{ "close: addr", R_RING, IORING_OP_CLOSE, X_BADFD, 0, FIELD(addr), 1, -EINVAL },
	{ "close: len", R_RING, IORING_OP_CLOSE, X_BADFD, 0, FIELD(len), 1, -EINVAL },
	{ "close: rw_flags", R_RING, IORING_OP_CLOSE, X_BADFD, 0, FIELD(rw_flags), 1, -EINVAL },
	{ "close: fixed file", R_RING, IORING_OP_CLOSE, 0, IOSQE_FIXED_FILE, NOFIELD, 0,
	  -EBADF },
	/* PROVIDE_BUFFERS (fd: how many), REMOVE_BUFFERS, IOSQE_BUFFER_SELECT */
	{ "provide: 0 buffers", R_RING, IORING_OP_PROVIDE_BUFFERS, 0, 0, NOFIELD, 0, -E2BIG },
	{ "provide: 65537 buffers", R_RING, IORING_OP_PROVIDE_BUFFERS, 65537, 0, FIELD(len), 1,
	  -E2BIG },
	{ "provide: len 0", R_RING, IORING_OP_PROVIDE_BUFFERS, 4, 0, FIELD(len), 0, -EINVAL },
	{ "provide: rw_flags", R_RING, IORING_OP_PROVIDE_BUFFERS, 4, 0, FIELD(rw_flags), 1,
	  -EINVAL },
	{ "provide: off 65536", R_RING, IORING_OP_PROVIDE_BUFFERS, 4, 0, FIELD(off), 65536,
	  -E2BIG },
	{ "provide: IDs past 65535", R_RING, IORING_OP_PROVIDE_BUFFERS, 4, 0, FIELD(off), 65534,
	  -EINVAL },
	{ "provide: kernel addr", R_RING, IORING_OP_PROVIDE_BUFFERS, 4, 0, FIELD(addr),
	  KERNEL_ADDR, -EFAULT },
	{ "remove: 0 buffers", R_RING, IORING_OP_REMOVE_BUFFERS, 0, 0, NOFIELD, 0, -EINVAL },
	{ "remove: addr", R_RING, IORING_OP_REMOVE_BUFFERS, 4, 0, FIELD(addr), 1, -EINVAL },
	{ "remove: len", R_RING, IORING_OP_REMOVE_BUFFERS, 4, 0, FIELD(len), 1, -EINVAL },
	{ "remove: off", R_RING, IORING_OP_REMOVE_BUFFERS, 4, 0, FIELD(off), 1, -EINVAL },
	{ "remove: group never provided", R_RING, IORING_OP_REMOVE_BUFFERS, 4, 0,
	  FIELD(buf_index), 4321, -ENOENT },
	{ "read: buffer select, empty group", R_RING, IORING_OP_READ, X_FILE,
	  IOSQE_BUFFER_SELECT, FIELD(buf_index), 4321, -ENOBUFS },
	{ "readv: buffer select, 2 iovecs", R_RING, IORING_OP_READV, X_FILE,
	  IOSQE_BUFFER_SELECT, FIELD(len), 2, -EINVAL },
	/* ACCEPT: a listening socket */
	{ "accept: not a socket", R_RING, IORING_OP_ACCEPT, X_FILE, 0, NOFIELD, 0, -ENOTSOCK },
	{ "accept: fd not open", R_RING, IORING_OP_ACCEPT, X_BADFD, 0, NOFIELD, 0, -EBADF },
	{ "accept: len", R_RING, IORING_OP_ACCEPT, X_FILE, 0, FIELD(len), 1, -EINVAL },
	{ "accept: unknown accept_flags", R_RING, IORING_OP_ACCEPT, X_FILE, 0,
	  FIELD(accept_flags), 1, -EINVAL },
	/* FALLOCATE: off, addr the length, len the mode */
	{ "fallocate: length 0", R_RING, IORING_OP_FALLOCATE, X_FILE, 0, NOFIELD, 0, -EINVAL },
	{ "fallocate: ioprio", R_RING, IORING_OP_FALLOCATE, X_FILE, 0, FIELD(ioprio), 1,
	  -EINVAL },
	{ "fallocate: rw_flags", R_RING, IORING_OP_FALLOCATE, X_FILE, 0, FIELD(rw_flags), 1,
	  -EINVAL },
	{ "fallocate: a pipe's read end", R_RING, IORING_OP_FALLOCATE, X_PIPE, 0, FIELD(addr),
	  4096, -EBADF },
	{ "iopoll: fallocate", R_IOPOLL, IORING_OP_FALLOCATE, X_FILE, 0, NOFIELD, 0, -EINVAL },
	/* EPOLL_CTL, SPLICE, TEE, SOCKET */
	{ "epoll_ctl: not an epoll", R_RING, IORING_OP_EPOLL_CTL, X_FILE, 0, FIELD(len), 2,
	  -EINVAL },
	{ "epoll_ctl: event unmapped", R_RING, IORING_OP_EPOLL_CTL, X_FILE, 0, FIELD(len), 1,
	  -EFAULT },
	{ "epoll_ctl: ioprio", R_RING, IORING_OP_EPOLL_CTL, X_FILE, 0, FIELD(ioprio), 1,
	  -EINVAL },
	{ "splice: flags", R_RING, IORING_OP_SPLICE, X_PIPE, 0, FIELD(splice_flags), 1 << 20,
	  -EINVAL },
	{ "splice: addr3", R_RING, IORING_OP_SPLICE, X_PIPE, 0, FIELD(addr3), 1, -EINVAL },
	{ "tee: off", R_RING, IORING_OP_TEE, X_PIPE, 0, FIELD(off), 1, -EINVAL },
	{ "socket: type flags", R_RING, IORING_OP_SOCKET, AF_UNIX, 0, FIELD(off), 1 << 30,
	  -EINVAL },
	{ "socket: addr", R_RING, IORING_OP_SOCKET, AF_UNIX, 0, FIELD(addr), 1, -EINVAL },
	{ "msg_ring: not a ring", R_RING, IORING_OP_MSG_RING, X_FILE, 0, NOFIELD, 0, -EBADFD },
	{ "msg_ring: command", R_RING, IORING_OP_MSG_RING, X_RING, 0, FIELD(addr), 7, -EINVAL },
	/* URING_CMD: the reserved half of off and the flags, then the driver */
	{ "uring_cmd: __pad1", R_RING, IORING_OP_URING_CMD, X_FILE, 0, FIELD(__pad1), 1,
	  -EINVAL },
	{ "uring_cmd: flags", R_RING, IORING_OP_URING_CMD, X_FILE, 0, FIELD(uring_cmd_flags), 2,
	  -EINVAL },
	{ "uring_cmd: a file without commands", R_RING, IORING_OP_URING_CMD, X_FILE, 0, NOFIELD,
	  0, -EOPNOTSUPP },
	{ "uring_cmd: iopoll, a file without commands", R_IOPOLL, IORING_OP_URING_CMD, X_FILE, 0,
	  NOFIELD, 0, -EOPNOTSUPP },
	/* the zero-copy sends, refused before their notification (one CQE) */
	{ "send_zc: ioprio", R_RING, IORING_OP_SEND_ZC, X_FILE, 0, FIELD(ioprio), 8, -EINVAL },
	{ "sendmsg_zc: addr3", R_RING, IORING_OP_SENDMSG_ZC, X_FILE, 0, FIELD(addr3), 1,
	  -EINVAL },
	/* the xattr operations: flags, the name, the fd */
	{ "fsetxattr: flags", R_RING, IORING_OP_FSETXATTR, X_FILE, 0, FIELD(xattr_flags), 4,
	  -EINVAL },
	{ "fgetxattr: flags", R_RING, IORING_OP_FGETXATTR, X_FILE, 0, FIELD(xattr_flags), 1,
	  -EINVAL },
	{ "fgetxattr: no name", R_RING, IORING_OP_FGETXATTR, X_FILE, 0, NOFIELD, 0, -EFAULT },
	{ "getxattr: no name", R_RING, IORING_OP_GETXATTR, -1, 0, NOFIELD, 0, -EFAULT },
	{ "fsetxattr: not open", R_RING, IORING_OP_FSETXATTR, X_BADFD, 0, NOFIELD, 0, -EBADF },
	/* FADVISE, MADVISE, SHUTDOWN */
	{ "fadvise: a pipe", R_RING, IORING_OP_FADVISE, X_PIPE, 0, NOFIELD, 0, -ESPIPE },
	{ "fadvise: addr", R_RING, IORING_OP_FADVISE, X_FILE, 0, FIELD(addr), 1, -EINVAL },
	{ "fadvise: advice", R_RING, IORING_OP_FADVISE, X_FILE, 0, FIELD(fadvise_advice), 99,
	  -EINVAL },
	{ "madvise: off", R_RING, IORING_OP_MADVISE, -1, 0, FIELD(off), 1, -EINVAL },
	{ "madvise: unaligned", R_RING, IORING_OP_MADVISE, -1, 0, FIELD(addr), 1, -EINVAL },
	{ "shutdown: a file", R_RING, IORING_OP_SHUTDOWN, X_FILE, 0, NOFIELD, 0, -ENOTSOCK },
	{ "shutdown: addr", R_RING, IORING_OP_SHUTDOWN, X_FILE, 0, FIELD(addr), 1, -EINVAL },
	{ "iopoll: fadvise", R_IOPOLL, IORING_OP_FADVISE, X_FILE, 0, NOFIELD, 0, -EINVAL },
	/* what an IOPOLL ring cannot do */
	{ "iopoll: openat", R_IOPOLL, IORING_OP_OPENAT, AT_FDCWD, 0, NOFIELD, 0, -EINVAL },
	{ "iopoll: statx", R_IOPOLL, IORING_OP_STATX, AT_FDCWD, 0, NOFIELD, 0, -EINVAL },
	{ "iopoll: close", R_IOPOLL, IORING_OP_CLOSE, X_BADFD, 0, NOFIELD, 0, -EINVAL },
	{ "iopoll: accept", R_IOPOLL, IORING_OP_ACCEPT, X_FILE, 0, NOFIELD, 0, -EINVAL },
	{ "iopoll: link_timeout", R_IOPOLL, IORING_OP_LINK_TIMEOUT, -1, 0, NOFIELD, 0, -EINVAL },
	{ "iopoll: fsync", R_IOPOLL, IORING_OP_FSYNC, X_FILE, 0, NOFIELD, 0, -EINVAL },
	{ "iopoll: poll_add", R_IOPOLL, IORING_OP_POLL_ADD, X_PIPE, 0, NOFIELD, 0, -EINVAL },
	{ "iopoll: buffered readv", R_IOPOLL, IORING_OP_READV, X_FILE, 0, NOFIELD, 0,
	  -EOPNOTSUPP },
	/* what an SQPOLL ring cannot do */
	{ "sqpoll: fixed index 2 of 2", R_SQPOLL, IORING_OP_READV, 2, IOSQE_FIXED_FILE,
	  NOFIELD, 0, -EBADF },
};

static struct ring *case_ring(int which)
{
	switch (which) {
	case R_IOPOLL:	return &env.iopoll;
	case R_SQPOLL:	return &env.sqpoll;
	}
	return &env.ring;
}

/* Submit one SQE and return its CQE's res; the SQ thread may need a wakeup. */
static int sqe_run(const struct sqe_case *c)
{
	struct ring *r = case_ring(c->ring);
	struct io_uring_sqe *sqe = ring_get_sqe(r);
	struct io_uring_cqe cqe;
	unsigned int flags = IORING_ENTER_GETEVENTS;
	__u64 user_data;

	if (!sqe)
		return INT_MIN;
	sqe_base(sqe, c);
	sqe_break(sqe, c);
	user_data = sqe->user_data;
	if (c->ring == R_SQPOLL)
		flags |= IORING_ENTER_SQ_WAKEUP;
	if (sys_enter(r->fd, ring_flush(r), 1, flags, NULL, 0) < 0)
		return INT_MIN + 1;
	if (ring_wait_cqe(r, &cqe))
		return INT_MIN + 2;
	return cqe.user_data == user_data ? cqe.res : INT_MIN + 3;
}

TEST(sqe_matrix)
{
	struct io_uring_sqe *sqe;
	unsigned int i;

	ASSERT_EQ(0, env_setup());
	for (i = 0; i < ARRAY_SIZE(sqe_cases); i++) {
		const struct sqe_case *c = &sqe_cases[i];
		int res = sqe_run(c);

		EXPECT_EQ(c->res, res) TH_LOG("sqe: %s: res %d (%s)", c->name, res,
					      res < 0 ? strerror(-res) : "");
	}
	/* the rings still work and hold nothing */
	sqe = ring_get_sqe(&env.ring);
	ASSERT_NE(NULL, sqe);
	sqe->opcode = IORING_OP_NOP;
	sqe->user_data = 42;
	EXPECT_EQ(0, ring_run_one(&env.ring, 42));
	EXPECT_EQ(0, *env.ring.sq_dropped);
	EXPECT_EQ(0, *env.ring.cq_overflow);
	/* the data byte is still in the pipe: no case consumed it */
	EXPECT_EQ(1, read(env.pipe[0], env.buf, 16));
}

/* ---- the whole matrix --------------------------------------------------- */

TEST(case_count)
{
	size_t n = ARRAY_SIZE(setup_cases) + ARRAY_SIZE(mmap_cases) +
		   ARRAY_SIZE(enter_cases) + ARRAY_SIZE(register_cases) +
		   ARRAY_SIZE(sqe_cases);

	TH_LOG("%zu cases: setup %zu, mmap %zu, enter %zu, register %zu, SQE %zu", n,
	       ARRAY_SIZE(setup_cases), ARRAY_SIZE(mmap_cases), ARRAY_SIZE(enter_cases),
	       ARRAY_SIZE(register_cases), ARRAY_SIZE(sqe_cases));
	EXPECT_LE(60, n);
}

TEST_HARNESS_MAIN
