/* ITIMER_REAL timers (see itimer.h for the locking). */
#include "kernel/signal/itimer.h"
#include "kernel/signal/signal.h"
#include "kernel/signal/posix_timer.h"
#include "kernel/proc/process.h"
#include "kernel/sched/sleep.h"
#include "kernel/sched/processor.h"
#include "arch/riscv/arch.h"
#include <dakota/syscall.h>

static struct list_node armed = { &armed, &armed };   /* proc_tree_lock */
static _Atomic unsigned long earliest = ~0UL;          /* proc_tree_lock to write */

unsigned long itimer_earliest(void)
{
	return __atomic_load_n(&earliest, __ATOMIC_ACQUIRE);
}

/* Called with proc_tree_lock held. */
static void update_earliest(void)
{
	unsigned long e = ~0UL;
	struct list_node *pos;
	list_for_each(pos, &armed) {
		struct itimer_real *it = list_entry(pos, struct itimer_real, link);
		if (it->expires < e)
			e = it->expires;
	}
	__atomic_store_n(&earliest, e, __ATOMIC_RELEASE);
}

static unsigned long to_ticks(const struct k_timeval *tv)
{
	return (unsigned long)tv->tv_sec * arch_time_hz +
	       (unsigned long)tv->tv_usec * (arch_time_hz / 1000000);
}

static struct k_timeval to_timeval(unsigned long ticks)
{
	unsigned long usec = ticks / (arch_time_hz / 1000000);
	return (struct k_timeval){ (long)(usec / 1000000), (long)(usec % 1000000) };
}

/* Called with proc_tree_lock held. */
static void get_locked(struct process *p, struct k_itimerval *out)
{
	const struct itimer_real *it = &p->sig.itimer;
	unsigned long now = arch_time();
	unsigned long left = it->expires > now ? it->expires - now : (it->expires ? 1 : 0);
	out->it_value = to_timeval(left);
	out->it_interval = to_timeval(it->interval);
}

void itimer_get(struct process *p, struct k_itimerval *out)
{
	spin_lock(&proc_tree_lock);
	get_locked(p, out);
	spin_unlock(&proc_tree_lock);
}

static bool timeval_valid(const struct k_timeval *tv)
{
	return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

long itimer_set(struct process *p, const struct k_itimerval *val, struct k_itimerval *old)
{
	if (!timeval_valid(&val->it_value) || !timeval_valid(&val->it_interval))
		return -EINVAL;
	unsigned long value = to_ticks(&val->it_value);
	spin_lock(&proc_tree_lock);
	struct itimer_real *it = &p->sig.itimer;
	if (old)
		get_locked(p, old);
	if (list_linked(&it->link))
		list_remove(&it->link);
	it->expires = value ? arch_time() + value : 0;
	it->interval = value ? to_ticks(&val->it_interval) : 0;
	if (value)
		list_push_back(&armed, &it->link);
	update_earliest();
	spin_unlock(&proc_tree_lock);
	sleep_arm_timer_for_slice();   /* this hart's timer may be set later */
	return 0;
}

void itimer_arm_locked(struct itimer_real *it, unsigned long expires)
{
	if (!list_linked(&it->link))
		list_push_back(&armed, &it->link);
	it->expires = expires;
	update_earliest();
}

void itimer_disarm_locked(struct itimer_real *it)
{
	if (list_linked(&it->link)) {
		list_remove(&it->link);
		update_earliest();
	}
	it->expires = 0;
}

void itimer_clock_was_set(long delta_ticks)
{
	spin_lock(&proc_tree_lock);
	struct list_node *pos;
	list_for_each(pos, &armed) {
		struct itimer_real *it = list_entry(pos, struct itimer_real, link);
		if (it->abs_realtime)
			it->expires = posix_timer_clock_was_set(it->posix, delta_ticks);
	}
	update_earliest();
	spin_unlock(&proc_tree_lock);
	sleep_arm_timer_for_slice();
}

void itimer_release(struct process *p)
{
	spin_lock(&proc_tree_lock);
	if (list_linked(&p->sig.itimer.link)) {
		list_remove(&p->sig.itimer.link);
		update_earliest();
	}
	spin_unlock(&proc_tree_lock);
}

void itimer_expire(unsigned long now)
{
	struct thread *cur = this_processor()->current;
	if (cur)
		posix_timer_cpu_tick(cur);
	if (itimer_earliest() > now)
		return;
	spin_lock(&proc_tree_lock);
	struct list_node *pos, *next;
	for (pos = armed.next; pos != &armed; pos = next) {
		next = pos->next;
		struct itimer_real *it = list_entry(pos, struct itimer_real, link);
		if (it->expires > now)
			continue;
		if (it->posix) {
			it->expires = posix_timer_expire(it->posix, now);
			if (!it->expires)
				list_remove(&it->link);
			continue;
		}
		struct process *p = (struct process *)((char *)it -
			__builtin_offsetof(struct process, sig.itimer));
		struct k_siginfo info = { .si_signo = SIGALRM, .si_code = SI_KERNEL };
		spin_lock(&p->lock);
		signal_send_process_locked(p, &info);
		spin_unlock(&p->lock);
		if (it->interval) {
			/* No sooner than 1 ms: a tiny interval whose SIGALRM
			 * is ignored would otherwise storm the interrupt. */
			unsigned long soonest = now + arch_time_hz / 1000;
			it->expires += it->interval;
			if (it->expires < soonest)
				it->expires = soonest;
		} else {
			it->expires = 0;
			list_remove(&it->link);
		}
	}
	update_earliest();
	spin_unlock(&proc_tree_lock);
}
