/* The system-wide id space that Linux pids and thread ids share.
 *
 * One allocator hands out both: a process's pid, and a Linux thread id for
 * every thread other than a process's main thread (whose Linux tid IS the
 * pid), so that no thread id ever equals a live pid of another process. A
 * thread's id returns to the allocator when its control block is freed; a
 * pid when its zombie is reaped.
 *
 * Two views of one struct thread: `t->tid` is the rCore per-process tid
 * (index into proc->threads[], trap-context and stack slot; main thread 0),
 * and linux_tid_of(t) is the Linux id that gettid (178), tgkill, clone's
 * PARENT_SETTID and the robust-list owner field use. */
#ifndef KERNEL_PROC_LINUX_TID_H
#define KERNEL_PROC_LINUX_TID_H

struct thread;

/* A free id (never 0), or -1 when the space is full. Any locks may be held
 * below LOCK_ALLOC. */
int pid_alloc(void);
void pid_free(int id);

/* Gives t (tid > 0) its own Linux id; tid 0 uses the pid. -EAGAIN if none. */
long linux_tid_assign(struct thread *t);
/* Returns t's own id (if it has one) to the allocator. */
void linux_tid_release(struct thread *t);
int linux_tid_of(const struct thread *t);

/* The live (not EXITED) thread whose Linux tid is `ltid`, or NULL. Caller
 * holds proc_tree_lock; on success the thread's process lock is held too,
 * and the caller releases it (t->proc->lock) when done with t: while it is
 * held, t cannot be freed. For tkill/tgkill/get_robust_list. */
struct thread *thread_find_linux_tid(int ltid);

#endif
