/* SPDX-License-Identifier: GPL-2.0 */
/* What the rest of the kernel needs to know about io_uring. */
#ifndef _LINUX_IO_URING_H
#define _LINUX_IO_URING_H

#include <linux/sched.h>

struct file;

#if defined(CONFIG_IO_URING)
bool io_is_uring_fops(struct file *file);
void __io_uring_cancel_task(void);
void __io_uring_free_task(struct task_struct *tsk);

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
#endif

#endif
