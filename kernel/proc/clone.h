/* Linux clone: which flag combinations Dakota supports, and what a Linux
 * thread does at creation and at its end.
 *
 * Three kinds of clone are supported (anything else is -EINVAL, before
 * anything is made):
 *  - a thread: CLONE_VM|FS|FILES|SIGHAND|THREAD (glibc's set), optionally
 *    SYSVSEM, SETTLS, PARENT_SETTID, CHILD_SETTID, CHILD_CLEARTID; no exit
 *    signal. A new struct thread of the same process, with a trap-context
 *    page but no Dakota stack slot (NO_STACK_SLOT: it runs on the caller's
 *    stack argument).
 *  - a fork: exit signal SIGCHLD, optionally the three tid flags and SETTLS,
 *    optionally a stack for the child.
 *  - a vfork: CLONE_VM|CLONE_VFORK with SIGCHLD (vfork, posix_spawn,
 *    system, popen), the same options. The child is a process of its own
 *    (pid, files, signal actions, sync objects) running in its parent's
 *    address space, the same struct addrspace and page table, until it
 *    execs or ends; the calling thread sleeps until then (killable only, as
 *    Linux: a signal does not end the wait), the parent's other threads run
 *    on. So what the child writes is the parent's (posix_spawn's exec-error
 *    word, a vfork child's variables), and for the space the child is one
 *    more thread: its hart joins as->active_harts, every shootdown reaches
 *    it, and its faults and copy-on-write breaks are the space's.
 *
 * How the sharing holds together (clone.c, process.c, thread.c):
 *  - Lifetime: as->users counts the processes using the space (as_get,
 *    as_put). The child's exec and either side's teardown only put it; the
 *    last put destroys it, with no lock held and no thread left in it. A
 *    parent killed while its child runs leaves the space to the child.
 *  - Per-tid pages: the child's tid 0 takes its trap-context page at
 *    TRAP_CONTEXT(k) (thread.trap_slot), where k is a tid the calling
 *    thread reserves in its own process (p->tids, under p->lock) before the
 *    child exists and gives back when it resumes: no parent thread gets
 *    tid k, so none maps its page over the child's. A killed caller gives
 *    it back at once: its process then ends or an exec replaces its space,
 *    so no thread of it is made in the shared space again; and it gives up
 *    its stack slot (NO_STACK_SLOT), whose region stays in the space until
 *    the space goes, since vfork's child runs on that stack. The child has no
 *    stack slot (it runs on its parent's stack or on the one clone gave)
 *    and may create no thread while it shares (p->vfork_shared, -EAGAIN),
 *    nor vfork again (-EAGAIN): its tids are not the space's.
 *  - The end of the sharing: exec installs a fresh space and puts the old
 *    one (process_exec_switch), then wakes the parent (clone_exec_done); an
 *    exec that fails leaves the child in the shared space, which it leaves
 *    at _exit. The teardown puts the space, then wakes the parent
 *    (clone_vfork_release), so the parent reuses tid k only once the child
 *    is off it for good.
 *  Lock order: the caller's process lock alone (tid reservation); the
 *  child's process lock, then the shared space's lock (its thread's
 *  trap-context page); the process-tree lock, then the child's process
 *  lock (vfork_detach); the child's process lock, then the wait's object
 *  lock (clone_vfork_release). The parent sleeps on the wait holding only
 *  its lock, which wq_sleep_killable drops.
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
/* The process is ending (teardown, no lock held, its space already put):
 * a vfork parent stops waiting. */
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
 * old address space is put): walks t's robust list, since memory shared
 * with other processes (MAP_SHARED) outlives the image, as Linux does at
 * exit and exec. The clear-child-tid word is cleared and woken only while
 * another process uses the memory (a vfork child and its parent), as Linux
 * writes it only while another user of the memory remains. No lock held. */
void clone_image_end(struct thread *t);
/* The scheduler, once a thread that left through clone_exit is off its
 * hart (t->reap_after_switch, lock released, no lock held): frees it, then
 * clears and wakes its clear-child-tid word, so a joiner that wakes finds
 * the thread's frames and ids already returned. */
void clone_reap(struct thread *t);

#endif
