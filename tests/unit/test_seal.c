/*
 * Unit tests: lf_seal (the sealed zip) and lf_sealcms (its CMS layer).
 *
 * The header bytes are checked field by field against APPNOTE.TXT and
 * the WinZip AES specification, the salt and the ZipCrypto header
 * against the derivation recomputed here with OpenSSL's HMAC and
 * PBKDF2 and a ZipCrypto written here from APPNOTE 6.1; the Zip64
 * switches are checked at their boundaries on the header builders,
 * without writing 4 GiB.  Sealing is the same bytes whatever the
 * chunking and on every run, and different contents get different
 * salts.  The reader gives the content back and refuses, each with its
 * own fault, a wrong password, a changed byte anywhere, every
 * truncation, a second entry, a compressed or unencrypted entry (made
 * with libarchive), a name not expected and bytes after the end.  (The
 * CMS layer has its own tests, in test_sealcms.c.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zlib.h>

#include "failalloc.h"
#include "lf/reader.h"
#include "lf/seal.h"

#define EPOCH 1700000000 /* 2023-11-14 22:13:20 UTC */
#define DOS_DATE 0x576e  /* (2023-1980)<<9 | 11<<5 | 14 */
#define DOS_TIME 0xb1aa  /* 22<<11 | 13<<5 | 20/2 */

static const uint8_t secret[32] = "0123456789abcdef0123456789abcde";

struct mem {
	uint8_t *p;
	size_t n, cap;
};

static int
mem_write(void *arg, const uint8_t *p, size_t n, struct lf_error *err)
{
	struct mem *m = arg;

	(void)err;
	if (m->n + n > m->cap) {
		size_t cap = (m->n + n) * 2;
		uint8_t *q = realloc(m->p, cap);
		if (q == NULL)
			return LF_E_NOMEM;
		m->p = q;
		m->cap = cap;
	}
	memcpy(m->p + m->n, p, n);
	m->n += n;
	return LF_OK;
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void
fill(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static void
opts_for(struct lf_seal_opts *o, enum lf_seal_method m, const uint8_t *p,
    size_t n, char name[65])
{
	unsigned int len = 0;
	int i;

	memset(o, 0, sizeof(*o));
	o->method = m;
	o->epoch = EPOCH;
	o->secret = secret;
	o->secret_len = sizeof(secret);
	o->size = n;
	assert_int_equal(EVP_Digest(p, n, o->sha256, &len, EVP_sha256(), NULL),
	    1);
	for (i = 0; i < 32; i++)
		(void)snprintf(name + 2 * i, 3, "%02x", o->sha256[i]);
	o->name = name;
}

/* Seal p in pieces of the given sizes (cycled); the zip in *out. */
static void
seal_chunked(const struct lf_seal_opts *o, const uint8_t *p, size_t n,
    const size_t *sizes, size_t nsizes, struct mem *out)
{
	struct lf_seal_zip *z;
	struct lf_error err;
	size_t off = 0, i = 0;

	memset(out, 0, sizeof(*out));
	assert_int_equal(lf_seal_zip_new(o, mem_write, out, &z, &err), LF_OK);
	while (off < n) {
		size_t k = sizes[i++ % nsizes];
		if (k > n - off)
			k = n - off;
		assert_int_equal(lf_seal_zip_update(z, p + off, k, &err),
		    LF_OK);
		off += k;
	}
	assert_int_equal(lf_seal_zip_finish(z, &err), LF_OK);
	lf_seal_zip_free(z);
}

static void
seal(const struct lf_seal_opts *o, const uint8_t *p, size_t n, struct mem *out)
{
	seal_chunked(o, p, n, &n, 1, out);
}

/* The salt or header derivation of lf_seal.c, recomputed. */
static void
derive(const char *label, const uint8_t sha[32], uint8_t d[32])
{
	uint8_t msg[128];
	size_t l = strlen(label);
	unsigned int dl = 0;

	memcpy(msg, label, l + 1);
	memcpy(msg + l + 1, sha, 32);
	assert_non_null(HMAC(EVP_sha256(), secret, sizeof(secret), msg,
	    l + 1 + 32, d, &dl));
	assert_int_equal(dl, 32);
}

/* ZipCrypto from APPNOTE 6.1, written again here. */
struct zc {
	uint32_t k[3];
};

static void
zc_update(struct zc *z, uint8_t c)
{
	z->k[0] = ~(uint32_t)crc32(~z->k[0], &c, 1);
	z->k[1] = (z->k[1] + (z->k[0] & 0xff)) * 134775813u + 1;
	c = (uint8_t)(z->k[1] >> 24);
	z->k[2] = ~(uint32_t)crc32(~z->k[2], &c, 1);
}

static void
zc_decrypt(const char *pw, const uint8_t *in, uint8_t *out, size_t n)
{
	struct zc z = {{0x12345678u, 0x23456789u, 0x34567890u}};
	size_t i;

	for (; *pw != '\0'; pw++)
		zc_update(&z, (uint8_t)*pw);
	for (i = 0; i < n; i++) {
		uint32_t t = (z.k[2] | 2) & 0xffff;
		out[i] = in[i] ^ (uint8_t)((t * (t ^ 1)) >> 8);
		zc_update(&z, out[i]);
	}
}

static void
test_aes_header(void **state)
{
	static uint8_t data[1000];
	struct lf_seal_opts o;
	struct mem m;
	char name[65];
	uint8_t d[32], keys[66];
	const uint8_t *h, *x;

	(void)state;
	fill(data, sizeof(data), 1);
	opts_for(&o, LF_SEAL_AES256, data, sizeof(data), name);
	seal(&o, data, sizeof(data), &m);
	h = m.p;
	assert_int_equal(le32(h), 0x04034b50);
	assert_int_equal(le16(h + 4), 51);     /* version needed: AES */
	assert_int_equal(le16(h + 6), 0x0001); /* encrypted, no bit 3 */
	assert_int_equal(le16(h + 8), 99);
	assert_int_equal(le16(h + 10), DOS_TIME);
	assert_int_equal(le16(h + 12), DOS_DATE);
	assert_int_equal(le32(h + 14), 0);         /* AE-2: no CRC */
	assert_int_equal(le32(h + 18), 1000 + 28); /* salt, pwv, code */
	assert_int_equal(le32(h + 22), 1000);
	assert_int_equal(le16(h + 26), 64);
	assert_int_equal(le16(h + 28), 11);
	assert_memory_equal(h + 30, name, 64);
	x = h + 30 + 64;
	assert_memory_equal(x,
	    "\x01\x99\x07\x00\x02\x00"
	    "AE\x03\x00\x00",
	    11);
	/* The salt as docs/sealing.md says, and PBKDF2's check value. */
	derive("libforensic seal v1 winzip-aes-256 salt", o.sha256, d);
	assert_memory_equal(x + 11, d, 16);
	assert_int_equal(PKCS5_PBKDF2_HMAC("infected", 8, d, 16, 1000,
	                     EVP_sha1(), sizeof(keys), keys),
	    1);
	assert_memory_equal(x + 11 + 16, keys + 64, 2);
	/* The data is AES-256 in little-endian counter mode from 1. */
	{
		EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
		uint8_t ctr[16] = {1}, ks[16];
		int outl = 0;
		assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_256_ecb(), NULL,
		                     keys, NULL),
		    1);
		assert_int_equal(EVP_EncryptUpdate(c, ks, &outl, ctr, 16), 1);
		assert_int_equal((x[29] ^ ks[0]), data[0]);
		assert_int_equal((x[29 + 15] ^ ks[15]), data[15]);
		ctr[0] = 2;
		assert_int_equal(EVP_EncryptUpdate(c, ks, &outl, ctr, 16), 1);
		assert_int_equal((x[29 + 16] ^ ks[0]), data[16]);
		EVP_CIPHER_CTX_free(c);
	}
	/* The code: HMAC-SHA1 over the ciphertext, 10 bytes. */
	{
		uint8_t mac[20];
		unsigned int ml = 0;
		assert_non_null(
		    HMAC(EVP_sha1(), keys + 32, 32, x + 29, 1000, mac, &ml));
		assert_memory_equal(x + 29 + 1000, mac, 10);
	}
	/* Central directory and end record. */
	h = x + 29 + 1010;
	assert_int_equal(le32(h), 0x02014b50);
	assert_int_equal(le16(h + 4), 0x033f);
	assert_int_equal(le16(h + 6), 51);
	assert_int_equal(le32(h + 16), 0);
	assert_int_equal(le32(h + 38), 0100644u << 16);
	assert_int_equal(le32(h + 42), 0);
	assert_int_equal(le16(h + 30), 11);
	h += 46 + 64 + 11;
	assert_int_equal(le32(h), 0x06054b50);
	assert_int_equal(le16(h + 10), 1);
	assert_int_equal(le32(h + 12), 46 + 64 + 11);
	assert_int_equal(le32(h + 16), 30 + 64 + 11 + 1028);
	assert_int_equal((size_t)(h + 22 - m.p), m.n);
	assert_int_equal(lf_seal_zip_size(&o), m.n);
	free(m.p);
}

static void
test_zipcrypto_header(void **state)
{
	static uint8_t data[777];
	struct lf_seal_opts o;
	struct mem m;
	char name[65];
	uint8_t d[32], plain[12 + 777];
	const uint8_t *h;
	uint32_t crc;

	(void)state;
	fill(data, sizeof(data), 2);
	opts_for(&o, LF_SEAL_ZIPCRYPTO, data, sizeof(data), name);
	o.password = "not infected";
	seal(&o, data, sizeof(data), &m);
	h = m.p;
	assert_int_equal(le16(h + 4), 20);
	assert_int_equal(le16(h + 6), 0x0009); /* encrypted, descriptor */
	assert_int_equal(le16(h + 8), 0);
	assert_int_equal(le32(h + 14), 0);
	assert_int_equal(le32(h + 18), 777 + 12);
	assert_int_equal(le32(h + 22), 777);
	assert_int_equal(le16(h + 28), 0); /* no extra fields at all */
	zc_decrypt("not infected", h + 30 + 64, plain, sizeof(plain));
	derive("libforensic seal v1 zipcrypto header", o.sha256, d);
	assert_memory_equal(plain, d, 11);
	assert_int_equal(plain[11], DOS_TIME >> 8); /* the check byte */
	assert_memory_equal(plain + 12, data, sizeof(data));
	crc = (uint32_t)crc32(0, data, sizeof(data));
	h += 30 + 64 + 12 + 777;
	assert_int_equal(le32(h), 0x08074b50);
	assert_int_equal(le32(h + 4), crc);
	assert_int_equal(le32(h + 8), 789);
	assert_int_equal(le32(h + 12), 777);
	h += 16;
	assert_int_equal(le32(h), 0x02014b50);
	assert_int_equal(le16(h + 8), 0x0009);
	assert_int_equal(le32(h + 16), crc);
	assert_int_equal(lf_seal_zip_size(&o), m.n);
	free(m.p);
}

/* The Zip64 switches, on the header builders, at their boundaries. */
static void
check_layout(enum lf_seal_method m, uint64_t size, bool zip64, bool eocd64)
{
	struct lf_seal_opts o = {0};
	uint8_t head[LF_SEAL_HEAD_MAX], tail[LF_SEAL_TAIL_MAX];
	size_t hn = 0, tn = 0, over = m == LF_SEAL_AES256 ? 28 : 12;
	uint64_t csize = size + over, local, cd_off, cd_len;
	const uint8_t *c, *e;
	uint16_t xlen;

	o.method = m;
	o.name = "x.eml";
	o.epoch = EPOCH;
	o.secret = secret;
	o.secret_len = sizeof(secret);
	o.size = size;
	assert_int_equal(lf_seal_zip_head(&o, head, &hn, NULL), LF_OK);
	assert_int_equal(lf_seal_zip_tail(&o, 0x12345678, tail, &tn, NULL),
	    LF_OK);
	xlen = le16(head + 28);
	local = 30 + 5 + xlen;
	assert_int_equal(hn, local + (m == LF_SEAL_AES256 ? 18 : 12));
	assert_int_equal(lf_seal_zip_size(&o), local + csize + tn);
	/* Local header. */
	assert_int_equal(le32(head + 18), zip64 ? 0xffffffffu : csize);
	assert_int_equal(le32(head + 22), zip64 ? 0xffffffffu : size);
	assert_int_equal(le16(head + 4),
	    m == LF_SEAL_AES256 ? 51 :
	        zip64           ? 45 :
	                          20);
	if (zip64) {
		assert_int_equal(le16(head + 35), 0x0001);
		assert_int_equal(le16(head + 37), 16);
		assert_true(le64(head + 39) == size);
		assert_true(le64(head + 47) == csize);
	} else {
		assert_true(xlen == 0 || le16(head + 35) == 0x9901);
	}
	/* Descriptor (ZipCrypto): 8-byte sizes with Zip64. */
	c = tail;
	if (m == LF_SEAL_ZIPCRYPTO) {
		assert_int_equal(le32(c), 0x08074b50);
		assert_int_equal(le32(c + 4), 0x12345678);
		if (zip64) {
			assert_true(le64(c + 8) == csize);
			assert_true(le64(c + 16) == size);
			c += 24;
		} else {
			assert_int_equal(le32(c + 8), csize);
			c += 16;
		}
	}
	cd_off = local + csize + (uint64_t)(c - tail);
	assert_int_equal(le32(c), 0x02014b50);
	assert_int_equal(le32(c + 20), zip64 ? 0xffffffffu : csize);
	assert_int_equal(le32(c + 24), zip64 ? 0xffffffffu : size);
	assert_int_equal(le32(c + 42), 0);
	if (zip64) {
		assert_int_equal(le16(c + 46 + 5), 0x0001);
		assert_int_equal(le16(c + 46 + 5 + 2), 16);
		assert_true(le64(c + 46 + 5 + 4) == size);
		assert_true(le64(c + 46 + 5 + 12) == csize);
	}
	cd_len = 46 + 5 + le16(c + 30);
	e = c + cd_len;
	if (eocd64) {
		assert_int_equal(le32(e), 0x06064b50);
		assert_true(le64(e + 4) == 44);
		assert_true(le64(e + 32) == 1);
		assert_true(le64(e + 40) == cd_len);
		assert_true(le64(e + 48) == cd_off);
		assert_int_equal(le32(e + 56), 0x07064b50);
		assert_true(le64(e + 64) == cd_off + cd_len);
		assert_int_equal(le32(e + 72), 1);
		e += 76;
	}
	assert_int_equal(le32(e), 0x06054b50);
	assert_int_equal(le32(e + 12), cd_len);
	assert_int_equal(le32(e + 16), eocd64 ? 0xffffffffu : cd_off);
	assert_int_equal((size_t)(e + 22 - tail), tn);
}

/* The known answer of docs/sealing.md: the format must not drift. */
static void
test_known_answer(void **state)
{
	static const uint8_t want_salt[16] = {0x6e, 0xd6, 0x03, 0x7b, 0xed,
	    0x15, 0x3c, 0x7c, 0xab, 0x9f, 0x6c, 0x5b, 0xa5, 0xcf, 0x24, 0xe0};
	static const char want_sha[] = "d1b534ba1ca9a7937376dac1806e35be"
	                               "4ce0920d16e0a5ca25536c9dea12f704";
	uint8_t key[32], md[32];
	struct lf_seal_opts o;
	struct mem m;
	char name[65], hex[65];
	unsigned int len = 0;
	int i;

	(void)state;
	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	opts_for(&o, LF_SEAL_AES256, (const uint8_t *)"", 0, name);
	o.secret = key;
	seal(&o, (const uint8_t *)"", 0, &m);
	assert_int_equal(m.n, 276);
	assert_memory_equal(m.p + 30 + 64 + 11, want_salt, 16);
	assert_int_equal(EVP_Digest(m.p, m.n, md, &len, EVP_sha256(), NULL), 1);
	for (i = 0; i < 32; i++)
		(void)snprintf(hex + 2 * i, 3, "%02x", md[i]);
	assert_string_equal(hex, want_sha);
	free(m.p);
}

static void
test_zip64_boundaries(void **state)
{
	const uint64_t max = 0xffffffffu;
	/* local header: 30 + 5 + 11 (AES field) or 30 + 5 */
	const uint64_t aes_local = 46, zc_local = 35;

	(void)state;
	check_layout(LF_SEAL_AES256, 1000, false, false);
	/* The directory's offset reaches 0xffffffff before the sizes. */
	check_layout(LF_SEAL_AES256, max - 1 - 28 - aes_local, false, false);
	check_layout(LF_SEAL_AES256, max - 28 - aes_local, false, true);
	check_layout(LF_SEAL_AES256, max - 28 - 1, false, true);
	/* A compressed size of 0xffffffff itself needs the Zip64 field. */
	check_layout(LF_SEAL_AES256, max - 28, true, true);
	check_layout(LF_SEAL_AES256, 5ull << 30, true, true);
	check_layout(LF_SEAL_ZIPCRYPTO, max - 1 - 12 - zc_local - 16, false,
	    false);
	check_layout(LF_SEAL_ZIPCRYPTO, max - 12 - zc_local - 16, false, true);
	check_layout(LF_SEAL_ZIPCRYPTO, max - 12, true, true);
	check_layout(LF_SEAL_ZIPCRYPTO, 6ull << 30, true, true);
}

static void
test_split_and_determinism(void **state)
{
	static const size_t odd[] = {1, 7, 4095, 65536, 65537, 3, 100000};
	static const size_t one[] = {1};
	static uint8_t data[300001];
	enum lf_seal_method ms[] = {LF_SEAL_AES256, LF_SEAL_ZIPCRYPTO};
	size_t i;

	(void)state;
	fill(data, sizeof(data), 3);
	for (i = 0; i < 2; i++) {
		struct lf_seal_opts o;
		struct mem a, b, c, d;
		char name[65];
		opts_for(&o, ms[i], data, sizeof(data), name);
		seal(&o, data, sizeof(data), &a);
		seal(&o, data, sizeof(data), &b);
		seal_chunked(&o, data, sizeof(data), odd, 7, &c);
		seal_chunked(&o, data, sizeof(data), one, 1, &d);
		assert_int_equal(a.n, b.n);
		assert_memory_equal(a.p, b.p, a.n);
		assert_int_equal(a.n, c.n);
		assert_memory_equal(a.p, c.p, a.n);
		assert_int_equal(a.n, d.n);
		assert_memory_equal(a.p, d.p, a.n);
		free(d.p);
		/* Another time, another secret: other bytes. */
		o.epoch = EPOCH + 2;
		seal(&o, data, sizeof(data), &d);
		assert_int_equal(d.n, a.n);
		assert_memory_not_equal(d.p, a.p, a.n);
		free(d.p);
		free(a.p);
		free(b.p);
		free(c.p);
	}
}

static void
test_distinct_salts(void **state)
{
	static uint8_t data[2][4096];
	uint8_t salts[2][16];
	struct lf_seal_opts o;
	struct mem m;
	char name[65];
	int i;

	(void)state;
	fill(data[0], sizeof(data[0]), 4);
	memcpy(data[1], data[0], sizeof(data[1]));
	data[1][4095] ^= 1; /* one bit apart */
	for (i = 0; i < 2; i++) {
		opts_for(&o, LF_SEAL_AES256, data[i], sizeof(data[i]), name);
		seal(&o, data[i], sizeof(data[i]), &m);
		memcpy(salts[i], m.p + 30 + 64 + 11, 16);
		free(m.p);
	}
	assert_memory_not_equal(salts[0], salts[1], 16);
	/* Another secret, the same content: another salt. */
	{
		uint8_t other[32];
		memcpy(other, secret, sizeof(other));
		other[0] ^= 0x80;
		o.secret = other;
		o.secret_len = sizeof(other);
		seal(&o, data[1], sizeof(data[1]), &m);
		assert_memory_not_equal(m.p + 30 + 64 + 11, salts[1], 16);
		free(m.p);
	}
}

static void
test_refuses_options(void **state)
{
	static uint8_t data[10];
	struct lf_seal_opts o;
	struct lf_seal_zip *z = NULL;
	struct lf_error err;
	struct mem m = {0};
	char name[65];

	(void)state;
	opts_for(&o, LF_SEAL_AES256, data, sizeof(data), name);
	o.name = "../x";
	assert_int_equal(lf_seal_zip_new(&o, mem_write, &m, &z, &err),
	    LF_E_INVAL);
	o.name = "..";
	assert_int_equal(lf_seal_zip_new(&o, mem_write, &m, &z, &err),
	    LF_E_INVAL);
	o.name = "";
	assert_int_equal(lf_seal_zip_size(&o), 0);
	o.name = name;
	o.secret_len = LF_SEAL_SECRET_MIN - 1;
	assert_int_equal(lf_seal_zip_new(&o, mem_write, &m, &z, &err),
	    LF_E_INVAL);
	o.secret_len = sizeof(secret);
	/* Content other than declared. */
	assert_int_equal(lf_seal_zip_new(&o, mem_write, &m, &z, &err), LF_OK);
	assert_int_equal(lf_seal_zip_update(z, data, 11, &err), LF_E_CHANGED);
	assert_int_equal(lf_seal_zip_update(z, data, 9, &err), LF_OK);
	assert_int_equal(lf_seal_zip_finish(z, &err), LF_E_CHANGED);
	lf_seal_zip_free(z);
	data[0] = 1;
	assert_int_equal(lf_seal_zip_new(&o, mem_write, &m, &z, &err), LF_OK);
	assert_int_equal(lf_seal_zip_update(z, data, 10, &err), LF_OK);
	assert_int_equal(lf_seal_zip_finish(z, &err), LF_E_CHANGED);
	assert_non_null(strstr(err.msg, "SHA-256"));
	lf_seal_zip_free(z);
	free(m.p);
	lf_seal_zip_free(NULL);
}

/*
 * Sealed again with sha256_checked: the same bytes as the first sealing,
 * and for other content (not refused, not hashed) other bytes, which is
 * what a caller holding the output to the first sealing's digest relies
 * on.
 */
static void
test_sealed_again(void **state)
{
	static const size_t sizes[] = {1, 4096, 333};
	enum lf_seal_method methods[] = {LF_SEAL_AES256, LF_SEAL_ZIPCRYPTO};
	uint8_t data[9000];
	struct lf_seal_opts o;
	struct mem first, again, other;
	char name[65];
	size_t i, m;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 31 + 7);
	for (m = 0; m < 2; m++) {
		opts_for(&o, methods[m], data, sizeof(data), name);
		seal(&o, data, sizeof(data), &first);
		o.sha256_checked = true;
		seal_chunked(&o, data, sizeof(data), sizes, 3, &again);
		assert_int_equal(again.n, first.n);
		assert_memory_equal(again.p, first.p, first.n);
		data[4000] ^= 1;
		seal(&o, data, sizeof(data), &other);
		data[4000] ^= 1;
		assert_int_equal(other.n, first.n);
		assert_memory_not_equal(other.p, first.p, first.n);
		free(first.p);
		free(again.p);
		free(other.p);
	}
}

/* ---- unsealing ---- */

struct sink {
	struct mem m;
};

static int
sink_data(void *arg, const uint8_t *p, size_t n, struct lf_error *err)
{
	return mem_write(arg, p, n, err);
}

static int
unseal_mem(const uint8_t *p, size_t n, const char *pw, const char *name,
    struct mem *out, struct lf_unseal_info *info)
{
	struct lf_reader *r;
	struct lf_error err;
	int rc;

	memset(out, 0, sizeof(*out));
	assert_int_equal(lf_reader_from_mem(p, n, &r, NULL), LF_OK);
	rc = lf_unseal_zip(r, pw, name, sink_data, out, info, &err);
	lf_reader_free(r);
	if (rc == LF_E_FORMAT)
		assert_int_not_equal(info->fault, LF_UNSEAL_OK);
	else
		assert_int_equal(info->fault, LF_UNSEAL_OK);
	return rc;
}

static enum lf_unseal_fault
fault_of(const uint8_t *p, size_t n, const char *pw, const char *name)
{
	struct lf_unseal_info info;
	struct mem out;
	int rc = unseal_mem(p, n, pw, name, &out, &info);

	free(out.p);
	return rc == LF_OK ? LF_UNSEAL_OK : info.fault;
}

static void
test_round_trip(void **state)
{
	static uint8_t data[200000];
	enum lf_seal_method ms[] = {LF_SEAL_AES256, LF_SEAL_ZIPCRYPTO};
	size_t i, sizes[] = {0, 1, 15, 16, 17, sizeof(data)};

	(void)state;
	fill(data, sizeof(data), 5);
	for (i = 0; i < 12; i++) {
		struct lf_unseal_info info;
		struct lf_seal_opts o;
		struct mem z, out;
		char name[65];
		size_t n = sizes[i % 6];
		opts_for(&o, ms[i / 6], data, n, name);
		seal(&o, data, n, &z);
		assert_int_equal(unseal_mem(z.p, z.n, NULL, name, &out, &info),
		    LF_OK);
		assert_int_equal(out.n, n);
		if (n > 0)
			assert_memory_equal(out.p, data, n);
		assert_int_equal(info.size, n);
		assert_string_equal(info.name, name);
		assert_int_equal(info.method, ms[i / 6]);
		assert_int_equal(info.aes_version, i < 6 ? 2 : 0);
		free(out.p);
		free(z.p);
	}
}

static void
test_unseal_faults(void **state)
{
	static uint8_t data[300];
	enum lf_seal_method ms[] = {LF_SEAL_AES256, LF_SEAL_ZIPCRYPTO};
	int i;

	(void)state;
	fill(data, sizeof(data), 6);
	for (i = 0; i < 2; i++) {
		struct lf_seal_opts o;
		struct mem z;
		uint8_t *bad;
		char name[65];
		size_t k, data_at = 30 + 64 + (i == 0 ? 11 + 18 : 12);
		opts_for(&o, ms[i], data, sizeof(data), name);
		seal(&o, data, sizeof(data), &z);
		assert_int_equal(fault_of(z.p, z.n, "infected", name),
		    LF_UNSEAL_OK);
		assert_int_equal(fault_of(z.p, z.n, "infected!", name),
		    LF_UNSEAL_PASSWORD);
		assert_int_equal(fault_of(z.p, z.n, NULL, "another"),
		    LF_UNSEAL_NAME);
		assert_int_equal(fault_of(z.p, 0, NULL, NULL),
		    LF_UNSEAL_NOT_ZIP);
		bad = malloc(z.n + 1);
		assert_non_null(bad);
		/* A changed byte in the data. */
		memcpy(bad, z.p, z.n);
		bad[data_at + 123] ^= 0x01;
		assert_int_equal(fault_of(bad, z.n, NULL, NULL),
		    i == 0 ? LF_UNSEAL_AUTH : LF_UNSEAL_CRC);
		/* A byte after the end. */
		memcpy(bad, z.p, z.n);
		bad[z.n] = 0;
		assert_int_equal(fault_of(bad, z.n + 1, NULL, NULL),
		    LF_UNSEAL_MALFORMED);
		/* Every truncation. */
		for (k = 1; k < z.n; k++)
			assert_int_equal(fault_of(z.p, k, NULL, NULL),
			    k < 4 ? LF_UNSEAL_NOT_ZIP : LF_UNSEAL_TRUNCATED);
		/*
		 * Every changed byte is refused, except in the fields no
		 * reader uses: the directory's version made by, internal
		 * and external attributes.
		 */
		for (k = 0; k < z.n; k++) {
			size_t cd = z.n - 22 - (46 + 64 + (i == 0 ? 11 : 0));
			if (k == cd + 4 || k == cd + 5 ||
			    (k >= cd + 36 && k < cd + 42))
				continue;
			memcpy(bad, z.p, z.n);
			bad[k] ^= 0x20;
			assert_int_not_equal(fault_of(bad, z.n, NULL, NULL),
			    LF_UNSEAL_OK);
		}
		free(bad);
		free(z.p);
	}
}

/* A zip written by libarchive: entries of (name, bytes), options. */
static struct mem
libarchive_zip(const char *options, int nentries)
{
	static const char text[] = "hello hello hello hello hello\n";
	struct archive *a = archive_write_new();
	struct mem m = {0};
	size_t used = 0;
	int i;

	m.cap = 65536;
	m.p = malloc(m.cap);
	assert_non_null(m.p);
	assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	if (options != NULL) {
		assert_int_equal(archive_write_set_options(a, options),
		    ARCHIVE_OK);
		if (strstr(options, "encryption") != NULL)
			assert_int_equal(archive_write_set_passphrase(a,
			                     "infected"),
			    ARCHIVE_OK);
	}
	assert_int_equal(archive_write_open_memory(a, m.p, m.cap, &used),
	    ARCHIVE_OK);
	for (i = 0; i < nentries; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, i == 0 ? "one" : "two");
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, sizeof(text) - 1);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		assert_int_equal(archive_write_data(a, text, sizeof(text) - 1),
		    (la_ssize_t)(sizeof(text) - 1));
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	m.n = used;
	return m;
}

static void
test_foreign_zips(void **state)
{
	static const struct {
		const char *options;
		int entries;
		enum lf_unseal_fault want;
	} cases[] = {
	    {"zip:compression=store,zip:encryption=aes256", 1, LF_UNSEAL_OK},
	    {"zip:compression=store,zip:encryption=zipcrypt", 1, LF_UNSEAL_OK},
	    {"zip:compression=store,zip:encryption=aes128", 1, LF_UNSEAL_OK},
	    {"zip:compression=store,zip:encryption=aes256", 2,
	        LF_UNSEAL_ENTRIES},
	    {"zip:compression=deflate,zip:encryption=zipcrypt", 1,
	        LF_UNSEAL_NOT_STORED},
	    {"zip:compression=deflate,zip:encryption=aes256", 1,
	        LF_UNSEAL_NOT_STORED},
	    {"zip:compression=store", 1, LF_UNSEAL_NOT_ENCRYPTED},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mem m =
		    libarchive_zip(cases[i].options, cases[i].entries);
		struct lf_unseal_info info;
		struct mem out;
		int rc = unseal_mem(m.p, m.n, NULL, "one", &out, &info);
		assert_int_equal(rc == LF_OK ? LF_UNSEAL_OK : info.fault,
		    cases[i].want);
		if (rc == LF_OK) {
			assert_int_equal(out.n, 30);
			assert_memory_equal(out.p, "hello hello", 11);
		}
		free(out.p);
		free(m.p);
	}
}

static void
test_allocation_failures(void **state)
{
	static uint8_t data[5000];
	struct lf_seal_opts o;
	struct mem z;
	char name[65];
	long n;

	(void)state;
	fill(data, sizeof(data), 7);
	opts_for(&o, LF_SEAL_AES256, data, sizeof(data), name);
	seal(&o, data, sizeof(data), &z);
	for (n = 0; n < 3; n++) {
		struct lf_seal_zip *w = NULL;
		struct lf_reader *r;
		struct lf_unseal_info info;
		struct mem out = {0};
		int rc;
		assert_int_equal(lf_reader_from_mem(z.p, z.n, &r, NULL), LF_OK);
		failalloc_after(n);
		rc = lf_seal_zip_new(&o, mem_write, &out, &w, NULL);
		failalloc_off();
		assert_true(rc == LF_OK || rc == LF_E_NOMEM);
		lf_seal_zip_free(w);
		free(out.p);
		out.p = NULL;
		failalloc_after(n);
		rc = lf_unseal_zip(r, NULL, NULL, sink_data, &out, &info, NULL);
		failalloc_off();
		assert_true(rc == LF_OK || rc == LF_E_NOMEM);
		free(out.p);
		lf_reader_free(r);
	}
	free(z.p);
}

static int
fail_write(void *arg, const uint8_t *p, size_t n, struct lf_error *err)
{
	size_t *left = arg;

	(void)p;
	if (n > *left)
		return lf_error_set(err, LF_E_IO, "disk full");
	*left -= n;
	return LF_OK;
}

/* A sink that fails: its error comes back, at the header or later. */
static void
test_write_failure(void **state)
{
	static uint8_t data[200000];
	struct lf_seal_opts o;
	struct lf_seal_zip *z = NULL;
	struct lf_error err;
	char name[65];
	size_t left = 10;
	int rc;

	(void)state;
	opts_for(&o, LF_SEAL_ZIPCRYPTO, data, sizeof(data), name);
	assert_int_equal(lf_seal_zip_new(&o, fail_write, &left, &z, &err),
	    LF_E_IO);
	assert_null(z);
	left = 150000;
	assert_int_equal(lf_seal_zip_new(&o, fail_write, &left, &z, &err),
	    LF_OK);
	rc = lf_seal_zip_update(z, data, sizeof(data), &err);
	assert_int_equal(rc, LF_E_IO);
	assert_string_equal(err.msg, "disk full");
	lf_seal_zip_free(z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_aes_header),
	    cmocka_unit_test(test_zipcrypto_header),
	    cmocka_unit_test(test_known_answer),
	    cmocka_unit_test(test_zip64_boundaries),
	    cmocka_unit_test(test_split_and_determinism),
	    cmocka_unit_test(test_distinct_salts),
	    cmocka_unit_test(test_refuses_options),
	    cmocka_unit_test(test_sealed_again),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_unseal_faults),
	    cmocka_unit_test(test_foreign_zips),
	    cmocka_unit_test(test_allocation_failures),
	    cmocka_unit_test(test_write_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
