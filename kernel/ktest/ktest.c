/* Kernel self-tests: frame allocator, kmalloc, page tables, id allocator,
 * a spinlock-protected counter incremented from every hart at once,
 * trap-context pages kept past their thread (ktest_trap_keep.c), and
 * program pages filled on first touch (ktest_image.c). */
#include "kernel/ktest/ktest.h"
#include "kernel/ktest/ktest_image.h"
#include "kernel/ktest/ktest_trap_keep.h"
#include "kernel/dev/console.h"
#include "kernel/lib/idalloc.h"
#include "kernel/lib/string.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/sched/processor.h"
#include "kernel/sync/spinlock.h"
#include "kernel/proc/thread.h"
#include "kernel/panic.h"
#include "arch/riscv/arch.h"

static int checks, failures;
static _Atomic bool requested;

static void check(bool ok, const char *name)
{
	checks++;
	if (!ok)
		failures++;
	kprintf("%s %d - %s\n", ok ? "ok" : "not ok", checks, name);
}

void ktest_request(void)
{
	__atomic_store_n(&requested, true, __ATOMIC_RELEASE);
}

/* Every frame can be taken, the allocator then says no, and all come back. */
static void test_frames(void)
{
	unsigned long before = frame_free_count();
	void *a = frame_alloc(), *b = frame_alloc();
	check(a && b && a != b, "frame_alloc gives distinct frames");
	check(a && ((unsigned long)a & (PAGE_SIZE - 1)) == 0, "frames are page-aligned");
	check(a && *(unsigned long *)a == 0 && ((unsigned long *)a)[511] == 0, "frames are zeroed");
	frame_free(a);
	frame_free(b);
	check(frame_free_count() == before, "free count restored after two frees");

	/* Exhaust: chain every frame through its first word. */
	void *chain = NULL;
	unsigned long taken = 0;
	for (void *p; (p = frame_alloc()); taken++) {
		*(void **)p = chain;
		chain = p;
	}
	check(taken == before, "exhaustion after exactly the free count");
	check(frame_alloc() == NULL && frame_free_count() == 0, "exhausted allocator returns NULL");
	while (chain) {
		void *next = *(void **)chain;
		frame_free(chain);
		chain = next;
	}
	check(frame_free_count() == before, "every frame returned");

	void *run = frame_alloc_run(5);
	check(run && frame_run_length(run) == 5, "contiguous run of 5 frames");
	frame_free_run(run);
	check(frame_free_count() == before, "run returned whole");
	frame_set_fail_after(1);
	void *one = frame_alloc();
	check(one && frame_alloc() == NULL, "injected allocation failure");
	frame_set_fail_after(-1);
	frame_free(one);
}

static void test_kmalloc(void)
{
	unsigned long frames = frame_free_count(), bytes = kmalloc_bytes_in_use();
	static const size_t sizes[] = { 1, 16, 17, 100, 500, 1024, 1025, 4096, 10000 };
	void *p[9];
	bool ok = true;
	for (int i = 0; i < 9; i++) {
		p[i] = kmalloc(sizes[i]);
		ok &= p[i] != NULL;
		if (p[i])
			memset(p[i], 0xa5, sizes[i]);
	}
	check(ok, "kmalloc of 1 byte to 10000 bytes");
	check(kmalloc_bytes_in_use() > bytes, "kmalloc counts bytes in use");
	for (int i = 0; i < 9; i++)
		kfree(p[i]);
	check(kmalloc_bytes_in_use() == bytes, "kmalloc bytes back after kfree");
	check(frame_free_count() == frames, "kmalloc returns empty slabs' frames");

	static void *many[300];   /* static: too big for a 12 KiB kernel stack frame */
	for (int i = 0; i < 300; i++)
		many[i] = kmalloc(48);
	bool distinct = true;
	for (int i = 1; i < 300; i++)
		distinct &= many[i] && many[i] != many[i - 1];
	check(distinct, "300 small objects");
	for (int i = 0; i < 300; i++)
		kfree(many[i]);
	check(frame_free_count() == frames, "small objects leave no frames behind");
}

static void test_pagetable(void)
{
	unsigned long frames = frame_free_count();
	pagetable_t pt = mmu_create();
	void *page = frame_alloc();
	check(pt && page, "page table and page allocated");
	check(mmu_map(pt, 0x400000, (unsigned long)page, PERM_R | PERM_W | PERM_U) == 0, "map a user page");
	check(mmu_translate(pt, 0x400123, PERM_R | PERM_U) == (unsigned long)page + 0x123, "translate with offset");
	check(mmu_translate(pt, 0x400000, PERM_X) == 0, "no execute permission");
	check(mmu_translate(pt, 0x401000, PERM_R) == 0, "unmapped neighbour");
	check(mmu_map(pt, 0x400000, (unsigned long)page, PERM_R) == -17, "double map is -EEXIST");
	check(mmu_unmap(pt, 0x400000) == (unsigned long)page, "unmap returns the frame");
	check(mmu_translate(pt, 0x400000, PERM_R) == 0, "gone after unmap");
	frame_free(page);
	mmu_destroy(pt, NULL);
	check(frame_free_count() == frames, "page-table pages freed");
}

static void test_idalloc(void)
{
	unsigned long bits[IDALLOC_WORDS(70)];
	struct idalloc a;
	idalloc_init(&a, bits, 70);
	bool ok = true;
	for (int i = 0; i < 70; i++)
		ok &= idalloc_get(&a) == i;
	check(ok && idalloc_get(&a) == -1, "ids handed out lowest first until full");
	idalloc_put(&a, 33);
	check(idalloc_get(&a) == 33, "a freed id is reused");
}

#define COUNT_PER_HART 20000
static struct spinlock counter_lock = SPINLOCK_INIT("ktest-counter", LOCK_OBJECT);
static unsigned long counter;
static _Atomic int counter_go, counter_done;

static void count_on_this_hart(void)
{
	for (int i = 0; i < COUNT_PER_HART; i++) {
		spin_lock(&counter_lock);
		counter++;
		spin_unlock(&counter_lock);
	}
	__atomic_fetch_add(&counter_done, 1, __ATOMIC_RELEASE);
}

/* A lock held far longer than any real critical section: its waiters must
 * nap (spin_lock_wait) rather than spin throughout, and still get it. The
 * holder keeps it until every other hart has napped at least once (at most
 * LONG_HOLD_LIMIT_MS, so that a lost nap fails the check instead of hanging),
 * which keeps the test independent of how the host schedules the harts. */
#define LONG_HOLD_LIMIT_MS 2000
static struct spinlock long_held_lock = SPINLOCK_INIT("ktest-long-hold", LOCK_OBJECT);
static _Atomic int long_hold_taken, long_hold_done;

static void wait_for_long_held_lock(void)
{
	while (!__atomic_load_n(&long_hold_taken, __ATOMIC_ACQUIRE))
		arch_relax();
	spin_lock(&long_held_lock);
	spin_unlock(&long_held_lock);
	__atomic_fetch_add(&long_hold_done, 1, __ATOMIC_RELEASE);
}

/* Harts other than this one that have napped more than naps_before says. */
static unsigned harts_napped_since(const unsigned long *naps_before)
{
	unsigned napped = 0, self = this_processor()->hart;
	for (unsigned h = 0; h < CONFIG_MAX_HARTS; h++)
		if (h != self && processors[h].online &&
		    __atomic_load_n(&processors[h].spin_naps, __ATOMIC_RELAXED) > naps_before[h])
			napped++;
	return napped;
}

/* `init=ktest panic-race`: set before counter_go; every hart then panics at
 * once, so the one panic that reports must reach the exit device (status
 * 255) whichever hart it is on, with the others racing it. */
static _Atomic bool panic_race;

void ktest_secondary(unsigned hart)
{
	if (!__atomic_load_n(&requested, __ATOMIC_ACQUIRE))
		return;
	while (!__atomic_load_n(&counter_go, __ATOMIC_ACQUIRE))
		arch_relax();
	if (__atomic_load_n(&panic_race, __ATOMIC_ACQUIRE))
		panic("ktest: hart %u panics in the race", hart);
	count_on_this_hart();
	wait_for_long_held_lock();
}

static void test_long_hold(void)
{
	unsigned long naps_before[CONFIG_MAX_HARTS];
	for (unsigned h = 0; h < CONFIG_MAX_HARTS; h++)
		naps_before[h] = __atomic_load_n(&processors[h].spin_naps, __ATOMIC_RELAXED);
	unsigned waiters = processor_count - 1;
	spin_lock(&long_held_lock);
	__atomic_store_n(&long_hold_taken, 1, __ATOMIC_RELEASE);
	unsigned long limit = arch_time() + arch_time_hz / 1000 * LONG_HOLD_LIMIT_MS;
	while (harts_napped_since(naps_before) < waiters && arch_time() < limit)
		arch_relax();
	unsigned napped = harts_napped_since(naps_before);
	spin_unlock(&long_held_lock);
	while (__atomic_load_n(&long_hold_done, __ATOMIC_ACQUIRE) < (int)waiters)
		arch_relax();
	if (waiters == 0)
		return;
	check(napped == waiters, "every hart waiting on a long-held spinlock naps, then gets it");
	kprintf("# %u of %u waiting harts napped\n", napped, waiters);
}

static void test_counter(void)
{
	__atomic_store_n(&counter_go, 1, __ATOMIC_RELEASE);
	count_on_this_hart();
	while (__atomic_load_n(&counter_done, __ATOMIC_ACQUIRE) < (int)processor_count)
		arch_relax();
	check(counter == (unsigned long)COUNT_PER_HART * processor_count,
	      "spinlock counter exact across every hart");
	kprintf("# %lu increments from %u harts\n", counter, processor_count);
}

/* Each call takes a frame of its own until the guard page stops it. */
static volatile unsigned long recursion_limit = ~0UL;

__attribute__((noinline)) static unsigned long recurse(unsigned long depth)
{
	volatile char frame[256];
	frame[0] = (char)depth;
	if (depth == recursion_limit)
		return 0;
	return recurse(depth + 1) + frame[0];
}

static void overflow_now(void)
{
	recurse(0);
	panic("ktest: recursion came back");
}

/* `init=ktest overflow`: must end in the kernel-stack overflow panic (the
 * test expects status 255 and the panic's message). */
static void test_stack_overflow(void)
{
	unsigned long top;
	if (thread_kstack_borrow(&top))
		panic("ktest: no kernel stack to overflow");
	kprintf("ktest: overflowing the kernel stack below %lx\n", top);
	arch_run_on_stack(overflow_now, top);
}

/* `init=ktest hang` (2 harts or more): this hart spins with interrupts
 * off, as in a deadlock; another hart's watchdog must report it. */
static void test_watchdog(void)
{
	kprintf("ktest: hart %u spins with interrupts off\n", this_processor()->hart);
	__atomic_store_n(&counter_go, 1, __ATOMIC_RELEASE);   /* free the other harts */
	__atomic_store_n(&long_hold_taken, 1, __ATOMIC_RELEASE);
	arch_irq_disable();
	for (;;)
		arch_relax();
}

static void test_panic_race(void)
{
	kprintf("ktest: every hart panics at once\n");
	__atomic_store_n(&panic_race, true, __ATOMIC_RELEASE);
	__atomic_store_n(&counter_go, 1, __ATOMIC_RELEASE);
	panic("ktest: hart %u panics in the race", this_processor()->hart);
}

void ktest_main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "panic-race"))
		test_panic_race();
	if (argc > 1 && !strcmp(argv[1], "overflow"))
		test_stack_overflow();
	if (argc > 1 && !strcmp(argv[1], "hang"))
		test_watchdog();
	kprintf("TAP version 13\n");
	/* `ktest images`: only the program-page comparison, for an initramfs
	 * with other programs than the standard one. */
	bool images_only = argc > 1 && !strcmp(argv[1], "images");
	if (images_only) {
		ktest_image(check);
		kprintf("1..%d\n", checks);
		arch_poweroff(failures ? 1 : 0);
	}
	test_frames();
	test_kmalloc();
	test_pagetable();
	test_idalloc();
	test_counter();
	test_long_hold();
	ktest_trap_keep(check);
	ktest_image(check);
	kprintf("1..%d\n", checks);
	arch_poweroff(failures ? 1 : 0);
}
