/* t_clone: Linux threads from clone (220) and clone3 (435).
 *
 * Creation with glibc's flags (TLS, the parent's and the child's tid words,
 * the clear-child-tid word cleared and woken at the end), fork-like flags,
 * bad combinations refused with nothing left behind, the per-process thread
 * bound, system-wide Linux tids (main tid == pid), exit (93) with Linux's
 * meaning in a clone-threaded process and rCore's in a thread_create one,
 * robust lists marked FUTEX_OWNER_DIED, and 1,000 create/join cycles that
 * leave frames, threads and kmalloc exactly where they were. */
#include "tcommon.h"
#include <thread.h>

#define THREAD_SET (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)

static long linux_gettid(void)
{
	return syscall0(SYS_linux_gettid);
}

static unsigned long read_tp(void)
{
	unsigned long tp;
	__asm__ volatile("mv %0, tp" : "=r"(tp));
	return tp;
}

static void futex_wait_while(volatile uint32_t *w, uint32_t v)
{
	while (__atomic_load_n(w, __ATOMIC_ACQUIRE) == v)
		futex((uint32_t *)w, FUTEX_WAIT, v, NULL);
}

static void futex_set_wake(volatile uint32_t *w, uint32_t v)
{
	__atomic_store_n(w, v, __ATOMIC_RELEASE);
	futex((uint32_t *)w, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1000, NULL);
}

static long nothing(void *arg)
{
	return (long)arg;
}

/* ---- creation ---- */

struct seen {
	long tid, pid;
	unsigned long tp;
	thread_t *self;
};

static long record_ids(void *arg)
{
	struct seen *s = arg;
	s->tid = linux_gettid();
	s->pid = getpid();
	s->tp = read_tp();
	return 23;
}

static void test_create(void)
{
	thread_t t;
	struct seen s = { 0 };
	CHECK_EQ(thread(record_ids, &s, &t), 0, "thread() with glibc's clone flags");
	CHECK(t.tid > 0 && t.tid != getpid(), "the new thread's Linux tid is not the pid");
	CHECK_EQ(thread_wait(&t), 23, "thread_wait returns fn's value");
	CHECK_EQ(t.ctid, 0, "CHILD_CLEARTID: the tid word is 0 after the thread ended");
	CHECK_EQ(s.tid, t.tid, "gettid (178) in the thread equals clone's result");
	CHECK_EQ(s.pid, getpid(), "getpid in the thread is the process id");
	CHECK_EQ(s.tp, (unsigned long)&t, "CLONE_SETTLS: tp is the tls argument");
	CHECK_EQ(linux_gettid(), getpid(), "the main thread's Linux tid is its pid");
	CHECK_EQ(gettid(), 0, "the rCore gettid (1001) of the main thread stays 0");
}

static volatile uint32_t parent_word, child_word;

static void test_settid_words(void)
{
	thread_t t = { 0 };
	struct seen s = { 0 };
	parent_word = child_word = 0;
	t.kind = THREAD_CLONE;
	t.fn = record_ids;
	t.arg = &s;
	t.stack_size = THREAD_STACK_SIZE;
	t.stack = mmap(NULL, t.stack_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	t.self = &t;
	/* PARENT_SETTID into one word, CHILD_SETTID + CLEARTID into another:
	 * the child word holds the tid until the end, then 0. */
	long tid = clone_run(THREAD_SET | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID |
			     CLONE_CHILD_CLEARTID, (char *)t.stack + t.stack_size, &parent_word,
			     NULL, &child_word, record_ids, &s);
	CHECK(tid > 0, "clone with PARENT_SETTID and CHILD_SETTID");
	CHECK_EQ(parent_word, tid, "PARENT_SETTID wrote the tid");
	uint32_t v;
	while ((v = child_word) != 0)
		futex((uint32_t *)&child_word, FUTEX_WAIT, v, NULL);
	CHECK_EQ(s.tid, tid, "the thread ran with that tid");
	munmap(t.stack, t.stack_size);
}

static volatile uint32_t tid_address_word;

static long use_set_tid_address(void *arg)
{
	(void)arg;
	return syscall1(SYS_set_tid_address, (long)&tid_address_word) == linux_gettid();
}

static void test_set_tid_address(void)
{
	thread_t t;
	CHECK_EQ(syscall1(SYS_set_tid_address, 0), getpid(), "set_tid_address returns the tid");
	/* The thread moves its clear-child-tid word from t.ctid to another, so
	 * that word is the one cleared and woken (t.ctid is left alone). */
	tid_address_word = 7;
	CHECK_EQ(thread(use_set_tid_address, NULL, &t), 0, "thread for set_tid_address");
	futex_wait_while(&tid_address_word, 7);
	CHECK_EQ(tid_address_word, 0, "the word set_tid_address named is cleared at the end");
	CHECK_EQ(t.ctid, t.tid, "the old clear-child-tid word is not");
	CHECK_EQ(t.ret, 1, "set_tid_address returned the thread's Linux tid");
	munmap(t.stack, t.stack_size);
}

static long seen_tid;

static long note_tid(void *arg)
{
	(void)arg;
	seen_tid = linux_gettid();
	return 0;
}

static void test_clone3(void)
{
	char *stack = mmap(NULL, THREAD_STACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	static volatile uint32_t ctid;
	struct clone_args a = {
		.flags = THREAD_SET | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
			 CLONE_CHILD_CLEARTID,
		.child_tid = (unsigned long)&ctid, .parent_tid = (unsigned long)&ctid,
		.stack = (unsigned long)stack, .stack_size = THREAD_STACK_SIZE,
	};
	/* clone3 itself, through the same start code: clone_run's ecall with a7
	 * = 435 is not available, so a small inline sequence does it. */
	register long a0 __asm__("a0") = (long)&a;
	register long a1 __asm__("a1") = sizeof a;
	register long a7 __asm__("a7") = SYS_clone3;
	register long t0 __asm__("t0") = (long)note_tid;
	__asm__ volatile("ecall\n"
			 "bnez a0, 1f\n"
			 "jalr t0\n"
			 "li a7, 93\n"
			 "ecall\n"
			 "1:\n"
			 : "+r"(a0) : "r"(a1), "r"(a7), "r"(t0) : "memory", "ra");
	long tid = a0;
	CHECK(tid > 0, "clone3 makes a thread (struct of %lu bytes)", (unsigned long)sizeof a);
	uint32_t v;
	while ((v = ctid) != 0)
		futex((uint32_t *)&ctid, FUTEX_WAIT, v, NULL);
	CHECK_EQ(seen_tid, tid, "the clone3 thread ran on its stack with its tid");
	munmap(stack, THREAD_STACK_SIZE);
}

/* ---- refusals ---- */

static void test_bad_flags(void)
{
	struct kstat before = kstat_now();
	static const unsigned long bad[] = {
		CLONE_THREAD,                                   /* THREAD needs SIGHAND */
		CLONE_THREAD | CLONE_SIGHAND,                   /* SIGHAND needs VM */
		CLONE_SIGHAND | SIGCHLD,
		CLONE_VM | SIGCHLD,                             /* shared memory, no thread */
		THREAD_SET & ~CLONE_FS,                         /* a thread with its own fs */
		THREAD_SET & ~CLONE_FILES,
		THREAD_SET | CLONE_NEWNS,
		THREAD_SET | CLONE_VFORK,
		CLONE_VFORK | SIGCHLD,                          /* vfork needs CLONE_VM */
		SIGCHLD | CLONE_PTRACE,
		SIGCHLD | CLONE_PIDFD,
		SIGCHLD | CLONE_PARENT,
		9,                                              /* fork with SIGKILL */
	};
	static volatile uint32_t word;
	char *stack = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
	int refused = 0;
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		long r = syscall5(SYS_clone, (long)bad[i], (long)(stack + PAGE_SIZE),
				  (long)&word, 0, (long)&word);
		if (r == -EINVAL)
			refused++;
		else
			test_note("flags %lx gave %ld", bad[i], r);
	}
	CHECK_EQ(refused, sizeof bad / sizeof bad[0], "every unsupported combination is -EINVAL");
	struct clone_args a = { .flags = THREAD_SET };
	CHECK_EQ(syscall2(SYS_clone3, (long)&a, 63), -EINVAL, "clone3 smaller than 64 bytes");
	unsigned char big[96] = { 0 };
	big[90] = 1;
	CHECK_EQ(syscall2(SYS_clone3, (long)big, sizeof big), -E2BIG,
		 "clone3 with unknown non-zero bytes");
	a.flags = THREAD_SET | SIGCHLD;
	CHECK_EQ(syscall2(SYS_clone3, (long)&a, sizeof a), -EINVAL, "clone3 with CSIGNAL bits");
	a.flags = THREAD_SET;
	a.exit_signal = SIGCHLD;
	CHECK_EQ(syscall2(SYS_clone3, (long)&a, sizeof a), -EINVAL, "clone3 thread with a signal");
	CHECK_EQ(syscall2(SYS_clone3, 16, sizeof a), -EFAULT, "clone3 with a bad pointer");
	struct kstat after = kstat_now();
	CHECK_EQ(after.live_threads, before.live_threads, "no thread left behind by refusals");
	CHECK_EQ(word, 0, "no tid word written by a refused clone");
	munmap(stack, PAGE_SIZE);
}

/* ---- the thread bound ---- */

static volatile uint32_t release;

static long wait_release(void *arg)
{
	(void)arg;
	futex_wait_while(&release, 0);
	return 0;
}

/* Runs body in a forked child, which exits with what body returns; the
 * child's wait4 status, or STATUS_HUNG if it is still running after ms. */
static long status_of_child(int (*body)(void), long ms)
{
	long pid = fork();
	if (pid == 0)
		exit(body());
	return wait_status_within(pid, ms);
}

/* In a child: clone threads until refused. Exit code: threads made (127
 * expected with the main thread making 128), + 128 if the refusal was not
 * -EAGAIN; every thread joined. */
static int bound_child(void)
{
	static thread_t t[200];
	int n = 0;
	long err = 0;
	release = 0;
	while (n < 200 && (err = thread(wait_release, NULL, &t[n])) == 0)
		n++;
	futex_set_wake(&release, 1);
	for (int i = 0; i < n; i++)
		thread_wait(&t[i]);
	if (err != -EAGAIN || n != 127)
		printf("# bound: %d threads, then %ld\n", n, err);
	return n + (err == -EAGAIN ? 0 : 128);
}

static void test_bound(void)
{
	struct kstat before = kstat_now();
	CHECK_EQ(status_of_child(bound_child, 20000), W_EXIT(127),
		 "127 clone threads beside main, then -EAGAIN");
	CHECK_EQ(kstat_now().live_threads, before.live_threads, "bound: threads back");
}

/* ---- ids ---- */

static volatile long ids[8];

static long record_and_wait(void *arg)
{
	ids[(long)arg] = linux_gettid();
	futex_wait_while(&release, 0);
	return 0;
}

static void test_unique_ids(void)
{
	thread_t t[8];
	release = 0;
	for (long i = 0; i < 8; i++)
		thread(record_and_wait, (void *)i, &t[i]);
	for (int i = 0; i < 8; i++)
		while (!ids[i])
			sched_yield();
	long child = fork();
	if (child == 0)
		exit(0);
	int clash = 0;
	for (int i = 0; i < 8; i++) {
		clash += ids[i] == getpid() || ids[i] == child;
		for (int j = 0; j < i; j++)
			clash += ids[i] == ids[j];
	}
	wait_status(child);
	CHECK_EQ(clash, 0, "8 live Linux tids, the pid and a new child's pid all differ");
	/* ts's view: every thread of this process with its Linux tid. */
	static struct thread_info ti[64];
	long n = thread_list(ti, 64), matched = 0, main_ok = 0;
	for (long k = 0; k < n; k++) {
		if (ti[k].pid != getpid())
			continue;
		main_ok += ti[k].tid == 0 && ti[k].linux_tid == getpid();
		for (int i = 0; i < 8; i++)
			matched += ti[k].linux_tid == ids[i];
	}
	CHECK_EQ(main_ok, 1, "thread_list: the main thread's linux_tid is the pid");
	CHECK_EQ(matched, 8, "thread_list shows each clone thread's linux_tid");
	futex_set_wake(&release, 1);
	for (int i = 0; i < 8; i++)
		thread_wait(&t[i]);
}

/* ---- exit (93) ---- */

static long pid_threads(void)
{
	static struct thread_info ti[64];
	long n = thread_list(ti, 64), mine = 0;
	for (long k = 0; k < n; k++)
		mine += ti[k].pid == getpid() && ti[k].state != THREAD_INFO_EXITED;
	return mine;
}

static long outlive_main(void *arg)
{
	/* Until the main thread has gone: then exit (93) as the last one. */
	while (pid_threads() > 1)
		sched_yield();
	thread_exit((int)(long)arg);
}

static long exit_early(void *arg)
{
	thread_exit((int)(long)arg);
}

static void test_exit_linux(void)
{
	struct kstat before = kstat_now();
	long pid = fork();
	if (pid == 0) {
		thread_t t, u;
		thread(exit_early, (void *)9, &u);       /* not the last: ends alone */
		thread_wait(&u);
		thread(outlive_main, (void *)57, &t);
		thread_exit(3);                          /* main leaves first */
	}
	CHECK_EQ(wait_status_within(pid, 10000), W_EXIT(57),
		 "Linux model: main's exit leaves the thread running; its exit(57) is the status");
	pid = fork();
	if (pid == 0) {
		thread_t t;
		thread(exit_early, (void *)9, &t);
		thread_wait(&t);
		thread_exit(4);                          /* now the last thread */
	}
	CHECK_EQ(wait_status_within(pid, 10000), W_EXIT(4), "Linux model: last thread's exit(4)");
	struct kstat after = kstat_now();
	CHECK_EQ(after.live_threads, before.live_threads, "exit cases: threads back");
	CHECK_EQ(after.live_procs, before.live_procs, "exit cases: processes back");
}

static long rcore_outlive_main(void *arg)
{
	while (pid_threads() > 1)
		sched_yield();
	return (long)arg;                        /* through EXIT_STUB: exit (93) */
}

/* Both models in one Linux-threaded process: a thread_create thread is
 * still joinable with its code, and it too can be the last one out. */
static void test_exit_mixed(void)
{
	thread_t c, r;
	thread(nothing, NULL, &c);
	thread_wait(&c);
	CHECK_EQ(thread_spawn(&r, nothing, (void *)31), 0, "thread_spawn in a clone-threaded process");
	CHECK_EQ(thread_wait(&r), 31, "its join still gives the code");
	long pid = fork();
	if (pid == 0) {
		thread(nothing, NULL, &c);
		thread_wait(&c);
		thread_spawn(&r, rcore_outlive_main, (void *)12);
		thread_exit(1);
	}
	CHECK_EQ(wait_status_within(pid, 10000), W_EXIT(12),
		 "mixed: the thread_create thread outlives main; its return (12) is the status");
}

static long spin_rcore(void *arg)
{
	(void)arg;
	for (;;)
		sched_yield();
	return 0;
}

static void test_exit_rcore(void)
{
	long pid = fork();
	if (pid == 0) {
		thread_create(spin_rcore, NULL);
		thread_exit(42);                         /* tid 0 ends the process */
	}
	CHECK_EQ(wait_status_within(pid, 10000), W_EXIT(42),
		 "rCore model: exit from tid 0 ends the process with 42");
}

/* exit_group with clone threads blocked in futex waits and spinning. */
static long block_forever(void *arg)
{
	static volatile uint32_t never;
	(void)arg;
	futex_wait_while(&never, 0);
	return 0;
}

static void test_exit_group(void)
{
	struct kstat before = kstat_now();
	long pid = fork();
	if (pid == 0) {
		thread_t t[4];
		for (int i = 0; i < 2; i++)
			thread(block_forever, NULL, &t[i]);
		for (int i = 2; i < 4; i++)
			thread(spin_rcore, NULL, &t[i]);
		exit(6);
	}
	CHECK_EQ(wait_status_within(pid, 10000), W_EXIT(6), "exit_group ends every clone thread");
	CHECK_EQ(kstat_now().live_threads, before.live_threads, "exit_group: threads back");
}

static long exec_false(void *arg)
{
	(void)arg;
	char *const argv[] = { "false", NULL };
	execve("/bin/false", argv, NULL);
	return 100;
}

/* execve from a clone thread: the main thread (blocked) and a sibling end,
 * the exec'ing thread becomes the new image's only thread. */
static void test_exec_from_clone(void)
{
	struct kstat before = kstat_now();
	long pid = fork();
	if (pid == 0) {
		static volatile uint32_t never;
		thread_t t, u;
		thread(block_forever, NULL, &u);
		thread(exec_false, NULL, &t);
		futex_wait_while(&never, 0);
		exit(99);
	}
	CHECK_EQ(wait_status_within(pid, 10000), W_EXIT(1),
		 "execve from a clone thread replaces the whole process (false: 1)");
	CHECK_EQ(kstat_now().live_threads, before.live_threads, "exec from clone: threads back");
}

/* ---- robust lists ---- */

struct robust_lock {
	struct robust_list link;
	volatile uint32_t word;
};

static struct robust_list_head rhead;
static struct robust_lock held_waited, held_quiet, other_owner;
static volatile uint32_t robust_ready;

static long die_holding(void *arg)
{
	(void)arg;
	uint32_t me = (uint32_t)linux_gettid();
	held_waited.word = me | FUTEX_WAITERS;
	held_quiet.word = me;
	other_owner.word = 12345;
	rhead.list.next = &held_waited.link;
	held_waited.link.next = &held_quiet.link;
	held_quiet.link.next = &other_owner.link;
	other_owner.link.next = &rhead.list;
	rhead.futex_offset = (long)((char *)&held_waited.word - (char *)&held_waited.link);
	rhead.list_op_pending = NULL;
	long r = syscall2(SYS_set_robust_list, (long)&rhead, sizeof rhead);
	futex_set_wake(&robust_ready, 1);
	futex_wait_while(&robust_ready, 1);      /* main reads our head meanwhile */
	return r;
}

static void test_robust(void)
{
	unsigned long head = 1, len = 0;
	CHECK_EQ(syscall2(SYS_set_robust_list, (long)&rhead, 8), -EINVAL,
		 "set_robust_list with a wrong length");
	thread_t t;
	robust_ready = 0;
	thread(die_holding, NULL, &t);
	futex_wait_while(&robust_ready, 0);
	CHECK_EQ(syscall3(SYS_get_robust_list, t.tid, (long)&head, (long)&len), 0,
		 "get_robust_list of another thread by its Linux tid");
	CHECK(head == (unsigned long)&rhead && len == sizeof rhead, "it is that thread's head");
	futex_set_wake(&robust_ready, 2);
	/* The owner dies while we wait on the word it holds. */
	uint32_t v;
	while (((v = held_waited.word) & FUTEX_TID_MASK) != 0)
		futex((uint32_t *)&held_waited.word, FUTEX_WAIT, v, NULL);
	CHECK_EQ(thread_wait(&t), 0, "set_robust_list returned 0");
	CHECK_EQ(held_waited.word, FUTEX_OWNER_DIED | FUTEX_WAITERS,
		 "held futex with waiters: OWNER_DIED, waiters kept, waiter woken");
	CHECK_EQ(held_quiet.word, FUTEX_OWNER_DIED, "held futex without waiters: OWNER_DIED");
	CHECK_EQ(other_owner.word, 12345, "a futex owned by another tid is untouched");
	CHECK_EQ(syscall3(SYS_get_robust_list, 0, (long)&head, (long)&len), 0, "get_robust_list");
	CHECK(head == 0 && len == sizeof rhead, "the main thread has no list; len is 24");
	CHECK_EQ(syscall3(SYS_get_robust_list, 999999, (long)&head, (long)&len), -ESRCH,
		 "get_robust_list of no such tid");
}

/* ---- fork flags (glibc's fork) ---- */

static volatile uint32_t fork_tid_field;

static void test_fork_flags(void)
{
	fork_tid_field = 0;
	static volatile uint32_t parent_field;
	long pid = syscall5(SYS_clone, (long)(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID |
					     CLONE_PARENT_SETTID | SIGCHLD),
			    0, (long)&parent_field, 0, (long)&fork_tid_field);
	if (pid == 0)
		exit(fork_tid_field == (uint32_t)getpid() && linux_gettid() == getpid() ? 0 : 1);
	CHECK(pid > 0, "glibc's fork flags");
	CHECK_EQ(wait_status(pid), W_EXIT(0), "CHILD_SETTID wrote the pid in the child's memory");
	CHECK_EQ(fork_tid_field, 0, "and not in the parent's");
	CHECK_EQ(parent_field, pid, "PARENT_SETTID wrote the child's pid in the parent");
}

/* ---- vfork (posix_spawn's clone) ---- */

static int spawn_pipe[2];
static volatile long vfork_var;

static long vfork_child(void *arg)
{
	vfork_var = 1;                          /* the parent's memory: shared */
	/* Long enough that a parent that did not wait would write first. */
	long until = time_ns() + 20000000L;
	while (time_ns() < until)
		sched_yield();
	write(spawn_pipe[1], "c", 1);
	if (arg) {
		char *const argv[] = { "true", NULL };
		execve("/bin/true", argv, NULL);
	}
	return 5;
}

static void test_vfork(void)
{
	char *stack = mmap(NULL, 64 * 1024, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	for (long exec = 0; exec < 2; exec++) {
		pipe(spawn_pipe);
		vfork_var = 0;
		long pid = clone_run(CLONE_VM | CLONE_VFORK | SIGCHLD, stack + 64 * 1024, NULL,
				     NULL, NULL, vfork_child, (void *)exec);
		write(spawn_pipe[1], "p", 1);
		char order[3] = { 0 };
		read_full(spawn_pipe[0], order, 2);
		EXPECT_EQ(pid > 0 && order[0] == 'c' && order[1] == 'p', 1,
			  "vfork%s: the parent resumes only after the child %s", exec ? "+exec" : "",
			  exec ? "execs" : "ends");
		EXPECT_EQ(wait_status(pid), W_EXIT(exec ? 0 : 5), "vfork%s: the child's status",
			  exec ? "+exec" : "");
		EXPECT_EQ(vfork_var, 1, "vfork%s: the child wrote its parent's memory",
			  exec ? "+exec" : "");
		close(spawn_pipe[0]);
		close(spawn_pipe[1]);
	}
	munmap(stack, 64 * 1024);
}

/* While it runs in its parent's memory a vfork child may create no thread
 * and not vfork again (Dakota's limit, -EAGAIN: the tids of those would
 * pick trap-context pages in a space whose tids its parent hands out);
 * once it has exec'd the program it runs may. Nothing is left behind. */
static volatile long refused_clone, refused_create, refused_vfork;

static long vfork_try_children(void *arg)
{
	char *stack = arg;
	refused_clone = clone_run(THREAD_SET, stack + 16384, NULL, NULL, NULL, nothing, NULL);
	refused_create = thread_create((void *)nothing, NULL);
	refused_vfork = clone_run(CLONE_VM | CLONE_VFORK | SIGCHLD, stack + 32768, NULL, NULL,
				  NULL, nothing, NULL);
	return 6;
}

static void test_vfork_refusals(void)
{
	static char stacks[3][32768] __attribute__((aligned(16)));
	struct kstat before = kstat_now();
	refused_clone = refused_create = refused_vfork = 0;
	long pid = clone_run(CLONE_VM | CLONE_VFORK | SIGCHLD, stacks[0] + sizeof stacks[0], NULL,
			     NULL, NULL, vfork_try_children, stacks[1]);
	EXPECT_EQ(wait_status(pid), W_EXIT(6), "vfork child that tries to make threads: its status");
	EXPECT_EQ(refused_clone, -EAGAIN, "a vfork child sharing memory: thread clone -EAGAIN");
	EXPECT_EQ(refused_create, -EAGAIN, "a vfork child sharing memory: thread_create -EAGAIN");
	EXPECT_EQ(refused_vfork, -EAGAIN, "a vfork child sharing memory: vfork -EAGAIN");
	struct kstat after = kstat_now();
	EXPECT_EQ(after.live_procs, before.live_procs, "vfork refusals: processes back");
	EXPECT_EQ(after.live_threads, before.live_threads, "vfork refusals: threads back");
	EXPECT_EQ(after.kmalloc_bytes, before.kmalloc_bytes, "vfork refusals: kmalloc bytes back");
}

/* A vfork parent that is killed while its child blocks stops waiting. */
static int block_pipe[2];

static long vfork_blocked_child(void *arg)
{
	(void)arg;
	long me = getpid();
	write(spawn_pipe[1], &me, sizeof me);
	char c;
	read(block_pipe[0], &c, 1);             /* never: nobody writes */
	return 0;
}

static void test_vfork_parent_killed(void)
{
	struct kstat before = kstat_now();
	pipe(spawn_pipe);
	pipe(block_pipe);
	long parent = fork();
	if (parent == 0) {
		static char stack[16384] __attribute__((aligned(16)));
		clone_run(CLONE_VM | CLONE_VFORK | SIGCHLD, stack + sizeof stack, NULL, NULL,
			  NULL, vfork_blocked_child, NULL);
		exit(99);                           /* never: killed while waiting */
	}
	long child = 0;
	read_full(spawn_pipe[0], &child, sizeof child);
	kill((int)parent, SIGKILL);
	EXPECT_EQ(wait_status(parent), SIGKILL, "a vfork parent waiting for its child can be killed");
	kill((int)child, SIGKILL);                  /* reparented to us (init) */
	EXPECT_EQ(wait_status(child), SIGKILL, "its child is ours to reap");
	struct kstat after = kstat_now();
	EXPECT_EQ(after.live_procs, before.live_procs, "vfork kill: processes back");
	EXPECT_EQ(after.live_threads, before.live_threads, "vfork kill: threads back");
	for (int i = 0; i < 2; i++) {
		close(spawn_pipe[i]);
		close(block_pipe[i]);
	}
}

/* ---- kills racing Linux threads' ends ---- */

static int churn_fd;

/* Creates and joins threads for ever; says once when it has done 50. */
static long churn(void *arg)
{
	for (long n = 1;; n++) {
		thread_t t;
		if (thread(nothing, NULL, &t) == 0)
			thread_wait(&t);
		if (n == 50 && arg)
			write(churn_fd, "x", 1);
	}
	return 0;
}

static void test_kill_churn(void)
{
	struct kstat before = kstat_now();
	int ok = 0;
	for (int round = 0; round < 10; round++) {
		int fds[2];
		pipe(fds);
		long pid = fork();
		if (pid == 0) {
			churn_fd = fds[1];
			thread_t t[3];
			for (long i = 0; i < 3; i++)
				thread(churn, (void *)(long)(i == 0), &t[i]);
			churn(NULL);
		}
		char c;
		read(fds[0], &c, 1);
		kill((int)pid, SIGKILL);
		ok += wait_status_within(pid, 10000) == SIGKILL;
		close(fds[0]);
		close(fds[1]);
	}
	CHECK_EQ(ok, 10, "10 processes killed while their clone threads start and end");
	struct kstat after = kstat_now();
	CHECK_EQ(after.live_threads, before.live_threads, "kill race: threads back");
	CHECK_EQ(after.live_procs, before.live_procs, "kill race: processes back");
	CHECK_EQ(after.free_frames, before.free_frames, "kill race: frames back");
	CHECK_EQ(after.kmalloc_bytes, before.kmalloc_bytes, "kill race: kmalloc bytes back");
}

/* ---- leaks ---- */

/* In a child, so that the frames check is exact today: mmap hands out
 * fresh addresses only (the memory work lifts that), so each cycle's stack
 * lands in new page-table pages that the process keeps until it ends.
 * Threads and kmalloc are checked inside; exit code 0 when all held. */
static int cycles_child(void)
{
	thread_t t;
	thread(nothing, NULL, &t);
	thread_wait(&t);
	struct kstat before = kstat_now();
	long bad = 0;
	for (long i = 0; i < 1000; i++) {
		if (thread(nothing, (void *)i, &t) || thread_wait(&t) != i)
			bad++;
	}
	struct kstat after = kstat_now();
	return (bad != 0) | (after.live_threads != before.live_threads) << 1 |
	       (after.kmalloc_bytes != before.kmalloc_bytes) << 2;
}

static void test_cycles(void)
{
	struct kstat before = kstat_now();
	CHECK_EQ(status_of_child(cycles_child, 60000), W_EXIT(0),
		 "1,000 clone/join cycles; live threads and kmalloc bytes back exactly in the process");
	struct kstat after = kstat_now();
	CHECK_EQ(after.free_frames, before.free_frames, "cycles: free frames back exactly");
	CHECK_EQ(after.live_threads, before.live_threads, "cycles: live threads back exactly");
	CHECK_EQ(after.kmalloc_bytes, before.kmalloc_bytes, "cycles: kmalloc bytes back exactly");
}

int main(void)
{
	TEST_PLAN();
	test_bad_flags();
	test_exit_rcore();
	test_fork_flags();
	test_vfork();
	test_vfork_parent_killed();
	test_vfork_refusals();
	test_create();
	test_settid_words();
	test_set_tid_address();
	test_clone3();
	test_unique_ids();
	test_robust();
	test_exit_linux();
	test_exit_group();
	test_exit_mixed();
	test_exec_from_clone();
	test_bound();
	test_kill_churn();
	test_cycles();
	return test_done();
}
