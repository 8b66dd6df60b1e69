// SPDX-License-Identifier: MIT
/* Ring set-up, mapping, teardown and registration. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "liburing.h"

static void *ring_map(int fd, size_t size, off_t offset)
{
	return mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, fd, offset);
}

static void io_uring_unmap(struct io_uring *ring)
{
	struct io_uring_sq *sq = &ring->sq;
	struct io_uring_cq *cq = &ring->cq;

	if (sq->sqes && sq->sqes != MAP_FAILED)
		munmap(sq->sqes, sq->sqes_sz);
	if (cq->ring_ptr && cq->ring_ptr != MAP_FAILED)
		munmap(cq->ring_ptr, cq->ring_sz);
	if (sq->ring_ptr && sq->ring_ptr != MAP_FAILED)
		munmap(sq->ring_ptr, sq->ring_sz);
}

int io_uring_queue_mmap(int fd, struct io_uring_params *p, struct io_uring *ring)
{
	struct io_uring_sq *sq = &ring->sq;
	struct io_uring_cq *cq = &ring->cq;
	int ret;

	memset(ring, 0, sizeof(*ring));
	ring->ring_fd = fd;
	ring->flags = p->flags;

	sq->ring_sz = p->sq_off.array + p->sq_entries * sizeof(unsigned int);
	sq->ring_ptr = ring_map(fd, sq->ring_sz, IORING_OFF_SQ_RING);
	if (sq->ring_ptr == MAP_FAILED)
		return -errno;
	sq->khead = sq->ring_ptr + p->sq_off.head;
	sq->ktail = sq->ring_ptr + p->sq_off.tail;
	sq->kring_mask = sq->ring_ptr + p->sq_off.ring_mask;
	sq->kring_entries = sq->ring_ptr + p->sq_off.ring_entries;
	sq->kflags = sq->ring_ptr + p->sq_off.flags;
	sq->kdropped = sq->ring_ptr + p->sq_off.dropped;
	sq->array = sq->ring_ptr + p->sq_off.array;

	sq->sqe_shift = !!(p->flags & IORING_SETUP_SQE128);
	sq->sqes_sz = (p->sq_entries * sizeof(struct io_uring_sqe)) << sq->sqe_shift;
	sq->sqes = ring_map(fd, sq->sqes_sz, IORING_OFF_SQES);
	if (sq->sqes == MAP_FAILED)
		goto err;

	cq->cqe_shift = !!(p->flags & IORING_SETUP_CQE32);
	cq->ring_sz = p->cq_off.cqes +
		      ((p->cq_entries * sizeof(struct io_uring_cqe)) << cq->cqe_shift);
	cq->ring_ptr = ring_map(fd, cq->ring_sz, IORING_OFF_CQ_RING);
	if (cq->ring_ptr == MAP_FAILED)
		goto err;
	cq->khead = cq->ring_ptr + p->cq_off.head;
	cq->ktail = cq->ring_ptr + p->cq_off.tail;
	cq->kring_mask = cq->ring_ptr + p->cq_off.ring_mask;
	cq->kring_entries = cq->ring_ptr + p->cq_off.ring_entries;
	cq->koverflow = cq->ring_ptr + p->cq_off.overflow;
	cq->cqes = cq->ring_ptr + p->cq_off.cqes;

	sq->sqe_head = *sq->ktail;
	sq->sqe_tail = sq->sqe_head;
	return 0;
err:
	ret = -errno;
	io_uring_unmap(ring);
	return ret;
}

int io_uring_queue_init_params(unsigned int entries, struct io_uring *ring,
			       struct io_uring_params *p)
{
	int fd, ret;

	fd = io_uring_setup(entries, p);
	if (fd < 0)
		return -errno;
	ret = io_uring_queue_mmap(fd, p, ring);
	if (ret)
		close(fd);
	return ret;
}

int io_uring_queue_init(unsigned int entries, struct io_uring *ring,
			unsigned int flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	return io_uring_queue_init_params(entries, ring, &p);
}

void io_uring_queue_exit(struct io_uring *ring)
{
	io_uring_unmap(ring);
	close(ring->ring_fd);
}

static int do_register(struct io_uring *ring, unsigned int op, const void *arg,
		       unsigned int nr)
{
	return io_uring_register(ring->ring_fd, op, arg, nr) < 0 ? -errno : 0;
}

int io_uring_register_buffers(struct io_uring *ring, const struct iovec *iovecs,
			      unsigned int nr_iovecs)
{
	return do_register(ring, IORING_REGISTER_BUFFERS, iovecs, nr_iovecs);
}

int io_uring_unregister_buffers(struct io_uring *ring)
{
	return do_register(ring, IORING_UNREGISTER_BUFFERS, NULL, 0);
}

int io_uring_register_files(struct io_uring *ring, const int *files,
			    unsigned int nr_files)
{
	return do_register(ring, IORING_REGISTER_FILES, files, nr_files);
}

int io_uring_unregister_files(struct io_uring *ring)
{
	return do_register(ring, IORING_UNREGISTER_FILES, NULL, 0);
}
