/* bench: micro-benchmarks of the kernel's paths, in the manner of lmbench and
 * `perf bench sched`.
 *
 *	bench [--quick] [--icount] [--iters N] [--list] [name...]
 *
 * Each benchmark repeats one operation many times after a short warm-up and
 * prints one line per result:
 *
 *	BENCH name=pipe_roundtrip unit=instr value=5321.7 iters=10000
 *
 * value is the mean cost of one operation: the CLOCK_MONOTONIC time of the
 * timed loop divided by the number of operations. Under QEMU's
 * -icount shift=0 one guest instruction (on any hart) advances virtual time
 * by exactly 1 ns, so there the figure is guest instructions per operation;
 * --icount only labels it so (unit=instr instead of unit=ns). Because all
 * harts share one instruction clock under icount, the figure is the total
 * work of every hart per operation, however it was spread over harts.
 *
 * The run starts with "BENCH-INFO ..." (harts, time rate, whether user mode
 * may read instret) and ends with "BENCH-END ok=N failed=M". A benchmark whose
 * system calls fail prints "BENCH name=X error=E" and bench exits 1;
 * tools/bench.py turns the lines into tables and charts. */
#include <fmutex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sync.h>
#include <syscall.h>
#include <thread.h>
#include <time.h>
#include <dakota/signal.h>

#define CONTENDERS      4     /* threads in the contended mutex benchmarks */
#define WORKERS         8     /* threads of the parallel workload (the most) */
_Static_assert(CONTENDERS <= WORKERS, "run_threads_together holds at most WORKERS threads");
#define MAX_INFO        256   /* thread_list snapshot size */

/* What one timed loop measured: its duration and how many operations it did.
 * extra, when set, is printed after the standard fields (" key=value"). */
struct result {
	long ns;
	long ops;
	char extra[64];
};

struct bench {
	const char *name;
	long iters;           /* full run */
	long quick_iters;     /* --quick */
	long (*run)(long iters, struct result *r);  /* 0 or a negative errno */
	const char *about;
};

static long time_hz = 10000000;
static long harts = 1;

/* ---- helpers ---- */

/* rdtime ticks to nanoseconds, times 10 (one decimal place). */
static long ticks_to_ns10(long ticks)
{
	return (long)((__int128)ticks * 10000000000L / time_hz);
}

/* Spins, yielding the hart, until *flag is set: lets threads start together. */
static void wait_for(volatile int *flag)
{
	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
		sched_yield();
}

/* Starts n threads running fn(arg) that wait for *go. If one cannot start,
 * releases and joins those that did and returns the error. */
static long spawn_all(thread_t *t, int n, long (*fn)(void *), void *arg, volatile int *go)
{
	for (int i = 0; i < n; i++) {
		int err = thread_spawn(&t[i], fn, arg);
		if (err) {
			__atomic_store_n(go, 1, __ATOMIC_RELEASE);
			while (i-- > 0)
				thread_wait(t[i]);
			return err;
		}
	}
	return 0;
}

/* Joins n threads; -EINVAL unless every one returned 0. */
static long join_all(thread_t *t, int n)
{
	long err = 0;
	for (int i = 0; i < n; i++)
		if (thread_wait(t[i]) != 0)
			err = -EINVAL;
	return err;
}

/* The timed part of every multi-thread benchmark: n threads (at most
 * WORKERS) run fn(arg), all released at once through *go (which must be 0)
 * so that thread creation stays out of the figure. *ns is the time from the
 * release until the last one is joined; the result is spawn_all's or
 * join_all's. */
static long run_threads_together(int n, long (*fn)(void *), void *arg, volatile int *go,
				 long *ns)
{
	thread_t t[WORKERS];
	long err = spawn_all(t, n, fn, arg, go);
	if (err)
		return err;
	long t0 = time_ns();
	__atomic_store_n(go, 1, __ATOMIC_RELEASE);
	err = join_all(t, n);
	*ns = time_ns() - t0;
	return err;
}

/* Ends a forked child without flushing the stdio it inherited. */
_Noreturn static void child_exit(int code)
{
	for (;;)
		syscall1(SYS_exit_group, code);
}

static struct thread_info *info_buf;

/* State of one thread of this process (-1 if not found). */
static int thread_state(long tid)
{
	if (!info_buf)
		info_buf = malloc(MAX_INFO * sizeof *info_buf);
	if (!info_buf)
		return -1;
	long n = thread_list(info_buf, MAX_INFO);
	long pid = getpid();
	for (long i = 0; i < n; i++) {
		if (info_buf[i].pid == pid && info_buf[i].tid == tid)
			return info_buf[i].state;
	}
	return -1;
}

/* ---- null system call ---- */

static long run_null_syscall(long n, struct result *r)
{
	long t0 = time_ns();
	for (long i = 0; i < n; i++)
		syscall0(SYS_getppid);
	r->ns = time_ns() - t0;
	r->ops = n;
	return 0;
}

/* ---- futex wake with no waiter ---- */

static long run_futex_wake_nowaiter(long n, struct result *r)
{
	static uint32_t word;
	long t0 = time_ns();
	for (long i = 0; i < n; i++)
		futex(&word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0);
	r->ns = time_ns() - t0;
	r->ops = n;
	return 0;
}

/* ---- signal to oneself ---- */

static volatile long signal_hits;

static void count_signal(int sig, void *info, void *uc)
{
	(void)sig, (void)info, (void)uc;
	signal_hits++;
}

/* kill(self, SIGUSR1) with an SA_SIGINFO handler: the send, the frame,
 * the handler and rt_sigreturn (Linux riscv64 ABI, <dakota/signal.h>). */
static long run_signal_self(long n, struct result *r)
{
	struct k_sigaction act = { (unsigned long)count_signal, SA_SIGINFO, 0 }, old;
	long err = syscall4(SYS_rt_sigaction, SIGUSR1, (long)&act, (long)&old, SIGSET_SIZE);
	if (err)
		return err;
	long pid = getpid();
	signal_hits = 0;
	long t0 = time_ns();
	for (long i = 0; i < n; i++)
		syscall2(SYS_kill, pid, SIGUSR1);
	r->ns = time_ns() - t0;
	r->ops = n;
	syscall4(SYS_rt_sigaction, SIGUSR1, (long)&old, 0, SIGSET_SIZE);
	return signal_hits == n ? 0 : -EINTR;
}

/* ---- thread yield-switch ---- */

static volatile int yield_go;

static long yielder(void *arg)
{
	long n = (long)arg;
	wait_for(&yield_go);
	for (long i = 0; i < n; i++)
		sched_yield();
	return 0;
}

/* Two threads yield to each other n times each; the figure is per yield. On
 * one hart every yield switches to the other thread. On several harts the
 * two may run side by side, and a yield that finds the ready queue empty
 * returns to its caller through the scheduler loop of its own hart. */
static long run_yield_switch(long n, struct result *r)
{
	yield_go = 0;
	long err = run_threads_together(2, yielder, (void *)n, &yield_go, &r->ns);
	r->ops = 2 * n;
	return err;
}

/* ---- process switch: pipe ping-pong ---- */

/* The child echoes each byte back until the parent closes its pipe. */
_Noreturn static void pipe_echo(int in, int out)
{
	char c;
	while (read(in, &c, 1) == 1)
		if (write(out, &c, 1) != 1)
			break;
	child_exit(0);
}

static long run_pipe_roundtrip(long n, struct result *r)
{
	int down[2], up[2];
	long err = pipe(down);
	if (err)
		return err;
	err = pipe(up);
	if (err)
		goto close_down;
	long pid = fork();
	if (pid < 0) {
		err = pid;
		goto close_up;
	}
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		pipe_echo(down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);
	char c = 'x';
	long t0 = time_ns();
	for (long i = 0; i < n && !err; i++) {
		if (write(down[1], &c, 1) != 1 || read(up[0], &c, 1) != 1)
			err = -EPIPE;
	}
	r->ns = time_ns() - t0;
	r->ops = n;
	close(down[1]);         /* EOF: the child exits */
	close(up[0]);
	int st;
	if (wait4((int)pid, &st, 0, 0) != pid || st != 0)
		err = err ? err : -ECHILD;
	return err;

close_up:
	close(up[0]);
	close(up[1]);
close_down:
	close(down[0]);
	close(down[1]);
	return err;
}

/* ---- thread create + join ---- */

static long return_zero(void *arg)
{
	(void)arg;
	return 0;
}

static long run_thread_create_join(long n, struct result *r)
{
	long t0 = time_ns();
	for (long i = 0; i < n; i++) {
		thread_t t;
		int err = thread_spawn(&t, return_zero, NULL);
		if (err)
			return err;
		if (thread_wait(t) != 0)
			return -EINVAL;
	}
	r->ns = time_ns() - t0;
	r->ops = n;
	return 0;
}

/* thread() of an empty thread (mmap'd MAP_STACK stack, clone with glibc's
 * flags), then thread_wait (futex on the clear-child-tid word, munmap):
 * the shape of pthread_create + pthread_join. */
static long run_clone_create_join(long n, struct result *r)
{
	long t0 = time_ns();
	for (long i = 0; i < n; i++) {
		thread_t t;
		int err = thread(return_zero, NULL, &t);
		if (err)
			return err;
		if (thread_wait(&t) != 0)
			return -EINVAL;
	}
	r->ns = time_ns() - t0;
	r->ops = n;
	return 0;
}

/* ---- fork + exit + wait, fork + exec + wait ---- */

static long wait_for_zero(long pid)
{
	int st = -1;
	long w = wait4((int)pid, &st, 0, 0);
	if (w < 0)
		return w;
	return st == 0 ? 0 : -ECHILD;
}

/* n rounds of fork, the child's work, and wait. The child exits at once,
 * or (exec_true) replaces itself with `true` first; 127 if that exec fails. */
static long fork_wait_loop(long n, struct result *r, int exec_true)
{
	char *argv[] = { "true", NULL };
	char *envp[] = { NULL };
	long t0 = time_ns();
	for (long i = 0; i < n; i++) {
		long pid = fork();
		if (pid < 0)
			return pid;
		if (pid == 0) {
			if (exec_true)
				execve("true", argv, envp);
			child_exit(exec_true ? 127 : 0);
		}
		long err = wait_for_zero(pid);
		if (err)
			return err;
	}
	r->ns = time_ns() - t0;
	r->ops = n;
	return 0;
}

static long run_fork_exit_wait(long n, struct result *r)
{
	return fork_wait_loop(n, r, 0);
}

static long run_fork_exec_wait(long n, struct result *r)
{
	return fork_wait_loop(n, r, 1);
}

/* ---- mutexes ---- */

/* The kernel's mutex (blocking or spinning) and the futex mutex (fmutex),
 * each behind a lock and an unlock function, so that the uncontended and
 * the contended benchmark are each written once. The loops that call them
 * are always inlined with the functions as constants, so the compiler calls
 * (or inlines) them directly: no indirect call enters the figures. */
typedef long (*lock_fn)(void);

static mutex_t bench_mutex;
static fmutex_t bench_fmutex;

static long kernel_lock(void)
{
	return mutex_acquire(&bench_mutex);
}

static long kernel_unlock(void)
{
	return mutex_release(&bench_mutex);
}

static long fast_lock(void)
{
	return fmutex_lock(&bench_fmutex);
}

static long fast_unlock(void)
{
	return fmutex_unlock(&bench_fmutex);
}

/* n lock + unlock pairs that nobody else wants: 0 or the first error. */
static inline __attribute__((always_inline)) long lock_unlock_loop(long n, lock_fn lock,
								   lock_fn unlock)
{
	for (long i = 0; i < n; i++) {
		long err = lock();
		if (!err)
			err = unlock();
		if (err)
			return err;
	}
	return 0;
}

static long uncontended(long n, struct result *r, int blocking)
{
	long err = mutex_init(&bench_mutex, blocking);
	if (err)
		return err;
	long t0 = time_ns();
	err = lock_unlock_loop(n, kernel_lock, kernel_unlock);
	r->ns = time_ns() - t0;
	r->ops = n;
	return err;
}

static long run_mutex_blocking(long n, struct result *r)
{
	return uncontended(n, r, 1);
}

static long run_mutex_spinning(long n, struct result *r)
{
	return uncontended(n, r, 0);
}

/* Lock + unlock of an fmutex nobody else wants: no system call at all. */
static long run_mutex_fast(long n, struct result *r)
{
	fmutex_init(&bench_fmutex);
	long t0 = time_ns();
	long err = lock_unlock_loop(n, fast_lock, fast_unlock);
	r->ns = time_ns() - t0;
	r->ops = n;
	return err;
}

static volatile int contended_go;
static long contended_counter;

/* One of CONTENDERS threads: n increments of the counter the lock guards. */
static inline __attribute__((always_inline)) long contend(long n, lock_fn lock,
							  lock_fn unlock)
{
	wait_for(&contended_go);
	for (long i = 0; i < n; i++) {
		if (lock())
			return 1;
		contended_counter++;
		if (unlock())
			return 1;
	}
	return 0;
}

static long kernel_contender(void *arg)
{
	return contend((long)arg, kernel_lock, kernel_unlock);
}

/* The same shape with an fmutex: waiters sleep in FUTEX_WAIT. */
static long fast_contender(void *arg)
{
	return contend((long)arg, fast_lock, fast_unlock);
}

/* CONTENDERS threads running `contender` share n lock+unlock pairs; the
 * figure is per pair. The counter the lock guards must come out exact. */
static long contended(long n, struct result *r, long (*contender)(void *))
{
	long each = n / CONTENDERS;
	contended_go = 0;
	contended_counter = 0;
	long err = run_threads_together(CONTENDERS, contender, (void *)each, &contended_go,
					&r->ns);
	r->ops = each * CONTENDERS;
	if (!err && contended_counter != r->ops)
		err = -ERANGE;
	snprintf(r->extra, sizeof r->extra, "threads=%d", CONTENDERS);
	return err;
}

static long run_mutex_contended(long n, struct result *r)
{
	long err = mutex_init(&bench_mutex, 1);
	return err ? err : contended(n, r, kernel_contender);
}

static long run_mutex_contended_spin(long n, struct result *r)
{
	long err = mutex_init(&bench_mutex, 0);
	return err ? err : contended(n, r, kernel_contender);
}

static long run_mutex_fast_contended(long n, struct result *r)
{
	fmutex_init(&bench_fmutex);
	return contended(n, r, fast_contender);
}

/* ---- semaphore ping-pong ---- */

/* Two fresh semaphores, and a partner thread fn(n) that answers on them. */
static long spawn_partner(semaphore_t *a, semaphore_t *b, thread_t *t, long (*fn)(void *),
			  long n)
{
	long err = semaphore_init(a, 0);
	if (!err)
		err = semaphore_init(b, 0);
	if (!err)
		err = thread_spawn(t, fn, (void *)n);
	return err;
}

/* One round trip: wake the partner through `there`, wait for it on `back`. */
static long round_trip(semaphore_t *there, semaphore_t *back)
{
	long err = semaphore_post(there);
	return err ? err : semaphore_wait(back);
}

static semaphore_t ping, pong;

static long ponger(void *arg)
{
	long n = (long)arg;
	for (long i = 0; i < n; i++)
		if (semaphore_wait(&ping) || semaphore_post(&pong))
			return 1;
	return 0;
}

static long run_sem_pingpong(long n, struct result *r)
{
	thread_t t;
	long err = spawn_partner(&ping, &pong, &t, ponger, n);
	if (err)
		return err;
	long t0 = time_ns();
	for (long i = 0; i < n && !err; i++)
		err = round_trip(&ping, &pong);
	r->ns = time_ns() - t0;
	r->ops = n;
	if (thread_wait(t) != 0 && !err)
		err = -EINVAL;
	return err;
}

/* ---- wake-to-run latency ---- */

static semaphore_t wake_sem, woke_sem;
static unsigned long wake_t0;
static long wake_ticks;

static long sleeper(void *arg)
{
	long n = (long)arg;
	for (long i = 0; i < n; i++) {
		if (semaphore_wait(&wake_sem))
			return 1;
		unsigned long t1 = rdtime();
		wake_ticks += (long)(t1 - __atomic_load_n(&wake_t0, __ATOMIC_ACQUIRE));
		if (semaphore_post(&woke_sem))
			return 1;
	}
	return 0;
}

/* The time from the semaphore_up of a waker to the first user instruction of
 * the woken thread, read with rdtime on both sides (no system call inside
 * the interval). Before each up the waker makes sure the sleeper really is
 * blocked. On several harts the sleeper usually wakes on another hart. */
static long run_wake_latency(long n, struct result *r)
{
	wake_ticks = 0;
	thread_t t;
	long err = spawn_partner(&wake_sem, &woke_sem, &t, sleeper, n);
	if (err)
		return err;
	long t0 = time_ns();
	for (long i = 0; i < n && !err; i++) {
		int st;
		while ((st = thread_state(t.tid)) != THREAD_INFO_BLOCKED) {
			if (st < 0 || st == THREAD_INFO_EXITED) {
				err = -ESRCH;
				break;
			}
			sched_yield();
		}
		if (err)
			break;
		__atomic_store_n(&wake_t0, rdtime(), __ATOMIC_RELEASE);
		err = round_trip(&wake_sem, &woke_sem);
	}
	long loop_ns = time_ns() - t0;
	if (thread_wait(t) != 0 && !err)
		err = -EINVAL;
	/* value = ns / ops: put the latency sum (in tenths of ns) in ns, and
	 * scale ops to match. */
	r->ns = ticks_to_ns10(wake_ticks);
	r->ops = n * 10;
	snprintf(r->extra, sizeof r->extra, "loop_ns=%ld", loop_ns);
	return err;
}

/* ---- parallel CPU-bound workload ---- */

static volatile int parallel_go;
static volatile unsigned long parallel_sink;

/* Integer work with no memory traffic: an xorshift generator. */
static long worker(void *arg)
{
	long n = (long)arg;
	unsigned long x = 88172645463325252UL + (unsigned long)n;
	wait_for(&parallel_go);
	for (long i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	__atomic_fetch_add(&parallel_sink, x, __ATOMIC_RELAXED);
	return 0;
}

/* `workers` threads share n rounds of work whatever the hart count, so the
 * same work is timed at every hart count and the host divides the times to
 * get the speedup. The figure is the total time (value) for iters rounds. */
static long run_parallel_threads(long n, struct result *r, int workers)
{
	long each = n / workers;
	parallel_go = 0;
	long err = run_threads_together(workers, worker, (void *)each, &parallel_go, &r->ns);
	r->ops = 1;
	snprintf(r->extra, sizeof r->extra, "threads=%d harts=%ld rounds=%ld",
		 workers, harts, each * workers);
	return err;
}

static long run_parallel(long n, struct result *r)
{
	return run_parallel_threads(n, r, WORKERS);
}

/* The same work split over 4 threads: the figure the threads issue names. */
static long run_parallel4(long n, struct result *r)
{
	return run_parallel_threads(n, r, 4);
}

/* ---- the table and the driver ---- */

static const struct bench benches[] = {
	{ "null_syscall", 200000, 20000, run_null_syscall,
	  "getppid(): trap in, dispatch, trap out" },
	{ "futex_wake_nowaiter", 200000, 20000, run_futex_wake_nowaiter,
	  "FUTEX_WAKE|FUTEX_PRIVATE_FLAG of a word nobody waits on" },
	{ "signal_self", 50000, 5000, run_signal_self,
	  "kill(self, SIGUSR1) with an SA_SIGINFO handler: deliver + sigreturn" },
	{ "yield_switch", 20000, 2000, run_yield_switch,
	  "two threads of one process call sched_yield in turn (per yield)" },
	{ "pipe_roundtrip", 10000, 1000, run_pipe_roundtrip,
	  "one byte to a child process and back through two pipes" },
	{ "thread_create_join", 2000, 200, run_thread_create_join,
	  "thread_create of an empty thread, then join" },
	{ "clone_create_join", 2000, 200, run_clone_create_join,
	  "thread() (mmap + clone) of an empty thread, then thread_wait (futex + munmap)" },
	{ "fork_exit_wait", 500, 50, run_fork_exit_wait,
	  "fork, the child exits at once, wait4" },
	{ "fork_exec_wait", 200, 20, run_fork_exec_wait,
	  "fork, the child execs `true`, wait4" },
	{ "mutex_blocking", 100000, 10000, run_mutex_blocking,
	  "uncontended lock + unlock of a blocking mutex" },
	{ "mutex_spinning", 100000, 10000, run_mutex_spinning,
	  "uncontended lock + unlock of a spinning mutex" },
	{ "mutex_contended", 20000, 2000, run_mutex_contended,
	  "4 threads share lock + unlock pairs of one blocking mutex" },
	{ "mutex_contended_spin", 20000, 2000, run_mutex_contended_spin,
	  "4 threads share lock + unlock pairs of one spinning mutex" },
	{ "mutex_fast", 100000, 10000, run_mutex_fast,
	  "uncontended lock + unlock of a user-space futex mutex (fmutex)" },
	{ "mutex_fast_contended", 20000, 2000, run_mutex_fast_contended,
	  "4 threads share lock + unlock pairs of one fmutex (futex slow path)" },
	{ "sem_pingpong", 10000, 1000, run_sem_pingpong,
	  "two threads hand a token back and forth with two semaphores" },
	{ "wake_latency", 2000, 200, run_wake_latency,
	  "semaphore_up to the first instruction of the woken thread" },
	{ "parallel", 240000000, 24000000, run_parallel,
	  "8 threads share fixed integer work (total time)" },
	{ "parallel4", 240000000, 24000000, run_parallel4,
	  "4 threads share the same integer work (total time)" },
};

#define NBENCH ((int)(sizeof benches / sizeof benches[0]))

/* Formats ns / ops rounded to one decimal place ("1234.5"). */
static void format_value(char *buf, size_t len, long ns, long ops)
{
	long v10 = (long)(((__int128)ns * 10 + ops / 2) / ops);
	snprintf(buf, len, "%ld.%ld", v10 / 10, v10 % 10);
}

/* A warm-up run of a tenth of the iterations, then the timed run; one line
 * (one write) with the result. */
static int run_one(const struct bench *b, long iters, const char *unit)
{
	struct result r;
	memset(&r, 0, sizeof r);
	long warm = iters / 10 > 0 ? iters / 10 : 1;
	long err = b->run(warm, &r);
	if (!err) {
		memset(&r, 0, sizeof r);
		err = b->run(iters, &r);
	}
	if (err || r.ops <= 0) {
		printf("BENCH name=%s error=%ld\n", b->name, err);
		return 1;
	}
	char value[32];
	format_value(value, sizeof value, r.ns, r.ops);
	printf("BENCH name=%s unit=%s value=%s iters=%ld%s%s\n", b->name, unit, value,
	       iters, r.extra[0] ? " " : "", r.extra);
	return 0;
}

/* Whether user mode may read instret: tried in a child, which a trap kills. */
static const char *probe_instret(void)
{
	long pid = fork();
	if (pid < 0)
		return "unknown";
	if (pid == 0) {
		volatile unsigned long v = rdinstret();
		(void)v;
		child_exit(0);
	}
	int st = -1;
	if (wait4((int)pid, &st, 0, 0) != pid)
		return "unknown";
	return st == 0 ? "yes" : "no";
}

static int usage(void)
{
	dprintf(2, "usage: bench [--quick] [--icount] [--iters N] [--list] [name...]\n");
	return 2;
}

static const struct bench *find(const char *name)
{
	for (int i = 0; i < NBENCH; i++)
		if (!strcmp(benches[i].name, name))
			return &benches[i];
	return NULL;
}

int main(int argc, char **argv)
{
	int quick = 0, icount = 0;
	long iters = 0;
	const struct bench *chosen[NBENCH];
	int nchosen = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--quick")) {
			quick = 1;
		} else if (!strcmp(a, "--icount")) {
			icount = 1;
		} else if (!strcmp(a, "--iters") && i + 1 < argc) {
			iters = strtol(argv[++i], NULL, 0);
			if (iters <= 0)
				return usage();
		} else if (!strcmp(a, "--list")) {
			for (int j = 0; j < NBENCH; j++)
				printf("%-22s %s\n", benches[j].name, benches[j].about);
			return 0;
		} else if (a[0] == '-') {
			return usage();
		} else {
			const struct bench *b = find(a);
			if (!b) {
				dprintf(2, "bench: no benchmark named %s (bench --list)\n", a);
				return 2;
			}
			if (nchosen < NBENCH)
				chosen[nchosen++] = b;
		}
	}
	if (nchosen == 0)
		for (int i = 0; i < NBENCH; i++)
			chosen[nchosen++] = &benches[i];

	struct kstat k;
	if (kstat(&k) == 0) {
		if (k.time_hz)
			time_hz = (long)k.time_hz;
		harts = (long)k.harts;
	}
	const char *unit = icount ? "instr" : "ns";
	printf("BENCH-INFO harts=%ld time_hz=%ld mode=%s quick=%d instret=%s\n",
	       harts, time_hz, icount ? "icount" : "wall", quick, probe_instret());
	int failed = 0;
	for (int i = 0; i < nchosen; i++) {
		const struct bench *b = chosen[i];
		long n = iters ? iters : quick ? b->quick_iters : b->iters;
		failed += run_one(b, n, unit);
	}
	printf("BENCH-END ok=%d failed=%d\n", nchosen - failed, failed);
	return failed ? 1 : 0;
}
