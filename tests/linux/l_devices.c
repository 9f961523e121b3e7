/* /dev's character devices as programs use them: /dev/null swallows and
 * reads as end of file, /dev/zero reads zeroes and maps as anonymous
 * memory, /dev/full refuses writes with ENOSPC, /dev/urandom reads random
 * bytes; their stat (character devices with Linux's numbers), lseek (0),
 * pread, poll, fcntl, access, and the path errors around them. */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void null_device(void)
{
	int fd = open("/dev/null", O_RDWR);
	CHECK_EQ(fd >= 0, 1, "open /dev/null O_RDWR");
	CHECK_EQ(write(fd, "hello", 5), 5, "a write to /dev/null takes every byte");
	char c;
	CHECK_EQ(read(fd, &c, 1), 0, "a read of /dev/null is end of file");
	CHECK_EQ(lseek(fd, 100, SEEK_SET), 0, "lseek on /dev/null gives 0");
	CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR, "F_GETFL: O_RDWR");
	struct pollfd pfd = { fd, POLLIN | POLLOUT, 0 };
	CHECK_EQ(poll(&pfd, 1, 0) == 1 && pfd.revents == (POLLIN | POLLOUT), 1,
		 "poll: readable and writable at once");
	struct stat st;
	CHECK_EQ(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
		 minor(st.st_rdev) == 3, 1, "fstat: a character device, 1:3");
	close(fd);
	fd = open("/dev/null", O_WRONLY);
	errno = 0;
	CHECK_EQ(read(fd, &c, 1) == -1 && errno == EBADF, 1, "read of a write-only open: EBADF");
	close(fd);
}

static void zero_full_random(void)
{
	unsigned char buf[300];
	memset(buf, 0xff, sizeof buf);
	int fd = open("/dev/zero", O_RDONLY);
	CHECK_EQ(read(fd, buf, sizeof buf), (long)sizeof buf, "a read of /dev/zero fills the buffer");
	CHECK_EQ(all_zero(buf, sizeof buf), 1, "... with zeroes");
	memset(buf, 0xff, sizeof buf);
	CHECK_EQ(pread(fd, buf, 100, 12345), 100, "pread of /dev/zero at any offset");
	CHECK_EQ(all_zero(buf, 100), 1, "... zeroes too");
	close(fd);
	fd = open("/dev/full", O_RDWR);
	errno = 0;
	CHECK_EQ(write(fd, "x", 1) == -1 && errno == ENOSPC, 1, "a write to /dev/full: ENOSPC");
	memset(buf, 0xff, sizeof buf);
	CHECK_EQ(read(fd, buf, 10) == 10 && all_zero(buf, 10), 1, "/dev/full reads zeroes");
	close(fd);
	unsigned char a[64], b[64];
	fd = open("/dev/urandom", O_RDONLY);
	CHECK_EQ(read(fd, a, sizeof a) == sizeof a && read(fd, b, sizeof b) == sizeof b, 1,
		 "/dev/urandom reads what is asked");
	CHECK_EQ(memcmp(a, b, sizeof a) != 0 && !all_zero(a, sizeof a), 1,
		 "... and two reads differ");
	close(fd);
	struct stat st;
	CHECK_EQ(stat("/dev/zero", &st) == 0 && S_ISCHR(st.st_mode) && minor(st.st_rdev) == 5, 1,
		 "stat /dev/zero: character device 1:5");
	CHECK_EQ(stat("/dev/urandom", &st) == 0 && minor(st.st_rdev) == 9, 1,
		 "stat /dev/urandom: 1:9");
}

static void zero_mappings(void)
{
	int fd = open("/dev/zero", O_RDWR);
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK_EQ(p != MAP_FAILED && all_zero((unsigned char *)p, 8192), 1,
		 "a private mapping of /dev/zero reads zeroes");
	if (p != MAP_FAILED) {
		p[5000] = 7;
		CHECK_EQ(p[5000], 7, "... and is writable");
		munmap(p, 8192);
	}
	int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK_EQ(shared != MAP_FAILED, 1, "a shared mapping of /dev/zero");
	close(fd);
	if (shared == MAP_FAILED)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		*shared = 4242;
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	CHECK_EQ(*shared, 4242, "... is shared with a forked child");
	munmap(shared, 4096);
}

static void path_errors(void)
{
	errno = 0;
	CHECK_EQ(open("/dev/null/x", O_RDONLY) == -1 && errno == ENOTDIR, 1,
		 "a path on through /dev/null: ENOTDIR");
	errno = 0;
	CHECK_EQ(open("/dev/null/", O_RDONLY) == -1 && errno == ENOTDIR, 1,
		 "/dev/null with a trailing slash: ENOTDIR");
	errno = 0;
	CHECK_EQ(open("/dev/no-such-device", O_RDONLY) == -1 && errno == ENOENT, 1,
		 "a missing name in /dev: ENOENT");
	errno = 0;
	CHECK_EQ(open("/dev/null", O_RDONLY | O_DIRECTORY) == -1 && errno == ENOTDIR, 1,
		 "O_DIRECTORY on a device: ENOTDIR");
	errno = 0;
	CHECK_EQ(open("/dev/null", O_RDWR | O_CREAT | O_EXCL, 0600) == -1 && errno == EEXIST, 1,
		 "O_CREAT|O_EXCL of /dev/null: EEXIST");
	CHECK_EQ(access("/dev/null", R_OK | W_OK), 0, "access R_OK|W_OK");
	errno = 0;
	CHECK_EQ(chdir("/dev/null") == -1 && errno == ENOTDIR, 1, "chdir to a device: ENOTDIR");
}

/* Many files open at once (Linux's default limit is 1024, Dakota's 256),
 * each a fd of its own, and poll over all of them. */
static void many_fds(void)
{
	enum { MANY = 200 };
	static int fds[MANY];
	static struct pollfd pfds[MANY];
	int opened = 0;
	for (int i = 0; i < MANY; i++) {
		fds[i] = open("/dev/null", O_RDONLY);
		opened += fds[i] >= 0;
		pfds[i] = (struct pollfd){ fds[i], POLLIN, 0 };
	}
	CHECK_EQ(opened, MANY, "200 files open at once");
	CHECK_EQ(poll(pfds, MANY, 0), MANY, "poll over all 200: each is ready");
	int closed = 0;
	for (int i = 0; i < MANY; i++)
		closed += close(fds[i]) == 0;
	CHECK_EQ(closed, MANY, "... and each closes");
}

/* /dev/stdout is fd 1's file: a child whose fd 1 is a pipe writes through
 * it, stats a FIFO there, and finds /dev/stdin gone once fd 0 is closed.
 * Its exit code says which step failed. */
static __attribute__((noreturn)) void stdout_child(int out)
{
	if (dup2(out, 1) != 1)
		_exit(1);
	int fd = open("/dev/stdout", O_WRONLY);
	if (fd < 0 || write(fd, "hi", 2) != 2)
		_exit(2);
	struct stat st;
	if (stat("/dev/stdout", &st) != 0 || !S_ISFIFO(st.st_mode))
		_exit(3);
	close(0);
	errno = 0;
	if (open("/dev/stdin", O_RDONLY) != -1 || errno != ENOENT)
		_exit(4);
	_exit(0);
}

static void stdio_links(void)
{
	int p[2];
	if (pipe(p))
		BAIL("pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0)
		stdout_child(p[1]);
	close(p[1]);
	char buf[4] = { 0 };
	int status;
	waitpid(pid, &status, 0);
	CHECK_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0,
		 "/dev/stdout writes to fd 1's pipe, stats as a FIFO; /dev/stdin of a closed fd 0: ENOENT");
	CHECK_EQ(read(p[0], buf, sizeof buf) == 2 && !strcmp(buf, "hi"), 1,
		 "... and the bytes come out of the pipe");
	close(p[0]);
}

/* The common use: a child sends its output to /dev/null. */
static void redirect(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd < 0 || dup2(fd, 1) != 1)
			_exit(1);
		printf("not seen\n");
		fflush(stdout);
		_exit(ferror(stdout) ? 2 : 0);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0,
		 "a child's stdout sent to /dev/null");
}

int main(void)
{
	ltap_start();
	null_device();
	zero_full_random();
	zero_mappings();
	path_errors();
	many_fds();
	stdio_links();
	redirect();
	return ltap_done();
}
