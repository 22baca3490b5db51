/*
 * Unit tests: lf_jsonw.
 *
 * What is written is read back by jansson (another implementation) and
 * must be the same values: nesting, separators, every control byte, NUL,
 * bytes that are not UTF-8 (made visible), keys from the message; and the
 * failures: misuse, the buffer's cap, allocation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "failalloc.h"
#include "lf/jsonw.h"

static json_t *
read_back(const struct lf_buf *b)
{
	json_error_t e;
	json_t *j = json_loadb((const char *)b->data, b->len, 0, &e);

	if (j == NULL)
		fail_msg("not JSON (%s): %.*s", e.text, (int)b->len,
		    (const char *)b->data);
	return j;
}

static void
test_document(void **state)
{
	static const uint8_t odd[] = "a\"b\\c\n\t\x01\x1f\x7f\xc3\xa9";
	struct lf_buf b;
	struct lf_jsonw w;
	json_t *j, *want;

	(void)state;
	lf_buf_init(&b, 4096);
	lf_jsonw_init(&w, &b);
	lf_jsonw_object(&w);
	lf_jsonw_key(&w, "n");
	lf_jsonw_int(&w, -9007199254740993LL);
	lf_jsonw_key(&w, "t");
	lf_jsonw_bool(&w, true);
	lf_jsonw_key(&w, "z");
	lf_jsonw_null(&w);
	lf_jsonw_key(&w, "s");
	lf_jsonw_string(&w, odd, sizeof(odd) - 1);
	lf_jsonw_key(&w, "a");
	lf_jsonw_array(&w);
	lf_jsonw_array(&w);
	lf_jsonw_end(&w);
	lf_jsonw_object(&w);
	lf_jsonw_end(&w);
	lf_jsonw_cstr(&w, NULL);
	lf_jsonw_raw(&w, "[1,2]", 5);
	lf_jsonw_end(&w);
	lf_jsonw_keyn(&w, "k\"\x00\xff", 4);
	lf_jsonw_cstr(&w, "v");
	lf_jsonw_end(&w);
	assert_int_equal(lf_jsonw_finish(&w, NULL), LF_OK);
	j = read_back(&b);
	want = json_pack("{s:I, s:b, s:n, s:s, s:[[], {}, n, [i, i]], s:s}",
	    "n", (json_int_t)-9007199254740993LL, "t", 1, "z", "s",
	    (const char *)odd, "a", 1, 2, "k\"\\x00\\xFF", "v");
	assert_non_null(want);
	if (!json_equal(j, want))
		fail_msg("read back: %.*s", (int)b.len, (const char *)b.data);
	json_decref(j);
	json_decref(want);
	lf_buf_release(&b);
}

/* Bytes that are not UTF-8 (or hold NUL) come out escaped, visibly. */
static void
test_not_utf8(void **state)
{
	struct lf_buf b;
	struct lf_jsonw w;
	json_t *j;

	(void)state;
	lf_buf_init(&b, 4096);
	lf_jsonw_init(&w, &b);
	lf_jsonw_array(&w);
	lf_jsonw_string(&w, "caf\xe9", 4);
	lf_jsonw_string(&w, "a\0b", 3);
	lf_jsonw_string(&w, "", 0);
	lf_jsonw_end(&w);
	assert_int_equal(lf_jsonw_finish(&w, NULL), LF_OK);
	j = read_back(&b);
	assert_string_equal(json_string_value(json_array_get(j, 0)),
	    "caf\\xE9");
	assert_string_equal(json_string_value(json_array_get(j, 1)), "a\\x00b");
	assert_string_equal(json_string_value(json_array_get(j, 2)), "");
	json_decref(j);
	lf_buf_release(&b);
}

static void
test_failures(void **state)
{
	struct lf_buf b;
	struct lf_jsonw w;
	struct lf_error err;
	int i;

	(void)state;
	lf_buf_init(&b, 4096);
	/* Misuse: an end too many, a key with no value, left open. */
	lf_jsonw_init(&w, &b);
	lf_jsonw_end(&w);
	assert_int_equal(lf_jsonw_finish(&w, &err), LF_E_INVAL);
	lf_jsonw_init(&w, &b);
	lf_jsonw_object(&w);
	lf_jsonw_key(&w, "a");
	lf_jsonw_key(&w, "b");
	assert_int_equal(lf_jsonw_finish(&w, &err), LF_E_INVAL);
	lf_jsonw_init(&w, &b);
	lf_jsonw_array(&w);
	assert_int_equal(lf_jsonw_finish(&w, &err), LF_E_INVAL);
	/* Too deep. */
	lf_jsonw_init(&w, &b);
	for (i = 0; i < LF_JSONW_DEPTH + 1; i++)
		lf_jsonw_array(&w);
	assert_int_equal(lf_jsonw_finish(&w, &err), LF_E_LIMIT);
	lf_buf_release(&b);
	/* The buffer's cap. */
	lf_buf_init(&b, 8);
	lf_jsonw_init(&w, &b);
	lf_jsonw_cstr(&w, "longer than eight");
	assert_int_equal(lf_jsonw_finish(&w, &err), LF_E_LIMIT);
	lf_buf_release(&b);
	/* Memory. */
	lf_buf_init(&b, 4096);
	lf_jsonw_init(&w, &b);
	failalloc_after(0);
	lf_jsonw_cstr(&w, "x");
	failalloc_off();
	assert_int_equal(lf_jsonw_finish(&w, &err), LF_E_NOMEM);
	lf_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_document),
	    cmocka_unit_test(test_not_utf8),
	    cmocka_unit_test(test_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
