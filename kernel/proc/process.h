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

struct thread;
struct addrspace;
struct file;
struct sync_objects;

#define MAX_FDS 16
#define PROC_NAME_LEN 16

enum process_state { PROC_ALIVE, PROC_ZOMBIE };

struct process {
	/* Guards: threads[], tids, live_threads, files[], exiting, teardown,
	 * exit_status (while alive), uid, name, sync objects; also the queue
	 * thread_exited (joins and the teardown wait on it). */
	struct spinlock lock;
	int pid;                                  /* fixed */
	int uid;
	char name[PROC_NAME_LEN];
	struct addrspace *as;                     /* replaced only by exec with one thread */
	struct thread *threads[CONFIG_MAX_THREADS];
	struct idalloc tids;
	unsigned long tid_bits[IDALLOC_WORDS(CONFIG_MAX_THREADS)];
	int live_threads;                         /* allocated and not EXITED */
	bool exiting;                             /* being killed: no new threads */
	bool teardown;                            /* a thread has claimed the teardown */
	int exit_status;                          /* wait4 encoding */
	struct waitqueue thread_exited;
	struct file *files[MAX_FDS];
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
};

extern struct spinlock proc_tree_lock;
extern struct list_node all_processes;        /* proc_tree_lock */

/* Creates the first process from program `path` with `argv`. */
long process_spawn_init(const char *path, char *const argv[]);
static inline struct process *current_process(void)
{
	return current_thread()->proc;
}
/* fork: a copy of the calling process with one thread; returns the child pid. */
long process_fork(void);
/* fork, calling prepare(child's thread, arg) before that thread can run
 * (clone.c: the child's stack and tid words). */
long process_fork_prepared(void (*prepare)(struct thread *child, void *arg), void *arg);
/* Starts the end of the process with status `status` (wait4 encoding):
 * every thread is told to exit, blocked ones are woken, running ones are
 * interrupted. Safe to call several times: the first status wins, and only
 * the first call returns true. */
bool process_kill(struct process *p, int status);
/* The calling thread must exit: tears the process down if it is being
 * killed and nobody has claimed that yet, else exits just this thread. */
__attribute__((noreturn)) void process_exit_current(int status);
long process_wait(int pid, unsigned long status_uaddr, int options);
long process_kill_pid(int pid, int sig);
/* Kills every thread except the caller's and waits for them (exec). */
void process_reduce_to_current_thread(void);
struct process *process_find(int pid);      /* proc_tree_lock held */
long process_count(void);

#define W_EXITCODE(code) (((code) & 0xff) << 8)
#define W_SIGNALED(sig)  ((sig) & 0x7f)

#endif
