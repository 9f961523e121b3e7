/* The argument and environment pattern exec_big passes through execve and
 * exec_stack --verify checks byte for byte: PAT_ARGS arguments and PAT_ENVS
 * variables of 0 to 300 printable bytes (spaces, quotes, '=' and '\\'
 * included), about 45 KiB in all. */
#ifndef TESTS_EXEC_PATTERN_H
#define TESTS_EXEC_PATTERN_H

#define PAT_ARGS 200
#define PAT_ENVS 100
#define PAT_BYTES (64 * 1024)

static unsigned long pat_len(int k)
{
	return (unsigned long)((k * 37 + 11) % 301);
}

static char pat_char(int k, unsigned long j)
{
	return (char)(32 + (unsigned long)(k * 7 + j * 13) % 95);
}

/* Writes string k (arguments 0.., variables PAT_ARGS..: "E<k>=...") at p;
 * returns the byte after its NUL. */
static char *pat_write(char *p, int k)
{
	if (k >= PAT_ARGS) {
		*p++ = 'E';
		for (int d = 100; d; d /= 10)
			*p++ = (char)('0' + k / d % 10);
		*p++ = '=';
	}
	for (unsigned long j = 0; j < pat_len(k); j++)
		*p++ = pat_char(k, j);
	*p++ = 0;
	return p;
}

#endif
