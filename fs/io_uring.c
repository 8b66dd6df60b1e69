// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring: asynchronous I/O through submission and completion rings that
 * the kernel shares with userspace.
 *
 * Userspace writes submission queue entries (SQEs) into an array, publishes
 * their indices on the SQ ring and moves the SQ tail; io_uring_enter() (or,
 * with IORING_SETUP_SQPOLL, a kernel thread) consumes them.  Every request ends
 * with exactly one completion queue entry (CQE) on the CQ ring, carrying the
 * SQE's user_data and the result.
 *
 * Memory ordering contract with userspace.  Each ring has one producer and
 * one consumer; the producer owns the tail, the consumer owns the head:
 *
 *  - SQ: userspace fills the SQE and the index array slot, then stores the
 *    tail with release semantics.  The kernel loads the tail with acquire
 *    semantics (io_sqring_avail()), so the entries it then reads are
 *    complete, and never walks more than a ring's worth past its head.
 *    The kernel stores the SQ head with release semantics once it has
 *    copied the entries, and userspace loads it with acquire semantics
 *    before reusing those slots.
 *  - CQ: the kernel fills a CQE, then stores the tail with release semantics
 *    (io_commit_cqring()); userspace loads the tail with acquire semantics
 *    before reading the CQEs and stores the head with release semantics when
 *    it is done with them; the kernel reads that head before overwriting a
 *    slot.
 *
 * Every load and store of memory that userspace can write goes through
 * READ_ONCE()/WRITE_ONCE() or the acquire/release helpers, and every value
 * read from it is read once: SQEs are copied into the request before they
 * are looked at, and indices are masked or range-checked before use.
 *
 * Requests are tried inline with IOCB_NOWAIT; when that would block they
 * are handed to the submitting task's pool of I/O threads (fs/io-wq.c):
 * threads of its own process, which share its memory, files, root,
 * rlimits and cgroups by construction, and run each request with the
 * credentials it was submitted with.  The SQ thread of IORING_SETUP_SQPOLL
 * is such a thread of the ring creator's process too.
 *
 * Lifetimes.  A ring's memory lives until the last request of a closed
 * ring is gone: each request holds a reference (ctx->refs).  Closing a
 * ring cancels what waits (polls, timeouts, held-back and queued work),
 * interrupts what blocks in a worker, and reaps polled requests.  A task
 * that submitted requests keeps its io_uring_task until its exit or exec,
 * which cancel its requests on every ring it used and wait until none is
 * left, so a request never outlives the task whose threads run it.
 *
 * Locks, outermost first: sqd->lock (an SQ thread's pass over its rings),
 * ctx->uring_lock (submission, IOPOLL reaping, register), completion_lock
 * (the CQ ring, armed polls, timeouts, held-back requests), a polled
 * file's wait queue lock, link_timeout_lock, async_lock, and the worker
 * pool's lock (fs/io-wq.c), innermost.  buf_lock, the seq_run locks,
 * io_task_lock and a task's inflight wait queue take none of ours.  The
 * spinlocks but io_task_lock are taken from hard irq too (block
 * completions, hrtimers), so always with interrupts off.  Where a path
 * needs the other order a trylock stands in: a poll wakeup, under its
 * queue's lock, only try-locks completion_lock; fdinfo, under the
 * seq_file's lock, only try-locks uring_lock; a timer is stopped with
 * hrtimer_try_to_cancel() under the locks its callback takes.  A ring or
 * eventfd that a wakeup would wake is woken from irq_work instead.
 */
#define pr_fmt(fmt) "io_uring: " fmt

#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/errno.h>
#include <linux/syscalls.h>
#include <linux/compat.h>
#include <linux/refcount.h>
#include <linux/uio.h>
#include <linux/sched/signal.h>
#include <linux/sched/mm.h>
#include <linux/sched/user.h>
#include <linux/fs.h>
#include <linux/falloc.h>
#include <linux/fadvise.h>
#include <linux/namei.h>
#include <linux/splice.h>
#include <linux/eventpoll.h>
#include <linux/file.h>
#include <linux/fdtable.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmu_context.h>
#include <linux/percpu-refcount.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <linux/kthread.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/eventfd.h>
#include <linux/llist.h>
#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <linux/anon_inodes.h>
#include <linux/uaccess.h>
#include <linux/poll.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/ioprio.h>
#include <linux/cred.h>
#include <linux/fs_struct.h>
#include <linux/fsnotify.h>
#include <linux/sched/task.h>
#include <linux/capability.h>
#include <linux/bvec.h>
#include <linux/hugetlb.h>
#include <linux/nospec.h>
#include <linux/sizes.h>
#include <linux/sysctl.h>
#include <linux/uidgid.h>
#include <linux/task_work.h>
#include <linux/xarray.h>
#include <linux/seq_file.h>
#include <linux/proc_fs.h>
#include <net/compat.h>
#include <net/sock.h>

#include <linux/io_uring.h>
#include <uapi/linux/io_uring.h>

#include "internal.h"
#include "io-wq.h"

#define IORING_MAX_ENTRIES	32768
#define IORING_MAX_CQ_ENTRIES	(2 * IORING_MAX_ENTRIES)

/* Submission flags we act on; anything else in sqe->flags is -EINVAL. */
#define IOSQE_VALID_FLAGS	(IOSQE_FIXED_FILE | IOSQE_IO_DRAIN | IOSQE_IO_LINK | \
				 IOSQE_IO_HARDLINK | IOSQE_ASYNC | IOSQE_BUFFER_SELECT | \
				 IOSQE_CQE_SKIP_SUCCESS)
/* either link flag makes the next SQE part of the chain */
#define IOSQE_LINK_FLAGS	(IOSQE_IO_LINK | IOSQE_IO_HARDLINK)
#define IORING_SETUP_VALID	(IORING_SETUP_IOPOLL | IORING_SETUP_SQPOLL | \
				 IORING_SETUP_SQ_AFF | IORING_SETUP_CQSIZE | \
				 IORING_SETUP_CLAMP | IORING_SETUP_ATTACH_WQ | \
				 IORING_SETUP_R_DISABLED | IORING_SETUP_SUBMIT_ALL | \
				 IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG | \
				 IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | \
				 IORING_SETUP_SQE128 | IORING_SETUP_CQE32)
/* The opcodes this kernel offers; the others answer -EINVAL */
#define IO_OPS_SUPPORTED	(BIT_ULL(IORING_OP_NOP) | BIT_ULL(IORING_OP_READV) | \
				 BIT_ULL(IORING_OP_WRITEV) | BIT_ULL(IORING_OP_FSYNC) | \
				 BIT_ULL(IORING_OP_READ_FIXED) | BIT_ULL(IORING_OP_WRITE_FIXED) | \
				 BIT_ULL(IORING_OP_POLL_ADD) | BIT_ULL(IORING_OP_POLL_REMOVE) | \
				 BIT_ULL(IORING_OP_SYNC_FILE_RANGE) | BIT_ULL(IORING_OP_TIMEOUT) | \
				 BIT_ULL(IORING_OP_TIMEOUT_REMOVE) | \
				 BIT_ULL(IORING_OP_SENDMSG) | BIT_ULL(IORING_OP_RECVMSG) | \
				 BIT_ULL(IORING_OP_SEND_ZC) | BIT_ULL(IORING_OP_SENDMSG_ZC) | \
				 BIT_ULL(IORING_OP_CONNECT) | BIT_ULL(IORING_OP_SEND) | \
				 BIT_ULL(IORING_OP_RECV) | BIT_ULL(IORING_OP_ASYNC_CANCEL) | \
				 BIT_ULL(IORING_OP_READ) | BIT_ULL(IORING_OP_WRITE) | \
				 BIT_ULL(IORING_OP_ACCEPT) | BIT_ULL(IORING_OP_OPENAT) | \
				 BIT_ULL(IORING_OP_CLOSE) | BIT_ULL(IORING_OP_STATX) | \
				 BIT_ULL(IORING_OP_FALLOCATE) | BIT_ULL(IORING_OP_LINK_TIMEOUT) | \
				 BIT_ULL(IORING_OP_FILES_UPDATE) | \
				 BIT_ULL(IORING_OP_FADVISE) | BIT_ULL(IORING_OP_MADVISE) | \
				 BIT_ULL(IORING_OP_URING_CMD) | \
				 BIT_ULL(IORING_OP_SHUTDOWN) | BIT_ULL(IORING_OP_RENAMEAT) | \
				 BIT_ULL(IORING_OP_UNLINKAT) | BIT_ULL(IORING_OP_MKDIRAT) | \
				 BIT_ULL(IORING_OP_SYMLINKAT) | BIT_ULL(IORING_OP_LINKAT) | \
				 BIT_ULL(IORING_OP_OPENAT2) | BIT_ULL(IORING_OP_EPOLL_CTL) | \
				 BIT_ULL(IORING_OP_SPLICE) | BIT_ULL(IORING_OP_TEE) | \
				 BIT_ULL(IORING_OP_SOCKET) | BIT_ULL(IORING_OP_MSG_RING) | \
				 BIT_ULL(IORING_OP_PROVIDE_BUFFERS) | \
				 BIT_ULL(IORING_OP_REMOVE_BUFFERS) | \
				 BIT_ULL(IORING_OP_FSETXATTR) | BIT_ULL(IORING_OP_SETXATTR) | \
				 BIT_ULL(IORING_OP_FGETXATTR) | BIT_ULL(IORING_OP_GETXATTR))
/* What io_uring_setup() reports in params->features */
#define IORING_FEATURES		(IORING_FEAT_SINGLE_MMAP | IORING_FEAT_NODROP | \
				 IORING_FEAT_FAST_POLL | IORING_FEAT_SQPOLL_NONFIXED | \
				 IORING_FEAT_NATIVE_WORKERS | IORING_FEAT_EXT_ARG | \
				 IORING_FEAT_RW_CUR_POS | IORING_FEAT_CUR_PERSONALITY | \
				 IORING_FEAT_CQE_SKIP | IORING_FEAT_LINKED_FILE | \
				 IORING_FEAT_POLL_32BITS | IORING_FEAT_SUBMIT_STABLE | \
				 IORING_FEAT_RSRC_TAGS)
#define IORING_ENTER_VALID	(IORING_ENTER_GETEVENTS | IORING_ENTER_SQ_WAKEUP | \
				 IORING_ENTER_SQ_WAIT | IORING_ENTER_EXT_ARG | \
				 IORING_ENTER_REGISTERED_RING)

/* Registration limits */
#define IO_RING_FDS_MAX		16	/* IORING_REGISTER_RING_FDS slots per thread */
#define IORING_MAX_FIXED_FILES	BIT(20)
#define IORING_MAX_BUF_SIZE	SZ_1G
#define IORING_MAX_REG_BUFFERS	BIT(14)

/* Requests allocated in one go when the request cache runs dry. */
#define IO_REQ_ALLOC_BATCH	8
/* Batches at least this long are plugged, so the block layer can merge. */
#define IO_PLUG_THRESHOLD	4

/*
 * A ring's head and tail: each on its own cacheline, since the two sides
 * write them from different CPUs.
 */
struct io_uring {
	u32 head ____cacheline_aligned_in_smp;
	u32 tail ____cacheline_aligned_in_smp;
};

/*
 * The SQ ring.  It shares one allocation with the CQ ring, after it, so
 * that one mmap() covers both (IORING_FEAT_SINGLE_MMAP).
 */
struct io_sq_ring {
	struct io_uring		r;
	u32			ring_mask;
	u32			ring_entries;
	/* written by the kernel only: SQ index array entries out of range */
	u32			dropped;
	/* IORING_SQ_*, set and cleared by the SQ thread and by completions */
	atomic_t		flags;
	/* indices into the SQE array, written by userspace */
	u32			array[];
};

/*
 * A slot of the CQ ring: a struct io_uring_cqe without its flexible tail,
 * as C has no arrays of those.  A CQE of an IORING_SETUP_CQE32 ring takes
 * two slots.
 */
struct io_cq_slot {
	u64			user_data;
	s32			res;
	u32			flags;
};

static_assert(sizeof(struct io_cq_slot) == sizeof(struct io_uring_cqe));

/* The CQ ring, at the start of the rings' allocation. */
struct io_cq_ring {
	struct io_uring		r;
	u32			ring_mask;
	u32			ring_entries;
	/* written by the kernel only: completions lost to a full ring */
	u32			overflow;
	/* written by userspace: IORING_CQ_EVENTFD_DISABLED */
	u32			flags;
	struct io_cq_slot	cqes[] ____cacheline_aligned_in_smp;
};

/*
 * A run of sequential buffered requests to one file, punted in order, is
 * served by the one worker that took its first request: it stays in order
 * and readahead sees one stream instead of several racing workers.
 */
struct io_seq_run {
	/* protects the rest; taken from interrupt context too */
	spinlock_t		lock;
	/* the file the run is on, compared only; NULL when no run is active */
	struct file		*file;
	/* whose worker serves it: only that task's requests may join */
	struct task_struct	*task;
	/* where the next request of the run starts */
	loff_t			io_end;
	/* requests waiting for the run's worker */
	struct list_head	list;
};

/* A registered eventfd; freed after an RCU grace period. */
struct io_ev_fd {
	struct eventfd_ctx	*ctx;
	/* IORING_REGISTER_EVENTFD_ASYNC: only completions in I/O workers */
	bool			async;
	struct rcu_head		rcu;
};

/* A CQE waiting for room in the CQ ring, and its extra1 on a CQE32 ring. */
struct io_backlog_cqe {
	struct list_head	list;
	struct io_uring_cqe	cqe;
	u64			extra1;
};

/*
 * IORING_SETUP_SQPOLL: an I/O thread of the creator's process that submits
 * for one ring, or for several of that process's rings when they were set
 * up with IORING_SETUP_ATTACH_WQ.  The thread touches a ring only while it
 * is on ctx_list and the thread holds lock; a ring leaves the list at
 * release, and the last one to leave stops the thread.  The rings and the
 * thread hold a reference each.
 */
struct io_sq_data {
	refcount_t		refs;
	/* guards ctx_list, idle, stop and dead; the thread's while it works */
	struct mutex		lock;
	struct list_head	ctx_list;
	struct task_struct	*thread;
	/* the thread sleeps here when all its rings are idle */
	wait_queue_head_t	wait;
	/* the longest sq_thread_idle of the rings, under lock */
	unsigned long		idle;
	int			cpu;
	/* the process whose rings may attach */
	pid_t			tgid;
	/* no ring is left (stop), or the thread has exited (dead) */
	bool			stop;
	bool			dead;
	struct completion	exited;
};

/*
 * IORING_REGISTER_RESTRICTIONS: what a restricted ring allows.  Set before
 * the ring is enabled, read-only after.
 */
struct io_restrictions {
	DECLARE_BITMAP(register_op, IORING_REGISTER_LAST);
	DECLARE_BITMAP(sqe_op, IORING_OP_LAST);
	u8			sqe_flags_allowed;
	u8			sqe_flags_required;
};

struct io_ring_ctx {
	/* live requests hold a reference each; killed when the ring closes */
	struct percpu_ref	refs ____cacheline_aligned_in_smp;
	/* IORING_SETUP_R_DISABLED is cleared once, with a release store */
	unsigned int		flags;
	bool			compat;
	bool			account_mem;
	/* enabled with restrictions: each SQE and register call is checked */
	bool			restricted;

	/* submission side, under uring_lock */
	struct {
		/* serialises submitters and IOPOLL reaping */
		struct mutex		uring_lock;
		struct io_sq_ring	*sq_ring;
		struct io_uring_sqe	*sq_sqes;
		unsigned int		cached_sq_head;
		unsigned int		sq_entries;
		unsigned int		sq_mask;
		/* IORING_SETUP_SQE128: 1, an SQE takes two slots of sq_sqes */
		unsigned int		sqe_shift;
		/* IOPOLL requests issued and not yet reaped */
		struct list_head	poll_list;
		/* URING_CMDs on it whose completion callback waits (REQ_F_CMD_CB) */
		atomic_t		iopoll_cmd_cbs;
		/*
		 * The task in io_submit_sqes() now.  What it completes inline
		 * waits on compl_list (linked by cache_node, compl_tail is
		 * the last next pointer), and its CQEs are posted together,
		 * under one lock and with one wakeup, before it returns.
		 */
		struct task_struct	*submitter;
		struct llist_node	*compl_list;
		struct llist_node	**compl_tail;
		/*
		 * Free requests only submitters touch, linked by cache_node:
		 * taking one is a plain pop, and a flush gives back what it
		 * released with a plain push.  Refilled from req_cache.
		 */
		struct llist_node	*free_reqs;
	} ____cacheline_aligned_in_smp;

	/*
	 * Freed requests, kept for the next submissions: a request costs a
	 * list push and pop instead of a trip through the slab allocator.
	 * Completions elsewhere push from any context; a submitter takes
	 * them all at once, under uring_lock, when free_reqs runs dry.  The
	 * two hold at most as many requests as were ever in flight at once,
	 * and go with the ring.
	 */
	struct llist_head	req_cache ____cacheline_aligned_in_smp;

	/* completion side, under completion_lock */
	struct {
		/* serialises CQ ring producers, some in IRQ context */
		spinlock_t		completion_lock;
		struct io_cq_ring	*cq_ring;
		unsigned int		cached_cq_tail;
		unsigned int		cq_entries;
		unsigned int		cq_mask;
		/* IORING_SETUP_CQE32: 1, a CQE takes two slots of cqes[] */
		unsigned int		cqe_shift;
		/* io_uring_enter(GETEVENTS) and poll() on the ring fd */
		wait_queue_head_t	wait;
		/* wakes them for CQEs posted inside another wakeup */
		struct irq_work		wake_work;
		/*
		 * CQEs that found the CQ ring full, oldest first, moved to
		 * the ring as userspace makes room (IORING_FEAT_NODROP)
		 */
		struct list_head	cq_backlog;
		/* CQEs posted since setup, for IOSQE_IO_DRAIN */
		u32			cq_done;
		/* of those, ones no request of ours posted (MSG_RING's) */
		u32			cq_extra;
		/* completions that posted no CQE (IOSQE_CQE_SKIP_SUCCESS) */
		u32			cq_skipped;
		/*
		 * IOSQE_IO_DRAIN: requests held back until cq_done reaches
		 * their drain_need, in submission order; while drain_active,
		 * every new request queues behind them.  Requests after a
		 * drain request wait for it to complete: drain_next.
		 */
		struct list_head	defer_list;
		u32			drain_next;
		bool			drain_active;
		/*
		 * Set for good by the first IOSQE_CQE_SKIP_SUCCESS: a drain
		 * cannot count CQEs that are not posted, so it is refused.
		 */
		bool			drain_disabled;
		/* armed IORING_OP_TIMEOUTs, and how many CQEs they posted */
		struct list_head	timeout_list;
		u32			cq_timeouts;
	} ____cacheline_aligned_in_smp;

	/* sequential buffered runs, one for reads and one for writes */
	struct io_seq_run	seq_run[2];
	/* whose RLIMIT_MEMLOCK the ring and registered buffers are charged to */
	struct user_struct	*user;
	/* the tasks that submitted here: io_task_ring.ctx_node, io_task_lock */
	struct list_head	task_list;
	/* IORING_SETUP_SINGLE_ISSUER: the one task that submits and registers */
	struct task_struct	*issuer;
	/* IORING_SETUP_DEFER_TASKRUN: the issuer is in io_uring_enter() */
	bool			cq_publishing;
	/* and the retries it runs there (io_retry_by_task()), newest first */
	struct llist_head	retry_list;
	struct io_restrictions	*restrictions;
	/* IORING_REGISTER_PERSONALITY: id -> credentials, under uring_lock */
	struct xarray		personalities;
	u32			pers_next;
	/* IORING_OP_PROVIDE_BUFFERS, PBUF_RING: group ID -> struct io_buffer_list */
	struct mutex		buf_lock;
	u64			buf_ring_takes;	/* names each take from a mapped ring */
	struct xarray		buf_groups;

	struct work_struct	exit_work;

	/*
	 * registered files and buffers, under uring_lock; their sizes also
	 * for fdinfo, which reads them without it
	 */
	struct io_file_table	*file_table;
	struct io_buf_table	*buf_table;
	unsigned int		nr_user_files;
	unsigned int		nr_user_bufs;
	/*
	 * IORING_FEAT_RSRC_TAGS: requests using a registered file or buffer
	 * hold the current node (uring_lock), once any tag was set; rsrc_nodes
	 * (rsrc_lock) has the older ones, whose tags rsrc_work posts in order.
	 */
	struct io_rsrc_node	*rsrc_node;
	struct io_rsrc_node	*rsrc_spare;	/* the next one, ready */
	struct list_head	rsrc_nodes;
	spinlock_t		rsrc_lock;	/* rsrc_nodes */
	struct work_struct	rsrc_work;

	/*
	 * IORING_SETUP_SQPOLL: the SQ thread that serves the ring, on whose
	 * list (sq_node) the ring is until its release; submissions after the
	 * thread died with its process are -EOWNERDEAD.
	 */
	struct io_sq_data	*sq_data;
	struct list_head	sq_node;
	unsigned long		sq_thread_idle;
	/* who set the ring up: the thread submits as them for this ring */
	const struct cred	*sq_creds;

	/*
	 * Armed poll requests, under completion_lock: hashed by user_data,
	 * which POLL_REMOVE and ASYNC_CANCEL look them up by.
	 */
	struct list_head	*poll_hash;
	unsigned int		poll_hash_bits;

	/* IORING_REGISTER_EVENTFD: signalled for every CQE posted */
	struct io_ev_fd __rcu	*ev_fd;
	/* signals that had to wait for a context where signalling is safe */
	struct work_struct	ev_fd_work;
	/* and after a grace period, for a retry queued for the issuer */
	struct rcu_work		ev_fd_rwork;

	/*
	 * Pairs each armed IORING_OP_LINK_TIMEOUT with its request, and
	 * lists them (by ->list) for IORING_LINK_TIMEOUT_UPDATE.
	 */
	spinlock_t		link_timeout_lock;
	struct list_head	ltimeout_list;

	/* requests handed to a worker, for IORING_OP_ASYNC_CANCEL */
	spinlock_t		async_lock;
	struct list_head	async_list;
	/* IORING_REGISTER_SYNC_CANCEL waits: woken as requests leave async_list */
	struct wait_queue_head	cancel_wait;
	/* IORING_ENTER_SQ_WAIT: woken as the SQ thread consumes SQEs, or exits */
	struct wait_queue_head	sq_space_wait;

	/* requests submitted since setup: each will post exactly one CQE */
	u32			sq_seq;
	/* issues the held-back requests whose turn has come */
	struct work_struct	drain_work;
};

/*
 * One registered buffer: its pinned pages as a bio_vec array.  Its slot
 * holds one reference, and each request using it another, so neither an
 * update nor unregistering waits for I/O: the pages are unpinned when the
 * last reference goes, and the @acct_pages charged for them (to @user,
 * none when NULL) go back with them.
 */
struct io_mapped_ubuf {
	u64			ubuf;
	size_t			len;
	refcount_t		refs;
	struct user_struct	*user;
	unsigned long		acct_pages;
	struct work_struct	release_work;
	unsigned int		nr_bvecs;
	struct bio_vec		bvec[];
};

/*
 * A resource's tag (IORING_REGISTER_FILES2, BUFFERS2 and their updates):
 * posted as a CQE's user_data when the resource has left its slot and no
 * request submitted before that is left.  In a slot's entry of its
 * table's tags while there, then on the node that was current then.
 */
struct io_rsrc_tag {
	struct list_head	list;
	u64			tag;
};

/*
 * An epoch of the registered tables: the tags of what left them in it,
 * and a reference for each request of it that uses them (and the ctx's,
 * while it is the current one).
 */
struct io_rsrc_node {
	struct list_head	list;
	atomic_t		refs;
	struct list_head	tags;
};

/*
 * The registered buffers, under uring_lock; a slot may be empty (NULL).
 * tags: NULL until a slot is given one.
 */
struct io_buf_table {
	unsigned int		nr;
	struct io_rsrc_tag	**tags;
	struct io_mapped_ubuf	*bufs[];
};

/*
 * The registered files; a slot may be empty.  A request takes its own
 * reference to the file it uses, so a slot can change, and the table can
 * go, at any time.  alloc_hint: where IORING_FILE_INDEX_ALLOC looks first.
 */
struct io_file_table {
	unsigned int		nr;
	struct io_rsrc_tag	**tags;		/* NULL until a slot is given one */
	unsigned int		alloc_hint;
	/* where IORING_FILE_INDEX_ALLOC looks: [alloc_start, alloc_end) */
	unsigned int		alloc_start;
	unsigned int		alloc_end;
	struct file		*files[];
};

/* IORING_OP_POLL_ADD: a one-shot wait on a file's wait queue. */
struct io_poll_iocb {
	struct file		*file;
	struct wait_queue_head	*head;
	__poll_t		events;
	/* what a keyed wakeup said, for the owner it left the request to */
	__poll_t		woken;
	/* who is to look at it, and who owns it (see "poll" below) */
	atomic_t		owners;
	/* IORING_POLL_ADD_MULTI: a CQE for each time the file is ready */
	bool			multishot;
	struct wait_queue_entry	wait;
};

/*
 * IORING_OP_PROVIDE_BUFFERS: a buffer the application lends to a group
 * (sqe->buf_group), for a request with IOSQE_BUFFER_SELECT to take when it
 * has data to put there; its CQE gives it back with the ID.  A classic
 * group lives until the ring is freed, as on 6.1.
 *
 * A buffer taken from a mapped ring (IORING_REGISTER_PBUF_RING) is a copy
 * of its entry, in the request (->ring_buf): it is on no list, and has
 * instead the take's name, unique in the ring, so that a request that
 * waits can give it back if it was the last one taken from its ring.
 */
struct io_buffer {
	union {
		struct list_head	list;
		u64			ring_take;
	};
	u64			addr;
	u32			len;
	u16			bid;
	u16			bgid;
};

struct io_buffer_list {
	struct list_head	bufs;
	/* IORING_REGISTER_PBUF_RING: the ring, mapped, or NULL for a classic group */
	struct io_uring_buf_ring *ring;
	struct page		**ring_pages;
	unsigned int		ring_nr_pages;
	u64			last_take;	/* its ring_take, 0 once given back */
	u16			ring_mask;
	u16			head;		/* the next entry to take */
};

/*
 * IORING_OP_TIMEOUT: a timer, and with a count, the number of other
 * completions that end it sooner.  ->file stays NULL, like req->file.
 */
struct io_timeout {
	struct file		*file;
	struct hrtimer		timer;
	/*
	 * With a count, it ends when as many completions (not counting
	 * timeouts) have come since it was armed, at events @start.
	 */
	u32			start;
	u32			count;
	/* when (absolute or from now), and on which clock: timeout_flags */
	ktime_t			expires;
	u32			flags;
	/* IORING_OP_LINK_TIMEOUT: the request it limits */
	struct io_kiocb		*prev;
	bool			cancel_prev;
};

/* io_kiocb->flags */
enum {
	REQ_F_NOWAIT		= BIT(0),	/* issued with IOCB_NOWAIT */
	REQ_F_IOPOLL_DONE	= BIT(1),	/* polled completion seen */
	REQ_F_ASYNC		= BIT(2),	/* issued without uring_lock: a worker, a retry */
	REQ_F_SEQ		= BIT(3),	/* buffered I/O to a regular file */
	REQ_F_SEQ_OWNER		= BIT(4),	/* its worker serves a sequential run */
	REQ_F_RETRY		= BIT(5),	/* refused with -EAGAIN: retry in a worker */
	REQ_F_POLL_RETRY	= BIT(7),	/* waits for its socket as a poll */
	REQ_F_CUR_POS		= BIT(8),	/* offset -1: at and moving the file position */
	REQ_F_FORCE_ASYNC	= BIT(9),	/* IOSQE_ASYNC, not tried by a worker yet */
	REQ_F_ARGS_READ		= BIT(10),	/* checked, its arguments read: stabilized */
	REQ_F_CONNECTING	= BIT(11),	/* CONNECT: under way, waits as a poll */
	REQ_F_BUFFER_SELECT	= BIT(12),	/* IOSQE_BUFFER_SELECT */
	REQ_F_CQE_SKIP		= BIT(13),	/* it ends without a CQE */
	REQ_F_FILE_LATER	= BIT(14),	/* a chain's: its file at its issue */
	REQ_F_ZC_NOTIF		= BIT(15),	/* a zero-copy send's: ->notif is set */
	REQ_F_SOCK_NONEMPTY	= BIT(16),	/* a receive left data in its socket */
	REQ_F_BUFFER_RING	= BIT(17),	/* ->kbuf is ->ring_buf: not to be freed */
	REQ_F_CQE_EXTRA		= BIT(18),	/* a CQE32 ring's: extra1 is ->cmd_res2 */
	REQ_F_CMD_CB		= BIT(19),	/* IOPOLL URING_CMD: its reaper runs task_work_cb */
};

/*
 * One request.  The SQE is copied in at submission, so nothing userspace
 * does to the SQ array afterwards can change what we act on.
 */
/*
 * RENAMEAT, SYMLINKAT, LINKAT: their second path (the first is ->path),
 * read with it at submission.  ->file stays NULL, like req->file.
 */
struct io_path2 {
	struct file		*file;
	struct filename		*name;
};

/* OPENAT2 and EPOLL_CTL: what addr2 (addr) points to, read at submission */
struct io_open_how {
	struct file		*file;
	struct open_how		how;
};

struct io_epoll_event {
	struct file		*file;
	struct epoll_event	event;
};

struct io_kiocb {
	union {
		struct file		*file;
		struct kiocb		rw;
		struct io_poll_iocb	poll;
		struct io_timeout	timeout;
		struct io_path2		path2;
		struct io_open_how	open;
		struct io_epoll_event	epoll;
		struct io_uring_cmd	uring_cmd;
	};
	struct io_ring_ctx	*ctx;
	/* poll_list, a sequential run or the pending polls: one at a time */
	struct list_head	list;
	unsigned int		flags;
	/*
	 * One reference for the completion; while ->read_iter()/->write_iter()
	 * runs the submitter holds another, since the file system may still
	 * touch the kiocb after an early completion.
	 */
	refcount_t		refs;
	/* READ/WRITE_FIXED: the registered buffer, NULL for an empty slot */
	struct io_mapped_ubuf	*imu;
	/* it uses a registered file or buffer: the epoch it did so in */
	struct io_rsrc_node	*rsrc_node;
	/*
	 * IOSQE_BUFFER_SELECT: the provided buffer it holds (for a mapped
	 * ring's, ->ring_buf), and what it wants of one
	 */
	struct io_buffer	*kbuf;
	struct io_buffer	ring_buf;
	size_t			buf_want;
	long			result;
	/* bytes to transfer, for matching sequential buffered requests */
	size_t			io_len;
	union {
		/* a buffered read cut short without blocking: bytes already read */
		size_t			io_done;
		/* URING_CMD on a CQE32 ring: its res2, the CQE's extra1 */
		u64			cmd_res2;
	};
	u64			user_data;
	struct io_uring_sqe	sqe;
	/* run by the submitter's I/O threads */
	struct io_wq_work	io_work;
	/* a chain's head that is done, in a kworker (io_link_work()) */
	struct work_struct	work;
	/*
	 * An armed poll that a wakeup cannot finish is owned next by one of
	 * the submitter's threads (poll_io_work; a signalfd polls the task
	 * that looks), or by a kworker when those are gone (poll_work).  Not
	 * ->io_work, which a socket request's retry may be using already.
	 */
	struct io_wq_work	poll_io_work;
	struct work_struct	poll_work;
	/* free: in ctx->req_cache or ctx->free_reqs; on ctx->compl_list while its CQE waits */
	struct llist_node	cache_node;
	/*
	 * IOSQE_IO_LINK: the head of a chain holds the rest (by their
	 * ->list) and starts the next when it succeeds; link_failed makes it
	 * cancel them instead.
	 */
	struct list_head	link_list;
	bool			link_failed;
	/* the IORING_OP_LINK_TIMEOUT armed on it, under ctx->link_timeout_lock */
	struct io_kiocb		*link_timeout;
	/* that link timeout, disarmed: it ends when this request is freed */
	struct io_kiocb		*lt_disarmed;
	/* that link timeout fired: it must not start to wait any more */
	bool			lt_expired;
	/* its place in submission order, and what IOSQE_IO_DRAIN waits for */
	u32			seq;
	u32			drain_need;
	/* on ctx->async_list from being queued to a worker until it is freed */
	struct list_head	async_node;
	/*
	 * A retry its task runs (io_retry_by_task()): whether one is queued
	 * and whether ASYNC_CANCEL asked it to end instead, under async_lock.
	 */
	enum { IO_RETRY_NONE, IO_RETRY_QUEUED, IO_RETRY_CANCELLED } retry_state;
	union {
		/* as the task's task work */
		struct callback_head	retry_tw;
		/* on ctx->retry_list, for DEFER_TASKRUN's issuer */
		struct llist_node	retry_node;
	};
	/*
	 * The submitting task, whose threads run the request; it waits for
	 * its requests at exit, so no reference is needed.
	 */
	struct task_struct	*task;
	/*
	 * The credentials it runs with when not issued by its submitter: its
	 * personality (IORING_REGISTER_PERSONALITY), or the submitter's when
	 * it was set aside.  NULL: the worker's, which are the process's.
	 */
	const struct cred	*creds;
	/*
	 * Read at submission: the path of OPENAT, STATX and the path
	 * operations; CONNECT's address and the msghdr of SENDMSG/RECVMSG,
	 * once they are not issued at once; the xattr operations' name,
	 * value and path.
	 */
	union {
		struct filename		*path;
		struct io_connect_addr	*caddr;
		struct io_async_msg	*amsg;
		struct io_xattr		*xattr;
		/* URING_CMD on an SQE128 ring, set aside: its command */
		void			*cmd_copy;
	};
	union {
		/*
		 * READV/WRITEV issued after their submission: the iovec
		 * array as it was at submission (see io_req_stabilize()).
		 */
		struct iovec		*iov;
		/* SEND_ZC, SENDMSG_ZC: their notification (REQ_F_ZC_NOTIF) */
		struct io_zc_notif	*notif;
	};
	unsigned int		nr_iov;
};

/*
 * A task's io_uring state: the pool of I/O threads that runs its blocking
 * requests, the rings it submitted to (so that its exit or exec can cancel
 * what it left there), and how many of its requests are alive.  Freed with
 * the task struct, after an RCU grace period: a request's last put may
 * still be waking ->wait.
 */
struct io_uring_task {
	struct io_wq		*wq;
	/* io_task_ring.task_node, under io_task_lock */
	struct list_head	rings;
	/* the ring it submitted to last, which has a node: skips the lookup */
	struct io_ring_ctx	*last_ctx;
	atomic_long_t		inflight;
	/* set while exit or exec waits on ->wait for inflight to reach 0 */
	bool			cancelling;
	wait_queue_head_t	wait;
	/* IORING_REGISTER_RING_FDS: only this task reads or changes them */
	struct file		*ring_files[IO_RING_FDS_MAX];
	struct rcu_head		rcu;
};

/* A task submitted to a ring; holds a reference to the ring. */
struct io_task_ring {
	struct list_head	task_node;
	struct list_head	ctx_node;
	struct io_uring_task	*tctx;
	struct io_ring_ctx	*ctx;
};

/* Guards both sides of every io_task_ring, and io_uring_task->last_ctx. */
static DEFINE_SPINLOCK(io_task_lock);

/* io_wq_work->flags: which of a request's two items it is */
#define IO_WORK_POLL	IO_WQ_WORK_USER

/*
 * State kept across one submission batch: the last file looked up, so a
 * run of SQEs on one fd does one fdtable lookup.
 */
struct io_submit_state {
	/* the head of the chain being built (IOSQE_IO_LINK), if any */
	struct io_kiocb		*link_head;

	struct file		*file;
	int			fd;
};

static struct kmem_cache *req_cachep;

/*
 * Fail with @err and say why: "echo 'file io_uring.c +p' >
 * /proc/dynamic_debug/control" turns these lines on, so the kernel log
 * names the check that refused a call or an SQE, and the value it refused,
 * instead of leaving a bare errno to guess from.
 */
#define io_fail(err, fmt, ...) \
	({ pr_debug(fmt "\n", ##__VA_ARGS__); (err); })
#define io_sqe_fail(req, err, fmt, ...) \
	io_fail(err, "sqe %#llx: " fmt, (req)->user_data, ##__VA_ARGS__)

/*
 * kernel.io_uring_disabled: 0, anyone may create rings; 1, only
 * CAP_SYS_ADMIN and members of kernel.io_uring_group (-1: no group);
 * 2, nobody.  Rings that exist keep working.
 */
static int sysctl_io_uring_disabled;
static int sysctl_io_uring_group = -1;
static const struct file_operations io_uring_fops;

static void io_queue_async(struct io_kiocb *req);
static struct io_wq *io_req_wq(struct io_kiocb *req);
static void io_zc_notif_put(struct io_zc_notif *nf);
static int io_account_mem(struct user_struct *user, unsigned long nr_pages);
static void io_unaccount_mem(struct user_struct *user, unsigned long nr_pages);
static bool io_run_task_work(void);
static void io_poll_owned_in_kworker(struct io_kiocb *req);
static void io_wq_cancel(struct io_wq_work *work);

/* ---- ring helpers ---------------------------------------------------- */

static unsigned int io_cqring_events(struct io_ring_ctx *ctx)
{
	struct io_cq_ring *ring = ctx->cq_ring;

	/* pairs with the release store of the tail in io_commit_cqring() */
	return smp_load_acquire(&ring->r.tail) - READ_ONCE(ring->r.head);
}

/*
 * Whether enough requests have posted their CQEs for @need; u32 arithmetic
 * wraps.  A CQE another ring sent us is no request's completion.
 */
static bool io_drain_done(struct io_ring_ctx *ctx, u32 need)
{
	return (s32)(ctx->cq_done + ctx->cq_skipped - ctx->cq_extra - need) >= 0;
}

/*
 * A CQE was posted while requests are held back for IOSQE_IO_DRAIN: if the
 * first may start now, a work item issues it (we may be in interrupt
 * context here).  completion_lock held.
 */
static void io_drain_kick(struct io_ring_ctx *ctx)
{
	struct io_kiocb *req;

	req = list_first_entry_or_null(&ctx->defer_list, struct io_kiocb, list);
	if (!req) {
		if (io_drain_done(ctx, ctx->drain_next))
			ctx->drain_active = false;
		return;
	}
	if (io_drain_done(ctx, req->drain_need) && percpu_ref_tryget(&ctx->refs) &&
	    !queue_work(system_unbound_wq, &ctx->drain_work))
		percpu_ref_put(&ctx->refs);
}

static void io_timeout_flush(struct io_ring_ctx *ctx);

static void io_sq_flags_set(struct io_ring_ctx *ctx, u32 mask)
{
	atomic_or(mask, &ctx->sq_ring->flags);
}

static void io_sq_flags_clear(struct io_ring_ctx *ctx, u32 mask)
{
	atomic_andnot(mask, &ctx->sq_ring->flags);
}

/*
 * IORING_SETUP_DEFER_TASKRUN: CQEs are written as completions happen, but
 * the tail that shows them to userspace moves only in the issuer's
 * io_uring_enter(), or in its own I/O threads: what they complete shows
 * at once, as on 6.1, where only the work a wakeup or a timer queues for
 * the issuer waits.  Until then IORING_SQ_TASKRUN says CQEs wait, if asked
 * for (TASKRUN_FLAG).  Every other ring publishes at once.
 */
static bool io_cq_may_publish(struct io_ring_ctx *ctx)
{
	struct task_struct *issuer;

	if (likely(!(ctx->flags & IORING_SETUP_DEFER_TASKRUN)))
		return true;
	if (!in_task())
		return false;
	/* set once, when the ring is enabled; held until the ring goes */
	issuer = READ_ONCE(ctx->issuer);
	if (current->flags & PF_IO_WORKER)
		return issuer && same_thread_group(current, issuer);
	return current == issuer && READ_ONCE(ctx->cq_publishing);
}

/*
 * The issuer showed what waited: IORING_SQ_TASKRUN goes, unless a retry
 * still waits for it (io_retry_defer() sets the flag after queueing one).
 */
static void io_sq_taskrun_clear(struct io_ring_ctx *ctx)
{
	io_sq_flags_clear(ctx, IORING_SQ_TASKRUN);
	/* pairs with llist_add()'s barrier: the clear, then the list look */
	smp_mb__after_atomic();
	if (unlikely(!llist_empty(&ctx->retry_list)))
		io_sq_flags_set(ctx, IORING_SQ_TASKRUN);
}

/* completion_lock held: show what was posted, or say that it waits */
static void io_commit_cqring(struct io_ring_ctx *ctx)
{
	struct io_cq_ring *ring = ctx->cq_ring;

	if (unlikely(!list_empty(&ctx->timeout_list)))
		io_timeout_flush(ctx);
	if (ctx->cached_cq_tail != READ_ONCE(ring->r.tail)) {
		if (!io_cq_may_publish(ctx)) {
			if (ctx->flags & IORING_SETUP_TASKRUN_FLAG)
				io_sq_flags_set(ctx, IORING_SQ_TASKRUN);
		} else {
			/* the CQEs must be visible before the tail that shows them */
			smp_store_release(&ring->r.tail, ctx->cached_cq_tail);
			/* DEFER_TASKRUN's issuer showed them all: none waits now */
			if (unlikely(ctx->flags & IORING_SETUP_TASKRUN_FLAG))
				io_sq_taskrun_clear(ctx);
		}
	}
	if (unlikely(ctx->drain_active))
		io_drain_kick(ctx);
}

static void __io_cqring_publish(struct io_ring_ctx *ctx)
{
	spin_lock_irq(&ctx->completion_lock);
	/* as in io_commit_cqring(): the CQEs before the tail */
	smp_store_release(&ctx->cq_ring->r.tail, ctx->cached_cq_tail);
	if (ctx->flags & IORING_SETUP_TASKRUN_FLAG)
		io_sq_taskrun_clear(ctx);
	spin_unlock_irq(&ctx->completion_lock);
}

/* DEFER_TASKRUN: the issuer, in io_uring_enter(), shows what waits. */
static __always_inline void io_cqring_publish(struct io_ring_ctx *ctx)
{
	if (unlikely(ctx->flags & IORING_SETUP_DEFER_TASKRUN))
		__io_cqring_publish(ctx);
}

/* Whether DEFER_TASKRUN holds CQEs back that io_uring_enter() would show. */
static bool io_cqring_hidden(struct io_ring_ctx *ctx)
{
	/* a snapshot: it moves under completion_lock, not held here */
	return data_race(ctx->cached_cq_tail) != READ_ONCE(ctx->cq_ring->r.tail);
}

/* No room for another CQE; completion_lock held. */
static __always_inline bool io_cqring_full(struct io_ring_ctx *ctx)
{
	return ctx->cached_cq_tail - READ_ONCE(ctx->cq_ring->r.head) == ctx->cq_entries;
}

/*
 * Write one CQE into the ring if it has room; completion_lock held.  The
 * head is read once: userspace may move it while we look.
 */
static __always_inline bool io_cqring_put(struct io_ring_ctx *ctx, u64 user_data, s32 res,
					  u32 cflags, u64 extra1)
{
	struct io_cq_ring *ring = ctx->cq_ring;
	unsigned int tail = ctx->cached_cq_tail;
	struct io_uring_cqe *cqe;

	if (io_cqring_full(ctx))
		return false;
	cqe = (struct io_uring_cqe *)&ring->cqes[(tail & ctx->cq_mask) << ctx->cqe_shift];
	WRITE_ONCE(cqe->user_data, user_data);
	WRITE_ONCE(cqe->res, res);
	WRITE_ONCE(cqe->flags, cflags);
	if (ctx->cqe_shift) {
		/* only URING_CMD fills extra1 (its res2); extra2 is 0, as on 6.1 */
		WRITE_ONCE(cqe->big_cqe[0], extra1);
		WRITE_ONCE(cqe->big_cqe[1], 0);
	}
	ctx->cached_cq_tail = tail + 1;
	return true;
}

/*
 * The CQ ring is full: keep the CQE until userspace makes room, and tell it
 * so in the SQ ring flags.  Only if even that memory cannot be had is the
 * completion lost, and counted in the CQ ring's overflow field.
 */
static void io_cqring_backlog_add(struct io_ring_ctx *ctx, u64 user_data,
				  s32 res, u32 cflags, u64 extra1)
{
	struct io_cq_ring *ring = ctx->cq_ring;
	struct io_backlog_cqe *b;

	b = kmalloc(sizeof(*b), GFP_ATOMIC | __GFP_ACCOUNT | __GFP_NOWARN);
	if (!b) {
		WRITE_ONCE(ring->overflow, READ_ONCE(ring->overflow) + 1);
		return;
	}
	b->cqe.user_data = user_data;
	b->cqe.res = res;
	b->cqe.flags = cflags;
	b->extra1 = extra1;
	if (list_empty(&ctx->cq_backlog))
		io_sq_flags_set(ctx, IORING_SQ_CQ_OVERFLOW);
	list_add_tail(&b->list, &ctx->cq_backlog);
}

/*
 * Move backlogged CQEs into the ring while it has room; completion_lock
 * held.  True when the backlog is empty afterwards.
 */
static bool io_cqring_backlog_move(struct io_ring_ctx *ctx)
{
	struct io_backlog_cqe *b, *tmp;

	list_for_each_entry_safe(b, tmp, &ctx->cq_backlog, list) {
		if (!io_cqring_put(ctx, b->cqe.user_data, b->cqe.res, b->cqe.flags, b->extra1))
			return false;
		list_del(&b->list);
		kfree(b);
	}
	io_sq_flags_clear(ctx, IORING_SQ_CQ_OVERFLOW);
	return true;
}

/*
 * Post one CQE; the caller holds completion_lock and commits.  While older
 * CQEs wait in the backlog, new ones queue behind them, so userspace sees
 * completions in the order they happened.
 */
static __always_inline void __io_cqring_fill_event(struct io_ring_ctx *ctx, u64 user_data,
						   long res, u32 cflags, u64 extra1)
{
	ctx->cq_done++;
	if (likely(list_empty(&ctx->cq_backlog)) || io_cqring_backlog_move(ctx)) {
		if (likely(io_cqring_put(ctx, user_data, res, cflags, extra1)))
			return;
	}
	io_cqring_backlog_add(ctx, user_data, res, cflags, extra1);
}

static __always_inline void io_cqring_fill_event(struct io_ring_ctx *ctx, u64 user_data,
						 long res, u32 cflags)
{
	__io_cqring_fill_event(ctx, user_data, res, cflags, 0);
}

/*
 * Room for a CQE that says more will follow (IORING_CQE_F_MORE): a free
 * entry in the CQ ring and nothing in the backlog.  Without it a multishot
 * request ends, as on 6.1, with the result that found no room as its last
 * CQE (that one may wait in the backlog): CQEs for an application that is
 * not reaping would grow the backlog without bound.  completion_lock held.
 */
static bool io_cqring_room_for_more(struct io_ring_ctx *ctx)
{
	return list_empty(&ctx->cq_backlog) && !io_cqring_full(ctx);
}

static bool io_op_supported(unsigned int op)
{
	return op < IORING_OP_LAST && (IO_OPS_SUPPORTED & BIT_ULL(op));
}

/* What an opcode needs at submission, beyond a file looked up by fd. */
enum {
	IO_OP_NOFILE	= BIT(0),	/* sqe->fd is not a file to look up */
	IO_OP_FDTABLE	= BIT(1),	/* it opens or closes fds */
};

static const u8 io_op_needs[IORING_OP_LAST] = {
	[IORING_OP_NOP]			= IO_OP_NOFILE,
	[IORING_OP_POLL_REMOVE]		= IO_OP_NOFILE,
	[IORING_OP_TIMEOUT]		= IO_OP_NOFILE,
	[IORING_OP_TIMEOUT_REMOVE]	= IO_OP_NOFILE,
	[IORING_OP_ASYNC_CANCEL]	= IO_OP_NOFILE,
	[IORING_OP_OPENAT]		= IO_OP_NOFILE | IO_OP_FDTABLE,
	[IORING_OP_CLOSE]		= IO_OP_NOFILE | IO_OP_FDTABLE,
	[IORING_OP_STATX]		= IO_OP_NOFILE,
	[IORING_OP_FILES_UPDATE]	= IO_OP_NOFILE,
	[IORING_OP_LINK_TIMEOUT]	= IO_OP_NOFILE,
	[IORING_OP_ACCEPT]		= IO_OP_FDTABLE,
	[IORING_OP_RECVMSG]		= IO_OP_FDTABLE,	/* SCM_RIGHTS */
	[IORING_OP_PROVIDE_BUFFERS]	= IO_OP_NOFILE,
	[IORING_OP_REMOVE_BUFFERS]	= IO_OP_NOFILE,
	[IORING_OP_MADVISE]		= IO_OP_NOFILE,
	[IORING_OP_RENAMEAT]		= IO_OP_NOFILE,
	[IORING_OP_UNLINKAT]		= IO_OP_NOFILE,
	[IORING_OP_MKDIRAT]		= IO_OP_NOFILE,
	[IORING_OP_SYMLINKAT]		= IO_OP_NOFILE,
	[IORING_OP_LINKAT]		= IO_OP_NOFILE,
	[IORING_OP_OPENAT2]		= IO_OP_NOFILE | IO_OP_FDTABLE,
	[IORING_OP_EPOLL_CTL]		= IO_OP_NOFILE,
	[IORING_OP_SOCKET]		= IO_OP_NOFILE | IO_OP_FDTABLE,
	[IORING_OP_SETXATTR]		= IO_OP_NOFILE,
	[IORING_OP_GETXATTR]		= IO_OP_NOFILE,
};

/* The opcodes whose second path is in req->path2. */
static bool io_op_has_path2(u8 op)
{
	return op == IORING_OP_RENAMEAT || op == IORING_OP_SYMLINKAT || op == IORING_OP_LINKAT;
}

/*
 * Signal the registered eventfd for CQEs posted by a worker (@async) or
 * not; IORING_REGISTER_EVENTFD_ASYNC wants only the former.  Not from
 * inside another eventfd's wakeup: eventfd_signal() refuses to nest, so
 * that signal is sent from a work item instead, which holds a ring
 * reference until it has run.
 */
static void io_eventfd_signal(struct io_ring_ctx *ctx, bool async)
{
	struct io_ev_fd *ev_fd;

	if (READ_ONCE(ctx->cq_ring->flags) & IORING_CQ_EVENTFD_DISABLED)
		return;
	rcu_read_lock();
	ev_fd = rcu_dereference(ctx->ev_fd);
	if (ev_fd && ev_fd->async && !async)
		ev_fd = NULL;
	if (ev_fd) {
		/* a poll of it by a ring (ours too) knows where it came from */
		if (likely(eventfd_signal_allowed()))
			eventfd_signal_mask(ev_fd->ctx, 1, (__force unsigned int)EPOLL_URING_WAKE);
		else if (percpu_ref_tryget(&ctx->refs) &&
			 !queue_work(system_unbound_wq, &ctx->ev_fd_work))
			percpu_ref_put(&ctx->refs);
	}
	rcu_read_unlock();
}

static void io_eventfd_work(struct work_struct *work)
{
	struct io_ring_ctx *ctx = container_of(work, struct io_ring_ctx, ev_fd_work);

	/* the CQEs it signals were let through by io_eventfd_signal() */
	io_eventfd_signal(ctx, true);
	percpu_ref_put(&ctx->refs);
}

static void io_eventfd_rwork(struct work_struct *work)
{
	struct io_ring_ctx *ctx = container_of(to_rcu_work(work), struct io_ring_ctx,
					       ev_fd_rwork);

	/* not from a worker: an IORING_REGISTER_EVENTFD_ASYNC one is not told */
	io_eventfd_signal(ctx, false);
	percpu_ref_put(&ctx->refs);
}

/*
 * DEFER_TASKRUN: a retry waits for the issuer, which the eventfd tells to
 * come, as on 6.1; but not at once.  The retry may be a read of that very
 * eventfd, woken by the signal of a CQE: the count it reads must be that
 * CQE's alone (liburing's eventfd-disable), and the issuer, told already,
 * comes in first.  6.1 signals from an RCU callback there.
 */
static void io_eventfd_signal_later(struct io_ring_ctx *ctx)
{
	if (!rcu_access_pointer(ctx->ev_fd) || !percpu_ref_tryget(&ctx->refs))
		return;
	if (!queue_rcu_work(system_unbound_wq, &ctx->ev_fd_rwork))
		percpu_ref_put(&ctx->refs);
}

static void io_eventfd_free(struct rcu_head *rcu)
{
	struct io_ev_fd *ev_fd = container_of(rcu, struct io_ev_fd, rcu);

	eventfd_ctx_put(ev_fd->ctx);
	kfree(ev_fd);
}

/*
 * Tell waiters and the eventfd about new CQEs.  Every waiter is offered the
 * wakeup (io_cq_waiter_wake() declines for one that wants more CQEs), and
 * the key says EPOLLIN and EPOLL_URING_WAKE, which epoll passes on.
 */
static void __io_cqring_ev_posted(struct io_ring_ctx *ctx, bool async)
{
	/* wq_has_sleeper() orders the tail store before the waiter check */
	if (wq_has_sleeper(&ctx->wait))
		__wake_up(&ctx->wait, TASK_NORMAL, 0,
			  poll_to_key(EPOLLIN | EPOLLRDNORM | EPOLL_URING_WAKE));
	if (rcu_access_pointer(ctx->ev_fd))
		io_eventfd_signal(ctx, async);
}

static void io_cqring_ev_posted(struct io_ring_ctx *ctx)
{
	__io_cqring_ev_posted(ctx, io_wq_in_worker());
}

/*
 * CQEs posted from inside some wait queue's wakeup (a poll request's):
 * waking the ring there could come back to a lock that wakeup holds, as
 * when the ring is in an epoll set the request polls, or when two rings
 * poll each other.  So the wakeup is sent from an irq_work instead, from
 * a clean stack moments later; the ring is freed only after it has run.
 */
static void io_cqring_wake_work(struct irq_work *work)
{
	__io_cqring_ev_posted(container_of(work, struct io_ring_ctx, wake_work), false);
}

static void io_cqring_ev_posted_nested(struct io_ring_ctx *ctx)
{
	/* the barrier of wq_has_sleeper() orders the tail store first */
	if (wq_has_sleeper(&ctx->wait) || rcu_access_pointer(ctx->ev_fd))
		irq_work_queue(&ctx->wake_work);
}

static __always_inline void __io_cqring_add_event(struct io_ring_ctx *ctx, u64 user_data,
						  long res, u32 cflags, bool extra)
{
	unsigned long flags;

	spin_lock_irqsave(&ctx->completion_lock, flags);
	ctx->cq_extra += extra;
	io_cqring_fill_event(ctx, user_data, res, cflags);
	io_commit_cqring(ctx);
	spin_unlock_irqrestore(&ctx->completion_lock, flags);
	io_cqring_ev_posted(ctx);
}

static void io_cqring_add_event(struct io_ring_ctx *ctx, u64 user_data, long res, u32 cflags)
{
	__io_cqring_add_event(ctx, user_data, res, cflags, false);
}

static bool __io_cqring_backlog_flush(struct io_ring_ctx *ctx)
{
	unsigned long flags;
	bool empty, moved;
	u32 tail;

	spin_lock_irqsave(&ctx->completion_lock, flags);
	tail = ctx->cached_cq_tail;
	empty = io_cqring_backlog_move(ctx);
	io_commit_cqring(ctx);
	/* a wakeup only for CQEs moved in: waiters flush too, and would wake each other */
	moved = ctx->cached_cq_tail != tail;
	spin_unlock_irqrestore(&ctx->completion_lock, flags);
	if (moved)
		io_cqring_ev_posted(ctx);
	return empty;
}

/*
 * Move what the backlog holds into the room userspace has made.  False
 * when CQEs still wait: the ring is full again.  The backlog is nearly
 * always empty: that much is tested inline, without the lock.
 */
static __always_inline bool io_cqring_backlog_flush(struct io_ring_ctx *ctx)
{
	if (likely(list_empty(&ctx->cq_backlog)))
		return true;
	return __io_cqring_backlog_flush(ctx);
}

/* Ring teardown: nobody will read these CQEs any more. */
static void io_cqring_backlog_free(struct io_ring_ctx *ctx)
{
	struct io_backlog_cqe *b, *tmp;

	list_for_each_entry_safe(b, tmp, &ctx->cq_backlog, list)
		kfree(b);
}

/*
 * How many SQ entries to look at now: what userspace published, but never
 * more than a ring's worth, whatever it wrote into the tail.
 */
static unsigned int io_sqring_avail(struct io_ring_ctx *ctx)
{
	/* pairs with the release store of the tail by userspace */
	unsigned int avail = smp_load_acquire(&ctx->sq_ring->r.tail) - ctx->cached_sq_head;

	return min(avail, ctx->sq_entries);
}

/*
 * Consume one SQ entry.  An index outside the SQE array is skipped and
 * counted in sq_ring->dropped: then there is no SQE (NULL).
 */
static const struct io_uring_sqe *io_get_sqe(struct io_ring_ctx *ctx)
{
	struct io_sq_ring *ring = ctx->sq_ring;
	unsigned int index;

	index = READ_ONCE(ring->array[ctx->cached_sq_head++ & ctx->sq_mask]);
	/* with IORING_SETUP_SQE128 no opcode we offer reads the second half */
	if (likely(index < ctx->sq_entries))
		return &ctx->sq_sqes[index << ctx->sqe_shift];
	WRITE_ONCE(ring->dropped, READ_ONCE(ring->dropped) + 1);
	return NULL;
}

static void io_commit_sqring(struct io_ring_ctx *ctx)
{
	struct io_sq_ring *ring = ctx->sq_ring;

	if (READ_ONCE(ring->r.head) != ctx->cached_sq_head)
		/* our copies of the SQEs are done before userspace may reuse them */
		smp_store_release(&ring->r.head, ctx->cached_sq_head);
}

/* ---- request lifetime ------------------------------------------------- */

/* Every pointer io_req_holds_more() looks at, NULL. */
static void io_req_clear_held(struct io_kiocb *req)
{
	req->imu = NULL;
	req->rsrc_node = NULL;
	req->kbuf = NULL;
	req->creds = NULL;
	req->path = NULL;
	req->iov = NULL;
}

/*
 * A request from the slab allocator gets its ring, and what it may come to
 * hold starts empty: its file, the pointers io_req_holds_more() looks at,
 * and its lists.  io_req_release() leaves all of them so again, and the
 * request stays with the ring: io_alloc_req() need not set them.
 */
static void io_req_init_clean(struct io_ring_ctx *ctx, struct io_kiocb *req)
{
	req->ctx = ctx;
	req->file = NULL;
	io_req_clear_held(req);
	INIT_LIST_HEAD(&req->link_list);
	INIT_LIST_HEAD(&req->async_node);
}

/* Give @req back to the submitter's free list.  Under uring_lock. */
static inline void io_req_free_push(struct io_ring_ctx *ctx, struct io_kiocb *req)
{
	req->cache_node.next = ctx->free_reqs;
	ctx->free_reqs = &req->cache_node;
}

/*
 * free_reqs is empty: take what completions freed elsewhere, or else
 * allocate a batch.  False if not even one request could be had.  Called
 * with uring_lock held.
 */
static bool io_req_cache_refill(struct io_ring_ctx *ctx)
{
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
	void *reqs[IO_REQ_ALLOC_BATCH];
	int i, nr;

	ctx->free_reqs = llist_del_all(&ctx->req_cache);
	if (ctx->free_reqs)
		return true;
	nr = kmem_cache_alloc_bulk(req_cachep, gfp, ARRAY_SIZE(reqs), reqs);
	if (unlikely(nr <= 0)) {
		reqs[0] = kmem_cache_alloc(req_cachep, gfp);
		if (!reqs[0])
			return false;
		nr = 1;
	}
	for (i = 0; i < nr; i++) {
		struct io_kiocb *req = reqs[i];

		io_req_init_clean(ctx, req);
		io_req_free_push(ctx, req);
	}
	return true;
}

/*
 * Called with uring_lock held.  The ring reference the request holds was
 * taken for the whole batch by io_submit_sqes().  What a request holds
 * is clean already (see io_req_init_clean()): only the rest is set here.
 */
static struct io_kiocb *io_alloc_req(struct io_ring_ctx *ctx)
{
	struct io_kiocb *req;

	if (unlikely(!ctx->free_reqs) && !io_req_cache_refill(ctx))
		return NULL;
	req = llist_entry(ctx->free_reqs, struct io_kiocb, cache_node);
	ctx->free_reqs = req->cache_node.next;

	req->flags = 0;
	req->result = 0;
	req->io_done = 0;
	req->io_len = 0;
	req->task = current;
	req->link_failed = false;
	req->link_timeout = NULL;
	req->lt_disarmed = NULL;
	req->lt_expired = false;
	req->seq = ctx->sq_seq++;
	refcount_set(&req->refs, 1);
	/* counted in the task's inflight by io_submit_sqes(), once per batch */
	return req;
}

/*
 * @nr requests of @task fewer.  The task may be waiting for the last one at
 * exit, and be gone the moment it sees it: its io_uring_task is freed
 * after an RCU grace period, so waking it under rcu_read_lock() is safe.
 * The count may dip below zero for a moment, or step over zero: a batch is
 * added after its requests were allocated, and some may be freed (one at a
 * time, or a flush's worth at once) before that.  Only the task itself
 * waits on it, and never while it submits.
 */
static void io_task_put_inflight(struct task_struct *task, long nr)
{
	struct io_uring_task *tctx = task->io_uring;

	rcu_read_lock();
	if (!atomic_long_sub_return(nr, &tctx->inflight) && READ_ONCE(tctx->cancelling))
		wake_up(&tctx->wait);
	rcu_read_unlock();
}

/*
 * A request is freed wherever it completes: in interrupt context, or under
 * a spinlock.  What it holds must be released in a way that is allowed
 * there.  vfree() is not, so memory kvmalloc() may have taken from vmalloc
 * (a large xattr value) goes back through vfree_atomic(), which defers it
 * to a worker.
 */
static void io_kvfree_any(const void *p)
{
	if (is_vmalloc_addr(p))
		vfree_atomic(p);
	else
		kfree(p);
}

static void io_imu_put_any(struct io_mapped_ubuf *imu);
static void io_rsrc_node_put(struct io_ring_ctx *ctx, struct io_rsrc_node *node);
static void io_req_rsrc_node_get(struct io_kiocb *req);
static void io_xattr_free(struct io_xattr *ix);

static void io_link_work(struct work_struct *work);
static void io_link_next(struct io_kiocb *req, bool in_submitter);
static void io_req_complete(struct io_kiocb *req, long res);
static void io_link_timeout_disarm(struct io_kiocb *req);
static void io_link_timeout_end(struct io_kiocb *lt, long res, bool cancel_prev);

/* A request a worker had is done: SYNC_CANCEL looks again. */
static void io_cancel_waiters_wake(struct io_ring_ctx *ctx)
{
	if (wq_has_sleeper(&ctx->cancel_wait))
		wake_up(&ctx->cancel_wait);
}

static void io_async_untrack(struct io_kiocb *req)
{
	struct io_ring_ctx *ctx = req->ctx;
	unsigned long flags;

	spin_lock_irqsave(&ctx->async_lock, flags);
	list_del_init(&req->async_node);
	spin_unlock_irqrestore(&ctx->async_lock, flags);
	io_cancel_waiters_wake(ctx);
}

/*
 * Whether @req holds more than a file: one test for the common case.
 * Always inline: at -Os it would otherwise be a call on every release.
 */
static __always_inline bool io_req_holds_more(const struct io_kiocb *req)
{
	return ((unsigned long)req->imu | (unsigned long)req->kbuf |
		(unsigned long)req->rsrc_node |
		(unsigned long)req->path | (unsigned long)req->iov |
		(unsigned long)req->creds) != 0;
}

/* Its file, if any: NULL after, clean for the request's next use. */
static __always_inline void io_req_put_file(struct io_kiocb *req)
{
	if (req->file) {
		fput(req->file);
		req->file = NULL;
	}
}

static void io_req_put_more(struct io_kiocb *req)
{
	if (req->imu)
		io_imu_put_any(req->imu);
	if (req->rsrc_node)
		io_rsrc_node_put(req->ctx, req->rsrc_node);
	/* a buffer no CQE reported: a request freed without one */
	if (!(req->flags & REQ_F_BUFFER_RING))
		kfree(req->kbuf);
	switch (req->sqe.opcode) {
	case IORING_OP_CONNECT:
		kfree(req->caddr);
		break;
	case IORING_OP_SENDMSG:
	case IORING_OP_RECVMSG:
	case IORING_OP_SENDMSG_ZC:
		kfree(req->amsg);
		break;
	case IORING_OP_SEND_ZC:
		break;
	case IORING_OP_URING_CMD:
		kfree(req->cmd_copy);
		break;
	case IORING_OP_FSETXATTR:
	case IORING_OP_SETXATTR:
	case IORING_OP_FGETXATTR:
	case IORING_OP_GETXATTR:
		io_xattr_free(req->xattr);
		break;
	default:
		if (!req->path)
			break;
		putname(req->path);
		if (io_op_has_path2(req->sqe.opcode) && req->path2.name)
			putname(req->path2.name);
	}
	/* after the request's CQE: the notification comes last */
	if (req->flags & REQ_F_ZC_NOTIF)
		io_zc_notif_put(req->notif);
	else
		kfree(req->iov);
	if (req->creds)
		put_cred(req->creds);
	/* clean for its next use (io_req_init_clean()) */
	io_req_clear_held(req);
}

/*
 * Let go of what @req holds, all but its place in its task's inflight
 * count and its reference on the ring.  False if a kworker takes it over
 * instead: the head of a chain.
 */
static noinline bool io_req_release_slow(struct io_kiocb *req)
{
	/*
	 * The head of a chain is done: a worker starts the next request or
	 * cancels the rest, and frees the head after.  Not here: we may be in
	 * interrupt context, or under a wait queue's lock.  That worker ends
	 * a disarmed link timeout first, so that its CQE comes before the
	 * next request's.
	 */
	if (unlikely(!list_empty(&req->link_list))) {
		INIT_WORK(&req->work, io_link_work);
		queue_work(system_unbound_wq, &req->work);
		return false;
	}
	/* its CQE is posted: the disarmed link timeout's may follow */
	if (unlikely(req->lt_disarmed)) {
		io_link_timeout_end(req->lt_disarmed, -ECANCELED, false);
		req->lt_disarmed = NULL;
	}
	if (unlikely(!list_empty(&req->async_node)))
		io_async_untrack(req);
	io_req_put_file(req);
	if (unlikely(io_req_holds_more(req)))
		io_req_put_more(req);
	return true;
}

/* Most requests hold a file at most: let go of it inline. */
static __always_inline bool io_req_release(struct io_kiocb *req)
{
	if (unlikely(!list_empty(&req->link_list) || req->lt_disarmed ||
		     !list_empty(&req->async_node) || io_req_holds_more(req)))
		return io_req_release_slow(req);
	io_req_put_file(req);
	return true;
}

static void io_free_req(struct io_kiocb *req)
{
	struct io_ring_ctx *ctx = req->ctx;

	if (!io_req_release(req))
		return;
	/* NULL when it outlived its task (io_task_let_go()) */
	if (req->task)
		io_task_put_inflight(req->task, 1);
	/* any context, any lock held: llist_add takes none */
	llist_add(&req->cache_node, &ctx->req_cache);
	/* the last reference may free the ring, and the cache with it */
	percpu_ref_put(&ctx->refs);
}

/* Ring teardown: nothing can allocate or free requests any more. */
static void io_req_cache_free(struct io_ring_ctx *ctx)
{
	struct io_kiocb *req, *tmp;

	llist_for_each_entry_safe(req, tmp, llist_del_all(&ctx->req_cache), cache_node)
		kmem_cache_free(req_cachep, req);
	llist_for_each_entry_safe(req, tmp, ctx->free_reqs, cache_node)
		kmem_cache_free(req_cachep, req);
	ctx->free_reqs = NULL;
}

static void io_put_req(struct io_kiocb *req)
{
	if (refcount_dec_and_test(&req->refs))
		io_free_req(req);
}

/*
 * A chain goes on only past a request that succeeded: for reads and writes,
 * one that moved every byte asked for.  Past an IOSQE_IO_HARDLINK request
 * it goes on whatever the result.  A request that succeeded by the same
 * rule posts no CQE if it asked so (IOSQE_CQE_SKIP_SUCCESS), nor, as on
 * 6.1, does a LINK_TIMEOUT that asked, however it ends.
 */
static void __io_link_note_result(struct io_kiocb *req, long res)
{
	bool failed = res < 0 || (req->io_len && res != req->io_len);

	if (READ_ONCE(req->link_timeout))
		io_link_timeout_disarm(req);
	if (!list_empty(&req->link_list) && !(req->sqe.flags & IOSQE_IO_HARDLINK) && failed)
		req->link_failed = true;
	if ((req->sqe.flags & IOSQE_CQE_SKIP_SUCCESS) &&
	    (!failed || req->sqe.opcode == IORING_OP_LINK_TIMEOUT))
		req->flags |= REQ_F_CQE_SKIP;
}

/* Most requests are in no chain, have no link timeout and want their CQE. */
static __always_inline void io_link_note_result(struct io_kiocb *req, long res)
{
	if (unlikely(READ_ONCE(req->link_timeout) || !list_empty(&req->link_list) ||
		     (req->sqe.flags & IOSQE_CQE_SKIP_SUCCESS)))
		__io_link_note_result(req, res);
}

/*
 * A call that a signal interrupted asks to be restarted; from the ring it
 * cannot be (the worker's "signal" was a cancellation): -EINTR.
 */
static long io_no_restart(long ret)
{
	switch (ret) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		return -EINTR;
	default:
		return ret;
	}
}

/*
 * The CQE flags of @req's completion: the provided buffer it took, if any,
 * which is the application's again from here on.
 */
/*
 * The flags of @req's CQE: the provided buffer it used, which is the
 * application's again (so the request lets go of it), and what sockets
 * say.
 */
static u32 __io_req_cflags(struct io_kiocb *req)
{
	struct io_buffer *kbuf = req->kbuf;
	u32 cflags = 0;

	/* a zero-copy send (which never selects a buffer): its notification follows */
	if (req->flags & REQ_F_ZC_NOTIF)
		return IORING_CQE_F_MORE;
	if (req->flags & REQ_F_SOCK_NONEMPTY)
		cflags = IORING_CQE_F_SOCK_NONEMPTY;
	if (!kbuf)
		return cflags;

	cflags |= IORING_CQE_F_BUFFER | ((u32)kbuf->bid << IORING_CQE_BUFFER_SHIFT);
	req->kbuf = NULL;
	if (req->flags & REQ_F_BUFFER_RING)
		req->flags &= ~REQ_F_BUFFER_RING;
	else
		kfree(kbuf);
	return cflags;
}

static __always_inline u32 io_req_cflags(struct io_kiocb *req)
{
	return likely(!req->kbuf && !(req->flags & (REQ_F_ZC_NOTIF | REQ_F_SOCK_NONEMPTY))) ?
	       0 : __io_req_cflags(req);
}

/*
 * Fill in @req's CQE, unless it is to have none: its completion still
 * counts for a drain (which a ring that skips refuses to start, but may
 * have started before).  completion_lock held.
 */
static __always_inline void io_req_fill_event(struct io_kiocb *req, long res)
{
	u32 cflags = io_req_cflags(req);

	if (likely(!(req->flags & (REQ_F_CQE_SKIP | REQ_F_CQE_EXTRA))))
		io_cqring_fill_event(req->ctx, req->user_data, res, cflags);
	else if (req->flags & REQ_F_CQE_SKIP)
		req->ctx->cq_skipped++;
	else
		__io_cqring_fill_event(req->ctx, req->user_data, res, cflags, req->cmd_res2);
}

/* io_req_fill_event() of a request that skips its CQE or has extra1, unlocked. */
static void io_req_fill_event_unusual(struct io_kiocb *req, long res)
{
	struct io_ring_ctx *ctx = req->ctx;
	unsigned long flags;

	spin_lock_irqsave(&ctx->completion_lock, flags);
	io_req_fill_event(req, res);
	io_commit_cqring(ctx);
	spin_unlock_irqrestore(&ctx->completion_lock, flags);
	if (!(req->flags & REQ_F_CQE_SKIP))
		io_cqring_ev_posted(ctx);
}

/*
 * Drop a request in its submitter's context (uring_lock held, no spinlock):
 * the chain it heads goes on, or is cancelled, and its disarmed link
 * timeout ends, right here rather than from a kworker, so their CQEs are
 * posted by the time io_uring_enter() returns, as 6.1 posts them.  True
 * when it is released, for the caller to return to the cache.
 */
static bool io_put_req_submitter(struct io_kiocb *req)
{
	if (!refcount_dec_and_test(&req->refs))
		return false;
	if (unlikely(!list_empty(&req->link_list))) {
		io_link_next(req, true);
		return false;
	}
	if (unlikely(req->lt_disarmed)) {
		io_req_complete(req->lt_disarmed, -ECANCELED);
		req->lt_disarmed = NULL;
	}
	return io_req_release(req);
}

/*
 * @nr of current's requests went back to free_reqs: give back their
 * inflight counts and their references on the ring, all at once.
 */
static __always_inline void io_reqs_pushed_put(struct io_ring_ctx *ctx, long nr)
{
	if (!nr)
		return;
	io_task_put_inflight(current, nr);
	percpu_ref_put_many(&ctx->refs, nr);
}

/*
 * Post the CQEs of what the submitter completed, then drop the requests.
 * Dropping may complete more (a chain goes on, or is cancelled): those
 * queue on a fresh list, and go out in the next round.
 */
static void io_flush_completions(struct io_ring_ctx *ctx)
{
	struct io_kiocb *req, *tmp;
	struct llist_node *done;
	unsigned long flags;
	long nr;

	lockdep_assert_held(&ctx->uring_lock);
	while ((done = ctx->compl_list)) {
		ctx->compl_list = NULL;
		ctx->compl_tail = &ctx->compl_list;

		spin_lock_irqsave(&ctx->completion_lock, flags);
		llist_for_each_entry(req, done, cache_node) {
			io_req_fill_event(req, req->result);
			/* a timeout's CQE comes right after the one it counted to */
			if (unlikely(!list_empty(&ctx->timeout_list)))
				io_timeout_flush(ctx);
		}
		io_commit_cqring(ctx);
		spin_unlock_irqrestore(&ctx->completion_lock, flags);
		io_cqring_ev_posted(ctx);

		/*
		 * The released ones go straight to free_reqs by this same
		 * node, with their inflight counts and their references on the
		 * ring given back at once.  All of them are current's:
		 * io_req_complete() defers only requests whose task is the
		 * submitter.
		 */
		nr = 0;
		llist_for_each_entry_safe(req, tmp, done, cache_node) {
			if (!io_put_req_submitter(req))
				continue;
			io_req_free_push(ctx, req);
			nr++;
		}
		io_reqs_pushed_put(ctx, nr);
	}
}

/* Post @req's CQE at once and drop it: out of line, for io_req_complete(). */
static noinline void io_req_complete_now(struct io_kiocb *req, long res)
{
	if (likely(!(req->flags & (REQ_F_CQE_SKIP | REQ_F_CQE_EXTRA))))
		io_cqring_add_event(req->ctx, req->user_data, res, io_req_cflags(req));
	else
		io_req_fill_event_unusual(req, res);
	io_put_req(req);
}

/*
 * Complete a request with @res and free it.  The submitter batches the
 * completions of its own requests that it makes itself (in_task(): not an
 * interrupt that came in on top of it); everybody else posts at once.  Its
 * own: a chain it heads goes on in the submitter's context, with the
 * submitter's memory and files, which must be those of the chain's task
 * (a cancel may complete another task's request here).  Another task may
 * read submitter while it changes, but can never find itself there.
 */
static void io_req_complete(struct io_kiocb *req, long res)
{
	struct io_ring_ctx *ctx = req->ctx;

	io_link_note_result(req, res);
	/* req->task == current: io_flush_completions() counts on it */
	if (READ_ONCE(ctx->submitter) == current && req->task == current && in_task()) {
		req->result = res;
		req->cache_node.next = NULL;
		*ctx->compl_tail = &req->cache_node;
		ctx->compl_tail = &req->cache_node.next;
		return;
	}
	/* out of line: the batched case above then needs few registers */
	io_req_complete_now(req, res);
}

/* ---- polled I/O (IORING_SETUP_IOPOLL) ---------------------------------- */

static bool io_rw_may_retry(struct io_kiocb *req);
static bool io_op_is_rw(u8 op);
static void io_uring_cmd_iopoll_cbs(struct io_ring_ctx *ctx);

/*
 * Drop the reaped requests on @done.  Ours (the reaper's, under uring_lock
 * as io_flush_completions() is) go straight back to free_reqs, with one
 * inflight count and one ring reference given back for all of them; a
 * chain's head still goes to a kworker (io_req_release()).
 */
static void io_iopoll_free(struct io_ring_ctx *ctx, struct list_head *done)
{
	struct io_kiocb *req, *tmp;
	long nr = 0;

	lockdep_assert_held(&ctx->uring_lock);
	list_for_each_entry_safe(req, tmp, done, list) {
		if (req->task != current) {
			io_put_req(req);
			continue;
		}
		if (!refcount_dec_and_test(&req->refs) || !io_req_release(req))
			continue;
		io_req_free_push(ctx, req);
		nr++;
	}
	io_reqs_pushed_put(ctx, nr);
}

/*
 * Reap what has completed on the poll list: post CQEs for finished
 * requests, then free them; resubmit those that came back with -EAGAIN.
 * Called with uring_lock held.
 */
static int io_iopoll_reap(struct io_ring_ctx *ctx)
{
	struct io_kiocb *req, *tmp;
	LIST_HEAD(done);
	int nr = 0;

	spin_lock_irq(&ctx->completion_lock);
	list_for_each_entry_safe(req, tmp, &ctx->poll_list, list) {
		/* pairs with the release in io_complete_rw_iopoll(), io_uring_cmd_done() */
		if ((smp_load_acquire(&req->flags) & (REQ_F_IOPOLL_DONE | REQ_F_CMD_CB)) !=
		    REQ_F_IOPOLL_DONE)
			continue;
		list_del(&req->list);
		if (req->result == -EAGAIN && io_op_is_rw(req->sqe.opcode) &&
		    io_rw_may_retry(req)) {
			io_queue_async(req);
			continue;
		}
		io_link_note_result(req, req->result);
		io_req_fill_event(req, req->result);
		list_add_tail(&req->list, &done);
		nr++;
	}
	io_commit_cqring(ctx);
	spin_unlock_irq(&ctx->completion_lock);

	io_iopoll_free(ctx, &done);
	if (nr)
		io_cqring_ev_posted(ctx);
	return nr;
}

/*
 * One pass over the poll list, then reap.  Polling a request polls its
 * queue, which finds every request done on it, not just that one: the
 * pass stops at the first poll that found something, and the requests
 * still in flight after the reap are polled on the next pass.  What
 * ->iopoll() returns cannot tell: blk_mq_poll() says 1 when it found
 * nothing, if the task need not wait.  What was found is on the batch,
 * or, from a driver that completes at once, the request is done.
 * Returns the number of CQEs posted.
 */
static int io_do_iopoll(struct io_ring_ctx *ctx)
{
	DEFINE_IO_COMP_BATCH(iob);
	struct io_kiocb *req;

	list_for_each_entry(req, &ctx->poll_list, list) {
		const struct file_operations *fops = req->file->f_op;

		/* done, or its callback waits: pairs with the releases that say so */
		if (smp_load_acquire(&req->flags) & (REQ_F_IOPOLL_DONE | REQ_F_CMD_CB))
			continue;
		if (req->sqe.opcode == IORING_OP_URING_CMD)
			fops->uring_cmd_iopoll(&req->uring_cmd, &iob, 0);
		else
			fops->iopoll(&req->rw, &iob, 0);
		if (!rq_list_empty(iob.req_list) ||
		    (READ_ONCE(req->flags) & REQ_F_IOPOLL_DONE))
			break;
	}
	/* the driver completes what it found together: one pass, not one each */
	if (!rq_list_empty(iob.req_list))
		iob.complete(&iob);
	if (unlikely(atomic_read(&ctx->iopoll_cmd_cbs)))
		io_uring_cmd_iopoll_cbs(ctx);
	return io_iopoll_reap(ctx);
}

/*
 * Wait for @min polled completions (with uring_lock held), polling the
 * device instead of sleeping.  Stops early when nothing is in flight, on a
 * signal, or to let others run.
 */
static int io_iopoll_check(struct io_ring_ctx *ctx, unsigned int min)
{
	unsigned int found = io_cqring_events(ctx);

	while (found < min || !found) {
		if (list_empty(&ctx->poll_list))
			break;
		found += io_do_iopoll(ctx);
		if (signal_pending(current)) {
			bool ran;

			/* our pool asking for a thread is no reason to return */
			mutex_unlock(&ctx->uring_lock);
			ran = io_run_task_work();
			mutex_lock(&ctx->uring_lock);
			if (!ran && signal_pending(current))
				return found ? 0 : -EINTR;
		}
		if (need_resched()) {
			mutex_unlock(&ctx->uring_lock);
			cond_resched();
			mutex_lock(&ctx->uring_lock);
		}
	}
	return 0;
}

/* Reap every polled request still in flight; used at teardown. */
static void io_iopoll_reap_all(struct io_ring_ctx *ctx)
{
	if (!(ctx->flags & IORING_SETUP_IOPOLL))
		return;
	mutex_lock(&ctx->uring_lock);
	while (!list_empty(&ctx->poll_list)) {
		io_do_iopoll(ctx);
		mutex_unlock(&ctx->uring_lock);
		/*
		 * A command's callback another reaper handed to us.  Not in an
		 * io-wq worker, whose TIF_NOTIFY_SIGNAL means "stop".
		 */
		if (!(current->flags & PF_IO_WORKER))
			io_run_task_work();
		cond_resched();
		mutex_lock(&ctx->uring_lock);
	}
	mutex_unlock(&ctx->uring_lock);
}

/* Freeze protection is taken for writes to regular files only, as aio does. */
static void io_start_write(struct kiocb *kiocb)
{
	if (S_ISREG(file_inode(kiocb->ki_filp)->i_mode))
		kiocb_start_write(kiocb);
	kiocb->ki_flags |= IOCB_WRITE;
}

static void io_end_write(struct kiocb *kiocb)
{
	if ((kiocb->ki_flags & IOCB_WRITE) &&
	    S_ISREG(file_inode(kiocb->ki_filp)->i_mode))
		kiocb_end_write(kiocb);
}

static void io_complete_rw_iopoll(struct kiocb *kiocb, long res)
{
	struct io_kiocb *req = container_of(kiocb, struct io_kiocb, rw);

	io_end_write(kiocb);
	req->result = res;
	/* the result must be visible before the request is marked done */
	smp_store_release(&req->flags, req->flags | REQ_F_IOPOLL_DONE);
}

/*
 * An I/O thread running a request is told to stop: it was cancelled, or
 * its pool is going.  A signal for the submitter, whose task work may
 * retry a request too (io_retry_by_task()), is no such thing.
 */
static bool io_worker_stopped(struct io_kiocb *req)
{
	return (req->flags & REQ_F_ASYNC) && (current->flags & PF_IO_WORKER) &&
	       signal_pending(current);
}

/*
 * What is under uring_lock (the IOPOLL list, the registered files), for a
 * request being issued: its submitter holds the lock already, a worker
 * (REQ_F_ASYNC) takes it.
 */
static void io_req_ring_lock(struct io_kiocb *req)
{
	if (req->flags & REQ_F_ASYNC)
		mutex_lock(&req->ctx->uring_lock);
	lockdep_assert_held(&req->ctx->uring_lock);
}

static void io_req_ring_unlock(struct io_kiocb *req)
{
	if (req->flags & REQ_F_ASYNC)
		mutex_unlock(&req->ctx->uring_lock);
}

static void io_iopoll_req_issued(struct io_kiocb *req)
{
	io_req_ring_lock(req);
	list_add_tail(&req->list, &req->ctx->poll_list);
	io_req_ring_unlock(req);
}

/* ---- provided buffers ------------------------------------------------- */

/*
 * IORING_OP_PROVIDE_BUFFERS lends buffers to a group, REMOVE_BUFFERS takes
 * them back, and a READ, READV or RECV with IOSQE_BUFFER_SELECT takes the
 * first one of its group (sqe->buf_group) when it is about to move data,
 * rather than naming a buffer of its own: a thousand idle sockets need no
 * thousand buffers.  A request that would block puts its buffer back
 * first, unless it has filled some of it already.  The CQE says which
 * buffer it was (IORING_CQE_F_BUFFER and the ID in the upper 16 bits).
 *
 * A group may instead be a ring the application shares with us
 * (IORING_REGISTER_PBUF_RING): it adds entries and moves the tail on, we
 * take entries at our head.  Taking one moves the head at once, so that
 * no lock is held while the request moves data; giving it back moves the
 * head back, if nobody took a later entry meanwhile (else the request
 * keeps it until its CQE).
 *
 * buf_lock: a mutex, as buffers are taken in process context only (inline
 * issue, workers, the SQ thread) and PROVIDE_BUFFERS allocates.
 */
#define IO_MAX_BIDS	BIT(16)

static int io_buffer_select_prep(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	void __user *uiov = u64_to_user_ptr(sqe->addr);

	switch (sqe->opcode) {
	case IORING_OP_READ:
	case IORING_OP_RECV:
		req->buf_want = sqe->len;
		break;
	case IORING_OP_RECVMSG:
		/* the length of its one iovec, read with the msghdr */
		break;
	case IORING_OP_READV:
		/* one iovec, whose length is what to read; its base is ignored */
		if (sqe->len != 1)
			return io_sqe_fail(req, -EINVAL, "READV of %u iovecs, not 1, selects",
					   sqe->len);
		if (req->ctx->compat) {
			struct compat_iovec ciov;

			if (copy_from_user(&ciov, uiov, sizeof(ciov)))
				return io_sqe_fail(req, -EFAULT, "iovec not readable");
			if ((compat_ssize_t)ciov.iov_len < 0)
				return io_sqe_fail(req, -EINVAL, "iov_len %u is negative",
						   ciov.iov_len);
			req->buf_want = ciov.iov_len;
		} else {
			struct iovec iov;

			if (copy_from_user(&iov, uiov, sizeof(iov)))
				return io_sqe_fail(req, -EFAULT, "iovec not readable");
			req->buf_want = iov.iov_len;
		}
		break;
	default:
		return io_sqe_fail(req, -EOPNOTSUPP, "opcode %u takes no IOSQE_BUFFER_SELECT",
				   sqe->opcode);
	}
	req->flags |= REQ_F_BUFFER_SELECT;
	return 0;
}

/*
 * Take the entry at @bl's head, if the application has added it: a copy,
 * read once, as the application may write the entry again at any time.
 * Under buf_lock.
 */
static void io_buffer_ring_take(struct io_kiocb *req, struct io_buffer_list *bl)
{
	struct io_buffer *kbuf = &req->ring_buf;
	struct io_uring_buf *ubuf;

	/* pairs with the application's release store of the tail */
	if (smp_load_acquire(&bl->ring->tail) == bl->head)
		return;
	ubuf = &bl->ring->bufs[bl->head & bl->ring_mask];
	kbuf->addr = READ_ONCE(ubuf->addr);
	kbuf->len = min_t(u32, READ_ONCE(ubuf->len), MAX_RW_COUNT);
	kbuf->bid = READ_ONCE(ubuf->bid);
	kbuf->bgid = req->sqe.buf_group;
	kbuf->ring_take = ++req->ctx->buf_ring_takes;
	bl->last_take = kbuf->ring_take;
	bl->head++;
	req->kbuf = kbuf;
	req->flags |= REQ_F_BUFFER_RING;
}

/*
 * The buffer @req reads into (*@buf), and in *@len how much of it: the one
 * it holds already (a retry), or the first of its group.  -ENOBUFS when
 * the group has none left.
 */
static int io_buffer_select(struct io_kiocb *req, void __user **buf, size_t *len)
{
	struct io_ring_ctx *ctx = req->ctx;
	struct io_buffer_list *bl;
	struct io_buffer *kbuf;

	if (!req->kbuf) {
		mutex_lock(&ctx->buf_lock);
		bl = xa_load(&ctx->buf_groups, req->sqe.buf_group);
		if (bl && bl->ring) {
			io_buffer_ring_take(req, bl);
		} else if (bl && !list_empty(&bl->bufs)) {
			req->kbuf = list_first_entry(&bl->bufs, struct io_buffer, list);
			list_del(&req->kbuf->list);
		}
		mutex_unlock(&ctx->buf_lock);
		if (!req->kbuf)
			return io_sqe_fail(req, -ENOBUFS, "no buffer left in group %u",
					   req->sqe.buf_group);
	}
	kbuf = req->kbuf;
	*len = req->buf_want && req->buf_want < kbuf->len ? req->buf_want : kbuf->len;
	*buf = u64_to_user_ptr(kbuf->addr);
	return 0;
}

/*
 * A mapped ring's entry goes back if it was the last one taken from its
 * ring (a take's name is never reused, so not from another registration
 * either); otherwise the request keeps it.  Under buf_lock.
 */
static bool io_buffer_ring_untake(struct io_kiocb *req, struct io_buffer_list *bl)
{
	if (!bl || !bl->ring || bl->last_take != req->kbuf->ring_take)
		return false;
	bl->last_take = 0;
	bl->head--;
	req->flags &= ~REQ_F_BUFFER_RING;
	return true;
}

/*
 * @req would block: the buffer goes back to the head of its group while it
 * waits, unless some data is in it already, or (a group that became a
 * mapped ring, an entry taken after it) it has no place to go back to:
 * then @req keeps it, and its CQE gives it back.
 */
static void io_buffer_recycle(struct io_kiocb *req)
{
	struct io_ring_ctx *ctx = req->ctx;
	struct io_buffer_list *bl;
	bool back = false;

	if (!req->kbuf || req->io_done)
		return;
	mutex_lock(&ctx->buf_lock);
	bl = xa_load(&ctx->buf_groups, req->kbuf->bgid);
	if (req->flags & REQ_F_BUFFER_RING) {
		back = io_buffer_ring_untake(req, bl);
	} else if (bl && !bl->ring) {
		list_add(&req->kbuf->list, &bl->bufs);
		back = true;
	}
	mutex_unlock(&ctx->buf_lock);
	if (back)
		req->kbuf = NULL;
}

static int io_provide_buffers(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	struct io_ring_ctx *ctx = req->ctx;
	u32 nbufs = sqe->fd, bid = sqe->off, i;
	struct io_buffer *buf, *tmp;
	struct io_buffer_list *bl;
	u64 addr = sqe->addr, end;
	LIST_HEAD(bufs);
	int ret = 0;

	if (sqe->rw_flags || sqe->splice_fd_in)
		return io_sqe_fail(req, -EINVAL, "PROVIDE_BUFFERS takes no flags or splice_fd_in");
	if (!nbufs || nbufs > IO_MAX_BIDS)
		return io_sqe_fail(req, -E2BIG, "PROVIDE_BUFFERS of %d buffers", sqe->fd);
	if (!sqe->len)
		return io_sqe_fail(req, -EINVAL, "PROVIDE_BUFFERS of empty buffers");
	if (check_add_overflow(addr, (u64)sqe->len * nbufs, &end))
		return io_sqe_fail(req, -EOVERFLOW, "PROVIDE_BUFFERS past the address space");
	if (!access_ok(u64_to_user_ptr(addr), end - addr))
		return io_sqe_fail(req, -EFAULT, "PROVIDE_BUFFERS of kernel memory");
	if (sqe->off > USHRT_MAX)
		return io_sqe_fail(req, -E2BIG, "PROVIDE_BUFFERS from ID %llu",
				   (unsigned long long)sqe->off);
	if (bid + nbufs > IO_MAX_BIDS)
		return io_sqe_fail(req, -EINVAL, "PROVIDE_BUFFERS IDs past 65535");

	/* as many as memory allows; only none at all is a failure */
	for (i = 0; i < nbufs; i++) {
		buf = kmalloc(sizeof(*buf), GFP_KERNEL_ACCOUNT);
		if (!buf)
			break;
		buf->addr = addr;
		buf->len = min_t(u32, sqe->len, MAX_RW_COUNT);
		buf->bid = bid + i;
		buf->bgid = sqe->buf_group;
		list_add_tail(&buf->list, &bufs);
		addr += sqe->len;
		cond_resched();
	}
	if (!i)
		ret = -ENOMEM;

	mutex_lock(&ctx->buf_lock);
	bl = xa_load(&ctx->buf_groups, sqe->buf_group);
	/* a mapped ring is filled by the application alone */
	if (bl && bl->ring)
		ret = io_fail(-EINVAL, "PROVIDE_BUFFERS to group %u, a mapped ring",
			      sqe->buf_group);
	if (!bl && !ret) {
		bl = kzalloc(sizeof(*bl), GFP_KERNEL_ACCOUNT);
		if (bl) {
			INIT_LIST_HEAD(&bl->bufs);
			ret = xa_err(xa_store(&ctx->buf_groups, sqe->buf_group, bl,
					      GFP_KERNEL_ACCOUNT));
			if (ret)
				kfree(bl);
		} else {
			ret = -ENOMEM;
		}
	}
	if (!ret)
		list_splice_tail_init(&bufs, &bl->bufs);
	mutex_unlock(&ctx->buf_lock);

	list_for_each_entry_safe(buf, tmp, &bufs, list)
		kfree(buf);
	io_req_complete(req, ret);
	return 0;
}

static int io_remove_buffers(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	struct io_ring_ctx *ctx = req->ctx;
	u32 nbufs = sqe->fd, n = 0;
	struct io_buffer *buf, *tmp;
	struct io_buffer_list *bl;
	LIST_HEAD(bufs);
	bool ring;

	if (sqe->rw_flags || sqe->addr || sqe->len || sqe->off || sqe->splice_fd_in)
		return io_sqe_fail(req, -EINVAL, "REMOVE_BUFFERS takes only fd and buf_group");
	if (!nbufs || nbufs > IO_MAX_BIDS)
		return io_sqe_fail(req, -EINVAL, "REMOVE_BUFFERS of %d buffers", sqe->fd);

	mutex_lock(&ctx->buf_lock);
	bl = xa_load(&ctx->buf_groups, sqe->buf_group);
	ring = bl && bl->ring;
	while (bl && n < nbufs && !list_empty(&bl->bufs)) {
		list_move_tail(bl->bufs.next, &bufs);
		n++;
	}
	mutex_unlock(&ctx->buf_lock);

	list_for_each_entry_safe(buf, tmp, &bufs, list) {
		kfree(buf);
		cond_resched();
	}
	if (!bl)
		return io_sqe_fail(req, -ENOENT, "no buffer group %u", sqe->buf_group);
	/* the application takes its entries back itself */
	if (ring)
		return io_sqe_fail(req, -EINVAL, "REMOVE_BUFFERS from group %u, a mapped ring",
				   sqe->buf_group);
	io_req_complete(req, n);
	return 0;
}

/* A group no longer in buf_groups: its buffers, or its ring, go. */
static void io_buffer_list_free(struct io_buffer_list *bl)
{
	struct io_buffer *buf, *tmp;

	list_for_each_entry_safe(buf, tmp, &bl->bufs, list) {
		kfree(buf);
		cond_resched();
	}
	if (bl->ring) {
		vunmap(bl->ring);
		unpin_user_pages(bl->ring_pages, bl->ring_nr_pages);
		kvfree(bl->ring_pages);
	}
	kfree(bl);
}

/* Ring teardown: every request is gone, and with it every buffer it held. */
static void io_buffers_free(struct io_ring_ctx *ctx)
{
	struct io_buffer_list *bl;
	unsigned long bgid;

	xa_for_each(&ctx->buf_groups, bgid, bl)
		io_buffer_list_free(bl);
	xa_destroy(&ctx->buf_groups);
}

/* ---- read and write ---------------------------------------------------- */

/*
 * Drop a reference to a read or write; the last one frees it, or hands it
 * to a worker when the device asked for a retry.
 */
static void io_rw_put(struct io_kiocb *req)
{
	if (!refcount_dec_and_test(&req->refs))
		return;
	if (req->flags & REQ_F_RETRY) {
		req->flags &= ~REQ_F_RETRY;
		refcount_set(&req->refs, 1);
		io_queue_async(req);
		return;
	}
	io_free_req(req);
}

static void io_complete_rw(struct kiocb *kiocb, long res)
{
	struct io_kiocb *req = container_of(kiocb, struct io_kiocb, rw);

	io_end_write(kiocb);
	/* the rest of a read cut short inline: count both parts */
	if (req->io_done)
		res = res < 0 ? req->io_done : res + req->io_done;
	/*
	 * A non-blocking attempt the device refused (no free tag, say) is
	 * retried from a worker, where it may block: by whoever of us and the
	 * submitter lets go of the request last.
	 */
	if (res == -EAGAIN && (req->flags & REQ_F_NOWAIT)) {
		req->flags |= REQ_F_RETRY;
		io_rw_put(req);
		return;
	}
	io_req_complete(req, res);
}

/*
 * Whether @file can say "would block" rather than block: one that takes
 * IOCB_NOWAIT, or, as 6.1 has it, a pipe, socket or device that is
 * O_NONBLOCK, which their ->read_iter() and ->write_iter() honour.  Not
 * a regular file or a block device: O_NONBLOCK means nothing to them
 * (shmem, NFS, FUSE, sysfs and /proc would block the submitter), and
 * they are not polled.
 */
static bool io_file_nowait(struct file *file)
{
	umode_t mode = file_inode(file)->i_mode;

	if (file->f_mode & FMODE_NOWAIT)
		return true;
	return (file->f_flags & O_NONBLOCK) && !S_ISREG(mode) && !S_ISBLK(mode);
}

/*
 * Whether a request must go to a worker without even trying inline: files
 * that cannot say "would block", and buffered writes that the file system
 * cannot do without blocking.
 */
static bool io_rw_must_punt(struct kiocb *kiocb, int rw)
{
	struct file *file = kiocb->ki_filp;

	if (!io_file_nowait(file))
		return true;
	return rw == WRITE && !(kiocb->ki_flags & IOCB_DIRECT) &&
	       S_ISREG(file_inode(file)->i_mode) &&
	       !(file->f_mode & FMODE_BUF_WASYNC);
}

/* The first field no opcode of ours uses that is not zero, or NULL. */
static __always_inline const char *io_sqe_pad(const struct io_uring_sqe *sqe)
{
	if (sqe->addr3)
		return "addr3";
	if (sqe->__pad2[0])
		return "__pad2";
	return NULL;
}

static __always_inline const char *io_sqe_reserved(const struct io_uring_sqe *sqe)
{
	return sqe->splice_fd_in ? "splice_fd_in" : io_sqe_pad(sqe);
}

/* As io_sqe_reserved(), for opcodes that take no buffer index either. */
static __always_inline const char *io_sqe_unused(const struct io_uring_sqe *sqe)
{
	return sqe->buf_index ? "buf_index" : io_sqe_reserved(sqe);
}

/* As io_sqe_unused(), for opcodes that may make a direct descriptor (file_index). */
static __always_inline const char *io_sqe_unused_but_slot(const struct io_uring_sqe *sqe)
{
	return sqe->buf_index ? "buf_index" : io_sqe_pad(sqe);
}

/* READ_FIXED and WRITE_FIXED: into or out of a registered buffer. */
static bool io_rw_fixed(const struct io_kiocb *req)
{
	return req->sqe.opcode == IORING_OP_READ_FIXED || req->sqe.opcode == IORING_OP_WRITE_FIXED;
}

/* The zero-copy sends, SEND_ZC and SENDMSG_ZC. */
static bool io_op_is_zc(u8 op)
{
	return op == IORING_OP_SEND_ZC || op == IORING_OP_SENDMSG_ZC;
}

/* A SEND_ZC from a registered buffer (IORING_RECVSEND_FIXED_BUF). */
static bool io_send_zc_fixed(const struct io_kiocb *req)
{
	return req->sqe.opcode == IORING_OP_SEND_ZC &&
	       (req->sqe.ioprio & IORING_RECVSEND_FIXED_BUF);
}

static bool io_op_is_sendmsg(u8 op)
{
	return op == IORING_OP_SENDMSG || op == IORING_OP_SENDMSG_ZC;
}

static int io_prep_rw(struct io_kiocb *req, bool force_nonblock)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	struct io_ring_ctx *ctx = req->ctx;
	struct kiocb *kiocb = &req->rw;
	int ret;

	if (sqe->buf_index && !io_rw_fixed(req) && !(req->flags & REQ_F_BUFFER_SELECT))
		return io_sqe_fail(req, -EINVAL, "buf_index %u without READ/WRITE_FIXED",
				   sqe->buf_index);
	if (io_sqe_reserved(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_reserved(sqe));

	/*
	 * Offset -1: read(2)/write(2) at f_pos on a file with positions; a
	 * stream (pipe, socket) has none, and takes 0 as its drivers expect.
	 */
	kiocb->ki_pos = sqe->off;
	if (kiocb->ki_pos == -1) {
		kiocb->ki_pos = 0;
		if (!(kiocb->ki_filp->f_mode & FMODE_STREAM)) {
			req->flags |= REQ_F_CUR_POS;
			kiocb->ki_pos = kiocb->ki_filp->f_pos;
		}
	}
	kiocb->ki_flags = iocb_flags(kiocb->ki_filp);
	kiocb->private = NULL;
	if (sqe->ioprio) {
		ret = ioprio_check_cap(sqe->ioprio);
		if (ret)
			return io_sqe_fail(req, ret, "ioprio %#x refused", sqe->ioprio);
		kiocb->ki_ioprio = sqe->ioprio;
	} else {
		kiocb->ki_ioprio = get_current_ioprio();
	}
	ret = kiocb_set_rw_flags(kiocb, sqe->rw_flags);
	if (unlikely(ret))
		return io_sqe_fail(req, ret, "rw_flags %#x not supported", sqe->rw_flags);

	if (force_nonblock) {
		kiocb->ki_flags |= IOCB_NOWAIT;
		req->flags |= REQ_F_NOWAIT;
	} else {
		req->flags &= ~REQ_F_NOWAIT;
	}

	if (ctx->flags & IORING_SETUP_IOPOLL) {
		if (!(kiocb->ki_flags & IOCB_DIRECT) ||
		    !kiocb->ki_filp->f_op->iopoll)
			return io_sqe_fail(req, -EOPNOTSUPP,
					   "IOPOLL needs O_DIRECT on a file that can be polled");
		/*
		 * Polled bios complete in the task that reaps them, never in
		 * interrupt context: they may come from the block layer's
		 * per-CPU bio cache, which saves a slab round trip per IO.
		 */
		kiocb->ki_flags |= IOCB_HIPRI | IOCB_ALLOC_CACHE;
		kiocb->ki_complete = io_complete_rw_iopoll;
	} else {
		if (kiocb->ki_flags & IOCB_HIPRI)
			return io_sqe_fail(req, -EINVAL, "RWF_HIPRI needs an IOPOLL ring");
		kiocb->ki_complete = io_complete_rw;
	}
	return 0;
}

/*
 * READV/WRITEV: addr and len are an iovec array and its length.
 * READ/WRITE: they are the buffer itself, which *@iovec (on the caller's
 * stack) then describes; nothing is left to free.
 */
static ssize_t io_import_iovec(struct io_kiocb *req, int rw,
			       struct iovec **iovec, struct iov_iter *iter)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	void __user *buf = u64_to_user_ptr(sqe->addr);
	size_t len;
	int ret;

	if (req->flags & REQ_F_BUFFER_SELECT) {
		ret = io_buffer_select(req, &buf, &len);
		if (ret)
			return ret;
		ret = import_single_range(rw, buf, len, *iovec, iter);
		*iovec = NULL;
		return ret;
	}
	/* the copy taken at submission, checked and capped then */
	if (req->iov) {
		*iovec = NULL;
		iov_iter_init(iter, rw, req->iov, req->nr_iov, iov_length(req->iov, req->nr_iov));
		return 0;
	}
	if (sqe->opcode == IORING_OP_READ || sqe->opcode == IORING_OP_WRITE) {
		ret = import_single_range(rw, buf, sqe->len, *iovec, iter);
		*iovec = NULL;
		return ret;
	}
	return __import_iovec(rw, buf, sqe->len, UIO_FASTIOV, iovec, iter,
			      req->ctx->compat);
}

/*
 * READ/WRITE_FIXED, SEND_ZC and URING_CMD: point @iter at [addr, addr +
 * len) of the registered buffer, which must lie wholly inside it.
 */
static int io_imu_import(struct io_kiocb *req, u64 addr, u64 len, int rw,
			 struct iov_iter *iter)
{
	struct io_mapped_ubuf *imu = req->imu;
	u16 index = req->sqe.buf_index;
	size_t offset;
	u64 end;

	/* an empty slot, as on 6.1 */
	if (!imu)
		return io_sqe_fail(req, -EFAULT, "buffer %u is an empty slot", index);
	if (check_add_overflow(addr, len, &end) ||
	    addr < imu->ubuf || end > imu->ubuf + imu->len)
		return io_sqe_fail(req, -EFAULT, "[%#llx, +%llu) is outside buffer %u",
				   addr, len, index);

	offset = addr - imu->ubuf;
	iov_iter_bvec(iter, rw, imu->bvec, imu->nr_bvecs, offset + len);
	iov_iter_advance(iter, offset);
	return 0;
}

static int io_import_fixed(struct io_kiocb *req, int rw, struct iov_iter *iter)
{
	return io_imu_import(req, req->sqe.addr, req->sqe.len, rw, iter);
}

/*
 * Hand the outcome of ->read_iter()/->write_iter() to its owner: queued
 * requests complete through ->ki_complete, the rest complete here.
 */
static void io_rw_done(struct io_kiocb *req, ssize_t ret)
{
	struct kiocb *kiocb = &req->rw;

	/*
	 * The position moves as the file system moved ki_pos; as for
	 * read(2), concurrent users of one position race, and 6.1 takes no
	 * lock for it either.
	 */
	if (req->flags & REQ_F_CUR_POS)
		req->file->f_pos = kiocb->ki_pos;
	if (ret != -EIOCBQUEUED)
		kiocb->ki_complete(kiocb, io_no_restart(ret));
}

/*
 * A buffered read of a regular file stops short without blocking when the
 * rest is not in the page cache yet.  Unless it stopped at EOF, a worker
 * reads the rest: one completion for the whole range saves the application
 * a round trip per readahead window, and it is what read(2) would give.
 */
static bool io_read_cut_short(struct io_kiocb *req, int rw, ssize_t ret)
{
	struct kiocb *kiocb = &req->rw;

	return rw == READ && (req->flags & REQ_F_SEQ) && ret > 0 &&
	       (size_t)ret < req->io_len &&
	       kiocb->ki_pos < i_size_read(file_inode(kiocb->ki_filp));
}

/* READV/WRITEV whose iovec array is read from userspace. */
static bool io_rw_reads_iovec(struct io_kiocb *req)
{
	u8 op = req->sqe.opcode;

	return (op == IORING_OP_READV || op == IORING_OP_WRITEV) &&
	       !(req->flags & REQ_F_BUFFER_SELECT);
}

/*
 * Keep the iovec array just imported (@iovec if it was allocated, else
 * the @nr entries of @inline_vecs) for the request's later issue.  Only
 * for READV/WRITEV read from userspace: READ/WRITE and the FIXED ones
 * point at their buffer directly.  -ENOMEM without memory for the copy:
 * the array is not read again (io_rw_iovec_once()).
 */
static int io_rw_keep_iovec(struct io_kiocb *req, struct iovec **iovec,
			    const struct iovec *inline_vecs, unsigned long nr)
{
	if (req->iov || !io_rw_reads_iovec(req))
		return 0;
	if (*iovec) {
		req->iov = *iovec;
		*iovec = NULL;
	} else {
		req->iov = kmemdup(inline_vecs, nr * sizeof(*inline_vecs), GFP_KERNEL_ACCOUNT);
		if (!req->iov)
			return -ENOMEM;
	}
	req->nr_iov = nr;
	return 0;
}

/*
 * IORING_FEAT_SUBMIT_STABLE: a READV/WRITEV reads its iovec array from
 * userspace once, while its submission is under way; every later try
 * uses the copy kept then.  Without one (no memory for it, or a device
 * that refused the request after we had let the array go) it is not read
 * again: false, and the request ends with the device's -EAGAIN, as 6.1
 * ends one that a device refuses from interrupt context.
 */
static bool io_rw_iovec_once(struct io_kiocb *req)
{
	if (req->iov || !io_rw_reads_iovec(req))
		return true;
	if (req->flags & REQ_F_ARGS_READ)
		return false;
	req->flags |= REQ_F_ARGS_READ;
	return true;
}

/*
 * Whether a read or write the device refused may be tried again: not one
 * that would have to read its iovec array again (io_rw_iovec_once()).
 */
static bool io_rw_may_retry(struct io_kiocb *req)
{
	return req->iov || !io_rw_reads_iovec(req) || !(req->flags & REQ_F_ARGS_READ);
}

/* The device refused the request inline (-EAGAIN): a worker retries it. */
static bool io_rw_refused_inline(struct io_kiocb *req)
{
	u32 flags = READ_ONCE(req->flags);

	if (flags & REQ_F_RETRY)
		return true;
	return (flags & REQ_F_IOPOLL_DONE) && READ_ONCE(req->result) == -EAGAIN;
}

/* RWF_NOWAIT: the caller wants -EAGAIN rather than a wait, as preadv2() gives. */
static bool io_rw_user_nowait(struct io_kiocb *req)
{
	return (req->sqe.rw_flags & RWF_NOWAIT) && !(req->ctx->flags & IORING_SETUP_IOPOLL);
}

/*
 * Issue a READV/WRITEV.  Returns -EAGAIN when a non-blocking attempt would
 * have blocked: the caller then hands the request to a worker.  Any other
 * outcome has been (or will be) completed through io_rw_done().
 */
static int io_rw(struct io_kiocb *req, int rw, bool force_nonblock)
{
	struct iovec inline_vecs[UIO_FASTIOV], *iovec = inline_vecs;
	struct kiocb *kiocb = &req->rw;
	struct file *file = kiocb->ki_filp;
	unsigned long nr_segs;
	struct iov_iter iter;
	ssize_t ret;

	if (unlikely(!(file->f_mode & (rw == READ ? FMODE_READ : FMODE_WRITE))))
		return io_sqe_fail(req, -EBADF, "file not open for %s",
				   rw == READ ? "reading" : "writing");
	if (unlikely(rw == READ ? !file->f_op->read_iter : !file->f_op->write_iter))
		return io_sqe_fail(req, -EINVAL, "file has no %s",
				   rw == READ ? "read_iter" : "write_iter");

	ret = io_prep_rw(req, force_nonblock);
	if (ret)
		return ret;
	if (unlikely(!io_rw_iovec_once(req))) {
		req->flags &= ~REQ_F_NOWAIT;
		kiocb->ki_flags &= ~IOCB_WRITE;	/* never started */
		io_rw_done(req, -EAGAIN);
		return 0;
	}
	if (io_rw_fixed(req)) {
		iovec = NULL;
		ret = io_import_fixed(req, rw, &iter);
	} else {
		ret = io_import_iovec(req, rw, &iovec, &iter);
	}
	if (ret < 0)
		return ret;
	nr_segs = iter.nr_segs;
	req->io_len = iov_iter_count(&iter);
	/* stream files (pipes, sockets) have no position */
	ret = rw_verify_area(rw, file, file->f_mode & FMODE_STREAM ? NULL : &kiocb->ki_pos,
			     req->io_len);
	if (ret)
		goto out_free;
	if (!(kiocb->ki_flags & IOCB_DIRECT) && S_ISREG(file_inode(file)->i_mode) &&
	    !(req->ctx->flags & IORING_SETUP_IOPOLL))
		req->flags |= REQ_F_SEQ;
	/* a worker carries on where the non-blocking attempt stopped */
	if (req->io_done) {
		iov_iter_advance(&iter, req->io_done);
		kiocb->ki_pos += req->io_done;
	}
	if (force_nonblock && io_rw_must_punt(kiocb, rw)) {
		ret = -EAGAIN;
		goto out_free;
	}

	/* the completion may come before ->read_iter() is done with the kiocb */
	refcount_inc(&req->refs);
	if (rw == WRITE) {
		io_start_write(kiocb);
		ret = call_write_iter(file, kiocb, &iter);
	} else {
		ret = call_read_iter(file, kiocb, &iter);
	}

	/* file systems without IOCB_NOWAIT support for writes say so */
	if (force_nonblock && (ret == -EAGAIN || ret == -EOPNOTSUPP)) {
		io_end_write(kiocb);
		ret = -EAGAIN;
		goto out_put;
	}
	if (force_nonblock && io_read_cut_short(req, rw, ret)) {
		req->io_done = ret;
		ret = -EAGAIN;
		goto out_put;
	}
	io_rw_done(req, ret);
	/* a worker will retry it: with the iovec array as read now */
	if (force_nonblock && io_rw_refused_inline(req))
		io_rw_keep_iovec(req, &iovec, inline_vecs, nr_segs);
	ret = 0;
out_put:
	io_rw_put(req);
out_free:
	if (unlikely(ret == -EAGAIN) && io_rw_user_nowait(req)) {
		/* as from preadv2(RWF_NOWAIT): -EAGAIN (or what was read), no worker */
		req->flags &= ~REQ_F_NOWAIT;
		kiocb->ki_flags &= ~IOCB_WRITE;	/* ended, or never started */
		io_rw_done(req, -EAGAIN);
		ret = 0;
	} else if (ret == -EAGAIN) {
		/* a worker goes on with the iovec array as it is now */
		if (io_rw_keep_iovec(req, &iovec, inline_vecs, nr_segs)) {
			req->flags &= ~REQ_F_NOWAIT;
			kiocb->ki_flags &= ~IOCB_WRITE;
			io_rw_done(req, -ENOMEM);
			ret = 0;
		}
		io_buffer_recycle(req);
	}
	kfree(iovec);
	return ret;
}

/* ---- other opcodes ----------------------------------------------------- */

static int io_nop(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;

	/* an IOPOLL ring takes it too (6.1 does): its CQE is posted at once */
	if (sqe->ioprio || sqe->off || sqe->addr || sqe->len || sqe->rw_flags)
		return io_sqe_fail(req, -EINVAL, "NOP takes no ioprio, off, addr, len or flags");
	if (io_sqe_unused(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused(sqe));
	io_req_complete(req, 0);
	return 0;
}

static int io_fsync(struct io_kiocb *req, bool force_nonblock)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	loff_t start = sqe->off, end;
	int ret;

	if (req->ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "FSYNC on an IOPOLL ring");
	if (sqe->ioprio || sqe->addr)
		return io_sqe_fail(req, -EINVAL, "FSYNC takes no ioprio or addr");
	if (io_sqe_unused(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused(sqe));
	if (sqe->fsync_flags & ~IORING_FSYNC_DATASYNC)
		return io_sqe_fail(req, -EINVAL, "fsync_flags %#x unknown", sqe->fsync_flags);
	if (start < 0)
		return io_sqe_fail(req, -EINVAL, "offset %lld is negative", start);
	/* len 0 means "to the end of the file", as for sync_file_range() */
	end = sqe->len ? start + sqe->len - 1 : LLONG_MAX;

	/* fsync always blocks */
	if (force_nonblock)
		return -EAGAIN;

	ret = vfs_fsync_range(req->file, start, end,
			      sqe->fsync_flags & IORING_FSYNC_DATASYNC);
	io_req_complete(req, ret);
	return 0;
}

/*
 * SYNC_FILE_RANGE: sync_file_range(2) on [off, off + len), with
 * sync_range_flags; len 0 means to the end of the file.
 */
static int io_sync_file_range(struct io_kiocb *req, bool force_nonblock)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	int ret;

	if (req->ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "SYNC_FILE_RANGE on an IOPOLL ring");
	if (sqe->ioprio || sqe->addr)
		return io_sqe_fail(req, -EINVAL, "SYNC_FILE_RANGE takes no ioprio or addr");
	if (io_sqe_unused(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused(sqe));

	/* it waits for writeback: never inline */
	if (force_nonblock)
		return -EAGAIN;

	ret = sync_file_range(req->file, sqe->off, sqe->len, sqe->sync_range_flags);
	io_req_complete(req, ret);
	return 0;
}

/*
 * FALLOCATE: fallocate(2) of [off, off + addr) with the mode in len.  It
 * allocates blocks, so a worker makes it.
 */
static int io_fallocate(struct io_kiocb *req, bool force_nonblock)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	int ret;

	if (req->ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "FALLOCATE on an IOPOLL ring");
	if (sqe->ioprio || sqe->buf_index || sqe->rw_flags)
		return io_sqe_fail(req, -EINVAL, "FALLOCATE takes no ioprio, buf_index or flags");
	if (io_sqe_unused(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused(sqe));
	if (force_nonblock)
		return -EAGAIN;

	ret = vfs_fallocate(req->file, sqe->len, sqe->off, sqe->addr);
	io_req_complete(req, io_no_restart(ret));
	return 0;
}

/*
 * FADVISE: posix_fadvise(2) of [off, off + len) with fadvise_advice.
 * Advice that only sets the file's readahead mode is given inline; the
 * rest may read or write back pages, so a worker gives it.
 */
static int io_fadvise(struct io_kiocb *req, bool force_nonblock)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	int ret;

	if (req->ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "FADVISE on an IOPOLL ring");
	if (sqe->ioprio || sqe->addr)
		return io_sqe_fail(req, -EINVAL, "FADVISE takes no ioprio or addr");
	if (io_sqe_unused(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused(sqe));
	if (force_nonblock && sqe->fadvise_advice != POSIX_FADV_NORMAL &&
	    sqe->fadvise_advice != POSIX_FADV_RANDOM &&
	    sqe->fadvise_advice != POSIX_FADV_SEQUENTIAL)
		return -EAGAIN;

	ret = vfs_fadvise(req->file, sqe->off, sqe->len, sqe->fadvise_advice);
	io_req_complete(req, ret);
	return 0;
}

/*
 * MADVISE: madvise(2) of [addr, addr + len) with fadvise_advice, in the
 * submitter's memory (a worker's is the same).  It may fault pages in or
 * take mmap_lock for writing: a worker gives it.
 */
static int io_madvise(struct io_kiocb *req, bool force_nonblock)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	int ret;

	if (!IS_ENABLED(CONFIG_ADVISE_SYSCALLS) || !IS_ENABLED(CONFIG_MMU))
		return io_sqe_fail(req, -EOPNOTSUPP, "MADVISE needs CONFIG_ADVISE_SYSCALLS");
	if (req->ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "MADVISE on an IOPOLL ring");
	if (sqe->ioprio || sqe->off)
		return io_sqe_fail(req, -EINVAL, "MADVISE takes no ioprio or off");
	if (io_sqe_unused(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused(sqe));
	if (force_nonblock)
		return -EAGAIN;

	ret = do_madvise(current->mm, sqe->addr, sqe->len, sqe->fadvise_advice);
	io_req_complete(req, io_no_restart(ret));
	return 0;
}

/*
 * EPOLL_CTL: epoll_ctl(2) of the epoll fd in fd: op in len, the target fd
 * in off, the struct epoll_event at addr (read at submission).  Inline
 * unless the epoll's mutex is taken: then a worker waits for it.
 */
static int io_epoll_ctl_prep(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;

	if (req->flags & REQ_F_ARGS_READ)
		return 0;
	if (!IS_ENABLED(CONFIG_EPOLL))
		return io_sqe_fail(req, -EOPNOTSUPP, "EPOLL_CTL needs CONFIG_EPOLL");
	if (req->ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "EPOLL_CTL on an IOPOLL ring");
	if (sqe->ioprio || sqe->rw_flags)
		return io_sqe_fail(req, -EINVAL, "EPOLL_CTL takes no ioprio or flags");
	if (io_sqe_unused(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused(sqe));
	if (sqe->off > INT_MAX)
		return io_sqe_fail(req, -EBADF, "target fd %llu", sqe->off);
	if (sqe->len != EPOLL_CTL_DEL &&
	    copy_from_user(&req->epoll.event, u64_to_user_ptr(sqe->addr),
			   sizeof(req->epoll.event)))
		return io_sqe_fail(req, -EFAULT, "cannot read the epoll_event at %#llx",
				   sqe->addr);
	req->flags |= REQ_F_ARGS_READ;
	return 0;
}

static int io_epoll_ctl(struct io_kiocb *req, bool force_nonblock)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	int ret;

	ret = io_epoll_ctl_prep(req);
	if (ret)
		return ret;
#ifdef CONFIG_EPOLL
	ret = do_epoll_ctl(sqe->fd, sqe->len, sqe->off, &req->epoll.event, force_nonblock);
#endif
	if (ret == -EAGAIN && force_nonblock)
		return ret;
	io_req_complete(req, io_no_restart(ret));
	return 0;
}

/*
 * SPLICE: splice(2) of len bytes from splice_fd_in at splice_off_in to fd
 * at off (-1 for either: no offset, for a pipe or at the file position),
 * with splice_flags; SPLICE_F_FD_IN_FIXED makes splice_fd_in a registered
 * file.  TEE: tee(2) of len bytes from the pipe splice_fd_in to the pipe
 * fd.  Both may wait on either side, so a worker runs them.  As a read
 * does, one that moves fewer than len bytes breaks its chain.
 */
static int io_splice_prep(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	bool tee = sqe->opcode == IORING_OP_TEE;

	if (req->ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "SPLICE or TEE on an IOPOLL ring");
	if (sqe->ioprio || sqe->buf_index || sqe->addr3 || sqe->__pad2[0])
		return io_sqe_fail(req, -EINVAL,
				   "SPLICE and TEE take no ioprio, buf_index, addr3 or __pad2");
	if (sqe->splice_flags & ~(SPLICE_F_ALL | SPLICE_F_FD_IN_FIXED))
		return io_sqe_fail(req, -EINVAL, "splice_flags %#x unknown", sqe->splice_flags);
	if (tee && (sqe->splice_off_in || sqe->off))
		return io_sqe_fail(req, -EINVAL, "TEE takes no offsets");
	/* a short splice breaks a chain */
	req->io_len = sqe->len;
	return 0;
}

static struct file *io_fixed_file_ref(struct io_ring_ctx *ctx, u64 index);

/* The file SPLICE and TEE read from: an fd, or a slot of the registered files. */
static struct file *io_splice_file_in(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	struct io_ring_ctx *ctx = req->ctx;
	unsigned int index = sqe->splice_fd_in;
	struct file *file;

	if (!(sqe->splice_flags & SPLICE_F_FD_IN_FIXED))
		return fget(sqe->splice_fd_in);
	/* the table is under uring_lock; a worker (we are one) takes it */
	mutex_lock(&ctx->uring_lock);
	file = io_fixed_file_ref(ctx, index);
	io_req_rsrc_node_get(req);
	mutex_unlock(&ctx->uring_lock);
	return file;
}

static int io_splice(struct io_kiocb *req, bool force_nonblock)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	loff_t off_in = sqe->splice_off_in, off_out = sqe->off;
	unsigned int flags = sqe->splice_flags & SPLICE_F_ALL;
	struct file *in;
	long ret = 0;
	int err;

	err = io_splice_prep(req);
	if (err)
		return err;
	if (force_nonblock)
		return -EAGAIN;

	in = io_splice_file_in(req);
	if (!in) {
		io_req_complete(req, -EBADF);
		return 0;
	}
	if (sqe->len && sqe->opcode == IORING_OP_TEE)
		ret = do_tee(in, req->file, sqe->len, flags);
	else if (sqe->len)
		ret = do_splice(in, off_in == -1 ? NULL : &off_in, req->file,
				off_out == -1 ? NULL : &off_out, sqe->len, flags);
	fput(in);
	io_req_complete(req, io_no_restart(ret));
	return 0;
}

/* Direct descriptors: the registered files, with their code further down. */
static int io_fixed_install(struct io_ring_ctx *ctx, struct file *file, u32 slot);
static int io_req_fixed_install(struct io_kiocb *req, struct file *file);
static int io_fixed_close(struct io_kiocb *req);
static struct file *io_fixed_file_get(struct io_kiocb *req, u64 index);

/*
 * MSG_RING with IORING_MSG_SEND_FD: the registered file at slot addr3 of
 * this ring becomes a direct descriptor of the target ring, at its slot
 * file_index (1-based, or IORING_FILE_INDEX_ALLOC), and the target gets a
 * CQE with user_data off, unless IORING_MSG_RING_CQE_SKIP.  Both CQEs
 * carry 0 or the slot allocated.  Issued inline, under this ring's
 * uring_lock, the target's is only tried: two rings sending to each other
 * could otherwise each wait for the other's.  A worker holds one at a time.
 */
static int io_msg_send_fd(struct io_kiocb *req)
{
	struct io_ring_ctx *target = req->file->private_data;
	const struct io_uring_sqe *sqe = &req->sqe;
	struct file *file;
	int ret;

	if (target == req->ctx)
		return io_sqe_fail(req, -EINVAL, "MSG_RING: a file sent to its own ring");
	file = io_fixed_file_get(req, sqe->addr3);
	if (!file)
		return io_sqe_fail(req, -EBADF, "MSG_RING: no file at slot %llu", sqe->addr3);
	/* a worker waits as long as the target's holder takes, or a cancel */
	if (req->flags & REQ_F_ASYNC) {
		ret = mutex_lock_interruptible(&target->uring_lock);
		if (ret) {
			fput(file);
			io_req_complete(req, -EINTR);
			return 0;
		}
	} else if (!mutex_trylock(&target->uring_lock)) {
		fput(file);
		return -EAGAIN;
	}
	ret = io_fixed_install(target, file, sqe->file_index);
	if (ret >= 0 && !(sqe->msg_ring_flags & IORING_MSG_RING_CQE_SKIP))
		__io_cqring_add_event(target, sqe->off, ret, 0, true);
	mutex_unlock(&target->uring_lock);
	io_req_complete(req, ret);
	return 0;
}

/*
 * MSG_RING with IORING_MSG_DATA in addr: post a CQE to the ring fd names
 * (this one or another), its user_data off and its res len, so that one
 * thread can wake another's ring without an eventfd.  The sender's CQE
 * says 0.  IORING_MSG_SEND_FD passes a registered file (above).
 */
static int io_msg_ring(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;

	/* in 6.1's order: the SQE, then the target, then the command */
	if (sqe->ioprio || sqe->buf_index || sqe->personality || sqe->__pad2[0])
		return io_sqe_fail(req, -EINVAL,
				   "MSG_RING takes no ioprio, buf_index, personality or __pad2");
	if (sqe->msg_ring_flags & ~IORING_MSG_RING_CQE_SKIP)
		return io_sqe_fail(req, -EINVAL, "msg_ring_flags %#x unknown", sqe->msg_ring_flags);
	if (!io_is_uring_fops(req->file))
		return io_sqe_fail(req, -EBADFD, "MSG_RING to an fd that is not an io_uring");
	if (sqe->addr == IORING_MSG_SEND_FD)
		return io_msg_send_fd(req);
	if (sqe->addr != IORING_MSG_DATA)
		return io_sqe_fail(req, -EINVAL, "MSG_RING command %llu unknown", sqe->addr);
	/* no source or target slot, and a CQE is what it is for */
	if (sqe->addr3 || sqe->file_index || sqe->msg_ring_flags)
		return io_sqe_fail(req, -EINVAL,
				   "MSG_RING data takes no addr3, file_index or flags");

	/* no request of the target's: a drain there does not wait for it */
	__io_cqring_add_event(req->file->private_data, sqe->off, (s32)sqe->len, 0, true);
	io_req_complete(req, 0);
	return 0;
}

/* ---- the submitter's file table and paths: OPENAT, CLOSE, STATX... ------ */

/*
 * These act on current's file table and resolve paths from its root and
 * working directory: the submitter's own, or, in a worker or the SQ
 * thread, those of the process they are threads of.
 */

/*
 * Checks OPENAT, OPENAT2 and STATX share: fd is a directory fd, addr a
 * path.  The opens may make a direct descriptor (file_index).
 */
static int io_path_op_check(struct io_kiocb *req, const char *name)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	bool open = sqe->opcode != IORING_OP_STATX;
	const char *unused = open ? io_sqe_unused_but_slot(sqe) : io_sqe_unused(sqe);

	if (req->ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "%s on an IOPOLL ring", name);
	/* -EBADF, as on 6.1 */
	if (sqe->flags & IOSQE_FIXED_FILE)
		return io_sqe_fail(req, -EBADF, "%s takes a directory fd, not a fixed file", name);
	if (sqe->ioprio || sqe->buf_index)
		return io_sqe_fail(req, -EINVAL, "%s takes no ioprio or buf_index", name);
	if (unused)
		return io_sqe_fail(req, -EINVAL, "%s must be zero", unused);
	return 0;
}

/* Copy the path at addr, once: at the first issue, which is the submission. */
static int io_req_get_path(struct io_kiocb *req, int lookup_flags)
{
	struct filename *name;

	if (req->path)
		return 0;
	name = getname_flags(u64_to_user_ptr(req->sqe.addr), lookup_flags, NULL);
	if (IS_ERR(name))
		return io_sqe_fail(req, PTR_ERR(name), "cannot read the path at %#llx",
				   req->sqe.addr);
	req->path = name;
	return 0;
}

/*
 * OPENAT: openat(2) of the path at addr, relative to the directory fd,
 * with open_flags and mode len; OPENAT2: openat2(2), with the struct
 * open_how at addr2, of size len.  The CQE carries the new fd; or, with a
 * file_index, 0 or the slot allocated, the file being a direct descriptor
 * (which has no close-on-exec to ask for).  The path (and open_how) are
 * read at submission, so they need not outlive the io_uring_enter() call.
 */

/*
 * Whether the submitter may make the open itself, as 6.1 does, rather
 * than a worker: when the path resolves from the dentry cache alone, to a
 * regular file or a directory, and nothing is created or truncated.  So
 * a chain of OPENAT and I/O on a cached file runs in io_uring_enter(),
 * as on 6.1.  A FIFO or a device is opened by a worker, which may block
 * (6.1 would open those O_NONBLOCK, where a FIFO's open differs).
 */
static bool io_open_inline(struct io_kiocb *req, const struct open_how *how,
			   const struct open_flags *op)
{
	struct path path;
	bool inline_ok;

	if (how->flags & (O_TRUNC | O_CREAT | __O_TMPFILE))
		return false;
	if (filename_lookup(req->sqe.fd, req->path, op->lookup_flags | LOOKUP_CACHED, &path, NULL))
		return false;
	inline_ok = d_is_reg(path.dentry) || d_is_dir(path.dentry);
	path_put(&path);
	return inline_ok;
}

/*
 * Open the path: in a worker as openat(2) would; inline, as
 * io_open_inline() allowed, by the same cached walk and O_NONBLOCK, so
 * that nothing makes the submitter wait (a lease to break, a FIFO renamed
 * over the path since).  Inline, whatever goes wrong, or gives other
 * than a regular file or a directory, is ERR_PTR(-EAGAIN): a worker opens
 * it again and gives openat(2)'s answer.
 */
static struct file *io_open_file(struct io_kiocb *req, const struct open_how *how,
				 struct open_flags *op, bool force_nonblock)
{
	struct file *file;
	umode_t mode;

	if (!force_nonblock)
		return do_filp_open(req->sqe.fd, req->path, op);
	op->lookup_flags |= LOOKUP_CACHED;
	op->open_flag |= O_NONBLOCK;
	file = do_filp_open(req->sqe.fd, req->path, op);
	if (IS_ERR(file))
		return ERR_PTR(-EAGAIN);
	mode = file_inode(file)->i_mode;
	if (!S_ISREG(mode) && !S_ISDIR(mode)) {
		fput(file);
		return ERR_PTR(-EAGAIN);
	}
	if (!(how->flags & O_NONBLOCK))
		file->f_flags &= ~O_NONBLOCK;
	return file;
}

static int io_open(struct io_kiocb *req, const struct open_how *how, bool force_nonblock)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	/*
	 * Inline only with a path read by this call: audit keeps a pointer
	 * from the name into the audit context of the syscall that read it.
	 */
	bool fresh = !req->path;
	struct open_flags op;
	struct file *file;
	int ret, fd;

	ret = build_open_flags(how, &op);
	if (ret)
		return io_sqe_fail(req, ret, "flags %#llx, mode %#llo, resolve %#llx refused",
				   how->flags, how->mode, how->resolve);
	if (sqe->file_index && (how->flags & O_CLOEXEC))
		return io_sqe_fail(req, -EINVAL, "a direct descriptor takes no O_CLOEXEC");
	ret = io_req_get_path(req, 0);
	if (ret)
		return ret;
	if (force_nonblock && (!fresh || !io_open_inline(req, how, &op)))
		return -EAGAIN;

	if (sqe->file_index) {
		file = io_open_file(req, how, &op, force_nonblock);
		if (file == ERR_PTR(-EAGAIN) && force_nonblock)
			return -EAGAIN;
		if (IS_ERR(file)) {
			ret = PTR_ERR(file);
		} else {
			fsnotify_open(file);
			ret = io_req_fixed_install(req, file);
		}
		io_req_complete(req, io_no_restart(ret));
		return 0;
	}
	fd = get_unused_fd_flags(how->flags);
	if (fd >= 0) {
		file = io_open_file(req, how, &op, force_nonblock);
		if (file == ERR_PTR(-EAGAIN) && force_nonblock) {
			put_unused_fd(fd);
			return -EAGAIN;
		}
		if (IS_ERR(file)) {
			put_unused_fd(fd);
			fd = PTR_ERR(file);
		} else {
			fsnotify_open(file);
			fd_install(fd, file);
		}
	}
	io_req_complete(req, io_no_restart(fd));
	return 0;
}

static int io_openat(struct io_kiocb *req, bool force_nonblock)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	/* as openat(2): 64-bit offsets unless the ABI has 32-bit off_t */
	struct open_how how = build_open_how(force_o_largefile() ?
					     sqe->open_flags | O_LARGEFILE : sqe->open_flags,
					     sqe->len);
	int ret;

	ret = io_path_op_check(req, "OPENAT");
	if (ret)
		return ret;
	if (sqe->off)
		return io_sqe_fail(req, -EINVAL, "OPENAT takes no off");
	return io_open(req, &how, force_nonblock);
}

/* OPENAT2's checks, and its open_how, read once (io_req_stabilize()). */
static int io_openat2_prep(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	int ret;

	if (req->flags & REQ_F_ARGS_READ)
		return 0;
	ret = io_path_op_check(req, "OPENAT2");
	if (ret)
		return ret;
	if (sqe->open_flags)
		return io_sqe_fail(req, -EINVAL, "OPENAT2 takes its flags in open_how");
	if (sqe->len < OPEN_HOW_SIZE_VER0)
		return io_sqe_fail(req, -EINVAL, "open_how of %u bytes", sqe->len);
	ret = copy_struct_from_user(&req->open.how, sizeof(req->open.how),
				    u64_to_user_ptr(sqe->addr2), sqe->len);
	if (ret)
		return io_sqe_fail(req, ret, "cannot read the open_how at %#llx", sqe->addr2);
	req->flags |= REQ_F_ARGS_READ;
	return 0;
}

static int io_openat2(struct io_kiocb *req, bool force_nonblock)
{
	struct open_how how;
	int ret;

	ret = io_openat2_prep(req);
	if (ret)
		return ret;
	how = req->open.how;
	/* as openat2(2), which build_open_flags() holds O_PATH to */
	if (!(how.flags & O_PATH) && force_o_largefile())
		how.flags |= O_LARGEFILE;
	return io_open(req, &how, force_nonblock);
}

/*
 * STATX: statx(2) of the path at addr, relative to the directory fd, with
 * statx_flags and the mask in len, into the struct statx at addr2.
 */
static int io_statx(struct io_kiocb *req, bool force_nonblock)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	int ret;

	ret = io_path_op_check(req, "STATX");
	if (ret)
		return ret;
	ret = io_req_get_path(req, getname_statx_lookup_flags(sqe->statx_flags));
	if (ret)
		return ret;
	/* the file system may have to read the inode */
	if (force_nonblock)
		return -EAGAIN;

	ret = do_statx(sqe->fd, req->path, sqe->statx_flags, sqe->len,
		       u64_to_user_ptr(sqe->addr2));
	io_req_complete(req, io_no_restart(ret));
	return 0;
}

/*
 * The path operations, as their syscalls: RENAMEAT (renameat2(2) of addr
 * relative to fd, to addr2 relative to the fd in len, with rename_flags),
 * UNLINKAT (unlinkat(2) of addr relative to fd, with unlink_flags),
 * MKDIRAT (mkdirat(2) of addr relative to fd, the mode in len), SYMLINKAT
 * (symlinkat(2): a link at addr2 relative to fd, to the target addr) and
 * LINKAT (linkat(2) of addr relative to fd, to addr2 relative to the fd
 * in len, with hardlink_flags).  Their paths are read at submission, both
 * or neither; the operation itself waits for the file system, so a
 * worker makes it.
 */
static int io_req_get_paths(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	struct filename *name, *name2 = NULL;
	int flags = 0;

	if (req->path)
		return 0;
	if (sqe->opcode == IORING_OP_LINKAT && (sqe->hardlink_flags & AT_EMPTY_PATH))
		flags = LOOKUP_EMPTY;
	name = getname_flags(u64_to_user_ptr(sqe->addr), flags, NULL);
	if (IS_ERR(name))
		return io_sqe_fail(req, PTR_ERR(name), "cannot read the path at %#llx",
				   sqe->addr);
	if (io_op_has_path2(sqe->opcode)) {
		name2 = getname(u64_to_user_ptr(sqe->addr2));
		if (IS_ERR(name2)) {
			putname(name);
			return io_sqe_fail(req, PTR_ERR(name2), "cannot read the path at %#llx",
					   sqe->addr2);
		}
	}
	req->path2.name = name2;
	req->path = name;
	return 0;
}

static int io_path_op_prep(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;

	if (req->ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "a path operation on an IOPOLL ring");
	if (sqe->ioprio)
		return io_sqe_fail(req, -EINVAL, "a path operation takes no ioprio");
	if (io_sqe_unused(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused(sqe));

	switch (sqe->opcode) {
	case IORING_OP_UNLINKAT:
		if (sqe->off || sqe->len)
			return io_sqe_fail(req, -EINVAL, "UNLINKAT takes no off or len");
		if (sqe->unlink_flags & ~AT_REMOVEDIR)
			return io_sqe_fail(req, -EINVAL, "unlink_flags %#x unknown",
					   sqe->unlink_flags);
		break;
	case IORING_OP_MKDIRAT:
		if (sqe->off || sqe->rw_flags)
			return io_sqe_fail(req, -EINVAL, "MKDIRAT takes no off or flags");
		break;
	case IORING_OP_SYMLINKAT:
		if (sqe->len || sqe->rw_flags)
			return io_sqe_fail(req, -EINVAL, "SYMLINKAT takes no len or flags");
		break;
	}
	/* as on 6.1: these take directory fds, never fixed files */
	if (sqe->flags & IOSQE_FIXED_FILE)
		return io_sqe_fail(req, -EBADF, "a path operation takes no fixed file");
	return io_req_get_paths(req);
}

static int io_path_op(struct io_kiocb *req, bool force_nonblock)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	struct filename *name, *name2;
	int ret;

	ret = io_path_op_prep(req);
	if (ret)
		return ret;
	if (force_nonblock)
		return -EAGAIN;

	/* the do_*() functions put the names */
	name = req->path;
	name2 = req->path2.name;
	req->path = NULL;
	req->path2.name = NULL;
	switch (sqe->opcode) {
	case IORING_OP_RENAMEAT:
		ret = do_renameat2(sqe->fd, name, sqe->len, name2, sqe->rename_flags);
		break;
	case IORING_OP_UNLINKAT:
		if (sqe->unlink_flags & AT_REMOVEDIR)
			ret = do_rmdir(sqe->fd, name);
		else
			ret = do_unlinkat(sqe->fd, name);
		break;
	case IORING_OP_MKDIRAT:
		ret = do_mkdirat(sqe->fd, name, sqe->len);
		break;
	case IORING_OP_SYMLINKAT:
		ret = do_symlinkat(name, sqe->fd, name2);
		break;
	default:
		ret = do_linkat(sqe->fd, name, sqe->len, name2, sqe->hardlink_flags);
		break;
	}
	io_req_complete(req, io_no_restart(ret));
	return 0;
}

/* ---- extended attributes ------------------------------------------------ */

/*
 * FSETXATTR, SETXATTR, FGETXATTR and GETXATTR: fsetxattr(2) and the
 * others, of the attribute named at addr, with the value at addr2 of len
 * bytes and xattr_flags; on fd, or on the path at addr3 (followed, as
 * setxattr(2) does).  The name, a value to set and the path are read at
 * submission; a worker does the rest, as the file system may block.  As
 * on 6.1 the fd is never a fixed file (-EBADF), and the other SQE fields
 * are not looked at.
 */
struct io_xattr {
	struct xattr_ctx	ctx;
	struct xattr_name	kname;
	struct filename		*path;
};

static void io_xattr_free(struct io_xattr *ix)
{
	if (!ix)
		return;
	if (ix->path)
		putname(ix->path);
	io_kvfree_any(ix->ctx.kvalue);
	kfree(ix);
}

static bool io_xattr_is_set(u8 op)
{
	return op == IORING_OP_FSETXATTR || op == IORING_OP_SETXATTR;
}

static int io_xattr_read(struct io_kiocb *req, struct io_xattr *ix)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	const char __user *name = u64_to_user_ptr(sqe->addr);
	int ret;

	ix->ctx.cvalue = u64_to_user_ptr(sqe->addr2);
	ix->ctx.size = sqe->len;
	ix->ctx.flags = sqe->xattr_flags;
	ix->ctx.kname = &ix->kname;
	if (io_xattr_is_set(sqe->opcode)) {
		/* the flags, the name and the value, as setxattr(2) reads them */
		ret = setxattr_copy(name, &ix->ctx);
		if (ret)
			return io_sqe_fail(req, ret, "xattr name or value at %#llx, %#llx refused",
					   sqe->addr, sqe->addr2);
	} else {
		if (ix->ctx.flags)
			return io_sqe_fail(req, -EINVAL, "GETXATTR takes no flags");
		ret = strncpy_from_user(ix->kname.name, name, sizeof(ix->kname.name));
		if (!ret || ret == sizeof(ix->kname.name))
			ret = -ERANGE;
		if (ret < 0)
			return io_sqe_fail(req, ret, "xattr name at %#llx refused", sqe->addr);
	}
	if (sqe->opcode == IORING_OP_SETXATTR || sqe->opcode == IORING_OP_GETXATTR) {
		ix->path = getname_flags(u64_to_user_ptr(sqe->addr3), LOOKUP_FOLLOW, NULL);
		if (IS_ERR(ix->path)) {
			ret = PTR_ERR(ix->path);
			ix->path = NULL;
			return io_sqe_fail(req, ret, "cannot read the path at %#llx", sqe->addr3);
		}
	}
	return 0;
}

/* Read what the request needs from userspace, once: at submission. */
static int io_xattr_prep(struct io_kiocb *req)
{
	struct io_xattr *ix;
	int ret;

	if (req->xattr)
		return 0;
	if (req->sqe.flags & IOSQE_FIXED_FILE)
		return io_sqe_fail(req, -EBADF, "an xattr operation takes no fixed file");
	ix = kzalloc(sizeof(*ix), GFP_KERNEL_ACCOUNT);
	if (!ix)
		return -ENOMEM;
	ret = io_xattr_read(req, ix);
	if (ret) {
		io_xattr_free(ix);
		return ret;
	}
	req->xattr = ix;
	return 0;
}

/* On the file, or on what the path names, with write access if it sets. */
static int io_xattr_on(struct io_kiocb *req, struct user_namespace *mnt_userns,
		       struct vfsmount *mnt, struct dentry *dentry)
{
	struct io_xattr *ix = req->xattr;
	int ret;

	if (!io_xattr_is_set(req->sqe.opcode))
		return do_getxattr(mnt_userns, dentry, &ix->ctx);
	ret = mnt_want_write(mnt);
	if (ret)
		return ret;
	ret = do_setxattr(mnt_userns, dentry, &ix->ctx);
	mnt_drop_write(mnt);
	return ret;
}

static int io_xattr(struct io_kiocb *req, bool force_nonblock)
{
	unsigned int lookup_flags = LOOKUP_FOLLOW;
	struct io_xattr *ix;
	struct path path;
	int ret;

	ret = io_xattr_prep(req);
	if (ret)
		return ret;
	if (force_nonblock)
		return -EAGAIN;
	ix = req->xattr;
	if (!ix->path) {
		ret = io_xattr_on(req, file_mnt_user_ns(req->file), req->file->f_path.mnt,
				  req->file->f_path.dentry);
		goto done;
	}
retry:
	ret = filename_lookup(AT_FDCWD, ix->path, lookup_flags, &path, NULL);
	if (!ret) {
		ret = io_xattr_on(req, mnt_user_ns(path.mnt), path.mnt, path.dentry);
		path_put(&path);
		if (retry_estale(ret, lookup_flags)) {
			lookup_flags |= LOOKUP_REVAL;
			goto retry;
		}
	}
done:
	io_req_complete(req, io_no_restart(ret));
	return 0;
}

/*
 * CLOSE: close(2) of fd.  Inline unless the file has a ->flush (which may
 * wait, as NFS's does): then a worker closes it.  A ring's fd is not
 * closed through a ring.  With a file_index (and fd 0), the direct
 * descriptor at that slot is closed instead.
 */
static int io_close(struct io_kiocb *req, bool force_nonblock)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	struct file *file;
	int ret;

	if (req->ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "CLOSE on an IOPOLL ring");
	/* -EBADF, as on 6.1: a direct descriptor is closed by file_index */
	if (sqe->flags & IOSQE_FIXED_FILE)
		return io_sqe_fail(req, -EBADF, "CLOSE takes an fd, not a fixed file");
	if (sqe->ioprio || sqe->off || sqe->addr || sqe->len || sqe->rw_flags)
		return io_sqe_fail(req, -EINVAL, "CLOSE takes no ioprio, off, addr, len or flags");
	if (io_sqe_unused_but_slot(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused_but_slot(sqe));
	if (sqe->file_index) {
		if (sqe->fd)
			return io_sqe_fail(req, -EINVAL, "CLOSE of fd %d and of file_index %u",
					   sqe->fd, sqe->file_index);
		io_req_complete(req, io_fixed_close(req));
		return 0;
	}

	file = fget_raw(sqe->fd);
	if (!file) {
		ret = io_sqe_fail(req, -EBADF, "fd %d is not open", sqe->fd);
	} else if (io_is_uring_fops(file)) {
		ret = io_sqe_fail(req, -EBADF, "fd %d is an io_uring", sqe->fd);
	} else if (force_nonblock && file->f_op->flush) {
		ret = -EAGAIN;
	} else {
		fput(file);
		file = close_fd_get_file(sqe->fd);
		ret = file ? filp_close(file, current->files) : -EBADF;
		file = NULL;
	}
	if (file)
		fput(file);
	if (ret == -EAGAIN)
		return ret;
	io_req_complete(req, io_no_restart(ret));
	return 0;
}

/* ---- IORING_OP_FILES_UPDATE ------------------------------------------- */

static int io_files_update(struct io_ring_ctx *ctx, unsigned int offset,
			   __s32 __user *fds, u64 __user *tags, unsigned int nr);
static int io_files_update_alloc(struct io_ring_ctx *ctx, __s32 __user *fds,
				 unsigned int nr);

/*
 * IORING_REGISTER_FILES_UPDATE as a request: addr and len are the fds,
 * off the first slot (or IORING_FILE_INDEX_ALLOC).  The table is under
 * uring_lock: held when issued inline, taken in a worker (IOSQE_ASYNC, a
 * chain, a drain).
 */
static int io_files_update_op(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	struct io_ring_ctx *ctx = req->ctx;
	__s32 __user *fds = u64_to_user_ptr(sqe->addr);
	/* liburing passes its int offset, so -1 arrives sign-extended */
	u32 offset = lower_32_bits(sqe->off);
	int ret;

	if (sqe->flags & IOSQE_FIXED_FILE)
		return io_sqe_fail(req, -EINVAL, "FILES_UPDATE takes no fixed file");
	if (sqe->ioprio || sqe->rw_flags)
		return io_sqe_fail(req, -EINVAL, "FILES_UPDATE takes no ioprio or flags");
	if (upper_32_bits(sqe->off) && sqe->off != (u64)-1)
		return io_sqe_fail(req, -EINVAL, "FILES_UPDATE offset %llu",
				   (unsigned long long)sqe->off);
	if (!sqe->len)
		return io_sqe_fail(req, -EINVAL, "FILES_UPDATE of no files");
	if (io_sqe_unused(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused(sqe));

	io_req_ring_lock(req);
	if (offset == IORING_FILE_INDEX_ALLOC)
		ret = io_files_update_alloc(ctx, fds, sqe->len);
	else
		ret = io_files_update(ctx, offset, fds, NULL, sqe->len);
	io_req_ring_unlock(req);
	io_req_complete(req, ret);
	return 0;
}

/* ---- sockets ------------------------------------------------------------ */

/*
 * SENDMSG/RECVMSG (addr: a struct msghdr) and SEND/RECV (addr and len: the
 * buffer), with msg_flags, as sendmsg(2)/recvmsg(2)/send(2)/recv(2) would.
 * The first try never blocks; if it would, the request waits for the
 * socket as an armed poll, and tries again when it is ready, unless the
 * caller asked for -EAGAIN with MSG_DONTWAIT.  An O_NONBLOCK socket waits
 * too, as on 6.1: the flag is for the caller's own syscalls.
 *
 * MSG_WAITALL on a stream socket asks for every byte: a try that moves
 * only some of them counts them in io_done and waits again, and the
 * request ends with all of them, or with those it had when an error or
 * the end of the stream came (which breaks its chain, as a short read
 * does).  Not for a RECVMSG with control data: another try would write
 * over the first one's.  A SENDMSG sends its control data once.
 *
 * Sends never raise SIGPIPE (MSG_NOSIGNAL), as on 6.1: the process did
 * not write to the socket itself, and gets -EPIPE in the CQE.
 *
 * IORING_RECVSEND_POLL_FIRST in ioprio skips the first try: the request
 * waits for the socket first, for an application that knows it is empty
 * (or full) and would rather not pay for a try that fails.
 */
static bool io_sendrecv_waitall(const struct socket *sock, unsigned int flags)
{
	return (flags & MSG_WAITALL) &&
	       (sock->type == SOCK_STREAM || sock->type == SOCK_SEQPACKET);
}

/*
 * RECVMSG with IOSQE_BUFFER_SELECT: the msghdr names at most one iovec,
 * whose length is what to receive (0: a whole buffer); a provided buffer
 * replaces it, described by *@selected.
 */
static int io_recvmsg_select(struct io_kiocb *req, struct msghdr *msg, struct iovec *selected)
{
	void __user *buf;
	int ret;

	if (msg->msg_iter.nr_segs > 1)
		return io_sqe_fail(req, -EINVAL, "RECVMSG of %lu iovecs, not 1, selects",
				   msg->msg_iter.nr_segs);
	req->buf_want = iov_iter_count(&msg->msg_iter);
	ret = io_buffer_select(req, &buf, &selected->iov_len);
	if (ret)
		return ret;
	selected->iov_base = buf;
	iov_iter_init(&msg->msg_iter, READ, selected, 1, selected->iov_len);
	return 0;
}

/* IORING_RECV_MULTISHOT: see io_recv_more(). */
static bool io_recv_multishot(const struct io_kiocb *req)
{
	return (req->sqe.opcode == IORING_OP_RECV || req->sqe.opcode == IORING_OP_RECVMSG) &&
	       (req->sqe.ioprio & IORING_RECV_MULTISHOT);
}

/* The IORING_RECVSEND_* and IORING_RECV_* flags in ioprio that the opcode takes. */
static int io_sendrecv_ioprio_check(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	unsigned int known = IORING_RECVSEND_POLL_FIRST;

	if (sqe->opcode == IORING_OP_RECV || sqe->opcode == IORING_OP_RECVMSG)
		known |= IORING_RECV_MULTISHOT;
	if (io_op_is_zc(sqe->opcode))
		known |= IORING_RECVSEND_FIXED_BUF;
	if (sqe->ioprio & ~known)
		return io_sqe_fail(req, -EINVAL, "ioprio %#x unknown", sqe->ioprio);
	return 0;
}

/* The SQE checks of socket I/O that need no socket. */
static int io_sendrecv_check(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;

	bool zc = io_op_is_zc(sqe->opcode);
	const char *reserved;
	int ret;

	if (req->ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "socket I/O on an IOPOLL ring");
	ret = io_sendrecv_ioprio_check(req);
	if (ret)
		return ret;
	/*
	 * SEND_ZC's address: addr2 (off), its length in the low half of
	 * splice_fd_in.  buf_index names a group or a registered buffer, and
	 * is ignored otherwise, as on 6.1.
	 */
	if (sqe->off && sqe->opcode != IORING_OP_SEND_ZC)
		return io_sqe_fail(req, -EINVAL, "socket I/O takes no off");
	if (sqe->opcode == IORING_OP_SEND_ZC)
		reserved = sqe->__pad3[0] ? "__pad3" : io_sqe_pad(sqe);
	else
		reserved = io_sqe_reserved(sqe);
	if (reserved)
		return io_sqe_fail(req, -EINVAL, "%s must be zero", reserved);
	if (zc && (sqe->ioprio & IORING_RECVSEND_FIXED_BUF) && sqe->opcode != IORING_OP_SEND_ZC)
		return io_sqe_fail(req, -EINVAL, "SENDMSG_ZC takes no registered buffer");
	if (sqe->msg_flags & MSG_CMSG_COMPAT)
		return io_sqe_fail(req, -EINVAL, "msg_flags has MSG_CMSG_COMPAT");
	if (!(sqe->ioprio & IORING_RECV_MULTISHOT))
		return 0;
	if (!(req->flags & REQ_F_BUFFER_SELECT))
		return io_sqe_fail(req, -EINVAL, "a multishot receive takes provided buffers");
	if (sqe->msg_flags & MSG_WAITALL)
		return io_sqe_fail(req, -EINVAL, "a multishot receive takes no MSG_WAITALL");
	if (sqe->opcode == IORING_OP_RECV && sqe->len)
		return io_sqe_fail(req, -EINVAL, "a multishot RECV takes no len");
	return 0;
}

/*
 * SENDMSG/RECVMSG tried again after their submission: the msghdr as it
 * was read then (IORING_FEAT_SUBMIT_STABLE), with its iovec array and
 * SENDMSG's address.  The control data is read at the send, as on 6.1.
 */
struct io_async_msg {
	struct msghdr		msg;
	struct sockaddr_storage	addr;
	/* RECVMSG: where the sender's address goes */
	struct sockaddr __user	*uaddr;
	/* a multishot RECVMSG: the room for them in each buffer */
	int			out_namelen;
	int			out_controllen;
	size_t			count;
	unsigned long		nr_segs;
	struct iovec		iov[];
};

/* Read the msghdr at sqe->addr into @msg, its iovecs into @iov, as sendmsg(2) would. */
static int io_msg_copy(struct io_kiocb *req, struct msghdr *msg, struct sockaddr_storage *addr,
		       struct sockaddr __user **uaddr, struct iovec **iov)
{
	struct user_msghdr __user *umsg = u64_to_user_ptr(req->sqe.addr);
	unsigned int flags = req->ctx->compat ? MSG_CMSG_COMPAT : 0;

	if (io_op_is_sendmsg(req->sqe.opcode)) {
		msg->msg_name = addr;
		return sendmsg_copy_msghdr(msg, umsg, flags, iov);
	}
	return recvmsg_copy_msghdr(msg, umsg, flags, uaddr, iov);
}

/* Keep @msg, just read, for the request's later tries. */
static int io_msg_keep(struct io_kiocb *req, const struct msghdr *msg,
		       struct sockaddr __user *uaddr)
{
	unsigned long nr = msg->msg_iter.nr_segs;
	struct io_async_msg *am;

	am = kmalloc(struct_size(am, iov, nr), GFP_KERNEL_ACCOUNT);
	if (!am)
		return -ENOMEM;
	am->msg = *msg;
	if (msg->msg_name)
		memcpy(&am->addr, msg->msg_name, msg->msg_namelen);
	am->uaddr = uaddr;
	am->out_namelen = -1;
	am->count = iov_iter_count(&msg->msg_iter);
	am->nr_segs = nr;
	memcpy(am->iov, msg->msg_iter.iov, nr * sizeof(*am->iov));
	req->amsg = am;
	return 0;
}

/* The msghdr as it was kept. */
static void io_msg_load(struct io_kiocb *req, struct msghdr *msg, struct sockaddr __user **uaddr)
{
	struct io_async_msg *am = req->amsg;

	*msg = am->msg;
	if (msg->msg_name)
		msg->msg_name = &am->addr;
	*uaddr = am->uaddr;
	iov_iter_init(&msg->msg_iter, io_op_is_sendmsg(req->sqe.opcode) ? WRITE : READ,
		      am->iov, am->nr_segs, am->count);
}

/*
 * A multishot RECVMSG's msghdr, as it is kept: the room for the address and
 * control data in each buffer.  msg_namelen as the application gave it,
 * which recvmsg(2)'s reader drops with a NULL msg_name: the address goes
 * to the buffer, not to msg_name.
 */
static int io_recvmsg_out_sizes(struct io_kiocb *req)
{
	void __user *umsg = u64_to_user_ptr(req->sqe.addr);
	struct io_async_msg *am = req->amsg;
	int namelen, ret;

	if (am->nr_segs > 1)
		return io_sqe_fail(req, -EINVAL, "RECVMSG of %lu iovecs, not 1, selects",
				   am->nr_segs);
	if (req->ctx->compat)
		ret = get_user(namelen, &((struct compat_msghdr __user *)umsg)->msg_namelen);
	else
		ret = get_user(namelen, &((struct user_msghdr __user *)umsg)->msg_namelen);
	if (ret)
		return ret;
	if (namelen < 0 || am->msg.msg_controllen > INT_MAX - sizeof(struct io_uring_recvmsg_out) ||
	    namelen > INT_MAX - sizeof(struct io_uring_recvmsg_out) - am->msg.msg_controllen)
		return io_sqe_fail(req, -EOVERFLOW, "namelen %d, controllen %zu: too large",
				   namelen, (size_t)am->msg.msg_controllen);
	req->buf_want = am->count;
	am->out_namelen = namelen;
	am->out_controllen = am->msg.msg_controllen;
	return 0;
}

/*
 * Read SENDMSG/RECVMSG's msghdr now, for an issue later (io_req_stabilize()),
 * or for the tries of a multishot RECVMSG.
 */
static int io_msg_stabilize(struct io_kiocb *req)
{
	struct iovec iovstack[UIO_FASTIOV], *iov = iovstack;
	struct sockaddr __user *uaddr = NULL;
	struct sockaddr_storage addr;
	struct msghdr msg = { };
	int ret;

	if (req->amsg)
		return 0;
	/* as 6.1's prep: a bad SQE fails at submission, before the msghdr is read */
	ret = io_sendrecv_check(req);
	if (ret)
		return ret;
	ret = io_msg_copy(req, &msg, &addr, &uaddr, &iov);
	if (ret)
		return ret;
	ret = io_msg_keep(req, &msg, uaddr);
	kfree(iov);
	if (!ret && io_recv_multishot(req))
		ret = io_recvmsg_out_sizes(req);
	return ret;
}

/*
 * Multishot RECV and RECVMSG (IORING_RECV_MULTISHOT) go on receiving into
 * provided buffers, a CQE with IORING_CQE_F_MORE and the buffer for each,
 * and wait again when the socket is empty.  The CQE without the flag ends
 * them: 0 at the end of the stream, an error, -ENOBUFS when the group has
 * no buffer left, -ECANCELED.  Or a result that finds the CQ ring full: as
 * on 6.1 that one is the last CQE (it waits in the backlog), rather than
 * go on posting into a backlog the application is not reaping; it rearms
 * once it has caught up, and no data is lost.
 *
 * A multishot RECVMSG writes what recvmsg(2) would return into each
 * buffer: a struct io_uring_recvmsg_out, room for the sender's address and
 * for control data, as large as the SQE's msghdr says (msg_namelen and
 * msg_controllen; its one iovec's length, if any, caps the buffer), and
 * the payload; res counts all of it.  That msghdr is read once and never
 * written.
 */
#define IO_RECV_BATCH	32	/* CQEs a multishot receive posts at a go */

/*
 * A receive asks the socket what it left queued (TCP answers): its CQE
 * then says so with IORING_CQE_F_SOCK_NONEMPTY, as on 6.1, so that the
 * application may receive again at once.
 */
static void io_recv_note_inq(struct io_kiocb *req, const struct msghdr *msg)
{
	if (msg->msg_inq > 0)
		req->flags |= REQ_F_SOCK_NONEMPTY;
	else
		req->flags &= ~REQ_F_SOCK_NONEMPTY;
}

/*
 * Post a multishot request's CQE for @res, with the buffer it filled, if
 * the CQ ring has room for it now and nothing waits in the backlog.
 */
static bool io_req_post_more(struct io_kiocb *req, long res)
{
	struct io_ring_ctx *ctx = req->ctx;
	unsigned long flags;
	bool posted;

	spin_lock_irqsave(&ctx->completion_lock, flags);
	posted = io_cqring_room_for_more(ctx);
	if (posted) {
		ctx->cq_extra++;
		io_cqring_fill_event(ctx, req->user_data, res,
				     io_req_cflags(req) | IORING_CQE_F_MORE);
		io_commit_cqring(ctx);
	}
	spin_unlock_irqrestore(&ctx->completion_lock, flags);
	if (posted)
		io_cqring_ev_posted(ctx);
	return posted;
}

/*
 * A multishot request would block: it waits again as a poll.  After a try
 * that posted CQEs, that poll is a new wait, not the retry of one that
 * fired for nothing (io_poll_retry_arm()).
 */
static int io_multishot_wait(struct io_kiocb *req, bool progress)
{
	if (progress)
		req->flags &= ~REQ_F_POLL_RETRY;
	return -EAGAIN;
}

/*
 * A multishot receive's next provided buffer, its data to go after the
 * @hdr bytes of RECVMSG's header: *@buf and *@len say the whole buffer.
 */
static int io_recv_select(struct io_kiocb *req, size_t hdr, struct msghdr *msg,
			  struct iovec *iov, void __user **buf, size_t *len)
{
	int ret;

	ret = io_buffer_select(req, buf, len);
	if (ret)
		return ret;
	if (*len < hdr)
		return io_sqe_fail(req, -EFAULT, "a buffer of %zu bytes, the header takes %zu",
				   *len, hdr);
	/* and whether it leaves data queued (IORING_CQE_F_SOCK_NONEMPTY) */
	msg->msg_get_inq = 1;
	return import_single_range(READ, *buf + hdr, *len - hdr, iov, &msg->msg_iter);
}

/* One message of a multishot RECVMSG into a provided buffer; *@done if it is the last. */
static long io_recvmsg_one(struct io_kiocb *req, struct socket *sock, unsigned int flags,
			   bool *done)
{
	struct io_async_msg *am = req->amsg;
	size_t hdr = sizeof(struct io_uring_recvmsg_out) + am->out_namelen + am->out_controllen;
	struct io_uring_recvmsg_out out;
	struct sockaddr_storage addr;
	struct msghdr msg = { };
	struct iovec iov;
	void __user *buf;
	size_t len;
	long ret;

	*done = true;
	ret = io_recv_select(req, hdr, &msg, &iov, &buf, &len);
	if (ret)
		return ret;
	if (am->out_namelen)
		msg.msg_name = &addr;
	msg.msg_control_is_user = true;
	msg.msg_control_user = buf + sizeof(out) + am->out_namelen;
	msg.msg_controllen = am->out_controllen;
	msg.msg_flags = flags & (MSG_CMSG_CLOEXEC | MSG_CMSG_COMPAT);
	ret = sock_recvmsg(sock, &msg, flags);
	io_recv_note_inq(req, &msg);
	if (ret < 0)
		return ret;

	out.namelen = msg.msg_namelen;
	out.controllen = am->out_controllen - msg.msg_controllen;
	out.payloadlen = ret;
	out.flags = msg.msg_flags & ~MSG_CMSG_COMPAT;
	if (copy_to_user(buf, &out, sizeof(out)) ||
	    copy_to_user(buf + sizeof(out), &addr, min(msg.msg_namelen, am->out_namelen)))
		return -EFAULT;
	/* the end of a stream, as 6.1 says it: a header of nothing */
	*done = ret == 0;
	return hdr + min_t(size_t, ret, len - hdr);
}

/* One RECV of a multishot: into a provided buffer. */
static long io_recv_one(struct io_kiocb *req, struct socket *sock, unsigned int flags)
{
	struct msghdr msg = { };
	struct iovec iov;
	void __user *buf;
	size_t len;
	int ret;

	ret = io_recv_select(req, 0, &msg, &iov, &buf, &len);
	if (ret)
		return ret;
	ret = sock_recvmsg(sock, &msg, flags);
	io_recv_note_inq(req, &msg);
	return ret;
}

/*
 * A multishot receive's try: a batch of messages, then it waits again.
 * The first may block, in a worker told to (see io_poll_retry_arm()); the
 * others take only what is there.
 */
static int io_recv_more(struct io_kiocb *req, struct socket *sock, unsigned int flags)
{
	bool recvmsg = req->sqe.opcode == IORING_OP_RECVMSG;
	bool done;
	long ret;
	int n;

	if (recvmsg) {
		ret = io_msg_stabilize(req);
		if (ret)
			return ret;
	}
	for (n = 0; ; n++) {
		if (n == IO_RECV_BATCH)
			return io_multishot_wait(req, true);
		req->flags &= ~REQ_F_SOCK_NONEMPTY;
		if (recvmsg) {
			ret = io_recvmsg_one(req, sock, flags, &done);
		} else {
			ret = io_recv_one(req, sock, flags);
			done = ret <= 0;
		}
		if (ret == -EAGAIN && !(req->sqe.msg_flags & MSG_DONTWAIT)) {
			io_buffer_recycle(req);
			return io_multishot_wait(req, n);
		}
		if (done || !io_req_post_more(req, ret))
			break;
		/* a worker that is cancelled stops: it ends as it waits */
		if (io_worker_stopped(req))
			return io_multishot_wait(req, true);
		flags |= MSG_DONTWAIT;
	}
	/* nothing received (the end of the stream, an error): the buffer goes back */
	if (ret <= 0)
		io_buffer_recycle(req);
	io_req_complete(req, io_no_restart(ret));
	return 0;
}

/*
 * SEND_ZC and SENDMSG_ZC send as SEND and SENDMSG do, but the network stack
 * takes the buffer's pages instead of a copy, on sockets that can
 * (SOCK_SUPPORT_ZC: TCP, UDP; others are -EOPNOTSUPP).  So the buffer is
 * not the application's again when the send completes: a second CQE with
 * the same user_data, the notification (IORING_CQE_F_NOTIF, res 0), says
 * when the last packet that used it is gone.  As on 6.1, the send's own
 * CQE says that one follows (IORING_CQE_F_MORE) whatever its result, once
 * the SQE passed its checks; a request that fails them gets neither.
 *
 * The notification is a struct ubuf_info that each skb holding our pages
 * references.  Its callback runs as each reference goes, in any context
 * (a NIC's completion, in softirq); the last one, which may be the
 * request's own at its end, posts the CQE from a kworker.  It holds the
 * ring until then.  It is made at submission, after only the checks 6.1
 * makes before it; an SQE that fails those gets no notification, and
 * every later failure (a bad fd, say) gets one.
 *
 * The pages of a SEND_ZC from ordinary memory are charged to the ring
 * creator's RLIMIT_MEMLOCK, as 6.1 charges them, until the notification:
 * they stay pinned by the network stack for as long as a peer does not
 * acknowledge them.
 *
 * SEND_ZC may name an address as sendto(2) does (addr2, addr_len), read
 * at submission, and with IORING_RECVSEND_FIXED_BUF sends from registered
 * buffer buf_index, whose pages the skbs then reference for as long as
 * they need them.
 */
struct io_zc_notif {
	struct ubuf_info	uarg;
	struct io_ring_ctx	*ctx;
	/* its request's, if any: a tag waits for the notification too */
	struct io_rsrc_node	*rsrc_node;
	u64			user_data;
	struct work_struct	work;
	/* whom the pages are charged to, and how many (RLIMIT_MEMLOCK) */
	struct user_struct	*user;
	unsigned long		account_pages;
	/* SEND_ZC's address; addr_len -1: none */
	int			addr_len;
	struct sockaddr_storage	addr;
};

static void io_zc_notif_post(struct work_struct *work)
{
	struct io_zc_notif *nf = container_of(work, struct io_zc_notif, work);
	struct io_ring_ctx *ctx = nf->ctx;

	/* a CQE of its own, beyond its request's: IOSQE_IO_DRAIN counts it so */
	__io_cqring_add_event(ctx, nf->user_data, 0, IORING_CQE_F_NOTIF, true);
	if (nf->rsrc_node)
		io_rsrc_node_put(ctx, nf->rsrc_node);
	if (nf->user) {
		io_unaccount_mem(nf->user, nf->account_pages);
		free_uid(nf->user);
	}
	kfree(nf);
	percpu_ref_put(&ctx->refs);
}

/* ubuf_info's callback, as a reference goes.  Any context. */
static void io_zc_notif_callback(struct sk_buff *skb, struct ubuf_info *uarg, bool success)
{
	struct io_zc_notif *nf = container_of(uarg, struct io_zc_notif, uarg);

	if (refcount_dec_and_test(&uarg->refcnt))
		queue_work(system_unbound_wq, &nf->work);
}

/* The request's own reference, at its end, after its CQE. */
static void io_zc_notif_put(struct io_zc_notif *nf)
{
	io_zc_notif_callback(NULL, &nf->uarg, true);
}

/*
 * A zero-copy send's checks, its notification, and SEND_ZC's address:
 * once, at its submission (io_req_prep()).
 */
static int io_send_zc_prep(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	struct io_zc_notif *nf;
	int ret;

	/* what 6.1 checks before it makes the notification */
	if (io_sqe_pad(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_pad(sqe));
	if (sqe->flags & IOSQE_CQE_SKIP_SUCCESS)
		return io_sqe_fail(req, -EINVAL, "zero-copy takes no IOSQE_CQE_SKIP_SUCCESS");
	ret = io_sendrecv_ioprio_check(req);
	if (ret)
		return ret;
	nf = kmalloc(sizeof(*nf), GFP_KERNEL_ACCOUNT);
	if (!nf)
		return -ENOMEM;
	nf->uarg.callback = io_zc_notif_callback;
	refcount_set(&nf->uarg.refcnt, 1);
	/* our pages, referenced: nothing needs to copy them off an orphaned skb */
	nf->uarg.flags = SKBFL_ZEROCOPY_FRAG | SKBFL_DONT_ORPHAN;
	nf->ctx = req->ctx;
	nf->rsrc_node = NULL;
	nf->user_data = req->user_data;
	nf->user = NULL;
	nf->account_pages = 0;
	nf->addr_len = -1;
	INIT_WORK(&nf->work, io_zc_notif_post);
	percpu_ref_get(&req->ctx->refs);
	req->notif = nf;
	req->flags |= REQ_F_ZC_NOTIF;

	ret = io_sendrecv_check(req);
	if (ret || sqe->opcode != IORING_OP_SEND_ZC || !sqe->addr2)
		return ret;
	ret = move_addr_to_kernel(u64_to_user_ptr(sqe->addr2), sqe->addr_len, &nf->addr);
	if (ret)
		return io_sqe_fail(req, ret, "cannot read the address at %#llx", sqe->addr2);
	nf->addr_len = sqe->addr_len;
	return 0;
}

/*
 * A zero-copy send of a registered file or buffer: the skbs may still hold
 * its pages after the request is gone, so its notification holds the
 * request's node as well, and the tag comes after the notification.
 */
static void io_zc_notif_hold_node(struct io_kiocb *req)
{
	atomic_inc(&req->rsrc_node->refs);
	req->notif->rsrc_node = req->rsrc_node;
}

/* Charge a SEND_ZC try's pages, as 6.1 does: a page more on either side. */
static int io_send_zc_account(struct io_kiocb *req, size_t len)
{
	struct io_zc_notif *nf = req->notif;
	struct io_ring_ctx *ctx = req->ctx;
	unsigned long pages = (len >> PAGE_SHIFT) + 2;
	int ret;

	if (!READ_ONCE(ctx->account_mem))
		return 0;
	ret = io_account_mem(ctx->user, pages);
	if (ret)
		return ret;
	if (!nf->user)
		nf->user = get_uid(ctx->user);
	nf->account_pages += pages;
	return 0;
}

static int io_sendrecv(struct io_kiocb *req, bool force_nonblock)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	struct iovec iovstack[UIO_FASTIOV], *iov = iovstack;
	void __user *uptr = u64_to_user_ptr(sqe->addr);
	bool is_msg = io_op_is_sendmsg(sqe->opcode) || sqe->opcode == IORING_OP_RECVMSG;
	bool is_send = is_msg ? sqe->opcode != IORING_OP_RECVMSG : sqe->opcode != IORING_OP_RECV;
	bool zc = io_op_is_zc(sqe->opcode);
	unsigned int flags = sqe->msg_flags;
	struct sockaddr_storage addr;
	struct sockaddr __user *uaddr = NULL;
	struct msghdr msg = { }, msg0;
	struct iovec selected;
	struct socket *sock;
	bool waitall;
	long ret;

	/* a zero-copy send's were made at its submission (io_send_zc_prep()) */
	ret = zc ? 0 : io_sendrecv_check(req);
	if (ret)
		return ret;
	sock = sock_from_file(req->file);
	if (!sock)
		return io_sqe_fail(req, -ENOTSOCK, "fd is not a socket");
	if (zc && !test_bit(SOCK_SUPPORT_ZC, &sock->flags))
		return io_sqe_fail(req, -EOPNOTSUPP, "the socket cannot send zero-copy");
	if (zc)
		flags |= MSG_ZEROCOPY;
	if (req->ctx->compat)
		flags |= MSG_CMSG_COMPAT;
	if (force_nonblock)
		flags |= MSG_DONTWAIT;
	if (is_send)
		flags |= MSG_NOSIGNAL;
	/*
	 * IORING_RECVSEND_POLL_FIRST: the first try is the poll's, with the
	 * msghdr read at submission all the same.  As on 6.1, MSG_DONTWAIT
	 * then means -EAGAIN without a try.
	 */
	if (force_nonblock && (sqe->ioprio & IORING_RECVSEND_POLL_FIRST) &&
	    !(req->flags & REQ_F_POLL_RETRY)) {
		ret = is_msg ? io_msg_stabilize(req) : 0;
		if (!ret && (sqe->msg_flags & MSG_DONTWAIT))
			ret = -EAGAIN;
		if (ret) {
			io_req_complete(req, ret);
			return 0;
		}
		return -EAGAIN;
	}
	if (io_recv_multishot(req))
		return io_recv_more(req, sock, flags);

	if (is_msg) {
		/* read once, at submission; the tries after it use that */
		if (req->amsg) {
			io_msg_load(req, &msg, &uaddr);
			iov = NULL;
			ret = 0;
		} else {
			ret = io_msg_copy(req, &msg, &addr, &uaddr, &iov);
			if (!ret && force_nonblock)
				msg0 = msg;
		}
		if (!ret && !is_send && (req->flags & REQ_F_BUFFER_SELECT)) {
			ret = io_recvmsg_select(req, &msg, &selected);
			if (ret)
				kfree(iov);
		}
	} else {
		size_t len = sqe->len;

		if (req->flags & REQ_F_BUFFER_SELECT) {
			ret = io_buffer_select(req, &uptr, &len);
			if (ret)
				return ret;
		}
		if (io_send_zc_fixed(req))
			ret = io_import_fixed(req, WRITE, &msg.msg_iter);
		else
			ret = import_single_range(is_send ? WRITE : READ, uptr, len, iov,
						  &msg.msg_iter);
		iov = NULL;
		if (!ret && zc && !io_send_zc_fixed(req))
			ret = io_send_zc_account(req, len - req->io_done);
		if (zc && req->notif->addr_len >= 0) {
			msg.msg_name = &req->notif->addr;
			msg.msg_namelen = req->notif->addr_len;
		}
	}
	if (ret)
		return ret;
	if (zc)
		msg.msg_ubuf = &req->notif->uarg;
	waitall = io_sendrecv_waitall(sock, flags) && !(is_msg && !is_send && msg.msg_controllen);
	/* what earlier tries of a MSG_WAITALL request moved */
	if (req->io_done) {
		iov_iter_advance(&msg.msg_iter, req->io_done);
		msg.msg_control = NULL;
		msg.msg_controllen = 0;
	}
	/* all of it, or the chain breaks */
	if (waitall)
		req->io_len = req->io_done + msg_data_left(&msg);

	if (!is_send)
		msg.msg_get_inq = 1;
	if (is_msg && is_send) {
		ret = __sys_sendmsg_sock(sock, &msg, flags);
	} else if (is_msg) {
		ret = __sys_recvmsg_sock(sock, &msg, uptr, uaddr, flags);
	} else if (is_send) {
		msg.msg_flags = flags;
		ret = sock_sendmsg(sock, &msg);
	} else {
		ret = sock_recvmsg(sock, &msg, flags);
	}
	if (!is_send)
		io_recv_note_inq(req, &msg);

	if (force_nonblock && !(sqe->msg_flags & MSG_DONTWAIT)) {
		if (ret == -EAGAIN)
			io_buffer_recycle(req);
		if (ret > 0 && msg_data_left(&msg) && waitall) {
			req->io_done += ret;
			ret = -EAGAIN;
		}
		/* tried again later: with the msghdr as it was read now */
		if (ret == -EAGAIN && is_msg && !req->amsg)
			ret = io_msg_keep(req, &msg0, uaddr) ?: -EAGAIN;
		if (ret == -EAGAIN) {
			kfree(iov);
			return ret;
		}
	}
	kfree(iov);
	if (req->io_done)
		ret = ret > 0 ? ret + req->io_done : req->io_done;
	/* nothing received (the end of the stream, an error): the buffer goes back */
	if (ret <= 0)
		io_buffer_recycle(req);
	io_req_complete(req, io_no_restart(ret));
	return 0;
}

/*
 * CONNECT: addr is the address, off its length.  As on 6.1 the first try
 * never blocks, whether or not the socket is O_NONBLOCK: a connection
 * under way (-EINPROGRESS) waits as an armed poll for the socket to
 * become writable, and the connect is then made again to learn how it
 * went: 0 once connected, -EALREADY while it is still under way (waits
 * again), or the socket's error.  Made from a worker (IOSQE_ASYNC), it
 * blocks as connect(2) does.
 */
static int io_connect_retry(struct io_kiocb *req, int ret)
{
	switch (ret) {
	case -EINPROGRESS:
		req->flags |= REQ_F_CONNECTING;
		return -EAGAIN;
	case -EAGAIN:
		/* a unix socket's full backlog: a worker waits for room */
		return -EAGAIN;
	case -EALREADY:
		return req->flags & REQ_F_CONNECTING ? -EAGAIN : ret;
	default:
		return ret;
	}
}

/* CONNECT's address and its length, as read at submission. */
struct io_connect_addr {
	struct sockaddr_storage	addr;
	int			len;
};

static int io_connect_addr_read(struct io_kiocb *req, struct io_connect_addr *ca)
{
	ca->len = (int)req->sqe.off;
	return move_addr_to_kernel(u64_to_user_ptr(req->sqe.addr), ca->len, &ca->addr);
}

/* CONNECT's SQE checks, made before its address is read, as on 6.1. */
static int io_connect_check(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;

	if (req->ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "CONNECT on an IOPOLL ring");
	if (sqe->ioprio || sqe->len || sqe->buf_index || sqe->rw_flags || sqe->off > INT_MAX)
		return io_sqe_fail(req, -EINVAL,
				   "CONNECT takes no ioprio, len, buf_index or flags; off %llu",
				   sqe->off);
	if (io_sqe_unused(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused(sqe));
	return 0;
}

/* Read CONNECT's address now, for an issue later (io_req_stabilize()). */
static int io_connect_stabilize(struct io_kiocb *req)
{
	struct io_connect_addr *ca;
	int ret;

	if (req->caddr)
		return 0;
	/* as 6.1's prep: a bad SQE fails at submission, before the address is read */
	ret = io_connect_check(req);
	if (ret)
		return ret;
	ca = kmalloc(sizeof(*ca), GFP_KERNEL_ACCOUNT);
	if (!ca)
		return -ENOMEM;
	ret = io_connect_addr_read(req, ca);
	if (ret) {
		kfree(ca);
		return ret;
	}
	req->caddr = ca;
	return 0;
}

static int io_connect(struct io_kiocb *req, bool force_nonblock)
{
	struct io_connect_addr stack, *ca = req->caddr;
	struct socket *sock;
	int ret;

	ret = io_connect_check(req);
	if (ret)
		return ret;
	sock = sock_from_file(req->file);
	if (!sock)
		return io_sqe_fail(req, -ENOTSOCK, "fd is not a socket");

	/* a connection that failed says so with its error, not a new attempt */
	if ((req->flags & REQ_F_CONNECTING) && (vfs_poll(req->file, NULL) & EPOLLERR)) {
		ret = sock_error(sock->sk);
	} else {
		ret = 0;
		if (!ca && force_nonblock) {
			/*
			 * A retry needs the address: copy it before the
			 * connect starts, as a copy that fails after it
			 * could not stop a connection under way.
			 */
			ret = io_connect_stabilize(req);
			ca = req->caddr;
		} else if (!ca) {
			ca = &stack;
			ret = io_connect_addr_read(req, ca);
		}
		if (!ret)
			ret = __sys_connect_file(req->file, &ca->addr, ca->len,
						 force_nonblock ? O_NONBLOCK : 0);
		/* some protocols answer a connect again so once it is done */
		if ((req->flags & REQ_F_CONNECTING) && (ret == -EISCONN || ret == -EBADFD))
			ret = sock_error(sock->sk);
		if (force_nonblock)
			ret = io_connect_retry(req, ret);
		/* tried again later, with the address as it was read then */
		if (ret == -EAGAIN)
			return ret;
	}
	io_req_complete(req, io_no_restart(ret));
	return 0;
}

/*
 * ACCEPT: accept4(2) on the listening socket, with the peer's address
 * written to addr (its length at addr2, as accept4 takes them) and
 * accept_flags; the CQE carries the new fd, or with a file_index, as
 * OPENAT's, 0 or the direct descriptor's slot.  The first try never waits;
 * when it would, it waits for a connection as an armed poll.
 *
 * With IORING_ACCEPT_MULTISHOT in ioprio it goes on: each connection gets
 * a CQE with IORING_CQE_F_MORE (a direct descriptor only at an allocated
 * slot), and it waits again, until an error, which is its last CQE, or a
 * cancellation (-ECANCELED).
 */
#define IO_ACCEPT_BATCH		32	/* connections a multishot ACCEPT takes at a go */

static bool io_accept_multishot(const struct io_kiocb *req)
{
	return req->sqe.opcode == IORING_OP_ACCEPT && (req->sqe.ioprio & IORING_ACCEPT_MULTISHOT);
}

static int io_accept_check(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	unsigned int flags = sqe->accept_flags;

	if (req->ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "ACCEPT on an IOPOLL ring");
	if (sqe->len || sqe->buf_index || (sqe->ioprio & ~IORING_ACCEPT_MULTISHOT))
		return io_sqe_fail(req, -EINVAL, "ACCEPT takes no len or buf_index; ioprio %#x",
				   sqe->ioprio);
	if (io_sqe_unused_but_slot(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused_but_slot(sqe));
	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return io_sqe_fail(req, -EINVAL, "accept_flags %#x unknown", flags);
	if (sqe->file_index && (flags & SOCK_CLOEXEC))
		return io_sqe_fail(req, -EINVAL, "a direct descriptor takes no SOCK_CLOEXEC");
	if (sqe->file_index && sqe->file_index != IORING_FILE_INDEX_ALLOC &&
	    io_accept_multishot(req))
		return io_sqe_fail(req, -EINVAL, "a multishot ACCEPT allocates its slots");
	if (!sock_from_file(req->file))
		return io_sqe_fail(req, -ENOTSOCK, "fd is not a socket");
	return 0;
}

/* The accepted @file, as an fd or a direct descriptor: the CQE's res. */
static int io_accept_install(struct io_kiocb *req, struct file *file, unsigned int flags)
{
	int fd;

	if (req->sqe.file_index)
		return io_req_fixed_install(req, file);
	fd = get_unused_fd_flags(flags);
	if (fd >= 0)
		fd_install(fd, file);
	else
		fput(file);
	return fd;
}

static int io_accept(struct io_kiocb *req, bool force_nonblock)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	bool multishot = io_accept_multishot(req);
	unsigned int flags = sqe->accept_flags;
	struct file *file = NULL;
	int ret, n;

	ret = io_accept_check(req);
	if (ret)
		return ret;
	/* SOCK_NONBLOCK is O_NONBLOCK but on a few architectures */
	if (flags & SOCK_NONBLOCK)
		flags = (flags & ~SOCK_NONBLOCK) | O_NONBLOCK;

	/*
	 * A multishot ACCEPT takes what is queued, a batch at a time, then
	 * waits again.  In a worker that was told to block (its poll said
	 * ready, but the accept found nothing: a unix listener shut down for
	 * reading), the first accept blocks, to learn what is wrong.  It
	 * stops when the worker is cancelled.
	 */
	for (n = 0; n < IO_ACCEPT_BATCH; n++) {
		file = do_accept(req->file, force_nonblock || n ? O_NONBLOCK : 0,
				 u64_to_user_ptr(sqe->addr), u64_to_user_ptr(sqe->addr2), flags);
		if (IS_ERR(file))
			break;
		ret = io_accept_install(req, file, flags);
		if (!multishot || ret < 0) {
			io_req_complete(req, ret);
			return 0;
		}
		/* no room for it: this connection is its last CQE */
		if (!io_req_post_more(req, ret)) {
			io_req_complete(req, ret);
			return 0;
		}
		if (io_worker_stopped(req)) {
			io_req_complete(req, -EINTR);
			return 0;
		}
	}
	ret = n == IO_ACCEPT_BATCH ? -EAGAIN : PTR_ERR(file);
	/* an O_NONBLOCK listening socket waits too, as on 6.1 */
	if (ret == -EAGAIN && (force_nonblock || multishot))
		return -EAGAIN;
	io_req_complete(req, io_no_restart(ret));
	return 0;
}

/* SHUTDOWN: shutdown(2) of the socket, how in len.  It does not wait. */
static int io_shutdown(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	struct socket *sock;

	if (req->ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "SHUTDOWN on an IOPOLL ring");
	if (sqe->ioprio || sqe->off || sqe->addr || sqe->rw_flags)
		return io_sqe_fail(req, -EINVAL, "SHUTDOWN takes no ioprio, off, addr or flags");
	if (io_sqe_unused(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused(sqe));
	sock = sock_from_file(req->file);
	if (!sock)
		return io_sqe_fail(req, -ENOTSOCK, "fd is not a socket");

	io_req_complete(req, __sys_shutdown_sock(sock, sqe->len));
	return 0;
}

/*
 * SOCKET: socket(2) of domain fd, type off (with SOCK_CLOEXEC and
 * SOCK_NONBLOCK) and protocol len; the CQE carries the new fd, or with a
 * file_index, as OPENAT's, 0 or the direct descriptor's slot.  Inline.
 */
static int io_socket(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	int flags = sqe->off & ~SOCK_TYPE_MASK;
	struct file *file;
	int fd;

	if (req->ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "SOCKET on an IOPOLL ring");
	if (sqe->ioprio || sqe->addr || sqe->rw_flags)
		return io_sqe_fail(req, -EINVAL, "SOCKET takes no ioprio, addr or flags");
	if (io_sqe_unused_but_slot(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused_but_slot(sqe));
	if (sqe->off > INT_MAX || (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)))
		return io_sqe_fail(req, -EINVAL, "type %#llx", sqe->off);
	if (sqe->file_index && (flags & SOCK_CLOEXEC))
		return io_sqe_fail(req, -EINVAL, "a direct descriptor takes no SOCK_CLOEXEC");

	if (sqe->file_index) {
		file = __sys_socket_file(sqe->fd, sqe->off, sqe->len);
		fd = IS_ERR(file) ? io_no_restart(PTR_ERR(file)) : io_req_fixed_install(req, file);
		io_req_complete(req, fd);
		return 0;
	}

	fd = get_unused_fd_flags(flags & SOCK_CLOEXEC ? O_CLOEXEC : 0);
	if (fd < 0) {
		io_req_complete(req, fd);
		return 0;
	}
	file = __sys_socket_file(sqe->fd, sqe->off, sqe->len);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		fd = io_no_restart(PTR_ERR(file));
	} else {
		fd_install(fd, file);
	}
	io_req_complete(req, fd);
	return 0;
}

/*
 * What a cancellation looks for: one request (IORING_OP_LINK_TIMEOUT's),
 * or those with a user_data (ASYNC_CANCEL, POLL_REMOVE, TIMEOUT_REMOVE),
 * or, as ASYNC_CANCEL's flags ask, those using a file, or any.  The first
 * found, or with IORING_ASYNC_CANCEL_ALL or _ANY each.
 */
struct io_cancel_match {
	struct io_kiocb		*req;
	struct file		*file;
	u64			user_data;
	u32			flags;		/* IORING_ASYNC_CANCEL_* */
	/* with _ANY: only this task's requests (a task's exit) */
	struct task_struct	*task;
};

#define IO_CANCEL_FLAGS	(IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_FD | \
			 IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_FD_FIXED)

/* Whether @req is one of @task's (any task's when @task is NULL). */
static bool io_req_of(struct io_kiocb *req, struct task_struct *task)
{
	return !task || req->task == task;
}

static bool io_cancel_matches(const struct io_cancel_match *m, struct io_kiocb *req)
{
	if (m->req)
		return req == m->req;
	if (m->flags & IORING_ASYNC_CANCEL_ANY)
		return io_req_of(req, m->task);
	if (m->flags & IORING_ASYNC_CANCEL_FD)
		return req->file == m->file;
	return req->user_data == m->user_data;
}

/* Whether @m looks for each request it matches, not the first. */
static bool io_cancel_each(const struct io_cancel_match *m)
{
	return m->flags & (IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_ANY);
}

/* Whether what @m looks for has its user_data: one hash bucket has it. */
static bool io_cancel_by_data(const struct io_cancel_match *m)
{
	return !m->req && !(m->flags & (IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_FD));
}

/* ---- poll ------------------------------------------------------------- */

/*
 * An armed poll request is on its file's wait queue (poll.wait, on
 * *poll.head) and on ctx->poll_hash (req->list), where cancellation,
 * fdinfo and teardown find it.  Wakeups, cancellations and the arming
 * itself race for it, and one rule settles every race:
 *
 *   poll.owners counts who asked for the request to be looked at; whoever
 *   raises the count from zero owns the request, and only the owner takes
 *   it off the wait queue and poll_hash, posts its CQE or hands it on.
 *   An owner that leaves it armed gives ownership back by subtracting the
 *   count it saw; if that leaves the count above zero, somebody came
 *   meanwhile and the owner looks again.  An owner that ends the request
 *   keeps ownership for good.
 *
 * So a wakeup records its mask and counts; a cancellation marks the
 * request IO_POLL_CANCELLED and counts; the arming owns the request until
 * it is armed.  The owner acts at once where it can: the arming, or a
 * cancellation under completion_lock, or a wakeup that has the mask it
 * waits for and gets completion_lock with a trylock.  Otherwise a worker
 * owns it next (io_poll_owned()).  Nobody else may end or free an armed
 * request, so the worker needs no reference of its own, and a request is
 * armed again (a socket request's retry) only by the owner that ended its
 * last arm: no work of an earlier arm can be left to claim the new one.
 *
 * ->head is set while the entry may be on the queue: whoever takes the
 * entry off clears it, under the queue's lock, so a set ->head always
 * names a live queue.  A queue that is freed while we are on it
 * (POLLFREE: a signalfd's when its process is gone) tells us first and
 * is freed only an RCU grace period later: that wakeup takes us off it,
 * whoever owns the request, and clearing ->head is its last touch of the
 * request.  So before it ends the request, the owner reads ->head under
 * rcu_read_lock() and, if it is still set, passes through the queue's
 * lock (io_poll_unhook()).
 *
 * A request on a socket, pipe, eventfd... that would block
 * (REQ_F_POLL_RETRY) waits the same way instead of holding a worker
 * (IORING_FEAT_FAST_POLL): when the file is ready, its owner hands it to
 * a worker to try again without blocking, and it is armed anew if it
 * still would block.  So ASYNC_CANCEL, ring teardown and the submitter's
 * exit reach it at once, and an idle pipe costs no thread.
 *
 * Lock order: completion_lock, then the wait queue's lock.  A wakeup holds
 * the queue's lock, so it only try-locks completion_lock.
 */

/*
 * poll.owners: the count, and a cancellation's mark above it.  Wakeups
 * stop counting at IO_POLL_COUNT_CAP (a storm while the owner waits for
 * a worker): an owner that sees the cap keeps one count and looks again,
 * so what they said is not lost, and the count never overflows.
 */
#define IO_POLL_CANCELLED	BIT(30)
#define IO_POLL_COUNT		(IO_POLL_CANCELLED - 1)
#define IO_POLL_COUNT_CAP	BIT(29)

static void io_poll_retry_queue(struct io_kiocb *req);
static bool io_poll_retry_nonblock(struct io_kiocb *req);

/* Whether a cancellation has asked armed @req to end already. */
static bool io_poll_cancelled(struct io_kiocb *req)
{
	return atomic_read(&req->poll.owners) & IO_POLL_CANCELLED;
}

/* The poll_hash bucket of the armed requests with @user_data. */
static struct list_head *io_poll_bucket(struct io_ring_ctx *ctx, u64 user_data)
{
	return &ctx->poll_hash[hash_64(user_data, ctx->poll_hash_bits)];
}

/* Count ourselves in: true if that made us @req's owner. */
static bool io_poll_get_owner(struct io_kiocb *req)
{
	atomic_t *owners = &req->poll.owners;

	if (unlikely((atomic_read(owners) & IO_POLL_COUNT) >= IO_POLL_COUNT_CAP))
		return false;
	return !(atomic_fetch_inc(owners) & IO_POLL_COUNT);
}

/*
 * The owner gives back the @seen count it has looked at: true if that
 * ended its ownership, false if it must look again.
 */
static bool io_poll_put_owner(struct io_kiocb *req, int seen)
{
	/* wakeups may have stopped counting: keep one, to look again */
	if (unlikely(seen >= IO_POLL_COUNT_CAP))
		seen--;
	return !atomic_sub_return(seen, &req->poll.owners);
}

/*
 * Take @req off its wait queue if it is still on one, and wait for a
 * POLLFREE wakeup that is taking it off to return.  Any context.
 */
static void io_poll_unhook(struct io_kiocb *req)
{
	struct io_poll_iocb *poll = &req->poll;
	struct wait_queue_head *head;
	unsigned long flags;

	rcu_read_lock();
	/* pairs with the release stores of the wakeups that clear it */
	head = smp_load_acquire(&poll->head);
	if (head) {
		spin_lock_irqsave(&head->lock, flags);
		list_del_init(&poll->wait.entry);
		WRITE_ONCE(poll->head, NULL);
		spin_unlock_irqrestore(&head->lock, flags);
	}
	rcu_read_unlock();
}

/* The same from the queue's wakeup, whose lock we hold. */
static void io_poll_unhook_locked(struct io_kiocb *req)
{
	list_del_init(&req->poll.wait.entry);
	/* pairs with the acquire load of io_poll_unhook() and others */
	smp_store_release(&req->poll.head, NULL);
}

/* Post the CQE of the armed request we own; completion_lock held. */
static void io_poll_post(struct io_kiocb *req, long res)
{
	struct io_ring_ctx *ctx = req->ctx;

	list_del_init(&req->list);
	io_link_note_result(req, res);
	/* a receive that waits with data in its buffer (MSG_WAITALL) reports it */
	io_req_fill_event(req, res);
	io_commit_cqring(ctx);
}

/*
 * A multishot poll's CQE for @mask (IORING_CQE_F_MORE: it stays armed);
 * completion_lock held.  Not its completion: IOSQE_IO_DRAIN does not
 * count it.
 */
static void io_poll_post_more(struct io_kiocb *req, __poll_t mask)
{
	struct io_ring_ctx *ctx = req->ctx;

	ctx->cq_extra++;
	io_cqring_fill_event(ctx, req->user_data, mangle_poll(mask & req->poll.events),
			     IORING_CQE_F_MORE);
	io_commit_cqring(ctx);
}

/*
 * The owner ends @req, off its queue, with @res (a mask) or, for a request
 * that waited to be tried again, by a retry: true for that, and the caller
 * queues it.  A cancellation may have marked @req since the owner last
 * looked; it said it found @req, so @req ends with -ECANCELED as it
 * promised.  The mark is made under completion_lock, which we hold: a
 * cancellation that comes after us finds @req gone (-ENOENT).
 */
static bool io_poll_end_locked(struct io_kiocb *req, long res)
{
	lockdep_assert_held(&req->ctx->completion_lock);
	if (io_poll_cancelled(req))
		res = -ECANCELED;
	if ((req->flags & REQ_F_POLL_RETRY) && res != -ECANCELED) {
		list_del_init(&req->list);
		return true;
	}
	io_poll_post(req, res);
	return false;
}

/*
 * The owner ends @req with @res, a mask or -ECANCELED; or, if it is a
 * socket request whose file is ready, hands it to a worker to try again.
 * Process context.
 */
static void io_poll_end(struct io_kiocb *req, long res)
{
	struct io_ring_ctx *ctx = req->ctx;
	bool retry;

	io_poll_unhook(req);
	spin_lock_irq(&ctx->completion_lock);
	retry = io_poll_end_locked(req, res);
	spin_unlock_irq(&ctx->completion_lock);
	if (retry) {
		io_poll_retry_queue(req);
		return;
	}
	io_cqring_ev_posted(ctx);
	io_put_req(req);
}

/*
 * We own @req: end it if it was cancelled or its file is ready, or give
 * ownership back and leave it armed.  Process context: a key-less wakeup
 * leaves us to ask the file, from a thread of the submitter's process
 * where possible (a signalfd reports the signals of the task that polls).
 */
static void io_poll_owned(struct io_kiocb *req)
{
	struct io_poll_iocb *poll = &req->poll;
	__poll_t mask;
	bool more;
	int seen;

	do {
		seen = atomic_read(&poll->owners);
		if (seen & IO_POLL_CANCELLED) {
			io_poll_end(req, -ECANCELED);
			return;
		}
		/*
		 * The wakeup's key, as 6.1 reports it (a reader may have
		 * taken what made the file ready since).
		 */
		mask = xchg(&poll->woken, 0);
		/* the queue is gone (POLLFREE): the poll can never fire */
		if (unlikely(mask & POLLFREE)) {
			io_poll_end(req, -ECANCELED);
			return;
		}
		if (!mask)
			mask = vfs_poll(poll->file, NULL);
		mask &= poll->events;
		if (mask && !READ_ONCE(poll->multishot)) {
			io_poll_end(req, mangle_poll(mask));
			return;
		}
		if (mask) {
			spin_lock_irq(&req->ctx->completion_lock);
			/* no event after a removal that found it (it ends) */
			more = !io_poll_cancelled(req) && io_cqring_room_for_more(req->ctx);
			if (more)
				io_poll_post_more(req, mask);
			spin_unlock_irq(&req->ctx->completion_lock);
			if (!more) {
				io_poll_end(req, mangle_poll(mask));
				return;
			}
			io_cqring_ev_posted(req->ctx);
		}
	} while (!io_poll_put_owner(req, seen));
}

/*
 * Queue @func as task work of @task for @req; false if @task is past
 * running task work.  COOP_TASKRUN: a running task is not interrupted
 * for it, it runs at its next entry to the kernel (TASKRUN_FLAG says so
 * meanwhile); a sleeping one is woken.  The task may run it and exit
 * before task_work_add() is done with it: we hold it.
 */
static bool io_req_task_work_add(struct io_kiocb *req, struct task_struct *task,
				 task_work_func_t func)
{
	struct io_ring_ctx *ctx = req->ctx;
	int ret;

	init_task_work(&req->retry_tw, func);
	if (ctx->flags & IORING_SETUP_TASKRUN_FLAG)
		io_sq_flags_set(ctx, IORING_SQ_TASKRUN);
	get_task_struct(task);
	ret = task_work_add(task, &req->retry_tw, (ctx->flags & IORING_SETUP_COOP_TASKRUN) ?
			    TWA_SIGNAL_NO_IPI : TWA_SIGNAL);
	put_task_struct(task);
	return !ret;
}

/* The task work io_req_task_work_add() announced runs now. */
static void io_req_task_work_runs(struct io_ring_ctx *ctx)
{
	if (unlikely(ctx->flags & IORING_SETUP_TASKRUN_FLAG) &&
	    !(ctx->flags & IORING_SETUP_DEFER_TASKRUN))
		io_sq_flags_clear(ctx, IORING_SQ_TASKRUN);
}

static void io_poll_owned_tw(struct callback_head *cb)
{
	struct io_kiocb *req = container_of(cb, struct io_kiocb, retry_tw);

	io_req_task_work_runs(req->ctx);
	io_poll_owned(req);
}

/*
 * The task that retries @req itself, as task work: its submitter, if that
 * is a user task (the SQ thread's requests go to a worker) not yet exiting,
 * and @req is tried without blocking.  NULL to leave it to a worker.
 */
static struct task_struct *io_retry_task(struct io_kiocb *req)
{
	struct task_struct *task = READ_ONCE(req->task);

	if (!task || (task->flags & (PF_IO_WORKER | PF_EXITING)) || !io_poll_retry_nonblock(req))
		return NULL;
	return task;
}

/*
 * A wakeup that owns @req cannot act on it there: a worker owns it next;
 * or, for a request whose retry its task would make (io_retry_by_task()),
 * that task, as task work.  Still armed and hashed, it needs no tracking:
 * a cancel marks the poll, and the owner sees the mark.
 */
static void io_poll_owned_later(struct io_kiocb *req)
{
	struct task_struct *task = io_retry_task(req);
	struct io_wq *wq = io_req_wq(req);

	if (task && (req->flags & REQ_F_POLL_RETRY) &&
	    !(req->ctx->flags & IORING_SETUP_DEFER_TASKRUN) &&
	    io_req_task_work_add(req, task, io_poll_owned_tw))
		return;

	io_wq_work_init(&req->poll_io_work, IO_WQ_WORK_UNBOUND | IO_WORK_POLL);
	if (!wq || !io_wq_enqueue(wq, &req->poll_io_work))
		io_poll_owned_in_kworker(req);
}

/*
 * A wakeup owns @req and has the @mask it waits for: off the queue now,
 * and the CQE (or the retry) from here if completion_lock is free.
 */
static void io_poll_wake_end(struct io_kiocb *req, __poll_t mask)
{
	struct io_ring_ctx *ctx = req->ctx;
	unsigned long flags;
	bool retry;

	/*
	 * Left on the queue for the worker to take off: io_poll_let_go()
	 * counts on a request on a queue for a wakeup's read of ->task.
	 */
	if (!spin_trylock_irqsave(&ctx->completion_lock, flags)) {
		io_poll_owned_later(req);
		return;
	}
	io_poll_unhook_locked(req);
	retry = io_poll_end_locked(req, mangle_poll(mask & req->poll.events));
	spin_unlock_irqrestore(&ctx->completion_lock, flags);
	if (retry) {
		io_poll_retry_queue(req);
		return;
	}
	io_cqring_ev_posted_nested(ctx);
	io_put_req(req);
}

/*
 * A wakeup owns multishot @req and has the @mask it waits for: the CQE
 * from here if completion_lock is free, and it stays armed; or it ends,
 * if the CQ ring has no room for more.
 */
static void io_poll_wake_more(struct io_kiocb *req, __poll_t mask)
{
	struct io_ring_ctx *ctx = req->ctx;
	unsigned long flags;

	if (!spin_trylock_irqsave(&ctx->completion_lock, flags)) {
		io_poll_owned_later(req);
		return;
	}
	/* a removal that found it has had its last event: it ends */
	if (io_poll_cancelled(req) || !io_cqring_room_for_more(ctx)) {
		spin_unlock_irqrestore(&ctx->completion_lock, flags);
		io_poll_wake_end(req, mask);
		return;
	}
	/* said: only wakeups write it, and they hold the queue's lock too */
	WRITE_ONCE(req->poll.woken, 0);
	io_poll_post_more(req, mask);
	spin_unlock_irqrestore(&ctx->completion_lock, flags);
	io_cqring_ev_posted_nested(ctx);
	/* give it back: whoever came meanwhile is for a worker to look at */
	if (!io_poll_put_owner(req, 1))
		io_poll_owned_later(req);
}

/*
 * The queue is being freed (POLLFREE): off it now, whoever owns @req, and
 * the owner ends it.  Clearing ->head is our last touch of @req: the
 * owner may free it as soon as it sees ->head clear.
 */
static void io_poll_wake_free(struct io_kiocb *req)
{
	list_del_init(&req->poll.wait.entry);
	WRITE_ONCE(req->poll.woken, POLLFREE);
	if (io_poll_get_owner(req))
		io_poll_owned_later(req);
	/* pairs with the acquire load of io_poll_unhook() and others */
	smp_store_release(&req->poll.head, NULL);
}

static int io_poll_wake(struct wait_queue_entry *wait, unsigned int mode,
			int sync, void *key)
{
	struct io_kiocb *req = container_of(wait, struct io_kiocb, poll.wait);
	__poll_t mask = key_to_poll(key);

	if (unlikely(mask & POLLFREE)) {
		io_poll_wake_free(req);
		return 1;
	}
	/* not an event we wait for */
	if (mask && !(mask & req->poll.events))
		return 0;
	/*
	 * A ring's CQE woke us (our own ring, its eventfd, a ring polling us
	 * back): a multishot poll would post, and wake itself, for ever.  It
	 * ends with this event instead, as on 6.1.
	 */
	if (unlikely(mask & EPOLL_URING_WAKE))
		WRITE_ONCE(req->poll.multishot, false);
	/* for the owner, before we count: it reads the key after the count */
	if (mask)
		WRITE_ONCE(req->poll.woken, mask);
	if (io_poll_get_owner(req)) {
		if (!mask)
			io_poll_owned_later(req);
		else if (READ_ONCE(req->poll.multishot))
			io_poll_wake_more(req, mask);
		else
			io_poll_wake_end(req, mask);
	}
	return 1;
}

/* What vfs_poll() arms @req with, and what it found wrong. */
struct io_poll_arming {
	struct poll_table_struct	pt;
	struct io_kiocb			*req;
	int				error;
};

/* vfs_poll()'s callback: queue the request on the file's wait queue @head. */
static void io_poll_add_waiter(struct file *file, struct wait_queue_head *head,
			       struct poll_table_struct *pt)
{
	struct io_poll_arming *arming = container_of(pt, struct io_poll_arming, pt);
	struct io_poll_iocb *poll = &arming->req->poll;

	/* one wait queue per request: files that use several are refused */
	if (unlikely(poll->head)) {
		arming->error = -EINVAL;
		return;
	}
	poll->head = head;
	/* as epoll's: a wakeup for one waiter wakes one of these */
	if (poll->events & EPOLLEXCLUSIVE)
		add_wait_queue_exclusive(head, &poll->wait);
	else
		add_wait_queue(head, &poll->wait);
}

enum io_poll_armed { IO_POLL_ARMED, IO_POLL_READY, IO_POLL_DYING };

/*
 * Queue on the file's wait queue for @events and arm, unless the file is
 * ready already (*@mask), the file refused (*@error) or the ring is
 * closing: its teardown has ended the armed requests or is about to,
 * under completion_lock, so none may be added after it.  A @multishot
 * poll is armed even when the file is ready, with a CQE for that, unless
 * the CQ ring has no room for one: then it is ready, and that CQE ends
 * it.  Once it is armed, @req may be gone when we return.
 */
static enum io_poll_armed io_poll_arm(struct io_kiocb *req, __poll_t events, bool multishot,
				      __poll_t *mask, int *error)
{
	struct io_poll_arming arming = { .req = req };
	struct io_poll_iocb *poll = &req->poll;
	struct io_ring_ctx *ctx = req->ctx;
	enum io_poll_armed ret = IO_POLL_ARMED;

	poll->events = events | EPOLLERR | EPOLLHUP;
	poll->multishot = multishot;
	poll->woken = 0;
	poll->head = NULL;
	/* ours until it is armed: a wakeup meanwhile only counts */
	atomic_set(&poll->owners, 1);
	INIT_LIST_HEAD(&req->list);
	init_waitqueue_func_entry(&poll->wait, io_poll_wake);
	init_poll_funcptr(&arming.pt, io_poll_add_waiter);
	arming.pt._key = poll->events;

	*mask = vfs_poll(poll->file, &arming.pt) & poll->events;
	*error = arming.error;

	spin_lock_irq(&ctx->completion_lock);
	if (percpu_ref_is_dying(&ctx->refs) || READ_ONCE(req->lt_expired))
		ret = IO_POLL_DYING;
	/* no queue: the file cannot wait, or POLLFREE came already */
	else if ((*mask && (!multishot || !io_cqring_room_for_more(ctx))) || *error ||
		 !READ_ONCE(poll->head))
		ret = IO_POLL_READY;
	else
		list_add_tail(&req->list, io_poll_bucket(ctx, req->user_data));
	if (ret == IO_POLL_ARMED && *mask)
		io_poll_post_more(req, *mask);
	spin_unlock_irq(&ctx->completion_lock);

	if (ret != IO_POLL_ARMED) {
		io_poll_unhook(req);
		return ret;
	}
	if (*mask)
		io_cqring_ev_posted(ctx);
	/* give it back, unless somebody came while we armed it */
	if (!io_poll_put_owner(req, 1))
		io_poll_owned(req);
	return IO_POLL_ARMED;
}

/*
 * A read or write can wait for its file as a poll if the file says when it
 * is ready; O_NONBLOCK or not, as on 6.1 (RWF_NOWAIT asks for -EAGAIN).
 */
static bool io_rw_pollable(struct io_kiocb *req)
{
	return file_can_poll(req->file);
}

static bool io_op_is_rw(u8 op)
{
	return op == IORING_OP_READV || op == IORING_OP_READ_FIXED || op == IORING_OP_READ ||
	       op == IORING_OP_WRITEV || op == IORING_OP_WRITE_FIXED || op == IORING_OP_WRITE;
}

/*
 * How a request whose poll fired is tried again: without blocking, and if
 * it still would block it waits again; but a file that cannot be tried
 * without blocking (a pipe in 6.1 cannot) is read or written blocking: what
 * it waited for is there.
 */
static bool io_poll_retry_nonblock(struct io_kiocb *req)
{
	return !io_op_is_rw(req->sqe.opcode) || io_file_nowait(req->file);
}

/* Requests that would block wait as armed polls: for what (0: they block). */
static __poll_t io_poll_retry_events(struct io_kiocb *req)
{
	switch (req->sqe.opcode) {
	case IORING_OP_RECV:
	case IORING_OP_RECVMSG:
	case IORING_OP_ACCEPT:
		return EPOLLIN | EPOLLRDNORM;
	case IORING_OP_SEND:
	case IORING_OP_SENDMSG:
	case IORING_OP_SEND_ZC:
	case IORING_OP_SENDMSG_ZC:
		return EPOLLOUT | EPOLLWRNORM;
	case IORING_OP_CONNECT:
		/* a connection under way; other connects block in a worker */
		return req->flags & REQ_F_CONNECTING ? EPOLLOUT | EPOLLWRNORM : 0;
	case IORING_OP_READV:
	case IORING_OP_READ_FIXED:
	case IORING_OP_READ:
		return io_rw_pollable(req) ? EPOLLIN | EPOLLRDNORM : 0;
	case IORING_OP_WRITEV:
	case IORING_OP_WRITE_FIXED:
	case IORING_OP_WRITE:
		return io_rw_pollable(req) ? EPOLLOUT | EPOLLWRNORM : 0;
	default:
		return 0;
	}
}

/*
 * Let a request wait for its file as an armed poll.  False when
 * it should be tried again now (the socket is ready, or cannot be polled:
 * the retry says why).
 */
static bool io_poll_retry_arm(struct io_kiocb *req)
{
	__poll_t events = io_poll_retry_events(req), mask;
	/* a try after the poll said ready came back with -EAGAIN */
	bool again = req->flags & REQ_F_POLL_RETRY;
	int error;

	if (!events)
		return false;
	req->flags |= REQ_F_POLL_RETRY;
	switch (io_poll_arm(req, events, false, &mask, &error)) {
	case IO_POLL_ARMED:
		return true;
	case IO_POLL_DYING:
		io_req_complete(req, -ECANCELED);
		return true;
	default:
		/*
		 * Ready: try again now, without blocking.  But ready again at
		 * once after such a try made no progress (MSG_ERRQUEUE with
		 * only normal data queued, a connect some protocol reports
		 * writable while still under way): polling would spin, so a
		 * worker makes the call as its syscall would, blocking or
		 * not.  Also for a socket that cannot be polled.
		 */
		if (error || !mask || again)
			req->flags &= ~REQ_F_POLL_RETRY;
		return false;
	}
}

/*
 * The events of a POLL_ADD or a poll update, all 32 bits of them as 6.1
 * reads them (IORING_FEAT_POLL_32BITS): the poll(2) events, and
 * EPOLLEXCLUSIVE.
 */
static __poll_t io_poll_sqe_events(const struct io_uring_sqe *sqe)
{
	u32 events = sqe->poll32_events;

#ifdef __BIG_ENDIAN
	events = swahw32(events);
#endif
	return demangle_poll(events) | ((__force __poll_t)events & EPOLLEXCLUSIVE);
}

/* Complete a POLL_ADD that io_poll_arm() did not leave armed. */
static void io_poll_not_armed(struct io_kiocb *req, enum io_poll_armed armed, __poll_t mask,
			      int error)
{
	if (armed == IO_POLL_DYING)
		io_req_complete(req, -ECANCELED);
	else if (armed == IO_POLL_READY)
		io_req_complete(req, error ? error : mangle_poll(mask));
}

/*
 * POLL_ADD: arm, or complete now when the file is ready already; with
 * IORING_POLL_ADD_MULTI in len, a CQE (IORING_CQE_F_MORE) each time the
 * file becomes ready, until it is removed.  An armed poll holds its file:
 * one on its own ring's fd (or on a ring that polls back) outlives
 * close(), as on 6.1, and ends when its task exits.
 */
static int io_poll_add(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	enum io_poll_armed armed;
	__poll_t mask;
	int error;

	if (req->ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "POLL_ADD on an IOPOLL ring");
	if (sqe->addr || sqe->ioprio || sqe->off)
		return io_sqe_fail(req, -EINVAL, "POLL_ADD takes no addr, ioprio or off");
	if (sqe->len & ~IORING_POLL_ADD_MULTI)
		return io_sqe_fail(req, -EINVAL, "POLL_ADD flags %#x unknown", sqe->len);
	/* its last CQE is what says it ended: never skipped (6.1 refuses too) */
	if ((sqe->len & IORING_POLL_ADD_MULTI) && (sqe->flags & IOSQE_CQE_SKIP_SUCCESS))
		return io_sqe_fail(req, -EINVAL, "a multishot POLL_ADD with a CQE skip");
	if (io_sqe_unused(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused(sqe));

	armed = io_poll_arm(req, io_poll_sqe_events(sqe), sqe->len & IORING_POLL_ADD_MULTI,
			    &mask, &error);
	io_poll_not_armed(req, armed, mask, error);
	return 0;
}

/*
 * Ask armed @req to end with -ECANCELED, and end it if that made us its
 * owner; else its owner does.  completion_lock held, which serializes the
 * cancellations.  True if we ended it.
 */
static bool io_poll_cancel_one(struct io_kiocb *req)
{
	int old;

	if (io_poll_cancelled(req))
		return false;
	/* mark and count in one step: an owner that gives it back sees both */
	old = atomic_fetch_add(IO_POLL_CANCELLED + 1, &req->poll.owners);
	if (old & IO_POLL_COUNT)
		return false;
	io_poll_unhook(req);
	io_poll_post(req, -ECANCELED);
	return true;
}

/* Whether armed @req is one @m looks for: POLL_ADD's, or (@any) all. */
static bool io_poll_matches(const struct io_cancel_match *m, struct io_kiocb *req, bool any)
{
	return io_cancel_matches(m, req) && (any || !(req->flags & REQ_F_POLL_RETRY));
}

/*
 * The poll_hash buckets [first, *@end) where what @m names may be: one
 * named by user_data is in that bucket; others may be anywhere.
 */
static unsigned int io_poll_buckets(struct io_ring_ctx *ctx, const struct io_cancel_match *m,
				    unsigned int *end)
{
	unsigned int first = 0;

	*end = 1U << ctx->poll_hash_bits;
	if (io_cancel_by_data(m)) {
		first = hash_64(m->user_data, ctx->poll_hash_bits);
		*end = first + 1;
	}
	return first;
}

/*
 * The first armed request @m names: only POLL_ADD requests, or (@any)
 * socket requests waiting too.  completion_lock held.
 */
static struct io_kiocb *io_poll_find(struct io_ring_ctx *ctx, const struct io_cancel_match *m,
				     bool any)
{
	unsigned int i, end;
	struct io_kiocb *req;

	for (i = io_poll_buckets(ctx, m, &end); i < end; i++) {
		list_for_each_entry(req, &ctx->poll_hash[i], list) {
			if (io_poll_matches(m, req, any))
				return req;
		}
	}
	return NULL;
}

/*
 * Ask each armed request in @bucket that @m names to end; those that made
 * us their owner go on @ended.  How many were not asked before.
 * completion_lock held.
 */
static int io_poll_cancel_bucket(struct list_head *bucket, const struct io_cancel_match *m,
				 bool any, struct list_head *ended)
{
	struct io_kiocb *req, *tmp;
	int nr = 0;

	list_for_each_entry_safe(req, tmp, bucket, list) {
		if (!io_poll_matches(m, req, any) || io_poll_cancelled(req))
			continue;
		nr++;
		/* ended: off the bucket, and free to go on @ended */
		if (io_poll_cancel_one(req))
			list_add_tail(&req->list, ended);
	}
	return nr;
}

/*
 * End the armed requests @m names (their owners end those they own), and
 * say how many: -ENOENT for none, 0 for the first, as POLL_REMOVE reports
 * it, or with io_cancel_each() their number.  Only POLL_ADD requests, or
 * (@any) socket requests waiting too.
 */
static int io_poll_cancel_by(struct io_ring_ctx *ctx, const struct io_cancel_match *m, bool any)
{
	struct io_kiocb *req, *tmp;
	unsigned int i, end;
	LIST_HEAD(ended);
	int nr = 0;

	if (io_cancel_each(m)) {
		/* a bucket at a time: interrupts are off meanwhile */
		for (i = io_poll_buckets(ctx, m, &end); i < end; i++) {
			spin_lock_irq(&ctx->completion_lock);
			nr += io_poll_cancel_bucket(&ctx->poll_hash[i], m, any, &ended);
			spin_unlock_irq(&ctx->completion_lock);
		}
	} else {
		spin_lock_irq(&ctx->completion_lock);
		req = io_poll_find(ctx, m, any);
		if (req && io_poll_cancel_one(req))
			list_add_tail(&req->list, &ended);
		nr = req ? 0 : -ENOENT;
		spin_unlock_irq(&ctx->completion_lock);
	}
	if (!list_empty(&ended))
		io_cqring_ev_posted(ctx);
	list_for_each_entry_safe(req, tmp, &ended, list) {
		list_del_init(&req->list);
		io_put_req(req);
	}
	return nr;
}

/*
 * Take the POLL_ADD whose user_data is @user_data for an update, if
 * nobody else owns it: then it is ours, and no longer armed.  0, -ENOENT,
 * or -EALREADY (as on 6.1) when a wakeup or a cancellation owns it.
 */
static int io_poll_take(struct io_ring_ctx *ctx, u64 user_data, struct io_kiocb **taken)
{
	struct io_cancel_match m = { .user_data = user_data };
	struct io_kiocb *req;
	int ret = -ENOENT;

	spin_lock_irq(&ctx->completion_lock);
	req = io_poll_find(ctx, &m, false);
	/* ours only if nobody has counted in: else it is being ended */
	if (req)
		ret = atomic_cmpxchg(&req->poll.owners, 0, 1) ? -EALREADY : 0;
	if (!ret) {
		list_del_init(&req->list);
		*taken = req;
	}
	spin_unlock_irq(&ctx->completion_lock);
	if (!ret)
		io_poll_unhook(*taken);
	return ret;
}

/*
 * A poll update (POLL_REMOVE with IORING_POLL_UPDATE_* in len): the poll
 * whose user_data is addr gets the user_data in off, the events in
 * poll32_events, or both, and is armed again with them (a multishot one
 * stays multishot).  0, or why not.
 */
static int io_poll_update(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	enum io_poll_armed armed;
	struct io_kiocb *preq;
	__poll_t events, mask;
	int ret, error;

	ret = io_poll_take(req->ctx, sqe->addr, &preq);
	if (!ret) {
		events = preq->poll.events;
		/* as on 6.1, an update keeps the poll exclusive or not */
		if (sqe->len & IORING_POLL_UPDATE_EVENTS)
			events = (io_poll_sqe_events(sqe) & ~EPOLLEXCLUSIVE) |
				 (events & EPOLLEXCLUSIVE);
		if (sqe->len & IORING_POLL_UPDATE_USER_DATA)
			preq->user_data = sqe->off;
		armed = io_poll_arm(preq, events, preq->poll.multishot, &mask, &error);
		io_poll_not_armed(preq, armed, mask, error);
	}
	io_req_complete(req, ret);
	return 0;
}

#define IO_POLL_UPDATE_FLAGS	(IORING_POLL_UPDATE_EVENTS | IORING_POLL_UPDATE_USER_DATA | \
				 IORING_POLL_ADD_MULTI)

/*
 * POLL_REMOVE: end the poll whose user_data is addr with -ECANCELED, or
 * update it.  A poll that a wakeup owns is marked, and its owner ends
 * it: 6.1 says -EALREADY then and leaves it armed, which after a wakeup
 * that found nothing ready (a signalfd's for another signal) leaves the
 * caller with a poll it cannot remove.
 */
static int io_poll_remove(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	struct io_cancel_match match = { .user_data = sqe->addr };
	struct io_ring_ctx *ctx = req->ctx;
	u32 flags = sqe->len;

	if (ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "POLL_REMOVE on an IOPOLL ring");
	if (sqe->ioprio)
		return io_sqe_fail(req, -EINVAL, "POLL_REMOVE takes no ioprio");
	if (flags & ~IO_POLL_UPDATE_FLAGS)
		return io_sqe_fail(req, -EINVAL, "POLL_REMOVE flags %#x unknown", flags);
	/* a multishot update keeps a poll multishot: alone, it means nothing */
	if (flags == IORING_POLL_ADD_MULTI)
		return io_sqe_fail(req, -EINVAL, "IORING_POLL_ADD_MULTI without an update");
	if (sqe->off && !(flags & IORING_POLL_UPDATE_USER_DATA))
		return io_sqe_fail(req, -EINVAL, "off without IORING_POLL_UPDATE_USER_DATA");
	if (sqe->poll32_events && !(flags & IORING_POLL_UPDATE_EVENTS))
		return io_sqe_fail(req, -EINVAL, "poll events without IORING_POLL_UPDATE_EVENTS");
	if (io_sqe_unused(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused(sqe));

	if (flags)
		return io_poll_update(req);
	io_req_complete(req, io_poll_cancel_by(ctx, &match, false));
	return 0;
}

/* Ring teardown, or @task's exit: end the armed poll requests. */
static void io_poll_remove_all(struct io_ring_ctx *ctx, struct task_struct *task)
{
	struct io_cancel_match m = { .task = task, .flags = IORING_ASYNC_CANCEL_ANY };

	io_poll_cancel_by(ctx, &m, true);
}

/* ---- IORING_OP_TIMEOUT and IORING_OP_TIMEOUT_REMOVE ---------------------- */

/* Completions so far that count for timeouts: all but the timeouts' own. */
static u32 io_timeout_events(struct io_ring_ctx *ctx)
{
	return ctx->cq_done - ctx->cq_timeouts;
}

/*
 * Post a timeout's CQE; completion_lock held, the timer stopped or
 * running this.  The caller drops the request's reference.  -ETIME breaks
 * a chain like any error, unless IORING_TIMEOUT_ETIME_SUCCESS asked for a
 * timer whose end is what the chain waits for.
 */
static void io_timeout_post(struct io_ring_ctx *ctx, struct io_kiocb *req, long res)
{
	bool timer_done = res == -ETIME &&
			  (req->timeout.flags & IORING_TIMEOUT_ETIME_SUCCESS);

	io_link_note_result(req, timer_done ? 0 : res);
	if (likely(!(req->flags & REQ_F_CQE_SKIP))) {
		io_cqring_fill_event(ctx, req->user_data, res, 0);
		ctx->cq_timeouts++;
	} else {
		ctx->cq_skipped++;
	}
}

/*
 * Timeouts whose count of completions has been reached end with 0, unless
 * their timer is firing right now: then it ends them.  Called when CQEs
 * are committed, completion_lock held, maybe in interrupt context.
 */
static void io_timeout_flush(struct io_ring_ctx *ctx)
{
	u32 events = io_timeout_events(ctx);
	struct io_kiocb *req, *tmp;

	list_for_each_entry_safe(req, tmp, &ctx->timeout_list, list) {
		/* unsigned: a count of UINT_MAX is 2^32 - 1 completions away */
		if (!req->timeout.count || events - req->timeout.start < req->timeout.count)
			continue;
		if (hrtimer_try_to_cancel(&req->timeout.timer) < 0)
			continue;
		list_del_init(&req->list);
		io_timeout_post(ctx, req, 0);
		/* freeing takes no lock we hold (see io_free_req()) */
		io_put_req(req);
	}
}

static enum hrtimer_restart io_timeout_fn(struct hrtimer *timer)
{
	struct io_kiocb *req = container_of(timer, struct io_kiocb, timeout.timer);
	struct io_ring_ctx *ctx = req->ctx;
	unsigned long flags;

	/* only a stopped timer is taken off the list: ours is still on it */
	spin_lock_irqsave(&ctx->completion_lock, flags);
	list_del_init(&req->list);
	io_timeout_post(ctx, req, -ETIME);
	io_commit_cqring(ctx);
	spin_unlock_irqrestore(&ctx->completion_lock, flags);
	io_cqring_ev_posted(ctx);
	io_put_req(req);
	return HRTIMER_NORESTART;
}

/*
 * TIMEOUT: addr points to a struct __kernel_timespec, len is 1, off is the
 * number of other completions that end it early (0: none).  It ends with
 * -ETIME when the time is up, 0 when the count is reached.
 */

/* A timespec from userspace, as a time: -EFAULT or -EINVAL on bad input. */
static int io_read_timespec(struct io_kiocb *req, u64 addr, ktime_t *time)
{
	struct timespec64 ts;

	if (get_timespec64(&ts, u64_to_user_ptr(addr)))
		return io_sqe_fail(req, -EFAULT, "cannot read the timespec at %#llx", addr);
	if (!timespec64_valid(&ts))
		return io_sqe_fail(req, -EINVAL, "timespec {%lld, %ld} is not valid",
				   (long long)ts.tv_sec, ts.tv_nsec);
	*time = timespec64_to_ktime(ts);
	return 0;
}

/*
 * The timeout_flags and timespec of a TIMEOUT or LINK_TIMEOUT, read once:
 * one in a chain reads them at submission (io_req_stabilize()).
 */
static int io_timeout_read_ts(struct io_kiocb *req)
{
	u32 flags = req->sqe.timeout_flags;
	int ret;

	if (req->flags & REQ_F_ARGS_READ)
		return 0;
	if (flags & ~(IORING_TIMEOUT_ABS | IORING_TIMEOUT_CLOCK_MASK |
		      IORING_TIMEOUT_ETIME_SUCCESS))
		return io_sqe_fail(req, -EINVAL, "timeout_flags %#x unknown", flags);
	if (hweight32(flags & IORING_TIMEOUT_CLOCK_MASK) > 1)
		return io_sqe_fail(req, -EINVAL, "timeout_flags %#x name two clocks", flags);
	ret = io_read_timespec(req, req->sqe.addr, &req->timeout.expires);
	if (ret)
		return ret;
	req->timeout.flags = flags;
	req->flags |= REQ_F_ARGS_READ;
	return 0;
}

static clockid_t io_timeout_clock(u32 flags)
{
	switch (flags & IORING_TIMEOUT_CLOCK_MASK) {
	case IORING_TIMEOUT_BOOTTIME:
		return CLOCK_BOOTTIME;
	case IORING_TIMEOUT_REALTIME:
		return CLOCK_REALTIME;
	default:
		return CLOCK_MONOTONIC;
	}
}

/*
 * Start the timer of a TIMEOUT or LINK_TIMEOUT, on the clock and in the
 * mode its flags name; set up again each time, as an update may change
 * the mode, and a relative CLOCK_REALTIME timer is one on MONOTONIC.
 */
static void io_timer_start(struct io_kiocb *req, enum hrtimer_restart (*fn)(struct hrtimer *))
{
	u32 flags = req->timeout.flags;
	enum hrtimer_mode mode = flags & IORING_TIMEOUT_ABS ? HRTIMER_MODE_ABS : HRTIMER_MODE_REL;

	hrtimer_init(&req->timeout.timer, io_timeout_clock(flags), mode);
	req->timeout.timer.function = fn;
	hrtimer_start(&req->timeout.timer, req->timeout.expires, mode);
}

static int io_timeout(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	struct io_ring_ctx *ctx = req->ctx;
	int ret;

	if (ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "TIMEOUT on an IOPOLL ring");
	if (sqe->ioprio || sqe->buf_index || sqe->len != 1 || sqe->off > U32_MAX)
		return io_sqe_fail(req, -EINVAL,
				   "TIMEOUT takes no ioprio or buf_index, len 1 and a 32-bit count");
	if (io_sqe_unused(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused(sqe));
	ret = io_timeout_read_ts(req);
	if (ret)
		return ret;

	req->timeout.count = sqe->off;
	/* armed under the lock: the timer cannot end it before it is listed */
	spin_lock_irq(&ctx->completion_lock);
	/*
	 * Nothing is armed on a closed ring (a chain's timeout that comes due
	 * after the close, say): its teardown has ended the timeouts already,
	 * and this one would keep it alive for as long as it runs.
	 */
	if (percpu_ref_is_dying(&ctx->refs) || READ_ONCE(req->lt_expired)) {
		spin_unlock_irq(&ctx->completion_lock);
		return io_sqe_fail(req, -ECANCELED, "TIMEOUT on a closed ring, or timed out");
	}
	req->timeout.start = io_timeout_events(ctx);
	list_add_tail(&req->list, &ctx->timeout_list);
	io_timer_start(req, io_timeout_fn);
	spin_unlock_irq(&ctx->completion_lock);
	return 0;
}

/*
 * End the armed timeouts @m names with -ECANCELED, and say how many there
 * were, as io_poll_cancel_by() does; but the first is -EALREADY when it is
 * firing (it ends with -ETIME).
 */
static int io_timeout_cancel_by(struct io_ring_ctx *ctx, const struct io_cancel_match *m)
{
	struct io_kiocb *t, *tmp;
	int ret = -ENOENT, nr = 0;
	LIST_HEAD(ended);

	spin_lock_irq(&ctx->completion_lock);
	list_for_each_entry_safe(t, tmp, &ctx->timeout_list, list) {
		if (!io_cancel_matches(m, t))
			continue;
		nr++;
		ret = -EALREADY;
		if (hrtimer_try_to_cancel(&t->timeout.timer) >= 0) {
			list_move_tail(&t->list, &ended);
			io_timeout_post(ctx, t, -ECANCELED);
			ret = 0;
		}
		if (!io_cancel_each(m))
			break;
	}
	io_commit_cqring(ctx);
	spin_unlock_irq(&ctx->completion_lock);
	/* no wakeup for nothing: a poll of the ring takes one for a CQE */
	if (!list_empty(&ended))
		io_cqring_ev_posted(ctx);
	list_for_each_entry_safe(t, tmp, &ended, list) {
		list_del_init(&t->list);
		io_put_req(t);
	}
	return io_cancel_each(m) ? nr : ret;
}

/*
 * The timer of @t, armed and kept so by the lock its list is under,
 * starts again: at @expires, absolute if @abs.  Its clock and other flags
 * stay.  0, or -EALREADY if it is firing.  A TIMEOUT's count goes: from
 * now on only its time ends it, as on 6.1.
 */
static int io_timer_update(struct io_kiocb *t, ktime_t expires, u32 abs)
{
	if (hrtimer_try_to_cancel(&t->timeout.timer) < 0)
		return -EALREADY;
	t->timeout.expires = expires;
	t->timeout.flags = (t->timeout.flags & ~IORING_TIMEOUT_ABS) | abs;
	t->timeout.count = 0;
	io_timer_start(t, t->timeout.timer.function);
	return 0;
}

/* IORING_TIMEOUT_UPDATE: give the armed TIMEOUT @user_data a new time. */
static int io_timeout_update(struct io_ring_ctx *ctx, u64 user_data, ktime_t expires, u32 abs)
{
	struct io_kiocb *t;
	int ret = -ENOENT;

	spin_lock_irq(&ctx->completion_lock);
	list_for_each_entry(t, &ctx->timeout_list, list) {
		if (t->user_data == user_data) {
			ret = io_timer_update(t, expires, abs);
			break;
		}
	}
	spin_unlock_irq(&ctx->completion_lock);
	return ret;
}

/* IORING_LINK_TIMEOUT_UPDATE: the same, for an armed LINK_TIMEOUT. */
static int io_link_timeout_update(struct io_ring_ctx *ctx, u64 user_data, ktime_t expires,
				  u32 abs)
{
	struct io_kiocb *lt;
	int ret = -ENOENT;

	spin_lock_irq(&ctx->link_timeout_lock);
	list_for_each_entry(lt, &ctx->ltimeout_list, list) {
		if (lt->user_data == user_data) {
			ret = io_timer_update(lt, expires, abs);
			break;
		}
	}
	spin_unlock_irq(&ctx->link_timeout_lock);
	return ret;
}

/*
 * The flags of a TIMEOUT_REMOVE and, for an update, its time, read once:
 * one in a chain reads them at submission (io_req_stabilize()).
 */
static int io_timeout_remove_prep(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	u32 flags = sqe->timeout_flags;
	int ret;

	if (req->flags & REQ_F_ARGS_READ)
		return 0;
	if (req->ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "TIMEOUT_REMOVE on an IOPOLL ring");
	if (sqe->ioprio || sqe->buf_index || sqe->len)
		return io_sqe_fail(req, -EINVAL,
				   "TIMEOUT_REMOVE takes no ioprio, buf_index or len");
	if (io_sqe_unused(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused(sqe));
	if (!(flags & IORING_TIMEOUT_UPDATE_MASK)) {
		if (flags || sqe->off)
			return io_sqe_fail(req, -EINVAL,
					   "TIMEOUT_REMOVE takes no off or flags, unless it updates");
		return 0;
	}
	if (flags & ~(IORING_TIMEOUT_UPDATE_MASK | IORING_TIMEOUT_ABS))
		return io_sqe_fail(req, -EINVAL, "timeout_flags %#x of an update", flags);
	ret = io_read_timespec(req, sqe->addr2, &req->timeout.expires);
	if (ret)
		return ret;
	req->flags |= REQ_F_ARGS_READ;
	return 0;
}

/*
 * TIMEOUT_REMOVE: end the timeout whose user_data is addr with -ECANCELED;
 * or with IORING_TIMEOUT_UPDATE (IORING_LINK_TIMEOUT_UPDATE), give that
 * TIMEOUT (LINK_TIMEOUT) the time at addr2, relative or IORING_TIMEOUT_ABS.
 */
static int io_timeout_remove(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	struct io_cancel_match match = { .user_data = sqe->addr };
	u32 flags = sqe->timeout_flags;
	struct io_ring_ctx *ctx = req->ctx;
	int ret;

	ret = io_timeout_remove_prep(req);
	if (ret)
		return ret;
	if (!(flags & IORING_TIMEOUT_UPDATE_MASK))
		ret = io_timeout_cancel_by(ctx, &match);
	else if (flags & IORING_LINK_TIMEOUT_UPDATE)
		ret = io_link_timeout_update(ctx, sqe->addr, req->timeout.expires,
					     flags & IORING_TIMEOUT_ABS);
	else
		ret = io_timeout_update(ctx, sqe->addr, req->timeout.expires,
					flags & IORING_TIMEOUT_ABS);
	io_req_complete(req, ret);
	return 0;
}

/* Ring teardown, or @task's exit: the timeouts end now, with -ECANCELED. */
static void io_timeout_cancel_all(struct io_ring_ctx *ctx, struct task_struct *task)
{
	struct io_cancel_match m = { .task = task, .flags = IORING_ASYNC_CANCEL_ANY };

	io_timeout_cancel_by(ctx, &m);
}

/* ---- IORING_OP_ASYNC_CANCEL --------------------------------------------- */

/*
 * Cancel tracked @req where it waits, async_lock held: a retry queued for
 * its task is marked, and ends with -ECANCELED when the task runs it.
 */
static enum io_wq_cancel io_async_cancel_one(struct io_kiocb *req)
{
	if (req->retry_state != IO_RETRY_NONE) {
		req->retry_state = IO_RETRY_CANCELLED;
		return IO_WQ_CANCEL_OK;
	}
	if (req->flags & REQ_F_SEQ_OWNER)
		return IO_WQ_CANCEL_RUNNING;
	return io_wq_cancel_work(io_req_wq(req), &req->io_work);
}

/*
 * A request queued to a worker is taken off the queue if it has not
 * started: 0; -EALREADY if it has (a worker that runs it is interrupted,
 * as by a signal, so a blocking read returns -EINTR) or serves a
 * sequential run, whose other requests wait for it; -ENOENT if there is
 * none.  With io_cancel_each(), how many were either.  One neither queued
 * nor running is not found here: it waits as a poll (io_poll_cancel_by()
 * finds it), is being polled for (IOPOLL), or is done, as on 6.1.  A
 * retry its task has yet to run is found: 0, and it ends there.
 * async_lock keeps the requests, hence their tasks' pools, alive.
 */
static int io_async_cancel_by(struct io_ring_ctx *ctx, const struct io_cancel_match *m)
{
	bool each = io_cancel_each(m);
	struct io_kiocb *req, *tmp;
	enum io_wq_cancel found;
	int nr = 0, ret = -ENOENT;
	LIST_HEAD(cancel);

	spin_lock_irq(&ctx->async_lock);
	list_for_each_entry_safe(req, tmp, &ctx->async_list, async_node) {
		if (!io_cancel_matches(m, req))
			continue;
		found = io_async_cancel_one(req);
		/* waiting as a poll (found there), polled for, or done */
		if (found == IO_WQ_CANCEL_NOTFOUND)
			continue;
		/* a retry its task runs ends there (io_retry_run()) */
		if (found == IO_WQ_CANCEL_OK && req->retry_state == IO_RETRY_NONE)
			list_move_tail(&req->async_node, &cancel);
		nr++;
		if (!each) {
			ret = found == IO_WQ_CANCEL_OK ? 0 : -EALREADY;
			break;
		}
	}
	spin_unlock_irq(&ctx->async_lock);
	list_for_each_entry_safe(req, tmp, &cancel, async_node) {
		list_del_init(&req->async_node);
		io_req_complete(req, -ECANCELED);
	}
	return each ? nr : ret;
}

/*
 * Ring teardown: take every request of this ring off its task's queue, and
 * interrupt those that run, so that a read of a pipe nobody writes ends.
 */
static void io_async_cancel_all(struct io_ring_ctx *ctx)
{
	struct io_kiocb *req, *tmp;
	LIST_HEAD(cancel);

	spin_lock_irq(&ctx->async_lock);
	list_for_each_entry_safe(req, tmp, &ctx->async_list, async_node) {
		if (io_wq_cancel_work(io_req_wq(req), &req->io_work) == IO_WQ_CANCEL_OK)
			list_move_tail(&req->async_node, &cancel);
	}
	spin_unlock_irq(&ctx->async_lock);
	list_for_each_entry_safe(req, tmp, &cancel, async_node) {
		list_del_init(&req->async_node);
		io_wq_cancel(&req->io_work);
	}
}

/*
 * End the request @m names with -ECANCELED: an armed poll or timeout, or
 * one waiting for a worker.  0, -EALREADY when it is already running, or
 * -ENOENT when there is no such request; with io_cancel_each(), how many
 * requests were found, those running included.  (A request held back by
 * IOSQE_IO_DRAIN cannot be reached: the cancel would queue behind it.)
 */
static int io_cancel(struct io_ring_ctx *ctx, const struct io_cancel_match *m)
{
	int ret;

	if (io_cancel_each(m)) {
		/* queued and running first: what is not waits as a poll */
		ret = io_async_cancel_by(ctx, m);
		ret += io_poll_cancel_by(ctx, m, true);
		return ret + io_timeout_cancel_by(ctx, m);
	}
	ret = io_poll_cancel_by(ctx, m, true);
	if (ret == -ENOENT)
		ret = io_timeout_cancel_by(ctx, m);
	if (ret == -ENOENT)
		ret = io_async_cancel_by(ctx, m);
	return ret;
}

/*
 * The file IORING_ASYNC_CANCEL_FD names, with a reference: the registered
 * file at slot @fd with IORING_ASYNC_CANCEL_FD_FIXED (uring_lock held),
 * else the process's fd @fd.  NULL if there is none.
 */
static struct file *io_cancel_file(struct io_ring_ctx *ctx, u32 flags, int fd)
{
	if (flags & IORING_ASYNC_CANCEL_FD_FIXED)
		return io_fixed_file_ref(ctx, (u32)fd);
	return fget(fd);
}

/* The flags of ASYNC_CANCEL or SYNC_CANCEL: a reason if they are invalid. */
static const char *io_cancel_flags_bad(u32 flags)
{
	if (flags & ~IO_CANCEL_FLAGS)
		return "unknown flags";
	if ((flags & IORING_ASYNC_CANCEL_FD) && (flags & IORING_ASYNC_CANCEL_ANY))
		return "CANCEL_FD with CANCEL_ANY";
	return NULL;
}

/*
 * ASYNC_CANCEL: io_cancel() the request whose user_data is addr, or, as
 * cancel_flags ask, each, those using the file fd (a registered file's
 * slot with IORING_ASYNC_CANCEL_FD_FIXED or IOSQE_FIXED_FILE), or any.
 */
static int io_async_cancel(struct io_kiocb *req)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	struct io_cancel_match match = { .user_data = sqe->addr, .flags = sqe->cancel_flags };
	int ret;

	if (sqe->ioprio || sqe->off || sqe->len || sqe->buf_index)
		return io_sqe_fail(req, -EINVAL,
				   "ASYNC_CANCEL takes no ioprio, off, len or buf_index");
	if (io_cancel_flags_bad(match.flags))
		return io_sqe_fail(req, -EINVAL, "ASYNC_CANCEL: %s (%#x)",
				   io_cancel_flags_bad(match.flags), match.flags);
	if (io_sqe_reserved(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_reserved(sqe));

	if (match.flags & IORING_ASYNC_CANCEL_FD) {
		if (sqe->flags & IOSQE_FIXED_FILE)
			match.flags |= IORING_ASYNC_CANCEL_FD_FIXED;
		io_req_ring_lock(req);
		match.file = io_cancel_file(req->ctx, match.flags, sqe->fd);
		io_req_ring_unlock(req);
		if (!match.file)
			return io_sqe_fail(req, -EBADF, "ASYNC_CANCEL: no file %d", sqe->fd);
	}
	ret = io_cancel(req->ctx, &match);
	if (match.file)
		fput(match.file);
	io_req_complete(req, ret);
	return 0;
}

/*
 * The end of SYNC_CANCEL's wait for @ts: relative, or -1, -1 for none.
 * Negative, it is over already (-ETIME at once, as on 6.1).
 */
static ktime_t io_sync_cancel_deadline(const struct __kernel_timespec *ts)
{
	struct timespec64 t = { .tv_sec = ts->tv_sec, .tv_nsec = ts->tv_nsec };
	ktime_t now = ktime_get();

	if (ts->tv_sec == -1 && ts->tv_nsec == -1)
		return KTIME_MAX;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0)
		return now;
	return ktime_add_safe(now, timespec64_to_ktime(t));
}

static bool io_run_task_work(void);

/*
 * Wait for what io_cancel() found running (-EALREADY) to end, until
 * @deadline; uring_lock held, and let go while we sleep.  A request that
 * leaves async_list wakes us; one that was between two states (its poll
 * fired, it goes back to a worker), or a timeout that was firing, does
 * not: so we look again at least every 10 ms.  0 once it ended, -ETIME,
 * or -EINTR for a signal.
 */
static int io_sync_cancel_wait(struct io_ring_ctx *ctx, const struct io_cancel_match *m,
			       ktime_t deadline)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	int ret = -EALREADY;

	add_wait_queue(&ctx->cancel_wait, &wait);
	while (ret == -EALREADY) {
		s64 left = ktime_to_ns(ktime_sub(deadline, ktime_get()));

		if (left <= 0) {
			ret = -ETIME;
			break;
		}
		mutex_unlock(&ctx->uring_lock);
		wait_woken(&wait, TASK_INTERRUPTIBLE,
			   nsecs_to_jiffies(min_t(s64, left, 10 * NSEC_PER_MSEC)) + 1);
		/* our pool asking for a thread is not a signal: serve it */
		io_run_task_work();
		mutex_lock(&ctx->uring_lock);
		ret = task_sigpending(current) ? -EINTR : io_cancel(ctx, m);
	}
	remove_wait_queue(&ctx->cancel_wait, &wait);
	return ret;
}

/*
 * IORING_REGISTER_SYNC_CANCEL: cancel as ASYNC_CANCEL does what @arg (a
 * struct io_uring_sync_cancel_reg) names, and wait for a request that was
 * running to end.  0 when that was found and has ended, or none was
 * found; -ETIME if it was still running at the timeout.
 */
static int io_sync_cancel(struct io_ring_ctx *ctx, void __user *arg)
{
	struct io_uring_sync_cancel_reg sc;
	struct io_cancel_match match = { };
	int ret;

	if (copy_from_user(&sc, arg, sizeof(sc)))
		return io_fail(-EFAULT, "SYNC_CANCEL: bad address");
	if (io_cancel_flags_bad(sc.flags))
		return io_fail(-EINVAL, "SYNC_CANCEL: %s (%#x)", io_cancel_flags_bad(sc.flags),
			       sc.flags);
	if (memchr_inv(sc.pad, 0, sizeof(sc.pad)))
		return io_fail(-EINVAL, "SYNC_CANCEL: pad must be zero");
	match.user_data = sc.addr;
	match.flags = sc.flags;
	if (sc.flags & IORING_ASYNC_CANCEL_FD) {
		match.file = io_cancel_file(ctx, sc.flags, sc.fd);
		if (!match.file)
			return io_fail(-EBADF, "SYNC_CANCEL: no file %d", sc.fd);
	}
	ret = io_cancel(ctx, &match);
	if (ret == -EALREADY)
		ret = io_sync_cancel_wait(ctx, &match, io_sync_cancel_deadline(&sc.timeout));
	if (match.file)
		fput(match.file);
	return ret == -ENOENT || ret > 0 ? 0 : ret;
}

/* ---- IORING_OP_LINK_TIMEOUT --------------------------------------------- */

/*
 * A LINK_TIMEOUT follows a request in a chain (its "prev") and limits how
 * long that request may take.  It is armed when prev starts, and leaves
 * the chain then.  Whichever comes first ends it:
 *  - prev completes (io_link_note_result() disarms it): the timer stops
 *    and the link timeout ends with -ECANCELED when prev is freed, after
 *    prev's CQE;
 *  - the timer fires: prev is cancelled as ASYNC_CANCEL would, and the
 *    link timeout ends with -ETIME.
 * Whichever gets link_timeout_lock first clears prev->link_timeout; if
 * prev completes while the timer fires, the timer's side ends it.  A timer
 * that wins holds a reference to prev until its cancellation is done, and
 * sets prev->lt_expired: the timer starts with prev, which may not be on
 * any list the cancellation looks at yet (it is still being issued), so
 * prev checks the flag where it would start to wait (io_poll_arm(),
 * io_async_track(), io_timeout()), under the lock the cancellation takes,
 * and ends with -ECANCELED there instead.  Both ends run in a kworker: the
 * disarm may come with completion_lock held, and the cancellation takes
 * locks a timer may not.  Lock order: completion_lock, link_timeout_lock.
 */
static int io_link_timeout_prep(struct io_kiocb *req, struct io_kiocb *prev)
{
	const struct io_uring_sqe *sqe = &req->sqe;

	if (!prev)
		return io_sqe_fail(req, -EINVAL, "LINK_TIMEOUT does not follow a linked request");
	if (prev->sqe.opcode == IORING_OP_LINK_TIMEOUT)
		return io_sqe_fail(req, -EINVAL, "LINK_TIMEOUT follows a LINK_TIMEOUT");
	if (req->ctx->flags & IORING_SETUP_IOPOLL)
		return io_sqe_fail(req, -EINVAL, "LINK_TIMEOUT on an IOPOLL ring");
	if (sqe->ioprio || sqe->buf_index || sqe->len != 1 || sqe->off)
		return io_sqe_fail(req, -EINVAL,
				   "LINK_TIMEOUT takes no ioprio, buf_index or off, and len 1");
	if (io_sqe_unused(sqe))
		return io_sqe_fail(req, -EINVAL, "%s must be zero", io_sqe_unused(sqe));
	return io_timeout_read_ts(req);
}

/* The link timeout's end, in a kworker: cancel prev if asked, then post. */
static void io_link_timeout_work(struct work_struct *work)
{
	struct io_kiocb *lt = container_of(work, struct io_kiocb, work);
	struct io_kiocb *prev = lt->timeout.prev;
	struct io_cancel_match match = { .req = prev };
	long res = lt->result;

	if (lt->timeout.cancel_prev) {
		/*
		 * Whatever io_cancel() finds, prev's time is up (-ETIME, as
		 * 6.1 reports when it cancels a request waiting as a poll):
		 * prev waits as a poll and ends, runs in a worker and is
		 * interrupted, or is still being issued and lt_expired ends it
		 * where it would start to wait.  Only block I/O in flight
		 * cannot be stopped; it completes as usual.
		 */
		io_cancel(lt->ctx, &match);
		/* a device's -EAGAIN may wait for this reference to retry */
		io_rw_put(prev);
	}
	io_req_complete(lt, res);
}

static void io_link_timeout_end(struct io_kiocb *lt, long res, bool cancel_prev)
{
	lt->result = res;
	lt->timeout.cancel_prev = cancel_prev;
	INIT_WORK(&lt->work, io_link_timeout_work);
	queue_work(system_unbound_wq, &lt->work);
}

static enum hrtimer_restart io_link_timeout_fn(struct hrtimer *timer)
{
	struct io_kiocb *lt = container_of(timer, struct io_kiocb, timeout.timer);
	struct io_kiocb *prev = lt->timeout.prev;
	struct io_ring_ctx *ctx = lt->ctx;
	unsigned long flags;
	bool first;

	spin_lock_irqsave(&ctx->link_timeout_lock, flags);
	first = prev->link_timeout == lt;
	if (first) {
		/* prev has not completed (that disarms first): it is alive */
		prev->link_timeout = NULL;
		list_del_init(&lt->list);
		WRITE_ONCE(prev->lt_expired, true);
		refcount_inc(&prev->refs);
	}
	spin_unlock_irqrestore(&ctx->link_timeout_lock, flags);
	io_link_timeout_end(lt, -ETIME, first);
	return HRTIMER_NORESTART;
}

/* @req starts: arm the LINK_TIMEOUT that follows it in its chain, if any. */
static void __io_link_timeout_arm(struct io_kiocb *req)
{
	struct io_ring_ctx *ctx = req->ctx;
	unsigned long flags;
	struct io_kiocb *lt;

	lt = list_first_entry(&req->link_list, struct io_kiocb, list);
	if (lt->sqe.opcode != IORING_OP_LINK_TIMEOUT)
		return;
	list_del_init(&lt->list);
	lt->timeout.prev = req;
	spin_lock_irqsave(&ctx->link_timeout_lock, flags);
	/* listed while paired: an update finds it armed */
	req->link_timeout = lt;
	list_add_tail(&lt->list, &ctx->ltimeout_list);
	io_timer_start(lt, io_link_timeout_fn);
	spin_unlock_irqrestore(&ctx->link_timeout_lock, flags);
}

static __always_inline void io_link_timeout_arm(struct io_kiocb *req)
{
	if (unlikely(!list_empty(&req->link_list)))
		__io_link_timeout_arm(req);
}

/*
 * @req completes: its link timeout, unless it is firing, ends -ECANCELED
 * once @req is freed, so that its CQE comes after @req's.
 */
static void io_link_timeout_disarm(struct io_kiocb *req)
{
	struct io_ring_ctx *ctx = req->ctx;
	unsigned long flags;
	struct io_kiocb *lt;

	spin_lock_irqsave(&ctx->link_timeout_lock, flags);
	lt = req->link_timeout;
	req->link_timeout = NULL;
	if (lt) {
		list_del_init(&lt->list);
		if (hrtimer_try_to_cancel(&lt->timeout.timer) >= 0)
			req->lt_disarmed = lt;
	}
	spin_unlock_irqrestore(&ctx->link_timeout_lock, flags);
}

/* ---- IORING_OP_URING_CMD ---------------------------------------------- */

/*
 * A command that the driver behind the file defines (->uring_cmd()): its
 * cmd_op, and the bytes from sqe->cmd on, 16 of them, or 80 with
 * IORING_SETUP_SQE128.  A 64-byte SQE's are in the request's copy of it.
 * An SQE128 ring's are read in the SQ ring while the submission that
 * consumes them runs, and copied only when the request is set aside or
 * goes to a worker: most commands are issued at once, and the copy would
 * cost every one of them an allocation.
 */
#define IO_URING_CMD_SQE128_SIZE	(2 * sizeof(struct io_uring_sqe) - \
					 offsetof(struct io_uring_sqe, cmd))

static bool io_uring_cmd_fixed(const struct io_kiocb *req)
{
	return req->sqe.opcode == IORING_OP_URING_CMD &&
	       (req->sqe.uring_cmd_flags & IORING_URING_CMD_FIXED);
}

/* At submission, before the file is looked up, as on 6.1. */
static int io_uring_cmd_prep(struct io_kiocb *req, const struct io_uring_sqe *ring_sqe)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	struct io_uring_cmd *cmd = &req->uring_cmd;

	if (sqe->__pad1)
		return io_sqe_fail(req, -EINVAL, "__pad1 must be zero");
	if (sqe->uring_cmd_flags & ~IORING_URING_CMD_FIXED)
		return io_sqe_fail(req, -EINVAL, "uring_cmd_flags %#x unknown",
				   sqe->uring_cmd_flags);
	/* the slot's reference is taken with the file's, by io_req_set_buffer() */
	if ((sqe->uring_cmd_flags & IORING_URING_CMD_FIXED) &&
	    (!req->ctx->buf_table || sqe->buf_index >= req->ctx->buf_table->nr))
		return io_sqe_fail(req, -EFAULT, "buffer %u is not registered", sqe->buf_index);
	cmd->cmd_op = sqe->cmd_op;
	cmd->flags = sqe->uring_cmd_flags;
	cmd->cmd = req->ctx->sqe_shift ? ring_sqe->cmd : sqe->cmd;
	return 0;
}

/* The request is set aside, or goes to a worker: its own copy of the command. */
static int io_uring_cmd_keep(struct io_kiocb *req)
{
	if (!req->ctx->sqe_shift || req->cmd_copy)
		return 0;
	BUILD_BUG_ON(IO_URING_CMD_SQE128_SIZE != 80);
	req->cmd_copy = kmemdup(req->uring_cmd.cmd, IO_URING_CMD_SQE128_SIZE,
				GFP_KERNEL_ACCOUNT);
	if (!req->cmd_copy)
		return -ENOMEM;
	req->uring_cmd.cmd = req->cmd_copy;
	return 0;
}

/*
 * The driver completes the command at once (its result), or later
 * (-EIOCBQUEUED, then io_uring_cmd_done()).  On an IOPOLL ring the
 * completion is found by polling, with ->uring_cmd_iopoll().
 */
static int io_uring_cmd(struct io_kiocb *req, bool force_nonblock)
{
	const struct file_operations *fops = req->file->f_op;
	struct io_ring_ctx *ctx = req->ctx;
	unsigned int issue_flags = 0;
	int ret;

	if (!fops->uring_cmd)
		return io_sqe_fail(req, -EOPNOTSUPP, "the file takes no commands");
	if (ctx->flags & IORING_SETUP_IOPOLL) {
		if (!fops->uring_cmd_iopoll)
			return io_sqe_fail(req, -EOPNOTSUPP, "the file cannot poll for commands");
		issue_flags |= IO_URING_F_IOPOLL;
		req->uring_cmd.cookie = NULL;
	}
	if (ctx->sqe_shift)
		issue_flags |= IO_URING_F_SQE128;
	if (ctx->cqe_shift)
		issue_flags |= IO_URING_F_CQE32;
	if (force_nonblock)
		issue_flags |= IO_URING_F_NONBLOCK;

	ret = fops->uring_cmd(&req->uring_cmd, issue_flags);
	if (ret == -EAGAIN && force_nonblock) {
		ret = io_uring_cmd_keep(req);
		return ret ? ret : -EAGAIN;
	}
	if (ret != -EIOCBQUEUED)
		io_req_complete(req, ret);
	/* io_uring_cmd_done() does not free it on an IOPOLL ring: the reaper does */
	else if (issue_flags & IO_URING_F_IOPOLL)
		io_iopoll_req_issued(req);
	return 0;
}

/*
 * The driver's command is done, in any context: @ret is the CQE's res,
 * and on an IORING_SETUP_CQE32 ring @res2 its extra1.
 */
void io_uring_cmd_done(struct io_uring_cmd *cmd, ssize_t ret, ssize_t res2)
{
	struct io_kiocb *req = container_of(cmd, struct io_kiocb, uring_cmd);
	unsigned int extra = 0;

	if (req->ctx->cqe_shift) {
		req->cmd_res2 = res2;
		extra = REQ_F_CQE_EXTRA;
	}
	if (!(req->ctx->flags & IORING_SETUP_IOPOLL)) {
		req->flags |= extra;
		io_req_complete(req, ret);
		return;
	}
	req->result = ret;
	/* pairs with the acquire in io_iopoll_reap(); its callback has run */
	smp_store_release(&req->flags,
			  (req->flags & ~REQ_F_CMD_CB) | extra | REQ_F_IOPOLL_DONE);
}
EXPORT_SYMBOL_GPL(io_uring_cmd_done);

static void io_uring_cmd_tw(struct callback_head *cb)
{
	struct io_kiocb *req = container_of(cb, struct io_kiocb, retry_tw);

	io_req_task_work_runs(req->ctx);
	req->uring_cmd.task_work_cb(&req->uring_cmd);
}

static void io_uring_cmd_work(struct work_struct *work)
{
	struct io_kiocb *req = container_of(work, struct io_kiocb, work);

	req->uring_cmd.task_work_cb(&req->uring_cmd);
}

static void io_uring_cmd_task_work(struct io_kiocb *req)
{
	struct task_struct *task = READ_ONCE(req->task);

	if (task && io_req_task_work_add(req, task, io_uring_cmd_tw))
		return;
	INIT_WORK(&req->work, io_uring_cmd_work);
	queue_work(system_unbound_wq, &req->work);
}

/*
 * Run @task_work_cb in the submitter's context: a driver's completion
 * (an interrupt, say) that has to copy to the submitter's memory.  A
 * submitter that is gone, or past running task work, leaves it to a
 * kworker, where such a copy fails.
 *
 * On an IOPOLL ring a completion is seen only by its reaper, which runs
 * the callback before it looks (io_uring_cmd_iopoll_cbs()): under
 * uring_lock, as its polls are, so that what the callback frees (the
 * driver's poll cookie) is never polled after.  We may be in the poll
 * that found the command done, under the driver's locks: only mark it.
 */
void io_uring_cmd_complete_in_task(struct io_uring_cmd *cmd,
				   void (*task_work_cb)(struct io_uring_cmd *))
{
	struct io_kiocb *req = container_of(cmd, struct io_kiocb, uring_cmd);
	struct io_ring_ctx *ctx = req->ctx;

	cmd->task_work_cb = task_work_cb;
	if (!(ctx->flags & IORING_SETUP_IOPOLL)) {
		io_uring_cmd_task_work(req);
		return;
	}
	atomic_inc(&ctx->iopoll_cmd_cbs);
	/* marked after it is counted (the reaper looks at the count first) */
	smp_store_release(&req->flags, req->flags | REQ_F_CMD_CB | REQ_F_IOPOLL_DONE);
}
EXPORT_SYMBOL_GPL(io_uring_cmd_complete_in_task);

/*
 * The reaper, under uring_lock, before it reaps: the callbacks of the
 * commands io_uring_cmd_complete_in_task() marked.  The callback may copy
 * to the submitter's memory: a reaper of the submitter's process (its
 * threads, I/O threads, the SQ thread) runs it; another hands it to the
 * submitter's task work.  Until io_uring_cmd_done() the command is
 * neither polled for nor reaped (REQ_F_CMD_CB without REQ_F_IOPOLL_DONE),
 * however late the callback calls it.
 */
static void io_uring_cmd_iopoll_cbs(struct io_ring_ctx *ctx)
{
	const unsigned int marked = REQ_F_CMD_CB | REQ_F_IOPOLL_DONE;
	struct io_kiocb *req;

	list_for_each_entry(req, &ctx->poll_list, list) {
		struct task_struct *task = READ_ONCE(req->task);

		/* pairs with the release in io_uring_cmd_complete_in_task() */
		if ((smp_load_acquire(&req->flags) & marked) != marked)
			continue;
		atomic_dec(&ctx->iopoll_cmd_cbs);
		req->flags &= ~REQ_F_IOPOLL_DONE;
		/* a task past exit_mm() has no mm: not ours to run, then */
		if (task && current->mm && READ_ONCE(task->mm) == current->mm)
			req->uring_cmd.task_work_cb(&req->uring_cmd);
		else
			io_uring_cmd_task_work(req);
	}
}

/* For the driver: [@ubuf, +@len) of the command's registered buffer. */
int io_uring_cmd_import_fixed(u64 ubuf, unsigned long len, int rw,
			      struct iov_iter *iter, struct io_uring_cmd *cmd)
{
	struct io_kiocb *req = container_of(cmd, struct io_kiocb, uring_cmd);

	return io_imu_import(req, ubuf, len, rw, iter);
}
EXPORT_SYMBOL_GPL(io_uring_cmd_import_fixed);

/* ---- submission -------------------------------------------------------- */

/*
 * Issue one request.  Returns 0 when the request has been completed or
 * queued, -EAGAIN when it must be retried from a worker, or an error the
 * caller posts as its completion.
 */
static int io_issue_sqe(struct io_kiocb *req, bool force_nonblock)
{
	/*
	 * Once issued, the request may complete and be freed under us.  Only
	 * reads and writes are polled for here (URING_CMD sees to its own);
	 * anything else an IOPOLL ring takes (ASYNC_CANCEL) completes as usual.
	 */
	bool iopoll = req->ctx->flags & IORING_SETUP_IOPOLL;
	bool polled = false;
	int ret;

	switch (req->sqe.opcode) {
	case IORING_OP_NOP:
		ret = io_nop(req);
		break;
	case IORING_OP_READV:
	case IORING_OP_READ_FIXED:
	case IORING_OP_READ:
		polled = iopoll;
		ret = io_rw(req, READ, force_nonblock);
		break;
	case IORING_OP_WRITEV:
	case IORING_OP_WRITE_FIXED:
	case IORING_OP_WRITE:
		polled = iopoll;
		ret = io_rw(req, WRITE, force_nonblock);
		break;
	case IORING_OP_FSYNC:
		ret = io_fsync(req, force_nonblock);
		break;
	case IORING_OP_SYNC_FILE_RANGE:
		ret = io_sync_file_range(req, force_nonblock);
		break;
	case IORING_OP_SENDMSG:
	case IORING_OP_SEND:
	case IORING_OP_RECVMSG:
	case IORING_OP_RECV:
	case IORING_OP_SEND_ZC:
	case IORING_OP_SENDMSG_ZC:
		ret = io_sendrecv(req, force_nonblock);
		break;
	case IORING_OP_CONNECT:
		ret = io_connect(req, force_nonblock);
		break;
	case IORING_OP_ACCEPT:
		ret = io_accept(req, force_nonblock);
		break;
	case IORING_OP_FALLOCATE:
		ret = io_fallocate(req, force_nonblock);
		break;
	case IORING_OP_OPENAT:
		ret = io_openat(req, force_nonblock);
		break;
	case IORING_OP_CLOSE:
		ret = io_close(req, force_nonblock);
		break;
	case IORING_OP_STATX:
		ret = io_statx(req, force_nonblock);
		break;
	case IORING_OP_RENAMEAT:
	case IORING_OP_UNLINKAT:
	case IORING_OP_MKDIRAT:
	case IORING_OP_SYMLINKAT:
	case IORING_OP_LINKAT:
		ret = io_path_op(req, force_nonblock);
		break;
	case IORING_OP_FADVISE:
		ret = io_fadvise(req, force_nonblock);
		break;
	case IORING_OP_FSETXATTR:
	case IORING_OP_SETXATTR:
	case IORING_OP_FGETXATTR:
	case IORING_OP_GETXATTR:
		ret = io_xattr(req, force_nonblock);
		break;
	case IORING_OP_MADVISE:
		ret = io_madvise(req, force_nonblock);
		break;
	case IORING_OP_SHUTDOWN:
		ret = io_shutdown(req);
		break;
	case IORING_OP_SOCKET:
		ret = io_socket(req);
		break;
	case IORING_OP_MSG_RING:
		ret = io_msg_ring(req);
		break;
	case IORING_OP_OPENAT2:
		ret = io_openat2(req, force_nonblock);
		break;
	case IORING_OP_EPOLL_CTL:
		ret = io_epoll_ctl(req, force_nonblock);
		break;
	case IORING_OP_SPLICE:
	case IORING_OP_TEE:
		ret = io_splice(req, force_nonblock);
		break;
	case IORING_OP_FILES_UPDATE:
		ret = io_files_update_op(req);
		break;
	case IORING_OP_PROVIDE_BUFFERS:
		ret = io_provide_buffers(req);
		break;
	case IORING_OP_REMOVE_BUFFERS:
		ret = io_remove_buffers(req);
		break;
	case IORING_OP_TIMEOUT:
		ret = io_timeout(req);
		break;
	case IORING_OP_TIMEOUT_REMOVE:
		ret = io_timeout_remove(req);
		break;
	case IORING_OP_ASYNC_CANCEL:
		ret = io_async_cancel(req);
		break;
	case IORING_OP_POLL_ADD:
		ret = io_poll_add(req);
		break;
	case IORING_OP_POLL_REMOVE:
		ret = io_poll_remove(req);
		break;
	case IORING_OP_URING_CMD:
		ret = io_uring_cmd(req, force_nonblock);
		break;
	case IORING_OP_LINK_TIMEOUT:
		/* armed when the request before it starts, never issued */
		ret = io_sqe_fail(req, -EINVAL, "LINK_TIMEOUT issued on its own");
		break;
	default:
		ret = io_sqe_fail(req, -EINVAL, "opcode %u unknown", req->sqe.opcode);
		break;
	}
	if (!ret && polled)
		io_iopoll_req_issued(req);
	return ret;
}

static struct io_seq_run *io_seq_run(struct io_kiocb *req)
{
	u8 op = req->sqe.opcode;

	return &req->ctx->seq_run[op == IORING_OP_WRITEV || op == IORING_OP_WRITE_FIXED ||
				  op == IORING_OP_WRITE];
}

/*
 * Join the active run when @req starts where it ends; otherwise start a run
 * if none is active.  Returns true when @req was queued on the run.
 */
static bool io_seq_add(struct io_kiocb *req)
{
	struct io_seq_run *run = io_seq_run(req);
	loff_t pos = req->sqe.off;
	unsigned long flags;
	bool queued = false;

	spin_lock_irqsave(&run->lock, flags);
	if (run->file == req->file && run->task == req->task && run->io_end == pos) {
		list_add_tail(&req->list, &run->list);
		queued = true;
	} else if (!run->file) {
		run->file = req->file;
		run->task = req->task;
		req->flags |= REQ_F_SEQ_OWNER;
	}
	if (queued || (req->flags & REQ_F_SEQ_OWNER))
		run->io_end = pos + req->io_len;
	spin_unlock_irqrestore(&run->lock, flags);
	return queued;
}

/* The run's next request, or NULL after ending the run. */
static struct io_kiocb *io_seq_next(struct io_seq_run *run)
{
	struct io_kiocb *req;
	unsigned long flags;

	spin_lock_irqsave(&run->lock, flags);
	req = list_first_entry_or_null(&run->list, struct io_kiocb, list);
	if (req)
		list_del(&req->list);
	else
		run->file = NULL;
	spin_unlock_irqrestore(&run->lock, flags);
	return req;
}

/*
 * A request handed to its task's pool (again, after a retry), or to the
 * task itself (@by_task, io_retry_by_task()): ASYNC_CANCEL and ring
 * teardown find it on ctx->async_list until it is freed, and can take it
 * off the queue until it starts, or interrupt it while it runs.  Its
 * task's pool outlives it: the task frees the pool at exit or exec only
 * once none of its requests is left.
 */
static bool io_async_track(struct io_kiocb *req, bool by_task)
{
	struct io_ring_ctx *ctx = req->ctx;
	unsigned long flags;
	bool refused;

	spin_lock_irqsave(&ctx->async_lock, flags);
	/*
	 * Its link timeout fired before it got here, or the ring is closing
	 * (a chain going on after the release cancelled what was tracked,
	 * which it did after killing the ring's reference): it ends instead.
	 */
	refused = READ_ONCE(req->lt_expired) || percpu_ref_is_dying(&ctx->refs);
	if (!refused) {
		if (list_empty(&req->async_node))
			list_add_tail(&req->async_node, &ctx->async_list);
		req->retry_state = by_task ? IO_RETRY_QUEUED : IO_RETRY_NONE;
	}
	spin_unlock_irqrestore(&ctx->async_lock, flags);
	return !refused;
}

/* The submitter's pool; NULL for a request that outlived its task. */
static struct io_wq *io_req_wq(struct io_kiocb *req)
{
	/* a lone poll's ->task may be let go meanwhile (io_poll_let_go()) */
	struct task_struct *task = READ_ONCE(req->task);

	return task ? task->io_uring->wq : NULL;
}

/* @req is cancelled before it ran: so are the requests its run holds. */
static void io_seq_cancel(struct io_kiocb *req)
{
	struct io_kiocb *next;

	if (req->flags & REQ_F_SEQ_OWNER) {
		struct io_seq_run *run = io_seq_run(req);

		while ((next = io_seq_next(run)))
			io_req_complete(next, -ECANCELED);
	}
	io_req_complete(req, -ECANCELED);
}

static void io_cancel_work(struct work_struct *work)
{
	io_seq_cancel(container_of(work, struct io_kiocb, work));
}

/*
 * The pool refused @req: its task is exiting.  End it with -ECANCELED from
 * a kworker, since we may hold completion_lock or a wait queue's lock.
 */
static void io_req_cancel_later(struct io_kiocb *req)
{
	INIT_WORK(&req->work, io_cancel_work);
	queue_work(system_unbound_wq, &req->work);
}

static int io_req_file_late(struct io_kiocb *req);

/* Issue @req in a worker, with the credentials it was submitted with. */
static void io_async_issue(struct io_kiocb *req)
{
	struct io_ring_ctx *ctx = req->ctx;
	const struct cred *old_cred = NULL;
	bool nonblock;
	int ret;

	/*
	 * Queued before its registered file was known (a chain's member that
	 * a kworker started, a request a drain held): now that it is, queued
	 * again as that file asks, to wait as a poll rather than block here.
	 */
	if (unlikely(req->flags & REQ_F_FILE_LATER)) {
		ret = io_req_file_late(req);
		if (ret)
			io_req_complete(req, ret);
		else
			io_queue_async(req);
		return;
	}
	/*
	 * One that may wait as a poll is tried without blocking: on its first
	 * try (IOSQE_ASYNC), a file that cannot be tried so says -EAGAIN once
	 * the request is found valid, and it waits as on 6.1; after its poll
	 * fired, as io_poll_retry_nonblock() says.
	 */
	nonblock = (req->flags & REQ_F_POLL_RETRY) &&
		   ((req->flags & REQ_F_FORCE_ASYNC) || io_poll_retry_nonblock(req));
	req->flags &= ~REQ_F_FORCE_ASYNC;
	if (req->creds)
		old_cred = override_creds(req->creds);
	ret = io_issue_sqe(req, nonblock);
	if (old_cred)
		revert_creds(old_cred);
	/* cancelled while it was tried: it ends, rather than wait again */
	if (unlikely(ret == -EAGAIN && (current->flags & PF_IO_WORKER) &&
		     test_thread_flag(TIF_NOTIFY_SIGNAL)))
		ret = -ECANCELED;
	/* a multishot request waits again, however it was tried */
	if (ret == -EAGAIN && (nonblock || io_accept_multishot(req) || io_recv_multishot(req)))
		io_queue_async(req);
	else if (ret)
		io_req_complete(req, ret);
	/* nobody will poll a closed ring: reap what we just issued */
	else if ((ctx->flags & IORING_SETUP_IOPOLL) && percpu_ref_is_dying(&ctx->refs))
		io_iopoll_reap_all(ctx);
}

/* io_wq_ops->run: a request, or a poll wakeup to finish. */
static void io_wq_run(struct io_wq_work *work)
{
	struct io_ring_ctx *ctx;
	struct io_seq_run *run = NULL;
	struct io_kiocb *req;

	if (work->flags & IO_WORK_POLL) {
		io_poll_owned(container_of(work, struct io_kiocb, poll_io_work));
		return;
	}
	req = container_of(work, struct io_kiocb, io_work);
	ctx = req->ctx;
	/* requests may be gone before we are: keep the ring */
	percpu_ref_get(&ctx->refs);
	if (req->flags & REQ_F_SEQ_OWNER)
		run = io_seq_run(req);
	do {
		io_async_issue(req);
		req = run ? io_seq_next(run) : NULL;
	} while (req);
	percpu_ref_put(&ctx->refs);
}

static void io_poll_owned_work(struct work_struct *work)
{
	io_poll_owned(container_of(work, struct io_kiocb, poll_work));
}

/* An armed poll the submitter's threads cannot take: a kworker owns it. */
static void io_poll_owned_in_kworker(struct io_kiocb *req)
{
	INIT_WORK(&req->poll_work, io_poll_owned_work);
	queue_work(system_unbound_wq, &req->poll_work);
}

/* io_wq_ops->cancel: the pool goes away with @work queued. */
static void io_wq_cancel(struct io_wq_work *work)
{
	if (work->flags & IO_WORK_POLL) {
		io_poll_owned_in_kworker(container_of(work, struct io_kiocb, poll_io_work));
		return;
	}
	/* the requests a sequential run holds would wait for it for ever */
	io_seq_cancel(container_of(work, struct io_kiocb, io_work));
}

static const struct io_wq_ops io_wq_ops = {
	.run	= io_wq_run,
	.cancel	= io_wq_cancel,
};

static bool io_file_bounded(struct file *file)
{
	umode_t mode;

	if (!file)
		return true;
	mode = file_inode(file)->i_mode;
	return S_ISREG(mode) || S_ISBLK(mode);
}

/* An open may wait for ever for a FIFO's other end, a splice for a pipe. */
static bool io_op_unbounded(u8 op)
{
	return op == IORING_OP_OPENAT || op == IORING_OP_OPENAT2 || op == IORING_OP_SPLICE ||
	       op == IORING_OP_TEE;
}

static bool io_retry_by_task(struct io_kiocb *req);

/*
 * Hand @req to its task's pool, or have it wait as a poll.  Any context:
 * the submitter's, a worker's, a kworker's, or an interrupt's (a device
 * that refused a nonblocking attempt).
 */
static void io_queue_async(struct io_kiocb *req)
{
	/* a chain's member whose file is not looked up yet may block on it */
	bool later = req->flags & REQ_F_FILE_LATER;
	bool bounded = !later && io_file_bounded(req->file) && !io_op_unbounded(req->sqe.opcode);

	req->flags = (req->flags & ~REQ_F_IOPOLL_DONE) | REQ_F_ASYNC;
	/*
	 * Set aside by its submitter: it runs later as the submitter is now
	 * (not from an interrupt that happens to land on the submitter).
	 */
	if (!req->creds && in_task() && current == req->task)
		req->creds = get_current_cred();
	if ((req->flags & REQ_F_SEQ) && io_seq_add(req))
		return;
	/*
	 * IOSQE_ASYNC, before its first try: the worker tries it (without
	 * blocking if it can wait as a poll, which it then does), so that
	 * what is wrong with it is found without waiting for the file first.
	 */
	if (!bounded && !later && (req->flags & REQ_F_FORCE_ASYNC)) {
		if (io_poll_retry_events(req))
			req->flags |= REQ_F_POLL_RETRY;
	} else if (!bounded && !later && io_poll_retry_arm(req)) {
		return;
	} else if (!bounded && !later && (req->flags & REQ_F_POLL_RETRY) &&
		   io_retry_by_task(req)) {
		/* ready at once: tried again as after a wakeup, by its task */
		return;
	}
	io_wq_work_init(&req->io_work, bounded ? 0 : IO_WQ_WORK_UNBOUND);
	if (!io_async_track(req, false) || !io_wq_enqueue(io_req_wq(req), &req->io_work))
		io_req_cancel_later(req);
}

/*
 * A retry its task runs.  A request whose poll fired is tried again, without
 * blocking, by the task that submitted it, as on 6.1, rather than by one of
 * its I/O threads: no thread is woken for it, and what the task does next
 * finds it done (a send() that fed its own receive, in the order the
 * receives took the bytes; a wait for CQEs).  The task runs it as task work
 * before it next returns to userspace, or, on a DEFER_TASKRUN ring, in its
 * next io_uring_enter(GETEVENTS), as that flag asks.
 *
 * Meanwhile the request is on ctx->async_list: ASYNC_CANCEL marks it and
 * it ends with -ECANCELED when it runs, as does one whose ring is closing
 * or whose task is leaving.  Ring teardown does not wait for it: the task
 * runs its task work before it exits; what DEFER_TASKRUN's issuer never
 * ran, the release cancels (io_retry_cancel_deferred()).
 */
static void io_retry_run(struct io_kiocb *req)
{
	struct io_uring_task *tctx = current->io_uring;
	struct io_ring_ctx *ctx = req->ctx;
	bool cancelled;

	spin_lock_irq(&ctx->async_lock);
	cancelled = req->retry_state == IO_RETRY_CANCELLED;
	req->retry_state = IO_RETRY_NONE;
	spin_unlock_irq(&ctx->async_lock);
	io_req_task_work_runs(ctx);

	/* the request may be gone before we are: keep the ring */
	percpu_ref_get(&ctx->refs);
	if (cancelled || percpu_ref_is_dying(&ctx->refs) || !tctx ||
	    READ_ONCE(tctx->cancelling))
		io_req_complete(req, -ECANCELED);
	else
		io_async_issue(req);
	percpu_ref_put(&ctx->refs);
}

static void io_retry_tw(struct callback_head *cb)
{
	io_retry_run(container_of(cb, struct io_kiocb, retry_tw));
}

static void __io_retry_run_deferred(struct io_ring_ctx *ctx)
{
	struct io_kiocb *req, *tmp;
	struct llist_node *node;

	/*
	 * Newest first, as task_work_run() runs task work: of the requests
	 * one wakeup woke, the first armed (a wait queue's head is its newest).
	 */
	node = llist_del_all(&ctx->retry_list);
	llist_for_each_entry_safe(req, tmp, node, retry_node)
		io_retry_run(req);
}

/* DEFER_TASKRUN's issuer, in io_uring_enter(): the retries queued for it. */
static __always_inline void io_retry_run_deferred(struct io_ring_ctx *ctx)
{
	if (unlikely(!llist_empty(&ctx->retry_list)))
		__io_retry_run_deferred(ctx);
}

/* The ring is closing: nobody will run what waits for the issuer.  Any context. */
static void io_retry_cancel_deferred(struct io_ring_ctx *ctx)
{
	struct io_kiocb *req, *tmp;
	struct llist_node *node;

	node = llist_del_all(&ctx->retry_list);
	llist_for_each_entry_safe(req, tmp, node, retry_node)
		io_req_cancel_later(req);
}

static void io_retry_defer(struct io_kiocb *req)
{
	struct io_ring_ctx *ctx = req->ctx;

	/* once it is on the list, the issuer may end it and close the ring */
	percpu_ref_get(&ctx->refs);
	llist_add(&req->retry_node, &ctx->retry_list);
	if (ctx->flags & IORING_SETUP_TASKRUN_FLAG)
		io_sq_flags_set(ctx, IORING_SQ_TASKRUN);
	/* the issuer may sleep in io_cqring_wait() (we may be in a wakeup) */
	if (wq_has_sleeper(&ctx->wait))
		irq_work_queue(&ctx->wake_work);
	else
		io_eventfd_signal_later(ctx);
	/*
	 * A release that came first has cancelled what it found; the full
	 * barrier of llist_add() makes sure one of us sees the other.
	 */
	if (unlikely(percpu_ref_is_dying(&ctx->refs)))
		io_retry_cancel_deferred(ctx);
	percpu_ref_put(&ctx->refs);
}

/*
 * Hand @req's retry to its task, if io_retry_task() names one; false to
 * leave it to a worker.  Any context.
 */
static bool io_retry_by_task(struct io_kiocb *req)
{
	struct task_struct *task = io_retry_task(req);
	struct io_ring_ctx *ctx = req->ctx;

	if (!task)
		return false;
	/* tracked, it is looked for in the pool too (io_wq_cancel_work()) */
	io_wq_work_init(&req->io_work, IO_WQ_WORK_UNBOUND);
	if (!io_async_track(req, true)) {
		io_req_cancel_later(req);
		return true;
	}
	if (ctx->flags & IORING_SETUP_DEFER_TASKRUN) {
		io_retry_defer(req);
		return true;
	}
	/* it is past its last look at task work: it is gone */
	if (!io_req_task_work_add(req, task, io_retry_tw))
		io_req_cancel_later(req);
	return true;
}

/* A socket request's poll fired: its task, or a worker, tries it again.  Any context. */
static void io_poll_retry_queue(struct io_kiocb *req)
{
	if (io_retry_by_task(req))
		return;
	io_wq_work_init(&req->io_work, IO_WQ_WORK_UNBOUND);
	if (!io_async_track(req, false) || !io_wq_enqueue(io_req_wq(req), &req->io_work))
		io_req_cancel_later(req);
}

/*
 * Drop the batch's last lookup; also after an SQE that may open or close
 * fds, so that the SQEs after it look their fds up again, as they would if
 * each were submitted alone.
 */
static void io_file_forget(struct io_submit_state *state)
{
	if (state->file)
		fput(state->file);
	state->file = NULL;
}

/* Take a reference to @fd's file, reusing the batch's last lookup. */
static struct file *io_file_get(struct io_submit_state *state, int fd)
{
	if (state->file && state->fd == fd) {
		get_file(state->file);
		return state->file;
	}
	io_file_forget(state);
	state->file = fget(fd);
	if (!state->file)
		return NULL;
	state->fd = fd;
	get_file(state->file);
	return state->file;
}

/* The registered file sqe->fd names, with a reference; uring_lock held. */
static int io_req_fixed_file(struct io_kiocb *req)
{
	struct io_file_table *table = req->ctx->file_table;
	unsigned int index = req->sqe.fd;

	if (unlikely(!table || index >= table->nr))
		return io_sqe_fail(req, -EBADF, "fixed file %u, %u registered", index,
				   table ? table->nr : 0);
	req->file = table->files[array_index_nospec(index, table->nr)];
	if (unlikely(!req->file))
		return io_sqe_fail(req, -EBADF, "fixed file %u is an empty slot", index);
	get_file(req->file);
	io_req_rsrc_node_get(req);
	return 0;
}

static int io_req_set_file(struct io_kiocb *req, struct io_submit_state *state)
{
	const struct io_uring_sqe *sqe = &req->sqe;
	u8 needs = io_op_needs[sqe->opcode];

	if (unlikely(needs & IO_OP_FDTABLE))
		io_file_forget(state);
	if (needs & IO_OP_NOFILE)
		return 0;
	if (sqe->flags & IOSQE_FIXED_FILE) {
		/* a chain's member, or one held back by a drain, at its turn */
		if (unlikely(state->link_head || (sqe->flags & IOSQE_IO_DRAIN) ||
			     READ_ONCE(req->ctx->drain_active))) {
			req->flags |= REQ_F_FILE_LATER;
			return 0;
		}
		return io_req_fixed_file(req);
	}
	req->file = io_file_get(state, sqe->fd);
	if (unlikely(!req->file))
		return io_sqe_fail(req, -EBADF, "fd %d is not open", sqe->fd);
	return 0;
}

/*
 * IORING_FEAT_LINKED_FILE: a member of a chain, or a request a drain holds
 * back, looks its registered file up when its turn comes, as on 6.1, so
 * that it may use the direct descriptor a request before it opened or
 * closed.  A plain fd is still looked up at submission, where a bad one
 * fails the request (and its chain) at once.
 */
static int io_req_file_late(struct io_kiocb *req)
{
	int ret;

	req->flags &= ~REQ_F_FILE_LATER;
	io_req_ring_lock(req);
	ret = io_req_fixed_file(req);
	io_req_ring_unlock(req);
	return ret;
}

/*
 * READ/WRITE_FIXED, and SEND_ZC with IORING_RECVSEND_FIXED_BUF, resolve their
 * buffer index now, under uring_lock, and
 * keep the buffer for as long as the request lives.  An empty slot fails
 * at issue, as on 6.1.
 */
static int io_req_set_buffer(struct io_kiocb *req)
{
	struct io_buf_table *table = req->ctx->buf_table;
	struct io_mapped_ubuf *imu;

	if (!io_rw_fixed(req) && !io_send_zc_fixed(req) && !io_uring_cmd_fixed(req))
		return 0;
	/* slots change only under it: the buffer's reference is the slot's until ours */
	lockdep_assert_held(&req->ctx->uring_lock);
	if (unlikely(!table || req->sqe.buf_index >= table->nr))
		return io_sqe_fail(req, -EFAULT, "buffer %u, %u registered", req->sqe.buf_index,
				   table ? table->nr : 0);
	imu = table->bufs[array_index_nospec(req->sqe.buf_index, table->nr)];
	if (imu)
		refcount_inc(&imu->refs);
	req->imu = imu;
	io_req_rsrc_node_get(req);
	return 0;
}

/* ---- IOSQE_IO_DRAIN and IOSQE_IO_LINK ------------------------------------ */

/*
 * @req is set aside at submission, to be issued later: as a member of a
 * chain, behind a drain, or by IOSQE_ASYNC.  What it would read from
 * userspace at its issue, it reads now, while the caller of
 * io_uring_enter() still vouches for it: the iovec array of READV/WRITEV,
 * the timespecs of TIMEOUT and of a TIMEOUT_REMOVE that updates, the
 * paths of OPENAT, OPENAT2, STATX and the path operations, OPENAT2's
 * open_how, EPOLL_CTL's event, CONNECT's address, the msghdr of SENDMSG
 * and RECVMSG, and the name, value and path of the xattr operations.  A
 * failure fails the request at submission.
 */
static int io_req_stabilize(struct io_kiocb *req)
{
	struct iovec inline_vecs[UIO_FASTIOV], *iovec = inline_vecs;
	const struct io_uring_sqe *sqe = &req->sqe;
	struct iov_iter iter;
	int ret;

	switch (sqe->opcode) {
	case IORING_OP_READV:
	case IORING_OP_WRITEV:
		/* a provided buffer is taken at issue: nothing to read now */
		if (req->iov || (req->flags & REQ_F_BUFFER_SELECT))
			return 0;
		ret = io_import_iovec(req, sqe->opcode == IORING_OP_READV ? READ : WRITE,
				      &iovec, &iter);
		if (ret < 0)
			return ret;
		ret = io_rw_keep_iovec(req, &iovec, inline_vecs, iter.nr_segs);
		kfree(iovec);
		return ret;
	case IORING_OP_TIMEOUT:
		return io_timeout_read_ts(req);
	case IORING_OP_TIMEOUT_REMOVE:
		return io_timeout_remove_prep(req);
	case IORING_OP_OPENAT2:
		ret = io_openat2_prep(req);
		return ret ? ret : io_req_get_path(req, 0);
	case IORING_OP_EPOLL_CTL:
		return io_epoll_ctl_prep(req);
	case IORING_OP_CONNECT:
		return io_connect_stabilize(req);
	case IORING_OP_SENDMSG:
	case IORING_OP_RECVMSG:
	case IORING_OP_SENDMSG_ZC:
		return io_msg_stabilize(req);
	case IORING_OP_FSETXATTR:
	case IORING_OP_SETXATTR:
	case IORING_OP_FGETXATTR:
	case IORING_OP_GETXATTR:
		return io_xattr_prep(req);
	case IORING_OP_OPENAT:
		return io_req_get_path(req, 0);
	case IORING_OP_URING_CMD:
		return io_uring_cmd_keep(req);
	case IORING_OP_STATX:
		return io_req_get_path(req, getname_statx_lookup_flags(sqe->statx_flags));
	case IORING_OP_RENAMEAT:
	case IORING_OP_UNLINKAT:
	case IORING_OP_MKDIRAT:
	case IORING_OP_SYMLINKAT:
	case IORING_OP_LINKAT:
		return io_path_op_prep(req);
	default:
		return 0;
	}
}

static unsigned int list_count(struct list_head *head)
{
	struct list_head *pos;
	unsigned int n = 0;

	list_for_each(pos, head)
		n++;
	return n;
}

/*
 * Hold @req back if it must wait: a drain request until every request
 * submitted before it has completed, any other while drain requests are
 * held or running.  True when it was queued on ctx->defer_list.  A drain
 * flag on any request of a chain drains the chain (as on 6.1): its head
 * waits for everything submitted before, and what comes after waits for
 * the whole chain.
 */
static bool io_drain_defer(struct io_kiocb *req)
{
	struct io_ring_ctx *ctx = req->ctx;
	bool deferred = false;
	u32 need;

	spin_lock_irq(&ctx->completion_lock);
	if (req->sqe.flags & IOSQE_IO_DRAIN) {
		/* what comes after waits for the whole chain this heads */
		need = req->seq;
		ctx->drain_next = req->seq + 1 + list_count(&req->link_list);
		ctx->drain_active = true;
	} else {
		need = ctx->drain_next;
	}
	if (!list_empty(&ctx->defer_list) || !io_drain_done(ctx, need)) {
		/* it runs later, from a kworker, as its submitter is now */
		if (!req->creds)
			req->creds = get_current_cred();
		req->drain_need = need;
		list_add_tail(&req->list, &ctx->defer_list);
		deferred = true;
	}
	spin_unlock_irq(&ctx->completion_lock);
	return deferred;
}

/* Issue, from a worker, the held-back requests whose turn has come. */
static void io_drain_work(struct work_struct *work)
{
	struct io_ring_ctx *ctx = container_of(work, struct io_ring_ctx, drain_work);
	struct io_kiocb *req, *tmp;
	LIST_HEAD(ready);

	spin_lock_irq(&ctx->completion_lock);
	list_for_each_entry_safe(req, tmp, &ctx->defer_list, list) {
		if (!io_drain_done(ctx, req->drain_need))
			break;
		list_move_tail(&req->list, &ready);
	}
	spin_unlock_irq(&ctx->completion_lock);

	list_for_each_entry_safe(req, tmp, &ready, list) {
		list_del_init(&req->list);
		io_link_timeout_arm(req);
		io_queue_async(req);
	}
	percpu_ref_put(&ctx->refs);
}

/* Ring teardown, or @task's exit: the held-back requests will never run. */
static void io_drain_cancel_all(struct io_ring_ctx *ctx, struct task_struct *task)
{
	struct io_kiocb *req, *tmp;
	LIST_HEAD(cancel);

	spin_lock_irq(&ctx->completion_lock);
	list_for_each_entry_safe(req, tmp, &ctx->defer_list, list) {
		if (io_req_of(req, task))
			list_move_tail(&req->list, &cancel);
	}
	spin_unlock_irq(&ctx->completion_lock);
	list_for_each_entry_safe(req, tmp, &cancel, list) {
		list_del_init(&req->list);
		io_req_complete(req, -ECANCELED);
	}
}

/*
 * Issue @req from its submitter's context: at once, or in a worker if it
 * would block or asked for IOSQE_ASYNC.  Its credentials are those of its
 * personality, or of its submitter if it was a member of a chain.
 */
static void io_issue_or_punt(struct io_kiocb *req)
{
	const struct cred *old_cred = NULL;
	int ret;

	io_link_timeout_arm(req);
	/* its file now, for what io_queue_async() makes of it */
	if (unlikely(req->flags & REQ_F_FILE_LATER)) {
		ret = io_req_file_late(req);
		if (ret) {
			io_req_complete(req, ret);
			return;
		}
	}
	if (unlikely(req->sqe.flags & IOSQE_ASYNC)) {
		req->flags |= REQ_F_FORCE_ASYNC;
		io_queue_async(req);
		return;
	}
	if (unlikely(req->creds))
		old_cred = override_creds(req->creds);
	ret = io_issue_sqe(req, true);
	if (unlikely(old_cred))
		revert_creds(old_cred);
	if (ret == -EAGAIN)
		io_queue_async(req);
	else if (ret)
		io_req_complete(req, ret);
}

/*
 * The head of a chain is done (see io_free_req()): start the next request,
 * which takes over the rest of the chain, or, if the head failed, cancel
 * them all.  Then free the head.  In the submitter's own context the next
 * one is issued right here, as if it had been submitted now; from a
 * kworker, it goes to a worker of the submitter.
 */
static void io_link_next(struct io_kiocb *req, bool in_submitter)
{
	struct io_kiocb *next, *tmp;
	LIST_HEAD(rest);

	if (req->lt_disarmed) {
		io_req_complete(req->lt_disarmed, -ECANCELED);
		req->lt_disarmed = NULL;
	}
	next = list_first_entry(&req->link_list, struct io_kiocb, list);
	/*
	 * A LINK_TIMEOUT still in the chain timed a request that never
	 * started (a hard link that failed first): it has nothing to time.
	 */
	while (!req->link_failed && next->sqe.opcode == IORING_OP_LINK_TIMEOUT) {
		list_del_init(&next->list);
		io_req_complete(next, -ECANCELED);
		if (list_empty(&req->link_list)) {
			io_free_req(req);
			return;
		}
		next = list_first_entry(&req->link_list, struct io_kiocb, list);
	}
	list_del_init(&next->list);
	list_splice_init(&req->link_list, &rest);
	if (req->link_failed) {
		/* as on 6.1: one that asked for no CQE on success silences those */
		u32 quiet = req->sqe.flags & IOSQE_CQE_SKIP_SUCCESS ? REQ_F_CQE_SKIP : 0;

		next->flags |= quiet;
		io_req_complete(next, -ECANCELED);
		list_for_each_entry_safe(next, tmp, &rest, list) {
			list_del_init(&next->list);
			next->flags |= quiet;
			io_req_complete(next, -ECANCELED);
		}
	} else if (in_submitter) {
		list_splice(&rest, &next->link_list);
		io_issue_or_punt(next);
	} else {
		list_splice(&rest, &next->link_list);
		io_link_timeout_arm(next);
		io_queue_async(next);
	}
	io_free_req(req);
}

static void io_link_work(struct work_struct *work)
{
	io_link_next(container_of(work, struct io_kiocb, work), false);
}

/* Issue a request now, or hold it back for IOSQE_IO_DRAIN. */
static void io_queue_sqe(struct io_kiocb *req)
{
	bool drain = (req->sqe.flags & IOSQE_IO_DRAIN) || READ_ONCE(req->ctx->drain_active);
	int ret;

	/* a drain or a TIMEOUT's count must see the CQEs of what came before */
	if (unlikely(drain || req->sqe.opcode == IORING_OP_TIMEOUT))
		io_flush_completions(req->ctx);
	if (unlikely(drain || (req->sqe.flags & IOSQE_ASYNC))) {
		/* it may be issued later: read what it needs from userspace now */
		ret = io_req_stabilize(req);
		if (ret) {
			io_req_complete(req, ret);
			return;
		}
		if (drain && io_drain_defer(req))
			return;
	}
	io_issue_or_punt(req);
}

/*
 * A chain is complete: issue its head.  If one of its requests failed at
 * submission, none of it runs: the head ends with its own error if it was
 * the one that failed, else with -ECANCELED, and the rest with -ECANCELED.
 */
static void io_submit_link(struct io_kiocb *head)
{
	if (head->link_failed)
		io_req_complete(head, head->result ? head->result : -ECANCELED);
	else
		io_queue_sqe(head);
}

/* Whether a restricted ring takes @sqe, whose opcode is one we know. */
static bool io_sqe_allowed(const struct io_restrictions *res, const struct io_uring_sqe *sqe)
{
	u8 required = res->sqe_flags_required;

	if (!test_bit(array_index_nospec(sqe->opcode, IORING_OP_LAST), res->sqe_op))
		return false;
	if ((sqe->flags & required) != required)
		return false;
	return !(sqe->flags & ~(res->sqe_flags_allowed | required));
}

/* The checks every SQE gets before it is issued or joins a chain. */
static int io_req_prep(struct io_kiocb *req, const struct io_uring_sqe *sqe,
		       struct io_submit_state *state)
{
	u8 op = req->sqe.opcode;
	int ret;

	/* in 6.1's order, which decides the errno of an SQE with two faults */
	if (unlikely(req->sqe.flags & ~IOSQE_VALID_FLAGS))
		return io_sqe_fail(req, -EINVAL, "flags %#x unknown", req->sqe.flags);
	if (unlikely(op >= IORING_OP_LAST))
		return io_sqe_fail(req, -EINVAL, "opcode %u not supported", op);
	if (unlikely(req->sqe.flags & IOSQE_CQE_SKIP_SUCCESS))
		req->ctx->drain_disabled = true;
	if (unlikely((req->sqe.flags & IOSQE_IO_DRAIN) && req->ctx->drain_disabled))
		return io_sqe_fail(req, -EOPNOTSUPP,
				   "IOSQE_IO_DRAIN after IOSQE_CQE_SKIP_SUCCESS on this ring");
	if (unlikely(req->ctx->restricted) && !io_sqe_allowed(req->ctx->restrictions, &req->sqe))
		return io_sqe_fail(req, -EACCES, "opcode %u with flags %#x: not allowed here",
				   op, req->sqe.flags);
	if (unlikely(!io_op_supported(op)))
		return io_sqe_fail(req, -EINVAL, "opcode %u not supported", op);
	if (unlikely(req->sqe.personality)) {
		const struct cred *creds;

		creds = xa_load(&req->ctx->personalities, req->sqe.personality);
		if (!creds)
			return io_sqe_fail(req, -EINVAL, "personality %u is not registered",
					   req->sqe.personality);
		req->creds = get_cred(creds);
	}
	if (unlikely(req->sqe.flags & IOSQE_BUFFER_SELECT)) {
		ret = io_buffer_select_prep(req);
		if (ret)
			return ret;
	}
	if (unlikely(io_op_is_zc(op))) {
		ret = io_send_zc_prep(req);
		if (ret)
			return ret;
	}
	if (unlikely(op == IORING_OP_URING_CMD)) {
		ret = io_uring_cmd_prep(req, sqe);
		if (ret)
			return ret;
	}
	ret = io_req_set_file(req, state);
	if (!ret)
		ret = io_req_set_buffer(req);
	if (unlikely(req->flags & REQ_F_ZC_NOTIF) && req->rsrc_node)
		io_zc_notif_hold_node(req);
	return ret;
}

/*
 * A member's IOSQE_IO_DRAIN holds the whole chain back: its head then
 * looks its registered file up at its turn too (IORING_FEAT_LINKED_FILE).
 */
static void io_chain_drains(struct io_kiocb *head)
{
	head->sqe.flags |= IOSQE_IO_DRAIN;
	if ((head->sqe.flags & IOSQE_FIXED_FILE) && head->file) {
		fput(head->file);
		head->file = NULL;
		head->flags |= REQ_F_FILE_LATER;
	}
}

/* The last request of the chain @head is building, or NULL. */
static struct io_kiocb *io_chain_last(struct io_kiocb *head)
{
	if (!head || list_empty(&head->link_list))
		return head;
	return list_last_entry(&head->link_list, struct io_kiocb, list);
}

/*
 * Turn one SQE into a request and start it (or add it to the open chain).
 * 0: consumed.  IO_SUBMIT_FAILED: consumed, but it failed at submission
 * and its CQE says why; unless the chain it belongs to goes on, submission
 * stops after it.  -EAGAIN: no request could be allocated; the SQE stays.
 */
#define IO_SUBMIT_FAILED	1

static int io_submit_sqe(struct io_ring_ctx *ctx, const struct io_uring_sqe *sqe,
			 struct io_submit_state *state)
{
	struct io_kiocb *req, *head = state->link_head;
	bool chain_goes_on;
	int ret;

	req = io_alloc_req(ctx);
	if (unlikely(!req))
		return -EAGAIN;

	memcpy(&req->sqe, sqe, sizeof(req->sqe));
	req->user_data = req->sqe.user_data;
	ret = io_req_prep(req, sqe, state);
	if (unlikely(req->sqe.opcode == IORING_OP_LINK_TIMEOUT) && !ret)
		ret = io_link_timeout_prep(req, io_chain_last(head));
	/* a member of a chain is issued later */
	if (head && !ret)
		ret = io_req_stabilize(req);
	chain_goes_on = req->sqe.flags & IOSQE_LINK_FLAGS;

	if (head) {
		/* a member of a chain: it waits for the one before it */
		if (unlikely(ret)) {
			head->link_failed = true;
			io_req_complete(req, ret);
		} else {
			/* it runs later, maybe from a kworker, as its submitter is now */
			if (!req->creds)
				req->creds = get_current_cred();
			list_add_tail(&req->list, &head->link_list);
			if (req->sqe.flags & IOSQE_IO_DRAIN)
				io_chain_drains(head);
		}
		if (!chain_goes_on) {
			state->link_head = NULL;
			io_submit_link(head);
		}
		return ret && !chain_goes_on ? IO_SUBMIT_FAILED : 0;
	}
	if (unlikely(ret)) {
		/* a chain whose head failed runs not at all: it ends with the head */
		if (chain_goes_on) {
			req->link_failed = true;
			req->result = ret;
			state->link_head = req;
			return 0;
		}
		io_req_complete(req, ret);
		return IO_SUBMIT_FAILED;
	}
	if (req->sqe.flags & IOSQE_LINK_FLAGS)
		state->link_head = req;
	else
		io_queue_sqe(req);
	return 0;
}

static void io_submit_state_end(struct io_submit_state *state)
{
	/* a chain still open at the end of a submission ends there */
	if (state->link_head)
		io_submit_link(state->link_head);
	io_file_forget(state);
}

/*
 * Consume up to @to_submit SQEs.  Per-request errors become CQEs; only a
 * failure to allocate anything at all is returned (-EAGAIN).  An SQE that
 * fails at submission is counted and ends the batch, so userspace finds
 * the SQEs after it still in the ring; IORING_SETUP_SUBMIT_ALL goes on.
 * CQEs waiting in the backlog do not stop submission: they are memory
 * charged to the ring's cgroup like any other.
 */
static int io_submit_sqes(struct io_ring_ctx *ctx, unsigned int to_submit)
{
	struct io_submit_state state = { };
	struct blk_plug plug;
	int submitted = 0;
	unsigned int i;

	io_cqring_backlog_flush(ctx);
	to_submit = min(to_submit, io_sqring_avail(ctx));
	if (!to_submit)
		return 0;
	/*
	 * A reference on the ring for each request, taken for the batch at
	 * once.  The ring is alive and not yet killed: io_uring_enter()
	 * holds a reference of its own, and the SQ thread, under sqd->lock,
	 * serves only rings that io_uring_release() has not detached yet.
	 */
	percpu_ref_get_many(&ctx->refs, to_submit);
	ctx->compl_tail = &ctx->compl_list;
	WRITE_ONCE(ctx->submitter, current);
	if (to_submit >= IO_PLUG_THRESHOLD)
		blk_start_plug(&plug);
	for (i = 0; i < to_submit; i++) {
		const struct io_uring_sqe *sqe = io_get_sqe(ctx);
		int ret;

		if (!sqe)
			continue;
		ret = io_submit_sqe(ctx, sqe, &state);
		if (unlikely(ret < 0)) {
			/* leave the SQE on the ring for the next attempt */
			ctx->cached_sq_head--;
			break;
		}
		submitted++;
		if (unlikely(ret == IO_SUBMIT_FAILED) &&
		    !(ctx->flags & IORING_SETUP_SUBMIT_ALL))
			break;
	}
	/* every SQE submitted allocated one request; the rest need no reference */
	if (submitted)
		atomic_long_add(submitted, &current->io_uring->inflight);
	if (submitted != to_submit)
		percpu_ref_put_many(&ctx->refs, to_submit - submitted);
	if (!submitted && i < to_submit)
		submitted = -EAGAIN;
	if (to_submit >= IO_PLUG_THRESHOLD)
		blk_finish_plug(&plug);
	io_submit_state_end(&state);
	io_flush_completions(ctx);
	/*
	 * As on 6.1, the SQ head moves only now: whoever sees an SQE
	 * consumed finds the CQE of what completed inline.  liburing 2.3
	 * counts an SQPOLL submission as tail - head, and says 0 if the SQ
	 * thread's head moved before it looked.
	 */
	io_commit_sqring(ctx);
	WRITE_ONCE(ctx->submitter, NULL);
	return submitted;
}

/* ---- the SQ thread (IORING_SETUP_SQPOLL) -------------------------------- */

/*
 * The SQ thread is an I/O thread of the ring creator's process: it submits
 * with the creator's memory, file table and credentials, and its own pool
 * of workers runs what would block.  Rings of the same process set up with
 * IORING_SETUP_ATTACH_WQ share it, and it serves them in turn.  It stops
 * when the last of its rings is released or the process dies; a ring that
 * outlives it answers -EOWNERDEAD.
 */

/* SQEs published by userspace and not yet consumed. */
static unsigned int io_sqring_entries(struct io_ring_ctx *ctx)
{
	/* pairs with the release store of the tail by userspace */
	return smp_load_acquire(&ctx->sq_ring->r.tail) - ctx->cached_sq_head;
}

/* Whether userspace has no room for another SQE until the kernel takes one. */
static bool io_sqring_full(struct io_ring_ctx *ctx)
{
	struct io_sq_ring *ring = ctx->sq_ring;

	return READ_ONCE(ring->r.tail) - READ_ONCE(ring->r.head) >= ctx->sq_entries;
}

static bool io_sq_thread_should_stop(struct io_sq_data *sqd)
{
	return READ_ONCE(sqd->stop) || fatal_signal_pending(current);
}

/*
 * Run the task work queued for current: a worker pool asking its owner for
 * a thread, or the final fput() of a file.  An I/O thread never returns to
 * userspace, where that would otherwise happen.
 */
static bool io_run_task_work(void)
{
	if (test_thread_flag(TIF_NOTIFY_SIGNAL))
		clear_notify_signal();
	if (!task_work_pending(current))
		return false;
	__set_current_state(TASK_RUNNING);
	task_work_run();
	return true;
}

/* Task work, and SIGKILL or SIGSTOP.  True when the SQ thread must exit. */
static bool io_sq_thread_signals(void)
{
	struct ksignal ksig;

	io_run_task_work();
	if (!task_sigpending(current))
		return false;
	return get_signal(&ksig);
}

/* Under sqd->lock: IORING_SQ_NEED_WAKEUP on or off, on every ring served. */
static void io_sq_need_wakeup(struct io_sq_data *sqd, bool on)
{
	struct io_ring_ctx *ctx;

	list_for_each_entry(ctx, &sqd->ctx_list, sq_node) {
		if (on)
			io_sq_flags_set(ctx, IORING_SQ_NEED_WAKEUP);
		else
			io_sq_flags_clear(ctx, IORING_SQ_NEED_WAKEUP);
	}
}

/*
 * Say we are going to sleep, then look once more: userspace reads the flag
 * after publishing its tail (with a full barrier in between), so either it
 * sees the flag and wakes us, or we see its tail here.  Under sqd->lock.
 */
static bool io_sq_thread_may_sleep(struct io_sq_data *sqd)
{
	struct io_ring_ctx *ctx;

	io_sq_need_wakeup(sqd, true);
	/* pairs with the barrier between tail store and flags load in userspace */
	smp_mb__after_atomic();
	if (io_sq_thread_should_stop(sqd) || signal_pending(current))
		return false;
	list_for_each_entry(ctx, &sqd->ctx_list, sq_node) {
		/* a disabled ring's SQEs wait: its enabling wakes us */
		if (io_sqring_entries(ctx) && !(READ_ONCE(ctx->flags) & IORING_SETUP_R_DISABLED))
			return false;
	}
	return true;
}

/*
 * Under sqd->lock, which is dropped while asleep: a ring set up meanwhile
 * wakes us once it is on the list, so its flag gets set too.
 */
static void io_sq_thread_sleep(struct io_sq_data *sqd)
{
	DEFINE_WAIT(wait);

	prepare_to_wait(&sqd->wait, &wait, TASK_INTERRUPTIBLE);
	if (io_sq_thread_may_sleep(sqd)) {
		mutex_unlock(&sqd->lock);
		schedule();
		mutex_lock(&sqd->lock);
	}
	finish_wait(&sqd->wait, &wait);
	io_sq_need_wakeup(sqd, false);
}

/* What one ring may submit per turn when the thread serves several (6.1's) */
#define IO_SQ_SHARED_BATCH	8

/*
 * One ring's turn, with the credentials of the ring's creator (a thread
 * shared by rings set up under different credentials must not lend one
 * ring's to another): reap its polled completions, and submit what
 * userspace published, at most @cap SQEs.  Returns whether it submitted;
 * *iopoll_busy says that polled requests are still in flight.
 */
static bool io_sq_ring_turn(struct io_ring_ctx *ctx, unsigned int cap, bool *iopoll_busy)
{
	unsigned int to_submit = min(io_sqring_entries(ctx), cap);
	const struct cred *old = NULL;

	/* IORING_REGISTER_ENABLE_RINGS wakes us */
	if (unlikely(smp_load_acquire(&ctx->flags) & IORING_SETUP_R_DISABLED))
		return false;

	if (ctx->sq_creds != current_cred())
		old = override_creds(ctx->sq_creds);
	if (ctx->flags & IORING_SETUP_IOPOLL) {
		mutex_lock(&ctx->uring_lock);
		if (!list_empty(&ctx->poll_list)) {
			io_do_iopoll(ctx);
			*iopoll_busy = true;
		}
		mutex_unlock(&ctx->uring_lock);
	}
	if (to_submit) {
		mutex_lock(&ctx->uring_lock);
		io_submit_sqes(ctx, to_submit);
		mutex_unlock(&ctx->uring_lock);
		/* the barrier orders the head's store before the waiter check */
		if (wq_has_sleeper(&ctx->sq_space_wait))
			wake_up(&ctx->sq_space_wait);
	}
	if (old)
		revert_creds(old);
	return to_submit;
}

static void io_sq_data_put(struct io_sq_data *sqd)
{
	if (!refcount_dec_and_test(&sqd->refs))
		return;
	if (sqd->thread)
		put_task_struct(sqd->thread);
	kfree(sqd);
}

/* Under sqd->lock: IORING_ENTER_SQ_WAIT waits for nobody now. */
static void io_sq_space_waiters_wake(struct io_sq_data *sqd)
{
	struct io_ring_ctx *ctx;

	list_for_each_entry(ctx, &sqd->ctx_list, sq_node)
		wake_up(&ctx->sq_space_wait);
}

/*
 * Consume the SQs as userspace fills them, and reap polled completions;
 * after the longest sq_thread_idle of the rings without work, sleep until
 * io_uring_enter(SQ_WAKEUP).  Task work, signals and the rings' setup and
 * release run between the passes, without sqd->lock.
 */
static int io_sq_thread(void *data)
{
	struct io_sq_data *sqd = data;
	struct io_ring_ctx *ctx;
	unsigned long timeout;

	if (sqd->cpu >= 0)
		set_cpus_allowed_ptr(current, cpumask_of(sqd->cpu));

	mutex_lock(&sqd->lock);
	timeout = jiffies + sqd->idle;
	while (!io_sq_thread_should_stop(sqd)) {
		bool submitted = false, iopoll_busy = false;
		unsigned int cap = UINT_MAX;

		/* a busy ring may not keep the others waiting for long */
		if (!list_is_singular(&sqd->ctx_list))
			cap = IO_SQ_SHARED_BATCH;
		list_for_each_entry(ctx, &sqd->ctx_list, sq_node)
			submitted |= io_sq_ring_turn(ctx, min(cap, ctx->sq_entries),
						     &iopoll_busy);
		if (submitted) {
			timeout = jiffies + sqd->idle;
		} else if (!iopoll_busy && time_after(jiffies, timeout)) {
			io_sq_thread_sleep(sqd);
			timeout = jiffies + sqd->idle;
		}
		mutex_unlock(&sqd->lock);
		if (signal_pending(current) && io_sq_thread_signals()) {
			mutex_lock(&sqd->lock);
			break;
		}
		io_run_task_work();
		cond_resched();
		mutex_lock(&sqd->lock);
	}

	/*
	 * The rings still here answer -EOWNERDEAD from now on, and none may
	 * join.  Their NEED_WAKEUP makes a submitter enter and hear it.
	 */
	WRITE_ONCE(sqd->dead, true);
	io_sq_need_wakeup(sqd, true);
	io_sq_space_waiters_wake(sqd);
	mutex_unlock(&sqd->lock);
	complete_all(&sqd->exited);
	io_sq_data_put(sqd);
	/* exit cancels what we submitted and stops our workers */
	do_exit(0);
}

static struct io_uring_task *io_tctx_alloc(struct task_struct *task);
static int io_task_attach(struct io_ring_ctx *ctx, struct task_struct *task);

/* Under sqd->lock: the thread sleeps as long as its laziest ring allows. */
static void io_sq_update_idle(struct io_sq_data *sqd)
{
	struct io_ring_ctx *ctx;
	unsigned long idle = 0;

	list_for_each_entry(ctx, &sqd->ctx_list, sq_node)
		idle = max(idle, ctx->sq_thread_idle);
	sqd->idle = idle;
}

/*
 * IORING_SETUP_ATTACH_WQ, checked before anything else of the ring is set
 * up: wq_fd must be a ring.  With SQPOLL too, the new ring references the
 * SQ thread of that ring when it is one of current's process; otherwise it
 * gets a thread of its own (as on 6.1, for a ring of another process too).
 */
static int io_sq_data_attach(struct io_ring_ctx *ctx, struct io_uring_params *p)
{
	struct io_sq_data *sqd;
	struct io_ring_ctx *other;
	struct fd f;
	int ret = 0;

	f = fdget(p->wq_fd);
	if (!f.file)
		return io_fail(-ENXIO, "setup: wq_fd %u is not open", p->wq_fd);
	if (!io_is_uring_fops(f.file)) {
		fdput(f);
		return io_fail(-EINVAL, "setup: wq_fd %u is not an io_uring", p->wq_fd);
	}
	other = f.file->private_data;
	/* the other ring's reference keeps it while we hold its file */
	sqd = other->sq_data;
	/* without SQPOLL there is nothing to share: pools are per task already */
	if (!(p->flags & IORING_SETUP_SQPOLL))
		goto out;
	if (!sqd) {
		ret = io_fail(-EINVAL, "setup: wq_fd %u has no SQ thread", p->wq_fd);
	} else if (sqd->tgid == task_tgid_nr(current)) {
		refcount_inc(&sqd->refs);
		ctx->sq_data = sqd;
	}
out:
	fdput(f);
	return ret;
}

/* Put the ring on the list of a running SQ thread, which @ctx references. */
static int io_sq_data_join(struct io_ring_ctx *ctx)
{
	struct io_sq_data *sqd = ctx->sq_data;
	int ret;

	mutex_lock(&sqd->lock);
	/* a thread that exits (or is about to) cannot take the ring's node */
	if (sqd->dead || sqd->stop) {
		ret = io_fail(-ENXIO, "setup: the SQ thread of wq_fd has exited");
	} else {
		ret = io_task_attach(ctx, sqd->thread);
		if (!ret) {
			list_add_tail(&ctx->sq_node, &sqd->ctx_list);
			io_sq_update_idle(sqd);
		}
	}
	mutex_unlock(&sqd->lock);
	/* it may be asleep, without this ring's IORING_SQ_NEED_WAKEUP set */
	wake_up(&sqd->wait);
	return ret;
}

/* A new SQ thread for @ctx, which holds the first reference to it. */
static int io_sq_thread_start(struct io_ring_ctx *ctx, struct io_uring_params *p)
{
	char name[TASK_COMM_LEN];
	struct io_sq_data *sqd;
	struct task_struct *tsk;
	int ret, cpu = -1;

	if (p->flags & IORING_SETUP_SQ_AFF) {
		cpu = p->sq_thread_cpu;
		if (cpu >= nr_cpu_ids || !cpu_online(cpu))
			return io_fail(-EINVAL, "setup: sq_thread_cpu %u is not an online CPU",
				       p->sq_thread_cpu);
	}
	sqd = kzalloc(sizeof(*sqd), GFP_KERNEL_ACCOUNT);
	if (!sqd)
		return -ENOMEM;
	refcount_set(&sqd->refs, 1);
	mutex_init(&sqd->lock);
	INIT_LIST_HEAD(&sqd->ctx_list);
	init_waitqueue_head(&sqd->wait);
	init_completion(&sqd->exited);
	sqd->cpu = cpu;
	sqd->tgid = task_tgid_nr(current);
	ctx->sq_data = sqd;
	list_add(&ctx->sq_node, &sqd->ctx_list);
	sqd->idle = ctx->sq_thread_idle;

	tsk = create_io_thread(io_sq_thread, sqd, NUMA_NO_NODE);
	if (IS_ERR(tsk))
		return io_fail(PTR_ERR(tsk), "setup: cannot start the SQ thread");
	snprintf(name, sizeof(name), "iou-sqp-%d", task_tgid_vnr(current));
	set_task_comm(tsk, name);
	/* it submits from its first breath: give it its io_uring state now */
	tsk->io_uring = io_tctx_alloc(tsk);
	ret = tsk->io_uring ? io_task_attach(ctx, tsk) : -ENOMEM;
	sqd->thread = get_task_struct(tsk);
	/* the thread's own reference */
	refcount_inc(&sqd->refs);
	if (ret)
		WRITE_ONCE(sqd->stop, true);
	wake_up_new_task(tsk);
	return ret;
}

/*
 * IORING_SETUP_SQPOLL: join the thread io_sq_data_attach() found, or
 * start one.  On failure the ring is released, and io_sq_detach() undoes
 * what was done.
 */
static int io_sq_offload_start(struct io_ring_ctx *ctx, struct io_uring_params *p)
{
	ctx->sq_thread_idle = msecs_to_jiffies(p->sq_thread_idle);
	if (!ctx->sq_thread_idle)
		ctx->sq_thread_idle = HZ;
	ctx->sq_creds = get_current_cred();
	if (ctx->sq_data)
		return io_sq_data_join(ctx);
	return io_sq_thread_start(ctx, p);
}

/*
 * Take the ring off its SQ thread's list: once we hold the lock, the
 * thread no longer touches it.  The last ring stops the thread and waits
 * until it is gone, unless the thread itself releases the ring (the final
 * fput() of a request's file runs as its task work): then it stops once it
 * is back in its loop.
 */
static void io_sq_detach(struct io_ring_ctx *ctx)
{
	struct io_sq_data *sqd = ctx->sq_data;
	struct task_struct *tsk;
	bool last;

	if (!sqd)
		return;
	mutex_lock(&sqd->lock);
	list_del_init(&ctx->sq_node);
	last = list_empty(&sqd->ctx_list);
	if (last)
		WRITE_ONCE(sqd->stop, true);
	else
		io_sq_update_idle(sqd);
	mutex_unlock(&sqd->lock);
	tsk = sqd->thread;
	if (last && tsk && tsk != current) {
		wake_up_process(tsk);
		wait_for_completion(&sqd->exited);
	}
	ctx->sq_data = NULL;
	io_sq_data_put(sqd);
}

/* ---- waiting for completions ------------------------------------------- */

static int io_set_sigmask(struct io_ring_ctx *ctx, const sigset_t __user *sig,
			  size_t sigsz)
{
	int ret;

#ifdef CONFIG_COMPAT
	if (in_compat_syscall())
		ret = set_compat_user_sigmask((const compat_sigset_t __user *)sig, sigsz);
	else
#endif
		ret = set_user_sigmask(sig, sigsz);
	if (ret)
		return io_fail(ret, "enter: signal mask at %#lx of %zu bytes refused",
			       (unsigned long)sig, sigsz);
	return 0;
}

/*
 * A task in io_cqring_wait().  It waits for the CQ tail to reach @target,
 * the head it started from plus the CQEs it asked for, so that another
 * thread reaping meanwhile cannot keep it asleep; or for a TIMEOUT to fire
 * (cq_timeouts moves), which ends any wait, as on 6.1.
 */
struct io_cq_waiter {
	struct wait_queue_entry	wq;
	struct io_ring_ctx	*ctx;
	u32			target;
	u32			timeouts;
};

static bool io_cq_waiter_done(struct io_cq_waiter *w)
{
	struct io_ring_ctx *ctx = w->ctx;
	u32 tail;

	/* DEFER_TASKRUN's waiter, the issuer, shows itself what is posted */
	if (ctx->flags & IORING_SETUP_DEFER_TASKRUN)
		tail = READ_ONCE(ctx->cached_cq_tail);
	else
		/* pairs with the release store of the tail in io_commit_cqring() */
		tail = smp_load_acquire(&ctx->cq_ring->r.tail);
	return (s32)(tail - w->target) >= 0 ||
	       READ_ONCE(ctx->cq_timeouts) != w->timeouts;
}

/*
 * Only a waiter that is done, or that has backlogged CQEs to move in, is
 * woken: one that wants more stays asleep, and a wakeup is never spent on
 * it while a waiter that wants fewer sleeps on.
 */
static int io_cq_waiter_wake(struct wait_queue_entry *wq, unsigned int mode,
			     int sync, void *key)
{
	struct io_cq_waiter *w = container_of(wq, struct io_cq_waiter, wq);

	if (!io_cq_waiter_done(w) && list_empty_careful(&w->ctx->cq_backlog) &&
	    llist_empty(&w->ctx->retry_list))
		return 0;
	return autoremove_wake_function(wq, mode, sync, key);
}

/*
 * Wait until @min_events CQEs are there, a signal comes (-EINTR, with @sig
 * the mask in force meanwhile, as ppoll() does) or @timeout passes
 * (-ETIME; KTIME_MAX waits for ever).  As on 6.1, a wait cut short still
 * returns 0 when the CQ ring is not empty: there is something to reap.
 */
static int io_cqring_wait(struct io_ring_ctx *ctx, unsigned int min_events,
			  const sigset_t __user *sig, size_t sigsz, ktime_t timeout)
{
	ktime_t deadline = KTIME_MAX;
	struct io_cq_waiter w = {
		.ctx = ctx,
		.target = READ_ONCE(ctx->cq_ring->r.head) + min_events,
		.timeouts = READ_ONCE(ctx->cq_timeouts),
	};
	int ret = 0;

	io_retry_run_deferred(ctx);
	io_cqring_publish(ctx);
	if (io_cqring_events(ctx) >= min_events)
		return 0;
	/*
	 * The clock is read only by a wait that may sleep, and may time
	 * out.  A limit below zero is up already, as on 6.1 (added as it
	 * is, it would look like an overflow and saturate).
	 */
	if (timeout != KTIME_MAX)
		deadline = ktime_add_safe(ktime_get(), max_t(ktime_t, timeout, 0));
	init_wait(&w.wq);
	w.wq.func = io_cq_waiter_wake;

	if (sig) {
		ret = io_set_sigmask(ctx, sig, sigsz);
		if (ret)
			return ret;
	}

	for (;;) {
		/*
		 * A CQE that found the ring full just before it was emptied
		 * waits in the backlog, and nothing else may ever be posted to
		 * move it in: we do, and look again once on the wait queue.
		 */
		bool flushed = io_cqring_backlog_flush(ctx);

		prepare_to_wait(&ctx->wait, &w.wq, TASK_INTERRUPTIBLE);
		if (io_cq_waiter_done(&w))
			break;
		if (flushed && !list_empty_careful(&ctx->cq_backlog))
			continue;
		/* DEFER_TASKRUN: retries queued for us run here, then we look again */
		if (unlikely(!llist_empty(&ctx->retry_list))) {
			__set_current_state(TASK_RUNNING);
			io_retry_run_deferred(ctx);
			continue;
		}
		/*
		 * Our pool asking for a thread is no reason to return, even if
		 * it asks right after we looked: only a signal is (the ask's
		 * TIF_NOTIFY_SIGNAL keeps schedule() from sleeping, and the
		 * next turn runs it).
		 */
		if (io_run_task_work())
			continue;
		if (task_sigpending(current)) {
			ret = -EINTR;
			break;
		}
		if (timeout == KTIME_MAX) {
			schedule();
		} else if (!schedule_hrtimeout(&deadline, HRTIMER_MODE_ABS)) {
			ret = -ETIME;
			break;
		}
	}
	finish_wait(&ctx->wait, &w.wq);
	io_cqring_publish(ctx);

	if (sig)
		restore_saved_sigmask_unless(ret == -EINTR);
	return io_cqring_events(ctx) ? 0 : ret;
}

/* ---- RLIMIT_MEMLOCK accounting ----------------------------------------- */

static void io_unaccount_mem(struct user_struct *user, unsigned long nr_pages)
{
	atomic_long_sub(nr_pages, &user->locked_vm);
}

/* Charge @nr_pages to @user's RLIMIT_MEMLOCK; -ENOMEM past the limit. */
static int io_account_mem(struct user_struct *user, unsigned long nr_pages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	long cur = atomic_long_read(&user->locked_vm);

	do {
		if (cur + nr_pages > limit)
			return io_fail(-ENOMEM, "memlock: %lu more pages pass RLIMIT_MEMLOCK",
				       nr_pages);
	} while (!atomic_long_try_cmpxchg(&user->locked_vm, &cur, cur + nr_pages));
	return 0;
}

/* ---- registered files and buffers -------------------------------------- */

/*
 * Resource tags (IORING_FEAT_RSRC_TAGS).  A tagged file or buffer that
 * leaves its slot (an update, a CLOSE of the direct descriptor, another
 * installed over it; not unregistering, as on 6.1) has its tag posted in a
 * CQE (res 0) once every request submitted before, which may be using it,
 * is gone.  The requests that use a registered file or buffer hold the
 * node current when they look it up; a tag leaving goes to that node, and
 * a new one starts.  Nodes end oldest first.  Until a tag is set there is
 * no node, and requests hold none.
 */
static struct io_rsrc_node *io_rsrc_node_alloc(void)
{
	struct io_rsrc_node *node = kmalloc(sizeof(*node), GFP_KERNEL_ACCOUNT);

	if (node) {
		atomic_set(&node->refs, 1);
		INIT_LIST_HEAD(&node->tags);
	}
	return node;
}

/* @node becomes the current one, the newest.  uring_lock held. */
static void io_rsrc_node_start(struct io_ring_ctx *ctx, struct io_rsrc_node *node)
{
	spin_lock(&ctx->rsrc_lock);
	list_add_tail(&node->list, &ctx->rsrc_nodes);
	spin_unlock(&ctx->rsrc_lock);
	ctx->rsrc_node = node;
}

/* @req uses a registered file or buffer: it keeps the current node.  uring_lock held. */
static void io_req_rsrc_node_get(struct io_kiocb *req)
{
	struct io_rsrc_node *node = req->ctx->rsrc_node;

	if (node && !req->rsrc_node) {
		atomic_inc(&node->refs);
		req->rsrc_node = node;
	}
}

/* Any context: the last reference to a node lets rsrc_work look at it. */
static void io_rsrc_node_put(struct io_ring_ctx *ctx, struct io_rsrc_node *node)
{
	if (atomic_dec_and_test(&node->refs))
		queue_work(system_unbound_wq, &ctx->rsrc_work);
}

/* Post the tags of the nodes that have ended, oldest first, up to one that has not. */
static void io_rsrc_work(struct work_struct *work)
{
	struct io_ring_ctx *ctx = container_of(work, struct io_ring_ctx, rsrc_work);
	struct io_rsrc_tag *t, *tmp;
	struct io_rsrc_node *node;

	for (;;) {
		spin_lock(&ctx->rsrc_lock);
		node = list_first_entry_or_null(&ctx->rsrc_nodes, struct io_rsrc_node, list);
		/* pairs with the full barrier of the last atomic_dec_and_test() */
		if (node && !atomic_read_acquire(&node->refs))
			list_del(&node->list);
		else
			node = NULL;
		spin_unlock(&ctx->rsrc_lock);
		if (!node)
			return;
		list_for_each_entry_safe(t, tmp, &node->tags, list) {
			__io_cqring_add_event(ctx, t->tag, 0, 0, true);
			kfree(t);
		}
		kfree(node);
	}
}

/*
 * The ring's end: every request is gone.  Tags not posted yet are not:
 * nobody waits for CQEs of a ring being freed.
 */
static void io_rsrc_nodes_free(struct io_ring_ctx *ctx)
{
	struct io_rsrc_node *node, *ntmp;
	struct io_rsrc_tag *t, *tmp;

	cancel_work_sync(&ctx->rsrc_work);
	list_for_each_entry_safe(node, ntmp, &ctx->rsrc_nodes, list) {
		list_for_each_entry_safe(t, tmp, &node->tags, list)
			kfree(t);
		kfree(node);
	}
	INIT_LIST_HEAD(&ctx->rsrc_nodes);
	ctx->rsrc_node = NULL;
	kfree(ctx->rsrc_spare);
	ctx->rsrc_spare = NULL;
}

/* Tag @i of the array at @tags (NULL: none), 0 when none was given. */
static int io_rsrc_tag_read(u64 __user *tags, unsigned int i, u64 *tag)
{
	*tag = 0;
	if (tags && get_user(*tag, &tags[i]))
		return io_fail(-EFAULT, "register: cannot read tag %u at %#lx", i,
			       (unsigned long)tags);
	return 0;
}

/*
 * Before a slot of a table with @tags changes: the memory that a tag
 * leaving it needs (the node that follows), and for @tag (0: none) to be
 * set, its record in *@tp and the table's tags.  So a change either fails
 * whole, with -ENOMEM, or goes through.  uring_lock held.
 */
static int io_rsrc_tag_prep(struct io_ring_ctx *ctx, struct io_rsrc_tag ***tagsp,
			    unsigned int nr, u64 tag, struct io_rsrc_tag **tp)
{
	*tp = NULL;
	if (!tag && !*tagsp)
		return 0;
	if (!ctx->rsrc_node) {
		struct io_rsrc_node *node = io_rsrc_node_alloc();

		if (!node)
			return -ENOMEM;
		io_rsrc_node_start(ctx, node);
	}
	if (!ctx->rsrc_spare) {
		ctx->rsrc_spare = io_rsrc_node_alloc();
		if (!ctx->rsrc_spare)
			return -ENOMEM;
	}
	if (!tag)
		return 0;
	if (!*tagsp) {
		*tagsp = kvcalloc(nr, sizeof(**tagsp), GFP_KERNEL_ACCOUNT);
		if (!*tagsp)
			return -ENOMEM;
	}
	*tp = kmalloc(sizeof(**tp), GFP_KERNEL_ACCOUNT);
	if (!*tp)
		return -ENOMEM;
	(*tp)->tag = tag;
	return 0;
}

/*
 * The resource in slot @i of @tags left it: its tag, if any, goes to the
 * current node, and the spare io_rsrc_tag_prep() made starts as the next.
 * uring_lock held.
 */
static void io_rsrc_tag_drop(struct io_ring_ctx *ctx, struct io_rsrc_tag **tags, unsigned int i)
{
	struct io_rsrc_node *old = ctx->rsrc_node;
	struct io_rsrc_tag *t = tags ? tags[i] : NULL;

	if (!t)
		return;
	tags[i] = NULL;
	list_add_tail(&t->list, &old->tags);
	/* no spare (a path that did not prepare): the tag waits for the next switch */
	if (WARN_ON_ONCE(!ctx->rsrc_spare))
		return;
	io_rsrc_node_start(ctx, ctx->rsrc_spare);
	ctx->rsrc_spare = NULL;
	io_rsrc_node_put(ctx, old);
}

/* A table's tags go with it, unposted: unregistering posts none, as on 6.1. */
static void io_rsrc_tags_free(struct io_rsrc_tag **tags, unsigned int nr)
{
	unsigned int i;

	if (!tags)
		return;
	for (i = 0; i < nr; i++)
		kfree(tags[i]);
	kvfree(tags);
}

static void io_imu_release(struct io_mapped_ubuf *imu)
{
	unsigned int i;

	for (i = 0; i < imu->nr_bvecs; i++)
		unpin_user_page(imu->bvec[i].bv_page);
	if (imu->user) {
		io_unaccount_mem(imu->user, imu->acct_pages);
		free_uid(imu->user);
	}
	kvfree(imu);
}

static void io_imu_release_work(struct work_struct *work)
{
	io_imu_release(container_of(work, struct io_mapped_ubuf, release_work));
}

/* A slot's reference, under uring_lock: the charge is back when it returns. */
static void io_imu_put(struct io_mapped_ubuf *imu)
{
	if (imu && refcount_dec_and_test(&imu->refs))
		io_imu_release(imu);
}

/*
 * A request's reference: it may be dropped in interrupt context, where
 * unpinning a gigabyte would stall the CPU, so the last one hands the
 * release to a worker (as 6.1 unmaps from a workqueue).
 */
static void io_imu_put_any(struct io_mapped_ubuf *imu)
{
	if (!refcount_dec_and_test(&imu->refs))
		return;
	INIT_WORK(&imu->release_work, io_imu_release_work);
	queue_work(system_unbound_wq, &imu->release_work);
}

static void io_buf_table_free(struct io_buf_table *table)
{
	unsigned int i;

	for (i = 0; i < table->nr; i++)
		io_imu_put(table->bufs[i]);
	io_rsrc_tags_free(table->tags, table->nr);
	kvfree(table);
}

/*
 * Memory pinned for good is anonymous, or shared memory (shmem, memfd), or
 * hugetlbfs, never pages of a file system whose writeback would meet our
 * writes: -EOPNOTSUPP.  And of one kind: all of it anonymous, or of one
 * file (-EINVAL otherwise).  6.1's rule.
 */
static int io_vmas_check(struct vm_area_struct **vmas, unsigned long nr)
{
	struct file *file = vmas[0]->vm_file;
	unsigned long i;

	for (i = 0; i < nr; i++) {
		if (vmas[i]->vm_file != file)
			return -EINVAL;
		if (file && !vma_is_shmem(vmas[i]) && !is_file_hugepages(file))
			return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * Pin the @nr_pages user pages from @ubuf on long-term, for the kernel to
 * reach at any time: anonymous or hugetlbfs memory only.
 */
static struct page **io_pages_pin(unsigned long ubuf, unsigned long nr_pages)
{
	struct vm_area_struct **vmas;
	struct page **pages;
	long pinned = 0;
	int ret = -ENOMEM;

	pages = kvmalloc_array(nr_pages, sizeof(*pages), GFP_KERNEL);
	vmas = kvmalloc_array(nr_pages, sizeof(*vmas), GFP_KERNEL);
	if (pages && vmas) {
		mmap_read_lock(current->mm);
		pinned = pin_user_pages(ubuf, nr_pages, FOLL_WRITE | FOLL_LONGTERM,
					pages, vmas);
		if (pinned == nr_pages)
			ret = io_vmas_check(vmas, nr_pages);
		else
			ret = pinned < 0 ? pinned : -EFAULT;
		mmap_read_unlock(current->mm);
	}
	kvfree(vmas);
	if (!ret)
		return pages;
	if (pinned > 0)
		unpin_user_pages(pages, pinned);
	kvfree(pages);
	return ERR_PTR(ret);
}

/* Pin the user memory of @iov long-term and describe it as bio_vecs. */
static struct io_mapped_ubuf *io_buffer_pin(const struct iovec *iov,
					    unsigned long *nr_pagesp)
{
	unsigned long ubuf = (unsigned long)iov->iov_base;
	unsigned long start = ubuf >> PAGE_SHIFT;
	unsigned long end = (ubuf + iov->iov_len + PAGE_SIZE - 1) >> PAGE_SHIFT;
	unsigned long nr_pages = end - start, i;
	struct io_mapped_ubuf *imu;
	struct page **pages;
	size_t off, left;

	imu = kvmalloc(struct_size(imu, bvec, nr_pages), GFP_KERNEL);
	if (!imu)
		return ERR_PTR(-ENOMEM);
	pages = io_pages_pin(ubuf, nr_pages);
	if (IS_ERR(pages)) {
		kvfree(imu);
		return ERR_CAST(pages);
	}

	off = ubuf & ~PAGE_MASK;
	left = iov->iov_len;
	for (i = 0; i < nr_pages; i++) {
		size_t len = min_t(size_t, left, PAGE_SIZE - off);

		imu->bvec[i].bv_page = pages[i];
		imu->bvec[i].bv_len = len;
		imu->bvec[i].bv_offset = off;
		off = 0;
		left -= len;
	}
	imu->ubuf = ubuf;
	imu->len = iov->iov_len;
	imu->nr_bvecs = nr_pages;
	*nr_pagesp = nr_pages;
	kvfree(pages);
	return imu;
}

/* The one struct io_uring_buf_reg that (UN)REGISTER_PBUF_RING takes. */
static int io_buf_reg_read(struct io_uring_buf_reg *reg, void __user *arg,
			   unsigned int nr_args)
{
	if (!arg || nr_args != 1)
		return io_fail(-EINVAL, "register: PBUF_RING takes one struct");
	if (copy_from_user(reg, arg, sizeof(*reg)))
		return io_fail(-EFAULT, "register: PBUF_RING struct not readable");
	if (reg->pad || reg->resv[0] || reg->resv[1] || reg->resv[2])
		return io_fail(-EINVAL, "register: PBUF_RING reserved fields set");
	return 0;
}

/*
 * IORING_REGISTER_PBUF_RING: group reg.bgid becomes the ring of provided
 * buffers at reg.ring_addr, pinned and mapped for as long as it is
 * registered.  The checks and errnos are 6.1's.
 */
static int io_buffer_ring_register(struct io_ring_ctx *ctx, void __user *arg,
				   unsigned int nr_args)
{
	struct io_uring_buf_reg reg;
	struct io_buffer_list *bl;
	unsigned long nr_pages;
	struct page **pages;
	void *ring;
	int ret;

	ret = io_buf_reg_read(&reg, arg, nr_args);
	if (ret)
		return ret;
	if (!reg.ring_addr)
		return io_fail(-EFAULT, "register: PBUF_RING at address 0");
	if (reg.ring_addr & ~PAGE_MASK)
		return io_fail(-EINVAL, "register: PBUF_RING not page aligned");
	/* a u16 head and tail tell a full ring from an empty one only so */
	if (!is_power_of_2(reg.ring_entries) || reg.ring_entries >= IO_MAX_BIDS)
		return io_fail(-EINVAL, "register: PBUF_RING of %u entries", reg.ring_entries);

	mutex_lock(&ctx->buf_lock);
	bl = xa_load(&ctx->buf_groups, reg.bgid);
	if (bl && (bl->ring || !list_empty(&bl->bufs))) {
		ret = io_fail(-EEXIST, "register: PBUF_RING to group %u, which has buffers",
			      reg.bgid);
		goto out;
	}
	nr_pages = DIV_ROUND_UP(reg.ring_entries * sizeof(struct io_uring_buf), PAGE_SIZE);
	pages = io_pages_pin(reg.ring_addr, nr_pages);
	if (IS_ERR(pages)) {
		ret = io_fail(PTR_ERR(pages), "register: PBUF_RING memory not pinned");
		goto out;
	}
	ret = -ENOMEM;
	ring = vmap(pages, nr_pages, VM_MAP, PAGE_KERNEL);
	if (ring && !bl) {
		bl = kzalloc(sizeof(*bl), GFP_KERNEL_ACCOUNT);
		if (bl) {
			INIT_LIST_HEAD(&bl->bufs);
			ret = xa_err(xa_store(&ctx->buf_groups, reg.bgid, bl, GFP_KERNEL_ACCOUNT));
			if (ret) {
				kfree(bl);
				bl = NULL;
			}
		}
	}
	if (!ring || !bl) {
		if (ring)
			vunmap(ring);
		unpin_user_pages(pages, nr_pages);
		kvfree(pages);
		goto out;
	}
	bl->ring = ring;
	bl->ring_pages = pages;
	bl->ring_nr_pages = nr_pages;
	bl->ring_mask = reg.ring_entries - 1;
	bl->last_take = 0;
	bl->head = 0;
	ret = 0;
out:
	mutex_unlock(&ctx->buf_lock);
	return ret;
}

/*
 * IORING_UNREGISTER_PBUF_RING: group reg.bgid's ring is let go; requests
 * that hold one of its entries keep their copies until their CQEs.
 */
static int io_buffer_ring_unregister(struct io_ring_ctx *ctx, void __user *arg,
				     unsigned int nr_args)
{
	struct io_uring_buf_reg reg;
	struct io_buffer_list *bl;
	int ret;

	ret = io_buf_reg_read(&reg, arg, nr_args);
	if (ret)
		return ret;

	mutex_lock(&ctx->buf_lock);
	bl = xa_load(&ctx->buf_groups, reg.bgid);
	if (!bl)
		ret = io_fail(-ENOENT, "register: no buffer group %u", reg.bgid);
	else if (!bl->ring)
		ret = io_fail(-EINVAL, "register: buffer group %u is no mapped ring", reg.bgid);
	else
		xa_erase(&ctx->buf_groups, reg.bgid);
	mutex_unlock(&ctx->buf_lock);
	if (!ret)
		io_buffer_list_free(bl);
	return ret;
}

static int io_copy_iov(struct io_ring_ctx *ctx, struct iovec *dst,
		       void __user *arg, unsigned int index)
{
#ifdef CONFIG_COMPAT
	if (ctx->compat) {
		struct compat_iovec __user *ciovs = arg;
		struct compat_iovec ciov;

		if (copy_from_user(&ciov, &ciovs[index], sizeof(ciov)))
			return -EFAULT;
		dst->iov_base = compat_ptr(ciov.iov_base);
		dst->iov_len = ciov.iov_len;
		return 0;
	}
#endif
	if (copy_from_user(dst, (struct iovec __user *)arg + index, sizeof(*dst)))
		return -EFAULT;
	return 0;
}

/*
 * Register the buffer @iov describes, charged to @user: *@imup is the
 * buffer, or NULL for an empty slot (a NULL base of length 0, as on 6.1).
 */
static int io_buffer_register_one(const struct iovec *iov, struct user_struct *user,
				  unsigned int i, struct io_mapped_ubuf **imup)
{
	unsigned long base = (unsigned long)iov->iov_base, nr_pages, end;
	struct io_mapped_ubuf *imu;
	int ret;

	*imup = NULL;
	if (!iov->iov_base && !iov->iov_len)
		return 0;
	if (!iov->iov_base || !iov->iov_len || iov->iov_len > IORING_MAX_BUF_SIZE)
		return io_fail(-EFAULT, "register: buffer %u at %#lx of %zu bytes, not 1 B..1 GiB",
			       i, base, iov->iov_len);
	/* as on 6.1: a buffer whose pages would wrap the address space */
	if (check_add_overflow(base, iov->iov_len + PAGE_SIZE - 1, &end))
		return io_fail(-EOVERFLOW, "register: buffer %u at %#lx wraps", i, base);
	/* charged before pinning, so a limit cannot be overshot */
	nr_pages = ((base + iov->iov_len + PAGE_SIZE - 1) >> PAGE_SHIFT) - (base >> PAGE_SHIFT);
	if (user) {
		ret = io_account_mem(user, nr_pages);
		if (ret)
			return ret;
	}
	imu = io_buffer_pin(iov, &nr_pages);
	if (IS_ERR(imu)) {
		if (user)
			io_unaccount_mem(user, nr_pages);
		return io_fail(PTR_ERR(imu), "register: buffer %u at %#lx: %s", i, base,
			       PTR_ERR(imu) == -EOPNOTSUPP ? "file-backed memory" :
			       "cannot pin its pages");
	}
	refcount_set(&imu->refs, 1);
	imu->user = user ? get_uid(user) : NULL;
	imu->acct_pages = user ? nr_pages : 0;
	*imup = imu;
	return 0;
}

/* Whom registered buffers are charged to: nobody with CAP_IPC_LOCK. */
static struct user_struct *io_buf_user(struct io_ring_ctx *ctx)
{
	return ctx->account_mem ? ctx->user : NULL;
}

static void io_buf_table_publish(struct io_ring_ctx *ctx, struct io_buf_table *table)
{
	lockdep_assert_held(&ctx->uring_lock);
	if (ctx->buf_table)
		io_buf_table_free(ctx->buf_table);
	ctx->buf_table = table;
	WRITE_ONCE(ctx->nr_user_bufs, table ? table->nr : 0);
}

/* An empty slot takes no tag: it would never be posted. */
static int io_buffer_tag_check(const struct iovec *iov, u64 tag, unsigned int i)
{
	if (tag && !iov->iov_base)
		return io_fail(-EINVAL, "register: tag %u for an empty buffer slot", i);
	return 0;
}

/*
 * IORING_REGISTER_BUFFERS (@tags NULL) and BUFFERS2: @nr buffers from the
 * iovecs at @arg, or @nr empty slots when @arg is NULL.
 */
static int io_buffers_register(struct io_ring_ctx *ctx, void __user *arg, u64 __user *tags,
			       unsigned int nr)
{
	struct io_buf_table *table;
	unsigned int i;
	int ret = 0;

	if (ctx->buf_table)
		return io_fail(-EBUSY, "register: buffers are registered already");
	if (!nr || nr > IORING_MAX_REG_BUFFERS)
		return io_fail(-EINVAL, "register: %u buffers, not 1..%lu", nr,
			       IORING_MAX_REG_BUFFERS);
	table = kvzalloc(struct_size(table, bufs, nr), GFP_KERNEL_ACCOUNT);
	if (!table)
		return -ENOMEM;
	table->nr = nr;
	for (i = 0; i < nr; i++) {
		struct iovec iov = {};
		struct io_rsrc_tag *t = NULL;
		u64 tag;

		ret = io_rsrc_tag_read(tags, i, &tag);
		if (ret)
			break;
		if (arg) {
			ret = io_copy_iov(ctx, &iov, arg, i);
			if (ret) {
				io_fail(ret, "register: cannot read iovec %u at %#lx", i,
					(unsigned long)arg);
				break;
			}
		}
		ret = io_buffer_tag_check(&iov, tag, i);
		if (!ret)
			ret = io_rsrc_tag_prep(ctx, &table->tags, nr, tag, &t);
		if (!ret && arg)
			ret = io_buffer_register_one(&iov, io_buf_user(ctx), i, &table->bufs[i]);
		if (ret) {
			kfree(t);
			break;
		}
		if (t)
			table->tags[i] = t;
	}
	if (ret) {
		io_buf_table_free(table);
		return ret;
	}
	io_buf_table_publish(ctx, table);
	return 0;
}

/*
 * The struct io_uring_rsrc_register of @size bytes at @arg that a
 * registration (@what) is described by: its size, and 6.1's checks on nr,
 * flags and resv2.  A sparse table takes no data.
 */
/* Read a register call's argument struct of @want bytes, which @size must be. */
static int io_register_arg_read(void *dst, void __user *arg, unsigned int size, size_t want,
				const char *what)
{
	if (size != want)
		return io_fail(-EINVAL, "register: %s of %u bytes, not %zu", what, size, want);
	if (copy_from_user(dst, arg, want))
		return io_fail(-EFAULT, "register: cannot read %s at %#lx", what,
			       (unsigned long)arg);
	return 0;
}

static int io_rsrc_register_read(struct io_uring_rsrc_register *rr, void __user *arg,
				 unsigned int size, const char *what)
{
	int ret = io_register_arg_read(rr, arg, size, sizeof(*rr), what);

	if (ret)
		return ret;
	if (!rr->nr || rr->resv2 || (rr->flags & ~IORING_RSRC_REGISTER_SPARSE))
		return io_fail(-EINVAL, "register: %s of %u, flags %#x, resv2 %#llx", what,
			       rr->nr, rr->flags, rr->resv2);
	if ((rr->flags & IORING_RSRC_REGISTER_SPARSE) && rr->data)
		return io_fail(-EINVAL, "register: sparse %s takes no data", what);
	return 0;
}

static int io_buffers_register2(struct io_ring_ctx *ctx, void __user *arg, unsigned int size)
{
	struct io_uring_rsrc_register rr;
	int ret;

	ret = io_rsrc_register_read(&rr, arg, size, "BUFFERS2");
	if (ret)
		return ret;
	return io_buffers_register(ctx, u64_to_user_ptr(rr.data), u64_to_user_ptr(rr.tags),
				   rr.nr);
}

/*
 * The struct io_uring_rsrc_update2 of @size bytes at @arg that an update
 * (@what) is described by: its size, and 6.1's checks on nr and resv.
 */
static int io_rsrc_update2_read(struct io_uring_rsrc_update2 *up, void __user *arg,
				unsigned int size, const char *what)
{
	int ret = io_register_arg_read(up, arg, size, sizeof(*up), what);

	if (ret)
		return ret;
	if (!up->nr || up->resv || up->resv2)
		return io_fail(-EINVAL, "register: %s of %u, resv %#x, resv2 %#x", what,
			       up->nr, up->resv, up->resv2);
	return 0;
}

/*
 * IORING_REGISTER_BUFFERS_UPDATE: the @up.nr iovecs at @up.data replace
 * the buffers from slot @up.offset on; requests under way keep the buffers
 * they took.  Returns how many were replaced, or, when the first fails,
 * its error.
 */
static int io_buffers_update2_register(struct io_ring_ctx *ctx, void __user *arg,
				       unsigned int size)
{
	struct io_buf_table *table = ctx->buf_table;
	struct io_uring_rsrc_update2 up;
	unsigned int i, end;
	int ret;

	lockdep_assert_held(&ctx->uring_lock);
	ret = io_rsrc_update2_read(&up, arg, size, "BUFFERS_UPDATE");
	if (ret)
		return ret;
	if (check_add_overflow(up.offset, up.nr, &end))
		return io_fail(-EOVERFLOW, "buffers update: %u at %u", up.nr, up.offset);
	if (!table)
		return io_fail(-ENXIO, "buffers update: no buffers are registered");
	if (end > table->nr)
		return io_fail(-EINVAL, "buffers update: %u at %u, %u registered", up.nr,
			       up.offset, table->nr);
	for (i = 0; i < up.nr; i++) {
		unsigned int slot = array_index_nospec(up.offset + i, table->nr);
		struct io_rsrc_tag *t = NULL;
		struct io_mapped_ubuf *imu;
		struct iovec iov;
		u64 tag;

		ret = io_rsrc_tag_read(u64_to_user_ptr(up.tags), i, &tag);
		if (ret)
			break;
		ret = io_copy_iov(ctx, &iov, u64_to_user_ptr(up.data), i);
		if (ret) {
			io_fail(ret, "buffers update: cannot read iovec %u", i);
			break;
		}
		ret = io_buffer_tag_check(&iov, tag, i);
		if (!ret)
			ret = io_rsrc_tag_prep(ctx, &table->tags, table->nr, tag, &t);
		if (!ret)
			ret = io_buffer_register_one(&iov, io_buf_user(ctx), slot, &imu);
		if (ret) {
			kfree(t);
			break;
		}
		io_rsrc_tag_drop(ctx, table->tags, slot);
		io_imu_put(table->bufs[slot]);
		table->bufs[slot] = imu;
		if (t)
			table->tags[slot] = t;
	}
	return i ? i : ret;
}

static int io_buffers_unregister(struct io_ring_ctx *ctx)
{
	if (!ctx->buf_table)
		return io_fail(-ENXIO, "register: no buffers to unregister");
	/* requests still using the buffers keep them pinned, and charged */
	io_buf_table_publish(ctx, NULL);
	return 0;
}

static void io_file_table_free(struct io_file_table *table)
{
	unsigned int i;

	for (i = 0; i < table->nr; i++)
		if (table->files[i])
			fput(table->files[i]);
	io_rsrc_tags_free(table->tags, table->nr);
	kvfree(table);
}

/* The file of @fd, for a slot of the registered files. */
static struct file *io_file_for_slot(int fd)
{
	struct file *file = fget(fd);

	if (!file)
		return ERR_PTR(io_fail(-EBADF, "files: fd %d is not open", fd));
	/*
	 * A ring in a ring's file set could hold itself alive: refused,
	 * which also keeps rings out of reach of the unix GC.
	 */
	if (io_is_uring_fops(file)) {
		fput(file);
		return ERR_PTR(io_fail(-EBADF, "files: fd %d is an io_uring", fd));
	}
	return file;
}

/*
 * Slot @i of the registered files takes @fd's file, or is emptied by -1.
 * What was there goes first: a bad @fd leaves the slot empty, as in 6.1.
 * The next IORING_FILE_INDEX_ALLOC looks at the slot after a filled one,
 * or at an emptied one.
 */
static void io_file_slot_clear(struct io_ring_ctx *ctx, struct io_file_table *table,
			       unsigned int i)
{
	if (table->files[i]) {
		io_rsrc_tag_drop(ctx, table->tags, i);
		fput(table->files[i]);
		table->files[i] = NULL;
		table->alloc_hint = i;
	}
}

static void io_file_slot_fill(struct io_ring_ctx *ctx, struct io_file_table *table,
			      unsigned int i, struct file *file)
{
	io_file_slot_clear(ctx, table, i);
	table->files[i] = file;
	table->alloc_hint = i + 1;
}

/* ... and with @tag (0: none), which an empty slot cannot take. */
static int io_file_slot_set(struct io_ring_ctx *ctx, struct io_file_table *table,
			    unsigned int i, int fd, u64 tag)
{
	struct io_rsrc_tag *t;
	struct file *file;
	int ret;

	if (tag && fd == -1)
		return io_fail(-EINVAL, "files: tag for an empty slot %u", i);
	ret = io_rsrc_tag_prep(ctx, &table->tags, table->nr, tag, &t);
	if (ret)
		return ret;
	i = array_index_nospec(i, table->nr);
	io_file_slot_clear(ctx, table, i);
	if (fd == -1)
		return 0;
	file = io_file_for_slot(fd);
	if (IS_ERR(file)) {
		kfree(t);
		return PTR_ERR(file);
	}
	io_file_slot_fill(ctx, table, i, file);
	if (t)
		table->tags[i] = t;
	return 0;
}

/*
 * IORING_REGISTER_FILES and FILES2: @nr slots, filled from the fds at @fds,
 * or all empty (@sparse).  IORING_FILE_INDEX_ALLOC may use all of them.
 */
static int io_files_register(struct io_ring_ctx *ctx, __s32 __user *fds, u64 __user *tags,
			     unsigned int nr_args, bool sparse)
{
	struct io_file_table *table;
	unsigned int i;
	int ret = 0;

	if (ctx->file_table)
		return io_fail(-EBUSY, "register: files are registered already");
	if (!nr_args)
		return io_fail(-EINVAL, "register: FILES of no files");
	/* as many as the process may have open, and never more than 2^20 */
	if (nr_args > IORING_MAX_FIXED_FILES || nr_args > rlimit(RLIMIT_NOFILE))
		return io_fail(-EMFILE, "register: %u files, more than RLIMIT_NOFILE (%lu) or %lu",
			       nr_args, rlimit(RLIMIT_NOFILE), IORING_MAX_FIXED_FILES);

	table = kvzalloc(struct_size(table, files, nr_args), GFP_KERNEL_ACCOUNT);
	if (!table)
		return -ENOMEM;
	table->nr = nr_args;
	table->alloc_end = nr_args;

	/* fd -1 leaves its slot empty, for a files update to fill */
	for (i = 0; i < nr_args; i++) {
		s32 fd = -1;

		u64 tag;

		if (!sparse && get_user(fd, &fds[i])) {
			ret = io_fail(-EFAULT, "register: cannot read fd %u at %#lx", i,
				      (unsigned long)fds);
			break;
		}
		ret = io_rsrc_tag_read(tags, i, &tag);
		if (!ret)
			ret = io_file_slot_set(ctx, table, i, fd, tag);
		if (ret)
			break;
	}
	if (ret) {
		/* nothing stays registered on failure */
		io_file_table_free(table);
		return ret;
	}
	ctx->file_table = table;
	WRITE_ONCE(ctx->nr_user_files, table->nr);
	return 0;
}

/*
 * IORING_REGISTER_FILES_UPDATE and IORING_OP_FILES_UPDATE: slots @offset
 * on take the fds at @fds (-1 empties a slot, IORING_REGISTER_FILES_SKIP
 * leaves it).  Returns how many were done, or the error that stopped the
 * first.  uring_lock held.
 */
static int io_files_update_check(struct io_ring_ctx *ctx, unsigned int offset,
				 unsigned int nr)
{
	struct io_file_table *table = ctx->file_table;
	unsigned int end;

	lockdep_assert_held(&ctx->uring_lock);
	if (check_add_overflow(offset, nr, &end))
		return io_fail(-EOVERFLOW, "files update: %u files at %u", nr, offset);
	if (!table)
		return io_fail(-ENXIO, "files update: no files are registered");
	if (end > table->nr)
		return io_fail(-EINVAL, "files update: %u files at %u, %u registered",
			       nr, offset, table->nr);
	return 0;
}

static int io_files_update(struct io_ring_ctx *ctx, unsigned int offset,
			   __s32 __user *fds, u64 __user *tags, unsigned int nr)
{
	struct io_file_table *table = ctx->file_table;
	unsigned int done;
	int ret;

	ret = io_files_update_check(ctx, offset, nr);
	if (ret)
		return ret;
	for (done = 0; done < nr; done++) {
		u64 tag;
		s32 fd;

		if (get_user(fd, &fds[done])) {
			ret = io_fail(-EFAULT, "files update: cannot read fd %u", done);
			break;
		}
		ret = io_rsrc_tag_read(tags, done, &tag);
		if (ret)
			break;
		if (fd == IORING_REGISTER_FILES_SKIP && tag) {
			ret = io_fail(-EINVAL, "files update: tag for a skipped slot %u", done);
			break;
		}
		if (fd == IORING_REGISTER_FILES_SKIP)
			continue;
		ret = io_file_slot_set(ctx, table, offset + done, fd, tag);
		if (ret)
			break;
	}
	return done ? done : ret;
}

/* A free slot of the registered files' allocation range, or -ENFILE. */
static int io_file_slot_alloc(struct io_file_table *table)
{
	unsigned int start = table->alloc_start, len = table->alloc_end - start;
	unsigned int i, n, hint;

	if (!len)
		return io_fail(-ENFILE, "no registered files to allocate from");
	hint = clamp(table->alloc_hint, start, table->alloc_end - 1) - start;
	for (n = 0; n < len; n++) {
		i = start + (hint + n) % len;
		if (!table->files[i])
			return i;
	}
	return io_fail(-ENFILE, "all %u slots from %u are taken", len, start);
}

/*
 * IORING_OP_FILES_UPDATE at IORING_FILE_INDEX_ALLOC: each fd at @fds goes
 * to a free slot, whose index replaces it there.  uring_lock held.
 */
static int io_files_update_alloc(struct io_ring_ctx *ctx, __s32 __user *fds,
				 unsigned int nr)
{
	struct io_file_table *table = ctx->file_table;
	unsigned int done;
	int ret = 0;

	lockdep_assert_held(&ctx->uring_lock);
	if (!table)
		return io_fail(-ENXIO, "files update: no files are registered");
	for (done = 0; done < nr; done++) {
		int slot;
		s32 fd;

		if (get_user(fd, &fds[done])) {
			ret = io_fail(-EFAULT, "files update: cannot read fd %u", done);
			break;
		}
		slot = fd < 0 ? io_fail(-EBADF, "files update: fd %d is not open", fd) :
		       io_file_slot_alloc(table);
		if (slot < 0) {
			ret = slot;
			break;
		}
		ret = io_file_slot_set(ctx, table, slot, fd, 0);
		if (ret)
			break;
		if (put_user(slot, &fds[done])) {
			io_file_slot_set(ctx, table, slot, -1, 0);
			ret = io_fail(-EFAULT, "files update: cannot write slot %u", done);
			break;
		}
	}
	return done ? done : ret;
}

static int io_files_update_register(struct io_ring_ctx *ctx, void __user *arg,
				    unsigned int nr_args)
{
	struct io_uring_files_update up;

	if (!nr_args)
		return io_fail(-EINVAL, "register: FILES_UPDATE of no files");
	if (copy_from_user(&up, arg, sizeof(up)))
		return io_fail(-EFAULT, "register: cannot read the update at %#lx",
			       (unsigned long)arg);
	if (up.resv)
		return io_fail(-EINVAL, "register: FILES_UPDATE's resv must be zero");
	return io_files_update(ctx, up.offset, u64_to_user_ptr(up.fds), NULL, nr_args);
}

static int io_files_unregister(struct io_ring_ctx *ctx)
{
	if (!ctx->file_table)
		return io_fail(-ENXIO, "register: no files to unregister");
	io_file_table_free(ctx->file_table);
	ctx->file_table = NULL;
	WRITE_ONCE(ctx->nr_user_files, 0);
	return 0;
}

/*
 * IORING_REGISTER_FILES2: a struct io_uring_rsrc_register of @size bytes
 * at @arg: nr slots, filled from the fds at data, or all empty with
 * IORING_RSRC_REGISTER_SPARSE (and no data).
 */
static int io_files_register2(struct io_ring_ctx *ctx, void __user *arg, unsigned int size)
{
	struct io_uring_rsrc_register rr;
	int ret;

	ret = io_rsrc_register_read(&rr, arg, size, "FILES2");
	if (ret)
		return ret;
	/* no fds at all, or IORING_RSRC_REGISTER_SPARSE: empty slots, as on 6.1 */
	return io_files_register(ctx, u64_to_user_ptr(rr.data), u64_to_user_ptr(rr.tags),
				 rr.nr, !rr.data);
}

/*
 * IORING_REGISTER_FILES_UPDATE2: IORING_REGISTER_FILES_UPDATE, described
 * by a struct io_uring_rsrc_update2 of @size bytes at @arg.
 */
static int io_files_update2_register(struct io_ring_ctx *ctx, void __user *arg,
				     unsigned int size)
{
	struct io_uring_rsrc_update2 up;
	int ret;

	ret = io_rsrc_update2_read(&up, arg, size, "FILES_UPDATE2");
	if (ret)
		return ret;
	return io_files_update(ctx, up.offset, u64_to_user_ptr(up.data),
			       u64_to_user_ptr(up.tags), up.nr);
}

/*
 * IORING_REGISTER_FILE_ALLOC_RANGE: IORING_FILE_INDEX_ALLOC takes slots of
 * [off, off + len) only, leaving the others to the application.
 */
static int io_file_alloc_range(struct io_ring_ctx *ctx, void __user *arg)
{
	struct io_file_table *table = ctx->file_table;
	struct io_uring_file_index_range range;
	u32 end;

	if (copy_from_user(&range, arg, sizeof(range)))
		return io_fail(-EFAULT, "register: cannot read the range at %#lx",
			       (unsigned long)arg);
	if (check_add_overflow(range.off, range.len, &end))
		return io_fail(-EOVERFLOW, "register: %u slots from %u", range.len, range.off);
	if (range.resv || end > (table ? table->nr : 0))
		return io_fail(-EINVAL, "register: slots [%u, %u), %u registered, resv %#llx",
			       range.off, end, table ? table->nr : 0, range.resv);
	if (table) {
		table->alloc_start = range.off;
		table->alloc_end = end;
		table->alloc_hint = range.off;
	}
	return 0;
}

/*
 * Put @file in the registered files, a direct descriptor instead of an
 * fd: at @slot, 1-based as sqe->file_index, in place of what was there;
 * or, for IORING_FILE_INDEX_ALLOC, at a free slot of the allocation
 * range.  Returns 0, or the slot allocated; on failure @file is put.
 */
static int io_fixed_install(struct io_ring_ctx *ctx, struct file *file, u32 slot)
{
	struct io_file_table *table = ctx->file_table;
	struct io_rsrc_tag *t;
	int ret;

	lockdep_assert_held(&ctx->uring_lock);
	if (io_is_uring_fops(file))
		ret = io_fail(-EBADF, "a ring cannot be a direct descriptor");
	else if (!table && slot == IORING_FILE_INDEX_ALLOC)
		ret = io_fail(-ENFILE, "no registered files to allocate from");
	else if (!table)
		ret = io_fail(-ENXIO, "no files are registered");
	else if (slot == IORING_FILE_INDEX_ALLOC)
		ret = io_file_slot_alloc(table);
	else if (slot - 1 >= table->nr)
		ret = io_fail(-EINVAL, "file_index %u, %u registered", slot, table->nr);
	else
		ret = array_index_nospec(slot - 1, table->nr);
	/* what the slot holds may have a tag to post */
	if (ret >= 0 && io_rsrc_tag_prep(ctx, &table->tags, table->nr, 0, &t))
		ret = -ENOMEM;
	if (ret < 0) {
		fput(file);
		return ret;
	}
	io_file_slot_fill(ctx, table, ret, file);
	return slot == IORING_FILE_INDEX_ALLOC ? ret : 0;
}

/* io_fixed_install() into @req's ring, at its sqe->file_index. */
static int io_req_fixed_install(struct io_kiocb *req, struct file *file)
{
	int ret;

	io_req_ring_lock(req);
	ret = io_fixed_install(req->ctx, file, req->sqe.file_index);
	io_req_ring_unlock(req);
	return ret;
}

/* CLOSE of a direct descriptor: slot sqe->file_index - 1 is emptied. */
static int io_fixed_close(struct io_kiocb *req)
{
	struct io_file_table *table;
	struct io_rsrc_tag *t;
	u32 slot = req->sqe.file_index - 1;
	int ret = 0;

	io_req_ring_lock(req);
	table = req->ctx->file_table;
	if (!table)
		ret = io_fail(-ENXIO, "CLOSE: no files are registered");
	else if (slot >= table->nr)
		ret = io_fail(-EINVAL, "CLOSE: file_index %u, %u registered", slot + 1,
			      table->nr);
	else if (!table->files[array_index_nospec(slot, table->nr)])
		ret = io_fail(-EBADF, "CLOSE: slot %u is empty", slot);
	else
		ret = io_rsrc_tag_prep(req->ctx, &table->tags, table->nr, 0, &t);
	if (!ret && table)
		io_file_slot_clear(req->ctx, table, array_index_nospec(slot, table->nr));
	io_req_ring_unlock(req);
	return ret;
}

/*
 * The file at slot @index of @req's ring, with a reference, or NULL.
 */
/* The registered file at slot @index, with a reference; uring_lock held. */
static struct file *io_fixed_file_ref(struct io_ring_ctx *ctx, u64 index)
{
	struct io_file_table *table = ctx->file_table;
	struct file *file = NULL;

	lockdep_assert_held(&ctx->uring_lock);
	if (table && index < table->nr)
		file = table->files[array_index_nospec(index, table->nr)];
	if (file)
		get_file(file);
	return file;
}

static struct file *io_fixed_file_get(struct io_kiocb *req, u64 index)
{
	struct file *file;

	io_req_ring_lock(req);
	file = io_fixed_file_ref(req->ctx, index);
	io_req_rsrc_node_get(req);
	io_req_ring_unlock(req);
	return file;
}

/* ---- teardown ---------------------------------------------------------- */

/*
 * Where the SQ ring starts in the rings' allocation: after the CQ ring,
 * whose CQEs take two slots each with IORING_SETUP_CQE32.
 */
static size_t io_sq_ring_offset(u32 flags, unsigned int cq_entries)
{
	unsigned int slots = flags & IORING_SETUP_CQE32 ? 2 * cq_entries : cq_entries;

	return ALIGN(struct_size((struct io_cq_ring *)NULL, cqes, slots), SMP_CACHE_BYTES);
}

/* Both rings, in one allocation (sizes are bounded: no overflow). */
static size_t io_rings_size(u32 flags, unsigned int sq_entries, unsigned int cq_entries)
{
	return io_sq_ring_offset(flags, cq_entries) +
	       struct_size((struct io_sq_ring *)NULL, array, sq_entries);
}

/* The SQE array: two slots each with IORING_SETUP_SQE128. */
static size_t io_sqes_size(u32 flags, unsigned int sq_entries)
{
	unsigned int slots = flags & IORING_SETUP_SQE128 ? 2 * sq_entries : sq_entries;

	return array_size(sizeof(struct io_uring_sqe), slots);
}

/* Zeroed, physically contiguous memory that userspace maps. */
static void *io_mem_alloc(size_t size)
{
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN | __GFP_COMP |
		    __GFP_NORETRY;

	return (void *)__get_free_pages(gfp, get_order(size));
}

static void io_mem_free(void *ptr)
{
	struct page *page;

	if (!ptr)
		return;
	page = virt_to_head_page(ptr);
	free_pages((unsigned long)ptr, compound_order(page));
}

/* Give the ring's memory back to RLIMIT_MEMLOCK, once. */
static void io_personalities_free(struct io_ring_ctx *ctx);
static void io_buffers_free(struct io_ring_ctx *ctx);
static void io_rsrc_nodes_free(struct io_ring_ctx *ctx);

static void io_ring_ctx_free(struct io_ring_ctx *ctx)
{
	struct io_ev_fd *ev_fd;

	io_sq_detach(ctx);
	if (ctx->sq_creds)
		put_cred(ctx->sq_creds);
	/* the last request may have queued a wakeup just before it went */
	irq_work_sync(&ctx->wake_work);
	io_personalities_free(ctx);
	io_buffers_free(ctx);
	io_rsrc_nodes_free(ctx);
	io_req_cache_free(ctx);
	kfree(ctx->restrictions);
	if (ctx->issuer)
		put_task_struct(ctx->issuer);
	io_cqring_backlog_free(ctx);
	/* no reference is left, so nothing can be signalling it */
	ev_fd = rcu_dereference_protected(ctx->ev_fd, true);
	if (ev_fd)
		io_eventfd_free(&ev_fd->rcu);
	/* the CQ ring starts the allocation that holds the SQ ring too */
	io_mem_free(ctx->cq_ring);
	io_mem_free(ctx->sq_sqes);
	free_uid(ctx->user);
	percpu_ref_exit(&ctx->refs);
	kfree(ctx->poll_hash);
	kfree(ctx);
}

static void io_ring_exit_work(struct work_struct *work)
{
	io_ring_ctx_free(container_of(work, struct io_ring_ctx, exit_work));
}

/*
 * The last request of a closed ring is gone: free it.  This may run in
 * interrupt context, and stopping the SQ thread sleeps, hence the work.
 */
static void io_ring_ctx_ref_free(struct percpu_ref *ref)
{
	struct io_ring_ctx *ctx = container_of(ref, struct io_ring_ctx, refs);

	queue_work(system_unbound_wq, &ctx->exit_work);
}

static void io_ring_detach_tasks(struct io_ring_ctx *ctx);

/*
 * Closing the ring does not wait for requests in flight: each holds a
 * reference, and the last one to go frees the ring.  What would wait for
 * ever is ended: held-back requests, timeouts, armed polls, work queued in
 * the submitters' pools (and work that blocks there is interrupted).
 * Polled requests complete only when somebody polls, so reap those here.
 */
static int io_uring_release(struct inode *inode, struct file *file)
{
	struct io_ring_ctx *ctx = file->private_data;

	file->private_data = NULL;
	/*
	 * Ours, for the length of the teardown: once the ring is killed, the
	 * last request (or task node) to go would free it under us.
	 */
	percpu_ref_get(&ctx->refs);
	io_sq_detach(ctx);
	mutex_lock(&ctx->uring_lock);
	percpu_ref_kill(&ctx->refs);
	if (ctx->file_table)
		io_files_unregister(ctx);
	if (ctx->buf_table)
		io_buffers_unregister(ctx);
	mutex_unlock(&ctx->uring_lock);
	io_ring_detach_tasks(ctx);
	io_drain_cancel_all(ctx, NULL);
	io_timeout_cancel_all(ctx, NULL);
	io_poll_remove_all(ctx, NULL);
	io_async_cancel_all(ctx);
	io_retry_cancel_deferred(ctx);
	io_iopoll_reap_all(ctx);
	percpu_ref_put(&ctx->refs);
	return 0;
}

static __poll_t io_uring_poll(struct file *file, poll_table *wait)
{
	struct io_ring_ctx *ctx = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &ctx->wait, wait);
	/* the wait entry is queued before the rings are looked at */
	smp_rmb();
	if (!io_sqring_full(ctx))
		mask |= EPOLLOUT | EPOLLWRNORM;
	/*
	 * Backlogged CQEs are readable too, and DEFER_TASKRUN's unshown ones
	 * and the retries its issuer has yet to run: io_uring_enter() moves
	 * them in, or runs them.
	 */
	if (io_cqring_events(ctx) || !list_empty_careful(&ctx->cq_backlog) ||
	    io_cqring_hidden(ctx) || !llist_empty(&ctx->retry_list))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static int io_uring_mmap(struct file *file, struct vm_area_struct *vma)
{
	loff_t offset = (loff_t)vma->vm_pgoff << PAGE_SHIFT;
	unsigned long size = vma->vm_end - vma->vm_start;
	struct io_ring_ctx *ctx = file->private_data;
	struct page *page;
	void *ptr;

	switch (offset) {
	case IORING_OFF_SQ_RING:
	case IORING_OFF_CQ_RING:
		/* one allocation holds both rings; the offsets say where */
		ptr = ctx->cq_ring;
		break;
	case IORING_OFF_SQES:
		ptr = ctx->sq_sqes;
		break;
	default:
		return io_fail(-EINVAL, "mmap: offset %#llx is none of the rings", offset);
	}

	page = virt_to_head_page(ptr);
	if (size > page_size(page))
		return io_fail(-EINVAL, "mmap: %lu bytes at %#llx, %lu there", size, offset,
			       page_size(page));
	return remap_pfn_range(vma, vma->vm_start, page_to_pfn(page), size,
			       vma->vm_page_prot);
}

#ifdef CONFIG_PROC_FS
/* IORING_SETUP_SQE128: an SQE's second half, as 6.1 prints it */
static void io_fdinfo_sqe_tail(struct seq_file *m, const struct io_uring_sqe *half)
{
	const u64 *w = (const u64 *)half;
	int j;

	for (j = 0; j < sizeof(*half) / sizeof(u64); j++)
		seq_printf(m, ", e%d:0x%llx", j, READ_ONCE(w[j]));
}

/*
 * /proc/<pid>/fdinfo/<ring fd>: the rings' indices and what waits in
 * them, in the layout 6.1 prints.  The rings are userspace's memory: every
 * index read from them is masked, and every count bounded by the ring size.
 */
static void io_fdinfo_rings(struct seq_file *m, struct io_ring_ctx *ctx)
{
	struct io_sq_ring *sq = ctx->sq_ring;
	struct io_cq_ring *cq = ctx->cq_ring;
	unsigned int sq_head = READ_ONCE(sq->r.head);
	unsigned int sq_tail = READ_ONCE(sq->r.tail);
	unsigned int cq_head = READ_ONCE(cq->r.head);
	unsigned int cq_tail = READ_ONCE(cq->r.tail);
	unsigned int i, n, cached;

	/* a snapshot: it moves under uring_lock, which is not held here */
	cached = data_race(ctx->cached_sq_head);
	seq_printf(m, "SqMask:\t0x%x\nSqHead:\t%u\nSqTail:\t%u\nCachedSqHead:\t%u\n",
		   ctx->sq_mask, sq_head, sq_tail, cached);
	/* a snapshot: it moves under completion_lock, not held here */
	cached = data_race(ctx->cached_cq_tail);
	seq_printf(m, "CqMask:\t0x%x\nCqHead:\t%u\nCqTail:\t%u\nCachedCqTail:\t%u\n",
		   ctx->cq_mask, cq_head, cq_tail, cached);

	seq_printf(m, "SQEs:\t%u\n", sq_tail - sq_head);
	n = min(sq_tail - sq_head, ctx->sq_entries);
	for (i = 0; i < n; i++) {
		u32 idx = READ_ONCE(sq->array[(sq_head + i) & ctx->sq_mask]);
		const struct io_uring_sqe *sqe;

		if (idx >= ctx->sq_entries) {
			seq_printf(m, "%5u: out of range\n", idx);
			continue;
		}
		sqe = &ctx->sq_sqes[idx << ctx->sqe_shift];
		seq_printf(m, "%5u: opcode:%u, fd:%d, flags:%x, off:%llu, addr:0x%llx, rw_flags:0x%x, buf_index:%u user_data:%llu",
			   idx, READ_ONCE(sqe->opcode), READ_ONCE(sqe->fd),
			   READ_ONCE(sqe->flags), READ_ONCE(sqe->off),
			   READ_ONCE(sqe->addr), READ_ONCE(sqe->rw_flags),
			   READ_ONCE(sqe->buf_index), READ_ONCE(sqe->user_data));
		if (ctx->sqe_shift)
			io_fdinfo_sqe_tail(m, sqe + 1);
		seq_puts(m, "\n");
	}

	seq_printf(m, "CQEs:\t%u\n", cq_tail - cq_head);
	n = min(cq_tail - cq_head, ctx->cq_entries);
	for (i = 0; i < n; i++) {
		unsigned int slot = ((cq_head + i) & ctx->cq_mask) << ctx->cqe_shift;
		const struct io_uring_cqe *cqe = (const struct io_uring_cqe *)&cq->cqes[slot];

		seq_printf(m, "%5u: user_data:%llu, res:%d, flag:%x",
			   (cq_head + i) & ctx->cq_mask, READ_ONCE(cqe->user_data),
			   READ_ONCE(cqe->res), READ_ONCE(cqe->flags));
		if (ctx->cqe_shift)
			seq_printf(m, ", extra1:%llu, extra2:%llu",
				   READ_ONCE(cqe->big_cqe[0]), READ_ONCE(cqe->big_cqe[1]));
		seq_puts(m, "\n");
	}
}

/*
 * The registered tables; uring_lock held, so submitters wait while this
 * runs: it stops once the seq_file buffer is full (the read is retried
 * with a larger one) and yields between slots.
 */
static void io_fdinfo_tables(struct seq_file *m, struct io_ring_ctx *ctx)
{
	struct io_file_table *files = ctx->file_table;
	struct io_buf_table *bufs = ctx->buf_table;
	unsigned int i;

	seq_printf(m, "UserFiles:\t%u\n", ctx->nr_user_files);
	for (i = 0; files && i < files->nr && !seq_has_overflowed(m); i++) {
		seq_printf(m, "%5u: ", i);
		if (files->files[i])
			seq_file_path(m, files->files[i], " \t\n\\");
		else
			seq_puts(m, "<none>");
		seq_putc(m, '\n');
		cond_resched();
	}
	seq_printf(m, "UserBufs:\t%u\n", ctx->nr_user_bufs);
	for (i = 0; bufs && i < bufs->nr && !seq_has_overflowed(m); i++) {
		const struct io_mapped_ubuf *imu = bufs->bufs[i];

		if (imu)
			seq_printf(m, "%5u: 0x%llx/%zu\n", i, imu->ubuf, imu->len);
		else
			seq_printf(m, "%5u: <none>\n", i);
		cond_resched();
	}
}

/*
 * Armed polls and CQEs waiting for room in the CQ ring.  Userspace decides
 * how many there are, and completion_lock is taken with interrupts off:
 * at most IO_FDINFO_LIST_MAX of each are shown.
 */
#define IO_FDINFO_LIST_MAX	64

static void io_fdinfo_lists(struct seq_file *m, struct io_ring_ctx *ctx)
{
	struct io_backlog_cqe *b;
	struct io_kiocb *req;
	unsigned int n = 0, i;

	spin_lock_irq(&ctx->completion_lock);
	seq_puts(m, "PollList:\n");
	for (i = 0; i < 1U << ctx->poll_hash_bits && n <= IO_FDINFO_LIST_MAX; i++) {
		list_for_each_entry(req, &ctx->poll_hash[i], list) {
			if (n++ == IO_FDINFO_LIST_MAX) {
				seq_puts(m, "  ...\n");
				break;
			}
			seq_printf(m, "  op=%u, user_data=%llu\n", req->sqe.opcode,
				   req->user_data);
		}
	}
	seq_puts(m, "CqOverflowList:\n");
	n = 0;
	list_for_each_entry(b, &ctx->cq_backlog, list) {
		if (n++ == IO_FDINFO_LIST_MAX) {
			seq_puts(m, "  ...\n");
			break;
		}
		seq_printf(m, "  user_data=%llu, res=%d, flags=%x\n",
			   b->cqe.user_data, b->cqe.res, b->cqe.flags);
	}
	spin_unlock_irq(&ctx->completion_lock);
}

static void io_uring_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct io_ring_ctx *ctx = file->private_data;
	struct io_sq_data *sqd = ctx->sq_data;
	struct pid_namespace *ns = proc_pid_ns(file_inode(m->file)->i_sb);
	struct task_struct *sq = NULL;

	io_fdinfo_rings(m, ctx);
	/* an SQ thread that is gone (its process died) shows as none */
	if (sqd && !READ_ONCE(sqd->dead))
		sq = sqd->thread;
	seq_printf(m, "SqThread:\t%d\nSqThreadCpu:\t%d\n",
		   sq ? task_pid_nr_ns(sq, ns) : -1, sq ? task_cpu(sq) : -1);
	/*
	 * A reader must never wait behind a submitter (which may itself be
	 * blocked for long): without uring_lock at once, only the tables'
	 * sizes are shown.
	 */
	if (mutex_trylock(&ctx->uring_lock)) {
		io_fdinfo_tables(m, ctx);
		mutex_unlock(&ctx->uring_lock);
	} else {
		seq_printf(m, "UserFiles:\t%u\nUserBufs:\t%u\n",
			   READ_ONCE(ctx->nr_user_files), READ_ONCE(ctx->nr_user_bufs));
	}
	io_fdinfo_lists(m, ctx);
}
#endif

static const struct file_operations io_uring_fops = {
	.release	= io_uring_release,
	.mmap		= io_uring_mmap,
	.poll		= io_uring_poll,
#ifdef CONFIG_PROC_FS
	.show_fdinfo	= io_uring_show_fdinfo,
#endif
};

bool io_is_uring_fops(struct file *file)
{
	return file->f_op == &io_uring_fops;
}

/* ---- tasks: their I/O threads, exit and exec ------------------------------ */

/*
 * A task gets its io_uring_task, with a pool for its I/O threads, when it
 * first submits, and a node (io_task_ring) on each ring it submits to.  The
 * node holds the ring: at exit or exec the task cancels its requests on
 * every ring it used and waits until none of them is left, so that no
 * request outlives the memory, files and threads it runs with.  Releasing
 * a ring drops the nodes of every task on it: it cancels everything there
 * itself.
 */

static struct io_uring_task *io_tctx_alloc(struct task_struct *task)
{
	struct io_uring_task *tctx;

	tctx = kzalloc(sizeof(*tctx), GFP_KERNEL_ACCOUNT);
	if (!tctx)
		return NULL;
	tctx->wq = io_wq_create(&io_wq_ops, task);
	if (!tctx->wq) {
		kfree(tctx);
		return NULL;
	}
	INIT_LIST_HEAD(&tctx->rings);
	init_waitqueue_head(&tctx->wait);
	return tctx;
}

/* Give @task a node on @ctx, unless it has one; @ctx is live. */
static int io_task_attach(struct io_ring_ctx *ctx, struct task_struct *task)
{
	struct io_uring_task *tctx = task->io_uring;
	struct io_task_ring *node, *new;

	new = kmalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return -ENOMEM;
	spin_lock(&io_task_lock);
	list_for_each_entry(node, &tctx->rings, task_node) {
		if (node->ctx == ctx)
			goto found;
	}
	new->tctx = tctx;
	new->ctx = ctx;
	list_add(&new->task_node, &tctx->rings);
	list_add(&new->ctx_node, &ctx->task_list);
	percpu_ref_get(&ctx->refs);
	new = NULL;
found:
	WRITE_ONCE(tctx->last_ctx, ctx);
	spin_unlock(&io_task_lock);
	kfree(new);
	return 0;
}

static int __io_task_prepare(struct io_ring_ctx *ctx)
{
	struct io_uring_task *tctx = current->io_uring;

	if (!tctx) {
		tctx = io_tctx_alloc(current);
		if (!tctx)
			return -ENOMEM;
		current->io_uring = tctx;
	} else if (!tctx->wq) {
		/* after exec */
		tctx->wq = io_wq_create(&io_wq_ops, current);
		if (!tctx->wq)
			return -ENOMEM;
	}
	return io_task_attach(ctx, current);
}

/*
 * Before current submits to @ctx: its pool, and its node on the ring.
 * Inline, what is true of every submission but a task's first to a ring.
 */
static __always_inline int io_task_prepare(struct io_ring_ctx *ctx)
{
	struct io_uring_task *tctx = current->io_uring;

	if (likely(tctx && READ_ONCE(tctx->last_ctx) == ctx))
		return 0;
	return __io_task_prepare(ctx);
}

/* The ring is released: it cancels all on its own, drop the tasks' nodes. */
static void io_ring_detach_tasks(struct io_ring_ctx *ctx)
{
	struct io_task_ring *node, *tmp;
	LIST_HEAD(gone);

	spin_lock(&io_task_lock);
	list_for_each_entry_safe(node, tmp, &ctx->task_list, ctx_node) {
		list_del(&node->task_node);
		list_move(&node->ctx_node, &gone);
		if (node->tctx->last_ctx == ctx)
			WRITE_ONCE(node->tctx->last_ctx, NULL);
	}
	spin_unlock(&io_task_lock);
	list_for_each_entry_safe(node, tmp, &gone, ctx_node) {
		percpu_ref_put(&ctx->refs);
		kfree(node);
	}
}

/*
 * At its task's exit (exec ends everything), a request that needs nothing
 * more from the task outlives it, as on 6.1: an armed POLL_ADD or a
 * TIMEOUT on its own (no chain after it, no LINK_TIMEOUT), and not waiting
 * on an io_uring, for a ring polling itself would then never go.
 */
static bool io_req_outlives_task(struct io_kiocb *req)
{
	if (!list_empty(&req->link_list) || READ_ONCE(req->link_timeout))
		return false;
	/* tracked for a pool (IOSQE_ASYNC, a drain, a chain): that pool goes */
	if (!list_empty_careful(&req->async_node))
		return false;
	if (req->sqe.opcode == IORING_OP_TIMEOUT)
		return true;
	return req->sqe.opcode == IORING_OP_POLL_ADD && !io_is_uring_fops(req->poll.file);
}

/*
 * Let @task's requests that outlive it go: they stop counting as its
 * (req->task NULL), and a poll wakeup one still needs finishes in a
 * kworker.  The ring's release ends them if nothing else does.
 */
/* Armed @req outlives its task: it stops being the task's. */
static void io_poll_let_go(struct io_kiocb *req)
{
	struct wait_queue_head *head;

	/* its wakeup reads ->task under the wait queue's lock */
	rcu_read_lock();
	/* as in io_poll_unhook(): a set ->head names a live queue */
	head = smp_load_acquire(&req->poll.head);
	if (head) {
		spin_lock(&head->lock);
		WRITE_ONCE(req->task, NULL);
		spin_unlock(&head->lock);
	} else {
		WRITE_ONCE(req->task, NULL);
	}
	rcu_read_unlock();
}

static void io_task_let_go(struct io_ring_ctx *ctx, struct task_struct *task)
{
	struct io_kiocb *req;
	unsigned int i;

	spin_lock_irq(&ctx->completion_lock);
	list_for_each_entry(req, &ctx->timeout_list, list) {
		if (req->task == task && io_req_outlives_task(req)) {
			req->task = NULL;
			io_task_put_inflight(task, 1);
		}
	}
	for (i = 0; i < 1U << ctx->poll_hash_bits; i++) {
		list_for_each_entry(req, &ctx->poll_hash[i], list) {
			if (req->task == task && io_req_outlives_task(req)) {
				io_poll_let_go(req);
				io_task_put_inflight(task, 1);
			}
		}
	}
	spin_unlock_irq(&ctx->completion_lock);
}

/*
 * End what @task left on @ctx that would wait: polls, timeouts, drains;
 * at its exit (not @exec), some of those outlive it instead.
 */
static void io_ring_cancel_task(struct io_ring_ctx *ctx, struct task_struct *task, bool exec)
{
	if (!exec)
		io_task_let_go(ctx, task);
	io_drain_cancel_all(ctx, task);
	io_timeout_cancel_all(ctx, task);
	io_poll_remove_all(ctx, task);
	/* the retries that wait for it: they see it is leaving, and end */
	if (ctx->issuer == task)
		io_retry_run_deferred(ctx);
	/* polled requests complete only when somebody polls */
	io_iopoll_reap_all(ctx);
}

/* Exit or exec: the registered ring fds go, as the fd table's do. */
static void io_ring_fds_drop(struct io_uring_task *tctx)
{
	int i;

	for (i = 0; i < IO_RING_FDS_MAX; i++) {
		if (tctx->ring_files[i]) {
			fput(tctx->ring_files[i]);
			tctx->ring_files[i] = NULL;
		}
	}
}

/*
 * current exits or execs: stop its I/O threads (what they queued is
 * cancelled, what blocks in them is interrupted; but a thread that exits
 * alone lets its file and disk work finish first), end what waits on its
 * rings (at exit, lone polls and timeouts outlive it instead), and wait
 * until the last of its requests is gone (a read in flight on a disk,
 * say).  Then free the pool; after exec, the next submission makes a new
 * one.
 */
void __io_uring_cancel_task(void)
{
	struct io_uring_task *tctx = current->io_uring;
	/* the hook in begin_new_exec() runs inside execve(), do_exit()'s not */
	bool exec = current->in_execve;
	struct io_task_ring *node, *tmp;
	LIST_HEAD(rings);

	io_ring_fds_drop(tctx);
	if (!tctx->wq)
		return;
	/* a thread's exit, not its process's: its writes are done, not lost */
	if (!exec && !(current->signal->flags & SIGNAL_GROUP_EXIT))
		io_wq_finish_bounded(tctx->wq);
	io_wq_stop(tctx->wq);

	/* the nodes are ours now: a release of the ring leaves them be */
	spin_lock(&io_task_lock);
	list_for_each_entry_safe(node, tmp, &tctx->rings, task_node) {
		list_del(&node->ctx_node);
		list_move(&node->task_node, &rings);
	}
	WRITE_ONCE(tctx->last_ctx, NULL);
	spin_unlock(&io_task_lock);

	WRITE_ONCE(tctx->cancelling, true);
	/* pairs with the full barrier of the decrement in io_task_put_inflight() */
	smp_mb();
	while (atomic_long_read(&tctx->inflight)) {
		list_for_each_entry(node, &rings, task_node)
			io_ring_cancel_task(node->ctx, current, exec);
		/* retries as our task work (io_retry_by_task()) end there */
		io_run_task_work();
		wait_event_timeout(tctx->wait, !atomic_long_read(&tctx->inflight), HZ / 10);
	}
	WRITE_ONCE(tctx->cancelling, false);

	list_for_each_entry_safe(node, tmp, &rings, task_node) {
		percpu_ref_put(&node->ctx->refs);
		kfree(node);
	}
	io_wq_free(tctx->wq);
	tctx->wq = NULL;
}

/* The task struct goes: its requests went at its exit. */
void __io_uring_free_task(struct task_struct *tsk)
{
	struct io_uring_task *tctx = tsk->io_uring;

	WARN_ON_ONCE(tctx->wq || atomic_long_read(&tctx->inflight));
	tsk->io_uring = NULL;
	kfree_rcu(tctx, rcu);
}

/* ---- setup ------------------------------------------------------------- */

static int io_allocate_rings(struct io_ring_ctx *ctx, struct io_uring_params *p)
{
	struct io_sq_ring *sq;
	struct io_cq_ring *cq;

	cq = io_mem_alloc(io_rings_size(p->flags, p->sq_entries, p->cq_entries));
	if (!cq)
		return -ENOMEM;
	ctx->cq_ring = cq;
	cq->ring_mask = p->cq_entries - 1;
	cq->ring_entries = p->cq_entries;
	ctx->cq_mask = cq->ring_mask;
	ctx->cq_entries = cq->ring_entries;

	ctx->cqe_shift = !!(p->flags & IORING_SETUP_CQE32);
	sq = (void *)cq + io_sq_ring_offset(p->flags, p->cq_entries);
	ctx->sq_ring = sq;
	sq->ring_mask = p->sq_entries - 1;
	sq->ring_entries = p->sq_entries;
	ctx->sq_mask = sq->ring_mask;
	ctx->sq_entries = sq->ring_entries;

	ctx->sqe_shift = !!(p->flags & IORING_SETUP_SQE128);
	ctx->sq_sqes = io_mem_alloc(io_sqes_size(p->flags, p->sq_entries));
	if (!ctx->sq_sqes)
		return -ENOMEM;
	return 0;
}

/*
 * Every offset is from the start of the rings' allocation, which both
 * IORING_OFF_SQ_RING and IORING_OFF_CQ_RING map: clients that map the two
 * separately and clients that map once (IORING_FEAT_SINGLE_MMAP) both work.
 */
static void io_fill_offsets(struct io_uring_params *p)
{
	u32 sq = io_sq_ring_offset(p->flags, p->cq_entries);

	memset(&p->sq_off, 0, sizeof(p->sq_off));
	p->sq_off.head = sq + offsetof(struct io_sq_ring, r.head);
	p->sq_off.tail = sq + offsetof(struct io_sq_ring, r.tail);
	p->sq_off.ring_mask = sq + offsetof(struct io_sq_ring, ring_mask);
	p->sq_off.ring_entries = sq + offsetof(struct io_sq_ring, ring_entries);
	p->sq_off.flags = sq + offsetof(struct io_sq_ring, flags);
	p->sq_off.dropped = sq + offsetof(struct io_sq_ring, dropped);
	p->sq_off.array = sq + offsetof(struct io_sq_ring, array);

	memset(&p->cq_off, 0, sizeof(p->cq_off));
	p->cq_off.head = offsetof(struct io_cq_ring, r.head);
	p->cq_off.tail = offsetof(struct io_cq_ring, r.tail);
	p->cq_off.ring_mask = offsetof(struct io_cq_ring, ring_mask);
	p->cq_off.ring_entries = offsetof(struct io_cq_ring, ring_entries);
	p->cq_off.overflow = offsetof(struct io_cq_ring, overflow);
	p->cq_off.cqes = offsetof(struct io_cq_ring, cqes);
	p->cq_off.flags = offsetof(struct io_cq_ring, flags);
}

static struct io_ring_ctx *io_ring_ctx_alloc(struct io_uring_params *p)
{
	struct io_ring_ctx *ctx;
	int i;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return NULL;
	/* 16 bytes a bucket: 4 KiB for a CQ of 1024, at most 16 KiB */
	ctx->poll_hash_bits = clamp(ilog2(p->cq_entries) - 2, 1, 10);
	ctx->poll_hash = kmalloc_array(1U << ctx->poll_hash_bits, sizeof(*ctx->poll_hash),
				       GFP_KERNEL_ACCOUNT);
	if (!ctx->poll_hash ||
	    percpu_ref_init(&ctx->refs, io_ring_ctx_ref_free, 0, GFP_KERNEL)) {
		kfree(ctx->poll_hash);
		kfree(ctx);
		return NULL;
	}
	for (i = 0; i < 1U << ctx->poll_hash_bits; i++)
		INIT_LIST_HEAD(&ctx->poll_hash[i]);
	ctx->flags = p->flags;
	ctx->sq_entries = p->sq_entries;
	ctx->cq_entries = p->cq_entries;
	ctx->compat = in_compat_syscall();
	mutex_init(&ctx->uring_lock);
	INIT_LIST_HEAD(&ctx->poll_list);
	for (i = 0; i < ARRAY_SIZE(ctx->seq_run); i++) {
		spin_lock_init(&ctx->seq_run[i].lock);
		INIT_LIST_HEAD(&ctx->seq_run[i].list);
	}
	spin_lock_init(&ctx->completion_lock);
	init_waitqueue_head(&ctx->wait);
	init_waitqueue_head(&ctx->cancel_wait);
	init_waitqueue_head(&ctx->sq_space_wait);
	init_irq_work(&ctx->wake_work, io_cqring_wake_work);
	INIT_LIST_HEAD(&ctx->cq_backlog);
	INIT_LIST_HEAD(&ctx->defer_list);
	INIT_LIST_HEAD(&ctx->timeout_list);
	spin_lock_init(&ctx->async_lock);
	spin_lock_init(&ctx->link_timeout_lock);
	INIT_LIST_HEAD(&ctx->ltimeout_list);
	INIT_LIST_HEAD(&ctx->async_list);
	init_llist_head(&ctx->retry_list);
	INIT_WORK(&ctx->drain_work, io_drain_work);
	INIT_WORK(&ctx->ev_fd_work, io_eventfd_work);
	INIT_RCU_WORK(&ctx->ev_fd_rwork, io_eventfd_rwork);
	INIT_WORK(&ctx->exit_work, io_ring_exit_work);
	INIT_LIST_HEAD(&ctx->rsrc_nodes);
	spin_lock_init(&ctx->rsrc_lock);
	INIT_WORK(&ctx->rsrc_work, io_rsrc_work);
	INIT_LIST_HEAD(&ctx->sq_node);
	INIT_LIST_HEAD(&ctx->task_list);
	xa_init_flags(&ctx->personalities, XA_FLAGS_ALLOC1);
	mutex_init(&ctx->buf_lock);
	xa_init(&ctx->buf_groups);
	ctx->user = get_current_user();
	return ctx;
}

static int io_uring_get_fd(struct io_ring_ctx *ctx, struct file **filep)
{
	struct file *file;
	int fd;

	fd = get_unused_fd_flags(O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fd;
	file = anon_inode_getfile("[io_uring]", &io_uring_fops, ctx,
				  O_RDWR | O_CLOEXEC);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	*filep = file;
	return fd;
}

/*
 * The ring sizes: @entries SQEs, rounded up to a power of two, and twice as
 * many CQEs, or with IORING_SETUP_CQSIZE as many as p->cq_entries asks (a
 * power of two, no fewer than the SQEs).  IORING_SETUP_CLAMP turns a size
 * that is too large into the largest there is instead of an error.
 */
static int io_ring_sizes(unsigned int entries, struct io_uring_params *p)
{
	bool clamp = p->flags & IORING_SETUP_CLAMP;

	if (!entries)
		return io_fail(-EINVAL, "setup: 0 entries");
	if (entries > IORING_MAX_ENTRIES) {
		if (!clamp)
			return io_fail(-EINVAL, "setup: %u entries, more than %u", entries,
				       IORING_MAX_ENTRIES);
		entries = IORING_MAX_ENTRIES;
	}
	p->sq_entries = roundup_pow_of_two(entries);

	if (!(p->flags & IORING_SETUP_CQSIZE)) {
		p->cq_entries = 2 * p->sq_entries;
		return 0;
	}
	if (!p->cq_entries)
		return io_fail(-EINVAL, "setup: CQSIZE with 0 cq_entries");
	if (p->cq_entries > IORING_MAX_CQ_ENTRIES) {
		if (!clamp)
			return io_fail(-EINVAL, "setup: cq_entries %u, more than %u",
				       p->cq_entries, IORING_MAX_CQ_ENTRIES);
		p->cq_entries = IORING_MAX_CQ_ENTRIES;
	}
	p->cq_entries = roundup_pow_of_two(p->cq_entries);
	if (p->cq_entries < p->sq_entries)
		return io_fail(-EINVAL, "setup: cq_entries %u, fewer than the %u SQ entries",
			       p->cq_entries, p->sq_entries);
	return 0;
}

static int io_uring_create(unsigned int entries, struct io_uring_params *p,
			   struct io_uring_params __user *params)
{
	struct io_ring_ctx *ctx;
	struct file *file;
	int ret, fd;

	ret = io_ring_sizes(entries, p);
	if (ret)
		return ret;

	ctx = io_ring_ctx_alloc(p);
	if (!ctx)
		return -ENOMEM;
	/*
	 * The rings are charged to the memory cgroup (GFP_KERNEL_ACCOUNT), as
	 * since 5.12; RLIMIT_MEMLOCK holds what registered buffers and
	 * zero-copy sends pin, for users without CAP_IPC_LOCK.
	 */
	ctx->account_mem = !capable(CAP_IPC_LOCK);

	ret = io_allocate_rings(ctx, p);
	if (ret)
		goto err;
	if (p->flags & IORING_SETUP_ATTACH_WQ) {
		ret = io_sq_data_attach(ctx, p);
		if (ret)
			goto err;
	}
	if ((p->flags & (IORING_SETUP_SQ_AFF | IORING_SETUP_SQPOLL)) == IORING_SETUP_SQ_AFF) {
		ret = io_fail(-EINVAL, "setup: IORING_SETUP_SQ_AFF without IORING_SETUP_SQPOLL");
		goto err;
	}
	/* a disabled ring's issuer is whoever enables it */
	if ((p->flags & IORING_SETUP_SINGLE_ISSUER) && !(p->flags & IORING_SETUP_R_DISABLED))
		ctx->issuer = get_task_struct(current);

	fd = io_uring_get_fd(ctx, &file);
	if (fd < 0) {
		ret = fd;
		goto err;
	}
	/* from here on, the file's release tears the ring down */
	if (p->flags & IORING_SETUP_SQPOLL) {
		ret = io_sq_offload_start(ctx, p);
		if (ret)
			goto err_file;
	}
	/* last, so that a failed setup leaves the caller's params as they were */
	io_fill_offsets(p);
	p->features = IORING_FEATURES;
	if (copy_to_user(params, p, sizeof(*p))) {
		ret = io_fail(-EFAULT, "setup: cannot write params back to %#lx",
			      (unsigned long)params);
		goto err_file;
	}
	fd_install(fd, file);
	return fd;
err_file:
	put_unused_fd(fd);
	fput(file);
	return ret;
err:
	io_ring_ctx_free(ctx);
	return ret;
}

static bool io_uring_allowed(void)
{
	int disabled = READ_ONCE(sysctl_io_uring_disabled);
	kgid_t group;

	if (disabled == 2)
		return false;
	if (disabled == 0 || capable(CAP_SYS_ADMIN))
		return true;
	group = make_kgid(&init_user_ns, READ_ONCE(sysctl_io_uring_group));
	return gid_valid(group) && in_group_p(group);
}

static long io_uring_setup(u32 entries, struct io_uring_params __user *params)
{
	struct io_uring_params p;
	int i;

	if (!io_uring_allowed())
		return io_fail(-EPERM, "setup: refused by kernel.io_uring_disabled = %d",
			       READ_ONCE(sysctl_io_uring_disabled));

	if (copy_from_user(&p, params, sizeof(p)))
		return io_fail(-EFAULT, "setup: cannot read params at %#lx",
			       (unsigned long)params);
	for (i = 0; i < ARRAY_SIZE(p.resv); i++) {
		if (p.resv[i])
			return io_fail(-EINVAL, "setup: resv[%d] is %u, not zero", i, p.resv[i]);
	}
	if (p.flags & ~IORING_SETUP_VALID)
		return io_fail(-EINVAL, "setup: flags %#x unknown", p.flags & ~IORING_SETUP_VALID);
	/* as on 6.1: hints about interrupting the task mean nothing with SQPOLL */
	if ((p.flags & IORING_SETUP_SQPOLL) &&
	    (p.flags & (IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG |
			IORING_SETUP_DEFER_TASKRUN)))
		return io_fail(-EINVAL, "setup: a TASKRUN flag with SQPOLL");
	if ((p.flags & IORING_SETUP_TASKRUN_FLAG) &&
	    !(p.flags & (IORING_SETUP_COOP_TASKRUN | IORING_SETUP_DEFER_TASKRUN)))
		return io_fail(-EINVAL, "setup: TASKRUN_FLAG without COOP or DEFER_TASKRUN");
	/* only the issuer shows the CQEs: there must be one */
	if ((p.flags & IORING_SETUP_DEFER_TASKRUN) && !(p.flags & IORING_SETUP_SINGLE_ISSUER))
		return io_fail(-EINVAL, "setup: DEFER_TASKRUN without SINGLE_ISSUER");

	return io_uring_create(entries, &p, params);
}

SYSCALL_DEFINE2(io_uring_setup, u32, entries,
		struct io_uring_params __user *, params)
{
	return io_uring_setup(entries, params);
}

/* ---- the single issuer and restrictions -------------------------------- */

static noinline int io_issuer_refuse(const char *what)
{
	return io_fail(-EEXIST, "%s: a single-issuer ring, and not its issuer", what);
}

/*
 * IORING_SETUP_SINGLE_ISSUER: only the task that set the ring up, or that
 * enabled it (IORING_SETUP_R_DISABLED), submits and registers; others get
 * -EEXIST.  An SQPOLL ring's SQ thread submits, whoever fills its SQ.
 */
static __always_inline int io_issuer_check(struct io_ring_ctx *ctx, const char *what)
{
	struct task_struct *issuer = READ_ONCE(ctx->issuer);

	if (unlikely(issuer && issuer != current))
		return io_issuer_refuse(what);
	return 0;
}

/* What one struct io_uring_restriction allows, added to @res. */
static int io_restriction_add(struct io_restrictions *res, const struct io_uring_restriction *r)
{
	switch (r->opcode) {
	case IORING_RESTRICTION_REGISTER_OP:
		if (r->register_op >= IORING_REGISTER_LAST)
			return io_fail(-EINVAL, "register: restriction of register opcode %u",
				       r->register_op);
		__set_bit(r->register_op, res->register_op);
		return 0;
	case IORING_RESTRICTION_SQE_OP:
		if (r->sqe_op >= IORING_OP_LAST)
			return io_fail(-EINVAL, "register: restriction of opcode %u", r->sqe_op);
		__set_bit(r->sqe_op, res->sqe_op);
		return 0;
	case IORING_RESTRICTION_SQE_FLAGS_ALLOWED:
		res->sqe_flags_allowed = r->sqe_flags;
		return 0;
	case IORING_RESTRICTION_SQE_FLAGS_REQUIRED:
		res->sqe_flags_required = r->sqe_flags;
		return 0;
	default:
		return io_fail(-EINVAL, "register: restriction type %u unknown", r->opcode);
	}
}

#define IO_MAX_RESTRICTIONS	(IORING_RESTRICTION_LAST + IORING_REGISTER_LAST + IORING_OP_LAST)

/*
 * IORING_REGISTER_RESTRICTIONS: @nr_args struct io_uring_restriction at
 * @arg, once, while the ring is disabled; none at all allows nothing.
 * Nothing is kept if one is bad.  Their resv fields are not looked at:
 * 6.1 does not, and liburing's own test leaves them uninitialised.
 */
static int io_restrictions_register(struct io_ring_ctx *ctx, void __user *arg,
				    unsigned int nr_args)
{
	struct io_uring_restriction *r;
	struct io_restrictions *res;
	unsigned int i;
	int ret = 0;

	if (!(ctx->flags & IORING_SETUP_R_DISABLED))
		return io_fail(-EBADFD, "register: RESTRICTIONS after the ring was enabled");
	if (ctx->restrictions)
		return io_fail(-EBUSY, "register: RESTRICTIONS are registered already");
	if (!arg || nr_args > IO_MAX_RESTRICTIONS)
		return io_fail(-EINVAL, "register: RESTRICTIONS takes up to %u, at an address",
			       IO_MAX_RESTRICTIONS);
	r = memdup_user(arg, array_size(nr_args, sizeof(*r)));
	if (IS_ERR(r))
		return io_fail(PTR_ERR(r), "register: cannot read the restrictions");
	res = kzalloc(sizeof(*res), GFP_KERNEL_ACCOUNT);
	if (!res) {
		kfree(r);
		return -ENOMEM;
	}
	for (i = 0; i < nr_args && !ret; i++)
		ret = io_restriction_add(res, &r[i]);
	kfree(r);
	if (ret) {
		kfree(res);
		return ret;
	}
	ctx->restrictions = res;
	return 0;
}

/*
 * IORING_REGISTER_ENABLE_RINGS: a ring set up IORING_SETUP_R_DISABLED
 * starts, restricted if restrictions were registered; with
 * IORING_SETUP_SINGLE_ISSUER, the caller becomes its issuer.
 */
static int io_rings_enable(struct io_ring_ctx *ctx)
{
	if (!(ctx->flags & IORING_SETUP_R_DISABLED))
		return io_fail(-EBADFD, "register: ENABLE_RINGS on a ring that is enabled");
	if ((ctx->flags & IORING_SETUP_SINGLE_ISSUER) && !ctx->issuer)
		WRITE_ONCE(ctx->issuer, get_task_struct(current));
	ctx->restricted = !!ctx->restrictions;
	/* what was set above is seen by whoever sees the ring enabled */
	smp_store_release(&ctx->flags, ctx->flags & ~IORING_SETUP_R_DISABLED);
	if (ctx->sq_data)
		wake_up(&ctx->sq_data->wait);
	return 0;
}

/* Whether a restricted ring allows register @opcode: 0, or why not. */
static int io_register_allowed(struct io_ring_ctx *ctx, unsigned int opcode)
{
	if (!ctx->restricted)
		return 0;
	if (opcode >= IORING_REGISTER_LAST)
		return io_fail(-EINVAL, "register: opcode %u unknown", opcode);
	if (!test_bit(array_index_nospec(opcode, IORING_REGISTER_LAST),
		      ctx->restrictions->register_op))
		return io_fail(-EACCES, "register: opcode %u not allowed here", opcode);
	return 0;
}

/* ---- enter and register ------------------------------------------------ */

/*
 * IORING_ENTER_EXT_ARG: @argp is a struct io_uring_getevents_arg of @argsz
 * bytes, which holds the signal mask and the wait's time limit.  Without
 * it, @argp is the signal mask itself.
 */
static int io_enter_arg(u32 flags, const void __user *argp, size_t argsz,
			const sigset_t __user **sig, size_t *sigsz, ktime_t *timeout)
{
	struct io_uring_getevents_arg arg;
	struct timespec64 ts;

	*timeout = KTIME_MAX;
	if (!(flags & IORING_ENTER_EXT_ARG)) {
		*sig = argp;
		*sigsz = argsz;
		return 0;
	}
	if (argsz != sizeof(arg))
		return io_fail(-EINVAL, "enter: EXT_ARG size %zu, not %zu", argsz, sizeof(arg));
	if (copy_from_user(&arg, argp, sizeof(arg)))
		return io_fail(-EFAULT, "enter: cannot read the EXT_ARG at %#lx",
			       (unsigned long)argp);
	if (arg.pad)
		return io_fail(-EINVAL, "enter: EXT_ARG pad must be zero");
	*sig = u64_to_user_ptr(arg.sigmask);
	*sigsz = arg.sigmask_sz;
	if (!arg.ts)
		return 0;
	if (get_timespec64(&ts, u64_to_user_ptr(arg.ts)))
		return io_fail(-EFAULT, "enter: cannot read the timespec at %#llx", arg.ts);
	*timeout = timespec64_to_ktime(ts);
	return 0;
}

static int io_enter_getevents(struct io_ring_ctx *ctx, u32 min_complete, u32 flags,
			      const void __user *argp, size_t argsz)
{
	const sigset_t __user *sig;
	ktime_t timeout;
	size_t sigsz;
	int ret;

	ret = io_enter_arg(flags, argp, argsz, &sig, &sigsz, &timeout);
	if (ret)
		return ret;
	min_complete = min(min_complete, ctx->cq_entries);
	if (!(ctx->flags & IORING_SETUP_IOPOLL))
		return io_cqring_wait(ctx, min_complete, sig, sigsz, timeout);

	/* DEFER_TASKRUN: what completed elsewhere (a worker, say) counts too */
	io_retry_run_deferred(ctx);
	io_cqring_publish(ctx);
	mutex_lock(&ctx->uring_lock);
	ret = io_iopoll_check(ctx, min_complete);
	mutex_unlock(&ctx->uring_lock);
	io_cqring_publish(ctx);
	return ret;
}

/*
 * IORING_ENTER_SQ_WAIT on an SQPOLL ring: sleep until its SQ thread has
 * made room in the SQ ring, a signal comes, or the thread exits (the next
 * call says -EOWNERDEAD).  A thread asleep is woken to make the room.  As
 * on 6.1, the call returns as it would have anyway.
 */
static void io_sq_wait_space(struct io_ring_ctx *ctx)
{
	struct io_sq_data *sqd = ctx->sq_data;
	DEFINE_WAIT(wait);

	while (io_sqring_full(ctx) && !signal_pending(current)) {
		prepare_to_wait(&ctx->sq_space_wait, &wait, TASK_INTERRUPTIBLE);
		if (!io_sqring_full(ctx) || READ_ONCE(sqd->dead))
			break;
		if (atomic_read(&ctx->sq_ring->flags) & IORING_SQ_NEED_WAKEUP)
			wake_up(&sqd->wait);
		schedule();
	}
	finish_wait(&ctx->sq_space_wait, &wait);
}

/*
 * IORING_ENTER_REGISTERED_RING: @fd is a slot of current's registered
 * rings.  No reference is taken: only current empties its slots.
 */
static int io_ring_fd_get(unsigned int fd, struct fd *f)
{
	struct io_uring_task *tctx = current->io_uring;

	if (unlikely(!tctx || fd >= IO_RING_FDS_MAX))
		return io_fail(-EINVAL, "enter: no registered ring slot %u", fd);
	f->file = tctx->ring_files[array_index_nospec(fd, IO_RING_FDS_MAX)];
	f->flags = 0;
	if (unlikely(!f->file))
		return io_fail(-EBADF, "enter: registered ring slot %u is empty", fd);
	return 0;
}

SYSCALL_DEFINE6(io_uring_enter, unsigned int, fd, u32, to_submit,
		u32, min_complete, u32, flags, const void __user *, argp,
		size_t, argsz)
{
	struct io_ring_ctx *ctx;
	int submitted = 0;
	struct fd f;
	long ret;

	if (flags & ~IORING_ENTER_VALID)
		return io_fail(-EINVAL, "enter: flags %#x unknown", flags & ~IORING_ENTER_VALID);

	if (flags & IORING_ENTER_REGISTERED_RING) {
		ret = io_ring_fd_get(fd, &f);
		if (ret)
			return ret;
	} else {
		f = fdget(fd);
		if (!f.file)
			return io_fail(-EBADF, "enter: fd %u is not open", fd);
	}
	ret = -EOPNOTSUPP;
	if (f.file->f_op != &io_uring_fops) {
		io_fail(ret, "enter: fd %u is not an io_uring", fd);
		goto out_fput;
	}
	ret = -ENXIO;
	ctx = f.file->private_data;
	if (!percpu_ref_tryget(&ctx->refs))
		goto out_fput;

	ret = -EBADFD;
	/* acquire: the issuer and restrictions set before it was enabled */
	if (unlikely(smp_load_acquire(&ctx->flags) & IORING_SETUP_R_DISABLED)) {
		io_fail(ret, "enter: the ring is disabled (IORING_REGISTER_ENABLE_RINGS)");
		goto out;
	}
	ret = 0;
	if (ctx->flags & IORING_SETUP_DEFER_TASKRUN) {
		/* nobody else may wait, for nobody else may show the CQEs */
		if (flags & IORING_ENTER_GETEVENTS) {
			ret = io_issuer_check(ctx, "enter");
			if (unlikely(ret))
				goto out;
		}
		/* only the issuer sets it, and reads it as set */
		if (current == ctx->issuer)
			WRITE_ONCE(ctx->cq_publishing, true);
	}
	if (ctx->flags & IORING_SETUP_SQPOLL) {
		/* its process died, or it could not start */
		ret = -EOWNERDEAD;
		if (unlikely(READ_ONCE(ctx->sq_data->dead))) {
			io_fail(ret, "enter: the SQ thread has exited");
			goto out;
		}
		ret = 0;
		/* the SQ thread submits: we wake it when asked to */
		io_cqring_backlog_flush(ctx);
		if (flags & IORING_ENTER_SQ_WAKEUP)
			wake_up(&ctx->sq_data->wait);
		if (flags & IORING_ENTER_SQ_WAIT)
			io_sq_wait_space(ctx);
		submitted = to_submit;
	} else if (to_submit) {
		ret = io_issuer_check(ctx, "enter");
		if (unlikely(ret))
			goto out;
		ret = io_task_prepare(ctx);
		if (unlikely(ret))
			goto out;
		to_submit = min(to_submit, ctx->sq_entries);
		mutex_lock(&ctx->uring_lock);
		submitted = io_submit_sqes(ctx, to_submit);
		mutex_unlock(&ctx->uring_lock);
	}
	if (flags & IORING_ENTER_GETEVENTS) {
		/* room userspace has made since: fill it from the backlog */
		io_cqring_backlog_flush(ctx);
		ret = io_enter_getevents(ctx, min_complete, flags, argp, argsz);
	}
out:
	if ((ctx->flags & IORING_SETUP_DEFER_TASKRUN) && current == ctx->issuer)
		WRITE_ONCE(ctx->cq_publishing, false);
	percpu_ref_put(&ctx->refs);
out_fput:
	fdput(f);
	return submitted ? submitted : ret;
}

/* IORING_REGISTER_EVENTFD: @arg points to the eventfd's fd. */
static int io_eventfd_register(struct io_ring_ctx *ctx, void __user *arg,
			       unsigned int nr_args, bool async)
{
	struct io_ev_fd *ev_fd;
	int fd;

	if (rcu_access_pointer(ctx->ev_fd))
		return io_fail(-EBUSY, "register: an eventfd is already registered");
	if (nr_args != 1)
		return io_fail(-EINVAL, "register: EVENTFD takes 1 fd, not %u", nr_args);
	if (copy_from_user(&fd, arg, sizeof(fd)))
		return io_fail(-EFAULT, "register: cannot read the eventfd at %#lx",
			       (unsigned long)arg);
	ev_fd = kmalloc(sizeof(*ev_fd), GFP_KERNEL_ACCOUNT);
	if (!ev_fd)
		return -ENOMEM;
	ev_fd->ctx = eventfd_ctx_fdget(fd);
	if (IS_ERR(ev_fd->ctx)) {
		int ret = PTR_ERR(ev_fd->ctx);

		kfree(ev_fd);
		return io_fail(ret, "register: fd %d is %s", fd,
			       ret == -EBADF ? "not open" : "not an eventfd");
	}
	ev_fd->async = async;
	rcu_assign_pointer(ctx->ev_fd, ev_fd);
	return 0;
}

/* Completions may be signalling it right now: free it after they are done. */
static int io_eventfd_unregister(struct io_ring_ctx *ctx)
{
	struct io_ev_fd *ev_fd;

	ev_fd = rcu_dereference_protected(ctx->ev_fd, lockdep_is_held(&ctx->uring_lock));
	if (!ev_fd)
		return io_fail(-ENXIO, "register: no eventfd to unregister");
	RCU_INIT_POINTER(ctx->ev_fd, NULL);
	call_rcu(&ev_fd->rcu, io_eventfd_free);
	return 0;
}

/*
 * IORING_REGISTER_PROBE: fill in which opcodes are offered, for up to
 * @nr_args of them.  The buffer must come zeroed, so that fields later
 * kernels fill in cannot be mistaken for answers.
 */
static int io_probe(struct io_ring_ctx *ctx, void __user *arg, unsigned int nr_args)
{
	struct io_uring_probe *probe;
	size_t size;
	int i, ret = 0;

	nr_args = min_t(unsigned int, nr_args, IORING_OP_LAST);
	size = struct_size(probe, ops, nr_args);
	probe = memdup_user(arg, size);
	if (IS_ERR(probe))
		return io_fail(PTR_ERR(probe), "register: cannot read the probe at %#lx",
			       (unsigned long)arg);
	if (memchr_inv(probe, 0, size)) {
		ret = io_fail(-EINVAL, "register: the probe buffer is not zeroed");
		goto out;
	}
	probe->last_op = IORING_OP_LAST - 1;
	probe->ops_len = nr_args;
	for (i = 0; i < nr_args; i++) {
		probe->ops[i].op = i;
		if (io_op_supported(i))
			probe->ops[i].flags = IO_URING_OP_SUPPORTED;
	}
	if (copy_to_user(arg, probe, size))
		ret = io_fail(-EFAULT, "register: cannot write the probe to %#lx",
			      (unsigned long)arg);
out:
	kfree(probe);
	return ret;
}

/*
 * IORING_REGISTER_PERSONALITY: remember current's credentials under a new
 * id, the call's result; an SQE whose personality is that id runs with
 * them.
 */
static int io_personality_register(struct io_ring_ctx *ctx)
{
	const struct cred *creds = get_current_cred();
	u32 id;
	int ret;

	ret = xa_alloc_cyclic(&ctx->personalities, &id, (void *)creds, XA_LIMIT(1, USHRT_MAX),
			      &ctx->pers_next, GFP_KERNEL_ACCOUNT);
	if (ret < 0) {
		put_cred(creds);
		return io_fail(ret, "register: no personality id left");
	}
	return id;
}

/* Requests that use the personality keep their own reference. */
static int io_personality_unregister(struct io_ring_ctx *ctx, unsigned int id)
{
	const struct cred *creds = xa_erase(&ctx->personalities, id);

	if (!creds)
		return io_fail(-EINVAL, "register: personality %u is not registered", id);
	put_cred(creds);
	return 0;
}

static void io_personalities_free(struct io_ring_ctx *ctx)
{
	const struct cred *creds;
	unsigned long id;

	xa_for_each(&ctx->personalities, id, creds)
		put_cred(creds);
	xa_destroy(&ctx->personalities);
}

/*
 * IORING_REGISTER_IOWQ_MAX_WORKERS: @arg holds two caps, for bounded and
 * unbounded work, of the caller's I/O threads (0: leave it); the caps that
 * were in force are written back.
 */
static int io_iowq_max_workers(struct io_ring_ctx *ctx, void __user *arg, unsigned int nr_args)
{
	unsigned int counts[IO_WQ_NR_CLASSES];
	int ret;

	if (nr_args != IO_WQ_NR_CLASSES)
		return io_fail(-EINVAL, "register: IOWQ_MAX_WORKERS takes 2 values, not %u",
			       nr_args);
	if (copy_from_user(counts, arg, sizeof(counts)))
		return io_fail(-EFAULT, "register: cannot read the caps at %#lx",
			       (unsigned long)arg);
	ret = io_task_prepare(ctx);
	if (ret)
		return ret;
	io_wq_max_workers(current->io_uring->wq, counts);
	if (copy_to_user(arg, counts, sizeof(counts)))
		return io_fail(-EFAULT, "register: cannot write the caps to %#lx",
			       (unsigned long)arg);
	return 0;
}

/*
 * IORING_REGISTER_IOWQ_AFF: @arg is a CPU mask of @len bytes (more than the
 * kernel's mask are ignored) for the caller's I/O threads.
 */
static int io_iowq_affinity(struct io_ring_ctx *ctx, void __user *arg, unsigned int len)
{
	cpumask_var_t mask;
	int ret;

	if (!arg || !len)
		return io_fail(-EINVAL, "register: IOWQ_AFF needs a mask and its size");
	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	len = min_t(unsigned int, len, cpumask_size());
#ifdef CONFIG_COMPAT
	if (in_compat_syscall())
		ret = compat_get_bitmap(cpumask_bits(mask), (const compat_ulong_t __user *)arg,
					len * 8);
	else
#endif
		ret = copy_from_user(cpumask_bits(mask), arg, len);
	if (ret)
		ret = io_fail(-EFAULT, "register: cannot read the mask at %#lx",
			      (unsigned long)arg);
	else
		ret = io_task_prepare(ctx);
	if (!ret)
		io_wq_set_affinity(current->io_uring->wq, mask);
	free_cpumask_var(mask);
	return ret;
}

/* IORING_UNREGISTER_IOWQ_AFF: the caller's I/O threads run anywhere again. */
static int io_iowq_affinity_reset(struct io_ring_ctx *ctx)
{
	int ret = io_task_prepare(ctx);

	if (!ret)
		io_wq_set_affinity(current->io_uring->wq, NULL);
	return ret;
}

/*
 * Put the ring @fd in a free slot of current's in [@start, @end), and
 * return the slot.  The slot holds a reference to the file.
 */
static int io_ring_fd_add(struct io_uring_task *tctx, u64 fd, int start, int end)
{
	struct file *file;
	int i;

	/* as on 6.1: a taken slot is -EBUSY, whatever the fd */
	for (i = start; i < end; i++) {
		if (!tctx->ring_files[i])
			break;
	}
	if (i == end)
		return io_fail(-EBUSY, "register: no free ring fd slot in [%d, %d)", start, end);
	/* 6.1 takes the fd as an int */
	file = fget((int)fd);
	if (!file)
		return io_fail(-EBADF, "register: ring fd %d is not open", (int)fd);
	if (file->f_op != &io_uring_fops) {
		fput(file);
		return io_fail(-EOPNOTSUPP, "register: fd %d is not an io_uring", (int)fd);
	}
	tctx->ring_files[i] = file;
	return i;
}

/*
 * IORING_REGISTER_RING_FDS: each of @nr_args updates names a ring fd and
 * the calling thread's slot for it (-1U: any free one, written back), so
 * that io_uring_enter(IORING_ENTER_REGISTERED_RING) can name the ring by
 * slot and skip the fd table.  Returns how many were taken, or the error
 * of the first when none was.
 */
static int io_ring_fds_register(struct io_ring_ctx *ctx, void __user *arg,
				unsigned int nr_args)
{
	struct io_uring_rsrc_update __user *uarg = arg;
	struct io_uring_rsrc_update reg;
	struct io_uring_task *tctx;
	int ret = 0, start, end;
	unsigned int i;

	if (!nr_args || nr_args > IO_RING_FDS_MAX)
		return io_fail(-EINVAL, "register: RING_FDS takes 1 to %d, not %u",
			       IO_RING_FDS_MAX, nr_args);
	ret = io_task_prepare(ctx);
	if (ret)
		return ret;
	tctx = current->io_uring;
	for (i = 0; i < nr_args; i++) {
		if (copy_from_user(&reg, &uarg[i], sizeof(reg))) {
			ret = io_fail(-EFAULT, "register: cannot read ring fd %u", i);
			break;
		}
		if (reg.resv) {
			ret = io_fail(-EINVAL, "register: ring fd %u: resv is not zero", i);
			break;
		}
		if (reg.offset == -1U) {
			start = 0;
			end = IO_RING_FDS_MAX;
		} else if (reg.offset < IO_RING_FDS_MAX) {
			start = reg.offset;
			end = start + 1;
		} else {
			ret = io_fail(-EINVAL, "register: ring fd slot %u is past %d",
				      reg.offset, IO_RING_FDS_MAX);
			break;
		}
		ret = io_ring_fd_add(tctx, reg.data, start, end);
		if (ret < 0)
			break;
		reg.offset = ret;
		if (copy_to_user(&uarg[i], &reg, sizeof(reg))) {
			fput(tctx->ring_files[reg.offset]);
			tctx->ring_files[reg.offset] = NULL;
			ret = io_fail(-EFAULT, "register: cannot write ring fd %u back", i);
			break;
		}
	}
	return i ? i : ret;
}

/* IORING_UNREGISTER_RING_FDS: empty the slots the updates name. */
static int io_ring_fds_unregister(void __user *arg, unsigned int nr_args)
{
	struct io_uring_rsrc_update __user *uarg = arg;
	struct io_uring_task *tctx = current->io_uring;
	struct io_uring_rsrc_update reg;
	unsigned int i, slot;
	int ret = 0;

	if (!nr_args || nr_args > IO_RING_FDS_MAX)
		return io_fail(-EINVAL, "register: UNREGISTER_RING_FDS takes 1 to %d, not %u",
			       IO_RING_FDS_MAX, nr_args);
	if (!tctx)
		return 0;
	for (i = 0; i < nr_args; i++) {
		if (copy_from_user(&reg, &uarg[i], sizeof(reg))) {
			ret = io_fail(-EFAULT, "register: cannot read ring fd %u", i);
			break;
		}
		if (reg.resv || reg.data || reg.offset >= IO_RING_FDS_MAX) {
			ret = io_fail(-EINVAL, "register: ring fd %u: slot %u, resv or data bad",
				      i, reg.offset);
			break;
		}
		slot = array_index_nospec(reg.offset, IO_RING_FDS_MAX);
		if (tctx->ring_files[slot]) {
			fput(tctx->ring_files[slot]);
			tctx->ring_files[slot] = NULL;
		}
	}
	return i ? i : ret;
}

static int __io_uring_register(struct io_ring_ctx *ctx, unsigned int opcode,
			       void __user *arg, unsigned int nr_args)
{
	int ret;

	ret = io_issuer_check(ctx, "register");
	if (!ret)
		ret = io_register_allowed(ctx, opcode);
	if (ret)
		return ret;

	switch (opcode) {
	case IORING_REGISTER_BUFFERS:
		/* only BUFFERS2 registers empty slots without iovecs */
		if (!arg)
			return io_fail(-EFAULT, "register: BUFFERS without iovecs");
		return io_buffers_register(ctx, arg, NULL, nr_args);
	case IORING_REGISTER_BUFFERS2:
		return io_buffers_register2(ctx, arg, nr_args);
	case IORING_REGISTER_BUFFERS_UPDATE:
		return io_buffers_update2_register(ctx, arg, nr_args);
	case IORING_UNREGISTER_BUFFERS:
		if (arg || nr_args)
			return io_fail(-EINVAL, "register: UNREGISTER_BUFFERS takes no arguments");
		return io_buffers_unregister(ctx);
	case IORING_REGISTER_FILES:
		return io_files_register(ctx, arg, NULL, nr_args, false);
	case IORING_UNREGISTER_FILES:
		if (arg || nr_args)
			return io_fail(-EINVAL, "register: UNREGISTER_FILES takes no arguments");
		return io_files_unregister(ctx);
	case IORING_REGISTER_FILES_UPDATE:
		return io_files_update_register(ctx, arg, nr_args);
	case IORING_REGISTER_FILES2:
		return io_files_register2(ctx, arg, nr_args);
	case IORING_REGISTER_FILES_UPDATE2:
		return io_files_update2_register(ctx, arg, nr_args);
	case IORING_REGISTER_RESTRICTIONS:
		return io_restrictions_register(ctx, arg, nr_args);
	case IORING_REGISTER_ENABLE_RINGS:
		if (arg || nr_args)
			return io_fail(-EINVAL, "register: ENABLE_RINGS takes no arguments");
		return io_rings_enable(ctx);
	case IORING_REGISTER_SYNC_CANCEL:
		if (!arg || nr_args != 1)
			return io_fail(-EINVAL, "register: SYNC_CANCEL takes one struct");
		return io_sync_cancel(ctx, arg);
	case IORING_REGISTER_FILE_ALLOC_RANGE:
		if (!arg || nr_args)
			return io_fail(-EINVAL, "register: FILE_ALLOC_RANGE takes a range, no nr");
		return io_file_alloc_range(ctx, arg);
	case IORING_REGISTER_EVENTFD:
	case IORING_REGISTER_EVENTFD_ASYNC:
		return io_eventfd_register(ctx, arg, nr_args,
					   opcode == IORING_REGISTER_EVENTFD_ASYNC);
	case IORING_UNREGISTER_EVENTFD:
		if (arg || nr_args)
			return io_fail(-EINVAL, "register: UNREGISTER_EVENTFD takes no arguments");
		return io_eventfd_unregister(ctx);
	case IORING_REGISTER_PROBE:
		return io_probe(ctx, arg, nr_args);
	case IORING_REGISTER_PERSONALITY:
		if (arg || nr_args)
			return io_fail(-EINVAL, "register: PERSONALITY takes no arguments");
		return io_personality_register(ctx);
	case IORING_UNREGISTER_PERSONALITY:
		if (arg)
			return io_fail(-EINVAL, "register: UNREGISTER_PERSONALITY takes no arg");
		return io_personality_unregister(ctx, nr_args);
	case IORING_REGISTER_IOWQ_MAX_WORKERS:
		return io_iowq_max_workers(ctx, arg, nr_args);
	case IORING_REGISTER_IOWQ_AFF:
		return io_iowq_affinity(ctx, arg, nr_args);
	case IORING_REGISTER_RING_FDS:
		return io_ring_fds_register(ctx, arg, nr_args);
	case IORING_UNREGISTER_RING_FDS:
		return io_ring_fds_unregister(arg, nr_args);
	case IORING_REGISTER_PBUF_RING:
		return io_buffer_ring_register(ctx, arg, nr_args);
	case IORING_UNREGISTER_PBUF_RING:
		return io_buffer_ring_unregister(ctx, arg, nr_args);
	case IORING_UNREGISTER_IOWQ_AFF:
		if (arg || nr_args)
			return io_fail(-EINVAL, "register: UNREGISTER_IOWQ_AFF takes no arguments");
		return io_iowq_affinity_reset(ctx);
	default:
		return io_fail(-EINVAL, "register: opcode %u unknown", opcode);
	}
}

SYSCALL_DEFINE4(io_uring_register, unsigned int, fd, unsigned int, opcode,
		void __user *, arg, unsigned int, nr_args)
{
	struct io_ring_ctx *ctx;
	struct fd f;
	long ret;

	f = fdget(fd);
	if (!f.file)
		return io_fail(-EBADF, "register: fd %u is not open", fd);
	ret = -EOPNOTSUPP;
	if (f.file->f_op != &io_uring_fops) {
		io_fail(ret, "register: fd %u is not an io_uring", fd);
		goto out_fput;
	}
	ctx = f.file->private_data;
	mutex_lock(&ctx->uring_lock);
	ret = __io_uring_register(ctx, opcode, arg, nr_args);
	mutex_unlock(&ctx->uring_lock);
out_fput:
	fdput(f);
	return ret;
}

#ifdef CONFIG_SYSCTL
static struct ctl_table io_uring_sysctl_table[] = {
	{
		.procname	= "io_uring_disabled",
		.data		= &sysctl_io_uring_disabled,
		.maxlen		= sizeof(sysctl_io_uring_disabled),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_TWO,
	},
	{
		.procname	= "io_uring_group",
		.data		= &sysctl_io_uring_group,
		.maxlen		= sizeof(sysctl_io_uring_group),
		.mode		= 0644,
		.proc_handler	= proc_dointvec,
	},
	{}
};
#endif

static int __init io_uring_init(void)
{
	req_cachep = KMEM_CACHE(io_kiocb, SLAB_HWCACHE_ALIGN | SLAB_PANIC |
				SLAB_ACCOUNT);
#ifdef CONFIG_SYSCTL
	register_sysctl_init("kernel", io_uring_sysctl_table);
#endif
	return 0;
}
fs_initcall(io_uring_init);
