/* malloc from many threads at once: each thread allocates many small blocks
 * and a few large ones (above glibc's mmap threshold, so they come from
 * mmap), fills them with its own pattern, checks them all, frees them, and
 * does it again; realloc growth keeps contents; calloc memory is zero.
 * Threads get their own arenas (mmap'd 64 MiB reservations, opened with
 * mprotect), so this exercises the memory calls under concurrency. */
#define _GNU_SOURCE
#include "ltap.h"
#include <stdint.h>

#define NTHREADS 8
#define SMALL 1000
#define LARGE 4
#define LARGE_SIZE (512 * 1024)

static void *worker(void *arg)
{
	long id = (long)arg;
	static __thread unsigned char *small[SMALL];
	int ok = 1;
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < SMALL; i++) {
			size_t n = 16 + (size_t)((i * 37 + id) % 200);
			small[i] = malloc(n);
			if (!small[i])
				return (void *)0;
			memset(small[i], (int)(id * 16 + i % 16), n);
		}
		unsigned char *large[LARGE];
		for (int i = 0; i < LARGE; i++) {
			large[i] = malloc(LARGE_SIZE);
			if (!large[i])
				return (void *)0;
			memset(large[i], (int)(id + i), LARGE_SIZE);
		}
		for (int i = 0; i < SMALL; i++) {
			size_t n = 16 + (size_t)((i * 37 + id) % 200);
			for (size_t k = 0; k < n; k++)
				ok &= small[i][k] == (unsigned char)(id * 16 + i % 16);
			free(small[i]);
		}
		for (int i = 0; i < LARGE; i++) {
			for (size_t k = 0; k < LARGE_SIZE; k += 4096)
				ok &= large[i][k] == (unsigned char)(id + i);
			free(large[i]);
		}
	}
	return (void *)(intptr_t)ok;
}

int main(void)
{
	ltap_start();
	pthread_t t[NTHREADS];
	int created = 0;
	for (long i = 0; i < NTHREADS; i++)
		created += pthread_create(&t[created], NULL, worker, (void *)i) == 0;
	CHECK_EQ(created, NTHREADS, "%d allocating threads started", NTHREADS);
	int good = 0;
	for (int i = 0; i < created; i++) {
		void *r = NULL;
		pthread_join(t[i], &r);
		good += r == (void *)1;
	}
	CHECK_EQ(good, NTHREADS, "every thread's blocks kept their contents");

	char *p = malloc(100);
	memset(p, 'r', 100);
	p = realloc(p, 4 << 20);
	int kept = p != NULL;
	for (int i = 0; kept && i < 100; i++)
		kept &= p[i] == 'r';
	check(kept, "realloc to 4 MiB keeps the contents");
	free(p);
	long *z = calloc(1 << 20, sizeof *z);
	int zero = z != NULL;
	for (long i = 0; zero && i < (1 << 20); i += 512)
		zero &= z[i] == 0;
	check(zero, "calloc of 8 MiB is zeroed");
	free(z);
	return ltap_done();
}
