/* t_mm_unmap_race: munmap while a sibling thread on another hart writes the
 * page (issue 18, defect 4, as first reported).
 *
 * Victim processes, one after another: a writer thread rewrites every word
 * of a page with its stamp (stalepage.h) while the main thread munmaps it;
 * the writer then faults and the victim dies of SIGSEGV. Meanwhile a
 * checker process keeps taking fresh pages and must never find the stamp in
 * them: with the frame freed before the writer's hart dropped its TLB
 * entry (the kernel before the fix), it did within a handful of victims, 5
 * boots of 5 at 4 harts.
 * Unlike t_mm_tlb this needs nothing but mmap and munmap. */
#include "stalepage.h"
#include <thread.h>

/* At 1 hart no other hart can hold a stale entry: a short run suffices. */
#define CHECKER_ROUNDS(harts) ((harts) > 1 ? 400 : 20)

static long writer(void *a)
{
	volatile unsigned long *p = a;
	for (unsigned long i = 1;; i++)
		for (unsigned w = 0; w < PAGE_WORDS; w++)
			p[w] = STALE_MAGIC | i;
	return 0;
}

static void victim(void)
{
	volatile unsigned long *p = (volatile unsigned long *)mm_map(0, PAGE_SIZE, RW, ANON);
	p[1] = 0;
	thread_t t;
	if (thread_spawn(&t, writer, (void *)p))
		exit(1);
	while (p[0] == 0)
		sched_yield();
	for (volatile int k = 0; k < 20000; k++)
		;
	mm_unmap((unsigned long)p, PAGE_SIZE);
	for (;;)                                /* until the writer's fault kills us */
		sched_yield();
}

int main(void)
{
	TEST_PLAN();
	struct kstat start = kstat_now();
	long pid = fork();
	if (pid == 0)
		exit(stale_page_checker(CHECKER_ROUNDS(start.harts)));
	int status = -1, victims = 0, wrong_death = 0;
	while (wait4((int)pid, &status, WNOHANG, 0) == 0) {
		long v = fork();
		if (v == 0)
			victim();
		wrong_death += wait_status(v) != SIGSEGV;
		victims++;
	}
	test_note("%d victims while the checker ran", victims);
	EXPECT_EQ(wrong_death, 0, "every victim died of SIGSEGV (its writer hit the unmapped page)");
	EXPECT_EQ(status, W_EXIT(0), "the checker never saw a victim's pattern");
	kstat_expect_back(&start, KSTAT_FRAMES | KSTAT_PROCS, "all cases");
	return test_done();
}
