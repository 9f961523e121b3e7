/* Signals in Linux riscv64's ABI, shared by the kernel and the user library:
 * numbers, flags and the structures rt_sigaction, rt_sigprocmask,
 * sigaltstack, rt_sigqueueinfo and setitimer exchange (uapi
 * asm-generic/signal.h, asm-generic/siginfo.h; riscv has no SA_RESTORER). */
#ifndef DAKOTA_SIGNAL_H
#define DAKOTA_SIGNAL_H

#define NSIG_LINUX 64        /* signals 1..64; sigset_t is one 64-bit word */
#define SIGSET_SIZE 8        /* the sigsetsize argument every rt_sig* call takes */

#define SIGHUP     1
#define SIGINT     2
#define SIGQUIT    3
#define SIGILL     4
#define SIGTRAP    5
#define SIGABRT    6
#define SIGBUS     7
#define SIGFPE     8
#define SIGKILL    9
#define SIGUSR1   10
#define SIGSEGV   11
#define SIGUSR2   12
#define SIGPIPE   13
#define SIGALRM   14
#define SIGTERM   15
#define SIGSTKFLT 16
#define SIGCHLD   17
#define SIGCONT   18
#define SIGSTOP   19
#define SIGTSTP   20
#define SIGTTIN   21
#define SIGTTOU   22
#define SIGURG    23
#define SIGXCPU   24
#define SIGXFSZ   25
#define SIGVTALRM 26
#define SIGPROF   27
#define SIGWINCH  28
#define SIGIO     29
#define SIGPWR    30
#define SIGSYS    31
#define SIGRTMIN_KERNEL 32   /* glibc keeps 32 (cancel) and 33 (setxid) */
#define SIGRTMAX  64

#define SIG_DFL 0UL
#define SIG_IGN 1UL

#define SA_NOCLDSTOP 0x00000001UL
#define SA_NOCLDWAIT 0x00000002UL
#define SA_SIGINFO   0x00000004UL
#define SA_RESTORER  0x04000000UL   /* accepted; riscv returns through the kernel's stub */
#define SA_ONSTACK   0x08000000UL
#define SA_RESTART   0x10000000UL
#define SA_NODEFER   0x40000000UL
#define SA_RESETHAND 0x80000000UL

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define MINSIGSTKSZ 2048

/* si_code values */
#define SI_USER     0
#define SI_KERNEL   0x80
#define SI_QUEUE    (-1)
#define SI_TIMER    (-2)
#define SI_TKILL    (-6)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define ILL_ILLOPC  1
#define BUS_ADRALN  1
#define CLD_EXITED  1
#define CLD_KILLED  2
#define CLD_DUMPED  3

#define CLD_STOPPED   5
#define CLD_CONTINUED 6

/* wait4 options beyond WNOHANG, and the statuses they report. */
#define WUNTRACED   2
#define WCONTINUED  8
#define W_STOPCODE(sig) (((sig) << 8) | 0x7f)
#define W_CONTINUED_STATUS 0xffff
/* Linux's __WNOTHREAD, __WCLONE, __WALL: accepted by wait4. Every Dakota
 * child reports to its parent with SIGCHLD, so __WCLONE alone matches none;
 * children belong to the process, so __WNOTHREAD changes nothing. */
#define W_NOTHREAD  0x20000000
#define W_ALL       0x40000000
#define W_CLONE     ((int)0x80000000u)

#define ITIMER_REAL    0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF    2

/* The kernel's struct sigaction on riscv (no sa_restorer field). */
struct k_sigaction {
	unsigned long handler;     /* SIG_DFL, SIG_IGN or a user address */
	unsigned long flags;
	unsigned long mask;
};

typedef struct {
	unsigned long ss_sp;
	int ss_flags;
	int pad;
	unsigned long ss_size;
} k_stack_t;

/* siginfo_t: 128 bytes; the fields by the union member they belong to. */
struct k_siginfo {
	int si_signo;
	int si_errno;
	int si_code;
	int pad;
	union {
		struct { int pid; unsigned uid; long value; } kill;   /* also rt, queue */
		struct { int tid; int overrun; long value; } timer;
		struct { int pid; unsigned uid; int status; } child;
		struct { unsigned long addr; } fault;
		char bytes[112];
	} u;
};

struct k_timeval {
	long tv_sec;
	long tv_usec;
};

struct k_itimerval {
	struct k_timeval it_interval;
	struct k_timeval it_value;
};

#endif
