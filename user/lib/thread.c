/* Threads over the raw calls. The kernel starts a new thread at fn with
 * a0 = arg on its own stack, and a return from fn ends it with the returned
 * value, so fn is the entry point itself. */
#include "thread.h"

int thread_spawn(thread_t *t, long (*fn)(void *), void *arg)
{
	long tid = thread_create((void *)fn, arg);
	if (tid < 0)
		return (int)tid;
	t->tid = tid;
	return 0;
}

long thread_wait(thread_t t)
{
	return thread_join(t.tid);
}

long thread_self(void)
{
	return gettid();
}
