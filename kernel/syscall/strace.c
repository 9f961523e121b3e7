/* System-call tracing: raw entry and exit records on the console, decoded by
 * tools/strace (the record format is in strace.h). Only reached when the
 * boot option is given: the dispatcher's untraced path tests one hint word
 * (trace_hint_any) and nothing else. */
#include "kernel/syscall/strace.h"
#include "kernel/dev/console.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "kernel/mm/addrspace.h"
#include "kernel/proc/process.h"
#include "kernel/proc/linux_tid.h"
#include "kernel/sched/processor.h"
#include "arch/riscv/arch.h"
#include <dakota/syscall.h>

/* Written once by strace_init before the first user process exists; read
 * only afterwards, so they need no lock. */
static bool trace_all;
#define NAMES_LEN 128
static char names[NAMES_LEN];          /* "a,b,c": the exec names to trace */

#define PATH_SHOWN   64                /* bytes of a path shown */
#define BUFFER_SHOWN 32                /* bytes of a write's data shown */
/* The numbers, then at most two strings of 4 characters a byte at worst. */
#define RECORD_MAX     (200 + 2 * (4 * PATH_SHOWN + 16))

/* `strace` or `strace=NAMES` among the options before init=. */
void strace_init(const char *cmdline)
{
	for (const char *p = cmdline; *p;) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, "init=", 5))
			return;
		const char *end = p;
		while (*end && *end != ' ')
			end++;
		if (end - p == 6 && !strncmp(p, "strace", 6)) {
			trace_all = true;
			__atomic_store_n(&strace_enabled, true, __ATOMIC_RELAXED);
		} else if (!strncmp(p, "strace=", 7) && end - p > 7) {
			size_t n = (size_t)(end - p - 7);
			if (n >= NAMES_LEN)
				n = NAMES_LEN - 1;
			memcpy(names, p + 7, n);
			names[n] = 0;
			__atomic_store_n(&strace_enabled, true, __ATOMIC_RELAXED);
		}
		p = end;
	}
}

/* Whether `name` is one of the comma-separated names. Both are cut as a
 * process name is (PROC_NAME_LEN), so that a long name listed matches both
 * the execve of its program and the process it becomes. */
static bool name_listed(const char *name)
{
	const size_t keep = PROC_NAME_LEN - 1;
	size_t len = strlen(name);
	len = len < keep ? len : keep;
	for (const char *p = names; *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		size_t cut = n < keep ? n : keep;
		if (cut == len && !strncmp(p, name, cut))
			return true;
		p += n + (end ? 1 : 0);
	}
	return false;
}

/* The last path component of a user string, for an execve about to run. */
static bool exec_target_listed(const char *path)
{
	const char *slash = path;
	for (const char *s = path; *s; s++)
		if (*s == '/')
			slash = s + 1;
	return name_listed(slash);
}

/* A process is traced once it has run a listed program (the mark is
 * sticky and inherited by fork, process_inherit_linux), or always. Only its
 * own threads set the mark. */
static bool process_traced(struct process *p)
{
	if (trace_all || __atomic_load_n(&p->strace, __ATOMIC_RELAXED))
		return true;
	char name[PROC_NAME_LEN];
	spin_lock(&p->lock);
	memcpy(name, p->name, sizeof name);
	spin_unlock(&p->lock);
	name[PROC_NAME_LEN - 1] = 0;
	if (!name_listed(name))
		return false;
	__atomic_store_n(&p->strace, true, __ATOMIC_RELAXED);
	return true;
}

/* Which arguments are paths: bit i for argument i. */
static unsigned path_args(unsigned long nr)
{
	switch (nr) {
	case SYS_execve: case SYS_chdir: case SYS_truncate: case SYS_statfs:
	case SYS_chroot:
		return 1u << 0;
	case SYS_openat: case SYS_newfstatat: case SYS_faccessat: case SYS_faccessat2:
	case SYS_readlinkat: case SYS_unlinkat: case SYS_mkdirat: case SYS_statx:
	case SYS_mknodat: case SYS_utimensat: case SYS_fchmodat: case SYS_fchownat:
	case SYS_execveat:
		return 1u << 1;
	case SYS_renameat2: case SYS_linkat:
		return 1u << 1 | 1u << 3;
	case SYS_symlinkat:
		return 1u << 0 | 1u << 2;
	default:
		return 0;
	}
}

/* Appends n bytes of s to line[*len], C-escaped, as tools/strace shows them. */
static void put_escaped(char *line, size_t *len, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n && *len + 5 < RECORD_MAX; i++) {
		unsigned char c = (unsigned char)s[i];
		char *o = line + *len;
		const char *esc = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r"
				: c == '"' ? "\\\"" : c == '\\' ? "\\\\" : 0;
		if (esc) {
			memcpy(o, esc, 2);
			*len += 2;
		} else if (c >= 0x20 && c < 0x7f) {
			*o = (char)c;
			*len += 1;
		} else {
			o[0] = '\\', o[1] = 'x', o[2] = hex[c >> 4], o[3] = hex[c & 15];
			*len += 4;
		}
	}
}

/* ` sI="..."` (with `...` when cut) for n bytes at user address uaddr, or
 * nothing when they cannot all be read: a bad pointer is shown as a number.
 * `string`: stop at the first NUL, as for a path. */
static void put_user_bytes(char *line, size_t *len, int i, unsigned long uaddr,
			   size_t n, bool string)
{
	char buf[PATH_SHOWN + 1];
	struct addrspace *as = current_process()->as;
	bool cut;
	if (*len + 16 > RECORD_MAX)
		return;
	if (string) {
		long got = copy_string_from_user(as, buf, uaddr, PATH_SHOWN + 1);
		if (got == -EFAULT)
			return;
		cut = got < 0;
		n = cut ? PATH_SHOWN : (size_t)got;
	} else {
		cut = n > BUFFER_SHOWN;
		n = cut ? BUFFER_SHOWN : n;
		if (copy_from_user(as, buf, uaddr, n))
			return;
	}
	*len += (size_t)ksnprintf(line + *len, RECORD_MAX - *len, " s%d=\"", i);
	put_escaped(line, len, buf, n);
	*len += (size_t)ksnprintf(line + *len, RECORD_MAX - *len, "\"%s", cut ? "..." : "");
}

/* The common prefix of both records: who, and on which hart. */
static size_t put_who(char *line, size_t size, char dir, unsigned long nr)
{
	struct thread *t = current_thread();
	return (size_t)ksnprintf(line, size, "#SC%c %d %d %d %u %lx", dir, t->proc->pid, t->tid,
				 linux_tid_of(t), this_processor()->hart, nr);
}

/* Out of line: its record buffer must not stay on the stack while the
 * call runs. */
__attribute__((noinline))
bool strace_enter(const struct trap_context *tc, unsigned long nr)
{
	struct process *p = current_process();
	unsigned paths = path_args(nr);
	bool traced = process_traced(p);
	char line[RECORD_MAX];
	if (!traced && nr == SYS_execve) {
		/* The program about to run may be a listed one: show the call
		 * that starts it. */
		long n = copy_string_from_user(p->as, line, tc_arg(tc, 0), sizeof line);
		traced = n >= 0 && exec_target_listed(line);
	}
	if (!traced)
		return false;
	size_t len = put_who(line, sizeof line, '>', nr);
	for (int i = 0; i < 6; i++)
		len += (size_t)ksnprintf(line + len, sizeof line - len, " %lx", tc_arg(tc, i));
	for (int i = 0; i < 6; i++)
		if (paths >> i & 1)
			put_user_bytes(line, &len, i, tc_arg(tc, i), 0, true);
	if (nr == SYS_write || nr == SYS_pwrite64)
		put_user_bytes(line, &len, 1, tc_arg(tc, 1), tc_arg(tc, 2), false);
	line[len++] = '\n';
	console_write(line, len);
	return true;
}

void strace_exit(unsigned long nr, long result)
{
	char line[96];
	size_t len = put_who(line, sizeof line, '<', nr);
	len += (size_t)ksnprintf(line + len, sizeof line - len, " %lx\n", (unsigned long)result);
	console_write(line, len);
}
