/* Id allocator: hands out the integers 0 .. size-1, tracked in a bitmap that
 * the caller provides (bit set: id in use), so it needs no memory of its own
 * and works before any allocator does.
 *
 * idalloc_get returns the LOWEST free id, so freed ids are reused before
 * higher ones: ids stay dense and small enough to index fixed tables.
 *
 * No locking inside: the caller's own lock must serialise every call on one
 * allocator, idalloc_in_use included. */
#ifndef KERNEL_LIB_IDALLOC_H
#define KERNEL_LIB_IDALLOC_H

#include <stdbool.h>

#define IDALLOC_WORD_BITS ((int)(8 * sizeof(unsigned long)))

/* How many unsigned longs a bitmap for n ids needs; a constant expression
 * when n is one, so it can size a static array. */
#define IDALLOC_WORDS(n) (((n) + IDALLOC_WORD_BITS - 1) / IDALLOC_WORD_BITS)

struct idalloc {
	unsigned long *bits;    /* IDALLOC_WORDS(size) words */
	int size;               /* ids are 0 .. size-1 */
	int used;               /* ids currently in use */
};

/* Every id starts out free. bits must hold IDALLOC_WORDS(size) words. */
void idalloc_init(struct idalloc *a, unsigned long *bits, int size);

/* The lowest free id, now in use; -1 if all are in use. */
int idalloc_get(struct idalloc *a);

/* Takes exactly `id` and returns it; -1 if it is in use or out of range. */
int idalloc_get_at(struct idalloc *a, int id);

/* Frees id; -1 (and no change) if it is out of range or not in use. */
int idalloc_put(struct idalloc *a, int id);

/* False for ids out of range. */
bool idalloc_in_use(const struct idalloc *a, int id);

#endif
