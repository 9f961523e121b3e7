/* pthread_exit from main: the other threads keep running, and the process
 * exits with status 0 when the last of them ends (status 1 if a check
 * failed: the last thread then calls exit(1) itself).
 *
 * Thread 0 joins the main thread, which returns only once main has exited;
 * the others wait for that join before they finish, so every thread
 * provably runs after main's exit, without any timing assumption. The
 * last thread to finish makes the checks, so the output has one order
 * whatever the interleaving. */
#define _GNU_SOURCE
#include "ltap.h"
#include <unistd.h>

#define NTHREADS 3

static pthread_t main_thread;
static pid_t main_pid;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t joined_cv = PTHREAD_COND_INITIALIZER;
static int main_joined, join_result = -1, finished, ran_after_main;
static void *main_value;

static void *worker(void *arg)
{
	if ((long)arg == 0) {
		void *ret = NULL;
		int r = pthread_join(main_thread, &ret);
		pthread_mutex_lock(&lock);
		join_result = r;
		main_value = ret;
		main_joined = 1;
		pthread_cond_broadcast(&joined_cv);
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	while (!main_joined)
		pthread_cond_wait(&joined_cv, &lock);
	ran_after_main++;
	int last = ++finished == NTHREADS;
	pthread_mutex_unlock(&lock);
	if (!last)
		return NULL;
	CHECK_EQ(join_result, 0, "a thread joins the exited main thread");
	CHECK_EQ((long)main_value, 77, "main's pthread_exit value arrives");
	CHECK_EQ(ran_after_main, NTHREADS, "every thread runs on after main's exit");
	CHECK_EQ(getpid(), main_pid, "the process keeps its pid with main gone");
	int status = ltap_done();
	if (status)
		exit(status);
	return NULL;	/* the last thread's end ends the process with 0 */
}

int main(void)
{
	ltap_start();
	main_thread = pthread_self();
	main_pid = getpid();
	pthread_t t[NTHREADS];
	int created = 0;
	for (long i = 0; i < NTHREADS; i++)
		created += pthread_create(&t[i], NULL, worker, (void *)i) == 0;
	CHECK_EQ(created, NTHREADS, "pthread_create starts %d threads", NTHREADS);
	pthread_exit((void *)77);
}
