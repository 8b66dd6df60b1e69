/* SPDX-License-Identifier: GPL-2.0 */
/* What the rest of the kernel needs to know about io_uring. */
#ifndef _LINUX_IO_URING_H
#define _LINUX_IO_URING_H

struct file;

#if defined(CONFIG_IO_URING)
bool io_is_uring_fops(struct file *file);
#else
static inline bool io_is_uring_fops(struct file *file)
{
	return false;
}
#endif

#endif
