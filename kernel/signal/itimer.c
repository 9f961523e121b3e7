/* Interval timers: ITIMER_REAL, ITIMER_VIRTUAL and ITIMER_PROF (see
 * itimer.h for the model and the locking). */
#include "kernel/signal/itimer.h"
#include "kernel/signal/signal.h"
#include "kernel/signal/posix_timer.h"
#include "kernel/syscall/clock.h"
#include "kernel/proc/process.h"
#include "kernel/sched/sleep.h"
#include "kernel/sched/processor.h"
#include "arch/riscv/arch.h"
#include <dakota/syscall.h>

static struct list_node armed = { &armed, &armed };   /* proc_tree_lock */
_Atomic unsigned long itimer_earliest_expiry = ~0UL;

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
	__atomic_store_n(&itimer_earliest_expiry, e, __ATOMIC_RELEASE);
}

/* Saturates far beyond any uptime, so that now + value cannot wrap. */
static unsigned long to_ticks(const struct k_timeval *tv)
{
	unsigned long max_sec = (~0UL >> 2) / arch_time_hz;
	if ((unsigned long)tv->tv_sec >= max_sec)
		return max_sec * arch_time_hz;
	return (unsigned long)tv->tv_sec * arch_time_hz +
	       (unsigned long)tv->tv_usec * (arch_time_hz / 1000000);
}

static struct k_timeval to_timeval(unsigned long ticks)
{
	unsigned long usec = ticks / (arch_time_hz / 1000000);
	return (struct k_timeval){ (long)(usec / 1000000), (long)(usec % 1000000) };
}

/* The setting of a timer `left` ticks from expiry (0: disarmed). An armed
 * timer reads as armed: at least 1 us, as on Linux. */
static void to_itimerval(unsigned long left, unsigned long interval, struct k_itimerval *out)
{
	out->it_value = to_timeval(left);
	if (left && !out->it_value.tv_sec && !out->it_value.tv_usec)
		out->it_value.tv_usec = 1;
	out->it_interval = to_timeval(interval);
}

unsigned long itimer_take_due(unsigned long *next, unsigned long interval, unsigned long now)
{
	if (!*next || *next > now)
		return 0;
	if (!interval) {
		*next = 0;
		return 1;
	}
	unsigned long n = (now - *next) / interval + 1;
	*next += n * interval;
	return n;
}

/* Called with proc_tree_lock held. */
static void get_locked(struct process *p, struct k_itimerval *out)
{
	const struct itimer_real *it = &p->sig.itimer;
	unsigned long now = arch_time();
	unsigned long left = it->expires > now ? it->expires - now : (it->expires ? 1 : 0);
	to_itimerval(left, it->interval, out);
}

/* ITIMER_VIRTUAL/PROF; p->lock held, `now` the process's CPU time. */
static void cpu_get_locked(const struct itimer_cpu *it, unsigned long now, struct k_itimerval *out)
{
	unsigned long left = !it->next ? 0 : it->next > now ? it->next - now : 1;
	to_itimerval(left, it->interval, out);
}

void itimer_get(struct process *p, int which, struct k_itimerval *out)
{
	if (which == ITIMER_REAL) {
		spin_lock(&proc_tree_lock);
		get_locked(p, out);
		spin_unlock(&proc_tree_lock);
		return;
	}
	spin_lock(&p->lock);
	cpu_get_locked(&p->sig.cpu_itimer[which - ITIMER_VIRTUAL],
		       clock_process_cpu_ticks_locked(p), out);
	spin_unlock(&p->lock);
}

static bool timeval_valid(const struct k_timeval *tv)
{
	return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

/* ITIMER_VIRTUAL/PROF. The interval is kept even when the value disarms
 * (getitimer shows it), as Linux does. */
static void cpu_set(struct process *p, int which, const struct k_itimerval *val,
		    struct k_itimerval *old)
{
	unsigned long value = to_ticks(&val->it_value);
	spin_lock(&p->lock);
	struct itimer_cpu *it = &p->sig.cpu_itimer[which - ITIMER_VIRTUAL];
	unsigned long now = clock_process_cpu_ticks_locked(p);
	if (old)
		cpu_get_locked(it, now, old);
	int delta = (value != 0) - (it->next != 0);
	it->next = value ? now + value : 0;
	it->interval = to_ticks(&val->it_interval);
	__atomic_fetch_add(&p->sig.cpu_timers, delta, __ATOMIC_RELAXED);
	spin_unlock(&p->lock);
}

long itimer_set(struct process *p, int which, const struct k_itimerval *val,
		struct k_itimerval *old)
{
	if (!timeval_valid(&val->it_value) || !timeval_valid(&val->it_interval))
		return -EINVAL;
	if (which != ITIMER_REAL) {
		cpu_set(p, which, val, old);
		return 0;
	}
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

/* The CPU-time ones go too: the ending thread still takes ticks, whose
 * signal must not be queued after signal_process_release. */
void itimer_release(struct process *p)
{
	spin_lock(&proc_tree_lock);
	if (list_linked(&p->sig.itimer.link)) {
		list_remove(&p->sig.itimer.link);
		update_earliest();
	}
	spin_unlock(&proc_tree_lock);
	spin_lock(&p->lock);
	for (int i = 0; i < 2; i++) {
		if (p->sig.cpu_itimer[i].next)
			__atomic_fetch_sub(&p->sig.cpu_timers, 1, __ATOMIC_RELAXED);
		p->sig.cpu_itimer[i].next = 0;
	}
	spin_unlock(&p->lock);
}

/* ITIMER_VIRTUAL/PROF of p that are due; p->lock held. Several intervals
 * gone by send one signal (a standard signal coalesces anyway). */
static void cpu_itimers_tick_locked(struct process *p)
{
	static const int signo[2] = { SIGVTALRM, SIGPROF };
	struct itimer_cpu *its = p->sig.cpu_itimer;
	if (!its[0].next && !its[1].next)
		return;                 /* only POSIX ones: no need for the sum */
	unsigned long now = clock_process_cpu_ticks_locked(p);
	for (int i = 0; i < 2; i++) {
		struct itimer_cpu *it = &its[i];
		if (!itimer_take_due(&it->next, it->interval, now))
			continue;
		struct k_siginfo info = { .si_signo = signo[i], .si_code = SI_KERNEL };
		signal_send_process_locked(p, &info);
		if (!it->next)
			__atomic_fetch_sub(&p->sig.cpu_timers, 1, __ATOMIC_RELAXED);
	}
}

/* The CPU-time timers of the process whose thread this hart runs (its run
 * time has grown): a process with none armed costs one load, no lock. The
 * thread is running here, so its process is not freed meanwhile. */
static void cpu_tick(struct thread *cur)
{
	struct process *p = cur->proc;
	if (!__atomic_load_n(&p->sig.cpu_timers, __ATOMIC_RELAXED))
		return;
	spin_lock(&p->lock);
	posix_timer_cpu_tick_locked(p);
	cpu_itimers_tick_locked(p);
	spin_unlock(&p->lock);
}

void itimer_expire(unsigned long now)
{
	struct thread *cur = this_processor()->current;
	if (cur)
		cpu_tick(cur);
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
