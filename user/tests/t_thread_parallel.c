/* t_thread_parallel: sibling threads run on several harts at the same time.
 *
 * With H harts, H + 1 threads spin in user mode (the ready queue is never
 * empty, so no hart idles) while the main thread takes thread_list
 * snapshots. In one snapshot, the threads of this process marked RUNNING
 * must be on at least 2 different harts; in every snapshot, no two RUNNING
 * threads (of any process) share a hart, and every hart number is below H.
 * With 1 hart the parallelism check is skipped. */
#include "tcommon.h"

#define SNAPSHOTS 200
#define MAX_INFO 256

static volatile int stop;
static volatile long arrived;

static long spin(void *arg)
{
	__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
	while (!stop)
		__asm__ volatile("" ::: "memory");
	return (long)arg;
}

static struct thread_info info[MAX_INFO];

/* Diagnostics for the first snapshot with two RUNNING threads on one hart. */
static void note_clash(long n, long at)
{
	for (long i = 0; i < n; i++)
		if (info[i].state == THREAD_INFO_RUNNING && info[i].hart == info[at].hart)
			test_note("RUNNING on hart %d: pid %d tid %d, %lu switches, %lu ns run",
				  info[i].hart, info[i].pid, info[i].tid, info[i].switches,
				  info[i].run_ns);
}

/* Distinct harts among RUNNING threads of pid in info[0..n). */
static int running_harts(long n, long pid, long harts, int *clash, int *out_of_range)
{
	unsigned long seen_mine = 0, seen_any = 0;
	for (long i = 0; i < n; i++) {
		if (info[i].state != THREAD_INFO_RUNNING)
			continue;
		int h = info[i].hart;
		if (h < 0 || h >= harts || h >= 64) {
			*out_of_range = 1;
			continue;
		}
		if ((seen_any & (1UL << h)) && !*clash) {
			*clash = 1;
			note_clash(n, i);
		}
		seen_any |= 1UL << h;
		if (info[i].pid == pid)
			seen_mine |= 1UL << h;
	}
	return __builtin_popcountl(seen_mine);
}

int main(void)
{
	TEST_PLAN();
	long harts = (long)kstat_now().harts;
	long pid = getpid();
	long n = harts + 1;
	long tids[16];
	if (n > 16)
		n = 16;
	for (long i = 0; i < n; i++)
		tids[i] = thread_create(spin, (void *)(i + 1));
	while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < n)
		sched_yield();

	long first = thread_list(info, MAX_INFO);
	int clash = 0, out_of_range = 0;
	int first_harts = running_harts(first, pid, harts, &clash, &out_of_range);
	for (int s = 1; s < SNAPSHOTS; s++) {
		long m = thread_list(info, MAX_INFO);
		running_harts(m, pid, harts, &clash, &out_of_range);
	}
	stop = 1;
	int joined = 0;
	for (long i = 0; i < n; i++)
		joined += thread_join(tids[i]) == i + 1;

	EXPECT_EQ(joined, n, "all spinners joined with their codes");
	EXPECT_EQ(clash, 0, "no snapshot shows two RUNNING threads on one hart");
	EXPECT_EQ(out_of_range, 0, "every RUNNING thread's hart is below the hart count");
	if (harts == 1) {
		test_note("skipped: 1 hart");
		EXPECT_EQ(first_harts, 1, "with 1 hart, RUNNING threads are on that one hart");
	} else {
		CHECK(first_harts >= 2,
		      "one snapshot shows this process's threads RUNNING on %d harts (>= 2 of %ld)",
		      first_harts, harts);
	}
	return test_done();
}
