/* Time calls: nanosleep, clock_gettime, sched_yield. */
#include "kernel/syscall/syscall.h"
#include "kernel/proc/process.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/sleep.h"
#include "kernel/mm/addrspace.h"
#include "arch/riscv/arch.h"
#include <dakota/syscall.h>

long sys_nanosleep(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct timespec req;
	if (copy_from_user(current_process()->as, &req, a0, sizeof req))
		return -EFAULT;
	if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= 1000000000L)
		return -EINVAL;
	unsigned long ticks = (unsigned long)req.tv_sec * arch_time_hz +
			      (unsigned long)req.tv_nsec * (arch_time_hz / 1000000) / 1000;
	unsigned long deadline = arch_time() + ticks;
	int err = sleep_until(deadline);
	if (a1) {
		/* The time left: zero after a full sleep (Dakota writes it; Linux
		 * leaves it alone), the rest after a signal interrupted it. */
		unsigned long now = arch_time();
		unsigned long left = err == 0 || deadline <= now ? 0 : deadline - now;
		struct timespec rem = { (long)(left / arch_time_hz),
					(long)(left % arch_time_hz * (1000000000UL / arch_time_hz)) };
		if (copy_to_user(current_process()->as, a1, &rem, sizeof rem))
			return -EFAULT;
	}
	return err;
}

long sys_clock_gettime(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	if (a0 != CLOCK_REALTIME && a0 != CLOCK_MONOTONIC)
		return -EINVAL;
	unsigned long t = arch_time();
	struct timespec ts = {
		.tv_sec = (long)(t / arch_time_hz),
		.tv_nsec = (long)(t % arch_time_hz * 1000000000UL / arch_time_hz),
	};
	return copy_to_user(current_process()->as, a1, &ts, sizeof ts);
}

long sys_sched_yield(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	sched_yield();
	return 0;
}
