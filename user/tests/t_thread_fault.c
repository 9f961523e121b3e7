/* t_thread_fault: a fault in any thread kills the whole process.
 *
 * In forked children, a secondary thread faults while its siblings spin,
 * block on a semaphore, sleep, or wait in thread_join; the parent checks the
 * status is exactly SIGSEGV or SIGILL and that every thread, process and
 * frame comes back. Two threads faulting at the same moment on different
 * harts still end the process once, with a fault signal. */
#include "tcommon.h"
#include <sync.h>

static volatile long arrived;
static volatile int go;
static long sem;

static void arrive(void)
{
	__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
}

static long spin_forever(void *arg)
{
	(void)arg;
	arrive();
	for (;;)
		__asm__ volatile("" ::: "memory");
	return 0;
}

static long block_on_semaphore(void *arg)
{
	(void)arg;
	arrive();
	semaphore_down(sem);
	return 1;
}

static long sleep_long(void *arg)
{
	(void)arg;
	arrive();
	struct timespec ts = { 1000, 0 };
	nanosleep(&ts, NULL);
	return 2;
}

static void *launder(unsigned long v)
{
	__asm__ volatile("" : "+r"(v));
	return (void *)v;
}

/* Waits for the start signal, then faults the way arg says. */
static long fault(void *arg)
{
	long kind = (long)arg;
	arrive();
	while (!go)
		__asm__ volatile("" ::: "memory");
	if (kind == 0)
		*(volatile long *)launder(0) = 1;
	else if (kind == 1)
		__asm__ volatile(".4byte 0xc0001073");     /* unimp */
	else if (kind == 2)
		((void (*)(void))launder(TRAMPOLINE_VA))();
	else
		*(volatile long *)launder(KERNEL_VA) = 1;
	return 3;
}

static long start_siblings(void)
{
	arrived = 0;
	go = 0;
	sem = semaphore_create(0);
	long harts = (long)kstat_now().harts, n = 0;
	for (long i = 0; i < (harts > 1 ? harts : 2); i++)
		n += thread_create(spin_forever, NULL) > 0;
	n += thread_create(block_on_semaphore, NULL) > 0;
	n += thread_create(sleep_long, NULL) > 0;
	return n;
}

static void wait_arrivals(long n)
{
	while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < n)
		sched_yield();
}

/* Main blocks in thread_join while a secondary thread faults. */
static int one_thread_faults(void *arg)
{
	long n = start_siblings();
	long faulter = thread_create(fault, arg);
	wait_arrivals(n + 1);
	go = 1;
	thread_join(faulter);
	return 100;             /* never: the process is dead */
}

/* Main spins in user mode while the secondary thread faults. */
static int fault_while_main_spins(void *arg)
{
	long n = start_siblings();
	thread_create(fault, arg);
	wait_arrivals(n + 1);
	go = 1;
	for (;;)
		__asm__ volatile("" ::: "memory");
	return 101;
}

/* Two threads (and a third with an illegal instruction) fault at once. */
static int several_fault_at_once(void *arg)
{
	(void)arg;
	long n = start_siblings();
	thread_create(fault, (void *)0);
	thread_create(fault, (void *)3);
	thread_create(fault, (void *)1);
	wait_arrivals(n + 3);
	go = 1;
	for (;;)
		__asm__ volatile("" ::: "memory");
	return 102;
}

static void run_case(const char *what, int (*fn)(void *), long kind, long want,
		     const struct kstat *start)
{
	long pid = fork();
	if (pid == 0)
		exit(fn((void *)kind));
	long st = wait_status_within(pid, 10000);
	EXPECT_EQ(st, want, "%s: the process dies of signal %ld", what, want);
	kstat_expect_back(start, KSTAT_THREADS | KSTAT_PROCS, what);
}

int main(void)
{
	TEST_PLAN();
	struct kstat start = kstat_after_warm_fork();
	run_case("store to NULL in a thread, main joining", one_thread_faults, 0, SIGSEGV, &start);
	run_case("illegal instruction in a thread, main joining", one_thread_faults, 1, SIGILL,
		 &start);
	run_case("jump to the trampoline in a thread", one_thread_faults, 2, SIGSEGV, &start);
	run_case("store to the kernel in a thread, main spinning", fault_while_main_spins, 3,
		 SIGSEGV, &start);
	run_case("illegal instruction in a thread, main spinning", fault_while_main_spins, 1,
		 SIGILL, &start);
	/* Which fault is handled first decides the signal; both are faults. */
	long pid = fork();
	if (pid == 0)
		exit(several_fault_at_once(NULL));
	long st = wait_status_within(pid, 10000);
	CHECK(st == SIGSEGV || st == SIGILL,
	      "three threads faulting at once: killed by SIGSEGV or SIGILL (status %ld)", st);
	kstat_expect_back(&start, KSTAT_ALL, "all cases");
	return test_done();
}
