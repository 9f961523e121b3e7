/* Processes: an address space, open files, and a table of threads. */
#ifndef KERNEL_PROC_PROCESS_H
#define KERNEL_PROC_PROCESS_H

#include <stdbool.h>
#include "config.h"
#include "kernel/lib/list.h"
#include "kernel/lib/idalloc.h"
#include "kernel/sync/spinlock.h"
#include "kernel/sync/waitqueue.h"
#include "kernel/sched/sched.h"
#include "kernel/proc/thread.h"
#include <dakota/resource.h>
#include "kernel/signal/sigstate.h"

struct thread;
struct addrspace;
struct file;
struct sync_objects;
struct trap_context;
struct strvec;

/* Open files per process: RLIMIT_NOFILE, and the bound of poll and select.
 * Linux's default soft limit is 1024; 256 keeps a process's table in one
 * allocation of a few pages, and loops over it stop at fd_high. */
#define MAX_FDS 256
#define ENOSYS_BITS 512                       /* every Linux number is below */
#define PROC_NAME_LEN 16

enum process_state { PROC_ALIVE, PROC_ZOMBIE };

/* How a process (or one image of it) ends. Exactly one thread may end it:
 * an exec that takes the process over, or the thread that tears the whole
 * process down (after exit_group, a fault, or a SIGKILL it noticed). The
 * choice is made once, under the process lock, by setting `sole`; every
 * other thread has then been told to exit (its `killed` flag), ends itself
 * only, and wakes `thread_exited` as it goes. A kill from outside never
 * chooses: it sets `exiting` and the status, kills every thread, and the
 * first of them to notice becomes `sole` unless an exec already is; that
 * exec then notices the kill itself and tears down instead. */
struct process {
	/* Guards: threads[], tids, live_threads, files[], exiting, sole,
	 * exit_status (while alive), uid, name, sync objects; also the queue
	 * thread_exited (joins, exec and the teardown wait on it). Held only
	 * for short sections; a waiter sleeps on thread_exited through
	 * wq_sleep, which drops it. Taken after proc_tree_lock, before the
	 * address-space and thread locks. */
	struct spinlock lock;
	int pid;                                  /* fixed */
	int uid;
	char name[PROC_NAME_LEN];
	struct addrspace *as;                     /* replaced only by exec with one thread */
	struct thread *threads[CONFIG_MAX_THREADS];
	struct idalloc tids;
	unsigned long tid_bits[IDALLOC_WORDS(CONFIG_MAX_THREADS)];
	int live_threads;                         /* allocated and not EXITED */
	/* Entries of threads[] in use (EXITED ones not yet freed included):
	 * at 1, the only thread is the one that reads it, which alone could
	 * change it, so that thread may read it without the lock. */
	_Atomic int table_threads;
	bool exiting;                             /* killed: status fixed, no new threads */
	/* The one thread allowed to survive its siblings: an exec between its
	 * takeover and the moment it is alone, or the thread tearing the
	 * process down (then for good). NULL otherwise. While set, no thread
	 * may be created (thread_alloc refuses). */
	struct thread *sole;
	int exit_status;                          /* wait4 encoding; fixed once exiting */
	struct waitqueue thread_exited;
	struct file *files[MAX_FDS];
	unsigned char fd_flags[MAX_FDS];          /* FD_CLOEXEC per fd (file.c) */
	/* Every fd ever installed is below it (it only grows, under lock), so
	 * walks of the table (fork, exec, exit) stop there. */
	int fd_high;
	/* CPU time (arch_time ticks) of the process's threads that are gone,
	 * under lock: with the live threads' it is the process CPU clock. */
	unsigned long dead_thread_ticks;
	/* CPU time of the children it has waited for, and of theirs (times'
	 * tms_cutime, RUSAGE_CHILDREN): added atomically by its wait4s (no
	 * lock), read relaxed. */
	_Atomic unsigned long children_ticks;
	struct sync_objects *sync;
	/* Linux threads (clone.c), under lock: set by the first CLONE_THREAD
	 * clone, it gives exit (93) Linux's meaning for every thread of the
	 * process (ends the caller; the last one ends the process); cleared by
	 * exec. linux_alive, while it is set: threads not yet committed to
	 * leaving by exit; the one that takes it to 0 ends the process. */
	bool linux_threads;
	int linux_alive;
	/* A vfork child's waiting parent (clone.c), under lock; NULL once the
	 * child has exec'd or ended, or the parent stopped waiting. */
	struct vfork_wait *vfork;
	/* A vfork child whose `as` is its parent's (clone.c), under lock: set
	 * before the child first runs, cleared by its exec. Meanwhile it may
	 * create no thread (thread_alloc), and its tid 0 has no stack slot of
	 * its own and a trap-context page the parent reserved. */
	bool vfork_shared;
	struct process_signals sig;               /* actions, shared pending: lock */

	/* Linux per-process state of the calls in kernel/syscall (see
	 * docs/linux-abi.md). rlim/rlim_set: process lock. pgid, sid: the
	 * process-tree lock to write (setpgid looks at other processes),
	 * read without it. umask: atomic. All inherited by fork
	 * (process_alloc); the first process has pgid = sid = 1, umask 022. */
	int gid;                                  /* process lock, like uid */
	struct rlimit rlim[RLIMIT_NLIMITS];       /* valid where rlim_set has the bit */
	unsigned rlim_set;                        /* unset: the default of rlimit.c */
	_Atomic int pgid, sid;
	_Atomic unsigned umask;
	_Atomic int membarrier_registered;        /* MEMBARRIER_CMD_REGISTER_* bits */
	/* Traced by strace=NAMES (kernel/syscall/strace.c): set by the
	 * process's own threads, inherited by fork, never cleared. */
	_Atomic bool strace;
	/* Unimplemented calls already reported (unimplemented.c): one bit per
	 * number below ENOSYS_BITS, atomically set; larger numbers are not
	 * Linux calls and are refused without a word. */
	_Atomic unsigned long enosys_seen[ENOSYS_BITS / 64];

	/* Guarded by the process-tree lock. */
	enum process_state state;
	struct process *parent;
	/* parent's pid (0: none), written with parent under the tree lock and
	 * read without it: getppid needs no lock. */
	_Atomic int ppid;
	struct list_node children;
	struct list_node sibling;
	struct list_node all_link;                /* every process, for ts */
	struct waitqueue child_exited;            /* wait4 sleeps here */
	struct thread *last_thread;               /* of a zombie: freed by wait4 */
	/* A zombie its parent wants none of (SIGCHLD ignored or SA_NOCLDWAIT):
	 * wait4 frees it without reporting it (Linux frees it at once). */
	bool autoreap;
};

extern struct spinlock proc_tree_lock;
extern struct list_node all_processes;        /* proc_tree_lock */

/* Runs the statement after it for each process p on all_processes that is
 * not a zombie (a zombie has no threads left to find or signal); pos is the
 * list cursor. Caller holds proc_tree_lock. */
#define for_each_live_process(p, pos) \
	list_for_each(pos, &all_processes) \
		if (((p) = list_entry(pos, struct process, all_link))->state == PROC_ZOMBIE) \
			continue; \
		else

/* Creates the first process from program `path` with argv and envp. */
long process_spawn_init(const char *path, const struct strvec *argv, const struct strvec *envp);
static inline struct process *current_process(void)
{
	return current_thread()->proc;
}
/* fork: a copy of the calling process with one thread; returns the child pid. */
long process_fork(void);
/* fork, calling prepare(child's thread, arg) before that thread can run
 * (clone.c: the child's stack and tid words). */
long process_fork_prepared(void (*prepare)(struct thread *child, void *arg), void *arg);
/* vfork: process_fork_prepared, but the child runs in the caller's own
 * address space (one more user of it, as_get) until it execs or ends, and
 * its thread's trap-context page is at TRAP_CONTEXT(trap_slot), a tid the
 * caller holds reserved in its process for as long as the child may use it
 * (clone.c). */
long process_vfork_prepared(int trap_slot, void (*prepare)(struct thread *child, void *arg),
			    void *arg);
/* A kill from outside the process (SIGKILL): sets `exiting` and `status`
 * (the first status wins), tells every thread to exit, wakes blocked ones
 * and interrupts running ones. Chooses no thread to tear down: the first
 * one to notice does (process_exit_killed). True for the first call. */
bool process_kill(struct process *p, int status);
/* The decision, under the process lock: true when the calling thread now
 * owns the end of its process (it was free, or the caller already owned it
 * as an exec interrupted by a kill); its siblings have been told to exit,
 * and the process ends with `status` unless a kill fixed one before. False
 * when an exec or another ending owns the process: the caller must end only
 * itself. Pass the result to process_end_self. */
bool process_claim_end(int status);
/* Tears the process down if `claimed`, else ends the calling thread only. */
__attribute__((noreturn)) void process_end_self(bool claimed);
/* exit_group, and exit of tid 0: process_end_self(process_claim_end(status)). */
__attribute__((noreturn)) void process_exit_current(int status);
/* For a thread that finds itself killed: ends the process if it is exiting
 * and nobody else owns its end, else just this thread. */
__attribute__((noreturn)) void process_exit_killed(void);
/* wait4: the pid reported (0 with WNOHANG, or an error). *used, if not
 * NULL, gets the CPU time (arch_time ticks) of a reaped child and of its
 * own waited-for children; 0 for a stop or continue report. */
long process_wait(int pid, unsigned long status_uaddr, int options, unsigned long *used);
/* exec's point of no return: claims the process for the calling thread,
 * kills every other thread and waits (interruptibly) until they have all
 * exited and been freed. 0: the caller is alone and may switch images.
 * -EINTR: an exit or another exec owned the process first, or a kill came
 * while waiting; the caller has been told to exit, must undo its work and
 * return, and the return path ends it (and tears the process down if it
 * still owns the process). */
long process_exec_take(void);
/* After process_exec_take: installs the new address space (with tid 0's
 * trap context `tc` mapped), sync objects and the caller as tid 0 on user
 * stack slot 0 and trap slot 0; lets go of the old image (as_put: a vfork
 * parent may still use it) and of the sharing of a vfork child. */
void process_exec_switch(struct addrspace *as, struct trap_context *tc,
			 struct sync_objects *sync);
struct process *process_find(int pid);      /* proc_tree_lock held */
long process_count(void);

#define W_EXITCODE(code) (((code) & 0xff) << 8)
#define W_SIGNALED(sig)  ((sig) & 0x7f)

#endif
