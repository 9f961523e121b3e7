/* Futexes: a thread sleeps on a 32-bit word of its address space until
 * another thread of the same address space wakes that word. User-space
 * locks built on them (user/lib/fmutex.h) enter the kernel only when
 * contended. Linux's FUTEX_WAIT / FUTEX_WAKE semantics; every futex is
 * process-private (threads share one address space, fork copies). */
#ifndef KERNEL_SYNC_FUTEX_H
#define KERNEL_SYNC_FUTEX_H

#include <stdint.h>

/* futex(uaddr, op, val, timeout): FUTEX_WAIT returns 0 when woken (or
 * spuriously), -EAGAIN if *uaddr != val, -ETIMEDOUT, -EINTR when killed;
 * FUTEX_WAKE returns how many waiters it woke (at most val). Both: -EFAULT
 * unless uaddr is mapped writable user memory, -EINVAL if misaligned,
 * -ENOSYS for other ops. */
long futex(unsigned long uaddr, int op, uint32_t val, unsigned long timeout);

struct addrspace;
/* FUTEX_WAKE of up to n waiters on (as, uaddr) from kernel code (thread exit,
 * robust lists): the key is the address space and address, so waiters with
 * and without FUTEX_PRIVATE_FLAG are woken alike. */
long futex_wake_key(struct addrspace *as, unsigned long uaddr, uint32_t n);
/* The kernel address of the aligned, writable user word at uaddr, with
 * as->lock held (the caller unlocks it), for an atomic update in place;
 * 0, with no lock held, if it is not writable user memory. */
volatile uint32_t *futex_lock_word(struct addrspace *as, unsigned long uaddr);

#endif
