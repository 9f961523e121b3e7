/* kernel/proc/elf.c over ELF64 images written here field by field (little-
 * endian, at the gABI offsets, not through a C structure): a good static
 * RISC-V executable, the layout gcc -static produces (PT_TLS, PT_GNU_STACK,
 * PT_GNU_RELRO, data starting mid-page), where AT_PHDR points, every header
 * or segment the loader must refuse with -ENOEXEC and the reason it gives
 * (not ELF, another machine, dynamically linked, ...), and the page plan
 * (a page two segments share gets the union of their permissions). Each
 * image is parsed from the end of a mapping followed by an inaccessible
 * page, so a read past its size faults instead of passing unnoticed. */
#define _DEFAULT_SOURCE   /* mmap's MAP_ANONYMOUS under -std=c11 */
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "kernel/proc/elf.h"
#include "guarded.h"
#include "tap.h"

/* include/dakota/syscall.h's ENOEXEC; that header is not included here,
 * its PROT_* and struct timespec clash with the host's. */
#define ENOEXEC_RET (-8)

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define ET_REL 1
#define ET_EXEC 2
#define ET_DYN 3
#define EM_RISCV 243
#define EM_X86_64 62
#define PT_NULL 0
#define PT_LOAD 1
#define PT_NOTE 4
#define PT_INTERP 3
#define PT_PHDR 6
#define PT_TLS 7
#define PT_GNU_RELRO 0x6474e552u
#define PT_GNU_STACK 0x6474e551u
#define PT_RISCV_ATTRIBUTES 0x70000003u
#define R ELF_SEG_R
#define W ELF_SEG_W
#define X ELF_SEG_X
#define MAX_PH 12

/* The bytes of the image, one spare byte in front for a misaligned copy. */
static unsigned char file[0x4000];
static unsigned char shifted[0x4000 + 1];

struct ph {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
};

/* What an image is made of; tests start from good_exe() and spoil a part. */
struct image {
	unsigned char ident[16];
	uint16_t type, machine, phentsize, phnum;
	uint64_t entry, phoff;
	struct ph ph[MAX_PH];
	size_t size;
};

static void le(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Writes *m into file[]; program headers go to m->phoff when they fit. */
static void write_image(const struct image *m)
{
	memset(file, 0xcc, sizeof file);
	memcpy(file, m->ident, 16);
	le(file + 16, m->type, 2);
	le(file + 18, m->machine, 2);
	le(file + 20, 1, 4);                   /* e_version */
	le(file + 24, m->entry, 8);
	le(file + 32, m->phoff, 8);
	le(file + 40, 0, 8);                   /* e_shoff: no sections */
	le(file + 48, 0x5, 4);                 /* e_flags: RVC, double-float ABI */
	le(file + 52, EHDR_SIZE, 2);
	le(file + 54, m->phentsize, 2);
	le(file + 56, m->phnum, 2);
	le(file + 58, 64, 2);                  /* e_shentsize */
	le(file + 60, 0, 2);
	le(file + 62, 0, 2);
	for (int i = 0; i < m->phnum && i < MAX_PH; i++) {
		uint64_t at = m->phoff + (uint64_t)i * PHDR_SIZE;
		if (at + PHDR_SIZE > sizeof file)
			break;
		unsigned char *p = file + at;
		const struct ph *h = &m->ph[i];
		le(p + 0, h->type, 4);
		le(p + 4, h->flags, 4);
		le(p + 8, h->offset, 8);
		le(p + 16, h->vaddr, 8);
		le(p + 24, h->vaddr, 8);       /* p_paddr */
		le(p + 32, h->filesz, 8);
		le(p + 40, h->memsz, 8);
		le(p + 48, 0x1000, 8);         /* p_align */
	}
}

/* Text+rodata with the headers in its first bytes, then data+bss. */
static struct image good_exe(void)
{
	struct image m = {
		.ident = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 },
		.type = ET_EXEC, .machine = EM_RISCV, .phentsize = PHDR_SIZE, .phnum = 2,
		.entry = 0x100b0, .phoff = EHDR_SIZE,
		.ph = {
			{ PT_LOAD, R | X, 0, 0x10000, 0x1234, 0x1234 },
			{ PT_LOAD, R | W, 0x2000, 0x12000, 0x100, 0x2000 },
		},
		.size = 0x2100,
	};
	return m;
}

static int parse(const struct image *m, struct elf_image *img)
{
	write_image(m);
	return elf_parse(guarded_copy(file, m->size), m->size, img);
}

static bool segment_is(const struct elf_segment *s, uint64_t vaddr, uint64_t memsz,
		       uint64_t offset, uint64_t filesz, unsigned flags)
{
	bool ok = s->vaddr == vaddr && s->memsz == memsz && s->offset == offset &&
		  s->filesz == filesz && s->flags == flags;
	if (!ok)
		tap_diag("segment: vaddr %#lx memsz %#lx offset %#lx filesz %#lx flags %u",
			 s->vaddr, s->memsz, s->offset, s->filesz, s->flags);
	return ok;
}

static void test_good_executable(void)
{
	struct image m = good_exe();
	struct elf_image img;
	memset(&img, 0xa5, sizeof img);
	int r = parse(&m, &img);
	TAP_OK(r == 0, "good executable: 0");
	TAP_OK(img.entry == 0x100b0, "entry point");
	TAP_OK(img.seg_count == 2, "two segments");
	TAP_OK(segment_is(&img.seg[0], 0x10000, 0x1234, 0, 0x1234, R | X), "segment 0: text, R+X");
	TAP_OK(segment_is(&img.seg[1], 0x12000, 0x2000, 0x2000, 0x100, R | W),
	       "segment 1: data and bss, R+W, memsz > filesz");
	TAP_OK(img.phnum == 2 && img.phentsize == PHDR_SIZE, "phnum 2, phentsize 56");
	if (!TAP_OK(img.phdr_vaddr == 0x10040, "phdr_vaddr: headers at offset 64 of the text segment"))
		tap_diag("got %#lx", img.phdr_vaddr);

	/* The file sits at any alignment inside the initramfs. */
	memcpy(shifted + 1, file, m.size);
	struct elf_image img2;
	r = elf_parse(shifted + 1, m.size, &img2);
	TAP_OK(r == 0 && img2.entry == img.entry && img2.seg_count == 2 &&
	       img2.phdr_vaddr == 0x10040 && segment_is(&img2.seg[1], 0x12000, 0x2000, 0x2000, 0x100, R | W),
	       "the same image at an odd address parses the same");
}

static void test_phdr_vaddr(void)
{
	struct elf_image img;
	/* Headers inside the second segment's file bytes. */
	struct image m = good_exe();
	m.phoff = 0x2010;
	m.size = 0x2100;
	int r = parse(&m, &img);
	if (!TAP_OK(r == 0 && img.phdr_vaddr == 0x12010, "phdr_vaddr: headers inside segment 1"))
		tap_diag("r=%d phdr_vaddr %#lx", r, img.phdr_vaddr);

	/* Headers past both segments' file bytes (in bss range only). */
	m = good_exe();
	m.phoff = 0x2100;
	m.size = 0x2100 + 2 * PHDR_SIZE;
	r = parse(&m, &img);
	TAP_OK(r == 0 && img.phdr_vaddr == 0, "phdr_vaddr 0: headers in no segment's file bytes");

	/* Text starts after the headers: they are not loaded. */
	m = good_exe();
	m.ph[0].offset = 0x1000;
	m.ph[0].vaddr = 0x11000;
	m.ph[0].filesz = m.ph[0].memsz = 0x800;
	r = parse(&m, &img);
	TAP_OK(r == 0 && img.phdr_vaddr == 0, "phdr_vaddr 0: text segment starts after the headers");

	/* The headers straddle the end of the text's file bytes. */
	m = good_exe();
	m.ph[0].filesz = m.ph[0].memsz = EHDR_SIZE + PHDR_SIZE + 8;
	r = parse(&m, &img);
	TAP_OK(r == 0 && img.phdr_vaddr == 0, "phdr_vaddr 0: headers straddle a segment's end");

	/* ... and exactly end with it. */
	m = good_exe();
	m.ph[0].filesz = m.ph[0].memsz = EHDR_SIZE + 2 * PHDR_SIZE;
	r = parse(&m, &img);
	TAP_OK(r == 0 && img.phdr_vaddr == 0x10040, "phdr_vaddr: headers end exactly with the segment");
}

/* good_exe() with one more program header, `extra`, inserted at index `at`
 * (the headers from `at` on move up one). */
static struct image good_exe_plus(int at, struct ph extra)
{
	struct image m = good_exe();
	for (int i = m.phnum; i > at; i--)
		m.ph[i] = m.ph[i - 1];
	m.ph[at] = extra;
	m.phnum++;
	return m;
}

static void test_ignored_headers(void)
{
	struct elf_image img;
	/* Non-LOAD headers with values that would be refused in a PT_LOAD. */
	struct image m = good_exe();
	m.phnum = 6;
	m.ph[2] = (struct ph){ PT_RISCV_ATTRIBUTES, R | W | X, 0x9000000, 0, 0x99, 0 };
	m.ph[3] = (struct ph){ PT_GNU_STACK, R | W, 0, 0, 0, 0 };
	m.ph[4] = (struct ph){ PT_NOTE, R, 0x100, 0x10100, 0x20, 0x10 };
	m.ph[5] = (struct ph){ PT_NULL, 0, 0, 0, 0, 0 };
	int r = parse(&m, &img);
	TAP_OK(r == 0 && img.seg_count == 2 && img.phnum == 6 &&
	       segment_is(&img.seg[1], 0x12000, 0x2000, 0x2000, 0x100, R | W),
	       "RISCV_ATTRIBUTES, GNU_STACK, NOTE, NULL headers are ignored");

	/* PT_PHDR first, as a linker puts it. */
	m = good_exe_plus(0, (struct ph){ PT_PHDR, R, EHDR_SIZE, 0x10040, 3 * PHDR_SIZE,
					  3 * PHDR_SIZE });
	r = parse(&m, &img);
	TAP_OK(r == 0 && img.seg_count == 2 && img.phdr_vaddr == 0x10040 &&
	       segment_is(&img.seg[0], 0x10000, 0x1234, 0, 0x1234, R | X),
	       "a PT_PHDR header is not a segment");

	/* A PT_LOAD with memsz 0 maps nothing and is left out. */
	m = good_exe_plus(1, (struct ph){ PT_LOAD, R | W, 0x2000, 0x20000, 0, 0 });
	r = parse(&m, &img);
	TAP_OK(r == 0 && img.seg_count == 2 &&
	       segment_is(&img.seg[1], 0x12000, 0x2000, 0x2000, 0x100, R | W),
	       "a PT_LOAD with memsz 0 is skipped");

	/* Flag bits beyond R, W, X (PF_MASKOS, PF_MASKPROC) are dropped. */
	m = good_exe();
	m.ph[0].flags = R | X | 0x0ff00000u | 0xf0000000u;
	r = parse(&m, &img);
	TAP_OK(r == 0 && img.seg[0].flags == (R | X), "OS/processor flag bits are dropped");

	/* Read-only and execute-only segments are fine. */
	m = good_exe();
	m.ph[0].flags = X;
	m.ph[1].flags = R;
	r = parse(&m, &img);
	TAP_OK(r == 0 && img.seg[0].flags == X && img.seg[1].flags == R, "X-only and R-only segments");
}

static void test_segment_limits(void)
{
	struct elf_image img;
	struct image m = good_exe();
	m.phoff = 0x3000;
	m.size = 0x3000 + MAX_PH * PHDR_SIZE;
	for (int i = 0; i < MAX_PH; i++)
		m.ph[i] = (struct ph){ PT_LOAD, R, 0, 0x100000 + 0x10000 * (uint64_t)i, 0x100, 0x1000 };

	m.phnum = ELF_MAX_SEGMENTS;
	int r = parse(&m, &img);
	TAP_OK(r == 0 && img.seg_count == ELF_MAX_SEGMENTS &&
	       segment_is(&img.seg[7], 0x170000, 0x1000, 0, 0x100, R),
	       "8 PT_LOAD segments: all kept, in order");

	m.phnum = ELF_MAX_SEGMENTS + 1;
	TAP_OK(parse(&m, &img) == ENOEXEC_RET, "-ENOEXEC: 9 PT_LOAD segments");

	m.ph[3].memsz = 0;
	m.ph[3].filesz = 0;
	r = parse(&m, &img);
	TAP_OK(r == 0 && img.seg_count == 8, "9 PT_LOAD of which one has memsz 0: 8 kept");

	/* vaddr + memsz ending exactly at the top of the address space - 4 KiB. */
	m = good_exe();
	m.ph[1].vaddr = 0xffffffffffffe000ul;
	m.ph[1].memsz = 0x1000;
	TAP_OK(parse(&m, &img) == 0, "a range ending below 2^64 does not wrap");

	/* File bytes ending exactly at the end of the file. */
	m = good_exe();
	m.ph[1].filesz = m.size - m.ph[1].offset;
	m.ph[1].memsz = m.ph[1].filesz;
	TAP_OK(parse(&m, &img) == 0, "segment file bytes ending exactly at the end of the file");

	/* Headers ending exactly at the end of the file. */
	m = good_exe();
	m.size = EHDR_SIZE + 2 * PHDR_SIZE;
	m.ph[0].filesz = m.ph[0].memsz = m.size;
	m.ph[1] = (struct ph){ PT_LOAD, R | W, 0, 0x20000, 0, 0x1000 };
	r = parse(&m, &img);
	TAP_OK(r == 0 && img.seg_count == 2, "headers ending exactly at the end of the file");
}

static void expect_noexec(const struct image *m, const char *what)
{
	struct elf_image img;
	int r = parse(m, &img);
	if (!TAP_OK(r == ENOEXEC_RET && img.error && img.error[0], "-ENOEXEC with a reason: %s", what))
		tap_diag("got %d", r);
}

/* -ENOEXEC and a reason containing `words`. */
static void expect_reason(const struct image *m, const char *words, const char *what)
{
	struct elf_image img;
	int r = parse(m, &img);
	if (!TAP_OK(r == ENOEXEC_RET && img.error && strstr(img.error, words),
		    "-ENOEXEC, \"%s\": %s", words, what))
		tap_diag("got %d, reason %s", r, img.error ? img.error : "(none)");
}

/* good_exe() with one field set to `value` must be refused with -ENOEXEC. */
#define EXPECT_SPOILED(field, value, what) \
	do { \
		struct image spoiled_ = good_exe(); \
		spoiled_.field = (value); \
		expect_noexec(&spoiled_, (what)); \
	} while (0)

static void test_bad_header(void)
{
	struct image m;
	for (int i = 0; i < 4; i++) {
		m = good_exe();
		m.ident[i] ^= 0x20;
		expect_noexec(&m, i == 0 ? "bad magic byte 0" : i == 1 ? "bad magic byte 1" :
			      i == 2 ? "bad magic byte 2" : "bad magic byte 3");
	}
	EXPECT_SPOILED(ident[4], 1, "ELFCLASS32");
	EXPECT_SPOILED(ident[4], 0, "ELFCLASSNONE");
	EXPECT_SPOILED(ident[5], 2, "big-endian (ELFDATA2MSB)");
	EXPECT_SPOILED(machine, EM_X86_64, "machine x86-64 (62)");
	EXPECT_SPOILED(machine, 0, "machine 0");
	EXPECT_SPOILED(machine, EM_RISCV + 256, "machine 499");   /* only the low byte is 243 */
	EXPECT_SPOILED(type, ET_DYN, "ET_DYN");
	EXPECT_SPOILED(type, ET_REL, "ET_REL");
	EXPECT_SPOILED(phentsize, 32, "phentsize 32 (ELF32's)");
	EXPECT_SPOILED(phentsize, 64, "phentsize 64");
	EXPECT_SPOILED(phnum, 0, "phnum 0");
}

static void test_bad_phdrs_location(void)
{
	struct image m = good_exe();
	m.phoff = m.size;
	expect_noexec(&m, "phoff at the end of the file");
	m = good_exe();
	m.phoff = m.size + PHDR_SIZE;
	expect_noexec(&m, "phoff past the end of the file");
	m = good_exe();
	m.phoff = m.size - 2 * PHDR_SIZE + 1;
	expect_noexec(&m, "second program header one byte past the end");
	EXPECT_SPOILED(phoff, 0xffffffffffffffc0ul, "phoff near 2^64");
	EXPECT_SPOILED(phnum, 0xffff, "phnum 65535, headers past the end");

	/* Shorter than an ELF header. */
	m = good_exe();
	write_image(&m);
	struct elf_image img;
	int r = elf_parse(guarded_copy(file, EHDR_SIZE - 1), EHDR_SIZE - 1, &img);
	TAP_OK(r == ENOEXEC_RET, "-ENOEXEC: file of 63 bytes");
	TAP_OK(elf_parse(NULL, 0x1000, &img) == ENOEXEC_RET, "-ENOEXEC: NULL file");
}

static void test_bad_segments(void)
{
	struct image m;
	m = good_exe();
	m.ph[0].memsz = m.ph[0].filesz - 1;   /* the file bytes are all there */
	expect_noexec(&m, "filesz > memsz");

	m = good_exe();
	m.ph[1].filesz = m.size - m.ph[1].offset + 1;
	m.ph[1].memsz = 0x4000;
	expect_noexec(&m, "offset + filesz one byte past the end");
	m = good_exe();
	m.ph[1].offset = m.size + 1;
	m.ph[1].filesz = 0;
	expect_noexec(&m, "offset past the end");
	m = good_exe();
	m.ph[1].offset = 0xfffffffffffff000ul;
	m.ph[1].filesz = 0x2000;
	m.ph[1].memsz = 0x2000;
	expect_noexec(&m, "offset + filesz wrapping");

	m = good_exe();
	m.ph[1].vaddr = 0xfffffffffffff000ul;
	m.ph[1].memsz = 0x1000;
	expect_noexec(&m, "vaddr + memsz wrapping to exactly 0");
	m = good_exe();
	m.ph[1].vaddr = 0xffffffffffff0000ul;
	m.ph[1].memsz = 0x20000;
	expect_noexec(&m, "vaddr + memsz wrapping past 0");

	m = good_exe();
	m.ph[0].type = PT_NOTE;
	m.ph[1].type = PT_RISCV_ATTRIBUTES;
	expect_noexec(&m, "no PT_LOAD at all");
	m = good_exe();
	m.ph[0].memsz = m.ph[0].filesz = 0;
	m.ph[1].memsz = m.ph[1].filesz = 0;
	expect_noexec(&m, "only PT_LOADs with memsz 0");

	/* A bad segment after good ones still fails the whole file. */
	m = good_exe();
	m.phnum = 3;
	m.ph[2] = (struct ph){ PT_LOAD, R | W, 0x2000, 0x30000, 0x10, 0x8 };
	expect_noexec(&m, "a third segment with filesz > memsz after two good ones");
}


/* What gcc -static produces (glibc 2.36, binutils 2.40): text at 0x10000
 * with the headers in it; data starting mid-page at the file's page offset,
 * with PT_TLS and PT_GNU_RELRO inside it and .bss sharing its last page. */
static struct image glibc_exe(void)
{
	static const struct ph glibc_ph[] = {
		{ PT_RISCV_ATTRIBUTES, R, 0x23c0, 0, 0x57, 0 },
		{ PT_LOAD, R | X, 0, 0x10000, 0x1dc0, 0x1dc0 },
		{ PT_LOAD, R | W, 0x1dc0, 0x12dc0, 0x600, 0x2000 },
		{ PT_NOTE, R, 0x1c8, 0x101c8, 0x44, 0x44 },
		{ PT_TLS, R, 0x1dc0, 0x12dc0, 0x18, 0x60 },
		{ PT_GNU_STACK, R | W, 0, 0, 0, 0 },
		{ PT_GNU_RELRO, R, 0x1dc0, 0x12dc0, 0x240, 0x240 },
	};
	/* The ELF header is good_exe's but for EI_VERSION, the entry and the
	 * program header count. */
	struct image m = good_exe();
	m.ident[6] = 0;
	m.entry = 0x10500;
	m.phnum = sizeof glibc_ph / sizeof glibc_ph[0];
	memcpy(m.ph, glibc_ph, sizeof glibc_ph);
	m.size = 0x2417;
	return m;
}

static void test_linux_executable(void)
{
	struct image m = glibc_exe();
	struct elf_image img;
	int r = parse(&m, &img);
	TAP_OK(r == 0 && img.error == NULL && img.seg_count == 2 && img.phnum == 7,
	       "gcc -static layout: PT_TLS, PT_GNU_STACK, PT_GNU_RELRO accepted, 2 segments");
	TAP_OK(segment_is(&img.seg[1], 0x12dc0, 0x2000, 0x1dc0, 0x600, R | W),
	       "data segment starting mid-page at its file page offset");
	TAP_OK(img.phdr_vaddr == 0x10040, "AT_PHDR of a gcc -static executable");

	/* Linux maps writable and executable segments; so does Dakota. */
	m = good_exe();
	m.ph[1].flags = R | W | X;
	r = parse(&m, &img);
	TAP_OK(r == 0 && img.seg[1].flags == (R | W | X), "segment R+W+X accepted (as Linux)");
	m = good_exe();
	m.ph[0].flags = W | X;
	r = parse(&m, &img);
	TAP_OK(r == 0 && img.seg[0].flags == (W | X), "segment W+X accepted (as Linux)");
}

static void test_reasons(void)
{
	struct image m = good_exe();
	memcpy(m.ident, "#!/bin/sh\n", 10);
	expect_reason(&m, "not an ELF file", "a script");
	m = good_exe();
	m.ident[4] = 1;
	expect_reason(&m, "64-bit", "ELFCLASS32");
	m = good_exe();
	m.ident[5] = 2;
	expect_reason(&m, "little-endian", "big-endian");
	m = good_exe();
	m.machine = EM_X86_64;
	struct elf_image img;
	int r = parse(&m, &img);
	TAP_OK(r == ENOEXEC_RET && img.machine == EM_X86_64 && strstr(img.error, "another machine"),
	       "x86-64 file: 'another machine', e_machine 62 reported");
	m = good_exe();
	m.type = ET_REL;
	expect_reason(&m, "not an executable", "ET_REL");

	/* gcc without -static: ET_DYN with PT_INTERP. */
	m = good_exe();
	m.type = ET_DYN;
	m.phnum = 3;
	m.ph[2] = (struct ph){ PT_INTERP, R, 0x270, 0x10270, 0x21, 0x21 };
	expect_reason(&m, "dynamically linked programs are not supported", "ET_DYN with PT_INTERP");
	m.type = ET_EXEC;
	expect_reason(&m, "dynamically linked programs are not supported", "ET_EXEC with PT_INTERP");
	m = good_exe();
	m.type = ET_DYN;
	expect_reason(&m, "position-independent", "ET_DYN without PT_INTERP (static-pie)");
	m = good_exe();
	m.ph[1].vaddr = 0xfffffffffffff800ul;
	m.ph[1].memsz = 0x100;
	expect_reason(&m, "wraps", "a segment whose last page wraps past 2^64");
}

static bool piece_is(const struct elf_piece *p, unsigned long start, unsigned long end,
		     unsigned flags)
{
	bool ok = p->start == start && p->end == end && p->flags == flags;
	if (!ok)
		tap_diag("piece %#lx-%#lx flags %u", p->start, p->end, p->flags);
	return ok;
}

static void test_page_plan(void)
{
	struct elf_piece pc[ELF_MAX_PIECES];
	struct elf_image img;
	struct image m = glibc_exe();
	parse(&m, &img);
	int n = elf_page_plan(&img, 0x1000, pc);
	TAP_OK(n == 2 && piece_is(&pc[0], 0x10000, 0x12000, R | X) &&
	       piece_is(&pc[1], 0x12000, 0x15000, R | W),
	       "page plan of the gcc -static layout: text pages, then data+bss pages");

	/* Text ends and data starts inside one page: that page gets both. */
	m = good_exe();
	m.ph[0].filesz = m.ph[0].memsz = 0x2345;
	m.ph[1].vaddr = 0x12800;
	m.ph[1].offset = 0x800;
	m.size = 0x2400;
	parse(&m, &img);
	n = elf_page_plan(&img, 0x1000, pc);
	TAP_OK(n == 3 && piece_is(&pc[0], 0x10000, 0x12000, R | X) &&
	       piece_is(&pc[1], 0x12000, 0x13000, R | W | X) &&
	       piece_is(&pc[2], 0x13000, 0x15000, R | W),
	       "a page shared by text and data gets the union R+W+X");

	/* Segments listed out of order, one inside a page of another. */
	m = good_exe();
	m.phnum = 3;
	m.ph[2] = m.ph[0];
	m.ph[0] = (struct ph){ PT_LOAD, R, 0x100, 0x13100, 0x10, 0x10 };
	parse(&m, &img);
	n = elf_page_plan(&img, 0x1000, pc);
	TAP_OK(n == 2 && piece_is(&pc[0], 0x10000, 0x12000, R | X) &&
	       piece_is(&pc[1], 0x12000, 0x14000, R | W),
	       "an R segment inside data's pages: merged into one R+W piece, order does not matter");

	/* A gap between segments stays unmapped. */
	m = good_exe();
	m.ph[1].vaddr = 0x40000;
	parse(&m, &img);
	n = elf_page_plan(&img, 0x1000, pc);
	TAP_OK(n == 2 && piece_is(&pc[0], 0x10000, 0x12000, R | X) &&
	       piece_is(&pc[1], 0x40000, 0x42000, R | W), "a gap between segments is not mapped");
}

int main(void)
{
	catch_faults("the parser");
	test_good_executable();
	test_phdr_vaddr();
	test_ignored_headers();
	test_segment_limits();
	test_bad_header();
	test_bad_phdrs_location();
	test_bad_segments();
	test_linux_executable();
	test_reasons();
	test_page_plan();
	return tap_finish();
}
