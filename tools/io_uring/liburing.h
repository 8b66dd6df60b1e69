/* SPDX-License-Identifier: MIT */
/*
 * A minimal liburing-style library over the raw io_uring syscalls: ring
 * set-up and teardown, SQE/CQE access with the right barriers, prep
 * helpers for every opcode the kernel offers, and registration.
 *
 * Memory ordering (see the top of fs/io_uring.c): the SQ tail is stored
 * with release semantics after the SQEs are written; the CQ tail is loaded
 * with acquire semantics before CQEs are read, and the CQ head is stored
 * with release semantics once they have been consumed.
 */
#ifndef LIB_URING_H
#define LIB_URING_H

#include <signal.h>
#include <string.h>
#include <sys/uio.h>
#include <linux/io_uring.h>

struct io_uring_sq {
	unsigned int *khead;
	unsigned int *ktail;
	unsigned int *kring_mask;
	unsigned int *kring_entries;
	unsigned int *kflags;
	unsigned int *kdropped;
	unsigned int *array;
	struct io_uring_sqe *sqes;
	unsigned int sqe_shift;	/* IORING_SETUP_SQE128: 1, an SQE takes two */

	unsigned int sqe_head;	/* first SQE handed out, not yet published */
	unsigned int sqe_tail;	/* next SQE to hand out */

	size_t ring_sz;
	void *ring_ptr;
	size_t sqes_sz;
};

struct io_uring_cq {
	unsigned int *khead;
	unsigned int *ktail;
	unsigned int *kring_mask;
	unsigned int *kring_entries;
	unsigned int *koverflow;
	struct io_uring_cqe *cqes;
	unsigned int cqe_shift;	/* IORING_SETUP_CQE32: 1, a CQE takes two */

	size_t ring_sz;
	void *ring_ptr;
};

struct io_uring {
	struct io_uring_sq sq;
	struct io_uring_cq cq;
	unsigned int flags;
	int ring_fd;
};

/* raw syscalls */
int io_uring_setup(unsigned int entries, struct io_uring_params *p);
int io_uring_enter(int fd, unsigned int to_submit, unsigned int min_complete,
		   unsigned int flags, sigset_t *sig);
int io_uring_register(int fd, unsigned int opcode, const void *arg,
		      unsigned int nr_args);

/* set-up and teardown; all return 0 or -errno */
int io_uring_queue_init(unsigned int entries, struct io_uring *ring,
			unsigned int flags);
int io_uring_queue_init_params(unsigned int entries, struct io_uring *ring,
			       struct io_uring_params *p);
int io_uring_queue_mmap(int fd, struct io_uring_params *p,
			struct io_uring *ring);
void io_uring_queue_exit(struct io_uring *ring);

/* submission: the number submitted, or -errno */
struct io_uring_sqe *io_uring_get_sqe(struct io_uring *ring);
int io_uring_submit(struct io_uring *ring);
int io_uring_submit_and_wait(struct io_uring *ring, unsigned int wait_nr);

/* completion: 0 or -errno */
int io_uring_peek_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr);
int io_uring_wait_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr);
unsigned int io_uring_peek_batch_cqe(struct io_uring *ring,
				     struct io_uring_cqe **cqes,
				     unsigned int count);

/* registration: 0 or -errno */
int io_uring_register_buffers(struct io_uring *ring, const struct iovec *iovecs,
			      unsigned int nr_iovecs);
int io_uring_unregister_buffers(struct io_uring *ring);
int io_uring_register_files(struct io_uring *ring, const int *files,
			    unsigned int nr_files);
int io_uring_unregister_files(struct io_uring *ring);

/* Mark @nr CQEs as consumed, giving their slots back to the kernel. */
static inline void io_uring_cq_advance(struct io_uring *ring, unsigned int nr)
{
	if (nr)
		__atomic_store_n(ring->cq.khead, *ring->cq.khead + nr,
				 __ATOMIC_RELEASE);
}

static inline void io_uring_cqe_seen(struct io_uring *ring,
				     struct io_uring_cqe *cqe)
{
	if (cqe)
		io_uring_cq_advance(ring, 1);
}

/* CQEs waiting to be consumed. */
static inline unsigned int io_uring_cq_ready(struct io_uring *ring)
{
	return __atomic_load_n(ring->cq.ktail, __ATOMIC_ACQUIRE) - *ring->cq.khead;
}

static inline void io_uring_sqe_set_data(struct io_uring_sqe *sqe, void *data)
{
	sqe->user_data = (unsigned long)data;
}

static inline void *io_uring_cqe_get_data(const struct io_uring_cqe *cqe)
{
	return (void *)(unsigned long)cqe->user_data;
}

static inline void io_uring_sqe_set_flags(struct io_uring_sqe *sqe,
					  unsigned int flags)
{
	sqe->flags = flags;
}

static inline void io_uring_prep_rw(int op, struct io_uring_sqe *sqe, int fd,
				    const void *addr, unsigned int len,
				    __u64 offset)
{
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = op;
	sqe->fd = fd;
	sqe->off = offset;
	sqe->addr = (unsigned long)addr;
	sqe->len = len;
}

static inline void io_uring_prep_readv(struct io_uring_sqe *sqe, int fd,
				       const struct iovec *iovecs,
				       unsigned int nr_vecs, __u64 offset)
{
	io_uring_prep_rw(IORING_OP_READV, sqe, fd, iovecs, nr_vecs, offset);
}

static inline void io_uring_prep_writev(struct io_uring_sqe *sqe, int fd,
					const struct iovec *iovecs,
					unsigned int nr_vecs, __u64 offset)
{
	io_uring_prep_rw(IORING_OP_WRITEV, sqe, fd, iovecs, nr_vecs, offset);
}

static inline void io_uring_prep_read_fixed(struct io_uring_sqe *sqe, int fd,
					    void *buf, unsigned int nbytes,
					    __u64 offset, int buf_index)
{
	io_uring_prep_rw(IORING_OP_READ_FIXED, sqe, fd, buf, nbytes, offset);
	sqe->buf_index = buf_index;
}

static inline void io_uring_prep_write_fixed(struct io_uring_sqe *sqe, int fd,
					     const void *buf, unsigned int nbytes,
					     __u64 offset, int buf_index)
{
	io_uring_prep_rw(IORING_OP_WRITE_FIXED, sqe, fd, buf, nbytes, offset);
	sqe->buf_index = buf_index;
}

static inline void io_uring_prep_fsync(struct io_uring_sqe *sqe, int fd,
				       unsigned int fsync_flags)
{
	io_uring_prep_rw(IORING_OP_FSYNC, sqe, fd, NULL, 0, 0);
	sqe->fsync_flags = fsync_flags;
}

static inline void io_uring_prep_nop(struct io_uring_sqe *sqe)
{
	io_uring_prep_rw(IORING_OP_NOP, sqe, -1, NULL, 0, 0);
}

static inline void io_uring_prep_poll_add(struct io_uring_sqe *sqe, int fd,
					  unsigned int poll_mask)
{
	io_uring_prep_rw(IORING_OP_POLL_ADD, sqe, fd, NULL, 0, 0);
	sqe->poll32_events = poll_mask;
}

static inline void io_uring_prep_poll_remove(struct io_uring_sqe *sqe,
					     void *user_data)
{
	io_uring_prep_rw(IORING_OP_POLL_REMOVE, sqe, -1, user_data, 0, 0);
}

#endif
