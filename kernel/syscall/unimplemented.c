/* Unimplemented system calls: -ENOSYS, and one console line per process and
 * number, so that someone porting a program sees at once what is missing.
 *
 * The record of numbers already reported is a bitmap in struct process
 * (enosys_seen), set with an atomic OR: two threads making the same unknown
 * call at once print one line between them, and nothing is allocated.
 * Numbers at or above ENOSYS_BITS are no Linux call (the highest is 450) and
 * are refused without a word, so that a fuzzer cannot flood the console. */
#include "kernel/syscall/unimplemented.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "arch/riscv/arch.h"
#include "kernel/dev/console.h"
#include <dakota/syscall.h>

/* Calls that glibc 2.36 makes, expecting them to be refused on older
 * kernels, and copes with silently: reporting them would print a line for
 * every glibc program. */
static const struct {
	unsigned short nr;
	const char *why;
} quiet[] = {
	{ SYS_rseq, "static start-up registers restartable sequences; on -ENOSYS it "
		    "keeps __rseq_size 0 and sched_getcpu uses getcpu" },
};

static bool is_quiet(unsigned long nr)
{
	for (unsigned i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
		if (quiet[i].nr == nr)
			return true;
	return false;
}

long syscall_unimplemented(void)
{
	struct process *p = current_process();
	unsigned long nr = tc_syscall_nr(current_thread()->tc);
	if (nr >= ENOSYS_BITS || is_quiet(nr))
		return -ENOSYS;
	unsigned long bit = 1UL << (nr % 64);
	unsigned long old = __atomic_fetch_or(&p->enosys_seen[nr / 64], bit, __ATOMIC_RELAXED);
	if (!(old & bit))
		kprintf("dakota: pid %d (%s) system call %lu not implemented\n",
			p->pid, p->name, nr);
	return -ENOSYS;
}
