# arch_switch(save, load): save the callee-saved registers of the running
# kernel thread into *save and resume the one saved in *load.
#include "arch/riscv/layout_asm.h"

	.text
	.globl arch_switch
arch_switch:
	sd ra, 0(a0)
	sd sp, 8(a0)
	sd s0, 16(a0)
	sd s1, 24(a0)
	sd s2, 32(a0)
	sd s3, 40(a0)
	sd s4, 48(a0)
	sd s5, 56(a0)
	sd s6, 64(a0)
	sd s7, 72(a0)
	sd s8, 80(a0)
	sd s9, 88(a0)
	sd s10, 96(a0)
	sd s11, 104(a0)
	ld ra, 0(a1)
	ld sp, 8(a1)
	ld s0, 16(a1)
	ld s1, 24(a1)
	ld s2, 32(a1)
	ld s3, 40(a1)
	ld s4, 48(a1)
	ld s5, 56(a1)
	ld s6, 64(a1)
	ld s7, 72(a1)
	ld s8, 80(a1)
	ld s9, 88(a1)
	ld s10, 96(a1)
	ld s11, 104(a1)
	ret

# Kernel-mode trap vector: save the caller-saved registers on the current
# kernel stack, run kernel_trap(), and return to the interrupted code.
# arch_run_on_stack(fn, sp): calls fn() with the stack pointer at sp; fn
# must not return (the kernel self-tests use it to overflow a stack).
	.globl arch_run_on_stack
arch_run_on_stack:
	mv sp, a1
	li s0, 0
	jr a0

	.globl kernelvec
	.align 4
kernelvec:
	# If the frame below would land in a kernel stack's guard page, the
	# stack has overflowed: take the trap on this hart's emergency stack,
	# where kernel_trap can still report it (else each store would fault
	# again, and the next trap would write further down into a neighbour).
	sd t0, CPU_SCRATCH0(tp)
	sd t1, CPU_SCRATCH1(tp)
	addi t0, sp, -KERNELVEC_FRAME
	ld t1, kstack_guard_base
	sub t0, t0, t1
	ld t1, kstack_guard_span
	bgeu t0, t1, 1f
	ld t1, kstack_slot_mask
	and t0, t0, t1
	li t1, PAGE_SIZE_ASM
	bgeu t0, t1, 1f
	ld sp, CPU_EMERGENCY_SP(tp)
1:	ld t0, CPU_SCRATCH0(tp)
	ld t1, CPU_SCRATCH1(tp)
	addi sp, sp, -KERNELVEC_FRAME
	sd ra, 0(sp)
	sd t0, 8(sp)
	sd t1, 16(sp)
	sd t2, 24(sp)
	sd a0, 32(sp)
	sd a1, 40(sp)
	sd a2, 48(sp)
	sd a3, 56(sp)
	sd a4, 64(sp)
	sd a5, 72(sp)
	sd a6, 80(sp)
	sd a7, 88(sp)
	sd t3, 96(sp)
	sd t4, 104(sp)
	sd t5, 112(sp)
	sd t6, 120(sp)
	sd s0, 128(sp)
	addi s0, sp, 144
	call kernel_trap
	ld ra, 0(sp)
	ld t0, 8(sp)
	ld t1, 16(sp)
	ld t2, 24(sp)
	ld a0, 32(sp)
	ld a1, 40(sp)
	ld a2, 48(sp)
	ld a3, 56(sp)
	ld a4, 64(sp)
	ld a5, 72(sp)
	ld a6, 80(sp)
	ld a7, 88(sp)
	ld t3, 96(sp)
	ld t4, 104(sp)
	ld t5, 112(sp)
	ld t6, 120(sp)
	ld s0, 128(sp)
	addi sp, sp, KERNELVEC_FRAME
	sret
