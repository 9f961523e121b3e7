/* Kernel self-test of the trap-context page rule (addrspace.c,
 * as_map_trap_context): nothing unmaps the page when its thread exits, so
 * the exit needs no remote fence; the tid's next thread gets the same page
 * back with nothing of the old thread in it; and as_destroy frees every
 * page kept, so a process's frames all come back when it ends. */
#include "kernel/ktest/ktest_trap_keep.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/layout.h"
#include "kernel/proc/thread.h"

static bool all_zero(const struct trap_context *tc)
{
	const unsigned char *b = (const unsigned char *)tc;
	for (size_t i = 0; i < sizeof *tc; i++)
		if (b[i])
			return false;
	return true;
}

/* What an exiting thread leaves behind in its page. */
static void scribble(struct trap_context *tc)
{
	tc->regs[10] = 0x5a5a;
	tc->sepc = 0x1000;
	tc->kernel_sp = 0xdead0000;
	tc->kernel_tp = 0xbeef;
	tc->fregs[31] = 7;
	tc->fcsr = 1;
}

static unsigned long mapped_at(struct addrspace *as, int tid)
{
	return mmu_translate(as->pt, TRAP_CONTEXT(tid), PERM_R | PERM_W);
}

/* A fork copies regions only: the child has none of the parent's pages. */
static void check_fork(void (*check)(bool, const char *), struct addrspace *as, int tid)
{
	struct addrspace *child = as_clone(as);
	check(child != NULL, "trap keep: a fork of the space");
	if (!child)
		return;
	check(mapped_at(child, tid) == 0, "trap keep: the fork child does not map the page");
	struct trap_context *tc = as_map_trap_context(child, tid);
	check(tc && (unsigned long)tc != mapped_at(as, tid) && all_zero(tc),
	      "trap keep: the child's thread with that tid gets its own zeroed page");
	as_destroy(child);
}

void ktest_trap_keep(void (*check)(bool ok, const char *name))
{
	unsigned long frames = frame_free_count(), bytes = kmalloc_bytes_in_use();
	struct addrspace *as = as_create();
	int last = CONFIG_MAX_THREADS - 1;     /* the bitmap's last bit */
	struct trap_context *tc = as ? as_map_trap_context(as, 5) : NULL;
	struct trap_context *tc_last = tc ? as_map_trap_context(as, last) : NULL;
	check(tc && tc_last && all_zero(tc), "trap keep: pages for tids 5 and the last mapped, zeroed");
	if (!tc_last) {
		if (as)
			as_destroy(as);
		return;
	}
	scribble(tc);
	unsigned long used = frame_free_count();
	as_remove_thread_stack(as, NO_STACK_SLOT);     /* a clone thread's exit */
	check(mapped_at(as, 5) == (unsigned long)tc, "trap keep: still mapped after the exit");
	struct trap_context *again = as_map_trap_context(as, 5);
	check(again == tc, "trap keep: the tid's next thread gets the same page");
	check(all_zero(again), "trap keep: zeroed, kernel_sp and FP registers included");
	check(frame_free_count() == used, "trap keep: taking it back allocates no frame");
	check_fork(check, as, 5);
	check(frame_free_count() == used, "trap keep: the fork child's pages went with it");
	scribble(again);
	as_destroy(as);
	check(frame_free_count() == frames && kmalloc_bytes_in_use() == bytes,
	      "trap keep: as_destroy frees every kept page");
}
