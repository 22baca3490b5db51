/*
 * lf/sigkey.h: Ed25519 signing keys, their files and their fingerprint.
 *
 * A key is held as an OpenSSL key and read from, or written to:
 *   - a private key: PEM PKCS#8 ("PRIVATE KEY"), or the same encrypted
 *     with a passphrase ("ENCRYPTED PRIVATE KEY", PBES2: AES-256-CBC with
 *     scrypt N=16384 r=8 p=1 when we write it, as `openssl pkcs8 -topk8
 *     -scrypt` does; PBKDF2 or scrypt when we read it);
 *   - a public key: PEM SubjectPublicKeyInfo ("PUBLIC KEY"), or minisign's
 *     public key file ("untrusted comment: ..." then base64 of "Ed", the
 *     8-byte key id and the 32-byte key), which signify-openbsd reads too.
 *
 * The fingerprint is the SHA-256 of the DER SubjectPublicKeyInfo, the
 * value anyone computes with
 *   openssl pkey -pubin -in k.pub -outform DER | openssl dgst -sha256
 * and shows in lowercase hex.
 *
 * minisign names a key by an 8-byte key id that its signatures repeat.
 * minisign picks it at random; we take the first 8 bytes of the
 * fingerprint, so that a key has the same id whoever loads it.  A key
 * loaded from a minisign public key file keeps the id written there.
 */
#ifndef LF_SIGKEY_H
#define LF_SIGKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/buf.h"
#include "lf/error.h"

#define LF_SIGKEY_FPR_LEN 32                          /* SHA-256 */
#define LF_SIGKEY_FPR_HEX (2 * LF_SIGKEY_FPR_LEN + 1) /* with the NUL */
#define LF_SIGKEY_ID_LEN 8                            /* minisign key id */
#define LF_SIGKEY_ID_HEX 17                           /* with the NUL */
#define LF_ED25519_PUB_LEN 32
#define LF_ED25519_SIG_LEN 64
#define LF_SIGKEY_FILE_MAX (64 * 1024) /* longest key file we read */
/* Longest passphrase, in bytes: what openssl -passin reads. */
#define LF_PASSPHRASE_MAX 1023

/* minisign reads a comment line of at most 1023 bytes with its newline. */
#define LF_MINISIGN_LINE_MAX 1023
#define LF_MINISIGN_COMMENT_PREFIX "untrusted comment: "

struct lf_sigkey;

/*
 * A passphrase source: write the passphrase (no NUL needed) into buf,
 * which holds size bytes, and return its length, or -1 when there is
 * none.  The library wipes buf after use.
 */
typedef int (*lf_passphrase_fn)(void *arg, char *buf, size_t size);

/*
 * lf_sigkey_generate: a new Ed25519 key pair from OpenSSL's random
 * generator.  Returns LF_OK and the key in *out (new: lf_sigkey_free),
 * LF_E_NOMEM or LF_E_CRYPTO.
 */
int lf_sigkey_generate(struct lf_sigkey **out, struct lf_error *err);

/*
 * lf_sigkey_load_private: the private key in the PEM text p[0..n), which
 * must hold one PKCS#8 block, plain or encrypted (PBES2 with PBKDF2 of at
 * most 10,000,000 iterations, or scrypt of cost N*r*p at most 2^22).  For
 * an encrypted key, pass (arg) is asked for the passphrase; pass may be
 * NULL for a key that is not encrypted.  Returns LF_OK and the key in
 * *out (new), or:
 *   LF_E_FORMAT  not a PEM private key, or its DER is damaged;
 *   LF_E_NOTSUP  not Ed25519, or an encryption we do not read;
 *   LF_E_INVAL   encrypted and no passphrase was given;
 *   LF_E_CRYPTO  the passphrase is wrong (or the key damaged);
 *   LF_E_LIMIT   more than LF_SIGKEY_FILE_MAX bytes, or the key's
 *                encryption costs more than the bounds above;
 *   LF_E_NOMEM.
 */
int lf_sigkey_load_private(const uint8_t *p, size_t n, lf_passphrase_fn pass,
    void *arg, struct lf_sigkey **out, struct lf_error *err);

/*
 * lf_sigkey_load_public: the public key in p[0..n): PEM
 * SubjectPublicKeyInfo or a minisign public key file (found from the first
 * line).  A PEM file holds one block (text around it is allowed, a second
 * block is not), whose DER is consumed exactly.  Returns LF_OK and the key in *out (new), LF_E_FORMAT (the
 * message says what is wrong), LF_E_NOTSUP (not Ed25519), LF_E_LIMIT
 * or LF_E_NOMEM.
 */
int lf_sigkey_load_public(const uint8_t *p, size_t n, struct lf_sigkey **out,
    struct lf_error *err);

/*
 * lf_minisign_pub_parse: read minisign's public key file p[0..n) without
 * making a key: an "untrusted comment: " line of at most
 * LF_MINISIGN_LINE_MAX bytes, then base64 of "Ed", the key id and the
 * key, each line ended by LF or CRLF, and nothing after.  Fills keyid and
 * pub on success.  Returns LF_OK or LF_E_FORMAT / LF_E_NOTSUP (an
 * algorithm other than "Ed") with the reason.
 */
int lf_minisign_pub_parse(const uint8_t *p, size_t n,
    uint8_t keyid[LF_SIGKEY_ID_LEN], uint8_t pub[LF_ED25519_PUB_LEN],
    struct lf_error *err);

/*
 * lf_sigkey_has_private: whether the key can sign.
 */
bool lf_sigkey_has_private(const struct lf_sigkey *k);

/*
 * lf_sigkey_fingerprint: the SHA-256 of the DER SubjectPublicKeyInfo.
 * lf_sigkey_fingerprint_hex: the same in lowercase hex, NUL-terminated.
 */
void lf_sigkey_fingerprint(const struct lf_sigkey *k,
    uint8_t out[LF_SIGKEY_FPR_LEN]);
void lf_sigkey_fingerprint_hex(const struct lf_sigkey *k,
    char out[LF_SIGKEY_FPR_HEX]);

/*
 * lf_fingerprint_parse: a fingerprint given as 64 hex digits (either
 * case), optionally prefixed "sha256:" or "SHA256:", and with the colons
 * of "ab:cd:..." allowed.  Returns LF_OK or LF_E_INVAL.
 */
int lf_fingerprint_parse(const char *s, uint8_t out[LF_SIGKEY_FPR_LEN],
    struct lf_error *err);

/*
 * lf_sigkey_id: the minisign key id (see above).
 * lf_sigkey_id_hex: as minisign shows it: the id read as a little-endian
 * 64-bit number, in 16 uppercase hex digits.
 */
void lf_sigkey_id(const struct lf_sigkey *k, uint8_t out[LF_SIGKEY_ID_LEN]);
void lf_sigkey_id_hex(const struct lf_sigkey *k, char out[LF_SIGKEY_ID_HEX]);

/*
 * lf_sigkey_public_raw: the 32 bytes of the public key.
 */
void lf_sigkey_public_raw(const struct lf_sigkey *k,
    uint8_t out[LF_ED25519_PUB_LEN]);

/*
 * lf_sigkey_public_pem: append the PEM SubjectPublicKeyInfo to out.
 * lf_sigkey_minisign_pub: append minisign's public key file to out,
 * with the comment "minisign public key <id>" as minisign writes it.
 * Both return LF_OK, LF_E_CRYPTO, or an lf_buf_append error.
 */
int lf_sigkey_public_pem(const struct lf_sigkey *k, struct lf_buf *out,
    struct lf_error *err);
int lf_sigkey_minisign_pub(const struct lf_sigkey *k, struct lf_buf *out,
    struct lf_error *err);

/*
 * lf_sigkey_private_pem: the private key as PEM PKCS#8, encrypted when
 * pass is not NULL (passlen bytes, 1 to LF_PASSPHRASE_MAX).  Returns
 * LF_OK and in *pem and *len a new buffer from OPENSSL_secure_malloc,
 * which the caller wipes and frees with OPENSSL_secure_clear_free(*pem,
 * *len); LF_E_INVAL (no private key, bad passphrase length), LF_E_NOMEM
 * or LF_E_CRYPTO.
 */
int lf_sigkey_private_pem(const struct lf_sigkey *k, const char *pass,
    size_t passlen, uint8_t **pem, size_t *len, struct lf_error *err);

/*
 * lf_sigkey_pkey: the OpenSSL key, borrowed until lf_sigkey_free (an
 * EVP_PKEY *, typed void * so that this header needs no OpenSSL one).
 */
void *lf_sigkey_pkey(const struct lf_sigkey *k);

/*
 * lf_sigkey_free: wipe and free.  NULL is allowed.
 */
void lf_sigkey_free(struct lf_sigkey *k);

#endif
