/* System-call dispatch: numbers and meanings are in include/dakota/syscall.h. */
#ifndef KERNEL_SYSCALL_SYSCALL_H
#define KERNEL_SYSCALL_SYSCALL_H

/* The dispatcher is kernel/syscall/dispatch.h. */

#define SYSCALL_ARGS unsigned long a0, unsigned long a1, unsigned long a2, \
	unsigned long a3, unsigned long a4, unsigned long a5
#define SYSCALL_UNUSED (void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5
typedef long (*syscall_fn)(SYSCALL_ARGS);

/* Handlers with named, typed parameters, in the spirit of Linux's
 * SYSCALL_DEFINEn:
 *
 *	SYSCALL_DEFINE2(thread_create, unsigned long, entry, unsigned long, arg)
 *	{
 *		... entry and arg are in scope ...
 *	}
 *
 * defines sys_thread_create with the table's signature, which converts a0..
 * and calls the body as a static inline function of its own (inlined, so a
 * typed handler costs no more than a raw one). User pointers stay
 * `unsigned long`: they are addresses to check, never to dereference. */
#define SYSCALL_BODY_(name, params, args)                                   \
	static inline long sys_##name##_body params;                        \
	long sys_##name(SYSCALL_ARGS)                                       \
	{                                                                   \
		SYSCALL_UNUSED;                                             \
		return sys_##name##_body args;                              \
	}                                                                   \
	static inline long sys_##name##_body params

#define SYSCALL_DEFINE0(name) SYSCALL_BODY_(name, (void), ())
#define SYSCALL_DEFINE1(name, t0, n0) \
	SYSCALL_BODY_(name, (t0 n0), ((t0)a0))
#define SYSCALL_DEFINE2(name, t0, n0, t1, n1) \
	SYSCALL_BODY_(name, (t0 n0, t1 n1), ((t0)a0, (t1)a1))
#define SYSCALL_DEFINE3(name, t0, n0, t1, n1, t2, n2) \
	SYSCALL_BODY_(name, (t0 n0, t1 n1, t2 n2), ((t0)a0, (t1)a1, (t2)a2))
#define SYSCALL_DEFINE4(name, t0, n0, t1, n1, t2, n2, t3, n3) \
	SYSCALL_BODY_(name, (t0 n0, t1 n1, t2 n2, t3 n3), \
		      ((t0)a0, (t1)a1, (t2)a2, (t3)a3))
#define SYSCALL_DEFINE5(name, t0, n0, t1, n1, t2, n2, t3, n3, t4, n4) \
	SYSCALL_BODY_(name, (t0 n0, t1 n1, t2 n2, t3 n3, t4 n4), \
		      ((t0)a0, (t1)a1, (t2)a2, (t3)a3, (t4)a4))
#define SYSCALL_DEFINE6(name, t0, n0, t1, n1, t2, n2, t3, n3, t4, n4, t5, n5) \
	SYSCALL_BODY_(name, (t0 n0, t1 n1, t2 n2, t3 n3, t4 n4, t5 n5), \
		      ((t0)a0, (t1)a1, (t2)a2, (t3)a3, (t4)a4, (t5)a5))

#define X(name) long sys_##name(SYSCALL_ARGS);
#include "kernel/syscall/calls.def"
#undef X

#endif
