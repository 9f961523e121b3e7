/* Dakota user library: threads, in the shape of pthreads / std::thread,
 * in both of the kernel's models side by side.
 *
 *  - thread_spawn(&t, fn, arg): an rCore thread (thread_create, 1000): the
 *    kernel gives it a stack slot, returning from fn ends it with the value,
 *    and thread_wait joins it with thread_join (1002/1003), which reaps it.
 *  - thread(fn, arg, &t): the uCore / Linux shape: a MAP_STACK stack is
 *    mmapped (filled on demand) and clone(CLONE_VM|FS|FILES|SIGHAND|THREAD|
 *    SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID) starts fn(arg) on it with
 *    tp = &t; thread_wait sleeps on the clear-child-tid word (t.ctid) until
 *    the kernel clears it at the thread's end, then unmaps the stack. Its
 *    id is the system-wide Linux tid. A process that starts one gets
 *    Linux's exit (93): thread_exit ends only the calling thread.
 *
 * t must stay in place until thread_wait returns. */
#ifndef USER_THREAD_H
#define USER_THREAD_H

#include "syscall.h"

enum thread_kind { THREAD_RCORE = 0, THREAD_CLONE = 1 };

typedef struct {
	long tid;                 /* rCore tid, or Linux tid for clone threads */
	int kind;                 /* enum thread_kind */
	void *self;               /* this thread_t, for thread_wait_copy */
	/* Clone threads only. */
	volatile uint32_t ctid;   /* Linux tid until the thread has ended, then 0 */
	long (*fn)(void *);
	void *arg;
	long ret;                 /* fn's value */
	void *stack;
	unsigned long stack_size;
} thread_t;

#define THREAD_STACK_SIZE (256UL * 1024)

/* 0, or a negative errno (-EAGAIN over the thread bound, -ENOMEM). */
int thread_spawn(thread_t *t, long (*fn)(void *), void *arg);
int thread(long (*fn)(void *), void *arg, thread_t *t);
/* Blocks until t exits and returns its exit value. For an rCore thread a
 * bad or already reaped thread gives -1, as thread_join does.
 * thread_wait(&t) is the uCore shape; the older callers pass a copy of the
 * thread_t, which leads back to the original through t.self. */
long thread_wait_ptr(thread_t *t);
long thread_wait_copy(thread_t t);
#define thread_wait(t) _Generic((t), thread_t *: thread_wait_ptr, default: thread_wait_copy)(t)
long thread_self(void);           /* gettid(): 0 for the main thread */

/* clone's thread flags as thread() uses them. */
#define THREAD_CLONE_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
	CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

/* Raw clone that starts fn(arg) in the child on `stack` and passes fn's
 * value to exit (93) there; in the parent, clone's result. (clone.S) */
long clone_run(unsigned long flags, void *stack, volatile uint32_t *parent_tid, void *tls,
	       volatile uint32_t *child_tid, long (*fn)(void *), void *arg);

#endif
