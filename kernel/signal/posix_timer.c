/* POSIX per-process timers (see posix_timer.h for the model and locking). */
#include "kernel/signal/posix_timer.h"
#include "kernel/signal/itimer.h"
#include "kernel/signal/signal.h"
#include "kernel/syscall/clock.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/linux_tid.h"
#include "kernel/sched/sleep.h"
#include "kernel/mm/kmalloc.h"
#include "arch/riscv/arch.h"
#include <dakota/clock.h>

#define OVERRUN_MAX 0x7fffffff          /* DELAYTIMER_MAX */

struct posix_timer {
	int id;                         /* fixed */
	long clockid;                   /* fixed */
	struct process *proc;           /* fixed */
	/* Process lock. */
	struct list_node link;          /* p->sig.timers */
	int notify;                     /* SIGEV_SIGNAL, _NONE or _THREAD_ID */
	int target;                     /* SIGEV_THREAD_ID: the Linux tid */
	int cpu_tid;                    /* THREAD_CPUTIME_ID: whose run time (Linux tid) */
	bool cpu_armed;                 /* a CPU-time timer counted in sig.cpu_timers */
	/* When the next expiry is due (0: disarmed): arch_time, or for a
	 * CPU-time timer, run time (clock.c) of its process or thread. */
	unsigned long next;
	unsigned long interval;         /* ticks; 0 one-shot */
	int overrun;                    /* expiries while the signal was pending */
	int overrun_last;               /* what the last signal taken reported */
	bool deleted;                   /* gone from the list; freed with its signal */
	struct sigqueue_entry sigq;     /* its signal; linked while pending */
	/* proc_tree_lock. */
	struct itimer_real arm;
};

/* A timer whose signal is pending, or whose interval is shorter than this
 * (1 ms), is looked at again no sooner than this: the expiries meanwhile
 * count as overruns (or go with the next signal), and a tiny interval must
 * not turn into a storm of timer interrupts (its signal may be ignored, so
 * never pending). */
static unsigned long rearm_min(void)
{
	return arch_time_hz / 1000;
}

static int overrun_add(int a, unsigned long n)
{
	unsigned long s = (unsigned long)a + n;
	return s > OVERRUN_MAX ? OVERRUN_MAX : (int)s;
}

static bool is_cpu(const struct posix_timer *t)
{
	return t->clockid == CLOCK_PROCESS_CPUTIME_ID || t->clockid == CLOCK_THREAD_CPUTIME_ID;
}

static struct thread *find_thread_locked(struct process *p, int ltid);

/* The time on t's clock, in ticks; p->lock held. A thread clock whose
 * thread has gone stops. */
static unsigned long now_locked(struct posix_timer *t)
{
	if (t->clockid == CLOCK_PROCESS_CPUTIME_ID)
		return clock_process_cpu_ticks_locked(t->proc);
	if (t->clockid == CLOCK_THREAD_CPUTIME_ID) {
		struct thread *th = find_thread_locked(t->proc, t->cpu_tid);
		return th ? clock_thread_cpu_ticks(th) : 0;
	}
	return arch_time();
}

static void cpu_disarm_locked(struct posix_timer *t)
{
	if (t->cpu_armed)
		__atomic_fetch_sub(&t->proc->sig.cpu_timers, 1, __ATOMIC_RELAXED);
	t->cpu_armed = false;
}

static struct posix_timer *find_locked(struct process *p, int id)
{
	struct list_node *pos;
	list_for_each(pos, &p->sig.timers) {
		struct posix_timer *t = list_entry(pos, struct posix_timer, link);
		if (t->id == id)
			return t;
	}
	return NULL;
}

/* A live thread of p with Linux tid `ltid`, or NULL; p->lock held. */
static struct thread *find_thread_locked(struct process *p, int ltid)
{
	for (int i = 0; i < CONFIG_MAX_THREADS; i++) {
		struct thread *t = p->threads[i];
		if (t && t->state != THREAD_EXITED && !thread_killed(t) && linux_tid_of(t) == ltid)
			return t;
	}
	return NULL;
}

/* How many expiries are due at `now`, moving t->next past them (a one-shot
 * timer is disarmed). p->lock held. */
static unsigned long take_due_locked(struct posix_timer *t, unsigned long now)
{
	return itimer_take_due(&t->next, t->interval, now);
}

/* `due` expiries happened: queue the signal or count them as overruns. */
static void notify_locked(struct posix_timer *t, unsigned long due)
{
	struct process *p = t->proc;
	if (t->notify == SIGEV_NONE)
		return;
	if (list_linked(&t->sigq.link)) {
		t->overrun = overrun_add(t->overrun, due);
		return;
	}
	struct thread *target = NULL;
	if (t->notify == SIGEV_THREAD_ID && !(target = find_thread_locked(p, t->target)))
		return;                 /* its thread has gone: Linux drops it too */
	t->overrun = overrun_add(0, due - 1);
	if (!signal_send_entry_locked(p, target, &t->sigq))
		t->overrun = 0;
}

unsigned long posix_timer_expire(struct posix_timer *t, unsigned long now)
{
	struct process *p = t->proc;
	spin_lock(&p->lock);
	unsigned long due = take_due_locked(t, now);
	if (due)
		notify_locked(t, due);
	unsigned long at = t->next;
	bool quiet = list_linked(&t->sigq.link) || t->interval < rearm_min();
	if (at && quiet && at < now + rearm_min())
		at = now + rearm_min();
	spin_unlock(&p->lock);
	return at;
}

void posix_timer_cpu_tick_locked(struct process *p)
{
	struct list_node *pos;
	list_for_each(pos, &p->sig.timers) {
		struct posix_timer *t = list_entry(pos, struct posix_timer, link);
		if (!t->cpu_armed)
			continue;
		unsigned long due = take_due_locked(t, now_locked(t));
		if (due)
			notify_locked(t, due);
		if (!t->next)
			cpu_disarm_locked(t);
	}
}

unsigned long posix_timer_clock_was_set(struct posix_timer *t, long delta_ticks)
{
	spin_lock(&t->proc->lock);
	long next = (long)t->next - delta_ticks;
	t->next = next < 1 ? 1 : (unsigned long)next;
	spin_unlock(&t->proc->lock);
	return t->next;
}

void posix_timer_dequeued_locked(struct posix_timer *t, struct k_siginfo *info)
{
	/* Expiries since the interrupt last looked (it may be parked) came
	 * while this signal was pending: overruns too. */
	if (!t->deleted && t->interval)
		t->overrun = overrun_add(t->overrun, take_due_locked(t, now_locked(t)));
	info->u.timer.overrun = t->overrun;
	t->overrun_last = t->overrun;
	t->overrun = 0;
}

void posix_timer_signal_gone_locked(struct posix_timer *t)
{
	if (t->deleted)
		kfree(t);
}

/* Off the armed list and the process's; freed now or with its signal.
 * proc_tree_lock and p->lock held. */
static void destroy_locked(struct posix_timer *t)
{
	itimer_disarm_locked(&t->arm);
	cpu_disarm_locked(t);
	list_remove(&t->link);
	t->proc->sig.timer_count--;
	if (list_linked(&t->sigq.link))
		t->deleted = true;
	else
		kfree(t);
}

static long check_sigevent(struct process *p, const struct k_sigevent *ev)
{
	switch (ev->notify) {
	case SIGEV_THREAD_ID:
		if (!find_thread_locked(p, ev->tid))
			return -EINVAL;
		/* fall through */
	case SIGEV_SIGNAL:
	case SIGEV_THREAD:      /* as Linux: a plain signal to the process */
		return signal_valid(ev->signo) ? 0 : -EINVAL;
	case SIGEV_NONE:
		return 0;
	default:
		return -EINVAL;
	}
}

/* The lowest free id from timer_next_id on; p->lock held, room checked. */
static int alloc_id_locked(struct process *p)
{
	int id = p->sig.timer_next_id;
	while (find_locked(p, id))
		id = id == OVERRUN_MAX ? 0 : id + 1;
	p->sig.timer_next_id = id == OVERRUN_MAX ? 0 : id + 1;
	return id;
}

static void init_timer(struct posix_timer *t, struct process *p, long clockid,
		       const struct k_sigevent *ev)
{
	t->clockid = clockid;
	t->proc = p;
	t->notify = ev->notify == SIGEV_THREAD ? SIGEV_SIGNAL : ev->notify;
	t->target = ev->tid;
	list_init(&t->sigq.link);
	t->sigq.timer = t;
	t->sigq.info.si_signo = ev->signo;
	t->sigq.info.si_code = SI_TIMER;
	t->sigq.info.u.timer.tid = t->id;
	t->sigq.info.u.timer.value = ev->value;
	list_init(&t->arm.link);
	t->arm.posix = t;
}

/* The clock a timer may run on: clockid itself, or a CPU-time clock of the
 * caller's process or thread (*cpu_tid: whose run time). Other processes'
 * and threads' CPU clocks have no timers here (-EOPNOTSUPP). */
static long timer_clock(struct process *p, long clockid, int *cpu_tid)
{
	struct thread *self = current_thread();
	*cpu_tid = linux_tid_of(self);
	if (clockid == CLOCK_REALTIME || clockid == CLOCK_MONOTONIC || clockid == CLOCK_BOOTTIME ||
	    clockid == CLOCK_PROCESS_CPUTIME_ID || clockid == CLOCK_THREAD_CPUTIME_ID)
		return clockid;
	struct timespec probe;
	if (clock_now(clockid, &probe))
		return -EINVAL;
	int id;
	long kind = clock_cpu_decode(clockid, &id);
	if (kind == CLOCK_PROCESS_CPUTIME_ID && (id == 0 || id == p->pid))
		return kind;
	if (kind == CLOCK_THREAD_CPUTIME_ID && (id == 0 || id == *cpu_tid))
		return kind;
	return -EOPNOTSUPP;          /* a clock without timers: Linux's answer */
}

long posix_timer_create(struct process *p, long clockid, const struct k_sigevent *ev)
{
	int cpu_tid;
	clockid = timer_clock(p, clockid, &cpu_tid);
	if (clockid < 0)
		return clockid;
	struct posix_timer *t = kmalloc(sizeof *t);
	if (!t)
		return -ENOMEM;
	spin_lock(&p->lock);
	long err = ev ? check_sigevent(p, ev) : 0;
	if (!err && p->sig.timer_count >= POSIX_TIMER_MAX)
		err = -EAGAIN;
	if (err) {
		spin_unlock(&p->lock);
		kfree(t);
		return err;
	}
	t->id = alloc_id_locked(p);
	struct k_sigevent def = { .value = t->id, .signo = SIGALRM, .notify = SIGEV_SIGNAL };
	init_timer(t, p, clockid, ev ? ev : &def);
	t->cpu_tid = cpu_tid;
	list_push_back(&p->sig.timers, &t->link);
	p->sig.timer_count++;
	spin_unlock(&p->lock);
	return t->id;
}

/* p->lock held. */
static void get_locked(struct posix_timer *t, struct k_itimerspec *out)
{
	unsigned long now = now_locked(t);
	if (t->notify == SIGEV_NONE || list_linked(&t->sigq.link)) {
		/* No interrupt will count these: a SIGEV_NONE timer is never
		 * armed, and a pending signal makes them overruns. */
		unsigned long due = take_due_locked(t, now);
		if (t->notify != SIGEV_NONE)
			t->overrun = overrun_add(t->overrun, due);
	}
	unsigned long left = !t->next ? 0 : t->next > now ? t->next - now : 1;
	out->it_value = ticks_to_timespec(left);
	out->it_interval = ticks_to_timespec(t->interval);
	if (left && !out->it_value.tv_sec && !out->it_value.tv_nsec)
		out->it_value.tv_nsec = 1;   /* armed reads as armed */
}

static bool timespec_zero(const struct timespec *ts)
{
	return !ts->tv_sec && !ts->tv_nsec;
}

/* proc_tree_lock and p->lock held; val valid. */
static void set_locked(struct posix_timer *t, int flags, const struct k_itimerspec *val)
{
	itimer_disarm_locked(&t->arm);
	cpu_disarm_locked(t);
	t->next = 0;
	t->interval = 0;
	t->overrun = t->overrun_last = 0;
	if (timespec_zero(&val->it_value))
		return;
	bool abs = flags & TIMER_ABSTIME;
	if (is_cpu(t)) {
		unsigned long v = timespec_to_ticks(&val->it_value);
		t->next = abs ? v : now_locked(t) + v;
		t->next += !t->next;
	} else {
		t->next = clock_deadline(t->clockid, &val->it_value, abs);
	}
	t->interval = timespec_to_ticks(&val->it_interval);
	if (!t->interval && !timespec_zero(&val->it_interval))
		t->interval = 1;        /* below one tick: every tick */
	t->arm.abs_realtime = abs && t->clockid == CLOCK_REALTIME;
	if (t->notify == SIGEV_NONE)
		return;                 /* timer_gettime alone looks at it */
	if (is_cpu(t)) {
		t->cpu_armed = true;    /* the scheduler tick looks at it */
		__atomic_fetch_add(&t->proc->sig.cpu_timers, 1, __ATOMIC_RELAXED);
	} else {
		itimer_arm_locked(&t->arm, t->next);
	}
}

long posix_timer_settime(struct process *p, int id, int flags, const struct k_itimerspec *val,
			 struct k_itimerspec *old)
{
	if (!timespec_valid(&val->it_value) || !timespec_valid(&val->it_interval))
		return -EINVAL;
	spin_lock(&proc_tree_lock);
	spin_lock(&p->lock);
	struct posix_timer *t = find_locked(p, id);
	if (t && old)
		get_locked(t, old);
	if (t)
		set_locked(t, flags, val);
	spin_unlock(&p->lock);
	spin_unlock(&proc_tree_lock);
	if (!t)
		return -EINVAL;
	sleep_arm_timer_for_slice();    /* this hart's timer may be due later */
	return 0;
}

long posix_timer_gettime(struct process *p, int id, struct k_itimerspec *out)
{
	spin_lock(&p->lock);
	struct posix_timer *t = find_locked(p, id);
	if (t)
		get_locked(t, out);
	spin_unlock(&p->lock);
	return t ? 0 : -EINVAL;
}

long posix_timer_getoverrun(struct process *p, int id)
{
	spin_lock(&p->lock);
	struct posix_timer *t = find_locked(p, id);
	long r = t ? t->overrun_last : -EINVAL;
	spin_unlock(&p->lock);
	return r;
}

long posix_timer_delete(struct process *p, int id)
{
	spin_lock(&proc_tree_lock);
	spin_lock(&p->lock);
	struct posix_timer *t = find_locked(p, id);
	if (t)
		destroy_locked(t);
	spin_unlock(&p->lock);
	spin_unlock(&proc_tree_lock);
	return t ? 0 : -EINVAL;
}

void posix_timer_release_all(struct process *p)
{
	spin_lock(&proc_tree_lock);
	spin_lock(&p->lock);
	while (!list_empty(&p->sig.timers))
		destroy_locked(list_entry(list_front(&p->sig.timers), struct posix_timer, link));
	p->sig.timer_next_id = 0;
	spin_unlock(&p->lock);
	spin_unlock(&proc_tree_lock);
}
