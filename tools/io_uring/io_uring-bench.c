// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring-bench: random O_DIRECT reads against files or block devices,
 * at a given queue depth, with the io_uring features that matter for
 * performance (IOPOLL, SQPOLL, registered buffers and files) switchable.
 * Prints IOPS and the submit/complete batch sizes every second, then a
 * summary.  With --nop it measures NOP round trips instead; with
 * --passthrough the reads are NVMe commands to the namespaces' char devices
 * (/dev/ngXnY), through IORING_OP_URING_CMD.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>
#include <linux/nvme_ioctl.h>

#include "liburing.h"

#define MAX_FILES	16

struct file_info {
	const char *path;
	int fd;
	unsigned long long blocks;	/* usable blocks of bs bytes */
	unsigned int nsid;		/* --passthrough: the namespace */
	unsigned int lba_shift;		/* and its LBA size */
};

struct options {
	unsigned int depth;
	unsigned int submit_batch;
	unsigned int complete_batch;
	unsigned int bs;
	unsigned int runtime;
	int sqpoll_cpu;
	bool iopoll, sqpoll, fixed_bufs, fixed_files, nop, passthrough;
};

static struct file_info files[MAX_FILES];
static unsigned int nr_files;

static const char help_text[] =
	"usage: io_uring-bench [options] FILE|DEVICE...\n"
	"       io_uring-bench --nop [options]\n"
	"Random O_DIRECT reads through io_uring; IOPS every second, then a summary.\n"
	"\n"
	"  -d, --depth N           requests in flight (default 128)\n"
	"  -s, --submit-batch N    SQEs per submission (default 32)\n"
	"  -c, --complete-batch N  completions to wait for per call (default 32)\n"
	"  -b, --block-size N      bytes per read, a multiple of 512 (default 4096)\n"
	"  -t, --runtime SEC       seconds to run (default 10)\n"
	"  -p, --iopoll            IORING_SETUP_IOPOLL: poll for completions\n"
	"  -S, --sqpoll            IORING_SETUP_SQPOLL: a kernel thread submits\n"
	"                          (needs root; implies --fixed-files)\n"
	"  -C, --sqpoll-cpu CPU    pin the SQ thread to CPU (implies --sqpoll)\n"
	"  -B, --fixed-buffers     register the buffers, use READ_FIXED\n"
	"  -F, --fixed-files       register the files, use IOSQE_FIXED_FILE\n"
	"  -n, --nop               NOP round trips: no files, no I/O\n"
	"  -u, --passthrough       NVMe read commands to /dev/ngXnY (IORING_OP_URING_CMD;\n"
	"                          needs root)\n"
	"  -h, --help              this text\n";

static void print_help(FILE *out)
{
	fputs(help_text, out);
}

static unsigned long parse_num(const char *opt, const char *arg,
			       unsigned long min, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 0);
	if (errno || end == arg || *end || v < min || v > max) {
		fprintf(stderr, "io_uring-bench: %s: '%s' is not a number in %lu..%lu\n",
			opt, arg, min, max);
		exit(2);
	}
	return v;
}

static void parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "depth", required_argument, NULL, 'd' },
		{ "submit-batch", required_argument, NULL, 's' },
		{ "complete-batch", required_argument, NULL, 'c' },
		{ "block-size", required_argument, NULL, 'b' },
		{ "runtime", required_argument, NULL, 't' },
		{ "iopoll", no_argument, NULL, 'p' },
		{ "sqpoll", no_argument, NULL, 'S' },
		{ "sqpoll-cpu", required_argument, NULL, 'C' },
		{ "fixed-buffers", no_argument, NULL, 'B' },
		{ "fixed-files", no_argument, NULL, 'F' },
		{ "nop", no_argument, NULL, 'n' },
		{ "passthrough", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	int c;

	*o = (struct options){ .depth = 128, .submit_batch = 32,
			       .complete_batch = 32, .bs = 4096, .runtime = 10,
			       .sqpoll_cpu = -1 };
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:s:c:b:t:pSC:BFnuh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->depth = parse_num("--depth", optarg, 1, 4096);
			break;
		case 's':
			o->submit_batch = parse_num("--submit-batch", optarg, 1, 4096);
			break;
		case 'c':
			o->complete_batch = parse_num("--complete-batch", optarg, 1, 4096);
			break;
		case 'b':
			o->bs = parse_num("--block-size", optarg, 512, 1 << 24);
			break;
		case 't':
			o->runtime = parse_num("--runtime", optarg, 1, 86400);
			break;
		case 'p':
			o->iopoll = true;
			break;
		case 'S':
			o->sqpoll = true;
			break;
		case 'C':
			o->sqpoll = true;
			o->sqpoll_cpu = parse_num("--sqpoll-cpu", optarg, 0, 4095);
			break;
		case 'B':
			o->fixed_bufs = true;
			break;
		case 'F':
			o->fixed_files = true;
			break;
		case 'n':
			o->nop = true;
			break;
		case 'u':
			o->passthrough = true;
			break;
		case 'h':
			print_help(stdout);
			exit(0);
		default:
			fprintf(stderr, "io_uring-bench: bad option '%s' (see --help)\n",
				argv[optind - 1]);
			exit(2);
		}
	}
	if (o->bs % 512) {
		fprintf(stderr, "io_uring-bench: --block-size must be a multiple of 512\n");
		exit(2);
	}
	if (o->sqpoll)
		o->fixed_files = true;
	if (o->submit_batch > o->depth)
		o->submit_batch = o->depth;
	if (o->complete_batch > o->depth)
		o->complete_batch = o->depth;
	if (o->nop) {
		if (optind < argc || o->iopoll || o->fixed_bufs || o->passthrough) {
			fputs("io_uring-bench: --nop takes no files, -p, -B or -u\n", stderr);
			exit(2);
		}
		return;
	}
	if (optind >= argc) {
		fprintf(stderr, "io_uring-bench: no file or device given (see --help)\n");
		exit(2);
	}
	for (; optind < argc; optind++) {
		if (nr_files == MAX_FILES) {
			fprintf(stderr, "io_uring-bench: at most %d files\n", MAX_FILES);
			exit(2);
		}
		files[nr_files++].path = argv[optind];
	}
}

/*
 * --passthrough: the namespace of char device @f and its size, from the
 * controller's Identify Namespace data (NSZE, and the LBA format FLBAS
 * names).
 */
static void nvme_namespace(struct file_info *f, const struct options *o)
{
	static unsigned char id[4096];
	struct nvme_admin_cmd cmd = { 0 };
	unsigned long long nsze;
	int ret;

	ret = ioctl(f->fd, NVME_IOCTL_ID);
	if (ret <= 0) {
		fprintf(stderr, "io_uring-bench: %s: not an NVMe namespace (%s)\n",
			f->path, ret < 0 ? strerror(errno) : "no namespace ID");
		exit(1);
	}
	f->nsid = ret;
	cmd.opcode = 0x06;		/* Identify */
	cmd.nsid = f->nsid;
	cmd.addr = (unsigned long)id;
	cmd.data_len = sizeof(id);
	cmd.cdw10 = 0;			/* CNS 0: the namespace */
	ret = ioctl(f->fd, NVME_IOCTL_ADMIN_CMD, &cmd);
	if (ret) {
		fprintf(stderr, "io_uring-bench: %s: Identify Namespace: %s\n", f->path,
			ret < 0 ? strerror(errno) : "NVMe error status");
		exit(1);
	}
	memcpy(&nsze, id, sizeof(nsze));
	/* LBADS of the format FLBAS (byte 26) selects, in the table at byte 128 */
	f->lba_shift = id[128 + 4 * (id[26] & 0xf) + 2];
	if (f->lba_shift < 9 || o->bs % (1U << f->lba_shift)) {
		fprintf(stderr, "io_uring-bench: %s: --block-size: not a multiple of %u\n",
			f->path, 1U << f->lba_shift);
		exit(1);
	}
	f->blocks = (nsze << f->lba_shift) / o->bs;
}

static void open_files(const struct options *o)
{
	unsigned int i;

	for (i = 0; i < nr_files; i++) {
		struct file_info *f = &files[i];
		unsigned long long bytes;
		struct stat st;

		f->fd = open(f->path, o->passthrough ? O_RDONLY : O_RDONLY | O_DIRECT);
		if (f->fd < 0) {
			fprintf(stderr, "io_uring-bench: %s: %s\n", f->path, strerror(errno));
			exit(1);
		}
		if (fstat(f->fd, &st)) {
			fprintf(stderr, "io_uring-bench: %s: %s\n", f->path, strerror(errno));
			exit(1);
		}
		if (o->passthrough) {
			if (!S_ISCHR(st.st_mode)) {
				fprintf(stderr, "io_uring-bench: %s: %s\n", f->path,
					"--passthrough takes NVMe char devices (/dev/ngXnY)");
				exit(1);
			}
			nvme_namespace(f, o);
			bytes = f->blocks * o->bs;
		} else if (S_ISBLK(st.st_mode)) {
			if (ioctl(f->fd, BLKGETSIZE64, &bytes)) {
				fprintf(stderr, "io_uring-bench: %s: BLKGETSIZE64: %s\n",
					f->path, strerror(errno));
				exit(1);
			}
		} else if (S_ISREG(st.st_mode)) {
			bytes = st.st_size;
		} else {
			fprintf(stderr, "io_uring-bench: %s: not a regular file or block device\n",
				f->path);
			exit(1);
		}
		f->blocks = bytes / o->bs;
		if (!f->blocks) {
			fprintf(stderr, "io_uring-bench: %s: smaller than one %u-byte block\n",
				f->path, o->bs);
			exit(1);
		}
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift64*: cheap, good enough to scatter offsets */
static uint64_t rnd(void)
{
	static uint64_t x = 0x9e3779b97f4a7c15ULL;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	return x * 0x2545f4914f6cdd1dULL;
}

struct slot {
	void *buf;
	struct iovec iov;
};

/* An NVMe Read of one block at @off into @s, in the SQE's command area. */
static void prep_passthrough(struct io_uring_sqe *sqe, const struct file_info *f, int fd,
			     struct slot *s, unsigned int idx, unsigned long long off,
			     const struct options *o)
{
	struct nvme_uring_cmd *cmd = (struct nvme_uring_cmd *)sqe->cmd;
	unsigned long long slba = off >> f->lba_shift;

	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = NVME_URING_CMD_IO;
	if (o->fixed_bufs) {
		sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
		sqe->buf_index = idx;
	}
	cmd->opcode = 0x02;		/* Read */
	cmd->nsid = f->nsid;
	cmd->addr = (unsigned long)s->buf;
	cmd->data_len = o->bs;
	cmd->cdw10 = slba;
	cmd->cdw11 = slba >> 32;
	cmd->cdw12 = (o->bs >> f->lba_shift) - 1;	/* 0's based */
}

static void prep_one(struct io_uring_sqe *sqe, struct slot *s, unsigned int idx,
		     const struct options *o)
{
	unsigned int fi = nr_files > 1 ? rnd() % nr_files : 0;
	struct file_info *f = &files[fi];
	unsigned long long off = (rnd() % f->blocks) * o->bs;
	int fd = o->fixed_files ? (int)fi : f->fd;

	if (o->nop)
		io_uring_prep_nop(sqe);
	else if (o->passthrough)
		prep_passthrough(sqe, f, fd, s, idx, off, o);
	else if (o->fixed_bufs)
		io_uring_prep_read_fixed(sqe, fd, s->buf, o->bs, off, idx);
	else
		io_uring_prep_readv(sqe, fd, &s->iov, 1, off);
	if (o->fixed_files && !o->nop)
		sqe->flags |= IOSQE_FIXED_FILE;
	sqe->user_data = idx;
}

/* A CQE with @res that is not what the request was to give. */
static void request_failed(int res, const struct options *o)
{
	if (res < 0)
		fprintf(stderr, "io_uring-bench: request failed: %s\n", strerror(-res));
	else if (o->passthrough)
		fprintf(stderr, "io_uring-bench: NVMe status %#x\n", res);
	else
		fprintf(stderr, "io_uring-bench: request failed: short read\n");
}

static const char *setup_hint(int err, const struct options *o)
{
	if (err == -EPERM && o->sqpoll)
		return " (--sqpoll needs root)";
	if (err == -EINVAL && o->sqpoll_cpu >= 0)
		return " (is the --sqpoll-cpu online?)";
	if (err == -ENOSYS)
		return " (this kernel has no io_uring)";
	if (err == -EINVAL && o->passthrough)
		return " (--passthrough needs SQE128 and CQE32 rings: Linux 5.19 or later)";
	if (err == -ENOMEM)
		return o->fixed_bufs ? " (RLIMIT_MEMLOCK too low for the buffers? try ulimit -l)" :
		       " (out of memory, or the memory cgroup's limit)";
	return "";
}

int main(int argc, char **argv)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct options o;
	struct slot *slots;
	unsigned int *free_idx, nr_free, inflight = 0, i;
	unsigned long long done = 0, last_done = 0, calls = 0, last_calls = 0;
	unsigned long long submitted = 0, last_submitted = 0;
	unsigned long long reaped_calls = 0, last_reaped = 0;
	double start, last, t;
	int ret;

	parse_args(argc, argv, &o);
	if (!o.nop)
		open_files(&o);

	memset(&p, 0, sizeof(p));
	p.flags = (o.iopoll ? IORING_SETUP_IOPOLL : 0) |
		  (o.sqpoll ? IORING_SETUP_SQPOLL : 0) |
		  (o.sqpoll_cpu >= 0 ? IORING_SETUP_SQ_AFF : 0) |
		  (o.passthrough ? IORING_SETUP_SQE128 | IORING_SETUP_CQE32 : 0);
	p.sq_thread_cpu = o.sqpoll_cpu >= 0 ? o.sqpoll_cpu : 0;
	ret = io_uring_queue_init_params(o.depth, &ring, &p);
	if (ret) {
		fprintf(stderr, "io_uring-bench: io_uring_setup: %s%s\n",
			strerror(-ret), setup_hint(ret, &o));
		return 1;
	}

	slots = calloc(o.depth, sizeof(*slots));
	free_idx = calloc(o.depth, sizeof(*free_idx));
	if (!slots || !free_idx) {
		fprintf(stderr, "io_uring-bench: out of memory\n");
		return 1;
	}
	for (i = 0; i < o.depth; i++) {
		if (!o.nop && posix_memalign(&slots[i].buf, 4096, o.bs)) {
			fprintf(stderr, "io_uring-bench: out of memory\n");
			return 1;
		}
		slots[i].iov.iov_base = slots[i].buf;
		slots[i].iov.iov_len = o.bs;
		free_idx[i] = o.depth - 1 - i;
	}
	nr_free = o.depth;

	if (o.fixed_bufs) {
		struct iovec *iovs = calloc(o.depth, sizeof(*iovs));

		for (i = 0; i < o.depth; i++)
			iovs[i] = slots[i].iov;
		ret = io_uring_register_buffers(&ring, iovs, o.depth);
		free(iovs);
		if (ret) {
			fprintf(stderr, "io_uring-bench: registering buffers: %s%s\n",
				strerror(-ret), setup_hint(ret, &o));
			return 1;
		}
	}
	if (o.fixed_files && !o.nop) {
		int fds[MAX_FILES];

		for (i = 0; i < nr_files; i++)
			fds[i] = files[i].fd;
		ret = io_uring_register_files(&ring, fds, nr_files);
		if (ret) {
			fprintf(stderr, "io_uring-bench: registering files: %s\n",
				strerror(-ret));
			return 1;
		}
	}

	printf("io_uring-bench: %s, depth %u, batches %u/%u, bs %u%s%s%s%s\n",
	       o.nop ? "NOP round trips" :
	       o.passthrough ? "random NVMe passthrough reads" : "random O_DIRECT reads", o.depth,
	       o.submit_batch, o.complete_batch, o.bs,
	       o.iopoll ? ", iopoll" : "", o.sqpoll ? ", sqpoll" : "",
	       o.fixed_bufs ? ", fixed buffers" : "",
	       o.fixed_files ? ", fixed files" : "");
	fflush(stdout);

	start = now();
	last = start;
	for (;;) {
		unsigned int to_submit = 0, wait_nr = 0, seen = 0;
		struct io_uring_cqe *cqe;

		/* top the queue up, submit_batch SQEs per call */
		while (nr_free && to_submit < o.submit_batch) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			unsigned int idx;

			if (!sqe)
				break;
			idx = free_idx[--nr_free];
			prep_one(sqe, &slots[idx], idx, &o);
			to_submit++;
		}
		/* with the queue full, wait for a batch of completions */
		if (!nr_free)
			wait_nr = o.complete_batch;
		ret = io_uring_submit_and_wait(&ring, wait_nr);
		if (ret < 0) {
			fprintf(stderr, "io_uring-bench: io_uring_enter: %s\n", strerror(-ret));
			return 1;
		}
		calls++;
		submitted += to_submit;
		inflight += to_submit;

		while (!io_uring_peek_cqe(&ring, &cqe)) {
			unsigned int idx = cqe->user_data;
			/* a passthrough command's res is 0 or the NVMe status */
			int want = o.nop || o.passthrough ? 0 : (int)o.bs;

			if (cqe->res != want) {
				request_failed(cqe->res, &o);
				return 1;
			}
			free_idx[nr_free++] = idx;
			io_uring_cqe_seen(&ring, cqe);
			inflight--;
			seen++;
		}
		if (seen)
			reaped_calls++;
		done += seen;

		t = now();
		if (t - last >= 1.0) {
			double secs = t - last;
			unsigned long long n_calls = calls - last_calls;
			unsigned long long n_reaps = reaped_calls - last_reaped;

			printf("IOPS=%.0f, IOS/call=%.1f/%.1f, inflight=%u\n",
			       (done - last_done) / secs,
			       n_calls ? (double)(submitted - last_submitted) / n_calls : 0.0,
			       n_reaps ? (double)(done - last_done) / n_reaps : 0.0,
			       inflight);
			fflush(stdout);
			last = t;
			last_done = done;
			last_calls = calls;
			last_submitted = submitted;
			last_reaped = reaped_calls;
			if (t - start >= o.runtime)
				break;
		}
	}
	t = now() - start;
	printf("io_uring-bench: %llu %s in %.1f s: %.0f IOPS\n", done,
	       o.nop ? "NOPs" : "reads", t, done / t);
	io_uring_queue_exit(&ring);
	return 0;
}
