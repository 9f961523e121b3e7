/* Robust mutexes: the owner's death makes the next locker get EOWNERDEAD.
 *
 * A thread that ends holding a robust mutex (its robust list is walked
 * when it ends), and a process whose only thread ends holding a
 * process-shared robust mutex in MAP_SHARED memory (its list is walked by
 * the thread that tears the process down, before its memory goes). The
 * parent waits for the child with waitpid before it touches the mutex, so
 * nothing here depends on timing. */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t robust;

static void robust_init(pthread_mutex_t *m, int pshared)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutexattr_setpshared(&a, pshared);
	if (pthread_mutex_init(m, &a))
		BAIL("pthread_mutex_init");
	pthread_mutexattr_destroy(&a);
}

static void *lock_and_leave(void *arg)
{
	pthread_mutex_lock(arg);
	return NULL;      /* ends holding it */
}

static void thread_dies_holding(void)
{
	robust_init(&robust, PTHREAD_PROCESS_PRIVATE);
	pthread_t t;
	if (pthread_create(&t, NULL, lock_and_leave, &robust))
		BAIL("pthread_create");
	pthread_join(t, NULL);
	CHECK_EQ(pthread_mutex_lock(&robust), EOWNERDEAD,
		 "a thread's death: the next lock gets EOWNERDEAD");
	CHECK_EQ(pthread_mutex_consistent(&robust), 0, "pthread_mutex_consistent");
	CHECK_EQ(pthread_mutex_unlock(&robust), 0, "and unlock");
	CHECK_EQ(pthread_mutex_lock(&robust), 0, "then it locks normally");
	pthread_mutex_unlock(&robust);
}

static void process_dies_holding(void)
{
	pthread_mutex_t *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		BAIL("mmap MAP_SHARED");
	robust_init(m, PTHREAD_PROCESS_SHARED);
	pid_t pid = fork();
	if (pid == 0) {
		pthread_mutex_lock(m);
		_exit(7);   /* its only thread ends holding the mutex */
	}
	int status = 0;
	CHECK_EQ(waitpid(pid, &status, 0), pid, "waitpid for the child");
	CHECK_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 7, "the child exited with 7");
	CHECK_EQ(pthread_mutex_trylock(m), EOWNERDEAD,
		 "a process's death: trylock of the shared mutex gets EOWNERDEAD");
	CHECK_EQ(pthread_mutex_consistent(m), 0, "pthread_mutex_consistent");
	CHECK_EQ(pthread_mutex_unlock(m), 0, "and unlock");
	munmap(m, 4096);
}

int main(void)
{
	ltap_start();
	thread_dies_holding();
	process_dies_holding();
	return ltap_done();
}
