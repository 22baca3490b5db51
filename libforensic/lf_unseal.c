/*
 * lf_unseal.c: opening a sealed zip in memory, front to back, for the
 * verifier (the layout is in lf/seal.h).
 *
 * A sealed zip is read as a stream: a bundle's member comes out of a tar
 * reader and cannot be seeked.  That is why the entry's sizes must be in
 * its local header (with bit 3 and sizes only in the descriptor, the
 * only way to find the end of stored data is to guess it from the bytes,
 * which a hostile archive can make ambiguous), and why the central
 * directory is checked afterwards instead of trusted first: whatever the
 * directory says must be exactly what was read.  Anything else an
 * archive can carry (a second entry, a directory that names another, a
 * comment that does not end the file, bytes after the end) is refused:
 * the verifier would otherwise check one thing while an extractor shows
 * another.
 *
 * Every size comes from the input, so every read is bounded by a buffer
 * here, never allocated in proportion to a declared size.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <zlib.h>

#include "lf/seal.h"
#include "lf_bytes.h"
#include "lf_zipcrypt.h"

#define MAX32 0xffffffffu
#define CHUNK (64 * 1024)
#define VAR_MAX 65535 /* a name, an extra area, a comment */

#define SIG_LOCAL 0x04034b50u
#define SIG_DESC 0x08074b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_EOCD64 0x06064b50u
#define SIG_LOC64 0x07064b50u
#define SIG_EOCD 0x06054b50u

/* What the extra fields of a header say. */
struct extras {
	bool zip64, aes;
	uint64_t usize, csize, offset;
	uint32_t disk;
	int aes_version, aes_strength;
	uint16_t aes_method;
};

struct unseal {
	struct lf_reader *in;
	struct lf_unseal_info *info;
	struct lf_error *err;
	uint64_t pos; /* bytes read so far */
	const char *password;
	lf_unseal_data_fn data;
	void *arg;
	/* The entry as its local header and descriptor give it. */
	uint16_t needed, flags, method;
	uint32_t dostime, crc;
	uint64_t csize, usize;
	struct extras lx;
	size_t name_len;
	uint8_t name[VAR_MAX];
	uint8_t var[VAR_MAX];
	uint8_t chunk[CHUNK];
	struct lf_zipcrypt_aes aes;
	struct lf_zipcrypt_zc zc;
	bool aes_live;
};

static int fault(struct unseal *u, enum lf_unseal_fault f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fault(struct unseal *u, enum lf_unseal_fault f, const char *fmt, ...)
{
	char msg[LF_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	u->info->fault = f;
	return lf_error_set(u->err, LF_E_FORMAT, "unseal: %s", msg);
}

/* Up to n bytes; *got receives how many (fewer only at the end). */
static int
read_some(struct unseal *u, uint8_t *p, size_t n, size_t *got)
{
	*got = 0;
	while (*got < n) {
		long r = lf_reader_read(u->in, p + *got, n - *got, u->err);
		if (r < 0)
			return (int)r;
		if (r == 0)
			break;
		*got += (size_t)r;
		u->pos += (uint64_t)r;
	}
	return LF_OK;
}

/* Exactly n bytes, or a truncation fault naming what was cut. */
static int
get(struct unseal *u, uint8_t *p, size_t n, const char *what)
{
	size_t got;
	int rc = read_some(u, p, n, &got);

	if (rc != LF_OK)
		return rc;
	if (got < n)
		return fault(u, LF_UNSEAL_TRUNCATED,
		    "the input ends inside %s (at byte %llu)", what,
		    (unsigned long long)u->pos);
	return LF_OK;
}

/*
 * Parse an extra area.  Zip64 values are present only for the fields
 * whose 32-bit value is 0xffffffff (0xffff for the disk), in the order
 * usize, csize, offset, disk (APPNOTE 4.5.3).
 */
static int
parse_extras(struct unseal *u, const uint8_t *p, size_t n, bool want_usize,
    bool want_csize, bool want_offset, bool want_disk, struct extras *x,
    const char *where)
{
	size_t off = 0;

	memset(x, 0, sizeof(*x));
	while (off < n) {
		uint16_t id, sz;
		const uint8_t *d;
		size_t k = 0;
		if (n - off < 4)
			return fault(u, LF_UNSEAL_MALFORMED,
			    "%s: an extra field header runs over", where);
		id = lf_le16(p + off);
		sz = lf_le16(p + off + 2);
		d = p + off + 4;
		if (sz > n - off - 4)
			return fault(u, LF_UNSEAL_MALFORMED,
			    "%s: extra field 0x%04x runs over", where, id);
		if (id == 0x0001) {
			if (x->zip64)
				return fault(u, LF_UNSEAL_MALFORMED,
				    "%s: two Zip64 fields", where);
			x->zip64 = true;
			if (want_usize) {
				if (sz < k + 8)
					goto short64;
				x->usize = lf_le64(d + k);
				k += 8;
			}
			if (want_csize) {
				if (sz < k + 8)
					goto short64;
				x->csize = lf_le64(d + k);
				k += 8;
			}
			if (want_offset) {
				if (sz < k + 8)
					goto short64;
				x->offset = lf_le64(d + k);
				k += 8;
			}
			if (want_disk) {
				if (sz < k + 4)
					goto short64;
				x->disk = lf_le32(d + k);
			}
		} else if (id == 0x9901) {
			if (x->aes)
				return fault(u, LF_UNSEAL_MALFORMED,
				    "%s: two AES fields", where);
			if (sz != 7 || d[2] != 'A' || d[3] != 'E')
				return fault(u, LF_UNSEAL_MALFORMED,
				    "%s: a bad AES field", where);
			x->aes = true;
			x->aes_version = lf_le16(d);
			x->aes_strength = d[4];
			x->aes_method = lf_le16(d + 5);
		}
		off += 4 + (size_t)sz;
	}
	return LF_OK;
short64:
	return fault(u, LF_UNSEAL_MALFORMED,
	    "%s: the Zip64 field lacks a value its header defers to it", where);
}

static void
note_name(struct unseal *u)
{
	size_t i;

	u->info->name[0] = '\0';
	if (u->name_len > LF_SEAL_NAME_MAX)
		return;
	for (i = 0; i < u->name_len; i++)
		if (u->name[i] < 0x20 || u->name[i] > 0x7e)
			return;
	memcpy(u->info->name, u->name, u->name_len);
	u->info->name[u->name_len] = '\0';
}

static int
local_header(struct unseal *u, const char *expected)
{
	uint8_t h[30];
	size_t got, xlen;
	int rc;

	if ((rc = read_some(u, h, 4, &got)) != LF_OK)
		return rc;
	if (got == 0)
		return fault(u, LF_UNSEAL_NOT_ZIP, "the input is empty");
	if (got == 4 && lf_le32(h) == SIG_EOCD)
		return fault(u, LF_UNSEAL_ENTRIES, "the archive is empty");
	if (got < 4 || lf_le32(h) != SIG_LOCAL)
		return fault(u, LF_UNSEAL_NOT_ZIP,
		    "not a zip archive (no local header at byte 0)");
	if ((rc = get(u, h + 4, 26, "the local header")) != LF_OK)
		return rc;
	u->needed = lf_le16(h + 4);
	u->flags = lf_le16(h + 6);
	u->method = lf_le16(h + 8);
	u->dostime = lf_le32(h + 10);
	u->crc = lf_le32(h + 14);
	u->csize = lf_le32(h + 18);
	u->usize = lf_le32(h + 22);
	u->name_len = lf_le16(h + 26);
	xlen = lf_le16(h + 28);
	if ((rc = get(u, u->name, u->name_len, "the entry's name")) != LF_OK ||
	    (rc = get(u, u->var, xlen, "the local extra fields")) != LF_OK)
		return rc;
	note_name(u);
	if ((rc = parse_extras(u, u->var, xlen, u->usize == MAX32,
	         u->csize == MAX32, false, false, &u->lx,
	         "the local header")) != LF_OK)
		return rc;
	if (u->lx.zip64 && u->usize == MAX32)
		u->usize = u->lx.usize;
	if (u->lx.zip64 && u->csize == MAX32)
		u->csize = u->lx.csize;

	if ((u->flags & 0x0001) == 0)
		return fault(u, LF_UNSEAL_NOT_ENCRYPTED,
		    "the entry is not encrypted");
	if ((u->flags & 0x0040) != 0 || (u->flags & 0x2000) != 0)
		return fault(u, LF_UNSEAL_UNSUPPORTED,
		    "the entry uses PKWARE strong encryption");
	if (u->method == 99) {
		if (!u->lx.aes)
			return fault(u, LF_UNSEAL_MALFORMED,
			    "method 99 without a WinZip AES field");
		if (u->lx.aes_method != 0)
			return fault(u, LF_UNSEAL_NOT_STORED,
			    "the entry is compressed (method %u)",
			    u->lx.aes_method);
		if (lf_zipcrypt_aes_salt_len(u->lx.aes_strength) == 0 ||
		    (u->lx.aes_version != 1 && u->lx.aes_version != 2))
			return fault(u, LF_UNSEAL_UNSUPPORTED,
			    "WinZip AES version %d strength %d",
			    u->lx.aes_version, u->lx.aes_strength);
		u->info->method = LF_SEAL_AES256;
		u->info->aes_strength = u->lx.aes_strength;
		u->info->aes_version = u->lx.aes_version;
	} else if (u->method == 0) {
		u->info->method = LF_SEAL_ZIPCRYPTO;
	} else {
		return fault(u, LF_UNSEAL_NOT_STORED,
		    "the entry is compressed (method %u)", u->method);
	}
	if (expected != NULL &&
	    (strlen(expected) != u->name_len ||
	        memcmp(expected, u->name, u->name_len) != 0))
		return fault(u, LF_UNSEAL_NAME,
		    "the entry is named '%s', not '%s'",
		    u->info->name[0] != '\0' ? u->info->name : "(unprintable)",
		    expected);
	if ((u->flags & 0x0008) != 0 && u->csize == 0)
		return fault(u, LF_UNSEAL_UNSUPPORTED,
		    "the entry's sizes come only after its data");
	return LF_OK;
}

/* Stream n ciphertext bytes to the callback, decrypted. */
static int
pump(struct unseal *u, uint64_t n, uint32_t *crc)
{
	int rc;

	while (n > 0) {
		size_t k = n < CHUNK ? (size_t)n : CHUNK;
		if ((rc = get(u, u->chunk, k, "the entry's data")) != LF_OK)
			return rc;
		if (u->info->method == LF_SEAL_AES256) {
			rc = lf_zipcrypt_aes_crypt(&u->aes, u->chunk, u->chunk,
			    k, false, u->err);
			if (rc != LF_OK)
				return rc;
		} else {
			lf_zipcrypt_zc_decrypt(&u->zc, u->chunk, u->chunk, k);
		}
		if (u->info->aes_version != 2)
			*crc = (uint32_t)crc32(*crc, u->chunk, (uInt)k);
		if ((rc = u->data(u->arg, u->chunk, k, u->err)) != LF_OK)
			return rc;
		u->info->size += k;
		n -= k;
	}
	return LF_OK;
}

static int
entry_data(struct unseal *u, uint32_t *crc)
{
	const char *pw = u->password != NULL ? u->password : LF_SEAL_PASSWORD;
	uint8_t h[16 + LF_ZIPCRYPT_AES_PWV_LEN], pwv[LF_ZIPCRYPT_AES_PWV_LEN];
	uint8_t code[LF_ZIPCRYPT_AES_MAC_LEN], want[LF_ZIPCRYPT_AES_MAC_LEN];
	int rc;

	*crc = (uint32_t)crc32(0, NULL, 0);
	if (u->info->method == LF_SEAL_ZIPCRYPTO) {
		uint8_t check;
		if (u->csize < LF_ZIPCRYPT_ZC_HEAD ||
		    u->usize != u->csize - LF_ZIPCRYPT_ZC_HEAD)
			return fault(u, LF_UNSEAL_MALFORMED,
			    "sizes that do not fit a stored encrypted entry");
		if ((rc = get(u, h, LF_ZIPCRYPT_ZC_HEAD,
		         "the encryption header")) != LF_OK)
			return rc;
		lf_zipcrypt_zc_init(&u->zc, pw);
		lf_zipcrypt_zc_decrypt(&u->zc, h, h, LF_ZIPCRYPT_ZC_HEAD);
		/* With bit 3 the check byte is the time's, else the CRC's. */
		check = (u->flags & 0x0008) != 0 ? (uint8_t)(u->dostime >> 8) :
		                                   (uint8_t)(u->crc >> 24);
		if (h[LF_ZIPCRYPT_ZC_HEAD - 1] != check)
			return fault(u, LF_UNSEAL_PASSWORD,
			    "wrong password (the check byte differs)");
		return pump(u, u->usize, crc);
	}
	size_t salt = lf_zipcrypt_aes_salt_len(u->lx.aes_strength);
	uint64_t over =
	    salt + LF_ZIPCRYPT_AES_PWV_LEN + LF_ZIPCRYPT_AES_MAC_LEN;
	if (u->csize < over || u->usize != u->csize - over)
		return fault(u, LF_UNSEAL_MALFORMED,
		    "sizes that do not fit a stored encrypted entry");
	if ((rc = get(u, h, salt + LF_ZIPCRYPT_AES_PWV_LEN, "the AES salt")) !=
	    LF_OK)
		return rc;
	if ((rc = lf_zipcrypt_aes_init(&u->aes, u->lx.aes_strength, pw, h, pwv,
	         u->err)) != LF_OK)
		return rc;
	u->aes_live = true;
	if (memcmp(pwv, h + salt, LF_ZIPCRYPT_AES_PWV_LEN) != 0)
		return fault(u, LF_UNSEAL_PASSWORD,
		    "wrong password (the password check value differs)");
	if ((rc = pump(u, u->usize, crc)) != LF_OK ||
	    (rc = get(u, code, sizeof(code), "the authentication code")) !=
	        LF_OK ||
	    (rc = lf_zipcrypt_aes_code(&u->aes, want, u->err)) != LF_OK)
		return rc;
	if (CRYPTO_memcmp(code, want, sizeof(code)) != 0)
		return fault(u, LF_UNSEAL_AUTH,
		    "the authentication code differs: the data was changed "
		    "(or the password is wrong)");
	return LF_OK;
}

/* The data descriptor after the data (bit 3), if any. */
static int
descriptor(struct unseal *u)
{
	size_t w = u->lx.zip64 ? 8 : 4;
	uint8_t d[4 + 4 + 8 + 8];
	const uint8_t *p = d;
	uint64_t cs, us;
	int rc;

	if ((u->flags & 0x0008) == 0)
		return LF_OK;
	if ((rc = get(u, d, 4, "the data descriptor")) != LF_OK)
		return rc;
	if (lf_le32(d) == SIG_DESC) {
		if ((rc = get(u, d + 4, 4 + 2 * w, "the data descriptor")) !=
		    LF_OK)
			return rc;
		p = d + 4;
	} else if ((rc = get(u, d + 4, 2 * w, "the data descriptor")) !=
	    LF_OK) {
		return rc;
	}
	cs = w == 8 ? lf_le64(p + 4) : lf_le32(p + 4);
	us = w == 8 ? lf_le64(p + 4 + w) : lf_le32(p + 4 + w);
	/* The local header's CRC-32 is 0 with bit 3, or the same. */
	if (cs != u->csize || us != u->usize ||
	    (u->crc != 0 && u->crc != lf_le32(p)))
		return fault(u, LF_UNSEAL_MALFORMED,
		    "the data descriptor is not what the header says");
	u->crc = lf_le32(p);
	return LF_OK;
}

static int
central(struct unseal *u, uint64_t *cd_start, uint64_t *cd_len)
{
	uint8_t h[46];
	struct extras cx;
	size_t nlen, xlen, clen;
	uint64_t csize, usize, offset;
	uint32_t disk;
	int rc;

	*cd_start = u->pos;
	if ((rc = get(u, h, 4, "the central directory")) != LF_OK)
		return rc;
	if (lf_le32(h) == SIG_LOCAL)
		return fault(u, LF_UNSEAL_ENTRIES,
		    "more than one entry (a second local header)");
	if (lf_le32(h) != SIG_CENTRAL)
		return fault(u, LF_UNSEAL_MALFORMED,
		    "no central directory after the entry");
	if ((rc = get(u, h + 4, 42, "the central directory")) != LF_OK)
		return rc;
	nlen = lf_le16(h + 28);
	xlen = lf_le16(h + 30);
	clen = lf_le16(h + 32);
	csize = lf_le32(h + 20);
	usize = lf_le32(h + 24);
	disk = lf_le16(h + 34);
	offset = lf_le32(h + 42);
	if (nlen != u->name_len)
		return fault(u, LF_UNSEAL_MALFORMED,
		    "the central directory names another entry");
	if ((rc = get(u, u->var, nlen, "the central directory")) != LF_OK)
		return rc;
	if (memcmp(u->var, u->name, nlen) != 0)
		return fault(u, LF_UNSEAL_MALFORMED,
		    "the central directory names another entry");
	if ((rc = get(u, u->var, xlen, "the central directory")) != LF_OK ||
	    (rc = parse_extras(u, u->var, xlen, usize == MAX32, csize == MAX32,
	         offset == MAX32, disk == 0xffff, &cx,
	         "the central directory")) != LF_OK)
		return rc;
	if (usize == MAX32 && cx.zip64)
		usize = cx.usize;
	if (csize == MAX32 && cx.zip64)
		csize = cx.csize;
	if (offset == MAX32 && cx.zip64)
		offset = cx.offset;
	if (disk == 0xffff && cx.zip64)
		disk = cx.disk;
	if (lf_le16(h + 6) != u->needed || lf_le16(h + 8) != u->flags ||
	    lf_le16(h + 10) != u->method || lf_le32(h + 12) != u->dostime ||
	    lf_le32(h + 16) != u->crc || csize != u->csize ||
	    usize != u->usize || offset != 0 || disk != 0 ||
	    cx.aes != u->lx.aes ||
	    (cx.aes &&
	        (cx.aes_version != u->lx.aes_version ||
	            cx.aes_strength != u->lx.aes_strength ||
	            cx.aes_method != u->lx.aes_method)))
		return fault(u, LF_UNSEAL_MALFORMED,
		    "the central directory describes the entry otherwise");
	/* A comment is allowed; its bytes are read and dropped. */
	while (clen > 0) {
		size_t k = clen < sizeof(u->var) ? clen : sizeof(u->var);
		if ((rc = get(u, u->var, k, "the central directory")) != LF_OK)
			return rc;
		clen -= k;
	}
	*cd_len = u->pos - *cd_start;
	return LF_OK;
}

static int
end_records(struct unseal *u, uint64_t cd_start, uint64_t cd_len)
{
	uint8_t h[56];
	uint64_t e64 = 0, rec_start = u->pos;
	bool zip64 = false;
	size_t got;
	int rc;

	if ((rc = get(u, h, 4, "the end records")) != LF_OK)
		return rc;
	if (lf_le32(h) == SIG_CENTRAL)
		return fault(u, LF_UNSEAL_ENTRIES,
		    "more than one entry in the central directory");
	if (lf_le32(h) == SIG_EOCD64) {
		uint64_t size;
		zip64 = true;
		e64 = rec_start;
		if ((rc = get(u, h + 4, 52, "the Zip64 end record")) != LF_OK)
			return rc;
		size = lf_le64(h + 4);
		if (size < 44 || size - 44 > sizeof(u->var))
			return fault(u, LF_UNSEAL_MALFORMED,
			    "a Zip64 end record of a bad size");
		if ((rc = get(u, u->var, (size_t)(size - 44),
		         "the Zip64 end record")) != LF_OK)
			return rc;
		if (lf_le64(h + 24) != 1 || lf_le64(h + 32) != 1)
			return fault(u, LF_UNSEAL_ENTRIES,
			    "the Zip64 end record counts %llu entries",
			    (unsigned long long)lf_le64(h + 32));
		if (lf_le32(h + 16) != 0 || lf_le32(h + 20) != 0 ||
		    lf_le64(h + 40) != cd_len || lf_le64(h + 48) != cd_start)
			return fault(u, LF_UNSEAL_MALFORMED,
			    "the Zip64 end record does not match the "
			    "directory");
		if ((rc = get(u, h, 20, "the Zip64 end locator")) != LF_OK)
			return rc;
		if (lf_le32(h) != SIG_LOC64 || lf_le32(h + 4) != 0 ||
		    lf_le64(h + 8) != e64 || lf_le32(h + 16) > 1)
			return fault(u, LF_UNSEAL_MALFORMED,
			    "a bad Zip64 end locator");
		if ((rc = get(u, h, 4, "the end record")) != LF_OK)
			return rc;
	}
	if (lf_le32(h) != SIG_EOCD)
		return fault(u, LF_UNSEAL_MALFORMED,
		    "no end record after the central directory");
	if ((rc = get(u, h + 4, 18, "the end record")) != LF_OK)
		return rc;
	if ((lf_le16(h + 8) != 1 && !(zip64 && lf_le16(h + 8) == 0xffff)) ||
	    (lf_le16(h + 10) != 1 && !(zip64 && lf_le16(h + 10) == 0xffff)))
		return fault(u, LF_UNSEAL_ENTRIES,
		    "the end record counts %u entries", lf_le16(h + 10));
	if (lf_le16(h + 4) != 0 || lf_le16(h + 6) != 0 ||
	    (lf_le32(h + 12) != cd_len &&
	        !(zip64 && lf_le32(h + 12) == MAX32)) ||
	    (lf_le32(h + 16) != cd_start &&
	        !(zip64 && lf_le32(h + 16) == MAX32)))
		return fault(u, LF_UNSEAL_MALFORMED,
		    "the end record does not match the directory");
	if ((rc = get(u, u->var, lf_le16(h + 20), "the archive comment")) !=
	    LF_OK)
		return rc;
	if ((rc = read_some(u, h, 1, &got)) != LF_OK)
		return rc;
	if (got != 0)
		return fault(u, LF_UNSEAL_MALFORMED,
		    "bytes after the end of the archive (at byte %llu)",
		    (unsigned long long)(u->pos - 1));
	return LF_OK;
}

static int
unseal(struct unseal *u, const char *expected)
{
	uint64_t cd_start = 0, cd_len = 0;
	uint32_t crc = 0;
	int rc;

	if ((rc = local_header(u, expected)) != LF_OK ||
	    (rc = entry_data(u, &crc)) != LF_OK ||
	    (rc = descriptor(u)) != LF_OK)
		return rc;
	/* AE-2 stores no CRC-32; AE-1 and ZipCrypto do. */
	if (u->info->aes_version != 2 && crc != u->crc)
		return fault(u, LF_UNSEAL_CRC,
		    "the CRC-32 differs (%08x, stored %08x)", crc, u->crc);
	u->info->crc = u->crc;
	if ((rc = central(u, &cd_start, &cd_len)) != LF_OK)
		return rc;
	return end_records(u, cd_start, cd_len);
}

int
lf_unseal_zip(struct lf_reader *in, const char *password, const char *expected,
    lf_unseal_data_fn data, void *arg, struct lf_unseal_info *info,
    struct lf_error *err)
{
	struct lf_unseal_info scratch;
	struct unseal *u;
	int rc;

	if (info == NULL)
		info = &scratch;
	memset(info, 0, sizeof(*info));
	if (password != NULL &&
	    strnlen(password, LF_SEAL_PASSWORD_MAX + 1) > LF_SEAL_PASSWORD_MAX)
		return lf_error_set(err, LF_E_INVAL,
		    "unseal: password too long");
	if ((u = calloc(1, sizeof(*u))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "unseal");
	u->in = in;
	u->info = info;
	u->err = err;
	u->password = password;
	u->data = data;
	u->arg = arg;
	rc = unseal(u, expected);
	if (u->aes_live)
		lf_zipcrypt_aes_release(&u->aes);
	OPENSSL_cleanse(u, sizeof(*u));
	free(u);
	return rc;
}

const char *
lf_unseal_fault_name(enum lf_unseal_fault f)
{
	static const char *const names[] = {
	    [LF_UNSEAL_OK] = "ok",
	    [LF_UNSEAL_NOT_ZIP] = "not-zip",
	    [LF_UNSEAL_TRUNCATED] = "truncated",
	    [LF_UNSEAL_ENTRIES] = "entries",
	    [LF_UNSEAL_NOT_STORED] = "not-stored",
	    [LF_UNSEAL_NOT_ENCRYPTED] = "not-encrypted",
	    [LF_UNSEAL_NAME] = "name",
	    [LF_UNSEAL_PASSWORD] = "password",
	    [LF_UNSEAL_AUTH] = "auth",
	    [LF_UNSEAL_CRC] = "crc",
	    [LF_UNSEAL_UNSUPPORTED] = "unsupported",
	    [LF_UNSEAL_MALFORMED] = "malformed",
	    [LF_UNSEAL_NOT_CMS] = "not-cms",
	    [LF_UNSEAL_RECIPIENT] = "recipient",
	};

	if ((unsigned)f >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[f];
}
