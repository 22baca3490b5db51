/*
 * lf/seal.h: a sample sealed in an encrypted zip, written reproducibly
 * in one pass and opened in memory.
 *
 * A sealed object is a zip archive with exactly one stored (uncompressed)
 * entry, encrypted either with WinZip AES-256 (AE-2: no CRC-32, an
 * HMAC-SHA1 authentication code instead) or with traditional PKWARE
 * encryption ("ZipCrypto"), which 7-Zip, Info-ZIP unzip and Python's
 * zipfile all open with the password ("infected" unless the caller gives
 * another).  Its purpose is that nothing opens the sample by accident:
 * no scanner, no mail client, no double click.  ZipCrypto is not
 * confidentiality (it falls to a known-plaintext attack); AES-256 is only
 * as strong as the password, which is public.
 *
 * The writer takes the content as a stream, once, and never holds more
 * than 64 KiB of it; the caller declares its size and SHA-256 up front
 * (both are in the object record of the quarantine store) and the writer
 * checks both at the end.  The bytes written depend only on the options
 * and the content: the AES salt and the ZipCrypto encryption header are
 * derived from a caller's secret and the content's SHA-256 (see
 * docs/sealing.md, and lf_seal.c for the derivation), the time is the
 * caller's, and nothing else varies.  The exact layout:
 *
 *   local header   version needed 5.1 (AES) or 2.0 (ZipCrypto; 4.5 with
 *                  Zip64), flags 0x0001 (AES) or 0x0009 (ZipCrypto:
 *                  bit 3, a data descriptor follows), method 99 (AES) or
 *                  0, DOS time and date of the epoch given, CRC-32 0,
 *                  both sizes (also with bit 3: they are known), the
 *                  name, then a Zip64 field (0x0001) when a size reaches
 *                  0xffffffff, then for AES the field 0x9901 (AE-2,
 *                  "AE", strength 3, method 0);
 *   data           AES: salt (16) | password check (2) | AES-256-CTR
 *                  ciphertext | HMAC-SHA1 code (10); ZipCrypto: the
 *                  12-byte encryption header | ciphertext;
 *   descriptor     ZipCrypto only: PK\7\8, CRC-32, sizes (8 bytes each
 *                  when the local header has a Zip64 field);
 *   directory      one central record (version made by 0x033f: Unix,
 *                  6.3; external attributes 0100644 << 16; no comment),
 *                  Zip64 end record and locator when the directory
 *                  starts at or past 0xffffffff, end record.
 *
 * Why a descriptor for ZipCrypto: its encryption header ends in a check
 * byte, either the CRC-32's high byte, which is only known after the
 * whole content was read (a second pass, impossible from a pipe), or,
 * with bit 3, the DOS time's high byte.  The writer takes the time and
 * stores the CRC-32 after the data.  AES AE-2 needs no CRC at all.
 *
 * The reader (lf_unseal_zip) streams the entry out of a sealed zip from
 * front to back, without seeking, and checks everything that can be
 * checked: the password check value, the authentication code or CRC-32,
 * the data descriptor, and that the central directory and end records
 * describe that one entry and nothing else.  It opens zips from other
 * writers too (7-Zip, libarchive: AE-1 and AE-2, AES-128/192/256,
 * ZipCrypto), when the entry's sizes are in its local header (every
 * writer that knows them puts them there).
 */
#ifndef LF_SEAL_H
#define LF_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/error.h"
#include "lf/reader.h"

#define LF_SEAL_PASSWORD "infected" /* the default password */
#define LF_SEAL_NAME_MAX 255        /* bytes in an entry's name */
#define LF_SEAL_SECRET_MIN 16       /* bytes in the salt secret */
#define LF_SEAL_SECRET_MAX 1024
#define LF_SEAL_PASSWORD_MAX 1024
#define LF_SEAL_HEAD_MAX (30 + LF_SEAL_NAME_MAX + 20 + 11 + 16 + 2 + 12)
#define LF_SEAL_TAIL_MAX (24 + 46 + LF_SEAL_NAME_MAX + 20 + 11 + 56 + 20 + 22)

enum lf_seal_method {
	LF_SEAL_AES256,    /* WinZip AES-256, AE-2 */
	LF_SEAL_ZIPCRYPTO, /* traditional PKWARE encryption */
};

/*
 * Where sealed bytes go: write all n bytes at p, return LF_OK or a
 * negative LF_E_* code with err filled.
 */
typedef int (*lf_seal_write_fn)(void *arg, const uint8_t *p, size_t n,
    struct lf_error *err);

struct lf_seal_opts {
	enum lf_seal_method method;
	const char *password;  /* NULL: LF_SEAL_PASSWORD; at most
				 LF_SEAL_PASSWORD_MAX bytes */
	const char *name;      /* the entry's name: 1 to LF_SEAL_NAME_MAX
				 bytes of [A-Za-z0-9._-], not "." or ".." */
	int64_t epoch;         /* the entry's time, seconds since 1970 UTC
				 (SOURCE_DATE_EPOCH); held to 1980-01-01
				 ... 2107-12-31, even seconds */
	const uint8_t *secret; /* the salt secret, LF_SEAL_SECRET_MIN to
				  LF_SEAL_SECRET_MAX bytes (borrowed) */
	size_t secret_len;
	uint8_t sha256[32];  /* the content's SHA-256 */
	uint64_t size;       /* the content's size in bytes */
	bool sha256_checked; /* the content is known to have that SHA-256
				(sealed again, with the output held to the
				first sealing's digest): not hashed again */
};

struct lf_seal_zip;

/*
 * lf_seal_zip_new: start sealing: check the options, derive the keys
 * and write the local header through write(arg).  Nothing o points to is
 * used after the call (the name is copied, the password and the secret
 * are needed only here).  Returns LF_OK and a new writer in *out;
 * LF_E_INVAL for options out of range; LF_E_NOMEM; LF_E_CRYPTO; or the
 * error write returned.
 */
int lf_seal_zip_new(const struct lf_seal_opts *o, lf_seal_write_fn write,
    void *arg, struct lf_seal_zip **out, struct lf_error *err);

/*
 * lf_seal_zip_update: n more bytes of the content.  Returns LF_OK;
 * LF_E_CHANGED when they pass the declared size; LF_E_CRYPTO; or the
 * error write returned.  After an error the writer must only be freed.
 */
int lf_seal_zip_update(struct lf_seal_zip *z, const void *p, size_t n,
    struct lf_error *err);

/*
 * lf_seal_zip_finish: write the authentication code or data descriptor,
 * the central directory and the end records.  Returns LF_OK; LF_E_CHANGED
 * when the content was shorter than declared or its SHA-256 is not the
 * one declared (unless sha256_checked; what was written is then no sealed
 * object: discard it);
 * LF_E_CRYPTO; or the error write returned.
 */
int lf_seal_zip_finish(struct lf_seal_zip *z, struct lf_error *err);

/* lf_seal_zip_free: wipe the keys and free.  NULL is allowed. */
void lf_seal_zip_free(struct lf_seal_zip *z);

/*
 * lf_seal_zip_size: the number of bytes the sealed zip of these options
 * will have (it depends on the method, the name and the size only), so
 * that a caller can announce it before sealing, as a tar header must.
 * Returns 0 for options lf_seal_zip_new would refuse.
 */
uint64_t lf_seal_zip_size(const struct lf_seal_opts *o);

/*
 * lf_seal_zip_head: the bytes before the content's ciphertext (local
 * header and salt and password check value, or encryption header) into
 * buf (at least LF_SEAL_HEAD_MAX bytes); *n receives their number.
 * lf_seal_zip_tail: the bytes after the data that do not depend on the
 * keys (data descriptor, central directory, end records), for a content
 * of o->size bytes and CRC-32 crc (ignored for AES), into buf (at least
 * LF_SEAL_TAIL_MAX bytes).  The writer uses these; they are public so
 * that the layout, Zip64 included, can be checked without writing 4 GiB.
 * Both return LF_OK, LF_E_INVAL, or LF_E_CRYPTO (head only).
 */
int lf_seal_zip_head(const struct lf_seal_opts *o, uint8_t *buf, size_t *n,
    struct lf_error *err);
int lf_seal_zip_tail(const struct lf_seal_opts *o, uint32_t crc, uint8_t *buf,
    size_t *n, struct lf_error *err);

/*
 * lf_seal_write_fd: an lf_seal_write_fn writing to the file descriptor
 * *(int *)arg, retrying short writes and EINTR.  Returns LF_OK or LF_E_IO.
 */
int
lf_seal_write_fd(void *arg, const uint8_t *p, size_t n, struct lf_error *err);

/* Why a sealed zip was refused. */
enum lf_unseal_fault {
	LF_UNSEAL_OK = 0,
	LF_UNSEAL_NOT_ZIP,       /* does not begin as a zip archive */
	LF_UNSEAL_TRUNCATED,     /* ends before the archive does */
	LF_UNSEAL_ENTRIES,       /* not exactly one entry */
	LF_UNSEAL_NOT_STORED,    /* the entry is compressed */
	LF_UNSEAL_NOT_ENCRYPTED, /* the entry is not encrypted */
	LF_UNSEAL_NAME,          /* the entry is not the name expected */
	LF_UNSEAL_PASSWORD,      /* the password check value differs */
	LF_UNSEAL_AUTH,          /* the AES authentication code differs */
	LF_UNSEAL_CRC,           /* the CRC-32 differs */
	LF_UNSEAL_UNSUPPORTED,   /* an encryption or layout not handled */
	LF_UNSEAL_MALFORMED,     /* records that disagree, bad fields, bytes
				    after the end */
	LF_UNSEAL_NOT_CMS,   /* not a CMS AuthEnvelopedData (lf/sealcms.h) */
	LF_UNSEAL_RECIPIENT, /* the key opens no RecipientInfo */
};

struct lf_unseal_info {
	enum lf_unseal_fault fault; /* LF_UNSEAL_OK, or why it failed */
	enum lf_seal_method method; /* AES (any strength) or ZipCrypto */
	int aes_strength; /* 1, 2, 3 (AES-128, 192, 256); 0 ZipCrypto */
	int aes_version;  /* 1 (AE-1), 2 (AE-2); 0 ZipCrypto */
	uint64_t size;    /* content bytes given to the callback */
	uint32_t crc;     /* the CRC-32 stored (0 with AE-2) */
	char name[LF_SEAL_NAME_MAX + 1]; /* the entry's name, when it is at
					    most LF_SEAL_NAME_MAX printable
					    ASCII bytes; else "" */
};

/*
 * The content, as it is decrypted: n bytes at p, borrowed for the call.
 * Return LF_OK to go on, or a negative LF_E_* code to stop (it is then
 * what lf_unseal_zip returns).
 */
typedef int (*lf_unseal_data_fn)(void *arg, const uint8_t *p, size_t n,
    struct lf_error *err);

/*
 * lf_unseal_zip: read the sealed zip from in (borrowed) to its end, and
 * give the entry's content to data(arg) in order.  With expected not
 * NULL, the entry must have that name; password NULL means
 * LF_SEAL_PASSWORD.  The bytes given are authenticated only when the
 * call returns LF_OK: a caller hashing them must discard the hash
 * otherwise.  Memory stays under 300 KiB whatever the input.
 *
 * Returns LF_OK; LF_E_FORMAT with info->fault saying why the input is
 * not a sound sealed zip for this password and name (the message says it
 * too); LF_E_CRYPTO; the reader's error; or the callback's.  info (may be
 * NULL) is written in every case: fault is LF_UNSEAL_OK unless the
 * result is LF_E_FORMAT, and the other fields hold what was read so far.
 */
int lf_unseal_zip(struct lf_reader *in, const char *password,
    const char *expected, lf_unseal_data_fn data, void *arg,
    struct lf_unseal_info *info, struct lf_error *err);

/* lf_unseal_fault_name: a short static name of a fault ("auth"...). */
const char *lf_unseal_fault_name(enum lf_unseal_fault f);

#endif
