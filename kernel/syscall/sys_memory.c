/* Memory calls with Linux's meaning: brk, mmap, munmap, mprotect, madvise,
 * mremap, msync, mlock, munlock, mlockall, munlockall, mincore. This file turns Linux's flags into
 * the address-space calls of kernel/mm (mmap.c, mremap.c) and checks what
 * Linux checks before it looks at the address space.
 *
 * Files: MAP_SHARED mappings of tmpfs files (kernel/fs/tmpfs_file.c);
 * other files and MAP_PRIVATE file mappings are -ENODEV. Refused:
 * MREMAP_DONTUNMAP (-EINVAL), growing a
 * MAP_SHARED mapping with mremap (-ENOMEM). MAP_SHARED|MAP_ANONYMOUS memory
 * is shared with fork children (kernel/mm/shm.c). W+X pages are allowed, as on
 * Linux. The fd of an anonymous mapping is ignored, as on Linux. */
#include "kernel/syscall/syscall.h"
#include "kernel/proc/process.h"
#include "kernel/proc/file.h"
#include "kernel/mm/addrspace.h"
#include "kernel/syscall/resource.h"
#include <dakota/resource.h>
#include <dakota/syscall.h>
#include <dakota/mman.h>

/* RLIMIT_AS and RLIMIT_DATA, as Linux enforces them on brk and mmap (a
 * program that limits itself and mallocs until it fails, as tests do):
 * true if `more` bytes would take p over. The address space is measured only
 * when a limit is set. */
static bool over_as_limit(struct process *p, unsigned long more)
{
	unsigned long lim = rlimit_current(p, RLIMIT_AS);
	return lim != RLIM_INFINITY && as_mapped_bytes(p->as) + more > lim;
}

static bool over_data_limit(struct process *p, unsigned long heap_bytes)
{
	unsigned long lim = rlimit_current(p, RLIMIT_DATA);
	return lim != RLIM_INFINITY && heap_bytes > lim;
}

SYSCALL_DEFINE1(brk, unsigned long, new_end)
{
	struct process *p = current_process();
	unsigned long cur = (unsigned long)as_brk(p->as, 0);
	if (new_end > cur) {
		unsigned long grow = PAGE_ROUND_UP(new_end) - PAGE_ROUND_UP(cur);
		if (over_data_limit(p, new_end - p->as->heap_start) || over_as_limit(p, grow))
			return (long)cur;          /* Linux: a failed brk returns the old break */
	}
	return as_brk(p->as, new_end);
}

/* PROT_* to PERM_*: writing and executing imply reading, as on Linux/RISC-V
 * (Sv39 has no write-only page). PROT_NONE is 0: a region no access may use. */
static unsigned prot_perm(int prot)
{
	return (prot & PROT_READ ? PERM_R : 0) | (prot & PROT_WRITE ? PERM_W | PERM_R : 0) |
	       (prot & PROT_EXEC ? PERM_X | PERM_R : 0);
}

SYSCALL_DEFINE6(mmap, unsigned long, addr, unsigned long, len, int, prot, int, flags,
		int, fd, unsigned long, offset)
{
	if (offset & (PAGE_SIZE - 1))
		return -EINVAL;
	bool file = !(flags & MAP_ANONYMOUS);
	long err = file ? file_check(fd) : 0;
	if (err)
		return err;
	if (!len)
		return -EINVAL;
	/* Linux's overflow checks on the page offset, which it shifts as a
	 * signed off_t (a negative offset is a page number near ULONG_MAX);
	 * a file mapping must also end by LLONG_MAX (file_mmap_ok). */
	unsigned long pgoff = (unsigned long)((long)offset >> PAGE_SHIFT);
	unsigned long bytes = PAGE_ROUND_UP(len), pages = bytes >> PAGE_SHIFT;
	if (pgoff + pages < pgoff)
		return -EOVERFLOW;
	unsigned long file_max = (unsigned long)__LONG_MAX__;
	if (file && bytes && (bytes > file_max || pgoff > (file_max - bytes) >> PAGE_SHIFT))
		return -EOVERFLOW;
	int type = flags & MAP_TYPE;
	if ((type != MAP_SHARED && type != MAP_PRIVATE) ||
	    (type == MAP_SHARED && (flags & MAP_GROWSDOWN)))
		return -EINVAL;
	unsigned how = flags & MAP_FIXED_NOREPLACE ? AS_MAP_NOREPLACE :
		       flags & MAP_FIXED ? AS_MAP_FIXED : 0;
	if (type == MAP_SHARED)
		how |= AS_MAP_SHARED;
	struct process *p = current_process();
	if (over_as_limit(p, PAGE_ROUND_UP(len)))
		return -ENOMEM;
	if (file)
		return file_mmap(fd, addr, len, prot_perm(prot), how, offset);
	return as_mmap(p->as, addr, len, prot_perm(prot), how);
}

SYSCALL_DEFINE2(munmap, unsigned long, addr, unsigned long, len)
{
	return as_munmap(current_process()->as, addr, len);
}

SYSCALL_DEFINE3(mprotect, unsigned long, addr, unsigned long, len, int, prot)
{
	int grows = PROT_GROWSDOWN | PROT_GROWSUP;
	if ((prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | grows)) ||
	    (prot & grows) == grows)
		return -EINVAL;
	return as_mprotect(current_process()->as, addr, len, prot_perm(prot));
}

/* Advice Linux knows for private anonymous memory; all but DONTNEED and
 * FREE are hints Dakota may ignore. FREE ("may be discarded") discards. */
static bool known_advice(int advice)
{
	return (advice >= MADV_NORMAL && advice <= MADV_DONTNEED) ||
	       (advice >= MADV_FREE && advice <= MADV_PAGEOUT);
}

SYSCALL_DEFINE3(madvise, unsigned long, addr, unsigned long, len, int, advice)
{
	unsigned long rounded = PAGE_ROUND_UP(len);
	if (!known_advice(advice) || advice == MADV_REMOVE || (addr & (PAGE_SIZE - 1)) ||
	    (len && !rounded) || addr + rounded < addr)
		return -EINVAL;
	struct addrspace *as = current_process()->as;
	if (advice == MADV_DONTNEED || advice == MADV_FREE)
		return as_discard(as, addr, len);
	return as_check_mapped(as, addr, len);
}

SYSCALL_DEFINE5(mremap, unsigned long, old_addr, unsigned long, old_len,
		unsigned long, new_len, int, flags, unsigned long, new_addr)
{
	if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if (((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) || (flags & MREMAP_DONTUNMAP))
		return -EINVAL;
	unsigned how = (flags & MREMAP_MAYMOVE ? AS_REMAP_MAYMOVE : 0) |
		       (flags & MREMAP_FIXED ? AS_REMAP_FIXED : 0);
	return as_mremap(current_process()->as, old_addr, old_len, new_len, how, new_addr);
}

/* Nothing is backed by a file, so there is nothing to write back. */
SYSCALL_DEFINE3(msync, unsigned long, addr, unsigned long, len, int, flags)
{
	if ((addr & (PAGE_SIZE - 1)) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	return as_check_mapped(current_process()->as, addr, len);
}

/* Dakota never pages out, so every page is as good as locked. Linux rounds
 * the start down and checks that the range is mapped. */
SYSCALL_DEFINE2(mlock, unsigned long, addr, unsigned long, len)
{
	unsigned long start = PAGE_ROUND_DOWN(addr);
	return as_check_mapped(current_process()->as, start, len + (addr - start));
}

SYSCALL_DEFINE2(munlock, unsigned long, addr, unsigned long, len)
{
	unsigned long start = PAGE_ROUND_DOWN(addr);
	return as_check_mapped(current_process()->as, start, len + (addr - start));
}

/* Dakota never pages memory out, so every page a process has stays in
 * memory whatever it asks: mlockall's promise holds once its flags are
 * valid, as mlock's does once the range is mapped. */
#define MCL_CURRENT 1
#define MCL_FUTURE  2
#define MCL_ONFAULT 4

SYSCALL_DEFINE1(mlockall, int, flags)
{
	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE0(munlockall)
{
	return 0;
}

SYSCALL_DEFINE3(mincore, unsigned long, addr, unsigned long, len, unsigned long, vec)
{
	return as_mincore(current_process()->as, addr, len, vec);
}
