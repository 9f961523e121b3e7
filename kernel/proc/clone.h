/* Linux clone: which flag combinations Dakota supports, and what a Linux
 * thread does at creation and at its end.
 *
 * Two kinds of clone are supported (anything else is -EINVAL, before
 * anything is made):
 *  - a thread: CLONE_VM|FS|FILES|SIGHAND|THREAD (glibc's set), optionally
 *    SYSVSEM, SETTLS, PARENT_SETTID, CHILD_SETTID, CHILD_CLEARTID; no exit
 *    signal. A new struct thread of the same process, with a trap-context
 *    page but no Dakota stack slot (NO_STACK_SLOT: it runs on the caller's
 *    stack argument).
 *  - a fork: exit signal SIGCHLD, optionally the three tid flags and SETTLS,
 *    optionally a stack for the child.
 *  - a vfork: CLONE_VM|CLONE_VFORK with SIGCHLD (vfork, posix_spawn), the
 *    same options. The child gets a COPY of the address space (Dakota does
 *    not share one between processes), so what it writes before exec is not
 *    seen by the parent (posix_spawn's exec-error report among it: the
 *    parent then sees success and the child's status 127); the parent
 *    sleeps until the child execs or ends, or the parent is killed.
 *
 * A process becomes "Linux-threaded" at its first thread clone: from then
 * on exit (93) ends only the calling thread and the last one to leave ends
 * the process with its code (clone_exit), whereas a process whose threads
 * come from thread_create keeps the rCore meaning. */
#ifndef KERNEL_PROC_CLONE_H
#define KERNEL_PROC_CLONE_H

struct thread;
struct process;

struct clone_req {
	unsigned long flags;        /* without the exit signal */
	unsigned long exit_signal;
	unsigned long stack;        /* initial sp; 0: the caller's */
	unsigned long parent_tid;
	unsigned long tls;
	unsigned long child_tid;
};

/* The Linux tid of the new thread or the pid of the new process; -EINVAL
 * for an unsupported combination, -EAGAIN over a bound, -ENOMEM. */
long clone_do(const struct clone_req *r);

/* exec has replaced the image of t's process (after the point of no
 * return, no lock held): the process is single-threaded again with the
 * rCore exit meaning, t's tid words belonged to the old image, and a vfork
 * parent stops waiting. */
void clone_exec_done(struct thread *t);
/* The process is ending (teardown, no lock held): a vfork parent stops
 * waiting. */
void clone_vfork_release(struct process *p);

/* Counts a thread just allocated in p (p->lock held, by the thread's
 * creator): clone threads, and thread_create threads of a Linux-threaded
 * process; the first clone thread marks the process. */
void clone_count_new_thread(struct process *p);
/* Linux exit (93) of a Linux-threaded process; never returns. A clone
 * thread or the main thread is freed by the scheduler (clone_reap); a
 * thread_create thread ends through thread_exit, joinable as ever. */
__attribute__((noreturn)) void clone_exit(int code);
/* Called by every thread that ends through thread_exit, in its own
 * context while its address space is intact: robust list, then the
 * clear-child-tid word (write 0, wake one waiter). Cheap when unused. */
void clone_exit_notify(struct thread *t);
/* t's image is going while t itself carries on in the kernel (the
 * teardown of its process, after its siblings are gone; an exec, before the
 * old address space is destroyed): walks t's robust list, since memory
 * shared with other processes (MAP_SHARED) outlives the image, as Linux does
 * at exit and exec. The clear-child-tid word is left alone: Linux writes it
 * only while another user of the memory remains. No lock held. */
void clone_image_end(struct thread *t);
/* The scheduler, once a thread that left through clone_exit is off its
 * hart (t->reap_after_switch, lock released, no lock held): frees it, then
 * clears and wakes its clear-child-tid word, so a joiner that wakes finds
 * the thread's frames and ids already returned. */
void clone_reap(struct thread *t);

#endif
