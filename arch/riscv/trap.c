/* Traps: the kernel vector, user trap dispatch, timer, IPIs, and the way
 * back to user mode through the trampoline. */
#include "arch/riscv/arch.h"
#include "arch/riscv/riscv.h"
#include "arch/riscv/sbi.h"
#include "arch/riscv/layout_asm.h"
#include "kernel/mm/layout.h"
#include "kernel/mm/addrspace.h"
#include "kernel/sched/processor.h"
#include "kernel/sched/sched.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/process.h"
#include "kernel/proc/usertrap.h"
#include "kernel/syscall/dispatch.h"
#include "kernel/dev/console.h"
#include "kernel/dev/plic.h"
#include "kernel/dev/uart.h"
#include "kernel/trace/trace.h"
#include "kernel/panic.h"

extern char uservec[], userret[], __trampoline[], kernelvec[];
unsigned long arch_time_hz = 10000000;
bool arch_has_sstc;

/* Read by kernelvec to tell a kernel-stack overflow (layout.h). */
const unsigned long kstack_guard_base = KSTACK_BASE;
const unsigned long kstack_guard_span = KSTACK_END - KSTACK_BASE;
const unsigned long kstack_slot_mask = KSTACK_SLOT - 1;
_Static_assert((KSTACK_SLOT & (KSTACK_SLOT - 1)) == 0 && KSTACK_BASE % KSTACK_SLOT == 0,
	       "kernelvec's guard test needs power-of-two, aligned kernel-stack slots");
_Static_assert(PAGE_SIZE == PAGE_SIZE_ASM, "layout_asm.h page size");

#define EMERGENCY_STACK_SIZE 4096
static char emergency_stacks[CONFIG_MAX_HARTS][EMERGENCY_STACK_SIZE] __attribute__((aligned(16)));

/* Where the trampoline's entry points sit in every address space, and the
 * kernel's satp: fixed once paging is on, and computed here once rather
 * than on every return to user mode. Every hart stores the same values. */
static unsigned long uservec_va, userret_va, kernel_satp;

void trap_init_hart(void)
{
	__atomic_store_n(&uservec_va, TRAMPOLINE + (uservec - __trampoline), __ATOMIC_RELAXED);
	__atomic_store_n(&userret_va, TRAMPOLINE + (userret - __trampoline), __ATOMIC_RELAXED);
	__atomic_store_n(&kernel_satp, mmu_satp(kernel_pagetable), __ATOMIC_RELAXED);
	struct processor *cpu = this_processor();
	cpu->arch.emergency_sp = (unsigned long)emergency_stacks[cpu->hart] +
				 EMERGENCY_STACK_SIZE;
	csr_write(stvec, kernelvec);
	csr_write(scounteren, 7);          /* user may read cycle, time, instret */
	csr_write(sie, SIE_SSIE | SIE_STIE | SIE_SEIE);
	if (arch_has_sstc)
		arch_timer_set(~0UL);    /* a known start: no timer until one is armed */
}

void arch_timer_set(unsigned long when)
{
	if (arch_has_sstc)
		csr_write(0x14d, when);        /* stimecmp */
	else
		sbi_set_timer(when);
}

void arch_wait_for_interrupt(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

/* The timer is armed earlier for the nap and put back after it. Interrupts
 * must be off, so no handler on this hart reprograms stimecmp meanwhile;
 * wfi still wakes on the pending timer (or any other) interrupt, but only
 * if sie enables it: a hart that has not reached trap_init_hart yet (a
 * secondary printing its first line) must keep spinning. */
bool arch_nap(unsigned long ticks)
{
	if (!arch_has_sstc || arch_irq_enabled() || !(csr_read(sie) & SIE_STIE))
		return false;
	unsigned long armed = csr_read(0x14d);   /* stimecmp */
	unsigned long wake = arch_time() + ticks;
	/* Written even when unchanged: QEMU decides whether the timer is
	 * pending only when stimecmp is written. */
	csr_write(0x14d, wake < armed ? wake : armed);
	__asm__ volatile("wfi" ::: "memory");
	csr_write(0x14d, armed);
	return true;
}

void arch_send_ipi(unsigned hart)
{
	sbi_send_ipi(1UL << hart, 0);
}

void arch_halt(void)
{
	arch_irq_disable();
	for (;;)
		__asm__ volatile("wfi");
}

static void external_interrupt(void)
{
	unsigned hart = this_processor()->hart;
	unsigned irq = plic_claim(hart);
	if (irq == UART_IRQ)
		console_input_interrupt();
	if (irq)
		plic_complete(hart, irq);
}

/* Returns true if scause was an interrupt (and handled it). */
static bool handle_interrupt(unsigned long scause)
{
	if (!(scause & SCAUSE_INTERRUPT))
		return false;
	unsigned long code = scause & ~SCAUSE_INTERRUPT;
	trace_event(TRACE_IRQ, code, 0);
	switch (code) {
	case IRQ_S_TIMER:
		sched_timer_interrupt();
		break;
	case IRQ_S_SOFT:
		csr_clear(sip, SIP_SSIP);
		sched_ipi();
		break;
	case IRQ_S_EXT:
		external_interrupt();
		break;
	default:
		panic("unexpected interrupt %lu", code);
	}
	return true;
}

/* Set while probing for an optional instruction: an illegal-instruction
 * trap then skips it and records the miss instead of panicking. */
static volatile bool probing, probe_missed;

bool arch_probe_sstc(void)
{
	probing = true;
	probe_missed = false;
	unsigned long v;
	__asm__ volatile(".option push\n .option norvc\n csrr %0, 0x14d\n .option pop"
			 : "=r"(v) :: "memory");
	(void)v;
	probing = false;
	return !probe_missed;
}

void kernel_trap(void)
{
	unsigned long scause = csr_read(scause);
	unsigned long sepc = csr_read(sepc), sstatus = csr_read(sstatus);
	if (probing && scause == EXC_ILLEGAL_INST) {
		probe_missed = true;
		csr_write(sepc, sepc + 4);
		return;
	}
	if (!(sstatus & SSTATUS_SPP))
		panic("kernel_trap: trap from user mode on the kernel vector");
	if (!handle_interrupt(scause)) {
		unsigned long stval = csr_read(stval);
		struct thread *t = this_processor()->current;
		bool guard = stval >= KSTACK_BASE && stval < KSTACK_END &&
			     ((stval - KSTACK_BASE) % KSTACK_SLOT) < PAGE_SIZE;
		if (guard)
			panic("kernel stack overflow in thread %d:%d%s%s (guard page %lx hit at pc %lx)",
			      t ? t->proc->pid : -1, t ? t->tid : -1, t ? " " : "",
			      t ? t->proc->name : "", stval, sepc);
		panic("kernel trap: scause %lx sepc %lx stval %lx (thread %d:%d)", scause, sepc,
		      stval, t ? t->proc->pid : -1, t ? t->tid : -1);
	}
	csr_write(sepc, sepc);
	csr_write(sstatus, sstatus);
}

__attribute__((always_inline)) static inline void save_fp(struct trap_context *tc)
{
	__asm__ volatile(
		".option push\n .option arch, +d\n"
		"fsd f0, 0(%0)\n fsd f1, 8(%0)\n fsd f2, 16(%0)\n fsd f3, 24(%0)\n"
		"fsd f4, 32(%0)\n fsd f5, 40(%0)\n fsd f6, 48(%0)\n fsd f7, 56(%0)\n"
		"fsd f8, 64(%0)\n fsd f9, 72(%0)\n fsd f10, 80(%0)\n fsd f11, 88(%0)\n"
		"fsd f12, 96(%0)\n fsd f13, 104(%0)\n fsd f14, 112(%0)\n fsd f15, 120(%0)\n"
		"fsd f16, 128(%0)\n fsd f17, 136(%0)\n fsd f18, 144(%0)\n fsd f19, 152(%0)\n"
		"fsd f20, 160(%0)\n fsd f21, 168(%0)\n fsd f22, 176(%0)\n fsd f23, 184(%0)\n"
		"fsd f24, 192(%0)\n fsd f25, 200(%0)\n fsd f26, 208(%0)\n fsd f27, 216(%0)\n"
		"fsd f28, 224(%0)\n fsd f29, 232(%0)\n fsd f30, 240(%0)\n fsd f31, 248(%0)\n"
		"frcsr t0\n sd t0, 256(%0)\n .option pop\n"
		:: "r"(tc->fregs) : "t0", "memory");
}

__attribute__((always_inline)) static inline void load_fp(struct trap_context *tc)
{
	__asm__ volatile(
		".option push\n .option arch, +d\n"
		"fld f0, 0(%0)\n fld f1, 8(%0)\n fld f2, 16(%0)\n fld f3, 24(%0)\n"
		"fld f4, 32(%0)\n fld f5, 40(%0)\n fld f6, 48(%0)\n fld f7, 56(%0)\n"
		"fld f8, 64(%0)\n fld f9, 72(%0)\n fld f10, 80(%0)\n fld f11, 88(%0)\n"
		"fld f12, 96(%0)\n fld f13, 104(%0)\n fld f14, 112(%0)\n fld f15, 120(%0)\n"
		"fld f16, 128(%0)\n fld f17, 136(%0)\n fld f18, 144(%0)\n fld f19, 152(%0)\n"
		"fld f20, 160(%0)\n fld f21, 168(%0)\n fld f22, 176(%0)\n fld f23, 184(%0)\n"
		"fld f24, 192(%0)\n fld f25, 200(%0)\n fld f26, 208(%0)\n fld f27, 216(%0)\n"
		"fld f28, 224(%0)\n fld f29, 232(%0)\n fld f30, 240(%0)\n fld f31, 248(%0)\n"
		"ld t0, 256(%0)\n fscsr t0\n .option pop\n"
		:: "r"(tc->fregs) : "t0", "memory");
}

/* The user exceptions that are faults, and the kind of each; any other
 * exception (a misaligned access, ...) is FAULT_MISALIGNED. */
static const struct {
	unsigned long cause;
	enum user_fault_kind kind;
} fault_kinds[] = {
	{ EXC_LOAD_PAGE_FAULT, FAULT_LOAD },    { EXC_LOAD_ACCESS, FAULT_LOAD },
	{ EXC_STORE_PAGE_FAULT, FAULT_STORE },  { EXC_STORE_ACCESS, FAULT_STORE },
	{ EXC_INST_PAGE_FAULT, FAULT_FETCH },   { EXC_INST_ACCESS, FAULT_FETCH },
	{ EXC_ILLEGAL_INST, FAULT_ILLEGAL },    { EXC_BREAKPOINT, FAULT_ILLEGAL },
};

static enum user_fault_kind fault_kind(unsigned long scause)
{
	for (unsigned i = 0; i < sizeof fault_kinds / sizeof fault_kinds[0]; i++)
		if (fault_kinds[i].cause == scause)
			return fault_kinds[i].kind;
	return FAULT_MISALIGNED;
}

/* An interrupt, or a fault of the current thread (run with interrupts
 * enabled); out of line, so that the system-call path keeps nothing live
 * across its calls. */
__attribute__((noinline))
static void user_exception(unsigned long scause, unsigned long sstatus)
{
	if (handle_interrupt(scause))
		return;
	struct thread *t = current_thread();
	unsigned long stval = csr_read(stval);
	/* The FP unit is off until first use (thread.h, fp_used): turn it on
	 * and retry the instruction. If it was not an FP instruction it traps
	 * again, now as a real fault. */
	if (scause == EXC_ILLEGAL_INST && !t->fp_used && (sstatus & SSTATUS_FS) == 0) {
		t->fp_used = true;
		return;
	}
	arch_irq_enable();
	user_fault(fault_kind(scause), t->tc->sepc, stval);
}

__attribute__((noreturn)) void user_trap_entry(void);

/* The way out, inlined into user_trap_entry; user_return is the same for
 * the other callers (a new thread's first run). */
__attribute__((always_inline)) static inline void return_to_user(struct thread *t)
{
	if (__builtin_expect(user_return_pending(t), 0))
		user_return_prepare();   /* may move t to another hart */
	arch_irq_disable();
	struct processor *cpu = this_processor();
	struct trap_context *tc = t->tc;
	csr_write(stvec, __atomic_load_n(&uservec_va, __ATOMIC_RELAXED));
	/* What uservec needs is a function of the kernel stack alone (satp
	 * and handler are constants), and the user satp and the page's address
	 * are fixed for the page's life in this thread: a page whose kernel_sp
	 * matches holds them all. Others (a new thread's or a fork child's
	 * copy of its creator's page, a page exec gave the thread) are written
	 * here once. */
	struct addrspace *as = t->proc->as;
	if (__builtin_expect(tc->kernel_sp != t->kstack_top, 0)) {
		tc->kernel_satp = __atomic_load_n(&kernel_satp, __ATOMIC_RELAXED);
		tc->handler = (unsigned long)user_trap_entry;
		tc->user_satp = mmu_satp(as->pt);
		tc->user_va = TRAP_CONTEXT(t->trap_slot);
		tc->kernel_sp = t->kstack_top;
	}
	unsigned long sstatus = csr_read(sstatus);
	sstatus &= ~(SSTATUS_SPP | SSTATUS_FS);
	sstatus |= SSTATUS_SPIE;
	if (t->fp_used) {
		if (cpu->fp_owner != t || t->fp_hart != (int)cpu->hart) {
			csr_set(sstatus, SSTATUS_FS_CLEAN);
			load_fp(tc);
			cpu->fp_owner = t;
			t->fp_hart = (int)cpu->hart;
		}
		sstatus |= SSTATUS_FS_CLEAN;
	}
	csr_write(sstatus, sstatus);
	csr_write(sepc, tc->sepc);
	as_activate(as, cpu->hart);
	void (*ret)(unsigned long, unsigned long) = (void (*)(unsigned long, unsigned long))
		__atomic_load_n(&userret_va, __ATOMIC_RELAXED);
	ret(tc->user_va, tc->user_satp);
	__builtin_unreachable();
}

/* uservec jumps here on the thread's kernel stack with kernel satp and tp.
 * A system call takes the first branch, kept short: it is most traps.
 * Never returns (it leaves through userret), so it saves no registers. */
void user_trap_entry(void)
{
	csr_write(stvec, kernelvec);
	struct processor *cpu = this_processor();
	struct thread *t = cpu->current;
	as_deactivate(t->proc->as, cpu->hart);
	unsigned long sstatus = csr_read(sstatus);
	if ((sstatus & SSTATUS_FS) == SSTATUS_FS_DIRTY) {
		save_fp(t->tc);
		csr_clear(sstatus, SSTATUS_FS);
		csr_set(sstatus, SSTATUS_FS_CLEAN);
	}
	unsigned long scause = csr_read(scause), sepc = csr_read(sepc);
	struct trap_context *tc = t->tc;
	if (__builtin_expect(scause == EXC_ECALL_U, 1)) {
		tc->sepc = sepc + 4;
		arch_irq_enable();
		syscall_dispatch(t);
	} else {
		tc->sepc = sepc;
		user_exception(scause, sstatus);
	}
	/* t is still current, whatever hart it has moved to meanwhile. */
	return_to_user(t);
	__builtin_unreachable();
}

void trap_context_init(struct trap_context *tc, unsigned long entry,
		       unsigned long sp, unsigned long arg, unsigned long ra)
{
	for (int i = 0; i < 32; i++)
		tc->regs[i] = 0;
	for (int i = 0; i < 32; i++)
		tc->fregs[i] = 0;
	tc->fcsr = 0;
	tc->sepc = entry;
	tc->regs[1] = ra;
	tc->regs[2] = sp;
	tc->regs[10] = arg;
}

void user_return(void)
{
	return_to_user(current_thread());
	__builtin_unreachable();
}
