/* A process ends while its threads are busy in the kernel: each round forks
 * a child whose threads map, touch and unmap memory, fault on it, block in
 * read, futex wait and nanosleep, and create detached threads, and then
 * ends it one way: exit (exit_group), _exit after closing the fd a thread
 * is reading, fork then _exit, a failed execve then _exit, or SIGKILL to
 * itself. Its parent must see exactly that status every time, and (through
 * the runner) every frame, thread and kmalloc block must come back. */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS_PER_WAY 8
#define REGION (64 * 4096)

enum way { EXIT_GROUP, CLOSE_THEN_EXIT, FORK_THEN_EXIT, FAILED_EXEC, SELF_KILL, WAYS };

static char *volatile region;
static int pipe_fds[2];
static int futex_word;

static void *mapper(void *arg)
{
	(void)arg;
	for (;;) {
		char *r = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		if (r == MAP_FAILED)
			continue;
		memset(r, 1, REGION);
		region = r;
		usleep(100);
		region = NULL;
		munmap(r, REGION);
	}
	return NULL;
}

static void ignore(int sig)
{
	(void)sig;
}

/* Reads the region the mapper may be unmapping. A load from a region just
 * unmapped faults; the handler returns and the load faults again, until
 * the mapper maps a region there again (mmap tends to give the same
 * address) or the process ends: a thread going round the fault path when
 * its process ends is part of the test. */
static void *toucher(void *arg)
{
	(void)arg;
	for (;;) {
		char *r = region;
		if (r)
			for (int i = 0; i < REGION; i += 4096)
				(void)((volatile char *)r)[i];
	}
	return NULL;
}

static void *reader(void *arg)
{
	(void)arg;
	char c;
	while (read(pipe_fds[0], &c, 1) != -1 || errno != EBADF)
		;
	return NULL;
}

static void *futex_waiter(void *arg)
{
	(void)arg;
	for (;;)
		syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	return NULL;
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;) {
		struct timespec t = { 0, 100000 };
		nanosleep(&t, NULL);
	}
	return NULL;
}

static void *spawner(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_t t;
		if (pthread_create(&t, NULL, sleeper, NULL) == 0)
			pthread_detach(t);
		usleep(200);
	}
	return NULL;
}

static void start(void *(*fn)(void *))
{
	pthread_t t;
	if (pthread_create(&t, NULL, fn, NULL))
		_exit(100);
}

static const int exit_code[WAYS] = { 7, 8, 10, 11, 0 };

static __attribute__((noreturn)) void child(enum way way, int round)
{
	struct sigaction sa = { .sa_handler = ignore };
	sigaction(SIGSEGV, &sa, NULL);
	if (pipe(pipe_fds))
		_exit(101);
	start(mapper);
	start(toucher);
	start(toucher);
	start(reader);
	start(futex_waiter);
	start(sleeper);
	start(spawner);
	usleep(2000 + (unsigned)(round * 397) % 3000);
	switch (way) {
	case EXIT_GROUP:
		exit(exit_code[way]);
	case CLOSE_THEN_EXIT:
		close(pipe_fds[0]);
		close(pipe_fds[1]);
		usleep(1000);
		_exit(exit_code[way]);
	case FORK_THEN_EXIT:
		if (fork() == 0)
			_exit(9);
		_exit(exit_code[way]);
	case FAILED_EXEC: {
		char *argv[] = { "/nonexistent/l_endrace", NULL };
		execv(argv[0], argv);
		_exit(errno == ENOENT ? exit_code[way] : 102);
	}
	case SELF_KILL:
	default:
		raise(SIGKILL);
		_exit(103);
	}
}

static int status_right(enum way way, int status)
{
	if (way == SELF_KILL)
		return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	return WIFEXITED(status) && WEXITSTATUS(status) == exit_code[way];
}

int main(void)
{
	static const char *const what[WAYS] = {
		"exit_group with every thread busy",
		"_exit after closing the fd a thread reads",
		"fork, then _exit",
		"a failed execve, then _exit",
		"SIGKILL to itself",
	};
	ltap_start();
	int wrong[WAYS] = { 0 };
	for (int round = 0; round < ROUNDS_PER_WAY * WAYS; round++) {
		enum way way = (enum way)(round % WAYS);
		pid_t pid = fork();
		if (pid < 0)
			BAIL("fork: %s", strerror(errno));
		if (pid == 0)
			child(way, round);
		int status;
		if (waitpid(pid, &status, 0) != pid)
			BAIL("waitpid: %s", strerror(errno));
		if (!status_right(way, status)) {
			wrong[way]++;
			note("round %d: status %#x", round, status);
		}
	}
	for (int w = 0; w < WAYS; w++)
		CHECK_EQ(wrong[w], 0, "%s: the parent sees its status, %d times", what[w],
			 ROUNDS_PER_WAY);
	return ltap_done();
}
