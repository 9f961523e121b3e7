/* t_trap_keep: a thread's trap-context page outlives the thread
 * (kernel/mm/addrspace.c, as_map_trap_context), so a clone thread's exit
 * takes nothing away and asks no other hart to fence.
 *
 *  - no fence (2 harts or more): a clone thread pinned to hart 1 exits
 *    while the main thread spins in user mode on another hart, which is
 *    therefore in the address space's active_harts. 20 such exits add
 *    nothing to kstat's shootdowns (before the page was kept, each one was
 *    a shootdown of that hart). The same arrangement around munmaps of a
 *    touched page does add: the counter counts.
 *  - reuse: tid 1's next thread, clone or thread_create, gets tid 1 again
 *    (and with it the kept page) and runs its function to the right value.
 *  - churn: the main thread and three clone threads, on every hart, each
 *    create and join 80 threads, a clone and a thread_create one alive
 *    together, so tids (and pages) pass between the kinds all the time;
 *    every thread computes with its registers live across system calls,
 *    and a clone thread checks its tp.
 *  - fork and exec: a process whose exited threads left pages forks (the
 *    child's threads have pages of their own) and then execs (the old
 *    space's pages go with it).
 * Frames, threads, processes and kmalloc bytes all come back at the end. */
#include "tcommon.h"
#include <thread.h>

#define FENCE_ROUNDS 20
#define SPAWNERS 4
#define CYCLES 40
#define FORK_THREADS 6

static long pin_self(unsigned long mask)
{
	return syscall3(SYS_sched_setaffinity, 0, sizeof mask, (long)&mask);
}

static long current_hart(void)
{
	unsigned cpu = 0;
	long r = syscall3(SYS_getcpu, (long)&cpu, 0, 0);
	return r ? r : (long)cpu;
}

static unsigned long read_tp(void)
{
	unsigned long tp;
	__asm__ volatile("mv %0, tp" : "=r"(tp));
	return tp;
}

static unsigned long shootdowns(void)
{
	return kstat_now().shootdowns;
}

/* ---- no fence ---- */

static volatile int started, go, hart_seen;

static void wait_started(void)
{
	while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE))
		sched_yield();
}

/* On hart 1 until go, spinning in user mode; then it ends. */
static long park_on_hart1(void *arg)
{
	(void)arg;
	pin_self(2);
	hart_seen = (int)current_hart();
	__atomic_store_n(&started, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		;
	return 0;
}

/* The main thread runs off hart 1 and waits for the thread on it in user
 * mode: its own hart stays in active_harts while the thread exits. The
 * shootdowns the exit caused are counted before thread_wait unmaps the
 * stack (an unmap that may fence). */
static long exit_round(long *hart)
{
	thread_t t;
	started = go = 0;
	hart_seen = -1;
	pin_self(~0UL);
	if (thread(park_on_hart1, NULL, &t))
		return -1;
	wait_started();
	pin_self(~2UL);
	unsigned long before = shootdowns();
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&t.ctid, __ATOMIC_ACQUIRE) != 0)
		;
	unsigned long after = shootdowns();
	thread_wait(&t);
	*hart = hart_seen;
	return (long)(after - before);
}

/* The counter's positive control: a touched page unmapped while a thread
 * spins in user mode on hart 1. */
static long munmap_rounds(void)
{
	thread_t t;
	started = go = 0;
	pin_self(~0UL);
	if (thread(park_on_hart1, NULL, &t))
		return -1;
	wait_started();
	pin_self(~2UL);
	unsigned long before = shootdowns();
	for (int i = 0; i < FENCE_ROUNDS; i++) {
		volatile char *p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (MMAP_FAILED(p))
			break;
		p[0] = 1;
		munmap((void *)p, PAGE_SIZE);
	}
	unsigned long after = shootdowns();
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	thread_wait(&t);
	return (long)(after - before);
}

static long no_fence_child(long *v, void *arg)
{
	(void)arg;
	long fenced = 0, on_hart1 = 0, hart = -1;
	for (int i = 0; i < FENCE_ROUNDS; i++) {
		fenced += exit_round(&hart);
		on_hart1 += hart == 1;
	}
	v[0] = fenced;
	v[1] = on_hart1;
	v[2] = munmap_rounds();
	return 3;
}

static void test_no_fence(long harts)
{
	if (harts < 2) {
		test_note("no fence: one hart, no other hart to fence (skipped)");
		return;
	}
	struct report r;
	run_reporting(no_fence_child, NULL, &r);
	EXPECT_EQ(r.status, W_EXIT(0), "no fence: the child exits normally");
	EXPECT_EQ(r.count, 3, "no fence: the child reported");
	EXPECT_EQ(r.v[1], FENCE_ROUNDS, "no fence: every exiting thread ran on hart 1");
	EXPECT_EQ(r.v[0], 0, "no fence: %d clone-thread exits beside a spinning sibling "
		  "shot nothing down", FENCE_ROUNDS);
	CHECK(r.v[2] >= 1 && r.v[2] <= FENCE_ROUNDS,
	      "no fence: %d munmaps beside it did (%ld shootdowns): the counter counts",
	      FENCE_ROUNDS, r.v[2]);
}

/* ---- reuse ---- */

static long record_tid(void *arg)
{
	*(volatile long *)arg = gettid();
	return 41;
}

static long reuse_child(long *v, void *arg)
{
	(void)arg;
	long n = 0;
	for (int i = 0; i < 4; i++) {
		thread_t t;
		long tid = -1, code = -1;
		if (i % 2 == 0 ? thread(record_tid, &tid, &t) == 0 :
				 thread_spawn(&t, record_tid, &tid) == 0)
			code = thread_wait(&t);
		v[n++] = tid;
		v[n++] = code;
	}
	return n;
}

static void test_reuse(void)
{
	struct report r;
	run_reporting(reuse_child, NULL, &r);
	EXPECT_EQ(r.status, W_EXIT(0), "reuse: the child exits normally");
	EXPECT_EQ(r.count, 8, "reuse: the child reported");
	static const char *const kind[4] = { "clone", "thread_create", "clone", "thread_create" };
	for (int i = 0; i < 4; i++) {
		EXPECT_EQ(r.v[2 * i], 1, "reuse: thread %d (%s) has tid 1", i + 1, kind[i]);
		EXPECT_EQ(r.v[2 * i + 1], 41, "reuse: thread %d (%s) returned its value", i + 1,
			  kind[i]);
	}
}

/* ---- churn ---- */

struct job {
	long seed;
	thread_t *t;            /* a clone thread's tp; NULL for thread_create */
};

/* Three values live across every yield: a thread whose registers came back
 * wrong from a trap (a page shared or stale) ends with another value. */
static long mix(long seed, int yield)
{
	long a = seed, b = seed ^ 0x5555, c = seed * 3;
	for (int i = 0; i < 4; i++) {
		if (yield)
			sched_yield();
		a = a * 31 + b;
		b ^= c << 1;
		c += a;
	}
	return (a ^ b ^ c) & 0x7fffffff;     /* a thread_create exit code is an int */
}

static long worker(void *arg)
{
	struct job *j = arg;
	if (j->t && read_tp() != (unsigned long)j->t)
		return -1;
	return mix(j->seed, 1);
}

static _Atomic long churn_ok, churn_bad;

/* Each cycle: a clone thread and a thread_create thread alive together,
 * started in an order that changes from cycle to cycle, then both joined. */
static long spawner(void *arg)
{
	long id = (long)arg;
	for (long i = 0; i < CYCLES; i++) {
		thread_t t[2];
		struct job j[2];
		int err[2];
		for (int k = 0; k < 2; k++) {
			int clone_kind = (k + i) % 2;
			j[k] = (struct job){ .seed = id * 1000 + i * 2 + k,
					     .t = clone_kind ? &t[k] : NULL };
			err[k] = clone_kind ? thread(worker, &j[k], &t[k]) :
					      thread_spawn(&t[k], worker, &j[k]);
		}
		for (int k = 0; k < 2; k++) {
			if (!err[k] && thread_wait(&t[k]) == mix(j[k].seed, 0))
				churn_ok++;
			else
				churn_bad++;
		}
	}
	return 0;
}

static int churn_child(void *arg)
{
	(void)arg;
	thread_t s[SPAWNERS - 1];
	int started_ok = 0;
	for (long i = 1; i < SPAWNERS; i++)
		started_ok += thread(spawner, (void *)i, &s[i - 1]) == 0;
	spawner(0);
	for (int i = 0; i < started_ok; i++)
		thread_wait(&s[i]);
	return started_ok == SPAWNERS - 1 && churn_ok == 2 * SPAWNERS * CYCLES && churn_bad == 0 ?
		0 : 1;
}

static void test_churn(void)
{
	EXPECT_EQ(run_child(churn_child, NULL), W_EXIT(0),
		  "churn: %d spawners x %d threads, clone and thread_create, all right",
		  SPAWNERS, 2 * CYCLES);
}

/* ---- fork and exec ---- */

static long plain(void *arg)
{
	return (long)arg;
}

/* FORK_THREADS threads alive at once, then all joined: 0 if all ran. */
static int batch(void)
{
	thread_t t[FORK_THREADS];
	int bad = 0;
	for (long i = 0; i < FORK_THREADS; i++)
		bad |= thread(plain, (void *)(i + 10), &t[i]);
	for (long i = 0; i < FORK_THREADS; i++)
		bad |= thread_wait(&t[i]) != i + 10;
	return bad;
}

static char *const exit7_argv[] = { "t_child", "exit", "7", NULL };

static int fork_exec_child(void *arg)
{
	(void)arg;
	if (batch())
		return 1;
	long pid = fork();
	if (pid == 0)
		exit(batch() ? 1 : 0);
	if (wait_status(pid) != W_EXIT(0) || batch())
		return 2;
	execve("t_child", exit7_argv, NULL);
	return 3;
}

static void test_fork_exec(void)
{
	EXPECT_EQ(run_child(fork_exec_child, NULL), W_EXIT(7),
		  "fork and exec: threads in parent and fork child run, then the exec");
}

int main(void)
{
	TEST_PLAN();
	struct kstat start = kstat_after_warm_fork();
	test_no_fence((long)start.harts);
	test_reuse();
	test_churn();
	test_fork_exec();
	kstat_expect_back(&start, KSTAT_ALL, "all cases");
	return test_done();
}
