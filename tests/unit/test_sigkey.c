/*
 * Unit tests: lf_sigkey (Ed25519 keys, their files and fingerprints).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "failalloc.h"
#include "lf/sigkey.h"
#include "lf/text.h"

/*
 * The key of RFC 8032 section 7.1, test 1, written by
 *   printf 302e020100300506032b657004220420%s 9d61b19d...7f60 |
 *       xxd -r -p | openssl pkey -inform DER
 * and its fingerprint by
 *   openssl pkey -in rfc.key -pubout -outform DER | openssl dgst -sha256
 */
static const char rfc_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
static const char rfc_pub[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
    "-----END PUBLIC KEY-----\n";
#define RFC_FPR \
	"06e3fd8fda29bb60ab59557de61edb0aecdb231134be30e75b455f8e1b792fa9"
#define RFC_PUB_HEX \
	"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
/* Its minisign public key file: key id = the fingerprint's first bytes,
 * shown as minisign does (little-endian). */
static const char rfc_minisign[] =
    "untrusted comment: minisign public key 60BB29DA8FFDE306\n"
    "RWQG4/2P2im7YNdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea\n";

/* A public key minisign 0.11 made (minisign -G -W): a random key id. */
static const char minisign_made[] =
    "untrusted comment: minisign public key 4C6127C558769036\n"
    "RWQ2kHZYxSdhTD88tzCrmAkGYdQW8KeIH0BmyLqPJSeaWXz8w6G6nGNb\n";

static struct lf_sigkey *
load_pub(const char *text)
{
	struct lf_sigkey *k = NULL;
	struct lf_error err;

	if (lf_sigkey_load_public((const uint8_t *)text, strlen(text), &k,
	        &err) != LF_OK)
		fail_msg("load: %s", err.msg);
	return k;
}

static int
load_pub_rc(const char *text, size_t n, struct lf_error *err)
{
	struct lf_sigkey *k = NULL;
	int rc = lf_sigkey_load_public((const uint8_t *)text, n, &k, err);

	assert_true((rc == LF_OK) == (k != NULL));
	lf_sigkey_free(k);
	return rc;
}

static void
rfc_vector(void **state)
{
	struct lf_sigkey *k = NULL, *p;
	char fpr[LF_SIGKEY_FPR_HEX], id[LF_SIGKEY_ID_HEX];
	char pub[2 * LF_ED25519_PUB_LEN + 1];
	uint8_t raw[LF_ED25519_PUB_LEN], bin[LF_SIGKEY_FPR_LEN];
	struct lf_buf b;

	(void)state;
	assert_int_equal(lf_sigkey_load_private((const uint8_t *)rfc_key,
	                     strlen(rfc_key), NULL, NULL, &k, NULL),
	    LF_OK);
	assert_true(lf_sigkey_has_private(k));
	lf_sigkey_fingerprint_hex(k, fpr);
	assert_string_equal(fpr, RFC_FPR);
	lf_sigkey_public_raw(k, raw);
	lf_hex(pub, raw, sizeof(raw));
	assert_string_equal(pub, RFC_PUB_HEX);
	lf_sigkey_id_hex(k, id);
	assert_string_equal(id, "60BB29DA8FFDE306");

	/* The public forms we write, byte for byte, and read back. */
	lf_buf_init(&b, 4096);
	assert_int_equal(lf_sigkey_public_pem(k, &b, NULL), LF_OK);
	assert_string_equal((char *)b.data, rfc_pub);
	lf_buf_reset(&b);
	assert_int_equal(lf_sigkey_minisign_pub(k, &b, NULL), LF_OK);
	assert_string_equal((char *)b.data, rfc_minisign);
	lf_buf_release(&b);

	p = load_pub(rfc_pub);
	assert_false(lf_sigkey_has_private(p));
	lf_sigkey_fingerprint_hex(p, fpr);
	assert_string_equal(fpr, RFC_FPR);
	lf_sigkey_free(p);
	p = load_pub(rfc_minisign);
	lf_sigkey_fingerprint(p, bin);
	lf_hex(fpr, bin, sizeof(bin));
	assert_string_equal(fpr, RFC_FPR);
	lf_sigkey_free(p);
	lf_sigkey_free(k);
}

static void
minisign_key_id_kept(void **state)
{
	struct lf_sigkey *k = load_pub(minisign_made);
	char id[LF_SIGKEY_ID_HEX];
	struct lf_buf b;

	(void)state;
	lf_sigkey_id_hex(k, id);
	assert_string_equal(id, "4C6127C558769036");
	/* Written back the same. */
	lf_buf_init(&b, 4096);
	assert_int_equal(lf_sigkey_minisign_pub(k, &b, NULL), LF_OK);
	assert_string_equal((char *)b.data, minisign_made);
	lf_buf_release(&b);
	lf_sigkey_free(k);
}

struct pass {
	const char *text;
	int calls;
};

static int
give(void *arg, char *buf, size_t size)
{
	struct pass *p = arg;

	p->calls++;
	if (p->text == NULL || strlen(p->text) > size)
		return -1;
	memcpy(buf, p->text, strlen(p->text));
	return (int)strlen(p->text);
}

static void
generate_and_encrypt(void **state)
{
	struct lf_sigkey *k, *k2 = NULL;
	uint8_t *pem, f1[LF_SIGKEY_FPR_LEN], f2[LF_SIGKEY_FPR_LEN];
	struct pass pw = {"correct horse", 0};
	struct lf_error err;
	size_t len;

	(void)state;
	assert_int_equal(lf_sigkey_generate(&k, NULL), LF_OK);
	lf_sigkey_fingerprint(k, f1);
	assert_int_equal(lf_sigkey_private_pem(k, "correct horse", 13, &pem,
	                     &len, NULL),
	    LF_OK);
	assert_non_null(
	    memmem(pem, len, "-----BEGIN ENCRYPTED PRIVATE KEY", 32));

	/* The right passphrase, asked for once. */
	assert_int_equal(lf_sigkey_load_private(pem, len, give, &pw, &k2, NULL),
	    LF_OK);
	assert_int_equal(pw.calls, 1);
	lf_sigkey_fingerprint(k2, f2);
	assert_memory_equal(f1, f2, sizeof(f1));
	lf_sigkey_free(k2);
	k2 = NULL;

	/* A wrong one, none at all, and no way to ask. */
	pw.text = "correct horsE";
	assert_int_equal(lf_sigkey_load_private(pem, len, give, &pw, &k2, &err),
	    LF_E_CRYPTO);
	assert_non_null(strstr(err.msg, "wrong passphrase"));
	pw.text = NULL;
	assert_int_equal(lf_sigkey_load_private(pem, len, give, &pw, &k2, &err),
	    LF_E_INVAL);
	assert_int_equal(lf_sigkey_load_private(pem, len, NULL, NULL, &k2,
	                     &err),
	    LF_E_INVAL);
	assert_non_null(strstr(err.msg, "encrypted"));
	assert_null(k2);
	/* A public PEM is not a private key, and the reverse. */
	assert_int_equal(lf_sigkey_load_private((const uint8_t *)rfc_pub,
	                     strlen(rfc_pub), NULL, NULL, &k2, &err),
	    LF_E_FORMAT);
	assert_int_equal(load_pub_rc((const char *)pem, len, &err),
	    LF_E_FORMAT);
	OPENSSL_secure_clear_free(pem, len);

	/* Plain, and the passphrase callback never asked. */
	pw.calls = 0;
	assert_int_equal(lf_sigkey_private_pem(k, NULL, 0, &pem, &len, NULL),
	    LF_OK);
	assert_int_equal(lf_sigkey_load_private(pem, len, give, &pw, &k2, NULL),
	    LF_OK);
	assert_int_equal(pw.calls, 0);
	OPENSSL_secure_clear_free(pem, len);
	lf_sigkey_free(k2);

	/* An empty or too long passphrase is refused. */
	assert_int_equal(lf_sigkey_private_pem(k, "", 0, &pem, &len, NULL),
	    LF_E_INVAL);
	assert_int_equal(lf_sigkey_private_pem(k, "x", LF_PASSPHRASE_MAX + 1,
	                     &pem, &len, NULL),
	    LF_E_INVAL);
	lf_sigkey_free(k);

	/* A public key cannot give a private PEM. */
	k = load_pub(rfc_pub);
	assert_int_equal(lf_sigkey_private_pem(k, NULL, 0, &pem, &len, NULL),
	    LF_E_INVAL);
	lf_sigkey_free(k);
}

/* An encrypted key with the given PBES2 parameters and junk inside. */
static char *
encrypted_with(X509_ALGOR *pbe)
{
	ASN1_OCTET_STRING *data;
	const X509_ALGOR *a;
	X509_ALGOR *alg;
	X509_SIG *sig = X509_SIG_new();
	uint8_t junk[48];
	BIO *bio = BIO_new(BIO_s_mem());
	char *text, *p;
	long n;

	assert_non_null(sig);
	assert_non_null(pbe);
	X509_SIG_getm(sig, &alg, &data);
	a = pbe;
	assert_int_equal(X509_ALGOR_copy(alg, a), 1);
	X509_ALGOR_free(pbe);
	assert_int_equal(RAND_bytes(junk, sizeof(junk)), 1);
	assert_int_equal(ASN1_OCTET_STRING_set(data, junk, sizeof(junk)), 1);
	assert_int_equal(PEM_write_bio_PKCS8(bio, sig), 1);
	n = BIO_get_mem_data(bio, &p);
	text = strndup(p, (size_t)n);
	BIO_free(bio);
	X509_SIG_free(sig);
	return text;
}

static void
kdf_cost_bounded(void **state)
{
	struct pass pw = {"x", 0};
	struct lf_sigkey *k = NULL;
	struct lf_error err;
	char *pem;

	(void)state;
	/* PBKDF2 with 2^31-1 iterations: years, refused before running. */
	pem = encrypted_with(PKCS5_pbe2_set_iv(EVP_aes_256_cbc(), 0x7fffffff,
	    NULL, 0, NULL, NID_hmacWithSHA256));
	assert_int_equal(lf_sigkey_load_private((uint8_t *)pem, strlen(pem),
	                     give, &pw, &k, &err),
	    LF_E_LIMIT);
	assert_non_null(strstr(err.msg, "PBKDF2"));
	assert_int_equal(pw.calls, 0);
	free(pem);
	/* scrypt N=2^14 r=8 p=64: twice the cost allowed. */
	pem = encrypted_with(PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), NULL, 0,
	    NULL, 16384, 8, 64));
	assert_int_equal(lf_sigkey_load_private((uint8_t *)pem, strlen(pem),
	                     give, &pw, &k, &err),
	    LF_E_LIMIT);
	assert_non_null(strstr(err.msg, "scrypt"));
	free(pem);
	/* PBKDF2 with 2048 iterations is fine, and the junk then does not
	 * decrypt. */
	pem = encrypted_with(PKCS5_pbe2_set_iv(EVP_aes_256_cbc(), 2048, NULL, 0,
	    NULL, NID_hmacWithSHA256));
	assert_int_equal(lf_sigkey_load_private((uint8_t *)pem, strlen(pem),
	                     give, &pw, &k, &err),
	    LF_E_CRYPTO);
	assert_int_equal(pw.calls, 1);
	free(pem);
	/* Legacy PKCS#12 PBE is not read. */
	pem =
	    encrypted_with(PKCS5_pbe_set(NID_pbe_WithSHA1And3_Key_TripleDES_CBC,
	        2048, NULL, 0));
	assert_int_equal(lf_sigkey_load_private((uint8_t *)pem, strlen(pem),
	                     give, &pw, &k, &err),
	    LF_E_NOTSUP);
	free(pem);
	assert_null(k);
}

static void
other_algorithms(void **state)
{
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	BIO *priv = BIO_new(BIO_s_mem()), *pub = BIO_new(BIO_s_mem());
	struct lf_sigkey *k = NULL;
	struct lf_error err;
	char *p;
	long n;

	(void)state;
	assert_non_null(ec);
	assert_int_equal(PEM_write_bio_PrivateKey(priv, ec, NULL, NULL, 0, NULL,
	                     NULL),
	    1);
	assert_int_equal(PEM_write_bio_PUBKEY(pub, ec), 1);
	n = BIO_get_mem_data(priv, &p);
	assert_int_equal(lf_sigkey_load_private((uint8_t *)p, (size_t)n, NULL,
	                     NULL, &k, &err),
	    LF_E_NOTSUP);
	assert_non_null(strstr(err.msg, "not an Ed25519 key"));
	n = BIO_get_mem_data(pub, &p);
	assert_int_equal(load_pub_rc(p, (size_t)n, &err), LF_E_NOTSUP);
	assert_null(k);
	BIO_free(priv);
	BIO_free(pub);
	EVP_PKEY_free(ec);
}

static void
damaged_pem(void **state)
{
	struct lf_error err;
	char text[512];

	(void)state;
	assert_int_equal(load_pub_rc("", 0, &err), LF_E_FORMAT);
	assert_int_equal(load_pub_rc("hello\n", 6, &err), LF_E_FORMAT);
	/* A byte after the DER structure (0x00 appended to the SPKI). */
	snprintf(text, sizeof(text),
	    "-----BEGIN PUBLIC KEY-----\n"
	    "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURoA\n"
	    "-----END PUBLIC KEY-----\n");
	assert_int_equal(load_pub_rc(text, strlen(text), &err), LF_E_FORMAT);
	/* Cut short. */
	snprintf(text, sizeof(text),
	    "-----BEGIN PUBLIC KEY-----\n"
	    "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcH\n"
	    "-----END PUBLIC KEY-----\n");
	assert_int_equal(load_pub_rc(text, strlen(text), &err), LF_E_FORMAT);
	/* Two keys in one file: which one would be meant? */
	snprintf(text, sizeof(text), "%s%s", rfc_pub, rfc_pub);
	assert_int_equal(load_pub_rc(text, strlen(text), &err), LF_E_FORMAT);
	assert_non_null(strstr(err.msg, "more than one PEM block"));
	/* Text around the block is allowed (RFC 7468). */
	snprintf(text, sizeof(text), "examiner's key\n%sthe end\n", rfc_pub);
	assert_int_equal(load_pub_rc(text, strlen(text), &err), LF_OK);
	/* Too large to be a key file. */
	assert_int_equal(load_pub_rc(rfc_pub, LF_SIGKEY_FILE_MAX + 1, &err),
	    LF_E_LIMIT);
}

static int
parse_pub(const char *text, struct lf_error *err)
{
	uint8_t id[LF_SIGKEY_ID_LEN], pub[LF_ED25519_PUB_LEN];

	return lf_minisign_pub_parse((const uint8_t *)text, strlen(text), id,
	    pub, err);
}

static void
minisign_pub_strict(void **state)
{
	struct lf_error err;
	char text[2048];

	(void)state;
	assert_int_equal(parse_pub(minisign_made, &err), LF_OK);
	/* CRLF lines, as an editor on another system may leave them. */
	assert_int_equal(
	    parse_pub("untrusted comment: x\r\n"
	              "RWQ2kHZYxSdhTD88tzCrmAkGYdQW8KeIH0BmyLqPJSea"
	              "WXz8w6G6nGNb\r\n",
	        &err),
	    LF_OK);
#define BAD(text, code, why)                                       \
	do {                                                       \
		assert_int_equal(parse_pub(text, &err), code);     \
		if (strstr(err.msg, why) == NULL)                  \
			fail_msg("'%s' lacks '%s'", err.msg, why); \
	} while (0)
	BAD("untrusted comment: x\n"
	    "RWQ2kHZYxSdhTD88tzCrmAkGYdQW8KeIH0BmyLqPJSeaWXz8w6G6nGNb",
	    LF_E_FORMAT, "truncated");
	BAD("untrusted comment: x\n", LF_E_FORMAT, "truncated");
	BAD("untrusted comment: x\n"
	    "RWQ2kHZYxSdhTD88tzCrmAkGYdQW8KeIH0BmyLqPJSeaWXz8w6G6nGNb\n\n",
	    LF_E_FORMAT, "1 bytes after the key");
	BAD("comment: x\n"
	    "RWQ2kHZYxSdhTD88tzCrmAkGYdQW8KeIH0BmyLqPJSeaWXz8w6G6nGNb\n",
	    LF_E_FORMAT, "does not start with");
	/* A key cut short, one too long, a blank inside, a bad digit. */
	BAD("untrusted comment: x\n"
	    "RWQ2kHZYxSdhTD88tzCrmAkGYdQW8KeIH0BmyLqPJSeaWXz8w6G6\n",
	    LF_E_FORMAT, "base64 of 39 bytes, expected 42");
	BAD("untrusted comment: x\n"
	    "RWQ2kHZYxSdhTD88tzCrmAkGYdQW8KeIH0BmyLqPJSeaWXz8w6G6nGNbAAAA\n",
	    LF_E_FORMAT, "base64 of 45 bytes");
	BAD("untrusted comment: x\n"
	    "RWQ2kHZYxSdhTD88tzCrmAkGYdQW8KeIH0BmyLqPJSea WXz8w6G6nGN\n",
	    LF_E_FORMAT, "not base64");
	BAD("untrusted comment: x\n"
	    "RWQ2kHZYxSdhTD88tzCrmAkGYdQW8KeIH0BmyLqPJSeaWXz8w6G6nG-b\n",
	    LF_E_FORMAT, "not base64");
	/* Padding where 42 bytes need none. */
	BAD("untrusted comment: x\n"
	    "RWQ2kHZYxSdhTD88tzCrmAkGYdQW8KeIH0BmyLqPJSeaWXz8w6G6nGN=\n",
	    LF_E_FORMAT, "base64 of 41 bytes");
	/* An algorithm other than Ed ("ED" is for signatures only). */
	BAD("untrusted comment: x\n"
	    "RUQ2kHZYxSdhTD88tzCrmAkGYdQW8KeIH0BmyLqPJSeaWXz8w6G6nGNb\n",
	    LF_E_NOTSUP, "algorithm");
	/* NUL or CR inside a line. */
	assert_int_equal(lf_minisign_pub_parse((const uint8_t *)"untrusted "
	                                                        "comment: \0\n"
	                                                        "RWQ\n",
	                     31, (uint8_t[8]){0}, (uint8_t[32]){0}, &err),
	    LF_E_FORMAT);
	assert_non_null(strstr(err.msg, "NUL"));
	BAD("untrusted comment: a\rb\n"
	    "RWQ2kHZYxSdhTD88tzCrmAkGYdQW8KeIH0BmyLqPJSeaWXz8w6G6nGNb\n",
	    LF_E_FORMAT, "CR");
	/* A comment line longer than minisign reads. */
	memset(text, 'c', sizeof(text));
	memcpy(text, "untrusted comment: ", 19);
	snprintf(text + 1100, sizeof(text) - 1100,
	    "\nRWQ2kHZYxSdhTD88tzCrmAkGYdQW8KeIH0BmyLqPJSeaWXz8w6G6nGNb\n");
	BAD(text, LF_E_FORMAT, "longer than 1023");
#undef BAD
}

static void
fingerprint_parse(void **state)
{
	uint8_t a[LF_SIGKEY_FPR_LEN], b[LF_SIGKEY_FPR_LEN];
	char colons[200];
	size_t i, o = 0;

	(void)state;
	assert_int_equal(lf_fingerprint_parse(RFC_FPR, a, NULL), LF_OK);
	assert_int_equal(lf_fingerprint_parse("SHA256:" RFC_FPR, b, NULL),
	    LF_OK);
	assert_memory_equal(a, b, sizeof(a));
	for (i = 0; i < 64; i += 2) {
		colons[o++] =
		    (char)(RFC_FPR[i] >= 'a' ? RFC_FPR[i] - 32 : RFC_FPR[i]);
		colons[o++] =
		    (char)(RFC_FPR[i + 1] >= 'a' ? RFC_FPR[i + 1] - 32 :
		                                   RFC_FPR[i + 1]);
		colons[o++] = ':';
	}
	colons[o - 1] = '\0';
	assert_int_equal(lf_fingerprint_parse(colons, b, NULL), LF_OK);
	assert_memory_equal(a, b, sizeof(a));
	assert_int_equal(lf_fingerprint_parse(RFC_FPR "0", b, NULL),
	    LF_E_INVAL);
	assert_int_equal(lf_fingerprint_parse(RFC_FPR + 1, b, NULL),
	    LF_E_INVAL);
	assert_int_equal(lf_fingerprint_parse("", b, NULL), LF_E_INVAL);
	assert_int_equal(lf_fingerprint_parse(":" RFC_FPR, b, NULL),
	    LF_E_INVAL);
	colons[5] = 'g';
	assert_int_equal(lf_fingerprint_parse(colons, b, NULL), LF_E_INVAL);
}

/* Every allocation failing in turn: an error, never a crash or leak. */
static void
allocation_failures(void **state)
{
	struct lf_sigkey *k;
	struct lf_buf b;
	long n;
	int rc;

	(void)state;
	for (n = 0; n < 200; n++) {
		k = NULL;
		failalloc_after(n);
		rc = lf_sigkey_load_public((const uint8_t *)rfc_pub,
		    strlen(rfc_pub), &k, NULL);
		if (rc == LF_OK) {
			lf_buf_init(&b, 4096);
			(void)lf_sigkey_minisign_pub(k, &b, NULL);
			lf_buf_release(&b);
		}
		failalloc_off();
		assert_true((rc == LF_OK) == (k != NULL));
		lf_sigkey_free(k);
		if (rc == LF_OK && failalloc_count() < n)
			break;
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rfc_vector),
	    cmocka_unit_test(minisign_key_id_kept),
	    cmocka_unit_test(generate_and_encrypt),
	    cmocka_unit_test(kdf_cost_bounded),
	    cmocka_unit_test(other_algorithms),
	    cmocka_unit_test(damaged_pem),
	    cmocka_unit_test(minisign_pub_strict),
	    cmocka_unit_test(fingerprint_parse),
	    cmocka_unit_test(allocation_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
