/* Dakota's system-call ABI, shared by the kernel and the user library.
 *
 * ecall with the number in a7 and arguments in a0-a5; the result comes back in
 * a0. Errors are negative Linux errno values. Numbers below 1000 are Linux
 * riscv64's with Linux's meaning; from 1000 up they are Dakota's own (the
 * thread and synchronisation calls keep the rCore tutorial's numbers).
 * This header is a public interface: add numbers, never change one. */
#ifndef DAKOTA_SYSCALL_H
#define DAKOTA_SYSCALL_H

/* Linux riscv64 system-call numbers (asm-generic/unistd.h), every one, so
 * that a handler added later takes its Linux number from here. Which of
 * them Dakota implements is kernel/syscall/calls.def; the rest return
 * -ENOSYS with one console line per process and number. */
#define SYS_io_setup                 0
#define SYS_io_destroy               1
#define SYS_io_submit                2
#define SYS_io_cancel                3
#define SYS_io_getevents             4
#define SYS_setxattr                 5
#define SYS_lsetxattr                6
#define SYS_fsetxattr                7
#define SYS_getxattr                 8
#define SYS_lgetxattr                9
#define SYS_fgetxattr                10
#define SYS_listxattr                11
#define SYS_llistxattr               12
#define SYS_flistxattr               13
#define SYS_removexattr              14
#define SYS_lremovexattr             15
#define SYS_fremovexattr             16
#define SYS_getcwd                   17
#define SYS_lookup_dcookie           18
#define SYS_eventfd2                 19
#define SYS_epoll_create1            20
#define SYS_epoll_ctl                21
#define SYS_epoll_pwait              22
#define SYS_dup                      23
#define SYS_dup3                     24
#define SYS_fcntl                    25
#define SYS_inotify_init1            26
#define SYS_inotify_add_watch        27
#define SYS_inotify_rm_watch         28
#define SYS_ioctl                    29
#define SYS_ioprio_set               30
#define SYS_ioprio_get               31
#define SYS_flock                    32
#define SYS_mknodat                  33
#define SYS_mkdirat                  34
#define SYS_unlinkat                 35
#define SYS_symlinkat                36
#define SYS_linkat                   37
#define SYS_umount2                  39
#define SYS_mount                    40
#define SYS_pivot_root               41
#define SYS_nfsservctl               42
#define SYS_statfs                   43
#define SYS_fstatfs                  44
#define SYS_truncate                 45
#define SYS_ftruncate                46
#define SYS_fallocate                47
#define SYS_faccessat                48
#define SYS_chdir                    49
#define SYS_fchdir                   50
#define SYS_chroot                   51
#define SYS_fchmod                   52
#define SYS_fchmodat                 53
#define SYS_fchownat                 54
#define SYS_fchown                   55
#define SYS_openat                   56
#define SYS_close                    57
#define SYS_vhangup                  58
#define SYS_pipe2                    59
#define SYS_quotactl                 60
#define SYS_getdents64               61
#define SYS_lseek                    62
#define SYS_read                     63
#define SYS_write                    64
#define SYS_readv                    65
#define SYS_writev                   66
#define SYS_pread64                  67
#define SYS_pwrite64                 68
#define SYS_preadv                   69
#define SYS_pwritev                  70
#define SYS_sendfile                 71
#define SYS_pselect6                 72
#define SYS_ppoll                    73
#define SYS_signalfd4                74
#define SYS_vmsplice                 75
#define SYS_splice                   76
#define SYS_tee                      77
#define SYS_readlinkat               78
#define SYS_newfstatat               79
#define SYS_fstat                    80
#define SYS_sync                     81
#define SYS_fsync                    82
#define SYS_fdatasync                83
#define SYS_sync_file_range          84
#define SYS_timerfd_create           85
#define SYS_timerfd_settime          86
#define SYS_timerfd_gettime          87
#define SYS_utimensat                88
#define SYS_acct                     89
#define SYS_capget                   90
#define SYS_capset                   91
#define SYS_personality              92
#define SYS_exit                     93
#define SYS_exit_group               94
#define SYS_waitid                   95
#define SYS_set_tid_address          96
#define SYS_unshare                  97
#define SYS_futex                    98
#define SYS_set_robust_list          99
#define SYS_get_robust_list          100
#define SYS_nanosleep                101
#define SYS_getitimer                102
#define SYS_setitimer                103
#define SYS_kexec_load               104
#define SYS_init_module              105
#define SYS_delete_module            106
#define SYS_timer_create             107
#define SYS_timer_gettime            108
#define SYS_timer_getoverrun         109
#define SYS_timer_settime            110
#define SYS_timer_delete             111
#define SYS_clock_settime            112
#define SYS_clock_gettime            113
#define SYS_clock_getres             114
#define SYS_clock_nanosleep          115
#define SYS_syslog                   116
#define SYS_ptrace                   117
#define SYS_sched_setparam           118
#define SYS_sched_setscheduler       119
#define SYS_sched_getscheduler       120
#define SYS_sched_getparam           121
#define SYS_sched_setaffinity        122
#define SYS_sched_getaffinity        123
#define SYS_sched_yield              124
#define SYS_sched_get_priority_max   125
#define SYS_sched_get_priority_min   126
#define SYS_sched_rr_get_interval    127
#define SYS_restart_syscall          128
#define SYS_kill                     129
#define SYS_tkill                    130
#define SYS_tgkill                   131
#define SYS_sigaltstack              132
#define SYS_rt_sigsuspend            133
#define SYS_rt_sigaction             134
#define SYS_rt_sigprocmask           135
#define SYS_rt_sigpending            136
#define SYS_rt_sigtimedwait          137
#define SYS_rt_sigqueueinfo          138
#define SYS_rt_sigreturn             139
#define SYS_setpriority              140
#define SYS_getpriority              141
#define SYS_reboot                   142
#define SYS_setregid                 143
#define SYS_setgid                   144
#define SYS_setreuid                 145
#define SYS_setuid                   146
#define SYS_setresuid                147
#define SYS_getresuid                148
#define SYS_setresgid                149
#define SYS_getresgid                150
#define SYS_setfsuid                 151
#define SYS_setfsgid                 152
#define SYS_times                    153
#define SYS_setpgid                  154
#define SYS_getpgid                  155
#define SYS_getsid                   156
#define SYS_setsid                   157
#define SYS_getgroups                158
#define SYS_setgroups                159
#define SYS_uname                    160
#define SYS_sethostname              161
#define SYS_setdomainname            162
#define SYS_getrlimit                163
#define SYS_setrlimit                164
#define SYS_getrusage                165
#define SYS_umask                    166
#define SYS_prctl                    167
#define SYS_getcpu                   168
#define SYS_gettimeofday             169
#define SYS_settimeofday             170
#define SYS_adjtimex                 171
#define SYS_getpid                   172
#define SYS_getppid                  173
#define SYS_getuid                   174
#define SYS_geteuid                  175
#define SYS_getgid                   176
#define SYS_getegid                  177
#define SYS_linux_gettid             178   /* SYS_gettid (1001) is the rCore per-process tid */
#define SYS_sysinfo                  179
#define SYS_mq_open                  180
#define SYS_mq_unlink                181
#define SYS_mq_timedsend             182
#define SYS_mq_timedreceive          183
#define SYS_mq_notify                184
#define SYS_mq_getsetattr            185
#define SYS_msgget                   186
#define SYS_msgctl                   187
#define SYS_msgrcv                   188
#define SYS_msgsnd                   189
#define SYS_semget                   190
#define SYS_semctl                   191
#define SYS_semtimedop               192
#define SYS_semop                    193
#define SYS_shmget                   194
#define SYS_shmctl                   195
#define SYS_shmat                    196
#define SYS_shmdt                    197
#define SYS_socket                   198
#define SYS_socketpair               199
#define SYS_bind                     200
#define SYS_listen                   201
#define SYS_accept                   202
#define SYS_connect                  203
#define SYS_getsockname              204
#define SYS_getpeername              205
#define SYS_sendto                   206
#define SYS_recvfrom                 207
#define SYS_setsockopt               208
#define SYS_getsockopt               209
#define SYS_shutdown                 210
#define SYS_sendmsg                  211
#define SYS_recvmsg                  212
#define SYS_readahead                213
#define SYS_brk                      214
#define SYS_munmap                   215
#define SYS_mremap                   216
#define SYS_add_key                  217
#define SYS_request_key              218
#define SYS_keyctl                   219
#define SYS_clone                    220
#define SYS_execve                   221
#define SYS_mmap                     222
#define SYS_fadvise64                223
#define SYS_swapon                   224
#define SYS_swapoff                  225
#define SYS_mprotect                 226
#define SYS_msync                    227
#define SYS_mlock                    228
#define SYS_munlock                  229
#define SYS_mlockall                 230
#define SYS_munlockall               231
#define SYS_mincore                  232
#define SYS_madvise                  233
#define SYS_remap_file_pages         234
#define SYS_mbind                    235
#define SYS_get_mempolicy            236
#define SYS_set_mempolicy            237
#define SYS_migrate_pages            238
#define SYS_move_pages               239
#define SYS_rt_tgsigqueueinfo        240
#define SYS_perf_event_open          241
#define SYS_accept4                  242
#define SYS_recvmmsg                 243
#define SYS_riscv_flush_icache       259
#define SYS_wait4                    260
#define SYS_prlimit64                261
#define SYS_fanotify_init            262
#define SYS_fanotify_mark            263
#define SYS_name_to_handle_at        264
#define SYS_open_by_handle_at        265
#define SYS_clock_adjtime            266
#define SYS_syncfs                   267
#define SYS_setns                    268
#define SYS_sendmmsg                 269
#define SYS_process_vm_readv         270
#define SYS_process_vm_writev        271
#define SYS_kcmp                     272
#define SYS_finit_module             273
#define SYS_sched_setattr            274
#define SYS_sched_getattr            275
#define SYS_renameat2                276
#define SYS_seccomp                  277
#define SYS_getrandom                278
#define SYS_memfd_create             279
#define SYS_bpf                      280
#define SYS_execveat                 281
#define SYS_userfaultfd              282
#define SYS_membarrier               283
#define SYS_mlock2                   284
#define SYS_copy_file_range          285
#define SYS_preadv2                  286
#define SYS_pwritev2                 287
#define SYS_pkey_mprotect            288
#define SYS_pkey_alloc               289
#define SYS_pkey_free                290
#define SYS_statx                    291
#define SYS_io_pgetevents            292
#define SYS_rseq                     293
#define SYS_kexec_file_load          294
#define SYS_pidfd_send_signal        424
#define SYS_io_uring_setup           425
#define SYS_io_uring_enter           426
#define SYS_io_uring_register        427
#define SYS_open_tree                428
#define SYS_move_mount               429
#define SYS_fsopen                   430
#define SYS_fsconfig                 431
#define SYS_fsmount                  432
#define SYS_fspick                   433
#define SYS_pidfd_open               434
#define SYS_clone3                   435
#define SYS_close_range              436
#define SYS_openat2                  437
#define SYS_pidfd_getfd              438
#define SYS_faccessat2               439
#define SYS_process_madvise          440
#define SYS_epoll_pwait2             441
#define SYS_mount_setattr            442
#define SYS_quotactl_fd              443
#define SYS_landlock_create_ruleset  444
#define SYS_landlock_add_rule        445
#define SYS_landlock_restrict_self   446
#define SYS_memfd_secret             447
#define SYS_process_mrelease         448
#define SYS_futex_waitv              449
#define SYS_set_mempolicy_home_node  450

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

/* Errors (negative in a0): Linux's numbers, all of them. */
#define EPERM            1
#define ENOENT           2
#define ESRCH            3
#define EINTR            4
#define EIO              5
#define ENXIO            6
#define E2BIG            7
#define ENOEXEC          8
#define EBADF            9
#define ECHILD           10
#define EAGAIN           11
#define ENOMEM           12
#define EACCES           13
#define EFAULT           14
#define ENOTBLK          15
#define EBUSY            16
#define EEXIST           17
#define EXDEV            18
#define ENODEV           19
#define ENOTDIR          20
#define EISDIR           21
#define EINVAL           22
#define ENFILE           23
#define EMFILE           24
#define ENOTTY           25
#define ETXTBSY          26
#define EFBIG            27
#define ENOSPC           28
#define ESPIPE           29
#define EROFS            30
#define EMLINK           31
#define EPIPE            32
#define EDOM             33
#define ERANGE           34
#define EDEADLK          35
#define ENAMETOOLONG     36
#define ENOLCK           37
#define ENOSYS           38
#define ENOTEMPTY        39
#define ELOOP            40
#define ENOMSG           42
#define EIDRM            43
#define ECHRNG           44
#define EL2NSYNC         45
#define EL3HLT           46
#define EL3RST           47
#define ELNRNG           48
#define EUNATCH          49
#define ENOCSI           50
#define EL2HLT           51
#define EBADE            52
#define EBADR            53
#define EXFULL           54
#define ENOANO           55
#define EBADRQC          56
#define EBADSLT          57
#define EBFONT           59
#define ENOSTR           60
#define ENODATA          61
#define ETIME            62
#define ENOSR            63
#define ENONET           64
#define ENOPKG           65
#define EREMOTE          66
#define ENOLINK          67
#define EADV             68
#define ESRMNT           69
#define ECOMM            70
#define EPROTO           71
#define EMULTIHOP        72
#define EDOTDOT          73
#define EBADMSG          74
#define EOVERFLOW        75
#define ENOTUNIQ         76
#define EBADFD           77
#define EREMCHG          78
#define ELIBACC          79
#define ELIBBAD          80
#define ELIBSCN          81
#define ELIBMAX          82
#define ELIBEXEC         83
#define EILSEQ           84
#define ERESTART         85
#define ESTRPIPE         86
#define EUSERS           87
#define ENOTSOCK         88
#define EDESTADDRREQ     89
#define EMSGSIZE         90
#define EPROTOTYPE       91
#define ENOPROTOOPT      92
#define EPROTONOSUPPORT  93
#define ESOCKTNOSUPPORT  94
#define EOPNOTSUPP       95
#define EPFNOSUPPORT     96
#define EAFNOSUPPORT     97
#define EADDRINUSE       98
#define EADDRNOTAVAIL    99
#define ENETDOWN         100
#define ENETUNREACH      101
#define ENETRESET        102
#define ECONNABORTED     103
#define ECONNRESET       104
#define ENOBUFS          105
#define EISCONN          106
#define ENOTCONN         107
#define ESHUTDOWN        108
#define ETOOMANYREFS     109
#define ETIMEDOUT        110
#define ECONNREFUSED     111
#define EHOSTDOWN        112
#define EHOSTUNREACH     113
#define EALREADY         114
#define EINPROGRESS      115
#define ESTALE           116
#define EUCLEAN          117
#define ENOTNAM          118
#define ENAVAIL          119
#define EISNAM           120
#define EREMOTEIO        121
#define EDQUOT           122
#define ENOMEDIUM        123
#define EMEDIUMTYPE      124
#define ECANCELED        125
#define ENOKEY           126
#define EKEYEXPIRED      127
#define EKEYREVOKED      128
#define EKEYREJECTED     129
#define EOWNERDEAD       130
#define ENOTRECOVERABLE  131
#define ERFKILL          132
#define EHWPOISON        133
#define ENOTSUP          EOPNOTSUPP

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
#define MAP_STACK     0x20000

/* clone / clone3 flags (Linux uapi linux/sched.h); the low byte of clone's
 * flags is the exit signal (CSIGNAL). */
#define CSIGNAL              0x000000ffUL
#define CLONE_VM             0x00000100UL
#define CLONE_FS             0x00000200UL
#define CLONE_FILES          0x00000400UL
#define CLONE_SIGHAND        0x00000800UL
#define CLONE_PIDFD          0x00001000UL
#define CLONE_PTRACE         0x00002000UL
#define CLONE_VFORK          0x00004000UL
#define CLONE_PARENT         0x00008000UL
#define CLONE_THREAD         0x00010000UL
#define CLONE_NEWNS          0x00020000UL
#define CLONE_SYSVSEM        0x00040000UL
#define CLONE_SETTLS         0x00080000UL
#define CLONE_PARENT_SETTID  0x00100000UL
#define CLONE_CHILD_CLEARTID 0x00200000UL
#define CLONE_DETACHED       0x00400000UL
#define CLONE_UNTRACED       0x00800000UL
#define CLONE_CHILD_SETTID   0x01000000UL

/* clone3's argument (uapi linux/sched.h); sizes 64, 80 and 88 exist. */
struct clone_args {
	unsigned long flags;
	unsigned long pidfd;
	unsigned long child_tid;
	unsigned long parent_tid;
	unsigned long exit_signal;
	unsigned long stack;        /* lowest address of the stack */
	unsigned long stack_size;
	unsigned long tls;
	unsigned long set_tid;
	unsigned long set_tid_size;
	unsigned long cgroup;
};
#define CLONE_ARGS_SIZE_VER0 64

/* Robust futex lists (uapi linux/futex.h). */
struct robust_list {
	struct robust_list *next;
};
struct robust_list_head {
	struct robust_list list;
	long futex_offset;
	struct robust_list *list_op_pending;
};
#define FUTEX_WAITERS       0x80000000U
#define FUTEX_OWNER_DIED    0x40000000U
#define FUTEX_TID_MASK      0x3fffffffU
#define ROBUST_LIST_LIMIT   2048

#define O_CLOEXEC 02000000

/* futex ops (Linux values; the others are in <dakota/futex.h>). Waits are
 * keyed by address space and address, so the private flag is accepted and
 * changes nothing. */
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
	int linux_tid;        /* system-wide Linux id (gettid 178); pid for tid 0 */
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
	unsigned long cow_copies; /* copy-on-write faults that copied a page */
	unsigned long cow_reuses; /* ... that found the page no longer shared */
	/* TLB shootdowns of user memory that asked other harts to fence, since
	 * boot: grows; for tests that check an operation needs none. */
	unsigned long shootdowns;
	unsigned long reserved[6];
};

#endif
