/* lbench: the per-operation costs of kernel paths, as an ordinary static
 * glibc program, so that the same binary measures Dakota and Linux.
 *
 *   lbench [--iters-scale N] [METRIC...]     default: every metric
 *
 * Each metric prints one line
 *
 *   lbench METRIC NS_PER_OP ITERATIONS
 *
 * timed with CLOCK_MONOTONIC. Under QEMU's -icount shift=0 one guest
 * instruction is one nanosecond of virtual time, so NS_PER_OP is guest
 * instructions per operation (on either kernel) while one hart is busy;
 * without -icount it is host-dependent wall time. Every metric runs its loop
 * three times and reports the middle result. The two workloads, parallel
 * (whole run) and lock_heavy (per increment), run one thread per hart and
 * exit with status 2 when their result is wrong.
 *
 * Run as /init on Linux, the program first waits until the kernel's own
 * start-up work is over (the non-idle CPU time in /proc/stat stops growing),
 * so that it measures the operation and not the crypto self-tests. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static long scale = 1;
static const char *self_path;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "lbench: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void pin_to_cpu(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof set, &set))
		die("sched_setaffinity");
}

/* ---- Waiting for a quiet machine (Linux as /init) ---- */

static long busy_jiffies(void)
{
	FILE *f = fopen("/proc/stat", "r");
	if (!f)
		return -1;
	unsigned long v[10] = {0};
	int n = fscanf(f, "cpu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu", &v[0], &v[1], &v[2],
		       &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
	fclose(f);
	if (n < 4)
		return -1;
	return (long)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]);   /* all but idle, iowait */
}

static void wait_until_quiet(void)
{
	if (getpid() == 1) {
		mkdir("/proc", 0555);
		mount("proc", "/proc", "proc", 0, NULL);
	}
	long last = busy_jiffies();
	if (last < 0)
		return;                     /* no /proc: nothing to wait for */
	for (int quiet = 0, i = 0; quiet < 3 && i < 600; i++) {
		struct timespec tick = {0, 200 * 1000 * 1000};
		nanosleep(&tick, NULL);
		long b = busy_jiffies();
		quiet = b == last ? quiet + 1 : 0;
		last = b;
	}
}

/* ---- The metrics: each returns ns per operation for `iters` operations ---- */

static double m_null_syscall(long iters)
{
	uint64_t t = now_ns();
	for (long i = 0; i < iters; i++)
		syscall(SYS_getppid);
	return (double)(now_ns() - t) / (double)iters;
}

static double m_futex_wake(long iters)
{
	static int word;
	uint64_t t = now_ns();
	for (long i = 0; i < iters; i++)
		syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	return (double)(now_ns() - t) / (double)iters;
}

static double m_mutex(long iters)
{
	static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	uint64_t t = now_ns();
	for (long i = 0; i < iters; i++) {
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
	}
	return (double)(now_ns() - t) / (double)iters;
}

static volatile int yield_stop;

static void *yielder(void *arg)
{
	(void)arg;
	pin_to_cpu(0);
	while (!yield_stop)
		sched_yield();
	return NULL;
}

/* Two threads pinned to one hart yield to each other: one round trip is
 * two switches. */
static double m_yield(long iters)
{
	pthread_t th;
	pin_to_cpu(0);
	yield_stop = 0;
	pthread_create(&th, NULL, yielder, NULL);
	sched_yield();
	uint64_t t = now_ns();
	for (long i = 0; i < iters; i++)
		sched_yield();
	double r = (double)(now_ns() - t) / (double)iters;
	yield_stop = 1;
	pthread_join(th, NULL);
	return r;
}

static double m_pipe(long iters)
{
	int ab[2], ba[2];
	char c = 0;
	if (pipe(ab) || pipe(ba))
		die("pipe");
	pid_t pid = fork();
	if (pid == 0) {
		for (long i = 0; i < iters; i++) {
			if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	uint64_t t = now_ns();
	for (long i = 0; i < iters; i++) {
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			die("pipe round trip");
	}
	double r = (double)(now_ns() - t) / (double)iters;
	waitpid(pid, NULL, 0);
	close(ab[0]); close(ab[1]); close(ba[0]); close(ba[1]);
	return r;
}

static sem_t sem_ping, sem_pong;
static long sem_iters;

static void *ponger(void *arg)
{
	(void)arg;
	for (long i = 0; i < sem_iters; i++) {
		sem_wait(&sem_ping);
		sem_post(&sem_pong);
	}
	return NULL;
}

static double m_semaphore(long iters)
{
	pthread_t th;
	sem_init(&sem_ping, 0, 0);
	sem_init(&sem_pong, 0, 0);
	sem_iters = iters;
	pthread_create(&th, NULL, ponger, NULL);
	uint64_t t = now_ns();
	for (long i = 0; i < iters; i++) {
		sem_post(&sem_ping);
		sem_wait(&sem_pong);
	}
	double r = (double)(now_ns() - t) / (double)iters;
	pthread_join(th, NULL);
	return r;
}

static void *nothing(void *arg)
{
	return arg;
}

static double m_create_join(long iters)
{
	uint64_t t = now_ns();
	for (long i = 0; i < iters; i++) {
		pthread_t th;
		if (pthread_create(&th, NULL, nothing, NULL))
			die("pthread_create");
		pthread_join(th, NULL);
	}
	return (double)(now_ns() - t) / (double)iters;
}

static double m_fork(long iters)
{
	uint64_t t = now_ns();
	for (long i = 0; i < iters; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0)
			die("fork");
		waitpid(pid, NULL, 0);
	}
	return (double)(now_ns() - t) / (double)iters;
}

static double m_fork_exec(long iters)
{
	uint64_t t = now_ns();
	for (long i = 0; i < iters; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			char *argv[] = {(char *)self_path, "--exit", NULL};
			execv(self_path, argv);
			_exit(127);
		}
		if (pid < 0)
			die("fork");
		int st;
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "lbench: exec of %s failed (status %#x)\n", self_path, st);
			exit(2);
		}
	}
	return (double)(now_ns() - t) / (double)iters;
}

/* ---- Whole workloads: one thread per hart, fixed work per thread ----
 *
 * Threads = the harts this process may run on, so at N harts the ideal wall
 * time stays that of one thread. Under -icount the virtual clock counts the
 * instructions of every hart (QEMU runs them round-robin in one host
 * thread), so there the figure grows with N: it is the work of all threads
 * plus what the kernel adds. */

#define MAX_WORKERS 64

static long online_cpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set))
		return 1;
	long n = CPU_COUNT(&set);
	return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : n;
}

static void start_workers(pthread_t *th, long n, void *(*fn)(void *), void **args)
{
	for (long i = 0; i < n; i++) {
		errno = pthread_create(&th[i], NULL, fn, args[i]);
		if (errno)
			die("pthread_create");
	}
	for (long i = 0; i < n; i++)
		pthread_join(th[i], NULL);
}

#define LCG_MUL 6364136223846793005UL
#define LCG_ADD 1442695040888963407UL
#define SPIN_ITERS 2000000UL     /* per thread, times --iters-scale */

struct spin {
	unsigned long seed, iters, result;
};

static void *spin_work(void *arg)
{
	struct spin *s = arg;
	unsigned long x = s->seed;
	for (unsigned long i = 0; i < s->iters; i++) {
		x = x * LCG_MUL + LCG_ADD;
		__asm__ volatile("" : "+r"(x));    /* keep every step a real step */
	}
	s->result = x;
	return NULL;
}

/* The LCG after n steps from x, by squaring (x -> a*x + c composed with
 * itself): checks a thread's result without redoing its work. */
static unsigned long lcg_jump(unsigned long x, unsigned long n)
{
	unsigned long a = LCG_MUL, c = LCG_ADD, acc_a = 1, acc_c = 0;
	for (; n; n >>= 1) {
		if (n & 1) {
			acc_a *= a;
			acc_c = acc_c * a + c;
		}
		c = (a + 1) * c;
		a *= a;
	}
	return acc_a * x + acc_c;
}

/* One thread per hart, each SPIN_ITERS steps of an integer hash (an LCG);
 * the result is the whole run's time, and every thread's value is checked. */
static double m_parallel(long iters)
{
	(void)iters;
	long n = online_cpus();
	pthread_t th[MAX_WORKERS];
	struct spin s[MAX_WORKERS];
	void *args[MAX_WORKERS];
	for (long i = 0; i < n; i++) {
		s[i] = (struct spin){.seed = (unsigned long)i + 1, .iters = SPIN_ITERS * scale};
		args[i] = &s[i];
	}
	uint64_t t = now_ns();
	start_workers(th, n, spin_work, args);
	double r = (double)(now_ns() - t);
	for (long i = 0; i < n; i++) {
		if (s[i].result != lcg_jump(s[i].seed, s[i].iters)) {
			fprintf(stderr, "lbench: parallel thread %ld computed %#lx, want %#lx\n",
				i, s[i].result, lcg_jump(s[i].seed, s[i].iters));
			exit(2);
		}
	}
	return r;
}

static pthread_mutex_t hot = PTHREAD_MUTEX_INITIALIZER;
static unsigned long hot_count;

static void *lock_work(void *arg)
{
	long n = (long)arg;
	for (long i = 0; i < n; i++) {
		pthread_mutex_lock(&hot);
		hot_count++;
		pthread_mutex_unlock(&hot);
	}
	return NULL;
}

/* One thread per hart, each `iters` lock/increment/unlock on one mutex; the
 * result is the whole run's time divided by all increments, and the count is
 * checked. */
static double m_lock_heavy(long iters)
{
	long n = online_cpus();
	pthread_t th[MAX_WORKERS];
	void *args[MAX_WORKERS];
	for (long i = 0; i < n; i++)
		args[i] = (void *)iters;
	hot_count = 0;
	uint64_t t = now_ns();
	start_workers(th, n, lock_work, args);
	double r = (double)(now_ns() - t) / (double)(iters * n);
	if (hot_count != (unsigned long)(iters * n)) {
		fprintf(stderr, "lbench: lock_heavy counted %lu, want %ld\n", hot_count, iters * n);
		exit(2);
	}
	return r;
}

struct metric {
	const char *name;
	double (*run)(long iters);
	long iters;
};

static const struct metric metrics[] = {
	{"null_syscall", m_null_syscall, 20000},
	{"futex_wake", m_futex_wake, 20000},
	{"mutex", m_mutex, 20000},
	{"yield", m_yield, 5000},
	{"pipe", m_pipe, 2000},
	{"semaphore", m_semaphore, 2000},
	{"create_join", m_create_join, 300},
	{"fork_exit_wait", m_fork, 100},
	{"fork_exec_wait", m_fork_exec, 30},
	{"parallel", m_parallel, 1},
	{"lock_heavy", m_lock_heavy, 10000},
};

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void run_metric(const struct metric *m)
{
	double r[3];
	long iters = m->iters * scale;
	for (int i = 0; i < 3; i++) {
		r[i] = m->run(iters);
		cpu_set_t all;
		CPU_ZERO(&all);
		for (int c = 0; c < CPU_SETSIZE && c < 64; c++)
			CPU_SET(c, &all);
		sched_setaffinity(0, sizeof all, &all);    /* undo a metric's pinning */
	}
	qsort(r, 3, sizeof r[0], by_value);
	printf("lbench %s %.1f %ld\n", m->name, r[1], iters);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--exit"))
		return 0;
	self_path = argv[0][0] == '/' ? argv[0] : "/proc/self/exe";
	if (argv[0][0] != '/') {
		static char path[256];
		snprintf(path, sizeof path, "%s", argv[0]);
		self_path = path;
	}
	int first = 1;
	if (argc > 2 && !strcmp(argv[1], "--iters-scale")) {
		scale = atol(argv[2]);
		first = 3;
	}
	wait_until_quiet();
	printf("lbench start cpus=%ld\n", online_cpus());
	for (size_t i = 0; i < sizeof metrics / sizeof metrics[0]; i++) {
		int wanted = first >= argc;
		for (int a = first; a < argc; a++)
			wanted |= !strcmp(argv[a], metrics[i].name);
		if (wanted)
			run_metric(&metrics[i]);
	}
	printf("lbench done\n");
	fflush(stdout);
	if (getpid() == 1) {
		/* Linux as /init: returning panics the kernel and QEMU stops. The
		 * console driver sends asynchronously, so the panic message would
		 * cut into the last lines unless they have left first. */
		tcdrain(STDOUT_FILENO);
		struct timespec settle = {0, 100 * 1000 * 1000};
		nanosleep(&settle, NULL);
	}
	return 0;
}
