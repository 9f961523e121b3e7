/* The arch interface: what the portable kernel may ask of the CPU. This is the
 * only arch/riscv/ header that kernel/ includes. */
#ifndef ARCH_RISCV_ARCH_H
#define ARCH_RISCV_ARCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "arch/riscv/sv39.h"

#define PAGE_SIZE  4096UL
#define PAGE_SHIFT 12
#define PAGE_ROUND_DOWN(a) ((unsigned long)(a) & ~(PAGE_SIZE - 1))
#define PAGE_ROUND_UP(a)   (((unsigned long)(a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

/* Callee-saved registers of a kernel thread, saved by arch_switch(). */
struct context {
	unsigned long ra, sp;
	unsigned long s[12];
};

/* The per-thread trap-context page: user registers saved by uservec, and
 * what uservec needs to enter the kernel. Offsets are fixed by trampoline.S. */
struct trap_context {
	unsigned long regs[32];     /* x0..x31; regs[0] unused */
	unsigned long sepc;         /* 256 */
	unsigned long kernel_satp;  /* 264 */
	unsigned long kernel_sp;    /* 272 */
	unsigned long handler;      /* 280: kernel address of user_trap_entry */
	unsigned long kernel_tp;    /* 288: the processor of the hart last entered */
	unsigned long fregs[32];    /* 296: saved only when sstatus.FS was dirty */
	unsigned long fcsr;
	/* For the way out: the user satp and this page's user address. Written
	 * with kernel_sp (trap.c), and valid while kernel_sp is the thread's:
	 * a page gets a new address space or tid only as a new page (exec,
	 * fork, clone), whose kernel_sp is zero or another thread's. */
	unsigned long user_satp;
	unsigned long user_va;
};

void arch_switch(struct context *save, struct context *load);
__attribute__((noreturn)) void arch_run_on_stack(void (*fn)(void), unsigned long sp);

/* The first member of every struct processor (at offset 0 from tp), for
 * kernelvec: two registers' worth of scratch, and the top of a per-hart
 * emergency stack that a trap moves to when the interrupted kernel stack
 * ran into its guard page (offsets in layout_asm.h). */
struct arch_processor {
	unsigned long scratch[2];
	unsigned long emergency_sp;
};

static inline void *arch_cpu_pointer(void)
{
	void *tp;
	__asm__ volatile("mv %0, tp" : "=r"(tp));
	return tp;
}

static inline bool arch_irq_enabled(void)
{
	unsigned long s;
	__asm__ volatile("csrr %0, sstatus" : "=r"(s));
	return s & 2;
}

static inline void arch_irq_enable(void)
{
	__asm__ volatile("csrsi sstatus, 2" ::: "memory");
}

static inline void arch_irq_disable(void)
{
	__asm__ volatile("csrci sstatus, 2" ::: "memory");
}

/* Disable interrupts and return the previous state for arch_irq_restore:
 * one csrrci, for paths too hot for irq_save()'s nesting bookkeeping. They
 * must not block, switch or take a spinlock in between. */
static inline unsigned long arch_irq_save(void)
{
	unsigned long s;
	__asm__ volatile("csrrci %0, sstatus, 2" : "=r"(s) :: "memory");
	return s & 2;
}

static inline void arch_irq_restore(unsigned long saved)
{
	__asm__ volatile("csrs sstatus, %0" :: "r"(saved) : "memory");
}

static inline unsigned long arch_time(void)
{
	unsigned long t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

static inline void arch_relax(void)
{
	__asm__ volatile(".insn i 0x0F, 0, x0, x0, 0x010" ::: "memory"); /* pause */
}

static inline void arch_fence(void)
{
	__asm__ volatile("fence rw, rw" ::: "memory");
}

static inline unsigned long arch_frame_pointer(void)
{
	return (unsigned long)__builtin_frame_address(0);
}

/* Rate of arch_time(), from the device tree. */
extern unsigned long arch_time_hz;

/* Sleep until an interrupt is pending; interrupts stay as they are. */
void arch_wait_for_interrupt(void);
/* With interrupts off: sleep until `ticks` of arch_time() have passed or an
 * interrupt is pending, and leave this hart's timer as it was. For a hart
 * whose lock holder is not running. False, without sleeping, where the
 * timer cannot be read back (no Sstc) or interrupts are on. */
bool arch_nap(unsigned long ticks);
void arch_send_ipi(unsigned hart);
void arch_timer_set(unsigned long when);
/* Invalidate this hart's translations of [va, va+size). */
static inline void arch_tlb_flush_local(unsigned long va, unsigned long size)
{
	for (unsigned long a = va; a < va + size; a += PAGE_SIZE)
		__asm__ volatile("sfence.vma %0, zero" :: "r"(a) : "memory");
}
/* Invalidate translations of [va, va+size) (size 0: all of them) on the
 * harts in `mask` and return when they have: the shootdown that must come
 * between clearing page-table entries and freeing their frames (mmu.c). */
void arch_tlb_flush_harts(unsigned long mask, unsigned long va, unsigned long size);
/* The same on every online hart. */
void arch_tlb_flush_all_harts(unsigned long va, unsigned long size);
/* Boot: the machine as the firmware describes it (firmware_arg is what the
 * boot hart found in a1: the device tree), into *info (kernel/boot.h); 0,
 * or -EINVAL when the description is malformed. */
struct boot_info;
int arch_read_boot_info(unsigned long firmware_arg, struct boot_info *info);
/* Starts hart `hart` at the secondary entry with `arg` (its struct
 * processor): 0, ARCH_HART_RUNNING if it had already left the firmware
 * (it joins through the boot entry), or the firmware's negative error. */
#define ARCH_HART_RUNNING 1
long arch_start_hart(unsigned hart, unsigned long arg);
__attribute__((noreturn)) void arch_poweroff(int status);
__attribute__((noreturn)) void arch_halt(void);

void trap_init_hart(void);
/* True if stimecmp (Sstc) is usable; call once with the kernel vector set. */
bool arch_probe_sstc(void);
extern bool arch_has_sstc;

/* Page tables (Sv39). Permissions are portable bits. */
#define PERM_R 1u
#define PERM_W 2u
#define PERM_X 4u
#define PERM_U 8u
#define PERM_SHARED 16u   /* a page this table does not own (trampoline, exit stub) */
typedef unsigned long *pagetable_t;

pagetable_t mmu_create(void);
/* 0, or -ENOMEM (page-table pages); -EEXIST if va is mapped already. */
int mmu_map(pagetable_t pt, unsigned long va, unsigned long pa, unsigned perm);
/* Returns the physical address that was mapped at va, 0 if none. */
unsigned long mmu_unmap(pagetable_t pt, unsigned long va);
/* Ensures the table pages for va exist, so that a later mmu_map of va
 * cannot fail: 0 or -ENOMEM. */
int mmu_reserve(pagetable_t pt, unsigned long va);
/* True if any page (user or not, PROT_NONE too) is mapped at va. */
bool mmu_present(pagetable_t pt, unsigned long va);
/* For every user page mapped in [start, end): clears its entry, then calls
 * fn with its address and frame. With `prune`, a page-table page left empty
 * is unhooked too and given to fn with va == MMU_TABLE_PAGE (finding out
 * costs a scan of each table touched: worth it for munmap, not for a thread's
 * stack slot, which the next thread reuses). No TLB flush: the caller shoots
 * down (everything, if a table page came) before it frees a frame. Absent
 * tables are skipped whole. */
#define MMU_TABLE_PAGE (~0UL)
void mmu_unmap_range(pagetable_t pt, unsigned long start, unsigned long end, bool prune,
		     void (*fn)(void *arg, unsigned long va, unsigned long pa), void *arg);
/* Gives every user page mapped in [start, end) the permissions `perm`
 * (PERM_R/W/X; none of them is PROT_NONE: the page stays, user access
 * faults), except that a frame with another owner (frame_is_shared) is
 * never made writable. No TLB flush. */
void mmu_protect_range(pagetable_t pt, unsigned long start, unsigned long end, unsigned perm);
/* Calls fn for every user page mapped in [start, end). */
void mmu_visit_range(pagetable_t pt, unsigned long start, unsigned long end,
		     void (*fn)(void *arg, unsigned long va, unsigned long pa, unsigned perm),
		     void *arg);
/* Fork: gives dst a leaf for every user page src maps in [start, end), with
 * the same permissions, walking both tables level by level; with
 * `write_protect`, src's leaf loses write permission first (and dst's has
 * none). fn(arg, va, pa) returns the frame dst maps there (pa itself to
 * share it, or a copy), or 0 to stop with -ENOMEM. 0, -ENOMEM (fn or a
 * table page), or -EEXIST if dst maps the page already. Leaves made before a
 * failure stay in dst. No TLB flush. */
int mmu_clone_range(pagetable_t src, pagetable_t dst, unsigned long start, unsigned long end,
		    bool write_protect,
		    unsigned long (*fn)(void *arg, unsigned long va, unsigned long pa), void *arg);
/* Points the user leaf at va to frame pa with `perm` (PERM_U included by
 * the caller): the frame it held, or 0 if va has no user leaf (nothing
 * changes then). No TLB flush. */
unsigned long mmu_remap(pagetable_t pt, unsigned long va, unsigned long pa, unsigned perm);
/* Physical address mapped at va with at least `perm`, or 0 (also for a
 * megapage leaf, which user tables never hold). Inline: every system call
 * that touches user memory asks it (copy_user), and walking the three
 * levels costs less than a call. */
_Static_assert(PTE_R == PERM_R << 1 && PTE_W == PERM_W << 1 && PTE_X == PERM_X << 1 &&
	       PTE_U == PERM_U << 1, "mmu_translate shifts PERM_* bits onto PTE bits");
static inline unsigned long mmu_translate(pagetable_t pt, unsigned long va, unsigned perm)
{
	if (va >= SV39_VA_LIMIT)
		return 0;
	unsigned long pte = pt[VPN(va, 2)];
	if ((pte & (PTE_V | PTE_LEAF)) != PTE_V)
		return 0;
	pte = ((pagetable_t)PTE_PA(pte))[VPN(va, 1)];
	if ((pte & (PTE_V | PTE_LEAF)) != PTE_V)
		return 0;
	pte = ((pagetable_t)PTE_PA(pte))[VPN(va, 0)];
	unsigned long need = PTE_V | (unsigned long)(perm & (PERM_R | PERM_W | PERM_X | PERM_U)) << 1;
	if ((pte & need) != need)
		return 0;
	return PTE_PA(pte) | (va & (PAGE_SIZE - 1));
}
/* Frees every page-table page; `free_leaf` is called for each mapped user
 * page (PERM_U, PROT_NONE ones too; not PERM_SHARED) so the caller can
 * release the frame. */
void mmu_destroy(pagetable_t pt, void (*free_leaf)(unsigned long pa));
/* The satp value that selects pt (Sv39, no ASIDs). Inline: on every
 * return to user mode. */
static inline unsigned long mmu_satp(pagetable_t pt)
{
	return (8UL << 60) | ((unsigned long)pt >> 12);
}
/* Kernel page table: identity-mapped RAM with section permissions, MMIO, the
 * trampoline, and page-table pages ready for the kernel-stack area. */
void mmu_kernel_init(unsigned long ram_start, unsigned long ram_end);
void mmu_kernel_enable(void);          /* on each hart */
extern pagetable_t kernel_pagetable;

/* Leaves the kernel for the current thread's user context (its trap-context
 * page), after the portable checks of user_return_prepare(). */
__attribute__((noreturn)) void user_return(void);

/* Trap contexts */
void trap_context_init(struct trap_context *tc, unsigned long entry,
		       unsigned long sp, unsigned long arg, unsigned long ra);
static inline unsigned long tc_syscall_nr(const struct trap_context *tc) { return tc->regs[17]; }
static inline unsigned long tc_arg(const struct trap_context *tc, int i) { return tc->regs[10 + i]; }
static inline void tc_set_return(struct trap_context *tc, long v) { tc->regs[10] = (unsigned long)v; }
static inline void tc_set_stack(struct trap_context *tc, unsigned long sp) { tc->regs[2] = sp; }
static inline unsigned long tc_pc(const struct trap_context *tc) { return tc->sepc; }
/* Back to the ecall with its first argument, to run the call again. */
static inline void tc_restart_syscall(struct trap_context *tc, unsigned long a0)
{
	tc->regs[10] = a0;
	tc->sepc -= 4;
}

/* Signal frames in Linux riscv64's layout (arch/riscv/sigframe.c). */
struct thread;
struct k_siginfo;
struct k_sigaction;
/* Pushes siginfo and ucontext (registers, FP state, `oldmask`, the
 * alternate-stack state) on t's user stack (or its alternate stack) and
 * points t at the handler, with ra at the sigreturn stub. -EFAULT when the
 * stack is not writable. */
int arch_setup_sigframe(struct thread *t, const struct k_siginfo *info,
			const struct k_sigaction *ka, uint64_t oldmask);
/* rt_sigreturn: restores user registers and FP state from the frame at
 * t's sp and returns the mask it holds in *mask. Nothing privileged comes
 * from the frame. -EFAULT/-EINVAL for a bad frame. */
int arch_restore_sigframe(struct thread *t, uint64_t *mask);
/* The user stack pointer of a trap context. */
static inline unsigned long tc_stack(const struct trap_context *tc) { return tc->regs[2]; }

#endif
