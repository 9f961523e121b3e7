/* The initial user stack of a new program, as the Linux riscv64 ABI lays
 * it out (and Dakota's crt0 reads it):
 *
 *   sp ->  argc
 *          argv[0] .. argv[argc-1], NULL
 *          envp[0] .. envp[envc-1], NULL
 *          auxv: (type, value) pairs, ending with AT_NULL
 *          (padding)
 *          16 random bytes (AT_RANDOM), "riscv64" (AT_PLATFORM)
 *          argv strings, envp strings, the exec path (AT_EXECFN)
 *   top -> (8 zero bytes, then the end of the stack)
 *
 * sp is 16-byte aligned. */
#ifndef KERNEL_PROC_INITSTACK_H
#define KERNEL_PROC_INITSTACK_H

struct addrspace;
struct elf_image;

/* Limits on argv + envp, Linux's for its default 8 MiB RLIMIT_STACK
 * (fs/exec.c: a quarter of the stack): the strings with their NULs plus
 * one pointer per string at most EXEC_ARG_MAX; one string with its NUL at
 * most EXEC_ARG_STRLEN (MAX_ARG_STRLEN). Beyond either: -E2BIG. */
#define EXEC_ARG_MAX    (2UL << 20)
#define EXEC_ARG_STRLEN (128UL << 10)

/* Where argv or envp comes from: a NULL-terminated array of pointers in the
 * user memory of `as` (uvec 0 is an empty vector, as Linux takes it), or
 * `count` NUL-terminated strings packed back to back in kernel memory. */
struct strvec {
	struct addrspace *as;       /* NULL: kernel memory */
	unsigned long uvec;
	const char *packed;
	unsigned long count;
};

struct initstack_args {
	struct strvec argv, envp;
	const char *execfn;         /* the path as exec was given it (kernel) */
	unsigned long uid, gid;
};

/* Sizes found by initstack_measure for initstack_build. */
struct initstack_size {
	unsigned long argc, envc;
	unsigned long bytes;        /* argv and envp strings with their NULs */
};

/* Counts the strings: 0, -E2BIG beyond the limits, -EFAULT for a bad
 * user pointer. Done before the new image is built, so a refusal is cheap. */
long initstack_measure(const struct initstack_args *a, struct initstack_size *sz);

/* Writes the stack below top in as (a fresh address space whose stack
 * region covers top): 0 and *sp; -EFAULT if a user string went away since
 * it was measured, -E2BIG if it grew, -ENOMEM. */
long initstack_build(struct addrspace *as, unsigned long top, const struct initstack_args *a,
		     const struct initstack_size *sz, const struct elf_image *img,
		     unsigned long *sp);

#endif
