/* t_thread_fork_exec: fork and exec in a multithreaded process.
 *
 * fork copies only the calling thread: the child has one thread, tid 0
 * (also when a secondary thread forked), and can create threads of its own.
 * exec ends every other thread first; the new program runs alone as tid 0
 * and its exit code comes back to the parent. A failed exec leaves the
 * other threads running. */
#include "tcommon.h"
#include <sync.h>

static volatile int stop;              /* spinners return when set */
static volatile long spins;            /* total spinner progress */
static long sem;

static long spin_until_stopped(void *arg)
{
	while (!stop)
		__atomic_fetch_add(&spins, 1, __ATOMIC_RELAXED);
	return (long)arg;
}

static long wait_on_semaphore(void *arg)
{
	semaphore_down(sem);
	return (long)arg;
}

static long return_arg(void *arg)
{
	return (long)arg;
}

/* Four siblings: three spinners and one blocked on the semaphore. */
static void start_siblings(long tids[4])
{
	stop = 0;
	sem = semaphore_create(0);
	for (long i = 0; i < 3; i++)
		tids[i] = thread_create(spin_until_stopped, (void *)(10 + i));
	tids[3] = thread_create(wait_on_semaphore, (void *)13);
}

static int stop_siblings(long tids[4])
{
	stop = 1;
	semaphore_up(sem);
	int ok = 0;
	for (long i = 0; i < 4; i++)
		ok += thread_join(tids[i]) == 10 + i;
	return ok;
}

/* In the forked child: who am I, how many threads, can I make more. A
 * canary on this stack must survive the child's own thread creation: when a
 * secondary thread forked, the child runs on the stack that thread had, and
 * the child's new threads get tids 1..8, which cover the forker's tid. */
static long child_view(long *v, void *arg)
{
	(void)arg;
	volatile long canary = 0x5ca1ab1e;
	v[0] = gettid();
	v[1] = threads_of(getpid());
	long t[8];
	for (long i = 0; i < 8; i++)
		t[i] = thread_create(return_arg, (void *)(20 + i));
	long ok = 0;
	for (long i = 0; i < 8; i++)
		ok += thread_join(t[i]) == 20 + i;
	v[2] = ok;
	v[3] = canary == 0x5ca1ab1e;
	v[4] = threads_of(getpid());
	return 5;
}

static void check_child_view(const struct report *r, const char *from)
{
	EXPECT_EQ(r->status, W_EXIT(0), "fork from %s: the child exits normally", from);
	EXPECT_EQ(r->count, 5, "fork from %s: the child reported", from);
	EXPECT_EQ(r->v[0], 0, "fork from %s: the child's only thread is tid 0", from);
	EXPECT_EQ(r->v[1], 1, "fork from %s: the child has exactly one thread", from);
	EXPECT_EQ(r->v[2], 8, "fork from %s: the child creates and joins 8 threads", from);
	EXPECT_EQ(r->v[3], 1, "fork from %s: the child's stack survives its new threads", from);
	EXPECT_EQ(r->v[4], 1, "fork from %s: one thread left in the child", from);
}

static void test_fork_from_main(void)
{
	long tids[4];
	start_siblings(tids);
	struct report r;
	run_reporting(child_view, NULL, &r);
	check_child_view(&r, "the main thread");
	EXPECT_EQ(threads_of(getpid()), 5, "the parent still has its 5 threads");
	EXPECT_EQ(stop_siblings(tids), 4, "and they finish normally");
}

static long fork_in_thread(void *arg)
{
	struct report *r = arg;
	run_reporting(child_view, NULL, r);
	return gettid();
}

static void test_fork_from_secondary(void)
{
	long tids[4];
	start_siblings(tids);
	static struct report r;
	long t = thread_create(fork_in_thread, &r);
	EXPECT_EQ(thread_join(t), t, "the forking thread comes back in the parent");
	check_child_view(&r, "a secondary thread");
	EXPECT_EQ(stop_siblings(tids), 4, "the parent's siblings finish normally");
}

/* ---- exec ---- */

static char *const solo_argv[] = { "t_child", "solo", NULL };
#define SOLO_OK 0x27       /* t_child solo: tid 0, alone, can make threads */

static int exec_from_main(void *arg)
{
	(void)arg;
	long tids[4];
	start_siblings(tids);
	while (spins < 1000)
		sched_yield();
	execve("t_child", solo_argv, NULL);
	return 99;
}

static long exec_in_thread(void *arg)
{
	(void)arg;
	execve("t_child", solo_argv, NULL);
	return 98;
}

static int exec_from_secondary(void *arg)
{
	(void)arg;
	long tids[4];
	start_siblings(tids);
	long t = thread_create(exec_in_thread, NULL);
	/* Main spins too, in user mode, while the exec happens. */
	for (;;)
		__atomic_fetch_add(&spins, 1, __ATOMIC_RELAXED);
	return (int)t;
}

static int exec_fails(void *arg)
{
	(void)arg;
	long tids[4];
	start_siblings(tids);
	char *const argv[] = { "no_such_program", NULL };
	if (execve("no_such_program", argv, NULL) != -ENOENT)
		return 1;
	long before = spins;
	while (spins == before)
		sched_yield();                    /* the spinners still run */
	if (threads_of(getpid()) != 5)
		return 2;
	return stop_siblings(tids) == 4 ? 0 : 3;
}

static void test_exec(void)
{
	EXPECT_EQ(run_child(exec_from_main, NULL), W_EXIT(SOLO_OK),
		  "exec from main with 4 siblings: the program runs alone as tid 0");
	EXPECT_EQ(run_child(exec_from_secondary, NULL), W_EXIT(SOLO_OK),
		  "exec from a secondary thread while main spins: same");
	EXPECT_EQ(run_child(exec_fails, NULL), W_EXIT(0),
		  "a failed exec (-ENOENT) leaves the siblings running and joinable");
}

int main(void)
{
	TEST_PLAN();
	struct kstat start = kstat_after_warm_fork();
	test_fork_from_main();
	test_fork_from_secondary();
	test_exec();
	kstat_expect_back(&start, KSTAT_THREADS | KSTAT_PROCS, "all cases");
	return test_done();
}
