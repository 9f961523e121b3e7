/* ppoll and pselect6 on every kind of fd (up to MAX_FDS of them).
 *
 * Readiness is checked, and while nothing is ready the caller sleeps until
 * some fd's readiness changes (a pipe or console event anywhere: the poll
 * generation of kernel/sync/pollwait.h) and checks again, until something
 * is ready, the timeout passes or it is killed.
 * With no fds either call is a plain sleep (glibc's pause() is ppoll with
 * nothing). A signal mask argument is installed for the wait and put back
 * after it (signal_temp_mask_begin/end); a signal ends the wait with -EINTR,
 * which the delivery code restarts only when no handler ran. The time left
 * is written back to the timeout, as Linux does. */
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/clock.h"
#include "kernel/proc/process.h"
#include "kernel/proc/file.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/lib/string.h"
#include "kernel/signal/signal.h"
#include "kernel/sync/pollwait.h"
#include "arch/riscv/arch.h"
#include <dakota/syscall.h>
#include <dakota/clock.h>
#include <dakota/fcntl.h>


/* One scan: how many are ready (the caller's context fills its results). */
typedef long (*scan_fn)(void *ctx);

static long poll_loop(scan_fn scan, void *ctx, unsigned long uts, unsigned long deadline);

/* Reads the temporary signal mask (NULL: none; *use says which). */
static long read_mask(unsigned long umask, unsigned long setsize, sigset_k *mask, bool *use)
{
	*use = umask != 0;
	if (!umask)
		return 0;
	if (setsize != sizeof *mask)
		return -EINVAL;
	return copy_from_user(current_process()->as, mask, umask, sizeof *mask) ? -EFAULT : 0;
}

/* poll_loop under the temporary mask, if there is one. */
static long poll_masked(scan_fn scan, void *ctx, unsigned long uts, unsigned long deadline,
			bool use_mask, sigset_k mask)
{
	if (use_mask)
		signal_temp_mask_begin(mask);
	long n = poll_loop(scan, ctx, uts, deadline);
	if (use_mask)
		signal_temp_mask_end(n);
	return n;
}

static long read_timeout(unsigned long uts, unsigned long *deadline)
{
	*deadline = POLL_NO_DEADLINE;
	if (!uts)
		return 0;
	return clock_deadline_user(current_process()->as, uts, CLOCK_MONOTONIC, false, deadline);
}

/* Scans until something is ready or the deadline, sleeping between scans
 * until some fd's readiness changes (kernel/sync/pollwait.h); then writes
 * the time left to uts (if given). */
static long poll_loop(scan_fn scan, void *ctx, unsigned long uts, unsigned long deadline)
{
	long n;
	poll_begin();
	for (;;) {
		unsigned long seen = poll_generation();
		n = scan(ctx);
		if (n || arch_time() >= deadline)
			break;
		long err = poll_wait_change(seen, deadline);
		if (err) {
			n = err;
			break;
		}
	}
	poll_end();
	if (uts) {
		unsigned long now = arch_time();
		struct timespec left = ticks_to_timespec(deadline > now ? deadline - now : 0);
		/* As Linux: a timeout in read-only memory does not turn a
		 * finished wait into an error (the update is Linux's extra). */
		(void)copy_to_user(current_process()->as, uts, &left, sizeof left);
	}
	return n;
}

struct poll_ctx {
	struct pollfd *fds;         /* nfds of them, kmalloc'd (up to MAX_FDS: 2 KiB) */
	unsigned nfds;
};

static long scan_pollfds(void *arg)
{
	struct poll_ctx *c = arg;
	long ready = 0;
	for (unsigned i = 0; i < c->nfds; i++) {
		c->fds[i].revents = c->fds[i].fd < 0 ? 0 : file_poll(c->fds[i].fd, c->fds[i].events);
		ready += c->fds[i].revents != 0;
	}
	return ready;
}

/* As Linux, every revents is written back whatever the outcome (zeroes on
 * a timeout), and only revents: fd and events stay as the caller has them. */
static long put_revents(struct addrspace *as, unsigned long ufds, const struct poll_ctx *c)
{
	for (unsigned i = 0; i < c->nfds; i++) {
		unsigned long at = ufds + i * sizeof c->fds[0] +
				   __builtin_offsetof(struct pollfd, revents);
		if (copy_to_user(as, at, &c->fds[i].revents, sizeof c->fds[i].revents))
			return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE5(ppoll, unsigned long, ufds, unsigned, nfds, unsigned long, uts,
		unsigned long, sigmask, unsigned long, sigsetsize)
{
	struct addrspace *as = current_process()->as;
	struct poll_ctx c = { .fds = NULL, .nfds = nfds };
	if (nfds > MAX_FDS)
		return -EINVAL;                   /* beyond RLIMIT_NOFILE */
	unsigned long deadline;
	long err = read_timeout(uts, &deadline);
	sigset_k mask;
	bool use_mask;
	if (!err)
		err = read_mask(sigmask, sigsetsize, &mask, &use_mask);
	if (!err && nfds && !(c.fds = kmalloc(nfds * sizeof c.fds[0])))
		err = -ENOMEM;
	if (!err && nfds && copy_from_user(as, c.fds, ufds, nfds * sizeof c.fds[0]))
		err = -EFAULT;
	long n = err;
	if (!err) {
		n = poll_masked(scan_pollfds, &c, uts, deadline, use_mask, mask);
		if (put_revents(as, ufds, &c))
			n = -EFAULT;
	}
	kfree(c.fds);
	return n;
}

/* pselect6's sets, read, write and except, as bit arrays of MAX_FDS bits
 * (fds at or past nfds are not looked at). */
#define SET_WORDS (MAX_FDS / (8 * sizeof(unsigned long)))
#define SET_BITS (8 * sizeof(unsigned long))
struct select_ctx {
	int nfds;
	unsigned long in[3][SET_WORDS];
	unsigned long out[3][SET_WORDS];
};

static long scan_sets(void *arg)
{
	struct select_ctx *c = arg;
	static const short ev[3] = { POLLIN | POLLHUP | POLLERR, POLLOUT | POLLERR, POLLPRI };
	long ready = 0;
	memset(c->out, 0, sizeof c->out);
	for (int fd = 0; fd < c->nfds; fd++) {
		unsigned long word = (unsigned long)fd / SET_BITS, bit = 1UL << (fd % SET_BITS);
		for (int i = 0; i < 3; i++) {
			if (!(c->in[i][word] & bit))
				continue;
			short rev = file_poll(fd, ev[i]);
			if (rev & POLLNVAL)
				return -EBADF;
			if (rev) {
				c->out[i][word] |= bit;
				ready++;
			}
		}
	}
	return ready;
}

SYSCALL_DEFINE6(pselect6, int, nfds, unsigned long, ur, unsigned long, uw, unsigned long, ue,
		unsigned long, uts, unsigned long, usig)
{
	struct addrspace *as = current_process()->as;
	unsigned long uset[3] = { ur, uw, ue };
	struct select_ctx c = { .nfds = nfds > MAX_FDS ? MAX_FDS : nfds };
	if (nfds < 0)
		return -EINVAL;
	unsigned long deadline;
	long err = read_timeout(uts, &deadline);
	/* pselect6's sixth argument: { const sigset_t *set; size_t size; }. */
	unsigned long sig[2] = { 0, 0 };
	sigset_k mask;
	bool use_mask;
	if (!err && usig && copy_from_user(as, sig, usig, sizeof sig))
		err = -EFAULT;
	if (!err)
		err = read_mask(sig[0], sig[1], &mask, &use_mask);
	if (err)
		return err;
	unsigned long bytes = ((unsigned long)c.nfds + 7) / 8;
	for (int i = 0; i < 3; i++)
		if (uset[i] && bytes && copy_from_user(as, c.in[i], uset[i], bytes))
			return -EFAULT;
	long n = poll_masked(scan_sets, &c, uts, deadline, use_mask, mask);
	for (int i = 0; n >= 0 && i < 3; i++)
		if (uset[i] && bytes && copy_to_user(as, uset[i], c.out[i], bytes))
			return -EFAULT;
	return n;
}
