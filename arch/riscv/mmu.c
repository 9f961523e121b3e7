/* Sv39 page tables: three levels of 512 entries, 4 KiB pages. */
#include "arch/riscv/arch.h"
#include "arch/riscv/sv39.h"
#include "arch/riscv/riscv.h"
#include "arch/riscv/sbi.h"
#include "kernel/sched/processor.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/layout.h"
#include "kernel/dev/plic.h"
#include "kernel/dev/uart.h"
#include "kernel/panic.h"
#include <dakota/syscall.h>

pagetable_t kernel_pagetable;

static unsigned long pte_flags(unsigned perm)
{
	unsigned long f = PTE_V | PTE_A | PTE_D;
	if ((perm & PERM_U) && !(perm & (PERM_R | PERM_W | PERM_X)))
		return f | PTE_R | PTE_NONE;
	if (perm & PERM_R) f |= PTE_R;
	if (perm & PERM_W) f |= PTE_W | PTE_R;
	if (perm & PERM_X) f |= PTE_X;
	if (perm & PERM_U) f |= PTE_U;
	if (perm & PERM_SHARED) f |= PTE_SHARED;
	return f;
}

/* The portable permissions of a user leaf (inverse of pte_flags). */
static unsigned pte_perm(unsigned long pte)
{
	if (pte & PTE_NONE)
		return PERM_U;
	unsigned perm = PERM_U;
	if (pte & PTE_R) perm |= PERM_R;
	if (pte & PTE_W) perm |= PERM_W;
	if (pte & PTE_X) perm |= PERM_X;
	return perm;
}

pagetable_t mmu_create(void)
{
	return frame_alloc();
}

/* The level-0 entry for va, allocating table pages if `alloc`. NULL if a
 * table is missing (or cannot be allocated), or a megapage covers va. */
static unsigned long *walk(pagetable_t pt, unsigned long va, bool alloc)
{
	for (int level = 2; level > 0; level--) {
		unsigned long *pte = &pt[VPN(va, level)];
		if (*pte & PTE_V) {
			if (*pte & PTE_LEAF)
				return NULL;
			pt = (pagetable_t)PTE_PA(*pte);
			continue;
		}
		if (!alloc)
			return NULL;
		pagetable_t next = frame_alloc();
		if (!next)
			return NULL;
		*pte = PA_PTE(next) | PTE_V;
		pt = next;
	}
	return &pt[VPN(va, 0)];
}

int mmu_map(pagetable_t pt, unsigned long va, unsigned long pa, unsigned perm)
{
	unsigned long *pte = walk(pt, va, true);
	if (!pte)
		return -ENOMEM;
	if (*pte & PTE_V)
		return -EEXIST;
	*pte = PA_PTE(pa) | pte_flags(perm);
	return 0;
}

unsigned long mmu_unmap(pagetable_t pt, unsigned long va)
{
	unsigned long *pte = walk(pt, va, false);
	if (!pte || !(*pte & PTE_V))
		return 0;
	unsigned long pa = PTE_PA(*pte);
	*pte = 0;
	return pa;
}

int mmu_reserve(pagetable_t pt, unsigned long va)
{
	return walk(pt, va, true) ? 0 : -ENOMEM;
}

bool mmu_present(pagetable_t pt, unsigned long va)
{
	unsigned long *pte = va < SV39_VA_LIMIT ? walk(pt, va, false) : NULL;
	return pte && (*pte & PTE_V);
}

/* Calls leaf() for every user leaf in [start, end) (page-aligned, below
 * 1 << 38), skipping whole tables that are absent: a reserved 128 MiB range
 * that was never touched costs a few table reads, not 32768 walks. With a
 * table() callback (unmapping), a table page left empty is unhooked from its
 * parent and handed to table(); the caller must flush every translation
 * (not just the range: walkers cache non-leaf entries) before freeing it. */
struct range_walk {
	void (*leaf)(void *arg, unsigned long va, unsigned long *pte);
	void (*table)(void *arg, unsigned long pa);
	void *arg;
};

/* Index of the first used entry in pt[i..n), or n. Every entry is 0 or
 * valid (each clear in this file stores 0), so empty entries are skipped
 * eight at a time: most of a user table is empty, and fork, exit and munmap
 * scan whole tables (about 2.4 instructions an entry instead of 6). */
static unsigned long next_used(const unsigned long *pt, unsigned long i, unsigned long n)
{
	for (; i < n && (i & 7); i++)
		if (pt[i])
			return i;
	while (i + 8 <= n && !(pt[i] | pt[i + 1] | pt[i + 2] | pt[i + 3] |
				pt[i + 4] | pt[i + 5] | pt[i + 6] | pt[i + 7]))
		i += 8;
	while (i < n && !pt[i])
		i++;
	return i;
}

/* One past the last index of a level-`shift` table at `base` that [.., end)
 * reaches. */
static unsigned long index_end(unsigned long base, unsigned long end, unsigned shift)
{
	if (end >= base + (512UL << shift))
		return 512;
	return (end - base + (1UL << shift) - 1) >> shift;
}

static bool table_empty(pagetable_t pt)
{
	return next_used(pt, 0, 512) == 512;
}

/* True if w->table is set and pt has no valid entry left. */
static bool range_level(pagetable_t pt, int level, unsigned long base, unsigned long start,
			unsigned long end, const struct range_walk *w)
{
	unsigned shift = 12 + 9 * level;
	unsigned long i = start > base ? (start - base) >> shift : 0;
	unsigned long n = index_end(base, end, shift);
	for (i = next_used(pt, i, n); i < n; i = next_used(pt, i + 1, n)) {
		unsigned long va = base + (i << shift);
		unsigned long pte = pt[i];
		if (pte & PTE_LEAF) {
			if (level == 0 && PTE_IS_USER(pte))
				w->leaf(w->arg, va, &pt[i]);
			continue;
		}
		pagetable_t next = (pagetable_t)PTE_PA(pte);
		if (level > 0 && range_level(next, level - 1, va, start, end, w)) {
			pt[i] = 0;
			w->table(w->arg, (unsigned long)next);
		}
	}
	return w->table && table_empty(pt);
}

static void for_each_leaf(pagetable_t pt, unsigned long start, unsigned long end,
			  const struct range_walk *w)
{
	if (end > SV39_VA_LIMIT)
		end = SV39_VA_LIMIT;
	if (start < end)
		range_level(pt, 2, 0, start, end, w);
}

struct unmap_arg {
	void (*fn)(void *, unsigned long, unsigned long);
	void *arg;
};

static void unmap_leaf(void *arg, unsigned long va, unsigned long *pte)
{
	struct unmap_arg *u = arg;
	unsigned long pa = PTE_PA(*pte);
	*pte = 0;
	u->fn(u->arg, va, pa);
}

static void unmap_table(void *arg, unsigned long pa)
{
	struct unmap_arg *u = arg;
	u->fn(u->arg, MMU_TABLE_PAGE, pa);
}

void mmu_unmap_range(pagetable_t pt, unsigned long start, unsigned long end, bool prune,
		     void (*fn)(void *arg, unsigned long va, unsigned long pa), void *arg)
{
	struct unmap_arg u = { fn, arg };
	struct range_walk w = { unmap_leaf, prune ? unmap_table : NULL, &u };
	for_each_leaf(pt, start, end, &w);
}

/* A page with another owner (copy-on-write after a fork) stays read-only
 * whatever the new permissions: its first write fault gives this space a
 * page of its own. */
static void protect_leaf(void *arg, unsigned long va, unsigned long *pte)
{
	(void)va;
	unsigned long flags = *(unsigned long *)arg;
	if ((flags & PTE_W) && frame_is_shared((void *)PTE_PA(*pte)))
		flags &= ~PTE_W;
	*pte = (*pte & ~0x3ffUL) | flags;
}

void mmu_protect_range(pagetable_t pt, unsigned long start, unsigned long end, unsigned perm)
{
	unsigned long flags = pte_flags(perm | PERM_U);
	struct range_walk w = { protect_leaf, NULL, &flags };
	for_each_leaf(pt, start, end, &w);
}

struct visit_arg {
	void (*fn)(void *, unsigned long, unsigned long, unsigned);
	void *arg;
};

static void visit_leaf(void *arg, unsigned long va, unsigned long *pte)
{
	struct visit_arg *v = arg;
	v->fn(v->arg, va, PTE_PA(*pte), pte_perm(*pte));
}

void mmu_visit_range(pagetable_t pt, unsigned long start, unsigned long end,
		     void (*fn)(void *arg, unsigned long va, unsigned long pa, unsigned perm),
		     void *arg)
{
	struct visit_arg v = { fn, arg };
	struct range_walk w = { visit_leaf, NULL, &v };
	for_each_leaf(pt, start, end, &w);
}

struct clone_walk {
	unsigned long (*fn)(void *, unsigned long, unsigned long);
	void *arg;
	unsigned long start, end;
	bool write_protect;
};

/* dst's table for src's entry i of a non-leaf level, allocated if absent. */
static pagetable_t clone_table(pagetable_t dst, unsigned long i)
{
	if (dst[i] & PTE_V)
		return (dst[i] & PTE_LEAF) ? NULL : (pagetable_t)PTE_PA(dst[i]);
	pagetable_t t = frame_alloc();
	if (t)
		dst[i] = PA_PTE(t) | PTE_V;
	return t;
}

/* Walks src and dst side by side, so each leaf costs no walk from the root. */
static int clone_level(pagetable_t src, pagetable_t dst, int level, unsigned long base,
		       const struct clone_walk *c)
{
	unsigned shift = 12 + 9 * level;
	unsigned long i = c->start > base ? (c->start - base) >> shift : 0;
	unsigned long n = index_end(base, c->end, shift);
	for (i = next_used(src, i, n); i < n; i = next_used(src, i + 1, n)) {
		unsigned long va = base + (i << shift);
		unsigned long pte = src[i];
		if (pte & PTE_LEAF) {
			if (level > 0 || !PTE_IS_USER(pte))
				continue;
			if (dst[i])
				return -EEXIST;
			if (c->write_protect)
				src[i] = pte &= ~PTE_W;
			unsigned long pa = c->fn(c->arg, va, PTE_PA(pte));
			if (!pa)
				return -ENOMEM;
			dst[i] = PA_PTE(pa) | (pte & 0x3ffUL);
			continue;
		}
		if (level == 0)
			continue;
		pagetable_t next = clone_table(dst, i);
		if (!next)
			return -ENOMEM;
		int err = clone_level((pagetable_t)PTE_PA(pte), next, level - 1, va, c);
		if (err)
			return err;
	}
	return 0;
}

int mmu_clone_range(pagetable_t src, pagetable_t dst, unsigned long start, unsigned long end,
		    bool write_protect,
		    unsigned long (*fn)(void *arg, unsigned long va, unsigned long pa), void *arg)
{
	if (end > SV39_VA_LIMIT)
		end = SV39_VA_LIMIT;
	struct clone_walk c = { fn, arg, start, end, write_protect };
	return start < end ? clone_level(src, dst, 2, 0, &c) : 0;
}

unsigned long mmu_remap(pagetable_t pt, unsigned long va, unsigned long pa, unsigned perm)
{
	unsigned long *pte = va < SV39_VA_LIMIT ? walk(pt, va, false) : NULL;
	if (!pte || !(*pte & PTE_V) || !PTE_IS_USER(*pte))
		return 0;
	unsigned long old = PTE_PA(*pte);
	*pte = PA_PTE(pa) | pte_flags(perm);
	return old;
}

static void destroy_level(pagetable_t pt, int level, void (*free_leaf)(unsigned long))
{
	for (unsigned long i = next_used(pt, 0, 512); i < 512; i = next_used(pt, i + 1, 512)) {
		unsigned long pte = pt[i];
		if (pte & PTE_LEAF) {
			if (PTE_IS_USER(pte) && free_leaf)
				free_leaf(PTE_PA(pte));
		} else if (level > 0) {
			destroy_level((pagetable_t)PTE_PA(pte), level - 1, free_leaf);
		}
	}
	frame_free(pt);
}

void mmu_destroy(pagetable_t pt, void (*free_leaf)(unsigned long pa))
{
	destroy_level(pt, 2, free_leaf);
}

/* Maps [start, end) identity with `perm`, using 2 MiB pages where aligned. */
static void map_identity(unsigned long start, unsigned long end, unsigned perm)
{
	unsigned long a = PAGE_ROUND_DOWN(start);
	while (a < end) {
		if (!(a & 0x1fffff) && a + 0x200000 <= end) {
			unsigned long *pte = &kernel_pagetable[VPN(a, 2)];
			if (!(*pte & PTE_V)) {
				pagetable_t l1 = frame_alloc();
				if (!l1)
					panic("mmu: out of memory building the kernel page table");
				*pte = PA_PTE(l1) | PTE_V;
			}
			((pagetable_t)PTE_PA(*pte))[VPN(a, 1)] = PA_PTE(a) | pte_flags(perm);
			a += 0x200000;
			continue;
		}
		if (mmu_map(kernel_pagetable, a, a, perm))
			panic("mmu: cannot map kernel page %lx", a);
		a += PAGE_SIZE;
	}
}

extern char __kernel_start[], __text_end[], __rodata_end[], __bss_end[];
extern char __boot_stacks[], __kernel_end[], __trampoline[];

void mmu_kernel_init(unsigned long ram_start, unsigned long ram_end)
{
	kernel_pagetable = frame_alloc();
	if (!kernel_pagetable)
		panic("mmu: no memory for the kernel page table");
	unsigned long k0 = (unsigned long)__kernel_start;
	map_identity(k0, (unsigned long)__text_end, PERM_R | PERM_X);
	map_identity((unsigned long)__text_end, (unsigned long)__rodata_end, PERM_R);
	map_identity((unsigned long)__rodata_end, (unsigned long)__bss_end, PERM_R | PERM_W);
	/* Boot stacks: leave the first page of each slot unmapped as its guard. */
	unsigned long slot = 4096 + 16384;
	for (unsigned h = 0; h < CONFIG_MAX_HARTS; h++) {
		unsigned long s = (unsigned long)__boot_stacks + h * slot;
		map_identity(s + PAGE_SIZE, s + slot, PERM_R | PERM_W);
	}
	map_identity((unsigned long)__kernel_end, ram_end, PERM_R | PERM_W);
	(void)ram_start;
	map_identity(uart_base_address(), uart_base_address() + PAGE_SIZE, PERM_R | PERM_W);
	map_identity(0x100000, 0x101000, PERM_R | PERM_W);   /* virt test device */
	map_identity(0x101000, 0x102000, PERM_R | PERM_W);   /* goldfish RTC (kernel/dev/rtc.c) */
	map_identity(PLIC_BASE, PLIC_BASE + PLIC_SIZE, PERM_R | PERM_W);
	if (mmu_map(kernel_pagetable, TRAMPOLINE, (unsigned long)__trampoline, PERM_R | PERM_X))
		panic("mmu: cannot map the trampoline");
	/* Table pages for the whole kernel-stack area now, so mapping a stack
	 * later never allocates and never races on a table entry. */
	for (unsigned long va = KSTACK_BASE; va < KSTACK_END; va += 0x200000)
		if (!walk(kernel_pagetable, va, true))
			panic("mmu: no memory for kernel-stack page tables");
}

void mmu_kernel_enable(void)
{
	sfence_vma_all();
	csr_write(satp, mmu_satp(kernel_pagetable));
	sfence_vma_all();
}

/* SBI's remote fence returns only when every hart in the mask has executed
 * its sfence.vma: after this call no hart in the mask holds a translation of
 * the range, which is what lets the caller free the frames. */
void arch_tlb_flush_harts(unsigned long mask, unsigned long va, unsigned long size)
{
	sbi_remote_sfence_vma(mask, 0, size ? va : 0, size ? size : ~0UL);
}

void arch_tlb_flush_all_harts(unsigned long va, unsigned long size)
{
	unsigned long mask = 0;
	for (unsigned h = 0; h < CONFIG_MAX_HARTS; h++)
		if (processors[h].online)
			mask |= 1UL << h;
	arch_tlb_flush_harts(mask, va, size);
}
