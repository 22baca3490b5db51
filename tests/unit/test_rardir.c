/*
 * Unit tests: lf_rardir, the RAR header walk.
 *
 * Archives are written byte by byte here, as RAR 4's technote.txt and
 * RAR 5's technote.htm lay them out: stored, encrypted (RAR 4 flag
 * 0x0004; RAR 5's file encryption record, plain and "tweaked" CRC),
 * directories, 64-bit sizes, RAR 4 Unicode names in each of the four
 * encodings, a RAR 5 size left unknown; the headers encrypted (RAR 4
 * flag 0x0080, RAR 5 header type 4); and damage: every truncation, a
 * wrong header CRC, data sizes past the end, vints that never end, more
 * files than the limit.  Each ends in its anomaly, never a crash, and
 * failed allocations in LF_E_NOMEM without a leak.
 */
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

#include <cmocka.h>
#include <zlib.h>

#include "failalloc.h"
#include "lf/rardir.h"

void *__real_realloc(void *p, size_t n);

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
u8(struct zb *b, unsigned v)
{
	uint8_t x = (uint8_t)v;

	put(b, &x, 1);
}

static void
u16(struct zb *b, unsigned v)
{
	u8(b, v & 0xff);
	u8(b, v >> 8);
}

static void
u32(struct zb *b, uint32_t v)
{
	u16(b, v & 0xffff);
	u16(b, v >> 16);
}

static void
vint(struct zb *b, uint64_t v)
{
	while (v >= 0x80) {
		u8(b, (unsigned)(0x80 | (v & 0x7f)));
		v >>= 7;
	}
	u8(b, (unsigned)v);
}

/* ---- RAR 4 ---- */

/* A block: HEAD_CRC over the rest, HEAD_TYPE, HEAD_FLAGS, HEAD_SIZE. */
static void
block4(struct zb *out, unsigned type, unsigned flags, const struct zb *body)
{
	struct zb h;

	memset(&h, 0, sizeof(h));
	u8(&h, type);
	u16(&h, flags);
	u16(&h, (unsigned)(7 + body->n));
	put(&h, body->p, body->n);
	u16(out, (unsigned)(crc32(0, h.p, (uInt)h.n) & 0xffff));
	put(out, h.p, h.n);
	free(h.p);
}

static void
file4(struct zb *out, unsigned flags, const void *name, size_t n, uint32_t crc,
    uint64_t size, uint64_t packed, const char *data)
{
	struct zb b;

	memset(&b, 0, sizeof(b));
	flags |= 0x8000;
	u32(&b, (uint32_t)packed);
	u32(&b, (uint32_t)size);
	u8(&b, 2);
	u32(&b, crc);
	u32(&b, 0x5a2e6000u);
	u8(&b, 29);
	u8(&b, 0x30);
	u16(&b, (unsigned)n);
	u32(&b, (flags & 0xe0) == 0xe0 ? 0x10 : 0x20);
	if (flags & 0x0100) {
		u32(&b, (uint32_t)(packed >> 32));
		u32(&b, (uint32_t)(size >> 32));
	}
	put(&b, name, n);
	if (flags & 0x0400)
		put(&b, "saltsalt", 8);
	block4(out, 0x74, flags, &b);
	if (data != NULL)
		put(out, data, (size_t)packed);
	free(b.p);
}

static void
start4(struct zb *out, unsigned main_flags)
{
	struct zb b;

	memset(&b, 0, sizeof(b));
	put(out, "Rar!\x1a\x07\x00", 7);
	u16(&b, 0);
	u32(&b, 0);
	block4(out, 0x73, main_flags, &b);
	free(b.p);
}

static void
end4(struct zb *out)
{
	struct zb b;

	memset(&b, 0, sizeof(b));
	block4(out, 0x7b, 0x4000, &b);
}

/* "a.txt" stored, "docs" a directory, "docs\e.bin" encrypted (16 bytes
 * packed for 5), a Unicode name "b\u00e9\u4e2d\u00e8x" (b and U+00E9 in
 * form 0, U+4E2D in form 2, the last two by a run from the 8-bit name
 * with a correction of 0), a 5 GiB file with its high sizes (flag 0x100,
 * no data here: the last). */
static void
archive4(struct zb *a)
{
	static const uint8_t uname[] = {'b', 0xe9, '?', 0xe8, 'x',
	    0x00,       /* the 8-bit name, then the encoded one */
	    0x00,       /* high byte */
	    0x0b,       /* forms 0, 0, 2, 3 */
	    'b', 0xe9,  /* forms 0 */
	    0x2d, 0x4e, /* form 2 */
	    0x80, 0x00};

	start4(a, 0);
	file4(a, 0, "a.txt", 5, 0x11111111u, 6, 6, "hello\n");
	file4(a, 0xe0, "docs", 4, 0, 0, 0, "");
	file4(a, 0x0004 | 0x0400, "docs\\e.bin", 10, 0x22222222u, 5, 16,
	    "0123456789abcdef");
	file4(a, 0x0200, uname, sizeof(uname), 0x33333333u, 0, 0, "");
	file4(a, 0x0100, "big", 3, 0x44444444u, 5ull << 30, 0, NULL);
}

/* ---- RAR 5 ---- */

/* A header: CRC-32 of size and fields, size, fields. */
static void
head5(struct zb *out, const struct zb *f)
{
	struct zb s;

	memset(&s, 0, sizeof(s));
	vint(&s, f->n);
	put(&s, f->p, f->n);
	u32(out, (uint32_t)crc32(0, s.p, (uInt)s.n));
	put(out, s.p, s.n);
	free(s.p);
}

enum enc5 { NONE, PLAIN, TWEAKED };

static void
file5(struct zb *out, const char *name, bool dir, uint64_t size, uint32_t crc,
    enum enc5 enc, uint64_t packed, bool unknown)
{
	struct zb f, x;
	size_t i;

	memset(&f, 0, sizeof(f));
	memset(&x, 0, sizeof(x));
	if (enc != NONE) {
		struct zb r;
		memset(&r, 0, sizeof(r));
		vint(&r, 1); /* file encryption */
		vint(&r, 0);
		vint(&r, enc == TWEAKED ? 3 : 1);
		u8(&r, 15);
		for (i = 0; i < 44; i++)
			u8(&r, (unsigned)i);
		vint(&x, r.n);
		put(&x, r.p, r.n);
		free(r.p);
	}
	vint(&f, 2);
	vint(&f, x.n > 0 ? 3 : 2);
	if (x.n > 0)
		vint(&f, x.n);
	vint(&f, packed);
	vint(&f, (dir ? 1 : 4) | (unknown ? 8 : 0));
	vint(&f, size);
	vint(&f, dir ? 0x10 : 0x20);
	if (!dir)
		u32(&f, crc);
	vint(&f, 0);
	vint(&f, 0);
	vint(&f, strlen(name));
	put(&f, name, strlen(name));
	put(&f, x.p, x.n);
	head5(out, &f);
	for (i = 0; i < packed; i++)
		u8(out, 0x5a);
	free(f.p);
	free(x.p);
}

static void
simple5(struct zb *out, unsigned type)
{
	struct zb f;

	memset(&f, 0, sizeof(f));
	vint(&f, type);
	vint(&f, 0);
	vint(&f, 0);
	head5(out, &f);
	free(f.p);
}

static void
archive5(struct zb *a)
{
	put(a, "Rar!\x1a\x07\x01\x00", 8);
	simple5(a, 1);
	file5(a, "a.txt", false, 6, 0x11111111u, NONE, 6, false);
	file5(a, "docs", true, 0, 0, NONE, 0, false);
	file5(a, "docs/e.bin", false, 5, 0x22222222u, PLAIN, 16, false);
	file5(a, "docs/t.bin", false, 5, 0x33333333u, TWEAKED, 16, false);
	file5(a, "caf\xc3\xa9", false, 7, 0x44444444u, NONE, 7, true);
	simple5(a, 5);
}

/* ---- reading ---- */

struct got {
	char codes[1024];
	const struct lf_rardir_info *info;
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
open_mem(const uint8_t *p, size_t n, uint64_t max, struct got *g,
    struct lf_rardir **d)
{
	struct lf_source src;
	struct lf_limits l;
	int rc;

	lf_limits_default(&l);
	if (max > 0)
		l.container_entries = max;
	memset(g, 0, sizeof(*g));
	lf_source_memory(&src, p, n);
	rc = lf_rardir_open(&src, &l, on_anomaly, g, d, NULL);
	if (rc == LF_OK)
		g->info = lf_rardir_info(*d);
	return rc;
}

static void
check4(struct lf_rardir *d)
{
	const struct lf_rardir_entry *e;

	assert_int_equal(lf_rardir_info(d)->version, 4);
	assert_int_equal(lf_rardir_info(d)->entries, 5);
	assert_true(lf_rardir_info(d)->any_encrypted);
	e = lf_rardir_entry(d, 0);
	assert_string_equal(e->name, "a.txt");
	assert_false(e->encrypted);
	assert_true(e->has_crc);
	assert_int_equal(e->crc32, 0x11111111u);
	assert_int_equal(e->size, 6);
	assert_int_equal(e->packed_size, 6);
	assert_int_equal(e->offset, 7 + 13);
	e = lf_rardir_entry(d, 1);
	assert_string_equal(e->name, "docs");
	assert_true(e->directory);
	assert_false(e->has_crc);
	e = lf_rardir_entry(d, 2);
	assert_string_equal(e->name, "docs/e.bin");
	assert_true(e->encrypted);
	assert_int_equal(e->crc32, 0x22222222u);
	assert_int_equal(e->size, 5);
	assert_int_equal(e->packed_size, 16);
	e = lf_rardir_entry(d, 3);
	assert_string_equal(e->name, "b\xc3\xa9\xe4\xb8\xad\xc3\xa8x");
	e = lf_rardir_entry(d, 4);
	assert_string_equal(e->name, "big");
	assert_int_equal(e->size, 5ull << 30);
	assert_null(lf_rardir_entry(d, 5));
}

static void
rar4(void **state)
{
	struct zb a;
	struct lf_rardir *d;
	struct lf_source src;
	struct lf_limits l;
	struct got g;
	char path[] = "/tmp/test_rardir.XXXXXX";
	int fd;

	(void)state;
	memset(&a, 0, sizeof(a));
	archive4(&a);
	assert_int_equal(open_mem(a.p, a.n, 0, &g, &d), LF_OK);
	assert_string_equal(g.codes, "");
	check4(d);
	/* Matching: the header at the member's place, by its name. */
	assert_int_equal(lf_rardir_match(d, 0, (const uint8_t *)"a.txt", 5), 0);
	assert_int_equal(lf_rardir_match(d, 1, (const uint8_t *)"docs/", 5), 1);
	assert_int_equal(lf_rardir_match(d, 1, (const uint8_t *)"docs", 4), 1);
	assert_int_equal(lf_rardir_match(d, 0, (const uint8_t *)"a.tx", 4),
	    LF_RARDIR_NONE);
	assert_int_equal(lf_rardir_match(d, 2, (const uint8_t *)"a.txt", 5),
	    LF_RARDIR_NONE);
	assert_int_equal(lf_rardir_match(d, 9, (const uint8_t *)"a.txt", 5),
	    LF_RARDIR_NONE);
	lf_rardir_free(d);

	/* From a file; and with an end header. */
	end4(&a);
	assert_true((fd = mkstemp(path)) >= 0);
	(void)unlink(path);
	assert_int_equal(write(fd, a.p, a.n), (ssize_t)a.n);
	lf_source_file(&src, fd, a.n);
	lf_limits_default(&l);
	assert_int_equal(lf_rardir_open(&src, &l, NULL, NULL, &d, NULL), LF_OK);
	check4(d);
	lf_rardir_free(d);
	close(fd);

	/* The limit. */
	assert_int_equal(open_mem(a.p, a.n, 2, &g, &d), LF_OK);
	assert_string_equal(g.codes, "container.too-many-entries");
	assert_int_equal(g.info->entries, 2);
	assert_true(g.info->limited);
	lf_rardir_free(d);

	/* Headers encrypted. */
	a.n = 0;
	start4(&a, 0x0080);
	put(&a, "saltsalt0123456789abcdef", 24);
	assert_int_equal(open_mem(a.p, a.n, 0, &g, &d), LF_OK);
	assert_string_equal(g.codes, "rar.header-encrypted");
	assert_true(g.info->header_encrypted);
	assert_int_equal(g.info->entries, 0);
	lf_rardir_free(d);

	/* Not RAR. */
	assert_int_equal(open_mem((const uint8_t *)"Rar!\x1a\x07\x02xx", 9, 0,
	                     &g, &d),
	    LF_E_FORMAT);
	assert_int_equal(open_mem((const uint8_t *)"Rar!", 4, 0, &g, &d),
	    LF_E_FORMAT);
	free(a.p);
}

static void
rar5(void **state)
{
	struct zb a;
	struct lf_rardir *d;
	struct got g;
	const struct lf_rardir_entry *e;

	(void)state;
	memset(&a, 0, sizeof(a));
	archive5(&a);
	assert_int_equal(open_mem(a.p, a.n, 0, &g, &d), LF_OK);
	assert_string_equal(g.codes, "");
	assert_int_equal(g.info->version, 5);
	assert_int_equal(g.info->entries, 5);
	assert_true(g.info->any_encrypted);
	e = lf_rardir_entry(d, 0);
	assert_string_equal(e->name, "a.txt");
	assert_false(e->encrypted);
	assert_true(e->has_crc);
	assert_int_equal(e->crc32, 0x11111111u);
	assert_int_equal(e->packed_size, 6);
	e = lf_rardir_entry(d, 1);
	assert_true(e->directory);
	assert_false(e->has_crc);
	e = lf_rardir_entry(d, 2);
	assert_true(e->encrypted);
	assert_true(e->has_crc);
	assert_int_equal(e->crc32, 0x22222222u);
	assert_int_equal(e->size, 5);
	assert_int_equal(e->packed_size, 16);
	e = lf_rardir_entry(d, 3);
	assert_true(e->encrypted);
	assert_false(e->has_crc); /* tweaked */
	e = lf_rardir_entry(d, 4);
	assert_string_equal(e->name, "caf\xc3\xa9");
	assert_int_equal(e->size, UINT64_MAX);
	assert_int_equal(lf_rardir_match(d, 4, (const uint8_t *)"caf\xc3\xa9",
	                     5),
	    4);
	lf_rardir_free(d);

	/* Headers encrypted: type 4 after the signature. */
	a.n = 0;
	put(&a, "Rar!\x1a\x07\x01\x00", 8);
	simple5(&a, 4);
	put(&a, "0123456789abcdef0123456789abcdef", 32);
	assert_int_equal(open_mem(a.p, a.n, 0, &g, &d), LF_OK);
	assert_string_equal(g.codes, "rar.header-encrypted");
	assert_true(g.info->header_encrypted);
	lf_rardir_free(d);
	free(a.p);
}

/* Every truncation, a wrong CRC, sizes past the end, a vint that never
 * ends: LF_OK, anomalies, never more files than written. */
static void
damage(void **state)
{
	struct zb a, b;
	struct lf_rardir *d;
	struct got g;
	size_t k;
	int v;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	for (v = 4; v <= 5; v++) {
		a.n = 0;
		if (v == 4)
			archive4(&a);
		else
			archive5(&a);
		for (k = 7; k < a.n; k++) {
			int rc = open_mem(a.p, k, 0, &g, &d);
			if (v == 5 && k < 8) {
				assert_int_equal(rc, LF_E_FORMAT);
				continue;
			}
			assert_int_equal(rc, LF_OK);
			assert_true(g.info->entries <= 5);
			lf_rardir_free(d);
		}
		/* A bit flipped everywhere past the signature. */
		for (k = (size_t)(v == 4 ? 7 : 8) * 8; k < a.n * 8; k++) {
			a.p[k / 8] ^= (uint8_t)(1u << (k % 8));
			assert_int_equal(open_mem(a.p, a.n, 0, &g, &d), LF_OK);
			assert_true(g.info->entries <= 6);
			lf_rardir_free(d);
			a.p[k / 8] ^= (uint8_t)(1u << (k % 8));
		}
	}

	/* RAR 4: a wrong CRC is said, the header read; data past the end. */
	a.n = 0;
	archive4(&a);
	a.p[7 + 13] ^= 1;
	assert_int_equal(open_mem(a.p, a.n, 0, &g, &d), LF_OK);
	assert_string_equal(g.codes, "rar.header-crc");
	assert_int_equal(g.info->entries, 5);
	lf_rardir_free(d);
	a.n = 0;
	start4(&a, 0);
	file4(&a, 0, "a.txt", 5, 1, 6, 0xfffffff0u, NULL);
	put(&a, "hello\n", 6);
	assert_int_equal(open_mem(a.p, a.n, 0, &g, &d), LF_OK);
	assert_string_equal(g.codes, "rar.header-bad");
	assert_int_equal(g.info->entries, 1);
	lf_rardir_free(d);
	/* A name longer than its header. */
	a.n = 0;
	start4(&a, 0);
	u32(&b, 0);
	b.n = 0;
	for (k = 0; k < 25; k++)
		u8(&b, k == 19 ? 0xff : 0);
	block4(&a, 0x74, 0x8000, &b);
	assert_int_equal(open_mem(a.p, a.n, 0, &g, &d), LF_OK);
	assert_string_equal(g.codes, "rar.header-bad");
	assert_int_equal(g.info->entries, 0);
	lf_rardir_free(d);

	/* RAR 5: a header size that never ends, one past 2 MiB, data past
	 * the end. */
	a.n = 0;
	put(&a, "Rar!\x1a\x07\x01\x00\0\0\0\0", 12);
	for (k = 0; k < 12; k++)
		u8(&a, 0xff);
	assert_int_equal(open_mem(a.p, a.n, 0, &g, &d), LF_OK);
	assert_string_equal(g.codes, "rar.header-bad");
	lf_rardir_free(d);
	a.n = 0;
	put(&a, "Rar!\x1a\x07\x01\x00\0\0\0\0", 12);
	vint(&a, 3u << 20);
	assert_int_equal(open_mem(a.p, a.n, 0, &g, &d), LF_OK);
	assert_string_equal(g.codes, "rar.header-bad");
	lf_rardir_free(d);
	a.n = 0;
	put(&a, "Rar!\x1a\x07\x01\x00", 8);
	file5(&a, "a.txt", false, 6, 1, NONE, 0, false);
	a.n -= 0; /* the data size is 0: now declare 2^60 */
	b.n = 0;
	vint(&b, 2);
	vint(&b, 2);
	vint(&b, 1ull << 60);
	vint(&b, 4);
	vint(&b, 6);
	vint(&b, 0x20);
	u32(&b, 1);
	vint(&b, 0);
	vint(&b, 0);
	vint(&b, 1);
	u8(&b, 'x');
	head5(&a, &b);
	assert_int_equal(open_mem(a.p, a.n, 0, &g, &d), LF_OK);
	assert_string_equal(g.codes, "rar.header-bad");
	assert_int_equal(g.info->entries, 2);
	lf_rardir_free(d);
	free(a.p);
	free(b.p);
}

static size_t
heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static void
nomem(void **state)
{
	struct zb a;
	struct lf_rardir *d;
	struct lf_source src;
	struct lf_limits l;
	char path[] = "/tmp/test_rardir.XXXXXX";
	size_t before;
	long k;
	int fd, v, pass, rc, rep;

	(void)state;
	memset(&a, 0, sizeof(a));
	lf_limits_default(&l);
	for (v = 4; v <= 5; v++) {
		a.n = 0;
		if (v == 4)
			archive4(&a);
		else
			archive5(&a);
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
				/* The same failing call ten times, the heap
				 * measured around the last: a leak grows it
				 * every time, while the C library's caches
				 * (glibc keeps up to 7 freed chunks of a size
				 * aside, counted as in use) are full by
				 * then. */
				for (rep = 0; rep < 10; rep++) {
					before = heap_in_use();
					d = NULL;
					failalloc_after(k);
					rc = lf_rardir_open(&src, &l, NULL,
					    NULL, &d, NULL);
					failalloc_off();
					assert_true(
					    rc == LF_OK || rc == LF_E_NOMEM);
					if (rc == LF_OK) {
						assert_int_equal(
						    lf_rardir_info(d)->entries,
						    5);
						lf_rardir_free(d);
					} else {
						assert_null(d);
					}
				}
				if (heap_in_use() != before)
					fail_msg(
					    "leak at v=%d pass %d k=%ld rc %d",
					    v, pass, k, rc);
				if (rc == LF_OK)
					break;
			}
			assert_true(k > 3 && k < 60);
		}
		close(fd);
	}
	free(a.p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rar4),
	    cmocka_unit_test(rar5),
	    cmocka_unit_test(damage),
	    cmocka_unit_test(nomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
