/* t_mm_tlb: a page taken away while a sibling thread on another hart writes
 * it (issue 18, defect 4).
 *
 * Thread W rewrites every word of the page at `target` with its stamp
 * (STALE_MAGIC | its iteration number), for ever. The main thread keeps
 * replacing that page with a fresh one (mmap MAP_FIXED over it), and after
 * each replacement waits until W has finished an iteration that began after
 * the call returned: that iteration's writes must be in the new page (W
 * never faults: the range is never a hole). Meanwhile a forked process
 * keeps taking fresh pages and checks each stays free of the stamp
 * (stalepage.h): if a replaced frame were freed before W's hart dropped its
 * TLB entry, W's late writes would land in that process's page. At 1 hart
 * there is no other hart to hold a stale entry; the test must pass there
 * too. */
#include "stalepage.h"
#include <thread.h>

/* Rounds of the checking process. At 1 hart every replacement waits for
 * time slices (the writer must run twice), so fewer rounds keep it short;
 * there is no remote TLB to catch there anyway. */
#define CHECKER_ROUNDS(harts) ((harts) > 1 ? 800 : 60)

static volatile unsigned long *target;
static volatile long written;      /* W's last completed iteration */
static volatile int stop;

static long writer(void *arg)
{
	(void)arg;
	for (unsigned long i = 1; !stop; i++) {
		for (unsigned w = 0; w < PAGE_WORDS; w++)
			target[w] = STALE_MAGIC | i;
		__atomic_store_n(&written, (long)i, __ATOMIC_RELEASE);
	}
	return 0;
}

/* Replaces the page; 1 if W's next full iteration did not land in it. */
static int replace_round(void)
{
	unsigned long x = (unsigned long)target;
	if (mm_map(x, PAGE_SIZE, RW, ANON | MAP_FIXED) != (long)x)
		return 1;
	long c = __atomic_load_n(&written, __ATOMIC_ACQUIRE);
	while (__atomic_load_n(&written, __ATOMIC_ACQUIRE) < c + 2)
		sched_yield();
	unsigned long w0 = target[0];
	return (w0 & STALE_MAGIC_MASK) != STALE_MAGIC ||
	       (long)(w0 & ~STALE_MAGIC_MASK) < c + 2;
}

static long idle_thread(void *arg)
{
	return (long)arg;
}

int main(void)
{
	TEST_PLAN();
	long x = mm_map(0, PAGE_SIZE, RW, ANON);
	if (!CHECK(!MMAP_FAILED(x), "map the target page"))
		return test_done();
	target = (volatile unsigned long *)x;
	target[0] = 0;
	/* The thread library's first use of its own (lazily filled) memory
	 * and the first fork's one-time costs, before the snapshot. */
	thread_t warm;
	if (thread_spawn(&warm, idle_thread, 0) == 0)
		thread_wait(warm);
	struct kstat start = kstat_after_warm_fork();

	long pid = fork();
	if (pid == 0)
		exit(stale_page_checker(CHECKER_ROUNDS(start.harts)));
	thread_t w;
	if (!CHECK(thread_spawn(&w, writer, 0) == 0, "start the writer"))
		return test_done();
	long rounds = 0, lost = 0;
	int status = -1;
	while (wait4((int)pid, &status, WNOHANG, 0) == 0) {
		lost += replace_round();
		rounds++;
	}
	stop = 1;
	thread_wait(w);
	test_note("%ld replacements while the other process checked", rounds);
	CHECK(rounds > 0, "at least one replacement ran alongside the checker");
	EXPECT_EQ(lost, 0, "after each replacement the writer's next writes are in the new page");
	EXPECT_EQ(status, W_EXIT(0), "the other process never saw the writer's pattern");
	kstat_expect_back(&start, KSTAT_FRAMES | KSTAT_THREADS, "all cases");
	return test_done();
}
