/*
 * lf_sigkey.c: Ed25519 keys in PEM and minisign form, and fingerprints.
 *
 * PEM is taken apart here (PEM_read_bio) and its DER decoded by type,
 * rather than handed to OpenSSL's guessing decoders, so that a public
 * key file can never be read as a private one or the reverse, and so that
 * an encrypted key is seen as one before any passphrase is asked for.
 * The DER must be consumed exactly: no bytes may follow the structure.
 *
 * An encrypted key names its own key derivation cost, and a hostile or
 * damaged file could name one that takes hours (scrypt) or years (PBKDF2)
 * to run; the cost is checked before the passphrase is used.
 */
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <string.h>

#include "lf/sigkey.h"
#include "lf/text.h"
#include "lf_bytes.h"
#include "lf_sigtext.h"

#define PBKDF2_ITER_MAX 10000000
#define SCRYPT_COST_MAX (1u << 22) /* N * r * p */
#define SCRYPT_N 16384
#define SCRYPT_R 8
#define SCRYPT_P 1
/* "Ed" + key id + key, in base64: 56 characters. */
#define MINISIGN_PUB_BIN (2 + LF_SIGKEY_ID_LEN + LF_ED25519_PUB_LEN)

struct lf_sigkey {
	EVP_PKEY *pkey;
	bool private;
	uint8_t pub[LF_ED25519_PUB_LEN];
	uint8_t fpr[LF_SIGKEY_FPR_LEN];
	uint8_t keyid[LF_SIGKEY_ID_LEN];
};

/* OpenSSL's reason for the last failure, and its queue emptied. */
static const char *
ossl_reason(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e != 0 ? ERR_reason_error_string(e) : NULL;

	ERR_clear_error();
	return r != NULL ? r : "failed";
}

/*
 * Wrap pkey (taking it) with its public bytes, fingerprint and id.  The
 * key must be Ed25519.
 */
static int
wrap(EVP_PKEY *pkey, bool private, struct lf_sigkey **out, struct lf_error *err)
{
	struct lf_sigkey *k;
	unsigned char *der = NULL;
	size_t publen = LF_ED25519_PUB_LEN;
	unsigned int mdlen = 0;
	int derlen;

	if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
		const char *name = OBJ_nid2sn(EVP_PKEY_get_id(pkey));
		EVP_PKEY_free(pkey);
		return lf_error_set(err, LF_E_NOTSUP, "not an Ed25519 key (%s)",
		    name != NULL ? name : "unknown");
	}
	if ((k = OPENSSL_zalloc(sizeof(*k))) == NULL) {
		EVP_PKEY_free(pkey);
		return lf_error_set(err, LF_E_NOMEM, "key");
	}
	k->pkey = pkey;
	k->private = private;
	if (EVP_PKEY_get_raw_public_key(pkey, k->pub, &publen) != 1 ||
	    publen != LF_ED25519_PUB_LEN ||
	    (derlen = i2d_PUBKEY(pkey, &der)) <= 0 ||
	    EVP_Digest(der, (size_t)derlen, k->fpr, &mdlen, EVP_sha256(),
	        NULL) != 1) {
		OPENSSL_free(der);
		lf_sigkey_free(k);
		return lf_error_set(err, LF_E_CRYPTO, "key: %s", ossl_reason());
	}
	OPENSSL_free(der);
	memcpy(k->keyid, k->fpr, LF_SIGKEY_ID_LEN);
	*out = k;
	return LF_OK;
}

int
lf_sigkey_generate(struct lf_sigkey **out, struct lf_error *err)
{
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");

	if (pkey == NULL)
		return lf_error_set(err, LF_E_CRYPTO, "key generation: %s",
		    ossl_reason());
	return wrap(pkey, true, out, err);
}

/*
 * The one PEM block of p[0..n): its label in *name and DER in *der
 * (OpenSSL's, to be freed by the caller).
 */
static int
read_pem(const uint8_t *p, size_t n, char **name, unsigned char **der,
    long *derlen, struct lf_error *err)
{
	char *header = NULL;
	BIO *bio;
	int ok;

	if (n > LF_SIGKEY_FILE_MAX)
		return lf_error_set(err, LF_E_LIMIT,
		    "key file larger than %d bytes", LF_SIGKEY_FILE_MAX);
	if ((bio = BIO_new_mem_buf(p, (int)n)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "key");
	ok = PEM_read_bio(bio, name, &header, der, derlen);
	if (ok == 1) {
		/* A second block: one reader would take the first key and
		 * another the last, so neither is taken. */
		char *n2 = NULL, *h2 = NULL;
		unsigned char *d2 = NULL;
		long l2 = 0;
		if (PEM_read_bio(bio, &n2, &h2, &d2, &l2) == 1) {
			OPENSSL_free(n2);
			OPENSSL_free(h2);
			OPENSSL_clear_free(d2, (size_t)l2);
			OPENSSL_free(header);
			OPENSSL_free(*name);
			OPENSSL_clear_free(*der, (size_t)*derlen);
			BIO_free(bio);
			return lf_error_set(err, LF_E_FORMAT,
			    "more than one PEM block");
		}
	}
	BIO_free(bio);
	ERR_clear_error();
	if (ok != 1)
		return lf_error_set(err, LF_E_FORMAT, "no PEM block");
	/* Old-style "Proc-Type: 4,ENCRYPTED" headers belong to other keys. */
	if (header != NULL && header[0] != '\0') {
		OPENSSL_free(header);
		OPENSSL_free(*name);
		OPENSSL_clear_free(*der, (size_t)*derlen);
		return lf_error_set(err, LF_E_NOTSUP,
		    "PEM headers (legacy key encryption) are not read");
	}
	OPENSSL_free(header);
	return LF_OK;
}

/* An INTEGER no larger than max, or -1. */
static long
small_int(const ASN1_INTEGER *a, long max)
{
	int64_t v;

	if (a == NULL || ASN1_INTEGER_get_int64(&v, a) != 1 || v < 1 || v > max)
		return -1;
	return (long)v;
}

/* Whether the PBES2 parameters of an encrypted key cost a sane amount. */
static int
check_kdf_cost(const X509_SIG *sig, struct lf_error *err)
{
	const X509_ALGOR *alg;
	const ASN1_OBJECT *oid;
	const void *pval;
	PBE2PARAM *pbe2 = NULL;
	PBKDF2PARAM *kdf = NULL;
	SCRYPT_PARAMS *sc = NULL;
	int ptype, rc = LF_E_NOTSUP;
	long nn, r, pp;

	X509_SIG_get0(sig, &alg, NULL);
	X509_ALGOR_get0(&oid, &ptype, &pval, alg);
	if (OBJ_obj2nid(oid) != NID_pbes2 || ptype != V_ASN1_SEQUENCE) {
		lf_error_set(err, LF_E_NOTSUP,
		    "key encryption other than PBES2 is not read");
		goto done;
	}
	pbe2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM),
	    alg->parameter);
	if (pbe2 == NULL) {
		lf_error_set(err, LF_E_FORMAT, "damaged PBES2 parameters");
		rc = LF_E_FORMAT;
		goto done;
	}
	X509_ALGOR_get0(&oid, &ptype, &pval, pbe2->keyfunc);
	if (ptype != V_ASN1_SEQUENCE) {
		lf_error_set(err, LF_E_FORMAT, "damaged key derivation");
		rc = LF_E_FORMAT;
		goto done;
	}
	if (OBJ_obj2nid(oid) == NID_id_pbkdf2) {
		kdf = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM),
		    pbe2->keyfunc->parameter);
		if (kdf == NULL || small_int(kdf->iter, PBKDF2_ITER_MAX) < 0) {
			lf_error_set(err, LF_E_LIMIT,
			    "PBKDF2 iteration count missing or above %d",
			    PBKDF2_ITER_MAX);
			rc = LF_E_LIMIT;
			goto done;
		}
	} else if (OBJ_obj2nid(oid) == NID_id_scrypt) {
		sc = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(SCRYPT_PARAMS),
		    pbe2->keyfunc->parameter);
		if (sc == NULL ||
		    (nn = small_int(sc->costParameter, SCRYPT_COST_MAX)) < 0 ||
		    (r = small_int(sc->blockSize, SCRYPT_COST_MAX)) < 0 ||
		    (pp = small_int(sc->parallelizationParameter,
		         SCRYPT_COST_MAX)) < 0 ||
		    (unsigned long)nn * (unsigned long)r > SCRYPT_COST_MAX ||
		    (unsigned long)nn * (unsigned long)r * (unsigned long)pp >
		        SCRYPT_COST_MAX) {
			lf_error_set(err, LF_E_LIMIT,
			    "scrypt cost missing or above N*r*p = %u",
			    SCRYPT_COST_MAX);
			rc = LF_E_LIMIT;
			goto done;
		}
	} else {
		lf_error_set(err, LF_E_NOTSUP,
		    "key derivation other than PBKDF2 or scrypt is not read");
		goto done;
	}
	rc = LF_OK;
done:
	PBE2PARAM_free(pbe2);
	PBKDF2PARAM_free(kdf);
	SCRYPT_PARAMS_free(sc);
	return rc;
}

/* Decrypt an "ENCRYPTED PRIVATE KEY" into its PKCS#8 form. */
static int
decrypt_p8(const unsigned char *der, long derlen, lf_passphrase_fn pass,
    void *arg, PKCS8_PRIV_KEY_INFO **p8, struct lf_error *err)
{
	const unsigned char *q = der;
	char *pw = NULL;
	X509_SIG *sig;
	int rc, len;

	sig = d2i_X509_SIG(NULL, &q, derlen);
	if (sig == NULL || q != der + derlen) {
		X509_SIG_free(sig);
		ERR_clear_error();
		return lf_error_set(err, LF_E_FORMAT,
		    "damaged encrypted private key");
	}
	if ((rc = check_kdf_cost(sig, err)) != LF_OK)
		goto done;
	if (pass == NULL) {
		rc = lf_error_set(err, LF_E_INVAL,
		    "the private key is encrypted: a passphrase is needed");
		goto done;
	}
	if ((pw = OPENSSL_secure_malloc(LF_PASSPHRASE_MAX)) == NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "passphrase");
		goto done;
	}
	len = pass(arg, pw, LF_PASSPHRASE_MAX);
	if (len < 0 || len > LF_PASSPHRASE_MAX) {
		rc = lf_error_set(err, LF_E_INVAL,
		    "the private key is encrypted: no passphrase");
		goto done;
	}
	*p8 = PKCS8_decrypt(sig, pw, len);
	if (*p8 == NULL) {
		ERR_clear_error();
		rc = lf_error_set(err, LF_E_CRYPTO,
		    "cannot decrypt the private key: wrong passphrase?");
		goto done;
	}
	rc = LF_OK;
done:
	if (pw != NULL)
		OPENSSL_secure_clear_free(pw, LF_PASSPHRASE_MAX);
	X509_SIG_free(sig);
	return rc;
}

int
lf_sigkey_load_private(const uint8_t *p, size_t n, lf_passphrase_fn pass,
    void *arg, struct lf_sigkey **out, struct lf_error *err)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	EVP_PKEY *pkey = NULL;
	unsigned char *der = NULL;
	const unsigned char *q;
	char *name = NULL;
	long derlen = 0;
	int rc;

	if ((rc = read_pem(p, n, &name, &der, &derlen, err)) != LF_OK)
		return rc;
	if (strcmp(name, "ENCRYPTED PRIVATE KEY") == 0) {
		rc = decrypt_p8(der, derlen, pass, arg, &p8, err);
		if (rc != LF_OK)
			goto done;
	} else if (strcmp(name, "PRIVATE KEY") == 0) {
		q = der;
		p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &q, derlen);
		if (p8 == NULL || q != der + derlen) {
			rc = lf_error_set(err, LF_E_FORMAT,
			    "damaged PKCS#8 private key");
			goto done;
		}
	} else {
		rc = lf_error_set(err, LF_E_FORMAT,
		    "PEM '%.40s' is not a PKCS#8 private key", name);
		goto done;
	}
	if ((pkey = EVP_PKCS82PKEY(p8)) == NULL) {
		rc = lf_error_set(err, LF_E_NOTSUP, "private key: %s",
		    ossl_reason());
		goto done;
	}
	rc = wrap(pkey, true, out, err);
done:
	ERR_clear_error();
	PKCS8_PRIV_KEY_INFO_free(p8);
	OPENSSL_free(name);
	OPENSSL_clear_free(der, (size_t)derlen);
	return rc;
}

int
lf_minisign_pub_parse(const uint8_t *p, size_t n,
    uint8_t keyid[LF_SIGKEY_ID_LEN], uint8_t pub[LF_ED25519_PUB_LEN],
    struct lf_error *err)
{
	static const char prefix[] = LF_MINISIGN_COMMENT_PREFIX;
	uint8_t bin[MINISIGN_PUB_BIN];
	const uint8_t *line;
	size_t off = 0, len;
	int rc;

	if (n > LF_SIGKEY_FILE_MAX)
		return lf_error_set(err, LF_E_LIMIT,
		    "minisign public key: larger than %d bytes",
		    LF_SIGKEY_FILE_MAX);
	if ((rc = lf_sigtext_line(p, n, &off, LF_MINISIGN_LINE_MAX,
	         "minisign public key: comment line", &line, &len, err)) !=
	    LF_OK)
		return rc;
	if (len < sizeof(prefix) - 1 ||
	    memcmp(line, prefix, sizeof(prefix) - 1) != 0)
		return lf_error_set(err, LF_E_FORMAT,
		    "minisign public key: the first line does not start with "
		    "\"%s\"",
		    prefix);
	if ((rc = lf_sigtext_line(p, n, &off, LF_MINISIGN_LINE_MAX,
	         "minisign public key: key line", &line, &len, err)) != LF_OK)
		return rc;
	if ((rc = lf_sigtext_b64_decode(line, len, bin, sizeof(bin),
	         "minisign public key", err)) != LF_OK)
		return rc;
	if (off != n)
		return lf_error_set(err, LF_E_FORMAT,
		    "minisign public key: %zu bytes after the key", n - off);
	if (bin[0] != 'E' || bin[1] != 'd')
		return lf_error_set(err, LF_E_NOTSUP,
		    "minisign public key: algorithm 0x%02x%02x, not \"Ed\"",
		    bin[0], bin[1]);
	memcpy(keyid, bin + 2, LF_SIGKEY_ID_LEN);
	memcpy(pub, bin + 2 + LF_SIGKEY_ID_LEN, LF_ED25519_PUB_LEN);
	return LF_OK;
}

static int
load_minisign(const uint8_t *p, size_t n, struct lf_sigkey **out,
    struct lf_error *err)
{
	uint8_t keyid[LF_SIGKEY_ID_LEN], pub[LF_ED25519_PUB_LEN];
	EVP_PKEY *pkey;
	int rc;

	if ((rc = lf_minisign_pub_parse(p, n, keyid, pub, err)) != LF_OK)
		return rc;
	pkey = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, pub,
	    sizeof(pub));
	if (pkey == NULL)
		return lf_error_set(err, LF_E_CRYPTO, "minisign public key: %s",
		    ossl_reason());
	if ((rc = wrap(pkey, false, out, err)) != LF_OK)
		return rc;
	memcpy((*out)->keyid, keyid, sizeof(keyid));
	return LF_OK;
}

int
lf_sigkey_load_public(const uint8_t *p, size_t n, struct lf_sigkey **out,
    struct lf_error *err)
{
	static const char prefix[] = LF_MINISIGN_COMMENT_PREFIX;
	unsigned char *der = NULL;
	const unsigned char *q;
	EVP_PKEY *pkey = NULL;
	char *name = NULL;
	long derlen = 0;
	int rc;

	if (n >= sizeof(prefix) - 1 &&
	    memcmp(p, prefix, sizeof(prefix) - 1) == 0)
		return load_minisign(p, n, out, err);
	if ((rc = read_pem(p, n, &name, &der, &derlen, err)) != LF_OK)
		return rc;
	if (strcmp(name, "PUBLIC KEY") != 0) {
		rc = lf_error_set(err, LF_E_FORMAT,
		    "PEM '%.40s' is not a public key (SubjectPublicKeyInfo)",
		    name);
		goto done;
	}
	q = der;
	pkey = d2i_PUBKEY(NULL, &q, derlen);
	if (pkey == NULL || q != der + derlen) {
		EVP_PKEY_free(pkey);
		rc = lf_error_set(err, LF_E_FORMAT, "damaged public key");
		goto done;
	}
	rc = wrap(pkey, false, out, err);
done:
	ERR_clear_error();
	OPENSSL_free(name);
	OPENSSL_free(der);
	return rc;
}

bool
lf_sigkey_has_private(const struct lf_sigkey *k)
{
	return k->private;
}

void
lf_sigkey_fingerprint(const struct lf_sigkey *k, uint8_t out[LF_SIGKEY_FPR_LEN])
{
	memcpy(out, k->fpr, LF_SIGKEY_FPR_LEN);
}

void
lf_sigkey_fingerprint_hex(const struct lf_sigkey *k,
    char out[LF_SIGKEY_FPR_HEX])
{
	lf_hex(out, k->fpr, LF_SIGKEY_FPR_LEN);
}

int
lf_fingerprint_parse(const char *s, uint8_t out[LF_SIGKEY_FPR_LEN],
    struct lf_error *err)
{
	char hex[2 * LF_SIGKEY_FPR_LEN];
	size_t i, k = 0;

	if (strncmp(s, "sha256:", 7) == 0 || strncmp(s, "SHA256:", 7) == 0)
		s += 7;
	for (i = 0; s[i] != '\0'; i++) {
		/* Colons only between pairs of digits: "ab:cd:...". */
		if (s[i] == ':' && k > 0 && k % 2 == 0 && s[i + 1] != '\0' &&
		    s[i + 1] != ':')
			continue;
		if (k == sizeof(hex))
			return lf_error_set(err, LF_E_INVAL,
			    "fingerprint: longer than 64 hex digits");
		hex[k++] = s[i];
	}
	if (k != sizeof(hex) ||
	    lf_hex_decode(hex, k, out, LF_SIGKEY_FPR_LEN) != LF_SIGKEY_FPR_LEN)
		return lf_error_set(err, LF_E_INVAL,
		    "fingerprint: not 64 hex digits (a SHA-256)");
	return LF_OK;
}

void
lf_sigkey_id(const struct lf_sigkey *k, uint8_t out[LF_SIGKEY_ID_LEN])
{
	memcpy(out, k->keyid, LF_SIGKEY_ID_LEN);
}

void
lf_sigkey_id_hex(const struct lf_sigkey *k, char out[LF_SIGKEY_ID_HEX])
{
	(void)snprintf(out, LF_SIGKEY_ID_HEX, "%016llX",
	    (unsigned long long)lf_le64(k->keyid));
}

void
lf_sigkey_public_raw(const struct lf_sigkey *k, uint8_t out[LF_ED25519_PUB_LEN])
{
	memcpy(out, k->pub, LF_ED25519_PUB_LEN);
}

/* Append what a memory BIO holds to out. */
static int
append_bio(BIO *bio, struct lf_buf *out, struct lf_error *err)
{
	char *data;
	long len = BIO_get_mem_data(bio, &data);

	if (len <= 0)
		return lf_error_set(err, LF_E_CRYPTO, "PEM: empty");
	return lf_buf_append(out, data, (size_t)len, err);
}

int
lf_sigkey_public_pem(const struct lf_sigkey *k, struct lf_buf *out,
    struct lf_error *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int rc;

	if (bio == NULL)
		return lf_error_set(err, LF_E_NOMEM, "PEM");
	if (PEM_write_bio_PUBKEY(bio, k->pkey) != 1)
		rc = lf_error_set(err, LF_E_CRYPTO, "PEM: %s", ossl_reason());
	else
		rc = append_bio(bio, out, err);
	BIO_free(bio);
	return rc;
}

int
lf_sigkey_minisign_pub(const struct lf_sigkey *k, struct lf_buf *out,
    struct lf_error *err)
{
	uint8_t bin[MINISIGN_PUB_BIN];
	char id[LF_SIGKEY_ID_HEX];
	int rc;

	lf_sigkey_id_hex(k, id);
	bin[0] = 'E';
	bin[1] = 'd';
	memcpy(bin + 2, k->keyid, LF_SIGKEY_ID_LEN);
	memcpy(bin + 2 + LF_SIGKEY_ID_LEN, k->pub, LF_ED25519_PUB_LEN);
	if ((rc = lf_buf_printf(out, err,
	         LF_MINISIGN_COMMENT_PREFIX "minisign public key %s\n", id)) !=
	    LF_OK)
		return rc;
	return lf_sigtext_b64_line(out, bin, sizeof(bin), err);
}

/* PKCS#8 encrypted with PBES2: AES-256-CBC keyed by scrypt. */
static int
write_encrypted(BIO *bio, EVP_PKEY *pkey, const char *pass, size_t passlen,
    struct lf_error *err)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	X509_ALGOR *pbe = NULL;
	X509_SIG *sig = NULL;
	int rc = LF_E_CRYPTO;

	if ((p8 = EVP_PKEY2PKCS8(pkey)) == NULL ||
	    (pbe = PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), NULL, 0, NULL,
	         SCRYPT_N, SCRYPT_R, SCRYPT_P)) == NULL)
		goto done;
	if ((sig = PKCS8_set0_pbe(pass, (int)passlen, p8, pbe)) == NULL)
		goto done;
	pbe = NULL; /* now the X509_SIG's */
	if (PEM_write_bio_PKCS8(bio, sig) != 1)
		goto done;
	rc = LF_OK;
done:
	if (rc != LF_OK)
		lf_error_set(err, rc, "encrypting the private key: %s",
		    ossl_reason());
	X509_ALGOR_free(pbe);
	X509_SIG_free(sig);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return rc;
}

int
lf_sigkey_private_pem(const struct lf_sigkey *k, const char *pass,
    size_t passlen, uint8_t **pem, size_t *len, struct lf_error *err)
{
	BIO *bio;
	char *data;
	uint8_t *copy;
	long n;
	int rc;

	if (!k->private)
		return lf_error_set(err, LF_E_INVAL, "not a private key");
	if (pass != NULL && (passlen == 0 || passlen > LF_PASSPHRASE_MAX))
		return lf_error_set(err, LF_E_INVAL,
		    "a passphrase is 1 to %d bytes", LF_PASSPHRASE_MAX);
	/* Secure memory: wiped as it grows and when freed. */
	if ((bio = BIO_new(BIO_s_secmem())) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "PEM");
	if (pass != NULL)
		rc = write_encrypted(bio, k->pkey, pass, passlen, err);
	else if (PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0, NULL,
	             NULL) != 1)
		rc = lf_error_set(err, LF_E_CRYPTO, "PEM: %s", ossl_reason());
	else
		rc = LF_OK;
	if (rc == LF_OK) {
		n = BIO_get_mem_data(bio, &data);
		if (n <= 0 || (copy = OPENSSL_secure_malloc((size_t)n)) == NULL)
			rc = lf_error_set(err, LF_E_NOMEM, "PEM");
		else {
			memcpy(copy, data, (size_t)n);
			*pem = copy;
			*len = (size_t)n;
		}
	}
	BIO_free(bio);
	return rc;
}

void *
lf_sigkey_pkey(const struct lf_sigkey *k)
{
	return k->pkey;
}

void
lf_sigkey_free(struct lf_sigkey *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	OPENSSL_clear_free(k, sizeof(*k));
}
