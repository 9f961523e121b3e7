/* clone_run(flags, stack, parent_tid, tls, child_tid, fn, arg): clone (220)
 * with riscv64's argument order. The child starts with the caller's
 * registers on the new stack, so fn and arg travel in t0 and t1; it calls
 * fn(arg) and ends the thread (exit 93) with the value. */
	.text
	.globl clone_run
	.type clone_run, @function
clone_run:
	mv	t0, a5
	mv	t1, a6
	li	a7, 220
	ecall
	bnez	a0, 1f
	/* child: a fresh stack, no frame to return to */
	li	ra, 0
	li	s0, 0
	mv	a0, t1
	jalr	t0
	li	a7, 93
	ecall
2:	j	2b
1:	ret
	.size clone_run, . - clone_run
