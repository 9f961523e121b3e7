/* t_thread_exit_main: the end of the main thread ends the whole process.
 *
 * In forked children: sibling threads spin in pure user loops (on other
 * harts when there are some), block on a semaphore, sleep, or block in a
 * pipe read, while the main thread exits (thread_exit from tid 0, or a
 * return from main), or a sibling calls exit_group. The parent checks the
 * child's status is exactly the exiting thread's code and that no thread,
 * process or frame is left behind. */
#include "tcommon.h"
#include <sync.h>

static volatile long arrived;   /* spinners that have started */
static long sem;
static int pipe_fds[2];

static long spin_forever(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
	for (;;)
		__asm__ volatile("" ::: "memory");
	return 0;
}

static long block_on_semaphore(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
	semaphore_down(sem);
	return 1;
}

static long sleep_long(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
	struct timespec ts = { 1000, 0 };
	nanosleep(&ts, NULL);
	return 2;
}

static long block_in_read(void *arg)
{
	(void)arg;
	char c;
	__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
	read(pipe_fds[0], &c, 1);
	return 3;
}

static long return_77(void *arg)
{
	(void)arg;
	return 77;
}

static long exit_group_44(void *arg)
{
	(void)arg;
	while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < (long)arg)
		sched_yield();
	exit(44);
}

static int spinner_count(void)
{
	long harts = (long)kstat_now().harts;
	return harts > 1 ? (int)harts * 2 : 2;
}

/* Starts spinners plus one thread of each blocking kind, and waits until
 * every one of them has started. Returns how many threads were started. */
static long start_siblings(void)
{
	arrived = 0;
	sem = semaphore_create(0);
	long n = 0;
	for (int i = 0; i < spinner_count(); i++)
		n += thread_create(spin_forever, NULL) > 0;
	n += thread_create(block_on_semaphore, NULL) > 0;
	n += thread_create(sleep_long, NULL) > 0;
	n += thread_create(block_in_read, NULL) > 0;
	while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < n)
		sched_yield();
	return n;
}

static int main_thread_exit(void *arg)
{
	(void)arg;
	start_siblings();
	thread_exit(42);
}

static int main_returns(void *arg)
{
	(void)arg;
	start_siblings();
	return 43;                 /* run_child's exit(): exit_group */
}

static int sibling_exit_group(void *arg)
{
	(void)arg;
	long n = start_siblings();
	long spinner = thread_create(exit_group_44, (void *)n);
	thread_join(spinner);      /* never returns: the process ends first */
	return 1;
}

static int main_exit_after_siblings_exited(void *arg)
{
	(void)arg;
	/* Exited siblings that nobody reaped, with other codes. */
	for (int i = 0; i < 3; i++)
		thread_create(return_77, NULL);
	start_siblings();
	thread_exit(45);
}

static int main_exit_at_once(void *arg)
{
	(void)arg;
	/* No waiting for the spinners to start: some may not have run yet. */
	for (int i = 0; i < spinner_count(); i++)
		thread_create(spin_forever, NULL);
	thread_exit(46);
}

static void run_case(const char *what, int (*fn)(void *), int code, struct kstat *start)
{
	pipe(pipe_fds);
	long pid = fork();
	if (pid == 0)
		exit(fn(NULL));
	long st = wait_status_within(pid, 10000);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	EXPECT_EQ(st, W_EXIT(code), "%s: status is exactly exit code %d", what, code);
	kstat_expect_back(start, KSTAT_THREADS | KSTAT_PROCS, what);
}

int main(void)
{
	TEST_PLAN();
	struct kstat start = kstat_after_warm_fork();
	run_case("main thread_exit(42) with spinning siblings", main_thread_exit, 42, &start);
	run_case("main returns 43 with spinning siblings", main_returns, 43, &start);
	run_case("a sibling calls exit(44)", sibling_exit_group, 44, &start);
	run_case("main thread_exit(45) after siblings exited with 77",
		 main_exit_after_siblings_exited, 45, &start);
	run_case("main thread_exit(46) right after creating spinners", main_exit_at_once, 46, &start);
	kstat_expect_back(&start, KSTAT_FRAMES | KSTAT_KMALLOC, "all cases");
	return test_done();
}
