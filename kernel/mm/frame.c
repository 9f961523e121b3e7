/* Frame allocator: a bitmap of every managed frame (1 = in use) plus a byte
 * per frame giving the length of the run that starts there, so a multi-page
 * block can be freed from its first address alone, and a count per frame of
 * its extra owners (copy-on-write: address spaces that map one user page
 * after a fork), so that the last owner's frame_free frees it. */
#include <stdint.h>
#include "kernel/mm/frame.h"
#include "kernel/lib/string.h"
#include "kernel/sync/spinlock.h"
#include "kernel/panic.h"
#include "arch/riscv/arch.h"

static struct spinlock lock = SPINLOCK_INIT("frames", LOCK_FRAMES);
/* All guarded by `lock`. */
static unsigned long base, frames, free_count, hint;
static unsigned long *used;          /* bitmap */
static uint8_t *run_length;          /* pages in the run that starts here */
/* Owners beyond the first of a single-page frame: atomic, not under `lock`
 * (frame_share and frame_free change it; the frame is in use meanwhile). */
static uint32_t *extra_owners;
static long fail_after = -1;

static bool is_used(unsigned long i) { return used[i / 64] >> (i % 64) & 1; }
static void set_used(unsigned long i) { used[i / 64] |= 1UL << (i % 64); }
static void set_free(unsigned long i) { used[i / 64] &= ~(1UL << (i % 64)); }

void frame_init(unsigned long start, unsigned long end)
{
	start = PAGE_ROUND_UP(start);
	end = PAGE_ROUND_DOWN(end);
	unsigned long n = (end - start) / PAGE_SIZE;
	unsigned long bitmap_bytes = (n + 63) / 64 * 8;
	unsigned long runs_bytes = (n + 3) / 4 * 4;   /* keeps extra_owners aligned */
	unsigned long meta = PAGE_ROUND_UP(bitmap_bytes + runs_bytes + n * sizeof *extra_owners);
	used = (unsigned long *)start;
	run_length = (uint8_t *)(start + bitmap_bytes);
	extra_owners = (uint32_t *)(start + bitmap_bytes + runs_bytes);
	memset(used, 0, meta);
	base = start;
	frames = n;
	free_count = n;
	frame_reserve(start, start + meta);
}

void frame_reserve(unsigned long start, unsigned long end)
{
	spin_lock(&lock);
	for (unsigned long a = PAGE_ROUND_DOWN(start); a < end; a += PAGE_SIZE) {
		if (a < base || a >= base + frames * PAGE_SIZE)
			continue;
		unsigned long i = (a - base) / PAGE_SIZE;
		if (!is_used(i)) {
			set_used(i);
			free_count--;
		}
	}
	spin_unlock(&lock);
}

/* Called with lock held: index of the first of `pages` free frames, or -1. */
static long find_run(unsigned pages)
{
	for (unsigned long pass = 0; pass < 2; pass++) {
		unsigned long i = pass ? 0 : hint;
		unsigned long stop = pass ? hint : frames;
		while (i < stop) {
			if (used[i / 64] == ~0UL) {
				i = (i / 64 + 1) * 64;
				continue;
			}
			unsigned long n = 0;
			while (n < pages && i + n < frames && !is_used(i + n))
				n++;
			if (n == pages)
				return (long)i;
			i += n + 1;
		}
	}
	return -1;
}

static void *take_run(unsigned pages)
{
	if (pages == 0 || pages > 255)
		return NULL;
	spin_lock(&lock);
	long i = -1;
	if (fail_after != 0 && free_count >= pages)
		i = find_run(pages);
	if (i < 0) {
		spin_unlock(&lock);
		return NULL;
	}
	if (fail_after > 0)
		fail_after--;
	for (unsigned k = 0; k < pages; k++)
		set_used((unsigned long)i + k);
	run_length[i] = (uint8_t)pages;
	free_count -= pages;
	hint = (unsigned long)i + pages;
	spin_unlock(&lock);
	return (void *)(base + (unsigned long)i * PAGE_SIZE);
}

void *frame_alloc_run(unsigned pages)
{
	void *p = take_run(pages);
	if (p)
		memset(p, 0, pages * PAGE_SIZE);
	return p;
}

void *frame_alloc_dirty(void)
{
	return take_run(1);
}

void *frame_alloc(void)
{
	return frame_alloc_run(1);
}

void frame_free_run(void *first)
{
	unsigned long a = (unsigned long)first;
	if (a & (PAGE_SIZE - 1) || a < base || a >= base + frames * PAGE_SIZE)
		panic("frame_free: %p is not a managed frame", first);
	unsigned long i = (a - base) / PAGE_SIZE;
	spin_lock(&lock);
	unsigned pages = run_length[i];
	if (!pages || !is_used(i))
		panic("frame_free: %p is not the start of an allocated run (double free?)", first);
	for (unsigned k = 0; k < pages; k++)
		set_free(i + k);
	run_length[i] = 0;
	free_count += pages;
	if (i < hint)
		hint = i;
	spin_unlock(&lock);
}

/* The index of a managed single frame, or a panic naming the caller's bug. */
static unsigned long frame_index(void *page, const char *who)
{
	unsigned long a = (unsigned long)page;
	if (a & (PAGE_SIZE - 1) || a < base || a >= base + frames * PAGE_SIZE)
		panic("%s: %p is not a managed frame", who, page);
	return (a - base) / PAGE_SIZE;
}

void frame_share(void *page)
{
	__atomic_fetch_add(&extra_owners[frame_index(page, "frame_share")], 1, __ATOMIC_RELAXED);
}

bool frame_is_shared(void *page)
{
	return __atomic_load_n(&extra_owners[frame_index(page, "frame_is_shared")],
			       __ATOMIC_ACQUIRE) != 0;
}

/* An owner that lets go of a shared frame only drops the count; the one
 * that finds no other owner frees it. The release and acquire pair the
 * other owners' last use of the page (their copy of it, made before they
 * let go) with the frame's next life. */
void frame_free(void *page)
{
	uint32_t *owners = &extra_owners[frame_index(page, "frame_free")];
	uint32_t n = __atomic_load_n(owners, __ATOMIC_ACQUIRE);
	while (n && !__atomic_compare_exchange_n(owners, &n, n - 1, false, __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE))
		;
	if (!n)
		frame_free_run(page);
}

unsigned frame_run_length(void *first)
{
	unsigned long a = (unsigned long)first;
	if (a < base || a >= base + frames * PAGE_SIZE)
		return 0;
	return run_length[(a - base) / PAGE_SIZE];
}

unsigned long frame_free_count(void)
{
	return __atomic_load_n(&free_count, __ATOMIC_RELAXED);
}

unsigned long frame_total_count(void)
{
	return frames;
}

void frame_set_fail_after(long n)
{
	spin_lock(&lock);
	fail_after = n;
	spin_unlock(&lock);
}
