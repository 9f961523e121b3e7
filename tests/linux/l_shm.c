/* POSIX shared memory and named semaphores, which glibc keeps as files in
 * /dev/shm, and temporary files in /tmp: sem_open shared across fork
 * (EEXIST, ENOENT after sem_unlink), a pshared semaphore in anonymous
 * shared memory waking a forked child, shm_open + ftruncate + MAP_SHARED
 * pages shared with a forked child and coherent with read/write, a name
 * unlinked while mapped and closed (the pages live on), O_TRUNC, shrinking
 * and growing (zeroes come back), lseek/pread/pwrite, ENAMETOOLONG, EACCES
 * for another user, and one winner when several processes create the same
 * name with O_EXCL at once. Every name made here is removed again; on
 * Dakota linuxrun's leak check then requires every page back. */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096
#define RACERS 6

static int wait_child(pid_t pid)
{
	int status = -1;
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void semaphores(void)
{
	sem_unlink("/l_shm_sem");
	sem_t *s = sem_open("/l_shm_sem", O_CREAT | O_EXCL, 0600, 0);
	if (s == SEM_FAILED)
		BAIL("sem_open: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0) {
		sem_t *c = sem_open("/l_shm_sem", 0);
		_exit(c == SEM_FAILED || sem_post(c) || sem_post(c) ? 1 : 0);
	}
	int waited = sem_wait(s);
	CHECK_EQ(wait_child(pid), 0, "a forked child opens the semaphore by name and posts twice");
	int value = -1;
	sem_getvalue(s, &value);
	CHECK_EQ(waited == 0 && value == 1, 1, "the parent's sem_wait takes one post, one is left");
	errno = 0;
	CHECK_EQ(sem_open("/l_shm_sem", O_CREAT | O_EXCL, 0600, 0) == SEM_FAILED && errno == EEXIST,
		 1, "sem_open O_CREAT|O_EXCL of an existing name: EEXIST");
	CHECK_EQ(sem_unlink("/l_shm_sem"), 0, "sem_unlink");
	CHECK_EQ(sem_post(s) == 0 && sem_getvalue(s, &value) == 0 && value == 2, 1,
		 "the unlinked semaphore still works while open");
	errno = 0;
	CHECK_EQ(sem_open("/l_shm_sem", 0) == SEM_FAILED && errno == ENOENT, 1,
		 "sem_open of the unlinked name: ENOENT");
	errno = 0;
	CHECK_EQ(sem_unlink("/l_shm_sem") == -1 && errno == ENOENT, 1, "sem_unlink again: ENOENT");
	CHECK_EQ(sem_close(s), 0, "sem_close");
}

/* A process-shared semaphore in anonymous MAP_SHARED memory: the child
 * sleeps in sem_wait (most likely: the parent posts after a pause) and the
 * parent's post must find it through the shared pages, not the address. */
static void anonymous_pshared(void)
{
	sem_t *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			-1, 0);
	if (s == MAP_FAILED || sem_init(s, 1, 0))
		BAIL("anonymous shared semaphore: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0)
		_exit(sem_wait(s) ? 1 : 0);
	usleep(20000);
	sem_post(s);
	CHECK_EQ(wait_child(pid), 0, "sem_post wakes a forked child waiting on a pshared semaphore");
	munmap(s, sizeof *s);
}

static int all_bytes(const char *p, size_t len, char v)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

/* Two pages shared with a child; the file's read() sees the child's bytes. */
static void shared_mapping(void)
{
	shm_unlink("/l_shm_obj");
	int fd = shm_open("/l_shm_obj", O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0)
		BAIL("shm_open: %s", strerror(errno));
	struct stat st;
	CHECK_EQ(ftruncate(fd, 2 * PAGE), 0, "ftruncate to two pages");
	CHECK_EQ(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0600 &&
		 st.st_size == 2 * PAGE && st.st_nlink == 1, 1,
		 "fstat: a regular file, mode 0600, two pages, one link");
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		BAIL("mmap: %s", strerror(errno));
	CHECK_EQ(all_bytes(p, 2 * PAGE, 0), 1, "a new shared object reads as zeroes");
	pid_t pid = fork();
	if (pid == 0) {
		memset(p, 'a', PAGE);
		memset(p + PAGE, 'b', PAGE);
		_exit(0);
	}
	CHECK_EQ(wait_child(pid), 0, "a forked child writes both pages");
	CHECK_EQ(all_bytes(p, PAGE, 'a') && all_bytes(p + PAGE, PAGE, 'b'), 1,
		 "the parent's mapping sees the child's bytes");
	char buf[8] = { 0 };
	CHECK_EQ(pread(fd, buf, 4, PAGE - 2), 4, "pread across the page boundary");
	CHECK_EQ(memcmp(buf, "aabb", 4), 0, "read() sees what the mappings wrote");
	CHECK_EQ(pwrite(fd, "xy", 2, 10), 2, "pwrite");
	CHECK_EQ(p[10] == 'x' && p[11] == 'y', 1, "the mapping sees what write() wrote");
	CHECK_EQ(shm_unlink("/l_shm_obj"), 0, "shm_unlink while mapped and open");
	errno = 0;
	CHECK_EQ(shm_open("/l_shm_obj", O_RDWR, 0) == -1 && errno == ENOENT, 1,
		 "shm_open of the unlinked name: ENOENT");
	close(fd);
	p[0] = 'z';
	CHECK_EQ(p[0] == 'z' && p[PAGE] == 'b', 1, "unlinked and closed, the mapping still works");
	CHECK_EQ(munmap(p, 2 * PAGE), 0, "munmap of the last user frees the object");
}

static void file_calls(void)
{
	char name[] = "/tmp/l_shm-XXXXXX";
	int fd = mkstemp(name);
	if (fd < 0)
		BAIL("mkstemp: %s", strerror(errno));
	CHECK_EQ(write(fd, "hello world", 11), 11, "write to a /tmp file");
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 11, "the position follows the write");
	CHECK_EQ(lseek(fd, 6, SEEK_SET), 6, "lseek SEEK_SET");
	char buf[16] = { 0 };
	CHECK_EQ(read(fd, buf, sizeof buf), 5, "read stops at the end of the file");
	CHECK_EQ(memcmp(buf, "world", 5), 0, "read gives the bytes written");
	CHECK_EQ(read(fd, buf, sizeof buf), 0, "read at the end: 0");
	CHECK_EQ(ftruncate(fd, 3), 0, "ftruncate shrinks");
	CHECK_EQ(ftruncate(fd, 8), 0, "ftruncate grows again");
	memset(buf, 'q', sizeof buf);
	CHECK_EQ(pread(fd, buf, sizeof buf, 0), 8, "pread of the whole file");
	CHECK_EQ(memcmp(buf, "hel\0\0\0\0\0", 8), 0, "the bytes cut off come back as zeroes");
	CHECK_EQ(lseek(fd, 0, SEEK_END), 8, "lseek SEEK_END");
	CHECK_EQ(lseek(fd, -1, SEEK_SET) == -1 && errno == EINVAL, 1, "lseek before 0: EINVAL");
	int fd2 = open(name, O_RDWR | O_TRUNC);
	CHECK_EQ(fd2 >= 0 && lseek(fd, 0, SEEK_END) == 0, 1, "open O_TRUNC empties the file");
	errno = 0;
	CHECK_EQ(open(name, O_RDWR | O_CREAT | O_EXCL, 0600) == -1 && errno == EEXIST, 1,
		 "open O_CREAT|O_EXCL of an existing file: EEXIST");
	char below[sizeof name + 2];
	snprintf(below, sizeof below, "%s/x", name);
	errno = 0;
	CHECK_EQ(open(below, O_RDONLY) == -1 && errno == ENOTDIR, 1,
		 "a path on through a file: ENOTDIR");
	errno = 0;
	CHECK_EQ(open("/tmp/l_shm-none/x", O_RDWR | O_CREAT, 0600) == -1 && errno == ENOENT, 1,
		 "a path on through a missing name: ENOENT");
	CHECK_EQ(unlink(name), 0, "unlink");
	errno = 0;
	CHECK_EQ(unlink(name) == -1 && errno == ENOENT, 1, "unlink again: ENOENT");
	CHECK_EQ(write(fd2, "ab", 2), 2, "the unlinked file can still be written");
	close(fd);
	close(fd2);
}

static void name_errors(void)
{
	char longname[300];
	memset(longname, 'n', sizeof longname);
	memcpy(longname, "/dev/shm/", 9);
	longname[sizeof longname - 1] = 0;
	errno = 0;
	CHECK_EQ(open(longname, O_RDWR | O_CREAT, 0600) == -1 && errno == ENAMETOOLONG, 1,
		 "a name over 255 bytes: ENAMETOOLONG");
	errno = 0;
	CHECK_EQ(open("/dev/shm/l_shm_none", O_RDONLY) == -1 && errno == ENOENT, 1,
		 "open of a missing name: ENOENT");
	int fd = open("/dev/shm/l_shm_ro", O_RDWR | O_CREAT | O_EXCL, 0400);
	CHECK_EQ(fd >= 0, 1, "the creator opens a new mode-0400 file for writing");
	pid_t pid = fork();
	if (pid == 0) {
		if (setuid(1000))
			_exit(2);
		errno = 0;
		_exit(open("/dev/shm/l_shm_ro", O_RDONLY) == -1 && errno == EACCES ? 0 : 1);
	}
	CHECK_EQ(wait_child(pid), 0, "another user may not read it: EACCES");
	close(fd);
	CHECK_EQ(unlink("/dev/shm/l_shm_ro"), 0, "unlink the mode-0400 file");
}

/* RACERS processes create one name with O_EXCL at once: one wins. */
static void create_race(void)
{
	shm_unlink("/l_shm_race");
	pid_t pids[RACERS];
	for (int i = 0; i < RACERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			int fd = shm_open("/l_shm_race", O_CREAT | O_EXCL | O_RDWR, 0600);
			_exit(fd >= 0 ? 0 : errno == EEXIST ? 1 : 2);
		}
	}
	int won = 0, lost = 0;
	for (int i = 0; i < RACERS; i++) {
		int r = wait_child(pids[i]);
		won += r == 0;
		lost += r == 1;
	}
	CHECK_EQ(won, 1, "%d processes create one name with O_EXCL: one succeeds", RACERS);
	CHECK_EQ(lost, RACERS - 1, "the others get EEXIST");
	CHECK_EQ(shm_unlink("/l_shm_race"), 0, "shm_unlink the raced name");
}

int main(void)
{
	ltap_start();
	semaphores();
	anonymous_pshared();
	shared_mapping();
	file_calls();
	name_errors();
	create_race();
	return ltap_done();
}
