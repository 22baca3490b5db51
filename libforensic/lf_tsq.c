/*
 * lf_tsq.c: RFC 3161 time-stamp queries (OpenSSL's TS_REQ).
 *
 * The query is built field by field as openssl ts -query builds it, so
 * that a time-stamping authority sees nothing it would not see from the
 * stock tool.
 */
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include "lf/tsq.h"

static int
make_imprint(TS_REQ *req, const uint8_t sha512[LF_TSQ_SHA512_LEN])
{
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	int ok = 0;

	if (mi == NULL || alg == NULL ||
	    X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha512), V_ASN1_NULL, NULL) !=
	        1 ||
	    TS_MSG_IMPRINT_set_algo(mi, alg) != 1 ||
	    TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)sha512,
	        LF_TSQ_SHA512_LEN) != 1 ||
	    TS_REQ_set_msg_imprint(req, mi) != 1)
		goto done;
	ok = 1;
done:
	/* The setters copy. */
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	return ok;
}

static int
set_nonce(TS_REQ *req, const uint8_t *nonce, size_t len)
{
	ASN1_INTEGER *n = NULL;
	BIGNUM *bn = BN_bin2bn(nonce, (int)len, NULL);
	int ok = 0;

	if (bn != NULL && (n = BN_to_ASN1_INTEGER(bn, NULL)) != NULL &&
	    TS_REQ_set_nonce(req, n) == 1)
		ok = 1;
	ASN1_INTEGER_free(n);
	BN_free(bn);
	return ok;
}

int
lf_tsq_make(const uint8_t sha512[LF_TSQ_SHA512_LEN], const uint8_t *nonce,
    size_t nonce_len, struct lf_buf *out, struct lf_error *err)
{
	uint8_t rnd[LF_TSQ_NONCE_LEN];
	unsigned char *der = NULL;
	TS_REQ *req = NULL;
	size_t i;
	int rc, len;

	if (nonce != NULL) {
		for (i = 0; i < nonce_len && nonce[i] == 0; i++)
			;
		if (nonce_len == 0 || nonce_len > LF_TSQ_NONCE_MAX ||
		    i == nonce_len)
			return lf_error_set(err, LF_E_INVAL,
			    "time-stamp query: a nonce is 1 to %d bytes, not "
			    "zero",
			    LF_TSQ_NONCE_MAX);
	} else {
		/* A zero nonce would be left out of the query: draw again. */
		do {
			if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
				ERR_clear_error();
				return lf_error_set(err, LF_E_CRYPTO,
				    "time-stamp query: no random nonce");
			}
			for (i = 0; i < sizeof(rnd) && rnd[i] == 0; i++)
				;
		} while (i == sizeof(rnd));
		nonce = rnd;
		nonce_len = sizeof(rnd);
	}
	if ((req = TS_REQ_new()) == NULL || TS_REQ_set_version(req, 1) != 1 ||
	    !make_imprint(req, sha512) || !set_nonce(req, nonce, nonce_len) ||
	    TS_REQ_set_cert_req(req, 1) != 1 ||
	    (len = i2d_TS_REQ(req, &der)) <= 0) {
		rc = lf_error_set(err, LF_E_CRYPTO,
		    "time-stamp query: cannot build it");
		goto done;
	}
	rc = lf_buf_append(out, der, (size_t)len, err);
done:
	ERR_clear_error();
	OPENSSL_free(der);
	TS_REQ_free(req);
	return rc;
}
