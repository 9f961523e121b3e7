/* t_child: the program the process and thread tests exec. Not a test by
 * itself: it prints no TAP, and says what it checked through its exit code.
 *
 *	t_child check alpha "beta gamma" ""   with envp { "K1=V1", "EMPTY=" }
 *		exits argc * 16 + envc (5 * 16 + 2 = 82) when argv and envp
 *		arrived exactly, and environ is envp; else 1
 *	t_child count ...     exits argc * 16 + envc, no content check
 *	t_child exit N        exits N
 *	t_child auxv          exits 0 when the auxiliary vector has AT_PAGESZ =
 *		4096, AT_ENTRY = _start, AT_PHDR, AT_PHNUM >= 1 and a
 *		readable AT_RANDOM; else 10 + the number of the failed check
 *	t_child solo          exits 0x20 | 1 (tid 0) | 2 (the only thread of its
 *		process) | 4 (a new thread runs and is joined) = 0x27
 *	t_child write FD TEXT writes TEXT to FD (inherited across exec), exits 0
 *	t_child read FD       reads FD to end of file, exits with the byte count */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syscall.h>
#include <thread.h>
#include <dakota/auxv.h>


extern void _start(void);

static int count_strings(char **v)
{
	int n = 0;
	while (v && v[n])
		n++;
	return n;
}

static int mode_check(int argc, char **argv, char **envp)
{
	int envc = count_strings(envp);
	int ok = argc == 5 && !strcmp(argv[0], "t_child") && !strcmp(argv[2], "alpha") &&
		 !strcmp(argv[3], "beta gamma") && !strcmp(argv[4], "") && !argv[5] &&
		 envc == 2 && !strcmp(envp[0], "K1=V1") && !strcmp(envp[1], "EMPTY=") &&
		 environ == envp;
	if (!ok) {
		dprintf(2, "t_child: check: argc %d envc %d\n", argc, envc);
		for (int i = 0; i < argc; i++)
			dprintf(2, "t_child:   argv[%d] = \"%s\"\n", i, argv[i]);
		for (int i = 0; i < envc; i++)
			dprintf(2, "t_child:   envp[%d] = \"%s\"\n", i, envp[i]);
		return 1;
	}
	return argc * 16 + envc;
}

static int mode_auxv(char **envp)
{
	char **p = envp;
	while (*p)
		p++;
	unsigned long *aux = (unsigned long *)(p + 1);
	unsigned long val[32] = { 0 };
	unsigned seen = 0;
	for (; aux[0] != AT_NULL; aux += 2) {
		if (aux[0] < 32) {
			val[aux[0]] = aux[1];
			seen |= 1U << aux[0];
		}
	}
	if (val[AT_PAGESZ] != 4096)
		return 11;
	if (val[AT_ENTRY] != (unsigned long)_start)
		return 12;
	if (!(seen & (1U << AT_PHDR)) || val[AT_PHNUM] < 1)
		return 13;
	if (!val[AT_RANDOM])
		return 14;
	/* The 16 random bytes are readable: writing them out must work. */
	int fds[2];
	if (pipe(fds) || write(fds[1], (void *)val[AT_RANDOM], 16) != 16)
		return 15;
	/* user.ld loads no program headers, so AT_PHDR may be 0; if it is
	 * not, the first header is there (its p_type is nonzero). */
	if (val[AT_PHDR] && *(volatile unsigned *)val[AT_PHDR] == 0)
		return 16;
	return 0;
}

static long return_9(void *arg)
{
	(void)arg;
	return 9;
}

static int mode_solo(void)
{
	int code = 0x20;
	if (gettid() == 0)
		code |= 1;
	struct thread_info ti[8];
	long n = thread_list(ti, 8), mine = 0;
	for (long i = 0; i < n; i++)
		mine += ti[i].pid == getpid();
	if (mine == 1)
		code |= 2;
	thread_t t;
	if (thread_spawn(&t, return_9, NULL) == 0 && thread_wait(t) == 9)
		code |= 4;
	return code;
}

int main(int argc, char **argv, char **envp)
{
	if (argc < 2)
		return count_strings(argv) * 16 + count_strings(envp);
	const char *mode = argv[1];
	if (!strcmp(mode, "check"))
		return mode_check(argc, argv, envp);
	if (!strcmp(mode, "count"))
		return argc * 16 + count_strings(envp);
	if (!strcmp(mode, "exit") && argc == 3)
		return atoi(argv[2]);
	if (!strcmp(mode, "auxv"))
		return mode_auxv(envp);
	if (!strcmp(mode, "solo"))
		return mode_solo();
	if (!strcmp(mode, "write") && argc == 4) {
		long n = (long)strlen(argv[3]);
		return write(atoi(argv[2]), argv[3], (unsigned long)n) == n ? 0 : 1;
	}
	if (!strcmp(mode, "read") && argc == 3) {
		char buf[64];
		long total = 0, r;
		while ((r = read(atoi(argv[2]), buf, sizeof buf)) > 0)
			total += r;
		return (int)(total & 0xff);
	}
	dprintf(2, "t_child: unknown mode %s\n", mode);
	return 2;
}
