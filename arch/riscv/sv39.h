/* The Sv39 page-table entry format: mmu.c builds and walks tables with it,
 * and arch.h's inline mmu_translate reads them. Three levels of 512
 * entries, 4 KiB pages. */
#ifndef ARCH_RISCV_SV39_H
#define ARCH_RISCV_SV39_H

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_SHARED (1UL << 8)   /* software bit: the frame is not this table's */
/* Software bit: a user page the user may not touch (PROT_NONE). Sv39 has no
 * "valid leaf with no access" encoding (V with R=W=X=0 is a table pointer),
 * so such a page is a readable leaf without U: user accesses fault, the
 * frame and its contents stay (mprotect may give access back). */
#define PTE_NONE (1UL << 9)
#define PTE_LEAF (PTE_R | PTE_W | PTE_X)
/* A leaf holding a frame of this address space's user memory. */
#define PTE_IS_USER(pte) (((pte) & (PTE_U | PTE_NONE)) && !((pte) & PTE_SHARED))

#define PTE_PA(pte) (((pte) >> 10) << 12)
#define PA_PTE(pa)  (((unsigned long)(pa) >> 12) << 10)
#define VPN(va, level) (((va) >> (12 + 9 * (level))) & 511)

/* Addresses a table can map: 2^38 (the upper half of Sv39's 2^39 is not
 * used by Dakota's tables). */
#define SV39_VA_LIMIT (1UL << 38)

#endif
