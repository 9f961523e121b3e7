/* Futexes: a thread sleeps on a 32-bit word of its address space until
 * another thread of the same address space wakes that word. User-space
 * locks built on them (user/lib/fmutex.h, glibc's) enter the kernel only
 * when contended. Waits are keyed by (address space, address): threads of
 * one process meet whether or not they pass FUTEX_PRIVATE_FLAG. A `shared`
 * futex (no FUTEX_PRIVATE_FLAG) in MAP_SHARED memory (anonymous shared
 * memory across fork, a tmpfs file mapped by several processes) is keyed by
 * the shared pages instead, so that every process mapping them meets. The
 * Linux operations are decoded in kernel/syscall/sys_futex.c; the
 * priority-inheritance locks are in futex_pi.h.
 *
 * Every function here wants no spinlock held by the caller. */
#ifndef KERNEL_SYNC_FUTEX_H
#define KERNEL_SYNC_FUTEX_H

#include <stdbool.h>
#include <stdint.h>

struct addrspace;

/* Sleeps while *uaddr == val until woken by a wake whose bitset shares a
 * bit with `bitset`, killed, or past `deadline` (arch_time; 0: none).
 * 0 when woken, -EAGAIN if *uaddr != val, -ETIMEDOUT, -EINTR when killed,
 * -EFAULT unless uaddr is readable user memory. uaddr is aligned. */
long futex_wait(struct addrspace *as, unsigned long uaddr, uint32_t val, uint32_t bitset,
		unsigned long deadline, bool shared);
/* Wakes waiters on uaddr whose bitset meets `bitset`: at least one if there
 * is one, at most max(n, 1) (Linux's count). Returns how many; -EINVAL at a
 * FUTEX_LOCK_PI waiter on uaddr (futex_pi.h), as REQUEUE and WAKE_OP give
 * for uaddr. As on Linux,
 * an address that is only a key is -EFAULT outside user space, and for a
 * `shared` futex (no FUTEX_PRIVATE_FLAG) also when nothing readable is
 * mapped there. */
long futex_wake(struct addrspace *as, unsigned long uaddr, int n, uint32_t bitset,
		bool shared);
/* For the kernel (thread exit's clear_child_tid, robust lists): a shared
 * wake of up to n waiters of any bitset on uaddr without looking at the
 * word, which may already be unmapped. Returns how many. */
int futex_wake_addr(struct addrspace *as, unsigned long uaddr, int n);
/* FUTEX_REQUEUE / CMP_REQUEUE: wakes up to nr_wake waiters of uaddr and
 * moves up to nr_requeue more to uaddr2; with `cmp`, first -EAGAIN unless
 * *uaddr == val3. Returns woken + moved. */
long futex_requeue(struct addrspace *as, unsigned long uaddr, unsigned long uaddr2,
		   int nr_wake, int nr_requeue, bool cmp, uint32_t val3, bool shared);
/* FUTEX_WAKE_OP: applies `encoded_op` (FUTEX_OP) to *uaddr2 atomically,
 * wakes up to nr_wake on uaddr, and if the old *uaddr2 passed the
 * comparison, up to nr_wake2 on uaddr2. Returns the total woken; -ENOSYS for
 * an unknown op or comparison, -EFAULT (uaddr2 must be writable). */
long futex_wake_op(struct addrspace *as, unsigned long uaddr, unsigned long uaddr2,
		   int nr_wake, int nr_wake2, uint32_t encoded_op, bool shared);

/* For robust lists: the kernel address of the aligned, writable user word
 * at uaddr, with as->lock held (the caller unlocks it), for an atomic
 * update in place; 0, with no lock held, if it is not writable user memory. */
volatile uint32_t *futex_lock_word(struct addrspace *as, unsigned long uaddr);

#endif
