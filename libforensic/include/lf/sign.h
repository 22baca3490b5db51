/*
 * lf/sign.h: Ed25519 signatures of a small file, in the forms stock tools
 * verify.
 *
 *   raw       the 64-byte Ed25519 signature of the file's bytes, as
 *             `openssl pkeyutl -sign -rawin` writes it and `openssl
 *             pkeyutl -verify -rawin -sigfile` checks it;
 *   minisign  a .minisig file, as `minisign -S` writes it and `minisign
 *             -V` checks it:
 *               untrusted comment: <text>
 *               base64("ED" | key id | Ed25519(BLAKE2b-512(file)))
 *               trusted comment: <text>
 *               base64(Ed25519(signature | trusted comment text))
 *             "ED" (prehashed) is what minisign 0.10 and later write and
 *             what Debian's minisign 0.11 writes by default; the legacy
 *             "Ed" form signs the file itself (minisign -S -l), and
 *             signify-openbsd reads only that one.  Both are verified.
 *             The last line, the "global" signature, binds the trusted
 *             comment to the signature.
 *
 * The file is given as bytes in memory: these forms are for a tag
 * manifest or a custody log, not for the evidence itself.
 *
 * Verifying is an answer, not an error: the verify functions return
 * LF_OK when they could check, with the verdict in struct lf_sigcheck,
 * and an error only for what stopped the check (memory, OpenSSL, misuse).
 */
#ifndef LF_SIGN_H
#define LF_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/buf.h"
#include "lf/error.h"
#include "lf/sigkey.h"

/* Longest trusted comment, as minisign reads it (8192-byte line). */
#define LF_MINISIG_TRUSTED_MAX 8173
/* Longest untrusted comment text we write (a 1023-byte line). */
#define LF_MINISIG_UNTRUSTED_MAX 1003
/* Largest .minisig we read: four lines at their longest. */
#define LF_MINISIG_FILE_MAX 16384
#define LF_MINISIG_TRUSTED_PREFIX "trusted comment: "

/* Signing options. */
#define LF_MINISIG_LEGACY 0x1 /* "Ed": sign the file, not its BLAKE2b */

enum lf_sig_verdict {
	LF_SIG_GOOD,        /* the signature verifies, by the pinned key */
	LF_SIG_MALFORMED,   /* not a signature in the form: truncated,
	                       oversized, bad base64, a line missing */
	LF_SIG_UNSUPPORTED, /* a signature algorithm other than Ed / ED */
	LF_SIG_WRONG_KEY,   /* made by another key: the key id differs, or
	                       the key is not the pinned fingerprint */
	LF_SIG_BAD,         /* does not verify: the file or the signature
	                       was changed, or (raw) another key made it */
	LF_SIG_BAD_COMMENT, /* the file verifies but the global signature
	                       over the trusted comment does not */
};

struct lf_sigcheck {
	enum lf_sig_verdict verdict;
	char reason[256]; /* what was wrong, "" when good */
	bool prehashed;   /* minisign: "ED" rather than "Ed" */
	/* minisign: the trusted comment (NUL-terminated, trusted only when
	 * the verdict is LF_SIG_GOOD). */
	char trusted[LF_MINISIG_TRUSTED_MAX + 1];
};

/* A .minisig file taken apart. */
struct lf_minisig {
	bool prehashed;
	uint8_t keyid[LF_SIGKEY_ID_LEN];
	uint8_t sig[LF_ED25519_SIG_LEN];
	uint8_t global_sig[LF_ED25519_SIG_LEN];
	char trusted[LF_MINISIG_TRUSTED_MAX + 1]; /* NUL-terminated */
	size_t trusted_len;
};

/*
 * lf_sign_raw: the Ed25519 signature of msg[0..len).  k must hold a
 * private key.  Returns LF_OK and sig, LF_E_INVAL or LF_E_CRYPTO.
 */
int lf_sign_raw(const struct lf_sigkey *k, const uint8_t *msg, size_t len,
    uint8_t sig[LF_ED25519_SIG_LEN], struct lf_error *err);

/*
 * lf_verify_raw: check the raw signature sig[0..siglen) (the bytes of a
 * .sig file: exactly 64 of them) of msg[0..len) with key k, and, when pin
 * is not NULL, that k is the key of that fingerprint.  Returns LF_OK
 * with the verdict in *out (LF_SIG_MALFORMED for a length other than 64,
 * LF_SIG_WRONG_KEY, LF_SIG_BAD), or LF_E_NOMEM / LF_E_CRYPTO.
 */
int
lf_verify_raw(const struct lf_sigkey *k, const uint8_t pin[LF_SIGKEY_FPR_LEN],
    const uint8_t *msg, size_t len, const uint8_t *sig, size_t siglen,
    struct lf_sigcheck *out, struct lf_error *err);

/*
 * lf_minisig_sign: append to out the .minisig of msg[0..len) by k (a
 * private key), prehashed ("ED") unless flags has LF_MINISIG_LEGACY.
 * untrusted and trusted are the comments (NUL-terminated, no CR or LF,
 * at most LF_MINISIG_UNTRUSTED_MAX and LF_MINISIG_TRUSTED_MAX bytes).
 * minisign's own trusted comment is "timestamp:<seconds>\tfile:<name>"
 * (plus "\thashed" when prehashed); callers that want the same bytes for
 * the same input give a fixed time.  Returns LF_OK, LF_E_INVAL, LF_E_NOMEM,
 * LF_E_CRYPTO, or an lf_buf_append error (out may then hold a part).
 */
int lf_minisig_sign(const struct lf_sigkey *k, const uint8_t *msg, size_t len,
    unsigned flags, const char *untrusted, const char *trusted,
    struct lf_buf *out, struct lf_error *err);

/*
 * lf_minisig_parse: take apart the .minisig p[0..n) exactly as minisign
 * reads it, refusing what it would read otherwise: four lines, ended by
 * LF or CRLF, nothing after the fourth; the first starting "untrusted
 * comment: " and at most 1023 bytes; the second base64 of 74 bytes whose
 * algorithm is "Ed" or "ED"; the third starting "trusted comment: "; the
 * fourth base64 of 64 bytes; no NUL or CR inside a line.  Returns LF_OK
 * and *out, or LF_E_FORMAT / LF_E_NOTSUP (the algorithm) / LF_E_LIMIT
 * (larger than LF_MINISIG_FILE_MAX) with the reason.
 */
int lf_minisig_parse(const uint8_t *p, size_t n, struct lf_minisig *out,
    struct lf_error *err);

/*
 * lf_minisig_verify: check the .minisig sig[0..siglen) of msg[0..len)
 * with key k (its key id must be the one in the signature: for a key that
 * minisign made, load its minisign public key file) and, when pin is not
 * NULL, that k is the key of that fingerprint; then the global signature.
 * Returns LF_OK with the verdict in *out, or LF_E_NOMEM / LF_E_CRYPTO.
 */
int lf_minisig_verify(const struct lf_sigkey *k,
    const uint8_t pin[LF_SIGKEY_FPR_LEN], const uint8_t *msg, size_t len,
    const uint8_t *sig, size_t siglen, struct lf_sigcheck *out,
    struct lf_error *err);

/*
 * lf_sig_verdict_name: "good", "malformed", "unsupported", "wrong-key",
 * "bad", "bad-comment".
 */
const char *lf_sig_verdict_name(enum lf_sig_verdict v);

#endif
