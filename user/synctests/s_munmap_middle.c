/* s_munmap_middle: unmapping pages in the middle of a mapping leaves the
 * pages on either side mapped with their contents, and only the middle
 * ones gone (Linux splits the mapping in two).
 *
 * A region bookkeeping that keeps the head and loses the tail shows as a
 * child killed by SIGSEGV when it reads the tail, named in the message.
 * Both pages that were touched before the munmap and pages never touched
 * (mapped on demand) are checked on each side. Children do the touching,
 * so a fault ends only them; the kernel's counters must come back.
 *
 * usage: s_munmap_middle (owner of the code under test: the memory helper;
 * this test belongs to issue 18's list of suite gaps) */
#include <stdio.h>
#include <test.h>
#include "testutil.h"

#define PAGE 4096L
#define PAGES 8
#define HOLE_FIRST 3
#define HOLE_PAGES 2          /* pages 3 and 4 go; 0-2 and 5-7 stay */

static unsigned char *region;

static int touched(long page)
{
	return page % 2 == 0;       /* odd pages are never touched before the munmap */
}

/* Child: reads every page outside the hole. Exit 0: all as expected; 1: a
 * touched page lost its contents; 2: an untouched page is not zero. A lost
 * page kills the child with SIGSEGV instead. */
static int read_outside_hole(void *arg)
{
	(void)arg;
	for (long p = 0; p < PAGES; p++) {
		if (p >= HOLE_FIRST && p < HOLE_FIRST + HOLE_PAGES)
			continue;
		unsigned char want = touched(p) ? (unsigned char)(0xa0 + p) : 0;
		for (long off = 0; off < PAGE; off += 512)
			if (region[p * PAGE + off] != want)
				return touched(p) ? 1 : 2;
		region[p * PAGE] = want;   /* and it is still writable */
	}
	return 0;
}

static int touch_hole(void *arg)
{
	long page = (long)arg;
	return region[page * PAGE];    /* must fault */
}

int main(void)
{
	TEST_PLAN();
	warm_stack();
	/* A first mapping, touched and unmapped, leaves the page-table pages
	 * of this part of the address space in place (they stay, as on Linux),
	 * so that the count below sees only what the test itself takes. */
	unsigned char *warm = mmap(0, PAGES * PAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!MMAP_FAILED(warm)) {
		for (long p = 0; p < PAGES; p++)
			warm[p * PAGE] = 1;
		munmap(warm, PAGES * PAGE);
	}
	struct kstat before = kstat_now();
	region = mmap(0, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!CHECK(!MMAP_FAILED(region), "mmap of 8 pages"))
		return test_done();
	for (long p = 0; p < PAGES; p++)
		if (touched(p))
			for (long off = 0; off < PAGE; off += 512)
				region[p * PAGE + off] = (unsigned char)(0xa0 + p);
	CHECK_EQ(munmap(region + HOLE_FIRST * PAGE, HOLE_PAGES * PAGE), 0,
		 "munmap of pages 3-4 in the middle returns 0");
	long status = run_in_child(read_outside_hole, 0);
	if (!CHECK_EQ(status, 0, "pages 0-2 and 5-7 keep their contents after a munmap of 3-4"))
		test_note("child status %#lx: %s", status,
			  (status & 0x7f) == 11 ? "SIGSEGV reading outside the hole: the munmap lost "
						  "the region's tail (or head)"
			  : status == 0x100 ? "a touched page lost its contents"
			  : status == 0x200 ? "an untouched page is not zero" : "unexpected");
	for (long p = HOLE_FIRST; p < HOLE_FIRST + HOLE_PAGES; p++)
		CHECK_EQ(run_in_child(touch_hole, (void *)p) & 0x7f, 11,
			 "a page in the hole is gone: touching it is SIGSEGV");
	CHECK_EQ(munmap(region, PAGES * PAGE), 0, "munmap of the whole range (with its hole) returns 0");
	kstat_expect_back(&before, KSTAT_ALL, "munmap middle");
	return test_done();
}
