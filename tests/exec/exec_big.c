/* execve with large and bad argument lists, then a real one: Linux's
 * limits (E2BIG), a bad pointer (EFAULT), a missing program (ENOENT), and
 * pattern.h's ~45 KiB of arguments and environment, which exec_stack
 * --verify checks byte for byte in the new image. Prints one line per
 * check; exits with the number of failures if the last execve fails. */
#include "raw.h"
#include "pattern.h"

#define ENOENT 2
#define EFAULT 14
#define STRLEN_MAX (128 * 1024)   /* Linux's MAX_ARG_STRLEN, NUL included */

static int failures;
static char big[STRLEN_MAX + 1];          /* up to one byte over the limit */
static char strings[PAT_BYTES];
static char *argv[2 + PAT_ARGS + 1], *envp[PAT_ENVS + 1];

static void expect(long got, long want, const char *what)
{
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
}

int main_raw(unsigned long *sp, unsigned long a0)
{
	(void)sp;
	(void)a0;
	limits();
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
