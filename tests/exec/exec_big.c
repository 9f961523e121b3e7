/* execve with large and bad argument lists, then a real one: Linux's
 * limits (E2BIG), a bad pointer (EFAULT), a missing program (ENOENT), a
 * program refused after its image was half built (ENOEXEC: highaddr lies
 * above Dakota's program area), broken ELF files (badelf.py: ENOEXEC) with Dakota's kernel counters unchanged
 * after all of those, and pattern.h's ~45 KiB of arguments and
 * environment, which exec_stack --verify checks byte for byte in the new
 * image. Prints one line per check; exits with the number of failures if
 * the last execve fails. Dakota only (it reads kstat). */
#include "raw.h"
#include "pattern.h"

#define ENOENT 2
#define ENOEXEC 8
#define EFAULT 14
#define SYS_kstat 1101

struct kstat {   /* include/dakota/syscall.h */
	unsigned long free_frames, total_frames, live_threads, live_procs, kmalloc_bytes;
	unsigned long harts, time_hz, reserved[9];
};
#define STRLEN_MAX (128 * 1024)   /* Linux's MAX_ARG_STRLEN, NUL included */

static int failures;
static char big[STRLEN_MAX + 1];          /* up to one byte over the limit */
static char strings[PAT_BYTES];
static char *argv[2 + PAT_ARGS + 1], *envp[PAT_ENVS + 1];

static int quiet;   /* the first round only touches our own pages */

static void expect(long got, long want, const char *what)
{
	if (quiet) {
		failures += got != want;
		return;
	}
	out_str(got == want ? "ok - " : "not ok - ");
	out_str(what);
	out_str(": ");
	out_str(got < 0 ? "-" : "");
	out_num((uint64_t)(got < 0 ? -got : got), 10);
	out_char('\n');
	failures += got != want;
}

static long exec(const char *path, char **av, char **ev)
{
	return raw_syscall3(SYS_execve, (long)path, (long)av, (long)ev);
}

static void limits(void)
{
	static char *av[48], *ev[2];
	for (int i = 0; i < 64 * 1024 - 1; i++)
		big[i] = 'x';
	av[0] = "exec_stack";
	for (int i = 1; i < 41; i++)
		av[i] = big;                       /* 40 x 64 KiB: over 2 MiB */
	expect(exec("/bin/exec_stack", av, 0), -E2BIG, "2.5 MiB of arguments: E2BIG");
	av[32] = 0;                            /* 31 x 64 KiB: under 2 MiB ... */
	ev[0] = big;                           /* ... and envp takes it over */
	expect(exec("/bin/exec_stack", av, ev), -E2BIG, "31 x 64 KiB of arguments and 64 KiB of environment: E2BIG");
	for (int i = 0; i < STRLEN_MAX; i++)
		big[i] = 'y';
	ev[0] = 0;
	av[1] = big;
	av[2] = 0;
	expect(exec("/bin/exec_stack", av, ev), -E2BIG, "one argument of 128 KiB: E2BIG");
	av[1] = (char *)0x1000;
	expect(exec("/bin/exec_stack", av, ev), -EFAULT, "an argument at an unmapped address: EFAULT");
	expect(exec("/bin/exec_stack", (char **)0x1000, ev), -EFAULT, "argv itself unmapped: EFAULT");
	av[1] = 0;
	expect(exec("/bin/no_such_program", av, ev), -ENOENT, "a missing program: ENOENT");
	av[0] = "highaddr";
	expect(exec("/bin/highaddr", av, ev), -ENOEXEC,
	       "a program above the program area, refused after loading began: ENOEXEC");
	/* badelf.py's broken copies of exec_stack. */
	static const char *const bad[] = {
		"bad_trunc_ehdr", "bad_trunc_phdrs", "bad_phnum", "bad_phoff", "bad_seg_filesz",
		"bad_seg_offset", "bad_seg_memsz", "bad_seg_wrap", "bad_seg_low",
	};
	static char path[64];
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *p = path;
		for (const char *s = "/bin/"; *s; s++)
			*p++ = *s;
		for (const char *s = bad[i]; *s; s++)
			*p++ = *s;
		*p = 0;
		av[0] = (char *)bad[i];
		expect(exec(path, av, ev), -ENOEXEC, bad[i]);
	}
}

int main_raw(unsigned long *sp, unsigned long a0)
{
	(void)sp;
	(void)a0;
	struct kstat before, after;
	quiet = 1;
	limits();
	quiet = 0;
	raw_syscall3(SYS_kstat, (long)&before, 0, 0);
	limits();
	raw_syscall3(SYS_kstat, (long)&after, 0, 0);
	expect((long)(before.free_frames - after.free_frames), 0, "frames leaked by failed execs");
	expect((long)(after.kmalloc_bytes - before.kmalloc_bytes), 0, "kmalloc bytes leaked by failed execs");
	char *p = strings;
	argv[0] = "exec_stack";
	argv[1] = "--verify";
	for (int k = 0; k < PAT_ARGS + PAT_ENVS; k++) {
		char **slot = k < PAT_ARGS ? &argv[2 + k] : &envp[k - PAT_ARGS];
		*slot = p;
		p = pat_write(p, k);
	}
	out_str("exec_big: ");
	out_num((uint64_t)(p - strings), 10);
	out_str(" bytes of pattern strings\n");
	long r = exec("/bin/exec_stack", argv, envp);
	expect(r, 0, "execve with the pattern");
	return failures ? failures : 1;
}
