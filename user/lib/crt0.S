/* Process entry. The kernel starts us with the System V layout on the stack:
 *	sp -> argc, argv[0..argc-1], NULL, envp[...], NULL, auxv pairs, AT_NULL
 * Sets up gp, records environ, calls main(argc, argv, envp) and passes its
 * result to exit(). */
	.section .text.start, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	li	ra, 0                   /* end of the frame chain for debuggers */
	li	s0, 0
	ld	a0, 0(sp)               /* argc */
	addi	a1, sp, 8               /* argv */
	slli	t0, a0, 3
	add	a2, a1, t0
	addi	a2, a2, 8               /* envp = argv + argc + 1 */
	lla	t1, environ
	sd	a2, 0(t1)
	andi	sp, sp, -16
	call	main
	call	exit
1:	j	1b
	.size _start, . - _start

	.section .bss
	.balign 8
	.globl environ
	.type environ, @object
environ:
	.zero 8
	.size environ, 8
