/* Waiting for any fd's readiness to change: ppoll and pselect6.
 *
 * The files have no per-fd hook for a poller. Instead every change that
 * can make a pipe or the console readable or writable (a write, a read, a
 * close of an end, a committed input line) calls poll_notify, which, when
 * a poller is registered, bumps one global generation and wakes the
 * waiting pollers. A poller registers, reads the generation, scans its
 * fds, and sleeps only if the generation has not moved since: the check
 * and the sleep are one step under the poll lock, so no change between a
 * scan and the sleep is missed. Pollers wake for changes on fds they do
 * not watch too, and rescan: cheap, as few programs poll at once. */
#ifndef KERNEL_SYNC_POLLWAIT_H
#define KERNEL_SYNC_POLLWAIT_H

/* A poller registers for the length of its call. */
void poll_begin(void);
void poll_end(void);
/* The generation to pass to poll_wait_change: read BEFORE the scan. */
unsigned long poll_generation(void);
/* Sleeps until the generation differs from `seen` or until `deadline`
 * (arch_time; POLL_NO_DEADLINE: none): 0, or -EINTR for a kill or a signal
 * to take. */
#define POLL_NO_DEADLINE (~0UL)
long poll_wait_change(unsigned long seen, unsigned long deadline);
/* Out of line: poll_notify when a poller is registered. */
void poll_notify_pollers(void);
extern _Atomic long poll_pollers;   /* in a ppoll or pselect6 call now */

/* A readiness change has been made (and its object lock released): wakes
 * every waiting poller. From any context, interrupts included. Inline up
 * to the usual answer, no poller: the fence orders the change before the
 * count is read, and a poller counts itself before its scan, so a poller
 * this misses scans after the change and sees it. */
static inline void poll_notify(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&poll_pollers, __ATOMIC_RELAXED))
		poll_notify_pollers();
}

#endif
