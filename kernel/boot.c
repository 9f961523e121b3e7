/* Kernel command-line parsing. */
#include "kernel/boot.h"
#include "kernel/lib/string.h"

void boot_args_parse(const char *cmdline, struct boot_args *out)
{
	strlcpy(out->buf, cmdline, sizeof out->buf);
	out->argc = 0;
	out->trace = false;
	bool in_init = false;
	for (char *p = out->buf; *p;) {
		while (*p == ' ')
			*p++ = 0;
		if (!*p)
			break;
		char *word = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = 0;
		if (!in_init && !strncmp(word, "init=", 5)) {
			in_init = true;
			word += 5;
		} else if (!in_init) {
			if (!strcmp(word, "trace=1"))
				out->trace = true;
			continue;
		}
		if (out->argc < BOOT_MAX_ARGS)
			out->argv[out->argc++] = word;
	}
	if (out->argc == 0)
		out->argv[out->argc++] = "sh";
	out->argv[out->argc] = 0;
}
