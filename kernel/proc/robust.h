/* Robust futex lists (set_robust_list): at a thread's death every futex on
 * its list that it still owns is marked FUTEX_OWNER_DIED and one waiter is
 * woken, so that a lock held by a dead thread is not held for ever. */
#ifndef KERNEL_PROC_ROBUST_H
#define KERNEL_PROC_ROBUST_H

struct thread;

/* Walks t's list (t is the calling thread, its address space intact):
 * at most ROBUST_LIST_LIMIT entries, every access checked; a bad pointer
 * ends the walk quietly, as on Linux. Then hands on every PI futex the
 * kernel holds for t (futex_pi_exit), robust or not, as Linux does. */
void robust_list_exit(struct thread *t);

#endif
