/* Flattened device tree reader (devicetree specification v0.4, chapter 5).
 *
 * The structure block is walked once, keeping a small stack of the nodes
 * being inside of. A property is interpreted by the name of its node and of
 * the node's parent, and with the parent's #address-cells / #size-cells.
 * Every offset is checked against the blob's declared size before use. */
#include <stdbool.h>

#include "arch/riscv/fdt.h"
#include "kernel/lib/string.h"

#define FDT_MAX_DEPTH  16
#define EINVAL_CODE    22

typedef unsigned int u32;
typedef unsigned long u64;

/* What a node is, as far as Dakota cares. */
enum node_kind { NODE_OTHER, NODE_ROOT, NODE_MEMORY, NODE_CPUS, NODE_CPU, NODE_CHOSEN,
		 NODE_RESERVED, NODE_RESERVED_CHILD, NODE_UART };

struct node {
	enum node_kind kind;
	u32 address_cells;   /* for this node's children */
	u32 size_cells;
	bool okay;           /* status absent or "okay" */
	bool is_uart;        /* compatible lists ns16550a */
	u64 reg_base, reg_size;
	bool has_reg;
	u32 hart_id;
};

struct walker {
	const unsigned char *blob;
	u32 size;             /* total size of the blob */
	u32 struct_off, struct_end;
	u32 strings_off, strings_size;
	struct node stack[FDT_MAX_DEPTH];
	int depth;            /* stack[depth - 1] is the current node */
	struct boot_info *info;
};

static u32 be32(const unsigned char *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* A cells-wide big-endian number (1 or 2 cells). */
static u64 read_cells(const unsigned char *p, u32 cells)
{
	u64 v = 0;
	for (u32 i = 0; i < cells; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

static bool name_is(const char *name, const char *base)
{
	size_t n = strlen(base);
	return !strncmp(name, base, n) && (name[n] == 0 || name[n] == '@');
}

/* Does the stringlist value (len bytes) contain s? */
static bool stringlist_has(const char *value, u32 len, const char *s)
{
	u32 i = 0;
	while (i < len) {
		size_t n = strnlen(value + i, len - i);
		if (n == len - i)
			return false;   /* unterminated */
		if (!strcmp(value + i, s))
			return true;
		i += (u32)n + 1;
	}
	return false;
}

static void add_range(struct boot_range *ranges, int *count, u64 base, u64 size)
{
	if (size == 0 || *count >= BOOT_MAX_RANGES)
		return;
	ranges[*count].base = base;
	ranges[*count].size = size;
	(*count)++;
}

static enum node_kind kind_of(const struct walker *w, const char *name)
{
	if (w->depth == 0)
		return NODE_ROOT;
	enum node_kind parent = w->stack[w->depth - 1].kind;
	if (parent == NODE_ROOT) {
		if (name_is(name, "memory"))
			return NODE_MEMORY;
		if (name_is(name, "cpus"))
			return NODE_CPUS;
		if (name_is(name, "chosen"))
			return NODE_CHOSEN;
		if (name_is(name, "reserved-memory"))
			return NODE_RESERVED;
	}
	if (parent == NODE_CPUS && name_is(name, "cpu"))
		return NODE_CPU;
	if (parent == NODE_RESERVED)
		return NODE_RESERVED_CHILD;
	return NODE_OTHER;
}

static int begin_node(struct walker *w, const char *name)
{
	if (w->depth == FDT_MAX_DEPTH)
		return -EINVAL_CODE;
	struct node n = { .kind = kind_of(w, name), .address_cells = 2, .size_cells = 1,
			  .okay = true };
	w->stack[w->depth++] = n;
	return 0;
}

/* The parent's cell counts govern this node's reg. */
static const struct node *parent_of_current(const struct walker *w)
{
	return w->depth >= 2 ? &w->stack[w->depth - 2] : &w->stack[0];
}

static void parse_reg(struct walker *w, struct node *n, const unsigned char *v, u32 len)
{
	const struct node *p = parent_of_current(w);
	u32 ac = p->address_cells, sc = p->size_cells;
	if (ac > 2 || sc > 2 || ac + sc == 0 || len < 4 * (ac + sc))
		return;
	n->has_reg = true;
	n->reg_base = read_cells(v, ac);
	n->reg_size = read_cells(v + 4 * ac, sc);
	if (n->kind == NODE_MEMORY || n->kind == NODE_RESERVED_CHILD) {
		/* Every (base, size) pair of these counts, not only the first. */
		for (u32 off = 0; off + 4 * (ac + sc) <= len; off += 4 * (ac + sc)) {
			u64 base = read_cells(v + off, ac), size = read_cells(v + off + 4 * ac, sc);
			if (n->kind == NODE_MEMORY)
				add_range(w->info->memory, &w->info->memory_count, base, size);
			else
				add_range(w->info->reserved, &w->info->reserved_count, base, size);
		}
	}
}

static void parse_chosen(struct boot_info *info, const char *name, const unsigned char *v, u32 len)
{
	if (!strcmp(name, "bootargs")) {
		u32 n = len < BOOT_ARGS_LEN - 1 ? len : BOOT_ARGS_LEN - 1;
		memcpy(info->bootargs, v, n);
		info->bootargs[n] = 0;
	} else if (!strcmp(name, "linux,initrd-start") && (len == 4 || len == 8)) {
		info->initrd_start = read_cells(v, len / 4);
	} else if (!strcmp(name, "linux,initrd-end") && (len == 4 || len == 8)) {
		info->initrd_end = read_cells(v, len / 4);
	}
}

static void parse_property(struct walker *w, const char *name, const unsigned char *v, u32 len)
{
	struct node *n = &w->stack[w->depth - 1];
	if (!strcmp(name, "#address-cells") && len == 4)
		n->address_cells = be32(v);
	else if (!strcmp(name, "#size-cells") && len == 4)
		n->size_cells = be32(v);
	else if (!strcmp(name, "status"))
		n->okay = stringlist_has((const char *)v, len, "okay") ||
			  stringlist_has((const char *)v, len, "ok");
	else if (!strcmp(name, "compatible"))
		n->is_uart = stringlist_has((const char *)v, len, "ns16550a");
	else if (!strcmp(name, "reg"))
		parse_reg(w, n, v, len);
	else if (!strcmp(name, "timebase-frequency") && (len == 4 || len == 8) &&
		 (n->kind == NODE_CPUS || (n->kind == NODE_CPU && !w->info->timebase_hz)))
		w->info->timebase_hz = read_cells(v, len / 4);
	else if (n->kind == NODE_CHOSEN)
		parse_chosen(w->info, name, v, len);
}

/* Facts that need every property of the node are taken when it ends. */
static int end_node(struct walker *w)
{
	if (w->depth == 0)
		return -EINVAL_CODE;
	struct node *n = &w->stack[--w->depth];
	struct boot_info *info = w->info;
	if (n->kind == NODE_CPU && n->okay && n->has_reg && info->hart_count < BOOT_MAX_HARTS)
		info->hart_ids[info->hart_count++] = (unsigned)n->reg_base;
	if (n->is_uart && n->has_reg && n->okay && !info->uart_base)
		info->uart_base = n->reg_base;
	return 0;
}

static u32 align4(u32 x)
{
	return (x + 3) & ~3u;
}

/* Handles the token at *off and advances past it: 1 to go on, 0 at
 * FDT_END, -EINVAL on a malformed block. */
static int step(struct walker *w, u32 *off)
{
	if (*off + 4 > w->struct_end)
		return -EINVAL_CODE;
	u32 token = be32(w->blob + *off);
	*off += 4;
	switch (token) {
	case FDT_BEGIN_NODE: {
		const char *name = (const char *)w->blob + *off;
		size_t n = strnlen(name, w->struct_end - *off);
		if (n == w->struct_end - *off)
			return -EINVAL_CODE;
		*off = align4(*off + (u32)n + 1);
		return begin_node(w, name) ? -EINVAL_CODE : 1;
	}
	case FDT_END_NODE:
		return end_node(w) ? -EINVAL_CODE : 1;
	case FDT_PROP: {
		if (*off + 8 > w->struct_end || w->depth == 0)
			return -EINVAL_CODE;
		u32 len = be32(w->blob + *off), name_off = be32(w->blob + *off + 4);
		*off += 8;
		if (len > w->struct_end - *off || name_off >= w->strings_size)
			return -EINVAL_CODE;
		const char *name = (const char *)w->blob + w->strings_off + name_off;
		if (strnlen(name, w->strings_size - name_off) == w->strings_size - name_off)
			return -EINVAL_CODE;
		parse_property(w, name, w->blob + *off, len);
		*off = align4(*off + len);
		return 1;
	}
	case FDT_NOP:
		return 1;
	case FDT_END:
		return w->depth == 0 ? 0 : -EINVAL_CODE;
	default:
		return -EINVAL_CODE;
	}
}

static int parse_reservation_block(struct walker *w, u32 off)
{
	for (;;) {
		if (off > w->size || w->size - off < 16)
			return -EINVAL_CODE;
		u64 base = read_cells(w->blob + off, 2), size = read_cells(w->blob + off + 8, 2);
		if (base == 0 && size == 0)
			return 0;
		add_range(w->info->reserved, &w->info->reserved_count, base, size);
		off += 16;
	}
}

static int read_header(struct walker *w, const unsigned char *blob)
{
	if (be32(blob) != FDT_MAGIC)
		return -EINVAL_CODE;
	w->blob = blob;
	w->size = be32(blob + 4);
	w->struct_off = be32(blob + 8);
	w->strings_off = be32(blob + 12);
	u32 rsv_off = be32(blob + 16), version = be32(blob + 20);
	w->strings_size = be32(blob + 32);
	u32 struct_size = be32(blob + 36);
	if (w->size < 40 || version < 16 || w->struct_off > w->size ||
	    struct_size > w->size - w->struct_off || w->strings_off > w->size ||
	    w->strings_size > w->size - w->strings_off || (w->struct_off & 3) || (rsv_off & 7))
		return -EINVAL_CODE;
	w->struct_end = w->struct_off + struct_size;
	return parse_reservation_block(w, rsv_off);
}

int fdt_parse(const void *fdt, struct boot_info *info)
{
	struct walker w;
	memset(info, 0, sizeof *info);
	memset(&w, 0, sizeof w);
	w.info = info;
	if (!fdt || read_header(&w, fdt))
		return -EINVAL_CODE;
	info->total_size = w.size;
	u32 off = w.struct_off;
	int r;
	while ((r = step(&w, &off)) == 1)
		;
	return r;
}

/* The kernel's view (arch.h): on RISC-V the firmware's description is the
 * device tree whose address OpenSBI passes in a1. */
int arch_read_boot_info(unsigned long firmware_arg, struct boot_info *info)
{
	return fdt_parse((const void *)firmware_arg, info);
}
