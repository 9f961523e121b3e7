/* Clocks. */
#include "time.h"

long time_ns(void)
{
	struct timespec ts;
	long r = clock_gettime(CLOCK_MONOTONIC, &ts);
	if (r < 0)
		return r;
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

long sleep_ms(long ms)
{
	if (ms < 0)
		return -EINVAL;
	struct timespec req = { ms / 1000, (ms % 1000) * 1000000L };
	return nanosleep(&req, 0);
}
