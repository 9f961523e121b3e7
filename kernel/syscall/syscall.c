/* The system-call table. */
#include "kernel/syscall/syscall.h"
#include "kernel/trace/trace.h"
#include "kernel/proc/thread.h"
#include "kernel/sched/sched.h"
#include "arch/riscv/arch.h"
#include <dakota/syscall.h>

static const syscall_fn table[] = {
#define X(name) [SYS_##name] = sys_##name,
#include "kernel/syscall/calls.def"
#undef X
};

void syscall_dispatch(struct trap_context *tc)
{
	unsigned long nr = tc_syscall_nr(tc);
	trace_event(TRACE_SYSCALL_ENTER, nr, 0);
	long r = -ENOSYS;
	if (nr < sizeof table / sizeof table[0] && table[nr])
		r = table[nr](tc_arg(tc, 0), tc_arg(tc, 1), tc_arg(tc, 2),
			      tc_arg(tc, 3), tc_arg(tc, 4), tc_arg(tc, 5));
	trace_event(TRACE_SYSCALL_EXIT, nr, (unsigned long)r);
	/* exec may have replaced the trap context: store into the current one. */
	tc_set_return(current_thread()->tc, r);
}
