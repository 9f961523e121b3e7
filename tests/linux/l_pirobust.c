/* Robust priority-inheritance mutexes: the owner's death.
 *
 * With nobody waiting, the dying owner's robust list marks the word
 * FUTEX_OWNER_DIED and the next locker takes it with EOWNERDEAD. With a
 * thread blocked in the kernel on it (FUTEX_LOCK_PI), the kernel hands the
 * lock straight to that waiter at the death, which returns EOWNERDEAD; the
 * same across processes for a process-shared mutex in MAP_SHARED memory.
 * After pthread_mutex_consistent the mutex works normally; without it, the
 * unlock makes it ENOTRECOVERABLE.
 *
 * Owners end only once the word shows FUTEX_WAITERS (set by the kernel
 * when the waiter queued), and parents wait with waitpid: nothing here
 * depends on timing. */
#define _GNU_SOURCE
#include "ltap.h"
#include "piword.h"
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static void pi_robust_init(pthread_mutex_t *m, int pshared)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutexattr_setpshared(&a, pshared);
	pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
	if (pthread_mutex_init(m, &a))
		BAIL("pthread_mutex_init (robust, PI)");
	pthread_mutexattr_destroy(&a);
}

static pthread_mutex_t m;
static int lock_result;

static void *lock_and_leave(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	return NULL;      /* ends holding it */
}

static void *lock_wait_leave(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	__atomic_store_n(&lock_result, 1, __ATOMIC_RELEASE);
	pi_await_waiter(&m);  /* main is queued in the kernel */
	return NULL;
}

static void recover(pthread_mutex_t *mx, const char *who)
{
	CHECK_EQ(pi_word(mx) & FUTEX_OWNER_DIED, 0, "%s: glibc cleared FUTEX_OWNER_DIED", who);
	CHECK_EQ(pthread_mutex_consistent(mx), 0, "%s: pthread_mutex_consistent", who);
	CHECK_EQ(pthread_mutex_unlock(mx), 0, "%s: unlock", who);
	CHECK_EQ(pi_word(mx), 0, "%s: the word is free", who);
	CHECK_EQ(pthread_mutex_lock(mx), 0, "%s: then it locks normally", who);
	CHECK_EQ(pthread_mutex_unlock(mx), 0, "%s: and unlocks", who);
}

static void thread_dies_unwaited(void)
{
	pi_robust_init(&m, PTHREAD_PROCESS_PRIVATE);
	pthread_t t;
	if (pthread_create(&t, NULL, lock_and_leave, NULL))
		BAIL("pthread_create");
	pthread_join(t, NULL);
	CHECK_EQ(pi_word(&m), FUTEX_OWNER_DIED, "no waiter: the dead owner's word is FUTEX_OWNER_DIED");
	CHECK_EQ(pthread_mutex_lock(&m), EOWNERDEAD, "the next lock gets EOWNERDEAD");
	recover(&m, "thread, no waiter");
	pthread_mutex_destroy(&m);
}

static void thread_dies_waited(void)
{
	pi_robust_init(&m, PTHREAD_PROCESS_PRIVATE);
	pthread_t t;
	if (pthread_create(&t, NULL, lock_wait_leave, NULL))
		BAIL("pthread_create");
	while (!__atomic_load_n(&lock_result, __ATOMIC_ACQUIRE))
		sched_yield();
	CHECK_EQ(pthread_mutex_lock(&m), EOWNERDEAD,
		 "a waiter blocked in the kernel gets EOWNERDEAD when the owner dies");
	CHECK_EQ(pi_word(&m) & FUTEX_TID_MASK, (unsigned)gettid(), "the word names the new owner");
	pthread_join(t, NULL);
	recover(&m, "thread, waiter");
	pthread_mutex_destroy(&m);
}

static void not_recoverable(void)
{
	pi_robust_init(&m, PTHREAD_PROCESS_PRIVATE);
	pthread_t t;
	if (pthread_create(&t, NULL, lock_and_leave, NULL))
		BAIL("pthread_create");
	pthread_join(t, NULL);
	CHECK_EQ(pthread_mutex_lock(&m), EOWNERDEAD, "EOWNERDEAD again");
	CHECK_EQ(pthread_mutex_unlock(&m), 0, "unlock without pthread_mutex_consistent");
	CHECK_EQ(pthread_mutex_lock(&m), ENOTRECOVERABLE, "then ENOTRECOVERABLE");
}

static void process_dies(bool waited)
{
	pthread_mutex_t *sm = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sm == MAP_FAILED)
		BAIL("mmap MAP_SHARED");
	pi_robust_init(sm, PTHREAD_PROCESS_SHARED);
	int *locked = (int *)(sm + 1);
	pid_t pid = fork();
	if (pid == 0) {
		pthread_mutex_lock(sm);
		__atomic_store_n(locked, 1, __ATOMIC_RELEASE);
		if (waited)
			pi_await_waiter(sm);
		_exit(7);   /* its only thread ends holding the mutex */
	}
	while (!__atomic_load_n(locked, __ATOMIC_ACQUIRE))
		sched_yield();
	const char *who = waited ? "process, waiter" : "process, no waiter";
	int status = 0;
	if (!waited)
		waitpid(pid, &status, 0);
	CHECK_EQ(pthread_mutex_lock(sm), EOWNERDEAD, "%s: the next lock gets EOWNERDEAD", who);
	if (waited)
		waitpid(pid, &status, 0);
	CHECK_EQ(status, 7 << 8, "%s: the child exited 7", who);
	recover(sm, who);
	munmap(sm, 4096);
}

int main(void)
{
	ltap_start();
	thread_dies_unwaited();
	thread_dies_waited();
	not_recoverable();
	process_dies(false);
	process_dies(true);
	return ltap_done();
}
