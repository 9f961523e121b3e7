/* x_fuzz: a system-call fuzzer. The kernel must survive it, and everything
 * the fuzzing processes took must come back.
 *
 * The first process (the master) keeps WORKERS worker processes running,
 * forking a new one whenever one ends, until the workers have made CALLS
 * calls in all. A worker closes every file descriptor but its report pipe,
 * then FUZZ_THREADS threads make random calls while its main thread
 * supervises: when the worker's budget is spent, or no call has completed
 * for a while (every fuzzing thread blocked: on a semaphore nobody will
 * post, a pipe nobody writes, a year-long nanosleep...), it writes the
 * worker's counts to the master and ends the process. A worker may also die
 * of what it did (a thread started at a bad address kills it with SIGSEGV,
 * a sibling may SIGKILL it): the master counts how each worker ended and
 * forks another.
 *
 * Calls: mostly the kernel's real numbers (Linux ones and Dakota's 1000+
 * thread and synchronisation calls) with arguments drawn per call from
 * random integers, small ids and fds, and pointers into mapped memory, the
 * program text (read-only), memory nothing maps, the trampoline and
 * trap-context pages, and kernel or non-canonical addresses; the rest random
 * numbers with random arguments. Never made: exit_group, exit from the main
 * thread, kill of pid <= 1 or of the worker itself, execve of a real
 * program, trace control (its output would flood the console), and nothing
 * that writes to the report pipe. A fork made by the fuzz ends at once in
 * the child.
 *
 * Exact checks on the way (counted, must be 0): an unknown call number gives
 * -ENOSYS; clock_gettime / kstat into memory that cannot be written (the
 * text, the trampoline, a trap-context page, below the program, above user
 * space), and futex WAIT / shared WAKE on an aligned word there other than
 * the (readable) text, give -EFAULT; poweroff from a non-init process gives -EPERM.
 * Then: the master saw CALLS calls, and the kernel's counters are back.
 *
 * A system call added to the kernel must be added to valid_calls (with an
 * argument recipe in fuzz_one if it can end the run), or the ENOSYS check
 * will count it.
 *
 * usage: x_fuzz [CALLS] [SEED] [WORKERS] */
#include "stress.h"
#include <sync.h>
#include <thread.h>

#define FUZZ_THREADS    4
#define WORKER_BUDGET   25000
#define MAX_WORKERS     8
#define ARG_AREA        (64 * 1024)
#define MAX_MAPS        16
#define STALL_CHECKS    15        /* supervisor periods without progress */
#define SUPERVISE_MS    20
#define REPORT_FD       15

/* Addresses from kernel/mm/layout.h (the fuzzer may use them knowingly). */
#define USER_TOP_VA     (1UL << 38)
#define TRAMPOLINE_VA   (USER_TOP_VA - 4096)
#define TRAPCTX_VA(t)   (TRAMPOLINE_VA - 4096 - (unsigned long)(t) * 4096)
#define MMAP_BASE_VA    0x2000000000UL
#define MMAP_END_VA     (0x3F00000000UL - 1024UL * 0x100000UL)

struct fuzz_report {
	long calls;
	long enosys_wrong;        /* unknown number, not -ENOSYS */
	long efault_wrong;        /* write to unwritable memory, not -EFAULT */
	long poweroff_wrong;      /* poweroff not -EPERM */
};

/* ---- worker state ---- */

/* Everything the worker keeps, in one block whose order is fixed: the
 * kernel may write up to ~24 KiB (thread_list) at any pointer into the
 * arg area, so the counters sit before it and padding after it. */
static struct {
	struct fuzz_report rep;                /* atomics */
	unsigned long maps[MAX_MAPS];          /* mappings made by the fuzz */
	unsigned long victim;                  /* a mapping it may unmap */
	long worker_pid;
	unsigned long worker_seed;
	unsigned char arg_area[ARG_AREA];      /* the fuzz's own buffers */
	unsigned char overrun[32 * 1024];
} fz;

static const long valid_calls[] = {
	SYS_dup, SYS_dup3, SYS_close, SYS_pipe2, SYS_read, SYS_write, SYS_exit,
	SYS_nanosleep, SYS_clock_gettime, SYS_sched_yield, SYS_kill, SYS_setuid,
	SYS_getpid, SYS_getppid, SYS_getuid, SYS_brk, SYS_munmap, SYS_clone,
	SYS_execve, SYS_mmap, SYS_wait4,
	SYS_thread_create, SYS_gettid, SYS_waittid, SYS_thread_join,
	SYS_mutex_create, SYS_mutex_lock, SYS_mutex_unlock,
	SYS_semaphore_create, SYS_semaphore_up, SYS_semaphore_down,
	SYS_condvar_create, SYS_condvar_signal, SYS_condvar_wait, SYS_futex,
	SYS_thread_list, SYS_kstat, SYS_programs, SYS_poweroff,
	SYS_sched_setaffinity, SYS_sched_getaffinity, SYS_getcpu,
	SYS_sched_get_priority_max, SYS_sched_get_priority_min,
	SYS_sched_getscheduler, SYS_sched_getparam, SYS_sched_setscheduler,
	SYS_sched_setparam, SYS_sched_rr_get_interval,
	SYS_mprotect, SYS_madvise, SYS_mremap, SYS_msync, SYS_mlock, SYS_munlock,
	SYS_mincore,
	/* cheap and harmless: more of them */
	SYS_getpid, SYS_gettid, SYS_sched_yield, SYS_clock_gettime,
	SYS_mutex_create, SYS_mutex_lock, SYS_mutex_unlock, SYS_semaphore_up,
	SYS_condvar_signal, SYS_mmap, SYS_munmap, SYS_pipe2, SYS_close, SYS_write,
	SYS_futex,
	/* Linux calls (docs/linux-abi.md); recipes in linux_recipe */
	SYS_readv, SYS_writev, SYS_pread64, SYS_pwrite64, SYS_lseek, SYS_ioctl, SYS_fcntl,
	SYS_fstat, SYS_newfstatat, SYS_statx, SYS_openat, SYS_readlinkat, SYS_faccessat,
	SYS_faccessat2, SYS_getcwd, SYS_chdir, SYS_clock_getres, SYS_clock_nanosleep,
	SYS_gettimeofday, SYS_times, SYS_getrusage, SYS_prlimit64, SYS_getrlimit,
	SYS_setrlimit, SYS_geteuid, SYS_getgid, SYS_getegid, SYS_setgid, SYS_getresuid,
	SYS_getresgid, SYS_getgroups, SYS_getpgid, SYS_setpgid, SYS_getsid, SYS_setsid,
	SYS_umask, SYS_uname, SYS_sysinfo, SYS_reboot, SYS_membarrier, SYS_getrandom,
	SYS_prctl, SYS_ppoll, SYS_pselect6, SYS_ftruncate, SYS_linkat, SYS_unlinkat,
};
#define VALID_CALLS (long)(sizeof valid_calls / sizeof valid_calls[0])

/* Signal calls: known, so not expected to be -ENOSYS, but not fuzzed with
 * random arguments: handlers at random addresses, signals to random pids
 * (init among them) or waits without end would end the run, not test it.
 * The mask, pending and altstack calls are fuzzed. */
static const long unfuzzed_signal_calls[] = {
	SYS_rt_sigaction, SYS_rt_sigreturn, SYS_rt_sigsuspend, SYS_rt_sigtimedwait,
	SYS_ppoll, SYS_setitimer, SYS_tkill, SYS_tgkill, SYS_rt_sigqueueinfo,
	SYS_rt_tgsigqueueinfo,
	/* POSIX timers send any signal later; clock_settime would move the
	 * clock under every other test of the boot. */
	SYS_timer_create, SYS_timer_settime, SYS_timer_gettime, SYS_timer_getoverrun,
	SYS_timer_delete, SYS_clock_settime,
};

static int is_unfuzzed(long nr)
{
	if (nr == SYS_exit_group || nr == SYS_trace_ctl)
		return 1;
	for (unsigned i = 0; i < sizeof unfuzzed_signal_calls / sizeof unfuzzed_signal_calls[0]; i++)
		if (unfuzzed_signal_calls[i] == nr)
			return 1;
	return 0;
}

static int is_known(long nr)
{
	if (is_unfuzzed(nr) || nr == SYS_rt_sigprocmask || nr == SYS_rt_sigpending ||
	    nr == SYS_sigaltstack || nr == SYS_getitimer)
		return 1;
	/* Implemented, and reached only through random numbers: kept out of
	 * valid_calls so that the call sequence of a given seed stays what it
	 * was (a longer list reorders every run after it). */
	if (nr == SYS_clone3 || nr == SYS_set_tid_address || nr == SYS_linux_gettid ||
	    nr == SYS_set_robust_list || nr == SYS_get_robust_list || nr == SYS_renameat2 ||
	    nr == SYS_fsync || nr == SYS_fdatasync || nr == SYS_sync || nr == SYS_syncfs ||
	    nr == SYS_mlockall || nr == SYS_munlockall)
		return 1;
	for (long i = 0; i < VALID_CALLS; i++)
		if (valid_calls[i] == nr)
			return 1;
	return 0;
}

/* Memory that a copy_to_user must refuse, whatever else the fuzz did. */
static unsigned long unwritable(unsigned long *rng)
{
	switch (rng_below(rng, 7)) {
	case 0: return rng_below(rng, 0x10000 - 64);            /* below the program */
	case 1: return (unsigned long)&unwritable + rng_below(rng, 256); /* text */
	case 2: return TRAMPOLINE_VA + rng_below(rng, 4096 - 64);
	case 3: return TRAPCTX_VA(rng_below(rng, 130)) + rng_below(rng, 4096 - 64);
	case 4: return USER_TOP_VA + rng_below(rng, 1UL << 30);
	case 5: return 0xffffffc080200000UL + rng_below(rng, 1UL << 20);  /* kernel half */
	default: return 0x8000000000000000UL | rng_next(rng);   /* non-canonical */
	}
}

/* A pointer argument: anything from good memory to nonsense. */
static unsigned long any_pointer(unsigned long *rng)
{
	switch (rng_below(rng, 10)) {
	case 0: return 0;
	case 1:
	case 2: return (unsigned long)fz.arg_area + rng_below(rng, ARG_AREA - 512);
	case 3: return fz.victim + rng_below(rng, 65536);
	case 4: return fz.maps[rng_below(rng, MAX_MAPS)] + rng_below(rng, 8192);
	case 5: return MMAP_BASE_VA + rng_below(rng, MMAP_END_VA - MMAP_BASE_VA);
	case 6:
	case 7: return unwritable(rng);
	case 8: return 0x80200000UL + rng_below(rng, 1UL << 24);  /* kernel's physical */
	default: return rng_next(rng);
	}
}

static long any_int(unsigned long *rng)
{
	switch (rng_below(rng, 6)) {
	case 0: return (long)rng_below(rng, 4);
	case 1: return (long)rng_below(rng, 70) - 2;
	case 2: return -(long)rng_below(rng, 4096);
	case 3: return (long)rng_below(rng, 1UL << 32);
	case 4: return (long)(1UL << rng_below(rng, 64));
	default: return (long)rng_next(rng);
	}
}

static long any_fd(unsigned long *rng)
{
	long fd = (long)rng_below(rng, 22) - 2;
	return fd == REPORT_FD ? 3 : fd;
}

static long small_id(unsigned long *rng)
{
	return rng_below(rng, 8) == 0 ? any_int(rng) : (long)rng_below(rng, 70) - 2;
}

/* A short, harmless timespec in the arg area (mostly), or anything. */
static unsigned long sleep_request(unsigned long *rng)
{
	if (rng_below(rng, 10) == 0)
		return any_pointer(rng);
	struct timespec *ts = (struct timespec *)(fz.arg_area + 8 * rng_below(rng, 64));
	ts->tv_sec = 0;
	ts->tv_nsec = (long)rng_below(rng, 2000000);
	return (unsigned long)ts;
}

/* A path that names no program: "nx-" and random letters, or a bad pointer. */
static unsigned long bogus_path(unsigned long *rng)
{
	if (rng_below(rng, 2))
		return unwritable(rng);
	char *s = (char *)fz.arg_area + ARG_AREA - 256 + 64 * rng_below(rng, 4);
	s[0] = 'n';
	s[1] = 'x';
	s[2] = '-';
	int n = (int)rng_below(rng, 60);
	for (int i = 0; i < n; i++)
		s[3 + i] = (char)('a' + rng_below(rng, 26));
	s[3 + n] = 0;
	return (unsigned long)s;
}

static long fuzz_thread(void *arg);

static long raw(long nr, const long *a)
{
	return syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static void count(long *field)
{
	__atomic_add_fetch(field, 1, __ATOMIC_RELAXED);
}

/* Makes a call whose arguments point at memory it cannot use: the one
 * outcome allowed is -EFAULT, anything else is counted. */
static void call_expecting_efault(long nr, const long *a)
{
	if (raw(nr, a) != -EFAULT)
		count(&fz.rep.efault_wrong);
}

/* The same with argument `which` pointing at unwritable memory. */
static void call_with_unwritable(long nr, long *a, int which, unsigned long *rng)
{
	a[which] = (long)unwritable(rng);
	call_expecting_efault(nr, a);
}

/* An iovec array of two entries in the arg area (or a bad pointer). */
static long any_iovec(unsigned long *rng)
{
	if (rng_below(rng, 8) == 0)
		return (long)any_pointer(rng);
	unsigned long *v = (unsigned long *)(fz.arg_area + 16 * rng_below(rng, 64));
	for (int i = 0; i < 2; i++) {
		v[2 * i] = any_pointer(rng);
		v[2 * i + 1] = rng_below(rng, 300);
	}
	return (long)v;
}

/* Arguments for the Linux calls whose random ones could end the run: the
 * report pipe stays out of reach, sleeps stay short, writes small. */
static void linux_recipe(long nr, long *a, unsigned long *rng)
{
	static const long ioctls[] = { 0x5401, 0x5402, 0x5413, 0x5414, 0x541B, 0x5421, 0x5451 };
	switch (nr) {
	case SYS_readv:
	case SYS_writev:
		a[0] = any_fd(rng);
		a[1] = any_iovec(rng);
		a[2] = rng_below(rng, 4) ? (long)rng_below(rng, 3) : any_int(rng);
		break;
	case SYS_ioctl:
		a[0] = any_fd(rng);
		a[1] = rng_below(rng, 4) ? ioctls[rng_below(rng, 7)] : any_int(rng);
		a[2] = (long)any_pointer(rng);
		break;
	case SYS_fcntl:
	case SYS_pread64:
	case SYS_pwrite64:
	case SYS_lseek:
	case SYS_fstat:
	case SYS_ftruncate:
		a[0] = any_fd(rng);
		if (nr == SYS_fcntl && rng_below(rng, 4))
			a[1] = rng_below(rng, 5) ? (long)rng_below(rng, 5) : 1030;
		break;
	case SYS_clock_nanosleep:
		a[0] = (long)rng_below(rng, 12);
		a[1] = (long)rng_below(rng, 2);       /* TIMER_ABSTIME: long past */
		a[2] = (long)sleep_request(rng);
		a[3] = (long)any_pointer(rng);
		break;
	case SYS_ppoll:
		a[0] = (long)any_pointer(rng);
		a[1] = (long)rng_below(rng, 4);
		a[2] = (long)sleep_request(rng);
		break;
	case SYS_pselect6:
		a[0] = (long)rng_below(rng, 20);
		a[1] = (long)any_pointer(rng);
		a[2] = a[3] = 0;
		a[4] = (long)sleep_request(rng);
		break;
	case SYS_getrandom:
		a[0] = (long)any_pointer(rng);
		a[1] = (long)rng_below(rng, 5000);
		break;
	default:
		break;
	}
}

/* Makes one random call. Only fuzzing threads call this, never a main
 * thread, so a SYS_exit ends just the one thread. */
static void fuzz_one(unsigned long *rng)
{
	long a[6];
	for (int i = 0; i < 6; i++)
		a[i] = any_int(rng);
	long nr;
	if (rng_below(rng, 10) < 7) {
		nr = valid_calls[rng_below(rng, VALID_CALLS)];
	} else {
		nr = rng_below(rng, 4) ? (long)rng_below(rng, 1200) : (long)rng_next(rng);
		if (!is_known(nr)) {
			if (raw(nr, a) != -ENOSYS)
				count(&fz.rep.enosys_wrong);
			return;
		}
		if (is_unfuzzed(nr))
			return;
	}
	switch (nr) {
	case SYS_dup:
	case SYS_close:
		a[0] = any_fd(rng);
		break;
	case SYS_dup3:
		a[0] = any_fd(rng);
		a[1] = any_fd(rng);
		a[2] = rng_below(rng, 3) ? 0 : any_int(rng);
		break;
	case SYS_pipe2:
		a[0] = (long)any_pointer(rng);
		a[1] = rng_below(rng, 3) ? 0 : rng_below(rng, 2) ? O_CLOEXEC : any_int(rng);
		break;
	case SYS_read:
	case SYS_write:
		a[0] = any_fd(rng);
		a[1] = (long)any_pointer(rng);
		a[2] = rng_below(rng, 4) ? (long)rng_below(rng, 5000) : any_int(rng);
		break;
	case SYS_exit:
		if (rng_below(rng, 50))
			return;          /* rarely: it ends a fuzz thread */
		break;
	case SYS_nanosleep:
		a[0] = (long)sleep_request(rng);
		a[1] = (long)any_pointer(rng);
		break;
	case SYS_clock_gettime:
		if (rng_below(rng, 2)) {
			/* exact: unwritable memory is -EFAULT */
			a[0] = CLOCK_MONOTONIC;
			call_with_unwritable(nr, a, 1, rng);
			return;
		}
		a[1] = (long)any_pointer(rng);
		break;
	case SYS_kill:
		a[0] = 2 + (long)rng_below(rng, 80);
		if (a[0] == fz.worker_pid)
			return;
		a[1] = rng_below(rng, 3) == 0 ? SIGKILL : rng_below(rng, 2) ? 0 : any_int(rng);
		/* A stopped worker would never end (nobody continues it). */
		if (a[1] >= 19 && a[1] <= 22)     /* SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU */
			a[1] = SIGKILL;
		break;
	case SYS_setuid:
		a[0] = rng_below(rng, 2) ? (long)rng_below(rng, 3) : any_int(rng);
		break;
	case SYS_brk:
		a[0] = rng_below(rng, 2) ? 0 : (long)(syscall1(SYS_brk, 0) +
				rng_below(rng, 1UL << 22)) - (long)rng_below(rng, 1UL << 20);
		if (rng_below(rng, 8) == 0)
			a[0] = (long)any_pointer(rng);
		break;
	case SYS_munmap:
		a[0] = (long)(rng_below(rng, 2) ? any_pointer(rng) :
			      fz.maps[rng_below(rng, MAX_MAPS)] & ~4095UL);
		a[1] = rng_below(rng, 2) ? (long)(4096 * rng_below(rng, 64)) : any_int(rng);
		break;
	case SYS_mprotect:
	case SYS_madvise:
	case SYS_mremap:
		/* Mostly the fuzz's own mappings, so that regions get split. */
		a[0] = (long)(rng_below(rng, 4) ? fz.maps[rng_below(rng, MAX_MAPS)] & ~4095UL :
			      any_pointer(rng));
		a[1] = rng_below(rng, 4) ? (long)(4096 * rng_below(rng, 64)) : any_int(rng);
		if (nr == SYS_mprotect)
			a[2] = rng_below(rng, 8);
		else if (nr == SYS_madvise)
			a[2] = rng_below(rng, 2) ? 4 /* MADV_DONTNEED */ : (long)rng_below(rng, 24);
		else
			a[2] = (long)(4096 * (1 + rng_below(rng, 64)));
		a[3] = (long)rng_below(rng, 4);
		break;
	case SYS_mmap:
		a[0] = rng_below(rng, 8) ? 0 : (long)any_pointer(rng);
		a[1] = rng_below(rng, 4) ? (long)(4096 * (1 + rng_below(rng, 256))) : any_int(rng);
		a[2] = rng_below(rng, 4) ? PROT_READ | PROT_WRITE : (long)rng_below(rng, 16);
		a[3] = rng_below(rng, 4) ? MAP_PRIVATE | MAP_ANONYMOUS : any_int(rng);
		a[4] = rng_below(rng, 4) ? -1 : any_int(rng);
		a[5] = rng_below(rng, 4) ? 0 : any_int(rng);
		break;
	case SYS_clone:
		if (rng_below(rng, 4) == 0) {
			a[0] = SIGCHLD;     /* a real fork */
			a[1] = 0;
		}
		break;
	case SYS_execve:
		a[0] = (long)bogus_path(rng);
		a[1] = (long)any_pointer(rng);
		a[2] = (long)any_pointer(rng);
		break;
	case SYS_wait4:
		a[0] = rng_below(rng, 2) ? -1 : small_id(rng);
		a[1] = (long)any_pointer(rng);
		a[2] = rng_below(rng, 2) ? WNOHANG : rng_below(rng, 2) ? 0 : any_int(rng);
		a[3] = rng_below(rng, 4) ? 0 : (long)any_pointer(rng);
		break;
	case SYS_thread_create:
		/* A bad entry kills the worker: rarely. */
		a[0] = rng_below(rng, 500) ? (long)fuzz_thread : (long)any_pointer(rng);
		a[1] = (long)rng_next(rng);
		break;
	case SYS_waittid:
	case SYS_thread_join:
	case SYS_mutex_lock:
	case SYS_mutex_unlock:
	case SYS_semaphore_up:
	case SYS_semaphore_down:
	case SYS_condvar_signal:
		a[0] = small_id(rng);
		break;
	case SYS_mutex_create:
		a[0] = (long)rng_below(rng, 2);
		break;
	case SYS_semaphore_create:
		a[0] = rng_below(rng, 2) ? (long)rng_below(rng, 4) : any_int(rng);
		break;
	case SYS_condvar_wait:
		a[0] = small_id(rng);
		a[1] = small_id(rng);
		break;
	case SYS_futex:
		if (rng_below(rng, 4) == 0) {
			/* exact: a word that cannot be read is -EFAULT (a wait
			 * only reads, as on Linux: text would be fine) */
			unsigned long w;
			do
				w = unwritable(rng);
			while (w >= (unsigned long)&unwritable && w < (unsigned long)&unwritable + 512);
			a[0] = (long)(w & ~3UL);
			a[1] = rng_below(rng, 2) ? FUTEX_WAKE : FUTEX_WAIT | FUTEX_PRIVATE_FLAG;
			a[3] = 0;
			call_expecting_efault(nr, a);
			return;
		}
		/* Words the fuzz's threads share (so waits meet wakes), or
		 * anything; mostly real ops; a wait without a timeout may block
		 * until the supervisor ends the worker. */
		a[0] = rng_below(rng, 2) ? (long)(fz.arg_area + 4 * rng_below(rng, 32))
					 : (long)any_pointer(rng);
		a[1] = rng_below(rng, 4) ? (long)rng_below(rng, 2) |
				(rng_below(rng, 2) ? FUTEX_PRIVATE_FLAG : 0) : any_int(rng);
		a[2] = rng_below(rng, 2) ? (long)rng_below(rng, 3) : any_int(rng);
		a[3] = rng_below(rng, 2) ? 0 : (long)sleep_request(rng);
		break;
	case SYS_thread_list:
	case SYS_programs:
		a[0] = (long)any_pointer(rng);
		a[1] = rng_below(rng, 2) ? (long)rng_below(rng, 600) : any_int(rng);
		break;
	case SYS_kstat:
		if (rng_below(rng, 2)) {
			call_with_unwritable(nr, a, 0, rng);
			return;
		}
		a[0] = (long)any_pointer(rng);
		break;
	case SYS_sched_getaffinity:
		if (rng_below(rng, 2)) {
			/* exact: unwritable memory is -EFAULT */
			a[0] = 0;
			a[1] = 8;
			call_with_unwritable(nr, a, 2, rng);
			return;
		}
		/* fall through */
	case SYS_sched_setaffinity:
		a[0] = rng_below(rng, 4) ? 0 : any_int(rng);
		a[1] = rng_below(rng, 2) ? 8 : any_int(rng);
		a[2] = (long)any_pointer(rng);
		break;
	case SYS_getcpu:
		a[0] = (long)any_pointer(rng);
		a[1] = (long)any_pointer(rng);
		break;
	case SYS_sched_getparam:
	case SYS_sched_setparam:
	case SYS_sched_rr_get_interval:
		a[0] = rng_below(rng, 4) ? 0 : any_int(rng);
		a[1] = (long)any_pointer(rng);
		break;
	case SYS_sched_setscheduler:
		a[0] = rng_below(rng, 4) ? 0 : any_int(rng);
		a[2] = (long)any_pointer(rng);
		break;
	case SYS_poweroff:
		if (raw(nr, a) != -EPERM)
			count(&fz.rep.poweroff_wrong);
		return;
	default:
		linux_recipe(nr, a, rng);
		break;
	}
	long r = raw(nr, a);
	if (nr == SYS_clone && r == 0)
		syscall1(SYS_exit_group, 0);      /* the fuzz's own fork child */
	if (nr == SYS_mmap && !MMAP_FAILED(r))
		fz.maps[rng_below(rng, MAX_MAPS)] = (unsigned long)r;
}

/* Threads created by the fuzz itself: a few calls of their own, then out. */
static long fuzz_thread(void *arg)
{
	unsigned long rng = (unsigned long)arg | 1;
	for (int i = 0; i < 20; i++) {
		fuzz_one(&rng);
		count(&fz.rep.calls);
	}
	return 0;
}

/* The worker's fuzzing threads: until the budget is spent. */
static long fuzz_main(void *arg)
{
	long me = (long)arg;
	unsigned long rng = fz.worker_seed * 0x9e3779b97f4a7c15UL + (unsigned long)me * 7919 + 1;
	while (__atomic_load_n(&fz.rep.calls, __ATOMIC_RELAXED) < WORKER_BUDGET) {
		fuzz_one(&rng);
		count(&fz.rep.calls);
	}
	return 0;
}

/* A worker process. Its main thread never fuzzes: it supervises. */
static _Noreturn void worker(int report, unsigned long seed)
{
	for (int fd = 0; fd < 16; fd++)
		if (fd != report)
			close(fd);
	if (report != REPORT_FD && dup3(report, REPORT_FD, 0) == REPORT_FD) {
		close(report);
		report = REPORT_FD;
	}
	fz.worker_pid = getpid();
	fz.worker_seed = seed;
	fz.victim = (unsigned long)mmap(0, 65536, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < MAX_MAPS; i++)
		fz.maps[i] = fz.victim;
	for (long i = 0; i < FUZZ_THREADS; i++) {
		thread_t t;
		thread_spawn(&t, fuzz_main, (void *)i);
	}
	long last = -1;
	int quiet = 0;
	for (;;) {
		pause_ms(SUPERVISE_MS);
		long now = __atomic_load_n(&fz.rep.calls, __ATOMIC_RELAXED);
		if (now >= WORKER_BUDGET)
			break;
		quiet = now == last ? quiet + 1 : 0;
		if (quiet >= STALL_CHECKS)
			break;
		last = now;
	}
	struct fuzz_report r = fz.rep;
	write(report, &r, sizeof r);
	syscall1(SYS_exit_group, 0);
	for (;;)
		;
}

/* ---- master ---- */

struct slot {
	long pid;                /* 0: empty */
	int report;              /* read end of the worker's report pipe */
};

/* Forks a worker into the empty slot s; 0 or a negative errno. */
static long start_worker(struct slot *s, unsigned long seed)
{
	int fds[2];
	long err = pipe(fds);
	if (err)
		return err;
	long pid = fork();
	if (pid == 0) {
		close(fds[0]);
		worker(fds[1], seed);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return pid;
	}
	s->pid = pid;
	s->report = fds[0];
	return 0;
}

int main(int argc, char **argv)
{
	long target = arg_long(argc, argv, 1, 1000000);
	unsigned long seed = (unsigned long)arg_long(argc, argv, 2, 1);
	long workers = arg_long(argc, argv, 3, 3);
	if (workers < 1 || workers > MAX_WORKERS) {
		printf("Bail out! WORKERS must be 1..%d\n", MAX_WORKERS);
		return 2;
	}
	TEST_PLAN();
	struct kstat before = stress_begin("x_fuzz");
	test_note("seed %lu, %ld calls, %ld workers of %d threads", seed, target, workers,
		  FUZZ_THREADS);
	struct slot slot[MAX_WORKERS];
	for (int i = 0; i < MAX_WORKERS; i++)
		slot[i].pid = 0;
	struct fuzz_report total = { 0, 0, 0, 0 };
	long forked = 0, reported = 0, strays = 0, fork_errors = 0, fork_busy = 0;
	long ended_exit0 = 0, ended_signal[65] = { 0 }, ended_other = 0;
	/* Workers that die at birth again and again would loop for ever. */
	long max_forks = target / 100 + 100;
	long t0 = time_ns();
	for (;;) {
		int live = 0, busy = 0;
		for (int i = 0; i < workers; i++) {
			if (!slot[i].pid && total.calls < target && forked < max_forks) {
				long err = start_worker(&slot[i], seed * 1000003UL + (unsigned long)forked);
				if (err == -EAGAIN || err == -ENOMEM) {
					/* The fuzz's own forks (zombies until someone
					 * reaps them) can fill the process table for a
					 * while: try again after the next reap. */
					busy++;
					fork_busy++;
				} else if (err) {
					if (!fork_errors++)
						test_note("starting a worker failed: %ld", err);
				} else {
					forked++;
				}
			}
			live += slot[i].pid != 0;
		}
		if (!live && !busy)
			break;
		int status = 0;
		long pid = wait4(-1, &status, 0, 0);
		if (pid < 0) {
			if (busy && !fork_errors++)  /* no child, yet no room for one */
				test_note("fork keeps failing with no child to reap: %ld", pid);
			break;
		}
		int i = 0;
		while (i < workers && slot[i].pid != pid)
			i++;
		if (i == workers) {
			strays++;       /* an orphaned fork of the fuzz */
			continue;
		}
		struct fuzz_report r;
		if (read_full(slot[i].report, &r, sizeof r) == sizeof r) {
			reported++;
			total.calls += r.calls;
			total.enosys_wrong += r.enosys_wrong;
			total.efault_wrong += r.efault_wrong;
			total.poweroff_wrong += r.poweroff_wrong;
		}
		close(slot[i].report);
		slot[i].pid = 0;
		if (status == 0)
			ended_exit0++;
		else if (WIFSIGNALED(status) && WTERMSIG(status) <= 64)
			ended_signal[WTERMSIG(status)]++;
		else
			ended_other++;
	}
	/* Orphans of the fuzz came to us: reap them all. */
	int status;
	while (wait4(-1, &status, 0, 0) > 0)
		strays++;
	test_note("%ld calls in %ld ms by %ld workers (%ld reported, %ld exit 0, %ld SIGKILL, "
		  "%ld SIGSEGV, %ld SIGILL, %ld other); %ld orphans reaped; %ld worker forks "
		  "found the process table or memory full",
		  total.calls, (time_ns() - t0) / 1000000, forked, reported, ended_exit0,
		  ended_signal[SIGKILL], ended_signal[SIGSEGV], ended_signal[SIGILL],
		  ended_other, strays, fork_busy);
	CHECK_EQ(fork_errors, 0, "every worker started (or found the tables full for a while)");
	CHECK(total.calls >= target, "at least %ld calls made (%ld)", target, total.calls);
	CHECK_EQ(total.enosys_wrong, 0, "every unknown call number gave -ENOSYS");
	CHECK_EQ(total.efault_wrong, 0, "every write to unwritable memory gave -EFAULT");
	CHECK_EQ(total.poweroff_wrong, 0, "poweroff from a non-init process gave -EPERM");
	CHECK_EQ(ended_other, 0, "no worker ended with a non-zero exit code");
	stress_end(&before, "x_fuzz");
	return test_done();
}
