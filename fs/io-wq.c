// SPDX-License-Identifier: GPL-2.0
/*
 * io-wq: a pool of I/O threads that run blocking work for one task.
 *
 * Work that cannot finish without blocking must run somewhere that may
 * sleep, with the identity of the task that asked for it: its memory, file
 * table, root and working directory, rlimits, cgroups, namespaces.  Rather
 * than borrow those pieces one by one into a kernel thread, the workers
 * here are threads of the task's own process, made with
 * create_io_thread() (PF_IO_WORKER): they share all of it by construction,
 * never return to userspace, and die with the process.  They are named
 * iou-wrk-<tid of the owner>, so ps -L shows them under their process.
 *
 * Work comes in two classes with their own workers and caps: bounded work
 * (regular files, block devices) finishes in bounded time; unbounded work
 * (pipes, sockets, ttys) may wait for ever, and must not starve the first.
 *
 * Concurrency.  A worker that takes an item while no other worker of its
 * class is idle first starts another, so one is always ready to take over;
 * the scheduler tells us (io_wq_worker_sleeping()) when a busy worker
 * blocks, and we wake an idle one if work is pending.  Workers idle for
 * IO_WQ_IDLE_TIMEOUT exit, all but the last of their class.
 *
 * Threads are made by the owner, or by a worker of the pool between items
 * (never while it runs work, whose credentials it may have taken on).
 * Anyone else who finds a class without workers asks the owner, with task
 * work, to make one.
 *
 * Lifetime.  The owner creates the pool, and at its exit or exec stops it
 * with io_wq_stop(): pending work is handed back through ops->cancel,
 * running work is interrupted, and the call returns when the last worker
 * has gone.  It frees the pool with io_wq_free() once nothing can refer to
 * it any more.  A queued task work holds a reference of its own, so the
 * memory lives until that has run too.
 *
 * Locking: wq->lock is a raw spinlock, taken from the scheduler hook and
 * from interrupt context; nothing sleeps under it.
 */
#define pr_fmt(fmt) "io-wq: " fmt

#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/completion.h>
#include <linux/refcount.h>
#include <linux/task_work.h>
#include <linux/cpumask.h>
#include <linux/numa.h>
#include <linux/workqueue.h>

#include "io-wq.h"

/* How long a worker beyond the first of its class stays idle before exiting */
#define IO_WQ_IDLE_TIMEOUT	(5 * HZ)

struct io_wq_class {
	struct list_head	pending;
	/* idle workers, most recently idle first */
	struct list_head	idle;
	/* workers alive or being made */
	unsigned int		nr_workers;
	unsigned int		max_workers;
};

struct io_wq {
	raw_spinlock_t		lock;
	const struct io_wq_ops	*ops;
	struct io_wq_class	cls[IO_WQ_NR_CLASSES];
	/* every worker, for interrupting the one that runs an item */
	struct list_head	workers;
	bool			exiting;
	/* the owner's; a queued create_cb holds one more */
	refcount_t		refs;
	struct task_struct	*owner;
	pid_t			owner_tid;
	struct callback_head	create_cb;
	bool			create_queued;
	/* asks the owner again after a signal got in the way of a worker */
	struct delayed_work	retry_work;
	/* completed by the last worker to go once the pool is exiting */
	struct completion	done;
	/* IORING_REGISTER_IOWQ_AFF: where workers run; aff_seq counts changes */
	struct cpumask		cpu_mask;
	unsigned int		aff_seq;
};

struct io_worker {
	struct list_head	node;
	struct list_head	idle_node;
	struct io_wq		*wq;
	struct task_struct	*task;
	/* the item it runs, under wq->lock; NULL while idle */
	struct io_wq_work	*cur;
	unsigned int		cls;
	bool			idle;
	/* the pool's cpu_mask as of aff_seq, applied by the worker itself */
	unsigned int		aff_seq;
	struct cpumask		cpu_mask;
};

static unsigned int io_wq_class_of(struct io_wq_work *work)
{
	return work->flags & IO_WQ_WORK_UNBOUND ? IO_WQ_UNBOUND : IO_WQ_BOUND;
}

static void io_wq_put(struct io_wq *wq)
{
	if (refcount_dec_and_test(&wq->refs)) {
		put_task_struct(wq->owner);
		kfree(wq);
	}
}

static unsigned int io_wq_nr_workers(struct io_wq *wq)
{
	return wq->cls[IO_WQ_BOUND].nr_workers + wq->cls[IO_WQ_UNBOUND].nr_workers;
}

/* Wake an idle worker of @cls; wq->lock held.  False when none is idle. */
static bool io_wq_wake_idle(struct io_wq *wq, struct io_wq_class *cls)
{
	struct io_worker *worker;

	worker = list_first_entry_or_null(&cls->idle, struct io_worker, idle_node);
	if (!worker)
		return false;
	wake_up_process(worker->task);
	return true;
}

/*
 * Reserve a worker slot of @cls if the class has room and no idle worker;
 * wq->lock held.  The caller then makes the thread with io_wq_spawn().
 */
static bool io_wq_reserve(struct io_wq *wq, struct io_wq_class *cls)
{
	if (wq->exiting || !list_empty(&cls->idle) || cls->nr_workers >= cls->max_workers)
		return false;
	cls->nr_workers++;
	return true;
}

/*
 * A worker slot is gone (its thread exited, or was never made); wq->lock
 * held.  True when it was the last one of an exiting pool: the caller then
 * completes wq->done, after unlocking, for the owner may free the pool as
 * soon as it is told.
 */
static bool io_wq_unreserve(struct io_wq *wq, struct io_wq_class *cls)
{
	cls->nr_workers--;
	return wq->exiting && !io_wq_nr_workers(wq);
}

static int io_wq_worker(void *data);
static void io_wq_ask_owner(struct io_wq *wq);

/*
 * A class that has work but no worker at all, and could not get one: try
 * again later if a signal was in the way, else end its work (onto @cancel)
 * rather than leave it waiting for ever.  wq->lock held.
 */
static void io_wq_spawn_failed(struct io_wq *wq, struct io_wq_class *cls, int err,
			       struct list_head *cancel)
{
	if (cls->nr_workers || list_empty(&cls->pending))
		return;
	if (err != -ERESTARTNOINTR || fatal_signal_pending(current)) {
		list_splice_init(&cls->pending, cancel);
		return;
	}
	/*
	 * A signal is on its way to the owner: ask again once it has been
	 * taken, not now, which from inside task work would run us again at
	 * once, for as long as the signal waits.
	 */
	if (!wq->exiting && !delayed_work_pending(&wq->retry_work)) {
		refcount_inc(&wq->refs);
		if (!queue_delayed_work(system_wq, &wq->retry_work, HZ / 50))
			refcount_dec(&wq->refs);
	}
}

static void io_wq_retry_work(struct work_struct *work)
{
	struct io_wq *wq = container_of(to_delayed_work(work), struct io_wq, retry_work);
	int i;

	raw_spin_lock_irq(&wq->lock);
	for (i = 0; i < IO_WQ_NR_CLASSES; i++) {
		struct io_wq_class *cls = &wq->cls[i];

		if (!cls->nr_workers && !list_empty(&cls->pending))
			io_wq_ask_owner(wq);
	}
	raw_spin_unlock_irq(&wq->lock);
	io_wq_put(wq);
}

/* Make the thread for a slot io_wq_reserve() gave. */
static void io_wq_spawn(struct io_wq *wq, unsigned int cls)
{
	char name[TASK_COMM_LEN];
	struct io_worker *worker;
	struct task_struct *tsk;
	LIST_HEAD(cancel);
	int err = -ENOMEM;
	bool last;

	worker = kzalloc(sizeof(*worker), GFP_KERNEL);
	if (!worker)
		goto fail;
	worker->wq = wq;
	worker->cls = cls;
	INIT_LIST_HEAD(&worker->idle_node);
	raw_spin_lock_irq(&wq->lock);
	cpumask_copy(&worker->cpu_mask, &wq->cpu_mask);
	worker->aff_seq = wq->aff_seq;
	raw_spin_unlock_irq(&wq->lock);
	tsk = create_io_thread(io_wq_worker, worker, NUMA_NO_NODE);
	if (IS_ERR(tsk)) {
		pr_debug("cannot start a worker for %d: %ld\n", wq->owner_tid, PTR_ERR(tsk));
		kfree(worker);
		err = PTR_ERR(tsk);
		goto fail;
	}
	worker->task = tsk;
	tsk->worker_private = worker;
	/* named before it runs, so that nobody sees it nameless */
	snprintf(name, sizeof(name), "iou-wrk-%d", wq->owner_tid);
	set_task_comm(tsk, name);
	/* a mask without an online CPU leaves it where its creator runs */
	set_cpus_allowed_ptr(tsk, &worker->cpu_mask);
	raw_spin_lock_irq(&wq->lock);
	list_add_tail(&worker->node, &wq->workers);
	raw_spin_unlock_irq(&wq->lock);
	wake_up_new_task(tsk);
	return;
fail:
	raw_spin_lock_irq(&wq->lock);
	last = io_wq_unreserve(wq, &wq->cls[cls]);
	io_wq_spawn_failed(wq, &wq->cls[cls], err, &cancel);
	raw_spin_unlock_irq(&wq->lock);
	if (last)
		complete(&wq->done);
	while (!list_empty(&cancel)) {
		struct io_wq_work *work = list_first_entry(&cancel, struct io_wq_work, list);

		list_del_init(&work->list);
		wq->ops->cancel(work);
	}
}

/* Task work run by the owner: make a worker for each class that needs one. */
static void io_wq_create_cb(struct callback_head *cb)
{
	struct io_wq *wq = container_of(cb, struct io_wq, create_cb);
	bool spawn[IO_WQ_NR_CLASSES];
	unsigned int i;

	raw_spin_lock_irq(&wq->lock);
	wq->create_queued = false;
	for (i = 0; i < IO_WQ_NR_CLASSES; i++) {
		struct io_wq_class *cls = &wq->cls[i];

		spawn[i] = !list_empty(&cls->pending) && io_wq_reserve(wq, cls);
	}
	raw_spin_unlock_irq(&wq->lock);
	for (i = 0; i < IO_WQ_NR_CLASSES; i++) {
		if (spawn[i])
			io_wq_spawn(wq, i);
	}
	io_wq_put(wq);
}

/*
 * Ask the owner to make workers; wq->lock held.  If it cannot run task
 * work any more it is exiting, and its io_wq_stop() cancels what waits.
 */
static void io_wq_ask_owner(struct io_wq *wq)
{
	if (wq->create_queued || wq->exiting)
		return;
	refcount_inc(&wq->refs);
	init_task_work(&wq->create_cb, io_wq_create_cb);
	if (task_work_add(wq->owner, &wq->create_cb, TWA_SIGNAL)) {
		refcount_dec(&wq->refs);
		return;
	}
	wq->create_queued = true;
}

/* Whether current is a worker of @wq. */
bool io_wq_current_is_worker(struct io_wq *wq)
{
	struct io_worker *worker;

	if (!(current->flags & PF_IO_WORKER))
		return false;
	worker = current->worker_private;
	return worker && worker->wq == wq;
}

/*
 * Queue @work.  False when the pool is exiting: the caller ends the work
 * itself.  Any context.
 */
bool io_wq_enqueue(struct io_wq *wq, struct io_wq_work *work)
{
	struct io_wq_class *cls = &wq->cls[io_wq_class_of(work)];
	unsigned long flags;

	raw_spin_lock_irqsave(&wq->lock, flags);
	if (unlikely(wq->exiting)) {
		raw_spin_unlock_irqrestore(&wq->lock, flags);
		return false;
	}
	list_add_tail(&work->list, &cls->pending);
	if (!io_wq_wake_idle(wq, cls) && !cls->nr_workers)
		io_wq_ask_owner(wq);
	raw_spin_unlock_irqrestore(&wq->lock, flags);
	return true;
}

/*
 * Take @work off the queue if it has not started (IO_WQ_CANCEL_OK: the
 * caller ends it), or interrupt the worker that runs it, as a signal would,
 * so that a blocking call returns (IO_WQ_CANCEL_RUNNING).  The caller
 * guarantees @work stays valid during the call.
 */
enum io_wq_cancel io_wq_cancel_work(struct io_wq *wq, struct io_wq_work *work)
{
	enum io_wq_cancel ret = IO_WQ_CANCEL_NOTFOUND;
	struct io_worker *worker;
	unsigned long flags;

	raw_spin_lock_irqsave(&wq->lock, flags);
	if (!list_empty(&work->list)) {
		list_del_init(&work->list);
		ret = IO_WQ_CANCEL_OK;
		goto out;
	}
	list_for_each_entry(worker, &wq->workers, node) {
		if (worker->cur == work) {
			set_notify_signal(worker->task);
			ret = IO_WQ_CANCEL_RUNNING;
			break;
		}
	}
out:
	raw_spin_unlock_irqrestore(&wq->lock, flags);
	return ret;
}

/* Leave the idle list; wq->lock held. */
static void io_worker_busy(struct io_worker *worker)
{
	if (worker->idle) {
		list_del_init(&worker->idle_node);
		worker->idle = false;
	}
}

/*
 * A worker's signals: a cancellation's notification (cleared, so the next
 * item runs undisturbed), or SIGKILL/SIGSTOP for the process.  True when
 * the worker must exit.
 */
static bool io_worker_signals(void)
{
	struct ksignal ksig;

	if (test_thread_flag(TIF_NOTIFY_SIGNAL)) {
		clear_notify_signal();
		if (task_work_pending(current))
			task_work_run();
	}
	if (!task_sigpending(current))
		return false;
	return get_signal(&ksig);
}

/* Run @work, which the worker has taken; returns with wq->lock held. */
static void io_worker_run(struct io_worker *worker, struct io_wq_work *work)
	__must_hold(&worker->wq->lock)
{
	struct io_wq *wq = worker->wq;
	struct io_wq_class *cls = &wq->cls[worker->cls];
	bool spawn;

	list_del_init(&work->list);
	io_worker_busy(worker);
	worker->cur = work;
	/* keep a worker ready for when this one blocks */
	spawn = io_wq_reserve(wq, cls);
	raw_spin_unlock_irq(&wq->lock);

	if (spawn)
		io_wq_spawn(wq, worker->cls);
	wq->ops->run(work);

	raw_spin_lock_irq(&wq->lock);
	/*
	 * Together, under the lock: a cancel that came too late was for the
	 * item that is done, and none can find this worker until its next.
	 */
	worker->cur = NULL;
	if (test_thread_flag(TIF_NOTIFY_SIGNAL))
		clear_notify_signal();
	/* the final fput() of the item's files, say: nobody else runs ours */
	if (task_work_pending(current)) {
		raw_spin_unlock_irq(&wq->lock);
		task_work_run();
		raw_spin_lock_irq(&wq->lock);
	}
}

/*
 * Wait for work; wq->lock held, and held again on return.  True when the
 * worker should exit: the pool is going, the process dies, or it idled
 * for long enough and is not the last of its class.
 */
static bool io_worker_wait(struct io_worker *worker)
	__must_hold(&worker->wq->lock)
{
	struct io_wq *wq = worker->wq;
	struct io_wq_class *cls = &wq->cls[worker->cls];
	long left;

	if (!worker->idle) {
		list_add(&worker->idle_node, &cls->idle);
		worker->idle = true;
	}
	__set_current_state(TASK_INTERRUPTIBLE);
	raw_spin_unlock_irq(&wq->lock);
	left = schedule_timeout(IO_WQ_IDLE_TIMEOUT);
	__set_current_state(TASK_RUNNING);
	if (signal_pending(current) && io_worker_signals()) {
		raw_spin_lock_irq(&wq->lock);
		return true;
	}
	raw_spin_lock_irq(&wq->lock);
	/* the last idle worker stays: the one ready for when a busy one blocks */
	return !left && list_empty(&cls->pending) && !list_is_singular(&cls->idle);
}

static int io_wq_worker(void *data)
{
	struct io_worker *worker = data;
	struct io_wq *wq = worker->wq;
	struct io_wq_class *cls = &wq->cls[worker->cls];
	bool last;

	raw_spin_lock_irq(&wq->lock);
	for (;;) {
		struct io_wq_work *work;

		/*
		 * A pool that stops takes nothing more: io_wq_stop() cancels
		 * what waits.  Neither does a dying process: its owner's exit
		 * stops the pool.
		 */
		if (wq->exiting || fatal_signal_pending(current))
			break;
		/* IORING_REGISTER_IOWQ_AFF moved the pool */
		if (unlikely(worker->aff_seq != wq->aff_seq)) {
			cpumask_copy(&worker->cpu_mask, &wq->cpu_mask);
			worker->aff_seq = wq->aff_seq;
			raw_spin_unlock_irq(&wq->lock);
			set_cpus_allowed_ptr(current, &worker->cpu_mask);
			raw_spin_lock_irq(&wq->lock);
			continue;
		}
		/* a stop or the freezer, between items */
		if (task_sigpending(current)) {
			bool exit;

			raw_spin_unlock_irq(&wq->lock);
			exit = io_worker_signals();
			raw_spin_lock_irq(&wq->lock);
			if (exit)
				break;
			continue;
		}
		work = list_first_entry_or_null(&cls->pending, struct io_wq_work, list);
		if (work) {
			io_worker_run(worker, work);
			continue;
		}
		if (io_worker_wait(worker))
			break;
	}
	io_worker_busy(worker);
	list_del(&worker->node);
	/* the scheduler hook must not find the worker once it is freed */
	current->worker_private = NULL;
	kfree(worker);
	last = io_wq_unreserve(wq, cls);
	raw_spin_unlock_irq(&wq->lock);
	/* last touch of the pool: the owner may free it as soon as it is told */
	if (last)
		complete(&wq->done);
	do_exit(0);
}

/*
 * A busy worker is about to block: if work waits, wake an idle worker to
 * take it.  Called by the scheduler for every PF_IO_WORKER thread.
 */
void io_wq_worker_sleeping(struct task_struct *tsk)
{
	struct io_worker *worker = tsk->worker_private;
	struct io_wq_class *cls;
	struct io_wq *wq;

	/* the SQ thread is an I/O thread too, but no worker; idle workers wait */
	if (!worker || !READ_ONCE(worker->cur))
		return;
	wq = worker->wq;
	cls = &wq->cls[worker->cls];
	raw_spin_lock_irq(&wq->lock);
	if (!list_empty(&cls->pending))
		io_wq_wake_idle(wq, cls);
	raw_spin_unlock_irq(&wq->lock);
}

/* A pool for @owner, which must be current or an I/O thread not yet started. */
struct io_wq *io_wq_create(const struct io_wq_ops *ops, struct task_struct *owner)
{
	struct io_wq *wq;
	int i;

	wq = kzalloc(sizeof(*wq), GFP_KERNEL_ACCOUNT);
	if (!wq)
		return NULL;
	raw_spin_lock_init(&wq->lock);
	wq->ops = ops;
	for (i = 0; i < IO_WQ_NR_CLASSES; i++) {
		INIT_LIST_HEAD(&wq->cls[i].pending);
		INIT_LIST_HEAD(&wq->cls[i].idle);
	}
	wq->cls[IO_WQ_BOUND].max_workers = 4 * num_online_cpus();
	wq->cls[IO_WQ_UNBOUND].max_workers =
		min_t(unsigned long, task_rlimit(owner, RLIMIT_NPROC), INT_MAX);
	INIT_LIST_HEAD(&wq->workers);
	refcount_set(&wq->refs, 1);
	wq->owner = get_task_struct(owner);
	wq->owner_tid = task_pid_vnr(owner);
	init_completion(&wq->done);
	INIT_DELAYED_WORK(&wq->retry_work, io_wq_retry_work);
	cpumask_copy(&wq->cpu_mask, cpu_possible_mask);
	return wq;
}

/*
 * IORING_REGISTER_IOWQ_MAX_WORKERS: set each class's cap where @counts has
 * a non-zero value, and return the caps that were in force.
 */
void io_wq_max_workers(struct io_wq *wq, unsigned int *counts)
{
	unsigned int i, old;

	raw_spin_lock_irq(&wq->lock);
	for (i = 0; i < IO_WQ_NR_CLASSES; i++) {
		old = wq->cls[i].max_workers;
		if (counts[i])
			wq->cls[i].max_workers = counts[i];
		counts[i] = old;
	}
	raw_spin_unlock_irq(&wq->lock);
}

/*
 * IORING_REGISTER_IOWQ_AFF: the CPUs the workers run on (all of them for
 * NULL).  Idle workers move at once, busy ones after their item.
 */
void io_wq_set_affinity(struct io_wq *wq, const struct cpumask *mask)
{
	struct io_worker *worker;

	raw_spin_lock_irq(&wq->lock);
	cpumask_copy(&wq->cpu_mask, mask ? mask : cpu_possible_mask);
	wq->aff_seq++;
	list_for_each_entry(worker, &wq->workers, node) {
		if (!worker->cur)
			wake_up_process(worker->task);
	}
	raw_spin_unlock_irq(&wq->lock);
}

/* Take the first item queued in any class off the queue; wq->lock held. */
static struct io_wq_work *io_wq_first_pending(struct io_wq *wq)
{
	struct io_wq_work *work;
	int i;

	for (i = 0; i < IO_WQ_NR_CLASSES; i++) {
		work = list_first_entry_or_null(&wq->cls[i].pending, struct io_wq_work, list);
		if (work) {
			list_del_init(&work->list);
			return work;
		}
	}
	return NULL;
}

/* Whether a worker of @cls runs an item; wq->lock held. */
static bool io_wq_class_busy(struct io_wq *wq, unsigned int cls)
{
	struct io_worker *worker;

	list_for_each_entry(worker, &wq->workers, node) {
		if (worker->cls == cls && worker->cur)
			return true;
	}
	return false;
}

/*
 * The owner thread exits while its process lives: bounded work (regular
 * files, block devices) always ends, so it is done rather than cancelled,
 * as 6.1 does; a write a thread queued before it exited is not lost.  The
 * owner runs what waits itself (its workers may be gone, and it cannot
 * make new ones now), then waits for the workers still running such work.
 * A fatal signal stops it: io_wq_stop() then cancels and interrupts.
 */
void io_wq_finish_bounded(struct io_wq *wq)
{
	struct io_wq_class *cls = &wq->cls[IO_WQ_BOUND];
	struct io_wq_work *work;
	bool busy;

	while (!fatal_signal_pending(current)) {
		raw_spin_lock_irq(&wq->lock);
		work = list_first_entry_or_null(&cls->pending, struct io_wq_work, list);
		if (work)
			list_del_init(&work->list);
		busy = io_wq_class_busy(wq, IO_WQ_BOUND);
		raw_spin_unlock_irq(&wq->lock);
		/* a worker that asked us for a thread: that can wait for exit */
		if (test_thread_flag(TIF_NOTIFY_SIGNAL))
			clear_notify_signal();
		if (work)
			wq->ops->run(work);
		else if (busy)
			schedule_timeout_killable(1);
		else
			break;
	}
}

/*
 * The owner is done with the pool: cancel what waits, interrupt what runs,
 * and return once every worker has exited.  From then on the pool takes
 * nothing (io_wq_enqueue() says false) and cancels find nothing, until
 * io_wq_free().  Called by the owner only.
 */
void io_wq_stop(struct io_wq *wq)
{
	struct io_worker *worker;
	struct io_wq_work *work;
	bool wait;

	raw_spin_lock_irq(&wq->lock);
	wq->exiting = true;
	list_for_each_entry(worker, &wq->workers, node) {
		if (worker->cur)
			set_notify_signal(worker->task);
		else
			wake_up_process(worker->task);
	}
	wait = io_wq_nr_workers(wq);
	/* one at a time: a concurrent cancel must not find it half handled */
	while ((work = io_wq_first_pending(wq))) {
		raw_spin_unlock_irq(&wq->lock);
		wq->ops->cancel(work);
		raw_spin_lock_irq(&wq->lock);
	}
	raw_spin_unlock_irq(&wq->lock);

	if (wait)
		wait_for_completion(&wq->done);
}

void io_wq_free(struct io_wq *wq)
{
	io_wq_put(wq);
}
