/*
 * Unit tests: lf_digest, with the published test vectors (RFC 1321 for
 * MD5, the FIPS 180 examples for SHA-1, SHA-256 and SHA-512).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "failalloc.h"
#include "lf/digest.h"
#include "vectors.h"

#define MILLION_A ((const char *)1) /* marker: 1,000,000 times "a" */

struct vector {
	enum lf_digest_alg alg;
	const char *input;
	const char *hex;
};

static const struct vector vectors[] = {
    {LF_MD5, "", "d41d8cd98f00b204e9800998ecf8427e"},
    {LF_MD5, "a", "0cc175b9c0f1b6a831c399e269772661"},
    {LF_MD5, "abc", "900150983cd24fb0d6963f7d28e17f72"},
    {LF_MD5, "message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
    {LF_MD5, "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
    {LF_MD5, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "d174ab98d277d9f5a5611c2c9f419d9f"},
    {LF_MD5,
        "1234567890123456789012345678901234567890123456789012345678901234"
        "5678901234567890",
        "57edf4a22be3c955ac49da2e2107b67a"},
    {LF_SHA1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
    {LF_SHA1, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
    {LF_SHA1, MILLION_A, "34aa973cd4c4daa4f61eeb2bdbad27316534016f"},
    {LF_SHA256, "abc",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {LF_SHA256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {LF_SHA256, MILLION_A,
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    {LF_SHA512, "abc",
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
    {LF_SHA512,
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
        "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
        "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
        "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"},
    {LF_SHA512, MILLION_A,
        "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
        "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"},
};

static void
feed(struct lf_digest *d, const char *input)
{
	char block[1000];
	int i;

	if (input != MILLION_A) {
		assert_int_equal(lf_digest_update(d, input, strlen(input),
		                     NULL),
		    LF_OK);
		return;
	}
	memset(block, 'a', sizeof(block));
	for (i = 0; i < 1000; i++)
		assert_int_equal(lf_digest_update(d, block, sizeof(block),
		                     NULL),
		    LF_OK);
}

static void
published_vectors(void **state)
{
	struct lf_digest_result res;
	struct lf_digest *d;
	char text[LF_DIGEST_TEXT_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];
		assert_int_equal(lf_digest_new(LF_DIGEST_BIT(v->alg), &d, NULL),
		    LF_OK);
		feed(d, v->input);
		assert_int_equal(lf_digest_final(d, &res, NULL), LF_OK);
		assert_true(lf_digest_text(&res, v->alg, text));
		assert_string_equal(text, v->hex);
		lf_digest_free(d);
	}
}

static void
all_at_once_equals_one_by_one(void **state)
{
	struct lf_digest_result all, one;
	struct lf_digest *d, *s;
	char ta[LF_DIGEST_TEXT_MAX], to[LF_DIGEST_TEXT_MAX];
	uint8_t *p = malloc(300000);
	int a;

	(void)state;
	lcg_bytes(p, 300000);
	assert_int_equal(lf_digest_new(LF_DIGEST_ALL, &d, NULL), LF_OK);
	assert_int_equal(lf_digest_reset(d, 300000, NULL), LF_OK);
	assert_int_equal(lf_digest_update(d, p, 100000, NULL), LF_OK);
	assert_int_equal(lf_digest_update(d, p + 100000, 200000, NULL), LF_OK);
	assert_int_equal(lf_digest_final(d, &all, NULL), LF_OK);
	assert_int_equal(all.size, 300000);
	for (a = 0; a < LF_DIGEST_NALGS; a++) {
		assert_int_equal(lf_digest_new(LF_DIGEST_BIT(a), &s, NULL),
		    LF_OK);
		/* Unknown size: ssdeep must agree with the announced one. */
		assert_int_equal(lf_digest_update_one(s, a, p, 300000, NULL),
		    LF_OK);
		assert_int_equal(lf_digest_final(s, &one, NULL), LF_OK);
		assert_true(lf_digest_text(&all, a, ta));
		assert_true(lf_digest_text(&one, a, to));
		assert_string_equal(ta, to);
		lf_digest_free(s);
	}
	/* Reuse after reset gives the same answer. */
	assert_int_equal(lf_digest_reset(d, LF_SIZE_UNKNOWN, NULL), LF_OK);
	assert_int_equal(lf_digest_update(d, p, 300000, NULL), LF_OK);
	assert_int_equal(lf_digest_final(d, &one, NULL), LF_OK);
	assert_memory_equal(all.sha512, one.sha512, 64);
	assert_string_equal(all.ssdeep, one.ssdeep);
	assert_string_equal(all.tlsh, one.tlsh);
	lf_digest_free(d);
	free(p);
}

static void
fuzzy_hashes_match_debian_tools(void **state)
{
	struct lf_digest_result res;
	struct lf_digest *d;
	uint8_t p[1000];

	(void)state;
	lcg_bytes(p, sizeof(p));
	assert_int_equal(lf_digest_new(LF_DIGEST_BIT(LF_SSDEEP) |
	                         LF_DIGEST_BIT(LF_TLSH),
	                     &d, NULL),
	    LF_OK);
	assert_int_equal(lf_digest_update(d, p, sizeof(p), NULL), LF_OK);
	assert_int_equal(lf_digest_final(d, &res, NULL), LF_OK);
	/* `ssdeep -s` and `tlsh -f` on the same 1000 bytes. */
	assert_string_equal(res.ssdeep,
	    "24:b+GlL0ooDGQ9NOC7lMCPOaNDDm8M03TZ65kFL9me8DAD3c:"
	    "b+GlFZzC7eaNfm839g");
	assert_string_equal(res.tlsh,
	    "T13C11C89FE726B3A02557807512F92013D52"
	    "7DF950EDDAE244B4205C6B22C3D69608C6D");
	lf_digest_free(d);
}

static void
changed_size_is_detected(void **state)
{
	struct lf_digest_result res;
	struct lf_digest *d;
	struct lf_error e;

	(void)state;
	assert_int_equal(lf_digest_new(LF_DIGEST_DEFAULT |
	                         LF_DIGEST_BIT(LF_SSDEEP),
	                     &d, NULL),
	    LF_OK);
	assert_int_equal(lf_digest_reset(d, 10, NULL), LF_OK);
	assert_int_equal(lf_digest_update(d, "0123456789x", 11, &e),
	    LF_E_CHANGED);
	assert_int_equal(lf_digest_reset(d, 10, NULL), LF_OK);
	assert_int_equal(lf_digest_update(d, "01234", 5, NULL), LF_OK);
	assert_int_equal(lf_digest_final(d, &res, &e), LF_E_CHANGED);
	assert_int_equal(e.code, LF_E_CHANGED);
	lf_digest_free(d);
}

static void
uneven_lanes_are_refused(void **state)
{
	struct lf_digest_result res;
	struct lf_digest *d;

	(void)state;
	assert_int_equal(lf_digest_new(LF_DIGEST_DEFAULT, &d, NULL), LF_OK);
	assert_int_equal(lf_digest_update_one(d, LF_MD5, "ab", 2, NULL), LF_OK);
	assert_int_equal(lf_digest_update_one(d, LF_SHA1, "a", 1, NULL), LF_OK);
	assert_int_equal(lf_digest_final(d, &res, NULL), LF_E_INVAL);
	assert_int_equal(lf_digest_update_one(d, LF_SHA512, "a", 1, NULL),
	    LF_E_INVAL);
	lf_digest_free(d);
}

static void
names_and_lists(void **state)
{
	unsigned algs = 0;
	struct lf_error e;

	(void)state;
	assert_int_equal(lf_digest_parse_algs("md5,SHA256,tlsh", &algs, &e),
	    LF_OK);
	assert_int_equal(algs,
	    LF_DIGEST_BIT(LF_MD5) | LF_DIGEST_BIT(LF_SHA256) |
	        LF_DIGEST_BIT(LF_TLSH));
	assert_int_equal(lf_digest_parse_algs("md5,,sha1", &algs, &e),
	    LF_E_INVAL);
	assert_int_equal(lf_digest_parse_algs("crc32", &algs, &e), LF_E_INVAL);
	assert_int_equal(lf_digest_parse_algs("", &algs, &e), LF_E_INVAL);
	assert_int_equal(algs,
	    LF_DIGEST_BIT(LF_MD5) | LF_DIGEST_BIT(LF_SHA256) |
	        LF_DIGEST_BIT(LF_TLSH));
	assert_int_equal(lf_digest_alg_from_name("sha5", 4), -1);
	assert_string_equal(lf_digest_alg_name(LF_SSDEEP), "ssdeep");
	assert_int_equal(lf_digest_raw_len(LF_SHA512), 64);
	assert_int_equal(lf_digest_raw_len(LF_TLSH), 0);
	assert_int_equal(lf_digest_new(0, NULL, &e), LF_E_INVAL);
	assert_int_equal(lf_digest_new(1u << 20, NULL, &e), LF_E_INVAL);
}

static void
tlsh_absent_text_is_empty(void **state)
{
	struct lf_digest_result res;
	struct lf_digest *d;
	char text[LF_DIGEST_TEXT_MAX];

	(void)state;
	assert_int_equal(lf_digest_new(LF_DIGEST_BIT(LF_TLSH), &d, NULL),
	    LF_OK);
	assert_int_equal(lf_digest_update(d, "short", 5, NULL), LF_OK);
	assert_int_equal(lf_digest_final(d, &res, NULL), LF_OK);
	assert_false(lf_digest_text(&res, LF_TLSH, text));
	assert_string_equal(text, "");
	assert_false(lf_digest_text(&res, LF_MD5, text)); /* not computed */
	lf_digest_free(d);
}

struct halves {
	const uint8_t *data;
	int given[3];
};

/* Stream i: its 3000 bytes (from data + 1000 * i) in two pieces. */
static bool
two_halves(void *arg, size_t stream, const uint8_t **p, size_t *n)
{
	struct halves *h = arg;

	if (h->given[stream] == 2)
		return false;
	*p = h->data + 1000 * stream + 1500 * (size_t)h->given[stream];
	*n = 1500;
	h->given[stream]++;
	return true;
}

static void
streams_equal_single_updates(void **state)
{
	struct lf_digest *ds[3], *one;
	struct lf_digest_result got, want;
	struct halves h;
	uint8_t data[5000];
	struct lf_error e;
	int a, i;

	(void)state;
	lcg_bytes(data, sizeof(data));
	for (i = 0; i < 3; i++)
		assert_int_equal(lf_digest_new(LF_DIGEST_DEFAULT, &ds[i], NULL),
		    LF_OK);
	for (a = 0; a < 3; a++) {
		memset(&h, 0, sizeof(h));
		h.data = data;
		assert_int_equal(lf_digest_update_streams(ds, 3, a, two_halves,
		                     &h, NULL),
		    LF_OK);
	}
	for (i = 0; i < 3; i++) {
		assert_int_equal(lf_digest_final(ds[i], &got, NULL), LF_OK);
		assert_int_equal(lf_digest_new(LF_DIGEST_DEFAULT, &one, NULL),
		    LF_OK);
		assert_int_equal(lf_digest_update(one, data + 1000 * i, 3000,
		                     NULL),
		    LF_OK);
		assert_int_equal(lf_digest_final(one, &want, NULL), LF_OK);
		assert_memory_equal(got.md5, want.md5, 16);
		assert_memory_equal(got.sha1, want.sha1, 20);
		assert_memory_equal(got.sha256, want.sha256, 32);
		lf_digest_free(one);
	}
	/* More than announced: refused, for MD5 as for the others. */
	for (a = 0; a < 2; a++) {
		assert_int_equal(lf_digest_reset(ds[0], 2000, NULL), LF_OK);
		memset(&h, 0, sizeof(h));
		h.data = data;
		assert_int_equal(lf_digest_update_streams(ds, 1,
		                     a == 0 ? LF_MD5 : LF_SHA1, two_halves, &h,
		                     &e),
		    LF_E_CHANGED);
	}
	for (i = 0; i < 3; i++)
		lf_digest_free(ds[i]);
}

static void
allocation_failures(void **state)
{
	struct lf_digest *d;
	long n;
	int rc;

	(void)state;
	for (n = 0; n < 8; n++) {
		d = NULL;
		failalloc_after(n);
		rc = lf_digest_new(LF_DIGEST_ALL, &d, NULL);
		failalloc_off();
		if (rc == LF_OK)
			lf_digest_free(d);
		else
			assert_int_equal(rc, LF_E_NOMEM);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(published_vectors),
	    cmocka_unit_test(all_at_once_equals_one_by_one),
	    cmocka_unit_test(fuzzy_hashes_match_debian_tools),
	    cmocka_unit_test(changed_size_is_detected),
	    cmocka_unit_test(uneven_lanes_are_refused),
	    cmocka_unit_test(names_and_lists),
	    cmocka_unit_test(tlsh_absent_text_is_empty),
	    cmocka_unit_test(streams_equal_single_updates),
	    cmocka_unit_test(allocation_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
