/* System-wide calls: kstat, programs, trace control, power-off (Dakota's),
 * and Linux's uname, sysinfo, reboot, membarrier. */
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/clock.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/initramfs.h"
#include "kernel/sched/processor.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/lib/string.h"
#include "kernel/trace/trace.h"
#include <dakota/syscall.h>
#include <dakota/resource.h>
#include <dakota/system.h>

SYSCALL_DEFINE1(kstat, unsigned long, out)
{
	struct kstat k = {
		.free_frames = frame_free_count(),
		.total_frames = frame_total_count(),
		.live_threads = (unsigned long)thread_live_count,
		.live_procs = (unsigned long)process_count(),
		.kmalloc_bytes = kmalloc_bytes_in_use(),
		.harts = processor_count,
		.time_hz = arch_time_hz,
		.cow_copies = as_cow_copies,
		.cow_reuses = as_cow_reuses,
		.shootdowns = as_shootdown_count,
	};
	return copy_to_user(current_process()->as, out, &k, sizeof k);
}

SYSCALL_DEFINE2(programs, unsigned long, ubuf, unsigned long, len)
{
	char *buf = kmalloc(4096);
	if (!buf)
		return -ENOMEM;
	long n = initramfs_list(buf, len < 4096 ? len : 4096);
	if (n > 0 && copy_to_user(current_process()->as, ubuf, buf, (unsigned long)n))
		n = -EFAULT;
	kfree(buf);
	return n;
}

SYSCALL_DEFINE1(trace_ctl, long, cmd)
{
	if (!CONFIG_TRACE)
		return -ENOSYS;
	if (cmd == TRACE_START)
		trace_start();
	else if (cmd == TRACE_STOP)
		trace_stop();
	else
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE1(poweroff, long, status)
{
	if (current_process()->pid != 1)
		return -EPERM;
	trace_stop();
	arch_poweroff((int)(status & 0xff));
}

/* glibc wants a Linux release it knows; the version field names Dakota. */
SYSCALL_DEFINE1(uname, unsigned long, ubuf)
{
	struct utsname u;
	memset(&u, 0, sizeof u);
	strlcpy(u.sysname, "Linux", sizeof u.sysname);
	strlcpy(u.nodename, "dakota", sizeof u.nodename);
	strlcpy(u.release, "6.1.0-dakota", sizeof u.release);
	strlcpy(u.version, "#1 SMP Dakota RISC-V kernel", sizeof u.version);
	strlcpy(u.machine, "riscv64", sizeof u.machine);
	strlcpy(u.domainname, "(none)", sizeof u.domainname);
	return copy_to_user(current_process()->as, ubuf, &u, sizeof u) ? -EFAULT : 0;
}

SYSCALL_DEFINE1(sysinfo, unsigned long, ubuf)
{
	struct sysinfo si;
	memset(&si, 0, sizeof si);
	si.uptime = (long)(arch_time() / arch_time_hz);
	si.totalram = frame_total_count() * PAGE_SIZE;
	si.freeram = frame_free_count() * PAGE_SIZE;
	si.procs = (unsigned short)process_count();
	si.mem_unit = 1;
	return copy_to_user(current_process()->as, ubuf, &si, sizeof si) ? -EFAULT : 0;
}

static bool reboot_magic_ok(unsigned m1, unsigned m2)
{
	return m1 == LINUX_REBOOT_MAGIC1 &&
	       (m2 == LINUX_REBOOT_MAGIC2 || m2 == LINUX_REBOOT_MAGIC2A ||
		m2 == LINUX_REBOOT_MAGIC2B || m2 == LINUX_REBOOT_MAGIC2C);
}

/* Root only (Linux's CAP_SYS_BOOT), then the magic numbers; powering off or
 * halting is for init (pid 1), whose status 0 QEMU then exits with. */
SYSCALL_DEFINE4(reboot, unsigned, magic1, unsigned, magic2, unsigned, cmd, unsigned long, arg)
{
	(void)arg;
	struct process *p = current_process();
	if (p->uid != 0)
		return -EPERM;
	if (!reboot_magic_ok(magic1, magic2))
		return -EINVAL;
	if (cmd == LINUX_REBOOT_CMD_CAD_ON || cmd == LINUX_REBOOT_CMD_CAD_OFF)
		return 0;
	if (cmd != LINUX_REBOOT_CMD_POWER_OFF && cmd != LINUX_REBOOT_CMD_HALT)
		return -EINVAL;
	if (p->pid != 1)
		return -EPERM;
	trace_stop();
	arch_poweroff(0);
}

#define MEMBARRIER_SUPPORTED                                                    \
	(MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_GLOBAL_EXPEDITED |              \
	 MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | MEMBARRIER_CMD_PRIVATE_EXPEDITED | \
	 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED)

/* Every barrier makes each hart pass through a remote fence (SBI RFENCE
 * waits until every hart has taken it): whatever user code ran there
 * before is ordered before our return. */
SYSCALL_DEFINE3(membarrier, int, cmd, unsigned, flags, int, cpu_id)
{
	(void)cpu_id;
	struct process *p = current_process();
	if (flags)
		return -EINVAL;
	switch (cmd) {
	case MEMBARRIER_CMD_QUERY:
		return MEMBARRIER_SUPPORTED;
	case MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED:
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED:
		__atomic_fetch_or(&p->membarrier_registered, cmd, __ATOMIC_RELAXED);
		return 0;
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
		if (!(p->membarrier_registered & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED))
			return -EPERM;
		/* fall through */
	case MEMBARRIER_CMD_GLOBAL:
	case MEMBARRIER_CMD_GLOBAL_EXPEDITED:
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		arch_tlb_flush_all_harts(0, 0);
		return 0;
	default:
		return -EINVAL;
	}
}
