/* Signals: actions, masks, pending sets, sending and delivery (Linux's model
 * with riscv64's numbers and structures, include/dakota/signal.h).
 *
 * Lock order: proc_tree_lock (to find a process), then the process lock,
 * which guards all of a process's signal state and its threads' (sigstate.h),
 * then a thread lock (to wake the receiver), then the run queue. */
#ifndef KERNEL_SIGNAL_SIGNAL_H
#define KERNEL_SIGNAL_SIGNAL_H

#include <stdbool.h>
#include "kernel/signal/sigstate.h"
#include "kernel/proc/thread.h"

struct process;
struct thread;

#define SIGBIT(sig) (1ULL << ((sig) - 1))
/* Never blocked, caught or ignored. */
#define SIG_UNCATCHABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define SIGQUEUE_MAX 1024   /* queued entries per process (RLIMIT_SIGPENDING) */

/* The lowest signal in a non-empty set (no libgcc ctz in the kernel). */
static inline int sigset_first(sigset_k s)
{
	int sig = 1;
	while (!(s & 1)) {
		s >>= 1;
		sig++;
	}
	return sig;
}

static inline bool signal_valid(long sig)
{
	return sig >= 1 && sig <= NSIG_LINUX;
}

/* Life cycle. A new process copies its parent's actions (fork); a new thread
 * its creator's mask; exec resets caught signals to SIG_DFL. release frees
 * whatever is still queued (process teardown, thread free). */
void signal_process_init(struct process *p, struct process *parent);
void signal_thread_init(struct thread *t, const struct thread *creator);
void signal_exec_reset(struct process *p);
void signal_process_release(struct process *p);
void signal_thread_release(struct thread *t);

/* Sending; info->si_signo is the signal. Caller holds p->lock (and may hold
 * proc_tree_lock); p is alive and not a zombie. SIGKILL is for the caller
 * to handle with process_kill before taking p->lock. 0, or -EAGAIN when a
 * real-time signal finds the queue full. */
long signal_send_process_locked(struct process *p, const struct k_siginfo *info);
long signal_send_thread_locked(struct thread *t, const struct k_siginfo *info);
/* A POSIX timer's own entry e (e->info filled, e->timer set) to thread t, or
 * to the process when t is NULL; p->lock held. True if it is now queued;
 * false if the signal was discarded or coalesced with one already pending. */
bool signal_send_entry_locked(struct process *p, struct thread *t, struct sigqueue_entry *e);
/* The same, taking p->lock, and handling SIGKILL. Caller holds
 * proc_tree_lock (a SIGCONT that continues p reports to its parent). */
long signal_send_process(struct process *p, const struct k_siginfo *info);
/* After sending to p with p->lock dropped and proc_tree_lock held: if the
 * send continued a stopped p, tell its parent (wait4 WCONTINUED, SIGCHLD
 * CLD_CONTINUED). */
void signal_report_continued(struct process *p);
/* p has stopped with sig: tell its parent (WUNTRACED, CLD_STOPPED). Caller
 * holds no lock. */
void signal_report_stopped(struct process *p, int sig);
/* Makes t pass through signal_deliver soon (a group stop); p->lock held. */
void signal_kick_locked(struct thread *t);
/* Ctrl-C on the console: SIGINT to every process (one console session, no
 * job control; the shell ignores it and keeps it ignored for background
 * jobs). From the UART interrupt, with no lock held. */
void signal_console_interrupt(void);
/* SIGCHLD to child's parent, with the child's wait4 status. Caller holds
 * proc_tree_lock (child->parent is stable). True if the parent wants no
 * zombie (SIGCHLD ignored, or SA_NOCLDWAIT): wait4 then never reports it. */
bool signal_child_exited(struct process *child, int status);
/* A fault in the calling thread: delivered to its handler if it has one
 * and does not block the signal, in which case it returns true. */
bool signal_fault(int sig, int code, unsigned long addr);

/* Masks (caller holds p->lock): the thread's mask becomes `mask` minus
 * SIGKILL/SIGSTOP, its hint is recomputed, and process-directed signals
 * it now blocks go to a sibling that does not. */
void signal_set_mask_locked(struct thread *t, sigset_k mask);
/* ppoll and pselect6 wait under a temporary mask, as rt_sigsuspend does:
 * begin installs it (saving the caller's own, process lock not held); end
 * puts the saved mask back at once, unless the wait was interrupted
 * (-EINTR): then delivery restores it after the handler has run, so the
 * signal the temporary mask let through is taken under it. */
void signal_temp_mask_begin(sigset_k mask);
void signal_temp_mask_end(long result);
/* t is exiting (caller holds p->lock): process-directed signals it may
 * have been chosen for go to a sibling that does not block them. */
void signal_thread_exiting_locked(struct thread *t);
/* Recomputes t->sig.hint; caller holds p->lock. */
void signal_recalc_locked(struct thread *t);
/* Takes the first deliverable signal in `want` (thread set first, then the
 * process set) into *info: its number, or 0. Caller holds p->lock. */
int signal_dequeue_locked(struct thread *t, sigset_k want, struct k_siginfo *info);

/* True if a signal may interrupt t's wait (read without locks). */
static inline bool signal_pending(const struct thread *t)
{
	return __atomic_load_n(&t->sig.hint, __ATOMIC_ACQUIRE);
}

/* On the way back to user mode: run default actions, build handler frames,
 * restart or fail an interrupted call. */
void signal_deliver(void);
static inline bool signal_work(const struct thread *t)
{
	return signal_pending(t) || t->sig.restart_nr;
}
/* A system call returned -EINTR: remember it for the restart decision. */
void signal_syscall_interrupted(struct thread *t, unsigned long nr, unsigned long a0);
/* The calling thread's call, about to return -EINTR, must be restarted
 * whether or not a handler runs and whatever its SA_RESTART (Linux's
 * ERESTARTNOINTR): for waits whose user-space caller cannot take EINTR. */
void signal_syscall_restart_always(void);

/* Looks a thread up for tgkill (tgid > 0) and tkill (tgid <= 0): by its
 * system-wide Linux tid (gettid 178; a main thread's is the pid), which for
 * tgkill must be a thread of tgid. tgkill also takes Dakota's per-process tid
 * (thread_create's) when no thread of tgid has `tid` as its Linux tid.
 * Caller holds proc_tree_lock; returns the thread with its process lock
 * held, or NULL. */
struct thread *signal_find_thread_lock(int tgid, int tid);

#endif
