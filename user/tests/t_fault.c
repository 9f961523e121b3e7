/* t_fault: user faults of each kind, each in a forked child.
 *
 * The child must die with exactly SIGSEGV (11) for a bad load, store or
 * instruction fetch, or SIGILL (4) for an illegal instruction; the parent
 * goes on, and once every child is reaped the kernel has every frame back. */
#include "tcommon.h"

typedef void (*code_fn)(void);

static const char rodata_bytes[16] = "read only";
static char data_bytes[64] = "writable, not executable";
static long bss_words[8];

/* The pointer is opaque to the compiler, so it cannot reason the access away. */
static void *launder(unsigned long v)
{
	__asm__ volatile("" : "+r"(v));
	return (void *)v;
}

static int load_from(void *arg)
{
	return (int)*(volatile long *)arg;
}

static int store_to(void *arg)
{
	*(volatile long *)arg = 0x1234;
	return 0;
}

static int jump_to(void *arg)
{
	((code_fn)arg)();
	return 0;
}

static int illegal_zero(void *arg)
{
	(void)arg;
	__asm__ volatile(".2byte 0x0000");       /* defined illegal in RVC */
	return 0;
}

static int illegal_unimp(void *arg)
{
	(void)arg;
	__asm__ volatile(".4byte 0xc0001073");   /* unimp: csrrw x0, cycle, x0 */
	return 0;
}

static int privileged_csr(void *arg)
{
	(void)arg;
	unsigned long v;
	__asm__ volatile("csrr %0, sstatus" : "=r"(v));
	return (int)v;
}

static int privileged_sret(void *arg)
{
	(void)arg;
	__asm__ volatile("sret");
	return 0;
}

static int write_satp(void *arg)
{
	(void)arg;
	__asm__ volatile("csrw satp, zero");
	return 0;
}

/* Each frame is kept alive past the call, so the recursion cannot be
 * turned into a loop; the depth limit (never reached: 1 GiB of frames) only
 * keeps the compiler from calling it infinite. */
static volatile int depth_limit = 1 << 20;

static int recurse(int depth)
{
	volatile char frame[1024];
	frame[0] = (char)depth;
	if (depth >= depth_limit)
		return 0;
	return recurse(depth + 1) + frame[0];
}

static int overflow_stack(void *arg)
{
	(void)arg;
	return recurse(0);
}

struct fault_case {
	const char *what;
	int (*fn)(void *);
	unsigned long arg;
	int sig;
};

static void run_case(const struct fault_case *c)
{
	long st = run_child(c->fn, launder(c->arg));
	EXPECT_EQ(st, c->sig, "%s: killed by signal %d", c->what, c->sig);
}

int main(void)
{
	TEST_PLAN();
	kstat_after_warm_fork();   /* the first fork's one-time costs out of the way */

	char *rw = mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *ro = mmap(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(!MMAP_FAILED(rw) && !MMAP_FAILED(ro), "mmap a RW and a R page");
	rw[0] = 1;
	volatile char on_stack[16] = { 1 };
	unsigned long heap_hole = ((unsigned long)brk(0) + 64 * PAGE_SIZE) & ~(PAGE_SIZE - 1);
	/* Measured after our own mappings exist (their page-table pages
	 * stay with us). */
	struct kstat start = kstat_now();

	const struct fault_case cases[] = {
		{ "load from NULL", load_from, 0, SIGSEGV },
		{ "store to NULL", store_to, 0, SIGSEGV },
		{ "jump to NULL", jump_to, 0, SIGSEGV },
		{ "store to text", store_to, (unsigned long)main, SIGSEGV },
		{ "store to rodata", store_to, (unsigned long)rodata_bytes, SIGSEGV },
		{ "store to a PROT_READ page", store_to, (unsigned long)ro, SIGSEGV },
		{ "jump to data", jump_to, (unsigned long)data_bytes, SIGSEGV },
		{ "jump to bss", jump_to, (unsigned long)bss_words, SIGSEGV },
		{ "jump to rodata", jump_to, (unsigned long)rodata_bytes, SIGSEGV },
		{ "jump to the stack", jump_to, (unsigned long)on_stack, SIGSEGV },
		{ "jump to a RW mmap page", jump_to, (unsigned long)rw, SIGSEGV },
		{ "jump to a R mmap page", jump_to, (unsigned long)ro, SIGSEGV },
		{ "load from an unmapped heap page", load_from, heap_hole, SIGSEGV },
		{ "load from the kernel image", load_from, KERNEL_VA, SIGSEGV },
		{ "store to the kernel image", store_to, KERNEL_VA, SIGSEGV },
		{ "jump into the kernel image", jump_to, KERNEL_VA, SIGSEGV },
		{ "store to the kernel half", store_to, 0xFFFFFFC000000000UL, SIGSEGV },
		{ "load beyond Sv39 user space", load_from, BEYOND_USER_VA, SIGSEGV },
		{ "load from the trampoline", load_from, TRAMPOLINE_VA, SIGSEGV },
		{ "store to the trampoline", store_to, TRAMPOLINE_VA, SIGSEGV },
		{ "jump to the trampoline", jump_to, TRAMPOLINE_VA, SIGSEGV },
		{ "load from own trap context", load_from, TRAP_CONTEXT_VA(0), SIGSEGV },
		{ "store to own trap context", store_to, TRAP_CONTEXT_VA(0), SIGSEGV },
		{ "stack overflow into the guard page", overflow_stack, 0, SIGSEGV },
		{ "illegal instruction 0x0000", illegal_zero, 0, SIGILL },
		{ "unimp", illegal_unimp, 0, SIGILL },
		{ "csrr sstatus from user mode", privileged_csr, 0, SIGILL },
		{ "sret from user mode", privileged_sret, 0, SIGILL },
		{ "csrw satp from user mode", write_satp, 0, SIGILL },
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run_case(&cases[i]);

	/* The parent is untouched: its own pages still work. */
	rw[1] = 2;
	CHECK(rw[0] == 1 && rw[1] == 2 && on_stack[0] == 1, "the parent survives with its memory");
	struct kstat end = kstat_now();
	munmap(rw, PAGE_SIZE);
	munmap(ro, PAGE_SIZE);
	EXPECT_EQ(end.free_frames, start.free_frames, "free frames back after all the faults");
	EXPECT_EQ(end.live_procs, start.live_procs, "process count back");
	EXPECT_EQ(end.live_threads, start.live_threads, "thread count back");
	return test_done();
}
