/* OpenMP (libgomp): omp_get_max_threads() equals the hart count given as
 * argv[1]; parallel for with a reduction, atomics and critical sections
 * gives exact results; barriers hold; nested parallel regions run. */
#include "ltap.h"
#include <omp.h>

#define N 200000

static void test_reductions(void)
{
	long sum = 0;
#pragma omp parallel for reduction(+ : sum) schedule(static)
	for (long i = 1; i <= N; i++)
		sum += i;
	CHECK_EQ(sum, (long)N * (N + 1) / 2, "parallel for with a + reduction is exact");

	long dyn = 0;
#pragma omp parallel for reduction(+ : dyn) schedule(dynamic, 97)
	for (long i = 0; i < N; i++)
		dyn += i % 7;
	long want = 0;
	for (long i = 0; i < N; i++)
		want += i % 7;
	CHECK_EQ(dyn, want, "dynamic schedule with a reduction is exact");

	long atomic_count = 0;
#pragma omp parallel for
	for (long i = 0; i < N; i++) {
#pragma omp atomic
		atomic_count++;
	}
	CHECK_EQ(atomic_count, N, "omp atomic increments are exact");
}

static void test_team(long harts)
{
	long critical_count = 0;
	int team = 0;
#pragma omp parallel
	{
#pragma omp single
		team = omp_get_num_threads();
		for (int i = 0; i < 1000; i++) {
#pragma omp critical
			critical_count++;
		}
	}
	CHECK_EQ(team, harts, "a parallel region has one thread per hart");
	CHECK_EQ(critical_count, 1000L * team, "omp critical increments are exact");

	int phase_ok = 1;
	int arrivals = 0;
#pragma omp parallel shared(arrivals, phase_ok)
	{
#pragma omp atomic
		arrivals++;
#pragma omp barrier
		int seen;
#pragma omp atomic read
		seen = arrivals;
		if (seen != omp_get_num_threads()) {
#pragma omp atomic write
			phase_ok = 0;
		}
	}
	check(phase_ok, "omp barrier: all arrive before any passes");
}

static void test_nested(void)
{
	omp_set_max_active_levels(2);
	int inner_total = 0;
#pragma omp parallel num_threads(2)
	{
#pragma omp parallel num_threads(2)
		{
#pragma omp atomic
			inner_total++;
		}
	}
	CHECK_EQ(inner_total, 4, "nested parallel regions: 2 x 2 threads");
}

int main(int argc, char **argv)
{
	ltap_start();
	long harts = arg_count(argc, argv, 1);
	CHECK_EQ(omp_get_max_threads(), harts, "omp_get_max_threads() equals the hart count");
	test_reductions();
	test_team(harts);
	test_nested();
	return ltap_done();
}
