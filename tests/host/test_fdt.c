/* arch/riscv/fdt.c over device trees built here token by token (header,
 * memory reservation block, structure block, strings block, big-endian, as
 * in chapter 5 of the devicetree specification), and over the blob QEMU's
 * virt machine really passes (tests/host/data/virt-smp4.dtb, dumped with
 * `qemu-system-riscv64 -machine virt,dumpdtb=... -smp 4 -m 128M` and cut to
 * its totalsize).
 *
 * Every blob is parsed from the end of a mapping followed by an
 * inaccessible page, so reading past its totalsize faults instead of
 * passing unnoticed; the malformed ones put the broken block last for that
 * reason. Two checks run the parser in a child process: blobs that make a
 * careless parser read far outside the blob or loop forever must come back
 * as -EINVAL, and a crash or hang must show up as a failed check rather
 * than end the whole test program. */
#define _DEFAULT_SOURCE   /* mmap's MAP_ANONYMOUS, fork, alarm under -std=c11 */
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "arch/riscv/fdt.h"
#include "test_fdt_data.h"   /* VIRT_SMP4_DTB: the data file's path */
#include "guarded.h"
#include "tap.h"

#define EINVAL_RET (-22)
#define HEADER_LEN 40

/* Header fields, as 32-bit word indexes. */
enum { H_MAGIC, H_TOTALSIZE, H_OFF_STRUCT, H_OFF_STRINGS, H_OFF_RSVMAP, H_VERSION,
       H_LAST_COMP, H_BOOT_CPU, H_SIZE_STRINGS, H_SIZE_STRUCT };

/* ---- A device-tree writer ---- */

static struct {
	unsigned char st[16384];   /* structure block */
	size_t st_len;
	char str[2048];            /* strings block */
	size_t str_len;
	uint64_t rsv[16][2];       /* reservation block, without its terminator */
	int rsv_count;
} b;

/* The finished blob; 8-byte aligned like a real one. */
static union {
	unsigned char bytes[32768];
	uint64_t align;
} blob_store;
static unsigned char *const blob = blob_store.bytes;
static size_t blob_len;
static bool struct_last;   /* lay the structure block out after the strings */

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void put_be64(unsigned char *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static void st_raw(const void *p, size_t n)
{
	memcpy(b.st + b.st_len, p, n);
	b.st_len += n;
}

static void st_pad(void)
{
	while (b.st_len % 4)
		b.st[b.st_len++] = 0;
}

static void token(uint32_t t)
{
	put_be32(b.st + b.st_len, t);
	b.st_len += 4;
}

static void begin(const char *name)
{
	token(FDT_BEGIN_NODE);
	st_raw(name, strlen(name) + 1);
	st_pad();
}

static void end(void)
{
	token(FDT_END_NODE);
}

/* Offset of name in the strings block, adding it the first time. */
static uint32_t string_offset(const char *name)
{
	for (size_t off = 0; off < b.str_len; off += strlen(b.str + off) + 1)
		if (!strcmp(b.str + off, name))
			return (uint32_t)off;
	uint32_t off = (uint32_t)b.str_len;
	memcpy(b.str + b.str_len, name, strlen(name) + 1);
	b.str_len += strlen(name) + 1;
	return off;
}

/* A property with an explicit name offset, for the broken ones. */
static void prop_at(uint32_t name_off, const void *value, uint32_t len)
{
	token(FDT_PROP);
	token(len);
	token(name_off);
	st_raw(value, len);
	st_pad();
}

static void prop(const char *name, const void *value, uint32_t len)
{
	prop_at(string_offset(name), value, len);
}

static void prop_str(const char *name, const char *s)
{
	prop(name, s, (uint32_t)strlen(s) + 1);
}

/* A property of n 32-bit cells. */
static void prop_cells(const char *name, int n, ...)
{
	unsigned char v[64];
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		put_be32(v + 4 * i, va_arg(ap, uint32_t));
	va_end(ap);
	prop(name, v, (uint32_t)(4 * n));
}

static void prop_u32(const char *name, uint32_t v)
{
	prop_cells(name, 1, v);
}

static void prop_u64(const char *name, uint64_t v)
{
	prop_cells(name, 2, (uint32_t)(v >> 32), (uint32_t)v);
}

static void reserve(uint64_t base, uint64_t size)
{
	b.rsv[b.rsv_count][0] = base;
	b.rsv[b.rsv_count][1] = size;
	b.rsv_count++;
}

static void reset(void)
{
	memset(&b, 0, sizeof b);
	struct_last = false;
}

static void set_header(int field, uint32_t v)
{
	put_be32(blob + 4 * field, v);
}

static uint32_t header(int field)
{
	const unsigned char *p = blob + 4 * field;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Lays out header, reservation block, structure block (as written: the
 * caller adds FDT_END, or leaves it out on purpose) and strings block, or
 * the last two the other way round if struct_last. */
static void finish_raw(void)
{
	memset(blob, 0xcc, sizeof blob_store.bytes);
	size_t rsv_off = HEADER_LEN;
	size_t rsv_len = 16 * ((size_t)b.rsv_count + 1);
	for (int i = 0; i < b.rsv_count; i++) {
		put_be64(blob + rsv_off + 16 * i, b.rsv[i][0]);
		put_be64(blob + rsv_off + 16 * i + 8, b.rsv[i][1]);
	}
	memset(blob + rsv_off + 16 * b.rsv_count, 0, 16);
	size_t st_off, str_off;
	if (struct_last) {
		str_off = rsv_off + rsv_len;
		st_off = str_off + ((b.str_len + 3) & ~(size_t)3);
		blob_len = st_off + b.st_len;
	} else {
		st_off = rsv_off + rsv_len;
		str_off = st_off + b.st_len;
		blob_len = str_off + b.str_len;
	}
	memset(blob + str_off, 0, st_off > str_off ? st_off - str_off : 0);
	memcpy(blob + st_off, b.st, b.st_len);
	memcpy(blob + str_off, b.str, b.str_len);
	set_header(H_MAGIC, FDT_MAGIC);
	set_header(H_TOTALSIZE, (uint32_t)blob_len);
	set_header(H_OFF_STRUCT, (uint32_t)st_off);
	set_header(H_OFF_STRINGS, (uint32_t)str_off);
	set_header(H_OFF_RSVMAP, (uint32_t)rsv_off);
	set_header(H_VERSION, 17);
	set_header(H_LAST_COMP, 16);
	set_header(H_BOOT_CPU, 0);
	set_header(H_SIZE_STRINGS, (uint32_t)b.str_len);
	set_header(H_SIZE_STRUCT, (uint32_t)b.st_len);
}

static void finish(void)
{
	token(FDT_END);
	finish_raw();
}

static struct boot_info info;

/* Parses the blob as far as its header's totalsize says it goes. */
static int parse(void)
{
	size_t n = header(H_TOTALSIZE);
	if (n < HEADER_LEN)
		n = HEADER_LEN;   /* the header is read to learn the size */
	if (n > sizeof blob_store.bytes)
		n = sizeof blob_store.bytes;
	memset(&info, 0xa5, sizeof info);   /* the parser must fill every field */
	return fdt_parse(guarded_copy(blob, n), &info);
}

/* ---- The trees ---- */

static void cpu(unsigned hart, const char *status)
{
	char name[16];
	snprintf(name, sizeof name, "cpu@%x", hart);
	begin(name);
	prop_str("device_type", "cpu");
	prop_u32("reg", hart);
	if (status)
		prop_str("status", status);
	prop_str("compatible", "riscv");
	begin("interrupt-controller");
	prop_u32("#interrupt-cells", 1);
	prop_str("compatible", "riscv,cpu-intc");
	end();
	end();
}

/* A virt-like machine with 2 address and 2 size cells everywhere. */
static void build_virt_like(void)
{
	reset();
	reserve(0x87e00000, 0x200000);
	begin("");
	prop_u32("#address-cells", 2);
	prop_u32("#size-cells", 2);
	prop_str("compatible", "riscv-virtio");
	prop_str("model", "riscv-virtio,qemu");

	begin("chosen");
	prop_str("bootargs", "console=ttyS0 init=hello 1 2");
	prop_u32("linux,initrd-start", 0x88000000);
	prop_u32("linux,initrd-end", 0x88212345);
	prop_str("stdout-path", "/soc/serial@10000000");
	end();

	begin("memory@80000000");
	prop_str("device_type", "memory");
	prop_cells("reg", 4, 0, 0x80000000, 0, 0x8000000);
	end();

	begin("reserved-memory");
	prop_u32("#address-cells", 2);
	prop_u32("#size-cells", 2);
	prop("ranges", "", 0);
	begin("mmode_resv0@80000000");
	prop_cells("reg", 4, 0, 0x80000000, 0, 0x40000);
	prop("no-map", "", 0);
	end();
	end();

	begin("cpus");
	prop_u32("#address-cells", 1);
	prop_u32("#size-cells", 0);
	prop_u32("timebase-frequency", 10000000);
	cpu(0, "okay");
	cpu(1, NULL);
	cpu(2, "disabled");
	cpu(3, "okay");
	begin("cpu-map");
	begin("cluster0");
	begin("core0");
	prop_u32("cpu", 1);
	end();
	end();
	end();
	end();

	begin("soc");
	prop_u32("#address-cells", 2);
	prop_u32("#size-cells", 2);
	prop_str("compatible", "simple-bus");
	prop("ranges", "", 0);
	begin("rtc@101000");
	prop_cells("reg", 4, 0, 0x101000, 0, 0x1000);
	prop_str("compatible", "google,goldfish-rtc");
	end();
	begin("serial@10000000");
	prop_u32("interrupts", 10);
	prop_cells("reg", 4, 0, 0x10000000, 0, 0x100);
	prop_str("compatible", "ns16550a");
	end();
	end();
	end();   /* root */
	finish();
}

static bool range_is(const struct boot_range *r, uint64_t base, uint64_t size)
{
	if (r->base == base && r->size == size)
		return true;
	tap_diag("range base %#lx size %#lx, want %#lx %#lx", r->base, r->size,
		 (unsigned long)base, (unsigned long)size);
	return false;
}

static bool harts_are(int n, ...)
{
	bool ok = info.hart_count == n;
	va_list ap;
	va_start(ap, n);
	for (int i = 0; ok && i < n; i++)
		ok = info.hart_ids[i] == va_arg(ap, unsigned);
	va_end(ap);
	if (!ok) {
		tap_diag("hart_count %d", info.hart_count);
		for (int i = 0; i < info.hart_count && i < BOOT_MAX_HARTS; i++)
			tap_diag("hart_ids[%d] = %u", i, info.hart_ids[i]);
	}
	return ok;
}

static void test_virt_like(void)
{
	build_virt_like();
	int r = parse();
	TAP_OK(r == 0, "virt-like tree: 0");
	TAP_OK(info.total_size == blob_len, "total_size is the header's totalsize");
	TAP_OK(info.memory_count == 1 && range_is(&info.memory[0], 0x80000000, 0x8000000),
	       "memory: 0x80000000 + 128 MiB (2 address, 2 size cells)");
	TAP_OK(info.reserved_count == 2 && range_is(&info.reserved[0], 0x87e00000, 0x200000) &&
	       range_is(&info.reserved[1], 0x80000000, 0x40000),
	       "reserved: the reservation block's entry, then /reserved-memory's child");
	TAP_OK(harts_are(3, 0u, 1u, 3u), "harts 0 (okay), 1 (no status), 3 (okay); 2 is disabled");
	TAP_OK(info.timebase_hz == 10000000, "timebase-frequency from /cpus");
	TAP_OK(info.uart_base == 0x10000000, "uart: /soc/serial@10000000");
	TAP_OK(!strcmp(info.bootargs, "console=ttyS0 init=hello 1 2"), "bootargs");
	TAP_OK(info.initrd_start == 0x88000000 && info.initrd_end == 0x88212345,
	       "initrd start and end as 32-bit cells");
}

static void test_one_one_cells(void)
{
	reset();
	begin("");
	prop_u32("#address-cells", 1);
	prop_u32("#size-cells", 1);
	begin("memory@80000000");
	prop_str("device_type", "memory");
	prop_cells("reg", 4, 0x80000000, 0x4000000, 0x90000000, 0x1000000);
	end();
	begin("reserved-memory");
	prop_u32("#address-cells", 1);
	prop_u32("#size-cells", 1);
	begin("fw@80000000");
	prop_cells("reg", 2, 0x80000000, 0x80000);
	end();
	end();
	begin("serial@10000000");
	prop_cells("reg", 2, 0x10000000, 0x100);
	prop_str("compatible", "ns16550a");
	end();
	end();
	finish();
	int r = parse();
	TAP_OK(r == 0, "1/1 cells: 0");
	TAP_OK(info.memory_count == 2 && range_is(&info.memory[0], 0x80000000, 0x4000000) &&
	       range_is(&info.memory[1], 0x90000000, 0x1000000),
	       "1/1 cells: two memory ranges from one reg");
	TAP_OK(info.reserved_count == 1 && range_is(&info.reserved[0], 0x80000000, 0x80000),
	       "1/1 cells: a reserved-memory child");
	TAP_OK(info.uart_base == 0x10000000, "1/1 cells: uart directly under the root");
	TAP_OK(info.hart_count == 0 && info.timebase_hz == 0 && info.bootargs[0] == 0 &&
	       info.initrd_start == 0 && info.initrd_end == 0,
	       "absent facts are 0 / empty, not left over");
}

static void test_default_cells(void)
{
	/* Without #address-cells / #size-cells a parent means 2 and 1. */
	reset();
	begin("");
	begin("memory@80000000");
	prop_cells("reg", 3, 0x1, 0x80000000, 0x8000000);
	end();
	end();
	finish();
	int r = parse();
	TAP_OK(r == 0 && info.memory_count == 1 && range_is(&info.memory[0], 0x180000000, 0x8000000),
	       "default cells: 2 address cells, 1 size cell");
}

static void test_memory_pairs(void)
{
	reset();
	begin("");
	prop_u32("#address-cells", 2);
	prop_u32("#size-cells", 2);
	begin("memory@80000000");
	prop_cells("reg", 12, 0, 0x80000000, 0, 0x8000000,
		   0x1, 0x00000000, 0x0, 0x0,          /* size 0: nothing */
		   0x2, 0x00000000, 0x1, 0x00000000);
	end();
	begin("memory@300000000");
	/* One and a half pairs: the half is not a range. */
	prop_cells("reg", 6, 0x3, 0x0, 0x0, 0x1000000, 0x4, 0x0);
	end();
	begin("memory-controller@1000");   /* not a memory node */
	prop_cells("reg", 4, 0, 0x1000, 0, 0x1000);
	end();
	end();
	finish();
	int r = parse();
	TAP_OK(r == 0 && info.memory_count == 3 &&
	       range_is(&info.memory[0], 0x80000000, 0x8000000) &&
	       range_is(&info.memory[1], 0x200000000, 0x100000000) &&
	       range_is(&info.memory[2], 0x300000000, 0x1000000),
	       "2/2 cells: several pairs and nodes, size 0 and a half pair skipped, 64-bit sizes");

	/* More pairs than BOOT_MAX_RANGES: the first 8 are kept. */
	reset();
	begin("");
	prop_u32("#address-cells", 1);
	prop_u32("#size-cells", 1);
	begin("memory@0");
	unsigned char reg[10 * 8];
	for (int i = 0; i < 10; i++) {
		put_be32(reg + 8 * i, 0x80000000u + 0x1000000u * (uint32_t)i);
		put_be32(reg + 8 * i + 4, 0x100000);
	}
	prop("reg", reg, sizeof reg);
	end();
	end();
	finish();
	r = parse();
	TAP_OK(r == 0 && info.memory_count == BOOT_MAX_RANGES &&
	       range_is(&info.memory[7], 0x87000000, 0x100000),
	       "10 memory ranges: the first 8 kept");
}

static void test_reserved(void)
{
	reset();
	reserve(0x80000000, 0x20000);
	reserve(0x1000, 0);              /* size 0, but not the terminator */
	reserve(0x8fe00000, 0x100000);
	begin("");
	prop_u32("#address-cells", 2);
	prop_u32("#size-cells", 2);
	begin("reserved-memory");
	prop_u32("#address-cells", 1);
	prop_u32("#size-cells", 1);
	begin("a@84000000");
	prop_cells("reg", 4, 0x84000000, 0x1000, 0x85000000, 0x2000);
	end();
	begin("dynamic");          /* allocated by the OS: no reg */
	prop_cells("size", 1, 0x400000);
	prop_cells("alloc-ranges", 2, 0x80000000, 0x10000000);
	end();
	begin("b@86000000");
	prop_cells("reg", 2, 0x86000000, 0x3000);
	end();
	end();
	begin("memory@80000000");
	prop_cells("reg", 4, 0, 0x80000000, 0, 0x10000000);
	end();
	end();
	finish();
	int r = parse();
	TAP_OK(r == 0 && info.reserved_count == 5 &&
	       range_is(&info.reserved[0], 0x80000000, 0x20000) &&
	       range_is(&info.reserved[1], 0x8fe00000, 0x100000) &&
	       range_is(&info.reserved[2], 0x84000000, 0x1000) &&
	       range_is(&info.reserved[3], 0x85000000, 0x2000) &&
	       range_is(&info.reserved[4], 0x86000000, 0x3000),
	       "reserved: block entries, then children's reg pairs (in the node's own 1/1 cells)");
	TAP_OK(info.memory_count == 1 && range_is(&info.memory[0], 0x80000000, 0x10000000),
	       "reserved ranges do not leak into memory");
}

static void test_cpus(void)
{
	reset();
	begin("");
	begin("cpus");
	prop_u32("#address-cells", 1);
	prop_u32("#size-cells", 0);
	cpu(0, "disabled");        /* e.g. OpenSBI's own hart */
	cpu(1, "ok");              /* the old spelling of okay */
	cpu(2, "fail");
	cpu(4, "okay");
	begin("cpu@5");            /* no reg: not a usable hart */
	prop_str("status", "okay");
	end();
	cpu(0x1f, NULL);
	end();
	begin("cpu@6");            /* not under /cpus */
	prop_u32("reg", 6);
	end();
	end();
	finish();
	int r = parse();
	TAP_OK(r == 0 && harts_are(3, 1u, 4u, 0x1fu),
	       "cpus: disabled, fail and reg-less harts skipped, \"ok\" counted, tree order");

	reset();
	begin("");
	begin("cpus");
	prop_u32("#address-cells", 1);
	prop_u32("#size-cells", 0);
	for (unsigned h = 0; h < 10; h++)
		cpu(h, "okay");
	end();
	end();
	finish();
	r = parse();
	TAP_OK(r == 0 && harts_are(8, 0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u), "10 harts: the first 8 kept");
}

static void test_timebase(void)
{
	/* Only in the first cpu node, as some firmware writes it. */
	reset();
	begin("");
	prop_u32("timebase-frequency", 1);   /* the root's does not count */
	begin("cpus");
	prop_u32("#address-cells", 1);
	prop_u32("#size-cells", 0);
	begin("cpu@0");
	prop_u32("reg", 0);
	prop_u32("timebase-frequency", 24000000);
	end();
	begin("cpu@1");
	prop_u32("reg", 1);
	prop_u32("timebase-frequency", 12345);
	end();
	end();
	end();
	finish();
	int r = parse();
	TAP_OK(r == 0 && info.timebase_hz == 24000000, "timebase from the first cpu node with one");

	reset();
	begin("");
	begin("cpus");
	prop_u64("timebase-frequency", 0x100000000ul + 7);
	end();
	end();
	finish();
	r = parse();
	TAP_OK(r == 0 && info.timebase_hz == 0x100000000ul + 7, "timebase as a 64-bit value");
}

static void uart(const char *name, uint32_t base, const void *compatible, uint32_t len,
		 const char *status)
{
	begin(name);
	prop("compatible", compatible, len);
	if (base)
		prop_cells("reg", 2, base, 0x100);
	if (status)
		prop_str("status", status);
	end();
}

static void test_uart(void)
{
	reset();
	begin("");
	prop_u32("#address-cells", 1);
	prop_u32("#size-cells", 1);
	begin("soc");
	prop_u32("#address-cells", 1);
	prop_u32("#size-cells", 1);
	uart("serial@10000000", 0x10000000, "ns16550", 8, "okay");       /* not ...a */
	uart("serial@10000800", 0x10000800, "ns16550a", 8, "okay");      /* no NUL */
	uart("serial@10001000", 0x10001000, "ns16550a", 9, "disabled");
	uart("serial@10002000", 0, "ns16550a", 9, "okay");                /* no reg */
	uart("serial@10003000", 0x10003000, "snps,dw-apb-uart\0ns16550a", 26, NULL);
	uart("serial@10004000", 0x10004000, "ns16550a", 9, "okay");
	end();
	end();
	finish();
	int r = parse();
	if (!TAP_OK(r == 0 && info.uart_base == 0x10003000,
		    "uart: the first enabled ns16550a with a reg, found in a compatible list"))
		tap_diag("uart_base %#lx", info.uart_base);

	reset();
	begin("");
	prop_u32("#address-cells", 1);
	prop_u32("#size-cells", 1);
	uart("serial@10000000", 0x10000000, "ns16550a", 9, "disabled");
	end();
	finish();
	TAP_OK(parse() == 0 && info.uart_base == 0, "no enabled ns16550a: uart_base 0");
}

static void chosen_bootargs(const void *value, uint32_t len)
{
	reset();
	begin("");
	begin("chosen");
	prop("bootargs", value, len);
	end();
	end();
	finish();
}

static void test_bootargs(void)
{
	char s[400];
	memset(s, 'x', sizeof s);
	for (int i = 0; i < (int)sizeof s; i += 10)
		s[i] = (char)('0' + i / 10 % 10);   /* a position marker every 10 */

	s[255] = 0;
	chosen_bootargs(s, 256);
	int r = parse();
	TAP_OK(r == 0 && strlen(info.bootargs) == 255 && !memcmp(info.bootargs, s, 255),
	       "bootargs of 255 characters kept whole");

	char want[256];
	memcpy(want, s, 255);
	want[255] = 0;
	s[255] = 'y';
	s[300] = 0;
	chosen_bootargs(s, 301);
	r = parse();
	TAP_OK(r == 0 && info.bootargs[255] == 0 && !strcmp(info.bootargs, want),
	       "bootargs of 300 characters cut to the first 255");

	TAP_OK(info.total_size == blob_len, "cutting bootargs writes nothing past them");

	chosen_bootargs(s, 256);     /* 256 characters, no NUL */
	r = parse();
	TAP_OK(r == 0 && !strcmp(info.bootargs, want) && info.total_size == blob_len,
	       "bootargs of 256 characters without a NUL cut to 255");

	chosen_bootargs("abc", 3);   /* no NUL in the property */
	TAP_OK(parse() == 0 && !strcmp(info.bootargs, "abc"), "bootargs without a NUL: terminated");

	chosen_bootargs("", 0);
	TAP_OK(parse() == 0 && info.bootargs[0] == 0, "empty bootargs");

	/* bootargs of a node that is not /chosen */
	reset();
	begin("");
	prop_str("bootargs", "root");
	begin("soc");
	begin("chosen");
	prop_str("bootargs", "nested");
	end();
	end();
	end();
	finish();
	TAP_OK(parse() == 0 && info.bootargs[0] == 0, "bootargs outside /chosen are ignored");
}

static void test_initrd(void)
{
	reset();
	begin("");
	begin("chosen");
	prop_u64("linux,initrd-start", 0x123456789ul);
	prop_u64("linux,initrd-end", 0x1234a0000ul);
	end();
	end();
	finish();
	int r = parse();
	TAP_OK(r == 0 && info.initrd_start == 0x123456789ul && info.initrd_end == 0x1234a0000ul,
	       "initrd start and end as 64-bit values");

	reset();
	begin("");
	begin("chosen");
	prop_u32("linux,initrd-start", 0x84000000);
	prop_u64("linux,initrd-end", 0x84100000);
	end();
	end();
	finish();
	r = parse();
	TAP_OK(r == 0 && info.initrd_start == 0x84000000 && info.initrd_end == 0x84100000,
	       "initrd start as 32 bits, end as 64 bits");

	/* Neither 4 nor 8 bytes: not a number the kernel can use. */
	reset();
	begin("");
	begin("chosen");
	prop("linux,initrd-start", "\x84\0\0", 3);
	prop_cells("linux,initrd-end", 3, 0, 0x84100000u, 0);
	end();
	end();
	finish();
	r = parse();
	TAP_OK(r == 0 && info.initrd_start == 0 && info.initrd_end == 0,
	       "initrd values of 3 and 12 bytes are ignored");
}

static void test_virt_dtb_file(void)
{
	static union {
		unsigned char bytes[65536];
		uint64_t align;
	} file;
	FILE *f = fopen(VIRT_SMP4_DTB, "rb");
	size_t n = f ? fread(file.bytes, 1, sizeof file.bytes, f) : 0;
	if (f)
		fclose(f);
	if (!TAP_OK(n > HEADER_LEN, "read %s", VIRT_SMP4_DTB))
		return;
	int r = fdt_parse(guarded_copy(file.bytes, n), &info);
	TAP_OK(r == 0, "QEMU virt dtb: 0");
	TAP_OK(info.total_size == n, "QEMU virt dtb: total_size %zu", n);
	TAP_OK(harts_are(4, 0u, 1u, 2u, 3u), "QEMU virt dtb: harts 0, 1, 2, 3");
	TAP_OK(info.memory_count == 1 && range_is(&info.memory[0], 0x80000000, 128ul << 20),
	       "QEMU virt dtb: memory 0x80000000 + 128 MiB");
	TAP_OK(info.uart_base == 0x10000000, "QEMU virt dtb: uart 0x10000000");
	TAP_OK(info.timebase_hz == 10000000, "QEMU virt dtb: timebase 10 MHz");
	TAP_OK(info.reserved_count == 0 && info.bootargs[0] == 0 && info.initrd_start == 0 &&
	       info.initrd_end == 0, "QEMU virt dtb: no reserved ranges, bootargs, initrd");
}

/* ---- Well-formed oddities ---- */

/* A blob whose nodes nest depth deep: the root and depth - 1 descendants,
 * each named name. */
static void build_nested(int depth, const char *name)
{
	reset();
	begin("");
	for (int i = 1; i < depth; i++)
		begin(name);
	for (int i = 0; i < depth; i++)
		end();
	finish();
}

static void test_accepted(void)
{
	build_virt_like();
	set_header(H_VERSION, 16);
	TAP_OK(parse() == 0 && info.hart_count == 3, "version 16 is accepted");

	/* NOPs anywhere a token may be. */
	reset();
	token(FDT_NOP);
	begin("");
	token(FDT_NOP);
	begin("chosen");
	token(FDT_NOP);
	prop_str("bootargs", "nop");
	token(FDT_NOP);
	end();
	token(FDT_NOP);
	end();
	token(FDT_NOP);
	finish();
	TAP_OK(parse() == 0 && !strcmp(info.bootargs, "nop"), "FDT_NOP tokens are skipped");

	/* Nesting exactly 16 deep: the root and 15 descendants. */
	build_nested(16, "n");
	TAP_OK(parse() == 0, "nesting 16 deep is accepted");
}

/* ---- Malformed blobs ---- */

static void expect_einval(const char *what)
{
	int r = parse();
	if (!TAP_OK(r == EINVAL_RET, "-EINVAL: %s", what))
		tap_diag("got %d", r);
}

/* A small good tree to spoil. */
static void build_small(void)
{
	reset();
	begin("");
	begin("chosen");
	prop_str("bootargs", "x");
	end();
	end();
	finish();
}

static void test_bad_header(void)
{
	build_small();
	TAP_OK(parse() == 0, "the small tree spoiled below is itself fine");

	build_small();
	set_header(H_MAGIC, 0xedfe0dd0);   /* byte-swapped */
	expect_einval("magic byte-swapped");
	build_small();
	blob[3] ^= 1;
	expect_einval("magic off by one bit");

	build_small();
	set_header(H_VERSION, 15);
	expect_einval("version 15");
	build_small();
	set_header(H_VERSION, 1);
	expect_einval("version 1");

	build_small();
	set_header(H_TOTALSIZE, 39);
	expect_einval("totalsize smaller than the header");

	build_small();
	set_header(H_OFF_STRUCT, (((uint32_t)blob_len + 3) & ~3u) + 4);
	expect_einval("structure block starts past totalsize");
	build_small();
	set_header(H_SIZE_STRUCT, header(H_SIZE_STRUCT) + (uint32_t)blob_len);
	expect_einval("structure block ends past totalsize");
	build_small();
	set_header(H_SIZE_STRUCT, (uint32_t)blob_len - header(H_OFF_STRUCT) + 1);
	expect_einval("structure block ends one byte past totalsize");
	build_small();
	set_header(H_SIZE_STRUCT, 0xfffffff0u);
	expect_einval("structure block size near 2^32");
	build_small();
	set_header(H_TOTALSIZE, header(H_OFF_STRINGS));   /* cuts the strings block off */
	expect_einval("strings block ends past totalsize");
	build_small();
	set_header(H_OFF_STRINGS, (uint32_t)blob_len + 16);
	expect_einval("strings block starts past totalsize");

	/* A structure block of only FDT_END is fine where it belongs, and
	 * refused 2 bytes further on, where it would read the same. */
	reset();
	finish();
	TAP_OK(parse() == 0, "a structure block of only FDT_END is accepted");
	uint32_t st = header(H_OFF_STRUCT);
	memmove(blob + st + 2, blob + st, 4);
	set_header(H_OFF_STRUCT, st + 2);
	set_header(H_TOTALSIZE, st + 2 + 4);
	expect_einval("structure block not 4-byte aligned");

	/* An empty reservation block, read one byte late, still finds 16
	 * zero bytes (the last of them the structure block's first). */
	build_small();
	set_header(H_OFF_RSVMAP, HEADER_LEN + 1);
	expect_einval("reservation block not 8-byte aligned");

	/* The reservation block must end with a zero entry inside the blob. */
	reset();
	reserve(0x80000000, 0x1000);
	begin("");
	end();
	finish();
	/* Spoil the terminator: what follows (the structure block) holds no
	 * zero entry either. */
	memset(blob + HEADER_LEN + 16, 0xff, 16);
	expect_einval("reservation block runs off the end of the blob");
}

static void test_bad_struct(void)
{
	/* A node name running into the end of the structure block, which is
	 * the end of the blob. */
	reset();
	struct_last = true;
	begin("");
	token(FDT_BEGIN_NODE);
	st_raw("memor", 5);
	finish_raw();
	expect_einval("unterminated node name");

	reset();
	struct_last = true;
	begin("");
	begin("chosen");
	token(FDT_PROP);
	token(0x1000);                         /* length; 4 bytes follow */
	token(string_offset("bootargs"));
	st_raw("x\0\0\0", 4);
	finish_raw();
	expect_einval("property length past the end of the structure block");

	reset();
	begin("");
	prop_at(string_offset("bootargs"), "x", 2);
	end();
	finish();
	put_be32(blob + header(H_OFF_STRUCT) + 8 + 4, 0xfffffffc);
	expect_einval("property length 0xfffffffc");

	reset();
	struct_last = true;
	begin("");
	token(FDT_PROP);
	token(4);
	finish_raw();
	expect_einval("property header cut by the end of the block");

	reset();
	string_offset("model");
	begin("");
	prop_at((uint32_t)b.str_len, "x", 2);
	end();
	finish();
	expect_einval("string offset = size of the strings block");

	reset();
	string_offset("model");
	begin("");
	prop_at(0xffffffffu, "x", 2);
	end();
	finish();
	expect_einval("string offset 0xffffffff");

	/* The name at a valid offset has no NUL before the block ends. */
	reset();
	string_offset("model");
	begin("");
	prop_at(0, "x", 2);
	end();
	finish();
	set_header(H_SIZE_STRINGS, 3);
	set_header(H_TOTALSIZE, header(H_OFF_STRINGS) + 3);
	expect_einval("property name unterminated in the strings block");

	reset();
	begin("");
	end();
	end();
	finish();
	expect_einval("END_NODE without a node");

	reset();
	end();
	finish();
	expect_einval("END_NODE as the first token");

	reset();
	begin("");
	begin("chosen");
	end();
	finish();
	expect_einval("FDT_END with a node still open");

	reset();
	struct_last = true;
	begin("");
	end();
	finish_raw();
	expect_einval("no FDT_END");

	reset();
	prop_str("bootargs", "x");
	begin("");
	end();
	finish();
	expect_einval("property outside any node");

	reset();
	begin("");
	token(5);
	end();
	finish();
	expect_einval("unknown token 5");

	build_nested(17, "n");
	expect_einval("nesting 17 deep");

	build_nested(100, "deep");
	expect_einval("nesting 100 deep");
}

/* Runs parse() in a child: 0 or -EINVAL as the parser returned them, 1 for
 * anything else, with *how saying what happened (a fault or a hang kills
 * the child, not this program). */
static int parse_isolated(char *how, size_t how_len)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);   /* the parent reports how it ended */
		signal(SIGBUS, SIG_DFL);
		alarm(5);   /* a hang detector: a good parse takes microseconds */
		int r = parse();
		_exit(r == 0 ? 0 : r == EINVAL_RET ? 22 : 99);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		snprintf(how, how_len, "fork/wait failed");
		return 1;
	}
	if (WIFSIGNALED(status)) {
		snprintf(how, how_len, "child killed by signal %d%s", WTERMSIG(status),
			 WTERMSIG(status) == SIGALRM ? " (did not finish in 5 s)" : "");
		return 1;
	}
	int code = WEXITSTATUS(status);
	snprintf(how, how_len, "exit %d", code);
	return code == 0 ? 0 : code == 22 ? EINVAL_RET : 1;
}

static void test_hostile(void)
{
	char how[80];

	/* off_mem_rsvmap near 2^32: off + 16 wraps around in 32 bits. */
	build_small();
	set_header(H_OFF_RSVMAP, 0xfffffff8u);
	int r = parse_isolated(how, sizeof how);
	if (!TAP_OK(r == EINVAL_RET, "-EINVAL: off_mem_rsvmap 0xfffffff8 (past totalsize)"))
		tap_diag("%s", how);

	/* A memory node whose parent has #address-cells = #size-cells = 0:
	 * a reg pair is 0 bytes long. */
	reset();
	begin("");
	prop_u32("#address-cells", 0);
	prop_u32("#size-cells", 0);
	begin("memory@0");
	prop_cells("reg", 2, 0x80000000, 0x1000);
	end();
	end();
	finish();
	r = parse_isolated(how, sizeof how);
	if (!TAP_OK(r == 0 || r == EINVAL_RET, "0/0 cells under a memory node: returns (0 or -EINVAL)"))
		tap_diag("%s", how);
}

int main(void)
{
	catch_faults("the parser");
	test_virt_like();
	test_one_one_cells();
	test_default_cells();
	test_memory_pairs();
	test_reserved();
	test_cpus();
	test_timebase();
	test_uart();
	test_bootargs();
	test_initrd();
	test_virt_dtb_file();
	test_accepted();
	test_bad_header();
	test_bad_struct();
	test_hostile();
	return tap_finish();
}
