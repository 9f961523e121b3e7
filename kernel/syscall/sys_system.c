/* System-wide calls: kstat, programs, trace control, power-off. */
#include "kernel/syscall/syscall.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/initramfs.h"
#include "kernel/sched/processor.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/trace/trace.h"
#include <dakota/syscall.h>

long sys_kstat(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct kstat k = {
		.free_frames = frame_free_count(),
		.total_frames = frame_total_count(),
		.live_threads = (unsigned long)thread_live_count,
		.live_procs = (unsigned long)process_count(),
		.kmalloc_bytes = kmalloc_bytes_in_use(),
		.harts = processor_count,
		.time_hz = arch_time_hz,
	};
	return copy_to_user(current_process()->as, a0, &k, sizeof k);
}

long sys_programs(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	char *buf = kmalloc(4096);
	if (!buf)
		return -ENOMEM;
	long n = initramfs_list(buf, a1 < 4096 ? a1 : 4096);
	if (n > 0 && copy_to_user(current_process()->as, a0, buf, (unsigned long)n))
		n = -EFAULT;
	kfree(buf);
	return n;
}

long sys_trace_ctl(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	if (!CONFIG_TRACE)
		return -ENOSYS;
	if (a0 == TRACE_START)
		trace_start();
	else if (a0 == TRACE_STOP)
		trace_stop();
	else
		return -EINVAL;
	return 0;
}

long sys_poweroff(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	if (current_process()->pid != 1)
		return -EPERM;
	trace_stop();
	arch_poweroff((int)(a0 & 0xff));
}
