/* splitmix64 over a shared 64-bit state. The state starts from nothing and
 * every call adds the time counter (rdtime: its low bits differ between
 * boots and between calls, the only entropy QEMU's virt machine gives us
 * without a virtio-rng device) and the golden-ratio step, so two callers
 * racing on the state still get different outputs. */
#include "kernel/lib/random.h"
#include "kernel/lib/string.h"
#include "arch/riscv/arch.h"

static _Atomic unsigned long state;

static unsigned long next64(void)
{
	unsigned long z = __atomic_add_fetch(&state, 0x9e3779b97f4a7c15UL + (arch_time() << 1),
					     __ATOMIC_RELAXED);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
	return z ^ (z >> 31);
}

void random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n) {
		unsigned long v = next64();
		size_t k = n < sizeof v ? n : sizeof v;
		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
}
