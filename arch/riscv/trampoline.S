# The trampoline: one physical page mapped at the same virtual address
# (TRAMPOLINE, the top page) in the kernel's and in every user page table, so
# the code keeps running while satp changes under it. Position-independent.
#
# While a thread runs in user mode, stvec = TRAMPOLINE (uservec) and sscratch
# holds the user virtual address of that thread's trap-context page.
#include "layout_asm.h"

	.section .trampoline, "ax"
	.align 4
	.globl uservec
uservec:
	csrrw a0, sscratch, a0
	sd ra, 8(a0)
	sd sp, 16(a0)
	sd gp, 24(a0)
	sd tp, 32(a0)
	sd t0, 40(a0)
	sd t1, 48(a0)
	sd t2, 56(a0)
	sd s0, 64(a0)
	sd s1, 72(a0)
	sd a1, 88(a0)
	sd a2, 96(a0)
	sd a3, 104(a0)
	sd a4, 112(a0)
	sd a5, 120(a0)
	sd a6, 128(a0)
	sd a7, 136(a0)
	sd s2, 144(a0)
	sd s3, 152(a0)
	sd s4, 160(a0)
	sd s5, 168(a0)
	sd s6, 176(a0)
	sd s7, 184(a0)
	sd s8, 192(a0)
	sd s9, 200(a0)
	sd s10, 208(a0)
	sd s11, 216(a0)
	sd t3, 224(a0)
	sd t4, 232(a0)
	sd t5, 240(a0)
	sd t6, 248(a0)
	csrr t0, sscratch
	sd t0, 80(a0)
	# sepc is stored by user_trap_entry (with interrupts still off), which
	# knows whether it is an ecall's and must move past it.
	ld sp, TC_KERNEL_SP(a0)
	ld tp, TC_KERNEL_TP(a0)
	ld t0, TC_HANDLER(a0)
	ld t1, TC_KERNEL_SATP(a0)
	csrw satp, t1
	sfence.vma zero, zero
	jr t0

# userret(a0 = trap-context user VA, a1 = user satp). The caller has set
# sepc, sstatus and stvec. Records this hart's tp for the next uservec,
# because the thread may have migrated since it last entered the kernel.
	.globl userret
userret:
	csrw satp, a1
	sfence.vma zero, zero
	csrw sscratch, a0
	sd tp, TC_KERNEL_TP(a0)
	ld ra, 8(a0)
	ld sp, 16(a0)
	ld gp, 24(a0)
	ld tp, 32(a0)
	ld t0, 40(a0)
	ld t1, 48(a0)
	ld t2, 56(a0)
	ld s0, 64(a0)
	ld s1, 72(a0)
	ld a1, 88(a0)
	ld a2, 96(a0)
	ld a3, 104(a0)
	ld a4, 112(a0)
	ld a5, 120(a0)
	ld a6, 128(a0)
	ld a7, 136(a0)
	ld s2, 144(a0)
	ld s3, 152(a0)
	ld s4, 160(a0)
	ld s5, 168(a0)
	ld s6, 176(a0)
	ld s7, 184(a0)
	ld s8, 192(a0)
	ld s9, 200(a0)
	ld s10, 208(a0)
	ld s11, 216(a0)
	ld t3, 224(a0)
	ld t4, 232(a0)
	ld t5, 240(a0)
	ld t6, 248(a0)
	ld a0, 80(a0)
	sret

# The thread exit stub, mapped read+execute for user code: a thread's entry
# function returns here, and its return value in a0 becomes its exit code.
	.section .exit_stub, "ax"
	.globl exit_stub
exit_stub:
	li a7, 93
	ecall
	unimp

# The signal return stub on the same user page (riscv Linux has it in the
# vDSO; Dakota has none): a handler returns here through ra.
	.globl sigreturn_stub
sigreturn_stub:
	li a7, 139
	ecall
	unimp
