# Entry points. OpenSBI starts the boot hart at _start in S-mode with
# a0 = hart id and a1 = the device tree; the kernel starts each other hart at
# _secondary_start through SBI HSM with a1 = its processor pointer.
#include "layout_asm.h"

	.section .text.entry
	.globl _start
_start:
	# Only the first hart here is the boot hart. Debian's OpenSBI 1.1 has
	# been seen (about 1 boot in 80, host under load) to send a second hart
	# through this cold-boot entry instead of _secondary_start; it must not
	# zero .bss or boot again, so it joins as a secondary.
	la t0, boot_hart_claimed
	li t1, 1
	amoswap.w t1, t1, (t0)
	bnez t1, _start_late
	# Zero .bss before any C runs (the boot stacks live outside it).
	la t0, __bss_start
	la t1, __bss_end
1:	bgeu t0, t1, 2f
	sd zero, 0(t0)
	addi t0, t0, 8
	j 1b
2:	call set_boot_stack
	mv tp, zero
	call kmain
	j arch_halt

_start_late:
	call set_boot_stack
	mv tp, zero
	call kmain_late_secondary
	j arch_halt

	.globl _secondary_start
_secondary_start:
	mv tp, a1
	call set_boot_stack
	call kmain_secondary
	j arch_halt

# sp = top of hart a0's boot stack; each stack sits above a guard page.
set_boot_stack:
	li t0, BOOT_STACK_SLOT
	addi t1, a0, 1
	mul t0, t0, t1
	la sp, __boot_stacks
	add sp, sp, t0
	ret

	.data
	.align 2
boot_hart_claimed:
	.word 0

	.section .boot_stacks, "aw", @nobits
	.space BOOT_STACK_SLOT * CONFIG_MAX_HARTS
