/*
 * Unit tests: lf_limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "lf/limits.h"

static void
defaults_match_the_table(void **state)
{
	const struct lf_limit_def *d;
	struct lf_limits l;
	size_t n, i;

	(void)state;
	lf_limits_default(&l);
	d = lf_limits_table(&n);
	assert_true(n >= 5);
	for (i = 0; i < n; i++) {
		uint64_t v;
		memcpy(&v, (char *)&l + d[i].offset, sizeof(v));
		assert_int_equal(v, d[i].dflt);
		assert_true(d[i].dflt >= d[i].min);
	}
	assert_int_equal(l.magic_bytes, 1024 * 1024);
}

static void
set_parses_names_and_suffixes(void **state)
{
	struct lf_limits l;
	struct lf_error e;

	(void)state;
	lf_limits_default(&l);
	assert_int_equal(lf_limits_set(&l, "walk-depth=7", &e), LF_OK);
	assert_int_equal(l.walk_depth, 7);
	assert_int_equal(lf_limits_set(&l, "list-line=2k", &e), LF_OK);
	assert_int_equal(l.list_line, 2048);
	assert_int_equal(lf_limits_set(&l, "magic-bytes=1M", &e), LF_OK);
	assert_int_equal(l.magic_bytes, 1048576);
	assert_int_equal(lf_limits_set(&l, "list-entries=3G", &e), LF_OK);
	assert_int_equal(l.list_entries, 3ULL << 30);
}

static void
set_rejects_bad_input(void **state)
{
	struct lf_limits l, before;
	struct lf_error e;

	(void)state;
	lf_limits_default(&l);
	before = l;
	assert_int_equal(lf_limits_set(&l, "nosuch=1", &e), LF_E_INVAL);
	assert_non_null(strstr(e.msg, "unknown limit"));
	assert_int_equal(lf_limits_set(&l, "walk-depth", &e), LF_E_INVAL);
	assert_int_equal(lf_limits_set(&l, "walk-depth=", &e), LF_E_INVAL);
	assert_int_equal(lf_limits_set(&l, "walk-depth=-1", &e), LF_E_INVAL);
	assert_int_equal(lf_limits_set(&l, "walk-depth=1x", &e), LF_E_INVAL);
	assert_int_equal(lf_limits_set(&l, "list-line=1", &e), LF_E_INVAL);
	assert_non_null(strstr(e.msg, "at least"));
	assert_int_equal(lf_limits_set(&l, "walk-depth=99999999999999999999",
	                     &e),
	    LF_E_INVAL);
	assert_int_equal(lf_limits_set(&l, "walk-depth=17179869184T", &e),
	    LF_E_INVAL);
	assert_memory_equal(&l, &before, sizeof(l));
}

static void
parse_size_bounds(void **state)
{
	uint64_t v = 5;

	(void)state;
	assert_int_equal(lf_parse_size("18446744073709551615", &v, NULL),
	    LF_OK);
	assert_true(v == UINT64_MAX);
	assert_int_equal(lf_parse_size("18446744073709551616", &v, NULL),
	    LF_E_INVAL);
	assert_int_equal(lf_parse_size("16777216T", &v, NULL), LF_E_INVAL);
	assert_int_equal(lf_parse_size("", &v, NULL), LF_E_INVAL);
	assert_int_equal(lf_parse_size("0", &v, NULL), LF_OK);
	assert_int_equal(v, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(defaults_match_the_table),
	    cmocka_unit_test(set_parses_names_and_suffixes),
	    cmocka_unit_test(set_rejects_bad_input),
	    cmocka_unit_test(parse_size_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
