/* Linux's futex operations (uapi futex.h), shared by kernel and user.
 * FUTEX_WAIT, FUTEX_WAKE and FUTEX_PRIVATE_FLAG are in syscall.h. */
#ifndef DAKOTA_FUTEX_H
#define DAKOTA_FUTEX_H

#define FUTEX_REQUEUE         3
#define FUTEX_CMP_REQUEUE     4
#define FUTEX_WAKE_OP         5
#define FUTEX_LOCK_PI         6
#define FUTEX_UNLOCK_PI       7
#define FUTEX_TRYLOCK_PI      8
#define FUTEX_WAIT_BITSET     9
#define FUTEX_WAKE_BITSET     10
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_CMP_REQUEUE_PI  12
#define FUTEX_LOCK_PI2        13
#define FUTEX_CLOCK_REALTIME  256
#define FUTEX_CMD_MASK        (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY 0xffffffffU

/* FUTEX_WAKE_OP's val3: op(4 bits) cmp(4) oparg(12) cmparg(12). */
#define FUTEX_OP_SET        0
#define FUTEX_OP_ADD        1
#define FUTEX_OP_OR         2
#define FUTEX_OP_ANDN       3
#define FUTEX_OP_XOR        4
#define FUTEX_OP_OPARG_SHIFT 8     /* in op: oparg is 1 << oparg */
#define FUTEX_OP_CMP_EQ     0
#define FUTEX_OP_CMP_NE     1
#define FUTEX_OP_CMP_LT     2
#define FUTEX_OP_CMP_LE     3
#define FUTEX_OP_CMP_GT     4
#define FUTEX_OP_CMP_GE     5
#define FUTEX_OP(op, oparg, cmp, cmparg) \
	((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))

#endif
