/* Signal frames as Linux riscv64 builds them (struct rt_sigframe in
 * arch/riscv/kernel/signal.c; uapi asm/ucontext.h, asm/sigcontext.h):
 *
 *	struct rt_sigframe { siginfo_t info; struct ucontext uc; };
 *
 * so that glibc's handlers, getcontext-style readers and rt_sigreturn see
 * what they see on Linux. The handler gets (sig, &info, &uc) in a0-a2, sp
 * at the frame, and ra at the sigreturn stub on the exit-stub page. */
#include "arch/riscv/arch.h"
#include "kernel/mm/layout.h"
#include "kernel/mm/addrspace.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/process.h"
#include "kernel/lib/string.h"
#include <dakota/signal.h>
#include <dakota/syscall.h>

extern char exit_stub[], sigreturn_stub[];

struct rv_sigcontext {
	unsigned long regs[32];          /* pc, then x1..x31 (user_regs_struct) */
	union {
		struct {
			uint64_t f[32];
			uint32_t fcsr;
		} d;
		struct {
			uint64_t f[64] __attribute__((aligned(16)));
			uint32_t fcsr;
			uint32_t reserved[3];    /* zero on delivery, must be zero on return */
		} q;
	} fp;
};

struct rv_ucontext {
	unsigned long uc_flags;
	unsigned long uc_link;
	k_stack_t uc_stack;
	uint64_t uc_sigmask;
	uint8_t unused[1024 / 8 - sizeof(uint64_t)];
	struct rv_sigcontext uc_mcontext;
};

struct rv_sigframe {
	struct k_siginfo info;
	struct rv_ucontext uc;
};

_Static_assert(sizeof(struct k_siginfo) == 128, "siginfo_t is 128 bytes");
_Static_assert(__builtin_offsetof(struct rv_ucontext, uc_mcontext) == 176, "glibc's uc_mcontext");
_Static_assert(sizeof(struct rv_ucontext) == 960, "glibc's ucontext_t");
_Static_assert(sizeof(struct rv_sigframe) % 16 == 0, "frames keep sp 16-aligned");

static bool on_altstack(const k_stack_t *ss, unsigned long sp)
{
	return !(ss->ss_flags & SS_DISABLE) && sp > ss->ss_sp && sp - ss->ss_sp <= ss->ss_size;
}

/* Where the frame goes: below sp, or at the top of the alternate stack for
 * an SA_ONSTACK handler not already running on it. */
static unsigned long frame_address(const struct thread *t, const struct k_sigaction *ka)
{
	unsigned long sp = tc_stack(t->tc);
	const k_stack_t *ss = &t->sig.altstack;
	if ((ka->flags & SA_ONSTACK) && !(ss->ss_flags & SS_DISABLE) && !on_altstack(ss, sp))
		sp = ss->ss_sp + ss->ss_size;
	return (sp - sizeof(struct rv_sigframe)) & ~15UL;
}

/* A frame is written with one copy (each copy costs a page-table walk
 * under the address-space lock): the padding after uc_sigmask and the
 * unused part of the Q-sized FP area are zeroed in the kernel buffer
 * first, so that no kernel stack bytes reach user memory. */
#define MC_START   __builtin_offsetof(struct rv_sigframe, uc.uc_mcontext)
#define FP_USED_END (__builtin_offsetof(struct rv_sigcontext, fp.d.fcsr) + 4)

static void save_context(const struct trap_context *tc, struct rv_sigcontext *sc)
{
	sc->regs[0] = tc->sepc;
	for (int i = 1; i < 32; i++)
		sc->regs[i] = tc->regs[i];
	/* tc->fregs are current: uservec's C half saved dirty FP registers,
	 * and the kernel itself never touches them. */
	for (int i = 0; i < 32; i++)
		sc->fp.d.f[i] = tc->fregs[i];
	sc->fp.d.fcsr = (uint32_t)tc->fcsr;
}

int arch_setup_sigframe(struct thread *t, const struct k_siginfo *info,
			const struct k_sigaction *ka, uint64_t oldmask)
{
	struct trap_context *tc = t->tc;
	unsigned long addr = frame_address(t, ka);
	struct rv_sigframe frame;       /* every byte is set below */
	struct rv_sigframe *f = &frame;
	memset(f->uc.unused, 0, sizeof f->uc.unused);
	memset((char *)&f->uc.uc_mcontext + FP_USED_END, 0,
	       sizeof f->uc.uc_mcontext - FP_USED_END);
	f->info = *info;
	f->uc.uc_flags = 0;
	f->uc.uc_link = 0;
	f->uc.uc_stack = t->sig.altstack;
	if (on_altstack(&t->sig.altstack, tc_stack(tc)))
		f->uc.uc_stack.ss_flags = SS_ONSTACK;
	f->uc.uc_stack.pad = 0;
	f->uc.uc_sigmask = oldmask;
	save_context(tc, &f->uc.uc_mcontext);
	if (copy_to_user(t->proc->as, addr, f, sizeof *f))
		return -EFAULT;
	tc->sepc = ka->handler;
	tc->regs[1] = EXIT_STUB + (unsigned long)(sigreturn_stub - exit_stub);
	tc->regs[2] = addr;
	tc->regs[10] = (unsigned long)info->si_signo;
	tc->regs[11] = addr + __builtin_offsetof(struct rv_sigframe, info);
	tc->regs[12] = addr + __builtin_offsetof(struct rv_sigframe, uc);
	return 0;
}

/* Only what user mode holds anyway comes back: x1..x31, pc, f0..f31 and
 * fcsr's defined bits. sstatus (privilege, interrupt enables, FS) is never
 * in the frame; user_return sets it. A pc outside user memory just faults
 * in user mode. */
int arch_restore_sigframe(struct thread *t, uint64_t *mask)
{
	struct trap_context *tc = t->tc;
	unsigned long frame = tc_stack(tc);
	struct rv_sigframe f;           /* only what is copied in is read */
	const size_t mask_at = __builtin_offsetof(struct rv_sigframe, uc.uc_sigmask);
	if (copy_from_user(t->proc->as, (char *)&f + mask_at, frame + mask_at,
			   sizeof f - mask_at))
		return -EFAULT;
	const struct rv_sigcontext *sc = &f.uc.uc_mcontext;
	if (sc->fp.q.reserved[0] || sc->fp.q.reserved[1] || sc->fp.q.reserved[2])
		return -EINVAL;
	tc->sepc = sc->regs[0];
	for (int i = 1; i < 32; i++)
		tc->regs[i] = sc->regs[i];
	for (int i = 0; i < 32; i++)
		tc->fregs[i] = sc->fp.d.f[i];
	tc->fcsr = sc->fp.d.fcsr & 0xff;   /* frm and fflags */
	/* The FP file must be reloaded from tc on the way out. */
	t->fp_used = true;
	t->fp_hart = -1;
	*mask = f.uc.uc_sigmask;
	return 0;
}
