/* Signals in one thread, Dakota ABI: actions and their errors, handlers with
 * siginfo, masks and pending sets, coalescing and real-time queueing,
 * SA_RESETHAND/NODEFER/sa_mask, the alternate stack, sigtimedwait,
 * sigsuspend, ppoll-pause with an itimer, fault handlers, and that
 * rt_sigreturn gives back every register including FP ones. */
#include "../tests/tcommon.h"
#include "sigutil.h"

static volatile int hits, last_sig, last_code, last_pid;
static volatile long last_value;
static volatile unsigned long last_addr, mask_in_handler, sp_in_handler;
static volatile void *last_info, *last_uc;
static volatile int order[16], norder;

static void record(int sig, struct k_siginfo *info, void *uc)
{
	hits++;
	last_sig = sig;
	last_code = info->si_code;
	last_pid = info->u.kill.pid;
	last_value = info->u.kill.value;
	last_addr = info->u.fault.addr;
	last_info = info;
	last_uc = uc;
	mask_in_handler = sig_blocked();
	volatile int here;
	sp_in_handler = (unsigned long)&here;
	if (norder < 16)
		order[norder++] = sig * 100 + (int)info->u.kill.value;
}

static void reset(void)
{
	hits = 0;
	norder = 0;
}

static void test_action_errors(void)
{
	struct k_sigaction a = { (unsigned long)record, SA_SIGINFO, 0 }, old;
	EXPECT_EQ(sig_action(0, &a, 0), -EINVAL, "rt_sigaction(0)");
	EXPECT_EQ(sig_action(65, &a, 0), -EINVAL, "rt_sigaction(65)");
	EXPECT_EQ(sig_action(SIGKILL, &a, 0), -EINVAL, "a handler for SIGKILL");
	EXPECT_EQ(sig_action(SIGSTOP, &a, 0), -EINVAL, "a handler for SIGSTOP");
	EXPECT_EQ(sig_action(SIGKILL, 0, &old), 0, "reading SIGKILL's action");
	EXPECT_EQ(syscall4(SYS_rt_sigaction, SIGUSR1, (long)&a, 0, 4), -EINVAL, "sigsetsize 4");
	EXPECT_EQ(sig_action(SIGUSR1, (void *)8, 0), -EFAULT, "act at an unmapped address");
	EXPECT_EQ(sig_action(SIGUSR1, &a, (void *)TRAMPOLINE_VA), -EFAULT, "oldact in the trampoline");
	a.mask = BIT(SIGUSR2) | BIT(SIGKILL);
	sig_action(SIGUSR1, &a, 0);
	EXPECT_EQ(sig_action(SIGUSR1, 0, &old), 0, "reading the action back");
	CHECK(old.handler == (unsigned long)record && old.flags == SA_SIGINFO &&
	      old.mask == BIT(SIGUSR2), "oldact is what was set, SIGKILL dropped from sa_mask");
	EXPECT_EQ(kill((int)getpid(), 65), -EINVAL, "kill with signal 65");
	EXPECT_EQ(kill((int)getpid(), -1), -EINVAL, "kill with signal -1");
	EXPECT_EQ(sig_tgkill(getpid(), getpid(), 99), -EINVAL, "tgkill with signal 99");
	EXPECT_EQ(sig_tgkill(0, 1, SIGUSR1), -EINVAL, "tgkill with tgid 0");
	EXPECT_EQ(sig_tgkill(getpid(), 555, 0), -ESRCH, "tgkill of a thread that is not there");
	unsigned long bad = 0;
	EXPECT_EQ(syscall4(SYS_rt_sigprocmask, 7, (long)&bad, 0, 8), -EINVAL, "sigprocmask how 7");
	EXPECT_EQ(syscall4(SYS_rt_sigprocmask, SIG_BLOCK, 16, 0, 8), -EFAULT, "sigprocmask set at 16");
	EXPECT_EQ(syscall2(SYS_rt_sigpending, 16, 8), -EFAULT, "sigpending to address 16");
}

static void test_handler_siginfo(void)
{
	reset();
	sig_handle(SIGUSR1, record, 0, 0);
	EXPECT_EQ(kill((int)getpid(), SIGUSR1), 0, "kill(self, SIGUSR1)");
	EXPECT_EQ(hits, 1, "the handler ran once before kill returned");
	EXPECT_EQ(last_sig, SIGUSR1, "a0 is the signal");
	EXPECT_EQ(last_code, SI_USER, "si_code SI_USER");
	EXPECT_EQ(last_pid, getpid(), "si_pid is the sender");
	EXPECT_EQ((char *)last_uc - (char *)last_info, 128, "uc follows the 128-byte siginfo");
	CHECK(mask_in_handler & BIT(SIGUSR1), "the signal is blocked in its handler");
	EXPECT_EQ(sig_blocked(), 0, "the mask is back after the handler");
}

static void test_mask_pending(void)
{
	reset();
	sig_handle(SIGUSR2, record, 0, 0);
	sig_mask(SIG_BLOCK, BIT(SIGUSR2), 0);
	kill((int)getpid(), SIGUSR2);
	EXPECT_EQ(hits, 0, "a blocked signal waits");
	EXPECT_EQ(sig_pending(), BIT(SIGUSR2), "and is reported pending");
	sig_mask(SIG_UNBLOCK, BIT(SIGUSR2), 0);
	EXPECT_EQ(hits, 1, "unblocking delivers it");
	EXPECT_EQ(sig_pending(), 0, "nothing pending after");
	unsigned long old;
	sig_mask(SIG_SETMASK, ~0UL, &old);
	EXPECT_EQ(sig_blocked(), ~(BIT(SIGKILL) | BIT(SIGSTOP)), "SIGKILL and SIGSTOP stay unblocked");
	sig_mask(SIG_SETMASK, old, 0);
}

static void test_queue_order(void)
{
	reset();
	int r1 = SIGRTMIN_KERNEL + 2, r2 = SIGRTMIN_KERNEL + 3;
	/* Each handler blocks all three, so one frame at a time and handlers
	 * run in the order the kernel takes the signals (else later frames
	 * nest above earlier ones and run first, as on Linux). */
	unsigned long all = BIT(r1) | BIT(r2) | BIT(SIGUSR1);
	sig_handle(r1, record, 0, all);
	sig_handle(r2, record, 0, all);
	sig_handle(SIGUSR1, record, 0, all);
	sig_mask(SIG_BLOCK, all, 0);
	sig_queue(getpid(), r2, 7);
	for (long v = 1; v <= 3; v++)
		sig_queue(getpid(), r1, v);
	for (int i = 0; i < 3; i++)
		kill((int)getpid(), SIGUSR1);
	sig_mask(SIG_SETMASK, 0, 0);
	EXPECT_EQ(norder, 5, "three standard sends coalesce, four queued ones stay");
	int want[5] = { SIGUSR1 * 100, r1 * 100 + 1, r1 * 100 + 2, r1 * 100 + 3, r2 * 100 + 7 };
	int same = 1;
	for (int i = 0; i < 5; i++)
		same &= order[i] == want[i];
	CHECK(same, "lowest signal first, each real-time signal's values in send order");
	EXPECT_EQ(last_code, SI_QUEUE, "si_code SI_QUEUE");
	EXPECT_EQ(last_value, 7, "si_value arrives");
}

static void test_flags(void)
{
	reset();
	sig_handle(SIGUSR1, record, SA_RESETHAND | SA_NODEFER, BIT(SIGTERM));
	kill((int)getpid(), SIGUSR1);
	EXPECT_EQ(hits, 1, "SA_RESETHAND handler ran");
	CHECK(!(mask_in_handler & BIT(SIGUSR1)), "SA_NODEFER: not blocked in its handler");
	CHECK(mask_in_handler & BIT(SIGTERM), "sa_mask is blocked in the handler");
	struct k_sigaction old;
	sig_action(SIGUSR1, 0, &old);
	EXPECT_EQ(old.handler, SIG_DFL, "SA_RESETHAND: back to SIG_DFL");
	struct k_sigaction ign = { SIG_IGN, 0, 0 };
	sig_action(SIGUSR1, &ign, 0);
	EXPECT_EQ(kill((int)getpid(), SIGUSR1), 0, "an ignored signal is accepted");
	EXPECT_EQ(sig_pending(), 0, "and discarded");
}

static char altstack[16384] __attribute__((aligned(16)));

static void test_altstack(void)
{
	reset();
	k_stack_t ss = { (unsigned long)altstack, 0, 0, sizeof altstack }, old;
	k_stack_t tiny = { (unsigned long)altstack, 0, 0, 100 };
	k_stack_t odd = { (unsigned long)altstack, 4, 0, sizeof altstack };
	EXPECT_EQ(syscall2(SYS_sigaltstack, (long)&tiny, 0), -ENOMEM, "an altstack under MINSIGSTKSZ");
	EXPECT_EQ(syscall2(SYS_sigaltstack, (long)&odd, 0), -EINVAL, "altstack flags 4");
	EXPECT_EQ(syscall2(SYS_sigaltstack, (long)&ss, (long)&old), 0, "sigaltstack");
	EXPECT_EQ(old.ss_flags, SS_DISABLE, "no altstack at first");
	sig_handle(SIGUSR2, record, SA_ONSTACK, 0);
	kill((int)getpid(), SIGUSR2);
	CHECK(sp_in_handler > (unsigned long)altstack &&
	      sp_in_handler < (unsigned long)altstack + sizeof altstack,
	      "SA_ONSTACK handler runs on the alternate stack");
	syscall2(SYS_sigaltstack, 0, (long)&old);
	EXPECT_EQ(old.ss_flags, 0, "outside the handler: not on it");
	ss.ss_flags = SS_DISABLE;
	syscall2(SYS_sigaltstack, (long)&ss, 0);
	sig_handle(SIGUSR2, record, 0, 0);
}

static void test_timedwait_suspend(void)
{
	reset();
	struct k_siginfo info;
	struct timespec zero = { 0, 0 }, ms20 = { 0, 20000000 };
	sig_mask(SIG_BLOCK, BIT(SIGUSR1), 0);
	sig_handle(SIGUSR1, record, 0, 0);
	EXPECT_EQ(sig_timedwait(BIT(SIGUSR1), &info, &zero), -EAGAIN, "sigtimedwait polls: nothing");
	EXPECT_EQ(sig_timedwait(BIT(SIGUSR1), &info, &ms20), -EAGAIN, "sigtimedwait times out");
	kill((int)getpid(), SIGUSR1);
	EXPECT_EQ(sig_timedwait(BIT(SIGUSR1), &info, 0), SIGUSR1, "sigwaitinfo takes the pending one");
	EXPECT_EQ(info.si_signo, SIGUSR1, "its siginfo");
	EXPECT_EQ(hits, 0, "without running the handler");
	kill((int)getpid(), SIGUSR1);
	EXPECT_EQ(sig_suspend(0), -EINTR, "sigsuspend returns -EINTR after a handler");
	EXPECT_EQ(hits, 1, "the handler ran inside sigsuspend");
	EXPECT_EQ(mask_in_handler, BIT(SIGUSR1), "with the suspend mask plus the signal");
	EXPECT_EQ(sig_blocked(), BIT(SIGUSR1), "and the old mask is back");
	sig_mask(SIG_SETMASK, 0, 0);
}

static void test_alarm_pause(void)
{
	reset();
	sig_handle(SIGALRM, record, 0, 0);
	EXPECT_EQ(sig_setitimer(0, 30000, 0, 0), 0, "setitimer 30 ms");
	struct k_itimerval v;
	syscall2(SYS_getitimer, ITIMER_REAL, (long)&v);
	CHECK(v.it_value.tv_sec == 0 && v.it_value.tv_usec > 0 && v.it_value.tv_usec <= 30000,
	      "getitimer: time left (%ld us)", v.it_value.tv_usec);
	EXPECT_EQ(sig_pause(), -EINTR, "pause ends with -EINTR");
	EXPECT_EQ(last_sig, SIGALRM, "SIGALRM fired");
	EXPECT_EQ(syscall3(SYS_setitimer, 3, (long)&v, 0), -EINVAL, "an unknown which refused");
}

/* Faults: the handler sees si_addr and skips the 4-byte instruction. */
static void skip_fault(int sig, struct k_siginfo *info, void *uc)
{
	record(sig, info, uc);
	unsigned long *pc = (unsigned long *)((char *)uc + 176);
	*pc += 4;
}

static void test_fault_handlers(void)
{
	reset();
	sig_handle(SIGSEGV, skip_fault, 0, 0);
	sig_handle(SIGILL, skip_fault, 0, 0);
	__asm__ volatile(".option push\n .option norvc\n li t0, 24\n ld t0, 0(t0)\n .option pop"
			 ::: "t0", "memory");
	EXPECT_EQ(last_sig, SIGSEGV, "a load from 24 goes to the SIGSEGV handler");
	EXPECT_EQ(last_addr, 24, "si_addr is the address");
	EXPECT_EQ(last_code, SEGV_MAPERR, "SEGV_MAPERR");
	__asm__ volatile(".option push\n .option norvc\n csrw cycle, x0\n .option pop");
	EXPECT_EQ(last_sig, SIGILL, "an illegal instruction goes to the SIGILL handler");
	EXPECT_EQ(hits, 2, "each once");
	sig_action(SIGSEGV, &(struct k_sigaction){ 0 }, 0);
	sig_action(SIGILL, &(struct k_sigaction){ 0 }, 0);
}

/* Registers across a handler that clobbers every one it may (asm below). */
extern void regs_roundtrip(unsigned long *out, long pid, long sig);
extern void clobber_handler(int, void *, void *);
volatile int clobber_ran;

__asm__(
	".text\n .globl clobber_handler\n"
	"clobber_handler:\n"
	"  la t1, clobber_ran\n li t2, 1\n sw t2, 0(t1)\n"
	"  li t0, -1\n"
	"  .irp r, gp,tp,t1,t2,s0,s1,a0,a1,a2,a3,a4,a5,a6,a7,s2,s3,s4,s5,s6,s7,s8,s9,s10,s11,t3,t4,t5,t6\n"
	"  mv \\r, t0\n .endr\n"
	"  .irp f, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"  fmv.d.x f\\f, t0\n .endr\n"
	"  fscsr t0\n"
	"  ret\n"
	".globl regs_roundtrip\n"
	"regs_roundtrip:\n"
	"  addi sp, sp, -128\n"
	"  sd ra, 0(sp)\n sd s0, 8(sp)\n sd s1, 16(sp)\n sd s2, 24(sp)\n sd s3, 32(sp)\n"
	"  sd s4, 40(sp)\n sd s5, 48(sp)\n sd s6, 56(sp)\n sd s7, 64(sp)\n sd s8, 72(sp)\n"
	"  sd s9, 80(sp)\n sd s10, 88(sp)\n sd s11, 96(sp)\n sd gp, 104(sp)\n sd tp, 112(sp)\n"
	"  sd a0, 120(sp)\n"
	"  mv a7, a1\n mv a1, a2\n mv a0, a7\n"      /* a0 = pid, a1 = sig */
	"  li t0, 0x5000\n"
	"  .irp f, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"  addi t0, t0, 1\n fmv.d.x f\\f, t0\n .endr\n"
	"  li t0, 0x81\n fscsr t0\n"
	"  li t0, 0x1005\n li t1, 0x1006\n li t2, 0x1007\n li s0, 0x1008\n li s1, 0x1009\n"
	"  li a2, 0x1012\n li a3, 0x1013\n li a4, 0x1014\n li a5, 0x1015\n li a6, 0x1016\n"
	"  li s2, 0x1018\n li s3, 0x1019\n li s4, 0x1020\n li s5, 0x1021\n li s6, 0x1022\n"
	"  li s7, 0x1023\n li s8, 0x1024\n li s9, 0x1025\n li s10, 0x1026\n li s11, 0x1027\n"
	"  li t3, 0x1028\n li t4, 0x1029\n li t5, 0x1030\n li t6, 0x1031\n"
	"  li a7, 129\n ecall\n"
	"  ld a7, 120(sp)\n"                          /* out */
	"  sd t0, 0(a7)\n sd t1, 8(a7)\n sd t2, 16(a7)\n sd s0, 24(a7)\n sd s1, 32(a7)\n"
	"  sd a2, 40(a7)\n sd a3, 48(a7)\n sd a4, 56(a7)\n sd a5, 64(a7)\n sd a6, 72(a7)\n"
	"  sd s2, 80(a7)\n sd s3, 88(a7)\n sd s4, 96(a7)\n sd s5, 104(a7)\n sd s6, 112(a7)\n"
	"  sd s7, 120(a7)\n sd s8, 128(a7)\n sd s9, 136(a7)\n sd s10, 144(a7)\n sd s11, 152(a7)\n"
	"  sd t3, 160(a7)\n sd t4, 168(a7)\n sd t5, 176(a7)\n sd t6, 184(a7)\n sd a0, 192(a7)\n"
	"  sd gp, 200(a7)\n sd tp, 208(a7)\n"
	"  addi a7, a7, 216\n"
	"  .irp f, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"  fsd f\\f, 0(a7)\n addi a7, a7, 8\n .endr\n"
	"  frcsr t0\n sd t0, 0(a7)\n"
	"  ld ra, 0(sp)\n ld s0, 8(sp)\n ld s1, 16(sp)\n ld s2, 24(sp)\n ld s3, 32(sp)\n"
	"  ld s4, 40(sp)\n ld s5, 48(sp)\n ld s6, 56(sp)\n ld s7, 64(sp)\n ld s8, 72(sp)\n"
	"  ld s9, 80(sp)\n ld s10, 88(sp)\n ld s11, 96(sp)\n ld gp, 104(sp)\n ld tp, 112(sp)\n"
	"  addi sp, sp, 128\n ret\n");

static void test_sigreturn_registers(void)
{
	static unsigned long out[27 + 32 + 1];
	sig_handle(SIGUSR1, (sig_handler)clobber_handler, 0, 0);
	unsigned long gp, tp;
	__asm__ volatile("mv %0, gp\n mv %1, tp" : "=r"(gp), "=r"(tp));
	regs_roundtrip(out, getpid(), SIGUSR1);
	EXPECT_EQ(clobber_ran, 1, "the clobbering handler ran");
	static const unsigned long want[25] = {
		0x1005, 0x1006, 0x1007, 0x1008, 0x1009, 0x1012, 0x1013, 0x1014, 0x1015, 0x1016,
		0x1018, 0x1019, 0x1020, 0x1021, 0x1022, 0x1023, 0x1024, 0x1025, 0x1026, 0x1027,
		0x1028, 0x1029, 0x1030, 0x1031, 0 };
	int same = 1;
	for (int i = 0; i < 24; i++)
		same &= out[i] == want[i];
	CHECK(same, "every integer register is back after sigreturn");
	EXPECT_EQ(out[24], 0, "a0 is kill's result");
	CHECK(out[25] == gp && out[26] == tp, "gp and tp are back");
	same = 1;
	for (int i = 0; i < 32; i++)
		same &= out[27 + i] == 0x5001UL + (unsigned long)i;
	CHECK(same, "every FP register is back after sigreturn");
	EXPECT_EQ(out[59], 0x81, "fcsr is back");
	sig_action(SIGUSR1, &(struct k_sigaction){ 0 }, 0);
}

int main(void)
{
	TEST_PLAN();
	test_action_errors();
	test_handler_siginfo();
	test_mask_pending();
	test_queue_order();
	test_flags();
	test_altstack();
	test_timedwait_suspend();
	test_alarm_pause();
	test_fault_handlers();
	test_sigreturn_registers();
	return test_done();
}
