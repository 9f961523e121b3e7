/* The kernel-counter leak check of the test programs: take the counters
 * before the work, and after it check that each one the work may not keep
 * is back exactly. Every test suite (user/tests, synctests, sigtests,
 * stress) uses this one check.
 *
 *	struct kstat start = kstat_now();
 *	...the work, every child reaped...
 *	kstat_expect_back(&start, KSTAT_ALL, "the work");
 *
 * Header-only: user/meson.build builds one .c file per program. */
#ifndef USER_LEAKCHECK_H
#define USER_LEAKCHECK_H

#include "stdio.h"
#include "stdlib.h"
#include "string.h"
#include "syscall.h"
#include "test.h"

/* The counters a check compares. A test leaves out one its work may
 * legitimately change (a process that grows its own stack or heap keeps
 * the frames). */
#define KSTAT_FRAMES  1u
#define KSTAT_THREADS 2u
#define KSTAT_PROCS   4u
#define KSTAT_KMALLOC 8u
#define KSTAT_ALL     (KSTAT_FRAMES | KSTAT_THREADS | KSTAT_PROCS | KSTAT_KMALLOC)

/* Program pages come on first touch and stay the process's: a page of the
 * program that the work runs or reads for the first time would count as a
 * leaked frame. So before the first snapshot every page of the image, from
 * _start (at its start: user.ld) to _end, is read once; a page the program
 * has unmapped (mincore fails there) is left alone. */
static inline void leakcheck_touch_program(void)
{
	static int touched;
	extern char _start[], _end[];
	unsigned char in;
	if (touched)
		return;
	touched = 1;
	for (unsigned long va = (unsigned long)_start & ~4095UL; va < (unsigned long)_end;
	     va += 4096)
		if (syscall3(SYS_mincore, (long)va, 4096, (long)&in) == 0)
			(void)*(volatile char *)va;
}

/* The kernel's counters; bails out if the call itself fails, since every
 * leak check after it would be meaningless. */
static inline struct kstat kstat_now(void)
{
	leakcheck_touch_program();
	struct kstat k;
	memset(&k, 0, sizeof k);
	long r = kstat(&k);
	if (r < 0) {
		printf("Bail out! kstat failed: %ld\n", r);
		exit(3);
	}
	return k;
}

/* One TAP result per counter in `which`: it is back to its value in
 * `start`. On a failure a note says, for `what` (the case), how much of
 * each counter leaked. 1 if every counter is back, else 0. */
static inline int kstat_expect_back(const struct kstat *start, unsigned which,
				    const char *what)
{
	struct kstat now = kstat_now();
	int ok = 1;
	if (which & KSTAT_FRAMES)
		ok &= CHECK_EQ(now.free_frames, start->free_frames, "no physical frames leaked");
	if (which & KSTAT_THREADS)
		ok &= CHECK_EQ(now.live_threads, start->live_threads,
			       "no threads leaked (live thread count back)");
	if (which & KSTAT_PROCS)
		ok &= CHECK_EQ(now.live_procs, start->live_procs,
			       "no processes leaked (live process count back)");
	if (which & KSTAT_KMALLOC)
		ok &= CHECK_EQ(now.kmalloc_bytes, start->kmalloc_bytes, "no kmalloc bytes leaked");
	if (!ok)
		test_note("%s: leaked frames %ld, threads %ld, procs %ld, kmalloc bytes %ld",
			  what,
			  (long)start->free_frames - (long)now.free_frames,
			  (long)now.live_threads - (long)start->live_threads,
			  (long)now.live_procs - (long)start->live_procs,
			  (long)now.kmalloc_bytes - (long)start->kmalloc_bytes);
	return ok;
}

#endif
