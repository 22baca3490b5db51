/*
 * Unit tests: lf_tlsh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lf/tlsh.h"
#include "vectors.h"

/* `tlsh -f` on lcg_bytes(n), with the T1 prefix added. */
static const struct {
	size_t n;
	const char *tlsh;
} known[] = {
    {300,
        "T137E0E753510130D4A89345BA12353973FFC5DCAA1645531147C04443751D7"
        "61D94DD15"},
    {1000,
        "T13C11C89FE726B3A02557807512F92013D527DF950EDDAE244B4205C6B22"
        "C3D69608C6D"},
    {100000,
        "T1A7A312C176DC7E0AD1ABD5E7C9CBACE417AB905DC49D2A8848120D8C3"
        "C8A03D999E57E"},
};

static void
hash_in_steps(const uint8_t *p, size_t n, size_t step, char *out)
{
	struct lf_tlsh t;
	size_t off, k;

	lf_tlsh_init(&t);
	for (off = 0; off < n; off += k) {
		k = n - off < step ? n - off : step;
		lf_tlsh_update(&t, p + off, k);
	}
	(void)lf_tlsh_final(&t, out);
}

static void
matches_debian_tlsh(void **state)
{
	char out[LF_TLSH_HEXLEN + 1];
	uint8_t *p = malloc(100000);
	size_t i;

	(void)state;
	assert_non_null(p);
	lcg_bytes(p, 100000);
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		hash_in_steps(p, known[i].n, known[i].n, out);
		assert_string_equal(out, known[i].tlsh);
	}
	free(p);
}

static void
any_split_gives_the_same_digest(void **state)
{
	static const size_t steps[] = {1, 2, 3, 4, 5, 7, 64, 4095};
	char whole[LF_TLSH_HEXLEN + 1], part[LF_TLSH_HEXLEN + 1];
	uint8_t p[5000];
	size_t i;

	(void)state;
	lcg_bytes(p, sizeof(p));
	hash_in_steps(p, sizeof(p), sizeof(p), whole);
	assert_int_equal(strlen(whole), LF_TLSH_HEXLEN);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		hash_in_steps(p, sizeof(p), steps[i], part);
		assert_string_equal(part, whole);
	}
}

static void
undefined_when_short_or_uniform(void **state)
{
	char out[LF_TLSH_HEXLEN + 1] = "x";
	uint8_t p[4096];
	struct lf_tlsh t;

	(void)state;
	lcg_bytes(p, sizeof(p));
	lf_tlsh_init(&t);
	assert_false(lf_tlsh_final(&t, out));
	assert_string_equal(out, "");
	lf_tlsh_update(&t, p, 49);
	assert_false(lf_tlsh_final(&t, out));
	/* TLSH 4 starts at 50 bytes; the state is kept, so go on. */
	lf_tlsh_update(&t, p + 49, 1);
	assert_true(lf_tlsh_final(&t, out));
	assert_memory_equal(out, "T1", 2);
	memset(p, 'A', sizeof(p));
	lf_tlsh_init(&t);
	lf_tlsh_update(&t, p, sizeof(p));
	assert_false(lf_tlsh_final(&t, out));
}

static void
length_is_in_the_digest(void **state)
{
	char a[LF_TLSH_HEXLEN + 1], b[LF_TLSH_HEXLEN + 1];
	uint8_t p[2000];

	(void)state;
	lcg_bytes(p, sizeof(p));
	/* Bytes 4-5 hold the length code: 1000 and 2000 bytes differ. */
	hash_in_steps(p, 1000, 1000, a);
	hash_in_steps(p, 2000, 2000, b);
	assert_memory_not_equal(a + 4, b + 4, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(matches_debian_tlsh),
	    cmocka_unit_test(any_split_gives_the_same_digest),
	    cmocka_unit_test(undefined_when_short_or_uniform),
	    cmocka_unit_test(length_is_in_the_digest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
