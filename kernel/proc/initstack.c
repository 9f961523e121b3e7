/* Builds the initial stack (layout in initstack.h). Strings are copied
 * straight from where they are (the old image's user memory, or kernel
 * memory for the first program) into the new image through a small
 * buffer, so their total size is bounded by EXEC_ARG_MAX, not by a
 * kernel buffer. Two passes: measure, then copy; a user string that
 * changes in between (another thread of the execing process) can only
 * be cut short or refused, never overrun the space measured for it. */
#include "kernel/proc/initstack.h"
#include "kernel/proc/elf.h"
#include "kernel/mm/addrspace.h"
#include "kernel/lib/random.h"
#include "kernel/lib/string.h"
#include <stdbool.h>
#include <dakota/syscall.h>
#include <dakota/auxv.h>

#define AUX_PAIRS 19            /* the entries below, AT_NULL included */

/* The ISA the kernel lets user code use: rv64imafdc, one bit per letter. */
#define HWCAP_ISA(c) (1UL << ((c) - 'a'))
#define HWCAP_RV64IMAFDC (HWCAP_ISA('i') | HWCAP_ISA('m') | HWCAP_ISA('a') | \
			  HWCAP_ISA('f') | HWCAP_ISA('d') | HWCAP_ISA('c'))
#define CLOCK_TICKS 100         /* times() and clock_t units, as Linux's USER_HZ */
/* Smallest signal stack a handler needs: glibc's MINSIGSTKSZ for riscv64,
 * above the Linux riscv64 signal frame without the vector extension. */
#define MIN_SIGNAL_STACK 2048
#define PLATFORM "riscv64"
#define CHUNK 256               /* bytes copied per step */

/* Walks a strvec: the address of each string in turn. */
struct strvec_walk {
	const struct strvec *v;
	unsigned long i;
	const char *next;           /* kernel: the next packed string */
};

/* 1 and *addr for the next string, 0 at the end, -EFAULT. */
static long walk_next(struct strvec_walk *w, unsigned long *addr)
{
	const struct strvec *v = w->v;
	if (!v->as) {
		if (w->i == v->count)
			return 0;
		if (w->i++ == 0)
			w->next = v->packed;
		*addr = (unsigned long)w->next;
		w->next += strlen(w->next) + 1;
		return 1;
	}
	if (!v->uvec)
		return 0;
	if (copy_from_user(v->as, addr, v->uvec + w->i * sizeof *addr, sizeof *addr))
		return -EFAULT;
	w->i++;
	return *addr != 0;
}

/* Up to n bytes of the string at addr into buf: the string's length if its
 * NUL is among them (buf holds the NUL too), else n; or -EFAULT. */
static long read_chunk(const struct strvec *v, unsigned long addr, char *buf, unsigned long n)
{
	if (!v->as) {
		unsigned long len = strnlen((const char *)addr, n);
		memcpy(buf, (const char *)addr, len < n ? len + 1 : n);
		return (long)len;
	}
	long len = copy_string_from_user(v->as, buf, addr, n);
	return len == -ENAMETOOLONG ? (long)n : len;
}

/* The length of the string at addr: -E2BIG if it is too long for exec. */
static long measure_string(const struct strvec *v, unsigned long addr)
{
	char buf[CHUNK];
	unsigned long len = 0;
	for (;;) {
		long n = read_chunk(v, addr + len, buf, CHUNK);
		if (n < 0)
			return n;
		len += (unsigned long)n;
		if (len >= EXEC_ARG_STRLEN)
			return -E2BIG;
		if (n < CHUNK)
			return (long)len;
	}
}

static long measure_vector(const struct strvec *v, unsigned long *count, unsigned long *bytes)
{
	struct strvec_walk w = { .v = v };
	unsigned long addr;
	long r;
	*count = 0;
	while ((r = walk_next(&w, &addr)) == 1) {
		long len = measure_string(v, addr);
		if (len < 0)
			return len;
		(*count)++;
		*bytes += (unsigned long)len + 1 + sizeof(unsigned long);
		if (*bytes > EXEC_ARG_MAX)
			return -E2BIG;
	}
	return r;
}

long initstack_measure(const struct initstack_args *a, struct initstack_size *sz)
{
	unsigned long total = 0;
	long err = measure_vector(&a->argv, &sz->argc, &total);
	if (!err)
		err = measure_vector(&a->envp, &sz->envc, &total);
	sz->bytes = total - (sz->argc + sz->envc) * sizeof(unsigned long);
	return err;
}

/* Writes the words of the vector (argc, pointers, auxv) in order. */
struct word_writer {
	struct addrspace *as;
	unsigned long at;           /* user address of buf[0] */
	unsigned long buf[32];
	int n;
};

static long ww_flush(struct word_writer *w)
{
	if (w->n && copy_to_user(w->as, w->at, w->buf, w->n * sizeof w->buf[0]))
		return -ENOMEM;     /* the stack region is ours: only a page can fail */
	w->at += w->n * sizeof w->buf[0];
	w->n = 0;
	return 0;
}

static long ww_put(struct word_writer *w, unsigned long word)
{
	w->buf[w->n++] = word;
	return w->n == 32 ? ww_flush(w) : 0;
}

/* Where the strings go: [cursor, end) is what is left of their space. */
struct string_area {
	struct addrspace *as;
	unsigned long cursor, end;
};

/* Copies the string at addr to the area's cursor, cutting it if it has
 * grown past the space left. */
static long copy_string(struct string_area *s, const struct strvec *v, unsigned long addr)
{
	char buf[CHUNK + 1];
	for (;;) {
		unsigned long room = s->end - s->cursor;
		if (room == 0)
			return -E2BIG;
		unsigned long n = room - 1 < CHUNK ? room - 1 : CHUNK;
		long len = n ? read_chunk(v, addr, buf, n) : 0;
		if (len < 0)
			return len;
		bool ended = (unsigned long)len < n, full = !ended && n == room - 1;
		unsigned long k = ended ? (unsigned long)len + 1 : n;
		if (full) {
			buf[n] = 0;
			k = n + 1;
		}
		if (copy_to_user(s->as, s->cursor, buf, k))
			return -ENOMEM;
		s->cursor += k;
		addr += n;
		if (ended || full)
			return 0;
	}
}

/* The strings of v into the area, their addresses and a NULL into w. */
static long copy_vector(struct string_area *s, struct word_writer *w, const struct strvec *v,
			unsigned long count)
{
	struct strvec_walk walk = { .v = v };
	for (unsigned long i = 0; i < count; i++) {
		unsigned long addr;
		long r = walk_next(&walk, &addr);
		if (r <= 0)
			return r ? r : -EFAULT;   /* the vector got shorter */
		if ((r = ww_put(w, s->cursor)) || (r = copy_string(s, v, addr)))
			return r;
	}
	return ww_put(w, 0);
}

static long put_auxv(struct word_writer *w, const struct initstack_args *a,
		     const struct elf_image *img, unsigned long random, unsigned long platform,
		     unsigned long execfn)
{
	const unsigned long aux[AUX_PAIRS][2] = {
		{ AT_PHDR, img->phdr_vaddr }, { AT_PHENT, img->phentsize },
		{ AT_PHNUM, img->phnum }, { AT_PAGESZ, PAGE_SIZE }, { AT_BASE, 0 },
		{ AT_FLAGS, 0 }, { AT_ENTRY, img->entry }, { AT_UID, a->uid },
		{ AT_EUID, a->uid }, { AT_GID, a->gid }, { AT_EGID, a->gid },
		{ AT_HWCAP, HWCAP_RV64IMAFDC }, { AT_CLKTCK, CLOCK_TICKS },
		{ AT_PLATFORM, platform }, { AT_SECURE, 0 }, { AT_RANDOM, random },
		{ AT_EXECFN, execfn }, { AT_MINSIGSTKSZ, MIN_SIGNAL_STACK }, { AT_NULL, 0 },
	};
	long err = 0;
	for (int i = 0; !err && i < AUX_PAIRS; i++)
		if (!(err = ww_put(w, aux[i][0])))
			err = ww_put(w, aux[i][1]);
	return err ? err : ww_flush(w);
}

/* The fixed items above the argument strings: execfn at the top, the
 * platform string and the random bytes below the strings. */
static long put_fixed(struct addrspace *as, unsigned long top, const struct initstack_args *a,
		      const struct initstack_size *sz, unsigned long *execfn,
		      unsigned long *platform, unsigned long *random)
{
	unsigned long fnlen = strlen(a->execfn) + 1;
	unsigned char rnd[16];
	*execfn = top - sizeof(unsigned long) - fnlen;
	*platform = *execfn - sz->bytes - sizeof PLATFORM;
	*random = (*platform - sizeof rnd) & ~15UL;
	random_bytes(rnd, sizeof rnd);
	if (copy_to_user(as, *execfn, a->execfn, fnlen) ||
	    copy_to_user(as, *platform, PLATFORM, sizeof PLATFORM) ||
	    copy_to_user(as, *random, rnd, sizeof rnd))
		return -ENOMEM;
	return 0;
}

long initstack_build(struct addrspace *as, unsigned long top, const struct initstack_args *a,
		     const struct initstack_size *sz, const struct elf_image *img,
		     unsigned long *sp)
{
	unsigned long execfn, platform, random;
	long err = put_fixed(as, top, a, sz, &execfn, &platform, &random);
	if (err)
		return err;
	unsigned long words = 1 + sz->argc + 1 + sz->envc + 1 + 2 * AUX_PAIRS;
	struct word_writer w = { .as = as, .at = (random - words * sizeof(unsigned long)) & ~15UL };
	struct string_area s = { .as = as, .cursor = execfn - sz->bytes, .end = execfn };
	*sp = w.at;
	err = ww_put(&w, sz->argc);
	if (!err)
		err = copy_vector(&s, &w, &a->argv, sz->argc);
	if (!err)
		err = copy_vector(&s, &w, &a->envp, sz->envc);
	if (!err)
		err = put_auxv(&w, a, img, random, platform, execfn);
	return err;
}
