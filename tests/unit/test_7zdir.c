/*
 * Unit tests: lf_7zdir, the 7z header reader.
 *
 * Headers are written byte by byte here, as 7-Zip's doc/7zFormat.txt
 * lays them out: empty streams, empty files and directories, a solid
 * block whose streams' CRCs are in SubStreamsInfo, a block whose one
 * stream's CRC is the block's own, a block behind 7-Zip's AES, names
 * with a surrogate pair and an unpaired surrogate, attributes, skipped
 * properties; packed headers (stored, LZMA and LZMA2, packed here by
 * liblzma), encrypted ones and unsupported ones; and damage: every
 * truncation and every flipped bit of a header, counts and sizes that
 * lie, headers past the end.  Each must end in its anomaly, never in a
 * crash or an allocation the size of a lie, and failed allocations in
 * LF_E_NOMEM without a leak.  A 7z written by libarchive, another writer,
 * is read back with the CRC-32 of its content.
 */
#include <locale.h>
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>
#include <lzma.h>
#include <zlib.h>

#include "failalloc.h"
#include "lf/7zdir.h"

void *__real_realloc(void *p, size_t n);

#define CRC_A 0x363a3020u   /* declared for "a.txt" */
#define CRC_B 0xf8adea45u   /* declared for "docs/b.bin" */
#define CRC_AES 0x11223344u /* the AES block's own */

/* ---- writing bytes ---- */

struct zb {
	uint8_t *p;
	size_t n, cap;
};

static void
put(struct zb *b, const void *d, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 64;
		if ((b->p = __real_realloc(b->p, b->cap)) == NULL)
			abort();
	}
	if (n > 0)
		memcpy(b->p + b->n, d, n);
	b->n += n;
}

static void
byte(struct zb *b, uint8_t v)
{
	put(b, &v, 1);
}

static void
u32(struct zb *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 24)};

	put(b, x, 4);
}

static void
u64(struct zb *b, uint64_t v)
{
	u32(b, (uint32_t)v);
	u32(b, (uint32_t)(v >> 32));
}

/* 7z's number: i leading 1 bits, then the rest of the first byte above
 * i bytes, little-endian. */
static void
num(struct zb *b, uint64_t v)
{
	int i, k;

	for (i = 0; i < 8; i++)
		if (v < (uint64_t)1 << (8 * i + 7 - i))
			break;
	byte(b,
	    (uint8_t)((0xff00u >> i) |
	        (i < 8 ? (unsigned)(v >> (8 * i)) : 0u)));
	for (k = 0; k < i; k++)
		byte(b, (uint8_t)(v >> (8 * k)));
}

/* A property: its id, the size of d, d. */
static void
prop(struct zb *b, uint8_t id, const struct zb *d)
{
	byte(b, id);
	num(b, d->n);
	put(b, d->p, d->n);
}

static void
utf16(struct zb *b, const uint16_t *u, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		byte(b, (uint8_t)u[i]);
		byte(b, (uint8_t)(u[i] >> 8));
	}
	byte(b, 0);
	byte(b, 0);
}

/* An archive: signature header, the packed area, the header. */
static void
seal(struct zb *out, const uint8_t *area, size_t area_len, const uint8_t *h,
    size_t hn)
{
	struct zb sh;
	uint8_t start[20];

	memset(&sh, 0, sizeof(sh));
	u64(&sh, area_len);
	u64(&sh, hn);
	u32(&sh, (uint32_t)crc32(0, h, (uInt)hn));
	memcpy(start, sh.p, 20);
	put(out, "7z\xbc\xaf\x27\x1c\x00\x04", 8);
	u32(out, (uint32_t)crc32(0, start, 20));
	put(out, start, 20);
	put(out, area, area_len);
	put(out, h, hn);
	free(sh.p);
}

/* ---- the standard header ---- */

/*
 * Five files: "docs" (a directory), "docs/zero" (empty), "a.txt" (6
 * bytes) and "docs/b.bin" (10) in a solid LZMA2 block of 20 packed
 * bytes, "\U0001D11Ex\xD800" (3 bytes, an unpaired surrogate) alone in a
 * block behind AES of 7 packed bytes.
 */
static void
standard(struct zb *h)
{
	static const uint16_t n0[] = {'d', 'o', 'c', 's'};
	static const uint16_t n1[] = {'d', 'o', 'c', 's', '/', 'z', 'e', 'r',
	    'o'};
	static const uint16_t n2[] = {'a', '.', 't', 'x', 't'};
	static const uint16_t n3[] = {'d', 'o', 'c', 's', '/', 'b', '.', 'b',
	    'i', 'n'};
	static const uint16_t n4[] = {0xd834, 0xdd1e, 'x', 0xd800};
	struct zb d;
	int i;

	memset(&d, 0, sizeof(d));
	byte(h, 0x01); /* kHeader */
	byte(h, 0x02); /* kArchiveProperties: one, skipped */
	byte(h, 0x42);
	num(h, 2);
	put(h, "zz", 2);
	byte(h, 0x00);
	byte(h, 0x04); /* kMainStreamsInfo */
	byte(h, 0x06); /* kPackInfo */
	num(h, 0);
	num(h, 2);
	byte(h, 0x09);
	num(h, 20);
	num(h, 7);
	byte(h, 0x00);
	byte(h, 0x07); /* kUnpackInfo */
	byte(h, 0x0b);
	num(h, 2);
	byte(h, 0x00);
	num(h, 1); /* block 0: LZMA2 */
	byte(h, 0x21);
	byte(h, 0x21);
	num(h, 1);
	byte(h, 0x10);
	num(h, 2); /* block 1: AES then Copy */
	byte(h, 0x24);
	put(h, "\x06\xf1\x07\x01", 4);
	num(h, 2);
	put(h, "\xaa\xbb", 2);
	byte(h, 0x01);
	byte(h, 0x00);
	num(h, 1); /* bind pair: Copy's input is AES's output */
	num(h, 0);
	byte(h, 0x0c);
	num(h, 16);
	num(h, 8); /* AES's output */
	num(h, 3); /* the block's: Copy's */
	byte(h, 0x0a);
	byte(h, 0x00);
	byte(h, 0x40);
	u32(h, CRC_AES);
	byte(h, 0x00);
	byte(h, 0x08); /* kSubStreamsInfo */
	byte(h, 0x0d);
	num(h, 2);
	num(h, 1);
	byte(h, 0x09);
	num(h, 6);
	byte(h, 0x0a);
	byte(h, 0x01);
	u32(h, CRC_A);
	u32(h, CRC_B);
	byte(h, 0x00);
	byte(h, 0x00);
	byte(h, 0x05); /* kFilesInfo */
	num(h, 5);
	d.n = 0;
	byte(&d, 0xc0);
	prop(h, 0x0e, &d);
	d.n = 0;
	byte(&d, 0x40);
	prop(h, 0x0f, &d);
	d.n = 0;
	byte(&d, 0x00);
	utf16(&d, n0, 4);
	utf16(&d, n1, 9);
	utf16(&d, n2, 5);
	utf16(&d, n3, 10);
	utf16(&d, n4, 4);
	prop(h, 0x11, &d);
	d.n = 0;
	byte(&d, 0x01);
	byte(&d, 0x00);
	for (i = 0; i < 5; i++)
		u32(&d, i == 0 ? 0x41ed8010u : 0x81a48020u);
	prop(h, 0x15, &d);
	d.n = 0;
	put(&d, "\0\0\0", 3);
	prop(h, 0x19, &d); /* kDummy */
	prop(h, 0x33, &d); /* unknown: skipped */
	byte(h, 0x00);
	byte(h, 0x00);
	free(d.p);
}

static const uint8_t area[27] = "twenty packed bytes.seven..";

/* ---- reading ---- */

struct got {
	char codes[1024];
	const struct lf_7zdir_info *info;
};

static void
on_anomaly(void *arg, const struct lf_anomaly *a)
{
	struct got *g = arg;
	size_t len = strlen(g->codes);

	assert_non_null(a->detail);
	(void)snprintf(g->codes + len, sizeof(g->codes) - len, "%s%s",
	    len > 0 ? " " : "", a->code);
}

static int
open_mem(const uint8_t *p, size_t n, uint64_t max, struct lf_source *src,
    struct got *g, struct lf_7zdir **d)
{
	struct lf_limits l;
	int rc;

	lf_limits_default(&l);
	if (max > 0)
		l.container_entries = max;
	memset(g, 0, sizeof(*g));
	lf_source_memory(src, p, n);
	rc = lf_7zdir_open(src, &l, on_anomaly, g, d, NULL);
	if (rc == LF_OK)
		g->info = lf_7zdir_info(*d);
	return rc;
}

static void
check_standard(struct lf_7zdir *d)
{
	const struct lf_7zdir_info *in = lf_7zdir_info(d);
	const struct lf_7zdir_entry *e;

	assert_int_equal(in->entries, 5);
	assert_int_equal(in->declared_files, 5);
	assert_int_equal(in->blocks, 2);
	assert_int_equal(in->pack_streams, 2);
	assert_false(in->limited);
	assert_null(lf_7zdir_entry(d, 5));

	e = lf_7zdir_entry(d, 0);
	assert_string_equal(e->name, "docs");
	assert_int_equal(e->name_len, 4);
	assert_int_equal(e->name_utf16_len, 8);
	assert_memory_equal(e->name_utf16, "d\0o\0c\0s\0", 8);
	assert_true(e->directory);
	assert_false(e->has_data);
	assert_false(e->has_crc);
	assert_int_equal(e->block, LF_7ZDIR_NO_BLOCK);
	assert_true(e->has_attributes);
	assert_int_equal(e->attributes, 0x41ed8010u);

	e = lf_7zdir_entry(d, 1);
	assert_string_equal(e->name, "docs/zero");
	assert_false(e->directory);
	assert_false(e->has_data);
	assert_int_equal(e->size, 0);
	assert_int_equal(e->attributes, 0x81a48020u);

	e = lf_7zdir_entry(d, 2);
	assert_string_equal(e->name, "a.txt");
	assert_true(e->has_data);
	assert_false(e->directory);
	assert_int_equal(e->size, 6);
	assert_true(e->has_crc);
	assert_int_equal(e->crc32, CRC_A);
	assert_int_equal(e->block, 0);
	assert_int_equal(e->block_files, 2);
	assert_int_equal(e->block_packed_size, 20);
	assert_false(e->encrypted);

	e = lf_7zdir_entry(d, 3);
	assert_string_equal(e->name, "docs/b.bin");
	assert_int_equal(e->size, 10);
	assert_int_equal(e->crc32, CRC_B);
	assert_int_equal(e->block, 0);

	e = lf_7zdir_entry(d, 4);
	assert_string_equal(e->name, "\xf0\x9d\x84\x9ex\xef\xbf\xbd");
	assert_int_equal(e->name_utf16_len, 8);
	assert_int_equal(e->size, 3);
	assert_true(e->has_crc);
	assert_int_equal(e->crc32, CRC_AES);
	assert_int_equal(e->block, 1);
	assert_int_equal(e->block_files, 1);
	assert_int_equal(e->block_packed_size, 7);
	assert_true(e->encrypted);
}

static void
plain(void **state)
{
	struct zb h, a;
	struct lf_source src;
	struct lf_7zdir *d;
	struct got g;
	char path[] = "/tmp/test_7zdir.XXXXXX";
	struct lf_limits l;
	int fd;

	(void)state;
	memset(&h, 0, sizeof(h));
	memset(&a, 0, sizeof(a));
	standard(&h);
	seal(&a, area, sizeof(area), h.p, h.n);
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "7z.name-bad");
	assert_false(g.info->header_packed);
	assert_int_equal(g.info->header_offset, 32 + sizeof(area));
	assert_int_equal(g.info->header_size, h.n);
	assert_int_equal(g.info->header_unpacked, h.n);
	assert_int_equal(g.info->version_minor, 4);
	check_standard(d);
	lf_7zdir_free(d);

	/* The same from a file. */
	assert_true((fd = mkstemp(path)) >= 0);
	(void)unlink(path);
	assert_int_equal(write(fd, a.p, a.n), (ssize_t)a.n);
	lf_source_file(&src, fd, a.n);
	lf_limits_default(&l);
	assert_int_equal(lf_7zdir_open(&src, &l, NULL, NULL, &d, NULL), LF_OK);
	check_standard(d);
	lf_7zdir_free(d);
	close(fd);

	/* Not a 7z; too short. */
	a.p[0] = '8';
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_E_FORMAT);
	assert_int_equal(open_mem(a.p, 31, 0, &src, &g, &d), LF_E_FORMAT);
	lf_7zdir_free(NULL);
	free(h.p);
	free(a.p);
}

static void
matching(void **state)
{
	struct zb h, a;
	struct lf_source src;
	struct lf_7zdir *d;
	struct got g;

	(void)state;
	memset(&h, 0, sizeof(h));
	memset(&a, 0, sizeof(a));
	standard(&h);
	seal(&a, area, sizeof(area), h.p, h.n);

	/* In order, as libarchive gives them. */
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_int_equal(lf_7zdir_match(d, (const uint8_t *)"docs", 4), 0);
	assert_int_equal(lf_7zdir_match(d, (const uint8_t *)"docs/zero", 9), 1);
	assert_int_equal(lf_7zdir_match(d, (const uint8_t *)"a.txt", 5), 2);
	assert_int_equal(lf_7zdir_match_next(d), 3);
	assert_int_equal(lf_7zdir_match(d,
	                     (const uint8_t *)"\xf0\x9d\x84\x9ex\xef\xbf\xbd",
	                     8),
	    4);
	assert_int_equal(lf_7zdir_match(d, (const uint8_t *)"a.txt", 5),
	    LF_7ZDIR_NONE);
	assert_int_equal(lf_7zdir_match_next(d), LF_7ZDIR_NONE);
	lf_7zdir_free(d);

	/* Out of order; a name not there; a prefix is not the name. */
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_int_equal(lf_7zdir_match(d, (const uint8_t *)"docs/b.bin", 10),
	    3);
	assert_int_equal(lf_7zdir_match(d, (const uint8_t *)"doc", 3),
	    LF_7ZDIR_NONE);
	assert_int_equal(lf_7zdir_match(d, (const uint8_t *)"nothere", 7),
	    LF_7ZDIR_NONE);
	assert_int_equal(lf_7zdir_match_next(d), 4);
	assert_int_equal(lf_7zdir_match(d, (const uint8_t *)"a.txt", 5), 2);
	assert_int_equal(lf_7zdir_match(d, (const uint8_t *)"docs", 4), 0);
	assert_int_equal(lf_7zdir_match_next(d), 1);
	assert_int_equal(lf_7zdir_match_next(d), LF_7ZDIR_NONE);
	lf_7zdir_free(d);
	free(h.p);
	free(a.p);
}

/* ---- packed headers ---- */

enum method { COPY, LZMA1, LZMA2, AES, BCJ };

/* The standard header packed by m, as 7-Zip packs it: the packed bytes
 * after the members, and a kEncodedHeader that points to them. */
static void
packed(struct zb *a, enum method m, uint32_t crc_xor, uint64_t lie_size)
{
	struct zb h, p, e;
	lzma_options_lzma opt;
	lzma_filter f[2];
	lzma_stream s = LZMA_STREAM_INIT;
	uint8_t props[5];
	uint32_t props_len = 0;
	uint8_t out[4096];

	memset(&h, 0, sizeof(h));
	memset(&p, 0, sizeof(p));
	memset(&e, 0, sizeof(e));
	standard(&h);
	put(&p, area, sizeof(area));
	if (m == LZMA1 || m == LZMA2) {
		assert_false(lzma_lzma_preset(&opt, 6));
		opt.dict_size = 1u << 16;
		f[0].id = m == LZMA1 ? LZMA_FILTER_LZMA1 : LZMA_FILTER_LZMA2;
		f[0].options = &opt;
		f[1].id = LZMA_VLI_UNKNOWN;
		assert_int_equal(lzma_properties_size(&props_len, &f[0]),
		    LZMA_OK);
		assert_int_equal(lzma_properties_encode(&f[0], props), LZMA_OK);
		assert_int_equal(lzma_raw_encoder(&s, f), LZMA_OK);
		s.next_in = h.p;
		s.avail_in = h.n;
		s.next_out = out;
		s.avail_out = sizeof(out);
		assert_int_equal(lzma_code(&s, LZMA_FINISH), LZMA_STREAM_END);
		put(&p, out, sizeof(out) - s.avail_out);
		lzma_end(&s);
	} else {
		put(&p, h.p, h.n);
	}
	byte(&e, 0x17);
	byte(&e, 0x06);
	num(&e, sizeof(area));
	num(&e, 1);
	byte(&e, 0x09);
	num(&e, p.n - sizeof(area));
	byte(&e, 0x00);
	byte(&e, 0x07);
	byte(&e, 0x0b);
	num(&e, 1);
	byte(&e, 0x00);
	switch (m) {
	case COPY:
		num(&e, 1);
		byte(&e, 0x01);
		byte(&e, 0x00);
		break;
	case LZMA1:
		num(&e, 1);
		byte(&e, 0x23);
		put(&e, "\x03\x01\x01", 3);
		num(&e, props_len);
		put(&e, props, props_len);
		break;
	case LZMA2:
		num(&e, 1);
		byte(&e, 0x21);
		byte(&e, 0x21);
		num(&e, props_len);
		put(&e, props, props_len);
		break;
	case AES: /* -mhe=on: AES, then LZMA */
		num(&e, 2);
		byte(&e, 0x24);
		put(&e, "\x06\xf1\x07\x01", 4);
		num(&e, 1);
		byte(&e, 0x00);
		byte(&e, 0x23);
		put(&e, "\x03\x01\x01", 3);
		num(&e, 5);
		put(&e, "\x5d\x00\x10\x00\x00", 5);
		num(&e, 1);
		num(&e, 0);
		break;
	case BCJ:
		num(&e, 1);
		byte(&e, 0x04);
		put(&e, "\x03\x03\x01\x03", 4);
		break;
	}
	byte(&e, 0x0c);
	if (m == AES)
		num(&e, h.n + 16);
	num(&e, lie_size > 0 ? lie_size : h.n);
	byte(&e, 0x0a);
	byte(&e, 0x01);
	u32(&e, (uint32_t)crc32(0, h.p, (uInt)h.n) ^ crc_xor);
	byte(&e, 0x00);
	byte(&e, 0x00);
	seal(a, p.p, p.n, e.p, e.n);
	free(h.p);
	free(p.p);
	free(e.p);
}

static void
packed_headers(void **state)
{
	struct zb a;
	struct lf_source src;
	struct lf_7zdir *d;
	struct got g;
	enum method m;
	long allocs;
	int rc;

	(void)state;
	memset(&a, 0, sizeof(a));
	for (m = COPY; m <= LZMA2; m++) {
		a.n = 0;
		packed(&a, m, 0, 0);
		assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
		assert_string_equal(g.codes, "7z.name-bad");
		assert_true(g.info->header_packed);
		assert_false(g.info->header_encrypted);
		check_standard(d);
		lf_7zdir_free(d);
		/* A CRC that is not the decoded bytes'. */
		a.n = 0;
		packed(&a, m, 1, 0);
		assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
		assert_string_equal(g.codes, "7z.header-crc 7z.name-bad");
		check_standard(d);
		lf_7zdir_free(d);
		/* More bytes declared than the packed ones give. */
		a.n = 0;
		packed(&a, m, 0, 4000);
		assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
		assert_string_equal(g.codes, "7z.header-bad");
		assert_int_equal(g.info->entries, 0);
		lf_7zdir_free(d);
	}

	/* Encrypted: said, nothing read. */
	a.n = 0;
	packed(&a, AES, 0, 0);
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "7z.header-encrypted");
	assert_true(g.info->header_encrypted);
	assert_int_equal(g.info->entries, 0);
	lf_7zdir_free(d);

	/* A method not read here. */
	a.n = 0;
	packed(&a, BCJ, 0, 0);
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "7z.header-unsupported");
	assert_int_equal(g.info->entries, 0);
	lf_7zdir_free(d);

	/* 60 MiB declared from some hundred bytes: the ratio stops it before
	 * any allocation; past LF_7ZDIR_HEADER_MAX, the size does. */
	a.n = 0;
	packed(&a, LZMA1, 0, 60u << 20);
	failalloc_after(100);
	rc = open_mem(a.p, a.n, 0, &src, &g, &d);
	allocs = failalloc_count();
	failalloc_off();
	assert_int_equal(rc, LF_OK);
	assert_true(allocs <= 5);
	assert_string_equal(g.codes, "container.ratio");
	lf_7zdir_free(d);
	a.n = 0;
	packed(&a, LZMA1, 0, (uint64_t)1 << 40);
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "7z.header-bad");
	lf_7zdir_free(d);
	free(a.p);
}

/* ---- damage ---- */

/* Every truncation and every flipped bit of the header, plain and packed
 * (the header CRCs made right, so that the parser sees each): LF_OK,
 * never more files than declared. */
static void
damage(void **state)
{
	struct zb h, a, e;
	struct lf_source src;
	struct lf_7zdir *d;
	struct got g;
	size_t k, bitno, hdr;

	(void)state;
	memset(&h, 0, sizeof(h));
	memset(&a, 0, sizeof(a));
	memset(&e, 0, sizeof(e));
	standard(&h);
	for (k = 1; k < h.n; k++) {
		a.n = 0;
		seal(&a, area, sizeof(area), h.p, k);
		assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
		assert_non_null(strstr(g.codes, "7z.header-bad"));
		assert_true(g.info->entries <= 5);
		lf_7zdir_free(d);
	}
	for (bitno = 0; bitno < h.n * 8; bitno++) {
		h.p[bitno / 8] ^= (uint8_t)(1u << (bitno % 8));
		a.n = 0;
		seal(&a, area, sizeof(area), h.p, h.n);
		assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
		assert_true(
		    g.info->entries <= 5 || g.info->declared_files != 5);
		lf_7zdir_free(d);
		h.p[bitno / 8] ^= (uint8_t)(1u << (bitno % 8));
	}
	/* The packed header too, every bit of the archive after the
	 * signature header (the members, the packed header, its streams). */
	a.n = 0;
	packed(&a, LZMA1, 0, 0);
	put(&e, a.p, a.n);
	hdr = 32;
	for (bitno = hdr * 8; bitno < e.n * 8; bitno++) {
		e.p[bitno / 8] ^= (uint8_t)(1u << (bitno % 8));
		assert_int_equal(open_mem(e.p, e.n, 0, &src, &g, &d), LF_OK);
		lf_7zdir_free(d);
		e.p[bitno / 8] ^= (uint8_t)(1u << (bitno % 8));
	}

	/* The CRCs wrong: said, and read all the same. */
	a.n = 0;
	seal(&a, area, sizeof(area), h.p, h.n);
	a.p[a.n - 1] ^= 0xff; /* the header's last byte: kEnd no more */
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "7z.header-crc 7z.name-bad 7z.header-bad");
	lf_7zdir_free(d);
	a.p[a.n - 1] ^= 0xff;
	a.p[8] ^= 1;
	a.p[6] = 1;
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "7z.signature-bad 7z.name-bad");
	check_standard(d);
	lf_7zdir_free(d);

	/* The header past the end: a cut archive. */
	a.n = 0;
	seal(&a, area, sizeof(area), h.p, h.n);
	assert_int_equal(open_mem(a.p, a.n - 1, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "7z.header-missing");
	assert_int_equal(g.info->entries, 0);
	lf_7zdir_free(d);
	/* An empty archive: no header at all. */
	a.n = 0;
	seal(&a, NULL, 0, NULL, 0);
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "");
	assert_int_equal(g.info->entries, 0);
	lf_7zdir_free(d);
	free(h.p);
	free(a.p);
	free(e.p);
}

/* A header from parts. */
static void
files_only(struct zb *h, uint64_t nfiles, const struct zb *props)
{
	h->n = 0;
	byte(h, 0x01);
	byte(h, 0x05);
	num(h, nfiles);
	put(h, props->p, props->n);
	byte(h, 0x00);
	byte(h, 0x00);
}

/* Counts that lie: nothing the size of a lie is allocated. */
static void
lies(void **state)
{
	struct zb h, a, p;
	struct lf_source src;
	struct lf_7zdir *d;
	struct got g;
	long allocs;
	int rc;

	(void)state;
	memset(&h, 0, sizeof(h));
	memset(&a, 0, sizeof(a));
	memset(&p, 0, sizeof(p));

	/* 2^60 files with no property: the limit keeps 10; all would have
	 * data, and no stream is there for them. */
	files_only(&h, (uint64_t)1 << 60, &p);
	seal(&a, area, sizeof(area), h.p, h.n);
	failalloc_after(100);
	rc = open_mem(a.p, a.n, 10, &src, &g, &d);
	allocs = failalloc_count();
	failalloc_off();
	assert_int_equal(rc, LF_OK);
	assert_true(allocs <= 4);
	assert_string_equal(g.codes,
	    "container.too-many-entries 7z.header-bad");
	assert_int_equal(g.info->entries, 10);
	assert_true(g.info->limited);
	assert_int_equal(g.info->declared_files, (uint64_t)1 << 60);
	lf_7zdir_free(d);

	/* An empty-stream vector for 2^40 files in one byte. */
	byte(&p, 0x0e);
	num(&p, 1);
	byte(&p, 0xff);
	files_only(&h, (uint64_t)1 << 40, &p);
	a.n = 0;
	seal(&a, area, sizeof(area), h.p, h.n);
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes,
	    "container.too-many-entries 7z.header-bad");
	lf_7zdir_free(d);

	/* A property larger than the header. */
	p.n = 0;
	byte(&p, 0x11);
	num(&p, 1000);
	byte(&p, 0x00);
	files_only(&h, 1, &p);
	a.n = 0;
	seal(&a, area, sizeof(area), h.p, h.n);
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "7z.header-bad");
	lf_7zdir_free(d);

	/* Names: one without its end, one too many. */
	p.n = 0;
	byte(&p, 0x11);
	num(&p, 4);
	put(&p, "\0a\0b", 4);
	files_only(&h, 1, &p);
	a.n = 0;
	seal(&a, area, sizeof(area), h.p, h.n);
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "7z.header-bad");
	assert_null(lf_7zdir_entry(d, 0)->name);
	lf_7zdir_free(d);
	p.n = 0;
	byte(&p, 0x11);
	num(&p, 5);
	put(&p, "\0\0\0\0\0", 5);
	files_only(&h, 1, &p);
	a.n = 0;
	seal(&a, area, sizeof(area), h.p, h.n);
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "7z.header-bad");
	assert_string_equal(lf_7zdir_entry(d, 0)->name, "");
	lf_7zdir_free(d);

	/* Names in an external stream: not read. */
	p.n = 0;
	byte(&p, 0x11);
	num(&p, 2);
	put(&p, "\1\0", 2);
	files_only(&h, 1, &p);
	a.n = 0;
	seal(&a, area, sizeof(area), h.p, h.n);
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "7z.header-unsupported 7z.header-bad");
	lf_7zdir_free(d);

	/* Streams: 2^62 packed streams, 2^62 blocks, a block of 2^62
	 * streams, streams larger than their block. */
	h.n = 0;
	put(&h, "\x01\x04\x06\x00", 4);
	num(&h, (uint64_t)1 << 62);
	put(&h, "\x09\x01\x00\x00\x00", 5);
	a.n = 0;
	seal(&a, area, sizeof(area), h.p, h.n);
	failalloc_after(100);
	rc = open_mem(a.p, a.n, 0, &src, &g, &d);
	allocs = failalloc_count();
	failalloc_off();
	assert_int_equal(rc, LF_OK);
	assert_true(allocs <= 3);
	assert_string_equal(g.codes, "7z.header-bad");
	lf_7zdir_free(d);
	h.n = 0;
	put(&h, "\x01\x04\x07\x0b", 4);
	num(&h, (uint64_t)1 << 62);
	put(&h, "\x00\x01\x01\x00\x0c\x05\x00\x00\x00", 9);
	a.n = 0;
	seal(&a, area, sizeof(area), h.p, h.n);
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "7z.header-bad");
	lf_7zdir_free(d);
	h.n = 0;
	put(&h, "\x01\x04\x07\x0b\x01\x00\x01\x01\x00\x0c\x05\x00\x08\x0d", 14);
	num(&h, (uint64_t)1 << 62);
	put(&h, "\x09\x01\x00\x00\x00", 5);
	a.n = 0;
	seal(&a, area, sizeof(area), h.p, h.n);
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "7z.header-bad");
	lf_7zdir_free(d);
	h.n = 0;
	put(&h,
	    "\x01\x04\x07\x0b\x01\x00\x01\x01\x00\x0c\x05\x00\x08\x0d\x02"
	    "\x09\x06\x00\x00\x00",
	    20);
	a.n = 0;
	seal(&a, area, sizeof(area), h.p, h.n);
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "7z.header-bad");
	lf_7zdir_free(d);
	/* A block with a hundred coders, and bind pairs out of range. */
	h.n = 0;
	put(&h, "\x01\x04\x07\x0b\x01\x00\x64", 7);
	a.n = 0;
	seal(&a, area, sizeof(area), h.p, h.n);
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "7z.header-bad");
	lf_7zdir_free(d);
	h.n = 0;
	put(&h, "\x01\x04\x07\x0b\x01\x00\x02\x01\x00\x01\x00\x05\x07\x00", 14);
	a.n = 0;
	seal(&a, area, sizeof(area), h.p, h.n);
	assert_int_equal(open_mem(a.p, a.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "7z.header-bad");
	lf_7zdir_free(d);
	free(h.p);
	free(a.p);
	free(p.p);
}

/* ---- another writer ---- */

/* A 7z written by libarchive (LZMA1, LZMA2, stored): every file's size
 * and CRC-32 are those of its content. */
static void
libarchive_7z(void **state)
{
	static const char *const opts[] = {"7zip:compression=lzma1",
	    "7zip:compression=lzma2", "7zip:compression=store"};
	static char big[100000];
	struct archive *w;
	struct archive_entry *ae;
	struct lf_source src;
	struct lf_7zdir *d;
	struct got g;
	const struct lf_7zdir_entry *e;
	uint8_t *buf;
	size_t used, k, i;
	const char *names[] = {"one.txt", "dir", "caf\xc3\xa9.bin", "zero"};
	const char *data[] = {"hello\n", NULL, big, ""};
	size_t lens[] = {6, 0, sizeof(big), 0};

	(void)state;
	/* libarchive converts names through the locale's charset. */
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 251);
	buf = malloc(1 << 20);
	assert_non_null(buf);
	for (k = 0; k < 3; k++) {
		w = archive_write_new();
		assert_int_equal(archive_write_set_format_7zip(w), ARCHIVE_OK);
		assert_int_equal(archive_write_set_options(w, opts[k]),
		    ARCHIVE_OK);
		assert_int_equal(archive_write_open_memory(w, buf, 1 << 20,
		                     &used),
		    ARCHIVE_OK);
		for (i = 0; i < 4; i++) {
			ae = archive_entry_new();
			archive_entry_set_pathname_utf8(ae, names[i]);
			archive_entry_set_filetype(ae,
			    data[i] == NULL ? AE_IFDIR : AE_IFREG);
			archive_entry_set_perm(ae, 0644);
			archive_entry_set_size(ae, (la_int64_t)lens[i]);
			assert_int_equal(archive_write_header(w, ae),
			    ARCHIVE_OK);
			if (lens[i] > 0)
				assert_int_equal(archive_write_data(w, data[i],
				                     lens[i]),
				    (la_ssize_t)lens[i]);
			archive_entry_free(ae);
		}
		assert_int_equal(archive_write_close(w), ARCHIVE_OK);
		archive_write_free(w);

		assert_int_equal(open_mem(buf, used, 0, &src, &g, &d), LF_OK);
		assert_string_equal(g.codes, "");
		assert_int_equal(g.info->entries, 4);
		for (i = 0; i < 4; i++) {
			e = lf_7zdir_entry(d,
			    lf_7zdir_match(d, (const uint8_t *)names[i],
			        strlen(names[i])));
			assert_non_null(e);
			assert_int_equal(e->directory, data[i] == NULL);
			assert_int_equal(e->has_data, lens[i] > 0);
			assert_int_equal(e->size, lens[i]);
			if (lens[i] > 0) {
				assert_true(e->has_crc);
				assert_int_equal(e->crc32,
				    (uint32_t)crc32(0, (const uint8_t *)data[i],
				        (uInt)lens[i]));
				/* Stored, each file is a block of its own. */
				assert_int_equal(e->block_files, k < 2 ? 2 : 1);
				assert_false(e->encrypted);
			}
		}
		lf_7zdir_free(d);
	}
	free(buf);
}

/* ---- allocations ---- */

static size_t
heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* Allocations that fail: LF_E_NOMEM, no leak, from memory and a file,
 * plain and packed. */
static void
nomem(void **state)
{
	struct zb h, a;
	struct lf_source src;
	struct lf_7zdir *d;
	struct lf_limits l;
	char path[] = "/tmp/test_7zdir.XXXXXX";
	size_t before;
	long k;
	int fd, pass, kind, rc;

	(void)state;
	memset(&h, 0, sizeof(h));
	memset(&a, 0, sizeof(a));
	lf_limits_default(&l);
	for (kind = 0; kind < 2; kind++) {
		a.n = 0;
		if (kind == 0) {
			h.n = 0;
			standard(&h);
			seal(&a, area, sizeof(area), h.p, h.n);
		} else {
			packed(&a, LZMA2, 0, 0);
		}
		memcpy(path + strlen(path) - 6, "XXXXXX", 6);
		assert_true((fd = mkstemp(path)) >= 0);
		(void)unlink(path);
		assert_int_equal(write(fd, a.p, a.n), (ssize_t)a.n);
		for (pass = 0; pass < 2; pass++) {
			if (pass == 0)
				lf_source_memory(&src, a.p, a.n);
			else
				lf_source_file(&src, fd, a.n);
			for (k = 0; k < 60; k++) {
				/* What the C library sets up once is set. */
				assert_int_equal(lf_7zdir_open(&src, &l, NULL,
				                     NULL, &d, NULL),
				    LF_OK);
				lf_7zdir_free(d);
				before = heap_in_use();
				d = NULL;
				failalloc_after(k);
				rc = lf_7zdir_open(&src, &l, NULL, NULL, &d,
				    NULL);
				failalloc_off();
				assert_true(rc == LF_OK || rc == LF_E_NOMEM);
				if (rc == LF_OK) {
					assert_int_equal(
					    lf_7zdir_info(d)->entries, 5);
					lf_7zdir_free(d);
				} else {
					assert_null(d);
				}
				if (heap_in_use() != before)
					fail_msg(
					    "leak at kind %d pass %d k=%ld rc=%d",
					    kind, pass, k, rc);
				if (rc == LF_OK)
					break;
			}
			assert_true(k > 3 && k < 60);
		}
		close(fd);
	}
	free(h.p);
	free(a.p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(plain),
	    cmocka_unit_test(matching),
	    cmocka_unit_test(packed_headers),
	    cmocka_unit_test(damage),
	    cmocka_unit_test(lies),
	    cmocka_unit_test(libarchive_7z),
	    cmocka_unit_test(nomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
