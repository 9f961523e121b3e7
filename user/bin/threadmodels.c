/* threadmodels: Dakota's two thread models side by side.
 *
 * Two child processes each start three threads that wait for a go signal:
 *  - "rcore" uses thread_spawn (thread_create, 1000): Dakota stack slots,
 *    per-process tids 1, 2, 3, joined with thread_wait; its main thread's
 *    exit ends the process (rCore's meaning of exit).
 *  - "clone" uses thread(fn, arg, &t): mmapped MAP_STACK stacks, clone with
 *    glibc's flags, system-wide Linux tids; its main thread leaves first
 *    with thread_exit, the threads run on, and the last one's exit code
 *    becomes the process status (Linux's meaning of exit).
 * The parent runs `ts` while all six wait (TID and LTID columns), then lets
 * them go and prints both children's statuses. */
#include <stdio.h>
#include <stdlib.h>
#include <syscall.h>
#include <thread.h>

static int ready_fd;                 /* child -> parent: one byte per thread */
static int go_fd;                    /* parent -> child: read once per thread */
static volatile long finished;       /* clone model: threads past their wait */

static long rcore_worker(void *arg)
{
	printf("rcore pid %ld: thread %ld has tid %ld, Linux tid %ld\n", getpid(), (long)arg,
	       gettid(), syscall0(SYS_linux_gettid));
	write(ready_fd, "r", 1);
	char c;
	read(go_fd, &c, 1);
	return (long)arg;
}

static int rcore_model(void)
{
	thread_t t[3];
	for (long i = 0; i < 3; i++)
		thread_spawn(&t[i], rcore_worker, (void *)(i + 1));
	long sum = 0;
	for (int i = 0; i < 3; i++)
		sum += thread_wait(&t[i]);
	printf("rcore pid %ld: joined three threads, codes sum %ld, the exit status\n", getpid(), sum);
	return (int)sum;
}

static long clone_worker(void *arg)
{
	printf("clone pid %ld: thread %ld has tid %ld (Linux tid), rCore tid %ld\n", getpid(),
	       (long)arg, syscall0(SYS_linux_gettid), gettid());
	write(ready_fd, "c", 1);
	char c;
	read(go_fd, &c, 1);
	/* The last one out ends the process with its code. */
	if (__atomic_add_fetch(&finished, 1, __ATOMIC_SEQ_CST) == 3) {
		printf("clone pid %ld: last thread exits 7\n", getpid());
		thread_exit(7);
	}
	return 0;
}

static _Noreturn void clone_model(void)
{
	static thread_t t[3];
	for (long i = 0; i < 3; i++)
		thread(clone_worker, (void *)(i + 1), &t[i]);
	printf("clone pid %ld: main thread (Linux tid %ld) leaves first\n", getpid(),
	       syscall0(SYS_linux_gettid));
	thread_exit(0);
}

static long start(int model, int ready[2], int go[2])
{
	long pid = fork();
	if (pid == 0) {
		ready_fd = ready[1];
		go_fd = go[0];
		if (model)
			clone_model();
		exit(rcore_model());
	}
	return pid;
}

int main(void)
{
	int ready[2], go[2];
	pipe(ready);
	pipe(go);
	long rpid = start(0, ready, go);
	long cpid = start(1, ready, go);
	char buf[6];
	for (int got = 0; got < 6;) {
		long n = read(ready[0], buf, sizeof buf - (unsigned long)got);
		if (n <= 0)
			return 1;
		got += (int)n;
	}
	long ts = fork();
	if (ts == 0) {
		char *const argv[] = { "ts", NULL };
		execv("/bin/ts", argv);
		exit(127);
	}
	waitpid((int)ts, NULL, 0);
	write(go[1], "gggggg", 6);
	int rs, cs;
	waitpid((int)rpid, &rs, 0);
	waitpid((int)cpid, &cs, 0);
	printf("rcore child %ld: exit status %d; clone child %ld: exit status %d\n", rpid,
	       WEXITSTATUS(rs), cpid, WEXITSTATUS(cs));
	return !(WEXITSTATUS(rs) == 6 && WEXITSTATUS(cs) == 7);
}
