/* Race-delay injection: short, seeded pseudo-random busy waits at the places
 * where harts race, to widen windows that a normal run hits once in a
 * thousand boots. Compiled in only where CONFIG_RACE_DELAY is 1: always in
 * dakota-race.elf, the kernel the stress suite boots, and in dakota.elf
 * when configured with -Drace_delay=true. Otherwise race_delay() is an
 * empty inline function and costs nothing.
 *
 * The seed is printed at boot ("dakota: race delays on, seed S"); booting
 * with `race_seed=S` on the kernel command line (before init=) gives every
 * hart the same sequence of delays again. QEMU's harts still run at the
 * host's whim, so a replay makes a failure likelier, not certain.
 *
 * Adding a site: add an enumerator below (before RACE_SITES), then call
 * race_delay(RACE_...) at the point where another hart's action should be
 * given time to fall in between. Sites may be reached with interrupts off
 * and with spinlocks held; race_delay neither sleeps nor takes a lock. */
#ifndef KERNEL_DEBUG_RACE_DELAY_H
#define KERNEL_DEBUG_RACE_DELAY_H

#include "config.h"

#ifndef CONFIG_RACE_DELAY
#define CONFIG_RACE_DELAY 0
#endif

enum race_site {
	RACE_UNLOCK,          /* a spinlock has just been released */
	RACE_IDLE_WFI,        /* idle hart: queue found empty, about to wfi */
	RACE_RQ_PUSH,         /* thread queued, idle hart not yet kicked */
	RACE_WAIT_QUEUED,     /* on a wait queue, not yet marked blocked */
	RACE_SWITCH_OUT,      /* thread switched out, its lock not yet handed on */
	RACE_PTE_SHOOTDOWN,   /* mm: PTE cleared, remote TLBs not yet shot down */
	RACE_EXIT_REAP,       /* proc: thread has exited, not yet reaped */
	RACE_SITES
};

#if CONFIG_RACE_DELAY
void race_delay(enum race_site site);
/* Takes race_seed=N from the command line (else a seed from the clock) and
 * prints it. Before it runs, race_delay does nothing. */
void race_delay_init(const char *cmdline);
#else
static inline void race_delay(enum race_site site) { (void)site; }
static inline void race_delay_init(const char *cmdline) { (void)cmdline; }
#endif

#endif
