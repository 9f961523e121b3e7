/* Dakota only (Linux has no per-process thread bound for root): with a
 * bound of BOUND threads per process (main included), pthread_create makes
 * BOUND - 1 threads and then fails with EAGAIN, leaving no half-made
 * thread; after the joins the process can create threads again. */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>

#define MAX_TRY 1100

static pthread_mutex_t hold = PTHREAD_MUTEX_INITIALIZER;
static pthread_t t[MAX_TRY];

static void *worker(void *arg)
{
	pthread_mutex_lock(&hold);	/* parked until main lets go */
	pthread_mutex_unlock(&hold);
	return arg;
}

int main(int argc, char **argv)
{
	ltap_start();
	long bound = arg_count(argc, argv, 1);
	if (bound > MAX_TRY)
		BAIL("bound %ld too large", bound);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_mutex_lock(&hold);
	long created = 0;
	int err = 0;
	while (created < MAX_TRY) {
		err = pthread_create(&t[created], &attr, worker, (void *)created);
		if (err)
			break;
		created++;
	}
	CHECK_EQ(created, bound - 1, "pthread_create succeeds up to the bound");
	CHECK_EQ(err, EAGAIN, "the next pthread_create fails with EAGAIN");
	pthread_mutex_unlock(&hold);
	long joined = 0;
	for (long i = 0; i < created; i++) {
		void *ret = NULL;
		joined += pthread_join(t[i], &ret) == 0 && ret == (void *)i;
	}
	CHECK_EQ(joined, created, "every created thread joins with its value");
	pthread_t again;
	CHECK_EQ(pthread_create(&again, &attr, worker, NULL), 0, "pthread_create works again after the joins");
	pthread_join(again, NULL);
	pthread_attr_destroy(&attr);
	return ltap_done();
}
