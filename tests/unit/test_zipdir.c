/*
 * Unit tests: lf_zipdir, the central directory reader.
 *
 * Directories are written byte by byte here, as APPNOTE.TXT lays them
 * out, and read back from memory and from a file: the end record with
 * and without a comment (the longest there can be, and one byte past
 * it), Zip64 end records and extra fields, WinZip AES fields (AE-1 keeps
 * the CRC-32, AE-2 stores none), names holding NUL, names repeated,
 * Unicode Path fields, members matched without a name, and damage: every truncation, counts and sizes
 * that lie, directories moved or missing, extra fields that run over.
 * Each damage must end in its anomaly without a crash, and failed
 * allocations in LF_E_NOMEM without a leak.  The CRC-32 values of real
 * content are those zipinfo and 7-Zip print for the same bytes.
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

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "failalloc.h"
#include "lf/zipdir.h"

void *__real_realloc(void *p, size_t n);

/* CRC-32 of "hello\n" and of "MZ\x90 binary", as zipinfo -v prints them. */
#define CRC_HELLO 0x363a3020u
#define CRC_BINARY 0xf8adea45u

/* ---- writing zips ---- */

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
u16(struct zb *b, uint32_t v)
{
	uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

	put(b, x, 2);
}

static void
u32(struct zb *b, uint32_t v)
{
	u16(b, v & 0xffff);
	u16(b, v >> 16);
}

static void
u64(struct zb *b, uint64_t v)
{
	u32(b, (uint32_t)v);
	u32(b, (uint32_t)(v >> 32));
}

struct crec {
	const char *name;
	size_t name_len; /* 0: strlen(name) */
	uint16_t flags, method;
	uint32_t crc, csize, usize, local;
	const uint8_t *extra;
	size_t extra_len;
	size_t comment_len;
	uint16_t lie_name_len; /* non-zero: declared instead of the real */
};

static void
cdh(struct zb *b, const struct crec *r)
{
	size_t n = r->name_len > 0 ? r->name_len : strlen(r->name), i;

	put(b, "PK\1\2", 4);
	u16(b, 0x031e); /* made by Unix, 3.0 */
	u16(b, 20);
	u16(b, r->flags);
	u16(b, r->method);
	u32(b, 0x5a215a21); /* time and date */
	u32(b, r->crc);
	u32(b, r->csize);
	u32(b, r->usize);
	u16(b, r->lie_name_len != 0 ? r->lie_name_len : (uint32_t)n);
	u16(b, (uint32_t)r->extra_len);
	u16(b, (uint32_t)r->comment_len);
	u16(b, 0);
	u16(b, 0);
	u32(b, 0x81a40000u);
	u32(b, r->local);
	put(b, r->name, n);
	put(b, r->extra, r->extra_len);
	for (i = 0; i < r->comment_len; i++)
		put(b, "c", 1);
}

static void
eocd(struct zb *b, uint32_t count, uint32_t size, uint32_t off,
    uint32_t comment_declared, size_t comment_len)
{
	size_t i;

	put(b, "PK\5\6", 4);
	u16(b, 0);
	u16(b, 0);
	u16(b, count);
	u16(b, count);
	u32(b, size);
	u32(b, off);
	u16(b, comment_declared);
	for (i = 0; i < comment_len; i++)
		put(b, "#", 1);
}

/* Bytes standing for the members: the reader never looks at them. */
static void
members(struct zb *b, size_t n)
{
	size_t i;

	put(b, "PK\3\4", 4);
	for (i = 4; i < n; i++)
		put(b, "\x55", 1);
}

/* A plain zip of three records (a.txt, docs/, docs/b.bin) with an
 * archive comment of comment bytes. */
static void
plain(struct zb *b, size_t comment)
{
	const struct crec r[] = {
	    {.name = "a.txt", .crc = CRC_HELLO, .csize = 6, .usize = 6},
	    {.name = "docs/", .local = 36},
	    {.name = "docs/b.bin",
	        .flags = 8,
	        .method = 8,
	        .crc = CRC_BINARY,
	        .csize = 12,
	        .usize = 10,
	        .local = 71},
	};
	size_t start, i;

	memset(b, 0, sizeof(*b));
	members(b, 123);
	start = b->n;
	for (i = 0; i < 3; i++)
		cdh(b, &r[i]);
	eocd(b, 3, (uint32_t)(b->n - start), (uint32_t)start, (uint32_t)comment,
	    comment);
}

/* ---- reading them ---- */

struct got {
	char codes[1024];
	int nanoms;
	const struct lf_zipdir_info *info;
};

static void
on_anomaly(void *arg, const struct lf_anomaly *a)
{
	struct got *g = arg;
	size_t len = strlen(g->codes);

	assert_non_null(a->detail);
	(void)snprintf(g->codes + len, sizeof(g->codes) - len, "%s%s",
	    len > 0 ? " " : "", a->code);
	g->nanoms++;
}

static int
open_mem(const uint8_t *p, size_t n, uint64_t max, struct lf_source *src,
    struct got *g, struct lf_zipdir **d)
{
	struct lf_limits l;
	int rc;

	lf_limits_default(&l);
	if (max > 0)
		l.container_entries = max;
	memset(g, 0, sizeof(*g));
	lf_source_memory(src, p, n);
	rc = lf_zipdir_open(src, &l, on_anomaly, g, d, NULL);
	if (rc == LF_OK)
		g->info = lf_zipdir_info(*d);
	return rc;
}

static void
check_name(struct lf_zipdir *d, size_t i, const char *want, size_t n)
{
	const uint8_t *p;
	size_t len;

	assert_int_equal(lf_zipdir_name(d, i, &p, &len, NULL), LF_OK);
	assert_int_equal(len, n);
	assert_memory_equal(p, want, n);
}

static void
check_plain(struct lf_zipdir *d, const struct lf_zipdir_info *in)
{
	const struct lf_zipdir_entry *e;

	assert_int_equal(in->entries, 3);
	assert_int_equal(in->declared_entries, 3);
	assert_int_equal(in->offset, 123);
	assert_int_equal(in->zip64_offset, UINT64_MAX);
	check_name(d, 0, "a.txt", 5);
	check_name(d, 1, "docs/", 5);
	check_name(d, 2, "docs/b.bin", 10);
	e = lf_zipdir_entry(d, 0);
	assert_int_equal(e->offset, 123);
	assert_int_equal(e->crc32, CRC_HELLO);
	assert_int_equal(e->crc, LF_ZIPDIR_CRC_STORED);
	assert_int_equal(e->compressed_size, 6);
	assert_int_equal(e->uncompressed_size, 6);
	e = lf_zipdir_entry(d, 2);
	assert_int_equal(e->crc32, CRC_BINARY);
	assert_int_equal(e->flags, 8);
	assert_int_equal(e->method, 8);
	assert_int_equal(e->compressed_size, 12);
	assert_int_equal(e->uncompressed_size, 10);
	assert_int_equal(e->local_offset, 71);
	assert_int_equal(e->version_made, 0x031e);
	assert_null(lf_zipdir_entry(d, 3));
	assert_int_equal(lf_zipdir_name(d, 3, &(const uint8_t *){NULL},
	                     &(size_t){0}, NULL),
	    LF_E_INVAL);
}

static void
plain_and_comments(void **state)
{
	struct lf_source src;
	struct lf_zipdir *d;
	struct got g;
	struct zb b;

	(void)state;
	plain(&b, 0);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	check_plain(d, g.info);
	assert_int_equal(g.info->eocd_offset, b.n - 22);
	assert_string_equal(g.codes, "");
	lf_zipdir_free(d);
	free(b.p);

	/* The longest comment: the end record is the first byte searched. */
	plain(&b, 65535);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	check_plain(d, g.info);
	assert_int_equal(g.info->eocd_offset, b.n - LF_ZIPDIR_TAIL);
	assert_int_equal(g.info->comment_len, 65535);
	assert_string_equal(g.codes, "");
	lf_zipdir_free(d);
	/* One byte more after it: out of reach. */
	put(&b, "!", 1);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_E_FORMAT);
	free(b.p);

	/* A comment that says 10 bytes and has 13; one that says 500. */
	plain(&b, 0);
	b.n -= 2;
	u16(&b, 10);
	put(&b, "0123456789abc", 13);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	check_plain(d, g.info);
	assert_string_equal(g.codes, "zip.eocd-comment");
	lf_zipdir_free(d);
	b.n -= 15;
	u16(&b, 500);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	check_plain(d, g.info);
	assert_string_equal(g.codes, "zip.eocd-comment");
	lf_zipdir_free(d);
	free(b.p);

	/* A false end record inside the comment, with a comment length that
	 * cannot fit: the real one is taken. */
	plain(&b, 0);
	b.n -= 2;
	u16(&b, 30);
	eocd(&b, 7, 1, 2, 0xffff, 0);
	put(&b, "--------", 8);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	check_plain(d, g.info);
	assert_string_equal(g.codes, "");
	lf_zipdir_free(d);
	free(b.p);

	/* Too short, no signature, nothing at all. */
	assert_int_equal(open_mem((const uint8_t *)"PK\5\6", 4, 0, &src, &g,
	                     &d),
	    LF_E_FORMAT);
	assert_int_equal(open_mem((const uint8_t *)"", 0, 0, &src, &g, &d),
	    LF_E_FORMAT);
	memset(&b, 0, sizeof(b));
	members(&b, 5000);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_E_FORMAT);
	free(b.p);

	/* An empty archive: the end record alone. */
	memset(&b, 0, sizeof(b));
	eocd(&b, 0, 0, 0, 0, 0);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	assert_int_equal(g.info->entries, 0);
	assert_string_equal(g.codes, "");
	lf_zipdir_free(d);
	free(b.p);
}

/* The same reading from a file as from memory. */
static void
file_source(void **state)
{
	char path[] = "/tmp/test_zipdir.XXXXXX";
	struct lf_source src;
	struct lf_limits l;
	struct lf_zipdir *d;
	struct got g;
	struct zb b;
	size_t k;
	int fd;

	(void)state;
	plain(&b, 1000);
	assert_true((fd = mkstemp(path)) >= 0);
	(void)unlink(path);
	assert_int_equal(write(fd, b.p, b.n), (ssize_t)b.n);
	lf_limits_default(&l);
	memset(&g, 0, sizeof(g));
	lf_source_file(&src, fd, b.n);
	assert_int_equal(lf_zipdir_open(&src, &l, on_anomaly, &g, &d, NULL),
	    LF_OK);
	check_plain(d, lf_zipdir_info(d));
	assert_int_equal(lf_zipdir_match(d, (const uint8_t *)"docs/b.bin", 10,
	                     &k, NULL),
	    LF_OK);
	assert_int_equal(k, 2);
	lf_zipdir_free(d);
	/* A file shorter than the source says: an I/O error, no crash. */
	assert_int_equal(ftruncate(fd, 100), 0);
	assert_int_equal(lf_zipdir_open(&src, &l, on_anomaly, &g, &d, NULL),
	    LF_E_IO);
	close(fd);
	free(b.p);
}

static void
zip64(void **state)
{
	static const uint64_t usize = 5ull << 30, csize = 0x100000001ull,
	                      local = 0x200000000ull;
	const struct lf_zipdir_entry *e;
	struct lf_source src;
	struct lf_zipdir *d;
	struct got g;
	struct zb b, x;
	size_t start, cd, z64, prefix;

	(void)state;
	for (prefix = 0; prefix <= 1000; prefix += 1000) {
		memset(&x, 0, sizeof(x));
		u16(&x, 0x0001);
		u16(&x, 24);
		u64(&x, usize);
		u64(&x, csize);
		u64(&x, local);
		memset(&b, 0, sizeof(b));
		members(&b, prefix + 30);
		start = b.n;
		cdh(&b,
		    &(struct crec){.name = "big.bin",
		        .method = 8,
		        .crc = 0xdeadbeef,
		        .csize = 0xffffffff,
		        .usize = 0xffffffff,
		        .local = 0xffffffff,
		        .extra = x.p,
		        .extra_len = x.n});
		cd = b.n - start;
		z64 = b.n;
		put(&b, "PK\6\6", 4);
		u64(&b, 44);
		u16(&b, 45);
		u16(&b, 45);
		u32(&b, 0);
		u32(&b, 0);
		u64(&b, 1);
		u64(&b, 1);
		u64(&b, cd);
		u64(&b, start - prefix); /* as written before the prefix */
		put(&b, "PK\6\7", 4);
		u32(&b, 0);
		u64(&b, z64 - prefix);
		u32(&b, 1);
		eocd(&b, 0xffff, 0xffffffff, 0xffffffff, 0, 0);
		assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
		assert_string_equal(g.codes,
		    prefix == 0 ? "" : "zip.directory-moved");
		assert_int_equal(g.info->zip64_offset, z64);
		assert_int_equal(g.info->declared_entries, 1);
		assert_int_equal(g.info->declared_size, cd);
		assert_int_equal(g.info->offset, start);
		assert_int_equal(g.info->entries, 1);
		e = lf_zipdir_entry(d, 0);
		assert_int_equal(e->uncompressed_size, usize);
		assert_int_equal(e->compressed_size, csize);
		assert_int_equal(e->local_offset, local);
		assert_int_equal(e->crc32, 0xdeadbeef);
		check_name(d, 0, "big.bin", 7);
		lf_zipdir_free(d);

		/* The locator points nowhere: the 32-bit values, which
		 * defer to it, find no directory. */
		b.p[b.n - 22 - 20 + 8] ^= 0x40;
		if (prefix == 0) {
			/* ... unless the record is right before it. */
			assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d),
			    LF_OK);
			assert_int_equal(g.info->zip64_offset, z64);
			lf_zipdir_free(d);
		}
		b.p[z64] = 'X';
		assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
		assert_string_equal(g.codes,
		    "zip.zip64-bad zip.directory-missing");
		assert_int_equal(g.info->zip64_offset, UINT64_MAX);
		assert_int_equal(g.info->entries, 0);
		lf_zipdir_free(d);
		free(b.p);

		/* The Zip64 field lacks the values deferred to it. */
		memset(&b, 0, sizeof(b));
		members(&b, 30);
		start = b.n;
		cdh(&b,
		    &(struct crec){.name = "big.bin",
		        .csize = 0xffffffff,
		        .usize = 0xffffffff,
		        .extra = x.p,
		        .extra_len = 12});
		eocd(&b, 1, (uint32_t)(b.n - start), (uint32_t)start, 0, 0);
		/* 12 bytes of a 28-byte field: it runs over, and the sizes
		 * are not known. */
		assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
		assert_string_equal(g.codes, "zip.extra-bad zip.extra-bad");
		e = lf_zipdir_entry(d, 0);
		assert_int_equal(e->uncompressed_size, UINT64_MAX);
		assert_int_equal(e->compressed_size, UINT64_MAX);
		lf_zipdir_free(d);
		free(b.p);
		free(x.p);
	}
}

/* A Zip64 field holds only what its record defers, in APPNOTE's order. */
static void
zip64_fields(void **state)
{
	const struct lf_zipdir_entry *e;
	struct lf_source src;
	struct lf_zipdir *d;
	struct got g;
	struct zb b, x;
	size_t start;

	(void)state;
	memset(&x, 0, sizeof(x));
	u16(&x, 0x0001);
	u16(&x, 8);
	u64(&x, 0x123456789ull);
	memset(&b, 0, sizeof(b));
	members(&b, 30);
	start = b.n;
	/* Only the compressed size: the one value is that. */
	cdh(&b,
	    &(struct crec){.name = "c",
	        .csize = 0xffffffff,
	        .usize = 7,
	        .local = 3,
	        .extra = x.p,
	        .extra_len = x.n});
	/* Only the local header offset. */
	cdh(&b,
	    &(struct crec){.name = "l",
	        .csize = 5,
	        .usize = 7,
	        .local = 0xffffffff,
	        .extra = x.p,
	        .extra_len = x.n});
	/* Only the uncompressed size. */
	cdh(&b,
	    &(struct crec){.name = "u",
	        .csize = 5,
	        .usize = 0xffffffff,
	        .local = 4,
	        .extra = x.p,
	        .extra_len = x.n});
	eocd(&b, 3, (uint32_t)(b.n - start), (uint32_t)start, 0, 0);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "");
	e = lf_zipdir_entry(d, 0);
	assert_int_equal(e->compressed_size, 0x123456789ull);
	assert_int_equal(e->uncompressed_size, 7);
	assert_int_equal(e->local_offset, 3);
	e = lf_zipdir_entry(d, 1);
	assert_int_equal(e->compressed_size, 5);
	assert_int_equal(e->local_offset, 0x123456789ull);
	e = lf_zipdir_entry(d, 2);
	assert_int_equal(e->uncompressed_size, 0x123456789ull);
	assert_int_equal(e->compressed_size, 5);
	lf_zipdir_free(d);
	free(b.p);
	free(x.p);
}

/* End records that disagree: the Zip64 one wins. */
static void
zip64_disagrees(void **state)
{
	struct lf_source src;
	struct lf_zipdir *d;
	struct got g;
	struct zb b;
	size_t start, cd, z64;

	(void)state;
	memset(&b, 0, sizeof(b));
	members(&b, 30);
	start = b.n;
	cdh(&b, &(struct crec){.name = "one", .crc = 1});
	cdh(&b, &(struct crec){.name = "two", .crc = 2});
	cd = b.n - start;
	z64 = b.n;
	put(&b, "PK\6\6", 4);
	u64(&b, 44);
	u32(&b, 0x002d002d);
	u32(&b, 0);
	u32(&b, 0);
	u64(&b, 2);
	u64(&b, 2);
	u64(&b, cd);
	u64(&b, start);
	put(&b, "PK\6\7", 4);
	u32(&b, 0);
	u64(&b, z64);
	u32(&b, 1);
	eocd(&b, 7, (uint32_t)cd, (uint32_t)start, 0, 0);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "zip.zip64-bad");
	assert_int_equal(g.info->declared_entries, 2);
	assert_int_equal(g.info->entries, 2);
	lf_zipdir_free(d);
	free(b.p);
}

static void
aes(void **state)
{
	static const uint8_t ae1[] = {0x01, 0x99, 7, 0, 1, 0, 'A', 'E', 3, 8,
	    0};
	static const uint8_t ae2[] = {0x01, 0x99, 7, 0, 2, 0, 'A', 'E', 1, 0,
	    0};
	static const uint8_t bad[] = {0x01, 0x99, 7, 0, 2, 0, 'X', 'Y', 1, 0,
	    0};
	const struct lf_zipdir_entry *e;
	struct lf_source src;
	struct lf_zipdir *d;
	struct got g;
	struct zb b;
	size_t start;

	(void)state;
	memset(&b, 0, sizeof(b));
	members(&b, 100);
	start = b.n;
	cdh(&b,
	    &(struct crec){.name = "ae1",
	        .flags = 1,
	        .method = 99,
	        .crc = CRC_HELLO,
	        .csize = 34,
	        .usize = 6,
	        .extra = ae1,
	        .extra_len = sizeof(ae1)});
	cdh(&b,
	    &(struct crec){.name = "ae2",
	        .flags = 1,
	        .method = 99,
	        .csize = 34,
	        .usize = 6,
	        .local = 50,
	        .extra = ae2,
	        .extra_len = sizeof(ae2)});
	cdh(&b,
	    &(struct crec){.name = "none",
	        .flags = 1,
	        .method = 99,
	        .csize = 34,
	        .usize = 6,
	        .local = 60});
	cdh(&b,
	    &(struct crec){.name = "bad",
	        .flags = 1,
	        .method = 99,
	        .csize = 34,
	        .usize = 6,
	        .local = 70,
	        .extra = bad,
	        .extra_len = sizeof(bad)});
	/* An AES field on a member that is not AES: ignored. */
	cdh(&b,
	    &(struct crec){.name = "zipcrypto",
	        .flags = 9,
	        .crc = CRC_HELLO,
	        .csize = 18,
	        .usize = 6,
	        .local = 80,
	        .extra = ae2,
	        .extra_len = sizeof(ae2)});
	eocd(&b, 5, (uint32_t)(b.n - start), (uint32_t)start, 0, 0);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "zip.extra-bad zip.extra-bad");
	e = lf_zipdir_entry(d, 0);
	assert_int_equal(e->crc, LF_ZIPDIR_CRC_STORED);
	assert_int_equal(e->crc32, CRC_HELLO);
	assert_int_equal(e->aes_version, 1);
	assert_int_equal(e->aes_strength, 3);
	assert_int_equal(e->aes_method, 8);
	e = lf_zipdir_entry(d, 1);
	assert_int_equal(e->crc, LF_ZIPDIR_CRC_NOT_STORED);
	assert_int_equal(e->aes_version, 2);
	assert_int_equal(e->aes_strength, 1);
	assert_int_equal(e->aes_method, 0);
	assert_int_equal(lf_zipdir_entry(d, 2)->crc, LF_ZIPDIR_CRC_UNKNOWN);
	assert_int_equal(lf_zipdir_entry(d, 3)->crc, LF_ZIPDIR_CRC_UNKNOWN);
	assert_int_equal(lf_zipdir_entry(d, 3)->aes_version, 0);
	e = lf_zipdir_entry(d, 4);
	assert_int_equal(e->crc, LF_ZIPDIR_CRC_STORED);
	assert_int_equal(e->crc32, CRC_HELLO);
	assert_int_equal(e->aes_version, 0);
	assert_int_equal(e->flags & LF_ZIPDIR_ENCRYPTED, 1);
	lf_zipdir_free(d);
	free(b.p);
}

/* Names with NUL, repeated names, DOS names, Unicode Path fields. */
static void
names_and_matching(void **state)
{
	static const uint8_t upath[] = {0x75, 0x70, 14, 0, 1, 0, 0, 0, 0, 'c',
	    'a', 'f', 0xc3, 0xa9, '.', 't', 'x', 't'};
	struct lf_source src;
	struct lf_zipdir *d;
	struct got g;
	struct zb b;
	size_t start, k;

	(void)state;
	memset(&b, 0, sizeof(b));
	members(&b, 1000);
	start = b.n;
	cdh(&b,
	    &(struct crec){.name = "a\0evil.exe",
	        .name_len = 10,
	        .crc = 10,
	        .local = 0});
	/* Two of the same name, the later one first in the directory. */
	cdh(&b, &(struct crec){.name = "x", .crc = 20, .local = 500});
	cdh(&b, &(struct crec){.name = "x", .crc = 21, .local = 100});
	cdh(&b, &(struct crec){.name = "dir\\file", .crc = 30, .local = 600});
	cdh(&b,
	    &(struct crec){.name = "caf\x82.txt",
	        .crc = 40,
	        .local = 700,
	        .extra = upath,
	        .extra_len = sizeof(upath)});
	eocd(&b, 5, (uint32_t)(b.n - start), (uint32_t)start, 0, 0);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "zip.name-nul");
	check_name(d, 0, "a\0evil.exe", 10);

#define MATCH(s, want)                                                    \
	do {                                                              \
		assert_int_equal(lf_zipdir_match(d, (const uint8_t *)(s), \
		                     strlen(s), &k, NULL),                \
		    LF_OK);                                               \
		assert_int_equal(k, (want));                              \
	} while (0)
	/* libarchive stops at the NUL. */
	MATCH("a", 0);
	MATCH("a", LF_ZIPDIR_NONE);
	/* In the order of the local headers. */
	MATCH("x", 2);
	MATCH("x", 1);
	MATCH("x", LF_ZIPDIR_NONE);
	MATCH("dir/file", 3);
	MATCH("dir\\file", LF_ZIPDIR_NONE);
	MATCH("caf\xc3\xa9.txt", 4);
	MATCH("nothing", LF_ZIPDIR_NONE);
	MATCH("", LF_ZIPDIR_NONE);
	lf_zipdir_free(d);

	/* Members without a name take what is left, by local header. */
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	MATCH("x", 2);
	assert_int_equal(lf_zipdir_match_next(d), 0);
	assert_int_equal(lf_zipdir_match_next(d), 1);
	MATCH("dir/file", 3);
	assert_int_equal(lf_zipdir_match_next(d), 4);
	assert_int_equal(lf_zipdir_match_next(d), LF_ZIPDIR_NONE);
	MATCH("x", LF_ZIPDIR_NONE);
	lf_zipdir_free(d);

	/* The raw name wins over a Unicode Path of the same. */
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	MATCH("dir\\file", 3);
	MATCH("caf\x82.txt", 4);
	MATCH("caf\xc3\xa9.txt", LF_ZIPDIR_NONE);
#undef MATCH
	lf_zipdir_free(d);
	free(b.p);
}

/* Counts and sizes that lie, a cut directory, a moved or missing one. */
static void
lies(void **state)
{
	struct lf_source src;
	struct lf_zipdir *d;
	struct got g;
	struct zb b;
	size_t start, end;
	long allocs;
	int rc;

	(void)state;
	memset(&b, 0, sizeof(b));
	members(&b, 40);
	start = b.n;
	cdh(&b, &(struct crec){.name = "one"});
	cdh(&b, &(struct crec){.name = "two"});
	end = b.n;

	/* 65535 declared, 2 there: nothing is sized by the count. */
	eocd(&b, 0xffff, (uint32_t)(end - start), (uint32_t)start, 0, 0);
	failalloc_after(100);
	rc = open_mem(b.p, b.n, 0, &src, &g, &d);
	allocs = failalloc_count();
	failalloc_off();
	assert_int_equal(rc, LF_OK);
	assert_true(allocs <= 4);
	assert_string_equal(g.codes, "zip.directory-truncated");
	assert_int_equal(g.info->entries, 2);
	lf_zipdir_free(d);

	/* 1 declared, 2 there: both read. */
	b.n = end;
	eocd(&b, 1, (uint32_t)(end - start), (uint32_t)start, 0, 0);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "zip.directory-count");
	assert_int_equal(g.info->entries, 2);
	lf_zipdir_free(d);

	/* The size lies; a huge size. */
	b.n = end;
	eocd(&b, 2, 7, (uint32_t)start, 0, 0);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "zip.directory-size");
	lf_zipdir_free(d);
	b.n = end;
	eocd(&b, 2, 0xfffffff0u, (uint32_t)start, 0, 0);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "zip.directory-size");
	assert_int_equal(g.info->entries, 2);
	lf_zipdir_free(d);

	/* The limit. */
	b.n = end;
	eocd(&b, 2, (uint32_t)(end - start), (uint32_t)start, 0, 0);
	assert_int_equal(open_mem(b.p, b.n, 1, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "container.too-many-entries");
	assert_true(g.info->limited);
	assert_int_equal(g.info->entries, 1);
	lf_zipdir_free(d);

	/* Offsets shifted: found where the size puts the directory. */
	b.n = end;
	eocd(&b, 2, (uint32_t)(end - start), (uint32_t)start - 17, 0, 0);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "zip.directory-moved");
	assert_int_equal(g.info->offset, start);
	assert_int_equal(g.info->entries, 2);
	lf_zipdir_free(d);

	/* Nowhere: an offset past the end, and at the end record. */
	b.n = end;
	eocd(&b, 2, 5, 0x7fffffff, 0, 0);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "zip.directory-missing");
	assert_int_equal(g.info->entries, 0);
	lf_zipdir_free(d);
	b.n = end;
	eocd(&b, 2, 0, (uint32_t)end, 0, 0);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "zip.directory-missing");
	lf_zipdir_free(d);

	/* A name length that runs into the end record. */
	b.n = start;
	cdh(&b, &(struct crec){.name = "one"});
	cdh(&b, &(struct crec){.name = "two", .lie_name_len = 40});
	end = b.n;
	eocd(&b, 2, (uint32_t)(end - start), (uint32_t)start, 0, 0);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "zip.directory-truncated");
	assert_int_equal(g.info->entries, 1);
	lf_zipdir_free(d);

	/* An extra field that runs past its area, and one cut short. */
	b.n = start;
	cdh(&b,
	    &(struct crec){.name = "one",
	        .extra = (const uint8_t *)"\x01\x99\x09\x00\x01\x00",
	        .extra_len = 6});
	cdh(&b,
	    &(struct crec){.name = "two",
	        .extra = (const uint8_t *)"\x01\x00\x00",
	        .extra_len = 3});
	end = b.n;
	eocd(&b, 2, (uint32_t)(end - start), (uint32_t)start, 0, 0);
	assert_int_equal(open_mem(b.p, b.n, 0, &src, &g, &d), LF_OK);
	assert_string_equal(g.codes, "zip.extra-bad");
	assert_int_equal(g.info->entries, 2);
	lf_zipdir_free(d);
	free(b.p);
}

/* Every prefix and every single-byte change of a directory. */
static void
damage(void **state)
{
	struct lf_source src;
	struct lf_zipdir *d;
	struct got g;
	struct zb b;
	uint8_t *cut;
	size_t k, i;
	int rc;

	(void)state;
	plain(&b, 20);
	assert_non_null(cut = malloc(b.n));
	for (k = 0; k < b.n; k++) {
		memcpy(cut, b.p, k);
		rc = open_mem(cut, k, 0, &src, &g, &d);
		assert_true(rc == LF_OK || rc == LF_E_FORMAT);
		if (rc != LF_OK)
			continue;
		assert_true(g.info->entries <= 3);
		lf_zipdir_free(d);
	}
	for (k = 123; k < b.n; k++) {
		for (i = 0; i < 3; i++) {
			static const uint8_t v[] = {0x00, 0xff, 0x80};
			memcpy(cut, b.p, b.n);
			cut[k] = v[i];
			rc = open_mem(cut, b.n, 0, &src, &g, &d);
			assert_true(rc == LF_OK || rc == LF_E_FORMAT);
			if (rc != LF_OK)
				continue;
			assert_true(g.info->entries <= 3);
			lf_zipdir_free(d);
		}
	}
	free(cut);
	free(b.p);
}

/*
 * Zips libarchive writes (ZipCrypto, WinZip AES): the records hold the
 * CRC-32 of the content (none for AE-2) and the sizes with the
 * encryption's own bytes.
 */
static void
libarchive_zips(void **state)
{
	static const struct {
		const char *enc;
		uint64_t csize; /* "hello\n": 6 bytes */
		uint16_t method, aes_version;
		enum lf_zipdir_crc crc;
	} cases[] = {
	    {"zip:encryption=zipcrypt", 18, 0, 0, LF_ZIPDIR_CRC_STORED},
	    {"zip:encryption=aes256", 34, 99, 2, LF_ZIPDIR_CRC_NOT_STORED},
	};
	const struct lf_zipdir_entry *e;
	size_t cap = 1 << 16, used, i, k;
	struct archive_entry *ae;
	struct lf_source src;
	struct lf_zipdir *d;
	struct archive *a;
	struct got g;
	uint8_t *buf;

	(void)state;
	assert_non_null(buf = malloc(cap));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_non_null(a = archive_write_new());
		assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
		assert_int_equal(archive_write_set_options(a,
		                     "zip:compression=store"),
		    ARCHIVE_OK);
		assert_int_equal(archive_write_set_options(a, cases[i].enc),
		    ARCHIVE_OK);
		assert_int_equal(archive_write_set_passphrase(a, "pw"),
		    ARCHIVE_OK);
		assert_int_equal(archive_write_open_memory(a, buf, cap, &used),
		    ARCHIVE_OK);
		ae = archive_entry_new();
		archive_entry_set_pathname(ae, "a.txt");
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, 6);
		assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
		assert_int_equal(archive_write_data(a, "hello\n", 6), 6);
		archive_entry_free(ae);
		assert_int_equal(archive_write_close(a), ARCHIVE_OK);
		archive_write_free(a);

		assert_int_equal(open_mem(buf, used, 0, &src, &g, &d), LF_OK);
		assert_string_equal(g.codes, "");
		assert_int_equal(g.info->entries, 1);
		assert_int_equal(lf_zipdir_match(d, (const uint8_t *)"a.txt", 5,
		                     &k, NULL),
		    LF_OK);
		assert_int_equal(k, 0);
		e = lf_zipdir_entry(d, 0);
		assert_int_equal(e->flags & LF_ZIPDIR_ENCRYPTED, 1);
		assert_int_equal(e->method, cases[i].method);
		assert_int_equal(e->aes_version, cases[i].aes_version);
		assert_int_equal(e->crc, cases[i].crc);
		if (e->crc == LF_ZIPDIR_CRC_STORED)
			assert_int_equal(e->crc32, CRC_HELLO);
		assert_int_equal(e->compressed_size, cases[i].csize);
		assert_int_equal(e->uncompressed_size, 6);
		lf_zipdir_free(d);
	}
	free(buf);
}

static size_t
heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* Allocations that fail: LF_E_NOMEM, no leak, from memory and a file. */
static void
nomem(void **state)
{
	char path[] = "/tmp/test_zipdir.XXXXXX";
	struct lf_source src;
	struct lf_limits l;
	struct lf_zipdir *d;
	struct zb b;
	size_t start, i, before;
	char name[16];
	long k;
	int rc, fd, pass;

	(void)state;
	memset(&b, 0, sizeof(b));
	members(&b, 30);
	start = b.n;
	for (i = 0; i < 100; i++) {
		(void)snprintf(name, sizeof(name), "m%zu", i);
		cdh(&b, &(struct crec){.name = name, .local = (uint32_t)i});
	}
	eocd(&b, 100, (uint32_t)(b.n - start), (uint32_t)start, 0, 0);
	assert_true((fd = mkstemp(path)) >= 0);
	(void)unlink(path);
	assert_int_equal(write(fd, b.p, b.n), (ssize_t)b.n);
	lf_limits_default(&l);
	for (pass = 0; pass < 2; pass++) {
		if (pass == 0)
			lf_source_memory(&src, b.p, b.n);
		else
			lf_source_file(&src, fd, b.n);
		for (k = 0; k < 40; k++) {
			assert_int_equal(lf_zipdir_open(&src, &l, NULL, NULL,
			                     &d, NULL),
			    LF_OK);
			lf_zipdir_free(d);
			before = heap_in_use();
			d = NULL;
			failalloc_after(k);
			rc = lf_zipdir_open(&src, &l, NULL, NULL, &d, NULL);
			failalloc_off();
			assert_true(rc == LF_OK || rc == LF_E_NOMEM);
			if (rc == LF_OK) {
				assert_int_equal(lf_zipdir_info(d)->entries,
				    100);
				lf_zipdir_free(d);
			} else {
				assert_null(d);
			}
			if (heap_in_use() != before)
				fail_msg("leak at k=%ld rc=%d", k, rc);
			if (rc == LF_OK)
				break;
		}
		assert_true(k > 3 && k < 40);
	}
	close(fd);
	free(b.p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(plain_and_comments),
	    cmocka_unit_test(file_source),
	    cmocka_unit_test(zip64),
	    cmocka_unit_test(zip64_fields),
	    cmocka_unit_test(zip64_disagrees),
	    cmocka_unit_test(aes),
	    cmocka_unit_test(names_and_matching),
	    cmocka_unit_test(lies),
	    cmocka_unit_test(damage),
	    cmocka_unit_test(libarchive_zips),
	    cmocka_unit_test(nomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
