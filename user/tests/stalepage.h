/* The stale-TLB witness of t_mm_tlb and t_mm_unmap_race (issue 18, defect
 * 4): a writer thread stamps every word of its page with STALE_MAGIC | n
 * while the page is taken away; a separate process keeps taking fresh pages
 * and must never find the stamp in them. If a frame were freed before every
 * hart dropped its TLB entry for it, the writer's late stores would land in
 * a page handed to that process. */
#ifndef USER_TESTS_STALEPAGE_H
#define USER_TESTS_STALEPAGE_H

#include "mmcommon.h"

#define STALE_MAGIC      0x5AFE000000000000UL
#define STALE_MAGIC_MASK 0xFFFF000000000000UL
#define PAGE_WORDS       (PAGE_SIZE / sizeof(unsigned long))
#define CHECKER_PAGES    16

/* Words in n pages at p that carry the writer's stamp. */
static inline long stamped_words(const volatile unsigned long *p, unsigned long n)
{
	long found = 0;
	for (unsigned long w = 0; w < n * PAGE_WORDS; w++)
		found += (p[w] & STALE_MAGIC_MASK) == STALE_MAGIC;
	return found;
}

/* The checking process: `rounds` times fresh pages, touched, checked twice
 * (at first touch and after a yield), unmapped so that their frames go
 * round. Its exit code: 0 clean, 1 a stamp seen, 2 mmap failed. */
static inline int stale_page_checker(unsigned long rounds)
{
	long seen = 0;
	for (unsigned long r = 0; r < rounds && !seen; r++) {
		long p = mm_map(0, CHECKER_PAGES * PAGE_SIZE, RW, ANON);
		if (MMAP_FAILED(p))
			return 2;
		volatile unsigned long *v = (volatile unsigned long *)p;
		for (unsigned i = 0; i < CHECKER_PAGES; i++)
			v[i * PAGE_WORDS + 1] = 7;          /* supply the page */
		seen += stamped_words(v, CHECKER_PAGES);
		sched_yield();
		seen += stamped_words(v, CHECKER_PAGES);
		mm_unmap((unsigned long)p, CHECKER_PAGES * PAGE_SIZE);
	}
	if (seen)
		printf("# the checker found %ld words of a writer's stamp\n", seen);
	return seen ? 1 : 0;
}

#endif
