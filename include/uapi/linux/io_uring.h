/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * io_uring: asynchronous I/O through rings shared with the kernel.
 *
 * Userspace fills submission queue entries (SQEs) and publishes their
 * indices on the SQ ring; the kernel posts completion queue entries (CQEs)
 * on the CQ ring.  Both rings and the SQE array are mapped from the ring
 * file descriptor at the IORING_OFF_* offsets below.
 *
 * Every structure here is part of the ABI: sizes and offsets never change,
 * and reserved fields must be zero.
 */
#ifndef LINUX_IO_URING_H
#define LINUX_IO_URING_H

#include <linux/fs.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/time_types.h>

/*
 * One submission queue entry: 64 bytes.
 */
struct io_uring_sqe {
	__u8	opcode;		/* IORING_OP_* */
	__u8	flags;		/* IOSQE_* */
	__u16	ioprio;		/* I/O priority of the request */
	__s32	fd;		/* file descriptor, or fixed file index */
	union {
		__u64	off;	/* file offset */
		__u64	addr2;
		struct {
			__u32	cmd_op;	/* URING_CMD: the driver's command */
			__u32	__pad1;
		};
	};
	union {
		__u64	addr;	/* buffer, iovec array or other pointer */
		__u64	splice_off_in;
	};
	__u32	len;		/* buffer length or number of iovecs */
	union {			/* per-opcode flags */
		__kernel_rwf_t	rw_flags;
		__u32		fsync_flags;
		__u16		poll_events;	/* compatibility */
		__u32		poll32_events;	/* word-reversed on big endian */
		__u32		sync_range_flags;
		__u32		msg_flags;
		__u32		timeout_flags;
		__u32		accept_flags;
		__u32		cancel_flags;
		__u32		open_flags;
		__u32		statx_flags;
		__u32		fadvise_advice;
		__u32		splice_flags;
		__u32		rename_flags;
		__u32		unlink_flags;
		__u32		hardlink_flags;
		__u32		xattr_flags;
		__u32		msg_ring_flags;
		__u32		uring_cmd_flags;
	};
	__u64	user_data;	/* echoed back in the completion */
	union {
		/* index into the registered buffers, for READ/WRITE_FIXED */
		__u16	buf_index;
		__u16	buf_group;
	} __attribute__((packed));
	__u16	personality;
	union {
		__s32	splice_fd_in;
		__u32	file_index;
		struct {
			/* SEND_ZC: the length of the address at addr2 */
			__u16	addr_len;
			__u16	__pad3[1];
		};
	};
	union {
		struct {
			__u64	addr3;
			__u64	__pad2[1];
		};
		/*
		 * URING_CMD: the command for the driver, 16 bytes here, 80
		 * with IORING_SETUP_SQE128 (the SQE's second half too)
		 */
		__u8	cmd[0];
	};
};

/* sqe->flags */
#define IOSQE_FIXED_FILE	(1U << 0)	/* sqe->fd is a registered file index */
#define IOSQE_IO_DRAIN		(1U << 1)	/* start after all earlier SQEs completed */
#define IOSQE_IO_LINK		(1U << 2)	/* the next SQE starts after this one succeeded */
#define IOSQE_IO_HARDLINK	(1U << 3)	/* ... or ended, whatever its result */
#define IOSQE_ASYNC		(1U << 4)	/* go to a worker without trying inline first */
#define IOSQE_BUFFER_SELECT	(1U << 5)	/* take a buffer of group sqe->buf_group */
#define IOSQE_CQE_SKIP_SUCCESS	(1U << 6)	/* no CQE if it succeeds */

/* io_uring_setup() flags */
#define IORING_SETUP_IOPOLL	(1U << 0)	/* completions are polled for, not signalled */
#define IORING_SETUP_SQPOLL	(1U << 1)	/* a kernel thread consumes the SQ */
#define IORING_SETUP_SQ_AFF	(1U << 2)	/* sq_thread_cpu is valid */
#define IORING_SETUP_CQSIZE	(1U << 3)	/* cq_entries is valid */
#define IORING_SETUP_CLAMP	(1U << 4)	/* clamp sizes that are too large */
#define IORING_SETUP_ATTACH_WQ	(1U << 5)	/* share wq_fd's SQ thread */
#define IORING_SETUP_R_DISABLED	(1U << 6)	/* off until IORING_REGISTER_ENABLE_RINGS */
#define IORING_SETUP_SUBMIT_ALL	(1U << 7)	/* go on past an SQE that fails */
/*
 * A hint that completions need not interrupt the task: they never do here,
 * so with it alone no task work is ever left to run.
 */
#define IORING_SETUP_COOP_TASKRUN	(1U << 8)
/* IORING_SQ_TASKRUN says when CQEs wait for io_uring_enter() (DEFER_TASKRUN) */
#define IORING_SETUP_TASKRUN_FLAG	(1U << 9)
#define IORING_SETUP_SQE128		(1U << 10)	/* SQEs of 128 bytes */
#define IORING_SETUP_CQE32		(1U << 11)	/* CQEs of 32 bytes */
#define IORING_SETUP_SINGLE_ISSUER	(1U << 12)	/* one task submits and registers */
/*
 * With SINGLE_ISSUER: CQEs of completions that happen outside the issuer's
 * io_uring_enter() show up only when it next calls with GETEVENTS.
 */
#define IORING_SETUP_DEFER_TASKRUN	(1U << 13)

enum io_uring_op {
	IORING_OP_NOP,
	IORING_OP_READV,
	IORING_OP_WRITEV,
	IORING_OP_FSYNC,
	IORING_OP_READ_FIXED,
	IORING_OP_WRITE_FIXED,
	IORING_OP_POLL_ADD,
	IORING_OP_POLL_REMOVE,
	IORING_OP_SYNC_FILE_RANGE,
	IORING_OP_SENDMSG,
	IORING_OP_RECVMSG,
	IORING_OP_TIMEOUT,
	IORING_OP_TIMEOUT_REMOVE,
	IORING_OP_ACCEPT,
	IORING_OP_ASYNC_CANCEL,
	IORING_OP_LINK_TIMEOUT,
	IORING_OP_CONNECT,
	IORING_OP_FALLOCATE,
	IORING_OP_OPENAT,
	IORING_OP_CLOSE,
	IORING_OP_FILES_UPDATE,
	IORING_OP_STATX,
	IORING_OP_READ,
	IORING_OP_WRITE,
	IORING_OP_FADVISE,
	IORING_OP_MADVISE,
	IORING_OP_SEND,
	IORING_OP_RECV,
	IORING_OP_OPENAT2,
	IORING_OP_EPOLL_CTL,
	IORING_OP_SPLICE,
	IORING_OP_PROVIDE_BUFFERS,
	IORING_OP_REMOVE_BUFFERS,
	IORING_OP_TEE,
	IORING_OP_SHUTDOWN,
	IORING_OP_RENAMEAT,
	IORING_OP_UNLINKAT,
	IORING_OP_MKDIRAT,
	IORING_OP_SYMLINKAT,
	IORING_OP_LINKAT,
	IORING_OP_MSG_RING,
	IORING_OP_FSETXATTR,
	IORING_OP_SETXATTR,
	IORING_OP_FGETXATTR,
	IORING_OP_GETXATTR,
	IORING_OP_SOCKET,
	IORING_OP_URING_CMD,
	IORING_OP_SEND_ZC,
	IORING_OP_SENDMSG_ZC,

	/* this goes last, obviously */
	IORING_OP_LAST,
};

/* sqe->splice_flags: beyond those of splice(2), splice_fd_in is a registered file */
#define SPLICE_F_FD_IN_FIXED	(1U << 31)

/* IORING_OP_MSG_RING: the command, in sqe->addr */
enum {
	IORING_MSG_DATA,	/* a CQE with res len and user_data off */
	IORING_MSG_SEND_FD,	/* a registered file, into the target's table */
};

/* sqe->msg_ring_flags */
#define IORING_MSG_RING_CQE_SKIP	(1U << 0)	/* no CQE in the target ring */

/* sqe->ioprio of ACCEPT: a CQE (with IORING_CQE_F_MORE) for each connection */
#define IORING_ACCEPT_MULTISHOT	(1U << 0)

/*
 * sqe->ioprio of SEND, SENDMSG, RECV and RECVMSG.  POLL_FIRST: wait for
 * the socket to be ready before the first try, rather than try first.
 * RECV_MULTISHOT (receives, with IOSQE_BUFFER_SELECT): a CQE with
 * IORING_CQE_F_MORE for each provided buffer filled, until an error, the
 * end of the stream or a cancellation ends it.
 */
#define IORING_RECVSEND_POLL_FIRST	(1U << 0)
#define IORING_RECV_MULTISHOT		(1U << 1)
/* SEND_ZC: from registered buffer buf_index */
#define IORING_RECVSEND_FIXED_BUF	(1U << 2)

/*
 * sqe->cancel_flags of ASYNC_CANCEL, and the flags of
 * IORING_REGISTER_SYNC_CANCEL: which requests to cancel.  By default the
 * first whose user_data is sqe->addr.
 */
#define IORING_ASYNC_CANCEL_ALL		(1U << 0)	/* each match: res is their number */
#define IORING_ASYNC_CANCEL_FD		(1U << 1)	/* those using the file sqe->fd */
#define IORING_ASYNC_CANCEL_ANY		(1U << 2)	/* every request: implies ALL */
#define IORING_ASYNC_CANCEL_FD_FIXED	(1U << 3)	/* with FD: a registered file's slot */

/*
 * sqe->uring_cmd_flags.  FIXED: the command's data buffer is registered
 * buffer buf_index (the driver says where in it the data goes).
 */
#define IORING_URING_CMD_FIXED	(1U << 0)

/* sqe->fsync_flags */
#define IORING_FSYNC_DATASYNC	(1U << 0)

/* sqe->timeout_flags */
#define IORING_TIMEOUT_ABS		(1U << 0)	/* an absolute time on its clock */
#define IORING_TIMEOUT_UPDATE		(1U << 1)	/* TIMEOUT_REMOVE: set a new time */
#define IORING_TIMEOUT_BOOTTIME		(1U << 2)	/* CLOCK_BOOTTIME, not MONOTONIC */
#define IORING_TIMEOUT_REALTIME		(1U << 3)	/* CLOCK_REALTIME, not MONOTONIC */
#define IORING_LINK_TIMEOUT_UPDATE	(1U << 4)	/* as UPDATE, of a LINK_TIMEOUT */
#define IORING_TIMEOUT_ETIME_SUCCESS	(1U << 5)	/* -ETIME does not break a chain */
#define IORING_TIMEOUT_CLOCK_MASK	(IORING_TIMEOUT_BOOTTIME | IORING_TIMEOUT_REALTIME)
#define IORING_TIMEOUT_UPDATE_MASK	(IORING_TIMEOUT_UPDATE | IORING_LINK_TIMEOUT_UPDATE)

/*
 * sqe->len of POLL_ADD: IORING_POLL_ADD_MULTI, a CQE (with
 * IORING_CQE_F_MORE) each time the file is ready, until removed.  Of
 * POLL_REMOVE: what to update in the poll whose user_data is sqe->addr,
 * the events (sqe->poll32_events) or the user_data (sqe->off).
 * IORING_POLL_ADD_LEVEL is taken by neither on 6.1.
 */
#define IORING_POLL_ADD_MULTI		(1U << 0)
#define IORING_POLL_UPDATE_EVENTS	(1U << 1)
#define IORING_POLL_UPDATE_USER_DATA	(1U << 2)
#define IORING_POLL_ADD_LEVEL		(1U << 3)

/*
 * One completion queue entry: 16 bytes.
 */
struct io_uring_cqe {
	__u64	user_data;	/* sqe->user_data, unchanged */
	__s32	res;		/* result, or -errno */
	__u32	flags;
	/* IORING_SETUP_CQE32: 16 bytes more, 0 unless an opcode says otherwise */
	__u64	big_cqe[];
};

/*
 * cqe->flags: IORING_CQE_F_BUFFER says the request used the provided
 * buffer whose ID is in the upper 16 bits; IORING_CQE_F_MORE, that more
 * CQEs of the same request follow; IORING_CQE_F_SOCK_NONEMPTY, that a
 * receive left data in its socket (TCP says so); IORING_CQE_F_NOTIF marks a
 * zero-copy send's notification: its memory is the application's again.
 */
#define IORING_CQE_F_BUFFER		(1U << 0)
#define IORING_CQE_F_MORE		(1U << 1)
#define IORING_CQE_F_SOCK_NONEMPTY	(1U << 2)
#define IORING_CQE_F_NOTIF		(1U << 3)
#define IORING_CQE_BUFFER_SHIFT		16

/* Magic offsets for mmap() of the ring file descriptor. */
#define IORING_OFF_SQ_RING	0ULL
#define IORING_OFF_CQ_RING	0x8000000ULL
#define IORING_OFF_SQES		0x10000000ULL

/* Where each SQ ring field lives, relative to the IORING_OFF_SQ_RING mapping. */
struct io_sqring_offsets {
	__u32 head;
	__u32 tail;
	__u32 ring_mask;
	__u32 ring_entries;
	__u32 flags;
	__u32 dropped;
	__u32 array;
	__u32 resv1;
	__u64 resv2;
};

/* sq_ring->flags */
#define IORING_SQ_NEED_WAKEUP	(1U << 0)	/* the SQ thread sleeps: IORING_ENTER_SQ_WAKEUP */
#define IORING_SQ_CQ_OVERFLOW	(1U << 1)	/* CQEs wait in the kernel for CQ ring space */
#define IORING_SQ_TASKRUN	(1U << 2)	/* task work waits for io_uring_enter() */

/* Where each CQ ring field lives, relative to the IORING_OFF_CQ_RING mapping. */
struct io_cqring_offsets {
	__u32 head;
	__u32 tail;
	__u32 ring_mask;
	__u32 ring_entries;
	__u32 overflow;
	__u32 cqes;
	__u32 flags;
	__u32 resv1;
	__u64 resv2;
};

/* cq_ring->flags, written by userspace */
#define IORING_CQ_EVENTFD_DISABLED	(1U << 0)	/* completions do not signal the eventfd */

/* io_uring_enter() flags */
#define IORING_ENTER_GETEVENTS	(1U << 0)
#define IORING_ENTER_SQ_WAKEUP	(1U << 1)
#define IORING_ENTER_SQ_WAIT	(1U << 2)	/* SQPOLL: wait for room in the SQ ring */
#define IORING_ENTER_EXT_ARG	(1U << 3)	/* sig points to struct io_uring_getevents_arg */
#define IORING_ENTER_REGISTERED_RING	(1U << 4)	/* fd: an IORING_REGISTER_RING_FDS index */

/*
 * Passed to io_uring_setup(); the kernel fills in the ring sizes and the
 * offsets on success.
 */
struct io_uring_params {
	__u32 sq_entries;
	__u32 cq_entries;
	__u32 flags;
	__u32 sq_thread_cpu;
	__u32 sq_thread_idle;	/* milliseconds */
	__u32 features;		/* IORING_FEAT_*, set by the kernel */
	__u32 wq_fd;
	__u32 resv[3];
	struct io_sqring_offsets sq_off;
	struct io_cqring_offsets cq_off;
};

/*
 * IORING_ENTER_EXT_ARG: io_uring_enter()'s sig argument points to this and
 * sigsz is its size.  ts, if not 0, points to a struct __kernel_timespec:
 * how long GETEVENTS waits at most before it gives up with -ETIME.
 */
struct io_uring_getevents_arg {
	__u64	sigmask;
	__u32	sigmask_sz;
	__u32	pad;
	__u64	ts;
};

/* io_uring_params->features */
#define IORING_FEAT_SINGLE_MMAP		(1U << 0)	/* one mmap() covers SQ and CQ ring */
#define IORING_FEAT_NODROP		(1U << 1)	/* a full CQ ring loses no CQE */
#define IORING_FEAT_SUBMIT_STABLE	(1U << 2)	/* SQE pointers read at submission */
#define IORING_FEAT_RW_CUR_POS		(1U << 3)	/* offset -1: the file position */
#define IORING_FEAT_CUR_PERSONALITY	(1U << 4)	/* the submitting thread's creds */
#define IORING_FEAT_FAST_POLL		(1U << 5)	/* pollable files wait without a thread */
#define IORING_FEAT_POLL_32BITS		(1U << 6)	/* all 32 bits of poll32_events */
#define IORING_FEAT_SQPOLL_NONFIXED	(1U << 7)	/* SQPOLL takes plain fds too */
#define IORING_FEAT_EXT_ARG		(1U << 8)	/* IORING_ENTER_EXT_ARG */
#define IORING_FEAT_NATIVE_WORKERS	(1U << 9)	/* async work in the submitter's threads */
#define IORING_FEAT_RSRC_TAGS		(1U << 10)	/* tags for registered files and buffers */
#define IORING_FEAT_CQE_SKIP		(1U << 11)	/* IOSQE_CQE_SKIP_SUCCESS */
#define IORING_FEAT_LINKED_FILE		(1U << 12)	/* a chain's files at their turn */

/* io_uring_register() opcodes */
#define IORING_REGISTER_BUFFERS		0
#define IORING_UNREGISTER_BUFFERS	1
#define IORING_REGISTER_FILES		2
#define IORING_UNREGISTER_FILES		3
#define IORING_REGISTER_EVENTFD		4
#define IORING_UNREGISTER_EVENTFD	5
#define IORING_REGISTER_FILES_UPDATE	6
#define IORING_REGISTER_EVENTFD_ASYNC	7	/* signalled by completions in workers only */
#define IORING_REGISTER_PROBE		8
#define IORING_REGISTER_PERSONALITY	9
#define IORING_UNREGISTER_PERSONALITY	10
#define IORING_REGISTER_RESTRICTIONS	11	/* struct io_uring_restriction[nr_args] */
#define IORING_REGISTER_ENABLE_RINGS	12
#define IORING_REGISTER_FILES2		13	/* struct io_uring_rsrc_register */
#define IORING_REGISTER_FILES_UPDATE2	14	/* struct io_uring_rsrc_update2 */
#define IORING_REGISTER_BUFFERS2	15	/* struct io_uring_rsrc_register */
#define IORING_REGISTER_BUFFERS_UPDATE	16	/* struct io_uring_rsrc_update2 */
#define IORING_REGISTER_IOWQ_AFF	17
#define IORING_UNREGISTER_IOWQ_AFF	18
#define IORING_REGISTER_IOWQ_MAX_WORKERS	19
#define IORING_REGISTER_RING_FDS	20	/* struct io_uring_rsrc_update[nr_args] */
#define IORING_UNREGISTER_RING_FDS	21	/* struct io_uring_rsrc_update[nr_args] */
#define IORING_REGISTER_PBUF_RING	22	/* struct io_uring_buf_reg, nr_args 1 */
#define IORING_UNREGISTER_PBUF_RING	23	/* struct io_uring_buf_reg, nr_args 1 */
#define IORING_REGISTER_SYNC_CANCEL	24	/* struct io_uring_sync_cancel_reg */
#define IORING_REGISTER_FILE_ALLOC_RANGE	25	/* struct io_uring_file_index_range */
#define IORING_REGISTER_LAST		26	/* one past the last opcode 6.1 knows */

/* IORING_REGISTER_FILES_UPDATE, and IORING_OP_FILES_UPDATE's addr */
struct io_uring_files_update {
	__u32 offset;
	__u32 resv;
	__aligned_u64 /* __s32 * */ fds;
};

/*
 * IORING_REGISTER_RING_FDS: the ring fd in data goes to the calling
 * thread's slot offset (-1U: the first free one, written back here);
 * IORING_UNREGISTER_RING_FDS empties slot offset.
 */
struct io_uring_rsrc_update {
	__u32 offset;
	__u32 resv;
	__aligned_u64 data;
};

/* IORING_REGISTER_FILES2: nr slots, from the fds at data or empty */
struct io_uring_rsrc_register {
	__u32 nr;
	__u32 flags;		/* IORING_RSRC_REGISTER_* */
	__u64 resv2;
	__aligned_u64 data;
	__aligned_u64 tags;
};

#define IORING_RSRC_REGISTER_SPARSE	(1U << 0)	/* all slots empty, no data */

/* IORING_REGISTER_FILES_UPDATE2: nr fds at data go to slots offset on */
struct io_uring_rsrc_update2 {
	__u32 offset;
	__u32 resv;
	__aligned_u64 data;
	__aligned_u64 tags;
	__u32 nr;
	__u32 resv2;
};

/* IORING_REGISTER_FILE_ALLOC_RANGE: IORING_FILE_INDEX_ALLOC takes [off, off + len) */
struct io_uring_file_index_range {
	__u32 off;
	__u32 len;
	__u64 resv;
};

/*
 * IORING_REGISTER_PBUF_RING: provided buffers in a ring of ring_entries
 * (a power of 2, below 65536) struct io_uring_buf at the page-aligned
 * ring_addr, for group bgid.  The application adds an entry and then
 * moves tail on (a release store); IOSQE_BUFFER_SELECT takes entries in
 * ring order, and the CQE names each by its bid, as for classic groups.
 * IORING_UNREGISTER_PBUF_RING reads only bgid.
 */
struct io_uring_buf {
	__u64	addr;
	__u32	len;
	__u16	bid;
	__u16	resv;
};

struct io_uring_buf_ring {
	union {
		/* the tail overlays bufs[0].resv: no entry's own field */
		struct {
			__u64	resv1;
			__u32	resv2;
			__u16	resv3;
			__u16	tail;
		};
		__DECLARE_FLEX_ARRAY(struct io_uring_buf, bufs);
	};
};

struct io_uring_buf_reg {
	__u64	ring_addr;
	__u32	ring_entries;
	__u16	bgid;
	__u16	pad;
	__u64	resv[3];
};

/*
 * IORING_REGISTER_SYNC_CANCEL: cancel as ASYNC_CANCEL would (addr, fd and
 * flags as its sqe->addr, fd and cancel_flags), and wait until what was
 * found has ended, for at most timeout (-1, -1: no limit).
 */
struct io_uring_sync_cancel_reg {
	__u64				addr;
	__s32				fd;
	__u32				flags;
	struct __kernel_timespec	timeout;
	__u64				pad[4];
};

/*
 * IORING_REGISTER_RESTRICTIONS, on a ring set up IORING_SETUP_R_DISABLED:
 * from IORING_REGISTER_ENABLE_RINGS on, only the register opcodes and SQE
 * opcodes listed are allowed, and only SQEs whose flags are within those
 * allowed and include those required (-EACCES otherwise).
 */
struct io_uring_restriction {
	__u16 opcode;			/* IORING_RESTRICTION_* */
	union {
		__u8 register_op;	/* IORING_RESTRICTION_REGISTER_OP */
		__u8 sqe_op;		/* IORING_RESTRICTION_SQE_OP */
		__u8 sqe_flags;		/* IORING_RESTRICTION_SQE_FLAGS_* */
	};
	__u8 resv;
	__u32 resv2[3];
};

enum {
	IORING_RESTRICTION_REGISTER_OP		= 0,	/* allow this register opcode */
	IORING_RESTRICTION_SQE_OP		= 1,	/* allow this SQE opcode */
	IORING_RESTRICTION_SQE_FLAGS_ALLOWED	= 2,	/* these IOSQE_* flags may be set */
	IORING_RESTRICTION_SQE_FLAGS_REQUIRED	= 3,	/* these IOSQE_* flags must be set */
	IORING_RESTRICTION_LAST
};

/* an fd of a files update: leave this slot as it is */
#define IORING_REGISTER_FILES_SKIP	(-2)
/*
 * IORING_OP_FILES_UPDATE's offset: put each file in a free slot; as the
 * file_index of OPENAT, OPENAT2, ACCEPT, SOCKET and MSG_RING's
 * IORING_MSG_SEND_FD: make a direct descriptor at a free slot.
 */
#define IORING_FILE_INDEX_ALLOC		(~0U)

/* IORING_REGISTER_PROBE: which opcodes this kernel offers */
#define IO_URING_OP_SUPPORTED	(1U << 0)

/*
 * The start of each buffer a multishot RECVMSG fills: then namelen bytes
 * for the sender's address and controllen for control data (the sizes
 * the SQE's msghdr gave), then the payload.  namelen, payloadlen: the
 * sizes before truncation; flags: recvmsg(2)'s msg_flags.
 */
struct io_uring_recvmsg_out {
	__u32 namelen;
	__u32 controllen;
	__u32 payloadlen;
	__u32 flags;
};

struct io_uring_probe_op {
	__u8 op;
	__u8 resv;
	__u16 flags;	/* IO_URING_OP_* */
	__u32 resv2;
};

struct io_uring_probe {
	__u8 last_op;	/* the highest opcode this kernel knows */
	__u8 ops_len;	/* entries of ops[] filled in */
	__u16 resv;
	__u32 resv2[3];
	struct io_uring_probe_op ops[];
};

#endif /* LINUX_IO_URING_H */
