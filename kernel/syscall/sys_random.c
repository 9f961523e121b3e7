/* getrandom: bytes from a SplitMix64 stream seeded at first use from the
 * RTC and the time counter. Never blocks (there is no entropy pool to wait
 * for), so GRND_NONBLOCK and GRND_RANDOM change nothing. Good enough for
 * glibc's malloc and hash seeds and for AT_RANDOM-like uses; NOT
 * cryptographic. */
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/clock.h"
#include "kernel/proc/process.h"
#include "kernel/mm/addrspace.h"
#include "arch/riscv/arch.h"
#include <dakota/syscall.h>
#include <dakota/system.h>

#define GOLDEN 0x9e3779b97f4a7c15UL
#define MAX_COUNT 0x1ffffffUL           /* Linux's cap on one call */

static _Atomic unsigned long state;     /* 0: not seeded yet */

static unsigned long next_u64(void)
{
	unsigned long s = __atomic_load_n(&state, __ATOMIC_RELAXED);
	if (!s) {
		unsigned long seed = (clock_boot_realtime_ns() ^ arch_time() * GOLDEN) | 1;
		__atomic_compare_exchange_n(&state, &s, seed, false, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED);
	}
	unsigned long z = __atomic_add_fetch(&state, GOLDEN, __ATOMIC_RELAXED);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
	return z ^ (z >> 31);
}

SYSCALL_DEFINE3(getrandom, unsigned long, ubuf, unsigned long, count, unsigned, flags)
{
	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM))
		return -EINVAL;
	if (count > MAX_COUNT)
		count = MAX_COUNT;
	struct addrspace *as = current_process()->as;
	unsigned long chunk[32], done = 0;
	while (done < count) {
		for (unsigned i = 0; i < 32; i++)
			chunk[i] = next_u64();
		unsigned long n = count - done < sizeof chunk ? count - done : sizeof chunk;
		if (copy_to_user(as, ubuf + done, chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
		if (thread_killed(current_thread()))
			break;              /* a long fill stops for a kill */
	}
	return (long)done;
}
