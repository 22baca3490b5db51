/*
 * Unit tests: lf_tsq (RFC 3161 time-stamp queries).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lf/text.h"
#include "lf/tsq.h"

/* SHA-512("abc"), FIPS 180-2 appendix C.1. */
#define ABC_SHA512                                                         \
	"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a" \
	"2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"

/*
 * TimeStampReq ::= SEQUENCE {
 *   version INTEGER 1,
 *   messageImprint SEQUENCE { SEQUENCE { OID 2.16.840.1.101.3.4.2.3
 *       (sha512), NULL }, OCTET STRING (64) },
 *   nonce INTEGER, certReq BOOLEAN TRUE }     (RFC 3161 section 2.4.1)
 */
#define IMPRINT                                                \
	"020101"                                               \
	"3051300d0609608648016503040203050004" /* alg, NULL */ \
	"40" ABC_SHA512
#define CERTREQ "0101ff"

static void
make(const char *nonce_hex, char *out, size_t outsz)
{
	uint8_t md[64], nonce[32];
	struct lf_buf b;
	long n;

	assert_int_equal(lf_hex_decode(ABC_SHA512, 128, md, sizeof(md)), 64);
	n = lf_hex_decode(nonce_hex, strlen(nonce_hex), nonce, sizeof(nonce));
	assert_true(n > 0);
	lf_buf_init(&b, 4096);
	assert_int_equal(lf_tsq_make(md, nonce, (size_t)n, &b, NULL), LF_OK);
	assert_true(2 * b.len + 1 <= outsz);
	lf_hex(out, b.data, b.len);
	lf_buf_release(&b);
}

static void
exact_der(void **state)
{
	char hex[1024];

	(void)state;
	make("0102030405060708", hex, sizeof(hex));
	assert_string_equal(hex, "3063" IMPRINT "02080102030405060708" CERTREQ);
	/* An INTEGER is signed: a high first bit takes a leading zero. */
	make("f102030405060708", hex, sizeof(hex));
	assert_string_equal(hex,
	    "3064" IMPRINT "020900f102030405060708" CERTREQ);
	/* Leading zero bytes are not part of the number. */
	make("00000000000000ff", hex, sizeof(hex));
	assert_string_equal(hex, "305d" IMPRINT "020200ff" CERTREQ);
}

static void
random_nonce(void **state)
{
	uint8_t md[64] = {0};
	struct lf_buf a, b;

	(void)state;
	lf_buf_init(&a, 4096);
	lf_buf_init(&b, 4096);
	assert_int_equal(lf_tsq_make(md, NULL, 0, &a, NULL), LF_OK);
	assert_int_equal(lf_tsq_make(md, NULL, 0, &b, NULL), LF_OK);
	/* Same length class, same imprint, different nonces. */
	assert_true(a.len >= 0x5d && a.len <= 0x66);
	assert_memory_not_equal(a.data, b.data, a.len < b.len ? a.len : b.len);
	lf_buf_release(&a);
	lf_buf_release(&b);
}

static void
bad_nonces(void **state)
{
	uint8_t md[64] = {0}, zero[8] = {0}, big[33] = {1};
	struct lf_error err;
	struct lf_buf b;

	(void)state;
	lf_buf_init(&b, 4096);
	assert_int_equal(lf_tsq_make(md, zero, sizeof(zero), &b, &err),
	    LF_E_INVAL);
	assert_int_equal(lf_tsq_make(md, big, sizeof(big), &b, &err),
	    LF_E_INVAL);
	assert_int_equal(lf_tsq_make(md, big, 0, &b, &err), LF_E_INVAL);
	assert_int_equal(b.len, 0);
	/* A buffer too small for the query. */
	lf_buf_init(&b, 16);
	assert_int_equal(lf_tsq_make(md, NULL, 0, &b, &err), LF_E_LIMIT);
	lf_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(exact_der),
	    cmocka_unit_test(random_nonce),
	    cmocka_unit_test(bad_nonces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
