/* SPDX-License-Identifier: GPL-2.0 */
/*
 * io-wq: pools of I/O threads that run blocking work on behalf of one task.
 * See fs/io-wq.c.
 */
#ifndef _FS_IO_WQ_H
#define _FS_IO_WQ_H

#include <linux/list.h>
#include <linux/bits.h>
#include <linux/sched.h>

struct io_wq;
struct task_struct;
struct cpumask;

/* io_wq_work->flags */
enum {
	IO_WQ_WORK_UNBOUND	= BIT(0),	/* may wait for ever: pipes, sockets, ttys */
	IO_WQ_WORK_USER		= BIT(8),	/* the first bit left to the pool's user */
};

/* One item of work, embedded in the user's request. */
struct io_wq_work {
	/* on the pool's pending list while queued, else empty */
	struct list_head	list;
	unsigned int		flags;
};

struct io_wq_ops {
	/* run @work in a worker of the pool */
	void (*run)(struct io_wq_work *work);
	/* @work was queued but will never run (the pool is going away) */
	void (*cancel)(struct io_wq_work *work);
};

enum io_wq_cancel {
	IO_WQ_CANCEL_OK,	/* taken off the queue before it started */
	IO_WQ_CANCEL_RUNNING,	/* a worker runs it: that worker was interrupted */
	IO_WQ_CANCEL_NOTFOUND,	/* neither queued nor running */
};

/* The two kinds of work, each with its own workers and cap. */
enum { IO_WQ_BOUND, IO_WQ_UNBOUND, IO_WQ_NR_CLASSES };

static inline void io_wq_work_init(struct io_wq_work *work, unsigned int flags)
{
	INIT_LIST_HEAD(&work->list);
	work->flags = flags;
}

struct io_wq *io_wq_create(const struct io_wq_ops *ops, struct task_struct *owner);
bool io_wq_enqueue(struct io_wq *wq, struct io_wq_work *work);
enum io_wq_cancel io_wq_cancel_work(struct io_wq *wq, struct io_wq_work *work);
void io_wq_finish_bounded(struct io_wq *wq);
void io_wq_stop(struct io_wq *wq);
void io_wq_free(struct io_wq *wq);
void io_wq_max_workers(struct io_wq *wq, unsigned int *counts);
void io_wq_set_affinity(struct io_wq *wq, const struct cpumask *mask);
bool io_wq_current_is_worker(struct io_wq *wq);

/* Whether we run in a worker of any pool (not the SQ thread). */
static inline bool io_wq_in_worker(void)
{
	return in_task() && (current->flags & PF_IO_WORKER) && current->worker_private;
}

#if defined(CONFIG_IO_URING)
void io_wq_worker_sleeping(struct task_struct *tsk);
#else
static inline void io_wq_worker_sleeping(struct task_struct *tsk)
{
}
#endif

#endif
