/* The signal state a process and each of its threads carry. Types only, so
 * that thread.h and process.h can embed them; the operations are in
 * kernel/signal/signal.h.
 *
 * Locking: everything here is guarded by the owning process's lock
 * (p->lock, LOCK_PROCESS), for the process part and for every thread part
 * alike, except `hint`, which is written under it and read without it
 * (the return-to-user check and the wait-queue sleep check). Queued
 * siginfo entries are kmalloc'd and freed under no lock. */
#ifndef KERNEL_SIGNAL_SIGSTATE_H
#define KERNEL_SIGNAL_SIGSTATE_H

#include <stdbool.h>
#include <stdint.h>
#include <dakota/signal.h>
#include "kernel/lib/list.h"
#include "kernel/sync/waitqueue.h"

typedef uint64_t sigset_k;   /* bit sig-1 stands for signal sig */

struct posix_timer;

struct sigqueue_entry {
	struct list_node link;
	struct k_siginfo info;
	/* The POSIX timer this entry is embedded in (its one signal, never
	 * kmalloc'd or freed by the queue), or NULL (posix_timer.h). */
	struct posix_timer *timer;
};

/* Pending signals and their siginfo, oldest first. A standard signal has at
 * most one entry (it coalesces); a real-time signal one per send. */
struct sigpending {
	sigset_k set;
	struct list_node queue;        /* struct sigqueue_entry, by send order */
};

struct thread_signals {
	sigset_k blocked;
	struct sigpending pending;     /* thread-directed */
	/* A signal may be deliverable (pending and not blocked) for this
	 * thread, or an interrupted call waits to be restarted or failed. */
	_Atomic bool hint;
	/* rt_sigsuspend/ppoll: the mask to put back once a handler frame has
	 * saved the temporary one (or at return, when nothing was delivered). */
	bool restore_mask;
	sigset_k saved_mask;
	/* The call that returned -EINTR on the way out, for SA_RESTART:
	 * its number + 1 (0: none) and first argument. Own thread only. */
	unsigned long restart_nr;
	unsigned long restart_a0;
	/* That call restarts even after a handler without SA_RESTART
	 * (Linux's ERESTARTNOINTR: FUTEX_LOCK_PI). Own thread only. */
	bool restart_always;
	/* A relative nanosleep/clock_nanosleep that a stop (no handler)
	 * interrupted resumes to this arch_time deadline, not a new one
	 * (Linux's restart block); 0: none. Own thread only. */
	unsigned long restart_deadline;
	k_stack_t altstack;            /* ss_flags: 0 or SS_DISABLE */
};

/* An armed timer of a process (itimer.c): ITIMER_REAL's SIGALRM, or a
 * POSIX timer's expiry when `posix` is set (then posix_timer.c decides
 * what it does and when it is next due). */
struct itimer_real {
	unsigned long expires;         /* arch_time of the next expiry; 0 disarmed */
	unsigned long interval;        /* ticks; 0 one-shot (ITIMER_REAL only) */
	struct list_node link;         /* in the itimer list (itimer.c lock) */
	struct posix_timer *posix;     /* fixed; NULL for ITIMER_REAL */
	bool abs_realtime;             /* follows clock_settime (TIMER_ABSTIME on REALTIME) */
};

/* ITIMER_VIRTUAL or ITIMER_PROF (itimer.c): due when the process's CPU
 * time (clock.c's sum of its threads' run time) reaches `next`. */
struct itimer_cpu {
	unsigned long next;            /* process CPU time in ticks; 0 disarmed */
	unsigned long interval;        /* ticks; 0 one-shot */
};

struct process_signals {
	struct k_sigaction action[NSIG_LINUX];
	struct sigpending pending;     /* process-directed */
	int queued;                    /* entries queued in the process and its threads */
	/* One entry for any of the process's pending sets, used before
	 * kmalloc: one signal at a time (the common case) allocates nothing.
	 * Here rather than in every set, so that struct thread stays small. */
	bool inline_busy;
	struct sigqueue_entry inline_entry;
	struct itimer_real itimer;
	/* POSIX timers (timer_create), by id; their count and the next id to
	 * try. Process lock; see posix_timer.h. */
	struct list_node timers;
	int timer_count;
	int timer_next_id;
	/* ITIMER_VIRTUAL and ITIMER_PROF, [which - ITIMER_VIRTUAL]. */
	struct itimer_cpu cpu_itimer[2];
	/* Armed CPU-time timers (POSIX ones and the two above): written under
	 * the lock, read without it by the tick (0: nothing to look at). */
	_Atomic int cpu_timers;
	/* Job control: a stop signal's default action stops every thread
	 * until SIGCONT (or SIGKILL). stopped and stop_wq: the process lock;
	 * the wait4 reports: proc_tree_lock (wait4 reads them under it). */
	bool stopped;
	struct waitqueue stop_wq;
	int stop_report;               /* stop signal not yet seen by WUNTRACED, or 0 */
	bool cont_report;              /* SIGCONT not yet seen by WCONTINUED */
	bool cont_notify;              /* continued: parent's SIGCHLD still to send */
};

#endif
