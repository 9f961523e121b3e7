/* Linux's answers to odd arguments that user-mode QEMU (the linux-ref
 * suite) does not pass through as the kernel sees them, so the expected
 * output is Linux 6.12's (shared/linux-ref/run-bin.sh, 4 harts); each check
 * failed on Dakota before its fix (see l_badargs for the others):
 *
 * timer_create: a raw SIGEV_THREAD sigevent is a plain signal to the
 * process (qemu-riscv64 7.2 crashes on it).
 * ppoll, pselect6: a timeout in read-only memory does not fail a wait
 * that timed out (qemu-riscv64 gives EFAULT; Linux ignores the failed
 * update of the time left). Raw calls: glibc's wrappers pass the kernel a
 * copy of the timeout.
 * readv: every segment is checked against the top of user space before
 * any is read (qemu-riscv64 reads the first).
 * mmap: an offset whose page number wraps is EOVERFLOW, anonymous too. */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* sigevent as the kernel reads it: glibc's timer_create turns SIGEV_THREAD
 * into a helper thread, so the raw call is the only way to pass it. */
static void timer_sigev_thread(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	struct sigevent se;
	memset(&se, 0, sizeof se);
	se.sigev_notify = SIGEV_THREAD;
	se.sigev_signo = SIGUSR1;
	se.sigev_value.sival_int = 42;
	int id = -1;
	CHECK_EQ(syscall(SYS_timer_create, CLOCK_MONOTONIC, &se, &id), 0,
		 "raw timer_create with SIGEV_THREAD is accepted");
	struct itimerspec its = { .it_value = { 0, 1000000 } };
	syscall(SYS_timer_settime, id, 0, &its, NULL);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	struct timespec limit = { 5, 0 };
	int sig = sigtimedwait(&set, &si, &limit);
	CHECK_EQ(sig == SIGUSR1 && si.si_code == SI_TIMER && si.si_value.sival_int == 42, 1,
		 "... and its expiry is a SIGUSR1 to the process (SI_TIMER, the value)");
	syscall(SYS_timer_delete, id);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void readonly_timeouts(void)
{
	int p[2];
	if (pipe(p))
		BAIL("pipe: %s", strerror(errno));
	static const struct timespec tiny = { 0, 1000 };
	struct pollfd pf = { .fd = p[0], .events = POLLIN };
	CHECK_EQ(syscall(SYS_ppoll, &pf, 1, &tiny, NULL, 8), 0,
		 "ppoll with its timeout in read-only memory times out: 0");
	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK_EQ(syscall(SYS_pselect6, p[0] + 1, &r, NULL, NULL, &tiny, NULL), 0,
		 "pselect6 with its timeout in read-only memory times out: 0");
	close(p[0]);
	close(p[1]);
}

/* readv checks every segment before it reads any (qemu-riscv64 reads the
 * first). */
static void readv_segments(void)
{
	int p[2];
	if (pipe(p))
		BAIL("pipe: %s", strerror(errno));
	char buf[8];
	write(p[1], "abc", 3);
	struct iovec iov[2] = { { buf, 1 }, { buf, LLONG_MAX } };
	errno = 0;
	int err = readv(p[0], iov, 2) == -1 ? errno : 0;
	CHECK_EQ(err == EFAULT && read(p[0], buf, sizeof buf) == 3, 1,
		 "readv with a second segment of LLONG_MAX bytes: EFAULT, nothing read");
	close(p[0]);
	close(p[1]);
}

/* mmap's page offset wraps: EOVERFLOW before the mapping type is looked
 * at, anonymous or not (qemu-riscv64 ignores an anonymous mapping's
 * offset). */
static void mmap_anon_offset(void)
{
	errno = 0;
	void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, -4096);
	CHECK_EQ(m == MAP_FAILED ? errno : 0, EOVERFLOW, "anonymous mmap at offset -4096: EOVERFLOW");
	errno = 0;
	m = mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, -4096);
	CHECK_EQ(m == MAP_FAILED ? errno : 0, EOVERFLOW,
		 "... and without a mapping type: EOVERFLOW before EINVAL");
}

int main(void)
{
	ltap_start();
	timer_sigev_thread();
	readonly_timeouts();
	readv_segments();
	mmap_anon_offset();
	return ltap_done();
}
