/* Signal stress, Dakota ABI: receiver threads on every hart block and
 * unblock signals, sleep (interrupted) and yield, while sender threads
 * queue real-time signals to them (thread-directed, and process-directed
 * with the main thread blocking everything) and send a standard signal.
 * For `seconds` (argv[1], default 3): every real-time signal that was
 * queued successfully is received exactly once, the standard signal's
 * count is between 1 and its sends (coalescing), and no thread or kernel
 * allocation is left over (queued entries are freed). Frames are not
 * compared: page-table pages of the exited threads' stack slots stay with
 * the address space until it goes. */
#include "../tests/tcommon.h"
#include <thread.h>
#include "sigutil.h"

#define RECEIVERS 4
#define SENDERS 2
#define MAX_SENDS 60000
#define RT_A (SIGRTMIN_KERNEL + 2)
#define RT_B (SIGRTMIN_KERNEL + 7)

static unsigned int got[SENDERS][MAX_SENDS];
static long sent[SENDERS];
static long std_sent, std_got, dup_or_bad;
static volatile int stop_senders, stop_receivers;
static long receiver_tid[RECEIVERS];

static void on_rt(int sig, struct k_siginfo *info, void *uc)
{
	(void)sig, (void)uc;
	long v = info->u.kill.value;
	long s = v / MAX_SENDS, i = v % MAX_SENDS;
	if (v < 0 || s >= SENDERS || __atomic_fetch_add(&got[s][i], 1, __ATOMIC_RELAXED) != 0)
		__atomic_fetch_add(&dup_or_bad, 1, __ATOMIC_RELAXED);
}

static void on_std(int sig, struct k_siginfo *info, void *uc)
{
	(void)sig, (void)info, (void)uc;
	__atomic_fetch_add(&std_got, 1, __ATOMIC_RELAXED);
}

static unsigned long rnd(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static long receiver(void *arg)
{
	unsigned long seed = 0x9e3779b97f4a7c15UL * ((unsigned long)arg + 1);
	unsigned long all = BIT(RT_A) | BIT(RT_B) | BIT(SIGUSR1);
	while (!__atomic_load_n(&stop_receivers, __ATOMIC_ACQUIRE)) {
		unsigned long r = rnd(&seed);
		sig_mask(SIG_SETMASK, (r & 1) ? all : (r & 2) ? BIT(RT_A) : 0, 0);
		if (r & 4) {
			struct timespec ts = { 0, 200000 };
			nanosleep(&ts, 0);
		} else {
			sched_yield();
		}
	}
	sig_mask(SIG_SETMASK, 0, 0);   /* takes whatever is still pending */
	return 0;
}

static long sender(void *arg)
{
	long s = (long)arg;
	unsigned long seed = 0x2545f4914f6cdd1dUL * (unsigned long)(s + 1);
	while (!__atomic_load_n(&stop_senders, __ATOMIC_ACQUIRE) && sent[s] < MAX_SENDS) {
		unsigned long r = rnd(&seed);
		struct k_siginfo info = { .si_signo = 0, .si_code = SI_QUEUE };
		info.u.kill.pid = (int)getpid();
		info.u.kill.value = s * MAX_SENDS + sent[s];
		int sig = (r & 8) ? RT_A : RT_B;
		long res;
		if (r & 1)
			res = syscall3(SYS_rt_sigqueueinfo, getpid(), sig, (long)&info);
		else
			res = syscall4(SYS_rt_tgsigqueueinfo, getpid(),
				       receiver_tid[(r >> 4) % RECEIVERS], sig, (long)&info);
		if (res == 0)
			sent[s]++;
		else if (res == -EAGAIN)
			sched_yield();          /* queue full: receivers are blocking */
		else
			return res;
		if ((r & 0x70) == 0 && kill((int)getpid(), SIGUSR1) == 0)
			__atomic_fetch_add(&std_sent, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

int main(int argc, char **argv)
{
	TEST_PLAN();
	long seconds = argc > 1 ? atoi(argv[1]) : 3;
	struct kstat before = kstat_now();
	sig_handle(RT_A, on_rt, SA_RESTART, 0);
	sig_handle(RT_B, on_rt, 0, BIT(RT_A));
	sig_handle(SIGUSR1, on_std, SA_RESTART, 0);
	sig_mask(SIG_SETMASK, ~0UL, 0);   /* process signals go to receivers */
	thread_t rt[RECEIVERS], st[SENDERS];
	for (long i = 0; i < RECEIVERS; i++) {
		thread_spawn(&rt[i], receiver, (void *)i);
		receiver_tid[i] = sig_linux_tid(rt[i].tid);   /* tgkill's name */
	}
	for (long i = 0; i < SENDERS; i++)
		thread_spawn(&st[i], sender, (void *)i);
	struct timespec ts = { seconds, 0 };
	nanosleep(&ts, 0);
	__atomic_store_n(&stop_senders, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < SENDERS; i++)
		EXPECT_EQ(thread_wait(st[i]), 0, "sender %d ends without an error", i);
	__atomic_store_n(&stop_receivers, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < RECEIVERS; i++)
		thread_wait(rt[i]);
	long missing = 0;
	for (int s = 0; s < SENDERS; s++)
		for (long i = 0; i < sent[s]; i++)
			missing += got[s][i] != 1;
	test_note("%ld + %ld rt signals, %ld of %ld SIGUSR1 received", sent[0], sent[1],
		  std_got, std_sent);
	CHECK(sent[0] > 0 && sent[1] > 0, "both senders sent");
	EXPECT_EQ(missing, 0, "every rt signal sent was received exactly once");
	EXPECT_EQ(dup_or_bad, 0, "no duplicate or unknown value");
	CHECK(std_got >= 1 && std_got <= std_sent, "SIGUSR1: between 1 and %ld deliveries (%ld)",
	      std_sent, std_got);
	EXPECT_EQ(sig_pending(), 0, "nothing left pending");
	kstat_expect_back(&before, KSTAT_THREADS | KSTAT_KMALLOC, "all cases");
	return test_done();
}
