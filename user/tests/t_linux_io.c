/* t_linux_io: the Linux calls on fds and paths, with Linux's answers
 * (checked against Linux under user-mode QEMU): fstat/newfstatat/statx of
 * the console (a tty) and pipes (FIFOs), ioctl on both, fcntl, pipe2 flags
 * with O_NONBLOCK's -EAGAIN, FD_CLOEXEC across exec, readv/writev, lseek/pread64/pwrite64 (ESPIPE),
 * and paths that do not exist (there is no file system; "/" does). */
#include "tcommon.h"
#include <dakota/stat.h>
#include <dakota/fcntl.h>
#include <dakota/tty.h>

#define BAD_FD 15                        /* never opened here */

static void test_fstat(void)
{
	struct stat st;
	memset(&st, 0xff, sizeof st);
	EXPECT_EQ(syscall2(SYS_fstat, 1, (long)&st), 0, "fstat(1)");
	EXPECT_EQ(st.st_mode, S_IFCHR | 0620, "the console is a character device, mode 0620");
	EXPECT_EQ(st.st_rdev, (5 << 8) | 1, "st_rdev is /dev/console (5, 1)");
	EXPECT_EQ(st.st_nlink, 1, "st_nlink 1");
	EXPECT_EQ(st.st_size, 0, "st_size 0");
	EXPECT_EQ(syscall2(SYS_fstat, BAD_FD, (long)&st), -EBADF, "fstat of a closed fd: -EBADF");
	EXPECT_EQ(syscall2(SYS_fstat, 1, 0), -EFAULT, "fstat to NULL: -EFAULT");
	int p[2];
	EXPECT_EQ(pipe(p), 0, "pipe");
	struct stat a, b;
	EXPECT_EQ(syscall2(SYS_fstat, p[0], (long)&a), 0, "fstat of the read end");
	EXPECT_EQ(syscall2(SYS_fstat, p[1], (long)&b), 0, "fstat of the write end");
	EXPECT_EQ(a.st_mode, S_IFIFO | 0600, "a pipe is a FIFO, mode 0600");
	EXPECT_EQ(a.st_ino, b.st_ino, "both ends have one inode");
	memset(&st, 0, sizeof st);
	EXPECT_EQ(syscall4(SYS_newfstatat, p[0], (long)"", (long)&st, AT_EMPTY_PATH), 0,
		  "newfstatat(fd, \"\", AT_EMPTY_PATH) is fstat");
	EXPECT_EQ(st.st_ino, a.st_ino, "... of that fd");
	EXPECT_EQ(syscall4(SYS_newfstatat, AT_FDCWD, (long)"", (long)&st, 0), -ENOENT,
		  "newfstatat of \"\" without AT_EMPTY_PATH: -ENOENT");
	EXPECT_EQ(syscall4(SYS_newfstatat, BAD_FD, (long)"", (long)&st, AT_EMPTY_PATH), -EBADF,
		  "... with AT_EMPTY_PATH of a closed fd: -EBADF");
	EXPECT_EQ(syscall4(SYS_newfstatat, AT_FDCWD, (long)"/etc/passwd", (long)&st, 0), -ENOENT,
		  "newfstatat of a path: -ENOENT (no file system)");
	EXPECT_EQ(syscall4(SYS_newfstatat, AT_FDCWD, (long)"/x", (long)&st, 8), -EINVAL,
		  "... an unknown flag: -EINVAL");
	EXPECT_EQ(syscall4(SYS_newfstatat, AT_FDCWD, (long)"/", (long)&st, 0), 0, "\"/\" exists");
	EXPECT_EQ(st.st_mode & S_IFMT, S_IFDIR, "... and is a directory");
	EXPECT_EQ(syscall4(SYS_newfstatat, AT_FDCWD, 0, (long)&st, 0), -EFAULT,
		  "a NULL path: -EFAULT");
	struct statx sx;
	memset(&sx, 0, sizeof sx);
	EXPECT_EQ(syscall5(SYS_statx, 0, (long)"", AT_EMPTY_PATH, STATX_BASIC_STATS, (long)&sx), 0,
		  "statx(0, \"\", AT_EMPTY_PATH)");
	EXPECT_EQ(sx.stx_mode, S_IFCHR | 0620, "... the console's mode");
	EXPECT_EQ(sx.stx_rdev_major * 1000 + sx.stx_rdev_minor, 5001, "... rdev 5:1");
	EXPECT_EQ(sx.stx_mask & STATX_BASIC_STATS, STATX_BASIC_STATS, "... basic stats");
	EXPECT_EQ(syscall5(SYS_statx, AT_FDCWD, (long)"/nope", 0, STATX_BASIC_STATS, (long)&sx),
		  -ENOENT, "statx of a path: -ENOENT");
	EXPECT_EQ(syscall5(SYS_statx, AT_FDCWD, (long)"/", 0, STATX__RESERVED, (long)&sx),
		  -EINVAL, "statx with the reserved mask bit: -EINVAL");
	close(p[0]);
	close(p[1]);
}

static void test_ioctl(void)
{
	struct termios t;
	struct winsize w;
	EXPECT_EQ(syscall3(SYS_ioctl, 0, TCGETS, (long)&t), 0, "TCGETS on the console");
	CHECK(t.c_lflag & 2, "... canonical mode (ICANON)");
	EXPECT_EQ(syscall3(SYS_ioctl, 1, TIOCGWINSZ, (long)&w), 0, "TIOCGWINSZ on the console");
	EXPECT_EQ(w.ws_row * 1000 + w.ws_col, 24080, "... 24 rows, 80 columns");
	struct winsize w2 = { 50, 132, 0, 0 };
	EXPECT_EQ(syscall3(SYS_ioctl, 1, TIOCSWINSZ, (long)&w2), 0, "TIOCSWINSZ");
	EXPECT_EQ(syscall3(SYS_ioctl, 1, TIOCGWINSZ, (long)&w), 0, "TIOCGWINSZ again");
	EXPECT_EQ(w.ws_row * 1000 + w.ws_col, 50132, "... gives what was set");
	syscall3(SYS_ioctl, 1, TIOCSWINSZ, (long)&(struct winsize){ 24, 80, 0, 0 });
	EXPECT_EQ(syscall3(SYS_ioctl, 0, TCGETS, 0), -EFAULT, "TCGETS to NULL: -EFAULT");
	EXPECT_EQ(syscall3(SYS_ioctl, 0, 0x12345678, 0), -ENOTTY, "an unknown request: -ENOTTY");
	EXPECT_EQ(syscall3(SYS_ioctl, BAD_FD, TCGETS, (long)&t), -EBADF, "a closed fd: -EBADF");
	int p[2], n = -1;
	pipe(p);
	EXPECT_EQ(syscall3(SYS_ioctl, p[0], TCGETS, (long)&t), -ENOTTY, "TCGETS on a pipe: -ENOTTY");
	write(p[1], "abc", 3);
	EXPECT_EQ(syscall3(SYS_ioctl, p[0], FIONREAD, (long)&n), 0, "FIONREAD on a pipe");
	EXPECT_EQ(n, 3, "... 3 bytes to read");
	close(p[0]);
	close(p[1]);
}

static void test_fcntl_and_flags(void)
{
	int p[2];
	EXPECT_EQ(syscall2(SYS_pipe2, (long)p, O_CLOEXEC | O_NONBLOCK), 0, "pipe2(O_CLOEXEC|O_NONBLOCK)");
	EXPECT_EQ(syscall3(SYS_fcntl, p[0], F_GETFD, 0), FD_CLOEXEC, "F_GETFD: FD_CLOEXEC");
	EXPECT_EQ(syscall3(SYS_fcntl, p[0], F_GETFL, 0), O_RDONLY | O_NONBLOCK,
		  "F_GETFL of the read end: O_RDONLY|O_NONBLOCK");
	EXPECT_EQ(syscall3(SYS_fcntl, p[1], F_GETFL, 0), O_WRONLY | O_NONBLOCK,
		  "F_GETFL of the write end: O_WRONLY|O_NONBLOCK");
	char c;
	EXPECT_EQ(read(p[0], &c, 1), -EAGAIN, "read of an empty O_NONBLOCK pipe: -EAGAIN");
	static char big[5000];
	EXPECT_EQ(write(p[1], big, sizeof big), 4096, "a write to a non-blocking pipe fills it");
	EXPECT_EQ(write(p[1], big, 1), -EAGAIN, "... then -EAGAIN");
	EXPECT_EQ(syscall3(SYS_fcntl, p[0], F_SETFL, 0), 0, "F_SETFL 0");
	EXPECT_EQ(syscall3(SYS_fcntl, p[0], F_GETFL, 0), O_RDONLY, "... clears O_NONBLOCK");
	EXPECT_EQ(syscall3(SYS_fcntl, p[0], F_SETFD, 0), 0, "F_SETFD 0");
	EXPECT_EQ(syscall3(SYS_fcntl, p[0], F_GETFD, 0), 0, "... clears FD_CLOEXEC");
	long d = syscall3(SYS_fcntl, p[0], F_DUPFD, 10);
	EXPECT_EQ(d, 10, "F_DUPFD 10 gives the lowest free fd >= 10");
	EXPECT_EQ(syscall3(SYS_fcntl, d, F_GETFD, 0), 0, "... without FD_CLOEXEC");
	long e = syscall3(SYS_fcntl, p[0], F_DUPFD_CLOEXEC, 10);
	EXPECT_EQ(e, 11, "F_DUPFD_CLOEXEC 10: 11");
	EXPECT_EQ(syscall3(SYS_fcntl, e, F_GETFD, 0), FD_CLOEXEC, "... with FD_CLOEXEC");
	EXPECT_EQ(syscall3(SYS_fcntl, p[0], F_DUPFD, 100000), -EINVAL, "F_DUPFD beyond NOFILE: -EINVAL");
	EXPECT_EQ(syscall3(SYS_fcntl, p[0], 999, 0), -EINVAL, "an unknown command: -EINVAL");
	EXPECT_EQ(syscall3(SYS_fcntl, BAD_FD, F_GETFD, 0), -EBADF, "a closed fd: -EBADF");
	EXPECT_EQ(syscall3(SYS_dup3, p[0], 12, O_CLOEXEC), 12, "dup3(O_CLOEXEC)");
	EXPECT_EQ(syscall3(SYS_fcntl, 12, F_GETFD, 0), FD_CLOEXEC, "... sets FD_CLOEXEC");
	EXPECT_EQ(syscall2(SYS_pipe2, (long)p, 1), -EINVAL, "pipe2 with another flag: -EINVAL");
	for (int fd = 3; fd < 16; fd++)
		close(fd);
}

static void test_vectors(void)
{
	int p[2];
	pipe(p);
	struct iovec w[3] = { { (unsigned long)"ab", 2 }, { 0, 0 }, { (unsigned long)"cde", 3 } };
	EXPECT_EQ(syscall3(SYS_writev, p[1], (long)w, 3), 5, "writev of 2 + 0 + 3 bytes");
	char x[2] = { 0 }, y[8] = { 0 };
	struct iovec r[2] = { { (unsigned long)x, 2 }, { (unsigned long)y, 8 } };
	EXPECT_EQ(syscall3(SYS_readv, p[0], (long)r, 2), 5, "readv returns what is there (5)");
	CHECK(x[0] == 'a' && x[1] == 'b' && !strcmp(y, "cde"), "... split over the vectors");
	EXPECT_EQ(syscall3(SYS_readv, p[0], (long)r, -1), -EINVAL, "readv of -1 vectors: -EINVAL");
	EXPECT_EQ(syscall3(SYS_readv, p[0], (long)r, 1025), -EINVAL, "... of 1025: -EINVAL");
	EXPECT_EQ(syscall3(SYS_writev, p[1], 0, 1), -EFAULT, "writev of a NULL array: -EFAULT");
	EXPECT_EQ(syscall3(SYS_readv, p[1], (long)r, 1), -EBADF, "readv of the write end: -EBADF");
	struct iovec bad[2] = { { (unsigned long)"z", 1 }, { 0x10, 4 } };
	EXPECT_EQ(syscall3(SYS_writev, p[1], (long)bad, 2), 1,
		  "writev whose second buffer is bad: the first byte counts");
	EXPECT_EQ(syscall3(SYS_writev, 1, (long)w, 0), 0, "writev of 0 vectors: 0");
	EXPECT_EQ(syscall3(SYS_lseek, 1, 0, SEEK_SET), -ESPIPE, "lseek on the console: -ESPIPE");
	EXPECT_EQ(syscall3(SYS_lseek, p[0], 0, SEEK_CUR), -ESPIPE, "lseek on a pipe: -ESPIPE");
	EXPECT_EQ(syscall3(SYS_lseek, p[0], 0, 7), -EINVAL, "... with a bad whence: -EINVAL");
	EXPECT_EQ(syscall3(SYS_lseek, BAD_FD, 0, SEEK_SET), -EBADF, "lseek on a closed fd: -EBADF");
	EXPECT_EQ(syscall4(SYS_pread64, p[0], (long)x, 1, 0), -ESPIPE, "pread64 on a pipe: -ESPIPE");
	EXPECT_EQ(syscall4(SYS_pwrite64, 1, (long)x, 1, 0), -ESPIPE, "pwrite64 on the console: -ESPIPE");
	EXPECT_EQ(syscall4(SYS_pread64, BAD_FD, (long)x, 1, -1), -EBADF, "pread64 on a closed fd: -EBADF");
	close(p[0]);
	close(p[1]);
}

static void test_paths(void)
{
	char buf[64];
	EXPECT_EQ(syscall4(SYS_openat, AT_FDCWD, (long)"/etc/passwd", 0, 0), -ENOENT,
		  "openat of a path: -ENOENT");
	EXPECT_EQ(syscall4(SYS_openat, AT_FDCWD, (long)"", 0, 0), -ENOENT, "openat of \"\": -ENOENT");
	EXPECT_EQ(syscall4(SYS_openat, AT_FDCWD, 0, 0, 0), -EFAULT, "openat of NULL: -EFAULT");
	EXPECT_EQ(syscall4(SYS_openat, BAD_FD, (long)"x", 0, 0), -EBADF,
		  "a relative path from a closed dirfd: -EBADF");
	EXPECT_EQ(syscall4(SYS_openat, 1, (long)"x", 0, 0), -ENOTDIR,
		  "... from the console: -ENOTDIR");
	EXPECT_EQ(syscall4(SYS_readlinkat, AT_FDCWD, (long)"/proc/self/exe", (long)buf, 64), -ENOENT,
		  "readlinkat /proc/self/exe: -ENOENT");
	EXPECT_EQ(syscall4(SYS_readlinkat, AT_FDCWD, (long)"/x", (long)buf, 0), -EINVAL,
		  "readlinkat with size 0: -EINVAL");
	EXPECT_EQ(syscall3(SYS_faccessat, AT_FDCWD, (long)"/bin/sh", F_OK), -ENOENT,
		  "faccessat of a path: -ENOENT");
	EXPECT_EQ(syscall3(SYS_faccessat, AT_FDCWD, (long)"/", R_OK | X_OK), 0, "faccessat(\"/\", R|X)");
	EXPECT_EQ(syscall3(SYS_faccessat, AT_FDCWD, (long)"/", 8), -EINVAL, "... a bad mode: -EINVAL");
	EXPECT_EQ(syscall2(SYS_getcwd, (long)buf, sizeof buf), 2, "getcwd returns 2 (\"/\" and NUL)");
	CHECK(!strcmp(buf, "/"), "... the cwd is \"/\"");
	EXPECT_EQ(syscall2(SYS_getcwd, (long)buf, 1), -ERANGE, "getcwd into 1 byte: -ERANGE");
	EXPECT_EQ(syscall1(SYS_chdir, (long)"/"), 0, "chdir(\"/\")");
	EXPECT_EQ(syscall1(SYS_chdir, (long)"/tmp"), -ENOENT, "chdir(\"/tmp\"): -ENOENT");
}

/* In a child: fd 5 without and fd 6 with FD_CLOEXEC, both on a pipe's
 * write end; t_child writes to the fd named in its arguments. */
static int exec_writer(void *arg)
{
	int p[2];
	if (pipe(p) || syscall3(SYS_dup3, p[1], 5, 0) != 5 ||
	    syscall3(SYS_dup3, p[1], 6, O_CLOEXEC) != 6)
		return 20;
	char *argv[] = { "t_child", "write", (char *)arg, "hi", 0 };
	execv("t_child", argv);
	return 21;
}

static void test_cloexec_exec(void)
{
	EXPECT_EQ(run_child(exec_writer, "5"), W_EXIT(0), "after exec an fd without FD_CLOEXEC is open");
	EXPECT_EQ(run_child(exec_writer, "6"), W_EXIT(1), "... one with FD_CLOEXEC is closed");
}

int main(void)
{
	TEST_PLAN();
	warm_stack();
	struct kstat before = kstat_now();
	test_fstat();
	test_ioctl();
	test_fcntl_and_flags();
	test_vectors();
	test_paths();
	test_cloexec_exec();
	kstat_expect_back(&before, KSTAT_FRAMES | KSTAT_KMALLOC, "all cases");
	return test_done();
}
