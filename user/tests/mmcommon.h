/* Raw wrappers for the memory calls the user library does not wrap, for the
 * t_mm_* tests (Linux's numbers and flags: dakota/mman.h). */
#ifndef USER_TESTS_MMCOMMON_H
#define USER_TESTS_MMCOMMON_H

#include "tcommon.h"
#include <dakota/mman.h>

#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static inline long mm_map(unsigned long addr, unsigned long len, int prot, int flags)
{
	return syscall6(SYS_mmap, (long)addr, (long)len, prot, flags, -1, 0);
}

static inline long mm_unmap(unsigned long addr, unsigned long len)
{
	return syscall2(SYS_munmap, (long)addr, (long)len);
}

static inline long mm_protect(unsigned long addr, unsigned long len, int prot)
{
	return syscall3(SYS_mprotect, (long)addr, (long)len, prot);
}

static inline long mm_advise(unsigned long addr, unsigned long len, int advice)
{
	return syscall3(SYS_madvise, (long)addr, (long)len, advice);
}

static inline long mm_remap(unsigned long old, unsigned long old_len, unsigned long new_len,
			    int flags, unsigned long new_addr)
{
	return syscall5(SYS_mremap, (long)old, (long)old_len, (long)new_len, flags,
			(long)new_addr);
}

#endif
