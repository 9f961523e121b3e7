/* Bitmap id allocator. Bit `id % IDALLOC_WORD_BITS` of word
 * `id / IDALLOC_WORD_BITS` is set while id is in use; `used` counts them.
 * The bits of the last word beyond `size` stay clear and are never looked
 * at: idalloc_get scans only while used < size, so some real id is free,
 * and real ids come before those bits. */
#include "kernel/lib/idalloc.h"

static bool in_range(const struct idalloc *a, int id)
{
	return id >= 0 && id < a->size;
}

static unsigned long bit_of(int id)
{
	return 1UL << (id % IDALLOC_WORD_BITS);
}

static unsigned long *word_of(const struct idalloc *a, int id)
{
	return &a->bits[id / IDALLOC_WORD_BITS];
}

/* Index of the lowest set bit of x, which must not be 0. By halving rather
 * than __builtin_ctzl, which is a libgcc call on RISC-V without Zbb. */
static int lowest_set_bit(unsigned long x)
{
	int index = 0;
	for (int half = IDALLOC_WORD_BITS / 2; half > 0; half /= 2) {
		unsigned long low_mask = (1UL << half) - 1;
		if (!(x & low_mask)) {
			x >>= half;
			index += half;
		}
	}
	return index;
}

void idalloc_init(struct idalloc *a, unsigned long *bits, int size)
{
	a->bits = bits;
	a->size = size > 0 ? size : 0;
	a->used = 0;
	for (int w = 0; w < IDALLOC_WORDS(a->size); w++)
		bits[w] = 0;
}

int idalloc_get(struct idalloc *a)
{
	if (a->used == a->size)
		return -1;
	int words = IDALLOC_WORDS(a->size);
	for (int w = 0; w < words; w++) {
		unsigned long free = ~a->bits[w];
		if (free) {
			int id = w * IDALLOC_WORD_BITS + lowest_set_bit(free);
			a->bits[w] |= bit_of(id);
			a->used++;
			return id;
		}
	}
	return -1;      /* unreachable: used < size means a bit is clear */
}

int idalloc_get_at(struct idalloc *a, int id)
{
	if (!in_range(a, id) || (*word_of(a, id) & bit_of(id)))
		return -1;
	*word_of(a, id) |= bit_of(id);
	a->used++;
	return id;
}

int idalloc_put(struct idalloc *a, int id)
{
	if (!idalloc_in_use(a, id))
		return -1;
	*word_of(a, id) &= ~bit_of(id);
	a->used--;
	return 0;
}

bool idalloc_in_use(const struct idalloc *a, int id)
{
	return in_range(a, id) && (*word_of(a, id) & bit_of(id));
}
