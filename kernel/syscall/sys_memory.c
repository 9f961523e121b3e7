/* Memory calls: brk, mmap, munmap. */
#include "kernel/syscall/syscall.h"
#include "kernel/proc/process.h"
#include "kernel/mm/addrspace.h"
#include <dakota/syscall.h>

SYSCALL_DEFINE1(brk, unsigned long, new_end)
{
	return as_brk(current_process()->as, new_end);
}

long sys_mmap(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	unsigned long len = a1;
	int prot = (int)a2, flags = (int)a3;
	if (a0 || len == 0 || len > (1UL << 36) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) ||
	    (flags & ~MAP_STACK) != (MAP_PRIVATE | MAP_ANONYMOUS) || (long)a4 != -1 || a5)
		return -EINVAL;
	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return -EACCES;     /* no page is both writable and executable */
	unsigned perm = (prot & PROT_READ ? PERM_R : 0) | (prot & PROT_WRITE ? PERM_W | PERM_R : 0) |
			(prot & PROT_EXEC ? PERM_X | PERM_R : 0);
	if (!perm)
		return -EINVAL;
	return as_mmap(current_process()->as, len, perm);
}

SYSCALL_DEFINE2(munmap, unsigned long, addr, unsigned long, len)
{
	return as_munmap(current_process()->as, addr, len);
}
