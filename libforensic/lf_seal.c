/*
 * lf_seal.c: sealing a sample into a one-entry encrypted zip, in one
 * pass, reproducibly (the layout is in lf/seal.h).
 *
 * Reproducibility needs the random parts of both encryptions to be
 * derived instead: the AES salt and the ZipCrypto encryption header.
 * They come from
 *
 *   D = HMAC-SHA256(key = secret, message = label || 0x00 || sha256)
 *
 * where secret is the caller's secret (lf-pack derives it from its
 * signing key), sha256 the 32 raw bytes of the content's SHA-256, and
 * label the ASCII text "libforensic seal v1 winzip-aes-256 salt" (AES:
 * the salt is D[0..16)) or "libforensic seal v1 zipcrypto header"
 * (ZipCrypto: the first 11 bytes of the 12-byte header are D[0..11), the
 * 12th is the check byte, the high byte of the DOS time).
 *
 * Why that way: HMAC-SHA256 is a pseudo-random function of its message
 * under a secret key, so
 *   - two different contents (different SHA-256) get salts that differ
 *     except with probability about n^2 / 2^129 over n contents: a key
 *     and counter stream are never reused for different plaintexts,
 *     which in CTR mode would give away their XOR;
 *   - without the secret the salt is indistinguishable from random and
 *     says nothing about the content (and unlike a salt computed from
 *     the content alone, nobody can confirm a guessed content by
 *     recomputing it);
 *   - the labels keep the two uses, and any later version, apart.
 * The same content sealed twice under one secret gets the same salt
 * and the same bytes: that is the reproducibility asked for, and it
 * shows only what the entry's name (the SHA-256) shows anyway.
 *
 * The writer checks the declared SHA-256 as it goes: a wrong one would
 * break the first property, so it is refused, not trusted.  A caller
 * that seals the same content a second time may skip that check
 * (sha256_checked) when it holds the output to the first sealing's
 * digest: different content would give different bytes, refused there.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <zlib.h>

#include "lf/seal.h"
#include "lf_zipcrypt.h"

#define AES_STRENGTH 3 /* AES-256 */
#define AES_SALT 16
#define AES_OVERHEAD \
	(AES_SALT + LF_ZIPCRYPT_AES_PWV_LEN + LF_ZIPCRYPT_AES_MAC_LEN)
#define ZC_OVERHEAD LF_ZIPCRYPT_ZC_HEAD
#define MAX32 0xffffffffu
#define VERSION_MADE 0x033f       /* Unix, APPNOTE 6.3 */
#define EXTERNAL_ATTR 0x81a40000u /* regular file, 0644 */
#define DOS_MIN 315532800         /* 1980-01-01 00:00:00 UTC */
#define DOS_MAX 4354819198        /* 2107-12-31 23:59:58 UTC */
#define CHUNK (64 * 1024)

static const char label_aes[] = "libforensic seal v1 winzip-aes-256 salt";
static const char label_zc[] = "libforensic seal v1 zipcrypto header";

/* The layout's sizes and switches, from the options alone. */
struct layout {
	bool aes, zip64, eocd64;
	size_t name_len, local_len, desc_len, cd_len, tail_len;
	uint64_t csize, cd_off;
	uint16_t needed, flags, method;
};

struct lf_seal_zip {
	struct lf_seal_opts o;
	struct layout l;
	char name[LF_SEAL_NAME_MAX + 1];
	lf_seal_write_fn write;
	void *arg;
	struct lf_zipcrypt_aes aes;
	struct lf_zipcrypt_zc zc;
	EVP_MD_CTX *sha; /* NULL when sha256_checked */
	uint32_t crc;
	uint64_t fed;
	uint8_t out[CHUNK];
};

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static bool
name_ok(const char *name, size_t *len)
{
	size_t i, n = strnlen(name, LF_SEAL_NAME_MAX + 1);

	if (n == 0 || n > LF_SEAL_NAME_MAX || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		        (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		        c == '-'))
			return false;
	}
	*len = n;
	return true;
}

/* Check the options and work out the layout. */
static int
plan(const struct lf_seal_opts *o, struct layout *l, struct lf_error *err)
{
	const char *pw = o->password != NULL ? o->password : LF_SEAL_PASSWORD;

	memset(l, 0, sizeof(*l));
	if (o->method != LF_SEAL_AES256 && o->method != LF_SEAL_ZIPCRYPTO)
		return lf_error_set(err, LF_E_INVAL, "seal: unknown method");
	if (o->name == NULL || !name_ok(o->name, &l->name_len))
		return lf_error_set(err, LF_E_INVAL,
		    "seal: the entry name must be 1 to %d bytes of "
		    "[A-Za-z0-9._-]",
		    LF_SEAL_NAME_MAX);
	if (strnlen(pw, LF_SEAL_PASSWORD_MAX + 1) > LF_SEAL_PASSWORD_MAX)
		return lf_error_set(err, LF_E_INVAL,
		    "seal: password longer than %d bytes",
		    LF_SEAL_PASSWORD_MAX);
	if (o->secret == NULL || o->secret_len < LF_SEAL_SECRET_MIN ||
	    o->secret_len > LF_SEAL_SECRET_MAX)
		return lf_error_set(err, LF_E_INVAL,
		    "seal: the salt secret must be %d to %d bytes",
		    LF_SEAL_SECRET_MIN, LF_SEAL_SECRET_MAX);
	if (o->size > (uint64_t)INT64_MAX)
		return lf_error_set(err, LF_E_INVAL, "seal: size too large");
	l->aes = o->method == LF_SEAL_AES256;
	l->csize = o->size + (l->aes ? AES_OVERHEAD : ZC_OVERHEAD);
	/* 0xffffffff itself means "see the Zip64 field". */
	l->zip64 = o->size >= MAX32 || l->csize >= MAX32;
	l->method = l->aes ? 99 : 0;
	l->flags = l->aes ? 0x0001 : 0x0009;
	l->needed = l->aes ? 51 : l->zip64 ? 45 : 20;
	l->local_len =
	    30 + l->name_len + (l->zip64 ? 20 : 0) + (l->aes ? 11 : 0);
	l->desc_len = l->aes ? 0 : l->zip64 ? 24 : 16;
	l->cd_off = l->local_len + l->csize + l->desc_len;
	l->eocd64 = l->cd_off >= MAX32;
	l->cd_len = 46 + l->name_len + (l->zip64 ? 20 : 0) + (l->aes ? 11 : 0);
	l->tail_len = l->desc_len + l->cd_len + (l->eocd64 ? 56 + 20 : 0) + 22;
	return LF_OK;
}

/* The DOS date (high half) and time of the epoch, held to DOS's range. */
static uint32_t
dos_time(int64_t epoch)
{
	struct tm tm;
	time_t t;

	if (epoch < DOS_MIN)
		epoch = DOS_MIN;
	if (epoch > DOS_MAX)
		epoch = DOS_MAX;
	t = (time_t)epoch;
	if (gmtime_r(&t, &tm) == NULL)
		return 0x00210000u; /* 1980-01-01 */
	return (uint32_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 |
	           tm.tm_mday)
	    << 16 |
	    (uint32_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
}

/* D = HMAC-SHA256(secret, label || 0x00 || sha256): see the top. */
static int
derive(const struct lf_seal_opts *o, uint8_t d[32], struct lf_error *err)
{
	const char *label = o->method == LF_SEAL_AES256 ? label_aes : label_zc;
	size_t llen = strlen(label);
	uint8_t msg[64 + 32];
	unsigned int dlen = 0;

	memcpy(msg, label, llen + 1);
	memcpy(msg + llen + 1, o->sha256, 32);
	if (HMAC(EVP_sha256(), o->secret, (int)o->secret_len, msg,
	        llen + 1 + 32, d, &dlen) == NULL ||
	    dlen != 32)
		return lf_error_set(err, LF_E_CRYPTO,
		    "seal: HMAC-SHA256 failed");
	return LF_OK;
}

/* The local header's fixed part and its extra fields. */
static size_t
local_header(const struct lf_seal_opts *o, const struct layout *l, uint8_t *p)
{
	uint32_t dt = dos_time(o->epoch);
	uint8_t *q = p + 30;

	put32(p, 0x04034b50);
	put16(p + 4, l->needed);
	put16(p + 6, l->flags);
	put16(p + 8, l->method);
	put32(p + 10, dt);
	put32(p + 14, 0); /* CRC-32: none (AE-2) or in the descriptor */
	put32(p + 18, l->zip64 ? MAX32 : (uint32_t)l->csize);
	put32(p + 22, l->zip64 ? MAX32 : (uint32_t)o->size);
	put16(p + 26, (uint32_t)l->name_len);
	put16(p + 28, (uint32_t)(l->local_len - 30 - l->name_len));
	memcpy(q, o->name, l->name_len);
	q += l->name_len;
	if (l->zip64) {
		put16(q, 0x0001);
		put16(q + 2, 16);
		put64(q + 4, o->size);
		put64(q + 12, l->csize);
		q += 20;
	}
	if (l->aes) {
		put16(q, 0x9901);
		put16(q + 2, 7);
		put16(q + 4, 2); /* AE-2 */
		q[6] = 'A';
		q[7] = 'E';
		q[8] = AES_STRENGTH;
		put16(q + 9, 0); /* stored */
		q += 11;
	}
	return (size_t)(q - p);
}

/*
 * The header and the start of the data; with z, also start z's cipher
 * on the keys the header used.
 */
static int
head(const struct lf_seal_opts *o, const struct layout *l, uint8_t *buf,
    size_t *n, struct lf_seal_zip *z, struct lf_error *err)
{
	const char *pw = o->password != NULL ? o->password : LF_SEAL_PASSWORD;
	size_t len = local_header(o, l, buf);
	uint8_t d[32];
	int rc;

	if ((rc = derive(o, d, err)) != LF_OK)
		return rc;
	if (l->aes) {
		memcpy(buf + len, d, AES_SALT);
		if (z != NULL)
			rc = lf_zipcrypt_aes_init(&z->aes, AES_STRENGTH, pw, d,
			    buf + len + AES_SALT, err);
		else
			rc = lf_zipcrypt_aes_pwv(AES_STRENGTH, pw, d,
			    buf + len + AES_SALT, err);
		len += AES_SALT + LF_ZIPCRYPT_AES_PWV_LEN;
	} else {
		struct lf_zipcrypt_zc tmp = {0};
		struct lf_zipcrypt_zc *zc = z != NULL ? &z->zc : &tmp;
		d[LF_ZIPCRYPT_ZC_HEAD - 1] =
		    (uint8_t)(dos_time(o->epoch) >> 8); /* check byte */
		lf_zipcrypt_zc_init(zc, pw);
		lf_zipcrypt_zc_encrypt(zc, d, buf + len, LF_ZIPCRYPT_ZC_HEAD);
		OPENSSL_cleanse(&tmp, sizeof(tmp));
		len += LF_ZIPCRYPT_ZC_HEAD;
	}
	OPENSSL_cleanse(d, sizeof(d));
	*n = len;
	return rc;
}

int
lf_seal_zip_head(const struct lf_seal_opts *o, uint8_t *buf, size_t *n,
    struct lf_error *err)
{
	struct layout l;
	int rc;

	if ((rc = plan(o, &l, err)) != LF_OK)
		return rc;
	return head(o, &l, buf, n, NULL, err);
}

static size_t
tail(const struct lf_seal_opts *o, const struct layout *l, uint32_t crc,
    uint8_t *buf)
{
	uint32_t dt = dos_time(o->epoch);
	uint8_t *p = buf, *q;
	uint64_t cd_start = l->cd_off;

	if (l->desc_len != 0) {
		put32(p, 0x08074b50);
		put32(p + 4, crc);
		if (l->zip64) {
			put64(p + 8, l->csize);
			put64(p + 16, o->size);
		} else {
			put32(p + 8, (uint32_t)l->csize);
			put32(p + 12, (uint32_t)o->size);
		}
		p += l->desc_len;
	}
	put32(p, 0x02014b50);
	put16(p + 4, VERSION_MADE);
	put16(p + 6, l->needed);
	put16(p + 8, l->flags);
	put16(p + 10, l->method);
	put32(p + 12, dt);
	put32(p + 16, l->aes ? 0 : crc);
	put32(p + 20, l->zip64 ? MAX32 : (uint32_t)l->csize);
	put32(p + 24, l->zip64 ? MAX32 : (uint32_t)o->size);
	put16(p + 28, (uint32_t)l->name_len);
	put16(p + 30, (uint32_t)(l->cd_len - 46 - l->name_len));
	put16(p + 32, 0); /* comment */
	put16(p + 34, 0); /* disk */
	put16(p + 36, 0); /* internal attributes */
	put32(p + 38, EXTERNAL_ATTR);
	put32(p + 42, 0); /* the local header's offset */
	memcpy(p + 46, o->name, l->name_len);
	q = p + 46 + l->name_len;
	if (l->zip64) {
		put16(q, 0x0001);
		put16(q + 2, 16);
		put64(q + 4, o->size);
		put64(q + 12, l->csize);
		q += 20;
	}
	if (l->aes) {
		put16(q, 0x9901);
		put16(q + 2, 7);
		put16(q + 4, 2);
		q[6] = 'A';
		q[7] = 'E';
		q[8] = AES_STRENGTH;
		put16(q + 9, 0);
		q += 11;
	}
	p = q;
	if (l->eocd64) {
		uint64_t rec = cd_start + l->cd_len;
		put32(p, 0x06064b50);
		put64(p + 4, 44);
		put16(p + 12, VERSION_MADE);
		put16(p + 14, 45);
		put32(p + 16, 0);
		put32(p + 20, 0);
		put64(p + 24, 1);
		put64(p + 32, 1);
		put64(p + 40, l->cd_len);
		put64(p + 48, cd_start);
		put32(p + 56, 0x07064b50);
		put32(p + 60, 0);
		put64(p + 64, rec);
		put32(p + 72, 1);
		p += 76;
	}
	put32(p, 0x06054b50);
	put16(p + 4, 0);
	put16(p + 6, 0);
	put16(p + 8, 1);
	put16(p + 10, 1);
	put32(p + 12, (uint32_t)l->cd_len);
	put32(p + 16, l->eocd64 ? MAX32 : (uint32_t)cd_start);
	put16(p + 20, 0);
	p += 22;
	return (size_t)(p - buf);
}

int
lf_seal_zip_tail(const struct lf_seal_opts *o, uint32_t crc, uint8_t *buf,
    size_t *n, struct lf_error *err)
{
	struct layout l;
	int rc;

	if ((rc = plan(o, &l, err)) != LF_OK)
		return rc;
	*n = tail(o, &l, crc, buf);
	return LF_OK;
}

uint64_t
lf_seal_zip_size(const struct lf_seal_opts *o)
{
	struct layout l;

	if (plan(o, &l, NULL) != LF_OK)
		return 0;
	return l.local_len + l.csize + l.tail_len;
}

int
lf_seal_write_fd(void *arg, const uint8_t *p, size_t n, struct lf_error *err)
{
	int fd = *(const int *)arg;

	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return lf_error_sys(err, w < 0 ? errno : EIO,
			    "seal: write");
		p += w;
		n -= (size_t)w;
	}
	return LF_OK;
}

int
lf_seal_zip_new(const struct lf_seal_opts *o, lf_seal_write_fn write, void *arg,
    struct lf_seal_zip **out, struct lf_error *err)
{
	struct lf_seal_zip *z;
	uint8_t buf[LF_SEAL_HEAD_MAX];
	size_t n = 0;
	int rc;

	if ((z = calloc(1, sizeof(*z))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "seal");
	if ((rc = plan(o, &z->l, err)) != LF_OK)
		goto fail;
	z->o = *o;
	memcpy(z->name, o->name, z->l.name_len + 1);
	z->o.name = z->name;
	z->o.secret = NULL; /* used here only */
	z->o.password = NULL;
	z->write = write;
	z->arg = arg;
	z->crc = (uint32_t)crc32(0, NULL, 0);
	if (!o->sha256_checked && (z->sha = EVP_MD_CTX_new()) == NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "seal");
		goto fail;
	}
	if (z->sha != NULL &&
	    EVP_DigestInit_ex(z->sha, EVP_sha256(), NULL) != 1) {
		rc = lf_error_set(err, LF_E_CRYPTO, "seal: SHA-256 failed");
		goto fail;
	}
	if ((rc = head(o, &z->l, buf, &n, z, err)) != LF_OK ||
	    (rc = write(arg, buf, n, err)) != LF_OK)
		goto fail;
	*out = z;
	return LF_OK;
fail:
	lf_seal_zip_free(z);
	return rc;
}

int
lf_seal_zip_update(struct lf_seal_zip *z, const void *p, size_t n,
    struct lf_error *err)
{
	const uint8_t *in = p;
	int rc;

	if (n > z->o.size - z->fed)
		return lf_error_set(err, LF_E_CHANGED,
		    "seal: '%s': more than the %llu bytes declared", z->name,
		    (unsigned long long)z->o.size);
	while (n > 0) {
		size_t k = n < sizeof(z->out) ? n : sizeof(z->out);
		if (z->sha != NULL && EVP_DigestUpdate(z->sha, in, k) != 1)
			return lf_error_set(err, LF_E_CRYPTO,
			    "seal: SHA-256 failed");
		if (z->l.aes) {
			rc = lf_zipcrypt_aes_crypt(&z->aes, in, z->out, k, true,
			    err);
			if (rc != LF_OK)
				return rc;
		} else {
			z->crc = (uint32_t)crc32(z->crc, in, (uInt)k);
			lf_zipcrypt_zc_encrypt(&z->zc, in, z->out, k);
		}
		if ((rc = z->write(z->arg, z->out, k, err)) != LF_OK)
			return rc;
		z->fed += k;
		in += k;
		n -= k;
	}
	return LF_OK;
}

/* The content fed had the SHA-256 declared. */
static int
check_sha256(struct lf_seal_zip *z, struct lf_error *err)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_DigestFinal_ex(z->sha, md, &mdlen) != 1 || mdlen != 32)
		return lf_error_set(err, LF_E_CRYPTO, "seal: SHA-256 failed");
	if (CRYPTO_memcmp(md, z->o.sha256, 32) != 0)
		return lf_error_set(err, LF_E_CHANGED,
		    "seal: '%s': the content's SHA-256 is not the one "
		    "declared",
		    z->name);
	return LF_OK;
}

int
lf_seal_zip_finish(struct lf_seal_zip *z, struct lf_error *err)
{
	uint8_t buf[LF_ZIPCRYPT_AES_MAC_LEN + LF_SEAL_TAIL_MAX];
	size_t n = 0;
	int rc;

	if (z->fed != z->o.size)
		return lf_error_set(err, LF_E_CHANGED,
		    "seal: '%s': %llu bytes, not the %llu declared", z->name,
		    (unsigned long long)z->fed, (unsigned long long)z->o.size);
	if (z->sha != NULL && (rc = check_sha256(z, err)) != LF_OK)
		return rc;
	if (z->l.aes) {
		if ((rc = lf_zipcrypt_aes_code(&z->aes, buf, err)) != LF_OK)
			return rc;
		n = LF_ZIPCRYPT_AES_MAC_LEN;
	}
	n += tail(&z->o, &z->l, z->crc, buf + n);
	return z->write(z->arg, buf, n, err);
}

void
lf_seal_zip_free(struct lf_seal_zip *z)
{
	if (z == NULL)
		return;
	if (z->l.aes)
		lf_zipcrypt_aes_release(&z->aes);
	EVP_MD_CTX_free(z->sha);
	OPENSSL_cleanse(z, sizeof(*z));
	free(z);
}
