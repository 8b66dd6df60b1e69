/* SPDX-License-Identifier: GPL-2.0 */
/* What the rest of the kernel needs to know about io_uring. */
#ifndef _LINUX_IO_URING_H
#define _LINUX_IO_URING_H

#include <linux/sched.h>
#include <linux/errno.h>
#include <linux/types.h>
#include <uapi/linux/io_uring.h>

struct file;
struct iov_iter;

/* The issue_flags of ->uring_cmd(): how it is issued, and on what ring. */
enum io_uring_cmd_issue {
	IO_URING_F_NONBLOCK	= 1 << 0,	/* must not block: -EAGAIN retries it in a worker */
	IO_URING_F_SQE128	= 1 << 1,	/* ->cmd holds 80 bytes, not 16 */
	IO_URING_F_CQE32	= 1 << 2,	/* the CQE carries res2 of io_uring_cmd_done() */
	IO_URING_F_IOPOLL	= 1 << 3,	/* completion is found by ->uring_cmd_iopoll() */
};

/*
 * IORING_OP_URING_CMD as a driver sees it: file->f_op->uring_cmd() gets
 * it, and either returns the result or -EIOCBQUEUED and later calls
 * io_uring_cmd_done().  ->cmd may be in the SQ ring, which userspace
 * reuses once the submission returns: it is for ->uring_cmd() to read,
 * not later.  ->pdu is the driver's, for its own state while the
 * command runs.
 */
struct io_uring_cmd {
	struct file	*file;
	const void	*cmd;
	/* io_uring_cmd_complete_in_task()'s callback */
	void		(*task_work_cb)(struct io_uring_cmd *cmd);
	/*
	 * On an IOPOLL ring, what ->uring_cmd_iopoll() polls for: NULL from
	 * the issue on, and again before the command is done.  Apart from
	 * the callback, which is set when it may still be polled for.
	 */
	void		*cookie;
	u32		cmd_op;
	u32		flags;		/* IORING_URING_CMD_* */
	u8		pdu[32];
};

#if defined(CONFIG_IO_URING)
bool io_is_uring_fops(struct file *file);
void __io_uring_cancel_task(void);
void __io_uring_free_task(struct task_struct *tsk);
void io_uring_cmd_done(struct io_uring_cmd *cmd, ssize_t ret, ssize_t res2);
void io_uring_cmd_complete_in_task(struct io_uring_cmd *cmd,
				   void (*task_work_cb)(struct io_uring_cmd *));
int io_uring_cmd_import_fixed(u64 ubuf, unsigned long len, int rw,
			      struct iov_iter *iter, struct io_uring_cmd *cmd);

/*
 * At exit and exec: end current's requests and stop its I/O threads, before
 * the memory and files they use go away.
 */
static inline void io_uring_cancel_task(void)
{
	if (current->io_uring)
		__io_uring_cancel_task();
}

static inline void io_uring_free_task(struct task_struct *tsk)
{
	if (tsk->io_uring)
		__io_uring_free_task(tsk);
}
#else
static inline bool io_is_uring_fops(struct file *file)
{
	return false;
}

static inline void io_uring_cancel_task(void)
{
}

static inline void io_uring_free_task(struct task_struct *tsk)
{
}

static inline void io_uring_cmd_done(struct io_uring_cmd *cmd, ssize_t ret, ssize_t res2)
{
}

static inline void io_uring_cmd_complete_in_task(struct io_uring_cmd *cmd,
						 void (*task_work_cb)(struct io_uring_cmd *))
{
}

static inline int io_uring_cmd_import_fixed(u64 ubuf, unsigned long len, int rw,
					    struct iov_iter *iter, struct io_uring_cmd *cmd)
{
	return -EOPNOTSUPP;
}
#endif

#endif
