/* Checks the initial stack the kernel built against the Linux riscv64 ABI
 * and prints what it found: argc, a digest of argv and of envp (so that a
 * caller can check long lists round-trip exactly), and one line per check.
 * Exit status: the number of failed checks.
 *
 *	exec_stack ARGS...              check the stack, print the digests
 *	exec_stack --verify ARGS...     also require ARGS and the environment
 *	                                to be exactly pattern.h's
 *
 * Runs unchanged under Linux (qemu-riscv64): the checks hold there too;
 * AT_PLATFORM and AT_MINSIGSTKSZ are printed when present. */
#include "raw.h"
#include "pattern.h"
#include "../../include/dakota/auxv.h"

#define AT_MAX 64               /* more than the highest type read */

extern char __ehdr_start[];
extern char _start[];
static int failures;
/* .data then .bss: the first bss bytes share a page with data, whose file
 * page holds other bytes after .data (the loader must zero them, not copy). */
static volatile unsigned long data_probe[4] = { 0x1122334455667788UL, 1, 2, 3 };
extern char _edata[], _end[];
static int bss_zero;   /* found before anything is written */
static unsigned long aux[AT_MAX];
static int aux_seen[AT_MAX];

static void check(int ok, const char *what)
{
	out_str(ok ? "ok - " : "not ok - ");
	out_str(what);
	out_char('\n');
	failures += !ok;
}

static void line_num(const char *key, uint64_t v, unsigned base)
{
	out_str(key);
	out_char(' ');
	out_num(v, base);
	out_char('\n');
}

/* The strings, in order, one after another: Linux puts argv's then
 * envp's strings back to back. */
static int contiguous(char **v, unsigned long n, char *expect_first)
{
	char *next = expect_first;
	for (unsigned long i = 0; i < n; i++) {
		if (next && v[i] != next)
			return 0;
		next = v[i] + raw_strlen(v[i]) + 1;
	}
	return 1;
}

static uint64_t digest(char **v, unsigned long n, unsigned long *bytes)
{
	uint64_t h = FNV_START;
	*bytes = 0;
	for (unsigned long i = 0; i < n; i++) {
		h = fnv_add(h, v[i]);
		*bytes += raw_strlen(v[i]) + 1;
	}
	return h;
}

static void check_vectors(unsigned long *sp, unsigned long a0)
{
	unsigned long argc = sp[0];
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1;
	unsigned long envc = 0, bytes;
	while (envp[envc])
		envc++;
	check(a0 == 0, "a0 is 0 at the entry point");
	check(((unsigned long)sp & 15) == 0, "sp is 16-byte aligned");
	check(argv[argc] == 0, "argv ends with NULL");
	line_num("argc", argc, 10);
	uint64_t h = digest(argv, argc, &bytes);
	line_num("argv-bytes", bytes, 10);
	line_num("argv-digest", h, 16);
	line_num("envc", envc, 10);
	h = digest(envp, envc, &bytes);
	line_num("envp-bytes", bytes, 10);
	line_num("envp-digest", h, 16);
	for (unsigned long i = 0; argc <= 8 && i < argc; i++)
		if (raw_strlen(argv[i]) < 80) {
			out_str("argv[");
			out_num(i, 10);
			out_str("] ");
			out_str(argv[i]);
			out_char('\n');
		}
	char *first = argc ? argv[0] : envc ? envp[0] : 0;
	check(contiguous(argv, argc, first) &&
	      contiguous(envp, envc, argc ? argv[argc - 1] + raw_strlen(argv[argc - 1]) + 1 : first),
	      "argv then envp strings lie back to back");
	unsigned long *auxv = (unsigned long *)(envp + envc + 1);
	for (; auxv[0] != AT_NULL; auxv += 2)
		if (auxv[0] < AT_MAX) {
			aux[auxv[0]] = auxv[1];
			aux_seen[auxv[0]] = 1;
		}
	check(first == 0 || (unsigned long)first > (unsigned long)(auxv + 2),
	      "strings lie above the auxiliary vector");
}

/* The ELF header's e_phnum, read from the loaded image itself. */
static unsigned long own_phnum(void)
{
	return *(unsigned short *)(__ehdr_start + 56);
}

static void check_auxv(unsigned long *sp)
{
	unsigned long isa = 0;
	for (const char *c = "imafdc"; *c; c++)
		isa |= 1UL << (*c - 'a');
	check(aux[AT_PAGESZ] == 4096, "AT_PAGESZ 4096");
	check(aux[AT_PHDR] == (unsigned long)__ehdr_start + *(unsigned long *)(__ehdr_start + 32),
	      "AT_PHDR: the loaded program headers");
	check(aux[AT_PHENT] == 56 && aux[AT_PHNUM] == own_phnum(), "AT_PHENT 56, AT_PHNUM e_phnum");
	check(aux[AT_ENTRY] == (unsigned long)_start, "AT_ENTRY is _start");
	check((aux[AT_HWCAP] & isa) == isa, "AT_HWCAP has i, m, a, f, d, c");
	line_num("hwcap", aux[AT_HWCAP], 16);
	check(aux[AT_CLKTCK] == 100, "AT_CLKTCK 100");
	check(aux_seen[AT_SECURE] && aux[AT_SECURE] == 0, "AT_SECURE 0");
	check(aux_seen[AT_UID] && aux_seen[AT_EUID] && aux_seen[AT_GID] && aux_seen[AT_EGID] &&
	      aux[AT_UID] == aux[AT_EUID] && aux[AT_GID] == aux[AT_EGID],
	      "AT_UID = AT_EUID, AT_GID = AT_EGID");
	unsigned char *rnd = (unsigned char *)aux[AT_RANDOM];
	int nonzero = 0;
	for (int i = 0; rnd && i < 16; i++)
		nonzero |= rnd[i];
	check(rnd && (unsigned long)rnd > (unsigned long)sp && nonzero,
	      "AT_RANDOM: 16 bytes on the stack, not all zero");
	const char *fn = (const char *)aux[AT_EXECFN];
	check(fn && (unsigned long)fn > (unsigned long)sp, "AT_EXECFN: a string on the stack");
	if (fn) {
		out_str("execfn ");
		out_str(fn);
		out_char('\n');
	}
	if (aux_seen[AT_PLATFORM]) {
		out_str("platform ");
		out_str((const char *)aux[AT_PLATFORM]);
		out_char('\n');
	}
	if (aux_seen[AT_MINSIGSTKSZ])
		line_num("minsigstksz", aux[AT_MINSIGSTKSZ], 10);
}

/* Linux gives the main thread an 8 MiB stack (RLIMIT_STACK): touch a page
 * every 4 KiB down to 7 MiB below sp. */
/* Every byte from the end of .data to the end of .bss is zero. */
static int scan_bss(void)
{
	for (volatile char *p = _edata; p < _end; p++)
		if (*p)
			return 0;
	return 1;
}

static void check_image(void)
{
	check(data_probe[0] == 0x1122334455667788UL && data_probe[3] == 3, ".data holds its values");
	check(bss_zero && ((unsigned long)_edata & 4095) != 0,
	      ".bss is zero from mid-page after .data to its end");
}

static void check_stack_depth(unsigned long *sp)
{
	volatile char *p = (volatile char *)sp;
	for (unsigned long off = 4096; off <= (7UL << 20); off += 4096)
		p[-(long)off] = 1;
	check(1, "7 MiB of stack below sp can be written");
}

static void check_pattern(unsigned long *sp)
{
	static char want[PAT_BYTES];
	unsigned long argc = sp[0];
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1;
	int ok = argc == 2 + PAT_ARGS;
	unsigned long total = 0;
	for (int k = 0; ok && k < PAT_ARGS + PAT_ENVS; k++) {
		char *end = pat_write(want, k);
		const char *got = k < PAT_ARGS ? argv[2 + k] : envp[k - PAT_ARGS];
		ok = got != 0;
		for (long j = 0; ok && j < end - want; j++)
			ok = got[j] == want[j];
		total += (unsigned long)(end - want);
	}
	ok = ok && envp[PAT_ENVS] == 0;
	line_num("pattern-bytes", total, 10);
	check(ok, "execve's pattern arguments and environment arrived byte for byte");
}

int main_raw(unsigned long *sp, unsigned long a0)
{
	bss_zero = scan_bss();
	check_vectors(sp, a0);
	check_auxv(sp);
	check_image();
	check_stack_depth(sp);
	if (sp[0] >= 2 && raw_streq(((char **)(sp + 1))[1], "--verify"))
		check_pattern(sp);
	line_num("failures", (unsigned long)failures, 10);
	return failures;
}
