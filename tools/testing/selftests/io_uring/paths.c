// SPDX-License-Identifier: GPL-2.0
/*
 * The path operations: IORING_OP_RENAMEAT, UNLINKAT, MKDIRAT, SYMLINKAT and
 * LINKAT do what their syscalls do, relative to directory fds or the
 * submitter's working directory, read their paths at submission, and
 * answer bad inputs with their errno.  So do FSETXATTR, SETXATTR,
 * FGETXATTR and GETXATTR.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "../kselftest_harness.h"
#include "ring.h"

/* One path operation: fd and addr name the first path, len and addr2 the second. */
static struct io_uring_sqe *prep_pathop(struct ring *r, __u8 op, int fd, const char *path,
					int fd2, const char *path2, __u32 flags)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = op;
	sqe->fd = fd;
	sqe->addr = (unsigned long)path;
	sqe->len = fd2;
	sqe->addr2 = (unsigned long)path2;
	sqe->rename_flags = flags;	/* unlink_ and hardlink_flags share it */
	sqe->user_data = op;
	return sqe;
}

static int run_pathop(struct ring *r, __u8 op, int fd, const char *path,
		      int fd2, const char *path2, __u32 flags)
{
	prep_pathop(r, op, fd, path, fd2, path2, flags);
	return ring_run_one(r, op);
}

static int run_mkdir(struct ring *r, int dfd, const char *path, mode_t mode)
{
	return run_pathop(r, IORING_OP_MKDIRAT, dfd, path, mode, NULL, 0);
}

static int run_unlink(struct ring *r, int dfd, const char *path, int flags)
{
	return run_pathop(r, IORING_OP_UNLINKAT, dfd, path, 0, NULL, flags);
}

static int run_symlink(struct ring *r, const char *target, int dfd, const char *path)
{
	struct io_uring_sqe *sqe = prep_pathop(r, IORING_OP_SYMLINKAT, dfd, target, 0, path, 0);

	sqe->len = 0;
	return ring_run_one(r, IORING_OP_SYMLINKAT);
}

static int exists(int dfd, const char *path)
{
	struct stat st;

	return !fstatat(dfd, path, &st, AT_SYMLINK_NOFOLLOW);
}

FIXTURE(paths) {
	struct ring r;
	char dir[64];
	int dfd;
};

FIXTURE_SETUP(paths)
{
	int fd;

	snprintf(self->dir, sizeof(self->dir), "/tmp/io_uring-paths-%d", getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	self->dfd = open(self->dir, O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, self->dfd);
	fd = openat(self->dfd, "f", O_CREAT | O_WRONLY, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(5, write(fd, "hello", 5));
	close(fd);
	ASSERT_EQ(0, ring_init(&self->r, 8, 0));
}

FIXTURE_TEARDOWN(paths)
{
	static const char * const names[] = { "f", "g", "h", "s", "l" };
	int i;

	ring_exit(&self->r);
	for (i = 0; i < 5; i++)
		unlinkat(self->dfd, names[i], 0);
	unlinkat(self->dfd, "d/e", AT_REMOVEDIR);
	unlinkat(self->dfd, "d", AT_REMOVEDIR);
	close(self->dfd);
	rmdir(self->dir);
}

TEST_F(paths, mkdirat_and_unlinkat_of_a_directory)
{
	struct stat st;
	mode_t old = umask(0);

	EXPECT_EQ(0, run_mkdir(&self->r, self->dfd, "d", 0710));
	umask(old);
	ASSERT_EQ(0, fstatat(self->dfd, "d", &st, 0));
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	EXPECT_EQ(0710, st.st_mode & 0777);
	EXPECT_EQ(-EEXIST, run_mkdir(&self->r, self->dfd, "d", 0755));
	EXPECT_EQ(-ENOENT, run_mkdir(&self->r, self->dfd, "x/y", 0755));

	/* a directory goes with AT_REMOVEDIR only, a file without it only */
	EXPECT_EQ(-EISDIR, run_unlink(&self->r, self->dfd, "d", 0));
	EXPECT_EQ(-ENOTDIR, run_unlink(&self->r, self->dfd, "f", AT_REMOVEDIR));
	EXPECT_EQ(0, run_unlink(&self->r, self->dfd, "d", AT_REMOVEDIR));
	EXPECT_FALSE(exists(self->dfd, "d"));
	EXPECT_EQ(0, run_unlink(&self->r, self->dfd, "f", 0));
	EXPECT_FALSE(exists(self->dfd, "f"));
	EXPECT_EQ(-ENOENT, run_unlink(&self->r, self->dfd, "f", 0));
}

/* Relative paths resolve against the submitter's working directory. */
TEST_F(paths, at_fdcwd_is_the_submitters_directory)
{
	char cwd[256];

	ASSERT_NE(NULL, getcwd(cwd, sizeof(cwd)));
	ASSERT_EQ(0, chdir(self->dir));
	EXPECT_EQ(0, run_mkdir(&self->r, AT_FDCWD, "d", 0755));
	EXPECT_EQ(0, run_pathop(&self->r, IORING_OP_RENAMEAT, AT_FDCWD, "f",
				AT_FDCWD, "g", 0));
	ASSERT_EQ(0, chdir(cwd));
	EXPECT_TRUE(exists(self->dfd, "d"));
	EXPECT_TRUE(exists(self->dfd, "g"));
	EXPECT_FALSE(exists(self->dfd, "f"));
}

TEST_F(paths, renameat_moves_and_obeys_its_flags)
{
	int fd;

	EXPECT_EQ(0, run_pathop(&self->r, IORING_OP_RENAMEAT, self->dfd, "f",
				self->dfd, "g", 0));
	EXPECT_FALSE(exists(self->dfd, "f"));
	EXPECT_TRUE(exists(self->dfd, "g"));

	fd = openat(self->dfd, "h", O_CREAT | O_WRONLY, 0644);
	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(-EEXIST, run_pathop(&self->r, IORING_OP_RENAMEAT, self->dfd, "g",
				      self->dfd, "h", RENAME_NOREPLACE));
	EXPECT_EQ(-EINVAL, run_pathop(&self->r, IORING_OP_RENAMEAT, self->dfd, "g",
				      self->dfd, "h", 1u << 30));
	EXPECT_EQ(-ENOENT, run_pathop(&self->r, IORING_OP_RENAMEAT, self->dfd, "f",
				      self->dfd, "h", 0));
	EXPECT_EQ(-EBADF, run_pathop(&self->r, IORING_OP_RENAMEAT, self->dfd, "g",
				     999, "h", 0));
}

TEST_F(paths, symlinkat_and_linkat)
{
	char target[64] = { };
	struct stat a, b;

	EXPECT_EQ(0, run_symlink(&self->r, "f", self->dfd, "s"));
	EXPECT_EQ(1, readlinkat(self->dfd, "s", target, sizeof(target)));
	EXPECT_STREQ("f", target);
	EXPECT_EQ(-EEXIST, run_symlink(&self->r, "f", self->dfd, "s"));

	EXPECT_EQ(0, run_pathop(&self->r, IORING_OP_LINKAT, self->dfd, "f",
				self->dfd, "l", 0));
	ASSERT_EQ(0, fstatat(self->dfd, "f", &a, 0));
	ASSERT_EQ(0, fstatat(self->dfd, "l", &b, 0));
	EXPECT_EQ(a.st_ino, b.st_ino);
	EXPECT_EQ(2, a.st_nlink);
	unlinkat(self->dfd, "l", 0);

	/* without AT_SYMLINK_FOLLOW the link is to the symlink itself */
	EXPECT_EQ(0, run_pathop(&self->r, IORING_OP_LINKAT, self->dfd, "s",
				self->dfd, "l", 0));
	ASSERT_EQ(0, fstatat(self->dfd, "l", &b, AT_SYMLINK_NOFOLLOW));
	EXPECT_TRUE(S_ISLNK(b.st_mode));
	unlinkat(self->dfd, "l", 0);
	EXPECT_EQ(0, run_pathop(&self->r, IORING_OP_LINKAT, self->dfd, "s",
				self->dfd, "l", AT_SYMLINK_FOLLOW));
	ASSERT_EQ(0, fstatat(self->dfd, "l", &b, AT_SYMLINK_NOFOLLOW));
	EXPECT_EQ(a.st_ino, b.st_ino);
	EXPECT_EQ(-EINVAL, run_pathop(&self->r, IORING_OP_LINKAT, self->dfd, "f",
				      self->dfd, "g", 1u << 30));
}

/*
 * The paths are read at submission: a chain mkdir -> rename -> unlink
 * whose path buffers are overwritten once it is submitted still works.
 */
TEST_F(paths, linked_chain_reads_its_paths_at_submission)
{
	char d[8] = "d", f[8] = "f", g[8] = "g", de[8] = "d/e", g2[8] = "g";
	struct io_uring_cqe cqe;
	int i;

	prep_pathop(&self->r, IORING_OP_MKDIRAT, self->dfd, d, 0755, NULL, 0)->flags =
		IOSQE_IO_LINK;
	prep_pathop(&self->r, IORING_OP_RENAMEAT, self->dfd, f, self->dfd, g, 0)->flags =
		IOSQE_IO_LINK;
	prep_pathop(&self->r, IORING_OP_MKDIRAT, self->dfd, de, 0755, NULL, 0)->flags =
		IOSQE_IO_LINK;
	prep_pathop(&self->r, IORING_OP_UNLINKAT, self->dfd, g2, 0, NULL, 0);
	ASSERT_EQ(4, ring_submit(&self->r, 0));
	strcpy(d, "x");
	strcpy(f, "x");
	strcpy(g, "x");
	strcpy(de, "x");
	strcpy(g2, "x");
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, ring_wait_cqe(&self->r, &cqe));
		EXPECT_EQ(0, cqe.res) TH_LOG("opcode %llu", (unsigned long long)cqe.user_data);
	}
	EXPECT_TRUE(exists(self->dfd, "d/e"));
	EXPECT_FALSE(exists(self->dfd, "f"));
	EXPECT_FALSE(exists(self->dfd, "g"));
	EXPECT_FALSE(exists(self->dfd, "x"));
}

TEST_F(paths, bad_inputs)
{
	struct io_uring_sqe *sqe;

	/* unreadable paths, either of two */
	EXPECT_EQ(-EFAULT, run_mkdir(&self->r, self->dfd, NULL, 0755));
	EXPECT_EQ(-EFAULT, run_pathop(&self->r, IORING_OP_RENAMEAT, self->dfd, "f",
				      self->dfd, (void *)8, 0));
	EXPECT_EQ(-EFAULT, run_pathop(&self->r, IORING_OP_LINKAT, self->dfd, (void *)8,
				      self->dfd, "g", 0));
	EXPECT_EQ(-ENOENT, run_unlink(&self->r, self->dfd, "", 0));
	EXPECT_EQ(-EBADF, run_mkdir(&self->r, 999, "d", 0755));
	EXPECT_EQ(-ENOTDIR, run_mkdir(&self->r, self->dfd, "f/d", 0755));

	EXPECT_EQ(-EINVAL, run_unlink(&self->r, self->dfd, "f", AT_REMOVEDIR << 1));
	/* len of UNLINKAT, flags of MKDIRAT, len of SYMLINKAT */
	EXPECT_EQ(-EINVAL, run_pathop(&self->r, IORING_OP_UNLINKAT, self->dfd, "f", 1, NULL, 0));
	EXPECT_EQ(-EINVAL, run_pathop(&self->r, IORING_OP_MKDIRAT, self->dfd, "d", 0755, NULL, 1));
	EXPECT_EQ(-EINVAL, run_pathop(&self->r, IORING_OP_SYMLINKAT, self->dfd, "f", 1, "s", 0));
	sqe = prep_pathop(&self->r, IORING_OP_RENAMEAT, self->dfd, "f", self->dfd, "g", 0);
	sqe->ioprio = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, IORING_OP_RENAMEAT));
	sqe = prep_pathop(&self->r, IORING_OP_RENAMEAT, self->dfd, "f", self->dfd, "g", 0);
	sqe->buf_index = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, IORING_OP_RENAMEAT));
	sqe = prep_pathop(&self->r, IORING_OP_LINKAT, self->dfd, "f", self->dfd, "g", 0);
	sqe->addr3 = 1;
	EXPECT_EQ(-EINVAL, ring_run_one(&self->r, IORING_OP_LINKAT));
	/* as on 6.1: a fixed file is -EBADF */
	sqe = prep_pathop(&self->r, IORING_OP_MKDIRAT, 0, "d", 0755, NULL, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	EXPECT_EQ(-EBADF, ring_run_one(&self->r, IORING_OP_MKDIRAT));
	/* nothing happened */
	EXPECT_TRUE(exists(self->dfd, "f"));
	EXPECT_FALSE(exists(self->dfd, "g"));
	EXPECT_FALSE(exists(self->dfd, "d"));
}

/* IOPOLL rings take none of them. */
TEST(iopoll_ring_refuses_them)
{
	static const __u8 ops[] = { IORING_OP_RENAMEAT, IORING_OP_UNLINKAT, IORING_OP_MKDIRAT,
				    IORING_OP_SYMLINKAT, IORING_OP_LINKAT };
	struct ring r;
	int i;

	ASSERT_EQ(0, ring_init(&r, 8, IORING_SETUP_IOPOLL));
	for (i = 0; i < 5; i++) {
		prep_pathop(&r, ops[i], AT_FDCWD, "/nonexistent", AT_FDCWD, "/nonexistent", 0);
		EXPECT_EQ(-EINVAL, ring_run_one(&r, ops[i])) TH_LOG("opcode %d", ops[i]);
	}
	ring_exit(&r);
}

/* One xattr operation: the name at addr, the value at addr2, the path at addr3. */
static int run_xattr(struct ring *r, __u8 op, int fd, const char *path, const char *name,
		     void *value, __u32 len, __u32 flags)
{
	struct io_uring_sqe *sqe = ring_get_sqe(r);

	sqe->opcode = op;
	sqe->fd = fd;
	sqe->addr = (unsigned long)name;
	sqe->addr2 = (unsigned long)value;
	sqe->addr3 = (unsigned long)path;
	sqe->len = len;
	sqe->xattr_flags = flags;
	sqe->user_data = op;
	return ring_run_one(r, op);
}

#define XATTR_DIR	"/mnt/ext4"

/* On ext4 (user xattrs): set and get by fd and by path, as the syscalls do. */
TEST(xattrs)
{
	char path[64], val[16] = { 0 }, name[300];
	struct ring r;
	int fd;

	snprintf(path, sizeof(path), XATTR_DIR "/io_uring-xattr-%d", getpid());
	fd = open(path, O_CREAT | O_RDWR, 0644);
	if (fd >= 0 && fsetxattr(fd, "user.probe", "", 0, 0)) {
		close(fd);
		unlink(path);
		fd = -1;
	}
	if (fd < 0)
		SKIP(return, "no file system with user xattrs at " XATTR_DIR " (%s)",
		     strerror(errno));
	ASSERT_EQ(0, ring_init(&r, 4, 0));
	EXPECT_EQ(0, run_xattr(&r, IORING_OP_FSETXATTR, fd, NULL, "user.a", "one", 3, 0));
	EXPECT_EQ(0, run_xattr(&r, IORING_OP_SETXATTR, -1, path, "user.b", "two", 3,
			       XATTR_CREATE));
	EXPECT_EQ(3, fgetxattr(fd, "user.b", val, sizeof(val)));
	EXPECT_EQ(0, memcmp(val, "two", 3));
	memset(val, 0, sizeof(val));
	EXPECT_EQ(3, run_xattr(&r, IORING_OP_FGETXATTR, fd, NULL, "user.a", val, sizeof(val), 0));
	EXPECT_STREQ("one", val);
	memset(val, 0, sizeof(val));
	EXPECT_EQ(3, run_xattr(&r, IORING_OP_GETXATTR, -1, path, "user.b", val, sizeof(val), 0));
	EXPECT_STREQ("two", val);
	/* a size of 0 asks for the size */
	EXPECT_EQ(3, run_xattr(&r, IORING_OP_GETXATTR, -1, path, "user.b", NULL, 0, 0));

	/* bad inputs, with the errnos of the syscalls (and of 6.1) */
	EXPECT_EQ(-EEXIST, run_xattr(&r, IORING_OP_SETXATTR, -1, path, "user.b", "x", 1,
				     XATTR_CREATE));
	EXPECT_EQ(-ENODATA, run_xattr(&r, IORING_OP_FSETXATTR, fd, NULL, "user.c", "x", 1,
				      XATTR_REPLACE));
	EXPECT_EQ(-EINVAL, run_xattr(&r, IORING_OP_FSETXATTR, fd, NULL, "user.c", "x", 1, 4));
	EXPECT_EQ(-EINVAL, run_xattr(&r, IORING_OP_FGETXATTR, fd, NULL, "user.a", val, 16, 1));
	EXPECT_EQ(-ENODATA, run_xattr(&r, IORING_OP_FGETXATTR, fd, NULL, "user.z", val, 16, 0));
	EXPECT_EQ(-ERANGE, run_xattr(&r, IORING_OP_FGETXATTR, fd, NULL, "user.a", val, 1, 0));
	EXPECT_EQ(-ERANGE, run_xattr(&r, IORING_OP_FGETXATTR, fd, NULL, "", val, 16, 0));
	memset(name, 'n', sizeof(name));
	name[sizeof(name) - 1] = 0;
	EXPECT_EQ(-ERANGE, run_xattr(&r, IORING_OP_FSETXATTR, fd, NULL, name, "x", 1, 0));
	EXPECT_EQ(-E2BIG, run_xattr(&r, IORING_OP_FSETXATTR, fd, NULL, "user.a", "x",
				    65537, 0));
	EXPECT_EQ(-EFAULT, run_xattr(&r, IORING_OP_FSETXATTR, fd, NULL, "user.a", (void *)8,
				     1, 0));
	EXPECT_EQ(-EFAULT, run_xattr(&r, IORING_OP_FGETXATTR, fd, NULL, (void *)8, val, 16, 0));
	EXPECT_EQ(-EFAULT, run_xattr(&r, IORING_OP_FGETXATTR, fd, NULL, "user.a", (void *)8,
				     16, 0));
	EXPECT_EQ(-ENOENT, run_xattr(&r, IORING_OP_GETXATTR, -1, XATTR_DIR "/nonexistent",
				     "user.a", val, 16, 0));
	EXPECT_EQ(-EFAULT, run_xattr(&r, IORING_OP_GETXATTR, -1, (void *)8, "user.a", val,
				     16, 0));
	EXPECT_EQ(-EBADF, run_xattr(&r, IORING_OP_FGETXATTR, 999, NULL, "user.a", val, 16, 0));
	ring_exit(&r);
	close(fd);
	unlink(path);
}

TEST_HARNESS_MAIN
