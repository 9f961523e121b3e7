/* kernel/proc/cpio.c over newc archives built here byte by byte: iteration
 * order, names, sizes, modes, data, the padding after names and data at
 * every residue mod 4, the trailer, lookup by name, and every way a header
 * can be broken.
 *
 * The archive writer below knows the layout independently of the reader:
 * it records where each header and each file's data went, and the checks
 * compare the reader's pointers and cursor against those offsets. Each
 * archive is read from the end of a mapping followed by an inaccessible
 * page, so a read past len faults instead of passing unnoticed. */
#define _DEFAULT_SOURCE   /* mmap's MAP_ANONYMOUS under -std=c11 */
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "kernel/proc/cpio.h"
#include "guarded.h"
#include "tap.h"

/* The reader's errors (include/dakota/syscall.h's values; that header is
 * not included here, its PROT_* and struct timespec clash with the host's). */
#define ENOENT_RET (-2)
#define EINVAL_RET (-22)

#define HEADER_LEN 110
#define FIELD_MODE 1           /* field indexes after the 6-byte magic */
#define FIELD_FILESIZE 6
#define FIELD_NAMESIZE 11
#define S_IFDIR 0040000
#define S_IFREG 0100000
#define TRAILER "TRAILER!!!"
#define MAX_ENTRIES 32

static unsigned char arc[8192];
static size_t arc_len;

/* arc[0, arc_len) as the reader sees it: the same bytes, guarded. */
static const unsigned char *view;

static int next(unsigned long *cursor, struct cpio_file *f)
{
	view = guarded_copy(arc, arc_len);
	return cpio_next(view, arc_len, cursor, f);
}

static int index_disagreements;

/* cpio_find's answer; the index (cpio_index, cpio_index_find) must give the
 * same one, or index_disagreements counts it (test_index checks it last). */
static int find(const char *name, struct cpio_file *f)
{
	view = guarded_copy(arc, arc_len);
	int r = cpio_find(view, arc_len, name, f);
	struct cpio_file idx[MAX_ENTRIES], g;
	int broken;
	unsigned long n = cpio_index(view, arc_len, idx, MAX_ENTRIES, &broken);
	int ri = n <= MAX_ENTRIES ? cpio_index_find(idx, n, broken, name, &g) : 1;
	if (ri != r || (r == 0 && (g.name != f->name || g.name_len != f->name_len ||
				   g.data != f->data || g.size != f->size || g.mode != f->mode))) {
		tap_diag("index: %d for %s, cpio_find %d", ri, name, r);
		index_disagreements++;
	}
	return r;
}

/* Where the writer put each entry. */
struct placed {
	size_t header;    /* offset of the "0707..." magic */
	size_t data;      /* offset of the first data byte */
	size_t next;      /* offset of the next header */
};
static struct placed placed[MAX_ENTRIES];
static int placed_count;

static void reset(void)
{
	memset(arc, 0xee, sizeof arc);   /* not zero: padding must be written */
	arc_len = 0;
	placed_count = 0;
}

static void put(const void *p, size_t n)
{
	memcpy(arc + arc_len, p, n);
	arc_len += n;
}

static void pad4(void)
{
	while (arc_len % 4)
		arc[arc_len++] = 0;
}

/* One entry with an explicit name size, so a test can lie about it. */
static void put_entry_raw(const char *magic, const char *name, size_t namesize,
			  unsigned mode, const void *data, size_t size)
{
	struct placed *pl = &placed[placed_count++];
	pl->header = arc_len;
	put(magic, 6);
	unsigned fields[13] = { 100 + (unsigned)placed_count, mode, 0, 0, 1, 0x5f000000,
				(unsigned)size, 0, 0, 0, 0, (unsigned)namesize, 0 };
	for (int i = 0; i < 13; i++) {
		char hex[9];
		snprintf(hex, sizeof hex, "%08X", fields[i]);
		put(hex, 8);
	}
	put(name, namesize);
	pad4();
	pl->data = arc_len;
	put(data, size);
	pad4();
	pl->next = arc_len;
}

static void put_entry(const char *name, unsigned mode, const void *data, size_t size)
{
	put_entry_raw("070701", name, strlen(name) + 1, mode, data, size);
}

static void put_file(const char *name, const char *text)
{
	put_entry(name, S_IFREG | 0644, text, strlen(text));
}

static void put_trailer(void)
{
	put_entry(TRAILER, 0, "", 0);
}

/* Overwrites field i of the header at off with 8 characters. */
static void set_field(size_t off, int i, const char *eight)
{
	memcpy(arc + off + 6 + 8 * i, eight, 8);
}

static bool file_is(const struct cpio_file *f, int entry, const char *name, unsigned mode,
		    const void *data, size_t size)
{
	const struct placed *pl = &placed[entry];
	bool ok = f->name == (const char *)view + pl->header + HEADER_LEN &&
		  f->name_len == strlen(name) && strcmp(f->name, name) == 0 &&
		  f->mode == mode && f->size == size &&
		  f->data == view + pl->data && memcmp(f->data, data, size) == 0;
	if (!ok)
		tap_diag("entry %d: got name \"%s\" len %lu mode %o size %lu data +%ld",
			 entry, f->name, f->name_len, f->mode, f->size,
			 (long)((const unsigned char *)f->data - view));
	return ok;
}

/* Names of length 1..4 and data of length 0..3 cover every padding case. */
static const char *const pad_names[] = { "a", "ab", "abc", "abcd" };
static const char *const pad_data[] = { "", "1", "12", "123", "1234" };

static void build_padding_archive(void)
{
	reset();
	put_entry("bin", S_IFDIR | 0755, "", 0);
	for (int n = 0; n < 4; n++)
		for (int d = 0; d < 5; d++) {
			char name[16];
			snprintf(name, sizeof name, "%s%d", pad_names[n], d);
			put_file(name, pad_data[d]);
		}
	put_trailer();
}

static void test_iteration(void)
{
	build_padding_archive();
	unsigned long cursor = 0;
	struct cpio_file f;
	int r = next(&cursor, &f);
	TAP_OK(r == 1 && file_is(&f, 0, "bin", S_IFDIR | 0755, "", 0),
	       "first entry: directory bin, mode 040755, size 0");
	TAP_OK(cursor == placed[0].next, "cursor moves to the second header");

	int bad = 0, entry = 1;
	for (int n = 0; n < 4; n++)
		for (int d = 0; d < 5; d++, entry++) {
			char name[16];
			snprintf(name, sizeof name, "%s%d", pad_names[n], d);
			r = next(&cursor, &f);
			bool ok = r == 1 &&
				  file_is(&f, entry, name, S_IFREG | 0644, pad_data[d], strlen(pad_data[d])) &&
				  cursor == placed[entry].next && (placed[entry].data % 4) == 0;
			if (!ok && bad++ < 5)
				tap_diag("%s: r=%d cursor=%lu want %zu", name, r, cursor, placed[entry].next);
		}
	TAP_OK(bad == 0, "20 files in order: names 1..4 chars, data 0..4 bytes, 4-byte padding");

	r = next(&cursor, &f);
	TAP_OK(r == 0, "trailer: returns 0");
	TAP_OK(next(&cursor, &f) == 0, "after the trailer: still 0");
}

static void test_trailer_stops(void)
{
	reset();
	put_file("before", "x");
	put_trailer();
	put_file("after", "y");
	unsigned long cursor = 0;
	struct cpio_file f;
	int first = next(&cursor, &f);
	int second = next(&cursor, &f);
	TAP_OK(first == 1 && second == 0, "an entry after the trailer is never reached");
	TAP_OK(find("after", &f) == ENOENT_RET,
	       "find: an entry after the trailer is -ENOENT");
	TAP_OK(find(TRAILER, &f) == ENOENT_RET, "find: the trailer itself is -ENOENT");
}

static void test_end_without_trailer(void)
{
	reset();
	put_file("one", "1");
	put_file("two", "22");
	struct cpio_file f;
	unsigned long cursor = 0;
	int a = next(&cursor, &f);
	int b = next(&cursor, &f);
	int c = next(&cursor, &f);
	TAP_OK(a == 1 && b == 1 && c == 0, "no trailer: two entries, then 0 at the end");

	/* The last data ends at len, not on a multiple of 4. */
	reset();
	put_file("odd", "abcde");
	arc_len = placed[0].data + 5;
	cursor = 0;
	a = next(&cursor, &f);
	b = next(&cursor, &f);
	TAP_OK(a == 1 && f.size == 5 && b == 0, "data ending at len without padding: entry, then 0");

	arc_len = 0;
	cursor = 0;
	TAP_OK(next(&cursor, &f) == 0, "empty archive: 0");
	cursor = 0;
	TAP_OK(cpio_next(NULL, 100, &cursor, &f) == 0, "NULL archive: 0");
}

static void test_find(void)
{
	build_padding_archive();
	struct cpio_file f;
	int r = find("abc3", &f);
	TAP_OK(r == 0 && file_is(&f, 1 + 2 * 5 + 3, "abc3", S_IFREG | 0644, "123", 3),
	       "find abc3: 0, its name, mode, size and data");
	r = find("a0", &f);
	TAP_OK(r == 0 && file_is(&f, 1, "a0", S_IFREG | 0644, "", 0), "find the first file a0");
	r = find("abcd4", &f);
	TAP_OK(r == 0 && file_is(&f, 20, "abcd4", S_IFREG | 0644, "1234", 4),
	       "find the last file abcd4");
	TAP_OK(find("bin", &f) == 0 && f.mode == (S_IFDIR | 0755),
	       "find the directory bin");
	TAP_OK(find("nope", &f) == ENOENT_RET, "find nope: -ENOENT");
	TAP_OK(find("abc", &f) == ENOENT_RET, "find a prefix (abc): -ENOENT");
	TAP_OK(find("abc33", &f) == ENOENT_RET, "find a longer name (abc33): -ENOENT");
	TAP_OK(find("", &f) == ENOENT_RET, "find the empty name: -ENOENT");
}

static void test_accepted_variants(void)
{
	reset();
	put_entry_raw("070702", "crc", 4, S_IFREG | 0600, "data", 4);
	put_trailer();
	struct cpio_file f;
	unsigned long cursor = 0;
	int r = next(&cursor, &f);
	TAP_OK(r == 1 && file_is(&f, 0, "crc", S_IFREG | 0600, "data", 4),
	       "magic 070702 (with checksum) is accepted");

	reset();
	put_file("hex", "abcdefghijk");   /* 11 = 0xb bytes */
	set_field(placed[0].header, FIELD_MODE, "000081ed");
	set_field(placed[0].header, FIELD_FILESIZE, "0000000b");
	put_trailer();
	cursor = 0;
	r = next(&cursor, &f);
	TAP_OK(r == 1 && f.mode == 0100755 && f.size == 11, "lower-case hex digits");

	reset();
	put_entry("big", 0xABCDEF01u, "", 0);
	cursor = 0;
	r = next(&cursor, &f);
	TAP_OK(r == 1 && f.mode == 0xABCDEF01u, "all 8 mode digits are used");
}

/* One good entry, then the broken one; the first call must still work. */
static int second_entry_result(void)
{
	unsigned long cursor = 0;
	struct cpio_file f;
	int first = next(&cursor, &f);
	if (first != 1)
		return 100 + first;
	return next(&cursor, &f);
}

static void good_then(const char *name, const char *text)
{
	reset();
	put_file("good", "ok");
	put_file(name, text);
	put_trailer();
}

static void expect_einval(int r, const char *what)
{
	if (!TAP_OK(r == EINVAL_RET, "-EINVAL: %s", what))
		tap_diag("got %d", r);
}

/* A good entry, then "next" holding `text` with header field `field`
 * overwritten by `value`: the second entry must be refused. */
static void expect_bad_field(const char *text, int field, const char *value, const char *what)
{
	good_then("next", text);
	set_field(placed[1].header, field, value);
	expect_einval(second_entry_result(), what);
}

/* A good entry, then "next" holding `text`, the archive cut `offset` bytes
 * past the start of its header (or of its data): it must be refused. */
enum cut_from { FROM_HEADER, FROM_DATA };

static void expect_cut(const char *text, enum cut_from from, unsigned long offset,
		       const char *what)
{
	good_then("next", text);
	arc_len = (from == FROM_DATA ? placed[1].data : placed[1].header) + offset;
	expect_einval(second_entry_result(), what);
}

static void test_bad_magic(void)
{
	static const char *const magics[] = { "070707", "070700", "070703", "000000", "\xee\xee\xee\xee\xee\xee" };
	for (int i = 0; i < 5; i++) {
		good_then("next", "x");
		memcpy(arc + placed[1].header, magics[i], strlen(magics[i]));
		expect_einval(second_entry_result(), "bad magic in the second header");
	}
	good_then("next", "x");
	memcpy(arc, "070707", 6);
	unsigned long cursor = 0;
	struct cpio_file f;
	expect_einval(next(&cursor, &f), "bad magic in the first header");
}

static void test_bad_digits(void)
{
	static const int fields[] = { FIELD_MODE, FIELD_FILESIZE, FIELD_NAMESIZE };
	static const char *const field_names[] = { "mode", "filesize", "namesize" };
	static const char *const bad[] = { "0000000g", " 0000001", "0x000001", "-0000001",
					   "0000001\0", "000:0001" };
	for (int i = 0; i < 3; i++)
		for (int b = 0; b < 6; b++) {
			char what[64];
			snprintf(what, sizeof what, "%s field \"%.7s\"", field_names[i], bad[b]);
			expect_bad_field("x", fields[i], bad[b], what);
		}
}

static void test_bad_names(void)
{
	expect_bad_field("x", FIELD_NAMESIZE, "00000000", "namesize 0");
	/* ... also when the byte before the name (the last of the unchecked
	 * check field) happens to be a NUL. */
	good_then("next", "x");
	set_field(placed[1].header, FIELD_NAMESIZE, "00000000");
	set_field(placed[1].header, 12, "0000000\0");
	expect_einval(second_entry_result(), "namesize 0 after a NUL byte");

	/* namesize 4 over "next\0": the name's last byte is 't', not NUL. */
	reset();
	put_file("good", "ok");
	put_entry_raw("070701", "next", 4, S_IFREG | 0644, "x", 1);
	put_trailer();
	expect_einval(second_entry_result(), "name not NUL-terminated");

	/* The name runs past the end of the archive. */
	expect_cut("x", FROM_HEADER, HEADER_LEN + 3, "name cut by the end of the archive");
	expect_bad_field("x", FIELD_NAMESIZE, "00001000", "namesize 0x1000, past the end");
	expect_bad_field("x", FIELD_NAMESIZE, "FFFFFFFF", "namesize 0xFFFFFFFF");
}

static void test_bad_data(void)
{
	expect_cut("0123456789", FROM_DATA, 9, "data one byte short of filesize");
	expect_bad_field("0123456789", FIELD_FILESIZE, "00002000", "filesize 0x2000, past the end");
	expect_bad_field("0123456789", FIELD_FILESIZE, "FFFFFFFF", "filesize 0xFFFFFFFF");
	/* "next\0" ends 115 bytes into the entry; its data would start at 116. */
	expect_cut("0123456789", FROM_HEADER, HEADER_LEN + 5,
		   "archive ends in the padding after the name");

	/* Exactly enough bytes for the data is fine. */
	good_then("next", "0123456789");
	arc_len = placed[1].data + 10;
	TAP_OK(second_entry_result() == 1, "data ending exactly at len is accepted");
}

static void test_truncated_header(void)
{
	expect_cut("x", FROM_HEADER, HEADER_LEN - 1, "second header one byte short (109 of 110)");
	expect_cut("x", FROM_HEADER, 6, "second header is only its magic");
	expect_cut("x", FROM_HEADER, 1, "one byte of a second header");

	reset();
	put_file("only", "x");
	unsigned long cursor = 0;
	struct cpio_file f;
	arc_len = 50;
	expect_einval(next(&cursor, &f), "archive of 50 bytes");
}

/* Names followed by extra NULs (tools/mkcpio.py pads so that data starts on
 * a page boundary): the name ends at its first NUL. */
static void test_padded_name(void)
{
	reset();
	put_entry_raw("070701", "bin/x\0\0\0\0\0\0", 12, S_IFREG | 0755, "elf", 3);
	put_trailer();
	struct cpio_file f;
	unsigned long cursor = 0;
	int r = next(&cursor, &f);
	TAP_OK(r == 1 && file_is(&f, 0, "bin/x", S_IFREG | 0755, "elf", 3),
	       "a name padded with NULs: its length stops at the first NUL, data after namesize");
	TAP_OK(find("bin/x", &f) == 0 && f.data == view + placed[0].data, "find a padded name");
}

/* The index over names out of order, repeated, and sharing prefixes. */
static void test_index(void)
{
	static const char *const names[] = { "m", "b", "z", "b", "bb", "a", "m" };
	reset();
	for (int i = 0; i < 7; i++) {
		char data[2] = { (char)('0' + i), 0 };
		put_file(names[i], data);
	}
	put_trailer();
	view = guarded_copy(arc, arc_len);
	struct cpio_file idx[MAX_ENTRIES], f;
	int broken = 1;
	unsigned long n = cpio_index(view, arc_len, NULL, 0, &broken);
	TAP_OK(n == 7 && !broken, "index: counting gives 7 entries, not broken");
	n = cpio_index(view, arc_len, idx, MAX_ENTRIES, &broken);
	bool sorted = n == 7;
	for (unsigned long i = 1; sorted && i < n; i++)
		sorted = strcmp(idx[i - 1].name, idx[i].name) <= 0;
	TAP_OK(sorted, "index: sorted by name");
	TAP_OK(cpio_index_find(idx, n, broken, "b", &f) == 0 && *(const char *)f.data == '1',
	       "index: of two entries b, the first in the archive");
	TAP_OK(cpio_index_find(idx, n, broken, "m", &f) == 0 && *(const char *)f.data == '0',
	       "index: of two entries m, the first in the archive");
	TAP_OK(cpio_index_find(idx, n, broken, "a", &f) == 0 && *(const char *)f.data == '5',
	       "index: the smallest name");
	TAP_OK(cpio_index_find(idx, n, broken, "z", &f) == 0 && *(const char *)f.data == '2',
	       "index: the largest name");
	TAP_OK(cpio_index_find(idx, n, broken, "c", &f) == ENOENT_RET &&
	       cpio_index_find(idx, n, broken, "zz", &f) == ENOENT_RET &&
	       cpio_index_find(idx, n, broken, "", &f) == ENOENT_RET,
	       "index: names between, above and below the entries: -ENOENT");
	TAP_OK(cpio_index_find(idx, 0, 0, "a", &f) == ENOENT_RET, "index: empty: -ENOENT");
	TAP_OK(cpio_index_find(idx, 0, 1, "a", &f) == EINVAL_RET,
	       "index: empty and broken: -EINVAL");
}

static void test_find_errors(void)
{
	/* Broken after the wanted entry: found; broken before: EINVAL_RET. */
	good_then("next", "x");
	memcpy(arc + placed[1].header, "xxxxxx", 6);
	struct cpio_file f;
	TAP_OK(find("good", &f) == 0, "find: an entry before the damage is found");
	expect_einval(find("next", &f), "find: damage before the entry");
	expect_einval(find("missing", &f), "find: damage before the end");
}

int main(void)
{
	catch_faults("the reader");
	test_iteration();
	test_trailer_stops();
	test_end_without_trailer();
	test_find();
	test_accepted_variants();
	test_bad_magic();
	test_bad_digits();
	test_bad_names();
	test_bad_data();
	test_truncated_header();
	test_find_errors();
	test_padded_name();
	test_index();
	TAP_OK(index_disagreements == 0, "every find: the index agrees with cpio_find");
	return tap_finish();
}
