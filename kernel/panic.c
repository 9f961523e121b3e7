/* panic(): print once, stop the other harts, power off with 255. */
#include <stdarg.h>
#include "kernel/panic.h"
#include "kernel/dev/console.h"
#include "kernel/lib/printf.h"
#include "kernel/sched/processor.h"
#include "kernel/sched/sched.h"

static _Atomic int panicking;

bool panic_in_progress(void)
{
	return __atomic_load_n(&panicking, __ATOMIC_RELAXED);
}

/* Frame-pointer walk: with -fno-omit-frame-pointer every frame stores the
 * return address at fp-8 and the caller's fp at fp-16. Stop when fp leaves
 * the stack page range it started in. */
static void backtrace(void)
{
	unsigned long fp = arch_frame_pointer();
	unsigned long low = fp & ~(16384UL - 1), high = low + 3 * 16384UL;
	for (int depth = 0; depth < 24 && fp >= low && fp < high && !(fp & 7); depth++) {
		unsigned long ra = ((unsigned long *)fp)[-1];
		console_emergency_printf("  #%d %lx\n", depth, ra);
		fp = ((unsigned long *)fp)[-2];
	}
}

void panic(const char *fmt, ...)
{
	arch_irq_disable();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
		arch_halt();                 /* another hart is reporting */
	sched_stop_other_harts();
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	struct processor *cpu = this_processor();
	console_emergency_printf("\nPANIC on hart %u: %s\n", cpu ? cpu->hart : 0, msg);
	backtrace();
	arch_poweroff(255);
}
