/*
 * Unit tests: lf_sealcms, the CMS AuthEnvelopedData layer of a sealed
 * object.
 *
 * Recipients are made here (an RSA and an EC key, each with a
 * self-signed certificate).  The sealing zip writes straight into the CMS
 * writer; both recipients open the result to the original content, a
 * stranger's key is refused as no recipient, a name not expected as the
 * zip's fault, a changed byte in the content or the tag as the GCM
 * check's, truncations throughout as truncated, and a plain zip as no
 * CMS.
 * (openssl cms itself reads and writes these in tests/cli/t_seal.sh.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "lf/reader.h"
#include "lf/seal.h"
#include "lf/sealcms.h"

#define EPOCH 1700000000

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

static int
sink_data(void *arg, const uint8_t *p, size_t n, struct lf_error *err)
{
	return mem_write(arg, p, n, err);
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
opts_for(struct lf_seal_opts *o, const uint8_t *p, size_t n, char name[65])
{
	unsigned int len = 0;
	int i;

	memset(o, 0, sizeof(*o));
	o->method = LF_SEAL_AES256;
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

static void
seal(const struct lf_seal_opts *o, const uint8_t *p, size_t n, struct mem *out)
{
	struct lf_seal_zip *z;
	struct lf_error err;

	memset(out, 0, sizeof(*out));
	assert_int_equal(lf_seal_zip_new(o, mem_write, out, &z, &err), LF_OK);
	assert_int_equal(lf_seal_zip_update(z, p, n, &err), LF_OK);
	assert_int_equal(lf_seal_zip_finish(z, &err), LF_OK);
	lf_seal_zip_free(z);
}

struct keypair {
	uint8_t key[8192], cert[8192];
	size_t key_n, cert_n;
};

/* A key and a self-signed certificate, PEM, made here. */
static void
make_recipient(struct keypair *kp, bool ec)
{
	EVP_PKEY *k = ec ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256") :
	                   EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	X509 *x = X509_new();
	X509_NAME *nm;
	BIO *b;
	char *p;
	long n;

	assert_non_null(k);
	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), 7), 1);
	nm = X509_get_subject_name(x);
	assert_int_equal(X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
	                     (const unsigned char *)"recipient", -1, -1, 0),
	    1);
	assert_int_equal(X509_set_issuer_name(x, nm), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), 0));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 86400));
	assert_int_equal(X509_set_pubkey(x, k), 1);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	b = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL,
	                     NULL),
	    1);
	n = BIO_get_mem_data(b, &p);
	assert_true(n > 0 && (size_t)n <= sizeof(kp->key));
	memcpy(kp->key, p, (size_t)n);
	kp->key_n = (size_t)n;
	BIO_free(b);
	b = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_X509(b, x), 1);
	n = BIO_get_mem_data(b, &p);
	assert_true(n > 0 && (size_t)n <= sizeof(kp->cert));
	memcpy(kp->cert, p, (size_t)n);
	kp->cert_n = (size_t)n;
	BIO_free(b);
	X509_free(x);
	EVP_PKEY_free(k);
}

static int
uncms(const struct mem *c, const struct keypair *kp, const char *name,
    struct mem *out, struct lf_unseal_info *info)
{
	struct lf_sealcms_blob key = {kp->key, kp->key_n};
	struct lf_sealcms_blob cert = {kp->cert, kp->cert_n};
	struct lf_reader *r;
	struct lf_error err;
	int rc;

	memset(out, 0, sizeof(*out));
	assert_int_equal(lf_reader_from_mem(c->p, c->n, &r, NULL), LF_OK);
	rc =
	    lf_unseal_cms(r, key, cert, NULL, name, sink_data, out, info, &err);
	lf_reader_free(r);
	return rc;
}

static void
test_cms(void **state)
{
	static uint8_t data[150000];
	static struct keypair rsa, ec, other;
	struct lf_sealcms_blob certs[2];
	struct lf_seal_opts o;
	struct lf_seal_zip *z;
	struct lf_sealcms *c;
	struct lf_unseal_info info;
	struct lf_error err;
	struct mem cms = {0}, plain, out;
	char name[65];
	size_t k;

	(void)state;
	make_recipient(&rsa, false);
	make_recipient(&ec, true);
	make_recipient(&other, true);
	fill(data, sizeof(data), 8);
	opts_for(&o, data, sizeof(data), name);
	seal(&o, data, sizeof(data), &plain);
	/* The zip writer straight into the CMS writer. */
	certs[0] = (struct lf_sealcms_blob){rsa.cert, rsa.cert_n};
	certs[1] = (struct lf_sealcms_blob){ec.cert, ec.cert_n};
	assert_int_equal(lf_sealcms_new(certs, 2, mem_write, &cms, &c, &err),
	    LF_OK);
	assert_int_equal(lf_seal_zip_new(&o, lf_sealcms_write, c, &z, &err),
	    LF_OK);
	assert_int_equal(lf_seal_zip_update(z, data, sizeof(data), &err),
	    LF_OK);
	assert_int_equal(lf_seal_zip_finish(z, &err), LF_OK);
	lf_seal_zip_free(z);
	assert_int_equal(lf_sealcms_finish(c, &err), LF_OK);
	lf_sealcms_free(c);
	assert_int_equal(cms.p[0], 0x30);
	/* The zip inside is not in the clear. */
	for (k = 0; k + 64 <= cms.n; k++)
		assert_memory_not_equal(cms.p + k, name, 64);

	assert_int_equal(uncms(&cms, &rsa, name, &out, &info), LF_OK);
	assert_int_equal(out.n, sizeof(data));
	assert_memory_equal(out.p, data, sizeof(data));
	free(out.p);
	assert_int_equal(uncms(&cms, &ec, name, &out, &info), LF_OK);
	assert_int_equal(out.n, sizeof(data));
	free(out.p);
	assert_int_equal(uncms(&cms, &other, name, &out, &info), LF_E_FORMAT);
	assert_int_equal(info.fault, LF_UNSEAL_RECIPIENT);
	free(out.p);
	assert_int_equal(uncms(&cms, &ec, "other", &out, &info), LF_E_FORMAT);
	assert_int_equal(info.fault, LF_UNSEAL_NAME);
	free(out.p);
	/* Changed content, changed tag: the GCM check fails. */
	{
		struct mem bad = {malloc(cms.n), cms.n, cms.n};
		size_t at[] = {cms.n / 2, cms.n - 10};
		int i;
		assert_non_null(bad.p);
		for (i = 0; i < 2; i++) {
			memcpy(bad.p, cms.p, cms.n);
			bad.p[at[i]] ^= 0x04;
			assert_int_equal(uncms(&bad, &ec, name, &out, &info),
			    LF_E_FORMAT);
			assert_int_equal(info.fault, LF_UNSEAL_AUTH);
			free(out.p);
		}
		for (k = 1; k < cms.n; k += k < 2000 ? 97 : 9973) {
			bad.n = k;
			assert_int_equal(uncms(&bad, &ec, name, &out, &info),
			    LF_E_FORMAT);
			assert_true(info.fault == LF_UNSEAL_TRUNCATED ||
			    info.fault == LF_UNSEAL_NOT_CMS);
			free(out.p);
		}
		free(bad.p);
	}
	/* The plain zip is no CMS. */
	assert_int_equal(uncms(&plain, &ec, name, &out, &info), LF_E_FORMAT);
	assert_int_equal(info.fault, LF_UNSEAL_NOT_CMS);
	free(out.p);
	/* Bad certificates. */
	certs[0] = (struct lf_sealcms_blob){(const uint8_t *)"junk", 4};
	assert_int_equal(lf_sealcms_new(certs, 1, mem_write, &cms, &c, &err),
	    LF_E_INVAL);
	assert_int_equal(lf_sealcms_new(certs, 0, mem_write, &cms, &c, &err),
	    LF_E_INVAL);
	free(plain.p);
	free(cms.p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
