/* Dakota's system-call ABI, shared by the kernel and the user library.
 *
 * ecall with the number in a7 and arguments in a0-a5; the result comes back in
 * a0. Errors are negative Linux errno values. Numbers below 1000 are Linux
 * riscv64's with Linux's meaning; from 1000 up they are Dakota's own (the
 * thread and synchronisation calls keep the rCore tutorial's numbers).
 * This header is a public interface: add numbers, never change one. */
#ifndef DAKOTA_SYSCALL_H
#define DAKOTA_SYSCALL_H

#define SYS_dup             23
#define SYS_dup3            24
#define SYS_close           57
#define SYS_pipe2           59
#define SYS_read            63
#define SYS_write           64
#define SYS_exit            93
#define SYS_exit_group      94
#define SYS_futex           98   /* (u32 *uaddr, op, val, timeout): WAIT, WAKE */
#define SYS_nanosleep       101
#define SYS_clock_gettime   113
#define SYS_sched_yield     124
#define SYS_kill            129
#define SYS_setuid          146
#define SYS_getpid          172
#define SYS_getppid         173
#define SYS_getuid          174
#define SYS_brk             214
#define SYS_munmap          215
#define SYS_clone           220
#define SYS_execve          221
#define SYS_mmap            222
#define SYS_wait4           260

#define SYS_thread_create   1000
#define SYS_gettid          1001
#define SYS_waittid         1002
#define SYS_thread_join     1003  /* blocks until tid exits; then as waittid */
#define SYS_mutex_create    1010
#define SYS_mutex_lock      1011
#define SYS_mutex_unlock    1012
#define SYS_semaphore_create 1020
#define SYS_semaphore_up    1021
#define SYS_semaphore_down  1022
#define SYS_condvar_create  1030
#define SYS_condvar_signal  1031
#define SYS_condvar_wait    1032
#define SYS_thread_list     1100  /* (struct thread_info *buf, long max): count */
#define SYS_kstat           1101  /* (struct kstat *out): kernel counters */
#define SYS_programs        1102  /* (char *buf, long len): NUL-separated names */
#define SYS_trace_ctl       1110  /* (long cmd): TRACE_START / TRACE_STOP */
#define SYS_poweroff        1111  /* (long status): init only */

/* Errors (negative in a0). */
#define ESRCH    3
#define EINTR    4
#define E2BIG    7
#define ENOEXEC  8
#define EBADF    9
#define ECHILD  10
#define EAGAIN  11
#define ENOMEM  12
#define EACCES  13
#define EFAULT  14
#define EBUSY   16
#define EEXIST  17
#define EINVAL  22
#define EMFILE  24
#define ENOSPC  28
#define EPIPE   32
#define ERANGE  34
#define EDEADLK 35
#define ENAMETOOLONG 36
#define ENOSYS  38
#define ETIMEDOUT 110
#define ENOENT   2
#define EPERM    1

/* clone flags: fork is clone(SIGCHLD, 0). */
#define SIGCHLD 17
#define SIGKILL 9
#define SIGILL  4
#define SIGSEGV 11

#define WNOHANG 1

#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1

#define PROT_READ   1
#define PROT_WRITE  2
#define PROT_EXEC   4
#define MAP_PRIVATE   0x02
#define MAP_ANONYMOUS 0x20

#define O_CLOEXEC 02000000

/* futex ops (Linux values); every futex is process-private, so the flag is
 * accepted and changes nothing. */
#define FUTEX_WAIT          0
#define FUTEX_WAKE          1
#define FUTEX_PRIVATE_FLAG  128

#define TRACE_START 1
#define TRACE_STOP  2

struct timespec {
	long tv_sec;
	long tv_nsec;
};

enum thread_info_state {
	THREAD_INFO_READY = 0,
	THREAD_INFO_RUNNING = 1,
	THREAD_INFO_BLOCKED = 2,
	THREAD_INFO_EXITED = 3,
};

/* One line of `ts`: a snapshot of one thread. */
struct thread_info {
	int pid;
	int tid;
	int uid;
	int state;            /* enum thread_info_state */
	int hart;             /* running on, or last ran on; -1 never ran */
	int pad;
	char name[16];        /* process name */
	unsigned long run_ns; /* time spent running */
	unsigned long switches; /* times switched in */
};

/* Kernel counters for leak checks and benchmarks. */
struct kstat {
	unsigned long free_frames;
	unsigned long total_frames;
	unsigned long live_threads;
	unsigned long live_procs;
	unsigned long kmalloc_bytes;
	unsigned long harts;
	unsigned long time_hz;    /* rate of the `time` counter */
	unsigned long reserved[9];
};

#endif
