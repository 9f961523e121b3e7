/* rename, renameat2 and fsync on /tmp files as programs use them: the
 * write-then-rename pattern (a new name replaces an old one atomically,
 * whose open file lives on), RENAME_NOREPLACE, RENAME_EXCHANGE, renaming
 * onto another name of the same file, and the errors Linux gives for
 * missing names, directories, other file systems, devices and bad flags;
 * fsync and fdatasync of a file succeed, of a pipe are EINVAL. */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static char a[64], b[64], c[64];

static int make(const char *name, const char *text)
{
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, strlen(text)) != (long)strlen(text))
		BAIL("make %s: %s", name, strerror(errno));
	return fd;
}

static int has(const char *name, const char *text)
{
	char buf[32] = { 0 };
	int fd = open(name, O_RDONLY);
	if (fd < 0)
		return 0;
	long n = read(fd, buf, sizeof buf - 1);
	close(fd);
	return n == (long)strlen(text) && !strcmp(buf, text);
}

static int gone(const char *name)
{
	struct stat st;
	return stat(name, &st) == -1 && errno == ENOENT;
}

static long rename2(const char *from, const char *to, unsigned flags)
{
	return syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags);
}

static void replace(void)
{
	close(make(a, "old"));
	int fd = make(b, "new");
	CHECK_EQ(fsync(fd), 0, "fsync of a /tmp file");
	CHECK_EQ(fdatasync(fd), 0, "fdatasync of a /tmp file");
	close(fd);
	int old = open(a, O_RDONLY);
	CHECK_EQ(rename(b, a), 0, "rename over an existing name");
	CHECK_EQ(has(a, "new") && gone(b), 1, "the new name has the new file, the old name is gone");
	char buf[8] = { 0 };
	CHECK_EQ(read(old, buf, 3) == 3 && !strcmp(buf, "old"), 1,
		 "the replaced file still reads through its open fd");
	close(old);
	struct stat st;
	CHECK_EQ(stat(a, &st) == 0 && st.st_nlink == 1, 1, "one link after the rename");
	CHECK_EQ(rename(a, c), 0, "rename to a free name");
	CHECK_EQ(has(c, "new") && gone(a), 1, "... moves it");
	CHECK_EQ(rename(c, c), 0, "rename onto itself: 0");
	CHECK_EQ(has(c, "new"), 1, "... and nothing changes");
}

static void flags(void)
{
	close(make(a, "A"));
	errno = 0;
	CHECK_EQ(rename2(a, c, RENAME_NOREPLACE) == -1 && errno == EEXIST, 1,
		 "RENAME_NOREPLACE onto an existing name: EEXIST");
	CHECK_EQ(has(a, "A") && has(c, "new"), 1, "... and both stay");
	CHECK_EQ(rename2(a, b, RENAME_NOREPLACE), 0, "RENAME_NOREPLACE to a free name");
	CHECK_EQ(rename2(b, c, RENAME_EXCHANGE), 0, "RENAME_EXCHANGE");
	CHECK_EQ(has(b, "new") && has(c, "A"), 1, "... swaps the two files");
	errno = 0;
	CHECK_EQ(rename2(b, a, RENAME_EXCHANGE) == -1 && errno == ENOENT, 1,
		 "RENAME_EXCHANGE with a missing target: ENOENT");
	errno = 0;
	CHECK_EQ(rename2(b, c, RENAME_NOREPLACE | RENAME_EXCHANGE) == -1 && errno == EINVAL, 1,
		 "NOREPLACE|EXCHANGE: EINVAL");
	errno = 0;
	CHECK_EQ(rename2(b, c, 0x100) == -1 && errno == EINVAL, 1, "an unknown flag: EINVAL");
	CHECK_EQ(link(b, a), 0, "a second name");
	CHECK_EQ(rename(a, b), 0, "rename onto another name of the same file: 0");
	CHECK_EQ(has(a, "new") && has(b, "new"), 1, "... and both names stay");
	unlink(a);
	unlink(b);
	unlink(c);
}

static void errors(void)
{
	errno = 0;
	CHECK_EQ(rename(a, b) == -1 && errno == ENOENT, 1, "rename of a missing name: ENOENT");
	close(make(a, "x"));
	errno = 0;
	CHECK_EQ(rename(a, "/dev/shm/l_rename_x") == -1 && errno == EXDEV, 1,
		 "rename into another tmpfs: EXDEV");
	errno = 0;
	CHECK_EQ(rename(a, "/dev/null") == -1 && errno == EXDEV, 1, "rename onto a device: EXDEV");
	char slash[70];
	snprintf(slash, sizeof slash, "%s/", a);
	errno = 0;
	CHECK_EQ(rename(slash, b) == -1 && errno == ENOTDIR, 1, "a file's name with '/': ENOTDIR");
	errno = 0;
	CHECK_EQ(rename(a, "/tmp/l_rename-none/x") == -1 && errno == ENOENT, 1,
		 "into a missing directory: ENOENT");
	unlink(a);
	int p[2];
	if (pipe(p))
		BAIL("pipe: %s", strerror(errno));
	errno = 0;
	CHECK_EQ(fsync(p[1]) == -1 && errno == EINVAL, 1, "fsync of a pipe: EINVAL");
	errno = 0;
	CHECK_EQ(fsync(99) == -1 && errno == EBADF, 1, "fsync of a closed fd: EBADF");
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	ltap_start();
	int pid = getpid();
	snprintf(a, sizeof a, "/tmp/l_rename-%d-a", pid);
	snprintf(b, sizeof b, "/tmp/l_rename-%d-b", pid);
	snprintf(c, sizeof c, "/tmp/l_rename-%d-c", pid);
	replace();
	flags();
	errors();
	return ltap_done();
}
