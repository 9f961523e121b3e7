/* Race-delay injection (see race_delay.h). Each hart draws from its own
 * xorshift64* stream, seeded from the boot seed and the hart id, so the
 * streams need no lock and a replay gives each hart its own sequence back. */
#include "kernel/debug/race_delay.h"

#if CONFIG_RACE_DELAY
#include "kernel/sched/processor.h"
#include "kernel/dev/console.h"
#include "kernel/lib/string.h"
#include "arch/riscv/arch.h"

/* One site visit in DELAY_ONE_IN waits, for up to DELAY_MAX_NS: long enough
 * for another hart to run a few hundred instructions into the window, short
 * enough that the stress suite runs at most a few times slower. */
#define DELAY_ONE_IN 16
#define DELAY_MAX_NS 20000

static unsigned long boot_seed;
static bool armed;                          /* written once, before secondaries schedule */
static unsigned long state[CONFIG_MAX_HARTS];   /* each written by its own hart only */
static unsigned long max_ticks;

static unsigned long splitmix(unsigned long x)
{
	x += 0x9e3779b97f4a7c15UL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9UL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebUL;
	return x ^ (x >> 31);
}

static unsigned long next_random(unsigned hart)
{
	unsigned long x = state[hart];
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	state[hart] = x;
	return x * 0x2545f4914f6cdd1dUL;
}

void race_delay(enum race_site site)
{
	if (!__atomic_load_n(&armed, __ATOMIC_ACQUIRE))
		return;
	/* Interrupts off while the stream advances: an interrupt handler on
	 * this hart may reach a site too. */
	unsigned long irq = arch_irq_save();
	unsigned hart = this_processor()->hart;
	unsigned long r = next_random(hart) ^ (unsigned long)site;
	arch_irq_restore(irq);
	if (r % DELAY_ONE_IN)
		return;
	unsigned long until = arch_time() + (r >> 32) % max_ticks;
	while (arch_time() < until)
		arch_relax();
}

/* race_seed=N (decimal or 0x hex) among the options before init=; 0 if none. */
static unsigned long seed_from(const char *cmdline)
{
	static const char key[] = "race_seed=";
	for (const char *p = cmdline; *p;) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, "init=", 5))
			break;
		if (!strncmp(p, key, sizeof key - 1)) {
			p += sizeof key - 1;
			unsigned base = p[0] == '0' && (p[1] == 'x' || p[1] == 'X') ? 16 : 10;
			p += base == 16 ? 2 : 0;
			unsigned long v = 0;
			for (;; p++) {
				unsigned d = *p >= '0' && *p <= '9' ? (unsigned)(*p - '0')
					   : (*p | 32) >= 'a' && (*p | 32) <= 'f' ? (unsigned)((*p | 32) - 'a' + 10)
					   : 99;
				if (d >= base)
					break;
				v = v * base + d;
			}
			return v;
		}
		while (*p && *p != ' ')
			p++;
	}
	return 0;
}

void race_delay_init(const char *cmdline)
{
	unsigned long seed = seed_from(cmdline);
	if (!seed)
		seed = splitmix(arch_time()) | 1;
	boot_seed = seed;
	for (unsigned h = 0; h < CONFIG_MAX_HARTS; h++)
		state[h] = splitmix(seed + h) | 1;   /* xorshift must not start at 0 */
	max_ticks = arch_time_hz / 1000000 * DELAY_MAX_NS / 1000;
	if (!max_ticks)
		max_ticks = 1;
	kprintf("dakota: race delays on, seed %#lx (replay: race_seed=%#lx)\n", boot_seed, boot_seed);
	__atomic_store_n(&armed, true, __ATOMIC_RELEASE);
}
#endif
