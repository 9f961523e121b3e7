/* A plain glibc program (gcc -static): prints its arguments and
 * environment and checks the auxiliary vector through getauxval(), as any
 * Linux program would see it. Exit status: the number of failed checks. */
#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;
static int failures;

static void check(int ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
	failures += !ok;
}

int main(int argc, char **argv)
{
	printf("argc %d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d] %s\n", i, argv[i]);
	for (int i = 0; environ[i]; i++)
		printf("envp[%d] %s\n", i, environ[i]);
	unsigned long isa = 0;
	for (const char *c = "imafdc"; *c; c++)
		isa |= 1UL << (*c - 'a');
	check(getauxval(AT_PAGESZ) == 4096 && sysconf(_SC_PAGESIZE) == 4096, "AT_PAGESZ 4096");
	check(getauxval(AT_RANDOM) != 0, "AT_RANDOM is set");
	check((getauxval(AT_HWCAP) & isa) == isa, "AT_HWCAP has i, m, a, f, d, c");
	check(getauxval(AT_PHENT) == sizeof(Elf64_Phdr) && getauxval(AT_PHNUM) > 0, "AT_PHENT, AT_PHNUM");
	check(getauxval(AT_CLKTCK) == 100 && sysconf(_SC_CLK_TCK) == 100, "AT_CLKTCK 100");
	check(getauxval(AT_SECURE) == 0, "AT_SECURE 0");
	const char *fn = (const char *)getauxval(AT_EXECFN);
	check(fn && strstr(fn, "exec_auxv"), "AT_EXECFN names this program");
	const char *platform = (const char *)getauxval(AT_PLATFORM);
	printf("platform %s\n", platform ? platform : "(none)");
	printf("exec_auxv: %d checks failed\n", failures);
	return failures;
}
