/* Threads over the raw calls, both models (see thread.h). */
#include "thread.h"
#include <stddef.h>

int thread_spawn(thread_t *t, long (*fn)(void *), void *arg)
{
	/* The kernel starts an rCore thread at fn with a0 = arg on its own
	 * stack, and a return from fn ends it: fn is the entry point itself. */
	long tid = thread_create((void *)fn, arg);
	if (tid < 0)
		return (int)tid;
	t->tid = tid;
	t->kind = THREAD_RCORE;
	t->self = t;
	return 0;
}

static long clone_entry(void *arg)
{
	thread_t *t = arg;
	t->ret = t->fn(t->arg);
	return t->ret;
}

int thread(long (*fn)(void *), void *arg, thread_t *t)
{
	t->kind = THREAD_CLONE;
	t->self = t;
	t->fn = fn;
	t->arg = arg;
	t->ret = 0;
	t->stack_size = THREAD_STACK_SIZE;
	t->stack = mmap(NULL, t->stack_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (MMAP_FAILED(t->stack))
		return (int)(long)t->stack;
	char *top = (char *)t->stack + t->stack_size;
	long tid = clone_run(THREAD_CLONE_FLAGS, top, &t->ctid, t, &t->ctid, clone_entry, t);
	if (tid < 0) {
		munmap(t->stack, t->stack_size);
		return (int)tid;
	}
	t->tid = tid;
	return 0;
}

long thread_wait_ptr(thread_t *t)
{
	if (t->kind != THREAD_CLONE)
		return thread_join(t->tid);
	/* PARENT_SETTID stored the tid before clone returned; the kernel
	 * writes 0 and wakes us once the thread is gone. */
	uint32_t v;
	while ((v = __atomic_load_n(&t->ctid, __ATOMIC_ACQUIRE)) != 0)
		futex((uint32_t *)&t->ctid, FUTEX_WAIT, v, NULL);
	munmap(t->stack, t->stack_size);
	return t->ret;
}

long thread_wait_copy(thread_t t)
{
	return thread_wait_ptr(t.self);
}

long thread_self(void)
{
	return gettid();
}
