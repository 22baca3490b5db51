/*
 * lf_sign.c: raw Ed25519 and minisign signatures.
 *
 * The checks run in the order that makes each verdict mean one thing: the
 * file's form first (malformed), then its algorithm (unsupported), then
 * whose key it names (wrong key, before any arithmetic, as minisign does),
 * then the signature of the file (bad), and last the global signature
 * over the trusted comment (bad comment).  A minisign signature whose
 * comment line was edited still verifies: that line is not signed, which
 * is why it is called untrusted.
 */
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lf/sign.h"
#include "lf_sigtext.h"

#define BLAKE2B_LEN 64
/* "Ed" or "ED", key id, signature. */
#define SIG_BIN (2 + LF_SIGKEY_ID_LEN + LF_ED25519_SIG_LEN)
/* minisign reads the trusted comment line with fgets() into 8192 bytes. */
#define TRUSTED_LINE_MAX 8191
/* and each base64 line into its length plus 2 */
#define B64_LINE_MAX(bin) (((bin) + 2) / 3 * 4 + 2)

static int
ed25519_sign(EVP_PKEY *pkey, const uint8_t *msg, size_t len,
    uint8_t sig[LF_ED25519_SIG_LEN], struct lf_error *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t siglen = LF_ED25519_SIG_LEN;
	int rc = LF_OK;

	if (ctx == NULL)
		return lf_error_set(err, LF_E_NOMEM, "ed25519");
	if (EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, pkey, NULL) !=
	        1 ||
	    EVP_DigestSign(ctx, sig, &siglen, msg, len) != 1 ||
	    siglen != LF_ED25519_SIG_LEN)
		rc = lf_error_set(err, LF_E_CRYPTO, "ed25519: cannot sign");
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	return rc;
}

static int
ed25519_verify(EVP_PKEY *pkey, const uint8_t *msg, size_t len,
    const uint8_t sig[LF_ED25519_SIG_LEN], bool *good, struct lf_error *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc = LF_OK;

	if (ctx == NULL)
		return lf_error_set(err, LF_E_NOMEM, "ed25519");
	if (EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, pkey, NULL) !=
	    1)
		rc = lf_error_set(err, LF_E_CRYPTO, "ed25519: cannot verify");
	else
		/* 0 is "does not verify", below 0 a malformed signature (a
		 * point off the curve, s out of range): not good either. */
		*good = EVP_DigestVerify(ctx, sig, LF_ED25519_SIG_LEN, msg,
		            len) == 1;
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	return rc;
}

int
lf_sign_raw(const struct lf_sigkey *k, const uint8_t *msg, size_t len,
    uint8_t sig[LF_ED25519_SIG_LEN], struct lf_error *err)
{
	if (!lf_sigkey_has_private(k))
		return lf_error_set(err, LF_E_INVAL,
		    "signing needs a private key");
	return ed25519_sign(lf_sigkey_pkey(k), msg, len, sig, err);
}

__attribute__((format(printf, 3, 4))) static void
verdict(struct lf_sigcheck *out, enum lf_sig_verdict v, const char *fmt, ...)
{
	va_list ap;

	out->verdict = v;
	va_start(ap, fmt);
	(void)vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
}

static void
check_init(struct lf_sigcheck *out)
{
	out->verdict = LF_SIG_GOOD;
	out->reason[0] = '\0';
	out->prehashed = false;
	out->trusted[0] = '\0';
}

/* Whether k is the pinned key; sets the verdict when it is not. */
static bool
pinned(const struct lf_sigkey *k, const uint8_t *pin, struct lf_sigcheck *out)
{
	uint8_t fpr[LF_SIGKEY_FPR_LEN];

	if (pin == NULL)
		return true;
	lf_sigkey_fingerprint(k, fpr);
	if (CRYPTO_memcmp(fpr, pin, sizeof(fpr)) == 0)
		return true;
	verdict(out, LF_SIG_WRONG_KEY,
	    "the key is not the pinned one (fingerprint differs)");
	return false;
}

int
lf_verify_raw(const struct lf_sigkey *k, const uint8_t pin[LF_SIGKEY_FPR_LEN],
    const uint8_t *msg, size_t len, const uint8_t *sig, size_t siglen,
    struct lf_sigcheck *out, struct lf_error *err)
{
	struct lf_sigcheck c;
	bool good = false;
	int rc;

	check_init(&c);
	if (siglen != LF_ED25519_SIG_LEN)
		verdict(&c, LF_SIG_MALFORMED,
		    "the signature is %zu bytes, not %d (%s)", siglen,
		    LF_ED25519_SIG_LEN,
		    siglen < LF_ED25519_SIG_LEN ? "truncated" : "oversized");
	else if (pinned(k, pin, &c)) {
		rc = ed25519_verify(lf_sigkey_pkey(k), msg, len, sig, &good,
		    err);
		if (rc != LF_OK)
			return rc;
		if (!good)
			verdict(&c, LF_SIG_BAD,
			    "the signature does not match the file and key");
	}
	memcpy(out, &c, sizeof(c));
	return LF_OK;
}

/* What the "ED" form signs: BLAKE2b-512 of the file. */
static int
blake2b(const uint8_t *msg, size_t len, uint8_t out[BLAKE2B_LEN],
    struct lf_error *err)
{
	unsigned int n = 0;

	if (EVP_Digest(msg, len, out, &n, EVP_blake2b512(), NULL) != 1 ||
	    n != BLAKE2B_LEN) {
		ERR_clear_error();
		return lf_error_set(err, LF_E_CRYPTO, "BLAKE2b-512 failed");
	}
	return LF_OK;
}

/* A comment we may write: no CR, LF or other byte minisign would cut. */
static bool
comment_ok(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);

	return n <= max && strpbrk(s, "\r\n") == NULL;
}

int
lf_minisig_sign(const struct lf_sigkey *k, const uint8_t *msg, size_t len,
    unsigned flags, const char *untrusted, const char *trusted,
    struct lf_buf *out, struct lf_error *err)
{
	uint8_t bin[SIG_BIN], h[BLAKE2B_LEN], global[LF_ED25519_SIG_LEN];
	uint8_t *both = NULL;
	bool legacy = (flags & LF_MINISIG_LEGACY) != 0;
	size_t tlen;
	int rc;

	if (!lf_sigkey_has_private(k))
		return lf_error_set(err, LF_E_INVAL,
		    "signing needs a private key");
	if (!comment_ok(untrusted, LF_MINISIG_UNTRUSTED_MAX) ||
	    !comment_ok(trusted, LF_MINISIG_TRUSTED_MAX))
		return lf_error_set(err, LF_E_INVAL,
		    "minisign: a comment is too long or holds a line break");
	tlen = strlen(trusted);
	bin[0] = 'E';
	bin[1] = legacy ? 'd' : 'D';
	lf_sigkey_id(k, bin + 2);
	if (!legacy && (rc = blake2b(msg, len, h, err)) != LF_OK)
		return rc;
	if ((rc = ed25519_sign(lf_sigkey_pkey(k), legacy ? msg : h,
	         legacy ? len : sizeof(h), bin + 2 + LF_SIGKEY_ID_LEN, err)) !=
	    LF_OK)
		return rc;
	/* The global signature: of the signature and the trusted comment. */
	if ((both = OPENSSL_malloc(LF_ED25519_SIG_LEN + tlen + 1)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "minisign");
	memcpy(both, bin + 2 + LF_SIGKEY_ID_LEN, LF_ED25519_SIG_LEN);
	memcpy(both + LF_ED25519_SIG_LEN, trusted, tlen);
	rc = ed25519_sign(lf_sigkey_pkey(k), both, LF_ED25519_SIG_LEN + tlen,
	    global, err);
	OPENSSL_free(both);
	if (rc != LF_OK)
		return rc;
	if ((rc = lf_buf_printf(out, err, LF_MINISIGN_COMMENT_PREFIX "%s\n",
	         untrusted)) != LF_OK ||
	    (rc = lf_sigtext_b64_line(out, bin, sizeof(bin), err)) != LF_OK ||
	    (rc = lf_buf_printf(out, err, LF_MINISIG_TRUSTED_PREFIX "%s\n",
	         trusted)) != LF_OK ||
	    (rc = lf_sigtext_b64_line(out, global, sizeof(global), err)) !=
	        LF_OK)
		return rc;
	return LF_OK;
}

int
lf_minisig_parse(const uint8_t *p, size_t n, struct lf_minisig *out,
    struct lf_error *err)
{
	static const char up[] = LF_MINISIGN_COMMENT_PREFIX;
	static const char tp[] = LF_MINISIG_TRUSTED_PREFIX;
	const uint8_t *line;
	uint8_t bin[SIG_BIN];
	size_t off = 0, len;
	int rc;

	if (n > LF_MINISIG_FILE_MAX)
		return lf_error_set(err, LF_E_LIMIT,
		    "minisign signature: larger than %d bytes",
		    LF_MINISIG_FILE_MAX);
	if ((rc = lf_sigtext_line(p, n, &off, LF_MINISIGN_LINE_MAX,
	         "minisign signature: untrusted comment", &line, &len, err)) !=
	    LF_OK)
		return rc;
	if (len < sizeof(up) - 1 || memcmp(line, up, sizeof(up) - 1) != 0)
		return lf_error_set(err, LF_E_FORMAT,
		    "minisign signature: the first line does not start with "
		    "\"%s\"",
		    up);
	if ((rc = lf_sigtext_line(p, n, &off, B64_LINE_MAX(SIG_BIN),
	         "minisign signature: signature line", &line, &len, err)) !=
	        LF_OK ||
	    (rc = lf_sigtext_b64_decode(line, len, bin, sizeof(bin),
	         "minisign signature", err)) != LF_OK)
		return rc;
	if (bin[0] != 'E' || (bin[1] != 'd' && bin[1] != 'D'))
		return lf_error_set(err, LF_E_NOTSUP,
		    "minisign signature: algorithm 0x%02x%02x, neither \"Ed\" "
		    "nor \"ED\"",
		    bin[0], bin[1]);
	if ((rc = lf_sigtext_line(p, n, &off, TRUSTED_LINE_MAX,
	         "minisign signature: trusted comment", &line, &len, err)) !=
	    LF_OK)
		return rc;
	if (len < sizeof(tp) - 1 || memcmp(line, tp, sizeof(tp) - 1) != 0)
		return lf_error_set(err, LF_E_FORMAT,
		    "minisign signature: the third line does not start with "
		    "\"%s\"",
		    tp);
	out->trusted_len = len - (sizeof(tp) - 1);
	memcpy(out->trusted, line + sizeof(tp) - 1, out->trusted_len);
	out->trusted[out->trusted_len] = '\0';
	if ((rc = lf_sigtext_line(p, n, &off, B64_LINE_MAX(LF_ED25519_SIG_LEN),
	         "minisign signature: global signature line", &line, &len,
	         err)) != LF_OK ||
	    (rc = lf_sigtext_b64_decode(line, len, out->global_sig,
	         LF_ED25519_SIG_LEN, "minisign global signature", err)) !=
	        LF_OK)
		return rc;
	if (off != n)
		return lf_error_set(err, LF_E_FORMAT,
		    "minisign signature: %zu bytes after the global signature",
		    n - off);
	out->prehashed = bin[1] == 'D';
	memcpy(out->keyid, bin + 2, LF_SIGKEY_ID_LEN);
	memcpy(out->sig, bin + 2 + LF_SIGKEY_ID_LEN, LF_ED25519_SIG_LEN);
	return LF_OK;
}

/* minisign's way of showing a key id: little-endian, uppercase hex. */
static void
id_hex(const uint8_t id[LF_SIGKEY_ID_LEN], char out[LF_SIGKEY_ID_HEX])
{
	int i;

	for (i = 0; i < LF_SIGKEY_ID_LEN; i++)
		(void)snprintf(out + 2 * i, 3, "%02X",
		    id[LF_SIGKEY_ID_LEN - 1 - i]);
}

int
lf_minisig_verify(const struct lf_sigkey *k,
    const uint8_t pin[LF_SIGKEY_FPR_LEN], const uint8_t *msg, size_t len,
    const uint8_t *sig, size_t siglen, struct lf_sigcheck *out,
    struct lf_error *err)
{
	struct lf_minisig *m = NULL;
	struct lf_sigcheck *c = NULL;
	struct lf_error perr;
	uint8_t keyid[LF_SIGKEY_ID_LEN], h[BLAKE2B_LEN], *both = NULL;
	char want[LF_SIGKEY_ID_HEX], got[LF_SIGKEY_ID_HEX];
	bool good = false;
	int rc, prc;

	if ((m = OPENSSL_zalloc(sizeof(*m))) == NULL ||
	    (c = OPENSSL_zalloc(sizeof(*c))) == NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "minisign");
		goto done;
	}
	check_init(c);
	rc = LF_OK;
	if ((prc = lf_minisig_parse(sig, siglen, m, &perr)) != LF_OK) {
		if (prc == LF_E_NOMEM) {
			rc = lf_error_set(err, prc, "%s", perr.msg);
			goto done;
		}
		verdict(c,
		    prc == LF_E_NOTSUP ? LF_SIG_UNSUPPORTED : LF_SIG_MALFORMED,
		    "%s", perr.msg);
		goto answer;
	}
	c->prehashed = m->prehashed;
	lf_sigkey_id(k, keyid);
	if (CRYPTO_memcmp(keyid, m->keyid, sizeof(keyid)) != 0) {
		id_hex(m->keyid, got);
		id_hex(keyid, want);
		verdict(c, LF_SIG_WRONG_KEY,
		    "the signature's key id is %s, the key's is %s", got, want);
		goto answer;
	}
	if (!pinned(k, pin, c))
		goto answer;
	if (m->prehashed && (rc = blake2b(msg, len, h, err)) != LF_OK)
		goto done;
	if ((rc = ed25519_verify(lf_sigkey_pkey(k), m->prehashed ? h : msg,
	         m->prehashed ? sizeof(h) : len, m->sig, &good, err)) != LF_OK)
		goto done;
	if (!good) {
		verdict(c, LF_SIG_BAD, "the signature does not match the file");
		goto answer;
	}
	if ((both = OPENSSL_malloc(LF_ED25519_SIG_LEN + m->trusted_len + 1)) ==
	    NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "minisign");
		goto done;
	}
	memcpy(both, m->sig, LF_ED25519_SIG_LEN);
	memcpy(both + LF_ED25519_SIG_LEN, m->trusted, m->trusted_len);
	if ((rc = ed25519_verify(lf_sigkey_pkey(k), both,
	         LF_ED25519_SIG_LEN + m->trusted_len, m->global_sig, &good,
	         err)) != LF_OK)
		goto done;
	if (!good) {
		verdict(c, LF_SIG_BAD_COMMENT,
		    "the global signature over the trusted comment does not "
		    "verify");
		goto answer;
	}
	memcpy(c->trusted, m->trusted, m->trusted_len + 1);
answer:
	memcpy(out, c, sizeof(*c));
done:
	OPENSSL_free(both);
	OPENSSL_free(m);
	OPENSSL_free(c);
	return rc;
}

const char *
lf_sig_verdict_name(enum lf_sig_verdict v)
{
	switch (v) {
	case LF_SIG_GOOD:
		return "good";
	case LF_SIG_MALFORMED:
		return "malformed";
	case LF_SIG_UNSUPPORTED:
		return "unsupported";
	case LF_SIG_WRONG_KEY:
		return "wrong-key";
	case LF_SIG_BAD:
		return "bad";
	case LF_SIG_BAD_COMMENT:
		return "bad-comment";
	}
	return "unknown";
}
