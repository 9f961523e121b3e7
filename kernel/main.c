/* Boot: the boot hart sets up the console, memory, page tables and traps,
 * starts the other harts, creates the first process (or runs the kernel
 * self-tests), and every hart then enters the scheduler. */
#include "arch/riscv/arch.h"
#include "kernel/boot.h"
#include "kernel/debug/race_delay.h"
#include "kernel/syscall/strace.h"
#include "kernel/dev/console.h"
#include "kernel/dev/plic.h"
#include "kernel/dev/uart.h"
#include "kernel/lib/string.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/layout.h"
#include "kernel/proc/exec.h"
#include "kernel/proc/initramfs.h"
#include "kernel/proc/initstack.h"
#include <dakota/syscall.h>
#include "kernel/proc/process.h"
#include "kernel/sched/processor.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/sleep.h"
#include "kernel/ktest/ktest.h"
#include "kernel/trace/trace.h"
#include "kernel/panic.h"

extern char __kernel_start[], __kernel_end[];
static struct boot_info boot_info;     /* copied before the DTB may be reused */
static _Atomic unsigned harts_up;

static void hart_init(unsigned hart)
{
	mmu_kernel_enable();
	trap_init_hart();
	plic_init_hart(hart);
	processors[hart].watchdog_mark = arch_time() | 1;   /* 0 means "not watched" */
	processors[hart].online = true;
	__atomic_fetch_add(&harts_up, 1, __ATOMIC_SEQ_CST);
}

/* In .data, not .bss: a hart arriving through _start late (entry.S)
 * reads it before or while the boot hart zeroes .bss. */
static _Atomic int late_harts_wait = 1;

static void start_secondaries(unsigned boot_hart)
{
	__atomic_store_n(&late_harts_wait, 0, __ATOMIC_RELEASE);
	for (int i = 0; i < boot_info.hart_count; i++) {
		unsigned h = boot_info.hart_ids[i];
		if (h == boot_hart)
			continue;
		if (h >= CONFIG_MAX_HARTS) {
			kprintf("dakota: hart %u ignored (CONFIG_MAX_HARTS is %d)\n", h, CONFIG_MAX_HARTS);
			continue;
		}
		processors[h].hart = h;
		long err = arch_start_hart(h, (unsigned long)&processors[h]);
		if (err == ARCH_HART_RUNNING)
			kprintf("dakota: hart %u left the firmware early; it joins through the boot entry\n", h);
		else if (err)
			kprintf("dakota: hart %u did not start (firmware error %ld)\n", h, err);
	}
}

static void print_memory_map(void)
{
	for (int i = 0; i < boot_info.memory_count; i++)
		kprintf("dakota: memory %lx-%lx (%lu MiB)\n", boot_info.memory[i].base,
			boot_info.memory[i].base + boot_info.memory[i].size,
			boot_info.memory[i].size >> 20);
	kprintf("dakota: kernel %lx-%lx, %lu frames free of %lu\n",
		(unsigned long)__kernel_start, (unsigned long)__kernel_end,
		frame_free_count(), frame_total_count());
	kprintf("dakota: user: trampoline %lx, trap contexts below %lx, stacks below %lx, "
		"kernel stacks %lx-%lx\n", TRAMPOLINE, TRAP_CONTEXT_BASE + PAGE_SIZE,
		USTACK_TOP(0), KSTACK_BASE, KSTACK_END);
}

static void setup_memory(void)
{
	if (boot_info.memory_count == 0)
		panic("device tree lists no memory");
	unsigned long ram_start = boot_info.memory[0].base;
	unsigned long ram_end = ram_start + boot_info.memory[0].size;
	frame_init((unsigned long)__kernel_end, ram_end);
	for (int i = 0; i < boot_info.reserved_count; i++)
		frame_reserve(boot_info.reserved[i].base,
			      boot_info.reserved[i].base + boot_info.reserved[i].size);
	if (boot_info.initrd_end > boot_info.initrd_start)
		frame_reserve(boot_info.initrd_start, boot_info.initrd_end);
	mmu_kernel_init(ram_start, ram_end);
}

/* The command line's init=NAME ARGS... packed as a strvec. */
static void pack_boot_args(const struct boot_args *args, struct strvec *argv)
{
	static char packed[sizeof args->buf];
	unsigned long used = 0;
	for (int i = 0; i < args->argc; i++) {
		unsigned long n = strlen(args->argv[i]) + 1;
		memcpy(packed + used, args->argv[i], n);
		used += n;
	}
	*argv = (struct strvec){ .packed = packed, .count = (unsigned long)args->argc };
}

/* init's argv and envp: the initramfs's init/argv and init/envp when
 * there (tools/run writes them: any length, any bytes but NUL), else the
 * command line's init=NAME ARGS... (at most BOOT_MAX_ARGS words) with
 * PATH=/bin. */
static void first_process_args(const struct boot_args *args, struct strvec *argv,
			       struct strvec *envp)
{
	static const char default_env[] = "PATH=/bin";
	*envp = (struct strvec){ .packed = default_env, .count = 1 };
	int r = initramfs_init_args(argv, envp);
	if (r < 0)
		kprintf("dakota: init/argv or init/envp in the initramfs does not end with a NUL; "
			"using the command line\n");
	if (r <= 0) {
		*envp = (struct strvec){ .packed = default_env, .count = 1 };
		pack_boot_args(args, argv);
	}
}

/* A shell's statuses: 127 when the program is not there, 126 when it
 * cannot be run. */
static void init_failed(const char *path, long err)
{
	const char *why = err == -ENOENT ? "not found in the initramfs" :
			  err == -ENOEXEC ? "not an executable this kernel can run" :
			  err == -ENOMEM ? "out of memory" :
			  err == -E2BIG ? "argument list too long" : "cannot execute";
	kprintf("dakota: cannot start init program '%s': %s (error %ld)\n", path, why, err);
	arch_poweroff(err == -ENOENT ? 127 : 126);
}

static void start_first_process(void)
{
	struct boot_args args;
	boot_args_parse(boot_info.bootargs, &args);
	if (args.trace)
		trace_start();
	if (!strcmp(args.argv[0], "ktest")) {
		ktest_main(args.argc, args.argv);
		return;
	}
	struct strvec argv, envp;
	first_process_args(&args, &argv, &envp);
	const char *path = argv.packed;     /* argv[0] names the program */
	long err = process_spawn_init(path, &argv, &envp);
	if (err)
		init_failed(path, err);
}

/* Waits until `expected` harts are online, or HART_WAIT_MS have passed;
 * returns how many are. Between looks the boot hart sleeps in wfi with a
 * 1 ms timer: under QEMU's single-threaded icount mode a spinning hart
 * keeps the others from running until its time budget runs out. A hart that
 * never arrives is named and left out; the kernel runs on the others. */
#define HART_WAIT_MS 2000

static unsigned wait_for_harts(unsigned expected)
{
	unsigned long ms = arch_time_hz / 1000;
	unsigned long deadline = arch_time() + HART_WAIT_MS * ms;
	while (__atomic_load_n(&harts_up, __ATOMIC_ACQUIRE) < expected && arch_time() < deadline) {
		arch_timer_set(arch_time() + ms);
		arch_wait_for_interrupt();
	}
	arch_timer_set(~0UL);   /* no timer until the scheduler arms one */
	unsigned up = __atomic_load_n(&harts_up, __ATOMIC_ACQUIRE);
	for (int i = 0; up < expected && i < boot_info.hart_count; i++) {
		unsigned h = boot_info.hart_ids[i];
		if (h < CONFIG_MAX_HARTS && !__atomic_load_n(&processors[h].online, __ATOMIC_ACQUIRE))
			kprintf("dakota: hart %u did not come online within %d ms; running without it\n",
				h, HART_WAIT_MS);
	}
	return up;
}

void kmain(unsigned long hart, unsigned long dtb)
{
	processors[hart].hart = (unsigned)hart;
	__asm__ volatile("mv tp, %0" :: "r"(&processors[hart]));
	if (arch_read_boot_info(dtb, &boot_info))
		arch_poweroff(254);
	console_init(boot_info.uart_base);
	unsigned long boot_us = arch_time() / (boot_info.timebase_hz ? boot_info.timebase_hz / 1000000 : 10);
	kprintf("\ndakota: booting on hart %lu of %d at %lu.%03lu ms after reset\n", hart,
		boot_info.hart_count, boot_us / 1000, boot_us % 1000);
	if (boot_info.timebase_hz)
		arch_time_hz = boot_info.timebase_hz;
	setup_memory();
	print_memory_map();
	race_delay_init(boot_info.bootargs);
	strace_init(boot_info.bootargs);
	hart_init((unsigned)hart);
	arch_has_sstc = arch_probe_sstc();
	plic_enable(UART_IRQ, (unsigned)hart);
	start_secondaries((unsigned)hart);
	initramfs_init((const void *)boot_info.initrd_start,
		       boot_info.initrd_end - boot_info.initrd_start);
	static struct boot_args peek;
	boot_args_parse(boot_info.bootargs, &peek);
	if (!strcmp(peek.argv[0], "ktest"))
		ktest_request();
	unsigned expected = 0;
	for (int i = 0; i < boot_info.hart_count; i++)
		expected += boot_info.hart_ids[i] < CONFIG_MAX_HARTS;
	processor_count = wait_for_harts(expected);
	kprintf("dakota: %u harts online, timer %s at %lu Hz, time slice %d ms\n", processor_count,
		arch_has_sstc ? "sstc" : "sbi", arch_time_hz, CONFIG_TIME_SLICE_MS);
	start_first_process();
	sleep_arm_timer(false);
	sched_loop();
}

void kmain_secondary(unsigned long hart);

/* A hart that came through _start after the boot hart (entry.S): it waits
 * until the kernel is ready for secondaries, then is one. */
void kmain_late_secondary(unsigned long hart)
{
	while (__atomic_load_n(&late_harts_wait, __ATOMIC_ACQUIRE))
		arch_relax();
	if (hart >= CONFIG_MAX_HARTS)
		arch_halt();
	processors[hart].hart = (unsigned)hart;
	__asm__ volatile("mv tp, %0" :: "r"(&processors[hart]));
	kmain_secondary(hart);
}

void kmain_secondary(unsigned long hart)
{
	hart_init((unsigned)hart);
	kprintf("dakota: hart %lu online\n", hart);
	while (!processor_count)
		arch_relax();
	ktest_secondary((unsigned)hart);
	sleep_arm_timer(false);
	sched_loop();
}
