/* t_isolation: after fork, parent and child have separate memory.
 *
 * Writes by the child to a global, the heap, the stack, an mmap page (one
 * touched before fork and one not) and its break are invisible to the
 * parent, and the other way round; and both writing the same addresses at
 * once, on different harts, each only ever reads back its own values. */
#include "tcommon.h"

static long global = 1000;
static long bss_value;

struct places {
	long *global;
	long *bss;
	long *heap;
	long *stack;
	long *mapped;          /* touched before fork */
	long *untouched;       /* mapped, never touched before fork */
};

/* Bit i set when place i holds `want`. */
static int places_holding(const struct places *p, long want)
{
	long *v[] = { p->global, p->bss, p->heap, p->stack, p->mapped, p->untouched };
	int bits = 0;
	for (int i = 0; i < 6; i++)
		bits |= (*(volatile long *)v[i] == want) << i;
	return bits;
}

static void set_places(const struct places *p, long value)
{
	*p->global = *p->bss = *p->heap = *p->stack = *p->mapped = *p->untouched = value;
}

static void test_child_writes(const struct places *p)
{
	long pid = fork();
	if (pid == 0) {
		set_places(p, 77);
		exit(places_holding(p, 77));
	}
	EXPECT_EQ(wait_status(pid), W_EXIT(0x3f), "the child sees its own writes in all 6 places");
	EXPECT_EQ(places_holding(p, 5), 0x1f, "the parent still sees its values in the 5 set places");
	EXPECT_EQ(*p->untouched, 0, "the page the child touched first is still zero here");
}

static void test_parent_writes(const struct places *p)
{
	int go_fd;
	long pid = fork_held(&go_fd);
	if (pid == 0)                                  /* the parent has written */
		exit(places_holding(p, 5) | (*p->untouched == 0) << 6);
	set_places(p, 99);
	release_child(go_fd);
	EXPECT_EQ(wait_status(pid), W_EXIT(0x1f | 0x40),
		  "writes by the parent after fork are invisible to the child");
	EXPECT_EQ(places_holding(p, 99), 0x3f, "the parent sees its own writes");
}

/* Both write their own value to every place and read it back, many times,
 * at the same time. The count of wrong reads is the result. */
static long hammer(const struct places *p, long mine)
{
	long wrong = 0;
	for (int i = 0; i < 20000; i++) {
		set_places(p, mine + i);
		wrong += places_holding(p, mine + i) != 0x3f;
	}
	return wrong;
}

static void test_concurrent(const struct places *p)
{
	int go_fd;
	long pid = fork_held(&go_fd);
	if (pid == 0)
		exit(hammer(p, 1L << 40) ? 1 : 0);
	release_child(go_fd);
	long wrong = hammer(p, 1L << 50);
	EXPECT_EQ(wrong, 0, "parent and child write the same addresses at once: parent reads its own");
	EXPECT_EQ(wait_status(pid), W_EXIT(0), "and the child reads its own");
}

static void test_break(void)
{
	long before = brk(0);
	long pid = fork();
	if (pid == 0) {
		long grown = before + 16 * (long)PAGE_SIZE;
		if (brk((void *)grown) != grown)
			exit(1);
		((volatile char *)grown)[-1] = 1;
		exit(brk(0) == grown ? 0 : 2);
	}
	EXPECT_EQ(wait_status(pid), W_EXIT(0), "the child moves its break");
	EXPECT_EQ(brk(0), before, "the parent's break did not move");
}

int main(void)
{
	TEST_PLAN();
	long on_stack = 0;
	struct places p = {
		.global = &global,
		.bss = &bss_value,
		.heap = malloc(sizeof(long)),
		.stack = &on_stack,
	};
	char *m = mmap(0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!CHECK(p.heap && !MMAP_FAILED(m), "malloc and mmap for the test"))
		return test_done();
	p.mapped = (long *)m;
	p.untouched = (long *)(m + PAGE_SIZE);
	*p.global = *p.bss = *p.heap = *p.stack = *p.mapped = 5;

	test_child_writes(&p);
	test_parent_writes(&p);
	test_concurrent(&p);
	test_break();
	return test_done();
}
