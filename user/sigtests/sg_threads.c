/* Signals and threads, Dakota ABI (rCore threads, named to tgkill by their
 * system-wide Linux tids, sig_linux_tid): tgkill reaches the named thread
 * whether it is blocked or running on another hart; blocking calls end
 * with -EINTR (nanosleep with the time left) or restart under SA_RESTART; a
 * process-directed signal goes to a thread that does not block it; sigwait
 * in a thread. */
#include "../tests/tcommon.h"
#include <thread.h>
#include "sigutil.h"

static volatile long handler_tid = -1;
static volatile int handled;

static void on_usr(int sig, struct k_siginfo *info, void *uc)
{
	(void)sig, (void)info, (void)uc;
	handler_tid = gettid();
	__atomic_fetch_add(&handled, 1, __ATOMIC_SEQ_CST);
}

/* Polls the kernel's thread list until thread tid of this process is
 * blocked (a hang guard of about 10 s, not a timing check). */
static int wait_thread_blocked(long tid)
{
	static struct thread_info list[64];
	for (int i = 0; i < 10000; i++) {
		long n = thread_list(list, 64);
		for (long k = 0; k < n; k++)
			if (list[k].pid == getpid() && list[k].tid == tid &&
			    list[k].state == THREAD_INFO_BLOCKED)
				return 1;
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, 0);
	}
	return 0;
}

static int fds[2];
static volatile long result;
static volatile struct timespec rem;

static long reader(void *arg)
{
	(void)arg;
	char c = 0;
	result = read(fds[0], &c, 1);
	return c;
}

static long sleeper(void *arg)
{
	(void)arg;
	struct timespec req = { 10, 0 }, left = { 0, 0 };
	result = nanosleep(&req, &left);
	rem = left;
	return 0;
}

static long sem_waiter(void *arg)
{
	result = semaphore_down((long)arg);
	return 0;
}

static long cv_id, cv_mutex;
static volatile long unlock_result;

static long cv_waiter(void *arg)
{
	(void)arg;
	mutex_lock(cv_mutex);
	result = condvar_wait(cv_id, cv_mutex);
	unlock_result = mutex_unlock(cv_mutex);   /* 0 only if it held the mutex */
	return 0;
}

static uint32_t futex_word;

static long futex_waiter(void *arg)
{
	(void)arg;
	result = futex(&futex_word, FUTEX_WAIT, 0, 0);
	return 0;
}

/* Starts fn in a thread, waits until it blocks, signals it with tgkill and
 * joins it. */
static long interrupt_blocked(long (*fn)(void *), void *arg)
{
	thread_t t;
	result = 12345;
	handled = 0;
	if (thread_spawn(&t, fn, arg))
		return -1;
	CHECK(wait_thread_blocked(t.tid), "thread %ld blocks", t.tid);
	EXPECT_EQ(sig_tgkill(getpid(), sig_linux_tid(t.tid), SIGUSR1), 0,
		  "tgkill(pid, Linux tid of %ld, SIGUSR1)", t.tid);
	long v = thread_wait(t);
	EXPECT_EQ(handler_tid, t.tid, "the handler ran on thread %ld", t.tid);
	return v;
}

static void test_eintr(void)
{
	sig_handle(SIGUSR1, on_usr, 0, 0);
	pipe(fds);
	interrupt_blocked(reader, 0);
	EXPECT_EQ(result, -EINTR, "pipe read: -EINTR");
	interrupt_blocked(sleeper, 0);
	EXPECT_EQ(result, -EINTR, "nanosleep: -EINTR");
	CHECK(rem.tv_sec >= 0 && rem.tv_sec < 10 && (rem.tv_sec > 0 || rem.tv_nsec > 0),
	      "nanosleep reports the time left (%ld s %ld ns)", rem.tv_sec, rem.tv_nsec);
	long sem = semaphore_create(0);
	interrupt_blocked(sem_waiter, (void *)sem);
	EXPECT_EQ(result, -EINTR, "semaphore_down: -EINTR");
	interrupt_blocked(futex_waiter, 0);
	EXPECT_EQ(result, -EINTR, "futex wait: -EINTR");
	cv_id = condvar_create();
	cv_mutex = mutex_create(1);
	/* The main thread holds the mutex when the signal comes, so the
	 * waiter's relock must wait for it with the signal still pending. */
	thread_t t;
	thread_spawn(&t, cv_waiter, 0);
	wait_thread_blocked(t.tid);
	mutex_lock(cv_mutex);
	sig_tgkill(getpid(), sig_linux_tid(t.tid), SIGUSR1);
	struct timespec ms20 = { 0, 20000000 };
	nanosleep(&ms20, 0);
	mutex_unlock(cv_mutex);
	thread_wait(t);
	EXPECT_EQ(result, -EINTR, "condvar_wait: -EINTR");
	EXPECT_EQ(unlock_result, 0, "and it returns holding the mutex");
}

static void test_restart(void)
{
	sig_handle(SIGUSR1, on_usr, SA_RESTART, 0);
	thread_t t;
	handled = 0;
	thread_spawn(&t, reader, 0);
	wait_thread_blocked(t.tid);
	sig_tgkill(getpid(), sig_linux_tid(t.tid), SIGUSR1);
	while (!__atomic_load_n(&handled, __ATOMIC_SEQ_CST))
		sched_yield();
	CHECK(wait_thread_blocked(t.tid), "after its handler the read blocks again");
	write(fds[1], "x", 1);
	EXPECT_EQ(thread_wait(t), 'x', "SA_RESTART: the read restarted and got the byte");
	EXPECT_EQ(result, 1, "read returned 1");
}

static long spin_until_handled(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&handled, __ATOMIC_SEQ_CST))
		;
	return 7;
}

static void test_running_thread(void)
{
	handled = 0;
	thread_t t;
	thread_spawn(&t, spin_until_handled, 0);
	EXPECT_EQ(sig_tgkill(getpid(), sig_linux_tid(t.tid), SIGUSR1), 0,
		  "tgkill to a spinning thread");
	EXPECT_EQ(thread_wait(t), 7, "its handler ran in the middle of its loop");
	EXPECT_EQ(handler_tid, t.tid, "on that thread");
}

static void test_process_directed(void)
{
	sig_handle(SIGUSR1, on_usr, 0, 0);
	sig_mask(SIG_BLOCK, BIT(SIGUSR1), 0);   /* the thread inherits it ... */
	thread_t t;
	result = 12345;
	thread_spawn(&t, reader, 0);
	wait_thread_blocked(t.tid);
	handler_tid = -1;
	kill((int)getpid(), SIGUSR1);           /* ... so nobody takes it yet */
	EXPECT_EQ(handler_tid, -1, "every thread blocks it: it stays pending");
	EXPECT_EQ(sig_pending(), BIT(SIGUSR1), "pending for the process");
	write(fds[1], "y", 1);
	thread_wait(t);
	sig_mask(SIG_UNBLOCK, BIT(SIGUSR1), 0);
	EXPECT_EQ(handler_tid, 0, "the main thread takes it when it unblocks");
}

static long unblock_and_read(void *arg)
{
	(void)arg;
	sig_mask(SIG_UNBLOCK, BIT(SIGUSR1), 0);
	return reader(0);
}

static void test_goes_to_unblocked_thread(void)
{
	sig_mask(SIG_BLOCK, BIT(SIGUSR1), 0);
	thread_t t;
	result = 12345;
	thread_spawn(&t, unblock_and_read, 0);
	wait_thread_blocked(t.tid);
	kill((int)getpid(), SIGUSR1);
	thread_wait(t);
	EXPECT_EQ(handler_tid, t.tid, "a process signal goes to the thread that does not block it");
	EXPECT_EQ(result, -EINTR, "and interrupts its read");
	sig_mask(SIG_SETMASK, 0, 0);
}

static long sigwaiter(void *arg)
{
	(void)arg;
	struct k_siginfo info;
	long sig = sig_timedwait(BIT(SIGUSR2), &info, 0);
	return sig * 1000 + info.u.kill.pid;
}

static void test_sigwait_thread(void)
{
	sig_mask(SIG_BLOCK, BIT(SIGUSR2), 0);
	thread_t t;
	thread_spawn(&t, sigwaiter, 0);
	wait_thread_blocked(t.tid);
	kill((int)getpid(), SIGUSR2);
	EXPECT_EQ(thread_wait(t), SIGUSR2 * 1000 + getpid(), "sigwait in a thread takes the signal");
	sig_mask(SIG_SETMASK, 0, 0);
}

int main(void)
{
	TEST_PLAN();
	struct kstat before = kstat_now();
	test_eintr();
	test_restart();
	test_running_thread();
	test_process_directed();
	test_goes_to_unblocked_thread();
	test_sigwait_thread();
	close(fds[0]);
	close(fds[1]);
	kstat_expect_back(&before, KSTAT_THREADS, "all cases");
	return test_done();
}
