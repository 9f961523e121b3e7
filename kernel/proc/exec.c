/* exec: find the program in the initramfs, build a fresh address space
 * with its segments (elf_load.c) and the Linux initial stack
 * (initstack.c), then swap it in. The old image stays intact until
 * everything that can fail has succeeded. */
#include "kernel/proc/exec.h"
#include "kernel/proc/clone.h"
#include "kernel/proc/file.h"
#include "kernel/signal/signal.h"
#include "kernel/signal/posix_timer.h"
#include "kernel/proc/process.h"
#include "kernel/proc/thread.h"
#include "kernel/proc/cpio.h"
#include "kernel/proc/elf.h"
#include "kernel/proc/elf_load.h"
#include "kernel/proc/initramfs.h"
#include "kernel/proc/initstack.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/runqueue.h"
#include "kernel/mm/addrspace.h"
#include "kernel/mm/layout.h"
#include "kernel/lib/string.h"
#include "kernel/dev/console.h"
#include "kernel/trace/trace.h"
#include "kernel/sync/objects.h"
#include <dakota/syscall.h>

/* Only the kernel knows why a file is not executable: it says so on the
 * console; the caller gets -ENOEXEC as Linux gives it. */
static void report_noexec(const char *path, const struct elf_image *img, const char *why)
{
	if (img->error == why && img->machine && img->machine != ELF_EM_RISCV)
		kprintf("dakota: exec %s: %s (e_machine %u)\n", path, why, img->machine);
	else
		kprintf("dakota: exec %s: %s\n", path, why);
}

/* The program's image in a new address space: segments, tid 0's stack
 * region and the initial stack. *as_out holds it (no trap page yet). */
static long load_image(const struct cpio_file *f, const struct elf_source *src,
		       const struct initstack_args *a,
		       const struct initstack_size *sz, struct addrspace **as_out,
		       unsigned long *entry, unsigned long *sp)
{
	struct elf_image img;
	const char *why = NULL;
	if (elf_parse(f->data, f->size, &img)) {
		report_noexec(a->execfn, &img, img.error);
		return -ENOEXEC;
	}
	struct addrspace *as = as_create();
	if (!as)
		return -ENOMEM;
	unsigned long image_end;
	long err = elf_load(as, f->data, &img, src, &image_end, &why);
	if (!err)
		err = as_add_thread_stack(as, 0);
	if (!err)
		err = initstack_build(as, USTACK_TOP(0), a, sz, &img, sp);
	if (err) {
		if (err == -ENOEXEC)
			report_noexec(a->execfn, &img, why);
		as_destroy(as);
		return err;
	}
	as->heap_start = as->brk = image_end;
	*entry = img.entry;
	*as_out = as;
	return 0;
}

/* Linux's order of refusals: no such program, then too many arguments,
 * then a file it cannot run. */
static long build_image(const struct initstack_args *a, struct addrspace **as_out,
			unsigned long *entry, unsigned long *sp)
{
	struct cpio_file f;
	const struct elf_source *src;
	long err = initramfs_find_program(a->execfn, &f, &src);
	if (err)
		return err;
	struct initstack_size sz;
	err = initstack_measure(a, &sz);
	if (err)
		return err;
	return load_image(&f, src, a, &sz, as_out, entry, sp);
}

static void set_name(struct process *p, const char *path)
{
	const char *base = strrchr(path, '/');
	strlcpy(p->name, base ? base + 1 : path, sizeof p->name);
}

long exec_first(struct process *p, const char *path, const struct strvec *argv,
		const struct strvec *envp)
{
	struct initstack_args a = { .argv = *argv, .envp = *envp, .execfn = path,
		.uid = (unsigned long)p->uid };
	unsigned long entry, sp;
	long err = build_image(&a, &p->as, &entry, &sp);
	if (err)
		return err;
	p->sync = sync_objects_create();
	if (!p->sync)
		return -ENOMEM;
	set_name(p, path);
	struct thread *t;
	err = thread_alloc_first(p, 0, &t);
	if (err)
		return err;
	trap_context_init(t->tc, entry, sp, 0, 0);
	thread_start(t);
	return 0;
}

long exec_current(unsigned long upath, unsigned long uargv, unsigned long uenvp)
{
	struct thread *self = current_thread();
	struct process *p = self->proc;
	char path[EXEC_PATH_MAX];
	long err = copy_string_from_user(p->as, path, upath, sizeof path);
	if (err < 0)
		return err;
	struct initstack_args a = {
		.argv = { .as = p->as, .uvec = uargv }, .envp = { .as = p->as, .uvec = uenvp },
		.execfn = path, .uid = (unsigned long)p->uid,
	};
	struct addrspace *as;
	unsigned long entry, sp;
	err = build_image(&a, &as, &entry, &sp);
	if (err)
		return err;
	struct trap_context *tc = as_map_trap_context(as, 0);
	/* The new image starts with no mutexes, semaphores or condvars. */
	struct sync_objects *sync = tc ? sync_objects_create() : NULL;
	if (!sync) {
		as_destroy(as);                 /* the trap-context page too */
		return -ENOMEM;
	}
	/* The point of no return, unless an exit or another exec owns the
	 * process first (then this thread has been told to exit, and its
	 * return to user mode ends it). */
	err = process_exec_take();
	if (err) {
		sync_objects_destroy(sync);
		as_destroy(as);
		return err;
	}
	clone_image_end(self);
	process_exec_switch(as, tc, sync);
	signal_exec_reset(p);
	posix_timer_release_all(p);     /* timers do not survive exec */
	spin_lock(&p->lock);
	set_name(p, path);
	spin_unlock(&p->lock);
	file_close_on_exec(p);
	/* A new program: its unimplemented calls are reported afresh. */
	memset(p->enosys_seen, 0, sizeof p->enosys_seen);
	clone_exec_done(self);
	trap_context_init(tc, entry, sp, 0, 0);
	return 0;
}
