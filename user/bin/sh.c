/* sh: Dakota's shell.
 *
 *	sh              reads command lines from fd 0, prompting with "dakota$ "
 *	sh -c LINE      runs LINE and exits with its status
 *
 * A line is commands separated by ';' or '&' (which runs the command before
 * it in the background). A command is a pipeline: programs with arguments
 * joined by '|'. Words may be quoted with '...' or "..."; '#' at the start
 * of a word begins a comment. Built-ins: help, exit [N], wait.
 *
 * The shell may be the first process, which inherits every orphan, so before
 * each prompt it reaps all finished children, reporting its own background
 * jobs and silently collecting the rest.
 *
 * Ctrl-C: the console sends SIGINT to every process (there is one console
 * session and no job control). The shell ignores SIGINT and SIGQUIT; a
 * foreground program gets them back at their defaults, so Ctrl-C ends it;
 * a background program keeps them ignored, as POSIX shells without job
 * control leave asynchronous lists. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syscall.h>
#include <dakota/signal.h>

#define LINE_MAX    1024
#define MAX_TOKENS  128
#define MAX_ARGS    32      /* per program; the kernel takes 63 strings in all */
#define MAX_STAGES  8
#define MAX_JOBS    64

enum token_kind { T_WORD, T_PIPE, T_AMP, T_SEMI, T_END };

struct token {
	enum token_kind kind;
	char *word;             /* T_WORD: NUL-terminated, quotes removed */
};

struct stage {
	char *argv[MAX_ARGS + 1];
	int argc;
};

struct command {
	struct stage stages[MAX_STAGES];
	int n;
	bool background;
};

/* Background jobs not yet reaped: their pids, 0 for a free slot. */
static int jobs[MAX_JOBS];
/* The status of the last foreground command, in the form exit() takes. */
static int last_status;

static const char *const builtins[] = { "help", "exit [N]", "wait" };

/* ---- reading lines ---------------------------------------------------- */

/* Bytes read from fd 0 but not yet used; the console hands over a line per
 * read, but a pipe or a terminal in raw mode may hand over any amount. */
static char in_buf[256];
static long in_pos, in_len;
static bool after_cr;       /* the last byte ended a line with '\r' */

static int next_byte(void)
{
	if (in_pos == in_len) {
		long r = read(0, in_buf, sizeof in_buf);
		if (r <= 0)
			return -1;
		in_pos = 0;
		in_len = r;
	}
	return (unsigned char)in_buf[in_pos++];
}

/* Reads one line into line[LINE_MAX] without its end. Handles "\r", "\n"
 * and "\r\n" endings, erase (0x7f, 0x08) and Ctrl-D on an empty line. The
 * kernel's console echoes, so this does not. false at end of input. */
static bool read_line(char *line)
{
	long len = 0;
	for (;;) {
		int c = next_byte();
		if (c < 0)
			break;
		if (c == '\n' && after_cr) {
			after_cr = false;
			continue;
		}
		after_cr = c == '\r';
		if (c == '\r' || c == '\n') {
			line[len] = 0;
			return true;
		}
		if (c == 0x7f || c == 0x08) {
			if (len)
				len--;
		} else if (c == 0x04) {
			if (!len)
				return false;
		} else if (len < LINE_MAX - 1) {
			line[len++] = (char)c;
		}
	}
	line[len] = 0;
	return len > 0;
}

/* ---- parsing ---------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Splits line into tokens, writing the words into store (at least as long
 * as line). Returns the token count (the last is T_END), or -1 after
 * printing a syntax error. */
static int tokenize(const char *line, struct token *toks, char *store)
{
	int n = 0;
	const char *p = line;
	for (;;) {
		while (is_blank(*p))
			p++;
		if (n == MAX_TOKENS - 1) {
			dprintf(2, "sh: line too long\n");
			return -1;
		}
		if (!*p || *p == '#') {
			toks[n++] = (struct token){ .kind = T_END };
			return n;
		}
		if (*p == '|' || *p == '&' || *p == ';') {
			enum token_kind k = *p == '|' ? T_PIPE : *p == '&' ? T_AMP : T_SEMI;
			toks[n++] = (struct token){ .kind = k };
			p++;
			continue;
		}
		char *word = store;
		while (*p && !is_blank(*p) && *p != '|' && *p != '&' && *p != ';') {
			if (*p == '\'' || *p == '"') {
				char quote = *p++;
				while (*p && *p != quote)
					*store++ = *p++;
				if (!*p) {
					dprintf(2, "sh: missing closing %c\n", quote);
					return -1;
				}
				p++;
			} else {
				*store++ = *p++;
			}
		}
		*store++ = 0;
		toks[n++] = (struct token){ .kind = T_WORD, .word = word };
	}
}

/* Parses one command from toks starting at *pos, leaving *pos after its
 * terminator; *last says whether that terminator was the end of the line.
 * Returns 1 with cmd filled, 0 for an empty command, -1 after printing a
 * syntax error. */
static int parse_command(const struct token *toks, int *pos, struct command *cmd,
			 bool *last)
{
	cmd->n = 0;
	cmd->background = false;
	struct stage *st = NULL;
	for (;;) {
		const struct token *t = &toks[*pos];
		*last = t->kind == T_END;
		if (!*last)
			(*pos)++;
		switch (t->kind) {
		case T_WORD:
			if (!st) {
				if (cmd->n == MAX_STAGES) {
					dprintf(2, "sh: more than %d programs in a pipeline\n", MAX_STAGES);
					return -1;
				}
				st = &cmd->stages[cmd->n++];
				st->argc = 0;
			}
			if (st->argc == MAX_ARGS) {
				dprintf(2, "sh: more than %d arguments\n", MAX_ARGS);
				return -1;
			}
			st->argv[st->argc++] = t->word;
			st->argv[st->argc] = NULL;
			break;
		case T_PIPE:
			if (!st) {
				dprintf(2, "sh: syntax error near '|'\n");
				return -1;
			}
			st = NULL;
			break;
		case T_AMP:
		case T_SEMI:
		case T_END:
			if (cmd->n && !st) {
				dprintf(2, "sh: syntax error: '|' without a program after it\n");
				return -1;
			}
			if (t->kind == T_AMP) {
				if (!cmd->n) {
					dprintf(2, "sh: syntax error near '&'\n");
					return -1;
				}
				cmd->background = true;
			}
			return cmd->n ? 1 : 0;
		}
	}
}

/* ---- jobs and status -------------------------------------------------- */

static void job_add(int pid)
{
	for (int i = 0; i < MAX_JOBS; i++) {
		if (!jobs[i]) {
			jobs[i] = pid;
			return;
		}
	}
	/* Full: the job is still reaped before a prompt, just not reported. */
}

/* Forgets pid if it is a background job; true if it was. */
static bool job_remove(int pid)
{
	for (int i = 0; i < MAX_JOBS; i++) {
		if (jobs[i] == pid) {
			jobs[i] = 0;
			return true;
		}
	}
	return false;
}

static bool have_jobs(void)
{
	for (int i = 0; i < MAX_JOBS; i++)
		if (jobs[i])
			return true;
	return false;
}

/* A wait status as an exit code: the code, or 128 + signal. */
static int status_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static void report_done(int pid, int status)
{
	if (WIFSIGNALED(status))
		printf("[%d done, killed by signal %d]\n", pid, WTERMSIG(status));
	else
		printf("[%d done, exit %d]\n", pid, WEXITSTATUS(status));
}

/* Reaps every finished child; reports those that were background jobs. */
static void reap_finished(void)
{
	for (;;) {
		int status = 0;
		long pid = wait4(-1, &status, WNOHANG, NULL);
		if (pid <= 0)
			return;
		if (job_remove((int)pid))
			report_done((int)pid, status);
	}
}

/* Waits for one foreground child. Other children that end meanwhile are
 * not collected here (wait4 is for pid only), so they wait for the next
 * reap_finished(). */
static int wait_for(int pid)
{
	int status = 0;
	for (;;) {
		long r = wait4(pid, &status, 0, NULL);
		if (r == pid)
			return status;
		if (r != -EINTR) {
			dprintf(2, "sh: wait4(%d): error %ld\n", pid, r);
			return 127 << 8;
		}
	}
}

/* ---- built-ins -------------------------------------------------------- */

static void builtin_help(void)
{
	printf("Built-in commands:");
	for (unsigned i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		printf("%s %s", i ? "," : "", builtins[i]);
	printf("\nSyntax: PROGRAM ARGS... [| PROGRAM ARGS...]... [&] [; ...]\n");
	static char names[4096];
	long n = programs(names, sizeof names);
	if (n < 0) {
		printf("(the program list is unavailable: error %ld)\n", n);
		return;
	}
	if (n > (long)sizeof names)
		n = sizeof names;
	printf("Programs:");
	int col = 9;
	for (long i = 0; i < n;) {
		const char *name = names + i;
		long len = 0;
		while (i + len < n && name[len])
			len++;
		if (len) {
			if (col + 1 + len > 78) {
				printf("\n        ");
				col = 8;
			}
			printf(" %.*s", (int)len, name);
			col += 1 + (int)len;
		}
		i += len + 1;
	}
	printf("\n");
}

static void builtin_wait(void)
{
	while (have_jobs()) {
		int status = 0;
		long pid = wait4(-1, &status, 0, NULL);
		if (pid == -EINTR)
			continue;
		if (pid <= 0)
			break;
		if (job_remove((int)pid))
			report_done((int)pid, status);
	}
	for (int i = 0; i < MAX_JOBS; i++)
		jobs[i] = 0;       /* whatever is left is not our child any more */
}

/* Runs cmd if it is a built-in; false if it is not one. */
static bool run_builtin(const struct command *cmd)
{
	if (cmd->n != 1)
		return false;
	char **argv = (char **)cmd->stages[0].argv;
	int argc = cmd->stages[0].argc;
	if (!strcmp(argv[0], "help")) {
		builtin_help();
		last_status = 0;
	} else if (!strcmp(argv[0], "exit")) {
		int code = last_status;
		if (argc > 1) {
			char *end;
			code = (int)strtol(argv[1], &end, 10);
			if (*end || argc > 2) {
				dprintf(2, "sh: usage: exit [N]\n");
				last_status = 2;
				return true;
			}
		}
		exit(code);
	} else if (!strcmp(argv[0], "wait")) {
		builtin_wait();
		last_status = 0;
	} else {
		return false;
	}
	return true;
}

/* ---- running programs ------------------------------------------------- */

/* In a child: puts `from` at fd `to`, or dies saying why. */
static void move_fd(int from, int to)
{
	if (from == to)
		return;
	long r = dup2(from, to);
	if (r < 0) {
		dprintf(2, "sh: dup2(%d, %d): error %ld%s\n", from, to, r,
			r == -ENOSYS ? " (the kernel lacks dup3, so no pipelines)" : "");
		exit(126);
	}
}

static void set_action(int sig, unsigned long handler)
{
	struct k_sigaction act = { handler, 0, 0 };
	syscall4(SYS_rt_sigaction, sig, (long)&act, 0, SIGSET_SIZE);
}

/* In a child: replaces the process with the program, or dies saying why. */
_Noreturn static void exec_stage(const struct stage *st)
{
	long r = execv(st->argv[0], (char *const *)st->argv);
	const char *why = r == -ENOEXEC ? "not an executable this kernel can run" :
			  r == -E2BIG ? "argument list too long" :
			  r == -ENOMEM ? "out of memory" : "error";
	if (r == -ENOENT)
		dprintf(2, "sh: %s: program not found\n", st->argv[0]);
	else
		dprintf(2, "sh: %s: cannot execute: %s (%ld)\n", st->argv[0], why, r);
	/* The statuses of POSIX shells: 127 not found, 126 found but not run. */
	exit(r == -ENOENT ? 127 : 126);
}

static void close_pipes(int (*pipes)[2], int n)
{
	for (int i = 0; i < n; i++) {
		close(pipes[i][0]);
		close(pipes[i][1]);
	}
}

/* Starts every program of cmd; waits for them unless it runs in the
 * background. Sets last_status for a foreground command. */
static void run_command(const struct command *cmd)
{
	if (!cmd->background && run_builtin(cmd))
		return;
	int pipes[MAX_STAGES - 1][2];
	int npipes = 0;
	for (; npipes < cmd->n - 1; npipes++) {
		long r = pipe(pipes[npipes]);
		if (r < 0) {
			dprintf(2, "sh: pipe: error %ld\n", r);
			close_pipes(pipes, npipes);
			last_status = 1;
			return;
		}
	}
	int pids[MAX_STAGES];
	int started = 0;
	for (; started < cmd->n; started++) {
		long pid = fork();
		if (pid < 0) {
			dprintf(2, "sh: fork: error %ld\n", pid);
			break;
		}
		if (pid == 0) {
			int i = started;
			if (i > 0)
				move_fd(pipes[i - 1][0], 0);
			if (i < npipes)
				move_fd(pipes[i][1], 1);
			close_pipes(pipes, npipes);
			if (!cmd->background) {
				set_action(SIGINT, SIG_DFL);
				set_action(SIGQUIT, SIG_DFL);
			}
			exec_stage(&cmd->stages[i]);
		}
		pids[started] = (int)pid;
	}
	/* Our copies of the pipe ends must go, or readers never see the end. */
	close_pipes(pipes, npipes);

	if (cmd->background) {
		for (int i = 0; i < started; i++)
			job_add(pids[i]);
		if (started)
			printf("[%d]\n", pids[started - 1]);
		return;
	}
	int status = 0;
	for (int i = 0; i < started; i++)
		status = wait_for(pids[i]);
	if (started < cmd->n) {
		last_status = 1;
		return;
	}
	/* The pipeline's status is its last program's, as in other shells. */
	last_status = status_code(status);
	if (WIFSIGNALED(status))
		printf("[killed by signal %d]\n", WTERMSIG(status));
	else if (WEXITSTATUS(status))
		printf("[exit %d]\n", WEXITSTATUS(status));
}

static void run_line(const char *line)
{
	static struct token toks[MAX_TOKENS];
	static char store[2 * LINE_MAX];
	static struct command cmd;
	if (strlen(line) >= sizeof store / 2) {
		dprintf(2, "sh: line too long\n");
		last_status = 2;
		return;
	}
	if (tokenize(line, toks, store) < 0) {
		last_status = 2;
		return;
	}
	int pos = 0;
	bool last;
	do {
		int r = parse_command(toks, &pos, &cmd, &last);
		if (r < 0) {
			last_status = 2;
			return;
		}
		if (r > 0)
			run_command(&cmd);
	} while (!last);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "-c")) {
		if (argc != 3) {
			dprintf(2, "usage: sh [-c COMMAND-LINE]\n");
			return 2;
		}
		run_line(argv[2]);
		reap_finished();
		return last_status;
	}
	set_action(SIGINT, SIG_IGN);
	set_action(SIGQUIT, SIG_IGN);
	static char line[LINE_MAX];
	for (;;) {
		reap_finished();
		printf("dakota$ ");
		if (!read_line(line)) {
			printf("\n");
			return last_status;
		}
		run_line(line);
	}
}
