/* Dakota user library: threads, in the shape of pthreads / std::thread.
 *
 * A thread starts in fn(arg) on its own stack; returning from fn ends it with
 * the returned value, as does thread_exit(). */
#ifndef USER_THREAD_H
#define USER_THREAD_H

#include "syscall.h"

typedef struct {
	long tid;
} thread_t;

/* 0, or a negative errno (-EAGAIN over the thread bound). */
int thread_spawn(thread_t *t, long (*fn)(void *), void *arg);
/* Blocks until t exits and returns its exit value (reaping it). A bad or
 * already reaped thread gives -1, as thread_join does. */
long thread_wait(thread_t t);
long thread_self(void);           /* gettid(): 0 for the main thread */

#endif
