/* pthread_exit from main: the other threads keep running, and the process
 * exits with status 0 when the last of them ends (exit status 1 if a check
 * failed: the last thread then calls exit(1) itself). The last thread to
 * finish makes the checks, so the output has one order whatever the
 * interleaving. */
#define _GNU_SOURCE
#include "ltap.h"
#include <time.h>
#include <unistd.h>

#define NTHREADS 3

static int finished;
static int main_gone;
static pthread_t main_thread;
static pid_t main_pid;

static void *worker(void *arg)
{
	long i = (long)arg;
	/* Outlive main's pthread_exit by a margin. */
	struct timespec ts = { 0, (20 + 10 * i) * 1000000L };
	nanosleep(&ts, NULL);
	int saw_main_gone = __atomic_load_n(&main_gone, __ATOMIC_SEQ_CST);
	if (__atomic_add_fetch(&finished, 1, __ATOMIC_SEQ_CST) != NTHREADS)
		return NULL;
	/* The last one: main's pthread_join by another thread is allowed once
	 * main has exited, and gives main's exit value. */
	void *ret = NULL;
	CHECK_EQ(pthread_join(main_thread, &ret), 0, "a thread joins the exited main thread");
	CHECK_EQ((long)ret, 77, "main's pthread_exit value arrives");
	check(saw_main_gone, "threads run on after main called pthread_exit");
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
	__atomic_store_n(&main_gone, 1, __ATOMIC_SEQ_CST);
	pthread_exit((void *)77);
}
