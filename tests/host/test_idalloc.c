/* kernel/lib/idalloc.c: lowest-first allocation, reuse, exhaustion, misuse,
 * and sizes that leave part of the last bitmap word unused. */
#include <stdbool.h>
#include <stddef.h>
#include "kernel/lib/idalloc.h"
#include "tap.h"

#define MAX_WORDS 8
#define CANARY 0x5a5a5a5a5a5a5a5aUL

static const int sizes[] = { 1, 5, 63, 64, 65, 100, 128, 130, 200 };
#define NSIZES ((int)(sizeof sizes / sizeof sizes[0]))

/* The bitmap, plus a canary word after the last one the allocator owns. */
static unsigned long bitmap[MAX_WORDS + 1];

static void setup(struct idalloc *a, int size)
{
	for (int i = 0; i <= MAX_WORDS; i++)
		bitmap[i] = CANARY;
	idalloc_init(a, bitmap, size);
}

static bool canary_intact(int size)
{
	return bitmap[IDALLOC_WORDS(size)] == CANARY;
}

static void test_words(void)
{
	static unsigned long sized[IDALLOC_WORDS(100)];   /* usable as an array size */
	TAP_OK(IDALLOC_WORDS(0) == 0 && IDALLOC_WORDS(1) == 1, "IDALLOC_WORDS of 0 and 1");
	TAP_OK(IDALLOC_WORDS(IDALLOC_WORD_BITS) == 1 && IDALLOC_WORDS(IDALLOC_WORD_BITS + 1) == 2,
	       "IDALLOC_WORDS at a word boundary");
	size_t bits = 8 * sizeof sized;
	TAP_OK(bits >= 100 && bits < 100 + IDALLOC_WORD_BITS, "IDALLOC_WORDS(100): just enough words");
}

/* For one size: all ids in increasing order, then -1, and no write past
 * the bitmap. */
static void test_fill(int size)
{
	struct idalloc a;
	setup(&a, size);
	bool in_order = true;
	for (int i = 0; i < size; i++)
		in_order &= idalloc_get(&a) == i;
	TAP_OK(in_order, "size %d: ids come lowest first, 0..%d", size, size - 1);
	TAP_OK(idalloc_get(&a) == -1 && idalloc_get(&a) == -1, "size %d: exhausted returns -1", size);
	TAP_OK(a.used == size && canary_intact(size), "size %d: used count, bitmap bounds", size);

	bool all_used = true;
	for (int i = 0; i < size; i++)
		all_used &= idalloc_in_use(&a, i);
	TAP_OK(all_used && !idalloc_in_use(&a, size) && !idalloc_in_use(&a, -1),
	       "size %d: in_use for every id, false out of range", size);

	int mid = size / 2;
	TAP_OK(idalloc_put(&a, mid) == 0 && !idalloc_in_use(&a, mid) && idalloc_get(&a) == mid,
	       "size %d: a freed id is reused", size);
	if (size < 2)
		return;
	TAP_OK(idalloc_put(&a, size - 1) == 0 && idalloc_put(&a, 0) == 0 &&
	       idalloc_get(&a) == 0 && idalloc_get(&a) == size - 1,
	       "size %d: the lowest freed id comes back first", size);
}

static void test_misuse(void)
{
	struct idalloc a;
	setup(&a, 65);
	TAP_OK(idalloc_put(&a, 3) == -1, "put of an id never taken returns -1");
	TAP_OK(idalloc_put(&a, -1) == -1 && idalloc_put(&a, 65) == -1 && idalloc_put(&a, 1000) == -1,
	       "put out of range returns -1");
	idalloc_get(&a);
	TAP_OK(idalloc_put(&a, 0) == 0 && idalloc_put(&a, 0) == -1 && a.used == 0,
	       "a second put of the same id returns -1 and changes nothing");
	TAP_OK(idalloc_get_at(&a, 64) == 64 && idalloc_in_use(&a, 64), "get_at the last id");
	TAP_OK(idalloc_get_at(&a, 64) == -1, "get_at an id in use returns -1");
	TAP_OK(idalloc_get_at(&a, 65) == -1 && idalloc_get_at(&a, -1) == -1,
	       "get_at out of range returns -1");
	TAP_OK(idalloc_get_at(&a, 1) == 1 && idalloc_get(&a) == 0 && idalloc_get(&a) == 2,
	       "get skips ids taken by get_at");
	TAP_OK(a.used == 4 && canary_intact(65), "used counts get_at too");

	setup(&a, 0);
	TAP_OK(idalloc_get(&a) == -1 && idalloc_get_at(&a, 0) == -1 && !idalloc_in_use(&a, 0),
	       "size 0 has no ids");
}

/* Random gets, get_ats and puts against a plain array of flags. */
static void test_random(void)
{
	enum { SIZE = 130 };
	struct idalloc a;
	bool model[SIZE] = { false };
	int used = 0;
	unsigned long rng = 12345;
	bool good = true;
	setup(&a, SIZE);
	for (int step = 0; step < 20000 && good; step++) {
		rng = rng * 6364136223846793005UL + 1442695040888963407UL;
		int id = (int)((rng >> 33) % (SIZE + 2)) - 1;   /* -1 .. SIZE */
		bool valid = id >= 0 && id < SIZE;
		switch ((rng >> 20) % 3) {
		case 0: {
			int lowest = -1;
			for (int i = SIZE - 1; i >= 0; i--)
				lowest = model[i] ? lowest : i;
			good = idalloc_get(&a) == lowest;
			if (lowest >= 0) {
				model[lowest] = true;
				used++;
			}
			break;
		}
		case 1:
			good = idalloc_get_at(&a, id) == (valid && !model[id] ? id : -1);
			if (valid && !model[id]) {
				model[id] = true;
				used++;
			}
			break;
		default:
			good = idalloc_put(&a, id) == (valid && model[id] ? 0 : -1);
			if (valid && model[id]) {
				model[id] = false;
				used--;
			}
			break;
		}
		good &= a.used == used;
		if (!good)
			tap_diag("diverged at step %d (id %d)", step, id);
	}
	for (int i = 0; i < SIZE; i++)
		good &= idalloc_in_use(&a, i) == model[i];
	TAP_OK(good && canary_intact(SIZE), "20000 random operations agree with a flag array");
}

int main(void)
{
	test_words();
	for (int i = 0; i < NSIZES; i++)
		test_fill(sizes[i]);
	test_misuse();
	test_random();
	return tap_finish();
}
